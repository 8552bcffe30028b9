// What Telegram would see of a bot's sends, from the simulator's record: the most sends in any window.
import type { RecordedCall } from '../../sim/telegram/simulator.ts';

/** The most of these times (ms) that fall within any half-open window [t, t + windowMs). */
export function busiestWindow(times: number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let most = 0;
  let from = 0;
  for (let i = 0; i < t.length; i++) {
    while ((t[i] as number) - (t[from] as number) >= windowMs) from++;
    most = Math.max(most, i - from + 1);
  }
  return most;
}

/** Each chat's send times (ms), in order. */
export function byChat(calls: RecordedCall[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const c of calls) {
    const k = String(c.params.chat_id);
    m.set(k, [...(m.get(k) ?? []), c.at]);
  }
  for (const v of m.values()) v.sort((a, b) => a - b);
  return m;
}

/** After a burst of `burst`, at most one send per second: n sends span at least (n − burst) s. */
export function slowestAfterBurst(times: number[], burst: number): boolean {
  for (let i = 0; i < times.length; i++)
    for (let j = i + burst; j < times.length; j++)
      if ((times[j] as number) - (times[i] as number) < (j - i - burst + 1) * 1000) return false;
  return true;
}
