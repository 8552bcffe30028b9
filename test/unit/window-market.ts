// Generated markets for the window-mode property tests, and the quota order written out plainly (not
// through the run's packed keys) so that the tests check the run against the rule, not against itself.
import fc from 'fast-check';
import type {
  Applicant,
  Choice,
  Market,
  WindowResult,
} from '../../core/allocation/window/deferred-acceptance.ts';
import { lotteryNumber } from '../../core/allocation/window/lottery.ts';

export const seedArb = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((b) => Buffer.from(b).toString('hex'));

/** Up to `maxQuotas` quotas with 0..maxSeats seats, up to `maxApplicants` children with 1..maxChoices choices. */
export function marketArb(
  opts: {
    maxQuotas?: number;
    maxSeats?: number;
    maxApplicants?: number;
    maxChoices?: number;
    maxPriority?: number;
  } = {},
): fc.Arbitrary<Market> {
  const { maxQuotas = 5, maxSeats = 3, maxApplicants = 20, maxChoices = 3, maxPriority = 2 } = opts;
  return fc
    .array(fc.integer({ min: 0, max: maxSeats }), { minLength: 1, maxLength: maxQuotas })
    .chain((seats) => {
      const keys = seats.map((_, i) => `${41000 + i}/${i % 2 === 0 ? 'ky' : 'ru'}`);
      const choice = (quota: string) =>
        fc.record({
          quota: fc.constant(quota),
          priority: fc.integer({ min: 0, max: maxPriority }),
          catchment: fc.boolean(),
        });
      const applicant = fc
        .shuffledSubarray(keys, { minLength: 1, maxLength: Math.min(maxChoices, keys.length) })
        .chain((qs) => fc.tuple(...qs.map(choice)));
      return fc
        .record({
          applicants: fc
            .uniqueArray(fc.integer({ min: 1, max: 9_999_999 }), { maxLength: maxApplicants })
            .chain((ns) =>
              fc.tuple(...ns.map(() => applicant)).map((cs) => ns.map((n, i) => ({ n, cs: cs[i] }))),
            ),
          seed: seedArb,
        })
        .map(
          ({ applicants, seed }): Market => ({
            applicants: applicants.map(({ n, cs }) => ({
              number: `2026-${String(n).padStart(7, '0')}`,
              choices: cs as Choice[],
            })),
            quotas: new Map(keys.map((k, i) => [k, seats[i] as number])),
            seed,
            maxChoices,
          }),
        );
    });
}

/** The quota's order written as the rule reads: priority tier (higher first), catchment, then lottery. */
export function orderAt(market: Market, quota: string): (a: string, b: string) => number {
  const byNumber = new Map(market.applicants.map((a) => [a.number, a] as const));
  const lot = new Map<string, string>();
  const lottery = (n: string) => {
    let l = lot.get(n);
    if (l === undefined) {
      l = lotteryNumber(market.seed, n);
      lot.set(n, l);
    }
    return l;
  };
  const choiceOf = (n: string) =>
    (byNumber.get(n) as Applicant).choices.find((c) => c.quota === quota) as Choice;
  return (a, b) => {
    const ca = choiceOf(a);
    const cb = choiceOf(b);
    if (ca.priority !== cb.priority) return cb.priority - ca.priority;
    if (ca.catchment !== cb.catchment) return ca.catchment ? -1 : 1;
    const la = lottery(a);
    const lb = lottery(b);
    return la < lb ? -1 : la > lb ? 1 : 0;
  };
}

/** Which choice (0-based) each child holds, or -1: read from the per-child placements. */
export function placedIndex(market: Market, result: WindowResult): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of result.applicants) out.set(p.number, p.placed === null ? -1 : p.placed.choice - 1);
  for (const a of market.applicants) if (!out.has(a.number)) out.set(a.number, Number.NaN);
  return out;
}

/**
 * Deferred acceptance as the textbook writes it, round by round: every free child proposes to the
 * next school on their list; every school keeps its best proposals up to its seats and rejects the
 * rest. Slow and plain on purpose, as a second opinion on the run.
 */
export function textbookDeferredAcceptance(market: Market): Map<string, string | null> {
  const next = new Map(market.applicants.map((a): [string, number] => [a.number, 0]));
  const holds = new Map<string, string[]>([...market.quotas.keys()].map((q) => [q, []]));
  const match = new Map<string, string | null>(market.applicants.map((a) => [a.number, null] as const));
  for (;;) {
    const proposals = new Map<string, string[]>();
    for (const a of market.applicants) {
      const j = next.get(a.number) as number;
      if (match.get(a.number) !== null || j >= a.choices.length) continue;
      const q = (a.choices[j] as Choice).quota;
      next.set(a.number, j + 1);
      proposals.set(q, [...(proposals.get(q) ?? []), a.number]);
    }
    if (proposals.size === 0) return match;
    for (const [q, ps] of proposals) {
      const all = [...(holds.get(q) as string[]), ...ps].sort(orderAt(market, q));
      const seats = market.quotas.get(q) as number;
      holds.set(q, all.slice(0, seats));
      for (const n of all.slice(0, seats)) match.set(n, q);
      for (const n of all.slice(seats)) match.set(n, null);
    }
  }
}

/**
 * Immediate acceptance (the "Boston" mechanism), for contrast only: in round r every child not yet
 * placed applies to their r-th choice, and each school fills its remaining seats for good, in its order.
 */
export function immediateAcceptance(market: Market): Map<string, string | null> {
  const left = new Map(market.quotas);
  const match = new Map<string, string | null>(market.applicants.map((a) => [a.number, null] as const));
  const rounds = Math.max(0, ...market.applicants.map((a) => a.choices.length));
  for (let r = 0; r < rounds; r++) {
    const applying = new Map<string, string[]>();
    for (const a of market.applicants) {
      const c = a.choices[r];
      if (match.get(a.number) !== null || c === undefined) continue;
      applying.set(c.quota, [...(applying.get(c.quota) ?? []), a.number]);
    }
    for (const [q, ns] of applying) {
      const seats = left.get(q) as number;
      const taken = ns.sort(orderAt(market, q)).slice(0, seats);
      for (const n of taken) match.set(n, q);
      left.set(q, seats - taken.length);
    }
  }
  return match;
}
