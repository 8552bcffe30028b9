// `kattoo import schools`: schools upserted by code.
import type { InstructionLanguage, SchoolInput } from '../domain/reference.ts';
import { type Sql, type Written, writeSchools } from './bulk.ts';
import { type ImportError, importError } from './errors.ts';
import {
  bool,
  enumOf,
  languageList,
  optionalBool,
  optionalDecimal,
  placeName,
  schoolCode,
  territoryId,
  text,
} from './fields.ts';
import { col, FirstSeen, isValid, type Table } from './table.ts';

export const schoolColumns = {
  code: col(schoolCode),
  name_ky: col(text(300)),
  name_ru: col(text(300)),
  name_en: col(text(300)),
  district_id: col(territoryId),
  ownership: col(enumOf(['public', 'private'], 'public'), true),
  participates: col(optionalBool, true),
  special: col(bool(false), true),
  settlement: col(placeName(120)),
  address_ky: col(text(300)),
  address_ru: col(text(300)),
  address_en: col(text(300)),
  languages: col(languageList),
  latitude: col(optionalDecimal, true),
  longitude: col(optionalDecimal, true),
};
type C = typeof schoolColumns;

/** A generous box around the Kyrgyz Republic (39.2–43.3 N, 69.3–80.3 E). */
const BOX = { latMin: 39.0, latMax: 43.5, lonMin: 69.0, lonMax: 80.5 };

export async function importSchools(sql: Sql, table: Table<C>): Promise<{ errors: ImportError[] } | Written> {
  const errors: ImportError[] = [];
  const territories = new Map(
    (await sql.territory.findMany({ select: { id: true, kind: true } })).map((t) => [t.id, t.kind]),
  );
  const codes = table.rows.flatMap((r) => (r.values.code === undefined ? [] : [r.values.code]));
  const existing = await sql.school.findMany({
    where: { code: { in: codes } },
    select: {
      code: true,
      id: true,
      quotas: { select: { campaignId: true, language: true, seats: true, taken: true } },
    },
  });
  const quotasOf = new Map(existing.map((s) => [s.code, s.quotas]));

  const seen = new FirstSeen();
  for (const r of table.rows) {
    const v = r.values;
    if (v.code !== undefined) {
      const first = seen.see(v.code, r.row);
      if (first !== undefined)
        errors.push(importError(r.row, 'code', 'duplicate_key', { key: v.code, first_row: first }));
    }
    if (v.district_id !== undefined) {
      const kind = territories.get(v.district_id);
      if (kind === undefined)
        errors.push(importError(r.row, 'district_id', 'unknown_district', { value: v.district_id }));
      else if (kind !== 'district' && kind !== 'city_district') {
        errors.push(importError(r.row, 'district_id', 'not_a_district', { value: v.district_id, kind }));
      }
    }
    if (v.special === true && v.participates === true) {
      errors.push(importError(r.row, 'participates', 'special_participates'));
    }
    if (v.latitude !== undefined && v.longitude !== undefined) {
      if ((v.latitude === null) !== (v.longitude === null)) {
        errors.push(
          importError(r.row, v.latitude === null ? 'latitude' : 'longitude', 'coordinates_incomplete'),
        );
      } else if (
        v.latitude !== null &&
        v.longitude !== null &&
        (v.latitude < BOX.latMin ||
          v.latitude > BOX.latMax ||
          v.longitude < BOX.lonMin ||
          v.longitude > BOX.lonMax)
      ) {
        errors.push(
          importError(r.row, 'latitude', 'coordinates_outside_kyrgyzstan', {
            latitude: v.latitude,
            longitude: v.longitude,
          }),
        );
      }
    }
    // seats given (or held) in a language the file drops, or quotas for a school turned special
    const quotas = v.code === undefined ? [] : (quotasOf.get(v.code) ?? []);
    const live = quotas.filter((q) => q.seats > 0 || q.taken > 0);
    if (v.special === true && live.length > 0) {
      errors.push(
        importError(r.row, 'special', 'special_with_quota', { campaign: live[0]?.campaignId ?? '' }),
      );
    } else if (v.languages !== undefined) {
      const dropped = live.find((q) => !v.languages?.includes(q.language as InstructionLanguage));
      if (dropped) {
        errors.push(
          importError(r.row, 'languages', 'language_has_quota', {
            language: dropped.language,
            campaign: dropped.campaignId,
          }),
        );
      }
    }
  }
  if (errors.length > 0 || table.errors.length > 0) return { errors };

  const rows: SchoolInput[] = table.rows.filter(isValid).map(({ values: v }) => ({
    code: v.code,
    name: { ky: v.name_ky, ru: v.name_ru, en: v.name_en },
    districtId: v.district_id,
    ownership: v.ownership,
    participates: v.participates ?? !v.special,
    special: v.special,
    settlement: v.settlement,
    address: { ky: v.address_ky, ru: v.address_ru, en: v.address_en },
    languages: v.languages,
    latitude: v.latitude,
    longitude: v.longitude,
  }));
  const written = await writeSchools(sql, rows, 'update');
  // empty quotas (0 seats, none held) of a dropped language or of a school now special go with it
  const byCode = new Map(rows.map((x) => [x.code, x]));
  const stale = existing.flatMap((s) => {
    const row = byCode.get(s.code);
    if (!row) return [];
    return s.quotas
      .filter((q) => row.special || !row.languages.includes(q.language as InstructionLanguage))
      .map((q) => ({ schoolId: s.id, campaignId: q.campaignId, language: q.language }));
  });
  for (const q of stale) {
    await sql.quota.delete({ where: { schoolId_campaignId_language: q } });
  }
  return { inserted: written.inserted, updated: written.updated };
}
