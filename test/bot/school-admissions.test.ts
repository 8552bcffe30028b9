// The school admissions menu end to end through the Telegram simulator (K-SCHOOL-2/3/5/6, K-CORE-5):
// a director linked by invite opens /school in Kyrgyz, lists applications, shows the registry data
// (logged), ticks the six documents of R-14 — the parent receives the enrolment message in Kyrgyz —
// refuses another application with a typed reason (the next waitlisted child gets the seat), records a
// direct admission, keeps the staff register; forged buttons are refused; the parent asks /access.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { InlineKeyboardButton, Message } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAccess } from '../../bot/features/parent/access.ts';
import { type AdmissionsAction, decode, encode } from '../../bot/features/staff/admissions/callback.ts';
import { catalogueKeys, translator } from '../../bot/i18n.ts';
import { bishkekTime } from '../../core/clock.ts';
import { REQUIRED_DOCUMENTS } from '../../core/services/school/rules.ts';
import { type BotMessage, SimUser } from '../../sim/telegram/client.ts';
import { type AdmissionsApp, startAdmissionsApp } from '../support/admissions-harness.ts';
import { childPin } from '../support/registry-stub.ts';

const ky = translator('ky');
const DIRECTOR = 7_001_200_004;
const PARENT = 6_034_500_002;
const PARENT2 = 5_210_000_001;
const PARENT3 = 412_345_678;

const buttonsOf = (m: BotMessage): InlineKeyboardButton[] =>
  (m as Message.CommonMessage).reply_markup?.inline_keyboard.flat() ?? [];
const documentButtons = (m: BotMessage) => buttonsOf(m).filter((b) => /^(⬜|✅) /.test(b.text));

describe('admissions button payloads (sa|…, pa|…)', () => {
  const big = '9223372036854775807';
  const samples: AdmissionsAction[] = [
    { a: 'menu' },
    { a: 'list', ref: { status: 'waitlisted', language: 'ky', stage: 3, priority: 'kairylman', page: 9999 } },
    { a: 'list', ref: { status: null, language: null, stage: null, priority: null, page: 0 } },
    { a: 'card', app: big },
    { a: 'data', app: big },
    { a: 'doc', app: big, doc: 5, on: true },
    { a: 'refuse', app: big },
    { a: 'ground', app: big, ground: 'enrolled_elsewhere' },
    { a: 'refuse_yes', app: big },
    { a: 'prio', app: big, ok: false },
    { a: 'd_ground', ground: 'no_documents' },
    { a: 'd_lang', lang: 'tg' },
    { a: 'd_pmpk', id: 2_147_483_647, on: true },
    { a: 'd_withdraw_yes', id: 1 },
    { a: 'r_end_yes', id: 7 },
    { a: 'u_status', id: 3, status: 'closed' },
  ];

  it('round-trips every kind within 64 bytes', () => {
    for (const x of samples) {
      const data = encode(x);
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
      expect(data.startsWith('sa|')).toBe(true);
      expect(decode(data)).toEqual(x);
    }
  });

  it('refuses forged, stale and malformed payloads, and never throws', () => {
    for (const bad of [
      'sa|d|1|6|1', // a seventh document
      'sa|d|1|-1|1',
      'sa|d|0|1|1',
      'sa|c|abc',
      'sa|c|1|2',
      'sa|xg|1|9',
      'sa|l|draft|*|*|*|0', // drafts are not the school's
      'sa|l|*|fr|*|*|0',
      'sa|dl|xx',
      'sa|zz',
      'w|card|1',
      `sa|c|${'9'.repeat(70)}`,
    ])
      expect(decode(bad), bad).toBeNull();
    expect(decodeAccess('pa|12')).toEqual({ app: '12' });
    expect(decodeAccess('pa|12|3')).toBeNull();
    expect(decodeAccess('pa|x')).toBeNull();
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const a = decode(`sa|${s}`);
        if (a) expect(decode(encode(a))).toEqual(a);
        decodeAccess(`pa|${s}`);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('school admissions through the Telegram simulator', () => {
  let app: AdmissionsApp;
  let director: SimUser;
  let parent: SimUser;
  let parent2: SimUser;
  let parent3: SimUser;
  let A: Awaited<ReturnType<AdmissionsApp['apply']>>;
  let B: Awaited<ReturnType<AdmissionsApp['apply']>>;
  let C: Awaited<ReturnType<AdmissionsApp['apply']>>;

  beforeAll(async () => {
    app = await startAdmissionsApp({ seats: { '10001:ky': 2, '10001:ru': 2 } });
    director = new SimUser(app.sim, DIRECTOR);
    parent = new SimUser(app.sim, PARENT);
    parent2 = new SimUser(app.sim, PARENT2);
    parent3 = new SimUser(app.sim, PARENT3);
    for (const id of [DIRECTOR, PARENT, PARENT2, PARENT3]) await app.setLanguage(id, 'ky');
    // parents have talked to the bot before (a bot cannot start a chat)
    for (const p of [parent, parent2, parent3]) {
      p.send('/access');
      await p.waitForBotMessage('арыз жок');
    }
    A = await app.apply(1, 1, PARENT);
    B = await app.apply(2, 1, PARENT2);
    C = await app.apply(3, 1, PARENT3);
  }, 120_000);
  afterAll(() => app?.close());

  it('has the school catalogue in Kyrgyz, Russian and English with the same keys, and exactly the six documents', () => {
    const ky = catalogueKeys('ky', 'school');
    expect(catalogueKeys('ru', 'school')).toEqual(ky);
    expect(catalogueKeys('en', 'school')).toEqual(ky);
    for (const lang of ['ky', 'ru', 'en']) {
      const cat = JSON.parse(
        readFileSync(new URL(`../../locales/${lang}/school.json`, import.meta.url), 'utf8'),
      );
      expect(Object.keys(cat.documents)).toEqual([...REQUIRED_DOCUMENTS]);
    }
    expect([A.outcome, B.outcome, C.outcome]).toEqual(['admitted', 'admitted', 'waitlisted']);
  });

  it('a parent without a staff link is told what /school is for', async () => {
    parent.send('/school');
    await parent.waitForBotMessage('чакыруу аркылуу байланган мектеп кызматкерлери');
  });

  it('links a director by invite, who opens the menu in Kyrgyz', async () => {
    const invite = await app.identity.createStaffInvite({
      role: 'director',
      scope: app.codes[0] as string,
      createdBy: { kind: 'cli', id: 'test' },
    });
    if (!invite.ok) throw new Error(invite.reason);
    director.start(invite.payload);
    await director.waitForBotMessage('Кош келиңиз');
    director.send('/school');
    const menu = await director.waitForBotMessage('Арыздар:');
    expect(menu.text).toContain('№ 1 орто мектеби');
    expect(menu.text).toContain('мектеп директору');
    expect(menu.text).toContain(ky('school:menu.seats', { language: 'кыргыз', seats: 2, taken: 2 }));
  });

  it('lists, opens a card, shows the registry data (logged) and enrols on the sixth document; the parent is told in Kyrgyz', async () => {
    director.press('📋 Арыздар');
    const list = await director.waitForBotMessage('Табылды: 3');
    expect(list.text).toContain('көрүүлөр журналына жазылат');
    director.press((b) => b.text.includes(A.number));
    let card = await director.waitForBotMessage(`№ ${A.number} арыз`);
    // the checklist offers exactly the six documents of R-14, nothing else
    expect(documentButtons(card)).toHaveLength(6);
    expect(
      buttonsOf(card)
        .map((b) => b.text)
        .join(' '),
    ).not.toMatch(/тест|маек|сынак|экзамен|башка документ/i);

    director.press('🔍 Реестрдеги маалыматтарды көрсөтүү');
    const data = await director.waitForBotMessage('Реестрдеги маалыматтар');
    expect(data.text).toContain(childPin(1));
    expect(data.text).toContain('журналга жазылды');
    director.press('⬅️ Арызга кайтуу');
    card = await director.waitForBotMessage(`№ ${A.number} арыз`);

    // on 2 April the documents are not received yet: the director is told when that starts, and
    // nothing is ticked (R-13.2: documents from 1 August; finding 6)
    const early = director.press(
      (documentButtons(card).find((b) => b.text.startsWith('⬜')) as { text: string }).text,
      card,
    );
    const refused = await director.waitForCallbackAnswer(early.callbackQueryId as string);
    expect(refused.text).toMatch(/Документтерди кабыл алуунун башталышы: .*2026/);
    expect(await app.db.documentReceipt.count({ where: { applicationId: BigInt(A.id) } })).toBe(0);

    const april = app.clock.now();
    app.clock.set(bishkekTime('2026-08-03', '10:00'));
    for (let i = 0; i < REQUIRED_DOCUMENTS.length; i++) {
      const next = documentButtons(card).find((b) => b.text.startsWith('⬜'));
      if (!next) throw new Error('no unticked document left');
      const pressed = director.press(next.text, card);
      const answer = await director.waitForCallbackAnswer(pressed.callbackQueryId as string);
      expect(answer.text).toMatch(i < 5 ? /^Кабыл алынды:/ : /ата-энеге билдирүү жөнөтүлдү/);
      if (i < 5)
        card = await director.waitForBotMessage(
          (m) => documentButtons(m).filter((b) => b.text.startsWith('✅')).length === i + 1,
        );
    }
    await director.waitForBotMessage('документтин баары кабыл алынды: бала мектепке кабыл алынды');
    const a = await app.db.application.findUniqueOrThrow({ where: { id: BigInt(A.id) } });
    expect(a.status).toBe('enrolled');

    await app.drain();
    const told = await parent.waitForBotMessage('Балаңыз 1-класска кабыл алынды');
    expect(told.text).toContain(A.number);
    expect(told.text).toContain('№ 1 орто мектеби');
    app.clock.set(april);

    const log = await app.db.accessLog.findMany({ where: { applicationId: BigInt(A.id) } });
    const what = new Set(log.map((r) => r.what));
    expect(what).toEqual(new Set(['list', 'card', 'registry_data']));
    expect(log.every((r) => r.role === 'director' && r.telegramId === BigInt(DIRECTOR))).toBe(true);
  });

  it('shows the parent who looked at the child’s data (/access), without names', async () => {
    parent.send('/access');
    const seen = await parent.waitForBotMessage('Балаңыздын маалыматтарын ким карады');
    expect(seen.text).toContain(A.number);
    expect(seen.text).toContain('мектеп директору');
    expect(seen.text).toContain('№ 1 орто мектеби');
    expect(seen.text).toContain('реестрдеги маалыматтар');
    expect(seen.text).not.toContain('Нургүл');
    // a parent whose child nobody looked at is told so
    parent3.send('/access');
    await parent3.waitForBotMessage(/ким карады|эч ким караган жок/);
  });

  it('finds by a typed number, refuses with a typed reason; the parent is told and the next child gets the seat', async () => {
    director.send('/school');
    await director.waitForBotMessage('Арыздар:');
    director.press('🔎 Номер боюнча табуу');
    await director.waitForBotMessage('Арыздын номерин жазыңыз');
    director.send('бир эки үч');
    await director.waitForBotMessage('Арыздын номерин жазыңыз, мисалы');
    director.send(String(Number(B.number.split('-')[1])));
    await director.waitForBotMessage(`№ ${B.number} арыз`);
    director.press('⛔ Кабыл алуудан баш тартуу');
    await director.waitForBotMessage('Негизин тандаңыз');
    director.press('Ата-эне ордунан баш тартты');
    await director.waitForBotMessage('ата-эне окуй турган түшүндүрмөнү');
    director.send('жок');
    await director.waitForBotMessage('Түшүндүрмө 5–500 белгиден');
    director.send('Үй-бүлө Ош шаарына көчүп кетти.');
    await director.waitForBotMessage('четке кагасызбы?');
    director.press('⛔ Ооба, четке кагуу');
    await director.waitForBotMessage(`№ ${B.number} арыз четке кагылды`);

    await app.drain();
    const refused = await parent2.waitForBotMessage('Мектеп арызды четке какты');
    expect(refused.text).toContain('ата-эне бул мектептеги ордунан баш тартты');
    await parent3.waitForBotMessage('Орун бошоду');
    expect((await app.db.application.findUniqueOrThrow({ where: { id: BigInt(C.id) } })).status).toBe(
      'admitted',
    );
  });

  it('refuses forged and malformed buttons: another school’s application, a seventh document, a parent pressing staff buttons', async () => {
    const other = await app.apply(21, 2, 9_000_000_021);
    const card = director.lastBotMessage() as BotMessage;
    const forge = (user: SimUser, data: string) => {
      const id = `forged-${data}-${user.id}`;
      app.sim.injectUpdate(
        {
          callback_query: {
            id,
            from: app.sim.userOf(user.persona),
            chat_instance: String(user.chatId),
            message: card as Message,
            data,
          },
        } as never,
        user.chatId,
      );
      return id;
    };
    const answerOf = async (id: string): Promise<string> => {
      for (let i = 0; i < 100; i++) {
        const call = app.sim.calls.find(
          (c) =>
            c.method === 'answerCallbackQuery' &&
            (c.params as { callback_query_id?: string }).callback_query_id === id,
        );
        if (call) return (call.params as { text?: string }).text ?? '';
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no answer to ${id}`);
    };
    expect(await answerOf(forge(director, `sa|d|${other.id}|0|1`))).toContain(
      'Сиздин мектептен табылган жок',
    );
    expect(await app.db.documentReceipt.count({ where: { applicationId: BigInt(other.id) } })).toBe(0);
    expect(await answerOf(forge(director, `sa|d|${C.id}|6|1`))).not.toBe('');
    expect(await app.db.documentReceipt.count({ where: { applicationId: BigInt(C.id) } })).toBe(0);
    expect(await answerOf(forge(parent, 'sa|m'))).toContain('уруксат бербейт');
  });

  it('records a direct admission by a short typed flow and refuses one when the quota is full', async () => {
    director.send('/school');
    await director.waitForBotMessage('Арыздар:');
    director.press('📝 Түз кабыл алуу');
    await director.waitForBotMessage('Онлайн каттоодон тышкары');
    director.press('➕ Жаңы түз кабыл алуу');
    await director.waitForBotMessage('кандай негизде');
    director.press(ky('school:direct.grounds.commission'));
    await director.waitForBotMessage('Окутуу тили?');
    director.press('орус');
    await director.waitForBotMessage('фамилиясын жана атын');
    director.send('<b>');
    await director.waitForBotMessage('Атын тамгалар менен жазыңыз');
    director.send('Асанов Бакыт');
    await director.waitForBotMessage('документтин номерин жазыңыз');
    director.send('№ 45/2026');
    await director.waitForBotMessage('Түз кабыл алууну жазасызбы?');
    director.press('✅ Жазуу');
    await director.waitForBotMessage('Жазылды: Асанов Бакыт');
    await director.waitForBotMessage('Онлайн каттоодон тышкары');
    expect(
      (await app.db.quota.findFirstOrThrow({ where: { schoolId: app.schools[0]?.id, language: 'ru' } }))
        .taken,
    ).toBe(1);

    // Kyrgyz is full (one enrolled, one admitted from the waiting list)
    director.press('➕ Жаңы түз кабыл алуу');
    await director.waitForBotMessage('кандай негизде');
    director.press('Каттоо курагынан улуу');
    await director.waitForBotMessage('Окутуу тили?');
    director.press('кыргыз');
    await director.waitForBotMessage('фамилиясын жана атын');
    director.send('Токтогулова Айгерим');
    await director.waitForBotMessage('документтин номерин жазыңыз');
    director.send('12-345');
    await director.waitForBotMessage('Түз кабыл алууну жазасызбы?');
    const save = director.press('✅ Жазуу');
    const full = await director.waitForCallbackAnswer(save.callbackQueryId as string);
    expect(full.text).toContain('бош орун калган жок');
  });

  it('keeps the staff register: the director adds a person by PIN, position and date', async () => {
    director.send('/school');
    await director.waitForBotMessage('Арыздар:');
    director.press('👥 Штаттык реестр');
    await director.waitForBotMessage('Реестр бош');
    director.press('➕ Кызматкер кошуу');
    await director.waitForBotMessage(ky('school:register.ask_pin'));
    director.send('12345');
    await director.waitForBotMessage(ky('school:errors.bad_input.pin'));
    director.send('1 01011985 00077');
    await director.waitForBotMessage('Кызмат ордун жазыңыз');
    director.send('Мугалим');
    await director.waitForBotMessage('качантан бери иштейт');
    director.send('01.09.2020');
    await director.waitForBotMessage('Кошулду: …077, Мугалим.');
    const reg = await director.waitForBotMessage('Штаттык реестр');
    expect(reg.text).toContain('✅ …077 — Мугалим');
  });

  it('answered every update without an error', () => {
    expect(app.errors).toEqual([]);
  });
});
