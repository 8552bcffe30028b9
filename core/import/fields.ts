// One zod schema per CSV column, from the raw cell text to a typed value. Each failure carries an
// import error code as its message, turned into { code, params } by `check`.
import { z } from 'zod';
import { type InstructionLanguage, LANGUAGES } from '../domain/reference.ts';
import type { ImportErrorCode, ImportErrorParams } from './errors.ts';

export type Checked<T> =
  | { ok: true; value: T }
  | { ok: false; code: ImportErrorCode; params: ImportErrorParams };
export type Check<T> = (raw: string) => Checked<T>;

export function check<T>(schema: z.ZodType<T, string>): Check<T> {
  return (raw) => {
    const r = schema.safeParse(raw);
    if (r.success) return { ok: true, value: r.data };
    const issue = r.error.issues[0];
    const params: ImportErrorParams = { value: raw.trim() };
    if (issue?.code === 'too_big') params.max = Number(issue.maximum);
    if (issue && 'values' in issue && Array.isArray(issue.values)) params.allowed = issue.values.join(', ');
    if (issue && 'params' in issue && issue.params) Object.assign(params, issue.params);
    return { ok: false, code: (issue?.message ?? 'required') as ImportErrorCode, params };
  };
}

/** A non-empty text, trimmed. */
export const text = (max = 200) =>
  z.string().trim().min(1, { error: 'required' }).max(max, { error: 'too_long' });

/** Empty means null. */
export const optionalText = (max = 200) =>
  z
    .string()
    .trim()
    .max(max, { error: 'too_long' })
    .transform((v) => (v === '' ? null : v));

export const enumOf = <const T extends readonly [string, ...string[]]>(values: T, fallback?: T[number]) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .transform((v) => (v === '' && fallback !== undefined ? fallback : v))
    .pipe(z.string().min(1, { error: 'required' }))
    .pipe(z.enum(values, { error: 'invalid_enum' }));

const TRUE = new Set(['true', '1', 'yes', 'y']);
const FALSE = new Set(['false', '0', 'no', 'n']);

export const bool = (fallback?: boolean) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .transform((v, ctx): boolean => {
      if (TRUE.has(v)) return true;
      if (FALSE.has(v)) return false;
      if (v === '' && fallback !== undefined) return fallback;
      ctx.addIssue({ code: 'custom', message: v === '' ? 'required' : 'invalid_boolean', input: v });
      return z.NEVER;
    });

/** A whole number in [min, max]; `fallback` for an empty cell, else the cell is required. */
export const int = (opts: { min?: number; max: number; fallback?: number; positive?: boolean }) =>
  z
    .string()
    .trim()
    .transform((v) => (v === '' && opts.fallback !== undefined ? String(opts.fallback) : v))
    .pipe(z.string().min(1, { error: 'required' }))
    .pipe(z.string().regex(/^[+-]?\d+$/, { error: 'invalid_integer' }))
    .transform(Number)
    .pipe(
      z
        .number()
        .min(opts.min ?? 0, { error: opts.positive ? 'not_positive' : 'negative' })
        .max(opts.max, { error: 'too_large' }),
    );

/** A decimal number ("." or "," as the decimal mark), or null when empty. */
export const optionalDecimal = z
  .string()
  .trim()
  .transform((v, ctx): number | null => {
    if (v === '') return null;
    const normal = v.replace(',', '.');
    if (!/^[+-]?\d+(\.\d+)?$/.test(normal)) {
      ctx.addIssue({ code: 'custom', message: 'invalid_number', input: v });
      return z.NEVER;
    }
    return Number(normal);
  });

/** Territory ids: KG-C, KG-C-ALM, KG-GB-LEN. */
export const territoryId = z
  .string()
  .trim()
  .min(1, { error: 'required' })
  .pipe(z.string().max(40, { error: 'too_long' }))
  .pipe(z.string().regex(/^[A-Z0-9]+(-[A-Z0-9]+)*$/, { error: 'invalid_id' }));

/** The longest code for which `school_<code>` stays within 50 characters (deep links). */
export const SCHOOL_CODE_MAX = 43;

export const schoolCode = z
  .string()
  .trim()
  .min(1, { error: 'required' })
  .pipe(z.string().max(SCHOOL_CODE_MAX, { error: 'invalid_code' }))
  .pipe(z.string().regex(/^[A-Za-z0-9_-]+$/, { error: 'invalid_code' }));

/** "ky|ru": at least one language, each known, none twice. */
export const languageList = z
  .string()
  .trim()
  .transform((v, ctx): InstructionLanguage[] => {
    if (v === '') {
      ctx.addIssue({ code: 'custom', message: 'required', input: v });
      return z.NEVER;
    }
    const out: InstructionLanguage[] = [];
    for (const part of v.split('|').map((x) => x.trim().toLowerCase())) {
      if (!(LANGUAGES as readonly string[]).includes(part)) {
        ctx.addIssue({
          code: 'custom',
          message: 'invalid_enum',
          input: v,
          params: { value: part, allowed: LANGUAGES.join(', ') },
        });
        return z.NEVER;
      }
      if (out.includes(part as InstructionLanguage)) {
        ctx.addIssue({ code: 'custom', message: 'duplicate_language', input: v, params: { value: part } });
        return z.NEVER;
      }
      out.push(part as InstructionLanguage);
    }
    return out;
  });

/** An optional territory id: empty means null. */
export const optionalTerritoryId = z
  .string()
  .trim()
  .transform((v, ctx): string | null => {
    if (v === '') return null;
    if (v.length > 40 || !/^[A-Z0-9]+(-[A-Z0-9]+)*$/.test(v)) {
      ctx.addIssue({ code: 'custom', message: 'invalid_id', input: v });
      return z.NEVER;
    }
    return v;
  });

/** An optional yes/no: empty means null (the caller decides the default). */
export const optionalBool = z
  .string()
  .trim()
  .toLowerCase()
  .transform((v, ctx): boolean | null => {
    if (v === '') return null;
    if (TRUE.has(v)) return true;
    if (FALSE.has(v)) return false;
    ctx.addIssue({ code: 'custom', message: 'invalid_boolean', input: v });
    return z.NEVER;
  });

/** A place or street name: trimmed, inner runs of spaces made one (the same string is matched later). */
export const placeName = (max: number) =>
  z
    .string()
    .transform((v) => v.trim().replace(/\s+/g, ' '))
    .pipe(z.string().min(1, { error: 'required' }).max(max, { error: 'too_long' }));
