// The window-mode allocation run (K-CAMP-4, issue 12): student-proposing deferred acceptance
// (Gale–Shapley) over up to three ranked choices, each quota ordering its applicants by verified priority
// category, then the stage's catchment rule, then the published lottery (lottery.ts). Pure and
// deterministic: the result depends on the applicants as a set, the quotas and the seed — never on the
// order of the input array. Decision 0015 and docs/window-mode.md explain the choices.
//
// Cost: the lottery (one HMAC per child), two sorts of n, at most n·k proposals each O(log seats), and a
// numeric sort of each quota's lists — O(n·k·log n) with typed arrays, no object per proposal.
import { isHex256, lotteryBytes } from './lottery.ts';

/** Opaque quota key, one per school × language of instruction (e.g. "41012/ky"). */
export type QuotaKey = string;

export type Choice = {
  quota: QuotaKey;
  /**
   * Verified priority category that applies to this child at this school (R-15.2, K-PRIO-2), as a tier:
   * 0 = none, a higher tier comes first. Kattoo uses 0 and 1 today; the regulation does not rank the
   * three categories among themselves, so tiers above 1 are only for a rule that does.
   */
  priority: number;
  /** The child is eligible for this school under the stage's catchment rule (R-13.1a): comes first. */
  catchment: boolean;
};

export type Applicant = {
  /** The pseudonymous application number ("2026-0000123"): unique, and the lottery's only input. */
  number: string;
  /** Ranked, most wanted first; 1..maxChoices distinct quotas. */
  choices: readonly Choice[];
};

export type Market = {
  applicants: readonly Applicant[];
  /** Free seats per quota at the run. */
  quotas: ReadonlyMap<QuotaKey, number>;
  /** Revealed seed, 64 hex digits. */
  seed: string;
  /** Most choices a child may rank (3 by default, issue 12). */
  maxChoices?: number;
};

export type Placement = {
  number: string;
  /** Full lottery number, 64 hex digits (smaller comes first). */
  lottery: string;
  /** Where the child is placed: the quota and which choice it was (1 = first), or null. */
  placed: { quota: QuotaKey; choice: number } | null;
  /** Every choice ranked above the placement (all of them when not placed): position on its list, from 1. */
  waiting: { quota: QuotaKey; choice: number; position: number }[];
};

export type QuotaOutcome = {
  quota: QuotaKey;
  seats: number;
  /** Application numbers placed here, in the quota's order. */
  admitted: string[];
  /** Application numbers waiting here (they ranked it above where they are), in the quota's order. */
  waiting: string[];
};

export type WindowResult = {
  /** Sorted by application number. */
  applicants: Placement[];
  /** Sorted by quota key. */
  quotas: QuotaOutcome[];
};

/** The input cannot be run as given; the message says which application or quota and why. */
export class MarketError extends Error {
  override name = 'MarketError';
}

const MAX_PRIORITY = 15;
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function validate(market: Market): number {
  const maxChoices = market.maxChoices ?? 3;
  if (!Number.isInteger(maxChoices) || maxChoices < 1)
    throw new MarketError('maxChoices must be a positive integer');
  if (!isHex256(market.seed)) throw new MarketError('the seed is 64 lowercase hexadecimal digits');
  for (const [quota, seats] of market.quotas) {
    if (!Number.isInteger(seats) || seats < 0)
      throw new MarketError(`quota ${quota}: seats must be an integer ≥ 0`);
  }
  for (const a of market.applicants) {
    if (typeof a.number !== 'string' || a.number.length === 0)
      throw new MarketError('an application number is empty');
    if (a.choices.length < 1 || a.choices.length > maxChoices) {
      throw new MarketError(`application ${a.number}: 1 to ${maxChoices} choices, got ${a.choices.length}`);
    }
    a.choices.forEach((c, j) => {
      if (!market.quotas.has(c.quota))
        throw new MarketError(`application ${a.number}: unknown quota ${c.quota}`);
      for (let earlier = 0; earlier < j; earlier++) {
        if (a.choices[earlier]?.quota === c.quota) {
          throw new MarketError(`application ${a.number}: quota ${c.quota} ranked twice`);
        }
      }
      if (!Number.isInteger(c.priority) || c.priority < 0 || c.priority > MAX_PRIORITY) {
        throw new MarketError(`application ${a.number}: priority must be an integer 0..${MAX_PRIORITY}`);
      }
      if (typeof c.catchment !== 'boolean')
        throw new MarketError(`application ${a.number}: catchment is true or false`);
    });
  }
  return maxChoices;
}

/** Runs the allocation. Throws MarketError on input it cannot run. */
export function runWindow(market: Market): WindowResult {
  const K = validate(market);
  // Canonical order first, so that nothing below depends on the order of the input array.
  const apps = [...market.applicants].sort((a, b) => byCodeUnits(a.number, b.number));
  const n = apps.length;
  for (let i = 1; i < n; i++) {
    const number = (apps[i] as Applicant).number;
    if (number === apps[i - 1]?.number) throw new MarketError(`application ${number} appears twice`);
  }
  const quotaKeys = [...market.quotas.keys()].sort(byCodeUnits);
  const qIndex = new Map(quotaKeys.map((k, i) => [k, i] as const));
  const Q = quotaKeys.length;
  const seats = Int32Array.from(quotaKeys, (k) => market.quotas.get(k) ?? 0);

  // The draw: lottery bytes per child, then each child's rank in the draw (0 = drawn first).
  const lottery = lotteryBytes(
    market.seed,
    apps.map((a) => a.number),
  );
  const prefix = new Float64Array(n);
  for (let i = 0; i < n; i++) prefix[i] = lottery.readUIntBE(i * 32, 6);
  const drawOrder = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) =>
      (prefix[a] as number) - (prefix[b] as number) ||
      lottery.compare(lottery, a * 32, a * 32 + 32, b * 32, b * 32 + 32) ||
      a - b, // equal 256-bit numbers cannot happen in practice; the application number then decides
  );
  const drawRank = new Int32Array(n);
  drawOrder.forEach((i, r) => {
    drawRank[i] = r;
  });

  // One slot per (child, choice): its quota and its key in that quota's order (smaller comes first).
  // key = tier·n + draw rank, tier = (top priority − priority)·2 + (in catchment ? 0 : 1): exact in a double.
  let top = 0;
  for (const a of apps) for (const c of a.choices) top = Math.max(top, c.priority);
  const slotQuota = new Int32Array(n * K).fill(-1);
  const slotKey = new Float64Array(n * K);
  const count = new Uint8Array(n);
  const demand = new Int32Array(Q);
  apps.forEach((a, i) => {
    count[i] = a.choices.length;
    a.choices.forEach((c, j) => {
      const q = qIndex.get(c.quota) as number;
      slotQuota[i * K + j] = q;
      slotKey[i * K + j] = ((top - c.priority) * 2 + (c.catchment ? 0 : 1)) * n + (drawRank[i] as number);
      demand[q] = (demand[q] as number) + 1;
    });
  });

  // Each quota holds its tentative admissions in a max-heap by key (the weakest on top), in one pool.
  const heapStart = new Int32Array(Q + 1);
  for (let q = 0; q < Q; q++) {
    heapStart[q + 1] = (heapStart[q] as number) + Math.min(seats[q] as number, demand[q] as number);
  }
  const heap = new Int32Array(heapStart[Q] as number); // slots
  const held = new Int32Array(Q);
  const keyAt = (q: number, h: number) => slotKey[heap[(heapStart[q] as number) + h] as number] as number;
  const swap = (q: number, x: number, y: number) => {
    const b = heapStart[q] as number;
    const t = heap[b + x] as number;
    heap[b + x] = heap[b + y] as number;
    heap[b + y] = t;
  };
  const siftUp = (q: number, h: number) => {
    while (h > 0) {
      const parent = (h - 1) >> 1;
      if (keyAt(q, parent) >= keyAt(q, h)) return;
      swap(q, parent, h);
      h = parent;
    }
  };
  const siftDown = (q: number, h: number) => {
    const size = held[q] as number;
    for (;;) {
      const l = 2 * h + 1;
      if (l >= size) return;
      const r = l + 1;
      const big = r < size && keyAt(q, r) > keyAt(q, l) ? r : l;
      if (keyAt(q, h) >= keyAt(q, big)) return;
      swap(q, h, big);
      h = big;
    }
  };

  // Deferred acceptance: a free child proposes to their next choice; the quota keeps the best `seats`
  // proposals so far and releases the weakest, who proposes onward. Nothing is final until no one is free.
  const next = new Uint8Array(n);
  const free = new Int32Array(n);
  for (let i = 0; i < n; i++) free[i] = n - 1 - i;
  let freeCount = n;
  while (freeCount > 0) {
    const i = free[--freeCount] as number;
    while ((next[i] as number) < (count[i] as number)) {
      const slot = i * K + (next[i] as number);
      next[i] = (next[i] as number) + 1;
      const q = slotQuota[slot] as number;
      const b = heapStart[q] as number;
      if ((held[q] as number) < (seats[q] as number)) {
        heap[b + (held[q] as number)] = slot;
        held[q] = (held[q] as number) + 1;
        siftUp(q, (held[q] as number) - 1);
        break;
      }
      if ((seats[q] as number) > 0 && (slotKey[slot] as number) < keyAt(q, 0)) {
        const released = heap[b] as number;
        heap[b] = slot;
        siftDown(q, 0);
        free[freeCount++] = Math.floor(released / K);
        break;
      }
    }
  }

  // Placement per child: the choice they hold (-1 = none).
  const placedChoice = new Int8Array(n).fill(-1);
  for (let q = 0; q < Q; q++) {
    const b = heapStart[q] as number;
    for (let h = 0; h < (held[q] as number); h++) {
      const slot = heap[b + h] as number;
      placedChoice[Math.floor(slot / K)] = slot % K;
    }
  }

  // Lists per quota as sorted keys: a key decodes to its child through the draw (key mod n = draw rank).
  const admittedKeys: Float64Array[] = [];
  for (let q = 0; q < Q; q++) {
    const b = heapStart[q] as number;
    const keys = new Float64Array(held[q] as number);
    for (let h = 0; h < keys.length; h++) keys[h] = slotKey[heap[b + h] as number] as number;
    admittedKeys.push(keys.sort());
  }
  const waitingCount = new Int32Array(Q);
  const isWaiting = (i: number, j: number) => {
    const p = placedChoice[i] as number;
    return j < (count[i] as number) && (p < 0 || j < p);
  };
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < K; j++) {
      if (!isWaiting(i, j)) continue;
      const q = slotQuota[i * K + j] as number;
      waitingCount[q] = (waitingCount[q] as number) + 1;
    }
  }
  const waitingKeys = Array.from(waitingCount, (c) => new Float64Array(c));
  const fill = new Int32Array(Q);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < K; j++) {
      if (!isWaiting(i, j)) continue;
      const q = slotQuota[i * K + j] as number;
      const f = fill[q] as number;
      fill[q] = f + 1;
      (waitingKeys[q] as Float64Array)[f] = slotKey[i * K + j] as number;
    }
  }
  const childOf = (key: number) => drawOrder[key % n] as number;
  const position = new Int32Array(n * K); // 1-based place on the waiting list of (child, choice)
  const quotas: QuotaOutcome[] = quotaKeys.map((quota, q) => {
    const waitingSorted = (waitingKeys[q] as Float64Array).sort();
    const waiting: string[] = new Array(waitingSorted.length);
    waitingSorted.forEach((key, p) => {
      const i = childOf(key);
      const j = apps[i]?.choices.findIndex((c) => c.quota === quota) as number;
      position[i * K + j] = p + 1;
      waiting[p] = (apps[i] as Applicant).number;
    });
    const admitted = Array.from(
      admittedKeys[q] as Float64Array,
      (key) => (apps[childOf(key)] as Applicant).number,
    );
    return { quota, seats: seats[q] as number, admitted, waiting };
  });

  const hex = lottery.toString('hex'); // one conversion; each child's number is a slice of it
  const applicants: Placement[] = apps.map((a, i) => {
    const pc = placedChoice[i] as number;
    const waiting: Placement['waiting'] = [];
    for (let j = 0; j < a.choices.length && (pc < 0 || j < pc); j++) {
      waiting.push({
        quota: (a.choices[j] as Choice).quota,
        choice: j + 1,
        position: position[i * K + j] as number,
      });
    }
    return {
      number: a.number,
      lottery: hex.slice(i * 64, i * 64 + 64),
      placed: pc < 0 ? null : { quota: (a.choices[pc] as Choice).quota, choice: pc + 1 },
      waiting,
    };
  });
  return { applicants, quotas };
}
