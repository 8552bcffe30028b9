// Deadlines for interactive registry look-ups (review F6): a person waiting in the chat hears within
// 3 s, so a look-up made while they wait ends by a moment on the monotonic clock, retries included;
// background re-verification passes none and keeps the full timeout × retries (K-REG-5).

/** A moment on `performance.now()`'s clock by which a look-up must have ended. */
export type Deadline = number;

/**
 * The registry's share of a press: the rest of the 3 s goes to the database and Telegram. One
 * attempt of at most this long, or several fast failures with their back-off, fit in it.
 */
export const INTERACTIVE_REGISTRY_MS = 2_000;

export function deadlineIn(ms: number): Deadline {
  return performance.now() + ms;
}

/** Milliseconds left before `deadline` (Infinity without one). */
export function msLeft(deadline: Deadline | undefined): number {
  return deadline === undefined ? Number.POSITIVE_INFINITY : deadline - performance.now();
}
