// Where the opening rush's time goes (a companion of bench/rush.ts): the submit use case alone
// (core/services/applications/service.ts `submit`, no Telegram, no webhook) against the same seat
// decision written as one SQL statement over node-postgres — same database, same drafts, same moment.
// The statement is an illustration of one round trip per decision, not a replacement: it leaves out
// the stage and eligibility checks `submit` makes (reference data a lean path would read before).
//   DATABASE_URL=… node --import tsx bench/rush-service.ts [--calls 1500] [--concurrency 20]
import pg from 'pg';
import { startKattoo } from '../bot/app.ts';
import { loadConfig } from '../core/config.ts';
import { createLogger } from '../core/logger.ts';
import { mainThreadCpuMs } from './rush-cpu.ts';
import { prepareFamilies, type RushFamily } from './rush-data.ts';
import { startTelegramStandIn } from './telegram-standin.ts';

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const CALLS = arg('calls', 1500);
const C = arg('concurrency', 20);
const server = process.env.DATABASE_URL;
if (!server) throw new Error('DATABASE_URL (a PostgreSQL server on this machine) is required');

const adminUrl = new URL(server);
adminUrl.pathname = '/postgres';
const admin = new pg.Client({ connectionString: adminUrl.toString() });
await admin.connect();
await admin.query('DROP DATABASE IF EXISTS kattoo_rush_service WITH (FORCE)');
await admin.query('CREATE DATABASE kattoo_rush_service');
await admin.end();
const url = new URL(server);
url.pathname = '/kattoo_rush_service';
const databaseUrl = url.toString();

const standIn = await startTelegramStandIn();
const kattoo = await startKattoo(
  loadConfig({
    ...process.env,
    DATABASE_URL: databaseUrl,
    TELEGRAM_BOT_TOKEN: '7000000001:BENCHMARK-TOKEN-AAAAAAAAAAAAAAAA',
    TELEGRAM_API_ROOT: standIn.apiRoot,
    BOT_MODE: 'webhook',
    WEBHOOK_SECRET: 'bench-secret',
    KATTOO_DEMO: '1',
    KATTOO_CLOCK: process.env.KATTOO_CLOCK ?? '2026-04-01T10:00:05+06:00',
    PORT: '0',
    LOG_LEVEL: 'warn',
  }),
  createLogger('warn'),
  { throttle: false },
);
const db = new pg.Client({ connectionString: databaseUrl, application_name: 'kattoo-rush-bench' });
await db.connect();
const campaign = (await db.query<{ id: string }>('SELECT id FROM campaign WHERE active LIMIT 1')).rows[0];
if (!kattoo.registry.population || !campaign) throw new Error('no demo population or campaign');
const WARM = 200;
const { families, hot } = await prepareFamilies(db, kattoo.registry.population, {
  count: 2 * (CALLS + WARM) + 1000,
  campaignId: campaign.id,
  now: kattoo.clock.now(),
});
// no over-subscribed quota: this compares the cost of a decision, not waiting for a row lock
const cold = families.filter((f) => !f.hot);

async function run(items: RushFamily[], fn: (f: RushFamily) => Promise<unknown>) {
  let next = 0;
  const cpu0 = mainThreadCpuMs();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (next < items.length) await fn(items[next++] as RushFamily);
    }),
  );
  const ms = performance.now() - t0;
  const cpu = (mainThreadCpuMs() ?? 0) - (cpu0 ?? 0);
  return {
    calls: items.length,
    perSecond: Math.round(items.length / (ms / 1000)),
    cpuMsPerDecision: Math.round((cpu / items.length) * 100) / 100,
  };
}

const submit = (f: RushFamily) => kattoo.services.applications.submit(f.applicationId, f.telegramId);
await run(cold.slice(0, WARM), submit);
const service = await run(cold.slice(WARM, WARM + CALLS), submit);

// Lock the draft, lock its quota, take a seat if free, decide, record both transitions: one statement.
const DECIDE = `
WITH a AS (
  SELECT id, school_id, campaign_id, language FROM application
  WHERE id = $1 AND telegram_id = $2 AND status = 'draft' FOR UPDATE),
q AS (SELECT q.school_id FROM quota q JOIN a USING (school_id, campaign_id, language) FOR UPDATE OF q),
s AS (
  UPDATE quota q SET taken = taken + 1, updated_at = now() FROM a
  WHERE q.school_id = a.school_id AND q.campaign_id = a.campaign_id AND q.language = a.language
    AND q.taken < q.seats AND EXISTS (SELECT 1 FROM q) RETURNING 1),
u AS (
  UPDATE application x SET status = CASE WHEN EXISTS (SELECT 1 FROM s) THEN 'admitted'::"ApplicationStatus"
      ELSE 'waitlisted' END,
    submitted_at = $3, decided_at = $3, received_seq = nextval('application_received_seq'),
    basis = 'catchment', stage_ordinal = 1, updated_at = now()
  FROM a WHERE x.id = a.id RETURNING x.id, x.status)
INSERT INTO application_transition (application_id, at, from_status, to_status, actor_kind, actor_id, reason, details)
SELECT u.id, $3, v.f::"ApplicationStatus", v.t::"ApplicationStatus", v.k, v.who, v.r, '{}'
FROM u, LATERAL (VALUES ('draft', 'submitted', 'parent', $2::text, 'submitted'),
  ('submitted', u.status::text, 'system', 'kattoo',
   CASE WHEN u.status = 'admitted' THEN 'seat_held' ELSE 'no_free_seat' END)) v(f, t, k, who, r)`;
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
const decide = (f: RushFamily) => pool.query(DECIDE, [f.applicationId, f.telegramId, kattoo.clock.now()]);
await run(cold.slice(WARM + CALLS, 2 * WARM + CALLS), decide);
const oneStatement = await run(cold.slice(2 * WARM + CALLS, 2 * (WARM + CALLS)), decide);
const over = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM quota WHERE taken > seats');

console.log(
  JSON.stringify({
    concurrency: C,
    hotQuotasSkipped: hot.length,
    serviceSubmit: service,
    oneStatement,
    quotasOverSeats: over.rows[0]?.n,
  }),
);
await pool.end();
await db.end();
await kattoo.stop();
await standIn.close();
