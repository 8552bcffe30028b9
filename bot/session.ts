// Session storage: Redis through ioredis when REDIS_URL is set (K-TG-2), an in-process map otherwise.
// Written here rather than taken from @grammyjs/storage-redis, which sets `EX undefined` without a TTL
// (grammyjs/storages#245); every key here expires.
import type { StorageAdapter } from 'grammy';
import type { Redis } from 'ioredis';

export const SESSION_TTL_SECONDS = 60 * 60 * 24 * 30;

export function redisStorage<T>(redis: Redis, prefix = 'kattoo:session:'): StorageAdapter<T> {
  return {
    async read(key) {
      const v = await redis.get(prefix + key);
      return v === null ? undefined : (JSON.parse(v) as T);
    },
    async write(key, value) {
      await redis.set(prefix + key, JSON.stringify(value), 'EX', SESSION_TTL_SECONDS);
    },
    async delete(key) {
      await redis.del(prefix + key);
    },
  };
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
