// Reports at national scale (K-PERF-2, issue 6 "Show"): the demo world (~2,400 schools over the real
// territory tree) with 20,000 → 200,000 applications generated in bulk by SQL — statuses in realistic
// shares, schools weighted by their seats — so the trigger fills application_stats as it does live, and
// 60 days of daily snapshots. At each size it times, as the median of repeats, every district report,
// every region report and the nation report as the core serves them to a staff member (scope check
// included), and their exports (XLSX, CSV, PDF, chart PNG), open data, the snapshot job and the
// counters' reconciliation.
//   node --import tsx bench/reports.ts [--sizes 20000,50000,100000,200000] [--repeats 5] [--days 60]
//                                       [--json out.json]
// A database of its own: `kattoo_bench_reports` on the server in DATABASE_URL (dropped and made
// anew), else an embedded PostgreSQL in var/bench-pg.
import { writeFileSync } from 'node:fs';
import pg from 'pg';
import { reportLabels } from '../bot/features/oversight/reports-labels.ts';
import { translator } from '../bot/i18n.ts';
import { AdjustableClock, bishkekTime } from '../core/clock.ts';
import { createDb, type Db } from '../core/db/client.ts';
import { startEmbeddedPostgres } from '../core/db/embedded.ts';
import { applyMigrations } from '../core/db/migrations.ts';
import { createLogger } from '../core/logger.ts';
import { reportChartPng } from '../core/reports/chart.ts';
import { reportCsv, reportPdf, reportXlsx, toBuffer } from '../core/reports/files.ts';
import type { ScopeRequest } from '../core/reports/model.ts';
import { openDataCsv } from '../core/reports/open-data.ts';
import { clearSeriesCache, warmSeriesCache } from '../core/reports/queries.ts';
import { reportsService } from '../core/reports/service.ts';
import { reconcileStats, takeDailySnapshot } from '../core/reports/snapshot.ts';
import { seedReferenceWorld } from '../prisma/demo/seed.ts';
import { DEMO_CAMPAIGN_ID, generateDemoWorld } from '../prisma/demo/world.ts';

const arg = (name: string, d: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? d) : d;
};
const SIZES = arg('sizes', '20000,50000,100000,200000')
  .split(',')
  .map((s) => Number(s))
  .filter((n) => n > 0)
  .sort((a, b) => a - b);
const REPEATS = Number(arg('repeats', '5'));
const DAYS = Number(arg('days', '60'));
const JSON_OUT = arg('json', '');
const log = createLogger('warn');

// --- database ------------------------------------------------------------------------------------
let url = process.env.DATABASE_URL;
let stopEmbedded: (() => Promise<void>) | undefined;
if (url) {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS kattoo_bench_reports WITH (FORCE)');
  await admin.query('CREATE DATABASE kattoo_bench_reports');
  await admin.end();
  const u = new URL(url);
  u.pathname = '/kattoo_bench_reports';
  url = u.toString();
} else {
  const embedded = await startEmbeddedPostgres('var/bench-pg', log, { fast: true });
  url = embedded.url;
  stopEmbedded = embedded.stop;
}
await applyMigrations(url);
const db: Db = createDb(url, 10);
const seedStarted = performance.now();
await seedReferenceWorld(db, generateDemoWorld());
const schools = await db.school.count();
const seats = (await db.quota.aggregate({ _sum: { seats: true } }))._sum.seats ?? 0;
console.error(
  `demo world: ${schools} schools, ${seats} seats (${Math.round(performance.now() - seedStarted)} ms)`,
);

// "now": DAYS days into the campaign (stage I opens 2026-04-01)
const NOW = new Date(bishkekTime('2026-04-01', '18:00').getTime() + (DAYS - 1) * 86_400_000);
const clock = new AdjustableClock(NOW);
const reports = reportsService({ db, clock });

// Staff: one ministry officer and one district officer per district-level territory.
const MINISTRY = 1_000_001;
await db.staffMember.create({ data: { telegramId: BigInt(MINISTRY), role: 'ministry' } });
const districts = await db.territory.findMany({ where: { parentId: { not: null } }, orderBy: { id: 'asc' } });
const regions = await db.territory.findMany({ where: { parentId: null }, orderBy: { id: 'asc' } });
const officer = new Map<string, number>();
for (const [i, d] of districts.entries()) {
  officer.set(d.id, 2_000_000 + i);
  await db.staffMember.create({
    data: { telegramId: BigInt(2_000_000 + i), role: 'district', territoryId: d.id },
  });
}

// --- applications in bulk --------------------------------------------------------------------------
/**
 * Adds applications `from+1 … to`: each picks a seat slot of the whole country at random (so schools
 * draw children in proportion to their seats), a status in realistic shares, a stage, a priority and
 * a sex. One INSERT … SELECT: the row trigger keeps application_stats as in production.
 */
async function addApplications(from: number, to: number): Promise<number> {
  const t0 = performance.now();
  await db.$executeRaw`
    WITH slots AS (
      SELECT q.school_id, q.language, row_number() OVER (ORDER BY q.school_id, q.language, s) AS k
      FROM quota q, generate_series(1, q.seats) s WHERE q.campaign_id = ${DEMO_CAMPAIGN_ID}
    ), total AS (SELECT COUNT(*) AS n FROM slots),
    g AS (
      SELECT i, abs(hashint4(i * 7 + 1)) % 1000 AS r, abs(hashint4(i * 13 + 5)) AS h,
             1 + abs(hashint4(i * 31 + 17)) % (SELECT n FROM total) AS slot
      FROM generate_series(${from + 1}::int, ${to}::int) i
    )
    INSERT INTO application (number, campaign_id, telegram_id, applicant_pin, child_pin, certificate_series,
      certificate_number, status, verification, child, basis, stage_ordinal, school_id, language,
      priority, priority_status, submitted_at, received_seq)
    SELECT 'B-' || g.i, ${DEMO_CAMPAIGN_ID}, 900000000 + g.i, '1010119' || lpad(g.i::text, 7, '0'),
           CASE WHEN g.h % 2 = 0 THEN '1' ELSE '2' END || '150620' || lpad(g.i::text, 7, '0'),
           'KG', lpad(g.i::text, 7, '0'),
           (CASE WHEN g.r < 480 THEN 'admitted' WHEN g.r < 650 THEN 'waitlisted' WHEN g.r < 780 THEN 'enrolled'
                 WHEN g.r < 830 THEN 'submitted' WHEN g.r < 890 THEN 'withdrawn' WHEN g.r < 920 THEN 'rejected'
                 WHEN g.r < 950 THEN 'released' ELSE 'draft' END)::"ApplicationStatus",
           'verified'::"VerificationStatus",
           jsonb_build_object('surname', 'Бенчмарков', 'name', 'Бала', 'sex',
                              CASE WHEN g.h % 2 = 0 THEN 'F' ELSE 'M' END, 'birthDate', '2019-06-15'),
           (CASE WHEN g.h % 20 < 14 THEN 'catchment' WHEN g.h % 20 < 18 THEN 'actual_residence' ELSE 'free_seats' END)::"StageKind",
           CASE WHEN g.h % 20 < 14 THEN 1 WHEN g.h % 20 < 18 THEN 2 ELSE 3 END,
           s.school_id, s.language,
           (CASE WHEN g.h % 100 < 3 THEN 'military' WHEN g.h % 100 < 5 THEN 'staff' WHEN g.h % 100 < 6 THEN 'kairylman' ELSE 'none' END)::"PriorityCategory",
           (CASE WHEN g.h % 100 < 6 THEN 'verified' ELSE 'none' END)::"PriorityStatus",
           timestamptz '2026-04-01 10:00+06' + (g.i % 86400) * interval '1 minute', g.i
    FROM g JOIN slots s ON s.k = g.slot`;
  // seats taken follow the holders (capped by the CHECK taken ≤ seats)
  await db.$executeRaw`
    UPDATE quota q SET taken = LEAST(q.seats, h.n)
    FROM (SELECT school_id, language, COUNT(*)::int AS n FROM application
          WHERE status IN ('admitted', 'enrolled') GROUP BY 1, 2) h
    WHERE h.school_id = q.school_id AND h.language = q.language AND q.campaign_id = ${DEMO_CAMPAIGN_ID}`;
  await db.$executeRawUnsafe('ANALYZE application; ANALYZE application_stats; ANALYZE quota');
  return performance.now() - t0;
}

/** DAYS days of snapshots ending today, each day's counts growing towards today's. */
async function fillSnapshots(): Promise<number> {
  const t0 = performance.now();
  await db.$executeRaw`DELETE FROM stats_daily`;
  await db.$executeRaw`
    INSERT INTO stats_daily (day, campaign_id, school_id, status, n)
    SELECT (date '2026-04-01' + k - 1), s.campaign_id, s.school_id, s.status,
           GREATEST(1, (SUM(s.n) * k / ${DAYS}))::int
    FROM application_stats s, generate_series(1, ${DAYS - 1}) k
    WHERE s.n <> 0
    GROUP BY k, s.campaign_id, s.school_id, s.status`;
  const snap = await takeDailySnapshot(db, NOW); // today: the job itself
  await db.$executeRawUnsafe('ANALYZE stats_daily');
  console.error(`snapshots: ${DAYS} days in ${Math.round(performance.now() - t0)} ms`);
  return snap.rows;
}

// --- timing ---------------------------------------------------------------------------------------
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
async function timed(repeats: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm: plans cached, JIT
  const xs: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    xs.push(performance.now() - t0);
  }
  return median(xs);
}
const summary = (xs: number[]) => ({
  median: Math.round(median(xs) * 10) / 10,
  max: Math.round(Math.max(...xs) * 10) / 10,
});
const r1 = (x: number) => Math.round(x * 10) / 10;

const labels = reportLabels(translator('ky'));
type Row = Record<string, number | string | { median: number; max: number }>;
const results: Row[] = [];
let have = 0;
for (const size of SIZES) {
  const insertMs = await addApplications(have, size);
  have = size;
  const snapshotRows = await fillSnapshots();
  const statsRows = await db.applicationStats.count({ where: { n: { not: 0 } } });
  const dailyRows = await db.statsDaily.count();
  const row: Row = { applications: size, insertMs: Math.round(insertMs), statsRows, dailyRows, snapshotRows };

  const ministry = { telegramId: MINISTRY };
  const nation: ScopeRequest = { level: 'nation' };
  // Cold: the first report of each scope after a restart (past days' series not yet in memory).
  clearSeriesCache(db);
  const once = async (fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    await fn();
    return performance.now() - t0;
  };
  row.nationReportCold = r1(await once(() => reports.report(ministry, nation)));
  const coldRegions: number[] = [];
  for (const r of regions)
    coldRegions.push(await once(() => reports.report(ministry, { level: 'region', id: r.id })));
  row.regionReportCold = summary(coldRegions);
  const coldDistricts: number[] = [];
  for (const d of districts) {
    const who = { telegramId: officer.get(d.id) as number };
    coldDistricts.push(await once(() => reports.report(who, { level: 'district', id: d.id })));
  }
  row.districtReportCold = summary(coldDistricts);
  // As in production: the snapshot job reads the past days of every scope once (warmSeriesCache),
  // then the first report of the country pays only for today.
  clearSeriesCache(db);
  row.seriesWarmUp = r1(await once(() => warmSeriesCache(db, NOW)));
  row.nationReportFirst = r1(await once(() => reports.report(ministry, nation)));
  row.nationReport = r1(await timed(REPEATS, () => reports.report(ministry, nation)));
  const regionTimes: number[] = [];
  for (const r of regions) {
    regionTimes.push(await timed(REPEATS, () => reports.report(ministry, { level: 'region', id: r.id })));
  }
  row.regionReport = summary(regionTimes);
  const districtTimes: number[] = [];
  for (const d of districts) {
    const who = { telegramId: officer.get(d.id) as number };
    districtTimes.push(await timed(REPEATS, () => reports.report(who, { level: 'district', id: d.id })));
  }
  row.districtReport = summary(districtTimes);
  // a school report (the largest school by applications)
  const big = await db.$queryRaw<{ code: string }[]>`
    SELECT sc.code FROM application_stats s JOIN school sc ON sc.id = s.school_id
    GROUP BY sc.code ORDER BY SUM(s.n) DESC LIMIT 1`;
  row.schoolReport = r1(
    await timed(REPEATS, () => reports.report(ministry, { level: 'school', code: big[0]?.code ?? '' })),
  );

  // exports: the nation (every school of the country in the schools sheet) and every district
  const exportRepeats = Math.max(1, Math.min(REPEATS, 3));
  const nationData = await reports.reportWithSchools(ministry, nation);
  row.nationRowsQuery = r1(await timed(exportRepeats, () => reports.reportWithSchools(ministry, nation)));
  row.nationXlsx = r1(
    await timed(exportRepeats, () => reportXlsx(nationData.report, nationData.schools, labels, 'ky')),
  );
  row.nationCsv = r1(
    await timed(exportRepeats, async () =>
      toBuffer(reportCsv(nationData.report, nationData.schools, labels, 'ky')),
    ),
  );
  const png = reportChartPng(nationData.report, labels, 'ky');
  row.nationPng = r1(await timed(exportRepeats, async () => reportChartPng(nationData.report, labels, 'ky')));
  row.nationPdf = r1(await timed(exportRepeats, () => reportPdf(nationData.report, labels, 'ky', png)));
  const dx: Record<'rows' | 'xlsx' | 'csv' | 'pdf' | 'png', number[]> = {
    rows: [],
    xlsx: [],
    csv: [],
    pdf: [],
    png: [],
  };
  for (const d of districts) {
    const who = { telegramId: officer.get(d.id) as number };
    const req: ScopeRequest = { level: 'district', id: d.id };
    const w = await reports.reportWithSchools(who, req);
    dx.rows.push(await timed(exportRepeats, () => reports.reportWithSchools(who, req)));
    dx.xlsx.push(await timed(exportRepeats, () => reportXlsx(w.report, w.schools, labels, 'ky')));
    dx.csv.push(await timed(exportRepeats, () => toBuffer(reportCsv(w.report, w.schools, labels, 'ky'))));
    const p = reportChartPng(w.report, labels, 'ky');
    dx.png.push(await timed(exportRepeats, async () => reportChartPng(w.report, labels, 'ky')));
    dx.pdf.push(await timed(exportRepeats, () => reportPdf(w.report, labels, 'ky', p)));
  }
  row.districtRowsQuery = summary(dx.rows);
  row.districtXlsx = summary(dx.xlsx);
  row.districtCsv = summary(dx.csv);
  row.districtPng = summary(dx.png);
  row.districtPdf = summary(dx.pdf);
  row.openDataSchools = r1(
    await timed(exportRepeats, async () => toBuffer(await openDataCsv(db, { level: 'school', now: NOW }))),
  );
  row.openDataDistricts = r1(
    await timed(exportRepeats, async () => toBuffer(await openDataCsv(db, { level: 'district', now: NOW }))),
  );
  row.snapshotJob = r1(await timed(1, () => takeDailySnapshot(db, NOW)));
  row.reconcile = r1(await timed(1, () => reconcileStats(db)));
  results.push(row);
  console.error(JSON.stringify(row));
}

// --- report ---------------------------------------------------------------------------------------
const cell = (v: Row[string] | undefined) =>
  v === undefined ? '' : typeof v === 'object' ? `${v.median} / ${v.max}` : String(v);
const columns: [string, string][] = [
  ['nationReportCold', 'nation report, first after start (cold)'],
  ['regionReportCold', `region reports, cold (median / max of ${regions.length})`],
  ['districtReportCold', `district reports, cold (median / max of ${districts.length})`],
  ['seriesWarmUp', 'snapshot job: series warm-up of all scopes (background)'],
  ['nationReportFirst', 'nation report, first after the warm-up'],
  ['nationReport', 'nation report'],
  ['regionReport', `region reports (median / max of ${regions.length})`],
  ['districtReport', `district reports (median / max of ${districts.length})`],
  ['schoolReport', 'school report (largest school)'],
  ['nationRowsQuery', 'nation per-school rows (files)'],
  ['nationXlsx', 'nation XLSX'],
  ['nationCsv', 'nation CSV'],
  ['nationPdf', 'nation PDF'],
  ['nationPng', 'nation chart PNG'],
  ['districtRowsQuery', 'district per-school rows (median / max)'],
  ['districtXlsx', 'district XLSX (median / max)'],
  ['districtCsv', 'district CSV (median / max)'],
  ['districtPdf', 'district PDF (median / max)'],
  ['districtPng', 'district chart PNG (median / max)'],
  ['openDataSchools', 'open data, schools CSV'],
  ['openDataDistricts', 'open data, districts CSV'],
  ['snapshotJob', 'daily snapshot job'],
  ['reconcile', 'reconcileStats (all rows; not per request)'],
];
const lines = [
  `| ms (median of ${REPEATS}) | ${results.map((r) => `${Number(r.applications).toLocaleString('en-US')} apps`).join(' | ')} |`,
  `|---|${results.map(() => '---:').join('|')}|`,
  ...columns.map(([k, name]) => `| ${name} | ${results.map((r) => cell(r[k])).join(' | ')} |`),
  `| application_stats rows (n ≠ 0) | ${results.map((r) => cell(r.statsRows)).join(' | ')} |`,
  `| stats_daily rows (${DAYS} days) | ${results.map((r) => cell(r.dailyRows)).join(' | ')} |`,
  `| bulk insert of the step (trigger on) | ${results.map((r) => cell(r.insertMs)).join(' | ')} |`,
];
console.log(`${schools} schools, ${districts.length} districts, ${regions.length} regions; ${seats} seats\n`);
console.log(lines.join('\n'));
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ schools, seats, days: DAYS, results }, null, 2));
await db.$disconnect();
await stopEmbedded?.();
