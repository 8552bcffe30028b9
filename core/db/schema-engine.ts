// Prisma's WebAssembly schema engine, loaded by hand so that Node 20 needs no
// --experimental-wasm-modules flag (docs/decisions/0002-prisma-offline.md). It applies the ordinary
// prisma/migrations folders and records them in Prisma's own _prisma_migrations table.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';

// The package exports only its wasm-module entry, so its files are addressed by path.
const engineDir = fileURLToPath(new URL('../../node_modules/@prisma/schema-engine-wasm/', import.meta.url));

type Engine = {
  applyMigrations(input: unknown): Promise<{ appliedMigrationNames: string[] }>;
  diff(input: unknown): Promise<{ exitCode: number; stdout: string | null }>;
};

export let lastPanic: string | undefined;
let loaded:
  | Promise<{ SchemaEngine: { new: (o: unknown, cb: () => void, a: object) => Promise<Engine> } }>
  | undefined;

async function loadEngineModule() {
  // The engine reports a Rust panic's message through this global before it throws.
  const g = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(m: string): void } };
  g.PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message(message: string) {
      lastPanic = message;
    },
  };
  const dir = engineDir;
  const bg = await import(join(dir, 'schema_engine_bg.js'));
  const bytes = await readFile(join(dir, 'schema_engine_bg.wasm'));
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': bg });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
  return bg;
}

// The schema engine's catalogue queries return PostgreSQL's internal "char" type (OID 18), which
// @prisma/adapter-pg 7.10 refuses as unsupported; its values are one-letter strings, so the engine's
// own connections report them as text (OID 25). Only the schema engine uses this client.
const CHAR_OID = 18;
const TEXT_OID = 25;
const CHARACTER_COLUMN = 6; // ColumnTypeEnum.Character of @prisma/driver-adapter-utils
const charColumnsOf = new WeakMap<object, number[]>();
function charAsText(result: unknown): unknown {
  if (!result || typeof (result as Promise<unknown>).then !== 'function') return result;
  return (result as Promise<pg.QueryResult>).then((r) => {
    const columns: number[] = [];
    (r?.fields ?? []).forEach((f, i) => {
      if (f.dataTypeID === CHAR_OID) {
        f.dataTypeID = TEXT_OID;
        columns.push(i);
      }
    });
    if (columns.length > 0) charColumnsOf.set(r.rows, columns);
    return r;
  });
}
// biome-ignore lint/suspicious/noExplicitAny: pg's query() has many overloads; we only post-process.
type AnyQuery = (...args: any[]) => any;
class CharAsTextClient extends pg.Client {
  override query: AnyQuery = (...args) => charAsText((super.query as AnyQuery).apply(this, args));
}
class CharAsTextPool extends pg.Pool {
  override query: AnyQuery = (...args) => charAsText((super.query as AnyQuery).apply(this, args));
}

/** Opens the engine on its own small pool; call close() when done so the database has no session left. */
export async function openSchemaEngine(
  connectionString: string,
  schemaText: string,
): Promise<Engine & { close(): Promise<void> }> {
  loaded ??= loadEngineModule();
  const { SchemaEngine } = await loaded;
  const pool = new CharAsTextPool({ connectionString, max: 2, Client: CharAsTextClient });
  const factory = new PrismaPg(pool);
  const connect = factory.connect.bind(factory);
  // …and the adapter then tells the engine those columns are characters, as the engine expects.
  factory.connect = async () => {
    const queryable = await connect();
    const queryRaw = queryable.queryRaw.bind(queryable);
    queryable.queryRaw = async (query) => {
      const result = await queryRaw(query);
      for (const i of charColumnsOf.get(result.rows) ?? []) result.columnTypes[i] = CHARACTER_COLUMN as never;
      return result;
    };
    // adapter-pg runs a migration by splitting it on every ';' — even one inside a comment or a
    // string. PostgreSQL's simple query protocol takes the whole script as it is.
    queryable.executeScript = async (script) => {
      await pool.query(script);
    };
    return queryable;
  };
  const adapter = bindMigrationAwareSqlAdapterFactory(factory);
  const engine = await SchemaEngine.new({ datamodels: [['schema.prisma', schemaText]] }, () => {}, adapter);
  return Object.assign(engine, { close: () => pool.end() });
}
