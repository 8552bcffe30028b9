// One interface for the allocation modes of K-CAMP-4. `queue` decides each request when it arrives;
// a `window` policy (issue: window/lottery mode) collects requests and decides them in one run.
import { type Candidate, compareCandidates } from './order.ts';

export type SeatRequest = Candidate & { schoolId: number; language: string };

export type Decision = { id: string; outcome: 'admitted' | 'waitlisted' };

export interface AllocationPolicy {
  readonly mode: 'queue' | 'window';
  /** Decide requests for one school × language given the free seats. Pure. */
  decide(requests: SeatRequest[], freeSeats: number): Decision[];
  /** Who gets a seat that frees up, among those waiting. Pure. */
  next(waiting: Candidate[]): Candidate | undefined;
}

export const queuePolicy: AllocationPolicy = {
  mode: 'queue',
  decide(requests, freeSeats) {
    // Requests arrive one by one in queue mode: each takes a seat while one is free.
    const byArrival = [...requests].sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
    let free = freeSeats;
    return byArrival.map((r) => {
      if (free > 0) {
        free--;
        return { id: r.id, outcome: 'admitted' as const };
      }
      return { id: r.id, outcome: 'waitlisted' as const };
    });
  },
  next(waiting) {
    return [...waiting].sort(compareCandidates)[0];
  },
};
