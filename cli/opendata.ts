// `kattoo opendata …` and `kattoo stats …` (K-OVER-5, K-OVER-1):
//   opendata --level school|district [--out file.csv] [--campaign id]
//       the campaign's aggregates per school or per district as CSV — no personal data; to the file,
//       or to standard output without --out
//   stats snapshot [--at ISO-instant]     takes the daily snapshot now (idempotent per day)
//   stats reconcile [--campaign id]       recomputes application_stats and quota.taken from rows;
//                                         exit 1 and a list when they differ
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { type Clock, systemClock } from '../core/clock.ts';
import type { Db } from '../core/db/client.ts';
import { OPEN_DATA_LEVELS, type OpenDataLevel, openDataCsv } from '../core/reports/open-data.ts';
import { ReportError } from '../core/reports/scope.ts';
import { reconcileStats, takeDailySnapshot } from '../core/reports/snapshot.ts';

export const OPENDATA_USAGE = `usage:
  kattoo opendata --level school|district [--out file.csv] [--campaign id]
  kattoo stats snapshot [--at 2026-07-01T18:00:00+06:00]
  kattoo stats reconcile [--campaign id]`;

export type CliIo = {
  out: (line: string) => void;
  err: (line: string) => void;
  /** where the CSV goes without --out */
  stdout: NodeJS.WritableStream;
  clock: Clock;
};

const defaultIo = (): CliIo => ({
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  stdout: process.stdout,
  clock: systemClock,
});

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = args[i + 1];
  return v === undefined || v.startsWith('--') ? '' : v;
}

/** `kattoo opendata --level school|district --out file.csv`: writes the open-data CSV. */
export async function openDataCommand(db: Db, args: string[], io: CliIo = defaultIo()): Promise<number> {
  const level = flag(args, 'level');
  const out = flag(args, 'out');
  const campaignId = flag(args, 'campaign') || undefined;
  if (!level || !(OPEN_DATA_LEVELS as readonly string[]).includes(level) || out === '') {
    io.err(OPENDATA_USAGE);
    return 2;
  }
  try {
    const csv = await openDataCsv(db, { level: level as OpenDataLevel, now: io.clock.now(), campaignId });
    if (out) {
      await pipeline(csv, createWriteStream(out));
      io.err(`open data (${level}s) written to ${out}`);
    } else {
      for await (const chunk of csv) io.stdout.write(chunk as string);
    }
    return 0;
  } catch (e) {
    if (e instanceof ReportError && e.code === 'no_campaign') {
      io.err(campaignId ? `no campaign ${campaignId}` : 'no active campaign');
      return 1;
    }
    throw e;
  }
}

/** `kattoo stats snapshot|reconcile`: the daily snapshot job by hand, and the counters' check. */
export async function statsCommand(db: Db, args: string[], io: CliIo = defaultIo()): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'snapshot') {
    const at = flag(rest, 'at');
    const now = at ? new Date(at) : io.clock.now();
    if (Number.isNaN(now.getTime())) {
      io.err('--at takes an instant, e.g. 2026-07-01T18:00:00+06:00');
      return 2;
    }
    const r = await takeDailySnapshot(db, now);
    io.out(`snapshot of ${r.day}: ${r.rows} rows for ${r.campaigns.join(', ') || 'no active campaign'}`);
    return 0;
  }
  if (sub === 'reconcile') {
    const r = await reconcileStats(db, { campaignId: flag(rest, 'campaign') || undefined });
    io.out(`${r.applications} applications, ${r.keys} counter keys`);
    for (const m of r.mismatches) {
      io.out(
        `application_stats ${m.campaignId} school ${m.schoolId} ${m.language}/${m.status}/${m.basis}/${m.priority}/${m.sex}: rows ${m.expected}, counter ${m.actual}`,
      );
    }
    for (const q of r.quotas) {
      io.out(
        `quota ${q.campaignId} school ${q.schoolId} ${q.language}: seat holders ${q.expected}, taken ${q.actual}`,
      );
    }
    io.out(r.ok ? 'counters match the rows' : 'counters DIFFER from the rows');
    return r.ok ? 0 : 1;
  }
  io.err(OPENDATA_USAGE);
  return 2;
}
