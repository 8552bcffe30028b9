// Open data (K-OVER-5): the campaign's aggregates per school and per district as CSV — counts of
// applications by status, stage, language, priority category and sex, seats, taken and free seats,
// direct admissions and open appeals. Aggregates only: no PIN, no name of a person, no address of a
// family, no application number; schools and territories are public reference data. Machine-readable
// headers (English, snake_case), the same in every language; UTF-8 with a byte-order mark.
import { Readable } from 'node:stream';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import { csvLine, toBuffer } from './files.ts';
import {
  emptySeats,
  emptyStatusCounts,
  keyed,
  REPORT_BASES,
  REPORT_LANGUAGES,
  REPORT_PRIORITIES,
  REPORT_SEXES,
  REPORT_STATUSES,
  type SchoolRow,
} from './model.ts';
import { reportCampaign, schoolRows } from './queries.ts';
import { resolveScope } from './scope.ts';

export const OPEN_DATA_LEVELS = ['school', 'district'] as const;
export type OpenDataLevel = (typeof OPEN_DATA_LEVELS)[number];

const basisName = (b: string) => (b === '-' ? 'unknown' : b);

/** The figure columns shared by both levels, in order. */
const FIGURES: { name: string; of: (r: SchoolRow) => number }[] = [
  { name: 'applications', of: (r) => r.applications.total },
  ...REPORT_STATUSES.map((s) => ({ name: s, of: (r: SchoolRow) => r.applications[s] })),
  ...REPORT_BASES.map((b) => ({ name: `stage_${basisName(b)}`, of: (r: SchoolRow) => r.byBasis[b] })),
  ...REPORT_LANGUAGES.map((l) => ({ name: `language_${l}`, of: (r: SchoolRow) => r.byLanguage[l] })),
  ...REPORT_PRIORITIES.map((p) => ({ name: `priority_${p}`, of: (r: SchoolRow) => r.byPriority[p] })),
  { name: 'girls', of: (r) => r.bySex.F },
  { name: 'boys', of: (r) => r.bySex.M },
  { name: 'sex_unknown', of: (r) => r.bySex['-'] },
  { name: 'seats', of: (r) => r.seats.seats },
  { name: 'seats_taken', of: (r) => r.seats.taken },
  { name: 'seats_free', of: (r) => r.seats.free },
  ...REPORT_LANGUAGES.flatMap((l) => [
    { name: `seats_${l}`, of: (r: SchoolRow) => r.seatsByLanguage[l].seats },
    { name: `seats_free_${l}`, of: (r: SchoolRow) => r.seatsByLanguage[l].free },
  ]),
  { name: 'direct_admissions', of: (r) => r.direct },
  { name: 'appeals_open', of: (r) => r.appealsOpen },
  { name: 'appeals_overdue', of: (r) => r.appealsOverdue },
];

const SCHOOL_HEAD = [
  'campaign_id',
  'academic_year',
  'region_id',
  'region_name_ky',
  'region_name_ru',
  'region_name_en',
  'district_id',
  'district_name_ky',
  'district_name_ru',
  'district_name_en',
  'school_code',
  'school_name_ky',
  'school_name_ru',
  'school_name_en',
  'ownership',
  'participates',
  'special',
  ...FIGURES.map((f) => f.name),
];

const DISTRICT_HEAD = [
  'campaign_id',
  'academic_year',
  'region_id',
  'region_name_ky',
  'region_name_ru',
  'region_name_en',
  'district_id',
  'district_name_ky',
  'district_name_ru',
  'district_name_en',
  'schools',
  'schools_with_quota',
  ...FIGURES.map((f) => f.name),
];

/** Every column name of a level's CSV (documented in docs/reports.md). */
export function openDataColumns(level: OpenDataLevel): string[] {
  return level === 'school' ? [...SCHOOL_HEAD] : [...DISTRICT_HEAD];
}

/** Sums school rows into one row per district (the same figures). */
export function districtRows(
  schools: SchoolRow[],
): (SchoolRow & { schools: number; schoolsWithQuota: number })[] {
  const out = new Map<string, SchoolRow & { schools: number; schoolsWithQuota: number }>();
  for (const s of schools) {
    let d = out.get(s.districtId);
    if (!d) {
      d = {
        ...s,
        code: s.districtId,
        name: s.districtName,
        applications: emptyStatusCounts(),
        drafts: 0,
        byLanguage: keyed(REPORT_LANGUAGES, () => 0),
        byBasis: keyed(REPORT_BASES, () => 0),
        byPriority: keyed(REPORT_PRIORITIES, () => 0),
        bySex: keyed(REPORT_SEXES, () => 0),
        seats: emptySeats(),
        seatsByLanguage: keyed(REPORT_LANGUAGES, emptySeats),
        direct: 0,
        appealsOpen: 0,
        appealsOverdue: 0,
        schools: 0,
        schoolsWithQuota: 0,
      };
      out.set(s.districtId, d);
    }
    d.schools += 1;
    if (s.seats.seats > 0) d.schoolsWithQuota += 1;
    for (const k of REPORT_STATUSES) d.applications[k] += s.applications[k];
    d.applications.total += s.applications.total;
    d.drafts += s.drafts;
    for (const k of REPORT_LANGUAGES) d.byLanguage[k] += s.byLanguage[k];
    for (const k of REPORT_BASES) d.byBasis[k] += s.byBasis[k];
    for (const k of REPORT_PRIORITIES) d.byPriority[k] += s.byPriority[k];
    for (const k of REPORT_SEXES) d.bySex[k] += s.bySex[k];
    for (const k of REPORT_LANGUAGES) {
      d.seatsByLanguage[k].seats += s.seatsByLanguage[k].seats;
      d.seatsByLanguage[k].taken += s.seatsByLanguage[k].taken;
      d.seatsByLanguage[k].free += s.seatsByLanguage[k].free;
    }
    d.seats.seats += s.seats.seats;
    d.seats.taken += s.seats.taken;
    d.seats.free += s.seats.free;
    d.direct += s.direct;
    d.appealsOpen += s.appealsOpen;
    d.appealsOverdue += s.appealsOverdue;
  }
  return [...out.values()];
}

/** The open-data CSV of a level, streamed. */
export async function openDataCsv(
  db: Db,
  opts: { level: OpenDataLevel; now: Date; campaignId?: string },
): Promise<Readable> {
  const campaign = await reportCampaign(db, opts.campaignId);
  const nation = await resolveScope(db, { level: 'nation' });
  if (!nation) throw new Error('unreachable: the nation scope always resolves');
  const schools = await schoolRows(db, nation, campaign, opts.now);
  const head = [campaign.id, campaign.academicYear];
  async function* lines() {
    yield '\uFEFF';
    if (opts.level === 'school') {
      yield csvLine(SCHOOL_HEAD);
      for (const s of schools) {
        yield csvLine([
          ...head,
          s.regionId,
          s.regionName.ky,
          s.regionName.ru,
          s.regionName.en,
          s.districtId,
          s.districtName.ky,
          s.districtName.ru,
          s.districtName.en,
          s.code,
          s.name.ky,
          s.name.ru,
          s.name.en,
          s.ownership,
          s.participates ? 1 : 0,
          s.special ? 1 : 0,
          ...FIGURES.map((f) => f.of(s)),
        ]);
      }
    } else {
      yield csvLine(DISTRICT_HEAD);
      for (const d of districtRows(schools)) {
        yield csvLine([
          ...head,
          d.regionId,
          d.regionName.ky,
          d.regionName.ru,
          d.regionName.en,
          d.districtId,
          d.districtName.ky,
          d.districtName.ru,
          d.districtName.en,
          d.schools,
          d.schoolsWithQuota,
          ...FIGURES.map((f) => f.of(d)),
        ]);
      }
    }
  }
  return Readable.from(lines(), { objectMode: false });
}

/** File name of a level's open data: `kattoo-opendata-<level>-<campaign>.csv`. */
export const openDataFileName = (level: OpenDataLevel, campaignId: string) =>
  `kattoo-opendata-${level}s-${campaignId}.csv`.replace(/[^A-Za-z0-9_.-]/g, '');

/**
 * Open data for a public channel: the CSV of each level as a Buffer, kept for `ttlMs` (default five
 * minutes) so that many people asking at once cost one pair of queries.
 */
export function openDataService(deps: { db: Db; clock: Clock; ttlMs?: number }) {
  const ttl = deps.ttlMs ?? 5 * 60_000;
  type File = { name: string; data: Buffer; campaignId: string; academicYear: string };
  const cache = new Map<OpenDataLevel, { at: number; file: Promise<File> }>();
  return {
    /** The CSV of a level as a file (`name`, `data`) with its campaign; ReportError `no_campaign` without one. */
    async csv(level: OpenDataLevel): Promise<File> {
      const now = deps.clock.now();
      const hit = cache.get(level);
      if (hit && now.getTime() - hit.at < ttl) return hit.file;
      const file = (async () => {
        const campaign = await reportCampaign(deps.db);
        const data = await toBuffer(await openDataCsv(deps.db, { level, now, campaignId: campaign.id }));
        return {
          name: openDataFileName(level, campaign.id),
          data,
          campaignId: campaign.id,
          academicYear: campaign.academicYear,
        };
      })();
      cache.set(level, { at: now.getTime(), file });
      file.catch(() => cache.delete(level));
      return file;
    },
  };
}
export type OpenDataService = ReturnType<typeof openDataService>;
