// Session storage: Redis through ioredis when REDIS_URL is set (K-TG-2), an in-process map otherwise.
// Written here rather than taken from @grammyjs/storage-redis, which sets `EX undefined` without a TTL
// (grammyjs/storages#245); every key here expires.
//
// Redis down (decision 0006): a command fails at once instead of waiting in ioredis's offline queue,
// as a SessionStoreError; the client reconnects by itself (every ≤ 1 s) and `health` says when it is
// back, so bot/session-guard.ts can hold an update until then or leave it in the inbox for later.
import type { StorageAdapter } from 'grammy';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../core/logger.ts';

export const SESSION_TTL_SECONDS = 60 * 60 * 24 * 30;

/** The session store failed; `phase` says whether before the handler (read) or after it. */
export class SessionStoreError extends Error {
  readonly phase: 'read' | 'write';
  constructor(phase: 'read' | 'write', cause: unknown) {
    super(`session store ${phase} failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'SessionStoreError';
    this.phase = phase;
  }
}

/** Whether the session store answers now, and a way to wait until it does. */
export type SessionStoreHealth = {
  available(): boolean;
  /** resolves true as soon as the store is available, false after `withinMs` */
  whenAvailable(withinMs: number): Promise<boolean>;
};

export const alwaysAvailable: SessionStoreHealth = {
  available: () => true,
  whenAvailable: async () => true,
};

export function redisStorage<T>(redis: Redis, prefix = 'kattoo:session:'): StorageAdapter<T> {
  const failed = (phase: 'read' | 'write') => (e: unknown) => {
    throw new SessionStoreError(phase, e);
  };
  return {
    async read(key) {
      const v = await redis.get(prefix + key).catch(failed('read'));
      return v === null ? undefined : (JSON.parse(v) as T);
    },
    async write(key, value) {
      await redis.set(prefix + key, JSON.stringify(value), 'EX', SESSION_TTL_SECONDS).catch(failed('write'));
    },
    async delete(key) {
      await redis.del(prefix + key).catch(failed('write'));
    },
  };
}

/**
 * ioredis options for sessions: no offline queue (a command while disconnected fails at once instead
 * of ~2 s later with MaxRetriesPerRequestError), a command in flight when the connection drops fails
 * at the first reconnection attempt, a hung server fails a command after 1 s, and reconnection never
 * gives up (every 100 ms, backing off to 1 s), so Kattoo heals without a restart.
 */
export const SESSION_REDIS_OPTIONS = {
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: 1_000,
  connectTimeout: 2_000,
  retryStrategy: (attempt: number) => Math.min(attempt * 100, 1_000),
} satisfies RedisOptions;

export function redisHealth(redis: Redis): SessionStoreHealth {
  return {
    available: () => redis.status === 'ready',
    whenAvailable(withinMs) {
      if (redis.status === 'ready') return Promise.resolve(true);
      return new Promise((resolve) => {
        const onReady = () => {
          clearTimeout(timer);
          resolve(true);
        };
        const timer = setTimeout(() => {
          redis.off('ready', onReady);
          resolve(false);
        }, withinMs);
        redis.once('ready', onReady);
      });
    },
  };
}

/** Connects to the session Redis; logs each outage once (lost, back) rather than every retry. */
export async function connectSessionRedis(url: string, log: Logger): Promise<Redis> {
  const redis = new Redis(url, SESSION_REDIS_OPTIONS);
  let down = false;
  redis.on('error', (e: Error) => {
    if (down) return;
    down = true;
    log.error({ err: e.message }, 'session store (Redis) unreachable; reconnecting');
  });
  // 'reconnecting', not 'close': a quit at shutdown closes without reconnecting
  redis.on('reconnecting', () => {
    if (!down) log.warn('session store (Redis) connection lost; reconnecting');
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info('session store (Redis) is back');
    down = false;
  });
  await redis.connect();
  return redis;
}

export function memoryStorage<T>(
  ttlSeconds = SESSION_TTL_SECONDS,
  now = () => Date.now(),
): StorageAdapter<T> {
  const map = new Map<string, { value: string; expires: number }>();
  return {
    read(key) {
      const e = map.get(key);
      if (!e) return undefined;
      if (e.expires <= now()) {
        map.delete(key);
        return undefined;
      }
      return JSON.parse(e.value) as T;
    },
    write(key, value) {
      map.set(key, { value: JSON.stringify(value), expires: now() + ttlSeconds * 1000 });
    },
    delete(key) {
      map.delete(key);
    },
  };
}
