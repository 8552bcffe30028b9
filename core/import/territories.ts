// `kattoo import territories`: oblasts, cities, rayons and city districts, upserted by id.
import type { TerritoryInput, TerritoryKind } from '../domain/reference.ts';
import { type Sql, upsertTerritories, type Written } from './bulk.ts';
import { type ImportError, importError } from './errors.ts';
import { enumOf, int, optionalTerritoryId, territoryId, text } from './fields.ts';
import { col, FirstSeen, isValid, type Table } from './table.ts';

const KINDS = ['region', 'city', 'district', 'city_district'] as const;

export const territoryColumns = {
  id: col(territoryId),
  kind: col(enumOf(KINDS)),
  parent_id: col(optionalTerritoryId),
  name_ky: col(text(200)),
  name_ru: col(text(200)),
  name_en: col(text(200)),
  sort_order: col(int({ max: 1_000_000, fallback: 0 }), true),
};
type C = typeof territoryColumns;

/** The kind a parent must have; null: the kind is top-level. */
const PARENT_KIND: Record<TerritoryKind, TerritoryKind | null> = {
  region: null,
  city: null,
  district: 'region',
  city_district: 'city',
};
const LEVEL: Record<TerritoryKind, number> = { region: 0, city: 0, district: 1, city_district: 1 };

export async function importTerritories(
  sql: Sql,
  table: Table<C>,
): Promise<{ errors: ImportError[] } | Written> {
  const errors: ImportError[] = [];
  const existing = new Map(
    (await sql.territory.findMany({ select: { id: true, kind: true } })).map((t) => [
      t.id,
      t.kind as TerritoryKind,
    ]),
  );
  const inFile = new Map<string, TerritoryKind>();
  const ids = new FirstSeen();
  for (const r of table.rows) {
    const { id, kind } = r.values;
    if (id === undefined) continue;
    const first = ids.see(id, r.row);
    if (first !== undefined)
      errors.push(importError(r.row, 'id', 'duplicate_key', { key: id, first_row: first }));
    else if (kind !== undefined) inFile.set(id, kind);
  }
  for (const r of table.rows) {
    const { id, kind, parent_id: parentId } = r.values;
    if (id !== undefined && kind !== undefined) {
      const current = existing.get(id);
      if (current !== undefined && current !== kind) {
        errors.push(importError(r.row, 'kind', 'kind_change', { value: id, current }));
      }
    }
    if (kind === undefined || parentId === undefined) continue;
    const expected = PARENT_KIND[kind];
    if (expected === null) {
      if (parentId !== null) errors.push(importError(r.row, 'parent_id', 'parent_not_allowed', { kind }));
      continue;
    }
    if (parentId === null) {
      errors.push(importError(r.row, 'parent_id', 'parent_required', { kind }));
      continue;
    }
    const actual = inFile.get(parentId) ?? existing.get(parentId);
    if (actual === undefined)
      errors.push(importError(r.row, 'parent_id', 'unknown_parent', { value: parentId }));
    else if (actual !== expected) {
      errors.push(
        importError(r.row, 'parent_id', 'parent_kind_mismatch', { kind, expected, actual, value: parentId }),
      );
    }
  }
  if (errors.length > 0 || table.errors.length > 0) return { errors };

  const rows: TerritoryInput[] = table.rows.filter(isValid).map(({ values: v }) => ({
    id: v.id,
    kind: v.kind,
    parentId: v.parent_id,
    name: { ky: v.name_ky, ru: v.name_ru, en: v.name_en },
    sortOrder: v.sort_order,
  }));
  rows.sort((a, b) => LEVEL[a.kind] - LEVEL[b.kind]);
  return upsertTerritories(sql, rows);
}
