// A channel-agnostic inbox: each inbound message is stored under the channel's own id before the
// channel is acknowledged, handled once, and found again after a crash (K-CORE-3).
import { batcher } from '../db/batch.ts';
import type { Db } from '../db/client.ts';
import { int8, sql } from '../db/sql.ts';

export type InboxItem = { id: bigint; key: string; payload: unknown; attempts: number };

export function inboxRepository(db: Db) {
  // Stored and marked in groups (core/db/batch.ts): one statement for every update arriving together.
  const receiveMany = batcher<{ id: number; key: string; payload: unknown }, boolean>(async (items) => {
    const rows = await sql<{ update_id: bigint }>(
      db,
      'kattoo_inbox_receive',
      `INSERT INTO inbound_update (update_id, chat_key, payload)
       SELECT u.id, u.key, u.payload::jsonb FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, key, payload)
       ON CONFLICT (update_id) DO NOTHING
       RETURNING update_id`,
      [items.map((i) => int8(i.id)), items.map((i) => i.key), items.map((i) => JSON.stringify(i.payload))],
    );
    const stored = new Set(rows.map((r) => Number(r.update_id)));
    // the same id twice in one group (a redelivery racing the original): only the first is fresh
    return items.map((i) => stored.delete(i.id));
  });
  const markMany = batcher<{ id: number; failure: string | null }, void>(async (items) => {
    await sql(
      db,
      'kattoo_inbox_mark',
      `UPDATE inbound_update AS i SET processed_at = now(), attempts = i.attempts + 1, failure = u.failure
       FROM unnest($1::bigint[], $2::text[]) AS u(id, failure)
       WHERE i.update_id = u.id`,
      [items.map((i) => int8(i.id)), items.map((i) => i.failure)],
    );
    return items.map(() => undefined);
  });

  return {
    /** true when stored now; false when this id was already received (a redelivery) */
    receive(id: number, key: string, payload: unknown): Promise<boolean> {
      return receiveMany({ id, key, payload });
    },
    markProcessed(id: number, failure?: string): Promise<void> {
      return markMany({ id, failure: failure ?? null });
    },
    /**
     * Unprocessed items received before `olderThan` (left by a crashed process), oldest first. Each is
     * claimed by bumping `attempts` under SKIP LOCKED, so two recovering processes never take the same.
     */
    async claimStale(olderThan: Date, limit: number, maxAttempts = 5): Promise<InboxItem[]> {
      const rows = await db.$queryRaw<
        { update_id: bigint; chat_key: string; payload: unknown; attempts: number }[]
      >`
        UPDATE inbound_update SET attempts = attempts + 1, received_at = now()
        WHERE update_id IN (
          SELECT update_id FROM inbound_update
          WHERE processed_at IS NULL AND received_at < ${olderThan} AND attempts < ${maxAttempts}
          ORDER BY update_id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
        RETURNING update_id, chat_key, payload, attempts`;
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
