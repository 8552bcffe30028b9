// Personal data kept only as long as it is needed (Law No. 58 "On personal information"; the policy
// and its reasons are docs/privacy.md). `run` applies the periods below once a day (one process of
// the cluster, decision 0012); `forget` is a parent's "delete my data", within what the law allows.
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';

const DAY = 86_400_000;

/** Retention periods; docs/privacy.md gives the reason of each. */
export const RETENTION = {
  /** Telegram redelivers an update for at most 24 hours: after that a handled one is not needed */
  handledUpdatesMs: DAY,
  /** an update that could not be handled in a week will not be (its attempts are long exhausted) */
  unhandledUpdatesMs: 7 * DAY,
  /** sign-in attempts live minutes; their traces a day */
  signInAttemptsMs: DAY,
  /** a message sent (or given up) is proof of notice for the appeal periods: three months */
  sentMessagesMs: 90 * DAY,
  /** drafts never submitted, once their campaign is over */
  staleDraftsMs: 30 * DAY,
  /** who looked at a child's data: three years, the period for a complaint about it */
  accessLogMs: 3 * 365 * DAY,
} as const;

export type RetentionCounts = {
  updates: number;
  signIns: number;
  messages: number;
  drafts: number;
  accessLog: number;
};

export type ForgetResult = {
  /** drafts deleted */
  drafts: number;
  /** submitted applications kept: the school's admission record (the regulation), not ours to erase */
  keptApplications: number;
  /** whether a link to a verified person was removed */
  unlinked: boolean;
};

export function retentionService(db: Db, clock: Clock) {
  const ago = (ms: number) => new Date(clock.now().getTime() - ms);

  return {
    async run(): Promise<RetentionCounts> {
      const updates =
        (
          await db.inboundUpdate.deleteMany({
            where: { processedAt: { lt: ago(RETENTION.handledUpdatesMs) } },
          })
        ).count +
        (
          await db.inboundUpdate.deleteMany({
            where: { processedAt: null, receivedAt: { lt: ago(RETENTION.unhandledUpdatesMs) } },
          })
        ).count;
      const signIns = (
        await db.signInAttempt.deleteMany({ where: { expiresAt: { lt: ago(RETENTION.signInAttemptsMs) } } })
      ).count;
      const messages = (
        await db.outboxMessage.deleteMany({
          where: { status: { not: 'pending' }, createdAt: { lt: ago(RETENTION.sentMessagesMs) } },
        })
      ).count;
      const drafts = (
        await db.application.deleteMany({
          where: {
            status: 'draft',
            updatedAt: { lt: ago(RETENTION.staleDraftsMs) },
            campaignId: { in: (await db.campaign.findMany({ where: { active: false } })).map((c) => c.id) },
          },
        })
      ).count;
      const accessLog = (await db.accessLog.deleteMany({ where: { at: { lt: ago(RETENTION.accessLogMs) } } }))
        .count;
      const counts = { updates, signIns, messages, drafts, accessLog };
      if (Object.values(counts).some((n) => n > 0))
        await db.auditEvent.create({
          data: {
            actorKind: 'system',
            actorId: 'retention',
            action: 'retention.run',
            subject: 'personal-data',
            details: counts,
          },
        });
      return counts;
    },

    /**
     * "Delete my data": everything Kattoo holds only for this Telegram account's convenience — drafts,
     * the link to the verified person, sign-in attempts, messages not yet sent, the chat's updates and
     * the remembered language. Submitted applications stay: they are the school's admission record.
     */
    async forget(telegramId: bigint): Promise<ForgetResult> {
      return db.$transaction(async (tx) => {
        const drafts = (await tx.application.deleteMany({ where: { telegramId, status: 'draft' } })).count;
        const keptApplications = await tx.application.count({ where: { telegramId } });
        const unlinked = (await tx.identityLink.deleteMany({ where: { telegramId } })).count > 0;
        await tx.signInAttempt.deleteMany({ where: { telegramId } });
        await tx.outboxMessage.deleteMany({ where: { telegramId, status: 'pending' } });
        await tx.inboundUpdate.deleteMany({
          where: { chatKey: String(telegramId), processedAt: { not: null } },
        });
        await tx.chatUser.deleteMany({ where: { telegramId } });
        await tx.auditEvent.create({
          data: {
            actorKind: 'parent',
            actorId: String(telegramId),
            action: 'privacy.forget',
            subject: `telegram:${telegramId}`,
            details: { drafts, keptApplications, unlinked },
          },
        });
        return { drafts, keptApplications, unlinked };
      });
    },
  };
}
export type RetentionService = ReturnType<typeof retentionService>;
