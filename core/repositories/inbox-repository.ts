// A channel-agnostic inbox: each inbound message is stored under the channel's own id before the
// channel is acknowledged, handled once, and found again after a crash (K-CORE-3). The instance
// handling an item holds a lease on it, renewed while it runs; recovery takes only items whose lease
// has run out, so a live handler's item is never run twice and a dead one's is taken within seconds
// (decision 0005).
import { batcher } from '../db/batch.ts';
import type { Db } from '../db/client.ts';
import { isDataError, jsonbSafe } from '../db/jsonb.ts';
import { int8, sql } from '../db/sql.ts';

export type InboxItem = { id: bigint; key: string; payload: unknown; attempts: number };
/** What `receive` did: a redelivery stores nothing; a payload PostgreSQL refused is stored made safe. */
export type Received = { fresh: false } | { fresh: true; payload: unknown; quarantine?: string };

type Incoming = { id: number; key: string; payload: unknown };

export type InboxOptions = {
  /** how long an item is held by the instance that received or claimed it, unless renewed (5 s) */
  leaseMs?: number;
};

export function inboxRepository(db: Db, opts: InboxOptions = {}) {
  const leaseMs = opts.leaseMs ?? 5_000;

  // The lease is set in the same INSERT: no round trip of its own on the hot path (decision 0004).
  async function insert(items: Incoming[]): Promise<Received[]> {
    const rows = await sql<{ update_id: bigint }>(
      db,
      'kattoo_inbox_receive',
      `INSERT INTO inbound_update (update_id, chat_key, payload, lease_until)
       SELECT u.id, u.key, u.payload::jsonb, now() + $4::int * interval '1 millisecond'
       FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, key, payload)
       ON CONFLICT (update_id) DO NOTHING
       RETURNING update_id`,
      [
        items.map((i) => int8(i.id)),
        items.map((i) => i.key),
        items.map((i) => JSON.stringify(i.payload)),
        leaseMs,
      ],
    );
    const stored = new Set(rows.map((r) => Number(r.update_id)));
    // the same id twice in one group (a redelivery racing the original): only the first is fresh
    return items.map((i) => (stored.delete(i.id) ? { fresh: true, payload: i.payload } : { fresh: false }));
  }

  /**
   * An item PostgreSQL refused on its own: stored with the unstorable characters replaced, its JSON
   * as received kept byte for byte beside it, so that it is acknowledged once and not redelivered
   * (and refused) for a day.
   */
  async function quarantine(item: Incoming, refusal: unknown): Promise<Received> {
    const reason = (refusal instanceof Error ? refusal.message : String(refusal)).slice(0, 300);
    const payload = jsonbSafe(item.payload);
    const rows = await sql<{ update_id: bigint }>(
      db,
      'kattoo_inbox_quarantine',
      `INSERT INTO inbound_update (update_id, chat_key, payload, lease_until, raw_payload, quarantine)
       VALUES ($1::bigint, $2, $3::jsonb, now() + $4::int * interval '1 millisecond', $5, $6)
       ON CONFLICT (update_id) DO NOTHING
       RETURNING update_id`,
      [
        int8(item.id),
        jsonbSafe(item.key),
        JSON.stringify(payload),
        leaseMs,
        Buffer.from(JSON.stringify(item.payload), 'utf8'),
        reason,
      ],
    );
    return rows.length > 0 ? { fresh: true, payload, quarantine: reason } : { fresh: false };
  }

  async function alone(item: Incoming): Promise<Received> {
    try {
      const [r] = await insert([item]);
      return r ?? { fresh: false };
    } catch (e) {
      if (isDataError(e)) return quarantine(item, e);
      throw e;
    }
  }

  // Stored and marked in groups (core/db/batch.ts): one statement for every update arriving together.
  // A group PostgreSQL refuses is stored again item by item, so one poison payload costs its
  // neighbours a round trip each, never their acknowledgement.
  const receiveMany = batcher<Incoming, Received | { error: unknown }>(async (items) => {
    try {
      return await insert(items);
    } catch (e) {
      const [only] = items;
      if (only && items.length === 1) {
        if (!isDataError(e)) throw e;
        return [await quarantine(only, e)];
      }
      const out: (Received | { error: unknown })[] = [];
      for (const item of items) out.push(await alone(item).catch((error: unknown) => ({ error })));
      return out;
    }
  });
  const markMany = batcher<{ id: number; failure: string | null }, void>(async (items) => {
    await sql(
      db,
      'kattoo_inbox_mark',
      `UPDATE inbound_update AS i
       SET processed_at = now(), attempts = i.attempts + 1, failure = u.failure, lease_until = NULL
       FROM unnest($1::bigint[], $2::text[]) AS u(id, failure)
       WHERE i.update_id = u.id`,
      [items.map((i) => int8(i.id)), items.map((i) => i.failure)],
    );
    return items.map(() => undefined);
  });

  return {
    leaseMs,
    /** `fresh: false` when this id was already received (a redelivery); rejects when it could not be stored */
    async receive(id: number, key: string, payload: unknown): Promise<Received> {
      const r = await receiveMany({ id, key, payload });
      if ('error' in r) throw r.error;
      return r;
    },
    markProcessed(id: number, failure?: string): Promise<void> {
      return markMany({ id, failure: failure ?? null });
    },
    /** Holds these items (being handled by this instance) for another lease: one statement for all. */
    async renew(ids: number[]): Promise<void> {
      if (ids.length === 0) return;
      await sql(
        db,
        'kattoo_inbox_renew',
        `UPDATE inbound_update SET lease_until = now() + $2::int * interval '1 millisecond'
         WHERE update_id = ANY($1::bigint[]) AND processed_at IS NULL`,
        [ids.map(int8), leaseMs],
      );
    },
    /**
     * Unprocessed items whose lease has run out (their instance died), oldest first. Each is claimed
     * by bumping `attempts` and taking a new lease under SKIP LOCKED, so two recovering processes
     * never take the same. A row without a lease (stored by a version before leases) counts as
     * leased for a minute after it was received, as that version's recovery assumed.
     */
    async claimExpired(limit: number, maxAttempts = 5): Promise<InboxItem[]> {
      const rows = await sql<{ update_id: bigint; chat_key: string; payload: unknown; attempts: number }>(
        db,
        'kattoo_inbox_claim',
        `UPDATE inbound_update SET attempts = attempts + 1, lease_until = now() + $3::int * interval '1 millisecond'
         WHERE update_id IN (
           SELECT update_id FROM inbound_update
           WHERE processed_at IS NULL AND attempts < $2
             AND coalesce(lease_until, received_at + interval '1 minute') < now()
           ORDER BY update_id LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING update_id, chat_key, payload, attempts`,
        [limit, maxAttempts, leaseMs],
      );
      return rows
        .sort((a, b) => (a.update_id < b.update_id ? -1 : 1))
        .map((r) => ({ id: r.update_id, key: r.chat_key, payload: r.payload, attempts: r.attempts }));
    },
    async pendingCount(): Promise<number> {
      return db.inboundUpdate.count({ where: { processedAt: null } });
    },
    /** forget handled items older than `before` (Telegram redelivers for at most 24 hours) */
    async prune(before: Date): Promise<number> {
      const r = await db.inboundUpdate.deleteMany({ where: { processedAt: { lt: before } } });
      return r.count;
    },
  };
}
export type InboxRepository = ReturnType<typeof inboxRepository>;
