// Telegram's limits are the bot's (decision 0014): two senders of one bot — two processes' throttled
// APIs — share the schedules in one real Redis, and the Telegram simulator, which notes when each call
// arrived, sees at most 30 sends in any second and each chat at most its burst, then 1 a second.
import Fastify from 'fastify';
import { Api } from 'grammy';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rulesOf } from '../../bot/telegram/limits.ts';
import { redisLimiter } from '../../bot/telegram/redis-limiter.ts';
import { throttle } from '../../bot/telegram/throttle.ts';
import { createLogger } from '../../core/logger.ts';
import { registerTelegramSimulator } from '../../sim/telegram/http.ts';
import { TelegramSimulator } from '../../sim/telegram/simulator.ts';
import { startRedis } from '../support/redis.ts';
import { busiestWindow, byChat, slowestAfterBurst } from '../support/send-windows.ts';

const TOKEN = '7000000077:SHARED-LIMITS';
const PREFIX = '/sim/telegram';
// a bot of its own per run, so runs sharing a Redis never share schedules
const BOT = `shared-${process.pid}-${Date.now()}`;

describe('outbound limits shared through Redis', () => {
  let sim: TelegramSimulator;
  let apiRoot: string;
  let redis: Awaited<ReturnType<typeof startRedis>>;
  const clients: Redis[] = [];
  const close: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    sim = new TelegramSimulator({ token: TOKEN, personas: [] });
    const http = Fastify();
    await registerTelegramSimulator(http, { prefix: PREFIX, sim });
    apiRoot = `${await http.listen({ port: 0, host: '127.0.0.1' })}${PREFIX}`;
    close.push(() => http.close());
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    for (const c of close) await c();
    sim.close();
    await redis.stop();
  });

  /** one instance's API: its own connection to the shared Redis, as bot/app.ts makes it */
  const sender = (botId = BOT) => {
    const r = redis.redis.duplicate({
      lazyConnect: true,
      enableAutoPipelining: true,
      enableOfflineQueue: false,
    });
    clients.push(r);
    const api = new Api(TOKEN, { apiRoot });
    api.config.use(throttle({ redis: r, botId }));
    return { api, ready: r.connect() };
  };

  const chats = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) => {
      const id = from + i;
      sim.addPersona({ id, firstName: `P${i}`, phone: '+996700000000', role: 'parent' });
      sim.sendText(id, 'salam'); // a bot cannot write first
      return id;
    });

  it('two senders to many chats at once: at most 30 in any second, each chat 1 a second after its burst', async () => {
    const a = sender();
    const b = sender();
    await Promise.all([a.ready, b.ready, a.api.getMe(), b.api.getMe()]); // running bots: warm connections
    const ids = chats(810_000_000, 40);
    const started = Date.now();
    // each sender: two messages to every chat, all at once (160 sends)
    await Promise.all(
      [a.api, b.api].flatMap((api, s) =>
        ids.flatMap((id) => [1, 2].map((n) => api.sendMessage(id, `sender ${s} message ${n}`))),
      ),
    );
    const sends = sim.calls.filter((c) => c.method === 'sendMessage' && c.at >= started);
    expect(sends).toHaveLength(160);
    expect(sends.every((c) => c.ok)).toBe(true);
    expect(
      busiestWindow(
        sends.map((c) => c.at),
        1000,
      ),
    ).toBeLessThanOrEqual(30);
    for (const times of byChat(sends).values()) {
      expect(times).toHaveLength(4);
      expect(busiestWindow(times, 1000)).toBeLessThanOrEqual(3);
      expect(slowestAfterBurst(times, 3)).toBe(true);
    }
  }, 30_000);

  it('another bot on the same Redis has limits of its own', async () => {
    const rules = rulesOf();
    const r = redis.redis.duplicate();
    clients.push(r);
    const a = redisLimiter(r, rules, { botId: `${BOT}-a` });
    const b = redisLimiter(r, rules, { botId: `${BOT}-b` });
    const slotsOfA = await Promise.all(Array.from({ length: 30 }, (_, i) => a.take(i + 1)));
    expect(slotsOfA.at(-1)?.wait).toBeGreaterThan(900);
    expect(await b.take(1)).toEqual({ reserved: true, wait: 0 });
  });

  it('keeps sending on the process’s own limits while Redis is unreachable, and says so once', async () => {
    const lines: string[] = [];
    const log = createLogger('warn', { write: (l: string) => void lines.push(l) });
    const away = new Redis({
      port: 1,
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    away.on('error', () => {}); // the refused connection is the point
    clients.push(away);
    const api = new Api(TOKEN, { apiRoot });
    api.config.use(throttle({ redis: away, botId: BOT, log }));
    const ids = chats(830_000_000, 40);
    const started = Date.now();
    await Promise.all(ids.map((id) => api.sendMessage(id, 'x')));
    const sends = sim.calls.filter((c) => c.method === 'sendMessage' && c.at >= started);
    expect(sends).toHaveLength(40);
    expect(
      busiestWindow(
        sends.map((c) => c.at),
        1000,
      ),
    ).toBeLessThanOrEqual(30);
    expect(lines.filter((l) => l.includes('Redis unreachable'))).toHaveLength(1);
  });
});
