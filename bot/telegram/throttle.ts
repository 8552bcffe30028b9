// Outbound limits of Telegram (K-TG-3): ≈30 messages/s in all, ≈1 message/s per private chat (a short
// burst allowed), 20 messages/min per group. Calls wait for a token instead of earning a 429; the
// auto-retry transformer (installed after this one) still obeys any 429 `retry_after` Telegram sends.
import type { Transformer } from 'grammy';

const SENDING = /^(send|edit|copy|forward)/;

class Bucket {
  #tokens: number;
  #last: number;
  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly now: () => number,
  ) {
    this.#tokens = capacity;
    this.#last = now();
  }
  /** ms to wait before a token is free; takes it when 0 */
  take(): number {
    const t = this.now();
    this.#tokens = Math.min(this.capacity, this.#tokens + ((t - this.#last) / 1000) * this.perSecond);
    this.#last = t;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.#tokens) / this.perSecond) * 1000);
  }
  idle(): boolean {
    return this.#tokens >= this.capacity - 1e-9;
  }
}

export type ThrottleOptions = {
  globalPerSecond?: number;
  chatPerSecond?: number;
  chatBurst?: number;
  groupPerMinute?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
};

export function throttle(opts: ThrottleOptions = {}): Transformer {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const global = new Bucket(opts.globalPerSecond ?? 30, opts.globalPerSecond ?? 30, now);
  const chats = new Map<string, Bucket>();
  const chatBucket = (chatId: string | number) => {
    const key = String(chatId);
    let b = chats.get(key);
    if (!b) {
      const group = typeof chatId === 'number' ? chatId < 0 : key.startsWith('-') || key.startsWith('@');
      b = group
        ? new Bucket(opts.groupPerMinute ?? 20, (opts.groupPerMinute ?? 20) / 60, now)
        : new Bucket(opts.chatBurst ?? 3, opts.chatPerSecond ?? 1, now);
      chats.set(key, b);
      if (chats.size > 50_000) for (const [k, v] of chats) if (v.idle()) chats.delete(k);
    }
    return b;
  };
  return async (prev, method, payload, signal) => {
    if (SENDING.test(method)) {
      const chatId = (payload as { chat_id?: string | number } | undefined)?.chat_id;
      if (chatId !== undefined) {
        const bucket = chatBucket(chatId);
        for (let wait = bucket.take(); wait > 0; wait = bucket.take()) await sleep(wait);
      }
      for (let wait = global.take(); wait > 0; wait = global.take()) await sleep(wait);
    }
    return prev(method, payload, signal);
  };
}
