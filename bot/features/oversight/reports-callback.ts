// Inline-button payloads of the reports: ASCII, ≤ 64 bytes (K-TG-3), prefix `rp|` (no other feature
// uses it), parsed with zod. A scope in a payload is only a claim: the core re-reads the caller's staff
// links and refuses a scope outside them (K-ID-3, K-REL-3).
import { z } from 'zod';
import type { ScopeRequest } from '../../../core/reports/model.ts';

export const PREFIX = 'rp';
const SEP = '|';
const MAX_BYTES = 64;

export const FORMATS = ['xlsx', 'csv', 'pdf'] as const;
export type ReportFormat = (typeof FORMATS)[number];

export type ReportsAction =
  /** the levels the caller may open */
  | { a: 'menu' }
  /** the regions (and cities of republican significance) to choose from */
  | { a: 'regions' }
  /** type a school's code */
  | { a: 'school' }
  /** a report: short text and chart */
  | { a: 'view'; scope: ScopeRequest }
  /** a report as a file */
  | { a: 'file'; format: ReportFormat; scope: ScopeRequest };

const LEVEL_CODES = { school: 's', district: 'd', region: 'r', nation: 'n' } as const;
const FORMAT_CODES = { xlsx: 'x', csv: 'c', pdf: 'p' } as const;

const id = z.string().regex(/^[A-Za-z0-9_-]{1,24}$/);
const scopeSchema = z.tuple([z.enum(['s', 'd', 'r', 'n']), id]).transform(([l, v]): ScopeRequest | null => {
  switch (l) {
    case 's':
      return { level: 'school', code: v };
    case 'd':
      return { level: 'district', id: v };
    case 'r':
      return { level: 'region', id: v };
    case 'n':
      return v === '_' ? { level: 'nation' } : null;
  }
});
const formatSchema = z
  .enum(['x', 'c', 'p'])
  .transform((f) => (({ x: 'xlsx', c: 'csv', p: 'pdf' }) as const)[f]);

function scopeParts(s: ScopeRequest): string[] {
  switch (s.level) {
    case 'nation':
      return [LEVEL_CODES.nation, '_'];
    case 'school':
      return [LEVEL_CODES.school, s.code];
    case 'district':
    case 'region':
      return [LEVEL_CODES[s.level], s.id];
  }
}

export function encodeReports(action: ReportsAction): string {
  let parts: string[];
  switch (action.a) {
    case 'menu':
      parts = ['m'];
      break;
    case 'regions':
      parts = ['rg'];
      break;
    case 'school':
      parts = ['sc'];
      break;
    case 'view':
      parts = ['v', ...scopeParts(action.scope)];
      break;
    case 'file':
      parts = ['f', FORMAT_CODES[action.format], ...scopeParts(action.scope)];
      break;
  }
  const s = [PREFIX, ...parts].join(SEP);
  if (Buffer.byteLength(s) > MAX_BYTES) throw new Error(`callback data over 64 bytes: ${s}`);
  return s;
}

/** The action of a `rp|` payload; null for another feature's payload or anything forged or stale. */
export function decodeReports(data: string | undefined): ReportsAction | null {
  if (!data || Buffer.byteLength(data) > MAX_BYTES) return null;
  const [head, op, ...rest] = data.split(SEP);
  if (head !== PREFIX) return null;
  switch (op) {
    case 'm':
      return rest.length === 0 ? { a: 'menu' } : null;
    case 'rg':
      return rest.length === 0 ? { a: 'regions' } : null;
    case 'sc':
      return rest.length === 0 ? { a: 'school' } : null;
    case 'v': {
      const s = scopeSchema.safeParse(rest);
      return s.success && s.data ? { a: 'view', scope: s.data } : null;
    }
    case 'f': {
      const [f, ...scope] = rest;
      const format = formatSchema.safeParse(f);
      const s = scopeSchema.safeParse(scope);
      return format.success && s.success && s.data ? { a: 'file', format: format.data, scope: s.data } : null;
    }
    default:
      return null;
  }
}

/** Whether a payload is this feature's (to answer a stale or forged one instead of passing it on). */
export const isReportsPayload = (data: string | undefined) => data?.startsWith(`${PREFIX}${SEP}`) === true;
