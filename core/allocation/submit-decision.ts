// The seat decision of a submission (queue mode) as a pure rule: the TypeScript twin of the
// PL/pgSQL function `submit_decision` (prisma/migrations/20261203120000_allocation_approved_quotas),
// which makes the same decision under the quota's row lock in one round trip (decision 0004).
// test/integration/allocation-property.test.ts runs the service (the SQL) against a model built on
// this function and proves they agree; change both together.
import { type QuotaState, quotaGate } from './quota-gate.ts';

export type SubmitDecision = 'admitted' | 'waitlisted' | 'awaiting_approval' | 'school_full' | 'no_quota';

/**
 * `refuseWhenFull`: the free-seats stage refuses a full school so the parent picks another.
 * A quota not yet approved gives no seat, and refuses nobody: the request holds its place in line
 * and is decided in order when the district approves (K-SEAT-1, decision 0008).
 */
export function decideSubmission(
  quota: QuotaState | undefined | null,
  refuseWhenFull: boolean,
): SubmitDecision {
  switch (quotaGate(quota)) {
    case 'no_quota':
      return 'no_quota';
    case 'not_approved':
      return 'awaiting_approval';
    case 'free':
      return 'admitted';
    case 'full':
      return refuseWhenFull ? 'school_full' : 'waitlisted';
  }
}
