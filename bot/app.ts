// The composition root (guide: "one place"): configuration → database → core → bot → HTTP.
// `startKattoo` is what `npm start`, the bot tests, the browser tests and the benchmarks run.
import type { FastifyInstance } from 'fastify';
import { BotError } from 'grammy';
import { AdjustableClock, type Clock, systemClock } from '../core/clock.ts';
import type { Config } from '../core/config.ts';
import { createDb, type Db } from '../core/db/client.ts';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../core/db/embedded.ts';
import { applyMigrations, migrationList } from '../core/db/migrations.ts';
import { type ClaimTick, claimed, claimTick } from '../core/db/schedule.ts';
import { openRegistrationStage } from '../core/domain/campaign.ts';
import type { Logger } from '../core/logger.ts';
import {
  httpSmsGateway,
  type LocalOutbox,
  localOutbox,
  smtpEmailSender,
} from '../core/notifications/channels.ts';
import { createRelyingParty, OidcError, oidcConfigFromEnv, type RelyingParty } from '../core/oidc/index.ts';
import { startSnapshotScheduler } from '../core/reports/snapshot.ts';
import { startOversightJobs } from '../core/services/oversight/jobs.ts';
import { startDeadlineScheduler } from '../core/services/school/deadlines.ts';
import { secretKeyFromEnv } from '../core/services/school/totp.ts';
import { createServices, type Services } from '../core/services.ts';
import type { SessionData } from './context.ts';
import { createBot, isBlockedByUser, type KattooBot, registerCommands } from './create-bot.ts';
import { identityNotifier } from './features/parent/identity.ts';
import { admissionsListButton } from './features/staff/admissions/index.ts';
import { startAlertDigestWorker } from './features/staff/alerts/worker.ts';
import { registerAuthRoutes } from './http/auth-routes.ts';
import { registerDemoOutbox } from './http/demo-outbox.ts';
import { createMetrics } from './http/metrics.ts';
import { createHttpServer } from './http/server.ts';
import { startNotificationWorker } from './notifications/worker.ts';
import { startRegistry } from './registry.ts';
import {
  alwaysAvailable,
  connectSessionRedis,
  memoryStorage,
  redisHealth,
  redisStorage,
  type SessionStoreHealth,
} from './session.ts';
import type { ThrottleOptions } from './telegram/throttle.ts';
import { UpdateDispatcher } from './updates/dispatcher.ts';
import { ALLOWED_UPDATES, startPolling } from './updates/poller.ts';

/** The simulator's bot token: any well-formed value; the simulator accepts only this one. */
export const SIMULATOR_TOKEN = '7000000001:KATTOO-LOCAL-SIMULATOR-TOKEN';
export const SIMULATOR_PREFIX = '/sim/telegram';
/**
 * A webhook's 200 waits for the update to be handled, up to this long (decision 0004): under a rush
 * Telegram keeps the backlog (it opens at most max_connections requests), while an update whose
 * handler waits on something slow (the registry) is acknowledged in time and finishes from the inbox.
 */
export const WEBHOOK_ACK_WITHIN_MS = 1_000;
/** a readiness probe answers within this, whatever a dependency does */
const READY_CHECK_MS = 1_500;

function withinMs<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error('timeout')), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
/**
 * Requests Telegram may keep open to the webhook at once (Telegram's default; 1–100). With the 200
 * sent after handling, this bounds the updates in the process, so an update's time here is about
 * this many ÷ the updates handled per second (bench/README.md: 40 gave p99 114 ms, 100 gave 372 ms,
 * and more decisions per second, not fewer).
 */
export const WEBHOOK_MAX_CONNECTIONS = 40;
/**
 * How often each instance looks for updates whose lease ran out (their instance died): with the
 * inbox's 5 s lease, an update in flight in a killed process is handled at most ≈ 7 s after the kill
 * by any instance that is up (decision 0005).
 */
export const INBOX_RECOVERY_EVERY_MS = 2_000;

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
  notifications: ReturnType<typeof startNotificationWorker>;
  /** demo: what SMS and e-mail would have carried */
  localOutbox: LocalOutbox | undefined;
  registry: import('./registry.ts').RegistryHandle;
  /** SIGTERM's first step: /readyz answers 503 so the load balancer stops sending; work goes on */
  drain(): void;
  stop(): Promise<void>;
};

export type StartOptions = {
  /** how long an update waits for a lost session store before it is left in the inbox (tests) */
  sessionHoldMs?: number;
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
  let embedded: EmbeddedDatabase | undefined;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres(config.dataDir, log);
    cleanups.push(embedded.stop);
    databaseUrl = embedded.url;
  }
  // MIGRATE_ON_START=0 behind PgBouncer: `kattoo migrate` runs first, straight to PostgreSQL, and
  // /readyz stays red until the migrations are there (decision 0013)
  if (config.database.migrateOnStart) {
    const applied = await applyMigrations(databaseUrl);
    if (applied.length > 0) log.info({ applied }, 'migrations applied');
  }
  const expectedMigrations = (await migrationList()).migrationDirectories.length;
  const { poolSize, namedStatements, readUrl } = config.database;
  const db = createDb(databaseUrl, poolSize, { namedStatements });
  cleanups.push(() => db.$disconnect());
  // reports and open data read from a replica when one is configured (decision 0013)
  const readDb = readUrl ? createDb(readUrl, poolSize, { namedStatements }) : db;
  if (readDb !== db) cleanups.push(() => readDb.$disconnect());

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
  let throttle = opts.throttle;
  let sessionHealth: SessionStoreHealth = alwaysAvailable;
  let redisReady: (() => Promise<boolean>) | undefined;
  if (config.redisUrl) {
    const redis = await connectSessionRedis(config.redisUrl, log);
    cleanups.push(async () => {
      await redis.quit().catch(() => redis.disconnect());
    });
    storage = redisStorage<SessionData>(redis);
    sessionHealth = redisHealth(redis);
    redisReady = async () => (await redis.ping().catch(() => null)) === 'PONG';
    log.info('sessions: Redis');
    // Telegram's limits shared by every instance (decision 0014), on a connection of their own that
    // fails at once when Redis is away (the throttle then keeps this process's limits) and pipelines.
    // A bundled simulator is each process's own Telegram: its limits stay in the process.
    if (throttle !== false && !config.telegram.simulated) {
      const limits = redis.duplicate({
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        commandTimeout: 500,
        enableAutoPipelining: true,
      });
      cleanups.push(async () => void limits.disconnect());
      await limits.connect().catch((e) => log.warn({ err: String(e) }, 'outbound limits: Redis unreachable'));
      throttle = { ...throttle, redis: limits };
    }
  } else {
    log.info(
      'sessions: in-process store (REDIS_URL is not set); sessions are lost on restart, drafts are not',
    );
  }

  const registry = await startRegistry(config, clock, log);
  cleanups.push(registry.stop);
  let publicUrl = config.http.publicUrl;
  const services = createServices(db, clock, {
    registry: registry.registry,
    log,
    publicUrl: () => publicUrl ?? '',
    secretKey: secretKeyFromEnv(process.env, config.demo),
    census: registry.census,
    readDb,
  });
  const metrics = createMetrics();
  let dispatcher: UpdateDispatcher | undefined;
  let callLate: (payload: string) => Promise<void> = async () => {};
  let started = false;
  let draining = false;
  const webhookSecret = config.telegram.webhookSecret;
  const http = createHttpServer({
    log,
    metrics,
    ready: async () => {
      const rows = await withinMs(
        READY_CHECK_MS,
        db.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      ).catch(() => undefined);
      const database = rows !== undefined;
      const migrated = database && (rows[0]?.n ?? 0) >= expectedMigrations;
      // the session store: a press cannot be handled without it (decision 0006)
      const redis = redisReady ? await redisReady() : undefined;
      // ready once the bot has started too (getMe, commands, webhook or polling), not just the HTTP server
      return {
        ok: database && migrated && started && redis !== false && !draining,
        checks: {
          database,
          migrations: migrated,
          ...(redis === undefined ? {} : { redis }),
          bot: started,
          accepting: !draining,
        },
      };
    },
    // Alive unless only a restart of this process can help: the embedded database it supervises has
    // stayed down past the supervisor's bound. A server in DATABASE_URL is not ours to restart.
    live: () => {
      const h = embedded?.health();
      const checks: Record<string, boolean> = h ? { embeddedDatabase: h.up } : {};
      return { ok: h?.recoverable ?? true, checks };
    },
    webhook:
      config.telegram.mode === 'webhook' && webhookSecret
        ? {
            secret: webhookSecret,
            dispatcher: () => dispatcher,
            ackWithinMs: WEBHOOK_ACK_WITHIN_MS,
            callLate: (payload: string) => callLate(payload),
          }
        : undefined,
  });
  cleanups.push(() => http.close());

  // The state sign-in (K-ID-1): the configured OpenID provider, or the demo one mounted here.
  let relyingParty: RelyingParty | undefined;
  let demoIdp: import('../sim/idp/index.ts').DemoIdp | undefined;
  let notify: ReturnType<typeof identityNotifier> | undefined;
  let botUsername: string | undefined;
  registerAuthRoutes(http, {
    identity: services.identity,
    relyingParty: () => {
      if (!relyingParty) throw new OidcError('unreachable', 'starting');
      return relyingParty;
    },
    notify: async (chatId, lang, key, params) => {
      await notify?.(chatId, lang, key, params);
    },
    log,
    botUrl: () => (botUsername ? `https://t.me/${botUsername}` : undefined),
  });
  const useDemoIdp = config.demo && !process.env.OIDC_ISSUER;
  if (useDemoIdp) await (await import('../sim/idp/index.ts')).mountDemoIdp(http, () => demoIdp);

  let telegram: Kattoo['telegram'];
  if (config.telegram.simulated) {
    const { TelegramSimulator } = await import('../sim/telegram/simulator.ts');
    const { registerTelegramSimulator } = await import('../sim/telegram/http.ts');
    // Telegram's update ids only grow; a restarted simulator must not reuse ids the inbox has seen.
    const [seen] = await db.$queryRaw<
      { max: bigint | null }[]
    >`SELECT max(update_id) AS max FROM inbound_update`;
    telegram = new TelegramSimulator({
      token: SIMULATOR_TOKEN,
      ...(seen?.max ? { firstUpdateId: Number(seen.max) + 1 } : {}),
    });
    await registerTelegramSimulator(http, { prefix: SIMULATOR_PREFIX, sim: telegram });
    cleanups.push(async () => telegram?.close?.());
  }

  // When Telegram cannot reach a parent: SMS/e-mail through the configured gateways, or in demo mode
  // the local outbox page (/demo/outbox).
  const fallback = await deliveryFallback(config, http, services, cleanups);

  await http.listen({ port: config.http.port, host: config.http.host });
  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const url = `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${port}`;
  publicUrl ??= url;
  const oidc = oidcConfigFromEnv(process.env, { demo: config.demo, publicUrl });
  if (useDemoIdp) {
    const { createDemoIdp } = await import('../sim/idp/index.ts');
    const people = registry.population?.persons;
    demoIdp = createDemoIdp({
      demo: config.demo,
      issuer: oidc.issuer,
      client: { clientId: oidc.clientId, clientSecret: oidc.clientSecret, redirectUris: [oidc.redirectUri] },
      people: (pin) => {
        const p = people?.get(pin);
        return p ? { name: `${p.surname} ${p.name}` } : null;
      },
    });
  }
  relyingParty = createRelyingParty(oidc);

  const token = config.telegram.token ?? SIMULATOR_TOKEN;
  const apiRoot = config.telegram.simulated ? `${url}${SIMULATOR_PREFIX}` : config.telegram.apiRoot;
  const bot = createBot({
    token,
    apiRoot,
    services,
    storage,
    sessionHealth,
    sessionHoldMs: opts.sessionHoldMs,
    log,
    throttle,
  });
  await bot.init();
  await registerCommands(bot);
  notify = identityNotifier(bot.api);
  botUsername = bot.botInfo.username;

  callLate = async (payload) => {
    const { method, ...params } = JSON.parse(payload) as { method: string };
    const raw = bot.api.raw as unknown as Record<string, (p: unknown) => Promise<unknown>>;
    // a button's spinner answered after the webhook's 200: harmless if Telegram finds it too old
    await raw[method]?.(params).catch((e) => log.warn({ method, err: String(e) }, 'late call failed'));
  };
  dispatcher = new UpdateDispatcher(
    async (u, envelope) => {
      try {
        await bot.handleUpdate(u, envelope);
      } catch (e) {
        // handleUpdate rethrows; the error boundary (bot.catch) answers the user, the inbox records it.
        if (e instanceof BotError) {
          await bot.errorHandler(e);
          // a person who blocked the bot: the boundary marked them unreachable; the update is done
          if (isBlockedByUser(e.error)) return;
        }
        throw e;
      }
    },
    services.inbox,
    log,
    (result, ms) => {
      metrics.updates.inc({ result });
      if (result !== 'duplicate') metrics.updateSeconds.observe(ms / 1000);
    },
    {
      onIgnored: (reason) => metrics.updatesIgnored.inc({ reason }),
      onQuarantined: () => metrics.inboxQuarantined.inc(),
    },
  );
  const active = dispatcher;
  cleanups.push(() => active.idle());
  await dispatcher.recover();
  const notifications = startNotificationWorker({
    fallback,
    api: bot.api,
    outbox: services.outbox,
    clock,
    log,
    languageOf: (id) => services.chatUsers.language(id),
    setReachable: (id, reachable) => services.chatUsers.setReachable(id, reachable),
    schoolName: (id) => services.schools.namesById(id),
    documentsDeadline: async () => (await services.campaignsRepo.active())?.documentsDeadline ?? null,
  });
  cleanups.push(() => notifications.stop());
  // schedules run once per cluster and interval, whatever the number of processes (decision 0012)
  const claim: ClaimTick = (name, everyMs) => claimTick(db, name, everyMs);
  // school staff: one digest of admission alerts per school and window; deadlines, reminders, release
  const digests = startAlertDigestWorker({
    api: bot.api,
    alerts: services.alerts,
    log,
    schoolName: (id) => services.schools.namesById(id),
    listButton: (_schoolId, t) => admissionsListButton(t),
  });
  cleanups.push(() => digests.stop());
  const deadlineJob = startDeadlineScheduler(
    { deadlines: services.deadlines, clock, log, claim },
    { intervalMs: 60_000 },
  );
  cleanups.push(() => deadlineJob.stop());
  // district and ministry: appeal reminders and overdue notices, weekly coverage digests
  const oversightJobs = startOversightJobs({
    appeals: services.appeals,
    coverage: services.coverage,
    log,
    claim,
  });
  cleanups.push(async () => oversightJobs.stop());
  // reports: daily snapshots ("through time") and the warm-up of their series
  const snapshots = startSnapshotScheduler({ db, readDb, clock, log, claim });
  cleanups.push(async () => snapshots.stop());
  // personal data kept only as long as needed (docs/privacy.md): checked hourly, run once a day
  const retention = setInterval(() => {
    void claimed(claim, 'retention', 86_400_000, async () => {
      const counts = await services.retention.run();
      log.info(counts, 'retention: personal data past its period deleted');
    }).catch((e) => log.warn({ err: String(e) }, 'retention run failed'));
  }, 3_600_000);
  retention.unref();
  cleanups.push(async () => clearInterval(retention));
  const recovery = setInterval(() => {
    // drafts left unverified by a registry outage are verified again (K-REG-5)
    void services.applications
      .retryPendingVerifications()
      .catch((e) => log.warn({ err: String(e) }, 'verification retry failed'));
    void services.inbox
      .pendingCount()
      .then((n) => metrics.inboxPending.set(n))
      .catch(() => {});
  }, 30_000);
  recovery.unref();
  cleanups.push(async () => clearInterval(recovery));
  // updates a dead instance left behind: taken once their lease has run out (decision 0005)
  let recovering = false;
  const inboxRecovery = setInterval(() => {
    // while the session store is down a recovered update could only wait and be left again, each
    // time costing one of its attempts and telling the person again (decision 0006)
    if (recovering || !sessionHealth.available()) return;
    recovering = true;
    void active
      .recover()
      .catch((e) => log.error({ err: String(e) }, 'inbox recovery failed'))
      .finally(() => {
        recovering = false;
      });
  }, INBOX_RECOVERY_EVERY_MS);
  inboxRecovery.unref();
  cleanups.push(async () => clearInterval(inboxRecovery));

  if (config.telegram.mode === 'webhook') {
    await bot.api.setWebhook(`${publicUrl}/telegram/webhook`, {
      secret_token: webhookSecret,
      allowed_updates: [...ALLOWED_UPDATES],
      max_connections: WEBHOOK_MAX_CONNECTIONS,
    });
    log.info('webhook mode: Telegram posts updates to /telegram/webhook');
  } else {
    await bot.api.deleteWebhook();
    const poller = startPolling(bot.api, dispatcher, log);
    cleanups.push(() => poller.stop());
    log.info('polling mode');
  }

  const chatUrl = telegram ? `${url}${SIMULATOR_PREFIX}/chat` : undefined;
  started = true;
  return {
    url,
    chatUrl,
    db,
    services,
    clock,
    bot,
    http,
    dispatcher,
    telegram,
    notifications,
    registry,
    localOutbox: fallback?.local,
    drain: () => {
      draining = true;
    },
    stop,
  };
}

async function deliveryFallback(
  config: Config,
  http: FastifyInstance,
  services: Services,
  cleanups: (() => Promise<void>)[],
) {
  const contactOf = (id: number) => services.chatUsers.contactOf(id);
  const { smsUrl, smsToken, smtpUrl, smtpFrom } = config.delivery;
  if (smsUrl || smtpUrl) {
    const email = smtpUrl ? smtpEmailSender({ url: smtpUrl, from: smtpFrom }) : undefined;
    if (email) cleanups.push(async () => email.close());
    return {
      sms: smsUrl ? httpSmsGateway({ url: smsUrl, token: smsToken }) : undefined,
      email,
      contactOf,
      local: undefined,
    };
  }
  if (!config.demo) return undefined;
  const local = localOutbox();
  registerDemoOutbox(http, local);
  return { sms: local.sms, email: local.email, contactOf, local };
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
