// The oversight jobs, from PostgreSQL state (K-NOTE-1): reruns and several processes write nothing
// twice (every message has a dedupe key), a restart loses nothing. Appeal reminders and overdue flags
// every few minutes; the weekly coverage digest checked hourly (it writes once per district and ISO
// week, for a working day at 10:00 Bishkek time).

import { alwaysClaim, type ClaimTick, claimed } from '../../db/schedule.ts';
import type { Logger } from '../../logger.ts';
import type { AppealService } from './appeals.ts';
import type { CoverageService } from './coverage.ts';

export const APPEAL_REMINDERS_EVERY_MS = 5 * 60_000;
export const COVERAGE_DIGEST_EVERY_MS = 60 * 60_000;

export function startOversightJobs(
  deps: {
    appeals: Pick<AppealService, 'sendReminders'>;
    coverage: Pick<CoverageService, 'weeklyDigests'>;
    log: Logger;
    claim?: ClaimTick;
  },
  opts: { appealsEveryMs?: number; coverageEveryMs?: number } = {},
) {
  let running: Promise<unknown> = Promise.resolve();
  const run = (name: string, fn: () => Promise<number>) => {
    running = running
      .then(fn)
      .then((n) => {
        if (n > 0) deps.log.info({ job: name, messages: n }, 'oversight job wrote messages');
      })
      .catch((e) =>
        deps.log.warn({ job: name, err: e instanceof Error ? e.message : String(e) }, 'oversight job failed'),
      );
    return running;
  };
  const reminders = () => run('appeal_reminders', () => deps.appeals.sendReminders());
  const digests = () => run('coverage_digest', () => deps.coverage.weeklyDigests());
  const appealsEvery = opts.appealsEveryMs ?? APPEAL_REMINDERS_EVERY_MS;
  const coverageEvery = opts.coverageEveryMs ?? COVERAGE_DIGEST_EVERY_MS;
  const claim = deps.claim ?? alwaysClaim;
  const a = setInterval(() => claimed(claim, 'appeal_reminders', appealsEvery, reminders), appealsEvery);
  const c = setInterval(() => claimed(claim, 'coverage_digest', coverageEvery, digests), coverageEvery);
  a.unref();
  c.unref();
  return {
    /** both jobs once now (tests, start-up) */
    async runOnce(): Promise<void> {
      await reminders();
      await digests();
    },
    async stop(): Promise<void> {
      clearInterval(a);
      clearInterval(c);
      await running.catch(() => {});
    },
  };
}
