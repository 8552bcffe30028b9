// The one answer to "can this quota give a seat now?" (K-SEAT-1, K-CORE-1), asked by every path
// that takes a seat: submission (its SQL twin in submit_decision), waitlist promotion, change of
// school and direct admission. A quota gives seats only once the district has approved it, and only
// while seats are free; the CHECK constraint quota_taken_within_seats stays the last line.

export type QuotaState = { seats: number; taken: number; approved: boolean };

export type QuotaGate = 'free' | 'full' | 'not_approved' | 'no_quota';

export function quotaGate(q: QuotaState | undefined | null): QuotaGate {
  if (!q) return 'no_quota';
  if (!q.approved) return 'not_approved';
  return q.taken < q.seats ? 'free' : 'full';
}

/** The same condition in SQL, for `UPDATE quota … WHERE <this>`: atomic under the row lock. */
export const QUOTA_GIVES_SQL = 'approved AND taken < seats';
