import { describe, expect, it } from 'vitest';
import { accessText } from '../../bot/features/parent/access.ts';
import { translator, UI_LANGUAGES } from '../../bot/i18n.ts';
import type { AccessEntry } from '../../core/services/school/admissions.ts';

// Every code the access log holds (core/services/school/{rules,classes}.ts, oversight/coverage.ts):
// a parent reading /access sees words for each, never the code itself.
const CODES = [
  'list',
  'card',
  'registry_data',
  'class_list',
  'class_list_file',
  'class_placement',
  'coverage.list',
  'coverage.child',
  'something_new',
];

describe('/access names what was read in the parent’s language', () => {
  it.each(UI_LANGUAGES)('in %s, with no raw log code', (lang) => {
    const entries = CODES.map(
      (what, i) =>
        ({
          at: new Date(Date.UTC(2026, 3, 2 + i)),
          applicationNumber: '2026-0000001',
          role: 'director',
          place: { kind: 'nation' },
          what,
          purpose: 'admission',
        }) as unknown as AccessEntry,
    );
    const text = accessText(translator(lang), lang, '2026-0000001', entries);
    for (const code of CODES.filter((c) => /[_.]/.test(c))) expect(text).not.toContain(code);
    expect(text).not.toMatch(/[a-z]+_[a-z]+/); // no snake_case key of any kind
  });
});
