// Real Redis for session tests: REDIS_URL when set (CI, this machine), else a throwaway redis-server
// from PATH on a free port. On a machine with neither, `redisAvailable` is false and the Redis cases
// are not defined (the in-process store is tested either way).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';

export const redisAvailable =
  Boolean(process.env.REDIS_URL) || spawnSync('redis-server', ['--version']).status === 0;

export async function startRedis(): Promise<{ redis: Redis; stop(): Promise<void> }> {
  if (process.env.REDIS_URL) {
    const redis = new Redis(process.env.REDIS_URL);
    return { redis, stop: async () => void (await redis.quit()) };
  }
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const redis = new Redis({ port, lazyConnect: true, retryStrategy: (n) => (n > 50 ? null : 100) });
  await redis.connect();
  return {
    redis,
    async stop() {
      await redis.quit();
      child.kill();
    },
  };
}
