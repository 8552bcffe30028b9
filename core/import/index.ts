// CSV import of reference data (`kattoo import territories|schools|catchments|quotas <file.csv>`).
// A file is checked whole — syntax, header, every cell, references within the file and to the
// database — and refused whole with every error by row and column, or written in one transaction.
// Columns and rules: docs/import.md.
import type { Db } from '../db/client.ts';
import type { Sql, Written } from './bulk.ts';
import { catchmentColumns, importCatchments } from './catchments.ts';
import type { ImportError, ImportResult } from './errors.ts';
import { importQuotas, type QuotaImportOptions, quotaColumns } from './quotas.ts';
import { importSchools, schoolColumns } from './schools.ts';
import { type Columns, readTable, sortErrors, type Table } from './table.ts';
import { importTerritories, territoryColumns } from './territories.ts';

export type { ImportError, ImportErrorCode, ImportErrorParams, ImportResult } from './errors.ts';
export { formatImportMessage } from './errors.ts';

export const IMPORT_KINDS = ['territories', 'schools', 'catchments', 'quotas'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

type Outcome = { errors: ImportError[] } | (Written & { removed?: number; pending?: number });
type Importer<C extends Columns> = {
  columns: C;
  run: (sql: Sql, table: Table<C>, opts: QuotaImportOptions) => Promise<Outcome>;
};

const importer = <C extends Columns>(columns: C, run: Importer<C>['run']): Importer<C> => ({ columns, run });

const IMPORTERS = {
  territories: importer(territoryColumns, importTerritories),
  schools: importer(schoolColumns, importSchools),
  catchments: importer(catchmentColumns, importCatchments),
  quotas: importer(quotaColumns, importQuotas),
};

/** The documented columns of each kind of file, in order. */
export function importColumns(kind: ImportKind): string[] {
  return Object.keys(IMPORTERS[kind].columns);
}

/** Imports cannot run side by side (each checks the database, then writes). */
const IMPORT_LOCK = 0x6b617474; // "katt"

export type { QuotaImportOptions } from './quotas.ts';

/** `opts` concern quotas only: the ministry's explicit approval of its own file, and its author. */
export async function importCsv(
  db: Db,
  kind: ImportKind,
  csvText: string,
  opts: QuotaImportOptions = {},
): Promise<ImportResult> {
  const { columns, run } = IMPORTERS[kind] as Importer<Columns>;
  const order = Object.keys(columns);
  const table = readTable(columns, csvText);
  if (!table.readable) return { ok: false, errors: sortErrors(table.errors, order) };

  const outcome = await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${IMPORT_LOCK})`;
      return run(tx, table, opts);
    },
    { maxWait: 30_000, timeout: 120_000 },
  );
  if ('errors' in outcome)
    return { ok: false, errors: sortErrors([...table.errors, ...outcome.errors], order) };
  return { ok: true, ...outcome };
}
