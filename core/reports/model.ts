// What a report holds (K-OVER-1): figures of one scope — a school, a district, a region or the whole
// country — read from the aggregates (application_stats, quota sums, stats_daily), never from all
// application rows. Pure types and constants; the words come from the caller (core holds no messages).
import { type InstructionLanguage, LANGUAGES, type LocalizedName } from '../domain/reference.ts';

/** Statuses a report counts as applications (a draft is not yet one: drafts are counted apart). */
export const REPORT_STATUSES = [
  'submitted',
  'admitted',
  'waitlisted',
  'enrolled',
  'released',
  'withdrawn',
  'rejected',
] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** The stage an application was submitted under (`-`: none recorded). */
export const REPORT_BASES = ['catchment', 'actual_residence', 'free_seats', '-'] as const;
export type ReportBasis = (typeof REPORT_BASES)[number];

export const REPORT_LANGUAGES = LANGUAGES;
export type ReportLanguage = InstructionLanguage;

/** Priority category of a claimed or verified priority (`none`: no claim, or it was dropped). */
export const REPORT_PRIORITIES = ['none', 'military', 'kairylman', 'staff'] as const;
export type ReportPriority = (typeof REPORT_PRIORITIES)[number];

/** The child's sex from the registry's birth record (`-`: not known). */
export const REPORT_SEXES = ['F', 'M', '-'] as const;
export type ReportSex = (typeof REPORT_SEXES)[number];

export const REPORT_LEVELS = ['school', 'district', 'region', 'nation'] as const;
export type ReportLevel = (typeof REPORT_LEVELS)[number];

/** What a caller asks for: a school by code, a territory by id, or the whole country. */
export type ScopeRequest =
  | { level: 'school'; code: string }
  | { level: 'district'; id: string }
  | { level: 'region'; id: string }
  | { level: 'nation' };

/** Counts by status, with their sum. */
export type StatusCounts = Record<ReportStatus, number> & { total: number };

export type SeatCounts = { seats: number; taken: number; free: number; schools: number };

/** One row below the scope: a region of the country, a district of a region, a school of a district. */
export type ReportUnit = {
  kind: 'region' | 'district' | 'school';
  /** territory id or school code */
  id: string;
  name: LocalizedName;
  applications: StatusCounts;
  seats: SeatCounts;
  direct: number;
  appealsOpen: number;
  appealsOverdue: number;
  /** schools below (1 for a school) */
  schools: number;
};

export type ReportScope = {
  level: ReportLevel;
  /** school code, territory id, or `KG` for the country */
  id: string;
  name: LocalizedName;
  /** the district and region a school or district belongs to */
  district?: { id: string; name: LocalizedName };
  region?: { id: string; name: LocalizedName };
};

export type Report = {
  scope: ReportScope;
  campaign: { id: string; academicYear: string };
  generatedAt: Date;
  /** schools in the scope */
  schools: number;
  /** drafts (not yet applications) with a school chosen */
  drafts: number;
  applications: StatusCounts;
  byBasis: Record<ReportBasis, StatusCounts>;
  byLanguage: Record<ReportLanguage, StatusCounts>;
  byPriority: Record<ReportPriority, StatusCounts>;
  bySex: Record<ReportSex, StatusCounts>;
  seats: { total: SeatCounts; byLanguage: Record<ReportLanguage, SeatCounts> };
  direct: { total: number; byLanguage: Record<ReportLanguage, number> };
  appeals: { open: number; overdue: number };
  /** the level below: regions (nation), districts (region), schools (district); none for a school */
  units: ReportUnit[];
  /** through time, from the daily snapshots: counts by status on each day (local dates) */
  series: { days: string[]; byStatus: Record<ReportStatus, number[]>; total: number[] };
};

/** One school's figures, for the per-school tables of the files and open data (no personal data). */
export type SchoolRow = {
  code: string;
  name: LocalizedName;
  districtId: string;
  districtName: LocalizedName;
  regionId: string;
  regionName: LocalizedName;
  ownership: 'public' | 'private';
  participates: boolean;
  special: boolean;
  applications: StatusCounts;
  drafts: number;
  byLanguage: Record<ReportLanguage, number>;
  byBasis: Record<ReportBasis, number>;
  byPriority: Record<ReportPriority, number>;
  bySex: Record<ReportSex, number>;
  seats: SeatCounts;
  seatsByLanguage: Record<ReportLanguage, SeatCounts>;
  direct: number;
  appealsOpen: number;
  appealsOverdue: number;
};

export const emptyStatusCounts = (): StatusCounts => {
  const c = { total: 0 } as StatusCounts;
  for (const s of REPORT_STATUSES) c[s] = 0;
  return c;
};

export const emptySeats = (): SeatCounts => ({ seats: 0, taken: 0, free: 0, schools: 0 });

export function keyed<K extends string, V>(keys: readonly K[], make: () => V): Record<K, V> {
  const out = {} as Record<K, V>;
  for (const k of keys) out[k] = make();
  return out;
}

export const isReportStatus = (s: string): s is ReportStatus =>
  (REPORT_STATUSES as readonly string[]).includes(s);

/** Adds `n` applications of `status` to the counts (drafts and unknown statuses are not counted). */
export function addStatus(c: StatusCounts, status: string, n: number): void {
  if (!isReportStatus(status)) return;
  c[status] += n;
  c.total += n;
}

/** `value` when it is one of `keys`, else the fallback key (e.g. `-`). */
export function oneOf<K extends string>(keys: readonly K[], value: string, fallback: K): K {
  return (keys as readonly string[]).includes(value) ? (value as K) : fallback;
}
