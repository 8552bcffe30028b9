// `kattoo import catchments`: the file gives the complete catchment of every school it names; those
// schools' previous rules are replaced, other schools' rules are kept (and must not overlap the file).
import { insertCatchments, type Sql } from './bulk.ts';
import { type ImportError, importError } from './errors.ts';
import { int, placeName, schoolCode } from './fields.ts';
import { col, FirstSeen, isValid, type Table } from './table.ts';

const HOUSE_MAX = 100_000;

export const catchmentColumns = {
  school_code: col(schoolCode),
  settlement: col(placeName(120)),
  street: col(placeName(200)),
  house_from: col(int({ max: HOUSE_MAX })),
  house_to: col(int({ max: HOUSE_MAX })),
};
type C = typeof catchmentColumns;

/** Settlement and street compared without regard to letter case. */
const placeKey = (settlement: string, street: string) =>
  `${settlement.toLowerCase()}\u0000${street.toLowerCase()}`;

type Range = { row: number; from: number; to: number; school: string };

export async function importCatchments(
  sql: Sql,
  table: Table<C>,
): Promise<{ errors: ImportError[] } | { inserted: number; updated: number; removed: number }> {
  const errors: ImportError[] = [];
  const codes = [...new Set(table.rows.flatMap((r) => (r.values.school_code ? [r.values.school_code] : [])))];
  const schools = new Map(
    (
      await sql.school.findMany({
        where: { code: { in: codes } },
        select: { id: true, code: true, special: true, participates: true },
      })
    ).map((s) => [s.code, s]),
  );

  const seen = new FirstSeen();
  const ranges = new Map<string, Range[]>();
  for (const r of table.rows) {
    const v = r.values;
    if (v.school_code !== undefined) {
      const school = schools.get(v.school_code);
      if (!school) errors.push(importError(r.row, 'school_code', 'unknown_school', { value: v.school_code }));
      else if (school.special)
        errors.push(importError(r.row, 'school_code', 'school_is_special', { value: v.school_code }));
      else if (!school.participates) {
        errors.push(importError(r.row, 'school_code', 'school_not_participating', { value: v.school_code }));
      }
    }
    if (v.house_from !== undefined && v.house_to !== undefined && v.house_from > v.house_to) {
      errors.push(
        importError(r.row, 'house_from', 'house_range_reversed', {
          house_from: v.house_from,
          house_to: v.house_to,
        }),
      );
      continue;
    }
    if (!isValid(r)) continue;
    const { school_code: school, settlement, street, house_from: from, house_to: to } = r.values;
    const key = `${school}\u0000${placeKey(settlement, street)}\u0000${from}\u0000${to}`;
    const first = seen.see(key, r.row);
    if (first !== undefined) {
      const shown = `${school} ${street}, ${settlement} ${from}–${to}`;
      errors.push(importError(r.row, 'house_from', 'duplicate_key', { key: shown, first_row: first }));
      continue;
    }
    const list = ranges.get(placeKey(settlement, street)) ?? [];
    list.push({ row: r.row, from, to, school });
    ranges.set(placeKey(settlement, street), list);
  }

  // overlaps inside the file: sorted by first house, each range against the widest reach before it
  const where = new Map<number, { settlement: string; street: string }>();
  for (const r of table.rows) {
    if (isValid(r)) where.set(r.row, { settlement: r.values.settlement, street: r.values.street });
  }
  for (const list of ranges.values()) {
    const sorted = [...list].sort((a, b) => a.from - b.from || a.row - b.row);
    let reach: Range | undefined;
    for (const x of sorted) {
      if (reach && x.from <= reach.to) {
        const [later, earlier] = x.row > reach.row ? [x, reach] : [reach, x];
        errors.push(
          importError(later.row, 'house_from', 'overlapping_range', {
            house_from: later.from,
            house_to: later.to,
            ...where.get(later.row),
            other_row: earlier.row,
            other_school: earlier.school,
          }),
        );
      }
      if (!reach || x.to > reach.to) reach = x;
    }
  }

  // overlaps with rules of schools the file leaves alone
  const fileSchoolIds = [...schools.values()].map((s) => s.id);
  const settlements = [...new Set([...where.values()].map((w) => w.settlement.toLowerCase()))];
  if (settlements.length > 0) {
    const others = await sql.$queryRaw<
      { settlement: string; street: string; house_from: number; house_to: number; code: string }[]
    >`
      SELECT c.settlement, c.street, c.house_from, c.house_to, s.code
      FROM catchment c JOIN school s ON s.id = c.school_id
      WHERE lower(c.settlement) = ANY(${settlements}::text[]) AND NOT (c.school_id = ANY(${fileSchoolIds}::int[]))`;
    const byPlace = new Map<string, typeof others>();
    for (const o of others) {
      const k = placeKey(o.settlement, o.street);
      byPlace.set(k, [...(byPlace.get(k) ?? []), o]);
    }
    for (const [k, list] of ranges) {
      for (const x of list) {
        const hit = byPlace.get(k)?.find((o) => x.from <= o.house_to && o.house_from <= x.to);
        if (hit) {
          errors.push(
            importError(x.row, 'house_from', 'overlaps_existing', {
              house_from: x.from,
              house_to: x.to,
              ...where.get(x.row),
              other_from: hit.house_from,
              other_to: hit.house_to,
              other_school: hit.code,
            }),
          );
        }
      }
    }
  }
  if (errors.length > 0 || table.errors.length > 0) return { errors };

  const rows = table.rows.filter(isValid).map(({ values: v }) => ({
    schoolId: schools.get(v.school_code)?.id ?? -1,
    settlement: v.settlement,
    street: v.street,
    houseFrom: v.house_from,
    houseTo: v.house_to,
  }));
  const ruleKey = (c: {
    schoolId: number;
    settlement: string;
    street: string;
    houseFrom: number;
    houseTo: number;
  }) => `${c.schoolId}\u0000${c.settlement}\u0000${c.street}\u0000${c.houseFrom}\u0000${c.houseTo}`;
  const before = await sql.catchment.findMany({
    where: { schoolId: { in: fileSchoolIds } },
    select: { schoolId: true, settlement: true, street: true, houseFrom: true, houseTo: true },
  });
  const old = new Set(before.map(ruleKey));
  const kept = rows.filter((c) => old.has(ruleKey(c))).length;
  await sql.catchment.deleteMany({ where: { schoolId: { in: fileSchoolIds } } });
  await insertCatchments(sql, rows);
  return { inserted: rows.length - kept, updated: kept, removed: before.length - kept };
}
