// Updates handled per second through the webhook, for the school finder (issue 2 "Show").
// Kattoo runs in this process against a fast Bot API stand-in; a load generator posts updates to
// /telegram/webhook over HTTP (keep-alive, C concurrent requests), each simulated user in its own chat.
//   npm run bench:webhook -- [--updates 4000] [--concurrency 64] [--throttle]
import { Agent, request } from 'node:http';
import pg from 'pg';
import { startKattoo } from '../bot/app.ts';
import { encode } from '../bot/callback-data.ts';
import { loadConfig } from '../core/config.ts';
import { createLogger } from '../core/logger.ts';
import { startTelegramStandIn } from './telegram-standin.ts';

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const N = arg('updates', 4000);
const C = arg('concurrency', 64);
const throttled = process.argv.includes('--throttle');
const SECRET = 'bench-secret';

// A database of its own: a fresh `kattoo_bench` on the server in DATABASE_URL, else the embedded one.
let databaseUrl = process.env.DATABASE_URL;
if (databaseUrl) {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS kattoo_bench WITH (FORCE)');
  await admin.query('CREATE DATABASE kattoo_bench');
  await admin.end();
  const u = new URL(databaseUrl);
  u.pathname = '/kattoo_bench';
  databaseUrl = u.toString();
}

const standIn = await startTelegramStandIn();
const config = loadConfig({
  ...process.env,
  ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  TELEGRAM_BOT_TOKEN: '7000000001:BENCHMARK-TOKEN-AAAAAAAAAAAAAAAA',
  TELEGRAM_API_ROOT: standIn.apiRoot,
  BOT_MODE: 'webhook',
  WEBHOOK_SECRET: SECRET,
  KATTOO_DEMO: '1',
  PORT: '0',
  LOG_LEVEL: 'warn',
});
const kattoo = await startKattoo(config, createLogger('warn'), { throttle: throttled ? {} : false });

// A realistic mix of finder steps: open /schools, pick a region, a district list, a school card.
const regions = await kattoo.services.publicInfo.regions();
const districts = (await Promise.all(regions.map((r) => kattoo.services.publicInfo.districts(r.id)))).flat();
const codes = (await kattoo.db.school.findMany({ select: { code: true }, take: 500 })).map((s) => s.code);
let updateId = Date.now() % 1_000_000_000;
function nextUpdate(i: number) {
  const chat = { id: 500_000 + i, type: 'private' as const, first_name: 'Bench' };
  const from = { id: chat.id, is_bot: false, first_name: 'Bench', language_code: 'ky' };
  const date = Math.floor(Date.now() / 1000);
  const kind = i % 4;
  if (kind === 0) {
    return {
      update_id: updateId++,
      message: {
        message_id: 1,
        date,
        chat,
        from,
        text: '/schools',
        entities: [{ type: 'bot_command', offset: 0, length: 8 }],
      },
    };
  }
  const pick = <T>(a: T[]) => a[i % a.length] as T;
  const data =
    kind === 1
      ? encode({ a: 'region', id: pick(regions).id })
      : kind === 2
        ? encode({
            a: 'list',
            ref: { scope: pick(districts).id, language: null, onlyFree: i % 8 === 2, page: 0 },
          })
        : encode({ a: 'school', code: pick(codes), back: null });
  return {
    update_id: updateId++,
    callback_query: {
      id: String(i),
      from,
      chat_instance: '1',
      data,
      message: {
        message_id: 1,
        date,
        chat,
        from: { id: 7000000001, is_bot: true, first_name: 'Kattoo' },
        text: '…',
      },
    },
  };
}

const agent = new Agent({ keepAlive: true, maxSockets: C });
const webhook = new URL(`${kattoo.url}/telegram/webhook`);
function post(body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      webhook,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function run(count: number) {
  const ackLatencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        const status = await post(JSON.stringify(nextUpdate(i)));
        ackLatencies.push(performance.now() - t0);
        if (status !== 200) errors++;
      }
    }),
  );
  const acked = performance.now();
  await kattoo.dispatcher.idle();
  const done = performance.now();
  ackLatencies.sort((a, b) => a - b);
  const q = (p: number) =>
    ackLatencies[Math.min(ackLatencies.length - 1, Math.floor(p * ackLatencies.length))]?.toFixed(1);
  return {
    updates: count,
    errors,
    acceptedPerSecond: Math.round(count / ((acked - started) / 1000)),
    handledPerSecond: Math.round(count / ((done - started) / 1000)),
    ackP50ms: q(0.5),
    ackP99ms: q(0.99),
  };
}

await run(Math.min(400, N)); // warm-up: JIT, connection pools
const before = standIn.calls.get('sendMessage') ?? 0;
const result = await run(N);
const replies = (standIn.calls.get('sendMessage') ?? 0) - before;
console.log(
  JSON.stringify({
    ...result,
    concurrency: C,
    throttle: throttled,
    database: config.databaseUrl ? 'server' : 'embedded',
    repliesSent: replies,
  }),
);
await kattoo.stop();
await standIn.close();
agent.destroy();
