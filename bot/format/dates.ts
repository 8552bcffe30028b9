// Dates and times as people in Kyrgyzstan read them: Asia/Bishkek, day first. A date inside a sentence
// takes the case its postposition or verb needs in Kyrgyz («15-сентябрга чейин», «2-апрелден бери»,
// «1-июнда ачылат»); the message chooses the case: `{{due, date(case: dative)}}` (bot/i18n.ts).
import { TIME_ZONE } from '../../core/clock.ts';
import type { UiLanguage } from '../i18n.ts';
import { type GrammaticalCase, inCase, timeInCase } from './kyrgyz-case.ts';

const LOCALE: Record<UiLanguage, string> = { ky: 'ky-KG', ru: 'ru-RU', en: 'en-GB' };

/** The Kyrgyz month names (nominative), January first. */
export const KY_MONTHS = [
  'январь',
  'февраль',
  'март',
  'апрель',
  'май',
  'июнь',
  'июль',
  'август',
  'сентябрь',
  'октябрь',
  'ноябрь',
  'декабрь',
] as const;

// Formatters are costly to build: one per language (and time zone), made on first use.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = formatters.get(key);
  if (!f) {
    f = make();
    formatters.set(key, f);
  }
  return f;
}

export function formatDateTime(d: Date, lang: UiLanguage): string {
  return formatter(
    `dt:${lang}`,
    () =>
      new Intl.DateTimeFormat(LOCALE[lang], {
        timeZone: TIME_ZONE,
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      }),
  ).format(d);
}

/** A time of day to the second, e.g. 14:05:09 (when something was last tried). */
export function formatTime(d: Date, lang: UiLanguage): string {
  return formatter(
    `t:${lang}`,
    () =>
      new Intl.DateTimeFormat(LOCALE[lang], {
        timeZone: TIME_ZONE,
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      }),
  ).format(d);
}

export function formatDate(d: Date, lang: UiLanguage, timeZone = TIME_ZONE): string {
  return formatter(
    `d:${lang}:${timeZone}`,
    () => new Intl.DateTimeFormat(LOCALE[lang], { timeZone, day: 'numeric', month: 'long', year: 'numeric' }),
  ).format(d);
}

/**
 * A date to be worded by the message that carries it (the i18next `date` format): a calendar day
 * (a birth date, read in UTC) or an instant (read in Bishkek), with or without the time of day.
 */
export class When {
  constructor(
    readonly at: Date,
    readonly time: boolean,
    readonly zone: string,
  ) {}
  /** Never shown: a message that forgets `, date` prints this, and the locale and bot tests catch it. */
  toString(): string {
    return `[date ${this.at.toISOString()} without format]`;
  }
}

/** An instant's day in Bishkek. */
export const onDay = (d: Date) => new When(d, false, TIME_ZONE);
/** An instant's day and time in Bishkek. */
export const atTime = (d: Date) => new When(d, true, TIME_ZONE);
/** A calendar day written YYYY-MM-DD (birth dates, campaign windows). */
export const calendarDay = (ymd: string) => new When(new Date(`${ymd}T00:00:00Z`), false, 'UTC');

function parts(w: When): { year: number; month: number; day: number; time: string } {
  const f = formatter(
    `parts:${w.zone}`,
    () =>
      new Intl.DateTimeFormat('en-GB', {
        timeZone: w.zone,
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }),
  );
  const p = Object.fromEntries(f.formatToParts(w.at).map((x) => [x.type, x.value]));
  return { year: Number(p.year), month: Number(p.month), day: Number(p.day), time: `${p.hour}:${p.minute}` };
}

/**
 * A date in the case a Kyrgyz sentence needs. With the year: «2026-жылы 15-сентябрга»; with the time
 * the day takes the locative and the time the case: «2026-жылы 15-сентябрда саат 18:00гө». The
 * nominative is the label form «2026-ж., 15-сентябрь». Russian and English need no case of their own:
 * «15 сентября 2026 г.» is already the genitive that до/с/по take.
 */
export function formatWhen(w: When, lang: UiLanguage, c: GrammaticalCase = 'nominative'): string {
  if (Number.isNaN(w.at.getTime())) return '—';
  if (lang !== 'ky' || c === 'nominative')
    return w.time ? formatDateTime(w.at, lang) : formatDate(w.at, lang, w.zone);
  const { year, month, day, time } = parts(w);
  const monthName = KY_MONTHS[month - 1] as string;
  if (!w.time) return `${year}-жылы ${day}-${inCase(monthName, c)}`;
  return `${year}-жылы ${day}-${inCase(monthName, 'locative')} саат ${timeInCase(time, c)}`;
}
