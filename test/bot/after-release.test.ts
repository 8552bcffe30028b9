// After the 15 September release (R-16.6, R-13.4; decision 0009), through the Telegram simulator: the
// release notice tells the family the truth — the free-seats stage after the release, from and until
// when — /calendar lists that stage, and the family registers the child again with the wizard at a
// school with a free seat, getting five working days for the documents instead of a deadline that
// has already passed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../../bot/i18n.ts';
import { renderNotification } from '../../bot/notifications/worker.ts';
import { bishkekTime } from '../../core/clock.ts';
import { createLogger } from '../../core/logger.ts';
import { deadlineService } from '../../core/services/school/deadlines.ts';
import { messageText } from '../../sim/telegram/client.ts';
import type { Persona } from '../../sim/telegram/personas.ts';
import { childPin, parentPin, type StubChild } from '../support/registry-stub.ts';
import { addressOf } from '../support/small-world.ts';
import { startWizardApp, type WizardApp } from '../support/wizard-app.ts';

const ky = translator('ky');
const PARENT_KY = 910_000_001;
const PARENT_RU = 910_000_002;

const persona = (id: number, languageCode: string): Persona => ({
  id,
  firstName: 'Ата-эне',
  languageCode,
  phone: `+996 700 556 0${String(id % 100).padStart(2, '0')}`,
  role: 'parent',
});

const children: StubChild[] = [1, 2].map((i) => ({
  pin: childPin(i),
  series: 'KG',
  number: String(100000 + i),
  parents: [parentPin(i)],
  address: addressOf(1, String(20 + i)),
}));

describe('after the release: the notice, /calendar and registering again (R-16.6)', () => {
  let app: WizardApp;
  let number = '';

  beforeAll(async () => {
    app = await startWizardApp({ children });
    await app.link(PARENT_KY, parentPin(1));
    await app.link(PARENT_RU, parentPin(2));
    // child 1 was admitted in stage I and its documents never came
    const d = await app.applications.createDraft({
      telegramId: PARENT_KY,
      applicantPin: parentPin(1),
      childPin: childPin(1),
      certificateSeries: 'KG',
      certificateNumber: '100001',
    });
    await app.applications.chooseSchool(d.id, PARENT_KY, app.codes[0] as string, 'ky');
    await app.applications.setContact(d.id, PARENT_KY, '0700 123 456', true);
    const r = await app.applications.submit(d.id, PARENT_KY);
    expect(r.outcome).toBe('admitted');
    number = r.application.number;
  }, 60_000);
  afterAll(() => app?.close());

  it('the release notice names the free-seats stage after the release, in Kyrgyz and Russian', async () => {
    const { db } = app.database;
    app.clock.set(new Date(bishkekTime('2026-09-15', '18:00').getTime() + 1000));
    const jobs = deadlineService({ db, clock: app.clock, log: createLogger('silent') });
    expect(await jobs.runDeadlines(app.clock.now())).toMatchObject({ released: 1 });
    const item = await db.outboxMessage.findFirstOrThrow({ where: { kind: 'documents_missed' } });
    const deps = {
      schoolName: async () => ({ ky: '№ 1 орто мектеби', ru: 'Средняя школа № 1', en: 'School No. 1' }),
      documentsDeadline: async () => bishkekTime('2026-09-15', '18:00'),
    };
    const asItem = { ...item, id: Number(item.id), telegramId: Number(item.telegramId) } as never;
    const inKy = (await renderNotification(asItem, 'ky', deps)).text;
    expect(inKy).toContain(number);
    expect(inKy).toMatch(
      /2026-ж\., 16-сентябрь – 2027-ж\., 31-май аралыгында балаңызды бош орду бар каалаган мектепке/,
    );
    expect(inKy).toContain('кеминде 5 жумуш күнү');
    const inRu = (await renderNotification(asItem, 'ru', deps)).text;
    expect(inRu).toMatch(/С 16 сентября 2026.* по 31 мая 2027.* вы можете снова записать ребёнка/);
    expect(inRu).toContain('не меньше 5 рабочих дней');
  });

  it('/calendar lists the stage as open to released, late and moving families (Russian)', async () => {
    app.clock.set(bishkekTime('2026-09-18', '11:00'));
    const u = app.user(persona(PARENT_RU, 'ru'));
    await app.database.db.chatUser.upsert({
      where: { telegramId: BigInt(PARENT_RU) },
      create: { telegramId: BigInt(PARENT_RU), language: 'ru' },
      update: { language: 'ru' },
    });
    u.send('/calendar');
    const cal = await u.waitForBotMessage('После срока сдачи документов');
    expect(messageText(cal)).toContain('Сейчас открыт: После срока сдачи документов');
    expect(messageText(cal)).toContain('не меньше 5 рабочих дней');
  });

  it('the released family registers again with the wizard (Kyrgyz) and gets five working days', async () => {
    app.clock.set(bishkekTime('2026-09-18', '11:00')); // Friday
    const u = app.user(persona(PARENT_KY, 'ky'));
    u.send('/apply');
    await u.waitForBotMessage(
      (m) => messageText(m).includes('1-кадам') || /Асанов Бала/.test(messageText(m)),
    );
    u.press(/Асанов Бала/);
    await u.waitForBotMessage((m) => messageText(m).includes('2-кадам'));
    u.press(ky('wizard:confirm.yes'));
    await u.waitForBotMessage((m) => messageText(m).includes('3-кадам'));
    u.press(/^⭐ № 1 орто мектеби/);
    await u.waitForBotMessage((m) => messageText(m).includes('Окуу тилин'));
    u.press(/^кыргыз · бош: 2 \/ 2/); // the released seat is free again
    await u.waitForBotMessage((m) => messageText(m).includes('4-кадам'));
    u.press(ky('wizard:priority.none'));
    await u.waitForBotMessage((m) => messageText(m).includes('5-кадам'));
    u.shareContact();
    await u.waitForBotMessage((m) => messageText(m).includes('макулдук'));
    u.press(ky('wizard:consent.yes'));
    await u.waitForBotMessage((m) => messageText(m).includes('6-кадам'));
    u.press(ky('wizard:review.submit'));
    const result = await u.waitForBotMessage((m) => messageText(m).includes('Орун берилди'));
    // 21, 22, 23, 24, 25 September: due Friday 25 September, not the 15th that has passed
    expect(messageText(result)).toMatch(/25-сентябр\S* чейин мектепке алып барыңыз/);
    const rows = await app.database.db.application.findMany({
      where: { childPin: childPin(1) },
      orderBy: { id: 'asc' },
    });
    expect(rows.map((r) => r.status)).toEqual(['released', 'admitted']);
    expect(rows[1]).toMatchObject({ basis: 'free_seats', stageOrdinal: 5 });
    expect(rows[1]?.documentsDueAt).toEqual(bishkekTime('2026-09-25', '18:00'));
  });
});
