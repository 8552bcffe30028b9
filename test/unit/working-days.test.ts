import { describe, expect, it } from 'vitest';
import {
  APPEAL_WORKING_DAYS,
  bishkekDate,
  bishkekInstant,
  endOfBishkekDay,
  isoWeek,
  KG_CALENDAR as kg,
  mondayOf,
  workingDayCalendar,
} from '../../core/domain/working-days.ts';

describe('the Kyrgyz working-day calendar (K-OVER-4)', () => {
  it('knows weekends, fixed holidays and the yearly Islamic holidays of 2026 and 2027', () => {
    expect(kg.dayOff('2026-04-04')).toEqual({ kind: 'weekend' }); // Saturday
    expect(kg.dayOff('2026-04-05')).toEqual({ kind: 'weekend' }); // Sunday
    expect(kg.isWorkingDay('2026-04-06')).toBe(true);
    for (const d of [
      '2026-01-01',
      '2026-01-07',
      '2026-02-23',
      '2026-04-07',
      '2026-05-01',
      '2026-05-05',
      '2026-08-31',
      '2027-01-01',
      '2027-03-08',
      '2027-08-31',
    ])
      expect(kg.dayOff(d), d).toMatchObject({ kind: 'holiday' });
    expect(kg.dayOff('2026-03-20')).toEqual({ kind: 'holiday', key: 'orozo_ait', estimated: true });
    expect(kg.dayOff('2026-05-27')).toMatchObject({ kind: 'holiday', key: 'kurman_ait' });
    expect(kg.dayOff('2027-03-10')).toMatchObject({ kind: 'holiday', key: 'orozo_ait' });
    expect(kg.isConfigured(2026)).toBe(true);
    expect(kg.isConfigured(2027)).toBe(true);
    expect(kg.isConfigured(2031)).toBe(false);
  });

  it('moves the day off of a holiday on a weekend to the next working day', () => {
    // 8 March 2026 is a Sunday, Nooruz (21 March 2026) a Saturday, Victory Day (9 May 2026) a Saturday
    expect(kg.dayOff('2026-03-08')).toMatchObject({ kind: 'holiday', key: 'womens_day' });
    expect(kg.dayOff('2026-03-09')).toEqual({ kind: 'moved', key: 'womens_day', from: '2026-03-08' });
    expect(kg.dayOff('2026-03-23')).toEqual({ kind: 'moved', key: 'nooruz', from: '2026-03-21' });
    expect(kg.dayOff('2026-05-11')).toEqual({ kind: 'moved', key: 'victory_day', from: '2026-05-09' });
    // 7 and 8 November 2026 (Saturday, Sunday): both days off move, to Monday and Tuesday
    expect(kg.dayOff('2026-11-09')).toMatchObject({ kind: 'moved', from: '2026-11-07' });
    expect(kg.dayOff('2026-11-10')).toMatchObject({ kind: 'moved', from: '2026-11-08' });
    expect(kg.isWorkingDay('2026-11-11')).toBe(true);
  });

  it('counts 14 working days across weekends', () => {
    // filed on Monday 13 April 2026: two full weeks, no holiday → Friday 1 May is Labour Day, so Monday 4 May
    expect(kg.addWorkingDays('2026-04-13', 14)).toBe('2026-05-04');
    // filed on Tuesday 1 September 2026 (no holiday in the next weeks): Friday 18 September... + weekend
    expect(kg.addWorkingDays('2026-09-01', 14)).toBe('2026-09-21');
    expect(kg.workingDaysBetween('2026-09-01', '2026-09-21')).toBe(14);
    expect(kg.workingDaysBetween('2026-09-21', '2026-09-01')).toBe(-14);
    expect(kg.subtractWorkingDays('2026-09-21', 14)).toBe('2026-09-01');
  });

  it('gives an appeal filed before Nooruz its due date after Orozo Ait, Nooruz and its moved day off', () => {
    // Friday 13 March 2026, 15:30 in Bishkek. Working days after it: 16, 17, 18, 19 March (4); 20 March
    // Orozo Ait, 21–22 weekend (Nooruz on Saturday), 23 March Nooruz's day off; 24–27 March (8);
    // 30, 31 March, 1–3 April (13); 6 April (14). Without the holidays it would be 2 April.
    const filed = bishkekInstant('2026-03-13', '15:30');
    const due = kg.deadline(filed, APPEAL_WORKING_DAYS);
    expect(bishkekDate(due)).toBe('2026-04-06');
    expect(due).toEqual(endOfBishkekDay('2026-04-06'));
    expect(due.toISOString()).toBe('2026-04-06T17:59:59.999Z');
    const plain = workingDayCalendar({
      weekend: [0, 6],
      weekendHolidayMovesToNextWorkingDay: false,
      fixed: [],
      years: {},
    });
    expect(bishkekDate(plain.deadline(filed, 14))).toBe('2026-04-02');
  });

  it('counts an appeal filed on a day off from the next working day', () => {
    // Saturday 2 May 2026 (between Labour Day and Constitution Day): registered Monday 4 May;
    // 5 May Constitution Day, 11 May Victory Day's day off, 27 May Kurman Ait
    const filed = bishkekInstant('2026-05-02', '11:00');
    expect(bishkekDate(kg.deadline(filed, 14))).toBe('2026-05-26');
    // the same appeal filed late on Friday evening in Bishkek is still Friday (UTC is the same day)
    expect(bishkekDate(kg.deadline(new Date('2026-04-24T17:59:00Z'), 1))).toBe('2026-04-27');
    // just after local midnight it is already Saturday: registered Monday, due Tuesday
    expect(bishkekDate(kg.deadline(new Date('2026-04-24T18:00:00Z'), 1))).toBe('2026-04-28');
  });

  it('crosses the year: the New Year and Orthodox Christmas of 2027', () => {
    // Thursday 24 December 2026 → 25 (1), 28–31 (5), 1 Jan holiday, 4–6 (8), 7 Christmas, 8 (9), 11–15 (14)
    expect(kg.addWorkingDays('2026-12-24', 14)).toBe('2027-01-15');
  });

  it('honours the Cabinet’s transfers: extra days off and working Saturdays', () => {
    const cal = workingDayCalendar({
      weekend: [0, 6],
      weekendHolidayMovesToNextWorkingDay: true,
      fixed: [{ key: 'new_year', date: '01-01' }],
      years: { '2026': { movable: [], extraDaysOff: ['2026-01-02'], extraWorkingDays: ['2026-01-03'] } },
    });
    expect(cal.dayOff('2026-01-02')).toEqual({ kind: 'extra' });
    expect(cal.isWorkingDay('2026-01-03')).toBe(true);
    expect(cal.addWorkingDays('2025-12-31', 1)).toBe('2026-01-03');
  });

  it('chooses a sensible local hour on a working day for reminders', () => {
    // Friday 13 March 2026 at 20:00 → Monday 16 March 09:00
    expect(kg.nextWorkingMoment(bishkekInstant('2026-03-13', '20:00'))).toEqual(
      bishkekInstant('2026-03-16', '09:00'),
    );
    // the same day when still ahead
    expect(kg.nextWorkingMoment(bishkekInstant('2026-03-13', '07:00'))).toEqual(
      bishkekInstant('2026-03-13', '09:00'),
    );
  });

  it('names ISO weeks for the weekly digests', () => {
    expect(isoWeek('2026-01-01')).toBe('2026-W01');
    expect(isoWeek('2027-01-01')).toBe('2026-W53');
    expect(isoWeek('2026-04-06')).toBe('2026-W15');
    expect(mondayOf('2026-04-09')).toBe('2026-04-06');
    expect(mondayOf('2026-04-06')).toBe('2026-04-06');
  });
});
