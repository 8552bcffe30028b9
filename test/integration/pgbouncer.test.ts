// Kattoo behind a real PgBouncer in transaction mode (decision 0013), the pooler a deployment puts
// between many instances and PostgreSQL. Debian's PgBouncer (1.18 on these machines) cannot track
// named prepared statements across server connections; DATABASE_NAMED_STATEMENTS=0 sends Kattoo's
// few named statements unnamed, and the opening-minute path (submissions at one instant), the update
// inbox and the schedule claim then work through it. PgBouncer ≥ 1.21 with max_prepared_statements
// tracks them, so there the named statements work too.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../core/db/client.ts';
import { claimTick } from '../../core/db/schedule.ts';
import { sql } from '../../core/db/sql.ts';
import { inboxRepository } from '../../core/repositories/inbox-repository.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { campaignInFlight, SEATS } from '../support/in-flight.ts';

const BINARY = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((p) => existsSync(p)) ?? 'pgbouncer';

function bouncerVersion(): [number, number] {
  let out: string;
  try {
    out = execFileSync(BINARY, ['--version'], { encoding: 'utf8' });
  } catch {
    throw new Error('this test runs a real PgBouncer: apt-get install -y pgbouncer');
  }
  const m = out.match(/PgBouncer (\d+)\.(\d+)/);
  return [Number(m?.[1]), Number(m?.[2])];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

type Bouncer = { url(database: string): string; stop(): Promise<void> };

/** A PgBouncer in transaction mode in front of the test server, with `serverPool` server connections. */
async function startBouncer(serverUrl: string, serverPool: number, trackPrepared: boolean): Promise<Bouncer> {
  const server = new URL(serverUrl);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'kattoo-pgbouncer-'));
  const password = decodeURIComponent(server.password);
  const ini = join(dir, 'pgbouncer.ini');
  writeFileSync(
    ini,
    [
      '[databases]',
      `* = host=${server.hostname} port=${server.port || 5432} user=${server.username}${password ? ` password=${password}` : ''}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = any',
      'pool_mode = transaction',
      `default_pool_size = ${serverPool}`,
      'max_client_conn = 200',
      'ignore_startup_parameters = extra_float_digits,options',
      ...(trackPrepared ? ['max_prepared_statements = 200'] : []),
      '',
    ].join('\n'),
  );
  // PgBouncer refuses to run as root; -u drops to the server's own account
  const asUser = process.getuid?.() === 0 ? ['-u', 'postgres'] : [];
  const child: ChildProcess = spawn(BINARY, [...asUser, ini], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d) => {
    log += d;
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = (database: string) => `postgresql://${server.username}@127.0.0.1:${port}/${database}`;
  // ready when it answers a query
  for (let i = 0; ; i++) {
    const c = new pg.Client({ connectionString: url(server.pathname.slice(1) || 'postgres') });
    try {
      await c.connect();
      await c.query('SELECT 1');
      await c.end();
      break;
    } catch (e) {
      await c.end().catch(() => {});
      if (child.exitCode !== null || i > 100) throw new Error(`PgBouncer did not start: ${log || e}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const [major, minor] = bouncerVersion();
const tracksPrepared = major > 1 || minor >= 21;

describe(`Kattoo through PgBouncer ${major}.${minor} in transaction mode`, () => {
  let t: TestDatabase;
  let bouncer: Bouncer;
  let db: Db;
  const name = () => new URL(t.url).pathname.slice(1);

  beforeAll(async () => {
    t = await createTestDatabase();
    // two server connections for eight client connections: every statement may land on another one
    bouncer = await startBouncer(t.url, 2, tracksPrepared);
    db = createDb(bouncer.url(name()), 8, { namedStatements: false });
  }, 60_000);
  afterAll(async () => {
    await db?.$disconnect();
    await bouncer?.stop();
    await t?.drop();
  });

  it(
    tracksPrepared
      ? 'named statements work: this PgBouncer tracks them (max_prepared_statements)'
      : 'named statements fail without max_prepared_statements (why DATABASE_NAMED_STATEMENTS=0 exists)',
    async () => {
      // one server connection: a second client connection preparing the same name meets the first's
      const one = await startBouncer(t.url, 1, tracksPrepared);
      const named = createDb(one.url(name()), 2);
      try {
        const both = Promise.all([
          sql(named, 'kattoo_probe', 'SELECT 1 AS one', []),
          sql(named, 'kattoo_probe', 'SELECT 1 AS one', []),
        ]);
        if (tracksPrepared) await expect(both).resolves.toHaveLength(2);
        else await expect(both).rejects.toThrow(/prepared statement "kattoo_probe"/);
      } finally {
        await named.$disconnect();
        await one.stop();
      }
    },
  );

  it('the opening minute with unnamed statements: 40 presses at once fill exactly the seats', async () => {
    const { school, outcomes, withdrawn } = await campaignInFlight(db, { drafts: 44, keepDrafts: 4 });
    expect(outcomes.filter((o) => o.outcome === 'admitted')).toHaveLength(SEATS);
    expect(outcomes.filter((o) => o.outcome === 'waitlisted')).toHaveLength(40 - SEATS);
    expect(withdrawn).toBeDefined();
    const quota = await t.db.quota.findFirstOrThrow({ where: { schoolId: school.id, language: 'ky' } });
    const holding = await t.db.application.count({
      where: { schoolId: school.id, language: 'ky', status: { in: ['admitted', 'enrolled'] } },
    });
    expect(quota.taken).toBe(holding);
    expect(holding).toBeLessThanOrEqual(SEATS);
  });

  it('the update inbox and the schedule claim with unnamed statements', async () => {
    const inbox = inboxRepository(db);
    const ids = Array.from({ length: 30 }, (_, i) => 900_000 + i);
    const first = await Promise.all(ids.map((id) => inbox.receive(id, `chat:${id % 3}`, { update_id: id })));
    const again = await Promise.all(ids.map((id) => inbox.receive(id, `chat:${id % 3}`, { update_id: id })));
    expect(first.every((r) => r.fresh)).toBe(true);
    expect(again.some((r) => r.fresh)).toBe(false);
    await Promise.all(ids.map((id) => inbox.markProcessed(id)));
    expect(await inbox.pendingCount()).toBe(0);
    const claims = await Promise.all(
      Array.from({ length: 6 }, () => claimTick(db, 'pgbouncer_test', 60_000)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });
});
