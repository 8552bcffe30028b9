// i18next with JSON catalogues in locales/{ky,ru,en}/bot.json; Kyrgyz first (K-CORE-7).
import { readFileSync } from 'node:fs';
import i18next, { type TFunction } from 'i18next';
import { formatWhen, When } from './format/dates.ts';
import { isGrammaticalCase, numberInCase } from './format/kyrgyz-case.ts';

export const UI_LANGUAGES = ['ky', 'ru', 'en'] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];
export const DEFAULT_LANGUAGE: UiLanguage = 'ky';

export type Translate = TFunction;

function catalogue(lang: UiLanguage, ns: string): Record<string, unknown> {
  const url = new URL(`../locales/${lang}/${ns}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8'));
}

/** Catalogues: `bot` (default), `parent` (sign-in, my data), `staff` (staff links), `auth` (sign-in pages), `notify`, `wizard` (registration, /status). */
export const NAMESPACES = [
  'bot',
  'parent',
  'staff',
  'auth',
  'notify',
  'wizard',
  'schoolops',
  'school',
  'reports',
  'oversight',
  'privacy',
] as const;

const instance = i18next.createInstance();
await instance.init({
  lng: DEFAULT_LANGUAGE,
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: [...UI_LANGUAGES],
  ns: [...NAMESPACES],
  defaultNS: 'bot',
  // Messages are Telegram HTML: values are escaped where they are inserted (bot/format/html.ts).
  interpolation: { escapeValue: false },
  returnNull: false,
  resources: Object.fromEntries(
    UI_LANGUAGES.map((l) => [l, Object.fromEntries(NAMESPACES.map((ns) => [ns, catalogue(l, ns)]))]),
  ),
});

// Case-aware formats a message chooses: `{{due, date(case: dative)}}` («15-сентябрга» in Kyrgyz,
// «15 сентября» in Russian) and `{{max, num(case: dative)}}` («36га»). Values that are not a date or a
// number (a «—» for "none") pass through unchanged.
const caseOf = (o: Record<string, unknown> | undefined) =>
  isGrammaticalCase(o?.case) ? o.case : 'nominative';
instance.services.formatter?.add('date', (value: unknown, lng: string | undefined, options) =>
  value instanceof When
    ? formatWhen(value, isUiLanguage(lng) ? lng : DEFAULT_LANGUAGE, caseOf(options))
    : String(value),
);
instance.services.formatter?.add('num', (value: unknown, lng: string | undefined, options) =>
  typeof value === 'number' && lng === 'ky' ? numberInCase(value, caseOf(options)) : String(value),
);

/**
 * One translator per language, made once. A key asked without options always gives the same text (the
 * catalogues are loaded once), so that text is remembered: a screen is mostly such lines, and i18next's
 * lookup was a tenth of the work of answering a press in the opening rush (bench/README.md).
 */
const translators = new Map<UiLanguage, Translate>(
  UI_LANGUAGES.map((lang) => {
    const fixed = instance.getFixedT(lang);
    const known = new Map<string, string>();
    const t = ((key: unknown, ...rest: unknown[]) => {
      if (rest.length > 0 || typeof key !== 'string')
        return (fixed as unknown as (...a: unknown[]) => unknown)(key, ...rest);
      let text = known.get(key);
      if (text === undefined) {
        text = fixed(key);
        // bounded, whatever keys are asked for: the catalogues have ~2,000 per language
        if (known.size < 10_000) known.set(key, text);
      }
      return text;
    }) as unknown as Translate;
    return [lang, t];
  }),
);

export function translator(lang: UiLanguage): Translate {
  return translators.get(lang) ?? (translators.get(DEFAULT_LANGUAGE) as Translate);
}

export function isUiLanguage(v: unknown): v is UiLanguage {
  return typeof v === 'string' && (UI_LANGUAGES as readonly string[]).includes(v);
}

/** A first guess before the user chooses: Telegram's app language is rarely `ky` (facts.md). */
export function guessLanguage(languageCode: string | undefined): UiLanguage {
  if (languageCode?.startsWith('ru')) return 'ru';
  if (languageCode?.startsWith('en')) return 'en';
  return DEFAULT_LANGUAGE;
}

/** Every key of one catalogue, flattened (used by the locale parity test). */
export function catalogueKeys(lang: UiLanguage, ns = 'bot'): string[] {
  const out: string[] = [];
  const walk = (o: Record<string, unknown>, pre: string) => {
    for (const [k, v] of Object.entries(o)) {
      const key = pre ? `${pre}.${k}` : k;
      if (v && typeof v === 'object') walk(v as Record<string, unknown>, key);
      else out.push(key.replace(/_(zero|one|two|few|many|other)$/, ''));
    }
  };
  walk(catalogue(lang, ns), '');
  return [...new Set(out)].sort();
}
