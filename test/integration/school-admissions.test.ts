// The school's side of admission on real PostgreSQL (K-SCHOOL-2/3/5/6/9, K-PRIO-2, K-CORE-5, K-ID-3):
// the role × action matrix, the access log and the parent's view of it, the six documents of R-14 and
// enrolment, a refusal that frees the seat to the next waitlisted child, direct admissions that take
// seats and are refused when full, the staff register and undocumented children.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdjustableClock, bishkekTime } from '../../core/clock.ts';
import { RequiredDocument } from '../../core/db/generated/enums.ts';
import { createLogger } from '../../core/logger.ts';
import { applicationService } from '../../core/services/applications/service.ts';
import {
  type SchoolAdmissionsService,
  schoolAdmissionsService,
} from '../../core/services/school/admissions.ts';
import { SchoolError } from '../../core/services/school/errors.ts';
import { REQUIRED_DOCUMENTS } from '../../core/services/school/rules.ts';
import type { StaffRef } from '../../core/services/school/staff.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { childPin, parentPin, registryStub, type StubChild } from '../support/registry-stub.ts';
import { addressOf, STAGE1_OPEN, seedSmallWorld } from '../support/small-world.ts';

const log = createLogger('silent');

const STAFF = {
  director1: 9001,
  admissions1: 9002,
  director2: 9003,
  districtLen: 9004,
  districtOther: 9005,
  ministry: 9006,
  revoked1: 9007,
  parent: 1001,
} as const;
type Who = keyof typeof STAFF;
const ref = (who: Who): StaffRef => ({ telegramId: STAFF[who] });

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SchoolError) return e.code;
    throw e;
  }
  return 'allowed';
}

describe('school admissions on PostgreSQL', () => {
  let t: TestDatabase;
  const clock = new AdjustableClock(STAGE1_OPEN);
  const DOCUMENTS_OPEN = bishkekTime('2026-08-03', '10:00');
  const children: StubChild[] = [];
  for (let i = 1; i <= 30; i++) {
    const school = i <= 10 ? 1 : i <= 20 ? 2 : 3;
    children.push({
      pin: childPin(i),
      series: 'KG',
      number: String(100000 + i),
      parents: [parentPin(i)],
      address: addressOf(school, String(i)),
    });
  }
  let apps: ReturnType<typeof applicationService>;
  let school: SchoolAdmissionsService;
  let codes: string[];
  const schoolIds: number[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    ({ codes } = await seedSmallWorld(t.db, {
      seats: { '10001:ky': 2, '10001:ru': 2, '10002:ky': 3, '10003:ky': 2, '10003:ru': 1 },
    }));
    for (const code of codes) schoolIds.push((await t.db.school.findUniqueOrThrow({ where: { code } })).id);
    // another region with a district, for a district officer out of scope
    await t.db.territory.create({
      data: {
        id: 'KG-C',
        kind: 'region',
        nameKy: 'Чүй облусу',
        nameRu: 'Чуйская область',
        nameEn: 'Chüy Region',
      },
    });
    await t.db.territory.create({
      data: {
        id: 'KG-C-ALM',
        kind: 'district',
        parentId: 'KG-C',
        nameKy: 'Аламүдүн району',
        nameRu: 'Аламудунский район',
        nameEn: 'Alamüdün District',
      },
    });
    const staff: [Who, 'director' | 'admissions' | 'district' | 'ministry', number | null, string | null][] =
      [
        ['director1', 'director', schoolIds[0] as number, null],
        ['admissions1', 'admissions', schoolIds[0] as number, null],
        ['director2', 'director', schoolIds[1] as number, null],
        ['districtLen', 'district', null, 'KG-GB-LEN'],
        ['districtOther', 'district', null, 'KG-C-ALM'],
        ['ministry', 'ministry', null, null],
        ['revoked1', 'director', schoolIds[0] as number, null],
      ];
    for (const [who, role, schoolId, territoryId] of staff) {
      await t.db.staffMember.create({
        data: {
          telegramId: BigInt(STAFF[who]),
          role,
          schoolId,
          territoryId,
          displayName: `Secret Name ${who}`,
          revokedAt: who === 'revoked1' ? new Date() : null,
        },
      });
    }
    apps = applicationService({ db: t.db, clock, registry: registryStub(children), log });
    school = schoolAdmissionsService({ db: t.db, clock, log });
  });
  afterAll(() => t.drop());

  /** A submitted application of child i at school `s` (1-based) in `lang`. */
  async function apply(i: number, s: number, lang: 'ky' | 'ru' = 'ky', priority?: 'military' | 'staff') {
    const tg = 1000 + i;
    const d = await apps.createDraft({
      telegramId: tg,
      applicantPin: parentPin(i),
      childPin: childPin(i),
      certificateSeries: 'KG',
      certificateNumber: String(100000 + i),
    });
    await apps.chooseSchool(d.id, tg, codes[s - 1] as string, lang);
    if (priority) await apps.claimPriority(d.id, tg, priority);
    await apps.setContact(d.id, tg, '0700 123 456', true);
    const r = await apps.submit(d.id, tg);
    return { id: r.application.id, number: r.application.number, outcome: r.outcome, telegramId: tg };
  }

  let a1: Awaited<ReturnType<typeof apply>>;
  let a2: Awaited<ReturnType<typeof apply>>;
  let a3: Awaited<ReturnType<typeof apply>>;
  let b1: Awaited<ReturnType<typeof apply>>;

  it('sets up admitted and waitlisted applications', async () => {
    a1 = await apply(1, 1);
    a2 = await apply(2, 1);
    a3 = await apply(3, 1);
    b1 = await apply(11, 2);
    expect([a1.outcome, a2.outcome, a3.outcome, b1.outcome]).toEqual([
      'admitted',
      'admitted',
      'waitlisted',
      'admitted',
    ]);
  });

  it('role × action matrix: other schools, other districts, parents and revoked links are refused (K-ID-3)', async () => {
    const s1 = schoolIds[0] as number;
    const expected: Record<string, Record<Who, string>> = {
      read: {
        director1: 'allowed',
        admissions1: 'allowed',
        director2: 'not_found',
        districtLen: 'allowed',
        districtOther: 'not_found',
        ministry: 'allowed',
        revoked1: 'forbidden',
        parent: 'forbidden',
      },
      childData: {
        director1: 'allowed',
        admissions1: 'allowed',
        director2: 'not_found',
        districtLen: 'forbidden',
        districtOther: 'forbidden',
        ministry: 'forbidden',
        revoked1: 'forbidden',
        parent: 'forbidden',
      },
      register: {
        director1: 'allowed',
        admissions1: 'forbidden',
        director2: 'not_found',
        districtLen: 'forbidden',
        districtOther: 'forbidden',
        ministry: 'forbidden',
        revoked1: 'forbidden',
        parent: 'forbidden',
      },
    };
    const before = clock.now();
    clock.set(DOCUMENTS_OPEN); // the untick below is a document action: inside the document window
    for (const who of Object.keys(STAFF) as Who[]) {
      const r = ref(who);
      const got = {
        list: await refusal(school.list(r, { schoolId: s1 })),
        card: await refusal(school.card(r, a1.id)),
        registryData: await refusal(school.registryData(r, a1.id)),
        // a document that is already missing: unticking it changes nothing for whoever may
        untick: await refusal(school.setDocument(r, a1.id, 'photo_3x4', false)),
        decidePriority: await refusal(school.decidePriority(r, a1.id, { confirm: true })),
        registerList: await refusal(school.registerList(r, s1)),
        directList: await refusal(school.directList(r, s1)),
        undocumentedList: await refusal(school.undocumentedList(r, s1)),
      };
      expect(got.list, `${who} list`).toBe(expected.read?.[who]);
      expect(got.card, `${who} card`).toBe(expected.read?.[who]);
      expect(got.registryData, `${who} registry data`).toBe(expected.childData?.[who]);
      expect(got.untick, `${who} documents`).toBe(expected.childData?.[who]);
      // a1 has no claim: whoever may decide gets `no_claim`, the rest are refused as for documents
      const prio = expected.childData?.[who] === 'allowed' ? 'no_claim' : expected.childData?.[who];
      expect(got.decidePriority, `${who} priority`).toBe(prio);
      expect(got.registerList, `${who} register`).toBe(expected.register?.[who]);
      expect(got.directList, `${who} direct admissions`).toBe(expected.childData?.[who]);
      expect(got.undocumentedList, `${who} undocumented`).toBe(expected.childData?.[who]);
    }
    // forged ids (another school's application, nonsense) are refused the same way, never confirmed
    expect(await refusal(school.card(ref('director1'), b1.id))).toBe('not_found');
    expect(await refusal(school.setDocument(ref('director1'), b1.id, 'photo_3x4', true))).toBe('not_found');
    expect(
      await refusal(
        school.refuse(ref('director1'), b1.id, { ground: 'parent_declined', note: 'forged call' }),
      ),
    ).toBe('not_found');
    expect(await refusal(school.card(ref('director1'), 'abc'))).toBe('not_found');
    expect(await refusal(school.card(ref('director1'), '-1'))).toBe('not_found');
    expect(await refusal(school.card(ref('director1'), '99999999999'))).toBe('not_found');
    expect(await school.findByNumber(ref('director1'), b1.number)).toBeNull();
    expect(await refusal(school.findByNumber(ref('parent'), a1.number))).toBe('forbidden');
    // nothing was changed by the refused calls
    expect(await t.db.documentReceipt.count({ where: { applicationId: BigInt(b1.id) } })).toBe(0);
    clock.set(before);
  });

  it('logs every read of personal data, and the parent sees when, which role and which school (K-CORE-5)', async () => {
    await t.db.accessLog.deleteMany({});
    const page = await school.list(ref('director1'), { filter: { status: 'admitted' } });
    expect(page.items.map((i) => i.number).sort()).toEqual([a1.number, a2.number].sort());
    expect(page.total).toBe(2);
    const found = await school.findByNumber(
      ref('admissions1'),
      a1.number.split('-')[1]?.replace(/^0+/, '') ?? '',
    );
    expect(found?.number).toBe(a1.number);
    const data = await school.registryData(ref('director1'), a1.id);
    expect(data.childPin).toBe(childPin(1));
    expect(data.certificate).toEqual({ series: 'KG', number: '100001' });
    await school.card(ref('districtLen'), a1.id);

    const rows = await t.db.accessLog.findMany({
      where: { applicationId: BigInt(a1.id) },
      orderBy: { id: 'asc' },
    });
    expect(rows.map((r) => [r.role, r.what])).toEqual([
      ['director', 'list'],
      ['admissions', 'card'],
      ['director', 'registry_data'],
      ['district', 'card'],
    ]);
    expect(rows.every((r) => r.childPin === childPin(1))).toBe(true);
    // one row for each application shown in the list, none for a refused read
    expect(await t.db.accessLog.count({ where: { applicationId: BigInt(a2.id) } })).toBe(1);
    await refusal(school.registryData(ref('director2'), a1.id));
    expect(await t.db.accessLog.count({ where: { applicationId: BigInt(a1.id) } })).toBe(4);

    const seen = await school.whoLooked(a1.telegramId, a1.id);
    expect(seen).toHaveLength(4);
    expect(seen[0]).toMatchObject({
      role: 'district',
      place: { kind: 'territory', name: { en: 'Lenin District' } },
    });
    expect(seen.at(-1)).toMatchObject({
      role: 'director',
      what: 'list',
      place: { kind: 'school', code: codes[0], name: { en: 'Secondary School No. 1' } },
    });
    const text = JSON.stringify(seen);
    expect(text).not.toContain('Secret Name');
    expect(text).not.toContain(String(STAFF.director1));
    // another parent cannot ask about this application
    await expect(school.whoLooked(a2.telegramId, a1.id)).rejects.toMatchObject({ code: 'not_found' });
    expect(await school.whoLooked(a2.telegramId)).toHaveLength(1);
  });

  it('checks exactly the six documents of R-14 and enrols on the sixth (K-SCHOOL-3)', async () => {
    // the database enum, the generated client and the core's list are the same six, in R-14's order
    const dbEnum = await t.db.$queryRaw<
      { v: string }[]
    >`SELECT unnest(enum_range(NULL::"RequiredDocument"))::text AS v`;
    expect(dbEnum.map((r) => r.v)).toEqual([...REQUIRED_DOCUMENTS]);
    expect(Object.values(RequiredDocument)).toEqual([...REQUIRED_DOCUMENTS]);
    expect(REQUIRED_DOCUMENTS).toEqual([
      'application_form',
      'birth_certificate_copy',
      'parent_passport',
      'health_certificate',
      'vaccination_certificate',
      'photo_3x4',
    ]);
    const d = ref('admissions1');
    for (const other of ['interview', 'test_result', 'other', 'medical_card', '']) {
      expect(await refusal(school.setDocument(d, a1.id, other, true))).toBe('bad_input');
    }
    // a waitlisted child has no documents to check
    expect(await refusal(school.setDocument(d, a3.id, 'photo_3x4', true))).toBe('invalid_state');

    // before the document window (documents are brought from 1 August, R-13.2): refused, and the
    // director is told when it opens (finding 6)
    await expect(school.setDocument(d, a1.id, 'application_form', true)).rejects.toMatchObject({
      code: 'documents_not_open',
      params: { opens: bishkekTime('2026-08-01', '09:00').toISOString() },
    });
    expect((await school.card(d, a1.id)).received).toEqual([]);
    const before = clock.now();
    clock.set(DOCUMENTS_OPEN);
    for (const doc of REQUIRED_DOCUMENTS.slice(0, 5)) {
      const s = await school.setDocument(d, a1.id, doc, true);
      expect(s.status).toBe('admitted');
    }
    // a double tap changes nothing; an untick takes one back
    expect((await school.setDocument(d, a1.id, 'application_form', true)).received).toHaveLength(5);
    expect((await school.setDocument(d, a1.id, 'parent_passport', false)).received).toHaveLength(4);
    expect((await school.card(d, a1.id)).received).not.toContain('parent_passport');
    expect((await school.setDocument(d, a1.id, 'parent_passport', true)).status).toBe('admitted');
    const last = await school.setDocument(d, a1.id, 'photo_3x4', true);
    expect(last).toMatchObject({ status: 'enrolled', enrolledNow: true });
    expect(last.received).toEqual([...REQUIRED_DOCUMENTS]);
    // a repeated last tick (redelivered update) enrols once and tells once
    expect(await school.setDocument(d, a1.id, 'photo_3x4', true)).toMatchObject({ enrolledNow: false });
    expect(await refusal(school.setDocument(d, a1.id, 'photo_3x4', false))).toBe('invalid_state');
    const msgs = await t.db.outboxMessage.findMany({
      where: { telegramId: BigInt(a1.telegramId), kind: 'enrolled' },
    });
    expect(msgs).toHaveLength(1);
    expect(msgs[0]?.params).toMatchObject({ number: a1.number, schoolId: schoolIds[0] });
    const tr = await t.db.applicationTransition.findFirst({
      where: { applicationId: BigInt(a1.id), toStatus: 'enrolled' },
    });
    expect(tr).toMatchObject({ fromStatus: 'admitted', actorKind: 'staff', reason: 'documents_accepted' });
    const quota = await t.db.quota.findFirstOrThrow({ where: { schoolId: schoolIds[0], language: 'ky' } });
    expect(quota.taken).toBe(2); // enrolled still holds its seat
    clock.set(before);
  });

  it('a refusal needs a ground and a reason, tells the parent and gives the seat to the next waitlisted child', async () => {
    const d = ref('director1');
    expect(await refusal(school.refuse(d, a2.id, { ground: 'failed_interview', note: 'no' }))).toBe(
      'bad_input',
    );
    expect(await refusal(school.refuse(d, a2.id, { ground: 'parent_declined', note: '  ' }))).toBe(
      'bad_input',
    );
    expect(
      await refusal(school.refuse(d, a3.id, { ground: 'parent_declined', note: 'waitlisted one' })),
    ).toBe('invalid_state');
    const r = await school.refuse(d, a2.id, { ground: 'parent_declined', note: 'The family moved to Osh.' });
    expect(r).toMatchObject({ status: 'rejected', promoted: 1 });
    expect((await apps.get(a3.id, a3.telegramId)).status).toBe('admitted');
    expect((await apps.get(a2.id, a2.telegramId)).status).toBe('rejected');
    const told = await t.db.outboxMessage.findFirstOrThrow({
      where: { telegramId: BigInt(a2.telegramId), kind: 'school_refused' },
    });
    expect(told.params).toMatchObject({ code: 'refused_parent_declined', note: 'The family moved to Osh.' });
    expect(
      await t.db.outboxMessage.count({ where: { telegramId: BigInt(a3.telegramId), kind: 'seat_offered' } }),
    ).toBe(1);
    const history = await apps.history(a2.id, a2.telegramId);
    expect(history.at(-1)).toMatchObject({
      fromStatus: 'admitted',
      toStatus: 'rejected',
      reason: 'school_refused',
    });
    // repeated: nothing more
    expect(
      await school.refuse(d, a2.id, { ground: 'parent_declined', note: 'The family moved to Osh.' }),
    ).toMatchObject({
      promoted: 0,
    });
    const quota = await t.db.quota.findFirstOrThrow({ where: { schoolId: schoolIds[0], language: 'ky' } });
    expect(quota.taken).toBe(2);
    // the school still lists its refusal
    const refused = await school.list(d, { filter: { status: 'rejected' } });
    expect(refused.items.map((i) => i.number)).toEqual([a2.number]);
  });

  it('priority claims: confirmed by the document or the staff register, refused claims dropped, not the application (K-PRIO-2)', async () => {
    const m = await apply(4, 1, 'ru', 'military');
    const s = await apply(5, 1, 'ru', 'staff');
    const x = await apply(6, 1, 'ru', 'military');
    const d = ref('director1');
    const claimed = await school.list(d, { filter: { priority: 'claimed' } });
    expect(claimed.items.map((i) => i.number).sort()).toEqual([m.number, s.number, x.number].sort());
    expect((await school.card(d, m.id)).may.priority).toBe(true);

    expect(
      await school.decidePriority(d, m.id, { confirm: true, document: 'Справка № 12/345' }),
    ).toMatchObject({
      priorityStatus: 'verified',
    });
    // staff tenure only against the register
    expect(await refusal(school.decidePriority(d, s.id, { confirm: true }))).toBe('not_in_register');
    await school.registerAdd(d, { pin: parentPin(5), position: 'Мугалим', employedSince: '01.09.2020' });
    expect(await school.decidePriority(d, s.id, { confirm: true })).toMatchObject({
      priorityStatus: 'verified',
    });
    const before = (await apps.get(x.id, x.telegramId)).status;
    expect(await school.decidePriority(ref('admissions1'), x.id, { confirm: false })).toMatchObject({
      priorityStatus: 'dropped',
    });
    const after = await apps.get(x.id, x.telegramId);
    expect(after.status).toBe(before);
    expect(after.priorityStatus).toBe('dropped');
    expect(await refusal(school.decidePriority(d, x.id, { confirm: true }))).toBe('no_claim');
    const kinds = await t.db.outboxMessage.findMany({
      where: {
        telegramId: { in: [BigInt(m.telegramId), BigInt(x.telegramId)] },
        kind: { startsWith: 'priority_' },
      },
      select: { kind: true },
    });
    expect(kinds.map((k) => k.kind).sort()).toEqual(['priority_confirmed', 'priority_refused']);
  });

  it('keeps the staff register: director only, PINs checked, entries ended (K-SCHOOL-6)', async () => {
    const d = ref('director1');
    expect(
      await refusal(
        school.registerAdd(ref('admissions1'), {
          pin: parentPin(7),
          position: 'Мугалим',
          employedSince: '2020-09-01',
        }),
      ),
    ).toBe('forbidden');
    expect(
      await refusal(school.registerAdd(d, { pin: '123', position: 'Мугалим', employedSince: '2020-09-01' })),
    ).toBe('bad_input');
    expect(
      await refusal(
        school.registerAdd(d, { pin: parentPin(7), position: 'Мугалим', employedSince: '31.02.2020' }),
      ),
    ).toBe('bad_input');
    expect(
      await refusal(
        school.registerAdd(d, { pin: parentPin(5), position: 'Мугалим', employedSince: '2020-09-01' }),
      ),
    ).toBe('already_exists');
    const e = await school.registerAdd(d, {
      pin: parentPin(7),
      position: 'Кароолчу',
      employedSince: '2026-01-10',
    });
    expect(e).toMatchObject({ pinEnd: parentPin(7).slice(-3), qualifies: false });
    const list = await school.registerList(d);
    expect(list.map((r) => r.pinEnd)).toContain(parentPin(5).slice(-3));
    expect(JSON.stringify(list)).not.toContain(parentPin(5));
    const ended = await school.registerEnd(d, e.id, '2026-03-01');
    expect(ended.employedUntil).toBe('2026-03-01');
    expect(await refusal(school.registerEnd(ref('director2'), e.id))).toBe('not_found');
    expect(await refusal(school.registerEnd(d, e.id, '2025-01-01'))).toBe('bad_input');
  });

  it('direct admissions take a seat by the same atomic rule and are refused when full (K-SCHOOL-5, K-CORE-1)', async () => {
    const d = ref('admissions1');
    const s3 = schoolIds[2] as number;
    // school 3, Russian: one seat
    const director3 = 9010;
    await t.db.staffMember.create({
      data: { telegramId: BigInt(director3), role: 'director', schoolId: s3 },
    });
    const d3: StaffRef = { telegramId: director3 };
    const input = {
      ground: 'commission',
      documentNumber: '№ 45/2026',
      childName: 'Асанов Бакыт',
      language: 'ru',
    };
    expect(await refusal(school.directRecord(d3, { ...input, ground: 'test_passed' }))).toBe('bad_input');
    expect(await refusal(school.directRecord(d3, { ...input, childName: '<b>' }))).toBe('bad_input');
    expect(await refusal(school.directRecord(d3, { ...input, language: 'uz' }))).toBe('no_quota');
    expect(await refusal(school.directRecord(d3, { ...input, childPin: childPin(1) }))).toBe(
      'child_has_application',
    );
    const rec = await school.directRecord(d3, input);
    expect(rec).toMatchObject({ ground: 'commission', language: 'ru', pmpkReferral: false });
    let quota = await t.db.quota.findFirstOrThrow({ where: { schoolId: s3, language: 'ru' } });
    expect(quota.taken).toBe(1);
    expect(await refusal(school.directRecord(d3, { ...input, childName: 'Токтогулова Айгерим' }))).toBe(
      'school_full',
    );
    // nobody else's school
    expect(await refusal(school.directRecord(d, input, s3))).toBe('not_found');
    expect(await refusal(school.directPmpk(d, rec.id, true))).toBe('not_found');
    // PMPK referral after admission
    expect((await school.directPmpk(d3, rec.id, true)).pmpkReferral).toBe(true);
    expect((await school.directList(d3)).map((r) => r.pmpkReferral)).toEqual([true]);
    // withdrawn: the seat is free again
    await school.directWithdraw(d3, rec.id);
    quota = await t.db.quota.findFirstOrThrow({ where: { schoolId: s3, language: 'ru' } });
    expect(quota.taken).toBe(0);

    // concurrent direct admissions for the last two seats of school 3, Kyrgyz: exactly two succeed
    const results = await Promise.allSettled(
      [1, 2, 3, 4, 5].map((n) =>
        school.directRecord(d3, { ...input, language: 'ky', childName: `Бала Номер ${'абвгд'[n - 1]}` }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect(
      results
        .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
        .every((r) => r.reason instanceof SchoolError && r.reason.code === 'school_full'),
    ).toBe(true);
    quota = await t.db.quota.findFirstOrThrow({ where: { schoolId: s3, language: 'ky' } });
    expect(quota.taken).toBe(2);
  });

  it('records undocumented children requested from territorial bodies by 20 August and follows them up (R-10.7)', async () => {
    const d = ref('director1');
    const r = await school.undocumentedRecord(d, {
      childName: 'Белгисиз Бала',
      birthYear: 2019,
      address: 'Бишкек, Көчө 1, 5',
      requestedTo: 'Ленин районунун ички иштер бөлүмү',
    });
    expect(r).toMatchObject({ status: 'requested', onTime: true });
    expect(await refusal(school.undocumentedRecord(d, { childName: 'X', requestedTo: 'ИИБ' }))).toBe(
      'bad_input',
    );
    expect(
      await refusal(
        school.undocumentedRecord(d, { childName: 'Бала', birthYear: 1990, requestedTo: 'ИИБ бөлүмү' }),
      ),
    ).toBe('bad_input');
    const up = await school.undocumentedFollowUp(d, r.id, {
      status: 'documented',
      note: 'Туулгандыгы тууралуу күбөлүк берилди',
    });
    expect(up.status).toBe('documented');
    expect(await refusal(school.undocumentedFollowUp(d, r.id, { status: 'lost' }))).toBe('bad_input');
    expect(await refusal(school.undocumentedFollowUp(ref('director2'), r.id, { status: 'closed' }))).toBe(
      'not_found',
    );
    const list = await school.undocumentedList(ref('admissions1'));
    expect(list.deadline).toBe('2026-08-20');
    expect(list.items).toHaveLength(1);
  });

  it('audits what staff changed (K-CORE-4), never with a PIN in clear', async () => {
    const events = await t.db.auditEvent.findMany({ where: { action: { startsWith: 'school.' } } });
    const actions = new Set(events.map((e) => e.action));
    for (const a of [
      'school.document.received',
      'school.document.removed',
      'school.staff_register.added',
      'school.staff_register.ended',
      'school.direct_admission.recorded',
      'school.direct_admission.pmpk',
      'school.direct_admission.withdrawn',
      'school.undocumented.requested',
      'school.undocumented.followed_up',
    ])
      expect(actions.has(a), a).toBe(true);
    expect(JSON.stringify(events.map((e) => e.details))).not.toMatch(/\d{14}/);
  });
});
