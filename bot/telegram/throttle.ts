// Outbound limits of Telegram (K-TG-3, decisions 0003 and 0014): about 30 messages/s for the bot,
// about 1/s per private chat (a short burst allowed), 20/min per group. A sending call waits for its
// slot instead of earning a 429; the auto-retry transformer (installed after this one) still obeys any
// 429 `retry_after`. With Redis the schedules are shared by every instance (redis-limiter.ts).
import type { Transformer } from 'grammy';
import type { Redis } from 'ioredis';
import type { Logger } from '../../core/logger.ts';
import { type Limiter, type LimitOptions, memoryLimiter, rulesOf } from './limits.ts';
import { redisLimiter } from './redis-limiter.ts';

const SENDING = /^(send|edit|copy|forward)/;

/** Calls Telegram counts against the limits: messages sent or edited (not a button's answer). */
export function counts(method: string): boolean {
  return SENDING.test(method);
}

/**
 * Which call may ride back in a webhook's answer (decision 0004): only the button's answer, which the
 * limits do not count. A counted call goes as a request of its own, after its slot: in the answer it
 * would reach Telegram when the handler ends, later than its slot, and sends would bunch up.
 */
export function mayRideInWebhookAnswer(method: string): boolean {
  return RIDES.has(method) && !counts(method);
}
const RIDES = new Set(['answerCallbackQuery']);

export type ThrottleOptions = LimitOptions & {
  /** shared schedules (REDIS_URL); without it, this process's own */
  redis?: Redis;
  /** the bot's id (the token's first part): the limits are per bot */
  botId?: string;
  log?: Logger;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
};

export function throttle(opts: ThrottleOptions = {}): Transformer {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const rules = rulesOf(opts);
  const local = memoryLimiter(rules, opts.now);
  const limiter: Limiter = opts.redis
    ? redisLimiter(opts.redis, rules, { botId: opts.botId ?? 'bot', log: opts.log, fallback: local })
    : local;
  const now = opts.now ?? Date.now;
  // A send that wakes well after its slot (a busy event loop) would reach Telegram together with the
  // sends of the next slots: it takes a new slot instead, a few times at most so it cannot starve.
  const late = (opts.marginMs ?? 100) / 4;
  return async (prev, method, payload, signal) => {
    if (counts(method)) {
      const chatId = (payload as { chat_id?: string | number } | undefined)?.chat_id;
      for (let retakes = 0; ; ) {
        // the slot counts from before the call: an answer read late must not make it look later
        const asked = now();
        const slot = await limiter.take(chatId);
        const at = asked + slot.wait;
        if (slot.wait > 0) await sleep(slot.wait);
        if (!slot.reserved) continue;
        if (now() - at <= late || retakes++ >= 2) break;
      }
    }
    return prev(method, payload, signal);
  };
}
