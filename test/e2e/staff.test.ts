// A school director in Chromium through the whole app's web chat (issue 5, in Kyrgyz): linked by a
// one-time invite, opens /school, ticks the six documents of a verified admitted application (the child
// is enrolled), then /classes forms the classes and the XLSX list arrives as a downloadable document;
// then enrols the confirmation code (/totp) and sends a quota that a district officer approves with a code.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdjustableClock } from '../../core/clock.ts';
import { codeAt } from '../../core/services/school/totp.ts';
import { generateDemoWorld } from '../../prisma/demo/world.ts';
import { demoPopulationRows } from '../../sim/registry/demo-population.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { launchChromium } from './support/browser.ts';
import { type Chat, openPhone } from './support/chat.ts';

describe('a director links by invite and enrols a child in the web chat (Chromium)', () => {
  let app: TestApp;
  let browser: Browser;
  let chat: Page;
  let bot: Chat['bot'];
  let button: Chat['button'];
  let send: Chat['send'];
  let schoolCode: string;
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

  it('links, opens /school, enrols on the sixth document and downloads the classes XLSX', async () => {
    const population = app.registry.population;
    if (!population || !app.chatUrl) throw new Error('the demo app runs the simulators');
    const [family] = [...demoPopulationRows(population, generateDemoWorld(), { limit: 1 })];
    if (!family) throw new Error('the demo population has an eligible child');
    const parent = app.sim.personas().find((p) => p.role === 'parent');
    const director = app.sim.personas().find((p) => p.role === 'director');
    if (!parent || !director) throw new Error('the simulator has parent and director personas');

    // a verified application, admitted at the family's catchment school, made through the core service
    const school = await app.db.school.findUniqueOrThrow({ where: { code: family.catchment_school_code } });
    const applications = app.services.applications;
    const draft = await applications.createDraft({
      telegramId: parent.id,
      applicantPin: family.parent_pin,
      childPin: family.child_pin,
      certificateSeries: family.birth_certificate_series,
      certificateNumber: family.birth_certificate_number,
    });
    await applications.chooseSchool(draft.id, parent.id, school.code, school.languages[0] as 'ky');
    await applications.setContact(draft.id, parent.id, '0700 123 456', true);
    const submitted = await applications.submit(draft.id, parent.id);
    expect(submitted.outcome).toBe('admitted');
    const number = submitted.application.number;
    schoolCode = school.code;
    // documents are received, and a child enrolled, only in the campaign's document window (from
    // 1 August): the director works on a Monday in August
    (app.clock as AdjustableClock).set(new Date('2026-08-03T04:00:00Z'));

    const invite = await app.services.identity.createStaffInvite({
      role: 'director',
      scope: school.code,
      createdBy: { kind: 'cli', id: 'test' },
    });
    if (!invite.ok) throw new Error(invite.reason);

    await chat.goto(app.chatUrl);
    await chat.getByTestId(`persona-${director.id}`).click();
    await chat.getByTestId('start-button').click();
    await button('Кыргызча').click();
    await bot('1-класска каттоого').waitFor();
    await send(`/start staff_${invite.token}`);
    expect(await bot('Кош келиңиз').textContent()).toMatch(/мектеп директору/);

    await send('/school');
    const menu = bot('Арыздар:');
    await menu.waitFor();
    expect(await menu.textContent()).toMatch(/орун берилген 1/);

    await button('📋 Арыздар').click();
    await bot('Табылды: 1').waitFor();
    await button(number).click();
    await bot(`№ ${number} арыз`).waitFor();

    const ticked = chat.getByTestId('inline-button').filter({ hasText: /^✅ / });
    for (let i = 0; i < 6; i++) {
      await chat.getByTestId('inline-button').filter({ hasText: /^⬜ / }).first().click();
      if (i < 5) await expect.poll(() => ticked.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(i + 1);
    }
    await bot('Алты документтин баары кабыл алынды').waitFor({ timeout: 15_000 });
    const enrolled = await app.db.application.findUniqueOrThrow({ where: { number } });
    expect(enrolled.status).toBe('enrolled');

    await send('/classes');
    await button('🧩 Класстарды түзүү').click();
    await button('📊 XLSX').click();
    const link = chat.getByTestId('document-link').last();
    await link.waitFor({ timeout: 20_000 });
    expect(await link.textContent()).toMatch(/\.xlsx$/);
    const href = await link.getAttribute('href');
    const res = await chat.request.get(new URL(href as string, chat.url()).toString());
    expect(res.ok()).toBe(true);
    const body = await res.body();
    expect(body.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('enrols the confirmation code, sends a quota with it, and a district officer approves with a code', async () => {
    if (!app.chatUrl) throw new Error('no web chat');
    const clock = app.clock as AdjustableClock;
    /** the next 30-second step's code of the app's (demo) clock, as the authenticator app shows it */
    const nextCode = (secret: string) => {
      clock.shift(30_000);
      return codeAt(secret, clock.now().getTime());
    };
    const enrol = async (p: Page) => {
      const sendOn = async (text: string) => {
        await p.getByTestId('message-input').fill(text);
        await p.getByTestId('send-button').click();
      };
      await sendOn('/totp');
      await p.locator('[data-testid="photo"]').last().waitFor();
      const secretMessage = p
        .locator('[data-testid="message"][data-from="bot"]', { hasText: 'ачкычты кол менен' })
        .last();
      await secretMessage.waitFor();
      const secret = /([A-Z2-7]{4}(?: [A-Z2-7]{1,4})+)/
        .exec((await secretMessage.textContent()) ?? '')?.[1]
        ?.replace(/ /g, '');
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      await sendOn(nextCode(secret as string));
      await p
        .locator('[data-testid="message"][data-from="bot"]', { hasText: 'Ырастоо коду орнотулду' })
        .last()
        .waitFor();
      return { secret: secret as string, send: sendOn };
    };

    const school = await app.db.school.findUniqueOrThrow({ where: { code: schoolCode } });
    const language = school.languages.includes('ky') ? 'ky' : 'ru';
    const languageName = language === 'ky' ? 'кыргыз' : 'орус';
    const current = await app.db.quota.findFirst({ where: { schoolId: school.id, language } });
    const seats = (current?.seats ?? 50) + 10;

    const director = await enrol(chat);
    await director.send('/quotas');
    await bot('Квоталар:').waitFor();
    await button(`✏️ ${languageName}`).click();
    await bot('канча орун').waitFor();
    await director.send(String(seats));
    await bot('бир класста канча бала').waitFor();
    await director.send('25');
    await bot('сиздин долбоор').waitFor();
    await button('📤 Районго жөнөтүү').click();
    const asked = bot(/Себебин жазыңыз|себебин жазыңыз|6 сандуу кодду жазыңыз/);
    await asked.waitFor();
    if (!(await asked.textContent())?.includes('6 сандуу')) {
      await director.send('Микроучастокто балдар көбөйдү, кошумча класс ачылат.');
      await bot('6 сандуу кодду жазыңыз').waitFor();
    }
    await director.send(nextCode(director.secret));
    await bot('Районго жөнөтүлдү').waitFor();
    const change = await app.db.quotaChange.findFirstOrThrow({
      where: { schoolId: school.id, status: 'submitted' },
    });
    expect(change).toMatchObject({ toSeats: seats, classSize: 25 });

    const invite = await app.services.identity.createStaffInvite({
      role: 'district',
      scope: school.districtId,
      createdBy: { kind: 'cli', id: 'test' },
    });
    if (!invite.ok) throw new Error(invite.reason);
    const persona = app.sim.personas().find((p) => p.role === 'district');
    const { page: officerPage, bot: obot, button: obutton } = await openPhone(browser, pageErrors);
    await officerPage.goto(app.chatUrl);
    await officerPage.getByTestId(`persona-${persona?.id}`).click();
    await officerPage.getByTestId('start-button').click();
    await obutton('Кыргызча').click();
    await obot('1-класска каттоого').waitFor();
    await officerPage.getByTestId('message-input').fill(`/start staff_${invite.token}`);
    await officerPage.getByTestId('send-button').click();
    await obot('Кош келиңиз').waitFor();

    const officer = await enrol(officerPage);
    await officer.send('/quotas');
    await obot('Бекитүүнү күткөн квоталар').waitFor();
    // a first quota reads `code · language · seats`, a change `code · language · from→to`
    await obutton(new RegExp(`^${school.code} · ${languageName} · (\\d+→)?${seats}$`)).click();
    await obutton('✅ Бекитүү').click();
    await obot('6 сандуу кодду жазыңыз').waitFor();
    await officer.send(nextCode(officer.secret));
    await obot('Бекитилди').waitFor();
    const q = await app.db.quota.findFirstOrThrow({ where: { schoolId: school.id, language } });
    expect(q).toMatchObject({ seats, approved: true });
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
