// What every state change writes in its own transaction: the transition (K-CORE-4) and the messages
// it causes (outbox, K-NOTE-1). Nothing here is sent or logged in clear.
import type { Prisma } from '../../db/client.ts';
import type { ApplicationStatus } from '../../domain/application-state.ts';

export type Tx = Prisma.TransactionClient;

export type Actor = { kind: 'parent' | 'staff' | 'system' | 'cli'; id: string };
export const SYSTEM: Actor = { kind: 'system', id: 'kattoo' };

export async function recordTransition(
  tx: Tx,
  applicationId: bigint,
  from: ApplicationStatus | null,
  to: ApplicationStatus,
  actor: Actor,
  reason: string,
  details: Record<string, unknown> = {},
  /** the campaign clock's time (K-CAMP-5); the database's own time when not given */
  at?: Date,
): Promise<void> {
  await tx.applicationTransition.create({
    data: {
      ...(at ? { at } : {}),
      applicationId,
      fromStatus: from,
      toStatus: to,
      actorKind: actor.kind,
      actorId: actor.id,
      reason,
      details: details as Prisma.InputJsonValue,
    },
  });
}

/** A message for a Telegram user, written with the change; `dedupeKey` makes a retry write it once. */
export async function enqueueMessage(
  tx: Tx,
  telegramId: bigint,
  kind: string,
  params: Record<string, unknown>,
  opts: { dedupeKey?: string; dueAt?: Date } = {},
): Promise<void> {
  await tx.outboxMessage.upsert({
    where: { dedupeKey: opts.dedupeKey ?? `${kind}:${telegramId}:${Date.now()}:${Math.random()}` },
    create: {
      telegramId,
      kind,
      params: params as Prisma.InputJsonValue,
      dedupeKey: opts.dedupeKey,
      dueAt: opts.dueAt,
    },
    update: {},
  });
}
