// The whole Kattoo in Chromium through the simulator's web chat, as a newcomer sees it after
// `npm start`: pick a persona, /start, choose Kyrgyz, find a school and open its card.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { launchChromium } from './support/browser.ts';
import { type Chat, openPhone } from './support/chat.ts';

describe('Kattoo in the web chat (Chromium, 360×740)', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let bot: Chat['bot'];
  let button: Chat['button'];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchChromium();
    ({ page, bot, button } = await openPhone(browser, pageErrors));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('a parent starts the bot, chooses Kyrgyz and finds a school with its free seats', async () => {
    if (!app.chatUrl) throw new Error('no web chat');
    await page.goto(app.chatUrl);
    const persona = app.sim.personas().find((p) => p.role === 'parent');
    await page.getByTestId(`persona-${persona?.id}`).click();
    // as in Telegram, a chat that never started shows a Start button, which sends /start
    await page.getByTestId('start-button').click();
    await bot('Тилди тандаңыз').waitFor();
    await button('Кыргызча').click();
    await bot('1-класска каттоого').waitFor();
    await button('Мектеп табуу').click();
    await bot('Облусту же шаарды тандаңыз').waitFor();
    await button('Бишкек шаары').click();
    await bot('Районду тандаңыз').waitFor();
    await button(/Свердлов/).click();
    await bot('мектеп табылды').waitFor();
    await button(/бош: \d+/)
      .first()
      .click();
    const card = bot('Коду:');
    await card.waitFor();
    expect(await card.textContent()).toMatch(/1-класска орундар/);
    expect(await card.textContent()).toMatch(/тилинде: \d+ \/ \d+ \/ \d+/);
    expect(pageErrors).toEqual([]);
  });

  it('shows the calendar with the open stage when the parent types /calendar', async () => {
    await page.getByTestId('message-input').fill('/calendar');
    await page.getByTestId('send-button').click();
    const cal = bot('2026/27');
    await cal.waitFor();
    expect(await cal.textContent()).toContain('Азыр ачык');
  });
});
