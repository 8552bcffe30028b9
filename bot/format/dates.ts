// Dates and times as people in Kyrgyzstan read them: Asia/Bishkek, day first.
import { TIME_ZONE } from '../../core/clock.ts';
import type { UiLanguage } from '../i18n.ts';

const LOCALE: Record<UiLanguage, string> = { ky: 'ky-KG', ru: 'ru-RU', en: 'en-GB' };

export function formatDateTime(d: Date, lang: UiLanguage): string {
  return new Intl.DateTimeFormat(LOCALE[lang], {
    timeZone: TIME_ZONE,
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(d);
}

export function formatDate(d: Date, lang: UiLanguage, timeZone = TIME_ZONE): string {
  return new Intl.DateTimeFormat(LOCALE[lang], {
    timeZone,
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(d);
}
