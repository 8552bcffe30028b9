// `kattoo import quotas`: seats per school × campaign × language, upserted; seats already held stay.
import { LANGUAGES } from '../domain/reference.ts';
import { type Sql, upsertQuotas, type Written } from './bulk.ts';
import { type ImportError, importError } from './errors.ts';
import { bool, enumOf, int, schoolCode, text } from './fields.ts';
import { col, FirstSeen, isValid, type Table } from './table.ts';

/** Legal maximum class size (reference/facts.md "Territory"; K-SEAT-2). */
export const LEGAL_MAX_CLASS_SIZE = 36;

export const quotaColumns = {
  school_code: col(schoolCode),
  campaign_id: col(text(40)),
  language: col(enumOf(LANGUAGES)),
  seats: col(int({ max: 10_000 })),
  class_size: col(int({ min: 1, positive: true, max: 1_000, fallback: 25 }), true),
  approved: col(bool(false), true),
};
type C = typeof quotaColumns;

export async function importQuotas(sql: Sql, table: Table<C>): Promise<{ errors: ImportError[] } | Written> {
  const errors: ImportError[] = [];
  const codes = [...new Set(table.rows.flatMap((r) => (r.values.school_code ? [r.values.school_code] : [])))];
  const schools = new Map(
    (
      await sql.school.findMany({
        where: { code: { in: codes } },
        select: {
          id: true,
          code: true,
          special: true,
          participates: true,
          languages: true,
          quotas: { select: { campaignId: true, language: true, taken: true } },
        },
      })
    ).map((s) => [s.code, s]),
  );
  const campaigns = new Set((await sql.campaign.findMany({ select: { id: true } })).map((c) => c.id));

  const seen = new FirstSeen();
  for (const r of table.rows) {
    const v = r.values;
    const school = v.school_code === undefined ? undefined : schools.get(v.school_code);
    if (v.school_code !== undefined) {
      if (!school) errors.push(importError(r.row, 'school_code', 'unknown_school', { value: v.school_code }));
      else if (school.special)
        errors.push(importError(r.row, 'school_code', 'school_is_special', { value: v.school_code }));
      else if (!school.participates) {
        errors.push(importError(r.row, 'school_code', 'school_not_participating', { value: v.school_code }));
      }
    }
    if (v.campaign_id !== undefined && !campaigns.has(v.campaign_id)) {
      errors.push(importError(r.row, 'campaign_id', 'unknown_campaign', { value: v.campaign_id }));
    }
    if (school && v.language !== undefined && !school.languages.includes(v.language)) {
      errors.push(
        importError(r.row, 'language', 'language_not_taught', {
          value: v.language,
          languages: school.languages.join('|'),
        }),
      );
    }
    if (v.class_size !== undefined && v.class_size > LEGAL_MAX_CLASS_SIZE) {
      errors.push(
        importError(r.row, 'class_size', 'class_size_above_legal_max', {
          value: v.class_size,
          max: LEGAL_MAX_CLASS_SIZE,
        }),
      );
    }
    if (school && v.seats !== undefined) {
      const held = school.quotas.find((q) => q.campaignId === v.campaign_id && q.language === v.language);
      if (held && held.taken > v.seats) {
        errors.push(importError(r.row, 'seats', 'seats_below_taken', { value: v.seats, taken: held.taken }));
      }
    }
    if (v.school_code !== undefined && v.campaign_id !== undefined && v.language !== undefined) {
      const key = `${v.school_code}/${v.campaign_id}/${v.language}`;
      const first = seen.see(key, r.row);
      if (first !== undefined)
        errors.push(importError(r.row, 'language', 'duplicate_key', { key, first_row: first }));
    }
  }
  if (errors.length > 0 || table.errors.length > 0) return { errors };

  return upsertQuotas(
    sql,
    table.rows.filter(isValid).map(({ values: v }) => ({
      schoolId: schools.get(v.school_code)?.id ?? -1,
      campaignId: v.campaign_id,
      language: v.language,
      seats: v.seats,
      classSize: v.class_size,
      approved: v.approved,
    })),
  );
}
