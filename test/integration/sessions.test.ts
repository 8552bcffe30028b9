import { randomUUID } from 'node:crypto';
import type { StorageAdapter } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryStorage, redisStorage, SESSION_TTL_SECONDS } from '../../bot/session.ts';
import { redisAvailable, startRedis } from '../support/redis.ts';

type S = { awaiting?: string; search?: string };

function contract(name: string, make: () => StorageAdapter<S>) {
  describe(`${name} session store`, () => {
    it('keeps, replaces and deletes a chat’s session', async () => {
      const s = make();
      const key = randomUUID();
      expect(await s.read(key)).toBeUndefined();
      await s.write(key, { awaiting: 'school_search' });
      expect(await s.read(key)).toEqual({ awaiting: 'school_search' });
      await s.write(key, { search: 'Айтматов' });
      expect(await s.read(key)).toEqual({ search: 'Айтматов' });
      await s.delete(key);
      expect(await s.read(key)).toBeUndefined();
    });
  });
}

contract('in-process', () => memoryStorage<S>());

describe('in-process session store', () => {
  it('forgets a session after its time to live', async () => {
    let now = 0;
    const s = memoryStorage<S>(60, () => now);
    await s.write('k', { search: 'x' });
    now = 59_000;
    expect(await s.read('k')).toEqual({ search: 'x' });
    now = 61_000;
    expect(await s.read('k')).toBeUndefined();
  });
});

describe.runIf(redisAvailable)('Redis session store (real Redis)', () => {
  let r: Awaited<ReturnType<typeof startRedis>>;
  beforeAll(async () => {
    r = await startRedis();
  });
  afterAll(() => r.stop());

  it('keeps, replaces and deletes a chat’s session', async () => {
    const s = redisStorage<S>(r.redis, `test:${randomUUID()}:`);
    await s.write('42', { awaiting: 'school_search' });
    expect(await s.read('42')).toEqual({ awaiting: 'school_search' });
    await s.delete('42');
    expect(await s.read('42')).toBeUndefined();
  });

  it('always sets an expiry, so sessions never pile up (grammyjs/storages#245)', async () => {
    const prefix = `test:${randomUUID()}:`;
    await redisStorage<S>(r.redis, prefix).write('7', { search: 'x' });
    const ttl = await r.redis.ttl(`${prefix}7`);
    expect(ttl).toBeGreaterThan(SESSION_TTL_SECONDS - 10);
    expect(ttl).toBeLessThanOrEqual(SESSION_TTL_SECONDS);
  });

  it('is shared by two bot processes (two connections see the same session)', async () => {
    const other = r.redis.duplicate(); // a second connection to the same server, as another process has
    const prefix = `test:${randomUUID()}:`;
    await redisStorage<S>(r.redis, prefix).write('9', { search: 'shared' });
    expect(await redisStorage<S>(other, prefix).read('9')).toEqual({ search: 'shared' });
    await other.quit();
  });
});
