// Configuration: read once from the environment, validated with zod, frozen. The table lives in
// README.md and ../shared/spec/contract.md. Production refuses every demo feature.
import { z } from 'zod';

const flag = z
  .enum(['0', '1', 'true', 'false', ''])
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v === '1' || v === 'true'));

const raw = z.object({
  KATTOO_ENV: z.enum(['development', 'test', 'production']).default('development'),
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'looks like 123456:ABC… as BotFather gives it')
    .optional(),
  TELEGRAM_API_ROOT: z.url().optional(),
  BOT_MODE: z.enum(['polling', 'webhook']).default('polling'),
  WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, 'Telegram allows 1–256 characters A-Z a-z 0-9 _ -')
    .optional(),
  PUBLIC_URL: z.url().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().min(1).optional(),
  /** connections in each process's pool (decision 0013: size it against PgBouncer's pool, not the server) */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  /** `0` behind a PgBouncer older than 1.21 (or without max_prepared_statements) in transaction mode */
  DATABASE_NAMED_STATEMENTS: flag,
  /** an optional read replica for reports and open data; unset → DATABASE_URL */
  DATABASE_READ_URL: z.string().min(1).optional(),
  /** `0`: leave migrations to a `kattoo migrate` step (they take a session lock no transaction pooler keeps) */
  MIGRATE_ON_START: flag,
  REDIS_URL: z.string().min(1).optional(),
  KATTOO_DEMO: flag,
  /** Demo clock: an instant to start from (ISO 8601); the clock then runs. Default in demo: the first stage open. */
  KATTOO_CLOCK: z.iso.datetime({ offset: true }).optional(),
  KATTOO_DATA_DIR: z.string().default('var'),
  /** the X-Road security server Kattoo calls for Tunduk's registries (unset in demo: the registry simulator) */
  REGISTRY_URL: z.url().optional(),
  /** SMS gateway (HTTP) and SMTP for people who blocked the bot; demo: a local outbox page */
  SMS_GATEWAY_URL: z.url().optional(),
  SMS_GATEWAY_TOKEN: z.string().optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'smtp://user:pass@host:port or smtps://…')
    .optional(),
  SMTP_FROM: z.string().default('Kattoo <no-reply@kattoo.kg>'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** on SIGTERM: /readyz answers 503 this long before the process stops taking work */
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).default(5_000),
  /** on SIGTERM: the process exits after this long, whatever is still running (exit code 1) */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1).default(25_000),
});

export type Config = Readonly<{
  env: 'development' | 'test' | 'production';
  demo: boolean;
  telegram: {
    token: string | undefined;
    /** true when no token is configured and the bundled simulator stands in for Telegram */
    simulated: boolean;
    apiRoot: string | undefined;
    mode: 'polling' | 'webhook';
    webhookSecret: string | undefined;
  };
  http: { port: number; host: string; publicUrl: string | undefined };
  databaseUrl: string | undefined;
  database: {
    poolSize: number;
    namedStatements: boolean;
    readUrl: string | undefined;
    migrateOnStart: boolean;
  };
  redisUrl: string | undefined;
  clockStart: Date | undefined;
  dataDir: string;
  registryUrl: string | undefined;
  delivery: {
    smsUrl: string | undefined;
    smsToken: string | undefined;
    smtpUrl: string | undefined;
    smtpFrom: string;
  };
  logLevel: string;
  shutdown: { drainMs: number; timeoutMs: number };
}>;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = raw.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const simulated = e.TELEGRAM_BOT_TOKEN === undefined;
  const demo = e.KATTOO_DEMO ?? simulated;
  const problems: string[] = [];
  if (e.KATTOO_ENV === 'production') {
    if (demo) problems.push('KATTOO_DEMO must be off in production (demo data and simulators)');
    if (simulated) problems.push('TELEGRAM_BOT_TOKEN is required in production');
    if (e.KATTOO_CLOCK) problems.push('KATTOO_CLOCK (a shifted clock) is refused in production');
    if (!e.DATABASE_URL) problems.push('DATABASE_URL is required in production (no embedded database)');
    if (!e.REGISTRY_URL) problems.push('REGISTRY_URL (the X-Road security server) is required in production');
  }
  if (!demo && e.KATTOO_CLOCK) problems.push('KATTOO_CLOCK needs KATTOO_DEMO=1');
  if (!demo && !e.REGISTRY_URL)
    problems.push('REGISTRY_URL is required unless KATTOO_DEMO=1 (the registry simulator)');
  if (e.DATABASE_READ_URL && !e.DATABASE_URL)
    problems.push('DATABASE_READ_URL needs DATABASE_URL (the embedded database has no replica)');
  if (e.SHUTDOWN_DRAIN_MS >= e.SHUTDOWN_TIMEOUT_MS)
    problems.push('SHUTDOWN_DRAIN_MS must be shorter than SHUTDOWN_TIMEOUT_MS');
  if (e.BOT_MODE === 'webhook' && !e.WEBHOOK_SECRET)
    problems.push('WEBHOOK_SECRET is required in webhook mode');
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);

  return Object.freeze({
    env: e.KATTOO_ENV,
    demo,
    telegram: {
      token: e.TELEGRAM_BOT_TOKEN,
      simulated,
      apiRoot: e.TELEGRAM_API_ROOT,
      mode: e.BOT_MODE,
      webhookSecret: e.WEBHOOK_SECRET,
    },
    http: { port: e.PORT, host: e.HOST, publicUrl: e.PUBLIC_URL },
    databaseUrl: e.DATABASE_URL,
    database: {
      poolSize: e.DATABASE_POOL_SIZE,
      namedStatements: e.DATABASE_NAMED_STATEMENTS ?? true,
      readUrl: e.DATABASE_READ_URL,
      migrateOnStart: e.MIGRATE_ON_START ?? true,
    },
    redisUrl: e.REDIS_URL,
    clockStart: e.KATTOO_CLOCK ? new Date(e.KATTOO_CLOCK) : undefined,
    dataDir: e.KATTOO_DATA_DIR,
    registryUrl: e.REGISTRY_URL,
    delivery: {
      smsUrl: e.SMS_GATEWAY_URL,
      smsToken: e.SMS_GATEWAY_TOKEN,
      smtpUrl: e.SMTP_URL,
      smtpFrom: e.SMTP_FROM,
    },
    logLevel: e.LOG_LEVEL,
    shutdown: { drainMs: e.SHUTDOWN_DRAIN_MS, timeoutMs: e.SHUTDOWN_TIMEOUT_MS },
  });
}
