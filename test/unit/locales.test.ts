import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogueKeys, translator, UI_LANGUAGES, type UiLanguage } from '../../bot/i18n.ts';

// Every catalogue of every namespace (the bot's, the sign-in pages', the demo outbox's, the simulator's).
const dir = (lang: string) => new URL(`../../locales/${lang}/`, import.meta.url);
const NAMESPACES = readdirSync(dir('ky'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''))
  .sort();

function flat(lang: UiLanguage): Map<string, string> {
  const out = new Map<string, string>();
  for (const ns of NAMESPACES) {
    const walk = (o: Record<string, unknown>, pre: string) => {
      for (const [k, v] of Object.entries(o)) {
        const key = pre ? `${pre}.${k}` : k;
        if (v && typeof v === 'object') walk(v as Record<string, unknown>, key);
        else out.set(`${ns}:${key}`, String(v));
      }
    };
    walk(JSON.parse(readFileSync(new URL(`${ns}.json`, dir(lang)), 'utf8')), '');
  }
  return out;
}
const CATALOGUES = Object.fromEntries(UI_LANGUAGES.map((l) => [l, flat(l)])) as Record<
  UiLanguage,
  Map<string, string>
>;

/** A key without its plural or ordinal form (`count_one`, `ordinal_ordinal_few`): languages differ there. */
const base = (key: string) => key.replace(/(_ordinal)?_(zero|one|two|few|many|other)$/, '');

/** What a key's messages carry, over all its plural forms: placeholders with their format, and HTML tags. */
function shape(lang: UiLanguage) {
  const placeholders = new Map<string, Set<string>>();
  const tags = new Map<string, string>();
  for (const [key, value] of CATALOGUES[lang]) {
    const k = base(key);
    const set = placeholders.get(k) ?? new Set<string>();
    for (const m of value.matchAll(/\{\{\s*([^}]+?)\s*\}\}/g)) {
      const [name, format] = (m[1] as string).split(',').map((s) => s.trim());
      // the case may differ by language (Kyrgyz dative, Russian none); the kind of format may not
      set.add(format ? `${name}, ${format.replace(/\(.*$/, '')}` : (name as string));
    }
    placeholders.set(k, set);
    if (!tags.has(k)) tags.set(k, [...value.matchAll(/<\/?[a-z]+/g)].map((m) => m[0]).join(' '));
  }
  return { placeholders, tags };
}

describe('message catalogues (K-CORE-7), every namespace', () => {
  it('are all checked: the namespaces the bot, the sign-in pages, the outbox and the simulator read', () => {
    expect(NAMESPACES).toEqual(
      expect.arrayContaining(['bot', 'wizard', 'notify', 'idp', 'outbox', 'sim', 'auth']),
    );
    for (const lang of UI_LANGUAGES)
      expect(readdirSync(dir(lang)).sort()).toEqual(NAMESPACES.map((n) => `${n}.json`));
  });

  it('have the same keys in Kyrgyz, Russian and English', () => {
    const keys = (l: UiLanguage) => [...new Set([...CATALOGUES[l].keys()].map(base))].sort();
    expect(keys('ru')).toEqual(keys('ky'));
    expect(keys('en')).toEqual(keys('ky'));
    for (const ns of ['bot', 'wizard', 'notify'])
      expect(catalogueKeys('ru', ns)).toEqual(catalogueKeys('ky', ns));
  });

  it('carry the same placeholders (and the same kind of format) and the same HTML tags in every language', () => {
    const ky = shape('ky');
    for (const lang of ['ru', 'en'] as const) {
      const other = shape(lang);
      for (const [key, set] of ky.placeholders)
        expect({ key, placeholders: [...(other.placeholders.get(key) ?? [])].sort() }).toEqual({
          key,
          placeholders: [...set].sort(),
        });
      for (const [key, tags] of ky.tags) expect({ key, tags: other.tags.get(key) }).toEqual({ key, tags });
    }
  });

  it('balance every HTML tag', () => {
    for (const lang of UI_LANGUAGES)
      for (const [key, value] of CATALOGUES[lang]) {
        const stack: string[] = [];
        for (const m of value.matchAll(/<(\/?)([a-z]+)[^>]*>/g)) {
          if (!m[1]) stack.push(m[2] as string);
          else expect({ key, lang, closes: m[2] }).toEqual({ key, lang, closes: stack.pop() });
        }
        expect({ key, lang, open: stack }).toEqual({ key, lang, open: [] });
      }
  });

  it('never show an internal rule or requirement id (R-14.6, K-CORE-7) to a reader', () => {
    const found: string[] = [];
    for (const lang of UI_LANGUAGES)
      for (const [key, value] of CATALOGUES[lang])
        if (/R-\d|K-[A-Z]/.test(value)) found.push(`${lang} ${key}: ${value.slice(0, 80)}`);
    expect(found).toEqual([]);
  });

  it('write a Russian date with its «г.» and never end a sentence after it with a second dot', () => {
    const found = [...CATALOGUES.ru]
      .filter(([, v]) => /\{\{[^}]*,\s*date[^}]*\}\}\./.test(v))
      .map(([k]) => k);
    expect(found).toEqual([]);
  });

  it('use one word per concept: ЖИН (not ПИН) and кезек (not күтүү тизмеси) in Kyrgyz, one spelling of the name', () => {
    const found: string[] = [];
    for (const [key, value] of CATALOGUES.ky) {
      if (/ПИН/.test(value.replace(/\{\{[^}]*\}\}/g, ''))) found.push(`ky ${key}: ПИН`);
      if (/күтүү тизме/i.test(value)) found.push(`ky ${key}: күтүү тизмеси`);
    }
    // Каттоо in Kyrgyz and Russian text, Kattoo in English
    for (const lang of ['ky', 'ru'] as const)
      for (const [key, value] of CATALOGUES[lang])
        if (/Kattoo/.test(value)) found.push(`${lang} ${key}: Kattoo`);
    for (const [key, value] of CATALOGUES.en) if (/Каттоо/.test(value)) found.push(`en ${key}: Каттоо`);
    expect(found).toEqual([]);
  });

  it('write Kyrgyz with its own letters and pluralise Russian and English by their rules', () => {
    const ky = translator('ky');
    expect(ky('menu.schools')).toMatch(/[ңөү]|Мектеп/);
    expect(ky('card.seats_heading')).toContain('орундар');
    const ru = translator('ru');
    expect(ru('schools.count', { count: 1 })).toBe('Найдена 1 школа.');
    expect(ru('schools.count', { count: 3 })).toBe('Найдено 3 школы.');
    expect(ru('schools.count', { count: 25 })).toBe('Найдено 25 школ.');
    expect(translator('en')('schools.count', { count: 1 })).toBe('1 school found.');
  });

  it('remember a line asked without values, but fill in every line asked with values', () => {
    const ru = translator('ru');
    expect(translator('ru')).toBe(ru); // one per language
    expect(ru('wizard:result.documents_only')).toBe(ru('wizard:result.documents_only'));
    expect(ru('wizard:result.documents_only')).not.toBe(translator('ky')('wizard:result.documents_only'));
    expect(ru('wizard:result.admitted', { status: 'A', number: '1' })).toContain('№ 1');
    expect(ru('wizard:result.admitted', { status: 'B', number: '2' })).toContain('№ 2');
    expect(ru('schools.count', { count: 3 })).toBe('Найдено 3 школы.');
  });
});
