// The opening rush (K-PERF-1, issue 4 "Show"): thousands of demo families with verified drafts press
// "Submit" in the same second. Kattoo runs in this process in webhook mode (demo data, the clock inside
// stage I); a worker thread (bench/rush-load.ts) is Telegram: it posts every parent's callback_query to
// /telegram/webhook (keep-alive, C concurrent requests, one chat per parent), answers the Bot API as a
// fast stand-in, and sees each decision committed. Then the invariants are checked, and pgbench runs the
// minimal SQL transaction of a submission in the same database (bench/rush-pgbench.ts) for the ratio.
//   node --import tsx bench/rush.ts [--families 10000] [--concurrency 40] [--pgbench-seconds 15]
//     [--warmup 300] [--poll-ms 10] [--pgbench-clients <app pool>] [--throttle] [--rate <presses/s>]
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance as perf } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { startKattoo, WEBHOOK_MAX_CONNECTIONS } from '../bot/app.ts';
import { AdjustableClock } from '../core/clock.ts';
import { loadConfig } from '../core/config.ts';
import { startEmbeddedPostgres } from '../core/db/embedded.ts';
import { createLogger } from '../core/logger.ts';
import { backendCpu, backendCpuDelta, mainThreadCpuMs } from './rush-cpu.ts';
import { prepareFamilies, type RushFamily, shuffled } from './rush-data.ts';
import type { FromWorker, RushJob, ToWorker } from './rush-load.ts';
import { cleanupPgbench, preparePgbench, runPgbench } from './rush-pgbench.ts';

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const N = arg('families', 10_000);
// Telegram keeps at most max_connections webhook requests open: Kattoo sets 40 (bot/app.ts)
const C = arg('concurrency', WEBHOOK_MAX_CONNECTIONS);
const WARMUP = arg('warmup', 300);
const PGBENCH_SECONDS = arg('pgbench-seconds', 15);
const POLL_MS = arg('poll-ms', 10);
/** the app's connection pool (core/db/client.ts createDb's default) */
const APP_POOL = 10;
const PGBENCH_CLIENTS = arg('pgbench-clients', APP_POOL);
const throttled = process.argv.includes('--throttle');
/** 0: everyone at once (the rush); else an open-loop arrival of this many presses per second */
const RATE = arg('rate', 0);
const SECRET = 'bench-secret';
const CLOCK = process.env.KATTOO_CLOCK ?? '2026-04-01T10:00:05+06:00';
/** Telegram's overall outbound limit (bot/telegram/throttle.ts) */
const TELEGRAM_PER_SECOND = 30;

const log = createLogger('warn');
const now = () => performance.timeOrigin + performance.now();

// A database of its own: a fresh `kattoo_rush` on the server in DATABASE_URL, else on the embedded one.
let stopEmbedded: (() => Promise<void>) | undefined;
let serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  const embedded = await startEmbeddedPostgres(process.env.KATTOO_DATA_DIR ?? 'var', log);
  stopEmbedded = embedded.stop;
  serverUrl = embedded.url;
}
const adminUrl = new URL(serverUrl);
adminUrl.pathname = '/postgres';
const admin = new pg.Client({ connectionString: adminUrl.toString() });
await admin.connect();
await admin.query('DROP DATABASE IF EXISTS kattoo_rush WITH (FORCE)');
await admin.query('CREATE DATABASE kattoo_rush');
await admin.end();
const rushUrl = new URL(serverUrl);
rushUrl.pathname = '/kattoo_rush';
const databaseUrl = rushUrl.toString();

// Telegram: the stand-in, the load generator and the observer, in their own thread.
// (a worker does not inherit the main thread's module hooks: it registers tsx before loading the file)
const loadUrl = new URL('./rush-load.ts', import.meta.url).href;
const worker = new Worker(
  `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(loadUrl)}); })`,
  { eval: true },
);
const inbox: FromWorker[] = [];
const waiters: ((m: FromWorker) => void)[] = [];
worker.on('message', (m: FromWorker) => {
  if (m.event === 'error') {
    console.error(m.message);
    process.exit(1);
  }
  const w = waiters.shift();
  if (w) w(m);
  else inbox.push(m);
});
worker.on('error', (e) => {
  console.error(e);
  process.exit(1);
});
const nextMessage = () =>
  new Promise<FromWorker>((r) => {
    const m = inbox.shift();
    if (m) r(m);
    else waiters.push(r);
  });
const send = (m: ToWorker) => worker.postMessage(m);
const ready = await nextMessage();
if (ready.event !== 'ready') throw new Error('worker did not start');

const config = loadConfig({
  ...process.env,
  DATABASE_URL: databaseUrl,
  TELEGRAM_BOT_TOKEN: '7000000001:BENCHMARK-TOKEN-AAAAAAAAAAAAAAAA',
  TELEGRAM_API_ROOT: ready.apiRoot,
  BOT_MODE: 'webhook',
  WEBHOOK_SECRET: SECRET,
  KATTOO_DEMO: '1',
  KATTOO_CLOCK: CLOCK,
  PORT: '0',
  LOG_LEVEL: 'warn',
});
const kattoo = await startKattoo(config, log, { throttle: throttled ? {} : false });
const offsetMs = kattoo.clock instanceof AdjustableClock ? kattoo.clock.offsetMs : 0;
const population = kattoo.registry.population;
if (!population) throw new Error('no demo population (the registry simulator did not start)');

// Families with verified drafts, written in bulk.
const db = new pg.Client({ connectionString: databaseUrl, application_name: 'kattoo-rush-bench' });
await db.connect();
const campaign = (
  await db.query<{ id: string }>('SELECT id FROM campaign WHERE active ORDER BY id DESC LIMIT 1')
).rows[0];
if (!campaign) throw new Error('no active campaign');
const prepared = await prepareFamilies(db, population, {
  count: N + WARMUP,
  campaignId: campaign.id,
  now: kattoo.clock.now(),
});
// the warm-up takes the last families (the over-subscribed quotas' come first); the rush presses in a
// shuffled order
const warmup = prepared.families.slice(N);
const rushers = shuffled(prepared.families.slice(0, N));

let nextUpdateId = 1;
let observer0 = { at: 0, cpu: new Map<number, number>() };
let observer1 = { at: 0, cpu: new Map<number, number>() };
async function rush(families: RushFamily[], rate: number, onPosted?: () => Promise<void>) {
  const job: RushJob = {
    webhookUrl: `${kattoo.url}/telegram/webhook`,
    secret: SECRET,
    concurrency: C,
    databaseUrl,
    pollMs: POLL_MS,
    firstUpdateId: nextUpdateId,
    rate,
    chats: families.map((f) => f.telegramId),
    applications: families.map((f) => f.applicationId),
  };
  nextUpdateId += families.length;
  send({ cmd: 'rush', job });
  const posted = await nextMessage();
  if (posted.event !== 'posted') throw new Error(`unexpected ${posted.event}`);
  await onPosted?.();
  await kattoo.dispatcher.idle();
  observer1 = { at: now(), cpu: await backendCpu(db, 'observer') };
  const idleAt = now();
  send({ cmd: 'finish' });
  const done = await nextMessage();
  if (done.event !== 'done') throw new Error(`unexpected ${done.event}`);
  return { job, posted, idleAt, times: done.times };
}

type DbStats = {
  xact_commit: number;
  xact_rollback: number;
  active_time: number;
  idle_in_transaction_time: number;
  tup_inserted: number;
  tup_updated: number;
};
async function dbStats(): Promise<DbStats> {
  await new Promise((r) => setTimeout(r, 1200)); // backends flush their counters about once a second
  const r = await db.query(
    `SELECT xact_commit, xact_rollback, active_time, idle_in_transaction_time, tup_inserted, tup_updated
     FROM pg_stat_database WHERE datname = current_database()`,
  );
  return Object.fromEntries(Object.entries(r.rows[0] ?? {}).map(([k, v]) => [k, Number(v)])) as DbStats;
}
const perDecision = (a: DbStats, b: DbStats, n: number) =>
  Object.fromEntries(
    Object.keys(a).map((k) => [
      k,
      Math.round(((b[k as keyof DbStats] - a[k as keyof DbStats]) / n) * 100) / 100,
    ]),
  );

function cpuTicks() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.split(/\s+/).slice(1).map(Number) ?? [];
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { idle, total: f.reduce((a, b) => a + b, 0) };
}

await rush(warmup, 0); // JIT, connection pools, plans

const before = await dbStats();
const load1 = loadavg()[0];
const cpu0 = cpuTicks();
const proc0 = process.cpuUsage();
const elu0 = perf.eventLoopUtilization();
const main0 = mainThreadCpuMs();
const pg0 = await backendCpu(db);
const result = await rush(rushers, RATE, async () => {
  observer0 = { at: now(), cpu: await backendCpu(db, 'observer') };
});
const pg1 = await backendCpu(db);
const main1 = mainThreadCpuMs();
const elu = perf.eventLoopUtilization(elu0);
const proc = process.cpuUsage(proc0);
const cpu1 = cpuTicks();
const after = await dbStats();
const { times, posted, idleAt } = result;

// --- decisions and their times ---------------------------------------------------------------------
const ids = rushers.map((f) => f.applicationId);
const rows = await db.query<{ id: string; status: string; at: Date | null }>(
  `SELECT a.id::text, a.status::text, t.at FROM application a
   LEFT JOIN application_transition t ON t.application_id = a.id AND t.reason IN ('seat_held', 'no_free_seat')
   WHERE a.id = ANY($1::bigint[])`,
  [ids],
);
const byId = new Map(rows.rows.map((r) => [r.id, r]));
const madeAt = new Float64Array(N).fill(Number.NaN);
let admitted = 0;
let waitlisted = 0;
let undecided = 0;
rushers.forEach((f, i) => {
  const r = byId.get(f.applicationId);
  if (r?.status === 'admitted') admitted++;
  else if (r?.status === 'waitlisted') waitlisted++;
  else undecided++;
  // the decision transition's `at` is the campaign clock's (demo offset) when the decision was written
  if (r?.at) madeAt[i] = r.at.getTime() - offsetMs;
});

const q = (values: number[], p: number) => {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.floor(p * s.length))] as number) * 10) / 10;
};
const since = (t: Float64Array) =>
  Array.from(t, (v, i) => v - (times.postAt[i] as number)).filter((v) => Number.isFinite(v));
const summary = (values: number[]) => ({
  p50: q(values, 0.5),
  p90: q(values, 0.9),
  p99: q(values, 0.99),
  max: q(values, 1),
});
const firstPost = posted.firstPost;
const observed = Array.from(times.observedAt).filter(Number.isFinite);
const lastDecision = Math.max(...observed);
const decisionLatency = since(times.observedAt);
const missedByObserver = N - observed.length;
const decisionsPerSecond = Math.round(observed.length / ((lastDecision - firstPost) / 1000));

// --- replies at Telegram's ~30 messages/s ----------------------------------------------------------
/** The global token bucket of bot/telegram/throttle.ts (30/s, full at the start), replies in FIFO order. */
function throttledReplies(readyAt: number[]): number[] {
  const order = readyAt.map((t, i) => [t, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(readyAt.length);
  let tokens = TELEGRAM_PER_SECOND;
  let last = firstPost;
  let free = firstPost;
  for (const [ready, i] of order) {
    let t = Math.max(ready, free);
    tokens = Math.min(TELEGRAM_PER_SECOND, tokens + ((t - last) / 1000) * TELEGRAM_PER_SECOND);
    last = t;
    if (tokens >= 1) tokens -= 1;
    else {
      t += ((1 - tokens) / TELEGRAM_PER_SECOND) * 1000;
      tokens = 0;
      last = t;
    }
    free = t;
    out[i] = t;
  }
  return out;
}
const replied = Array.from(times.replyAt);
const repliesSeen = replied.filter(Number.isFinite);
const replyLatency = since(times.replyAt);
const atThirty = throttled
  ? {
      measured: true,
      allRepliedSeconds: Math.round((Math.max(...repliesSeen) - firstPost) / 100) / 10,
      replyLatencyMs: summary(replyLatency),
    }
  : (() => {
      const seen = replied.flatMap((t, i) => (Number.isFinite(t) ? [i] : []));
      const sim = throttledReplies(seen.map((i) => replied[i] as number));
      const lat = sim.map((t, k) => t - (times.postAt[seen[k] as number] as number));
      return {
        measured: false,
        allRepliedSeconds: Math.round((Math.max(...sim) - firstPost) / 100) / 10,
        replyLatencyMs: summary(lat),
      };
    })();

// --- errors -----------------------------------------------------------------------------------------
const inboxRows = await db.query<{ failed: number; unprocessed: number; total: number; again: number }>(
  `SELECT count(*) FILTER (WHERE failure IS NOT NULL)::int AS failed,
          count(*) FILTER (WHERE processed_at IS NULL)::int AS unprocessed, count(*)::int AS total,
          count(*) FILTER (WHERE attempts > 1)::int AS again
   FROM inbound_update WHERE update_id >= $1 AND update_id < $2`,
  [result.job.firstUpdateId, result.job.firstUpdateId + N],
);
const non200 = Array.from(times.status).filter((s) => s !== 200).length;
const noReply = N - repliesSeen.length;
const inboxCheck = inboxRows.rows[0] ?? { failed: -1, unprocessed: -1, total: -1, again: -1 };
// Not errors a parent sees, but work done twice: updates the inbox recovery handed out again while
// they were still queued in this process, and parents whose message was sent or edited more than once.
const redundant = {
  updatesHandledAgain: inboxCheck.again,
  parentsMessagedMoreThanOnce: Array.from(times.messages).filter((m) => m > 1).length,
};
// messages the app's own jobs sent to these parents before they pressed (not replies, not counted above),
// and everything its outbox sent (e.g. the stage-opening reminders to parents with drafts): at
// Telegram's limit these share the 30 messages/s with the replies
const messagesBeforePress = times.messagesBeforePress;
const outboxSent = Object.fromEntries(
  (
    await db.query<{ kind: string; n: number }>(
      `SELECT kind, count(*)::int AS n FROM outbox_message WHERE sent_at IS NOT NULL GROUP BY kind ORDER BY kind`,
    )
  ).rows.map((r) => [r.kind, r.n]),
);
const errors = {
  non200,
  notStored: N - inboxCheck.total,
  handlerFailures: inboxCheck.failed,
  unprocessed: inboxCheck.unprocessed,
  undecided,
  noReply,
};
const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);

// --- invariants after the burst ---------------------------------------------------------------------
const inv = await db.query<Record<string, number>>(
  `SELECT
     (SELECT count(*) FROM quota WHERE taken > seats OR taken < 0)::int AS "quotaOverSeats",
     (SELECT count(*) FROM quota q LEFT JOIN (
        SELECT school_id, campaign_id, language, count(*) AS n FROM application
        WHERE status IN ('admitted', 'enrolled') GROUP BY 1, 2, 3) a
        USING (school_id, campaign_id, language)
      WHERE q.taken <> coalesce(a.n, 0))::int AS "takenNotRows",
     (SELECT count(*) FROM (
        SELECT a.id FROM application a LEFT JOIN application_transition t
          ON t.application_id = a.id AND t.reason IN ('seat_held', 'no_free_seat')
        WHERE a.submitted_at IS NOT NULL GROUP BY a.id HAVING count(t.id) <> 1) x)::int AS "notOneDecision",
     (SELECT count(*) FROM (
        SELECT 1 FROM application WHERE status IN ('draft', 'submitted', 'admitted', 'waitlisted', 'enrolled')
        GROUP BY campaign_id, child_pin HAVING count(*) > 1) x)::int AS "duplicateChildren",
     (SELECT count(*) FROM (
        SELECT school_id, language FROM application WHERE status IN ('admitted', 'waitlisted')
        GROUP BY school_id, language
        HAVING max(received_seq) FILTER (WHERE status = 'admitted') > min(received_seq) FILTER (WHERE status = 'waitlisted')) x
     )::int AS "waitlistOutOfOrder",
     (SELECT count(*) FROM application a WHERE a.status = 'waitlisted' AND EXISTS (
        SELECT 1 FROM quota q WHERE q.school_id = a.school_id AND q.campaign_id = a.campaign_id
          AND q.language = a.language AND q.taken < q.seats))::int AS "waitingWithFreeSeat"`,
);
const invariants = inv.rows[0] ?? {};
const invariantsHold = Object.values(invariants).every((v) => v === 0);

await kattoo.stop();

// --- the database's own limit -----------------------------------------------------------------------
const range = await preparePgbench(db, campaign.id, ids);
const pgb0 = await dbStats();
// PostgreSQL's CPU per pgbench transaction: its backends' CPU and the commits between two readings
const sampleAt = (ms: number) =>
  new Promise<{ cpu: Map<number, number>; commits: number }>((resolve) =>
    setTimeout(async () => {
      const cpu = await backendCpu(db);
      const r = await db.query<{ n: string }>(
        'SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = current_database()',
      );
      resolve({ cpu, commits: Number(r.rows[0]?.n ?? 0) });
    }, ms),
  );
const [pgbench, s0, s1] = await Promise.all([
  runPgbench(databaseUrl, { ...range, clients: PGBENCH_CLIENTS, seconds: PGBENCH_SECONDS }),
  sampleAt(1500),
  sampleAt(Math.max(2000, PGBENCH_SECONDS * 1000 - 1500)),
]);
const pgb1 = await dbStats();
await cleanupPgbench(db);
const pgCpuPerPgbenchTx = (() => {
  const d = backendCpuDelta(s0.cpu, s1.cpu);
  return d === null || s1.commits <= s0.commits
    ? null
    : Math.round((d / (s1.commits - s0.commits)) * 100) / 100;
})();
const ratio = Math.round((decisionsPerSecond / pgbench.tps) * 1000) / 1000;

const decisionP99 = q(decisionLatency, 0.99) ?? Number.POSITIVE_INFINITY;
console.log(
  JSON.stringify({
    families: N,
    concurrency: C,
    rate: RATE || 'all at once',
    warmup: warmup.length,
    throttle: throttled,
    database: process.env.DATABASE_URL ? 'server' : 'embedded',
    clock: CLOCK,
    machine: {
      cpus: cpus().length,
      loadavg1Before: load1,
      busyPercentDuringRush: Math.round((1 - (cpu1.idle - cpu0.idle) / (cpu1.total - cpu0.total)) * 100),
      nodeCpuSeconds: Math.round(((proc.user + proc.system) / 1e6) * 10) / 10,
      mainEventLoopUtilization: Math.round(elu.utilization * 100) / 100,
    },
    cpuMsPerDecision: {
      kattooMainThread:
        main0 !== null && main1 !== null ? Math.round(((main1 - main0) / N) * 100) / 100 : null,
      postgresBackends: (() => {
        const d = backendCpuDelta(pg0, pg1);
        return d === null ? null : Math.round((d / N) * 100) / 100;
      })(),
      postgresPerPgbenchTransaction: pgCpuPerPgbenchTx,
    },
    prepared: {
      ms: prepared.ms,
      hotQuotas: prepared.hot.length,
      hotSeats: prepared.hot.reduce((a, h) => a + h.seats, 0),
      hotDemand: prepared.hot.reduce((a, h) => a + h.demand, 0),
    },
    acceptedPerSecond: Math.round(N / ((posted.lastAck - firstPost) / 1000)),
    ackMs: summary(since(times.ackAt)),
    decisions: observed.length,
    admitted,
    waitlisted,
    decisionsPerSecond,
    rushSeconds: Math.round((lastDecision - firstPost) / 100) / 10,
    handledSeconds: Math.round((idleAt - firstPost) / 100) / 10,
    decisionMs: summary(decisionLatency),
    decisionWrittenMs: summary(since(madeAt)),
    spinnerStoppedMs: summary(since(times.answerAt)),
    replyMs: summary(replyLatency),
    observer: {
      pollMs: POLL_MS,
      polls: times.polls,
      pollQueryMs: Math.round(times.pollMsMean * 10) / 10,
      postgresCpuPercentOfACore: (() => {
        const d = backendCpuDelta(observer0.cpu, observer1.cpu);
        return d === null || observer1.at <= observer0.at
          ? null
          : Math.round((d / (observer1.at - observer0.at)) * 100);
      })(),
      missed: missedByObserver,
    },
    atTelegramLimit: { perSecond: TELEGRAM_PER_SECOND, ...atThirty },
    errors: { total: errorCount, ...errors },
    redundant,
    messagesBeforePress,
    outboxSent,
    invariants: { hold: invariantsHold, ...invariants },
    dbPerDecision: perDecision(before, after, N),
    pgbench: { ...pgbench, dbPerTransaction: perDecision(pgb0, pgb1, pgbench.transactions) },
    ratio,
    targets: {
      ratioAtLeastHalf: ratio >= 0.5,
      decisionP99Under250ms: decisionP99 < 250,
      zeroErrors: errorCount === 0,
      invariants: invariantsHold,
    },
  }),
);

await db.end();
send({ cmd: 'close' });
await worker.terminate();
await stopEmbedded?.();
