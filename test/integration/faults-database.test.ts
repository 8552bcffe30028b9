// The database dies under Kattoo (issue 10, F3): the embedded server is restarted by Kattoo itself, a
// server in DATABASE_URL is reconnected to when it returns, /readyz is red meanwhile, and /healthz turns
// red only when the process cannot recover by itself. Real PostgreSQL processes, killed with SIGKILL.
import { readFileSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startKattoo } from '../../bot/app.ts';
import { loadConfig } from '../../core/config.ts';
import { startEmbeddedPostgres } from '../../core/db/embedded.ts';
import { createLogger } from '../../core/logger.ts';
import { SimUser } from '../../sim/telegram/client.ts';

const root = join('var', `faults-db-${process.pid}`);
const log = createLogger('silent');
afterAll(() => rm(root, { recursive: true, force: true }));

/** SIGKILL of the postmaster, as an out-of-memory killer or an operator's mistake would do it */
function killPostmaster(dataRoot: string) {
  const pid = Number(readFileSync(join(dataRoot, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  process.kill(pid, 'SIGKILL');
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, withinMs: number): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function answers(url: string) {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => {});
  await c.connect();
  try {
    return (await c.query('SELECT 1 AS ok')).rows[0].ok === 1 ? true : undefined;
  } finally {
    await c.end();
  }
}

const status = (url: string) => fetch(url).then((r) => r.status);

describe('the embedded database supervised', () => {
  it('is restarted after SIGKILL, and reports unrecoverable only while it cannot come back', async () => {
    const dir = join(root, 'sup');
    const db = await startEmbeddedPostgres(dir, log, { preferredPort: 0, fast: true, giveUpAfterMs: 1500 });
    try {
      expect(db.health()).toEqual({ up: true, restarts: 0, recoverable: true });
      killPostmaster(dir);
      await until('restarted', async () => (db.health().restarts === 1 ? true : undefined), 30_000);
      expect(await answers(db.url)).toBe(true);
      expect(db.health()).toMatchObject({ up: true, recoverable: true });

      // a data folder the server cannot start from: the supervisor keeps trying, and after its bound
      // says that only a restart of Kattoo (and a person) can help
      await rename(join(dir, 'pg', 'PG_VERSION'), join(dir, 'pg', 'PG_VERSION.away'));
      killPostmaster(dir);
      await until('unrecoverable', async () => (db.health().recoverable ? undefined : true), 30_000);
      expect(db.health().up).toBe(false);
      await rename(join(dir, 'pg', 'PG_VERSION.away'), join(dir, 'pg', 'PG_VERSION'));
      await until('back', async () => (db.health().up ? true : undefined), 30_000);
      expect(db.health()).toMatchObject({ up: true, restarts: 2, recoverable: true });
    } finally {
      await db.stop();
    }
  }, 120_000);
});

describe('Kattoo when its database dies', () => {
  const start = (env: Record<string, string>) =>
    startKattoo(
      loadConfig({
        KATTOO_DEMO: '1',
        PORT: '0',
        LOG_LEVEL: 'silent',
        KATTOO_DATA_DIR: join(root, 'app'),
        ...env,
      }),
      log,
    );

  async function survivesAKill(kattoo: Awaited<ReturnType<typeof start>>, dataRoot: string) {
    const sim = kattoo.telegram;
    if (!sim) throw new Error('the test runs against the Telegram simulator');
    const ready = `${kattoo.url}/readyz`;
    await until('ready', async () => ((await status(ready)) === 200 ? true : undefined), 60_000);
    const killedAt = Date.now();
    killPostmaster(dataRoot);
    await until('not ready', async () => ((await status(ready)) === 503 ? true : undefined), 10_000);
    // alive: a supervisor must not restart a process that is healing by itself
    expect(await status(`${kattoo.url}/healthz`)).toBe(200);
    await until('ready again', async () => ((await status(ready)) === 200 ? true : undefined), 60_000);
    const readyAfterMs = Date.now() - killedAt;
    // and a person is answered again, with no restart of Kattoo
    const user = new SimUser(sim, sim.personas()[0] as never);
    user.send('/help');
    await user.waitForBotMessage(/./, 30_000);
    return readyAfterMs;
  }

  it('with the embedded database: restarts it and goes on by itself', async () => {
    const kattoo = await start({});
    try {
      const ms = await survivesAKill(kattoo, join(root, 'app'));
      console.info(`embedded: ready again ${ms} ms after the kill`);
    } finally {
      await kattoo.stop();
    }
  }, 180_000);

  it('with DATABASE_URL: reconnects when the server returns', async () => {
    // the "server": a PostgreSQL the test runs and brings back after the kill (as an operator's
    // supervisor would); Kattoo only knows its URL
    const serverRoot = join(root, 'server');
    const server = await startEmbeddedPostgres(serverRoot, log, { preferredPort: 0, fast: true });
    const kattoo = await start({ DATABASE_URL: server.url });
    try {
      const ms = await survivesAKill(kattoo, serverRoot);
      console.info(`DATABASE_URL: ready again ${ms} ms after the kill`);
    } finally {
      await kattoo.stop();
      await server.stop();
    }
  }, 180_000);
});
