// A circuit breaker per registry service: opens after N consecutive failed attempts, refuses at once
// while open, lets one trial call through after the cool-down (half-open), closes on its success and
// opens again on its failure. Time comes from an injectable source so tests never sleep.

import type { BreakerPolicy } from './config.ts';

/** Milliseconds from any fixed origin; must not go backwards. */
export type TimeSource = { now(): number };

export const monotonicTime: TimeSource = { now: () => performance.now() };

export type BreakerState = 'closed' | 'open' | 'half-open';

export type Admission = { allowed: true } | { allowed: false; retryAfterMs: number };

export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #trialInFlight = false;
  readonly #policy: BreakerPolicy;
  readonly #time: TimeSource;
  readonly #onChange: ((from: BreakerState, to: BreakerState) => void) | undefined;

  constructor(
    policy: BreakerPolicy,
    time: TimeSource = monotonicTime,
    onChange?: (from: BreakerState, to: BreakerState) => void,
  ) {
    this.#policy = policy;
    this.#time = time;
    this.#onChange = onChange;
  }

  get state(): BreakerState {
    if (this.#state === 'open' && this.#time.now() - this.#openedAt >= this.#policy.coolDownMs)
      return 'half-open';
    return this.#state;
  }

  get consecutiveFailures(): number {
    return this.#failures;
  }

  /** Asks to make one attempt. In half-open only one trial attempt is in flight at a time. */
  admit(): Admission {
    const state = this.state;
    if (state === 'closed') return { allowed: true };
    if (state === 'open')
      return { allowed: false, retryAfterMs: this.#openedAt + this.#policy.coolDownMs - this.#time.now() };
    if (this.#trialInFlight) return { allowed: false, retryAfterMs: 0 };
    this.#set('half-open');
    this.#trialInFlight = true;
    return { allowed: true };
  }

  success(): void {
    this.#trialInFlight = false;
    this.#failures = 0;
    this.#set('closed');
  }

  failure(): void {
    this.#trialInFlight = false;
    this.#failures += 1;
    if (this.#state === 'half-open' || this.#failures >= this.#policy.failureThreshold) {
      this.#openedAt = this.#time.now();
      this.#set('open');
    }
  }

  /** An attempt that says nothing about the service's health (e.g. our own Client.* error). */
  neutral(): void {
    if (this.#trialInFlight) {
      this.#trialInFlight = false;
      // the service answered: it is reachable
      this.success();
    }
  }

  #set(to: BreakerState): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    this.#onChange?.(from, to);
  }
}
