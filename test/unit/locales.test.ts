import { describe, expect, it } from 'vitest';
import { catalogueKeys, translator } from '../../bot/i18n.ts';

describe('message catalogues (K-CORE-7)', () => {
  it('have the same keys in Kyrgyz, Russian and English', () => {
    const ky = catalogueKeys('ky');
    expect(catalogueKeys('ru')).toEqual(ky);
    expect(catalogueKeys('en')).toEqual(ky);
  });

  it('write Kyrgyz with its own letters and pluralise Russian by its rules', () => {
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
