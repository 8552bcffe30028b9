// The composition root (guide: "one place"): configuration → database → core → bot → HTTP.
// `startKattoo` is what `npm start`, the bot tests, the browser tests and the benchmarks run.
import type { FastifyInstance } from 'fastify';
import { BotError } from 'grammy';
import { Redis } from 'ioredis';
import { AdjustableClock, type Clock, systemClock } from '../core/clock.ts';
import type { Config } from '../core/config.ts';
import { createDb, type Db } from '../core/db/client.ts';
import { startEmbeddedPostgres } from '../core/db/embedded.ts';
import { applyMigrations, migrationList } from '../core/db/migrations.ts';
import { openRegistrationStage } from '../core/domain/campaign.ts';
import type { Logger } from '../core/logger.ts';
import { createServices, type Services } from '../core/services.ts';
import type { SessionData } from './context.ts';
import { createBot, type KattooBot, registerCommands } from './create-bot.ts';
import { createMetrics } from './http/metrics.ts';
import { createHttpServer } from './http/server.ts';
import { memoryStorage, redisStorage } from './session.ts';
import type { ThrottleOptions } from './telegram/throttle.ts';
import { UpdateDispatcher } from './updates/dispatcher.ts';
import { ALLOWED_UPDATES, startPolling } from './updates/poller.ts';

/** The simulator's bot token: any well-formed value; the simulator accepts only this one. */
export const SIMULATOR_TOKEN = '7000000001:KATTOO-LOCAL-SIMULATOR-TOKEN';
export const SIMULATOR_PREFIX = '/sim/telegram';

export type Kattoo = {
  url: string;
  chatUrl: string | undefined;
  db: Db;
  services: Services;
  clock: Clock;
  bot: KattooBot;
  http: FastifyInstance;
  dispatcher: UpdateDispatcher;
  /** the Telegram simulator when no token is configured (demo and tests) */
  telegram: import('../sim/telegram/simulator.ts').TelegramSimulator | undefined;
  stop(): Promise<void>;
};

export type StartOptions = {
  /** outbound limits; `false` only for benchmarks against a stand-in that has none */
  throttle?: ThrottleOptions | false;
};

export async function startKattoo(config: Config, log: Logger, opts: StartOptions = {}): Promise<Kattoo> {
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const c of cleanups.reverse())
      await c().catch((e) => log.error({ err: String(e) }, 'stop step failed'));
    cleanups.length = 0;
  };
  try {
    return await start(config, log, opts, cleanups, stop);
  } catch (e) {
    await stop();
    throw e;
  }
}

async function start(
  config: Config,
  log: Logger,
  opts: StartOptions,
  cleanups: (() => Promise<void>)[],
  stop: () => Promise<void>,
): Promise<Kattoo> {
  // Database: the configured server, or the embedded one in the project's data folder.
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const embedded = await startEmbeddedPostgres(config.dataDir, log);
    cleanups.push(embedded.stop);
    databaseUrl = embedded.url;
  }
  const applied = await applyMigrations(databaseUrl);
  if (applied.length > 0) log.info({ applied }, 'migrations applied');
  const expectedMigrations = (await migrationList()).migrationDirectories.length;
  const db = createDb(databaseUrl);
  cleanups.push(() => db.$disconnect());

  if (config.demo) {
    const { seedDemoIfEmpty } = await import('../prisma/demo/seed.ts');
    await seedDemoIfEmpty(db, log);
  }

  // One clock; in demo mode it starts where the campaign's first stage is open, unless told otherwise.
  let clock: Clock = systemClock;
  if (config.demo) {
    const adjustable = new AdjustableClock(config.clockStart ?? (await demoStart(db)));
    if (adjustable.offsetMs !== 0) log.info({ now: adjustable.now().toISOString() }, 'demo clock set');
    clock = adjustable;
  }

  // Sessions: Redis when configured, else in-process (said so, K-TG-2).
  let storage = memoryStorage<SessionData>();
  if (config.redisUrl) {
    const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
    await redis.connect();
    cleanups.push(async () => {
      await redis.quit();
    });
    storage = redisStorage<SessionData>(redis);
    log.info('sessions: Redis');
  } else {
    log.info(
      'sessions: in-process store (REDIS_URL is not set); sessions are lost on restart, drafts are not',
    );
  }

  const services = createServices(db, clock);
  const metrics = createMetrics();
  let dispatcher: UpdateDispatcher | undefined;
  const webhookSecret = config.telegram.webhookSecret;
  const http = createHttpServer({
    log,
    metrics,
    ready: async () => {
      const rows = await db.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
      const migrated = (rows[0]?.n ?? 0) >= expectedMigrations;
      return { ok: migrated, checks: { database: true, migrations: migrated } };
    },
    webhook:
      config.telegram.mode === 'webhook' && webhookSecret
        ? { secret: webhookSecret, dispatcher: () => dispatcher }
        : undefined,
  });
  cleanups.push(() => http.close());

  let telegram: Kattoo['telegram'];
  if (config.telegram.simulated) {
    const { TelegramSimulator } = await import('../sim/telegram/simulator.ts');
    const { registerTelegramSimulator } = await import('../sim/telegram/http.ts');
    telegram = new TelegramSimulator({ token: SIMULATOR_TOKEN });
    await registerTelegramSimulator(http, { prefix: SIMULATOR_PREFIX, sim: telegram });
    cleanups.push(async () => telegram?.close?.());
  }

  await http.listen({ port: config.http.port, host: config.http.host });
  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const url = `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${port}`;
  const publicUrl = config.http.publicUrl ?? url;

  const token = config.telegram.token ?? SIMULATOR_TOKEN;
  const apiRoot = config.telegram.simulated ? `${url}${SIMULATOR_PREFIX}` : config.telegram.apiRoot;
  const bot = createBot({ token, apiRoot, services, storage, log, throttle: opts.throttle });
  await bot.init();
  await registerCommands(bot);

  dispatcher = new UpdateDispatcher(
    async (u) => {
      try {
        await bot.handleUpdate(u);
      } catch (e) {
        // handleUpdate rethrows; the error boundary (bot.catch) answers the user, the inbox records it.
        if (e instanceof BotError) await bot.errorHandler(e);
        throw e;
      }
    },
    services.inbox,
    log,
    (result, ms) => {
      metrics.updates.inc({ result });
      if (result !== 'duplicate') metrics.updateSeconds.observe(ms / 1000);
    },
  );
  const active = dispatcher;
  cleanups.push(() => active.idle());
  await dispatcher.recover();
  const recovery = setInterval(() => {
    void active.recover().catch((e) => log.error({ err: String(e) }, 'inbox recovery failed'));
    void services.inbox
      .pendingCount()
      .then((n) => metrics.inboxPending.set(n))
      .catch(() => {});
  }, 30_000);
  recovery.unref();
  cleanups.push(async () => clearInterval(recovery));

  if (config.telegram.mode === 'webhook') {
    await bot.api.setWebhook(`${publicUrl}/telegram/webhook`, {
      secret_token: webhookSecret,
      allowed_updates: [...ALLOWED_UPDATES],
      max_connections: 100,
    });
    log.info('webhook mode: Telegram posts updates to /telegram/webhook');
  } else {
    await bot.api.deleteWebhook();
    const poller = startPolling(bot.api, dispatcher, log);
    cleanups.push(() => poller.stop());
    log.info('polling mode');
  }

  const chatUrl = telegram ? `${url}${SIMULATOR_PREFIX}/chat` : undefined;
  return { url, chatUrl, db, services, clock, bot, http, dispatcher, telegram, stop };
}

/** The demo's starting instant: one day into the campaign's first registration stage. */
async function demoStart(db: Db): Promise<Date | undefined> {
  const campaign = await db.campaign.findFirst({ where: { active: true }, include: { stages: true } });
  const first = campaign?.stages
    .filter((s) => s.kind !== 'documents')
    .sort((a, b) => a.ordinal - b.ordinal)[0];
  if (!first) return undefined;
  const start = new Date(first.opensAt.getTime() + 24 * 3600_000);
  const stages = campaign?.stages ?? [];
  return openRegistrationStage(stages, start) ? start : first.opensAt;
}
