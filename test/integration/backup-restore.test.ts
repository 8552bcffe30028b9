// The backup a ministry would restore (decision 0013, docs/operations.md): `kattoo backup` of a
// database with a campaign in flight — seats taken, a waiting list, a withdrawal, drafts, updates and
// messages not yet handled — restored by `kattoo restore` into a fresh database, and Kattoo started
// on it: every row is there, the counters agree with the rows, and the restored Kattoo goes on.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Kattoo, startKattoo } from '../../bot/app.ts';
import { backup, checkRestored, findPgTool, restore, tableCounts } from '../../cli/backup.ts';
import { loadConfig } from '../../core/config.ts';
import { createDb, type Db } from '../../core/db/client.ts';
import { createLogger } from '../../core/logger.ts';
import { inboxRepository } from '../../core/repositories/inbox-repository.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { campaignInFlight, inFlightService, SEATS } from '../support/in-flight.ts';

const say = () => {};

/** What must reconcile on any database of Kattoo's: seats, statuses, the counters. */
async function reconciled(db: Db) {
  const quotas = await db.$queryRaw<{ taken: number; holding: number }[]>`
    SELECT q.taken, (SELECT count(*)::int FROM application a WHERE a.school_id = q.school_id
      AND a.language = q.language AND a.campaign_id = q.campaign_id
      AND a.status IN ('admitted', 'enrolled')) AS holding
    FROM quota q`;
  const check = await checkRestored(db);
  return { quotas, check };
}

describe('backup and restore with a campaign in flight', () => {
  let source: TestDatabase;
  let target: { url: string; db: Db; name: string } | undefined;
  let kattoo: Kattoo | undefined;
  const file = join(mkdtempSync(join(tmpdir(), 'kattoo-backup-')), 'kattoo.dump');
  let before: Record<string, number>;

  beforeAll(async () => {
    source = await createTestDatabase();
    await campaignInFlight(source.db, { drafts: 12, keepDrafts: 3 });
    // updates stored and not yet handled (a crash between storing and handling), and one handled
    const inbox = inboxRepository(source.db);
    for (const id of [501, 502, 503]) await inbox.receive(id, `chat:${id}`, { update_id: id });
    await inbox.markProcessed(501);
    before = await tableCounts(source.db);
  }, 60_000);

  afterAll(async () => {
    await kattoo?.stop();
    await target?.db.$disconnect();
    if (target) {
      const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${target.name} WITH (FORCE)`);
      await admin.end();
    }
    await source?.drop();
  });

  it('the source has what a live campaign has at once', async () => {
    const statuses = await source.db.application.groupBy({ by: ['status'], _count: true });
    const n = Object.fromEntries(statuses.map((s) => [s.status, s._count]));
    expect(n).toMatchObject({ admitted: SEATS, draft: 3, withdrawn: 1 });
    expect(n.waitlisted).toBeGreaterThan(0);
    expect(before.outbox_message).toBeGreaterThan(0);
    expect(before.inbound_update).toBe(3);
    expect((await reconciled(source.db)).check.ok).toBe(true);
  });

  it('kattoo backup, then kattoo restore into a fresh database: every row, counters that agree', async () => {
    await backup(source.url, file, say);
    // the source goes on after the backup: this press is not in the copy
    const late = await source.db.application.findFirstOrThrow({ where: { status: 'draft' } });
    await inFlightService(source.db).submit(String(late.id), Number(late.telegramId));

    const name = `${new URL(source.url).pathname.slice(1)}_restored`;
    const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0`);
    await admin.end();
    const url = new URL(source.url);
    url.pathname = `/${name}`;
    target = { url: url.toString(), db: createDb(url.toString(), 3), name };
    await restore(target.url, file, say);

    expect(await tableCounts(target.db)).toEqual(before);
    const { quotas, check } = await reconciled(target.db);
    for (const q of quotas) expect(q.taken).toBe(q.holding);
    expect(check.statusMismatches).toBe(0);
    expect(check.counters.mismatches).toEqual([]);
    expect(check.counters.quotas).toEqual([]);
    expect(check.ok).toBe(true);
    // a second restore into a database that has data is refused, not merged
    await expect(restore(target.url, file, say)).rejects.toThrow(/not empty/);
  }, 60_000);

  it('Kattoo starts on the restored database, is ready, and the campaign goes on from where the copy was', async () => {
    if (!target) throw new Error('the restore test did not run');
    kattoo = await startKattoo(
      loadConfig({ DATABASE_URL: target.url, KATTOO_DEMO: '1', PORT: '0', LOG_LEVEL: 'silent' }),
      createLogger('silent'),
    );
    const ready = await fetch(`${kattoo.url}/readyz`);
    expect(ready.status).toBe(200);
    // the press made after the backup is a draft again here; pressed now, it waits in line
    const draft = await target.db.application.findFirstOrThrow({
      where: { status: 'draft' },
      orderBy: { id: 'asc' },
    });
    const svc = inFlightService(target.db);
    expect((await svc.submit(String(draft.id), Number(draft.telegramId))).outcome).toBe('waitlisted');
    // an admitted child withdraws: the seat goes to the waiting list, and the counters still agree
    const admitted = await target.db.application.findFirstOrThrow({ where: { status: 'admitted' } });
    await svc.withdraw(String(admitted.id), Number(admitted.telegramId));
    const { quotas, check } = await reconciled(target.db);
    for (const q of quotas) expect(q.taken).toBe(q.holding);
    expect(check.ok).toBe(true);
    expect(check.counts.application).toBe(before.application);
  }, 120_000);

  it('uses the pg_dump of the server’s major version, and says what to install when there is none', async () => {
    const [row] = await source.db.$queryRaw<
      { n: string }[]
    >`SELECT current_setting('server_version_num') AS n`;
    const major = Math.floor(Number(row?.n) / 10_000);
    expect((await findPgTool('pg_dump', major)).major).toBe(major);
    await expect(findPgTool('pg_dump', 99)).rejects.toThrow(/postgresql-client-99\b.*PG_BIN_DIR/);
  }, 60_000);
});
