// Telegram's outbound limits as schedules (GCRA, the "generic cell rate algorithm"): each key keeps one
// number, the theoretical time of its next send. A send reserves its slot on the bot's schedule and on
// its chat's at once, then waits for it; nobody polls. The same arithmetic runs in this process
// (`memoryLimiter`) and in Redis for several instances (`redis-limiter.ts`, the Lua twin of `take`).

export type Rule = {
  /** ms between two sends on this key once any burst is spent */
  interval: number;
  /** how far ahead of its schedule a send may go: (burst − 1) × interval */
  tolerance: number;
};

export type Rules = { global: Rule; private: Rule; group: Rule };

export type LimitOptions = {
  /** sends per second for the whole bot (Telegram: about 30) */
  globalPerSecond?: number;
  /** sends per second to one private chat (Telegram: about 1) … */
  chatPerSecond?: number;
  /** … after a short burst, which Telegram allows in one chat */
  chatBurst?: number;
  /** sends per minute to one group (Telegram: 20) */
  groupPerMinute?: number;
  /**
   * Added to every window: a send leaves its slot a little late (timers, the event loop, the network),
   * so sends spaced at exactly 1/30 s could still reach Telegram 31 in a second.
   */
  marginMs?: number;
};

export function rulesOf(o: LimitOptions = {}): Rules {
  const margin = o.marginMs ?? 100;
  const chatInterval = (1000 + margin) / (o.chatPerSecond ?? 1);
  return {
    global: { interval: (1000 + margin) / (o.globalPerSecond ?? 30), tolerance: 0 },
    private: { interval: chatInterval, tolerance: ((o.chatBurst ?? 3) - 1) * chatInterval },
    group: { interval: (60_000 + margin) / (o.groupPerMinute ?? 20), tolerance: 0 },
  };
}

/** Negative ids are groups and channels; an `@name` is a public channel or supergroup. */
export function isGroup(chatId: string | number): boolean {
  return typeof chatId === 'number' ? chatId < 0 : chatId.startsWith('-') || chatId.startsWith('@');
}

/** `reserved`: the slot is the caller's, send after `wait` ms; else try again after `wait` ms. */
export type Take = { reserved: boolean; wait: number };

export interface Limiter {
  /** a slot for one send to `chatId` (or to no chat: the bot's schedule only) */
  take(chatId: string | number | undefined): Promise<Take>;
}

export type Schedule = { get(key: string): number | undefined; set(key: string, tat: number): void };

/**
 * One reservation: the bot's earliest slot, unless the chat's own is later — then nothing is taken and
 * the caller comes back when the chat is free, so one busy chat never holds the bot's schedule.
 */
export function take(s: Schedule, now: number, chat: { key: string; rule: Rule } | undefined, g: Rule): Take {
  const tatG = s.get('global') ?? now;
  const at = Math.max(now, tatG - g.tolerance);
  let tatC = now;
  if (chat) {
    tatC = s.get(chat.key) ?? now;
    const chatAt = Math.max(now, tatC - chat.rule.tolerance);
    if (chatAt > at) return { reserved: false, wait: Math.ceil(chatAt - now) };
  }
  s.set('global', Math.max(tatG, at) + g.interval);
  if (chat) s.set(chat.key, Math.max(tatC, at) + chat.rule.interval);
  return { reserved: true, wait: Math.ceil(at - now) };
}

export function chatRule(rules: Rules, chatId: string | number): Rule {
  return isGroup(chatId) ? rules.group : rules.private;
}

/** The limits of one process: enough for one instance, and the fallback when Redis is unreachable. */
export function memoryLimiter(rules: Rules, now: () => number = Date.now): Limiter {
  const tats = new Map<string, number>();
  const schedule: Schedule = { get: (k) => tats.get(k), set: (k, v) => void tats.set(k, v) };
  return {
    async take(chatId) {
      const t = now();
      if (tats.size > 50_000) for (const [k, v] of tats) if (v <= t) tats.delete(k); // idle chats
      const chat =
        chatId === undefined ? undefined : { key: `chat:${chatId}`, rule: chatRule(rules, chatId) };
      return take(schedule, t, chat, rules.global);
    },
  };
}
