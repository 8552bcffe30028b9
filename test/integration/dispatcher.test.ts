import type { Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpdateDispatcher } from '../../bot/updates/dispatcher.ts';
import { createLogger } from '../../core/logger.ts';
import { inboxRepository } from '../../core/repositories/inbox-repository.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

const log = createLogger('silent');
const text = (update_id: number, chat: number, t: string): Update =>
  ({
    update_id,
    message: {
      message_id: update_id,
      date: 0,
      chat: { id: chat, type: 'private', first_name: 'x' },
      text: t,
    },
  }) as Update;

describe('update dispatcher over the PostgreSQL inbox (K-CORE-3)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  it('handles a redelivered update_id once', async () => {
    const seen: number[] = [];
    const d = new UpdateDispatcher(async (u) => void seen.push(u.update_id), inboxRepository(t.db), log);
    expect(await d.accept(text(1, 10, 'a'))).toBe(true);
    expect(await d.accept(text(1, 10, 'a'))).toBe(false);
    await d.idle();
    expect(await d.accept(text(1, 10, 'a'))).toBe(false);
    await d.idle();
    expect(seen).toEqual([1]);
  });

  it('stores updates arriving together in one statement, each still answered on its own', async () => {
    const inbox = inboxRepository(t.db);
    const seen: number[] = [];
    const d = new UpdateDispatcher(async (u) => void seen.push(u.update_id), inbox, log);
    // 60 presses at once, one of them redelivered while the original is still in the same group
    const ids = Array.from({ length: 60 }, (_, i) => 5000 + i);
    const results = await Promise.all([...ids, 5007].map((id) => d.accept(text(id, id, 'x'))));
    expect(results.filter(Boolean)).toHaveLength(60);
    expect(results.at(-1)).toBe(false);
    await d.idle();
    expect(seen.sort()).toEqual(ids);
    const rows = await t.db.inboundUpdate.findMany({ where: { updateId: { in: ids.map(BigInt) } } });
    expect(rows).toHaveLength(60);
    expect(rows.every((r) => r.processedAt !== null && r.attempts === 1 && r.failure === null)).toBe(true);
  });

  it('lets the webhook wait for an update to be handled, but never longer than its bound', async () => {
    let release: () => void = () => {};
    const d = new UpdateDispatcher(
      async (u) => {
        if (u.update_id === 6001) await new Promise<void>((r) => (release = r));
      },
      inboxRepository(t.db),
      log,
    );
    await d.accept(text(6000, 60, 'quick'));
    let started = performance.now();
    await d.settled(6000, 5_000);
    expect(performance.now() - started).toBeLessThan(4_000);
    expect((await t.db.inboundUpdate.findUnique({ where: { updateId: 6000n } }))?.processedAt).not.toBeNull();
    await d.accept(text(6001, 61, 'slow'));
    started = performance.now();
    await d.settled(6001, 100);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(90);
    expect(waited).toBeLessThan(2_000);
    release();
    await d.idle();
    expect((await t.db.inboundUpdate.findUnique({ where: { updateId: 6001n } }))?.processedAt).not.toBeNull();
  });

  it('keeps each chat in order while chats run concurrently', async () => {
    const log2: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const d = new UpdateDispatcher(
      async (u) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 5 + ((u.update_id * 7) % 11)));
        log2.push(`${u.message?.chat.id}:${u.message?.text}`);
        inFlight--;
      },
      inboxRepository(t.db),
      log,
    );
    let id = 100;
    for (let i = 0; i < 10; i++) for (const chat of [1, 2, 3]) await d.accept(text(id++, chat, String(i)));
    await d.idle();
    for (const chat of [1, 2, 3]) {
      const order = log2.filter((l) => l.startsWith(`${chat}:`)).map((l) => Number(l.split(':')[1]));
      expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
    expect(maxInFlight).toBeGreaterThan(1);
  });

  it('a handler that throws does not stop the chat, and the failure is recorded', async () => {
    const seen: string[] = [];
    const d = new UpdateDispatcher(
      async (u) => {
        if (u.message?.text === 'boom') throw new Error('boom');
        seen.push(u.message?.text ?? '');
      },
      inboxRepository(t.db),
      log,
    );
    await d.accept(text(200, 5, 'boom'));
    await d.accept(text(201, 5, 'after'));
    await d.idle();
    expect(seen).toEqual(['after']);
    const row = await t.db.inboundUpdate.findUnique({ where: { updateId: 200n } });
    expect(row?.failure).toBe('boom');
    expect(row?.processedAt).not.toBeNull();
  });

  it('does not run again an update still queued in this process when recovery looks for stale ones', async () => {
    const inbox = inboxRepository(t.db);
    const seen: number[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const d = new UpdateDispatcher(
      async (u) => {
        seen.push(u.update_id);
        await gate; // a busy process: the update waits longer than the recovery threshold
      },
      inbox,
      log,
    );
    await d.accept(text(400, 11, 'slow'));
    // its lease as if a renewal had come late: recovery claims the row, but this process still runs it
    await t.db
      .$executeRaw`UPDATE inbound_update SET lease_until = now() - interval '1 second' WHERE update_id = 400`;
    expect(await d.recover()).toBe(0);
    release();
    await d.idle();
    expect(seen).toEqual([400]);
  });

  it('recovers updates a crashed process stored but never handled', async () => {
    const inbox = inboxRepository(t.db);
    // "crash": stored, acknowledged to Telegram, never handled
    await inbox.receive(300, '9', text(300, 9, 'lost?'));
    await t.db
      .$executeRaw`UPDATE inbound_update SET lease_until = now() - interval '1 second' WHERE update_id = 300`;
    const seen: number[] = [];
    const a = new UpdateDispatcher(async (u) => void seen.push(u.update_id), inbox, log);
    const b = new UpdateDispatcher(async (u) => void seen.push(u.update_id), inbox, log);
    const [na, nb] = await Promise.all([a.recover(), b.recover()]);
    await Promise.all([a.idle(), b.idle()]);
    expect(na + nb).toBe(1);
    expect(seen).toEqual([300]);
    expect(await inbox.pendingCount()).toBe(0);
  });
});
