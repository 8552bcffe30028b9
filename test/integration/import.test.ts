import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCsv } from '../../core/import/index.ts';
import { generateDemoWorld } from '../../prisma/demo/world.ts';
import { TERRITORIES } from '../../prisma/reference/territories.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

/** RFC 4180 writer for test files: quotes what needs quoting. */
const csv = (rows: (string | number)[][]) =>
  `${rows
    .map((r) =>
      r
        .map(String)
        .map((v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v))
        .join(','),
    )
    .join('\r\n')}\r\n`;

const TERRITORY_HEADER = ['id', 'kind', 'parent_id', 'name_ky', 'name_ru', 'name_en', 'sort_order'];
const SCHOOL_HEADER = [
  'code',
  'name_ky',
  'name_ru',
  'name_en',
  'district_id',
  'ownership',
  'participates',
  'special',
  'settlement',
  'address_ky',
  'address_ru',
  'address_en',
  'languages',
  'latitude',
  'longitude',
];
const CATCHMENT_HEADER = ['school_code', 'settlement', 'street', 'house_from', 'house_to'];
const QUOTA_HEADER = ['school_code', 'campaign_id', 'language', 'seats', 'class_size', 'approved'];
/** the ministry approving its own file (`--approved --reason "…"`) */
const MINISTRY = { approved: true, reason: 'Ministry order No. 12', author: 'cli:test' };

const territoriesCsv = csv([
  TERRITORY_HEADER,
  ...TERRITORIES.map((t) => [t.id, t.kind, t.parentId ?? '', t.name.ky, t.name.ru, t.name.en, t.sortOrder]),
]);

const school = (
  code: string,
  district: string,
  languages: string,
  extra: Partial<Record<string, string>> = {},
) => {
  const v: Record<string, string> = {
    code,
    name_ky: `№ ${code} орто мектеп`,
    name_ru: `Средняя школа № ${code}`,
    name_en: `Secondary School No. ${code}`,
    district_id: district,
    ownership: 'public',
    participates: 'true',
    special: 'false',
    settlement: 'Бишкек',
    address_ky: 'Бишкек шаары, Токтогул көчөсү, 125',
    address_ru: 'г. Бишкек, ул. Токтогула, 125',
    address_en: '125 Toktogul Street, Bishkek',
    languages,
    latitude: '42.87',
    longitude: '74.6',
    ...extra,
  };
  return SCHOOL_HEADER.map((h) => v[h] ?? '');
};

const schoolsCsv = csv([
  SCHOOL_HEADER,
  school('10001', 'KG-GB-LEN', 'ky|ru'),
  school('10002', 'KG-GB-OKT', 'ru', { name_ru: 'Гимназия № 5, "Эрудит"' }),
  school('10003', 'KG-C-ALM', 'ky', { settlement: 'Лебединовка', latitude: '', longitude: '' }),
  school('10004', 'KG-GB-SVE', 'ky', { special: 'true', participates: '' }),
  school('10005', 'KG-GB-LEN', 'en|ru', { ownership: 'private', participates: 'no' }),
]);

describe('importCsv on PostgreSQL', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  it('imports the territory tree, then updates it on re-import instead of duplicating', async () => {
    expect(await importCsv(t.db, 'territories', territoriesCsv)).toEqual({
      ok: true,
      inserted: TERRITORIES.length,
      updated: 0,
    });
    const renamed = territoriesCsv.replace('Ленин району', 'Ленин району (жаңы)');
    expect(await importCsv(t.db, 'territories', renamed)).toEqual({
      ok: true,
      inserted: 0,
      updated: TERRITORIES.length,
    });
    expect(await t.db.territory.count()).toBe(TERRITORIES.length);
    const len = await t.db.territory.findUniqueOrThrow({ where: { id: 'KG-GB-LEN' } });
    expect(len).toMatchObject({ kind: 'city_district', parentId: 'KG-GB', nameKy: 'Ленин району (жаңы)' });
  });

  it('refuses a bad territory file whole, listing every error by row and column', async () => {
    const bad = csv([
      TERRITORY_HEADER,
      ['KG-X', 'region', '', 'Жаңы облус', 'Новая область', 'New Region', 10], // fine on its own
      ['KG-X-AAA', 'district', 'KG-NOPE', 'А району', 'А район', 'A District', 1],
      ['KG-X-BBB', 'district', 'KG-GB', 'Б району', 'Б район', 'B District', 2],
      ['KG-Y', 'city', '', 'Ысык-Көл', 'Иссык-Куль', 'Issyk-Kul', 1],
      ['KG-X', 'region', 'KG-C', 'Кайра', 'Снова', 'Again', 3],
      ['kg-bad', 'oblast', '', '', 'x', 'x', 'one'],
    ]);
    const r = await importCsv(t.db, 'territories', bad);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [3, 'parent_id', 'unknown_parent'],
      [4, 'parent_id', 'parent_kind_mismatch'],
      [5, 'kind', 'kind_change'],
      [6, 'id', 'duplicate_key'],
      [6, 'parent_id', 'parent_not_allowed'],
      [7, 'id', 'invalid_id'],
      [7, 'kind', 'invalid_enum'],
      [7, 'name_ky', 'required'],
      [7, 'sort_order', 'invalid_integer'],
    ]);
    expect(r.errors[1]?.params).toMatchObject({ kind: 'district', expected: 'region', actual: 'city' });
    expect(await t.db.territory.findUnique({ where: { id: 'KG-X' } })).toBeNull();
    expect(await t.db.territory.count()).toBe(TERRITORIES.length);
  });

  it('imports schools (quoted commas and quotes included) and updates them by code', async () => {
    expect(await importCsv(t.db, 'schools', schoolsCsv)).toEqual({ ok: true, inserted: 5, updated: 0 });
    const gym = await t.db.school.findUniqueOrThrow({ where: { code: '10002' } });
    expect(gym.nameRu).toBe('Гимназия № 5, "Эрудит"');
    expect(gym.languages).toEqual(['ru']);
    const rural = await t.db.school.findUniqueOrThrow({ where: { code: '10003' } });
    expect(rural).toMatchObject({ settlement: 'Лебединовка', latitude: null, longitude: null });
    // a special school without a participates value is outside online registration
    expect(await t.db.school.findUniqueOrThrow({ where: { code: '10004' } })).toMatchObject({
      special: true,
      participates: false,
    });
    const again = schoolsCsv.replace('Средняя школа № 10001', 'Средняя школа № 10001 имени Ч. Айтматова');
    expect(await importCsv(t.db, 'schools', again)).toEqual({ ok: true, inserted: 0, updated: 5 });
    expect(await t.db.school.count()).toBe(5);
    expect((await t.db.school.findUniqueOrThrow({ where: { code: '10001' } })).nameRu).toBe(
      'Средняя школа № 10001 имени Ч. Айтматова',
    );
  });

  it('refuses a bad school file whole: every error by row and column, nothing written', async () => {
    const bad = csv([
      SCHOOL_HEADER,
      school('10001', 'KG-GB-LEN', 'ky|ru', { name_ru: 'ИЗМЕНЕНО' }), // valid, must not be written
      school('20001', 'KG-ZZ-NOPE', 'ky'),
      school('20002', 'KG-C', 'ky|xx'),
      school('20001', 'KG-GB-LEN', 'ky', { latitude: '74.6', longitude: '42.87' }),
      school('20003', 'KG-GB-LEN', 'ky', { latitude: '42.8', longitude: '' }),
      school('20004', 'KG-GB-LEN', 'ky', { special: 'yes', participates: 'yes' }),
    ]);
    const r = await importCsv(t.db, 'schools', bad);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [3, 'district_id', 'unknown_district'],
      [4, 'district_id', 'not_a_district'],
      [4, 'languages', 'invalid_enum'],
      [5, 'code', 'duplicate_key'],
      [5, 'latitude', 'coordinates_outside_kyrgyzstan'],
      [6, 'longitude', 'coordinates_incomplete'],
      [7, 'participates', 'special_participates'],
    ]);
    expect(r.errors[0]).toMatchObject({
      params: { value: 'KG-ZZ-NOPE' },
      message: 'district "KG-ZZ-NOPE" is not in the database (import territories first)',
    });
    expect(r.errors[3]?.params).toMatchObject({ key: '20001', first_row: 3 });
    expect(await t.db.school.count()).toBe(5);
    expect((await t.db.school.findUniqueOrThrow({ where: { code: '10001' } })).nameRu).not.toBe('ИЗМЕНЕНО');
  });

  it('imports catchments as each named school’s complete list: re-import keeps, changes replace', async () => {
    const rules = [
      CATCHMENT_HEADER,
      ['10001', 'Бишкек', 'Токтогул көчөсү', 1, 99],
      ['10001', 'Бишкек', 'Киев көчөсү', 2, 40],
      ['10002', 'Бишкек', 'Токтогул көчөсү', 100, 180],
      ['10003', 'Лебединовка', 'Мектеп көчөсү', 1, 60],
    ];
    expect(await importCsv(t.db, 'catchments', csv(rules))).toEqual({
      ok: true,
      inserted: 4,
      updated: 0,
      removed: 0,
    });
    expect(await importCsv(t.db, 'catchments', csv(rules))).toEqual({
      ok: true,
      inserted: 0,
      updated: 4,
      removed: 0,
    });
    expect(await t.db.catchment.count()).toBe(4);
    // school 10001 now ends Киев at 30 and drops nothing else; 10002 and 10003 are not in the file
    const changed = csv([
      CATCHMENT_HEADER,
      ['10001', 'Бишкек', 'Токтогул көчөсү', 1, 99],
      ['10001', 'Бишкек', '  Киев   көчөсү ', 2, 30],
    ]);
    expect(await importCsv(t.db, 'catchments', changed)).toEqual({
      ok: true,
      inserted: 1,
      updated: 1,
      removed: 1,
    });
    expect(await t.db.catchment.count()).toBe(4);
    const kiev = await t.db.catchment.findFirstOrThrow({ where: { street: 'Киев көчөсү' } });
    expect([kiev.houseFrom, kiev.houseTo]).toEqual([2, 30]);
  });

  it('refuses a bad catchment file whole, nothing written', async () => {
    const before = await t.db.catchment.findMany({ orderBy: { id: 'asc' } });
    const bad = csv([
      CATCHMENT_HEADER,
      ['10001', 'Бишкек', 'Москва көчөсү', 1, 50], // valid
      ['99999', 'Бишкек', 'Москва көчөсү', 60, 70],
      ['10001', 'Бишкек', 'Москва көчөсү', 80, 70],
      ['10001', 'Бишкек', 'москва көчөсү', 40, 55], // overlaps row 2 (case-insensitively)
      ['10001', 'Бишкек', 'Токтогул көчөсү', 150, 160], // overlaps 10002, not in this file
      ['10004', 'Бишкек', 'Ахунбаев көчөсү', 1, 9], // special school
      ['10005', 'Бишкек', 'Ахунбаев көчөсү', 10, 19], // not participating
      ['10001', '', 'Ахунбаев көчөсү', 'x', -1],
    ]);
    const r = await importCsv(t.db, 'catchments', bad);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [3, 'school_code', 'unknown_school'],
      [4, 'house_from', 'house_range_reversed'],
      [5, 'house_from', 'overlapping_range'],
      [6, 'house_from', 'overlaps_existing'],
      [7, 'school_code', 'school_is_special'],
      [8, 'school_code', 'school_not_participating'],
      [9, 'settlement', 'required'],
      [9, 'house_from', 'invalid_integer'],
      [9, 'house_to', 'negative'],
    ]);
    expect(r.errors[2]?.params).toMatchObject({ other_row: 2, other_school: '10001' });
    expect(r.errors[3]?.params).toMatchObject({ other_school: '10002', other_from: 100, other_to: 180 });
    expect(await t.db.catchment.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
  });

  it('imports quotas, updates them by school × campaign × language, keeps seats already held', async () => {
    await t.db.campaign.create({
      data: {
        id: '2026-27',
        academicYear: '2026/27',
        birthFrom: new Date('2019-01-01'),
        birthTo: new Date('2020-12-31'),
        documentsDeadline: new Date('2026-09-15T12:00:00Z'),
      },
    });
    const quotas = [
      QUOTA_HEADER,
      ['10001', '2026-27', 'ky', 100, 25, 'true'],
      ['10001', '2026-27', 'ru', 75, 25, 'true'],
      ['10002', '2026-27', 'ru', 60, '', ''],
    ];
    expect(await importCsv(t.db, 'quotas', csv(quotas), MINISTRY)).toEqual({
      ok: true,
      inserted: 3,
      updated: 0,
      pending: 0,
    });
    const defaults = await t.db.quota.findFirstOrThrow({
      where: { language: 'ru', school: { code: '10002' } },
    });
    expect(defaults).toMatchObject({ seats: 60, classSize: 25, approved: true, taken: 0 });

    const s1 = await t.db.school.findUniqueOrThrow({ where: { code: '10001' } });
    await t.db.quota.update({
      where: { schoolId_campaignId_language: { schoolId: s1.id, campaignId: '2026-27', language: 'ky' } },
      data: { taken: 40 },
    });
    const more = csv([QUOTA_HEADER, ['10001', '2026-27', 'ky', 125, 25, 'true']]);
    expect(await importCsv(t.db, 'quotas', more, MINISTRY)).toEqual({
      ok: true,
      inserted: 0,
      updated: 1,
      pending: 0,
    });
    const ky = await t.db.quota.findUniqueOrThrow({
      where: { schoolId_campaignId_language: { schoolId: s1.id, campaignId: '2026-27', language: 'ky' } },
    });
    expect([ky.seats, ky.taken]).toEqual([125, 40]);
    expect(await t.db.quota.count()).toBe(3);
  });

  it('refuses a bad quota file whole, nothing written', async () => {
    const before = await t.db.quota.findMany({ orderBy: [{ schoolId: 'asc' }, { language: 'asc' }] });
    const bad = csv([
      QUOTA_HEADER,
      ['10001', '2026-27', 'ru', 50, 25, 'true'], // valid
      ['10002', '2026-27', 'ky', 50, 25, 'true'], // 10002 teaches ru only
      ['10001', '2026-27', 'ky', 30, 40, 'true'], // fewer than the 40 held; class of 40
      ['10001', '2025-26', 'ky', -5, 25, 'true'],
      ['10001', '2026-27', 'ru', 10, 25, 'true'], // same key as row 2
      ['10004', '2026-27', 'ky', 25, 25, 'true'], // special school
      ['nope', '2026-27', 'ky', 25, 25, 'true'],
    ]);
    const r = await importCsv(t.db, 'quotas', bad, MINISTRY);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [3, 'language', 'language_not_taught'],
      [4, 'seats', 'seats_below_taken'],
      [4, 'class_size', 'class_size_above_legal_max'],
      [5, 'campaign_id', 'unknown_campaign'],
      [5, 'seats', 'negative'],
      [6, 'language', 'duplicate_key'],
      [7, 'school_code', 'school_is_special'],
      [8, 'school_code', 'unknown_school'],
    ]);
    expect(r.errors[1]?.params).toMatchObject({ value: 30, taken: 40 });
    expect(r.errors[2]?.params).toMatchObject({ value: 40, max: 36 });
    expect(await t.db.quota.findMany({ orderBy: [{ schoolId: 'asc' }, { language: 'asc' }] })).toEqual(
      before,
    );
  });

  it('keeps a school from dropping a language that still has seats, and lets an empty quota go', async () => {
    const dropRu = csv([SCHOOL_HEADER, school('10001', 'KG-GB-LEN', 'ky')]);
    const r = await importCsv(t.db, 'schools', dropRu);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.map((e) => [e.row, e.column, e.code, e.params.language])).toEqual([
        [2, 'languages', 'language_has_quota', 'ru'],
      ]);
    }
    await importCsv(t.db, 'quotas', csv([QUOTA_HEADER, ['10001', '2026-27', 'ru', 0, 25, 'true']]), MINISTRY);
    expect(await importCsv(t.db, 'schools', dropRu)).toEqual({ ok: true, inserted: 0, updated: 1 });
    const left = await t.db.quota.findMany({ where: { school: { code: '10001' } } });
    expect(left.map((q) => q.language)).toEqual(['ky']);
  });

  it('reads a ";"-separated file with a BOM, as Excel saves it in a Russian locale', async () => {
    const text = `\uFEFF${QUOTA_HEADER.join(';')}\r\n10002;2026-27;ru;75;30;да\r\n`;
    const r = await importCsv(t.db, 'quotas', text, MINISTRY);
    // "да" is not a yes/no value the import knows: refused, with the column named
    expect(r).toMatchObject({ ok: false, errors: [{ row: 2, column: 'approved', code: 'invalid_boolean' }] });
    const ok = await importCsv(t.db, 'quotas', text.replace(';да', ';yes'), MINISTRY);
    expect(ok).toEqual({ ok: true, inserted: 0, updated: 1, pending: 0 });
    const q = await t.db.quota.findFirstOrThrow({ where: { school: { code: '10002' } } });
    expect(q).toMatchObject({ seats: 75, classSize: 30, approved: true });
  });

  it('records every change of seats and leaves it for the district unless the ministry approves it with a reason (K-SEAT-1)', async () => {
    const where = { language: 'ru' as const, school: { code: '10002' } };
    const file = csv([QUOTA_HEADER, ['10002', '2026-27', 'ru', 400, 30, '']]);
    // an ordinary import: recorded, waiting for the district, the approved 75 stay in force
    expect(await importCsv(t.db, 'quotas', file, { author: 'cli:test' })).toEqual({
      ok: true,
      inserted: 0,
      updated: 0,
      pending: 1,
    });
    expect(await t.db.quota.findFirstOrThrow({ where })).toMatchObject({ seats: 75, approved: true });
    const waiting = await t.db.quotaChange.findFirstOrThrow({ where: { status: 'submitted' } });
    expect(waiting).toMatchObject({ fromSeats: 75, toSeats: 400, author: 'cli:test', requestedBy: null });
    expect(await t.db.auditEvent.count({ where: { action: 'quota.imported_submitted' } })).toBe(1);
    // a file cannot approve itself, and an approval needs a reason
    const self = await importCsv(
      t.db,
      'quotas',
      csv([QUOTA_HEADER, ['10002', '2026-27', 'ru', 400, 30, 'true']]),
    );
    expect(self).toMatchObject({
      ok: false,
      errors: [{ row: 2, column: 'approved', code: 'approved_needs_option' }],
    });
    const bare = await importCsv(t.db, 'quotas', file, { approved: true });
    expect(bare).toMatchObject({ ok: false, errors: [{ code: 'reason_required' }] });
    // the ministry's explicit approval: in force, with its reason; the waiting proposal superseded
    expect(await importCsv(t.db, 'quotas', file, MINISTRY)).toEqual({
      ok: true,
      inserted: 0,
      updated: 1,
      pending: 0,
    });
    expect(await t.db.quota.findFirstOrThrow({ where })).toMatchObject({ seats: 400, approved: true });
    expect(await t.db.quotaChange.findUniqueOrThrow({ where: { id: waiting.id } })).toMatchObject({
      status: 'rejected',
      decisionNote: 'superseded',
    });
    expect(
      await t.db.quotaChange.findFirstOrThrow({ where: { status: 'approved', toSeats: 400 } }),
    ).toMatchObject({ fromSeats: 75, reason: 'Ministry order No. 12', author: 'cli:test' });
  });
});

describe('importCsv with the whole demo world as CSV files', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  it('accepts every file the generator implies, in a few seconds, and re-imports as updates', async () => {
    const w = generateDemoWorld();
    const files = {
      territories: territoriesCsv,
      schools: csv([
        SCHOOL_HEADER,
        ...w.schools.map((s) => [
          s.code,
          s.name.ky,
          s.name.ru,
          s.name.en,
          s.districtId,
          s.ownership,
          String(s.participates),
          String(s.special),
          s.settlement,
          s.address.ky,
          s.address.ru,
          s.address.en,
          s.languages.join('|'),
          s.latitude ?? '',
          s.longitude ?? '',
        ]),
      ]),
      catchments: csv([
        CATCHMENT_HEADER,
        ...w.catchments.map((c) => [c.schoolCode, c.settlement, c.street, c.houseFrom, c.houseTo]),
      ]),
      quotas: csv([
        QUOTA_HEADER,
        ...w.quotas.map((q) => [
          q.schoolCode,
          q.campaignId,
          q.language,
          q.seats,
          q.classSize,
          String(q.approved),
        ]),
      ]),
    } as const;
    await t.db.campaign.create({
      data: {
        id: '2026-27',
        academicYear: '2026/27',
        birthFrom: new Date('2019-01-01'),
        birthTo: new Date('2020-12-31'),
        documentsDeadline: w.campaign.documentsDeadline,
      },
    });
    const sizes = {
      territories: w.territories.length,
      schools: w.schools.length,
      catchments: w.catchments.length,
      quotas: w.quotas.length,
    };
    const started = performance.now();
    for (const kind of ['territories', 'schools', 'catchments', 'quotas'] as const) {
      const r = await importCsv(t.db, kind, files[kind], MINISTRY);
      expect(r, kind).toMatchObject({ ok: true, inserted: sizes[kind], updated: 0 });
    }
    console.info(`whole-world import: ${Math.round(performance.now() - started)} ms`);
    for (const kind of ['territories', 'schools', 'catchments'] as const) {
      const r = await importCsv(t.db, kind, files[kind]);
      expect(r, kind).toMatchObject({ ok: true, inserted: 0, updated: sizes[kind] });
    }
    // the same quotas again change nothing, so nothing is recorded (K-SEAT-1)
    const changes = await t.db.quotaChange.count();
    expect(await importCsv(t.db, 'quotas', files.quotas, MINISTRY)).toMatchObject({
      ok: true,
      inserted: 0,
      updated: 0,
    });
    expect(await t.db.quotaChange.count()).toBe(changes);
    expect(await t.db.school.count()).toBe(w.schools.length);
    expect(await t.db.catchment.count()).toBe(w.catchments.length);
    const seats = await t.db.quota.aggregate({ _sum: { seats: true } });
    expect(seats._sum.seats).toBe(w.quotas.reduce((sum, q) => sum + q.seats, 0));
  }, 120_000);
});
