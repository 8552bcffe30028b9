// Every update enters through the inbox (core/repositories/inbox-repository.ts): stored first, so that
// once Telegram has its 200 nothing is lost; a redelivered update_id is dropped; updates of one chat
// run in order, different chats concurrently (K-TG-1, K-CORE-3). While this process holds an update
// (queued or running) it renews the update's lease, so another instance's recovery leaves it alone;
// once the process is gone the lease runs out and any instance takes it within seconds (decision 0005).
import type { Update } from 'grammy/types';

/** Where a handler may put one Bot API call to travel back in the webhook's answer (grammY's). */
export type ReplyEnvelope = { send?: (payload: string) => void | Promise<void> };

import type { Logger } from '../../core/logger.ts';
import type { InboxRepository } from '../../core/repositories/inbox-repository.ts';
import { isRetryLater } from './retry-later.ts';
import { type IgnoredReason, shapeOf } from './shape.ts';

export function chatKeyOf(u: Update): string {
  // optional all the way down: a forged update may lack any of these (shape.ts refuses such ones first)
  const chat =
    u.message?.chat?.id ??
    u.edited_message?.chat?.id ??
    u.callback_query?.message?.chat?.id ??
    u.my_chat_member?.chat?.id ??
    u.chat_member?.chat?.id ??
    u.callback_query?.from?.id ??
    u.inline_query?.from?.id;
  return chat !== undefined ? String(chat) : `update:${u.update_id}`;
}

export type DispatcherOptions = {
  concurrency?: number;
  /** how often the leases of the updates held here are renewed (default: the inbox's lease ÷ 2.5) */
  renewEveryMs?: number;
  /** an update acknowledged without handling: a shape the bot cannot handle (shape.ts) */
  onIgnored?: (reason: IgnoredReason) => void;
  /** an update stored with its unstorable characters replaced (core/db/jsonb.ts) */
  onQuarantined?: () => void;
};

export class UpdateDispatcher {
  readonly #tails = new Map<string, Promise<void>>();
  /** updates queued or running in this process, to their end: recovery must not run them twice */
  readonly #inFlight = new Map<number, Promise<void>>();
  readonly #waiting: (() => void)[] = [];
  #running = 0;
  readonly #concurrency: number;
  readonly #renewEveryMs: number;
  #renewal: NodeJS.Timeout | undefined;

  constructor(
    private readonly handle: (u: Update, envelope?: ReplyEnvelope) => Promise<void>,
    private readonly inbox: InboxRepository,
    private readonly log: Logger,
    private readonly onDone: (result: 'ok' | 'error' | 'duplicate', ms: number) => void = () => {},
    private readonly opts: DispatcherOptions = {},
  ) {
    this.#concurrency = opts.concurrency ?? 64;
    this.#renewEveryMs = opts.renewEveryMs ?? inbox.leaseMs / 2.5;
  }

  /**
   * Stores the update and schedules it. Resolves once it is stored (the moment to acknowledge
   * Telegram); false when this update_id was already received, or when it is not an update the bot
   * can handle (acknowledged all the same, and counted). Rejects when it could not be stored.
   */
  async accept(update: Update, envelope?: ReplyEnvelope): Promise<boolean> {
    const shape = shapeOf(update);
    if (!shape.ok) {
      // the update's id and kind only: its content may carry personal data
      this.log.warn({ updateId: update.update_id, kind: shape.kind, reason: shape.reason }, 'update ignored');
      this.opts.onIgnored?.(shape.reason);
      return false;
    }
    const key = chatKeyOf(update);
    const received = await this.inbox.receive(update.update_id, key, update);
    if (!received.fresh) {
      this.onDone('duplicate', 0);
      return false;
    }
    if (received.quarantine !== undefined) {
      this.log.warn(
        { updateId: update.update_id, refusal: received.quarantine },
        'update stored with unstorable characters replaced; the original is kept in raw_payload',
      );
      this.opts.onQuarantined?.();
    }
    // the handler sees what was stored, so a recovered run sees the same
    this.#schedule(key, received.payload as Update, envelope);
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

  /** Picks up updates a dead process stored but never handled: those whose lease has run out. */
  async recover(): Promise<number> {
    const claimed = await this.inbox.claimExpired(500);
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
    this.#holdLeases();
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
      // its lease is no longer renewed: once it runs out, recover() here or elsewhere takes it again
      this.#inFlight.delete(update.update_id);
      if (this.#inFlight.size === 0) this.#releaseLeases();
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
    if (this.#inFlight.size === 0) this.#releaseLeases();
    this.onDone(failure ? 'error' : 'ok', performance.now() - started);
  }

  /** While anything is held here: one statement per tick renews the leases of all of it. */
  #holdLeases() {
    if (this.#renewal) return;
    this.#renewal = setInterval(() => {
      const ids = [...this.#inFlight.keys()];
      void this.inbox
        .renew(ids)
        .catch((e) => this.log.warn({ count: ids.length, err: String(e) }, 'could not renew inbox leases'));
    }, this.#renewEveryMs);
    this.#renewal.unref();
  }

  #releaseLeases() {
    clearInterval(this.#renewal);
    this.#renewal = undefined;
  }
}
