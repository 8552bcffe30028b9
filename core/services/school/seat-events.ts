// What the school's staff hear when a seat moves because of a school action or a deadline: the
// released seat and each child it went to (K-SCHOOL-1 admission alerts, batched into digests by
// alerts.ts). Written in the caller's transaction, with the same once-only keys as every alert.
import { recordAlert } from './alerts.ts';
import { atSensibleHour } from './local-time.ts';
import type { Tx } from './staff.ts';

/**
 * The messages the seat functions wrote for children who just got a seat (`seat_offered`,
 * `swap_completed`): sent at a sensible local hour, and carrying the child's own documents deadline
 * (`due`, ISO) — which after the campaign's deadline is later than the campaign's.
 */
export async function completeOffers(tx: Tx, promoted: bigint[], now: Date): Promise<void> {
  if (promoted.length === 0) return;
  const at = atSensibleHour(now);
  const rows = await tx.application.findMany({
    where: { id: { in: promoted } },
    select: { id: true, documentsDueAt: true },
  });
  for (const r of rows) {
    const extra = JSON.stringify(r.documentsDueAt ? { due: r.documentsDueAt.toISOString() } : {});
    await tx.$executeRaw`
      UPDATE outbox_message
      SET due_at = GREATEST(COALESCE(due_at, ${at}), ${at}), params = params || ${extra}::jsonb
      WHERE status = 'pending'
        AND (dedupe_key LIKE ${`seat_offered:${r.id}:%`} OR dedupe_key LIKE ${`swap_completed:${r.id}:%`})`;
  }
}

export async function alertSeatMoves(
  tx: Tx,
  released:
    | { id: bigint; schoolId: number; number: string; language: string }
    | { directAdmissionId: number; schoolId: number; language: string },
  promoted: bigint[],
  now: Date,
): Promise<void> {
  if ('directAdmissionId' in released) {
    await recordAlert(
      tx,
      released.schoolId,
      'seat_released',
      { language: released.language },
      { dueAt: now, dedupeKey: `alert:seat_released:direct:${released.directAdmissionId}` },
    );
  } else {
    await recordAlert(
      tx,
      released.schoolId,
      'seat_released',
      { number: released.number, applicationId: released.id, language: released.language },
      { dueAt: now },
    );
  }
  await alertAdmitted(tx, promoted, now);
}

/** The school's staff hear of each child who was just given a seat (K-SCHOOL-1). */
export async function alertAdmitted(tx: Tx, promoted: bigint[], now: Date): Promise<void> {
  if (promoted.length === 0) return;
  const rows = await tx.application.findMany({
    where: { id: { in: promoted } },
    select: { id: true, number: true, schoolId: true, language: true },
  });
  for (const r of rows) {
    if (r.schoolId === null) continue;
    await recordAlert(
      tx,
      r.schoolId,
      'admitted',
      { number: r.number, applicationId: r.id, ...(r.language ? { language: r.language } : {}) },
      { dueAt: now },
    );
  }
}
