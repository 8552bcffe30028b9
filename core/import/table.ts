// From CSV text to typed rows: header checks, per-cell validation with zod, errors by row and column.
import type { z } from 'zod';
import { parseCsv } from './csv.ts';
import { type ImportError, importError } from './errors.ts';
import { type Check, check } from './fields.ts';

export type Column<T> = { check: Check<T>; optional: boolean };

/** A column; `optional` ones may be left out of the header (every cell then reads as empty). */
export function col<T>(schema: z.ZodType<T, string>, optional = false): Column<T> {
  return { check: check(schema), optional };
}

// biome-ignore lint/suspicious/noExplicitAny: a column of any value type
export type Columns = Record<string, Column<any>>;
export type Values<C extends Columns> = { [K in keyof C]: C[K] extends Column<infer T> ? T : never };

/** One data row: the cells that passed validation; `valid` when all did. */
export type Row<C extends Columns> = { row: number; values: Partial<Values<C>>; valid: boolean };
export type ValidRow<C extends Columns> = { row: number; values: Values<C>; valid: true };

export function isValid<C extends Columns>(r: Row<C>): r is ValidRow<C> {
  return r.valid;
}

export type Table<C extends Columns> = { rows: Row<C>[]; errors: ImportError[]; readable: boolean };

/**
 * Reads and validates every cell. `readable` is false when the header itself is unusable (the rows are
 * then not read); otherwise every row is returned with what could be read, and all errors listed.
 */
export function readTable<C extends Columns>(columns: C, csvText: string): Table<C> {
  const names = Object.keys(columns);
  const { records, errors: syntax } = parseCsv(csvText);
  const errors: ImportError[] = [];
  const header = records[0];
  if (!header || (header.fields.length === 1 && header.fields[0]?.trim() === '')) {
    return { rows: [], errors: [importError(1, '*', 'empty_file')], readable: false };
  }
  const headerNames = header.fields.map((f) => f.trim().toLowerCase());
  const index = new Map<string, number>();
  headerNames.forEach((h, i) => {
    if (index.has(h)) errors.push(importError(1, h, 'duplicate_column', { column: h }));
    else if (!names.includes(h)) {
      errors.push(
        importError(1, h === '' ? `#${i + 1}` : h, 'unknown_column', {
          column: h,
          expected: names.join(', '),
        }),
      );
    } else index.set(h, i);
  });
  for (const name of names) {
    if (!index.has(name) && !columns[name]?.optional)
      errors.push(importError(1, name, 'missing_column', { column: name }));
  }
  const columnAt = (i: number) => headerNames[i] || `#${i + 1}`;
  for (const e of syntax) errors.push(importError(e.row, columnAt(e.field), e.code));
  if (errors.some((e) => e.row === 1)) return { rows: [], errors, readable: false };

  const data = records.slice(1);
  if (data.length === 0)
    return { rows: [], errors: [...errors, importError(1, '*', 'no_rows')], readable: false };

  const rows: Row<C>[] = [];
  for (const rec of data) {
    if (rec.fields.length !== headerNames.length) {
      errors.push(
        importError(rec.row, '*', 'wrong_field_count', {
          found: rec.fields.length,
          expected: headerNames.length,
        }),
      );
      rows.push({ row: rec.row, values: {}, valid: false });
      continue;
    }
    const values: Record<string, unknown> = {};
    let valid = !syntax.some((e) => e.row === rec.row);
    for (const name of names) {
      const i = index.get(name);
      const raw = i === undefined ? '' : (rec.fields[i] ?? '');
      const r = (columns[name] as Column<unknown>).check(raw);
      if (r.ok) values[name] = r.value;
      else {
        valid = false;
        errors.push(importError(rec.row, name, r.code, r.params));
      }
    }
    rows.push({ row: rec.row, values: values as Partial<Values<C>>, valid });
  }
  return { rows, errors, readable: true };
}

/** Remembers the first row of each key; returns that row when the key was seen before. */
export class FirstSeen {
  #rows = new Map<string, number>();
  see(key: string, row: number): number | undefined {
    const first = this.#rows.get(key);
    if (first === undefined) this.#rows.set(key, row);
    return first;
  }
}

/** Errors ordered by row, then by the column's place in the documented order. */
export function sortErrors(errors: ImportError[], columns: readonly string[]): ImportError[] {
  const place = (c: string) => {
    const i = columns.indexOf(c);
    return i < 0 ? (c === '*' ? -1 : columns.length) : i;
  };
  return [...errors].sort((a, b) => a.row - b.row || place(a.column) - place(b.column));
}
