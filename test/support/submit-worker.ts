// A separate bot-like process for the concurrency test: submits the given applications all at once,
// at a shared start instant, through the real core service on its own connection pool.
import { AdjustableClock } from '../../core/clock.ts';
import { createDb } from '../../core/db/client.ts';
import { createLogger } from '../../core/logger.ts';
import { applicationService } from '../../core/services/applications/service.ts';
import { registryStub } from './registry-stub.ts';

const { url, items, startAt, now } = JSON.parse(process.argv[2] as string) as {
  url: string;
  items: { id: string; telegramId: number }[];
  startAt: number;
  now: string;
};
const db = createDb(url, 20);
const svc = applicationService({
  db,
  clock: new AdjustableClock(new Date(now)),
  registry: registryStub([]),
  log: createLogger('silent'),
});
await db.$queryRaw`SELECT 1`;
await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
const results = await Promise.all(
  items.map(async (i) => {
    try {
      const r = await svc.submit(i.id, i.telegramId);
      return { id: i.id, outcome: r.outcome, repeated: r.repeated };
    } catch (e) {
      return { id: i.id, error: e instanceof Error ? e.message : String(e) };
    }
  }),
);
process.stdout.write(JSON.stringify(results));
await db.$disconnect();
