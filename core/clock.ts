// One clock for all campaign logic (K-CAMP-5). Production reads the system time; demo and tests may
// start it at a chosen instant (it then runs) or move it, so a fresh demo shows an open stage.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock offset from the system time; `set` and `shift` move it (demo and tests only). */
export class AdjustableClock implements Clock {
  #offsetMs = 0;
  constructor(start?: Date) {
    if (start) this.set(start);
  }
  now(): Date {
    return new Date(Date.now() + this.#offsetMs);
  }
  set(instant: Date): void {
    this.#offsetMs = instant.getTime() - Date.now();
  }
  shift(ms: number): void {
    this.#offsetMs += ms;
  }
  get offsetMs(): number {
    return this.#offsetMs;
  }
}

export const TIME_ZONE = 'Asia/Bishkek';

/** Kyrgyzstan is UTC+6 all year (no daylight saving since 2005). */
export const BISHKEK_OFFSET = '+06:00';

/** An instant from a local Bishkek date and time, e.g. bishkekTime('2026-04-01', '10:00'). */
export function bishkekTime(date: string, time = '00:00'): Date {
  return new Date(`${date}T${time}:00${BISHKEK_OFFSET}`);
}
