// The one order of competing requests for a school × language (K-CAMP-4, queue mode): a verified
// priority category first (R-15.2, K-PRIO-2), then the registered address in the school's catchment
// (R-13.1a), then the time Kattoo received the request. A claim not yet verified ranks as no priority:
// anyone can claim, so a claim must not move a child ahead until the registry, the staff register or
// the document at school confirms it (decision 0008).

export type PriorityState = 'none' | 'claimed' | 'verified' | 'dropped';

/** Only a verified priority counts (K-PRIO-2). */
export function priorityRank(status: PriorityState): 0 | 1 {
  return status === 'verified' ? 0 : 1;
}

export type Candidate = {
  id: string;
  priority: PriorityState;
  catchment: boolean;
  /** receipt order: Kattoo's own sequence, strictly increasing */
  seq: bigint;
};

export function compareCandidates(a: Candidate, b: Candidate): number {
  const p = priorityRank(a.priority) - priorityRank(b.priority);
  if (p !== 0) return p;
  if (a.catchment !== b.catchment) return a.catchment ? -1 : 1;
  return a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0;
}

/**
 * The same rule in SQL, over a row set with `prio` (a verified priority that applies here), `catchment`
 * and `seq` (see `WAITING_SQL` in seats.ts, and `position` in the applications service).
 */
export const WAITLIST_ORDER_SQL = 'NOT prio, NOT catchment, seq';

/** `prio` of a waitlisted application row: its own verified priority. */
export const WAITLISTED_PRIO_SQL = `(priority_status = 'verified')`;
/** `prio` of a pending swap: verified and applying at the target school (set by requestSwap). */
export const SWAP_PRIO_SQL = `(priority_status = 'verified' AND swap_priority)`;
