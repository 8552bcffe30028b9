// Deadlines run from PostgreSQL state with the injected clock, so they work with the demo clock and
// survive restarts (K-NOTE-1, K-SCHOOL-4, R-13.4, K-PRIO-2):
//   - automatic release: an admitted child whose documents deadline passed without all six documents
//     of R-14 is released (`documents_missed`), the seat freed and passed on, the parent told;
//   - expired priority claims are dropped (the claim, never the application), the parent told;
//   - reminders to parents in the outbox: documents due in three days and tomorrow, priority proof due
//     tomorrow, prepared drafts the evening before a stage opens and at its opening.
// Every message has a `dedupeKey` (a unique index), so a rerun, a restart or a second worker writes
// none twice; each goes out between 09:00 and 20:00 in Bishkek (one due at night waits for 09:00).
// `runDeadlines(now)` is idempotent: a second run with the same state changes nothing more.

import { freeSeat } from '../../allocation/seats.ts';
import type { Clock } from '../../clock.ts';
import { type Db, Prisma } from '../../db/client.ts';
import { alwaysClaim, type ClaimTick, claimed } from '../../db/schedule.ts';
import { transition } from '../../domain/application-state.ts';
import { afterReleaseStage } from '../../domain/campaign.ts';
import type { StageInput } from '../../domain/reference.ts';
import type { Logger } from '../../logger.ts';
import { enqueueMessage, recordTransition, SYSTEM } from '../applications/ledger.ts';
import { recordAlert } from './alerts.ts';
import { atSensibleHour, localDate, localDayAt, offerDeadline } from './local-time.ts';
import { REQUIRED_DOCUMENTS } from './rules.ts';
import { alertSeatMoves, completeOffers } from './seat-events.ts';
import type { Tx } from './staff.ts';

const H = 3_600_000;
/** Local hour of the reminder the evening before a stage opens. */
export const EVENING_HOUR = 19;
/** Rows handled per batch; a run goes on while batches come back full (bounded by MAX_BATCHES). */
const BATCH = 200;
const MAX_BATCHES = 50;
/** Statuses in which a priority claim still matters. */
const CLAIM_STATUSES = ['draft', 'submitted', 'waitlisted', 'admitted'] as const;

export type DeadlineCounts = {
  /** admitted children released for missing documents (R-13.4) */
  released: number;
  /** waitlisted children (or changes of school) given the freed seats */
  promoted: number;
  /** priority claims dropped for a missing proof */
  prioritiesDropped: number;
  /** reminders written to the outbox by this run */
  reminders: {
    documents3d: number;
    documents1d: number;
    priorityProof: number;
    stageEve: number;
    stageOpen: number;
  };
};

function isRetryable(e: unknown): boolean {
  const code =
    (e as { code?: string; meta?: { code?: string } })?.meta?.code ?? (e as { code?: string })?.code;
  const msg = e instanceof Error ? e.message : '';
  return code === '40001' || code === '40P01' || /deadlock detected|could not serialize/.test(msg);
}

export function deadlineService(deps: { db: Db; clock: Clock; log: Logger }) {
  const { db, clock, log } = deps;

  async function inTx<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.$transaction(fn, { timeout: 20_000, maxWait: 20_000 });
      } catch (e) {
        if (attempt < 5 && isRetryable(e)) continue;
        throw e;
      }
    }
  }

  /**
   * What the release notice tells the family about registering again (R-16.6): the free-seats stage
   * after the release, from when (today at the earliest) until when — or, when none is open or
   * ahead, `context: 'no_route'` and the notice says so rather than sending them to a closed door.
   */
  function routeAfterRelease(
    campaign: { documentsDeadline: Date; offerWorkingDays: number; stages: StageInput[] },
    now: Date,
  ): { context: string; from?: string; until?: string; days?: number } {
    const stage = afterReleaseStage(campaign.stages, campaign.documentsDeadline);
    if (!stage || stage.closesAt <= now) return { context: 'no_route' };
    return {
      context: 'free_seats',
      from: (stage.opensAt > now ? stage.opensAt : now).toISOString(),
      // the last moment of the stage, shown as a date
      until: new Date(stage.closesAt.getTime() - 1).toISOString(),
      days: campaign.offerWorkingDays,
    };
  }

  /** Releases one admitted application whose deadline passed; false when it no longer applies. */
  async function releaseOne(id: bigint, now: Date): Promise<{ released: boolean; promoted: number }> {
    return inTx(async (tx) => {
      await tx.$queryRaw`SELECT id FROM application WHERE id = ${id} FOR UPDATE`;
      const a = await tx.application.findUnique({ where: { id } });
      if (!a) return { released: false, promoted: 0 };
      if (a.status !== 'admitted' || !a.documentsDueAt || a.documentsDueAt.getTime() >= now.getTime())
        return { released: false, promoted: 0 };
      const received = await tx.documentReceipt.count({ where: { applicationId: id } });
      if (received >= REQUIRED_DOCUMENTS.length) return { released: false, promoted: 0 };
      const to = transition(a.status, 'documents_missed');
      await tx.application.update({
        where: { id },
        data: { status: to, swapSchoolId: null, swapLanguage: null, swapSeq: null, swapCatchment: false },
      });
      await recordTransition(
        tx,
        id,
        a.status,
        to,
        SYSTEM,
        'documents_missed',
        {
          documentsDueAt: a.documentsDueAt.toISOString(),
          received,
        },
        now,
      );
      const campaign = await tx.campaign.findUniqueOrThrow({
        where: { id: a.campaignId },
        include: { stages: true },
      });
      await enqueueMessage(
        tx,
        a.telegramId,
        'documents_missed',
        { number: a.number, schoolId: a.schoolId, language: a.language, ...routeAfterRelease(campaign, now) },
        { dedupeKey: `documents_missed:${id}`, dueAt: atSensibleHour(now) },
      );
      let promoted: bigint[] = [];
      if (a.schoolId !== null && a.language !== null) {
        promoted = await freeSeat(
          tx,
          { schoolId: a.schoolId, campaignId: a.campaignId, language: a.language },
          {
            actor: SYSTEM,
            now,
            documentsDueAt: offerDeadline(now, campaign.documentsDeadline, campaign.offerWorkingDays),
          },
        );
        await completeOffers(tx, promoted, now);
        await alertSeatMoves(
          tx,
          { id, schoolId: a.schoolId, number: a.number, language: a.language },
          promoted,
          now,
        );
      }
      return { released: true, promoted: promoted.length };
    });
  }

  async function releaseExpired(now: Date, counts: DeadlineCounts): Promise<void> {
    for (let round = 0; round < MAX_BATCHES; round++) {
      const due = await db.$queryRaw<{ id: bigint }[]>`
        SELECT a.id FROM application a
        WHERE a.status = 'admitted' AND a.documents_due_at < ${now}
          AND (SELECT count(*) FROM document_receipt r WHERE r.application_id = a.id) < ${REQUIRED_DOCUMENTS.length}
        ORDER BY a.documents_due_at, a.id
        LIMIT ${BATCH}`;
      let changed = 0;
      for (const { id } of due) {
        const r = await releaseOne(id, now);
        if (r.released) {
          changed++;
          counts.released++;
          counts.promoted += r.promoted;
        }
      }
      if (due.length < BATCH || changed === 0) return;
    }
  }

  async function dropOne(id: bigint, now: Date): Promise<boolean> {
    return inTx(async (tx) => {
      await tx.$queryRaw`SELECT id FROM application WHERE id = ${id} FOR UPDATE`;
      const a = await tx.application.findUnique({ where: { id } });
      if (!a) return false;
      if (
        a.priorityStatus !== 'claimed' ||
        !a.priorityDueAt ||
        a.priorityDueAt.getTime() >= now.getTime() ||
        !(CLAIM_STATUSES as readonly string[]).includes(a.status)
      )
        return false;
      await tx.application.update({ where: { id }, data: { priorityStatus: 'dropped' } });
      await recordTransition(
        tx,
        id,
        a.status,
        a.status,
        SYSTEM,
        'priority_dropped',
        {
          priority: a.priority,
          reason: 'proof_missed',
          priorityDueAt: a.priorityDueAt.toISOString(),
        },
        now,
      );
      await enqueueMessage(
        tx,
        a.telegramId,
        'priority_dropped',
        { number: a.number, schoolId: a.schoolId, code: `priority_${a.priority}` },
        { dedupeKey: `priority:${id}:dropped`, dueAt: atSensibleHour(now) },
      );
      return true;
    });
  }

  async function dropExpiredClaims(now: Date, counts: DeadlineCounts): Promise<void> {
    for (let round = 0; round < MAX_BATCHES; round++) {
      const due = await db.application.findMany({
        where: { priorityStatus: 'claimed', priorityDueAt: { lt: now }, status: { in: [...CLAIM_STATUSES] } },
        select: { id: true },
        orderBy: { id: 'asc' },
        take: BATCH,
      });
      let changed = 0;
      for (const { id } of due) {
        if (await dropOne(id, now)) {
          changed++;
          counts.prioritiesDropped++;
        }
      }
      if (due.length < BATCH || changed === 0) return;
    }
  }

  /**
   * Documents reminders: three days before the deadline and the day before, for admitted children
   * whose six documents are not all in — one per child, deadline and kind. A child admitted after a
   * reminder's time does not get it (its admission message named the deadline).
   */
  async function documentReminders(now: Date, counts: DeadlineCounts): Promise<void> {
    const horizon = new Date(now.getTime() + 72 * H);
    const dues = await db.$queryRaw<{ due: Date }[]>`
      SELECT DISTINCT documents_due_at AS due FROM application
      WHERE status = 'admitted' AND documents_due_at > ${now} AND documents_due_at <= ${horizon}`;
    const send = atSensibleHour(now);
    for (const { due } of dues) {
      const t1 = atSensibleHour(new Date(due.getTime() - 24 * H));
      const t3 = atSensibleHour(new Date(due.getTime() - 72 * H));
      const which =
        now.getTime() >= t1.getTime()
          ? { kind: 'documents_due_1d', key: 'docs1', at: t1 }
          : now.getTime() >= t3.getTime()
            ? { kind: 'documents_due_3d', key: 'docs3', at: t3 }
            : null;
      if (!which || send.getTime() >= due.getTime()) continue;
      const n = await db.$executeRaw`
        INSERT INTO outbox_message (telegram_id, kind, params, dedupe_key, due_at)
        SELECT a.telegram_id, ${which.kind},
               jsonb_strip_nulls(jsonb_build_object('number', a.number, 'applicationId', a.id::text, 'schoolId', a.school_id,
                 'language', a.language::text, 'due', ${due.toISOString()}::text)),
               ${`remind:${which.key}:`} || a.id::text || ${`:${due.getTime()}`}, ${send}
        FROM application a
        WHERE a.status = 'admitted' AND a.documents_due_at = ${due}
          AND (a.decided_at IS NULL OR a.decided_at < ${which.at})
          AND (SELECT count(*) FROM document_receipt r WHERE r.application_id = a.id) < ${REQUIRED_DOCUMENTS.length}
          AND NOT EXISTS (SELECT 1 FROM outbox_message o
            WHERE o.dedupe_key = ${`remind:${which.key}:`} || a.id::text || ${`:${due.getTime()}`})
        ON CONFLICT (dedupe_key) DO NOTHING`;
      if (which.kind === 'documents_due_1d') {
        counts.reminders.documents1d += n;
        await documentsDueAlerts(due, send);
      } else counts.reminders.documents3d += n;
    }
  }

  /** The schools hear how many of their admitted children's documents are due tomorrow (K-SCHOOL-1). */
  async function documentsDueAlerts(due: Date, send: Date): Promise<void> {
    const rows = await db.$queryRaw<{ school_id: number; n: number }[]>`
      SELECT a.school_id, count(*)::int AS n FROM application a
      WHERE a.status = 'admitted' AND a.documents_due_at = ${due} AND a.school_id IS NOT NULL
        AND (SELECT count(*) FROM document_receipt r WHERE r.application_id = a.id) < ${REQUIRED_DOCUMENTS.length}
        AND NOT EXISTS (SELECT 1 FROM outbox_message o
          WHERE o.dedupe_key = 'alert:documents_due:' || a.school_id::text || ${`:${due.getTime()}`})
      GROUP BY a.school_id`;
    const date = localDate(due);
    for (const r of rows) {
      await db.$transaction((tx) =>
        recordAlert(
          tx,
          r.school_id,
          'documents_due',
          { count: r.n, date },
          { dueAt: send, dedupeKey: `alert:documents_due:${r.school_id}:${due.getTime()}` },
        ),
      );
    }
  }

  /** Priority proof due tomorrow (K-PRIO-2): the day before the claim's deadline. */
  async function priorityReminders(now: Date, counts: DeadlineCounts): Promise<void> {
    const rows = await db.application.findMany({
      where: {
        priorityStatus: 'claimed',
        priorityDueAt: { gt: now, lte: new Date(now.getTime() + 24 * H) },
        status: { in: [...CLAIM_STATUSES] },
      },
      select: {
        id: true,
        telegramId: true,
        number: true,
        schoolId: true,
        priority: true,
        priorityDueAt: true,
      },
      take: 10_000,
    });
    const send = atSensibleHour(now);
    const data: Prisma.OutboxMessageCreateManyInput[] = [];
    for (const r of rows) {
      const due = r.priorityDueAt as Date;
      const at = atSensibleHour(new Date(due.getTime() - 24 * H));
      if (now.getTime() < at.getTime() || send.getTime() >= due.getTime()) continue;
      data.push({
        telegramId: r.telegramId,
        kind: 'priority_proof_due',
        params: {
          number: r.number,
          ...(r.schoolId !== null ? { schoolId: r.schoolId } : {}),
          code: `priority_${r.priority}`,
          due: due.toISOString(),
        },
        dedupeKey: `remind:prio:${r.id}:${due.getTime()}`,
        dueAt: send,
      });
    }
    if (data.length > 0) {
      const { count } = await db.outboxMessage.createMany({ data, skipDuplicates: true });
      counts.reminders.priorityProof += count;
    }
  }

  /** Prepared drafts: the evening before a registration stage opens, and at its opening (K-CAMP-3). */
  async function stageReminders(now: Date, counts: DeadlineCounts): Promise<void> {
    const campaign = await db.campaign.findFirst({
      where: { active: true },
      include: { stages: true },
      orderBy: { id: 'desc' },
    });
    if (!campaign) return;
    const send = atSensibleHour(now);
    for (const s of campaign.stages) {
      if (s.kind === 'documents') continue;
      const eve = localDayAt(s.opensAt, -1, EVENING_HOUR);
      const opening = atSensibleHour(s.opensAt);
      let which: { kind: string; key: string } | null = null;
      if (now >= eve && now < s.opensAt && send < s.opensAt)
        which = { kind: 'stage_opens_tomorrow', key: 'eve' };
      else if (now >= opening && now < s.closesAt && now.getTime() < opening.getTime() + 24 * H)
        which = { kind: 'stage_open_now', key: 'open' };
      if (!which) continue;
      const n = await db.$executeRaw(Prisma.sql`
        INSERT INTO outbox_message (telegram_id, kind, params, dedupe_key, due_at)
        SELECT a.telegram_id, ${which.kind},
               jsonb_strip_nulls(jsonb_build_object('number', a.number, 'applicationId', a.id::text, 'schoolId', a.school_id,
                 'language', a.language::text, 'stage', ${s.ordinal}::int)),
               ${`remind:stage_${which.key}:${s.id}:`} || a.id::text, ${send}
        FROM application a
        WHERE a.campaign_id = ${campaign.id} AND a.status = 'draft' AND a.verification <> 'failed'
          AND NOT EXISTS (SELECT 1 FROM outbox_message o
            WHERE o.dedupe_key = ${`remind:stage_${which.key}:${s.id}:`} || a.id::text)
        ON CONFLICT (dedupe_key) DO NOTHING`);
      if (which.key === 'eve') counts.reminders.stageEve += n;
      else counts.reminders.stageOpen += n;
    }
  }

  return {
    /** One pass over every deadline at `now` (default: the clock). Idempotent. */
    async runDeadlines(now: Date = clock.now()): Promise<DeadlineCounts> {
      const counts: DeadlineCounts = {
        released: 0,
        promoted: 0,
        prioritiesDropped: 0,
        reminders: { documents3d: 0, documents1d: 0, priorityProof: 0, stageEve: 0, stageOpen: 0 },
      };
      await releaseExpired(now, counts);
      await dropExpiredClaims(now, counts);
      await documentReminders(now, counts);
      await priorityReminders(now, counts);
      await stageReminders(now, counts);
      const r = counts.reminders;
      if (
        counts.released +
          counts.prioritiesDropped +
          r.documents3d +
          r.documents1d +
          r.priorityProof +
          r.stageEve +
          r.stageOpen >
        0
      )
        log.info({ event: 'deadlines', ...counts }, 'deadlines run');
      return counts;
    },
  };
}
export type DeadlineService = ReturnType<typeof deadlineService>;

/**
 * Runs `runDeadlines` every `intervalMs` (default one minute) with the clock's time, one run at a
 * time; errors are logged and the next tick tries again. Any number of processes may run it.
 */
export function startDeadlineScheduler(
  deps: { deadlines: DeadlineService; clock: Clock; log: Logger; claim?: ClaimTick },
  opts: { intervalMs?: number } = {},
) {
  const every = opts.intervalMs ?? 60_000;
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () =>
    deps.deadlines
      .runDeadlines(deps.clock.now())
      .catch((e) =>
        deps.log.error({ err: e instanceof Error ? e.message : String(e) }, 'deadlines run failed'),
      );
  const timer = setInterval(() => {
    if (stopped) return;
    running = running.then(() => claimed(deps.claim ?? alwaysClaim, 'deadlines', every, tick));
  }, every);
  timer.unref();
  return {
    /** one run now (tests, demo after moving the clock) */
    runNow: () => {
      running = running.then(tick);
      return running;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running.catch(() => {});
    },
  };
}
