// The window-mode run (issue 12 "Prove it"): properties on generated markets, and textbook examples.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Applicant,
  type Choice,
  type Market,
  MarketError,
  runWindow,
  type WindowResult,
} from '../../core/allocation/window/deferred-acceptance.ts';
import { lotteryNumber } from '../../core/allocation/window/lottery.ts';
import {
  immediateAcceptance,
  marketArb,
  orderAt,
  placedIndex,
  textbookDeferredAcceptance,
} from './window-market.ts';

type Mechanism = (market: Market) => Map<string, string | null>;

const deferredAcceptance: Mechanism = (market) =>
  new Map(runWindow(market).applicants.map((p) => [p.number, p.placed?.quota ?? null]));

/**
 * One child (the liar) ranks 1..3 quotas in any order instead of their true list; their priority and
 * catchment at each quota stay the facts (none at a quota they did not list). Holds when no such
 * ranking places them at a school they truly prefer to what the truth gives.
 */
function noProfitableLie(mechanism: Mechanism) {
  return fc.property(
    marketArb({ maxApplicants: 10, maxQuotas: 4 }).filter((m) => m.applicants.length > 0),
    fc.nat(),
    (market, pick) => {
      const liar = market.applicants[pick % market.applicants.length] as Applicant;
      const truth = liar.choices.map((c) => c.quota);
      // Rank in the true list; a school not on it is worth no more than no place.
      const worth = (q: string | null | undefined) => {
        const r = q ? truth.indexOf(q) : -1;
        return r < 0 ? truth.length : r;
      };
      const truthful = worth(mechanism(market).get(liar.number));
      const keys = [...market.quotas.keys()];
      const rankings: string[][] = [];
      const extend = (prefix: string[]) => {
        if (prefix.length > 0) rankings.push(prefix);
        if (prefix.length < 3) for (const k of keys) if (!prefix.includes(k)) extend([...prefix, k]);
      };
      extend([]);
      for (const ranking of rankings) {
        const lie: Applicant = {
          number: liar.number,
          choices: ranking.map(
            (quota) =>
              liar.choices.find((c) => c.quota === quota) ?? { quota, priority: 0, catchment: false },
          ),
        };
        const got = mechanism({
          ...market,
          applicants: market.applicants.map((a) => (a === liar ? lie : a)),
        });
        if (worth(got.get(liar.number)) < truthful) return false;
      }
      return true;
    },
  );
}

const SEED = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const RUNS = { numRuns: 300 };

/** Every choice a child ranked above where they are placed (all of them when not placed). */
function wanted(a: Applicant, placed: number): Choice[] {
  return a.choices.filter((_, j) => placed < 0 || j < placed);
}

function quotaOf(result: WindowResult, quota: string) {
  const q = result.quotas.find((x) => x.quota === quota);
  if (!q) throw new Error(`no quota ${quota} in the result`);
  return q;
}

describe('window run: properties on generated markets', () => {
  it('never gives a quota more children than it has seats, and the lists agree with the placements', () => {
    fc.assert(
      fc.property(marketArb(), (market) => {
        const result = runWindow(market);
        expect(result.applicants.map((p) => p.number)).toEqual(market.applicants.map((a) => a.number).sort());
        for (const q of result.quotas) {
          expect(q.admitted.length).toBeLessThanOrEqual(q.seats);
          expect(q.seats).toBe(market.quotas.get(q.quota));
        }
        for (const p of result.applicants) {
          const at = result.quotas.filter((q) => q.admitted.includes(p.number)).map((q) => q.quota);
          expect(at).toEqual(p.placed ? [p.placed.quota] : []);
        }
      }),
      RUNS,
    );
  });

  it('is stable and wastes no seat: no child and quota that would both rather have each other', () => {
    fc.assert(
      fc.property(marketArb(), (market) => {
        const result = runWindow(market);
        const placed = placedIndex(market, result);
        for (const a of market.applicants) {
          for (const c of wanted(a, placed.get(a.number) as number)) {
            const q = quotaOf(result, c.quota);
            // Non-wasteful: a choice the child prefers has no free seat...
            expect(q.admitted.length).toBe(q.seats);
            // ...and stable: everyone holding one of its seats comes before the child in its order.
            const order = orderAt(market, c.quota);
            for (const other of q.admitted) expect(order(other, a.number)).toBeLessThan(0);
          }
        }
      }),
      RUNS,
    );
  });

  it('gives the same placements as deferred acceptance worked round by round', () => {
    fc.assert(
      fc.property(marketArb(), (market) => {
        const result = runWindow(market);
        const textbook = textbookDeferredAcceptance(market);
        for (const p of result.applicants) expect(p.placed?.quota ?? null).toBe(textbook.get(p.number));
      }),
      RUNS,
    );
  });

  it('puts every child on the list of each higher choice, in the quota order, at the position it reports', () => {
    fc.assert(
      fc.property(marketArb(), (market) => {
        const result = runWindow(market);
        const placed = placedIndex(market, result);
        for (const q of result.quotas) {
          const expected = market.applicants
            .filter((a) => wanted(a, placed.get(a.number) as number).some((c) => c.quota === q.quota))
            .map((a) => a.number)
            .sort(orderAt(market, q.quota));
          expect(q.waiting).toEqual(expected);
          expect([...q.admitted]).toEqual([...q.admitted].sort(orderAt(market, q.quota)));
        }
        for (const p of result.applicants) {
          const a = market.applicants.find((x) => x.number === p.number) as Applicant;
          expect(p.waiting.map((w) => w.quota)).toEqual(
            wanted(a, placed.get(a.number) as number).map((c) => c.quota),
          );
          for (const w of p.waiting) {
            expect(quotaOf(result, w.quota).waiting.indexOf(p.number) + 1).toBe(w.position);
            expect(a.choices[w.choice - 1]?.quota).toBe(w.quota);
          }
        }
      }),
      RUNS,
    );
  });

  it('gives a child who lists one school what the queue order gives, with the lottery as the time stamp', () => {
    // Queue mode decides each request as it arrives: priority, catchment, then arrival. With the lottery
    // as arrival, the seats of a school go to the first `seats` children of that order among those who
    // compete for it (those placed there or waiting for it).
    fc.assert(
      fc.property(marketArb(), (market) => {
        const result = runWindow(market);
        for (const a of market.applicants.filter((x) => x.choices.length === 1)) {
          const quota = (a.choices[0] as Choice).quota;
          const q = quotaOf(result, quota);
          const queue = [...q.admitted, ...q.waiting].sort(orderAt(market, quota));
          const admitted = queue.indexOf(a.number) < q.seats;
          expect(result.applicants.find((p) => p.number === a.number)?.placed?.quota ?? null).toBe(
            admitted ? quota : null,
          );
        }
      }),
      RUNS,
    );
  });

  it('when every child lists one school, is exactly a queue per school with the lottery as the time stamp', () => {
    fc.assert(
      fc.property(marketArb({ maxChoices: 1, maxApplicants: 30 }), (market) => {
        const result = runWindow(market);
        for (const [quota, seats] of market.quotas) {
          const queue = market.applicants
            .filter((a) => a.choices[0]?.quota === quota)
            .map((a) => a.number)
            .sort(orderAt(market, quota));
          expect(quotaOf(result, quota).admitted).toEqual(queue.slice(0, seats));
          expect(quotaOf(result, quota).waiting).toEqual(queue.slice(seats));
        }
      }),
      RUNS,
    );
  });

  it('gives the same result for the same seed, whatever the order of the applications and the quotas', () => {
    fc.assert(
      fc.property(
        marketArb().chain((m) =>
          fc.tuple(
            fc.constant(m),
            fc.shuffledSubarray([...m.applicants], { minLength: m.applicants.length }),
            fc.shuffledSubarray([...m.quotas], { minLength: m.quotas.size }),
          ),
        ),
        ([market, shuffled, quotas]) => {
          const a = runWindow(market);
          expect(runWindow(market)).toEqual(a);
          expect(runWindow({ ...market, applicants: shuffled, quotas: new Map(quotas) })).toEqual(a);
        },
      ),
      RUNS,
    );
  });

  it('rewards no child for misreporting: no other ranking gets them a school they truly prefer', () => {
    // Student-proposing deferred acceptance is strategy-proof for children (decision 0015): the reason a
    // family can rank its true preferences without gaming the order.
    fc.assert(noProfitableLie(deferredAcceptance), { numRuns: 60 });
  });

  it('the same check finds a profitable lie under immediate acceptance (so it has teeth)', () => {
    const found = fc.check(noProfitableLie(immediateAcceptance), {
      numRuns: 500,
      seed: 12,
      endOnFailure: true,
    });
    expect(found.failed).toBe(true);
  });
});

describe('window run: examples worked by hand', () => {
  it('the textbook 3×3 example: each child at the school that ranks them where it matters', () => {
    // Children A, B, C; schools X, Y, Z with one seat each.
    //   A: X > Y > Z   B: Y > X > Z   C: X > Y > Z
    //   X ranks B > A > C, Y ranks A > C > B, Z ranks anyone (written as priority tiers here).
    // Round 1: A→X, B→Y, C→X; X keeps A, rejects C.   Round 2: C→Y; Y keeps C, rejects B.
    // Round 3: B→X; X keeps B, rejects A.             Round 4: A→Y; Y keeps A, rejects C.
    // Round 5: C→Z; Z keeps C.   Result: A–Y, B–X, C–Z (immediate acceptance would give A–X, B–Y, C–Z
    // and leave C with a claim on Y that Y honours over B: not stable).
    const ch = (quota: string, priority: number): Choice => ({ quota, priority, catchment: false });
    const market: Market = {
      seed: SEED,
      quotas: new Map([
        ['X', 1],
        ['Y', 1],
        ['Z', 1],
      ]),
      applicants: [
        { number: 'A', choices: [ch('X', 1), ch('Y', 2), ch('Z', 0)] },
        { number: 'B', choices: [ch('Y', 0), ch('X', 2), ch('Z', 0)] },
        { number: 'C', choices: [ch('X', 0), ch('Y', 1), ch('Z', 0)] },
      ],
    };
    const result = runWindow(market);
    expect(result.applicants.map((p) => [p.number, p.placed])).toEqual([
      ['A', { quota: 'Y', choice: 2 }],
      ['B', { quota: 'X', choice: 2 }],
      ['C', { quota: 'Z', choice: 3 }],
    ]);
    expect(result.applicants.map((p) => p.waiting)).toEqual([
      [{ quota: 'X', choice: 1, position: 1 }],
      [{ quota: 'Y', choice: 1, position: 2 }],
      [
        { quota: 'X', choice: 1, position: 2 },
        { quota: 'Y', choice: 2, position: 1 },
      ],
    ]);
    expect(result.quotas).toEqual([
      { quota: 'X', seats: 1, admitted: ['B'], waiting: ['A', 'C'] },
      { quota: 'Y', seats: 1, admitted: ['A'], waiting: ['C', 'B'] },
      { quota: 'Z', seats: 1, admitted: ['C'], waiting: [] },
    ]);
  });

  it('orders a quota by priority, then catchment, then the lottery, and the lottery decides the rest', () => {
    // Lottery numbers under SEED (checked independently in window-lottery.test.ts):
    //   2026-0000001 → bc11…, 2026-0000002 → b3da…: 0000002 is drawn before 0000001.
    const one = (number: string, priority: number, catchment: boolean): Applicant => ({
      number,
      choices: [{ quota: '41001/ky', priority, catchment }],
    });
    const market = (applicants: Applicant[], seats: number): Market => ({
      seed: SEED,
      quotas: new Map([['41001/ky', seats]]),
      applicants,
    });
    expect(lotteryNumber(SEED, '2026-0000002') < lotteryNumber(SEED, '2026-0000001')).toBe(true);
    const admitted = (m: Market) => runWindow(m).quotas[0]?.admitted;
    expect(admitted(market([one('2026-0000001', 0, true), one('2026-0000002', 0, true)], 1))).toEqual([
      '2026-0000002',
    ]);
    expect(admitted(market([one('2026-0000001', 0, true), one('2026-0000002', 0, false)], 1))).toEqual([
      '2026-0000001',
    ]);
    expect(admitted(market([one('2026-0000001', 1, false), one('2026-0000002', 0, true)], 1))).toEqual([
      '2026-0000001',
    ]);
  });

  it('leaves a quota with no seats empty and everyone who wanted it waiting', () => {
    const result = runWindow({
      seed: SEED,
      quotas: new Map([
        ['a', 0],
        ['b', 2],
      ]),
      applicants: [
        {
          number: 'n1',
          choices: [
            { quota: 'a', priority: 1, catchment: true },
            { quota: 'b', priority: 0, catchment: false },
          ],
        },
      ],
    });
    expect(result.applicants[0]).toMatchObject({
      placed: { quota: 'b', choice: 2 },
      waiting: [{ quota: 'a', choice: 1, position: 1 }],
    });
  });

  it('refuses input it cannot run, naming the application', () => {
    const base: Market = { seed: SEED, quotas: new Map([['a', 1]]), applicants: [] };
    const c: Choice = { quota: 'a', priority: 0, catchment: true };
    const bad: [Partial<Market>, RegExp][] = [
      [
        {
          applicants: [
            { number: 'x', choices: [c] },
            { number: 'x', choices: [c] },
          ],
        },
        /x appears twice/,
      ],
      [{ applicants: [{ number: 'x', choices: [c, c] }] }, /x: quota a ranked twice/],
      [{ applicants: [{ number: 'x', choices: [{ ...c, quota: 'b' }] }] }, /x: unknown quota b/],
      [{ applicants: [{ number: 'x', choices: [] }] }, /x: 1 to 3 choices/],
      [{ applicants: [{ number: 'x', choices: [{ ...c, priority: 0.5 }] }] }, /x: priority/],
      [{ quotas: new Map([['a', -1]]) }, /quota a: seats/],
      [{ seed: 'not a seed' }, /seed/],
    ];
    for (const [patch, message] of bad) {
      expect(() => runWindow({ ...base, ...patch })).toThrow(MarketError);
      expect(() => runWindow({ ...base, ...patch })).toThrow(message);
    }
  });
});
