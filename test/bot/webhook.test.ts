// Webhook mode (production's): the simulator posts updates to /telegram/webhook with the secret.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';

const SECRET = 'test_webhook_secret_123';

describe('webhook mode', () => {
  let app: TestApp;
  // a persona of the simulator, so that the bot's answers reach a chat that exists
  const PERSONA = 7001200004;
  beforeAll(async () => {
    app = await startTestApp({ BOT_MODE: 'webhook', WEBHOOK_SECRET: SECRET });
    // the persona whose chat the hand-made updates use has started the bot (a bot cannot write first)
    const u = app.user(3);
    expect(u.id).toBe(PERSONA);
    u.start();
    await u.waitForBotMessage(/Тилди тандаңыз|1-класска/);
  }, 120_000);
  afterAll(() => app.close());

  const post = (body: unknown, secret: string | null = SECRET) =>
    fetch(`${app.url}/telegram/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  const from = { id: PERSONA, is_bot: false, first_name: 'Тест', language_code: 'ky' };
  const chat = { id: PERSONA, type: 'private' as const, first_name: 'Тест' };
  let nextId = 900_000_000;
  const sentTo = (chatId: number) =>
    app.sim.calls.filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === chatId);

  it('registers the webhook with its secret and answers a user through it', async () => {
    expect(app.sim.webhookInfo().url).toBe(`${app.url}/telegram/webhook`);
    const u = app.user(0);
    u.start();
    await u.waitForBotMessage(/Тилди тандаңыз|1-класска/);
  });

  it('answers a pressed button through the webhook’s own answer, which Telegram runs', async () => {
    const u = app.user(1);
    u.start();
    await u.waitForBotMessage(/Тилди тандаңыз|1-класска/);
    const { callbackQueryId } = u.press(() => true);
    await u.waitForCallbackAnswer(callbackQueryId as string);
    // the answer came back in the webhook's answer: the bot made no request of its own for it
    const answers = () =>
      app.sim.calls.filter(
        (c) => c.method === 'answerCallbackQuery' && String(c.params.callback_query_id) === callbackQueryId,
      );
    await vi.waitFor(() => expect(answers()).toHaveLength(1));
    expect(answers()[0]?.via).toBe('webhook_reply');
  });

  it('refuses a missing or wrong secret and a body that is not an update', async () => {
    expect((await post({ update_id: 1 }, null)).status).toBe(401);
    expect((await post({ update_id: 1 }, 'wrong')).status).toBe(401);
    expect((await post('not json at all')).status).toBe(400);
    expect((await post({ hello: 'world' })).status).toBe(400);
  });

  it('handles a redelivered update_id once, answering Telegram 200 both times', async () => {
    const update = {
      update_id: nextId++,
      message: {
        message_id: 1,
        date: 0,
        chat,
        from,
        text: '/help',
        entities: [{ type: 'bot_command', offset: 0, length: 5 }],
      },
    };
    expect((await post(update)).status).toBe(200);
    expect((await post(update)).status).toBe(200);
    await app.dispatcher.idle();
    expect(sentTo(chat.id).filter((c) => String(c.params.text).includes('Каттоо эмне кылат'))).toHaveLength(
      1,
    );
  });

  it('answers Telegram once the update is handled, so a rush waits at Telegram (decision 0004)', async () => {
    const before = sentTo(chat.id).length;
    const r = await post({
      update_id: nextId++,
      message: {
        message_id: 2,
        date: 0,
        chat,
        from,
        text: '/help',
        entities: [{ type: 'bot_command', offset: 0, length: 5 }],
      },
    });
    expect(r.status).toBe(200);
    // no waiting for the dispatcher here: the reply went out before the 200
    expect(sentTo(chat.id).length).toBe(before + 1);
    expect(app.sim.webhookInfo().max_connections).toBe(40);
  });

  it('answers forged callback data, a sticker and a foreign chat’s button without breaking', async () => {
    const message = {
      message_id: 1,
      date: 0,
      chat,
      from: { id: 7000000001, is_bot: true, first_name: 'Kattoo' },
      text: 'x',
    };
    // the button's answer (the spinner) travels back in the webhook's answer, as Telegram allows
    const carried: { method?: string; callback_query_id?: string; text?: string }[] = [];
    for (const data of ['sc|../../etc/passwd', 'ls|KG-GB-LEN|xx|9|0', 'x'.repeat(64), 'rg|NOPE']) {
      const id = `cq${nextId}`;
      const r = await post({
        update_id: nextId++,
        callback_query: { id, from, chat_instance: '1', data, message },
      });
      expect(r.status).toBe(200);
      const body = await r.json();
      expect(body).toMatchObject({ method: 'answerCallbackQuery', callback_query_id: id });
      carried.push(body);
    }
    await post({
      update_id: nextId++,
      message: {
        message_id: 2,
        date: 0,
        chat,
        from,
        sticker: {
          file_id: 'f',
          file_unique_id: 'u',
          type: 'regular',
          width: 1,
          height: 1,
          is_animated: false,
          is_video: false,
        },
      },
    });
    await app.dispatcher.idle();
    const texts = sentTo(chat.id).map((c) => String(c.params.text));
    expect(texts.filter((t) => t.includes('1-класска каттоого')).length).toBeGreaterThanOrEqual(4); // the menu again
    expect(texts.some((t) => t.includes('текстти жана баскычтарды гана'))).toBe(true);
    expect(carried.filter((c) => String(c.text ?? '').includes('эскирип калды')).length).toBe(4);
    const failed = await app.db.inboundUpdate.findMany({
      where: { failure: { not: null } },
      select: { failure: true },
    });
    expect(failed).toEqual([]);
  });

  it('serves health, readiness and metrics', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    const ready = await (await fetch(`${app.url}/readyz`)).json();
    // Redis is checked when sessions live there (decision 0006)
    const redis = process.env.REDIS_URL ? { redis: true } : {};
    expect(ready).toEqual({
      status: 'ready',
      checks: { database: true, migrations: true, ...redis, bot: true, accepting: true },
    });
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/kattoo_updates_total\{result="duplicate"\} [1-9]/);
    expect(metrics).toMatch(/kattoo_webhook_refused_total\{reason="secret"\} 2/);
  });
});
