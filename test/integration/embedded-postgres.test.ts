// The zero-setup database of "two commands": initialised once, kept across restarts, recovered from a
// half-initialised folder, and reused (not started twice) when already running.
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../core/db/embedded.ts';
import { createLogger } from '../../core/logger.ts';

const root = join('var', `embedded-test-${process.pid}`);
const log = createLogger('silent');

async function query(url: string, sql: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

describe('embedded PostgreSQL', () => {
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('initialises an empty folder once and keeps the data across restarts', async () => {
    const first = await startEmbeddedPostgres(root, log, { preferredPort: 0, fast: true });
    expect(existsSync(join(root, 'pg', 'PG_VERSION'))).toBe(true);
    await query(first.url, 'CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)');
    // a second start while it runs reuses the running server instead of fighting over the folder
    const second = await startEmbeddedPostgres(root, log, { preferredPort: 0, fast: true });
    expect(second.url).toBe(first.url);
    await second.stop(); // a no-op for the reusing side
    expect(await query(first.url, 'SELECT x FROM kept')).toEqual([{ x: 42 }]);
    await first.stop();
    expect(existsSync(join(root, 'pg', 'postmaster.pid'))).toBe(false);

    const again = await startEmbeddedPostgres(root, log, { preferredPort: 0, fast: true });
    expect(await query(again.url, 'SELECT x FROM kept')).toEqual([{ x: 42 }]);
    await again.stop();
  }, 120_000);

  it('recovers from a half-initialised folder (initdb interrupted)', async () => {
    const broken = join(root, 'broken');
    await mkdir(join(broken, 'pg', 'base'), { recursive: true });
    await writeFile(join(broken, 'pg', 'half-written'), 'x');
    const db = await startEmbeddedPostgres(broken, log, { preferredPort: 0, fast: true });
    expect(await query(db.url, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
    expect(existsSync(join(broken, 'pg', 'half-written'))).toBe(false);
    await db.stop();
  }, 120_000);

  it('starts after a crash that left a stale pid file behind', async () => {
    const crashed = join(root, 'crashed');
    const db = await startEmbeddedPostgres(crashed, log, { preferredPort: 0, fast: true });
    await db.stop();
    // what a killed server leaves: a pid file naming a process that no longer exists
    await writeFile(join(crashed, 'pg', 'postmaster.pid'), '999999\n/x\n0\n5432\n');
    const restarted = await startEmbeddedPostgres(crashed, log, { preferredPort: 0, fast: true });
    expect(await query(restarted.url, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
    await restarted.stop();
  }, 120_000);
});
