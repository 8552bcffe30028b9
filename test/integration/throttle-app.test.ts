// Kattoo in webhook mode against a Telegram of its own (a standalone simulator, as a real token and
// API root would be), with a second sender of the same bot on the same Redis — another instance.
// Sixty parents ask /help and press a button at once while the other instance writes to them too:
// at the simulator, every counted call of both, whether a request or a webhook's answer, fits in 30
// a second; the buttons' answers ride back in the webhook's answers, which the limits do not count.
import Fastify from 'fastify';
import { Api } from 'grammy';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Kattoo, startKattoo } from '../../bot/app.ts';
import { counts, throttle } from '../../bot/telegram/throttle.ts';
import { loadConfig } from '../../core/config.ts';
import { createLogger } from '../../core/logger.ts';
import { registerTelegramSimulator } from '../../sim/telegram/http.ts';
import { TelegramSimulator } from '../../sim/telegram/simulator.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { redisAvailable } from '../support/redis.ts';
import { busiestWindow, byChat, slowestAfterBurst } from '../support/send-windows.ts';

const PREFIX = '/sim/telegram';
// a bot of its own per run: parallel runs on one Redis never share its schedules
const TOKEN = `${7_100_000_000 + (process.pid % 1_000_000)}:KATTOO-APP-LIMITS-TEST`;

describe.runIf(redisAvailable && process.env.REDIS_URL)('Kattoo and another instance on one Redis', () => {
  let sim: TelegramSimulator;
  let apiRoot: string;
  let db: TestDatabase;
  let app: Kattoo;
  let other: Redis;
  const closeSim: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    sim = new TelegramSimulator({ token: TOKEN, personas: [] });
    const http = Fastify();
    await registerTelegramSimulator(http, { prefix: PREFIX, sim });
    apiRoot = `${await http.listen({ port: 0, host: '127.0.0.1' })}${PREFIX}`;
    closeSim.push(() => http.close());
    db = await createTestDatabase();
    const config = loadConfig({
      DATABASE_URL: db.url,
      REDIS_URL: process.env.REDIS_URL as string,
      KATTOO_DEMO: '1',
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: apiRoot,
      BOT_MODE: 'webhook',
      WEBHOOK_SECRET: 'limits_secret_123',
      PORT: '0',
      LOG_LEVEL: 'silent',
    });
    app = await startKattoo(config, createLogger('silent'));
    other = new Redis(process.env.REDIS_URL as string, { enableAutoPipelining: true });
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    other?.disconnect();
    for (const c of closeSim) await c();
    sim?.close();
    await db?.drop();
  });

  it('keeps both instances’ sends, answers to webhooks included, within 30 a second', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => 850_000_000 + i);
    for (const id of ids) sim.addPersona({ id, firstName: `P${id}`, phone: '+996700000000', role: 'parent' });
    const otherApi = new Api(TOKEN, { apiRoot });
    otherApi.config.use(throttle({ redis: other, botId: TOKEN.split(':')[0] }));
    await otherApi.getMe();

    const started = Date.now();
    for (const id of ids) sim.sendText(id, '/help');
    const fromOther = Promise.all(ids.map((id) => otherApi.sendMessage(id, 'from the other instance')));
    const helpOf = (id: number) =>
      sim.chatMessages(id).find((m) => m.fromBot && m.message.reply_markup !== undefined);
    await vi.waitFor(() => expect(ids.filter((id) => helpOf(id) === undefined)).toEqual([]), {
      timeout: 20_000,
      interval: 50,
    });
    // every parent presses the help screen's first button at once
    const presses = ids.map((id) => {
      const m = helpOf(id)?.message as {
        message_id: number;
        reply_markup: { inline_keyboard: { callback_data?: string }[][] };
      };
      return sim.pressButton(
        id,
        m.message_id,
        m.reply_markup.inline_keyboard[0]?.[0]?.callback_data as string,
      );
    });
    await vi.waitFor(() => expect(presses.filter((q) => !sim.isCallbackAnswered(q))).toEqual([]), {
      timeout: 20_000,
      interval: 50,
    });
    await fromOther;
    await vi.waitFor(
      () => expect(sim.calls.filter((c) => c.at >= started && c.method.startsWith('edit')).length).toBe(60),
      { timeout: 20_000, interval: 50 },
    );

    const calls = sim.calls.filter((c) => c.at >= started && ids.includes(Number(c.params.chat_id ?? 0)));
    const counted = calls.filter((c) => counts(c.method));
    // /help's screen and the other's message per parent, then the pressed button's edit
    expect(counted.length).toBe(180);
    expect(counted.filter((c) => c.via === 'webhook_reply')).toEqual([]);
    expect(
      busiestWindow(
        counted.map((c) => c.at),
        1000,
      ),
    ).toBeLessThanOrEqual(30);
    for (const times of byChat(counted).values()) {
      expect(busiestWindow(times, 1000)).toBeLessThanOrEqual(3);
      expect(slowestAfterBurst(times, 3)).toBe(true);
    }
    const answers = sim.calls.filter((c) => c.at >= started && c.method === 'answerCallbackQuery');
    expect(answers.length).toBe(60);
    expect(answers.filter((c) => c.via === 'webhook_reply').length).toBeGreaterThan(0);
  }, 60_000);
});
