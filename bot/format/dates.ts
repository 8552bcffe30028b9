// Dates and times as people in Kyrgyzstan read them: Asia/Bishkek, day first.
import { TIME_ZONE } from '../../core/clock.ts';
import type { UiLanguage } from '../i18n.ts';

const LOCALE: Record<UiLanguage, string> = { ky: 'ky-KG', ru: 'ru-RU', en: 'en-GB' };

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
