// The Telegram simulator's web chat (K-TG-7) in Chromium at a cheap phone's size, talking to a real
// grammY bot that long-polls the simulator: persona picker, texts, inline buttons with their answer
// toast, edits in place, the contact button, documents and photos, blocking — in Kyrgyz by default.
import Fastify, { type FastifyInstance } from 'fastify';
import { Bot, InlineKeyboard, InputFile, Keyboard } from 'grammy';
import type { Contact } from 'grammy/types';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  registerTelegramSimulator,
  type StartedSimulator,
  startTelegramSimulator,
} from '../../sim/telegram/http.ts';
import { defaultPersonas } from '../../sim/telegram/personas.ts';
import { TelegramSimulator } from '../../sim/telegram/simulator.ts';
import { launchChromium } from './support/browser.ts';

const DOC = Buffer.concat([
  Buffer.from('PK\u0003\u0004'),
  Buffer.alloc(4096, 42),
  Buffer.from([0, 13, 10, 255]),
]);
// a 2×1 PNG
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAYAAAD0In+KAAAAEUlEQVR42mP8z8DwnwEIGAEAFfMB/2bwI4EAAAAASUVORK5CYII=',
  'base64',
);

const aigul = defaultPersonas[0] as (typeof defaultPersonas)[0];

function echoBot(token: string, apiRoot: string, contacts: Contact[]) {
  const bot = new Bot(token, { client: { apiRoot } });
  bot.command('start', (ctx) =>
    ctx.reply('<b>Саламатсызбы!</b> Мен — жаңырык бот.', {
      parse_mode: 'HTML',
      reply_markup: new InlineKeyboard().text('Ооба', 'yes').url('Сайт', 'https://edu.gov.kg'),
    }),
  );
  bot.callbackQuery('yes', async (ctx) => {
    await ctx.answerCallbackQuery({ text: 'Тандалды' });
    await ctx.editMessageText('Тандалды ✅');
  });
  bot.command('phone', (ctx) =>
    ctx.reply('Телефонуңузду бөлүшүңүз', {
      reply_markup: new Keyboard().requestContact('Номерди жөнөтүү').oneTime().resized(),
    }),
  );
  bot.on('message:contact', async (ctx) => {
    contacts.push(ctx.message.contact);
    await ctx.reply(`Рахмат, ${ctx.message.contact.phone_number}`, {
      reply_markup: { remove_keyboard: true },
    });
  });
  bot.command('doc', async (ctx) => {
    await ctx.replyWithChatAction('upload_document');
    await ctx.replyWithDocument(new InputFile(DOC, 'отчёт 2025.xlsx'), { caption: 'Отчёт' });
  });
  bot.command('photo', (ctx) =>
    ctx.replyWithPhoto(new InputFile(PNG, 'chart.png'), { caption: 'Диаграмма' }),
  );
  bot.command('unsafe', (ctx) =>
    ctx.reply('&lt;script&gt;window.hacked=1&lt;/script&gt; <a href="javascript:alert(1)">x</a>', {
      parse_mode: 'HTML',
    }),
  );
  bot.on('message:text', (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
  return bot;
}

/** Starts long polling; resolves once polling runs, with the promise that settles when it stops. */
async function startPolling(bot: Bot): Promise<{ stopped: Promise<void> }> {
  await bot.init();
  let stopped: Promise<void> = Promise.resolve();
  await new Promise<void>((resolve) => {
    stopped = bot.start({ timeout: 2, onStart: () => resolve() });
  });
  return { stopped };
}

async function sendText(page: Page, text: string) {
  await page.getByTestId('message-input').fill(text);
  await page.getByTestId('send-button').click();
}

function botBubble(page: Page, text: string) {
  return page.locator('[data-testid="message"][data-from="bot"]', { hasText: text }).last();
}

describe('web chat of the Telegram simulator in Chromium (360×740)', () => {
  let browser: Browser;
  let s: StartedSimulator;
  let bot: Bot;
  let polling: Promise<void>;
  let page: Page;
  const contacts: Contact[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    s = await startTelegramSimulator();
    bot = echoBot(s.sim.token, s.apiRoot, contacts);
    polling = (await startPolling(bot)).stopped;
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 360, height: 740 },
      acceptDownloads: true,
    });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
    await polling;
    await s?.stop();
  });

  it('lists the personas with their role labels in Kyrgyz, and switches to Russian', async () => {
    await page.goto(`${s.chatUrl}?lang=ru`);
    await page.getByTestId(`persona-${aigul.id}`).waitFor();
    expect(await page.getByTestId(`persona-${aigul.id}`).getByTestId('persona-role').textContent()).toBe(
      'Родитель',
    );
    await page.getByTestId('lang-ky').click();
    await page.waitForURL(/lang=ky/);
    await page.getByTestId(`persona-${aigul.id}`).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('ky');
    expect(await page.getByTestId(`persona-${aigul.id}`).getByTestId('persona-role').textContent()).toBe(
      'Ата-эне',
    );
    expect(await page.locator('[data-testid^="persona-"][data-role]').count()).toBe(defaultPersonas.length);
    const director = defaultPersonas.find((p) => p.role === 'director');
    expect(await page.getByTestId(`persona-${director?.id}`).textContent()).toContain('Мектеп директору');
  });

  it('picks a persona, starts the bot, sends "salam" and sees the echo; HTML is rendered as formatting', async () => {
    await page.getByTestId(`persona-${aigul.id}`).click();
    await page.getByTestId('start-button').click();
    const hello = botBubble(page, 'Саламатсызбы');
    await hello.waitFor();
    expect(await hello.locator('b').textContent()).toBe('Саламатсызбы!');
    await sendText(page, 'salam');
    await page.locator('[data-testid="message"][data-from="user"]', { hasText: 'salam' }).waitFor();
    await botBubble(page, 'echo: salam').waitFor();
    expect(
      s.sim
        .chatMessages(aigul.id)
        .some((m) => !m.fromBot && 'text' in m.message && m.message.text === 'salam'),
    ).toBe(true);
    // Enter sends too
    await page.getByTestId('message-input').fill('Enter менен');
    await page.getByTestId('message-input').press('Enter');
    await botBubble(page, 'echo: Enter менен').waitFor();
  });

  it('presses an inline button: the answer shows as a toast and the message is edited in place', async () => {
    const hello = botBubble(page, 'Саламатсызбы');
    const id = await hello.getAttribute('data-message-id');
    const urlButton = page.locator('[data-testid="inline-button"][data-url]');
    expect(await urlButton.getAttribute('href')).toBe('https://edu.gov.kg/');
    expect(await urlButton.getAttribute('target')).toBe('_blank');
    await page.locator('[data-testid="inline-button"][data-callback-data="yes"]').click();
    await page.getByTestId('toast').filter({ hasText: 'Тандалды' }).waitFor();
    const edited = page.locator(`[data-testid="message"][data-message-id="${id}"]`);
    await edited.filter({ hasText: 'Тандалды ✅' }).waitFor();
    expect(await edited.textContent()).toContain('өзгөртүлдү');
    // editing without reply_markup removed the keyboard
    expect(await page.locator('[data-testid="inline-button"][data-callback-data="yes"]').count()).toBe(0);
  });

  it('the contact button of the reply keyboard shares the persona’s phone with the bot', async () => {
    await sendText(page, '/phone');
    await page.getByTestId('contact-button').waitFor();
    expect(await page.getByTestId('contact-button').textContent()).toContain('Номерди жөнөтүү');
    await page.getByTestId('contact-button').click();
    await page.getByTestId('contact').waitFor();
    await botBubble(page, 'Рахмат, 996700123456').waitFor();
    expect(contacts.at(-1)).toMatchObject({
      phone_number: '996700123456',
      user_id: aigul.id,
      first_name: 'Айгүл',
    });
    // remove_keyboard took the keyboard away
    await page.getByTestId('reply-keyboard').waitFor({ state: 'detached' });
  });

  it('receives a document: the link carries the file name and serves the bytes; a photo shows inline', async () => {
    await sendText(page, '/doc');
    const link = page.getByTestId('document-link').last();
    await link.waitFor();
    expect(await link.textContent()).toBe('отчёт 2025.xlsx');
    expect(await link.getAttribute('download')).toBe('отчёт 2025.xlsx');
    const href = await link.getAttribute('href');
    const res = await fetch(new URL(href as string, page.url()));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(res.headers.get('content-disposition')).toContain(
      `filename*=UTF-8''${encodeURIComponent('отчёт 2025.xlsx')}`,
    );
    expect(Buffer.from(await res.arrayBuffer()).equals(DOC)).toBe(true);
    // the browser downloads it under its name
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('отчёт 2025.xlsx');
    await sendText(page, '/photo');
    const img = page.getByTestId('photo').last();
    await img.waitFor();
    await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBe(2);
  });

  it('renders what the bot escaped as text, never as markup, and drops javascript: links', async () => {
    await sendText(page, '/unsafe');
    const bubble = botBubble(page, '<script>');
    await bubble.waitFor();
    expect(await bubble.locator('script').count()).toBe(0);
    expect(await bubble.locator('a').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { hacked?: number }).hacked)).toBeUndefined();
  });

  it('blocks and unblocks the bot from the header: the bot gets 403 while blocked', async () => {
    await page.getByTestId('block-toggle').click();
    await page.getByTestId('blocked-notice').waitFor();
    await expect(bot.api.sendMessage(aigul.id, 'x')).rejects.toThrow(/bot was blocked by the user/);
    await page.getByTestId('unblock-button').click();
    await page.getByTestId('message-input').waitFor();
    await bot.api.sendMessage(aigul.id, 'Кош келиңиз');
    await botBubble(page, 'Кош келиңиз').waitFor();
  });

  it('fits a 360 px screen and logged no page errors', async () => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(360);
    expect(pageErrors).toEqual([]);
  });
});

describe('web chat mounted under a prefix in another Fastify server (as Kattoo mounts it)', () => {
  let browser: Browser;
  let app: FastifyInstance;
  let bot: Bot;
  let polling: Promise<void>;
  let sim: TelegramSimulator;

  beforeAll(async () => {
    sim = new TelegramSimulator({ token: '7000000001:KATTOO-LOCAL-SIMULATOR-TOKEN' });
    app = Fastify({ logger: false });
    // the host app's own routes and parsers stay its own
    app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_r, body, done) =>
      done(null, { plain: body }),
    );
    app.post('/echo', async (req) => req.body);
    await registerTelegramSimulator(app, { prefix: '/sim/telegram', sim });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    bot = echoBot(sim.token, `${url}/sim/telegram`, []);
    polling = (await startPolling(bot)).stopped;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
    await polling;
    sim?.close();
    await app?.close();
  });

  it('serves the page, its assets and its API relative to the prefix', async () => {
    const addr = app.server.address();
    const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const plain = await fetch(`${url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hi',
    });
    expect(await plain.json()).toEqual({ plain: 'hi' });
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    await page.goto(`${url}/sim/telegram/chat/?lang=en`);
    await page.waitForURL(/\/sim\/telegram\/chat\?lang=en/);
    await page.getByTestId(`persona-${aigul.id}`).click();
    await page.getByTestId('start-button').click();
    await botBubble(page, 'Саламатсызбы').waitFor();
    await sendText(page, 'salam');
    await botBubble(page, 'echo: salam').waitFor();
    expect(await page.getByTestId('send-button').getAttribute('aria-label')).toBe('Send');
    // reload keeps the persona
    await page.reload();
    await botBubble(page, 'echo: salam').waitFor();
    await page.close();
  });
});
