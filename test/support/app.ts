// The whole Kattoo, as `npm start` runs it, on a fresh test database: demo data, the Telegram
// simulator over real HTTP (polling or webhook), sessions in Redis when REDIS_URL is set.
import { type Kattoo, type StartOptions, startKattoo } from '../../bot/app.ts';
import { loadConfig } from '../../core/config.ts';
import { createLogger, type Logger } from '../../core/logger.ts';
import { SimUser } from '../../sim/telegram/client.ts';
import type { TelegramSimulator } from '../../sim/telegram/simulator.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

export type TestApp = Kattoo & {
  database: TestDatabase;
  /** the Telegram simulator the app runs against */
  sim: TelegramSimulator;
  user(index: number): SimUser;
  close(): Promise<void>;
};

export async function startTestApp(
  env: Record<string, string> = {},
  opts: StartOptions & { log?: Logger } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = loadConfig({
    DATABASE_URL: database.url,
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    KATTOO_DEMO: '1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const app = await startKattoo(
    config,
    opts.log ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    opts,
  );
  const sim = app.telegram;
  if (!sim) throw new Error('the test app runs against the Telegram simulator');
  return Object.assign(app, {
    database,
    sim,
    user: (index: number) => {
      const persona = sim.personas()[index];
      if (!persona) throw new Error(`the simulator has no persona #${index}`);
      return new SimUser(sim, persona);
    },
    async close() {
      await app.stop();
      await database.drop();
    },
  });
}
