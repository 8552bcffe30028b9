import { describe, expect, it } from 'vitest';
import { throttle } from '../../bot/telegram/throttle.ts';

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
    expect(times.slice(0, 3)).toEqual([0, 0, 0]);
    expect(times[7]).toBeGreaterThanOrEqual(5000);
  });

  it('keeps all chats together under 30 messages/s', async () => {
    const h = harness();
    for (let i = 0; i < 90; i++) await h.call('sendMessage', 1000 + i);
    expect(h.sent[89]?.at).toBeGreaterThanOrEqual(1900);
  });

  it('holds a group to 20 messages per minute', async () => {
    const h = harness();
    for (let i = 0; i < 21; i++) await h.call('sendMessage', -100123);
    expect(h.sent[20]?.at).toBeGreaterThanOrEqual(2900);
  });

  it('does not delay answers to button presses or other non-sending calls', async () => {
    const h = harness();
    for (let i = 0; i < 50; i++) await h.call('answerCallbackQuery');
    expect(h.sent.every((s) => s.at === 0)).toBe(true);
  });
});
