import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareCandidates } from '../../core/allocation/order.ts';
import { queuePolicy } from '../../core/allocation/policy.ts';
import {
  birthWindow,
  houseNumber,
  inCatchment,
  placeRefusal,
  staffTenureQualifies,
} from '../../core/domain/eligibility.ts';
import { normalizeKgPhone } from '../../core/services/applications/phone.ts';

const rules = [{ settlement: 'Бишкек', street: 'Токтогул көчөсү', houseFrom: 1, houseTo: 99 }];
const school = { participates: true, special: false, languages: ['ky', 'ru'] };

describe('eligibility rules', () => {
  it('reads house numbers as people write them', () => {
    expect(houseNumber('12')).toBe(12);
    expect(houseNumber('12а')).toBe(12);
    expect(houseNumber('12/3')).toBe(12);
    expect(houseNumber('б/н')).toBeNull();
  });

  it('matches a catchment by settlement, street and house range, forgiving case and spaces', () => {
    expect(inCatchment({ settlement: 'бишкек', street: ' Токтогул  көчөсү', house: '5а' }, rules)).toBe(true);
    expect(inCatchment({ settlement: 'Бишкек', street: 'Токтогул көчөсү', house: '100' }, rules)).toBe(false);
    expect(inCatchment({ settlement: 'Ош', street: 'Токтогул көчөсү', house: '5' }, rules)).toBe(false);
  });

  it('keeps the campaign birth window (the Commission route for older children)', () => {
    expect(birthWindow('2019-01-01', '2019-01-01', '2020-12-31')).toBe('ok');
    expect(birthWindow('2018-12-31', '2019-01-01', '2020-12-31')).toBe('too_old');
    expect(birthWindow('2021-01-01', '2019-01-01', '2020-12-31')).toBe('too_young');
  });

  it('lets each stage take only whom the regulation lets it take', () => {
    const base = {
      school,
      language: 'ky',
      registeredInCatchment: false,
      actualAddress: null,
      actualInCatchment: false,
    };
    expect(placeRefusal({ ...base, stage: 'catchment' })).toBe('not_in_catchment');
    expect(placeRefusal({ ...base, stage: 'catchment', registeredInCatchment: true })).toBeNull();
    expect(placeRefusal({ ...base, stage: 'actual_residence' })).toBe('actual_address_needed');
    expect(placeRefusal({ ...base, stage: 'free_seats' })).toBeNull();
    expect(placeRefusal({ ...base, stage: 'free_seats', school: { ...school, special: true } })).toBe(
      'school_special',
    );
    expect(placeRefusal({ ...base, stage: 'free_seats', school: { ...school, participates: false } })).toBe(
      'school_not_participating',
    );
    expect(placeRefusal({ ...base, stage: 'free_seats', language: 'uz' })).toBe('language_not_taught');
  });

  it('counts staff tenure as of 15 September of the campaign year (R-15.2c)', () => {
    expect(staffTenureQualifies('2025-09-15', null, 2026)).toBe(true);
    expect(staffTenureQualifies('2025-09-16', null, 2026)).toBe(false);
    expect(staffTenureQualifies('2020-01-01', '2026-06-30', 2026)).toBe(false);
  });

  it('accepts Kyrgyz mobile numbers in the ways people type them', () => {
    expect(normalizeKgPhone('0700 123 456')).toBe('+996700123456');
    expect(normalizeKgPhone('+996 (555) 12-34-56')).toBe('+996555123456');
    expect(normalizeKgPhone('996771234567')).toBe('+996771234567');
    for (const bad of ['12345', '+7 700 123 4567', '0312 123456', ''])
      expect(normalizeKgPhone(bad)).toBeNull();
  });
});

describe('queue order (K-CAMP-4)', () => {
  const cand = fc.record({
    id: fc.uuid(),
    priority: fc.constantFrom('none', 'claimed', 'verified', 'dropped') as fc.Arbitrary<
      'none' | 'claimed' | 'verified' | 'dropped'
    >,
    catchment: fc.boolean(),
    seq: fc.bigInt({ min: 1n, max: 1_000_000n }),
  });
  it('puts a verified priority first, then catchment, then receipt — as a total order', () => {
    fc.assert(
      fc.property(fc.array(cand, { maxLength: 30 }), (cs) => {
        const sorted = [...cs].sort(compareCandidates);
        for (let i = 1; i < sorted.length; i++) {
          const a = sorted[i - 1] as (typeof cs)[number];
          const b = sorted[i] as (typeof cs)[number];
          // only a verified claim ranks (K-PRIO-2): a mere claim is no priority
          const ra = a.priority === 'verified' ? 0 : 1;
          const rb = b.priority === 'verified' ? 0 : 1;
          expect(ra <= rb).toBe(true);
          if (ra === rb) {
            expect(Number(b.catchment) <= Number(a.catchment)).toBe(true);
            if (a.catchment === b.catchment) expect(a.seq <= b.seq).toBe(true);
          }
        }
      }),
    );
  });
  it('admits in arrival order while seats last, in queue mode', () => {
    const reqs = [3n, 1n, 2n].map((seq) => ({
      id: String(seq),
      priority: 'none' as const,
      catchment: true,
      seq,
      schoolId: 1,
      language: 'ky',
    }));
    expect(queuePolicy.decide(reqs, 2)).toEqual([
      { id: '1', outcome: 'admitted' },
      { id: '2', outcome: 'admitted' },
      { id: '3', outcome: 'waitlisted' },
    ]);
  });
});
