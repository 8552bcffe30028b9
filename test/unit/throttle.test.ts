import { describe, expect, it } from 'vitest';
import { counts, mayRideInWebhookAnswer, throttle } from '../../bot/telegram/throttle.ts';
import { busiestWindow } from '../support/send-windows.ts';

function harness(opts: Parameters<typeof throttle>[0] = {}) {
  let now = 0;
  const sent: { method: string; chat: unknown; at: number }[] = [];
  const t = throttle({
    ...opts,
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  });
  const call = (method: string, chat_id?: number) =>
    t(
      async (m: string, p: unknown) => {
        sent.push({ method: m, chat: (p as { chat_id?: number } | undefined)?.chat_id, at: now });
        return { ok: true, result: true } as never;
      },
      method as never,
      { chat_id } as never,
    );
  return { call, sent };
}

describe('outbound throttle (K-TG-3)', () => {
  it('keeps one private chat near 1 message/s after a short burst', async () => {
    const h = harness({ chatBurst: 3, chatPerSecond: 1 });
    for (let i = 0; i < 8; i++) await h.call('sendMessage', 42);
    const times = h.sent.map((s) => s.at);
    // the burst, spaced only by the bot's own schedule
    expect(times[2]).toBeLessThan(100);
    expect(times[3]).toBeGreaterThanOrEqual(1000);
    expect(times[7]).toBeGreaterThanOrEqual(5000);
  });

  it('keeps all chats together under 30 messages in any second, from the first', async () => {
    const h = harness();
    for (let i = 0; i < 90; i++) await h.call('sendMessage', 1000 + i);
    expect(h.sent[89]?.at).toBeGreaterThanOrEqual(2900);
    // a full bucket of 30 plus 30 more within the first second was allowed before
    expect(
      busiestWindow(
        h.sent.map((s) => s.at),
        1000,
      ),
    ).toBeLessThanOrEqual(30);
  });

  it('holds a group to 20 messages in any minute', async () => {
    const h = harness();
    for (let i = 0; i < 41; i++) await h.call('sendMessage', -100123);
    expect(
      busiestWindow(
        h.sent.map((s) => s.at),
        60_000,
      ),
    ).toBeLessThanOrEqual(20);
    expect(h.sent[40]?.at).toBeLessThan(130_000);
  });

  it('does not let one busy chat hold the others back', async () => {
    const h = harness();
    for (let i = 0; i < 6; i++) await h.call('sendMessage', 42);
    const before = h.sent.at(-1)?.at ?? 0;
    await h.call('sendMessage', 43);
    expect((h.sent.at(-1)?.at ?? 0) - before).toBeLessThan(100);
  });

  it('lets only uncounted calls ride in a webhook’s answer', () => {
    expect(mayRideInWebhookAnswer('answerCallbackQuery')).toBe(true);
    for (const m of ['sendMessage', 'editMessageText', 'copyMessage', 'forwardMessage'])
      expect([counts(m), mayRideInWebhookAnswer(m)]).toEqual([true, false]);
  });

  it('does not delay answers to button presses or other non-sending calls', async () => {
    const h = harness();
    for (let i = 0; i < 50; i++) await h.call('answerCallbackQuery');
    expect(h.sent.every((s) => s.at === 0)).toBe(true);
  });
});
