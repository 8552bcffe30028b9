// The public school finder end to end: the real bot, polling the Telegram simulator over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';

describe('public features through the Telegram simulator', () => {
  let app: TestApp;
  let bishkekSchool: { code: string; nameKy: string; nameRu: string };
  beforeAll(async () => {
    app = await startTestApp();
    const s = await app.db.school.findFirstOrThrow({
      where: {
        districtId: { startsWith: 'KG-GB-' },
        participates: true,
        special: false,
        quotas: { some: {} },
      },
      orderBy: { code: 'asc' },
    });
    bishkekSchool = { code: s.code, nameKy: s.nameKy, nameRu: s.nameRu };
  }, 120_000);
  afterAll(() => app.close());

  it('registers its commands in Kyrgyz (default), Russian and English', () => {
    const sim = app.sim;
    const ky = sim.commandsFor(1).map((c) => c.description);
    expect(ky).toContain('Мектеп табуу жана бош орундар');
    expect(sim.commandsFor(1, 'ru').map((c) => c.command)).toEqual([
      'start',
      'apply',
      'status',
      'schools',
      'calendar',
      'mydata',
      'access',
      'appeal',
      'opendata',
      'privacy',
      'language',
      'help',
    ]);
    expect(sim.commandsFor(1, 'ru')[3]?.description).toBe('Найти школу и свободные места');
  });

  it('finds a school in Kyrgyz: language, region, district, filters, card', async () => {
    const u = app.user(1);
    u.start();
    await u.waitForBotMessage('Тилди тандаңыз');
    u.press('Кыргызча');
    await u.waitForBotMessage('1-класска каттоого');
    u.press('🏫 Мектеп табуу');
    await u.waitForBotMessage('Облусту же шаарды тандаңыз');
    u.press('Бишкек шаары');
    await u.waitForBotMessage('Районду тандаңыз');
    u.press(/Ленин/);
    const list = await u.waitForBotMessage(/мектеп табылды/);
    expect(list.text).toMatch(/Ленин/);
    u.press(/Бош орун барлар гана/);
    const filtered = await u.waitForBotMessage('Бош орду бар мектептер гана көрсөтүлдү');
    const first = u.buttons(filtered).find((b) => /бош: \d+/.test(b));
    expect(first).toBeDefined();
    u.press(first as string);
    const card = await u.waitForBotMessage('Коду:');
    expect(card.text).toMatch(/1-класска орундар/);
    expect(card.text).toMatch(/тилинде: \d+ \/ \d+ \/ \d+/);
    // the choice is remembered: the next /start goes straight to the menu
    u.start();
    await u.waitForBotMessage('1-класска каттоого');
  });

  it('finds a school in Russian by typing its code or part of its name', async () => {
    const u = app.user(2);
    u.start();
    await u.waitForBotMessage('Выберите язык');
    u.press('Русский');
    await u.waitForBotMessage('помощник записи');
    u.send(`/schools ${bishkekSchool.code}`);
    const card = await u.waitForBotMessage(`Код: ${bishkekSchool.code}`);
    expect(card.text).toContain(bishkekSchool.nameRu);
    expect(card.text).toMatch(/Места в 1-й класс/);
    u.press('🔎 Поиск по названию или коду');
    await u.waitForBotMessage('Напишите название школы');
    u.send(bishkekSchool.nameRu.split(' ').slice(-2).join(' '));
    const results = await u.waitForBotMessage(/Школы по запросу|Код:/);
    expect(results.text).toMatch(/Найден|Код:/);
  });

  it('opens a school’s card from its poster’s deep link (school_<code>)', async () => {
    const u = app.user(3);
    u.start(`school_${bishkekSchool.code}`);
    const card = await u.waitForBotMessage(/Код:|Коду:|Code:/);
    expect(card.text).toContain(bishkekSchool.code);
    u.start('school_99999999');
    await u.waitForBotMessage(/не найдена|табылган жок|No school/);
  });

  it('shows an approved quota change publicly on the school card, with its reason (K-SEAT-1)', async () => {
    const school = await app.db.school.findUniqueOrThrow({ where: { code: bishkekSchool.code } });
    await app.db.quotaChange.create({
      data: {
        schoolId: school.id,
        campaignId: '2026-27',
        language: 'ky',
        fromSeats: 50,
        toSeats: 75,
        classSize: 25,
        reason: 'жаңы корпус ачылды',
        status: 'approved',
        requestedBy: 1,
        decidedBy: 2,
        decidedAt: new Date(),
      },
    });
    const u = app.user(3);
    u.start(`school_${bishkekSchool.code}`);
    const card = await u.waitForBotMessage(/Квотанын өзгөрүүлөрү|Изменения квот|Quota changes/);
    expect(card.text).toMatch(/50 → 75/);
    expect(card.text).toContain('жаңы корпус ачылды');
  });

  it('shows the calendar with the stage open now (demo clock)', async () => {
    const u = app.user(1);
    u.send('/calendar');
    const cal = await u.waitForBotMessage('2026/27');
    expect(cal.text).toContain('1-этап: катталган дарек боюнча');
    expect(cal.text).toContain('Азыр ачык');
    expect(cal.text).toMatch(/2019/);
  });

  it('answers a redelivered update once (K-CORE-3)', async () => {
    const u = app.user(4);
    const sent = u.send('/help');
    await u.waitForBotMessage(/Каттоо эмне кылат|Что умеет|What Kattoo/);
    const before = app.sim.chatMessages(u.chatId).filter((m) => m.fromBot).length;
    const update = app.sim.pendingUpdates().length; // nothing pending now
    expect(update).toBe(0);
    const delivered = [...app.sim.calls]
      .reverse()
      .find(
        (c) =>
          c.method === 'getUpdates' &&
          Array.isArray(c.result) &&
          (c.result as { message?: { message_id: number } }[]).some(
            (x) => x.message?.message_id === sent.message_id,
          ),
      );
    const updateId = (
      (delivered?.result ?? []) as { update_id: number; message?: { message_id: number } }[]
    ).find((x) => x.message?.message_id === sent.message_id)?.update_id;
    expect(updateId).toBeDefined();
    app.sim.redeliver(updateId as number);
    await new Promise((r) => setTimeout(r, 1500));
    await app.dispatcher.idle();
    const after = app.sim.chatMessages(u.chatId).filter((m) => m.fromBot).length;
    expect(after).toBe(before);
  });

  it('answers random text, emoji, a 5,000-character message and an unknown command helpfully', async () => {
    const u = app.user(1);
    u.send('asdf qwerty');
    await u.waitForBotMessage('түшүнгөн жокмун');
    u.send('😀🎉');
    await u.waitForBotMessage('түшүнгөн жокмун');
    u.send('я'.repeat(4096));
    await u.waitForBotMessage('Билдирүү өтө узун');
    u.send('/frobnicate');
    const reply = await u.waitForBotMessage('Мындай буйрук жок');
    expect(reply.text).toContain('/schools');
  });
});
