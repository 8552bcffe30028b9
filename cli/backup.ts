// `kattoo backup <file>` and `kattoo restore <file>` (decision 0013): a logical copy of the whole
// database with PostgreSQL's own pg_dump (custom format, one consistent snapshot while Kattoo runs)
// and pg_restore into a fresh database, then the checks docs/operations.md asks for after a restore.
// The tools must match the server: pg_dump refuses a server newer than itself, and pg_restore reads
// only archives of its own version or older, so the one whose major version equals the server's is
// chosen (else the nearest newer one), from PG_BIN_DIR, the PATH or Debian's /usr/lib/postgresql/*/bin.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import type { Db } from '../core/db/client.ts';
import { reconcileStats } from '../core/reports/snapshot.ts';

export type PgTool = { path: string; major: number; version: string };

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, out, err }));
  });
}

function candidateDirs(env: NodeJS.ProcessEnv): string[] {
  if (env.PG_BIN_DIR) return [env.PG_BIN_DIR];
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian) ? readdirSync(debian).map((v) => join(debian, v, 'bin')) : [];
  return [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...versions];
}

/** The pg_dump or pg_restore for a server of this major version, or an error that says what to install. */
export async function findPgTool(
  tool: 'pg_dump' | 'pg_restore',
  serverMajor: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<PgTool> {
  const found: PgTool[] = [];
  const seen = new Set<string>();
  for (const dir of candidateDirs(env)) {
    const path = join(dir, tool);
    if (!existsSync(path) || seen.has(realpathSync(path))) continue;
    seen.add(realpathSync(path));
    const r = await run(path, ['--version']).catch(() => undefined);
    const m = r?.out.match(/\(PostgreSQL\) (\d+)(\.\d+)?\S*/);
    if (m) found.push({ path, major: Number(m[1]), version: `${m[1]}${m[2] ?? ''}` });
  }
  const usable = found.filter((t) => t.major >= serverMajor).sort((a, b) => a.major - b.major);
  const best = usable[0];
  if (!best) {
    const all = found.map((t) => `${t.path} (${t.version})`).join(', ') || 'none';
    throw new Error(
      `no ${tool} for PostgreSQL ${serverMajor} (found: ${all}); install the client of that version ` +
        `(Debian: postgresql-client-${serverMajor}) or set PG_BIN_DIR to its bin folder`,
    );
  }
  return best;
}

/** A connection URL without its password, which goes in PGPASSWORD instead (not in `ps`). */
function connection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { dbname: u.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

async function serverMajor(url: string): Promise<{ major: number; version: string }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ v: string; n: string }>(
      `SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n`,
    );
    const row = r.rows[0];
    return { major: Math.floor(Number(row?.n) / 10_000), version: row?.v ?? '?' };
  } finally {
    await c.end();
  }
}

export type Say = (line: string) => void;

/** pg_dump in custom format to `file` (written beside it first, renamed when complete). */
export async function backup(url: string, file: string, say: Say): Promise<void> {
  const server = await serverMajor(url);
  const tool = await findPgTool('pg_dump', server.major);
  const partial = `${file}.partial`;
  const { dbname, env } = connection(url);
  const r = await run(tool.path, ['--format=custom', `--file=${partial}`, `--dbname=${dbname}`], env);
  if (r.code !== 0) {
    await rm(partial, { force: true });
    throw new Error(`pg_dump failed: ${r.err.trim()}`);
  }
  await rename(partial, file);
  const size = (await stat(file)).size;
  say(
    `backup written: ${file} (${(size / 1e6).toFixed(1)} MB; pg_dump ${tool.version}, server ${server.version})`,
  );
}

/** pg_restore of `file` into the database at `url`, which must be empty (a fresh `createdb`). */
export async function restore(url: string, file: string, say: Say): Promise<void> {
  if (!existsSync(file)) throw new Error(`${file}: no such file`);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const tables = await c
    .query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`,
    )
    .finally(() => c.end());
  if ((tables.rows[0]?.n ?? 0) > 0)
    throw new Error(
      'the target database is not empty: restore into a fresh one (createdb) and point DATABASE_URL at it',
    );
  const server = await serverMajor(url);
  const tool = await findPgTool('pg_restore', server.major);
  const { dbname, env } = connection(url);
  // one transaction: a restore that fails half-way leaves the database empty, not half-filled
  const r = await run(
    tool.path,
    ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${dbname}`, file],
    env,
  );
  if (r.code !== 0) throw new Error(`pg_restore failed: ${r.err.trim()}`);
  say(`restored ${file} (pg_restore ${tool.version}, server ${server.version})`);
}

/** Rows in each table of the public schema, by name. */
export async function tableCounts(db: Db): Promise<Record<string, number>> {
  const tables = await db.$queryRaw<{ name: string }[]>`
    SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`;
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${name}"`);
    counts[name] = row?.n ?? 0;
  }
  return counts;
}

export type RestoreCheck = {
  ok: boolean;
  applications: number;
  /** applications whose status is not the last transition's (a draft may have none) */
  statusMismatches: number;
  /** quota.taken and application_stats against the rows (core/reports/snapshot.ts) */
  counters: Awaited<ReturnType<typeof reconcileStats>>;
  counts: Record<string, number>;
};

/** What to check after a restore (docs/operations.md): counters, statuses, and what is in flight. */
export async function checkRestored(db: Db): Promise<RestoreCheck> {
  const [mismatch] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM application a
    LEFT JOIN LATERAL (
      SELECT to_status FROM application_transition t WHERE t.application_id = a.id
      ORDER BY t.id DESC LIMIT 1) last ON true -- the last written (times are on the campaign clock, which may be set back)
    WHERE a.status <> COALESCE(last.to_status, 'draft')`;
  const counters = await reconcileStats(db);
  const statusMismatches = mismatch?.n ?? 0;
  return {
    ok: counters.ok && statusMismatches === 0,
    applications: counters.applications,
    statusMismatches,
    counters,
    counts: await tableCounts(db),
  };
}

export function describeCheck(c: RestoreCheck, say: Say): void {
  say(`applications: ${c.applications}; status ≠ last transition: ${c.statusMismatches}`);
  say(
    `counters: ${c.counters.mismatches.length} application_stats differences, ${c.counters.quotas.length} quota.taken differences`,
  );
  for (const q of c.counters.quotas.slice(0, 20))
    say(`  quota ${q.campaignId}/${q.schoolId}/${q.language}: taken ${q.actual}, holding ${q.expected}`);
  const inFlight = ['inbound_update', 'outbox_message'].map((t) => `${t} ${c.counts[t] ?? 0}`).join(', ');
  say(`rows: ${inFlight}`);
  say(c.ok ? 'restore check: ok' : 'restore check: FAILED (see docs/operations.md, "After a restore")');
}
