// Every update enters through the inbox (core/repositories/inbox-repository.ts): stored first, so that
// once Telegram has its 200 nothing is lost; a redelivered update_id is dropped; updates of one chat
// run in order, different chats concurrently (K-TG-1, K-CORE-3).
import type { Update } from 'grammy/types';

/** Where a handler may put one Bot API call to travel back in the webhook's answer (grammY's). */
export type ReplyEnvelope = { send?: (payload: string) => void | Promise<void> };

import type { Logger } from '../../core/logger.ts';
import type { InboxRepository } from '../../core/repositories/inbox-repository.ts';
import { isRetryLater } from './retry-later.ts';

export function chatKeyOf(u: Update): string {
  const chat =
    u.message?.chat.id ??
    u.edited_message?.chat.id ??
    u.callback_query?.message?.chat.id ??
    u.my_chat_member?.chat.id ??
    u.chat_member?.chat.id ??
    u.callback_query?.from.id ??
    u.inline_query?.from.id;
  return chat !== undefined ? String(chat) : `update:${u.update_id}`;
}

export type DispatcherOptions = { concurrency?: number; recoverAfterMs?: number };

export class UpdateDispatcher {
  readonly #tails = new Map<string, Promise<void>>();
  /** updates queued or running in this process, to their end: recovery must not run them twice */
  readonly #inFlight = new Map<number, Promise<void>>();
  readonly #waiting: (() => void)[] = [];
  #running = 0;
  readonly #concurrency: number;
  readonly #recoverAfterMs: number;

  constructor(
    private readonly handle: (u: Update, envelope?: ReplyEnvelope) => Promise<void>,
    private readonly inbox: InboxRepository,
    private readonly log: Logger,
    private readonly onDone: (result: 'ok' | 'error' | 'duplicate', ms: number) => void = () => {},
    opts: DispatcherOptions = {},
  ) {
    this.#concurrency = opts.concurrency ?? 64;
    this.#recoverAfterMs = opts.recoverAfterMs ?? 60_000;
  }

  /**
   * Stores the update and schedules it. Resolves once it is stored (the moment to acknowledge
   * Telegram); false when this update_id was already received. Rejects when it could not be stored.
   */
  async accept(update: Update, envelope?: ReplyEnvelope): Promise<boolean> {
    const key = chatKeyOf(update);
    const fresh = await this.inbox.receive(update.update_id, key, update);
    if (!fresh) {
      this.onDone('duplicate', 0);
      return false;
    }
    this.#schedule(key, update, envelope);
    return true;
  }

  /**
   * Resolves once this update has been handled here, or after `withinMs` at most. The webhook waits
   * on it before its 200 so that Telegram, which keeps at most max_connections requests open, holds
   * the backlog of a rush instead of this process; a slow handler still gets its 200 in time.
   */
  async settled(updateId: number, withinMs: number): Promise<void> {
    const run = this.#inFlight.get(updateId);
    if (!run) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([run, new Promise<void>((r) => (timer = setTimeout(r, withinMs)))]);
    clearTimeout(timer);
  }

  /** Picks up updates a crashed process stored but never handled. */
  async recover(): Promise<number> {
    const claimed = await this.inbox.claimStale(new Date(Date.now() - this.#recoverAfterMs), 500);
    const stale = claimed.filter((item) => !this.#inFlight.has(Number(item.id)));
    for (const item of stale) this.#schedule(item.key, item.payload as Update);
    if (stale.length > 0)
      this.log.warn({ count: stale.length }, 'recovered unhandled updates from the inbox');
    return stale.length;
  }

  /** Resolves when every scheduled update has been handled. */
  async idle(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all([...this.#tails.values()]);
  }

  #schedule(key: string, update: Update, envelope?: ReplyEnvelope) {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const run = previous.then(() => this.#run(update, envelope));
    this.#inFlight.set(update.update_id, run);
    this.#tails.set(key, run);
    void run.finally(() => {
      if (this.#tails.get(key) === run) this.#tails.delete(key);
    });
  }

  async #run(update: Update, envelope?: ReplyEnvelope): Promise<void> {
    if (this.#running >= this.#concurrency) await new Promise<void>((r) => this.#waiting.push(r));
    this.#running++;
    const started = performance.now();
    let failure: string | undefined;
    let later = false;
    try {
      await this.handle(update, envelope);
    } catch (e) {
      failure = e instanceof Error ? e.message.slice(0, 500) : 'unknown error';
      // not begun for a reason outside the handler (session store down): left for recover()
      later = isRetryLater(e);
      if (later) this.log.warn({ updateId: update.update_id, err: failure }, 'update left for later');
      else this.log.error({ updateId: update.update_id, err: failure }, 'update handler threw');
    } finally {
      this.#running--;
      this.#waiting.shift()?.();
    }
    if (later) {
      this.#inFlight.delete(update.update_id);
      this.onDone('error', performance.now() - started);
      return;
    }
    try {
      await this.inbox.markProcessed(update.update_id, failure);
    } catch (e) {
      // Left unprocessed, recover() will run it again: handlers are idempotent by design.
      this.log.error({ updateId: update.update_id, err: String(e) }, 'could not mark update processed');
    }
    this.#inFlight.delete(update.update_id);
    this.onDone(failure ? 'error' : 'ok', performance.now() - started);
  }
}
