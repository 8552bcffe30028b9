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
import { ReportError, type ResolvedScope, schoolFilter, unitOf } from './scope.ts';

/** At most this many days on a "through time" series (sampled evenly over a longer campaign). */
export const SERIES_POINTS = 31;

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

type StatRow = {
  unit: string;
  language: string;
  status: string;
  basis: string;
  priority: string;
  sex: string;
  n: number;
};
type SeatRow = { unit: string; language: string; seats: number; taken: number; schools: number };
type CountRow = { unit: string; language: string; n: number };
type AppealRow = { unit: string; open: number; overdue: number };
type UnitRow = { id: string; name_ky: string; name_ru: string; name_en: string; schools: number };
type SeriesRow = { day: string; status: string; n: number };

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

  const statsQ = db.$queryRaw<StatRow[]>`
    SELECT ${key} AS unit, s.language, s.status, s.basis, s.priority, s.sex, SUM(s.n)::int AS n
    FROM application_stats s
    JOIN school sc ON sc.id = s.school_id
    JOIN territory d ON d.id = sc.district_id
    WHERE s.campaign_id = ${c} AND s.n <> 0 AND ${where}
    GROUP BY 1, 2, 3, 4, 5, 6`;
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
  const seriesQ =
    days.length === 0
      ? Promise.resolve([] as SeriesRow[])
      : db.$queryRaw<SeriesRow[]>`
        SELECT to_char(sd.day, 'YYYY-MM-DD') AS day, sd.status, SUM(sd.n)::int AS n
        FROM stats_daily sd
        WHERE sd.day = ANY (${days}::date[]) AND sd.campaign_id = ${c}
          AND sd.school_id IN (SELECT sc.id FROM school sc WHERE ${where})
        GROUP BY 1, 2`;

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

  for (const r of stats) {
    if (r.status === 'draft') {
      report.drafts += r.n;
      continue;
    }
    addStatus(report.applications, r.status, r.n);
    addStatus(report.byBasis[oneOf(REPORT_BASES, r.basis, '-')], r.status, r.n);
    const lang = report.byLanguage[r.language as ReportLanguage];
    if (lang) addStatus(lang, r.status, r.n);
    addStatus(report.byPriority[oneOf(REPORT_PRIORITIES, r.priority, 'none')], r.status, r.n);
    addStatus(report.bySex[oneOf(REPORT_SEXES, r.sex, '-')], r.status, r.n);
    const u = byUnit.get(r.unit);
    if (u) addStatus(u.applications, r.status, r.n);
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

  const byDay = new Map<string, Map<string, number>>();
  for (const r of series) {
    let m = byDay.get(r.day);
    if (!m) {
      m = new Map();
      byDay.set(r.day, m);
    }
    m.set(r.status, (m.get(r.status) ?? 0) + r.n);
  }
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

type SchoolStatRow = {
  id: number;
  code: string;
  name_ky: string;
  name_ru: string;
  name_en: string;
  ownership: 'public' | 'private';
  participates: boolean;
  special: boolean;
  district_id: string;
  d_ky: string;
  d_ru: string;
  d_en: string;
  region_id: string;
  r_ky: string;
  r_ru: string;
  r_en: string;
  drafts: number;
  direct: number;
  appeals_open: number;
  appeals_overdue: number;
} & Record<string, number | string | boolean>;

const col = (prefix: string, v: string) => `${prefix}_${v.replace('-', 'unknown')}`;

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
  const pivot = (field: string, values: readonly string[], prefix: string) =>
    values.map(
      (v) =>
        Prisma.sql`COALESCE(SUM(s.n) FILTER (WHERE s.${Prisma.raw(field)} = ${v} AND s.status <> 'draft'), 0)::int AS ${Prisma.raw(`"${col(prefix, v)}"`)}`,
    );
  const statusCols = REPORT_STATUSES.map(
    (v) =>
      Prisma.sql`COALESCE(SUM(s.n) FILTER (WHERE s.status = ${v}), 0)::int AS ${Prisma.raw(`"${col('st', v)}"`)}`,
  );
  const cols = [
    ...statusCols,
    ...pivot('language', REPORT_LANGUAGES, 'lang'),
    ...pivot('basis', REPORT_BASES, 'basis'),
    ...pivot('priority', REPORT_PRIORITIES, 'prio'),
    ...pivot('sex', REPORT_SEXES, 'sex'),
    Prisma.sql`COALESCE(SUM(s.n) FILTER (WHERE s.status = 'draft'), 0)::int AS draft_n`,
  ];
  const seatCols = REPORT_LANGUAGES.flatMap((l) => [
    Prisma.sql`COALESCE(SUM(q.seats) FILTER (WHERE q.language = ${l}::"Language"), 0)::int AS ${Prisma.raw(`"${col('seats', l)}"`)}`,
    Prisma.sql`COALESCE(SUM(q.taken) FILTER (WHERE q.language = ${l}::"Language"), 0)::int AS ${Prisma.raw(`"${col('taken', l)}"`)}`,
  ]);
  const [rows, seatRows] = await Promise.all([
    db.$queryRaw<SchoolStatRow[]>`
      WITH st AS (
        SELECT s.school_id, ${Prisma.join(cols)}
        FROM application_stats s JOIN school sc ON sc.id = s.school_id
        WHERE s.campaign_id = ${c} AND s.n <> 0 AND ${where}
        GROUP BY s.school_id
      ), da AS (
        SELECT da.school_id, COUNT(*)::int AS n FROM direct_admission da JOIN school sc ON sc.id = da.school_id
        WHERE da.campaign_id = ${c} AND da.withdrawn_at IS NULL AND ${where} GROUP BY da.school_id
      ), ap AS (
        SELECT a.school_id, COUNT(*)::int AS open, (COUNT(*) FILTER (WHERE a.due_at < ${now}))::int AS overdue
        FROM appeal a JOIN application x ON x.id = a.application_id JOIN school sc ON sc.id = a.school_id
        WHERE a.status = 'open' AND x.campaign_id = ${c} AND ${where} GROUP BY a.school_id
      )
      SELECT sc.id, sc.code, sc.name_ky, sc.name_ru, sc.name_en, sc.ownership::text AS ownership,
             sc.participates, sc.special, sc.district_id,
             d.name_ky AS d_ky, d.name_ru AS d_ru, d.name_en AS d_en,
             r.id AS region_id, r.name_ky AS r_ky, r.name_ru AS r_ru, r.name_en AS r_en,
             st.*, COALESCE(st.draft_n, 0) AS drafts, COALESCE(da.n, 0) AS direct,
             COALESCE(ap.open, 0) AS appeals_open, COALESCE(ap.overdue, 0) AS appeals_overdue
      FROM school sc
      JOIN territory d ON d.id = sc.district_id
      JOIN territory r ON r.id = COALESCE(d.parent_id, d.id)
      LEFT JOIN st ON st.school_id = sc.id
      LEFT JOIN da ON da.school_id = sc.id
      LEFT JOIN ap ON ap.school_id = sc.id
      WHERE ${where}
      ORDER BY r.sort_order, r.id, d.sort_order, d.id, sc.code`,
    db.$queryRaw<({ school_id: number } & Record<string, number>)[]>`
      SELECT q.school_id, ${Prisma.join(seatCols)}
      FROM quota q JOIN school sc ON sc.id = q.school_id
      WHERE q.campaign_id = ${c} AND ${where}
      GROUP BY q.school_id`,
  ]);
  const seatsBySchool = new Map(seatRows.map((r) => [r.school_id, r]));
  const num = (v: unknown) => (typeof v === 'number' ? v : Number(v ?? 0));
  return rows.map((r): SchoolRow => {
    const applications = emptyStatusCounts();
    for (const s of REPORT_STATUSES) addStatus(applications, s, num(r[col('st', s)]));
    const q = seatsBySchool.get(r.id);
    const seatsByLanguage = keyed(REPORT_LANGUAGES, emptySeats);
    const seats = emptySeats();
    for (const l of REPORT_LANGUAGES) {
      const s = seatOf({ seats: num(q?.[col('seats', l)]), taken: num(q?.[col('taken', l)]), schools: 0 });
      s.schools = s.seats > 0 ? 1 : 0;
      seatsByLanguage[l] = s;
      addSeats(seats, s);
    }
    seats.schools = seats.seats > 0 ? 1 : 0;
    const pick = <K extends string>(keys: readonly K[], prefix: string) => {
      const out = {} as Record<K, number>;
      for (const k of keys) out[k] = num(r[col(prefix, k)]);
      return out;
    };
    const ln = (a: string, b: string, c2: string): LocalizedName => ({ ky: a, ru: b, en: c2 });
    return {
      code: r.code,
      name: ln(r.name_ky, r.name_ru, r.name_en),
      districtId: r.district_id,
      districtName: ln(r.d_ky, r.d_ru, r.d_en),
      regionId: r.region_id,
      regionName: ln(r.r_ky, r.r_ru, r.r_en),
      ownership: r.ownership,
      participates: r.participates,
      special: r.special,
      applications,
      drafts: num(r.drafts),
      byLanguage: pick(REPORT_LANGUAGES, 'lang'),
      byBasis: pick(REPORT_BASES, 'basis'),
      byPriority: pick(REPORT_PRIORITIES, 'prio'),
      bySex: pick(REPORT_SEXES, 'sex'),
      seats,
      seatsByLanguage,
      direct: num(r.direct),
      appealsOpen: num(r.appeals_open),
      appealsOverdue: num(r.appeals_overdue),
    };
  });
}
