// Reports "through time" (K-OVER-1) and the check of the counters they read:
//   - `takeDailySnapshot(db, now)` copies today's counts per campaign × school × status from
//     application_stats into stats_daily (day = the local date in Bishkek). Idempotent per day: a
//     rerun on the same day replaces that day's rows with the counts of the moment (so the day keeps
//     the last figures it had), and never touches other days. Runs serialise on an advisory lock, so
//     any number of processes may schedule it. Counters back at zero are deleted on the way.
//   - `reconcileStats(db)` recomputes the counts from the application rows, exactly as the trigger
//     keys them, and compares them with application_stats; it also checks each quota's `taken`
//     against the applications holding a seat plus the direct admissions (K-CORE-1). For tests and
//     the admin command (`kattoo stats reconcile`); it reads every application, so never per request.
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import { alwaysClaim, type ClaimTick, claimed } from '../db/schedule.ts';
import type { Logger } from '../logger.ts';
import { bishkekDate, warmSeriesCache } from './queries.ts';

export type SnapshotResult = { day: string; campaigns: string[]; rows: number };

/** Snapshots the active campaigns' counts for the local day of `now` (or the campaigns named). */
export async function takeDailySnapshot(
  db: Db,
  now: Date,
  opts: { campaignIds?: string[] } = {},
): Promise<SnapshotResult> {
  const day = bishkekDate(now);
  return db.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtextextended('kattoo:stats_daily', 0))) AS l`;
      const campaigns = opts.campaignIds
        ? opts.campaignIds
        : (await tx.campaign.findMany({ where: { active: true }, select: { id: true } })).map((c) => c.id);
      if (campaigns.length === 0) return { day, campaigns, rows: 0 };
      await tx.$executeRaw`
        DELETE FROM stats_daily WHERE day = ${day}::date AND campaign_id = ANY (${campaigns}::text[])`;
      const rows = await tx.$executeRaw`
        INSERT INTO stats_daily (day, campaign_id, school_id, status, n)
        SELECT ${day}::date, s.campaign_id, s.school_id, s.status, SUM(s.n)::int
        FROM application_stats s
        WHERE s.campaign_id = ANY (${campaigns}::text[]) AND s.n <> 0
        GROUP BY s.campaign_id, s.school_id, s.status
        HAVING SUM(s.n) <> 0`;
      // counters that went back to zero (a child moved on) are dropped, so the aggregate stays small
      await tx.$executeRaw`DELETE FROM application_stats WHERE n = 0`;
      return { day, campaigns, rows };
    },
    { maxWait: 10_000, timeout: 120_000 },
  );
}

/** A counter that does not match the rows it counts. */
export type StatsMismatch = {
  campaignId: string;
  schoolId: number;
  language: string;
  status: string;
  basis: string;
  priority: string;
  sex: string;
  /** recomputed from application rows */
  expected: number;
  /** in application_stats */
  actual: number;
};

export type QuotaMismatch = {
  campaignId: string;
  schoolId: number;
  language: string;
  /** applications holding a seat (admitted, enrolled) + direct admissions not withdrawn */
  expected: number;
  /** quota.taken */
  actual: number;
};

export type Reconciliation = {
  ok: boolean;
  /** applications recomputed */
  applications: number;
  /** application_stats keys compared */
  keys: number;
  mismatches: StatsMismatch[];
  quotas: QuotaMismatch[];
};

/** Recomputes application_stats and quota.taken from rows and lists every difference. */
export async function reconcileStats(db: Db, opts: { campaignId?: string } = {}): Promise<Reconciliation> {
  const c = opts.campaignId ?? null;
  const [mismatches, totals, quotas] = await Promise.all([
    db.$queryRaw<StatsMismatch[]>`
      WITH expected AS (
        SELECT campaign_id, COALESCE(school_id, 0) AS school_id, COALESCE(language::text, '-') AS language,
               status::text AS status, COALESCE(basis::text, '-') AS basis,
               CASE WHEN priority_status IN ('claimed', 'verified') THEN priority::text ELSE 'none' END AS priority,
               COALESCE(child->>'sex', '-') AS sex, COUNT(*)::int AS n
        FROM application WHERE (${c}::text IS NULL OR campaign_id = ${c})
        GROUP BY 1, 2, 3, 4, 5, 6, 7
      ), actual AS (
        SELECT campaign_id, school_id, language, status, basis, priority, sex, n
        FROM application_stats WHERE n <> 0 AND (${c}::text IS NULL OR campaign_id = ${c})
      )
      SELECT campaign_id AS "campaignId", school_id AS "schoolId", language, status, basis, priority, sex,
             COALESCE(e.n, 0) AS expected, COALESCE(a.n, 0) AS actual
      FROM expected e FULL JOIN actual a USING (campaign_id, school_id, language, status, basis, priority, sex)
      WHERE COALESCE(e.n, 0) <> COALESCE(a.n, 0)
      ORDER BY 1, 2, 3, 4, 5, 6, 7
      LIMIT 1000`,
    db.$queryRaw<{ applications: number; keys: number }[]>`
      SELECT (SELECT COUNT(*)::int FROM application WHERE (${c}::text IS NULL OR campaign_id = ${c})) AS applications,
             (SELECT COUNT(*)::int FROM application_stats WHERE n <> 0 AND (${c}::text IS NULL OR campaign_id = ${c})) AS keys`,
    db.$queryRaw<QuotaMismatch[]>`
      WITH holding AS (
        SELECT campaign_id, school_id, language, COUNT(*)::int AS n FROM application
        WHERE status IN ('admitted', 'enrolled') AND school_id IS NOT NULL AND language IS NOT NULL
          AND (${c}::text IS NULL OR campaign_id = ${c})
        GROUP BY 1, 2, 3
      ), direct AS (
        SELECT campaign_id, school_id, language, COUNT(*)::int AS n FROM direct_admission
        WHERE withdrawn_at IS NULL AND (${c}::text IS NULL OR campaign_id = ${c})
        GROUP BY 1, 2, 3
      )
      SELECT q.campaign_id AS "campaignId", q.school_id AS "schoolId", q.language::text AS language,
             (COALESCE(h.n, 0) + COALESCE(d.n, 0))::int AS expected, q.taken AS actual
      FROM quota q
      LEFT JOIN holding h USING (campaign_id, school_id, language)
      LEFT JOIN direct d USING (campaign_id, school_id, language)
      WHERE (${c}::text IS NULL OR q.campaign_id = ${c}) AND q.taken <> COALESCE(h.n, 0) + COALESCE(d.n, 0)
      ORDER BY 1, 2, 3
      LIMIT 1000`,
  ]);
  const t = totals[0] ?? { applications: 0, keys: 0 };
  return {
    ok: mismatches.length === 0 && quotas.length === 0,
    applications: t.applications,
    keys: t.keys,
    mismatches,
    quotas,
  };
}

/** The snapshot job's default period: hourly, so each day keeps the figures of its last hour. */
export const SNAPSHOT_INTERVAL_MS = 3_600_000;

/**
 * Takes the daily snapshot now and then every `intervalMs` (default hourly) with the clock's time,
 * then reads the past days of the country's, regions' and districts' series into memory
 * (`warmSeriesCache`); one run at a time; errors are logged and the next tick tries again. Any number of processes may
 * run it (the runs serialise in the database and each leaves the same rows).
 */
export function startSnapshotScheduler(
  deps: { db: Db; clock: Clock; log: Logger; claim?: ClaimTick; readDb?: Db },
  opts: { intervalMs?: number; runAtStart?: boolean } = {},
) {
  const every = opts.intervalMs ?? SNAPSHOT_INTERVAL_MS;
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const snapshot = () =>
    takeDailySnapshot(deps.db, deps.clock.now()).then((r) =>
      deps.log.debug({ ...r }, 'daily statistics snapshot taken'),
    );
  // the snapshot once per cluster and interval; the warm-up of this process's own cache always
  const tick = (claim: ClaimTick = alwaysClaim) =>
    claimed(claim, 'daily_snapshot', every, snapshot)
      // the past days of the large scopes' series, read once here instead of by the first report
      // (the cache of the client reports read from: the replica when there is one)
      .then(() => warmSeriesCache(deps.readDb ?? deps.db, deps.clock.now()))
      .catch((e) =>
        deps.log.error(
          { err: e instanceof Error ? e.message : String(e) },
          'daily statistics snapshot failed',
        ),
      );
  if (opts.runAtStart !== false) running = running.then(() => tick(deps.claim));
  const timer = setInterval(() => {
    if (stopped) return;
    running = running.then(() => tick(deps.claim));
  }, every);
  timer.unref();
  return {
    /** one run now (tests, demo after moving the clock) */
    runNow: () => {
      running = running.then(() => tick());
      return running;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running.catch(() => {});
    },
  };
}
