// District oversight and appeals in Chromium through the whole app's web chat (issue 6): a district
// officer linked by invite opens their district's report (the chart picture and the XLSX), the coverage
// list and records a follow-up (Kyrgyz); a parent files an appeal from /appeal (Russian) and the
// school's director answers it in the language of the appeal.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../../bot/i18n.ts';
import { generateDemoWorld } from '../../prisma/demo/world.ts';
import { demoPopulationRows } from '../../sim/registry/demo-population.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { launchChromium } from './support/browser.ts';
import { type Chat, openPhone } from './support/chat.ts';

const ky = translator('ky');

describe('district oversight and appeals in the web chat (Chromium)', () => {
  let app: TestApp;
  let browser: Browser;
  const pageErrors: string[] = [];
  let school: { id: number; code: string; districtId: string };
  let number: string;

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchChromium();
    const population = app.registry.population;
    if (!population) throw new Error('the demo app runs the registry simulator');
    const [row] = [...demoPopulationRows(population, generateDemoWorld(), { limit: 1 })];
    if (!row) throw new Error('the demo population has an eligible child');
    const found = await app.db.school.findUniqueOrThrow({ where: { code: row.catchment_school_code } });
    school = found;
    // the parent's verified application, decided with a seat: appealable
    const parent = app.sim.personas().find((p) => p.role === 'parent');
    if (!parent) throw new Error('no parent persona');
    const applications = app.services.applications;
    const draft = await applications.createDraft({
      telegramId: parent.id,
      applicantPin: row.parent_pin,
      childPin: row.child_pin,
      certificateSeries: row.birth_certificate_series,
      certificateNumber: row.birth_certificate_number,
    });
    await applications.chooseSchool(draft.id, parent.id, found.code, found.languages[0] as 'ky');
    await applications.setContact(draft.id, parent.id, '0700 123 456', true);
    const submitted = await applications.submit(draft.id, parent.id);
    number = submitted.application.number;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** a chat of one persona in its own browser context, started, in the given language */
  async function open(role: 'parent' | 'director' | 'district', language: 'Кыргызча' | 'Русский') {
    if (!app.chatUrl) throw new Error('no web chat');
    const persona = app.sim.personas().find((p) => p.role === role);
    const chat = await openPhone(browser, pageErrors);
    const { page } = chat;
    await page.goto(app.chatUrl);
    await page.getByTestId(`persona-${persona?.id}`).click();
    await page.getByTestId('start-button').click();
    await chat.button(language).click();
    await chat.bot(language === 'Кыргызча' ? '1-класска каттоого' : /1.й класс/).waitFor();
    return chat;
  }

  async function link(chat: Chat, role: 'director' | 'district', scope: string, welcome: string) {
    const invite = await app.services.identity.createStaffInvite({
      role,
      scope,
      createdBy: { kind: 'cli', id: 'test' },
    });
    if (!invite.ok) throw new Error(invite.reason);
    await chat.send(`/start staff_${invite.token}`);
    await chat.bot(welcome).waitFor();
  }

  it('a district officer opens the district report with its chart and XLSX, then the coverage list with a follow-up (Kyrgyz)', async () => {
    const district = await open('district', 'Кыргызча');
    await link(district, 'district', school.districtId, 'Кош келиңиз');

    await district.send('/reports');
    await district.bot('Кайсы отчетту ачасыз?').waitFor();
    await district.button('🏘 Менин районум').click();
    await district.page.locator('[data-testid="photo"]').last().waitFor({ timeout: 20_000 });
    await district.bot('Арыздар:').waitFor();
    await district.button('📗 Excel (XLSX)').click();
    const doc = district.page.getByTestId('document-link').last();
    await doc.waitFor({ timeout: 20_000 });
    expect(await doc.textContent()).toMatch(/\.xlsx$/);
    const res = await district.page.request.get(
      new URL((await doc.getAttribute('href')) as string, district.page.url()).toString(),
    );
    expect(res.ok()).toBe(true);
    expect((await res.body()).subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');

    await district.send('/coverage');
    await district.bot('Балдарды камтуу').waitFor();
    await district.button(/Жайгаштырыла электер \(\d+\)/).click();
    await district.bot('Жайгаштырыла электер — ').waitFor();
    await district.button(/^1\. /).click();
    await district.bot('Эмне жасалганын белгилеңиз').waitFor();
    await district.button('🚚 Көчүп кетти').click();
    await district.bot('Жазылды: көчүп кетти').waitFor();
    expect(await app.db.coverageFollowUp.count()).toBe(1);
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('a parent files an appeal from /appeal (Russian), the director answers it in Russian', async () => {
    const parent = await open('parent', 'Русский');
    await parent.send('/appeal');
    await parent.bot('Ваши обращения').waitFor();
    await parent.button('➕ Новое обращение').click();
    await parent.bot('Решение по какому заявлению').waitFor();
    await parent.button(number).click();
    await parent.bot('Напишите обращение по заявлению').waitFor();
    await parent.send('Почему нам не дали место в другом классе? Просим пересмотреть.');
    const filed = parent.bot('Ваше обращение зарегистрировано');
    await filed.waitFor();
    const appealNo = /№ (\S+)\./.exec((await filed.textContent()) ?? '')?.[1] ?? '';
    expect(appealNo).toMatch(/A\d+/);

    const director = await open('director', 'Кыргызча');
    await link(director, 'director', school.code, 'Кош келиңиз');
    await director.send('/appeals');
    await director
      .bot(
        ky('oversight:appeals.staff.list')
          .replace(/<\/?b>/g, '')
          .replace('⚖️ ', ''),
      )
      .waitFor();
    await director.button(appealNo).click();
    await director.bot('Просим пересмотреть').waitFor();
    await director.button('✍️ Жооп берүү').click();
    await director.bot('кайрылуунун тилинде — орус тили').waitFor();
    await director.send('Места в классе с русским языком обучения заняты; вы первый в очереди.');
    await director.bot('ата-энеге жөнөтүлдү').waitFor();

    await parent.bot('дан ответ').waitFor({ timeout: 20_000 });
    await parent.send('/appeal');
    await parent.button(appealNo).click();
    await parent.bot('вы первый в очереди').waitFor();
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
