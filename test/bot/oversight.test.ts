// District and ministry through the Telegram simulator (K-CAMP-1, K-OVER-2, K-OVER-4): a ministry
// officer sets up the campaign from a file (a refused file with every problem's path; a change of an
// opened stage with a typed reason); a district officer opens the coverage counts and the list of
// children not placed and records follow-ups; parents file appeals from /status and /appeal, the
// school's director answers, the parent reads the answer and escalates — in Kyrgyz and Russian.
import { readFileSync } from 'node:fs';
import type { InlineKeyboardButton, Message } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeData, splitData } from '../../bot/features/oversight/common.ts';
import { catalogueKeys, translator } from '../../bot/i18n.ts';
import { bishkekTime } from '../../core/clock.ts';
import { type BotMessage, SimUser } from '../../sim/telegram/client.ts';
import { type OversightApp, startOversightApp } from '../support/oversight-harness.ts';

const ky = translator('ky');
const PARENT_RU = 5_210_000_001;
const PARENT_KY = 6_034_500_002;
const DIRECTOR = 7_001_200_004;
const DISTRICT = 5_550_300_005;
const MINISTRY = 6_900_400_006;

const SAMPLE = readFileSync(new URL('../../docs/campaign-2026-27.json', import.meta.url), 'utf8');
const buttonsOf = (m: BotMessage): InlineKeyboardButton[] =>
  (m as Message.CommonMessage).reply_markup?.inline_keyboard.flat() ?? [];
const dataOf = (m: BotMessage) =>
  buttonsOf(m).flatMap((b) => ('callback_data' in b && b.callback_data ? [b.callback_data] : []));

describe('oversight catalogues and payloads', () => {
  it('have the same keys in Kyrgyz, Russian and English', () => {
    const ky = catalogueKeys('ky', 'oversight');
    expect(catalogueKeys('ru', 'oversight')).toEqual(ky);
    expect(catalogueKeys('en', 'oversight')).toEqual(ky);
    expect(catalogueKeys('ru', 'notify')).toEqual(catalogueKeys('ky', 'notify'));
  });

  it('keep payloads within 64 bytes and refuse other prefixes', () => {
    expect(encodeData('cv', 'l', 'KG-GB-LEN-LONGER-DISTRICT-ID', 9999)).toBe(
      'cv|l|KG-GB-LEN-LONGER-DISTRICT-ID|9999',
    );
    expect(() => encodeData('ap', 'x'.repeat(70))).toThrow(/64 bytes/);
    expect(splitData('ap', 'ap|v|12')).toEqual(['v', '12']);
    expect(splitData('ap', 'cv|v|12')).toBeNull();
    expect(splitData('cp', `cp|${'y'.repeat(70)}`)).toBeNull();
  });
});

describe('district and ministry through the Telegram simulator', () => {
  let app: OversightApp;
  let ministry: SimUser;
  let district: SimUser;
  let director: SimUser;
  let parentKy: SimUser;
  let parentRu: SimUser;

  beforeAll(async () => {
    // 2 April 2026, stage I (catchment) open since 1 April
    app = await startOversightApp({ now: bishkekTime('2026-04-02', '11:00') });
    ministry = new SimUser(app.sim, MINISTRY);
    district = new SimUser(app.sim, DISTRICT);
    director = new SimUser(app.sim, DIRECTOR);
    parentKy = new SimUser(app.sim, PARENT_KY);
    parentRu = new SimUser(app.sim, PARENT_RU);
    await app.setLanguage(MINISTRY, 'ru');
    await app.setLanguage(DISTRICT, 'ky');
    await app.setLanguage(DIRECTOR, 'ky');
    await app.setLanguage(PARENT_KY, 'ky');
    await app.setLanguage(PARENT_RU, 'ru');
    await app.staff(MINISTRY, 'ministry');
    await app.staff(DISTRICT, 'district', 'KG-GB-LEN');
    await app.staff(DIRECTOR, 'director', app.codes[0]);
  }, 60_000);
  afterAll(() => app?.close());

  it('a ministry officer sees the campaign, and a file with problems is refused with their paths (Russian)', async () => {
    ministry.send('/campaign');
    const home = await ministry.waitForBotMessage('Кампания 2026-27');
    expect(home.text).toContain('по адресу регистрации (микроучасток)');
    expect(home.text).toContain('идёт сейчас');
    expect(home.text).toContain('Льготные категории: пока не записаны');

    const bad = JSON.parse(SAMPLE);
    bad.stages[1].opens = '2026-05-20T10:00';
    bad.cancellationLimit = 'три';
    await app.sendDocument(MINISTRY, JSON.stringify(bad), 'campaign.json');
    const refused = await ministry.waitForBotMessage('В файле ошибки');
    expect(refused.text).toContain('cancellationLimit');
    expect(await app.db.auditEvent.count({ where: { subject: 'campaign:2026-27' } })).toBe(0);
  });

  it('a change of the opened stage needs a typed reason; the officer applies it and it is audited (Russian)', async () => {
    const file = JSON.parse(SAMPLE);
    file.stages[0].closes = '2026-05-25T18:00';
    await app.sendDocument(MINISTRY, JSON.stringify(file), 'campaign-2026-27.json');
    const report = await ministry.waitForBotMessage('Напишите причину');
    expect(report.text).toContain('Файл без ошибок');
    expect(report.text).toMatch(/stage 1: .* ⚠️ уже действует/);
    ministry.send('Приказ министерства № 45: первый этап сокращён');
    const confirm = await ministry.waitForBotMessage('Применить файл?');
    expect(confirm.text).toContain('Приказ министерства № 45');
    ministry.press('✅ Применить');
    await ministry.waitForBotMessage('Кампания 2026-27: обновлена');
    const home = await ministry.waitForBotMessage('Льготные категории');
    expect(home.text).toContain('дети военнослужащих — R-15.2a');
    const stage = await app.db.stage.findFirstOrThrow({ where: { campaignId: '2026-27', ordinal: 1 } });
    expect(stage.closesAt).toEqual(bishkekTime('2026-05-25', '18:00'));
    const event = await app.db.auditEvent.findFirstOrThrow({
      where: { action: 'campaign.changed_after_opening' },
    });
    expect(event).toMatchObject({ actorKind: 'telegram', actorId: String(MINISTRY) });
    expect(event.details).toMatchObject({ reason: 'Приказ министерства № 45: первый этап сокращён' });
  });

  it('in Kyrgyz, the report names the problems too; a district officer may not set up the campaign', async () => {
    await app.setLanguage(MINISTRY, 'ky');
    const bad = JSON.parse(SAMPLE);
    bad.stages[2].closes = '2026-06-30T09:00';
    bad.stages[1].mode = 'window'; // not available yet: refused, not silently run as a queue (K-CAMP-4)
    await app.sendDocument(MINISTRY, JSON.stringify(bad), 'c.json');
    const refused = await ministry.waitForBotMessage('Файлда каталар бар');
    expect(refused.text).toContain('stages[2].closes');
    expect(refused.text).toContain('этап ачылганга чейин жабылат');
    expect(refused.text).toContain('stages[1].mode');
    expect(refused.text).toContain('терезе тартиби (жабылганда чүчү кулак) азырынча жок');
    district.send('/campaign');
    await district.waitForBotMessage('Бул сизге жеткиликсиз');
  });

  it('a district officer opens the coverage, the list with the nearest schools, and records follow-ups (Kyrgyz)', async () => {
    // two children of the census have applications with a seat and a place in line
    await app.decided(0, 900_001, 'admitted');
    await app.decided(1, 900_002, 'waitlisted');
    district.send('/coverage');
    const summary = await district.waitForBotMessage('Балдарды камтуу');
    expect(summary.text).toContain('тийиштүү курактагы балдар: 7');
    expect(summary.text).toMatch(/орун жок, кезекте да эмес: 5/);
    expect(summary.text).toMatch(/орун берилди: 1/);
    // the waitlisted child has no seat either: it is on the list (K-OVER-2, R-16.2, finding 7)
    expect(summary.text).toMatch(/кезекте: 1/);
    expect(summary.text).toMatch(/Жайгаштырыла электер \(кезекте тургандар менен кошо\): 6/);
    district.press(/Жайгаштырыла электер \(6\)/);
    const list = await district.waitForBotMessage('Жайгаштырыла электер — ');
    expect(list.text).toMatch(/Жайгаштырыла электер — .*: 6\. 2 беттин 1-бети/);
    expect(list.text).toMatch(/арыз: Кезекте/);
    expect(list.text).toMatch(/→ .*бош орун · микроучастоктун мектеби/);
    expect(dataOf(list).every((d) => Buffer.byteLength(d) <= 64 && !/\d{14}/.test(d))).toBe(true);
    district.press(/^1\. /);
    const child = await district.waitForBotMessage('Эмне жасалганын белгилеңиз');
    expect(child.text).toContain('Азыр: кезекте');
    district.press('🚚 Көчүп кетти');
    const after = await district.waitForBotMessage('Жазылды: көчүп кетти');
    // its application still waits: the district's note does not take it off the list
    expect(after.text).toContain('Жайгаштырыла электер калды: 6');
    district.press(/^1\. /);
    await district.waitForBotMessage('Эмне жасалганын белгилеңиз');
    district.press('✏️ Башка');
    await district.waitForBotMessage('Бала менен эмне болгонун жазыңыз');
    district.send('Ата-энеси чет өлкөдө, чоң энеси менен сүйлөштүк');
    const noted = await district.waitForBotMessage('Жазылды: башка');
    expect(noted.text).toContain('Жайгаштырыла электер калды: 6');
    expect(noted.text).toContain('Акыркы белги: башка');
    const fu = await app.db.coverageFollowUp.findMany({ orderBy: { id: 'asc' } });
    expect(fu.map((f) => f.outcome)).toEqual(['moved_away', 'other']);
    expect(fu[1]?.note).toBe('Ата-энеси чет өлкөдө, чоң энеси менен сүйлөштүк');
    // every child shown was logged as an access to personal data (K-CORE-5)
    expect(await app.db.accessLog.count({ where: { what: { startsWith: 'coverage.' } } })).toBeGreaterThan(5);
  });

  it('a forged coverage button for another district is refused by the core', async () => {
    await app.db.territory.create({
      data: {
        id: 'KG-GB-OKT',
        kind: 'city_district',
        parentId: 'KG-GB',
        nameKy: 'Октябрь',
        nameRu: 'Октябрьский',
        nameEn: 'Oktyabr',
      },
    });
    const before = app.sim.currentRev();
    app.sim.injectUpdate(
      {
        callback_query: {
          id: 'forged-1',
          from: { id: DISTRICT, is_bot: false, first_name: 'D' },
          chat_instance: 'x',
          data: encodeData('cv', 'l', 'KG-GB-OKT', 0),
          message: { message_id: 1, date: 0, chat: { id: DISTRICT, type: 'private', first_name: 'D' } },
        },
      } as never,
      DISTRICT,
    );
    await app.idle();
    await new Promise((r) => setTimeout(r, 200));
    await app.idle();
    const calls = app.sim.calls.filter(
      (c) => c.method.toLowerCase() === 'answercallbackquery' && c.params.callback_query_id === 'forged-1',
    );
    expect(JSON.stringify(calls)).toContain('жеткиликсиз');
    expect(app.sim.currentRev()).toBeGreaterThanOrEqual(before);
  });

  it('a Kyrgyz parent files an appeal from /status; the director answers; the parent reads it and escalates', async () => {
    const app1 = await app.decided(2, PARENT_KY, 'waitlisted');
    parentKy.send('/status');
    await parentKy.waitForBotMessage(app1.number);
    parentKy.press(ky('oversight:appeals.parent.button'));
    await parentKy.waitForBotMessage('кайрылууңузду бир билдирүү менен жазыңыз');
    parentKy.send('Биз микроучастокто жашайбыз, эмне үчүн күтүү тизмесиндебиз?');
    const filed = await parentKy.waitForBotMessage('Кайрылууңуз катталды');
    expect(filed.text).toMatch(/№ 2026-A00001/);
    // due in 14 working days: 2 April → 23 April (7 April is a holiday)
    expect(filed.text).toMatch(/23/);

    director.send('/appeals');
    const list = await director.waitForBotMessage(ky('oversight:appeals.staff.list').replace(/<\/?b>/g, ''));
    expect(list.text).toContain('2026-A00001');
    director.press(/2026-A00001/);
    const card = await director.waitForBotMessage('микроучастокто жашайбыз');
    expect(card.text).toContain('Тили: кыргыз тили');
    director.press('✍️ Жооп берүү');
    await director.waitForBotMessage('кайрылуунун тилинде — кыргыз тили');
    director.send('Биринчи этапта орундар толду; сиз кезекте экинчисиз.');
    await director.waitForBotMessage('ата-энеге жөнөтүлдү');

    await app.drain();
    const told = await parentKy.waitForBotMessage('кайрылууңузга жооп берилди');
    expect(told.text).toContain('2026-A00001');
    expect(told.text).not.toContain('{{');
    parentKy.send('/appeal');
    await parentKy.waitForBotMessage('Сиздин кайрылууларыңыз');
    parentKy.press(/2026-A00001/);
    const answered = await parentKy.waitForBotMessage('орундар толду');
    expect(answered.text).toContain('жооп берилди');
    parentKy.press(/Макул эмесмин/);
    await parentKy.waitForBotMessage('райондук билим берүү бөлүмүнө өткөрөсүзбү');
    parentKy.press('⬆️ Ооба, өткөрүү');
    const escalated = await parentKy.waitForBotMessage('Кайрылууңуз райондук билим берүү бөлүмүнө өткөрүлдү');
    expect(escalated.text).toContain('2026-A00001-2');

    district.send('/appeals');
    const dlist = await district.waitForBotMessage(ky('oversight:appeals.staff.list').replace(/<\/?b>/g, ''));
    expect(dlist.text).toContain('2026-A00001-2');
  });

  it('a Russian parent files an appeal from /appeal; the director answers in the language of the appeal', async () => {
    const app2 = await app.decided(3, PARENT_RU, 'rejected', 0);
    parentRu.send('/appeal');
    await parentRu.waitForBotMessage('Ваши обращения');
    parentRu.press('➕ Новое обращение');
    await parentRu.waitForBotMessage('Решение по какому заявлению');
    parentRu.press(new RegExp(app2.number));
    await parentRu.waitForBotMessage('Напишите обращение по заявлению');
    parentRu.send('x'.repeat(2001));
    await parentRu.waitForBotMessage('Слишком длинный текст');
    parentRu.send('Почему нам отказали? Все документы в порядке.');
    const filed = await parentRu.waitForBotMessage('Ваше обращение зарегистрировано');
    expect(filed.text).toContain('№ 2026-A00002');

    director.send('/appeals');
    await director.waitForBotMessage('2026-A00002');
    director.press(/2026-A00002/);
    const card = await director.waitForBotMessage('Почему нам отказали');
    expect(card.text).toContain('Тили: орус тили');
    director.press('✍️ Жооп берүү');
    await director.waitForBotMessage('кайрылуунун тилинде — орус тили');
    director.send('Отказ отменён, ребёнок принят.');
    await director.waitForBotMessage('ата-энеге жөнөтүлдү');
    await app.drain();
    await parentRu.waitForBotMessage('На ваше обращение № 2026-A00002 дан ответ');
    parentRu.send('/appeal');
    await parentRu.waitForBotMessage('Ваши обращения');
    parentRu.press(/2026-A00002/);
    await parentRu.waitForBotMessage('Отказ отменён');
    parentRu.press('✔️ Ответ меня устраивает');
    await parentRu.waitForBotMessage('Обращение № 2026-A00002 закрыто');
    expect(app.errors).toEqual([]);
    if (process.env.SHOW_CHAT)
      for (const u of [ministry, district, director, parentKy, parentRu])
        for (const m of u.botMessages()) console.log(`--- ${u.id}\n${m.text ?? ''}`);
  });
});
