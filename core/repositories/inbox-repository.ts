// A channel-agnostic inbox: each inbound message is stored under the channel's own id before the
// channel is acknowledged, handled once, and found again after a crash (K-CORE-3).
import type { Db } from '../db/client.ts';

export type InboxItem = { id: bigint; key: string; payload: unknown; attempts: number };

export function inboxRepository(db: Db) {
  return {
    /** true when stored now; false when this id was already received (a redelivery) */
    async receive(id: number, key: string, payload: unknown): Promise<boolean> {
      const n = await db.$executeRaw`
        INSERT INTO inbound_update (update_id, chat_key, payload)
        VALUES (${BigInt(id)}, ${key}, ${JSON.stringify(payload)}::jsonb)
        ON CONFLICT (update_id) DO NOTHING`;
      return n === 1;
    },
    async markProcessed(id: number, failure?: string): Promise<void> {
      await db.$executeRaw`
        UPDATE inbound_update SET processed_at = now(), attempts = attempts + 1, failure = ${failure ?? null}
        WHERE update_id = ${BigInt(id)}`;
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
