// Set-based writers for reference data: one statement per table over unnest()ed arrays, so thousands
// of rows cost a few parameters and one round trip (Prisma's createMany binds every cell). Shared by
// the CSV import and the demo seed. Counts come from RETURNING (xmax = 0): true for a fresh row.
import { Prisma } from '../db/client.ts';
import type { QuotaInput, SchoolInput, TerritoryInput } from '../domain/reference.ts';

export type Sql = Prisma.TransactionClient;
export type Written = { inserted: number; updated: number };

const count = (rows: { inserted: boolean }[]): Written => {
  const inserted = rows.filter((r) => r.inserted).length;
  return { inserted, updated: rows.length - inserted };
};

/** Inserts or updates territories by id (a multi-row INSERT checks foreign keys at its end). */
export async function upsertTerritories(sql: Sql, rows: readonly TerritoryInput[]): Promise<Written> {
  if (rows.length === 0) return { inserted: 0, updated: 0 };
  const out = await sql.$queryRaw<{ inserted: boolean }[]>`
    INSERT INTO territory (id, kind, parent_id, name_ky, name_ru, name_en, sort_order)
    SELECT id, kind::"TerritoryKind", parent_id, name_ky, name_ru, name_en, sort_order
    FROM unnest(
      ${rows.map((t) => t.id)}::text[],
      ${rows.map((t) => t.kind)}::text[],
      ${rows.map((t) => t.parentId)}::text[],
      ${rows.map((t) => t.name.ky)}::text[],
      ${rows.map((t) => t.name.ru)}::text[],
      ${rows.map((t) => t.name.en)}::text[],
      ${rows.map((t) => t.sortOrder)}::int[]
    ) AS v(id, kind, parent_id, name_ky, name_ru, name_en, sort_order)
    ON CONFLICT (id) DO UPDATE SET
      kind = EXCLUDED.kind, parent_id = EXCLUDED.parent_id, name_ky = EXCLUDED.name_ky,
      name_ru = EXCLUDED.name_ru, name_en = EXCLUDED.name_en, sort_order = EXCLUDED.sort_order
    RETURNING (xmax = 0) AS inserted`;
  return count(out);
}

/**
 * Writes schools by code; `onConflict: 'fail'` makes an existing code an error (seeding), 'update'
 * overwrites it (import). Returns the ids by code.
 */
export async function writeSchools(
  sql: Sql,
  rows: readonly SchoolInput[],
  onConflict: 'update' | 'fail',
): Promise<Written & { ids: Map<string, number> }> {
  if (rows.length === 0) return { inserted: 0, updated: 0, ids: new Map() };
  const conflict =
    onConflict === 'update'
      ? Prisma.sql`ON CONFLICT (code) DO UPDATE SET
          name_ky = EXCLUDED.name_ky, name_ru = EXCLUDED.name_ru, name_en = EXCLUDED.name_en,
          district_id = EXCLUDED.district_id, ownership = EXCLUDED.ownership,
          participates = EXCLUDED.participates, special = EXCLUDED.special,
          settlement = EXCLUDED.settlement, address_ky = EXCLUDED.address_ky,
          address_ru = EXCLUDED.address_ru, address_en = EXCLUDED.address_en,
          languages = EXCLUDED.languages, latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude`
      : Prisma.empty;
  // languages: one PostgreSQL array literal per school, cast to "Language"[] (values are validated enums)
  const out = await sql.$queryRaw<{ id: number; code: string; inserted: boolean }[]>`
    INSERT INTO school (code, name_ky, name_ru, name_en, district_id, ownership, participates, special,
                        settlement, address_ky, address_ru, address_en, languages, latitude, longitude)
    SELECT code, name_ky, name_ru, name_en, district_id, ownership::"Ownership", participates, special,
           settlement, address_ky, address_ru, address_en, languages::"Language"[], latitude, longitude
    FROM unnest(
      ${rows.map((s) => s.code)}::text[],
      ${rows.map((s) => s.name.ky)}::text[],
      ${rows.map((s) => s.name.ru)}::text[],
      ${rows.map((s) => s.name.en)}::text[],
      ${rows.map((s) => s.districtId)}::text[],
      ${rows.map((s) => s.ownership)}::text[],
      ${rows.map((s) => s.participates)}::bool[],
      ${rows.map((s) => s.special)}::bool[],
      ${rows.map((s) => s.settlement)}::text[],
      ${rows.map((s) => s.address.ky)}::text[],
      ${rows.map((s) => s.address.ru)}::text[],
      ${rows.map((s) => s.address.en)}::text[],
      ${rows.map((s) => `{${s.languages.join(',')}}`)}::text[],
      ${rows.map((s) => s.latitude)}::float8[],
      ${rows.map((s) => s.longitude)}::float8[]
    ) AS v(code, name_ky, name_ru, name_en, district_id, ownership, participates, special,
           settlement, address_ky, address_ru, address_en, languages, latitude, longitude)
    ${conflict}
    RETURNING id, code, (xmax = 0) AS inserted`;
  return { ...count(out), ids: new Map(out.map((r) => [r.code, r.id])) };
}

export type CatchmentRow = {
  schoolId: number;
  settlement: string;
  street: string;
  houseFrom: number;
  houseTo: number;
};

export async function insertCatchments(sql: Sql, rows: readonly CatchmentRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  return sql.$executeRaw`
    INSERT INTO catchment (school_id, settlement, street, house_from, house_to)
    SELECT * FROM unnest(
      ${rows.map((c) => c.schoolId)}::int[],
      ${rows.map((c) => c.settlement)}::text[],
      ${rows.map((c) => c.street)}::text[],
      ${rows.map((c) => c.houseFrom)}::int[],
      ${rows.map((c) => c.houseTo)}::int[]
    )`;
}

export type QuotaRow = Omit<QuotaInput, 'schoolCode'> & { schoolId: number };

/** Inserts or updates quotas by school × campaign × language; `taken` is never touched. */
export async function upsertQuotas(sql: Sql, rows: readonly QuotaRow[]): Promise<Written> {
  if (rows.length === 0) return { inserted: 0, updated: 0 };
  const out = await sql.$queryRaw<{ inserted: boolean }[]>`
    INSERT INTO quota (school_id, campaign_id, language, seats, class_size, approved, updated_at)
    SELECT school_id, campaign_id, language::"Language", seats, class_size, approved, now()
    FROM unnest(
      ${rows.map((q) => q.schoolId)}::int[],
      ${rows.map((q) => q.campaignId)}::text[],
      ${rows.map((q) => q.language)}::text[],
      ${rows.map((q) => q.seats)}::int[],
      ${rows.map((q) => q.classSize)}::int[],
      ${rows.map((q) => q.approved)}::bool[]
    ) AS v(school_id, campaign_id, language, seats, class_size, approved)
    ON CONFLICT (school_id, campaign_id, language) DO UPDATE SET
      seats = EXCLUDED.seats, class_size = EXCLUDED.class_size, approved = EXCLUDED.approved,
      updated_at = now()
    RETURNING (xmax = 0) AS inserted`;
  return count(out);
}
