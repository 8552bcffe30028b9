import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Action, decode, encode } from '../../bot/callback-data.ts';

const ref = fc.record({
  scope: fc.stringMatching(/^[A-Za-z0-9_-]{1,24}$/),
  language: fc.constantFrom('ky', 'ru', 'uz', 'tg', 'en', null),
  onlyFree: fc.boolean(),
  page: fc.integer({ min: 0, max: 9999 }),
});
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.constantFrom<Action>(
    { a: 'menu' },
    { a: 'regions' },
    { a: 'search' },
    { a: 'calendar' },
    { a: 'help' },
    { a: 'langs' },
  ),
  fc.constantFrom('ky', 'ru', 'en').map((lang) => ({ a: 'lang', lang }) as Action),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,24}$/).map((id) => ({ a: 'region', id }) as Action),
  ref.map((r) => ({ a: 'list', ref: r }) as Action),
  fc
    .tuple(fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/), fc.option(ref, { nil: null }))
    .map(([code, back]) => ({ a: 'school', code, back }) as Action),
);

describe('callback data', () => {
  it('round-trips every action and always fits Telegram’s 64 bytes', () => {
    fc.assert(
      fc.property(action, (a) => {
        const data = encode(a);
        expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
        expect(decode(data)).toEqual(a);
      }),
    );
  });

  it('refuses forged or stale payloads instead of trusting them (K-REL-3)', () => {
    for (const forged of [
      '',
      'rg|',
      'rg|a b',
      'ls|KG|xx|0|0',
      'ls|KG|ky|2|0',
      'sc|../../etc',
      'drop table',
      'menu|x',
      'lang|de',
    ]) {
      expect(decode(forged)).toBeNull();
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const d = decode(s);
        // whatever decodes must re-encode to itself: no payload is half-understood
        if (d) expect(encode(d)).toBe(s);
      }),
    );
  });
});
