// Each background schedule runs once per cluster per interval, whatever the number of Kattoo
// processes (decision 0012): a tick first claims its schedule's row with one statement, which only
// one process can win per interval. The database's own time decides, so processes' clocks (and the
// demo clock) cannot disagree about it. A process that dies after claiming loses one tick only.
import { randomUUID } from 'node:crypto';
import type { Db } from './client.ts';
import { sql } from './sql.ts';

const processId = `${process.pid}-${randomUUID().slice(0, 8)}`;

/**
 * true when this process may run `name`'s tick now: no process has run it in the last
 * `everyMs × 0.9` (a margin, so that two processes' timers drifting apart never skip a tick).
 */
export async function claimTick(db: Db, name: string, everyMs: number): Promise<boolean> {
  const rows = await sql<{ name: string }>(
    db,
    'kattoo_claim_tick',
    `INSERT INTO schedule_tick (name, last_run_at, owner) VALUES ($1, now(), $2)
     ON CONFLICT (name) DO UPDATE SET last_run_at = now(), owner = EXCLUDED.owner
       WHERE schedule_tick.last_run_at <= now() - make_interval(secs => $3::float8 / 1000)
     RETURNING name`,
    [name, processId, Math.floor(everyMs * 0.9)],
  );
  return rows.length === 1;
}

/** `run` wrapped so that it runs only where the tick was claimed; false when another process has it */
export function oncePerCluster(
  db: Db,
  name: string,
  everyMs: number,
  run: () => Promise<unknown>,
): () => Promise<boolean> {
  return async () => {
    if (!(await claimTick(db, name, everyMs))) return false;
    await run();
    return true;
  };
}

/** What a scheduler asks before an interval's tick; always yes for a scheduler alone (tests). */
export type ClaimTick = (name: string, everyMs: number) => Promise<boolean>;
export const alwaysClaim: ClaimTick = async () => true;

/** Runs `tick` if the claim is won; a failed claim (database down) skips the tick like a lost one. */
export async function claimed(claim: ClaimTick, name: string, everyMs: number, tick: () => Promise<unknown>) {
  if (await claim(name, everyMs).catch(() => false)) await tick();
}
