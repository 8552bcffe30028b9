// Reports, snapshots and open data on real PostgreSQL (K-OVER-1, K-OVER-5, K-ID-3, K-PERF-2):
//   - after a scripted campaign (submissions at two stages, seats and waiting lists, a withdrawal, a
//     refusal that promotes the next child, an enrolment, verified priorities, a direct admission,
//     open and overdue appeals) every figure of every level equals the count recomputed from rows;
//   - the trigger-kept counters reconcile with the rows; the daily snapshot is idempotent per day;
//   - a district officer sees only their district, a region officer their region, the ministry all,
//     a director their school; the rest is refused;
//   - exports and open data hold no personal data: every CSV/XLSX cell and the PDF's text are scanned
//     for 14-digit PIN-shaped values and for the children's and parents' names used here; the XLSX
//     reads back, the PDF starts with %PDF, the PNG has its signature and a sane size.
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportLabels } from '../../bot/features/oversight/reports-labels.ts';
import { translator } from '../../bot/i18n.ts';
import { openDataCommand, statsCommand } from '../../cli/opendata.ts';
import { AdjustableClock, bishkekTime } from '../../core/clock.ts';
import { createLogger } from '../../core/logger.ts';
import type { Registry } from '../../core/registry/tunduk.ts';
import { reportChartPng } from '../../core/reports/chart.ts';
import { reportCsv, reportPdf, reportSummary, reportXlsx, toBuffer } from '../../core/reports/files.ts';
import {
  REPORT_BASES,
  REPORT_LANGUAGES,
  REPORT_PRIORITIES,
  REPORT_SEXES,
  REPORT_STATUSES,
  type Report,
  type ScopeRequest,
} from '../../core/reports/model.ts';
import { openDataCsv, openDataService } from '../../core/reports/open-data.ts';
import { clearSeriesCache, seriesDays, warmSeriesCache } from '../../core/reports/queries.ts';
import { ReportError } from '../../core/reports/scope.ts';
import { type ReportsService, reportsService } from '../../core/reports/service.ts';
import { reconcileStats, takeDailySnapshot } from '../../core/reports/snapshot.ts';
import { applicationService } from '../../core/services/applications/service.ts';
import { schoolAdmissionsService } from '../../core/services/school/admissions.ts';
import { REQUIRED_DOCUMENTS } from '../../core/services/school/rules.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { parentPin, registryStub, type StubChild } from '../support/registry-stub.ts';
import { parseCsv, pdfText, scanForPersonalData, xlsxCells } from '../support/reports-harness.ts';
import { CAMPAIGN, STAGE1_OPEN, STAGE3_OPEN, seedSmallWorld } from '../support/small-world.ts';

const log = createLogger('silent');

/** Children's names (surname, name) and parents' names used in this test: none may reach a file. */
const CHILD_NAMES = [
  ['Абдыкадырова', 'Айжаркын'],
  ['Токтосунов', 'Бекзатбек'],
  ['Мамытбекова', 'Нурайым'],
  ['Жээнбеков', 'Эрмекбек'],
  ['Сатыбалдиева', 'Айпери'],
  ['Осмонкулов', 'Тилекмат'],
] as const;
const PARENT_NAMES = ['Гүлнара Абдыкадырова', 'Кубанычбек Токтосунов'];
const DIRECT_CHILD = 'Чолпонбекова Сезимай';
const NAMES = [...CHILD_NAMES.flat(), ...PARENT_NAMES, DIRECT_CHILD];

/** A valid 14-digit child PIN: sex digit (1 F, 2 M), birth date DDMMYYYY, sequence. */
const kidPin = (n: number) => `${n % 3 === 0 ? 2 : 1}15062019${String(n).padStart(5, '0')}`;
const momPin = (n: number) => parentPin(n);

const STAFF = {
  director1: 9101,
  admissions1: 9102,
  len: 9103,
  okt: 9104,
  bishkek: 9105,
  chuy: 9106,
  ministry: 9107,
  revoked: 9108,
  nobody: 9109,
  director3: 9110,
} as const;

describe('reports on PostgreSQL', () => {
  let t: TestDatabase;
  const clock = new AdjustableClock(STAGE1_OPEN);
  let reports: ReportsService;
  const ids: Record<string, number> = {};
  const children: StubChild[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    const { db } = t;
    // Bishkek: Lenin district with 3 schools (2 seats per language), Oktyabr with one; Chüy: one.
    await seedSmallWorld(db, {
      seats: { '10001:ky': 3, '10001:ru': 2, '10002:ky': 2, '10002:ru': 2, '10003:ky': 4, '10003:ru': 1 },
    });
    await db.territory.create({
      data: {
        id: 'KG-GB-OKT',
        kind: 'city_district',
        parentId: 'KG-GB',
        nameKy: 'Октябрь району',
        nameRu: 'Октябрьский район',
        nameEn: 'Oktyabr District',
      },
    });
    await db.territory.create({
      data: {
        id: 'KG-C',
        kind: 'region',
        nameKy: 'Чүй облусу',
        nameRu: 'Чуйская область',
        nameEn: 'Chüy Region',
      },
    });
    await db.territory.create({
      data: {
        id: 'KG-C-ALM',
        kind: 'district',
        parentId: 'KG-C',
        nameKy: 'Аламүдүн району',
        nameRu: 'Аламудунский район',
        nameEn: 'Alamüdün District',
      },
    });
    const extra: [string, string, string, string][] = [
      ['20001', 'KG-GB-OKT', 'Бишкек', 'Октябрь көчөсү'],
      ['30001', 'KG-C-ALM', 'Лебединовка', 'Садовая'],
    ];
    for (const [code, districtId, settlement, street] of extra) {
      const s = await db.school.create({
        data: {
          code,
          nameKy: `№ ${code} орто мектеби`,
          nameRu: `Средняя школа № ${code}`,
          nameEn: `Secondary School No. ${code}`,
          districtId,
          settlement,
          addressKy: `${settlement}, ${street}, 1`,
          addressRu: `${settlement}, ${street}, 1`,
          addressEn: `${settlement}, ${street} 1`,
          languages: ['ky', 'ru'],
          catchments: { create: [{ settlement, street, houseFrom: 1, houseTo: 100 }] },
        },
      });
      await db.quota.create({
        data: { schoolId: s.id, campaignId: CAMPAIGN, language: 'ky', seats: 3, approved: true },
      });
      await db.quota.create({
        data: { schoolId: s.id, campaignId: CAMPAIGN, language: 'ru', seats: 2, approved: true },
      });
    }
    for (const s of await db.school.findMany()) ids[s.code] = s.id;

    const staff: [keyof typeof STAFF, 'director' | 'admissions' | 'district' | 'ministry', string | null][] =
      [
        ['director1', 'director', '10001'],
        ['director3', 'director', '10003'],
        ['admissions1', 'admissions', '10001'],
        ['len', 'district', 'KG-GB-LEN'],
        ['okt', 'district', 'KG-GB-OKT'],
        ['bishkek', 'district', 'KG-GB'],
        ['chuy', 'district', 'KG-C'],
        ['ministry', 'ministry', null],
        ['revoked', 'district', 'KG-GB-LEN'],
      ];
    for (const [who, role, scope] of staff) {
      const school = role === 'director' || role === 'admissions';
      await db.staffMember.create({
        data: {
          telegramId: BigInt(STAFF[who]),
          role,
          schoolId: school && scope ? ids[scope] : null,
          territoryId: !school ? scope : null,
          displayName: `Staff ${who}`,
          revokedAt: who === 'revoked' ? new Date() : null,
        },
      });
    }
    reports = reportsService({ db, clock });
  });
  afterAll(() => t.drop());

  /** The stub's children, with the names above; child n lives in the catchment of `school`. */
  function registry(): Registry {
    const base = registryStub(children, { military: [kidPin(4), kidPin(11)] });
    const named = <T extends { surname: string; name: string } | null>(pin: string, r: T): T => {
      if (!r) return r;
      const i = Number(pin.slice(-5)) % CHILD_NAMES.length;
      const [surname, name] = CHILD_NAMES[i] as readonly [string, string];
      return { ...r, surname, name };
    };
    return {
      ...base,
      async birthRecord(pin, on) {
        return named(pin, await base.birthRecord(pin, on));
      },
      async verifyChild(input) {
        const r = await base.verifyChild(input);
        return r.status === 'ok' ? { ...r, record: named(input.childPin, r.record) } : r;
      },
    };
  }

  const addressFor = (code: string, house: string) => {
    if (code === '20001')
      return { districtId: 'KG-GB-OKT', settlement: 'Бишкек', street: 'Октябрь көчөсү', house };
    if (code === '30001')
      return { districtId: 'KG-C-ALM', settlement: 'Лебединовка', street: 'Садовая', house };
    const i = Number(code) - 10000;
    return { districtId: 'KG-GB-LEN', settlement: 'Бишкек', street: `Көчө ${i}`, house };
  };

  let apps: ReturnType<typeof applicationService>;
  const submitted: { n: number; id: string; outcome: string; code: string }[] = [];

  async function apply(n: number, code: string, lang: 'ky' | 'ru', priority?: 'military') {
    const tg = 50_000 + n;
    const d = await apps.createDraft({
      telegramId: tg,
      applicantPin: momPin(n),
      childPin: kidPin(n),
      certificateSeries: 'KG',
      certificateNumber: String(200000 + n),
    });
    await apps.chooseSchool(d.id, tg, code, lang);
    if (priority) await apps.claimPriority(d.id, tg, priority);
    await apps.setContact(d.id, tg, '0700 123 456', true);
    const r = await apps.submit(d.id, tg);
    submitted.push({ n, id: r.application.id, outcome: r.outcome, code });
    return r;
  }

  it('runs a scripted campaign: submissions, waiting lists, withdrawal, refusal, enrolment, direct admission, appeals', async () => {
    const plan: [number, string, 'ky' | 'ru', 'military'?][] = [
      [1, '10001', 'ky'],
      [2, '10001', 'ky'],
      [3, '10001', 'ky'],
      [4, '10001', 'ky', 'military'], // waitlisted, but first in line by priority
      [5, '10001', 'ru'],
      [6, '10001', 'ru'],
      [7, '10001', 'ru'], // waitlisted
      [8, '10002', 'ky'],
      [9, '10002', 'ru'],
      [10, '10003', 'ky'],
      [11, '10003', 'ky', 'military'],
      [12, '20001', 'ky'],
      [13, '20001', 'ru'],
      [14, '30001', 'ky'],
      [15, '30001', 'ky'],
    ];
    for (const [n, code] of plan) {
      children.push({
        pin: kidPin(n),
        series: 'KG',
        number: String(200000 + n),
        parents: [momPin(n)],
        address: addressFor(code, String(n)),
      });
    }
    // more children for stage III (any school with free seats)
    for (const n of [16, 17, 18]) {
      children.push({
        pin: kidPin(n),
        series: 'KG',
        number: String(200000 + n),
        parents: [momPin(n)],
        address: addressFor('10001', String(n)),
      });
    }
    // a draft that never gets submitted
    children.push({
      pin: kidPin(19),
      series: 'KG',
      number: '200019',
      parents: [momPin(19)],
      address: addressFor('10002', '19'),
    });
    apps = applicationService({ db: t.db, clock, registry: registry(), log });
    const school = schoolAdmissionsService({ db: t.db, clock, log });

    for (const [n, code, lang, prio] of plan) await apply(n, code, lang, prio);
    expect(submitted.filter((s) => s.outcome === 'waitlisted').map((s) => s.n)).toEqual([4, 7]);

    // a draft (counted apart, not as an application)
    const draft = await apps.createDraft({
      telegramId: 50_019,
      applicantPin: momPin(19),
      childPin: kidPin(19),
      certificateSeries: 'KG',
      certificateNumber: '200019',
    });
    await apps.chooseSchool(draft.id, 50_019, '10002', 'ky');

    // a parent withdraws an admitted child: the seat goes to child 4 (priority) at once
    const a2 = submitted.find((s) => s.n === 2) as { id: string };
    await apps.withdraw(a2.id, 50_002);
    // the school refuses child 5 (ru): child 7 gets the seat
    const a5 = submitted.find((s) => s.n === 5) as { id: string };
    await school.refuse({ telegramId: STAFF.director1 }, a5.id, {
      ground: 'parent_declined',
      note: 'Ата-энеси баш тартты',
    });
    // child 1 brings the six documents: enrolled
    const a1 = submitted.find((s) => s.n === 1) as { id: string };
    const before = clock.now();
    clock.set(bishkekTime('2026-08-03', '10:00')); // documents are brought from 1 August
    for (const d of REQUIRED_DOCUMENTS)
      await school.setDocument({ telegramId: STAFF.director1 }, a1.id, d, true);
    clock.set(before);
    // a direct admission by the Commission takes a seat of 10003 ky
    await school.directRecord(
      { telegramId: STAFF.director3 },
      { ground: 'commission', documentNumber: '№ 12/3', childName: DIRECT_CHILD, language: 'ky', sex: 'F' },
      ids['10003'],
    );
    // stage III: any school with free seats
    clock.set(STAGE3_OPEN);
    await apply(16, '10003', 'ky');
    await apply(17, '20001', 'ky');
    await apply(18, '30001', 'ru');

    // appeals: one open and overdue, one open and not yet due, one answered (not counted)
    const appealOn = async (
      n: number,
      status: string,
      due: Date,
      level: 'school' | 'district' = 'school',
    ) => {
      const a = submitted.find((s) => s.n === n) as { id: string; code: string };
      const school = await t.db.school.findUniqueOrThrow({ where: { code: a.code } });
      await t.db.appeal.create({
        data: {
          number: `AP-${n}-${status}`,
          applicationId: BigInt(a.id),
          telegramId: BigInt(50_000 + n),
          language: 'ky',
          level,
          schoolId: school.id,
          districtId: school.districtId,
          text: `${PARENT_NAMES[0]} арызы`,
          status,
          createdAt: bishkekTime('2026-06-01', '10:00'),
          dueAt: due,
        },
      });
    };
    await appealOn(5, 'open', bishkekTime('2026-06-20', '18:00')); // overdue at STAGE3_OPEN
    await appealOn(7, 'open', bishkekTime('2026-07-20', '18:00'), 'district'); // open, not due
    await appealOn(12, 'answered', bishkekTime('2026-06-20', '18:00'));
    await appealOn(14, 'open', bishkekTime('2026-06-25', '18:00')); // overdue in Chüy

    const statuses = Object.fromEntries(
      (await t.db.application.findMany({ select: { childPin: true, status: true } })).map((a) => [
        Number(a.childPin.slice(-5)),
        a.status,
      ]),
    );
    expect(statuses).toMatchObject({
      1: 'enrolled',
      2: 'withdrawn',
      4: 'admitted',
      5: 'rejected',
      7: 'admitted',
      16: 'admitted',
      19: 'draft',
    });
  });

  it('keeps the trigger-maintained counters equal to the rows (and quota.taken to the seat holders)', async () => {
    const r = await reconcileStats(t.db);
    expect(r.mismatches).toEqual([]);
    expect(r.quotas).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.applications).toBe(19);
    // a counter that drifts is found
    await t.db
      .$executeRaw`UPDATE application_stats SET n = n + 1 WHERE status = 'admitted' AND school_id = ${ids['10001']} AND n > 0 AND ctid = (SELECT ctid FROM application_stats WHERE status = 'admitted' AND school_id = ${ids['10001']} AND n > 0 LIMIT 1)`;
    const drift = await reconcileStats(t.db, { campaignId: CAMPAIGN });
    expect(drift.ok).toBe(false);
    expect(drift.mismatches).toHaveLength(1);
    expect(drift.mismatches[0]).toMatchObject({ status: 'admitted', schoolId: ids['10001'] });
    await t.db
      .$executeRaw`UPDATE application_stats SET n = n - 1 WHERE status = ${drift.mismatches[0]?.status} AND school_id = ${drift.mismatches[0]?.schoolId} AND language = ${drift.mismatches[0]?.language} AND basis = ${drift.mismatches[0]?.basis} AND priority = ${drift.mismatches[0]?.priority} AND sex = ${drift.mismatches[0]?.sex}`;
    expect((await reconcileStats(t.db)).ok).toBe(true);
  });

  /** The figures of a scope recomputed from application, quota, direct_admission and appeal rows. */
  async function fromRows(schoolCodes: string[]) {
    const schoolIds = schoolCodes.map((c) => ids[c] as number);
    const rows = await t.db.application.findMany({ where: { schoolId: { in: schoolIds } } });
    const count = (f: (a: (typeof rows)[number]) => boolean) =>
      rows.filter((a) => a.status !== 'draft' && f(a)).length;
    const byStatus = Object.fromEntries(REPORT_STATUSES.map((s) => [s, count((a) => a.status === s)]));
    const quotas = await t.db.quota.findMany({ where: { schoolId: { in: schoolIds } } });
    const direct = await t.db.directAdmission.count({
      where: { schoolId: { in: schoolIds }, withdrawnAt: null },
    });
    const now = clock.now();
    const appeals = await t.db.appeal.findMany({ where: { schoolId: { in: schoolIds }, status: 'open' } });
    const prio = (a: (typeof rows)[number]) =>
      a.priorityStatus === 'claimed' || a.priorityStatus === 'verified' ? a.priority : 'none';
    const sex = (a: (typeof rows)[number]) => ((a.child as { sex?: string } | null)?.sex ?? '-') as string;
    return {
      total: count(() => true),
      drafts: rows.filter((a) => a.status === 'draft').length,
      byStatus,
      byLanguage: Object.fromEntries(REPORT_LANGUAGES.map((l) => [l, count((a) => a.language === l)])),
      byBasis: Object.fromEntries(REPORT_BASES.map((b) => [b, count((a) => (a.basis ?? '-') === b)])),
      byPriority: Object.fromEntries(REPORT_PRIORITIES.map((p) => [p, count((a) => prio(a) === p)])),
      bySex: Object.fromEntries(REPORT_SEXES.map((s) => [s, count((a) => sex(a) === s)])),
      seats: quotas.reduce((a, q) => a + q.seats, 0),
      taken: quotas.reduce((a, q) => a + q.taken, 0),
      direct,
      appealsOpen: appeals.length,
      appealsOverdue: appeals.filter((a) => a.dueAt < now).length,
    };
  }

  function expectFigures(r: Report, e: Awaited<ReturnType<typeof fromRows>>) {
    expect(r.applications.total).toBe(e.total);
    expect(r.drafts).toBe(e.drafts);
    for (const s of REPORT_STATUSES) expect(r.applications[s], s).toBe(e.byStatus[s]);
    for (const l of REPORT_LANGUAGES) expect(r.byLanguage[l].total, l).toBe(e.byLanguage[l]);
    for (const b of REPORT_BASES) expect(r.byBasis[b].total, b).toBe(e.byBasis[b]);
    for (const p of REPORT_PRIORITIES) expect(r.byPriority[p].total, p).toBe(e.byPriority[p]);
    for (const s of REPORT_SEXES) expect(r.bySex[s].total, s).toBe(e.bySex[s]);
    expect(r.seats.total.seats).toBe(e.seats);
    expect(r.seats.total.taken).toBe(e.taken);
    expect(r.seats.total.free).toBe(e.seats - e.taken);
    expect(r.direct.total).toBe(e.direct);
    expect(r.appeals.open).toBe(e.appealsOpen);
    expect(r.appeals.overdue).toBe(e.appealsOverdue);
  }

  const ministry = { telegramId: STAFF.ministry };

  it('gives every level the figures recomputed from rows', async () => {
    const cases: [ScopeRequest, string[]][] = [
      [{ level: 'school', code: '10001' }, ['10001']],
      [{ level: 'school', code: '30001' }, ['30001']],
      [{ level: 'district', id: 'KG-GB-LEN' }, ['10001', '10002', '10003']],
      [{ level: 'district', id: 'KG-GB-OKT' }, ['20001']],
      [{ level: 'region', id: 'KG-GB' }, ['10001', '10002', '10003', '20001']],
      [{ level: 'region', id: 'KG-C' }, ['30001']],
      [{ level: 'nation' }, ['10001', '10002', '10003', '20001', '30001']],
    ];
    for (const [req, codes] of cases) {
      const r = await reports.report(ministry, req);
      expectFigures(r, await fromRows(codes));
    }
    const nation = await reports.report(ministry, { level: 'nation' });
    // the scripted sequence, in figures
    expect(nation.applications).toMatchObject({
      total: 18,
      enrolled: 1,
      withdrawn: 1,
      rejected: 1,
      waitlisted: 0,
    });
    expect(nation.byBasis.free_seats.total).toBe(3);
    expect(nation.byPriority.military.total).toBe(2);
    expect(nation.direct.total).toBe(1);
    expect(nation.appeals).toEqual({ open: 3, overdue: 2 });
    expect(nation.bySex.F.total + nation.bySex.M.total).toBe(18);
    expect(nation.bySex.M.total).toBe(6); // children 3, 6, 9, 12, 15, 18
    // units: regions of the country, districts of a region, schools of a district
    expect(nation.units.map((u) => u.id)).toEqual(['KG-C', 'KG-GB']); // by sort order, then id
    expect(nation.units.reduce((a, u) => a + u.applications.total, 0)).toBe(18);
    expect(nation.units.find((u) => u.id === 'KG-C')?.appealsOverdue).toBe(1);
    const bishkek = await reports.report(ministry, { level: 'region', id: 'KG-GB' });
    expect(bishkek.units.map((u) => u.id)).toEqual(['KG-GB-LEN', 'KG-GB-OKT']);
    expect(bishkek.schools).toBe(4);
    const len = await reports.report(ministry, { level: 'district', id: 'KG-GB-LEN' });
    expect(len.units.map((u) => u.id)).toEqual(['10001', '10002', '10003']);
    expect(len.scope.region?.id).toBe('KG-GB');
    const s1 = len.units.find((u) => u.id === '10001');
    expect(s1?.seats).toMatchObject({ seats: 5, taken: 5, free: 0, schools: 1 });
    const s3 = len.units.find((u) => u.id === '10003');
    expect(s3?.direct).toBe(1);
  });

  it('refuses what a role may not see: a district officer sees only their district', async () => {
    const outcome = async (who: keyof typeof STAFF, req: ScopeRequest) => {
      try {
        await reports.report({ telegramId: STAFF[who] }, req);
        return 'ok';
      } catch (e) {
        if (e instanceof ReportError) return e.code;
        throw e;
      }
    };
    const scopes: Record<string, ScopeRequest> = {
      s10001: { level: 'school', code: '10001' },
      s10002: { level: 'school', code: '10002' },
      s20001: { level: 'school', code: '20001' },
      s30001: { level: 'school', code: '30001' },
      len: { level: 'district', id: 'KG-GB-LEN' },
      okt: { level: 'district', id: 'KG-GB-OKT' },
      alm: { level: 'district', id: 'KG-C-ALM' },
      bishkek: { level: 'region', id: 'KG-GB' },
      chuy: { level: 'region', id: 'KG-C' },
      nation: { level: 'nation' },
    };
    const allowed: Record<keyof typeof STAFF, string[]> = {
      director1: ['s10001'],
      director3: [],
      admissions1: [],
      len: ['s10001', 's10002', 'len'],
      okt: ['s20001', 'okt'],
      bishkek: ['s10001', 's10002', 's20001', 'len', 'okt', 'bishkek'],
      chuy: ['s30001', 'alm', 'chuy'],
      ministry: Object.keys(scopes),
      revoked: [],
      nobody: [],
    };
    for (const who of Object.keys(STAFF) as (keyof typeof STAFF)[]) {
      for (const [name, req] of Object.entries(scopes)) {
        const got = await outcome(who, req);
        expect(`${who} → ${name}: ${got}`).toBe(
          `${who} → ${name}: ${allowed[who].includes(name) ? 'ok' : 'forbidden'}`,
        );
      }
    }
    // no such school or territory; a district id asked as a region
    expect(await outcome('ministry', { level: 'school', code: '99999' })).toBe('not_found');
    expect(await outcome('ministry', { level: 'region', id: 'KG-GB-LEN' })).toBe('not_found');
    expect(await outcome('ministry', { level: 'district', id: 'KG-GB' })).toBe('not_found');
    // the files' rows follow the same check
    await expect(
      reports.reportWithSchools({ telegramId: STAFF.len }, scopes.okt as ScopeRequest),
    ).rejects.toThrow('forbidden');
    const own = await reports.reportWithSchools({ telegramId: STAFF.len }, scopes.len as ScopeRequest);
    expect(own.schools.map((s) => s.code)).toEqual(['10001', '10002', '10003']);
  });

  it('offers each role its own scopes in the menu', async () => {
    const menu = (who: keyof typeof STAFF) => reports.menu({ telegramId: STAFF[who] });
    expect(await menu('len')).toMatchObject({
      own: [{ level: 'district', id: 'KG-GB-LEN' }],
      regions: false,
      schoolByCode: true,
    });
    expect(await menu('bishkek')).toMatchObject({ own: [{ level: 'region', id: 'KG-GB' }], regions: false });
    expect(await menu('ministry')).toMatchObject({
      own: [{ level: 'nation' }],
      regions: true,
      schoolByCode: true,
    });
    expect(await menu('director1')).toMatchObject({
      own: [{ level: 'school', id: '10001' }],
      regions: false,
      schoolByCode: false,
    });
    expect((await menu('admissions1')).own).toEqual([]);
    expect((await menu('revoked')).own).toEqual([]);
  });

  it('takes the daily snapshot once per day, and the report shows it through time', async () => {
    const day1 = bishkekTime('2026-07-02', '23:30');
    expect(await t.db.applicationStats.count({ where: { n: 0 } })).toBeGreaterThan(0); // children moved on
    const first = await takeDailySnapshot(t.db, day1);
    expect(await t.db.applicationStats.count({ where: { n: 0 } })).toBe(0);
    expect((await reconcileStats(t.db)).ok).toBe(true);
    expect(first.day).toBe('2026-07-02');
    const rows1 = await t.db.statsDaily.findMany({ orderBy: [{ schoolId: 'asc' }, { status: 'asc' }] });
    // the same day again: the same rows, nothing doubled
    const again = await takeDailySnapshot(t.db, bishkekTime('2026-07-02', '23:50'));
    expect(again.rows).toBe(first.rows);
    expect(await t.db.statsDaily.findMany({ orderBy: [{ schoolId: 'asc' }, { status: 'asc' }] })).toEqual(
      rows1,
    );
    const sum = rows1.filter((r) => r.status !== 'draft').reduce((a, r) => a + r.n, 0);
    expect(sum).toBe(18);
    // the next day (UTC still on the 2nd: the local date counts), after one more withdrawal
    const a16 = submitted.find((s) => s.n === 16) as { id: string };
    await apps.withdraw(a16.id, 50_016);
    const day2 = bishkekTime('2026-07-03', '01:00');
    expect(day2.toISOString().slice(0, 10)).toBe('2026-07-02');
    expect((await takeDailySnapshot(t.db, day2)).day).toBe('2026-07-03');
    const byDay = await t.db.$queryRaw<{ day: string; status: string; n: number }[]>`
      SELECT to_char(day, 'YYYY-MM-DD') AS day, status, SUM(n)::int AS n FROM stats_daily GROUP BY 1, 2`;
    const n = (day: string, status: string) =>
      byDay.find((r) => r.day === day && r.status === status)?.n ?? 0;
    expect(n('2026-07-02', 'withdrawn')).toBe(1);
    expect(n('2026-07-03', 'withdrawn')).toBe(2);

    clock.set(bishkekTime('2026-07-03', '12:00'));
    const r = await reports.report(ministry, { level: 'region', id: 'KG-GB' });
    expect(r.series.days).toEqual(['2026-07-02', '2026-07-03']);
    expect(r.series.byStatus.withdrawn).toEqual([1, 2]);
    expect(r.series.total).toEqual([15, 15]);
    const chuy = await reports.report(ministry, { level: 'region', id: 'KG-C' });
    expect(chuy.series.total).toEqual([3, 3]);
    // past days read for every scope at once (as the scheduler does) give the same series
    clearSeriesCache(t.db);
    expect(await warmSeriesCache(t.db, clock.now())).toBeGreaterThan(0);
    expect(await warmSeriesCache(t.db, clock.now())).toBe(0);
    expect((await reports.report(ministry, { level: 'region', id: 'KG-GB' })).series).toEqual(r.series);
    expect((await reports.report(ministry, { level: 'region', id: 'KG-C' })).series).toEqual(chuy.series);
    const nation = await reports.report(ministry, { level: 'nation' });
    expect(nation.series.total).toEqual([18, 18]);
    expect(nation.series.byStatus.withdrawn).toEqual([1, 2]);
    // a long campaign is sampled: at most 24 days, the first and the last 14 among them
    const days = seriesDays(bishkekTime('2026-04-01', '10:00'), bishkekTime('2026-09-15', '12:00'));
    expect(days.length).toBe(24);
    expect(days[0]).toBe('2026-04-01');
    expect(days.slice(-14)[0]).toBe('2026-09-02');
    expect(days.at(-1)).toBe('2026-09-15');
    expect(new Set(days).size).toBe(24);
    expect(seriesDays(bishkekTime('2026-04-01', '10:00'), bishkekTime('2026-04-10', '12:00'))).toHaveLength(
      10,
    );
  });

  it('writes CSV, XLSX, PDF and PNG without personal data; the XLSX reads back', async () => {
    const t0 = translator('ky');
    const labels = reportLabels(t0);
    const { report, schools } = await reports.reportWithSchools(ministry, { level: 'nation' });
    const png = reportChartPng(report, labels, 'ky');
    expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(
      true,
    );
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    expect(width).toBe(1000);
    expect(height).toBeGreaterThan(300);
    expect(height).toBeLessThan(3000);
    expect(png.length).toBeGreaterThan(5_000);

    const csv = (await toBuffer(reportCsv(report, schools, labels, 'ky'))).toString('utf8');
    const table = parseCsv(csv);
    expect(table[0]?.[0]).toBe('Облус же шаар');
    expect(table).toHaveLength(1 + 5);
    const row10001 = table.find((r) => r[2] === '10001') as string[];
    expect(Number(row10001[4])).toBe(7); // applications of school 10001
    scanForPersonalData(table.flat(), NAMES);

    const xlsx = await reportXlsx(report, schools, labels, 'ky');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Жыйынтык',
      'Облустар жана шаарлар',
      'Мектептер',
      'Күндөр',
    ]);
    const cells = xlsxCells(wb);
    expect(cells).toContain('Мектепке кабыл алынды');
    expect(cells).toContain('Бишкек шаары');
    scanForPersonalData(cells, NAMES);

    const pdf = await reportPdf(report, labels, 'ky', png);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(pdf);
    expect(text.replace(/\s+/g, '')).toContain(t0('reports:statuses.waitlisted').replace(/\s+/g, ''));
    scanForPersonalData([text], NAMES);

    // every level's files, in Russian too
    const ru = reportLabels(translator('ru'));
    for (const req of [
      { level: 'district', id: 'KG-GB-LEN' },
      { level: 'school', code: '10001' },
    ] as ScopeRequest[]) {
      const w = await reports.reportWithSchools(ministry, req);
      const x = new ExcelJS.Workbook();
      await x.xlsx.load((await reportXlsx(w.report, w.schools, ru, 'ru')) as unknown as ArrayBuffer);
      scanForPersonalData(xlsxCells(x), NAMES);
      scanForPersonalData(
        parseCsv((await toBuffer(reportCsv(w.report, w.schools, ru, 'ru'))).toString()).flat(),
        NAMES,
      );
      const p = pdfText(await reportPdf(w.report, ru, 'ru', reportChartPng(w.report, ru, 'ru')));
      scanForPersonalData([p], NAMES);
    }
    const summary = reportSummary(report, labels, 'ky').join('\n');
    expect(summary).toContain('Арыздар: 18');
    expect(summary).toMatch(/Мөөнөтү өткөн кайрылуулар: 2/);
  }, 120_000);

  it('has a scan that finds a name or a PIN when one is there', async () => {
    const report = await reports.report(ministry, { level: 'school', code: '10001' });
    const named = { ...reportLabels(translator('ky')), title: DIRECT_CHILD };
    const pinned = { ...reportLabels(translator('ky')), title: `№ ${kidPin(3)}` };
    const withName = pdfText(await reportPdf(report, named, 'ky'));
    const withPin = pdfText(await reportPdf(report, pinned, 'ky'));
    expect(() => scanForPersonalData([withName], NAMES)).toThrow(/found/);
    expect(() => scanForPersonalData([withPin], NAMES)).toThrow(/PIN-shaped/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await reportXlsx(report, null, named, 'ky')) as unknown as ArrayBuffer);
    expect(() => scanForPersonalData(xlsxCells(wb), NAMES)).toThrow(/found/);
  });

  it('publishes open data per school and per district: aggregates only, equal to the reports', async () => {
    const now = clock.now();
    const schoolsCsv = parseCsv(
      (await toBuffer(await openDataCsv(t.db, { level: 'school', now }))).toString('utf8'),
    );
    const districtsCsv = parseCsv(
      (await toBuffer(await openDataCsv(t.db, { level: 'district', now }))).toString('utf8'),
    );
    const head = schoolsCsv[0] as string[];
    expect(head.slice(0, 3)).toEqual(['campaign_id', 'academic_year', 'region_id']);
    expect(schoolsCsv).toHaveLength(6);
    expect(districtsCsv).toHaveLength(4);
    for (const c of [...schoolsCsv, ...districtsCsv]) scanForPersonalData(c, NAMES);
    // no column that could carry a person
    for (const h of [...head, ...(districtsCsv[0] as string[])])
      expect(h).not.toMatch(/pin|phone|child_name|surname|number$/);

    const col = (table: string[][], name: string) => (table[0] as string[]).indexOf(name);
    const len = await reports.report(ministry, { level: 'district', id: 'KG-GB-LEN' });
    const lenRow = districtsCsv.find((r) => r[col(districtsCsv, 'district_id')] === 'KG-GB-LEN') as string[];
    expect(Number(lenRow[col(districtsCsv, 'applications')])).toBe(len.applications.total);
    expect(Number(lenRow[col(districtsCsv, 'admitted')])).toBe(len.applications.admitted);
    expect(Number(lenRow[col(districtsCsv, 'girls')])).toBe(len.bySex.F.total);
    expect(Number(lenRow[col(districtsCsv, 'seats_free')])).toBe(len.seats.total.free);
    expect(Number(lenRow[col(districtsCsv, 'schools')])).toBe(3);
    const s = await reports.report(ministry, { level: 'school', code: '10003' });
    const sRow = schoolsCsv.find((r) => r[col(schoolsCsv, 'school_code')] === '10003') as string[];
    expect(Number(sRow[col(schoolsCsv, 'direct_admissions')])).toBe(s.direct.total);
    expect(Number(sRow[col(schoolsCsv, 'priority_military')])).toBe(s.byPriority.military.total);
    expect(Number(sRow[col(schoolsCsv, 'stage_free_seats')])).toBe(s.byBasis.free_seats.total);

    // the command line writes the same file; the counters' check passes
    const out = join(tmpdir(), `kattoo-opendata-${process.pid}.csv`);
    const lines: string[] = [];
    const io = {
      out: (l: string) => lines.push(l),
      err: (l: string) => lines.push(l),
      stdout: process.stdout,
      clock,
    };
    expect(await openDataCommand(t.db, ['--level', 'district', '--out', out], io)).toBe(0);
    expect(parseCsv(readFileSync(out, 'utf8'))).toEqual(districtsCsv);
    rmSync(out);
    expect(await openDataCommand(t.db, ['--level', 'person'], io)).toBe(2);
    expect(await statsCommand(t.db, ['reconcile'], io)).toBe(0);
    expect(lines.at(-1)).toBe('counters match the rows');

    // the public service keeps its file a few minutes
    const svc = openDataService({ db: t.db, clock });
    const a = await svc.csv('school');
    expect(a.name).toBe('kattoo-opendata-schools-2026-27.csv');
    expect(await svc.csv('school')).toBe(a);
  });
});
