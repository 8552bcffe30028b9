// The webhook's answer carries one Bot API call when the handler makes it in time (decision 0004);
// made after the bound, it goes out as a call of its own — never lost, never sent twice.
import type { Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../bot/http/metrics.ts';
import { createHttpServer } from '../../bot/http/server.ts';
import { type ReplyEnvelope, UpdateDispatcher } from '../../bot/updates/dispatcher.ts';
import { createLogger } from '../../core/logger.ts';
import { inboxRepository } from '../../core/repositories/inbox-repository.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

const log = createLogger('silent');
const SECRET = 'reply_secret';

describe('webhook answers that carry a call', () => {
  let t: TestDatabase;
  let url: string;
  let close: () => Promise<void>;
  const late: string[] = [];
  const delays = new Map<number, number>();

  beforeAll(async () => {
    t = await createTestDatabase();
    const spinner = async (u: Update, envelope?: ReplyEnvelope) => {
      await new Promise((r) => setTimeout(r, delays.get(u.update_id) ?? 0));
      const id = u.callback_query?.id;
      await envelope?.send?.(JSON.stringify({ method: 'answerCallbackQuery', callback_query_id: id }));
    };
    const dispatcher = new UpdateDispatcher(spinner, inboxRepository(t.db), log);
    const server = createHttpServer({
      log,
      metrics: createMetrics(),
      ready: async () => ({ ok: true, checks: {} }),
      webhook: {
        secret: SECRET,
        dispatcher: () => dispatcher,
        ackWithinMs: 200,
        callLate: async (payload) => void late.push(payload),
      },
    });
    url = await server.listen({ port: 0, host: '127.0.0.1' });
    close = async () => {
      await server.close();
      await dispatcher.idle();
    };
  });
  afterAll(async () => {
    await close();
    await t.drop();
  });

  const press = (updateId: number) =>
    fetch(`${url}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify({
        update_id: updateId,
        callback_query: {
          id: `q${updateId}`,
          from: { id: 5, is_bot: false, first_name: 'x' },
          chat_instance: '1',
        },
      }),
    });

  it('carries the call in the 200 when the update is handled in time', async () => {
    const r = await press(1);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ method: 'answerCallbackQuery', callback_query_id: 'q1' });
    expect(late).toEqual([]);
  });

  it('answers at the bound and sends a later call on its own; a redelivery carries nothing', async () => {
    delays.set(2, 600);
    const started = performance.now();
    const r = await press(2);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ ok: true });
    expect(performance.now() - started).toBeLessThan(550);
    await new Promise((res) => setTimeout(res, 700));
    expect(late.map((p) => JSON.parse(p))).toEqual([
      { method: 'answerCallbackQuery', callback_query_id: 'q2' },
    ]);
    expect(await (await press(1)).json()).toEqual({ ok: true });
  });
});
