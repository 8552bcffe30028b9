import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isValidPin,
  makePin,
  normalizePin,
  PIN_PATTERN,
  parsePin,
  pinAgrees,
} from '../../core/domain/pin.ts';

const dateArb = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2999-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const sexArb = fc.constantFrom('F' as const, 'M' as const, 'unknown' as const);
const seqArb = fc.integer({ min: 0, max: 99_999 });

describe('PIN (ПИН): shape, date, sex', () => {
  it('reads the example from the reference facts', () => {
    expect(parsePin('20205199401330')).toEqual({
      ok: true,
      pin: '20205199401330',
      sex: 'M',
      birthDate: '1994-05-02',
      sequence: '01330',
    });
  });

  it('round-trips any sex, existing date and sequence (property)', () => {
    fc.assert(
      fc.property(sexArb, dateArb, seqArb, (sex, birthDate, sequence) => {
        const pin = makePin({ sex, birthDate, sequence });
        expect(pin).toMatch(PIN_PATTERN);
        const p = parsePin(pin);
        expect(p).toEqual({ ok: true, pin, sex, birthDate, sequence: String(sequence).padStart(5, '0') });
        expect(isValidPin(pin)).toBe(true);
        if (sex !== 'unknown') expect(pinAgrees(pin, { sex, birthDate })).toBe(true);
      }),
    );
  });

  it('accepts spaces and hyphens between digits, and gives the bare PIN back (property)', () => {
    fc.assert(
      fc.property(sexArb, dateArb, seqArb, fc.constantFrom(' ', '-', '  ', ' - '), (sex, d, s, sep) => {
        const pin = makePin({ sex, birthDate: d, sequence: s });
        const typed = `${pin.slice(0, 1)}${sep}${pin.slice(1, 9)}${sep}${pin.slice(9)}`;
        expect(normalizePin(typed)).toBe(pin);
        const p = parsePin(` ${typed} `);
        expect(p.ok && p.pin).toBe(pin);
        expect(isValidPin(typed)).toBe(false);
      }),
    );
  });

  it('refuses dates that do not exist (property over day 29..31 of every month)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 2999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 29, max: 31 }),
        seqArb,
        (y, m, d, s) => {
          const real = new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
          const pin = `2${String(d).padStart(2, '0')}${String(m).padStart(2, '0')}${y}${String(s).padStart(5, '0')}`;
          const p = parsePin(pin);
          expect(p.ok).toBe(real);
          if (!real) expect(p).toEqual({ ok: false, reason: 'no_such_date' });
        },
      ),
    );
  });

  it('never throws and never accepts a string that breaks the pattern (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (s) => {
        const p = parsePin(s);
        if (p.ok) expect(p.pin).toMatch(PIN_PATTERN);
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^\d{14}$/), (s) => {
        const p = parsePin(s);
        if (!PIN_PATTERN.test(s)) expect(p).toEqual({ ok: false, reason: 'bad_shape' });
      }),
    );
  });

  it('names the reason for each kind of bad input', () => {
    expect(parsePin('')).toEqual({ ok: false, reason: 'empty' });
    expect(parsePin('   ')).toEqual({ ok: false, reason: 'empty' });
    expect(parsePin('2020519940133O')).toEqual({ ok: false, reason: 'not_digits' });
    expect(parsePin('２０２０５１９９４０１３３０')).toEqual({ ok: false, reason: 'not_digits' });
    expect(parsePin('2020519940133')).toEqual({ ok: false, reason: 'wrong_length' });
    expect(parsePin('202051994013300')).toEqual({ ok: false, reason: 'wrong_length' });
    expect(parsePin('30205199401330')).toEqual({ ok: false, reason: 'bad_shape' }); // sex digit 3
    expect(parsePin('24005199401330')).toEqual({ ok: false, reason: 'bad_shape' }); // day 40
    expect(parsePin('20220199401330')).toEqual({ ok: false, reason: 'bad_shape' }); // month 20
    expect(parsePin('20205399401330')).toEqual({ ok: false, reason: 'bad_shape' }); // year 3994
    expect(parsePin('23002202001330')).toEqual({ ok: false, reason: 'no_such_date' }); // 30 Feb 2020
    expect(parsePin('22902202101330')).toEqual({ ok: false, reason: 'no_such_date' }); // 29 Feb 2021
    expect(parsePin('22902202001330').ok).toBe(true); // 29 Feb 2020
    expect(parsePin('10000199401330')).toEqual({ ok: false, reason: 'no_such_date' }); // day 00
  });

  it('reads the sex digit: 1 female, 2 male, 0 unknown', () => {
    expect(parsePin('10205199401330')).toMatchObject({ ok: true, sex: 'F' });
    expect(parsePin('20205199401330')).toMatchObject({ ok: true, sex: 'M' });
    expect(parsePin('00205199401330')).toMatchObject({ ok: true, sex: 'unknown' });
  });

  it('refuses a birth date after today when asked', () => {
    expect(parsePin('10101203001330', { today: '2026-04-01' })).toEqual({ ok: false, reason: 'future_date' });
    expect(parsePin('10101201901330', { today: '2026-04-01' }).ok).toBe(true);
  });

  it('checks sex and birth date against the registry', () => {
    expect(pinAgrees('20205199401330', { sex: 'M', birthDate: '1994-05-02' })).toBe(true);
    expect(pinAgrees('20205199401330', { sex: 'F', birthDate: '1994-05-02' })).toBe(false);
    expect(pinAgrees('20205199401330', { sex: 'M', birthDate: '1994-05-03' })).toBe(false);
    expect(pinAgrees('00205199401330', { sex: 'F', birthDate: '1994-05-02' })).toBe(true);
    expect(pinAgrees('2 0205 1994 01330', { sex: 'M', birthDate: '1994-05-02' })).toBe(false);
  });

  it('makePin refuses impossible parts', () => {
    expect(() => makePin({ sex: 'F', birthDate: '2021-02-29', sequence: 1 })).toThrow(RangeError);
    expect(() => makePin({ sex: 'F', birthDate: '2020-01-01', sequence: 100_000 })).toThrow(RangeError);
    expect(() => makePin({ sex: 'F', birthDate: '0999-01-01', sequence: 1 })).toThrow(RangeError);
  });
});
