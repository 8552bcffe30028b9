// The Telegram simulator (K-TG-7) driven by a real grammY bot over HTTP, in long polling and in webhook
// mode: what the bot sends, what Telegram refuses (with its error shapes), what users do, and how
// updates are delivered and redelivered.
import { autoRetry } from '@grammyjs/auto-retry';
import Fastify, { type FastifyInstance } from 'fastify';
import { Bot, GrammyError, InlineKeyboard, InputFile, Keyboard, webhookCallback } from 'grammy';
import type { ChatMemberUpdated, Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimUser } from '../../sim/telegram/client.ts';
import { type StartedSimulator, startTelegramSimulator } from '../../sim/telegram/http.ts';
import { defaultPersonas } from '../../sim/telegram/personas.ts';
import { TelegramSimulator } from '../../sim/telegram/simulator.ts';

// a 1×1 PNG
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const XLSX_LIKE = Buffer.concat([
  Buffer.from('PK\u0003\u0004'),
  Buffer.alloc(2048, 7),
  Buffer.from([0, 255, 13, 10]),
]);

const [aigul, bakyt, elena] = defaultPersonas as [
  (typeof defaultPersonas)[0],
  (typeof defaultPersonas)[0],
  (typeof defaultPersonas)[0],
];

async function expectApiError(p: Promise<unknown>, code: number, description: string | RegExp) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'the call should have failed').toBeInstanceOf(GrammyError);
  const g = err as GrammyError;
  expect(g.error_code).toBe(code);
  if (typeof description === 'string') expect(g.description).toBe(description);
  else expect(g.description).toMatch(description);
  return g;
}

/** A small bot with the features the tests exercise. */
function buildBot(token: string, apiRoot: string, seen: Update[], memberUpdates: ChatMemberUpdated[]) {
  const bot = new Bot(token, { client: { apiRoot } });
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 5 }));
  bot.use(async (ctx, next) => {
    seen.push(ctx.update);
    await next();
  });
  bot.command('start', async (ctx) => {
    await ctx.reply(`<b>Саламатсызбы!</b> payload=${ctx.match || '-'}`, {
      parse_mode: 'HTML',
      reply_markup: new InlineKeyboard()
        .text('Ооба', 'yes')
        .text('Жок', 'no')
        .row()
        .url('Сайт', 'https://edu.gov.kg'),
    });
  });
  bot.callbackQuery('yes', async (ctx) => {
    await ctx.answerCallbackQuery({ text: 'Сакталды' });
    await ctx.editMessageText('Тастыкталды ✅');
  });
  bot.callbackQuery('no', async (ctx) => {
    await ctx.answerCallbackQuery({ text: 'Жокко чыгарылды', show_alert: true });
  });
  bot.command('phone', (ctx) =>
    ctx.reply('Телефонуңузду бөлүшүңүз', {
      reply_markup: new Keyboard().requestContact('📱 Номерди жөнөтүү').resized().oneTime(),
    }),
  );
  bot.on('message:contact', (ctx) =>
    ctx.reply(
      `contact ${ctx.message.contact.phone_number} own=${ctx.message.contact.user_id === ctx.from.id}`,
      { reply_markup: { remove_keyboard: true } },
    ),
  );
  bot.command('files', async (ctx) => {
    await ctx.replyWithChatAction('upload_document');
    await ctx.replyWithDocument(new InputFile(XLSX_LIKE, 'отчёт-2025.xlsx'), {
      caption: '<i>Отчёт</i>',
      parse_mode: 'HTML',
    });
    await ctx.replyWithPhoto(new InputFile(PNG, 'chart.png'), { caption: 'Диаграмма' });
  });
  bot.on('my_chat_member', (ctx) => {
    memberUpdates.push(ctx.myChatMember);
  });
  bot.on('message:text', (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
  return bot;
}

describe('Telegram simulator with a grammY bot in long polling', () => {
  let s: StartedSimulator;
  let bot: Bot;
  let sim: TelegramSimulator;
  const seen: Update[] = [];
  const memberUpdates: ChatMemberUpdated[] = [];
  let polling: Promise<void>;

  beforeAll(async () => {
    s = await startTelegramSimulator({ token: '7123456789:AAtest-polling-token' });
    sim = s.sim;
    bot = buildBot(sim.token, s.apiRoot, seen, memberUpdates);
    await bot.init();
    await new Promise<void>((resolve) => {
      polling = bot.start({ timeout: 2, onStart: () => resolve() });
    });
  });

  afterAll(async () => {
    await bot.stop();
    await polling;
    await s.stop();
  });

  it('serves getMe from the token and the configured bot', () => {
    expect(bot.botInfo).toMatchObject({ id: 7123456789, is_bot: true, username: 'kattoo_sim_bot' });
  });

  it('delivers a deep link as /start <payload> with its bot_command entity, and the HTML reply as entities', async () => {
    const u = new SimUser(sim, aigul);
    u.start('school_123');
    const reply = await u.waitForBotMessage(/payload=/);
    const start = seen.find((x) => x.message?.text?.startsWith('/start'));
    expect(start?.message?.text).toBe('/start school_123');
    expect(start?.message?.entities).toEqual([{ type: 'bot_command', offset: 0, length: 6 }]);
    expect(start?.message?.chat).toMatchObject({ id: aigul.id, type: 'private' });
    expect(reply.text).toBe('Саламатсызбы! payload=school_123');
    expect(reply.entities).toEqual([{ type: 'bold', offset: 0, length: 13 }]);
    expect(u.buttons()).toEqual(['Ооба', 'Жок', 'Сайт']);
    expect(() => u.start('school 123')).toThrow(/A-Z a-z 0-9 _ -/);
  });

  it('presses an inline button: callback_query → answerCallbackQuery → the message edited in place', async () => {
    const u = new SimUser(sim, aigul);
    u.start();
    const menu = await u.waitForBotMessage(/payload=-/);
    const { callbackQueryId, message } = u.press('Ооба');
    expect(message.message_id).toBe(menu.message_id);
    expect(await u.waitForCallbackAnswer(callbackQueryId as string)).toEqual({
      text: 'Сакталды',
      showAlert: false,
    });
    const edited = await u.waitForBotMessage('Тастыкталды');
    expect(edited.message_id).toBe(menu.message_id);
    expect(edited.edit_date).toBeGreaterThan(0);
    // editing without reply_markup removed the keyboard, as Telegram does
    expect(() => u.press('Ооба', menu)).toThrow(/no inline button "Ооба" on that message/);
    const cq = seen.find((x) => x.callback_query?.id === callbackQueryId)?.callback_query;
    expect(cq).toMatchObject({
      data: 'yes',
      from: { id: aigul.id },
      message: { message_id: menu.message_id },
    });
    // answering the same query twice is refused
    await expectApiError(
      bot.api.answerCallbackQuery(callbackQueryId as string),
      400,
      'Bad Request: query is too old and response timeout expired or query ID is invalid',
    );
    // a URL button is opened by the client; the bot is not told
    expect(u.press('Сайт').url).toBe('https://edu.gov.kg');
  });

  it('shows an alert answer and says which buttons exist when a press misses', async () => {
    const u = new SimUser(sim, elena);
    u.start();
    await u.waitForBotMessage(/payload/);
    const { callbackQueryId } = u.press('Жок');
    expect(await u.waitForCallbackAnswer(callbackQueryId as string)).toEqual({
      text: 'Жокко чыгарылды',
      showAlert: true,
    });
    expect(() => u.press('Кайра')).toThrow(/no inline button "Кайра".*\[Ооба\] \[Жок\] \[Сайт\]/);
  });

  it('refuses an edit that changes nothing, and an edit of a missing message', async () => {
    const m = await bot.api.sendMessage(aigul.id, 'Бир эле текст', {
      reply_markup: new InlineKeyboard().text('A', 'a'),
    });
    await expectApiError(
      bot.api.editMessageText(aigul.id, m.message_id, 'Бир эле текст', {
        reply_markup: new InlineKeyboard().text('A', 'a'),
      }),
      400,
      /^Bad Request: message is not modified/,
    );
    await expectApiError(
      bot.api.editMessageText(aigul.id, 999_999, 'x'),
      400,
      'Bad Request: message to edit not found',
    );
    await expectApiError(
      bot.api.editMessageReplyMarkup(aigul.id, m.message_id, {
        reply_markup: new InlineKeyboard().text('A', 'a'),
      }),
      400,
      /not modified/,
    );
    const changed = await bot.api.editMessageReplyMarkup(aigul.id, m.message_id);
    expect(changed).toMatchObject({ message_id: m.message_id });
    expect((changed as { reply_markup?: unknown }).reply_markup).toBeUndefined();
  });

  it('limits texts to 4096 characters after entity parsing, and refuses empty ones and bad HTML', async () => {
    await expectApiError(
      bot.api.sendMessage(aigul.id, 'ы'.repeat(4097)),
      400,
      'Bad Request: message is too long',
    );
    const ok = await bot.api.sendMessage(aigul.id, 'ы'.repeat(4096));
    expect(ok.text).toHaveLength(4096);
    // tags do not count: 4,096 visible characters inside <b> pass
    await bot.api.sendMessage(aigul.id, `<b>${'a'.repeat(4000)}</b><i>${'b'.repeat(96)}</i>`, {
      parse_mode: 'HTML',
    });
    // an emoji is two UTF-16 code units
    await expectApiError(
      bot.api.sendMessage(aigul.id, '😀'.repeat(2049)),
      400,
      'Bad Request: message is too long',
    );
    await expectApiError(bot.api.sendMessage(aigul.id, '  \n '), 400, 'Bad Request: message text is empty');
    await expectApiError(
      bot.api.sendMessage(aigul.id, '<b>Мектеп</b> <br>', { parse_mode: 'HTML' }),
      400,
      'Bad Request: can\'t parse entities: Unsupported start tag "br" at byte offset 20',
    );
  });

  it('refuses callback_data over 64 bytes (Cyrillic letters are 2 bytes) and empty', async () => {
    const data64 = 'ы'.repeat(32);
    await bot.api.sendMessage(aigul.id, 'ok', { reply_markup: new InlineKeyboard().text('x', data64) });
    await expectApiError(
      bot.api.sendMessage(aigul.id, 'no', { reply_markup: new InlineKeyboard().text('x', `${data64}ы`) }),
      400,
      'Bad Request: BUTTON_DATA_INVALID',
    );
    await expectApiError(
      bot.api.sendMessage(aigul.id, 'no', {
        reply_markup: { inline_keyboard: [[{ text: 'x', callback_data: '' }]] },
      }),
      400,
      'Bad Request: BUTTON_DATA_INVALID',
    );
  });

  it('knows which chats exist and who can be written to', async () => {
    await expectApiError(bot.api.sendMessage(123, 'x'), 400, 'Bad Request: chat not found');
    // a persona who never started the bot
    await expectApiError(
      bot.api.sendMessage(bakyt.id, 'x'),
      403,
      "Forbidden: bot can't initiate conversation with a user",
    );
  });

  it('a user who blocks the bot: 403 on send, my_chat_member kicked, and member again on unblock', async () => {
    const u = new SimUser(sim, elena);
    u.send('салам');
    await u.waitForBotMessage('echo: салам');
    u.block();
    await expectApiError(bot.api.sendMessage(elena.id, 'x'), 403, 'Forbidden: bot was blocked by the user');
    await expect.poll(() => memberUpdates.length).toBeGreaterThanOrEqual(1);
    expect(memberUpdates.at(-1)).toMatchObject({
      chat: { id: elena.id },
      from: { id: elena.id },
      old_chat_member: { status: 'member', user: { id: bot.botInfo.id } },
      new_chat_member: { status: 'kicked' },
    });
    expect(() => u.send('x')).toThrow(/blocked the bot/);
    u.unblock();
    await expect.poll(() => memberUpdates.at(-1)?.new_chat_member.status).toBe('member');
    await bot.api.sendMessage(elena.id, 'welcome back');
  });

  it('injects 429 with retry_after, which @grammyjs/auto-retry obeys', async () => {
    sim.injectFault({
      method: 'sendMessage',
      chatId: aigul.id,
      times: 1,
      response: { status: 429, retry_after: 1 },
    });
    const before = sim.calls.length;
    const t0 = Date.now();
    const m = await bot.api.sendMessage(aigul.id, 'after the flood wait');
    const elapsed = Date.now() - t0;
    expect(m.text).toBe('after the flood wait');
    expect(elapsed).toBeGreaterThanOrEqual(950);
    const calls = sim.calls.slice(before).filter((c) => c.method === 'sendMessage');
    expect(calls.map((c) => [c.ok, c.errorCode])).toEqual([
      [false, 429],
      [true, undefined],
    ]);
    expect(calls[0]?.description).toBe('Too Many Requests: retry after 1');
    // other faults: a 500, a dropped connection, a delay that only slows the call
    sim.injectFault({ method: 'sendMessage', times: 1, response: { status: 500 } });
    await expectApiError(
      sim
        .api('sendMessage', { chat_id: aigul.id, text: 'x' })
        .catch((e: { errorCode: number; description: string }) => {
          throw new GrammyError(
            'x',
            { ok: false, error_code: e.errorCode, description: e.description },
            'sendMessage',
            {},
          );
        }),
      500,
      'Internal Server Error',
    );
    sim.injectFault({ method: 'sendMessage', times: 1, response: { drop: true } });
    await expect(
      fetch(`${s.apiRoot}/bot${sim.token}/sendMessage?chat_id=${aigul.id}&text=x`),
    ).rejects.toThrow();
    const slow = sim.injectFault({ method: 'getMe', response: { delayMs: 200 } });
    const t1 = Date.now();
    await bot.api.getMe();
    expect(Date.now() - t1).toBeGreaterThanOrEqual(190);
    expect(slow.remaining).toBe(0);
  });

  it('round-trips sendDocument and sendPhoto uploads: the bytes download from /file/bot<token>/<path>', async () => {
    const u = new SimUser(sim, aigul);
    u.send('/files');
    const doc = await u.waitForBotMessage((m) => m.document !== undefined);
    const photo = await u.waitForBotMessage((m) => m.photo !== undefined);
    expect(doc.document).toMatchObject({
      file_name: 'отчёт-2025.xlsx',
      mime_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      file_size: XLSX_LIKE.length,
    });
    expect(doc.caption).toBe('Отчёт');
    expect(doc.caption_entities).toEqual([{ type: 'italic', offset: 0, length: 5 }]);
    expect(photo.photo?.[0]).toMatchObject({ width: 1, height: 1, file_size: PNG.length });
    for (const [fileId, bytes] of [
      [doc.document?.file_id, XLSX_LIKE],
      [photo.photo?.[0]?.file_id, PNG],
    ] as const) {
      const f = await bot.api.getFile(fileId as string);
      const res = await fetch(`${s.apiRoot}/file/bot${sim.token}/${f.file_path}`);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    }
    // the same file again by file_id, without an upload
    const again = await bot.api.sendDocument(aigul.id, doc.document?.file_id as string);
    expect(again.document?.file_unique_id).toBe(doc.document?.file_unique_id);
    await expectApiError(
      bot.api.sendDocument(aigul.id, 'no-such-file'),
      400,
      'Bad Request: wrong file identifier/HTTP URL specified',
    );
    await expectApiError(
      bot.api.sendPhoto(aigul.id, new InputFile(Buffer.from('not an image'), 'x.png')),
      400,
      'Bad Request: IMAGE_PROCESS_FAILED',
    );
    await expectApiError(
      bot.api.sendDocument(aigul.id, new InputFile(Buffer.from('x'), 'a.txt'), { caption: 'c'.repeat(1025) }),
      400,
      'Bad Request: message caption is too long',
    );
    const wrong = await fetch(
      `${s.apiRoot}/file/bot1:wrong/${(await bot.api.getFile(doc.document?.file_id as string)).file_path}`,
    );
    expect(wrong.status).toBe(404);
  });

  it('the contact button: a reply keyboard with request_contact, then the persona’s own contact', async () => {
    const u = new SimUser(sim, aigul);
    u.send('/phone');
    await u.waitForBotMessage('Телефонуңузду');
    expect(u.keyboard()).toEqual([['📱 Номерди жөнөтүү']]);
    u.pressKeyboard('📱 Номерди жөнөтүү');
    const r = await u.waitForBotMessage(/^contact/);
    expect(r.text).toBe('contact 996700123456 own=true');
    expect(sim.replyKeyboard(aigul.id)).toBeNull();
  });

  it('stores setMyCommands per scope and language', async () => {
    await bot.api.setMyCommands([{ command: 'start', description: 'Баштоо' }], { language_code: 'ky' });
    await bot.api.setMyCommands([{ command: 'start', description: 'Начать' }], { language_code: 'ru' });
    await bot.api.setMyCommands([{ command: 'start', description: 'Start' }]);
    await bot.api.setMyCommands([{ command: 'staff', description: 'Staff' }], {
      scope: { type: 'chat', chat_id: bakyt.id },
    });
    expect(await bot.api.getMyCommands({ language_code: 'ky' })).toEqual([
      { command: 'start', description: 'Баштоо' },
    ]);
    expect(await bot.api.getMyCommands({ language_code: 'ru' })).toEqual([
      { command: 'start', description: 'Начать' },
    ]);
    expect(await bot.api.getMyCommands({ language_code: 'en' })).toEqual([]);
    expect(sim.commandsFor(aigul.id, 'ru')).toEqual([{ command: 'start', description: 'Начать' }]);
    expect(sim.commandsFor(aigul.id, 'en')).toEqual([{ command: 'start', description: 'Start' }]);
    expect(sim.commandsFor(bakyt.id, 'ky')).toEqual([{ command: 'staff', description: 'Staff' }]);
    await expectApiError(
      bot.api.setMyCommands([{ command: 'Start', description: 'x' }]),
      400,
      'Bad Request: BOT_COMMAND_INVALID',
    );
    await bot.api.deleteMyCommands({ language_code: 'ky' });
    expect(await bot.api.getMyCommands({ language_code: 'ky' })).toEqual([]);
    expect(await bot.api.setChatMenuButton({ menu_button: { type: 'commands' } })).toBe(true);
  });

  it('answers an unknown method with 404 and a wrong token with 401; reads GET, form and JSON bodies', async () => {
    const unknown = await fetch(`${s.apiRoot}/bot${sim.token}/sendTelepathy`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      ok: false,
      error_code: 404,
      description: 'Not Found: method not found',
    });
    const wrong = await fetch(`${s.apiRoot}/bot1:nope/getMe`);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ ok: false, error_code: 401, description: 'Unauthorized' });
    const get = await fetch(
      `${s.apiRoot}/bot${sim.token}/sendMessage?chat_id=${aigul.id}&text=${encodeURIComponent('GET салам')}`,
    );
    expect((await get.json()).result.text).toBe('GET салам');
    const form = await fetch(`${s.apiRoot}/bot${sim.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        chat_id: String(aigul.id),
        text: 'form',
        reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'k', callback_data: 'k' }]] }),
      }),
    });
    expect((await form.json()).result.reply_markup.inline_keyboard[0][0].callback_data).toBe('k');
    const lower = await fetch(`${s.apiRoot}/bot${sim.token}/getme`);
    expect((await lower.json()).ok).toBe(true);
  });

  it('serves the web chat JSON API: personas, messages after an id, presses, contact, files, events', async () => {
    const base = s.apiRoot;
    const personas = (await (await fetch(`${base}/api/personas`)).json()) as { id: number; role: string }[];
    expect(personas.map((p) => p.role)).toEqual([
      'parent',
      'parent',
      'parent',
      'director',
      'district',
      'ministry',
      'public',
    ]);
    const before = sim.chatMessages(bakyt.id).at(-1)?.message.message_id ?? 0;
    const events = await fetch(`${base}/api/chats/${bakyt.id}/events`);
    const reader = (events.body as ReadableStream<Uint8Array>).getReader();
    const post = (path: string, body: unknown) =>
      fetch(`${base}/api/chats/${bakyt.id}/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    expect((await post('start', { payload: 'school_9' })).status).toBe(200);
    await expect
      .poll(
        async () =>
          (await (await fetch(`${base}/api/chats/${bakyt.id}/messages?after=${before}`)).json()).length,
      )
      .toBe(2);
    const list = (await (await fetch(`${base}/api/chats/${bakyt.id}/messages?after=${before}`)).json()) as {
      id: number;
      fromBot: boolean;
      text: string;
      inlineKeyboard?: { text: string; callbackData?: string }[][];
    }[];
    expect(list.map((m) => [m.fromBot, m.text])).toEqual([
      [false, '/start school_9'],
      [true, 'Саламатсызбы! payload=school_9'],
    ]);
    const menu = list[1] as (typeof list)[1];
    const pressed = await post('callback', { messageId: menu.id, data: 'no' });
    expect(pressed.body.callbackQueryId).toMatch(/^\d+$/);
    const missing = await post('callback', { messageId: menu.id, data: 'nope' });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/No inline button with callback_data "nope".*\[Ооба → yes\]/);
    expect((await post('contact', {})).body.contact).toMatchObject({
      phoneNumber: '996770234567',
      userId: bakyt.id,
    });
    // the event stream carried the bot's message and the callback answer
    let streamed = '';
    while (!streamed.includes('event: callbackAnswer')) {
      const { value } = await reader.read();
      streamed += new TextDecoder().decode(value);
    }
    expect(streamed).toContain('event: message');
    expect(streamed).toContain('Жокко чыгарылды');
    await reader.cancel();
    const state = await (await fetch(`${base}/api/chats/${bakyt.id}/state`)).json();
    expect(state).toMatchObject({
      blocked: false,
      persona: { id: bakyt.id },
      bot: { username: 'kattoo_sim_bot' },
    });
    expect((await fetch(`${base}/chat?lang=ru`)).headers.get('content-type')).toContain('text/html');
    expect(await (await fetch(`${base}/chat?lang=ru`)).text()).toContain('<html lang="ru">');
  });

  it('records every call with its parameters and outcome', () => {
    const sends = sim.calls.filter((c) => c.method === 'sendDocument' && c.ok);
    expect(sends[0]?.params.document).toEqual({ upload: 'отчёт-2025.xlsx', size: XLSX_LIKE.length });
    expect(
      sim.calls.some((c) => c.method === 'sendChatAction' && c.params.action === 'upload_document'),
    ).toBe(true);
  });
});

describe('Telegram simulator with a grammY bot behind a webhook', () => {
  let s: StartedSimulator;
  let sim: TelegramSimulator;
  let bot: Bot;
  let hook: FastifyInstance;
  let hookUrl: string;
  const seen: Update[] = [];
  const members: ChatMemberUpdated[] = [];
  const secrets: (string | undefined)[] = [];
  const handled = new Map<number, number>();
  let failNext = 0;

  beforeAll(async () => {
    s = await startTelegramSimulator({
      token: '7222333444:AAtest-webhook-token',
      options: { webhookRetryDelayMs: 50, webhookTimeoutMs: 3000 },
    });
    sim = s.sim;
    bot = buildBot(sim.token, s.apiRoot, seen, members);
    // count handling per update_id and fail on purpose when asked
    const counting = new Bot(sim.token, { client: { apiRoot: s.apiRoot } });
    counting.use(async (ctx, next) => {
      handled.set(ctx.update.update_id, (handled.get(ctx.update.update_id) ?? 0) + 1);
      if (ctx.message?.text === 'fail-once' && failNext > 0) {
        failNext--;
        throw new Error('handler failed on purpose');
      }
      await next();
    });
    counting.use(bot);
    await counting.init();
    hook = Fastify({ logger: false });
    hook.addHook('onRequest', async (req) => {
      secrets.push(req.headers['x-telegram-bot-api-secret-token'] as string | undefined);
    });
    hook.post('/telegram/webhook', webhookCallback(counting, 'fastify', { secretToken: 'hook-Secret_123' }));
    await hook.listen({ port: 0, host: '127.0.0.1' });
    const addr = hook.server.address();
    hookUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/telegram/webhook`;
    await bot.init();
    await bot.api.setWebhook(hookUrl, { secret_token: 'hook-Secret_123', drop_pending_updates: true });
  });

  afterAll(async () => {
    sim.close();
    await hook.close();
    await s.stop();
  });

  it('pushes updates with the secret header; the bot answers through the simulator', async () => {
    const u = new SimUser(sim, aigul);
    u.start('school_777');
    const r = await u.waitForBotMessage(/payload=school_777/);
    expect(r.text).toContain('school_777');
    u.send('салам');
    await u.waitForBotMessage('echo: салам');
    expect(secrets.length).toBeGreaterThanOrEqual(2);
    expect(secrets.every((x) => x === 'hook-Secret_123')).toBe(true);
    const info = await bot.api.getWebhookInfo();
    expect(info).toMatchObject({ url: hookUrl, pending_update_count: 0 });
    expect(info.last_error_message).toBeUndefined();
  });

  it('refuses getUpdates while the webhook is set (409)', async () => {
    await expectApiError(
      bot.api.getUpdates(),
      409,
      /^Conflict: can't use getUpdates method while webhook is active/,
    );
  });

  it('redelivers an update the webhook answered with 500, with the same update_id, in order per chat', async () => {
    failNext = 1;
    const u = new SimUser(sim, bakyt);
    const errors: string[] = [];
    const off = sim.subscribe((e) => {
      if (e.type === 'webhookError') errors.push(e.message);
    });
    u.send('fail-once');
    u.send('second');
    const first = await u.waitForBotMessage('echo: fail-once', 5000);
    const second = await u.waitForBotMessage('echo: second', 5000);
    off();
    expect(first.message_id).toBeLessThan(second.message_id);
    expect(errors[0]).toMatch(/^Wrong response from the webhook: 500/);
    const failing = seen.filter((x) => x.message?.text === 'fail-once').map((x) => x.update_id);
    // seen by the bot's middleware only on the successful attempt; counted twice by the outer one
    expect(failing).toHaveLength(1);
    expect(handled.get(failing[0] as number)).toBe(2);
    expect((await bot.api.getWebhookInfo()).last_error_message).toMatch(/500/);
  });

  it('redelivers a handled update on purpose (idempotency tests) with the same update_id', async () => {
    const u = new SimUser(sim, elena);
    const sent = u.send('once');
    await u.waitForBotMessage('echo: once');
    const id = u.updateIdOf(sent);
    expect(seen.find((x) => x.message?.text === 'once')?.update_id).toBe(id);
    sim.redeliver(id);
    await expect.poll(() => handled.get(id)).toBe(2);
  });

  it('sends my_chat_member when a user blocks the bot, to the webhook as well', async () => {
    const u = new SimUser(sim, elena);
    u.block();
    await expect.poll(() => members.at(-1)?.new_chat_member.status).toBe('kicked');
    u.unblock();
    await expect.poll(() => members.at(-1)?.new_chat_member.status).toBe('member');
  });

  it('keeps updates while the webhook is down and delivers them when it is back', async () => {
    await bot.api.setWebhook('http://127.0.0.1:9/nowhere', { secret_token: 'hook-Secret_123' });
    const u = new SimUser(sim, aigul);
    u.send('while down');
    await expect
      .poll(async () => (await bot.api.getWebhookInfo()).last_error_message)
      .toMatch(/Connection refused|Failed/);
    expect((await bot.api.getWebhookInfo()).pending_update_count).toBe(1);
    await bot.api.setWebhook(hookUrl, { secret_token: 'hook-Secret_123' });
    await u.waitForBotMessage('echo: while down', 5000);
  });
});

describe('Telegram simulator with two pollers', () => {
  it('terminates the older getUpdates with 409, which stops a grammY bot (two instances of one bot)', async () => {
    const s = await startTelegramSimulator();
    const bot = new Bot(s.sim.token, { client: { apiRoot: s.apiRoot } });
    await bot.init();
    let polling: Promise<void> = Promise.resolve();
    await new Promise<void>((resolve) => {
      polling = bot.start({ timeout: 5, onStart: () => resolve() });
    });
    await new Promise((r) => setTimeout(r, 100));
    const second = await fetch(`${s.apiRoot}/bot${s.sim.token}/getUpdates?timeout=0`);
    expect(second.status).toBe(200);
    const err = await polling.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GrammyError);
    expect((err as GrammyError).description).toBe(
      'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    );
    await s.stop();
  });
});

describe('Telegram simulator limits and groups (no HTTP)', () => {
  it('enforces ~1 message/s per private chat with a small burst when enforceLimits is on', async () => {
    const sim = new TelegramSimulator({ enforceLimits: { privateBurst: 3 } });
    sim.sendText(aigul.id, 'hi');
    for (let i = 0; i < 3; i++) await sim.api('sendMessage', { chat_id: aigul.id, text: `m${i}` });
    const err = await sim
      .api('sendMessage', { chat_id: aigul.id, text: 'too fast' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ errorCode: 429, parameters: { retry_after: 1 } });
    expect((err as Error).message).toContain('Too Many Requests: retry after 1');
    sim.close();
  });

  it('enforces 30 messages/s overall', async () => {
    const personas = Array.from({ length: 40 }, (_, i) => ({
      id: 9_000_000_000 + i,
      firstName: `P${i}`,
      phone: '+996 700 000 000',
      role: 'parent' as const,
    }));
    const sim = new TelegramSimulator({ enforceLimits: true, personas });
    for (const p of personas) sim.sendText(p.id, 'hi');
    const results = await Promise.all(
      personas.map((p) =>
        sim.api('sendMessage', { chat_id: p.id, text: 'x' }).then(
          () => 'ok',
          () => '429',
        ),
      ),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(30);
    sim.close();
  });

  it('in a group the bot sees commands only (privacy mode) and is limited to 20 messages a minute', async () => {
    const sim = new TelegramSimulator({ enforceLimits: true });
    const groupId = sim.createGroup({ title: 'Мектеп №5 — кабыл алуу', memberIds: [aigul.id, bakyt.id] });
    expect(groupId).toBeLessThan(0);
    expect(sim.pendingUpdates()[0]?.my_chat_member?.new_chat_member.status).toBe('member');
    sim.sendText(aigul.id, 'just chatting', { chatId: groupId });
    sim.sendText(bakyt.id, '/status@kattoo_sim_bot', { chatId: groupId });
    expect(
      sim
        .pendingUpdates()
        .map((u) => u.message?.text)
        .filter(Boolean),
    ).toEqual(['/status@kattoo_sim_bot']);
    let ok = 0;
    for (let i = 0; i < 25; i++) {
      await sim.api('sendMessage', { chat_id: groupId, text: `alert ${i}` }).then(
        () => ok++,
        () => {},
      );
    }
    expect(ok).toBe(20);
    sim.close();
  });

  it('queues only the update types in allowed_updates, and my_chat_member by default', async () => {
    const sim = new TelegramSimulator();
    sim.sendText(aigul.id, '/start');
    const m = await sim.api<{ message_id: number }>('sendMessage', {
      chat_id: aigul.id,
      text: 'menu',
      reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] },
    });
    await sim.api('getUpdates', { offset: 0, allowed_updates: JSON.stringify(['message']) });
    sim.pressButton(aigul.id, m.message_id, 'a');
    sim.sendText(aigul.id, 'hi');
    expect(sim.pendingUpdates().map((u) => Object.keys(u)[1])).toEqual(['message', 'message']);
    await sim.api('getUpdates', { offset: -1, allowed_updates: [] });
    sim.block(aigul.id);
    expect(sim.pendingUpdates().map((u) => Object.keys(u)[1])).toEqual(['message', 'my_chat_member']);
    expect(() => sim.pressButton(aigul.id, m.message_id, 'zz')).toThrow(/blocked the bot/);
    sim.close();
  });

  it('sends other kinds of messages and hand-made updates through the same queue', async () => {
    const sim = new TelegramSimulator();
    const sticker = sim.sendRaw(aigul.id, {
      sticker: {
        file_id: 'f',
        file_unique_id: 'u',
        type: 'regular',
        width: 1,
        height: 1,
        is_animated: false,
        is_video: false,
      },
    });
    expect(sticker.message_id).toBe(1);
    const forged = sim.injectUpdate({
      callback_query: { id: 'forged', from: sim.userOf(aigul), chat_instance: '1', data: 'x'.repeat(64) },
    });
    expect(sim.pendingUpdates().map((u) => u.update_id)).toEqual([
      (forged?.update_id as number) - 1,
      forged?.update_id,
    ]);
    expect(
      await sim.api('answerCallbackQuery', { callback_query_id: 'forged' }).catch((e: Error) => e.message),
    ).toBe('400: Bad Request: query is too old and response timeout expired or query ID is invalid');
    sim.close();
  });

  it('is off by default: a burst to one chat passes', async () => {
    const sim = new TelegramSimulator();
    sim.sendText(aigul.id, 'hi');
    for (let i = 0; i < 50; i++) await sim.api('sendMessage', { chat_id: aigul.id, text: `m${i}` });
    expect(sim.chatMessages(aigul.id)).toHaveLength(51);
    sim.close();
  });
});
