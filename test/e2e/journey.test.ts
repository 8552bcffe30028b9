// A parent's whole journey in Chromium, as in the README: the web chat, the state sign-in through the
// demo identity provider's page (its form's `pin` input), then the registration wizard to a decision.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../../bot/i18n.ts';
import { generateDemoWorld } from '../../prisma/demo/world.ts';
import { demoPopulationRows } from '../../sim/registry/demo-population.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { launchChromium } from './support/browser.ts';
import { type Chat, openPhone } from './support/chat.ts';

const ky = translator('ky');

describe('a parent signs in and registers a child in the web chat (Chromium)', () => {
  let app: TestApp;
  let browser: Browser;
  let chat: Page;
  let bot: Chat['bot'];
  let button: Chat['button'];
  let send: Chat['send'];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchChromium();
    ({ page: chat, bot, button, send } = await openPhone(browser, pageErrors));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('signs in through the demo state sign-in page, then registers the child at the catchment school', async () => {
    const population = app.registry.population;
    if (!population || !app.chatUrl) throw new Error('the demo app runs the simulators');
    const [family] = [...demoPopulationRows(population, generateDemoWorld(), { limit: 1 })];
    if (!family) throw new Error('the demo population has an eligible child');

    await chat.goto(app.chatUrl);
    const persona = app.sim.personas().find((p) => p.role === 'parent');
    await chat.getByTestId(`persona-${persona?.id}`).click();
    await chat.getByTestId('start-button').click();
    await button('Кыргызча').click();
    await bot('1-класска каттоого').waitFor();
    await send('/apply');

    // the one-time sign-in link is a URL button: the parent opens it (a new tab in Telegram)
    const link = await button('Кирүү').getAttribute('href');
    expect(link).toMatch(/\/auth\/start\//);
    const idp = await chat.context().newPage();
    await idp.goto(link as string);
    await idp.locator('input[name="pin"]').fill(family.parent_pin);
    await idp.locator('button[type="submit"]').click();
    await idp.waitForLoadState('load');
    expect(await idp.locator('body').textContent()).toMatch(/Telegram/);
    await idp.close();

    // back in the chat: confirmed, then the wizard with the registry's children
    await bot('Сиз кирдиңиз').waitFor();
    await send('/apply');
    await bot('1-кадам').waitFor({ timeout: 20_000 });
    await chat
      .getByTestId('inline-button')
      .filter({ hasText: family.child_birth_date.slice(0, 4) })
      .first()
      .click();
    await bot('2-кадам').waitFor({ timeout: 20_000 });
    await button(ky('wizard:confirm.yes')).click();
    await bot('3-кадам').waitFor();
    const suggested = chat
      .getByTestId('inline-button')
      .filter({ hasText: `· ${family.catchment_school_code} ·` })
      .first();
    await suggested.click();
    await bot('Окуу тилин').waitFor();
    await chat
      .getByTestId('inline-button')
      .filter({ hasText: /· бош: \d+ \/ \d+/ })
      .first()
      .click();
    await bot('4-кадам').waitFor();
    await button(ky('wizard:priority.none')).click();
    await bot('5-кадам').waitFor();
    await chat.getByTestId('contact-button').click();
    await bot('макулдук').waitFor();
    await button(ky('wizard:consent.yes')).click();
    await bot('6-кадам').waitFor();
    await button(ky('wizard:review.submit')).click();
    const decision = bot(/Орун берилди|Кезекте/);
    await decision.waitFor({ timeout: 20_000 });
    expect(await decision.textContent()).toMatch(/\d{4}-\d{7}/);

    const saved = await app.db.application.findFirstOrThrow({
      where: { telegramId: BigInt(persona?.id ?? 0) },
    });
    expect(['admitted', 'waitlisted']).toContain(saved.status);
    expect(saved.childPin).toBe(family.child_pin);
    expect(pageErrors).toEqual([]);
  });
});
