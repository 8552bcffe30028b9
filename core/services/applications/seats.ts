// Seats of a quota (school × language × campaign) under any concurrency (K-CORE-1, K-SEAT-4/5).
// A seat is taken only by `UPDATE … WHERE taken < seats` — atomic in PostgreSQL, and the CHECK
// constraint quota_taken_within_seats is the last line. A freed seat goes, in the same transaction,
// to the next request in order (K-CAMP-4); a swap that completes frees its old seat, which cascades.
import { Prisma } from '../../db/client.ts';
import { WAITLIST_ORDER_SQL } from '../../domain/allocation/order.ts';
import { type Actor, enqueueMessage, recordTransition, type Tx } from './ledger.ts';

export type SeatKey = { schoolId: number; campaignId: string; language: string };

export async function takeSeat(tx: Tx, k: SeatKey): Promise<boolean> {
  const n = await tx.$executeRaw`
    UPDATE quota SET taken = taken + 1, updated_at = now()
    WHERE school_id = ${k.schoolId} AND campaign_id = ${k.campaignId} AND language = ${k.language}::"Language"
      AND taken < seats`;
  return n === 1;
}

async function releaseSeat(tx: Tx, k: SeatKey): Promise<void> {
  await tx.$executeRaw`
    UPDATE quota SET taken = taken - 1, updated_at = now()
    WHERE school_id = ${k.schoolId} AND campaign_id = ${k.campaignId} AND language = ${k.language}::"Language"`;
}

type Waiting = {
  id: bigint;
  kind: 'wait' | 'swap';
  telegram_id: bigint;
  number: string;
  school_id: number | null;
  language: string | null;
};

/** The next request in order for a quota: waitlisted children and swap requests alike. */
async function nextInLine(tx: Tx, k: SeatKey): Promise<Waiting | undefined> {
  const rows = await tx.$queryRaw<Waiting[]>(Prisma.sql`
    SELECT id, kind, telegram_id, number, school_id, language::text AS language FROM (
      SELECT id, 'wait' AS kind, telegram_id, number, school_id, language, priority_status,
             catchment_match AS catchment, received_seq AS seq
      FROM application
      WHERE status = 'waitlisted' AND campaign_id = ${k.campaignId}
        AND school_id = ${k.schoolId} AND language = ${k.language}::"Language"
      UNION ALL
      SELECT id, 'swap' AS kind, telegram_id, number, school_id, language, priority_status,
             swap_catchment AS catchment, swap_seq AS seq
      FROM application
      WHERE status = 'admitted' AND campaign_id = ${k.campaignId}
        AND swap_school_id = ${k.schoolId} AND swap_language = ${k.language}::"Language"
    ) q
    ORDER BY ${Prisma.raw(WAITLIST_ORDER_SQL)}
    LIMIT 1`);
  return rows[0];
}

/**
 * Gives free seats of these quotas to whoever is next in line, until no seat or nobody is left.
 * Callers hold the quota row locks (lockQuota) so that two promotions never pick the same child.
 */
export async function fillFreeSeats(
  tx: Tx,
  start: SeatKey[],
  ctx: { actor: Actor; now: Date; documentsDueAt: Date },
): Promise<bigint[]> {
  const admitted: bigint[] = [];
  const work = [...start];
  for (let guard = 0; work.length > 0 && guard < 10_000; guard++) {
    const k = work.shift() as SeatKey;
    await lockQuota(tx, k);
    const next = await nextInLine(tx, k);
    if (!next) continue;
    if (!(await takeSeat(tx, k))) continue;
    if (next.kind === 'wait') {
      await tx.application.update({
        where: { id: next.id },
        data: { status: 'admitted', decidedAt: ctx.now, documentsDueAt: ctx.documentsDueAt },
      });
      await recordTransition(
        tx,
        next.id,
        'waitlisted',
        'admitted',
        ctx.actor,
        'seat_freed',
        {
          schoolId: k.schoolId,
          language: k.language,
        },
        ctx.now,
      );
      await enqueueMessage(
        tx,
        next.telegram_id,
        'seat_offered',
        { number: next.number, schoolId: k.schoolId, language: k.language },
        {
          dedupeKey: `seat_offered:${next.id}:${k.schoolId}:${k.language}`,
        },
      );
    } else {
      const old: SeatKey = {
        schoolId: next.school_id as number,
        campaignId: k.campaignId,
        language: next.language as string,
      };
      await tx.$executeRaw`
        UPDATE application SET school_id = ${k.schoolId}, language = ${k.language}::"Language",
          catchment_match = swap_catchment, swap_school_id = NULL, swap_language = NULL, swap_seq = NULL,
          swap_catchment = false, swap_count = swap_count + 1, decided_at = ${ctx.now}, updated_at = now()
        WHERE id = ${next.id}`;
      await recordTransition(
        tx,
        next.id,
        'admitted',
        'admitted',
        ctx.actor,
        'swap_completed',
        {
          from: { schoolId: old.schoolId, language: old.language },
          to: { schoolId: k.schoolId, language: k.language },
        },
        ctx.now,
      );
      await enqueueMessage(
        tx,
        next.telegram_id,
        'swap_completed',
        { number: next.number, schoolId: k.schoolId, language: k.language },
        {
          dedupeKey: `swap_completed:${next.id}:${k.schoolId}:${k.language}`,
        },
      );
      await releaseSeat(tx, old);
      work.push(old);
    }
    admitted.push(next.id);
    work.push(k); // maybe more free seats here
  }
  return admitted;
}

/** Serialises seat decisions per quota row for the rest of the transaction. */
export async function lockQuota(tx: Tx, k: SeatKey): Promise<{ seats: number; taken: number } | undefined> {
  const rows = await tx.$queryRaw<{ seats: number; taken: number }[]>`
    SELECT seats, taken FROM quota
    WHERE school_id = ${k.schoolId} AND campaign_id = ${k.campaignId} AND language = ${k.language}::"Language"
    FOR UPDATE`;
  return rows[0];
}

/** Frees one held seat and passes it on (withdrawal, release, completed swap). */
export async function freeSeat(
  tx: Tx,
  k: SeatKey,
  ctx: { actor: Actor; now: Date; documentsDueAt: Date },
): Promise<bigint[]> {
  await lockQuota(tx, k);
  await releaseSeat(tx, k);
  return fillFreeSeats(tx, [k], ctx);
}
