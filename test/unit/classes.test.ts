import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLASS_LETTERS,
  classIndex,
  classLimit,
  classNameAt,
  formClasses,
  type Pupil,
  sexOf,
} from '../../core/services/school/classes.ts';

const pupil = fc.record({
  surname: fc.constantFrom('Асанов', 'Өмүрбекова', 'Ташиев', 'Иванова', 'Ңаев', 'Үсөнов', 'Абдыкадыров'),
  name: fc.constantFrom('Айгүл', 'Бакыт', 'Нурбек', 'Елена', 'Мээрим', 'Айбек'),
  sex: fc.constantFrom<'F' | 'M' | null>('F', 'M', 'F', 'M', null),
});
const pupils = fc
  .array(pupil, { maxLength: 200 })
  .map((xs) => xs.map((p, i): Pupil => ({ key: `a:${i}`, ...p })));
const limit = fc.integer({ min: 1, max: 36 });

const count = (c: Pupil[], sex: 'F' | 'M') => c.filter((p) => p.sex === sex).length;

describe('class formation (K-SCHOOL-7, R-10.8)', () => {
  it('names classes with the Cyrillic letters schools use', () => {
    expect(classNameAt(0)).toBe('1-А');
    expect(classNameAt(1)).toBe('1-Б');
    expect(classNameAt(9)).toBe('1-К'); // Й is skipped
    expect(CLASS_LETTERS).not.toContain('Ё');
    expect(CLASS_LETTERS).not.toContain('Ы');
    expect(classIndex('1-В')).toBe(2);
    expect(classIndex('2-А')).toBe(-1);
    expect(() => classNameAt(CLASS_LETTERS.length)).toThrow();
    expect(classLimit(40)).toBe(36);
    expect(classLimit(null)).toBe(25);
  });

  it('puts every child in exactly one class, none above the size, sizes within one', () => {
    fc.assert(
      fc.property(pupils, limit, (ps, l) => {
        const classes = formClasses(ps, l);
        expect(classes.length).toBe(Math.ceil(ps.length / l));
        const keys = classes.flat().map((p) => p.key);
        expect(keys.length).toBe(ps.length);
        expect(new Set(keys)).toEqual(new Set(ps.map((p) => p.key)));
        for (const c of classes) expect(c.length).toBeLessThanOrEqual(l);
        const sizes = classes.map((c) => c.length);
        if (sizes.length > 0) expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('spreads girls and boys evenly; in each class they differ by at most one when the numbers allow', () => {
    fc.assert(
      fc.property(pupils, limit, (ps, l) => {
        const classes = formClasses(ps, l);
        if (classes.length === 0) return;
        for (const sex of ['F', 'M'] as const) {
          const per = classes.map((c) => count(c, sex));
          expect(Math.max(...per) - Math.min(...per)).toBeLessThanOrEqual(1);
        }
        const girls = ps.filter((p) => p.sex === 'F').length;
        const boys = ps.filter((p) => p.sex === 'M').length;
        if (Math.abs(girls - boys) <= 1 && girls + boys === ps.length) {
          for (const c of classes) expect(Math.abs(count(c, 'F') - count(c, 'M'))).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('is deterministic: the same children in any order give the same classes', () => {
    fc.assert(
      fc.property(pupils, limit, fc.nat(), (ps, l, r) => {
        const at = ps.length === 0 ? 0 : r % ps.length;
        const shuffled = [...ps.slice(at), ...ps.slice(0, at)].reverse();
        const a = formClasses(ps, l).map((c) => c.map((p) => p.key));
        const b = formClasses(shuffled, l).map((c) => c.map((p) => p.key));
        expect(b).toEqual(a);
      }),
    );
  });

  it('lists each class alphabetically and reads the sex of a direct admission', () => {
    const classes = formClasses(
      [
        { key: 'a:1', surname: 'Үсөнов', name: 'Айбек', sex: 'M' },
        { key: 'a:2', surname: 'Асанова', name: 'Айгүл', sex: 'F' },
        { key: 'a:3', surname: 'Өмүрбеков', name: 'Нурбек', sex: 'M' },
      ],
      25,
    );
    expect(classes).toHaveLength(1);
    expect(classes[0]?.map((p) => p.surname)[0]).toBe('Асанова');
    expect(sexOf('F')).toBe('F');
    expect(sexOf('кыз')).toBe('F');
    expect(sexOf('мальчик')).toBe('M');
    expect(sexOf('эркек')).toBe('M');
    expect(sexOf('?')).toBeNull();
    expect(sexOf(null)).toBeNull();
  });
});
