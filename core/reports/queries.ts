// The figures of a report, read from the aggregates only (K-OVER-1, K-PERF-2):
//   - application_stats (kept by a trigger on `application`, one row per campaign × school × language
//     × status × basis × priority × sex), joined to the schools of the scope;
//   - quota sums (seats, taken) and direct admissions per school;
//   - open appeals past their due date;
//   - stats_daily for "through time" (a bounded number of days, whatever the campaign's length).
// No query here reads `application` rows: the cost grows with the number of schools, not of children.
import { type Db, Prisma } from '../db/client.ts';
import type { LocalizedName } from '../domain/reference.ts';
import {
  addStatus,
  emptySeats,
  emptyStatusCounts,
  keyed,
  oneOf,
  REPORT_BASES,
  REPORT_LANGUAGES,
  REPORT_PRIORITIES,
  REPORT_SEXES,
  REPORT_STATUSES,
  type Report,
  type ReportLanguage,
  type ReportUnit,
  type SchoolRow,
  type SeatCounts,
} from './model.ts';
import { NATION_ID, ReportError, type ResolvedScope, schoolFilter, unitOf } from './scope.ts';

/** At most this many days on a "through time" series (the recent ones, and earlier ones sampled). */
export const SERIES_POINTS = 24;

const DAY_MS = 86_400_000;
const BISHKEK_MS = 6 * 3_600_000;

/** The local (Asia/Bishkek) calendar date of an instant, YYYY-MM-DD. */
export function bishkekDate(d: Date): string {
  return new Date(d.getTime() + BISHKEK_MS).toISOString().slice(0, 10);
}

export type ReportCampaign = { id: string; academicYear: string; startsAt: Date | null };

/** The campaign to report on: the one named, else the active one (the newest if several). */
export async function reportCampaign(db: Db, campaignId?: string): Promise<ReportCampaign> {
  const c = await db.campaign.findFirst({
    where: campaignId ? { id: campaignId } : { active: true },
    orderBy: { id: 'desc' },
    select: { id: true, academicYear: true, stages: { select: { opensAt: true } } },
  });
  if (!c) throw new ReportError('no_campaign');
  const starts = c.stages.map((s) => s.opensAt.getTime());
  return {
    id: c.id,
    academicYear: c.academicYear,
    startsAt: starts.length > 0 ? new Date(Math.min(...starts)) : null,
  };
}

/** The most recent days a series always shows one by one. */
export const SERIES_RECENT_DAYS = 14;

/**
 * The days of a series: every day from the campaign's start to today when they are few; else the
 * last SERIES_RECENT_DAYS days one by one and the earlier ones sampled evenly from the start, `points`
 * days in all — so a report reads a bounded number of snapshot days whatever the campaign's length.
 */
export function seriesDays(startsAt: Date | null, now: Date, points = SERIES_POINTS): string[] {
  const today = Date.parse(`${bishkekDate(now)}T00:00:00Z`);
  const first = startsAt ? Date.parse(`${bishkekDate(startsAt)}T00:00:00Z`) : today - (points - 1) * DAY_MS;
  if (first > today) return [];
  const span = Math.round((today - first) / DAY_MS);
  const days = new Set<number>();
  if (span + 1 <= points) {
    for (let i = 0; i <= span; i++) days.add(first + i * DAY_MS);
  } else {
    const recent = Math.min(SERIES_RECENT_DAYS, points - 2);
    for (let i = 0; i < recent; i++) days.add(today - i * DAY_MS);
    const earlier = points - recent;
    const lastEarly = span - recent;
    for (let i = 0; i < earlier; i++) days.add(first + Math.round((lastEarly * i) / (earlier - 1)) * DAY_MS);
  }
  return [...days].sort((a, b) => a - b).map((d) => new Date(d).toISOString().slice(0, 10));
}

/** A row of one grouping set: status and one other key; the keys of the other sets are null. */
type StatRow = {
  unit: string | null;
  language: string | null;
  status: string;
  basis: string | null;
  priority: string | null;
  sex: string | null;
  n: number;
};
type SeatRow = { unit: string; language: string; seats: number; taken: number; schools: number };
type CountRow = { unit: string; language: string; n: number };
type AppealRow = { unit: string; open: number; overdue: number };
type UnitRow = { id: string; name_ky: string; name_ru: string; name_en: string; schools: number };

const seatOf = (r: { seats: number; taken: number; schools: number }): SeatCounts => ({
  seats: r.seats,
  taken: r.taken,
  free: Math.max(0, r.seats - r.taken),
  schools: r.schools,
});

function addSeats(into: SeatCounts, r: SeatCounts): void {
  into.seats += r.seats;
  into.taken += r.taken;
  into.free += r.free;
}

/** The report of a scope already authorised. All queries run at once, each on the aggregates. */
export async function buildReport(
  db: Db,
  resolved: ResolvedScope,
  campaign: ReportCampaign,
  now: Date,
): Promise<Report> {
  const level = resolved.scope.level;
  const where = schoolFilter(resolved);
  const unit = unitOf(level);
  const key = unit.key;
  const c = campaign.id;
  const days = seriesDays(campaign.startsAt, now);

  // Each breakdown by status in one pass (grouping sets: a few hundred groups, hashed in memory,
  // where grouping by all six keys at once would sort every row of the aggregate).
  const statsQ = db.$queryRaw<StatRow[]>`
    SELECT ${key} AS unit, s.language, s.status, s.basis, s.priority, s.sex, SUM(s.n)::int AS n
    FROM application_stats s
    JOIN school sc ON sc.id = s.school_id
    JOIN territory d ON d.id = sc.district_id
    WHERE s.campaign_id = ${c} AND s.n <> 0 AND ${where}
    GROUP BY GROUPING SETS ((1, 3), (2, 3), (4, 3), (5, 3), (6, 3))`;
  const seatsQ = db.$queryRaw<SeatRow[]>`
    SELECT ${key} AS unit, q.language::text AS language, SUM(q.seats)::int AS seats,
           SUM(q.taken)::int AS taken, COUNT(DISTINCT q.school_id)::int AS schools
    FROM quota q
    JOIN school sc ON sc.id = q.school_id
    JOIN territory d ON d.id = sc.district_id
    WHERE q.campaign_id = ${c} AND ${where}
    GROUP BY 1, 2`;
  const directQ = db.$queryRaw<CountRow[]>`
    SELECT ${key} AS unit, da.language::text AS language, COUNT(*)::int AS n
    FROM direct_admission da
    JOIN school sc ON sc.id = da.school_id
    JOIN territory d ON d.id = sc.district_id
    WHERE da.campaign_id = ${c} AND da.withdrawn_at IS NULL AND ${where}
    GROUP BY 1, 2`;
  const appealsQ = db.$queryRaw<AppealRow[]>`
    SELECT ${key} AS unit, COUNT(*)::int AS open, (COUNT(*) FILTER (WHERE a.due_at < ${now}))::int AS overdue
    FROM appeal a
    JOIN application ap ON ap.id = a.application_id
    JOIN school sc ON sc.id = a.school_id
    JOIN territory d ON d.id = sc.district_id
    WHERE a.status = 'open' AND ap.campaign_id = ${c} AND ${where}
    GROUP BY 1`;
  const quotaSchoolsQ = db.$queryRaw<{ unit: string | null; whole: boolean; n: number }[]>`
    SELECT ${key} AS unit, GROUPING(${key}) = 1 AS whole, COUNT(DISTINCT q.school_id)::int AS n
    FROM quota q
    JOIN school sc ON sc.id = q.school_id
    JOIN territory d ON d.id = sc.district_id
    WHERE q.campaign_id = ${c} AND q.seats > 0 AND ${where}
    GROUP BY GROUPING SETS ((${key}), ())`;
  const unitsQ = unitsQuery(db, resolved);
  const seriesQ = dailySeries(db, resolved, c, days, bishkekDate(now));

  const [stats, seats, quotaSchools, direct, appeals, units, series] = await Promise.all([
    statsQ,
    seatsQ,
    quotaSchoolsQ,
    directQ,
    appealsQ,
    unitsQ,
    seriesQ,
  ]);

  const mkUnit = (u: UnitRow): ReportUnit => ({
    kind: unit.kind ?? 'school',
    id: u.id,
    name: { ky: u.name_ky, ru: u.name_ru, en: u.name_en },
    applications: emptyStatusCounts(),
    seats: emptySeats(),
    direct: 0,
    appealsOpen: 0,
    appealsOverdue: 0,
    schools: u.schools,
  });
  const unitList = units.map(mkUnit);
  const byUnit = new Map(unitList.map((u) => [u.id, u]));

  const report: Report = {
    scope: resolved.scope,
    campaign: { id: campaign.id, academicYear: campaign.academicYear },
    generatedAt: now,
    schools: 0,
    drafts: 0,
    applications: emptyStatusCounts(),
    byBasis: keyed(REPORT_BASES, emptyStatusCounts),
    byLanguage: keyed(REPORT_LANGUAGES, emptyStatusCounts),
    byPriority: keyed(REPORT_PRIORITIES, emptyStatusCounts),
    bySex: keyed(REPORT_SEXES, emptyStatusCounts),
    seats: { total: emptySeats(), byLanguage: keyed(REPORT_LANGUAGES, emptySeats) },
    direct: { total: 0, byLanguage: keyed(REPORT_LANGUAGES, () => 0) },
    appeals: { open: 0, overdue: 0 },
    units: unitList,
    series: { days: [], byStatus: keyed(REPORT_STATUSES, () => [] as number[]), total: [] },
  };
  report.schools = level === 'school' ? 1 : units.reduce((a, u) => a + u.schools, 0);

  // Each row belongs to one grouping set: the one key (besides status) that is not null.
  for (const r of stats) {
    if (r.unit !== null) {
      if (r.status === 'draft') report.drafts += r.n;
      else addStatus(report.applications, r.status, r.n);
      const u = byUnit.get(r.unit);
      if (u) addStatus(u.applications, r.status, r.n);
    } else if (r.language !== null) {
      const lang = report.byLanguage[r.language as ReportLanguage];
      if (lang) addStatus(lang, r.status, r.n);
    } else if (r.basis !== null) addStatus(report.byBasis[oneOf(REPORT_BASES, r.basis, '-')], r.status, r.n);
    else if (r.priority !== null)
      addStatus(report.byPriority[oneOf(REPORT_PRIORITIES, r.priority, 'none')], r.status, r.n);
    else if (r.sex !== null) addStatus(report.bySex[oneOf(REPORT_SEXES, r.sex, '-')], r.status, r.n);
  }
  for (const r of seats) {
    const s = seatOf(r);
    addSeats(report.seats.total, s);
    const lang = r.language as ReportLanguage;
    if (report.seats.byLanguage[lang]) {
      addSeats(report.seats.byLanguage[lang], s);
      report.seats.byLanguage[lang].schools += r.schools;
    }
    const u = byUnit.get(r.unit);
    if (u) addSeats(u.seats, s);
  }
  for (const r of direct) {
    report.direct.total += r.n;
    const lang = r.language as ReportLanguage;
    if (lang in report.direct.byLanguage) report.direct.byLanguage[lang] += r.n;
    const u = byUnit.get(r.unit);
    if (u) u.direct += r.n;
  }
  for (const r of appeals) {
    report.appeals.open += r.open;
    report.appeals.overdue += r.overdue;
    const u = byUnit.get(r.unit);
    if (u) {
      u.appealsOpen += r.open;
      u.appealsOverdue += r.overdue;
    }
  }
  // Schools with a quota: a school teaching in two languages counts once.
  for (const r of quotaSchools) {
    if (r.whole) report.seats.total.schools = r.n;
    else {
      const u = byUnit.get(r.unit ?? '');
      if (u) u.seats.schools = r.n;
    }
  }

  const byDay = series;
  for (const day of days) {
    const m = byDay.get(day);
    if (!m) continue;
    report.series.days.push(day);
    let total = 0;
    for (const s of REPORT_STATUSES) {
      const n = m.get(s) ?? 0;
      report.series.byStatus[s].push(n);
      total += n;
    }
    report.series.total.push(total);
  }
  return report;
}

// --- through time -----------------------------------------------------------------------------------

/** Counts by status of one day. */
type DayCounts = Map<string, number>;

/**
 * Past days' sums per scope, kept in memory: once a local day is over the snapshot job never writes
 * it again, so its sums never change. Today's are always read. Bounded: the least recently used
 * scopes are dropped beyond MAX_CACHED_SCOPES. One cache per database client (a process).
 */
const MAX_CACHED_SCOPES = 2_000;
const seriesCaches = new WeakMap<Db, Map<string, Map<string, DayCounts>>>();

/** Forgets the cached past days (tests; after snapshots of past days were rewritten by hand). */
export function clearSeriesCache(db: Db): void {
  seriesCaches.delete(db);
}

function cacheOf(db: Db): Map<string, Map<string, DayCounts>> {
  let cache = seriesCaches.get(db);
  if (!cache) {
    cache = new Map();
    seriesCaches.set(db, cache);
  }
  return cache;
}

const seriesKey = (campaignId: string, level: string, id: string) => `${campaignId}|${level}|${id}`;

/**
 * Reads the past days of the current series for the country, every region and every district in one
 * pass and keeps them in memory, so that the first report of a large scope after a restart or after
 * midnight does not pay for them (the snapshot scheduler calls it after each snapshot). Returns the
 * number of days read (0 when all were known, or there is no campaign).
 */
export async function warmSeriesCache(db: Db, now: Date, campaignId?: string): Promise<number> {
  let campaign: ReportCampaign;
  try {
    campaign = await reportCampaign(db, campaignId);
  } catch (e) {
    if (e instanceof ReportError) return 0;
    throw e;
  }
  const today = bishkekDate(now);
  const c = campaign.id;
  const cache = cacheOf(db);
  const nationKey = seriesKey(c, 'nation', NATION_ID);
  const known = cache.get(nationKey);
  const days = seriesDays(campaign.startsAt, now).filter((d) => d < today && !known?.has(d));
  if (days.length === 0) return 0;
  const rows = await db.$queryRaw<
    { day: Date; district: string; region: string; status: string; n: number }[]
  >`
    SELECT sd.day, sc.district_id AS district, COALESCE(d.parent_id, d.id) AS region, sd.status, SUM(sd.n)::int AS n
    FROM stats_daily sd
    JOIN school sc ON sc.id = sd.school_id
    JOIN territory d ON d.id = sc.district_id
    WHERE sd.day = ANY (${days}::date[]) AND sd.campaign_id = ${c}
    GROUP BY 1, 2, 3, 4`;
  const scopes = new Map<string, Map<string, DayCounts>>();
  const territories = await db.territory.findMany({ select: { id: true, parentId: true } });
  const fresh = () => new Map<string, DayCounts>(days.map((d) => [d, new Map()]));
  scopes.set(nationKey, fresh());
  for (const t of territories)
    scopes.set(seriesKey(c, t.parentId === null ? 'region' : 'district', t.id), fresh());
  const add = (key: string, day: string, status: string, n: number) => {
    const m = scopes.get(key)?.get(day);
    if (m) m.set(status, (m.get(status) ?? 0) + n);
  };
  for (const r of rows) {
    const day = r.day instanceof Date ? r.day.toISOString().slice(0, 10) : String(r.day).slice(0, 10);
    add(nationKey, day, r.status, r.n);
    add(seriesKey(c, 'region', r.region), day, r.status, r.n);
    add(seriesKey(c, 'district', r.district), day, r.status, r.n);
  }
  for (const [key, byDay] of scopes) {
    const m = cache.get(key) ?? new Map<string, DayCounts>();
    for (const [day, counts] of byDay) m.set(day, counts);
    cache.set(key, m);
  }
  while (cache.size > MAX_CACHED_SCOPES) cache.delete(cache.keys().next().value as string);
  return days.length;
}

async function dailySeries(
  db: Db,
  resolved: ResolvedScope,
  campaignId: string,
  days: string[],
  today: string,
): Promise<Map<string, DayCounts>> {
  const cache = cacheOf(db);
  const scopeKey = seriesKey(campaignId, resolved.scope.level, resolved.scope.id);
  const known = cache.get(scopeKey) ?? new Map<string, DayCounts>();
  cache.delete(scopeKey);
  cache.set(scopeKey, known); // most recently used last
  while (cache.size > MAX_CACHED_SCOPES) cache.delete(cache.keys().next().value as string);

  const missing = days.filter((d) => d >= today || !known.has(d));
  const out = new Map<string, DayCounts>();
  if (missing.length > 0) {
    const t = resolved.target;
    // the schools as an array, so that the primary key (day, campaign, school, status) narrows the scan
    const schoolCond =
      t.level === 'nation'
        ? Prisma.sql`TRUE`
        : Prisma.sql`sd.school_id = ANY (ARRAY(SELECT sc.id FROM school sc WHERE ${schoolFilter(resolved)}))`;
    const rows = await db.$queryRaw<{ day: Date; status: string; n: number }[]>`
      SELECT sd.day, sd.status, SUM(sd.n)::int AS n
      FROM stats_daily sd
      WHERE sd.day = ANY (${missing}::date[]) AND sd.campaign_id = ${campaignId} AND ${schoolCond}
      GROUP BY 1, 2`;
    const fresh = new Map<string, DayCounts>(missing.map((d) => [d, new Map()]));
    for (const r of rows) {
      const day = r.day instanceof Date ? r.day.toISOString().slice(0, 10) : String(r.day).slice(0, 10);
      fresh.get(day)?.set(r.status, r.n);
    }
    for (const [day, counts] of fresh) {
      if (day < today) known.set(day, counts);
      out.set(day, counts);
    }
  }
  for (const d of days) {
    const k = known.get(d);
    if (k && !out.has(d)) out.set(d, k);
  }
  // a day without any snapshot row is no point of the series
  for (const [d, m] of out) if (m.size === 0) out.delete(d);
  return out;
}

/** The units below a scope with their number of schools, in the order people expect. */
function unitsQuery(db: Db, r: ResolvedScope): Promise<UnitRow[]> {
  const t = r.target;
  switch (t.level) {
    case 'nation':
      return db.$queryRaw<UnitRow[]>`
        SELECT r.id, r.name_ky, r.name_ru, r.name_en,
               (SELECT COUNT(*)::int FROM school sc JOIN territory d ON d.id = sc.district_id
                 WHERE COALESCE(d.parent_id, d.id) = r.id) AS schools
        FROM territory r WHERE r.parent_id IS NULL ORDER BY r.sort_order, r.id`;
    case 'region':
      return db.$queryRaw<UnitRow[]>`
        SELECT d.id, d.name_ky, d.name_ru, d.name_en,
               (SELECT COUNT(*)::int FROM school sc WHERE sc.district_id = d.id) AS schools
        FROM territory d WHERE d.parent_id = ${t.regionId} ORDER BY d.sort_order, d.id`;
    case 'district':
      return db.$queryRaw<UnitRow[]>`
        SELECT sc.code AS id, sc.name_ky, sc.name_ru, sc.name_en, 1 AS schools
        FROM school sc WHERE sc.district_id = ${t.districtId} ORDER BY sc.code`;
    case 'school':
      return Promise.resolve([]);
  }
}

/**
 * Every school of a scope with its figures, one row each (the per-school tables of the files and of
 * open data). One pass over application_stats pivoted in SQL; no application row is read.
 */
export async function schoolRows(
  db: Db,
  resolved: ResolvedScope,
  campaign: Pick<ReportCampaign, 'id'>,
  now: Date,
): Promise<SchoolRow[]> {
  const c = campaign.id;
  const where = schoolFilter(resolved);
  const sum = (cond: Prisma.Sql) => Prisma.sql`COALESCE(SUM(s.n) FILTER (WHERE ${cond}), 0)::int`;
  const pivot = (field: string, values: readonly string[]) =>
    values.map((v) => sum(Prisma.sql`s.${Prisma.raw(field)} = ${v} AND s.status <> 'draft'`));
  // One int[] per school, in this order (few cells to convert: a national list is 2,400 rows).
  const statCols = [
    ...REPORT_STATUSES.map((v) => sum(Prisma.sql`s.status = ${v}`)),
    ...pivot('language', REPORT_LANGUAGES),
    ...pivot('basis', REPORT_BASES),
    ...pivot('priority', REPORT_PRIORITIES),
    ...pivot('sex', REPORT_SEXES),
    sum(Prisma.sql`s.status = 'draft'`),
  ];
  const seatCols = REPORT_LANGUAGES.flatMap((l) => [
    Prisma.sql`COALESCE(SUM(q.seats) FILTER (WHERE q.language = ${l}::"Language"), 0)::int`,
    Prisma.sql`COALESCE(SUM(q.taken) FILTER (WHERE q.language = ${l}::"Language"), 0)::int`,
  ]);
  const zeros = (n: number) => Prisma.raw(`ARRAY[${Array.from({ length: n }, () => '0').join(',')}]::int[]`);
  const [rows, territories] = await Promise.all([
    db.$queryRaw<
      {
        code: string;
        name_ky: string;
        name_ru: string;
        name_en: string;
        ownership: 'public' | 'private';
        participates: boolean;
        special: boolean;
        district_id: string;
        f: number[];
      }[]
    >`
      WITH st AS (
        SELECT s.school_id, ARRAY[${Prisma.join(statCols)}] AS f
        FROM application_stats s JOIN school sc ON sc.id = s.school_id
        WHERE s.campaign_id = ${c} AND s.n <> 0 AND ${where}
        GROUP BY s.school_id
      ), qu AS (
        SELECT q.school_id, ARRAY[${Prisma.join(seatCols)}] AS f
        FROM quota q JOIN school sc ON sc.id = q.school_id
        WHERE q.campaign_id = ${c} AND ${where}
        GROUP BY q.school_id
      ), da AS (
        SELECT da.school_id, COUNT(*)::int AS n FROM direct_admission da JOIN school sc ON sc.id = da.school_id
        WHERE da.campaign_id = ${c} AND da.withdrawn_at IS NULL AND ${where} GROUP BY da.school_id
      ), ap AS (
        SELECT a.school_id, COUNT(*)::int AS open, (COUNT(*) FILTER (WHERE a.due_at < ${now}))::int AS overdue
        FROM appeal a JOIN application x ON x.id = a.application_id JOIN school sc ON sc.id = a.school_id
        WHERE a.status = 'open' AND x.campaign_id = ${c} AND ${where} GROUP BY a.school_id
      )
      SELECT sc.code, sc.name_ky, sc.name_ru, sc.name_en, sc.ownership::text AS ownership,
             sc.participates, sc.special, sc.district_id,
             COALESCE(st.f, ${zeros(statCols.length)}) || COALESCE(qu.f, ${zeros(seatCols.length)})
               || ARRAY[COALESCE(da.n, 0), COALESCE(ap.open, 0), COALESCE(ap.overdue, 0)] AS f
      FROM school sc
      JOIN territory d ON d.id = sc.district_id
      LEFT JOIN st ON st.school_id = sc.id
      LEFT JOIN qu ON qu.school_id = sc.id
      LEFT JOIN da ON da.school_id = sc.id
      LEFT JOIN ap ON ap.school_id = sc.id
      WHERE ${where}
      ORDER BY (SELECT r.sort_order FROM territory r WHERE r.id = COALESCE(d.parent_id, d.id)),
               COALESCE(d.parent_id, d.id), d.sort_order, d.id, sc.code`,
    db.territory.findMany({ select: { id: true, parentId: true, nameKy: true, nameRu: true, nameEn: true } }),
  ]);
  const names = new Map(
    territories.map((t) => [
      t.id,
      { parentId: t.parentId, name: { ky: t.nameKy, ru: t.nameRu, en: t.nameEn } },
    ]),
  );
  return rows.map((r): SchoolRow => {
    const f = r.f;
    let i = 0;
    const take = <K extends string>(keys: readonly K[]): Record<K, number> => {
      const out = {} as Record<K, number>;
      for (const k of keys) out[k] = f[i++] ?? 0;
      return out;
    };
    const st = take(REPORT_STATUSES);
    const applications = emptyStatusCounts();
    for (const s of REPORT_STATUSES) addStatus(applications, s, st[s]);
    const byLanguage = take(REPORT_LANGUAGES);
    const byBasis = take(REPORT_BASES);
    const byPriority = take(REPORT_PRIORITIES);
    const bySex = take(REPORT_SEXES);
    const drafts = f[i++] ?? 0;
    const seatsByLanguage = keyed(REPORT_LANGUAGES, emptySeats);
    const seats = emptySeats();
    for (const l of REPORT_LANGUAGES) {
      const q = seatOf({ seats: f[i++] ?? 0, taken: f[i++] ?? 0, schools: 0 });
      q.schools = q.seats > 0 ? 1 : 0;
      seatsByLanguage[l] = q;
      addSeats(seats, q);
    }
    seats.schools = seats.seats > 0 ? 1 : 0;
    const [direct = 0, appealsOpen = 0, appealsOverdue = 0] = f.slice(i);
    const district = names.get(r.district_id);
    const regionId = district?.parentId ?? r.district_id;
    const unknown: LocalizedName = { ky: '', ru: '', en: '' };
    return {
      code: r.code,
      name: { ky: r.name_ky, ru: r.name_ru, en: r.name_en },
      districtId: r.district_id,
      districtName: district?.name ?? unknown,
      regionId,
      regionName: names.get(regionId)?.name ?? unknown,
      ownership: r.ownership,
      participates: r.participates,
      special: r.special,
      applications,
      drafts,
      byLanguage,
      byBasis,
      byPriority,
      bySex,
      seats,
      seatsByLanguage,
      direct,
      appealsOpen,
      appealsOverdue,
    };
  });
}
