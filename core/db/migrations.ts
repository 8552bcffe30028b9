// Applying and checking migrations: used at start-up, by `kattoo migrate`, and by the drift test.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSchemaEngine } from './schema-engine.ts';

export const prismaDir = fileURLToPath(new URL('../../prisma/', import.meta.url));
const migrationsDir = join(prismaDir, 'migrations');
const noFilters = { externalTables: [], externalEnums: [] };

export async function readSchema(): Promise<string> {
  return readFile(join(prismaDir, 'schema.prisma'), 'utf8');
}

export async function migrationList() {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const dirs = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const lock = await readFile(join(migrationsDir, 'migration_lock.toml'), 'utf8').catch(() => null);
  return {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: lock },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      dirs.map(async (path) => ({
        path,
        migrationFile: {
          path: 'migration.sql',
          content: { tag: 'ok', value: await readFile(join(migrationsDir, path, 'migration.sql'), 'utf8') },
        },
      })),
    ),
  };
}

/** Applies every migration not yet applied; returns the names applied now. */
export async function applyMigrations(connectionString: string): Promise<string[]> {
  const engine = await openSchemaEngine(connectionString, await readSchema());
  try {
    const out = await engine.applyMigrations({ migrationsList: await migrationList(), filters: noFilters });
    return out.appliedMigrationNames;
  } finally {
    await engine.close();
  }
}

/** SQL that would take the migrated database to what schema.prisma says; empty when in step. */
export async function schemaDrift(connectionString: string): Promise<string> {
  const schema = await readSchema();
  const engine = await openSchemaEngine(connectionString, schema);
  const out = await engine
    .diff({
      // The engine reads the live database through its adapter when given the schema's datasource.
      from: {
        tag: 'schemaDatasource',
        files: [{ path: 'schema.prisma', content: schema }],
        configDir: prismaDir,
      },
      to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schema }] },
      script: true,
      exitCode: null,
      filters: noFilters,
    })
    .finally(() => engine.close());
  return (out.stdout ?? '').replace(/^-- This is an empty migration\.\s*$/m, '').trim();
}

/** SQL of a new migration from the empty database to schema.prisma (used to author migrations). */
export async function sqlFromEmpty(connectionString: string): Promise<string> {
  const schema = await readSchema();
  const engine = await openSchemaEngine(connectionString, schema);
  const out = await engine
    .diff({
      from: { tag: 'empty' },
      to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schema }] },
      script: true,
      exitCode: null,
      filters: noFilters,
    })
    .finally(() => engine.close());
  return out.stdout ?? '';
}
