// Real Redis for session tests: REDIS_URL when set (CI, this machine), else a throwaway redis-server
// from PATH on a free port. On a machine with neither, `redisAvailable` is false and the Redis cases
// are not defined (the in-process store is tested either way).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
export const redisAvailable = Boolean(process.env.REDIS_URL) || hasRedisServer;

/** A port nobody listens on now (the kernel picks it; closed again before redis-server takes it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

export type RedisServer = {
  port: number;
  url: string;
  /** kills the server (SIGKILL by default) and resolves once the process has exited */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** starts it again, empty, on the same port; resolves once it accepts connections */
  restart(): Promise<void>;
};

/**
 * Spawns `redis-server` on `port` (a free one by default) without persistence and resolves once it
 * says "Ready to accept connections": connecting before that is the race that made the session test
 * flaky under load. Rejects with the server's own output if it exits or is not ready in time.
 */
export async function spawnRedisServer(port?: number, readyWithinMs = 20_000): Promise<RedisServer> {
  const chosen = port ?? (await freePort());
  let child = await launch(chosen, readyWithinMs);
  return {
    port: chosen,
    url: `redis://127.0.0.1:${chosen}`,
    async kill(signal = 'SIGKILL') {
      const c = child;
      if (c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      c.kill(signal);
      await exited;
    },
    async restart() {
      child = await launch(chosen, readyWithinMs);
    },
  };
}

function launch(port: number, readyWithinMs: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const done = (err?: Error) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      // keep draining the pipes so a chatty server never blocks on a full one
      child.stdout?.resume();
      child.stderr?.resume();
      if (err) {
        child.kill('SIGKILL');
        reject(err);
      } else resolve(child);
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) done();
    };
    const onExit = (code: number | null) =>
      done(new Error(`redis-server on port ${port} exited (${code}) before it was ready:\n${output}`));
    const timer = setTimeout(
      () => done(new Error(`redis-server on port ${port} not ready within ${readyWithinMs} ms:\n${output}`)),
      readyWithinMs,
    );
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', onExit);
  });
}

export async function startRedis(): Promise<{ redis: Redis; stop(): Promise<void> }> {
  if (process.env.REDIS_URL) {
    const redis = new Redis(process.env.REDIS_URL);
    return { redis, stop: async () => void (await redis.quit()) };
  }
  const server = await spawnRedisServer();
  const redis = new Redis({ port: server.port, lazyConnect: true });
  await redis.connect();
  return {
    redis,
    async stop() {
      await redis.quit();
      await server.kill('SIGTERM');
    },
  };
}
