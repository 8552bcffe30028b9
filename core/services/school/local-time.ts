// Local hours in Bishkek (UTC+6 all year, core/clock.ts) for what reaches people: reminders go out
// between 09:00 and 20:00; one that would fall at night moves to the next 09:00.
import { bishkekDate, bishkekInstant, KG_CALENDAR } from '../../domain/working-days.ts';

const H = 3_600_000;
const OFFSET = 6 * H;
const DAY = 24 * H;

export const QUIET_UNTIL_HOUR = 9;
export const QUIET_FROM_HOUR = 20;

/** Milliseconds since local midnight. */
function localMs(d: Date): number {
  return (((d.getTime() + OFFSET) % DAY) + DAY) % DAY;
}

/** The instant of local midnight of the day `d` falls on. */
export function localMidnight(d: Date): Date {
  return new Date(d.getTime() - localMs(d));
}

/** `d` itself when it falls between 09:00 and 20:00 local time, else the next 09:00. */
export function atSensibleHour(d: Date): Date {
  const ms = localMs(d);
  if (ms >= QUIET_UNTIL_HOUR * H && ms <= QUIET_FROM_HOUR * H) return d;
  const nine = localMidnight(d).getTime() + QUIET_UNTIL_HOUR * H;
  return new Date(ms < QUIET_UNTIL_HOUR * H ? nine : nine + DAY);
}

/** Local `hour`:00 of the day `days` after the day of `d` (negative: before). */
export function localDayAt(d: Date, days: number, hour: number): Date {
  return new Date(localMidnight(d).getTime() + days * DAY + hour * H);
}

/** The local calendar date (YYYY-MM-DD) of an instant. */
export function localDate(d: Date): string {
  return new Date(d.getTime() + OFFSET).toISOString().slice(0, 10);
}

/** The least working days a child offered a seat late has to bring the documents (K-SEAT-4, decision 0009). */
export const OFFER_WORKING_DAYS = 5;
/** Local hour at which a documents deadline set by Kattoo ends (schools receive documents in the day). */
export const OFFER_END_HOUR = 18;

/**
 * The documents deadline of a seat offered now (a freed seat, or a submission in a late stage): the
 * campaign's while at least `workingDays` working days of the Kyrgyz calendar are left of it,
 * else 18:00 of the `workingDays`-th working day after today (today not counted). Six documents —
 * a notarised copy and two medical originals among them — cannot be gathered over a weekend or a
 * holiday; and a seat offered after the campaign's deadline would otherwise reach the child already
 * expired, and the release job would run down the whole waitlist in one pass.
 */
export function offerDeadline(now: Date, campaignDeadline: Date, workingDays = OFFER_WORKING_DAYS): Date {
  const day = KG_CALENDAR.addWorkingDays(bishkekDate(now), Math.max(1, workingDays));
  const least = bishkekInstant(day, `${String(OFFER_END_HOUR).padStart(2, '0')}:00`);
  return campaignDeadline.getTime() >= least.getTime() ? campaignDeadline : least;
}
