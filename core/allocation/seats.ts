// Seats of a quota (school × language × campaign) under any concurrency (K-CORE-1, K-SEAT-4/5).
// A seat is taken only by `UPDATE … WHERE approved AND taken < seats` (quota-gate.ts) — atomic in
// PostgreSQL, and the CHECK constraint quota_taken_within_seats is the last line. A freed seat goes,
// in the same transaction, to the next request in order (order.ts) among those the stage in force
// admits (stage-rule.ts); a swap that completes frees its old seat, which cascades.
import { Prisma } from '../db/client.ts';
import { type Actor, enqueueMessage, recordTransition, type Tx } from '../services/applications/ledger.ts';
import { SWAP_PRIO_SQL, WAITLIST_ORDER_SQL, WAITLISTED_PRIO_SQL } from './order.ts';
import { QUOTA_GIVES_SQL, type QuotaState, quotaGate } from './quota-gate.ts';
import { type StageRule, stageAdmitsSql, stageRuleInForce } from './stage-rule.ts';

export type SeatKey = { schoolId: number; campaignId: string; language: string };

export async function takeSeat(tx: Tx, k: SeatKey): Promise<boolean> {
  const n = await tx.$executeRaw`
    UPDATE quota SET taken = taken + 1, updated_at = now()
    WHERE school_id = ${k.schoolId} AND campaign_id = ${k.campaignId} AND language = ${k.language}::"Language"
      AND ${Prisma.raw(QUOTA_GIVES_SQL)}`;
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

/**
 * Everyone waiting for a quota — waitlisted children and swap requests alike — as rows with `prio`,
 * `catchment`, `basis` and `seq`: the input of the order rule and of the stage rule.
 */
export function waitingSql(k: SeatKey): Prisma.Sql {
  return Prisma.sql`
      SELECT id, 'wait' AS kind, telegram_id, number, school_id, language,
             ${Prisma.raw(WAITLISTED_PRIO_SQL)} AS prio, catchment_match AS catchment,
             basis::text AS basis, received_seq AS seq
      FROM application
      WHERE status = 'waitlisted' AND campaign_id = ${k.campaignId}
        AND school_id = ${k.schoolId} AND language = ${k.language}::"Language"
      UNION ALL
      SELECT id, 'swap' AS kind, telegram_id, number, school_id, language,
             ${Prisma.raw(SWAP_PRIO_SQL)}, swap_catchment, swap_basis::text, swap_seq
      FROM application
      WHERE status = 'admitted' AND campaign_id = ${k.campaignId}
        AND swap_school_id = ${k.schoolId} AND swap_language = ${k.language}::"Language"`;
}

/** The next request in order for a quota that the stage in force lets take a seat there. */
async function nextInLine(tx: Tx, k: SeatKey, rule: StageRule): Promise<Waiting | undefined> {
  const rows = await tx.$queryRaw<Waiting[]>(Prisma.sql`
    SELECT id, kind, telegram_id, number, school_id, language::text AS language FROM (${waitingSql(k)}) q
    WHERE ${Prisma.raw(stageAdmitsSql(rule))}
    ORDER BY ${Prisma.raw(WAITLIST_ORDER_SQL)}
    LIMIT 1`);
  return rows[0];
}

/** The stage rule in force for a campaign at `now` (stage-rule.ts). */
export async function ruleInForce(tx: Tx, campaignId: string, now: Date): Promise<StageRule> {
  const stages = await tx.stage.findMany({ where: { campaignId } });
  return stageRuleInForce(stages, now);
}

export type FillContext = {
  actor: Actor;
  now: Date;
  documentsDueAt: Date;
  /** the parent's notice for a waitlisted child who gets a seat; default `seat_offered` */
  notice?: 'seat_offered' | 'seat_quota_approved';
};

/**
 * Gives free seats of these quotas to whoever is next in line, until no seat or nobody is left.
 * Callers hold the quota row locks (lockQuota) so that two promotions never pick the same child.
 */
export async function fillFreeSeats(tx: Tx, start: SeatKey[], ctx: FillContext): Promise<bigint[]> {
  const admitted: bigint[] = [];
  const work = [...start];
  const rules = new Map<string, StageRule>();
  for (let guard = 0; work.length > 0 && guard < 10_000; guard++) {
    const k = work.shift() as SeatKey;
    if (quotaGate(await lockQuota(tx, k)) !== 'free') continue;
    let rule = rules.get(k.campaignId);
    if (!rule) {
      rule = await ruleInForce(tx, k.campaignId, ctx.now);
      rules.set(k.campaignId, rule);
    }
    const next = await nextInLine(tx, k, rule);
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
        ctx.notice ?? 'seat_offered',
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
          swap_catchment = false, swap_basis = NULL, swap_priority = false, swap_count = swap_count + 1, decided_at = ${ctx.now}, updated_at = now()
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
export async function lockQuota(tx: Tx, k: SeatKey): Promise<QuotaState | undefined> {
  const rows = await tx.$queryRaw<QuotaState[]>`
    SELECT seats, taken, approved FROM quota
    WHERE school_id = ${k.schoolId} AND campaign_id = ${k.campaignId} AND language = ${k.language}::"Language"
    FOR UPDATE`;
  return rows[0];
}

/** Frees one held seat and passes it on (withdrawal, release, completed swap). */
export async function freeSeat(tx: Tx, k: SeatKey, ctx: FillContext): Promise<bigint[]> {
  await lockQuota(tx, k);
  await releaseSeat(tx, k);
  return fillFreeSeats(tx, [k], ctx);
}
