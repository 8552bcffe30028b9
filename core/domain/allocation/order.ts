// The order of competing requests for one school × language (K-CAMP-4, queue mode): priority
// category first, then catchment (R-13.1a), then the time Kattoo received the request.

export type PriorityState = 'none' | 'claimed' | 'verified' | 'dropped';

/** A claimed priority counts until it is dropped at its deadline (K-PRIO-2). */
export function priorityRank(status: PriorityState): 0 | 1 {
  return status === 'claimed' || status === 'verified' ? 0 : 1;
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

/** SQL ORDER BY of the same rule over the `application` table (kept beside the rule on purpose). */
export const WAITLIST_ORDER_SQL = `CASE WHEN priority_status IN ('claimed','verified') THEN 0 ELSE 1 END, NOT catchment, seq`;
