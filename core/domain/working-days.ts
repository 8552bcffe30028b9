// Working days in the Kyrgyz Republic (K-OVER-4; Law No. 67 of 4 May 2007 on citizens' appeals:
// registered within 1 working day, answered within 14 working days). Pure: the holidays are
// configuration (./holidays-kg.json), dates are local Bishkek calendar days ("YYYY-MM-DD"), instants
// are converted at UTC+6 (no daylight saving). A year missing from the configuration still knows its
// weekends and fixed-date holidays; `isConfigured` tells whether its movable holidays are known.
import holidaysKg from './holidays-kg.json' with { type: 'json' };

export type HolidayKey = string;

export type HolidayConfig = {
  /** days of the week that are not worked: 0 = Sunday … 6 = Saturday */
  weekend: number[];
  /** a holiday on a weekend moves the day off to the next working day (Labour Code art. 113) */
  weekendHolidayMovesToNextWorkingDay: boolean;
  /** holidays on the same day every year, "MM-DD" */
  fixed: { key: HolidayKey; date: string }[];
  /** per year: the movable holidays (set yearly by decree) and the Cabinet's transfers */
  years: Record<
    string,
    {
      movable: { key: HolidayKey; date: string; setBy?: string; estimated?: boolean }[];
      extraDaysOff?: string[];
      extraWorkingDays?: string[];
    }
  >;
};

/** Why a day is not worked. */
export type DayOff =
  | { kind: 'weekend' }
  | { kind: 'holiday'; key: HolidayKey; estimated: boolean }
  /** the day off of a holiday that fell on a weekend */
  | { kind: 'moved'; key: HolidayKey; from: string }
  | { kind: 'extra' };

const DAY_MS = 86_400_000;
/** Asia/Bishkek: UTC+6 all year. */
const OFFSET_MS = 6 * 3_600_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const dayNumber = (date: string): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const dateOf = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

function assertDate(date: string): void {
  if (!DATE.test(date) || Number.isNaN(dayNumber(date))) throw new RangeError(`not a date: ${date}`);
}

/** The local (Bishkek) calendar day of an instant, "YYYY-MM-DD". */
export function bishkekDate(instant: Date): string {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant of a local Bishkek date and time ("HH:MM"). */
export function bishkekInstant(date: string, time = '00:00'): Date {
  assertDate(date);
  return new Date(`${date}T${time}:00+06:00`);
}

/** The last millisecond of a local Bishkek day. */
export function endOfBishkekDay(date: string): Date {
  return new Date(bishkekInstant(date).getTime() + DAY_MS - 1);
}

/** Day of the week of a date: 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** Adds calendar days to a date. */
export function addDays(date: string, n: number): string {
  return dateOf(dayNumber(date) + n);
}

/** ISO 8601 week of a date, e.g. "2026-W15". */
export function isoWeek(date: string): string {
  const day = dayNumber(date);
  const dow = (weekday(date) + 6) % 7; // Monday = 0
  const thursday = day - dow + 3;
  const year = dateOf(thursday).slice(0, 4);
  const jan1 = dayNumber(`${year}-01-01`);
  const week = Math.floor((thursday - jan1) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The Monday of the ISO week holding the date. */
export function mondayOf(date: string): string {
  return addDays(date, -((weekday(date) + 6) % 7));
}

export type WorkingDayCalendar = ReturnType<typeof workingDayCalendar>;

export function workingDayCalendar(config: HolidayConfig) {
  const weekend = new Set(config.weekend);
  const cache = new Map<number, Map<string, DayOff>>();

  /** Every day off of a year that is not a plain weekend (holidays, moved days off, extra days). */
  function daysOffOf(year: number): Map<string, DayOff> {
    const hit = cache.get(year);
    if (hit) return hit;
    const out = new Map<string, DayOff>();
    const y = config.years[String(year)];
    const holidays: { key: string; date: string; estimated: boolean }[] = [
      ...config.fixed.map((h) => ({ key: h.key, date: `${year}-${h.date}`, estimated: false })),
      ...(y?.movable ?? []).map((h) => ({ key: h.key, date: h.date, estimated: h.estimated === true })),
    ].sort((a, b) => a.date.localeCompare(b.date));
    for (const h of holidays)
      if (!out.has(h.date)) out.set(h.date, { kind: 'holiday', key: h.key, estimated: h.estimated });
    for (const d of y?.extraDaysOff ?? []) if (!out.has(d)) out.set(d, { kind: 'extra' });
    if (config.weekendHolidayMovesToNextWorkingDay) {
      for (const h of holidays) {
        if (!weekend.has(weekday(h.date))) continue;
        // the first day after the holiday that is neither a weekend nor already off
        let d = addDays(h.date, 1);
        while (weekend.has(weekday(d)) || out.has(d)) d = addDays(d, 1);
        out.set(d, { kind: 'moved', key: h.key, from: h.date });
      }
    }
    cache.set(year, out);
    return out;
  }

  function dayOff(date: string): DayOff | null {
    assertDate(date);
    const year = Number(date.slice(0, 4));
    const y = config.years[String(year)];
    if (y?.extraWorkingDays?.includes(date)) return null;
    const special = daysOffOf(year).get(date);
    if (special) return special;
    // a day moved from a December holiday into January
    const fromLastYear = daysOffOf(year - 1).get(date);
    if (fromLastYear) return fromLastYear;
    return weekend.has(weekday(date)) ? { kind: 'weekend' } : null;
  }

  const isWorkingDay = (date: string): boolean => dayOff(date) === null;

  /** The n-th working day after `date` (n ≥ 1); `date` itself is not counted. */
  function addWorkingDays(date: string, n: number): string {
    if (!Number.isInteger(n) || n < 0) throw new RangeError('n must be a whole number ≥ 0');
    let d = date;
    for (let left = n; left > 0; ) {
      d = addDays(d, 1);
      if (isWorkingDay(d)) left--;
    }
    return d;
  }

  /** The n-th working day before `date` (n ≥ 1). */
  function subtractWorkingDays(date: string, n: number): string {
    let d = date;
    for (let left = n; left > 0; ) {
      d = addDays(d, -1);
      if (isWorkingDay(d)) left--;
    }
    return d;
  }

  /** Working days in (from, to]: how many working days `to` lies after `from` (negative when before). */
  function workingDaysBetween(from: string, to: string): number {
    if (to === from) return 0;
    const sign = to > from ? 1 : -1;
    let n = 0;
    for (let d = from; d !== to; ) {
      d = addDays(d, sign);
      if (isWorkingDay(d)) n++;
    }
    return sign * n;
  }

  /** The working day itself, or the next one. */
  function onOrNextWorkingDay(date: string): string {
    let d = date;
    while (!isWorkingDay(d)) d = addDays(d, 1);
    return d;
  }

  return {
    dayOff,
    isWorkingDay,
    addWorkingDays,
    subtractWorkingDays,
    workingDaysBetween,
    onOrNextWorkingDay,
    /** whether the year's movable holidays are configured */
    isConfigured: (year: number): boolean => config.years[String(year)] !== undefined,
    /** the non-weekend days off of a year, in date order (for docs and checks) */
    holidaysOf(year: number): { date: string; off: DayOff }[] {
      return [...daysOffOf(year)]
        .filter(([d]) => d.startsWith(`${year}-`))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([date, off]) => ({ date, off }));
    },
    /**
     * The deadline of something received at `at` and due within `days` working days: the end (local
     * midnight) of the `days`-th working day after the day it was received. Something received on a
     * day off counts from the next working day, as if received then (Law No. 67: registered within
     * one working day, answered within 14).
     */
    deadline(at: Date, days: number): Date {
      // received on a day off: the next working day is the day it is registered (day 0)
      const registered = onOrNextWorkingDay(bishkekDate(at));
      return endOfBishkekDay(addWorkingDays(registered, days));
    },
    /**
     * The next instant at `time` local on a working day that is not before `at` (reminders at
     * sensible hours): today at `time` if still ahead and a working day, else the next working day's.
     */
    nextWorkingMoment(at: Date, time = '09:00'): Date {
      const today = bishkekDate(at);
      const candidate = bishkekInstant(today, time);
      if (isWorkingDay(today) && candidate.getTime() >= at.getTime()) return candidate;
      return bishkekInstant(onOrNextWorkingDay(addDays(today, 1)), time);
    },
  };
}

/** The Kyrgyz calendar from ./holidays-kg.json. */
export const KG_CALENDAR: WorkingDayCalendar = workingDayCalendar(holidaysKg as HolidayConfig);

/** Appeals are answered within this many working days (Law No. 67 of 4 May 2007). */
export const APPEAL_WORKING_DAYS = 14;

/** Holiday names per language, from the configuration (for messages and documentation). */
export const HOLIDAY_NAMES: Readonly<Record<string, { ky: string; ru: string; en: string }>> =
  holidaysKg.names;
