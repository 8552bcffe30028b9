// The outbox (K-NOTE-1): messages written in the same transaction as the change that causes them,
// claimed by any number of workers with FOR UPDATE SKIP LOCKED, so none is lost on restart and none is
// sent twice by two workers. A worker that dies between claiming and marking leaves its claim
// `sending`; it is handed out again after `staleAfterMs` (the one case of a possible repeat).
import type { Db } from '../db/client.ts';

export type OutboxItem = {
  id: bigint;
  telegramId: bigint;
  kind: string;
  params: Record<string, unknown>;
  attempts: number;
};

export const MAX_ATTEMPTS = 6;
/** reminders to submit a prepared draft: dropped unsent when the draft was submitted or withdrawn */
export const STAGE_REMINDERS = ['stage_opens_tomorrow', 'stage_open_now'] as const;

export function outboxRepository(db: Db) {
  return {
    async claimDue(now: Date, limit: number, staleAfterMs = 5 * 60_000): Promise<OutboxItem[]> {
      const stale = new Date(Date.now() - staleAfterMs);
      const rows = await db.$queryRaw<
        {
          id: bigint;
          telegram_id: bigint;
          kind: string;
          params: Record<string, unknown>;
          attempts: number;
          status: string;
        }[]
      >`
        UPDATE outbox_message o SET attempts = o.attempts + 1, claimed_at = now(),
          -- "your draft can be submitted now" is moot once it was: at opening, most parents press
          -- Submit before the reminder's turn comes at 30 messages/s
          status = CASE WHEN o.kind IN (${STAGE_REMINDERS[0]}, ${STAGE_REMINDERS[1]}) AND EXISTS (
              SELECT 1 FROM application a
              WHERE a.id = (o.params->>'applicationId')::bigint AND a.status <> 'draft')
            THEN 'obsolete' ELSE 'sending' END
        WHERE o.id IN (
          SELECT id FROM outbox_message
          WHERE (status = 'pending' AND (due_at IS NULL OR due_at <= ${now})) OR (status = 'sending' AND claimed_at < ${stale})
          ORDER BY due_at NULLS FIRST, id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
        RETURNING o.id, o.telegram_id, o.kind, o.params, o.attempts, o.status`;
      return rows
        .filter((r) => r.status === 'sending')
        .map((r) => ({
          id: r.id,
          telegramId: r.telegram_id,
          kind: r.kind,
          params: r.params,
          attempts: r.attempts,
        }));
    },
    async markSent(id: bigint): Promise<void> {
      await db.outboxMessage.update({ where: { id }, data: { status: 'sent', sentAt: new Date() } });
    },
    /** Tries again later (`retryAt`), or gives up after MAX_ATTEMPTS. */
    async markFailed(id: bigint, error: string, attempts: number, retryAt: Date): Promise<void> {
      await db.outboxMessage.update({
        where: { id },
        data:
          attempts >= MAX_ATTEMPTS
            ? { status: 'failed', lastError: error }
            : { status: 'pending', lastError: error, dueAt: retryAt },
      });
    },
    /** Delivered by SMS or e-mail instead of Telegram (K-NOTE-2). */
    async markDeliveredBy(id: bigint, channel: 'sms' | 'email'): Promise<void> {
      await db.outboxMessage.update({ where: { id }, data: { status: channel, sentAt: new Date() } });
    },
    /** The person blocked the bot and no other channel reached them. */
    async markUnreachable(id: bigint, error: string): Promise<void> {
      await db.outboxMessage.update({ where: { id }, data: { status: 'unreachable', lastError: error } });
    },
    async counts(): Promise<Record<string, number>> {
      const rows = await db.outboxMessage.groupBy({ by: ['status'], _count: true });
      return Object.fromEntries(rows.map((r) => [r.status, r._count]));
    },
  };
}
export type OutboxRepository = ReturnType<typeof outboxRepository>;
