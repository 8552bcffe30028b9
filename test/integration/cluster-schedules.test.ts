// Several Kattoo processes on one database (issue 13): each schedule runs once per cluster and
// interval, and processes starting together on an empty database seed the demo once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../core/db/client.ts';
import { claimTick } from '../../core/db/schedule.ts';
import { createLogger } from '../../core/logger.ts';
import { startDeadlineScheduler } from '../../core/services/school/deadlines.ts';
import { seedDemoIfEmpty } from '../../prisma/demo/seed.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

const log = createLogger('silent');

describe('schedules across processes', () => {
  let t: TestDatabase;
  let others: Db[];
  beforeAll(async () => {
    t = await createTestDatabase();
    // each "process" with its own pool, as separate Kattoo instances have
    others = [createDb(t.url, 3), createDb(t.url, 3)];
  });
  afterAll(async () => {
    for (const d of others) await d.$disconnect();
    await t.drop();
  });

  it('lets exactly one of many concurrent claims of a tick win, and the next interval be claimed again', async () => {
    const dbs = [t.db, ...others];
    // an interval far longer than the burst of claims takes, even on a loaded machine
    const wins = await Promise.all(
      Array.from({ length: 12 }, (_, i) => claimTick(dbs[i % 3] as Db, 'probe', 600_000)),
    );
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(await claimTick(t.db, 'probe', 600_000)).toBe(false);
    // a short interval: refused within it, claimed again once it has passed
    expect(await claimTick(others[0] as Db, 'short', 300)).toBe(true);
    expect(await claimTick(others[1] as Db, 'short', 300_000)).toBe(false);
    await new Promise((r) => setTimeout(r, 350));
    expect(await claimTick(others[1] as Db, 'short', 300)).toBe(true);
  });

  it('runs the deadline schedule of three processes once per interval, not three times', async () => {
    let runs = 0;
    const deadlines = { runDeadlines: async () => void runs++ } as never;
    const clock = { now: () => new Date() } as never;
    const every = 300;
    const started = Date.now();
    const schedulers = [t.db, ...others].map((db) =>
      startDeadlineScheduler(
        { deadlines, clock, log, claim: (name, ms) => claimTick(db, `${name}-three`, ms) },
        { intervalMs: every },
      ),
    );
    await new Promise((r) => setTimeout(r, 3000));
    for (const s of schedulers) await s.stop();
    const elapsed = Date.now() - started;
    // the claim's margin is 0.9 of the interval, so at most elapsed / (0.9 × interval) + 1 runs in all
    expect(runs).toBeLessThanOrEqual(Math.floor(elapsed / (every * 0.9)) + 1);
    // and the schedule still runs: three unclaimed processes would have run ≈ 30 times
    expect(runs).toBeGreaterThanOrEqual(3);
  });
});

describe('the demo seed', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  it('is loaded once when three processes start together on an empty database', async () => {
    const dbs = [t.db, createDb(t.url, 3), createDb(t.url, 3)];
    try {
      const results = await Promise.all(dbs.map((db) => seedDemoIfEmpty(db, log)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await t.db.campaign.count()).toBe(1);
    } finally {
      for (const d of dbs.slice(1)) await d.$disconnect();
    }
  }, 120_000);
});
