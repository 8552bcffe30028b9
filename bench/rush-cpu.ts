// CPU time spent by each side of the opening rush (bench/rush.ts), from /proc (Linux; the database on
// this machine): Kattoo's main thread, and the PostgreSQL backends serving Kattoo's connection pool.
// On a shared machine wall-clock rates depend on what else runs; CPU time per decision much less so.
import { readFileSync } from 'node:fs';
import type pg from 'pg';

const TICK_MS = 10; // USER_HZ = 100 on Linux

/** utime + stime of a process or thread, in ms; null when /proc does not have it. */
function cpuMs(path: string): number | null {
  try {
    const s = readFileSync(path, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return null;
  }
}

export const mainThreadCpuMs = () => cpuMs(`/proc/${process.pid}/task/${process.pid}/stat`);

/**
 * The backends of this database: Kattoo's (or pgbench's) — every connection but the benchmark's own
 * (application_name kattoo-rush…) — or the decision observer's alone.
 */
export async function backendCpu(
  client: pg.Client,
  which: 'app' | 'observer' = 'app',
): Promise<Map<number, number>> {
  const r = await client.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND
       CASE WHEN $1 = 'app' THEN coalesce(application_name, '') NOT LIKE 'kattoo-rush%'
            ELSE application_name = 'kattoo-rush-observer' END`,
    [which],
  );
  const out = new Map<number, number>();
  for (const { pid } of r.rows) {
    const ms = cpuMs(`/proc/${pid}/stat`);
    if (ms !== null) out.set(pid, ms);
  }
  return out;
}

/** CPU ms spent between two readings by the backends present in both (null when none could be read). */
export function backendCpuDelta(a: Map<number, number>, b: Map<number, number>): number | null {
  let sum = 0;
  let n = 0;
  for (const [pid, ms] of b) {
    const was = a.get(pid);
    if (was === undefined) continue;
    sum += ms - was;
    n++;
  }
  return n > 0 ? sum : null;
}
