// The committed and revealed seed, and the lottery numbers anyone can recompute (issue 12 item 2).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  commitment,
  lotteryBytes,
  lotteryNumber,
  newSeed,
  shortLottery,
  verifyCommitment,
} from '../../core/allocation/window/lottery.ts';
import { seedArb } from './window-market.ts';

const SEED = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';

describe('window lottery', () => {
  it('matches numbers computed by another tool (Python hmac/hashlib)', () => {
    // python3 -c "import hmac,hashlib; s=bytes(range(32)); print(hashlib.sha256(s).hexdigest());
    //   print(hmac.new(s, b'2026-0000001', hashlib.sha256).hexdigest())"
    expect(commitment(SEED)).toBe('630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd');
    expect(lotteryNumber(SEED, '2026-0000001')).toBe(
      'bc118a74a9143504ce88f0ce2dc249d75994a982747a359cf35ec581cd6bb853',
    );
    expect(lotteryNumber(SEED, '2026-0000002')).toBe(
      'b3dae31c5cda33e3674766312759dda0e97395eac5a9ade12c52aff7834a8102',
    );
  });

  it('verifies a revealed seed against its commitment, and nothing else', () => {
    const seed = newSeed();
    expect(seed).toMatch(/^[0-9a-f]{64}$/);
    expect(newSeed()).not.toBe(seed);
    expect(verifyCommitment(seed, commitment(seed))).toBe(true);
    expect(verifyCommitment(SEED, commitment(seed))).toBe(false);
    expect(verifyCommitment(seed.toUpperCase(), commitment(seed))).toBe(false);
    expect(verifyCommitment('zz', commitment(seed))).toBe(false);
    expect(() => commitment('00')).toThrow(RangeError);
  });

  it('derives a number from the seed and the application number only', () => {
    const many = lotteryBytes(SEED, ['2026-0000001', '2026-0000002', '2026-0000001']);
    expect(many.length).toBe(96);
    expect(many.toString('hex', 0, 32)).toBe(lotteryNumber(SEED, '2026-0000001'));
    expect(many.toString('hex', 64, 96)).toBe(lotteryNumber(SEED, '2026-0000001'));
    expect(many.toString('hex', 32, 64)).toBe(lotteryNumber(SEED, '2026-0000002'));
    expect(lotteryNumber(newSeed(), '2026-0000001')).not.toBe(lotteryNumber(SEED, '2026-0000001'));
  });

  it('gives the same bytes in bulk as node:crypto HMAC, for any seed and any number (UTF-8, any length)', () => {
    fc.assert(
      fc.property(
        seedArb,
        fc.array(fc.string({ unit: 'grapheme', maxLength: 90 }), { maxLength: 5 }),
        (seed, ns) => {
          const bulk = lotteryBytes(seed, ns);
          ns.forEach((n, i) => {
            expect(bulk.toString('hex', i * 32, i * 32 + 32)).toBe(lotteryNumber(seed, n));
          });
        },
      ),
    );
  });

  it('shows parents a short prefix that sorts as the full number', () => {
    const full = lotteryNumber(SEED, '2026-0000001');
    expect(shortLottery(full)).toBe('bc11-8a74-a914');
    expect(full.startsWith(shortLottery(full).replaceAll('-', ''))).toBe(true);
  });
});
