// The registration wizard and /status driven through the Telegram simulator over HTTP (issue 4): a
// parent registers a child end to end in Kyrgyz (admitted) and in Russian (waitlisted, with the place
// in line), a double-tapped Submit makes one application, a wrong certificate is named and retried,
// bad input at every step leaves the step unchanged, a draft is kept before opening and submitted at
// opening, /status shows the history, withdrawal frees the seat for the next child in line, and a
// change of school moves the child while keeping the seat until then.
import type { Message } from 'grammy/types';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWizard, encodeWizard } from '../../bot/features/parent/wizard/callback.ts';
import { day, positionText } from '../../bot/features/parent/wizard/text.ts';
import { formatWhen, onDay } from '../../bot/format/dates.ts';
import { catalogueKeys, translator } from '../../bot/i18n.ts';
import { bishkekTime } from '../../core/clock.ts';
import { generateDemoWorld } from '../../prisma/demo/world.ts';
import { demoPopulationRows } from '../../sim/registry/demo-population.ts';
import { type BotMessage, messageText, type SimUser } from '../../sim/telegram/client.ts';
import type { Persona } from '../../sim/telegram/personas.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { childPin, parentPin, type StubChild } from '../support/registry-stub.ts';
import { addressOf, STAGE1_OPEN, STAGE3_OPEN } from '../support/small-world.ts';
import { startWizardApp, type WizardApp } from '../support/wizard-app.ts';

const ky = translator('ky');
const ru = translator('ru');
const en = translator('en');

const persona = (id: number, languageCode: string, firstName = 'Ата-эне'): Persona => ({
  id,
  firstName,
  languageCode,
  phone: `+996 700 555 0${String(id % 100).padStart(2, '0')}`,
  role: 'parent',
});

// families: parent n ↔ child n; children 1–9 live in school 10001's catchment (Көчө 1)
const children: StubChild[] = [];
for (let i = 1; i <= 9; i++) {
  children.push({
    pin: childPin(i),
    series: 'KG',
    number: String(100000 + i),
    parents: [parentPin(i)],
    address: addressOf(1, String(10 + i)),
  });
}
// child 10 lives in school 10002's catchment
children.push({
  pin: childPin(10),
  series: 'KG',
  number: '100010',
  parents: [parentPin(10)],
  address: addressOf(2, '5'),
});

// children 11 and 12 live in school 10001's catchment too (registry outage, stage III)
for (const i of [11, 12]) {
  children.push({
    pin: childPin(i),
    series: 'KG',
    number: String(100000 + i),
    parents: [parentPin(i)],
    address: addressOf(1, String(i)),
  });
}

/** Waits for a bot message (new or edited) after `rev` that satisfies `test`. */
async function botAfter(app: WizardApp, chatId: number, rev: number, test: (m: BotMessage) => boolean) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const m = app.sim
      .chatMessages(chatId)
      .filter((x) => x.fromBot && x.rev > rev)
      .map((x) => x.message as BotMessage)
      .find(test);
    if (m) return m;
    if (Date.now() > deadline) {
      const last = app.sim.chatMessages(chatId).at(-1);
      throw new Error(`no bot message; last: ${last ? messageText(last.message).slice(0, 300) : '-'}`);
    }
    await new Promise((r) => setTimeout(r, 15));
  }
}

const has = (s: string | RegExp) => (m: BotMessage) =>
  typeof s === 'string' ? messageText(m).includes(s) : s.test(messageText(m));

describe('registration wizard and /status through the Telegram simulator', () => {
  let app: WizardApp;

  // sessions in Redis when REDIS_URL is set (as in production), else in-process
  const redis = process.env.REDIS_URL ? new Redis(process.env.REDIS_URL) : undefined;
  let registryDown = false;

  beforeAll(async () => {
    app = await startWizardApp({
      children,
      seats: { '10001:ru': 1, '10003:ky': 1 },
      registryDown: () => registryDown,
      ...(redis ? { redis } : {}),
    });
  });
  afterAll(async () => {
    // WIZARD_TRANSCRIPT=1 prints every conversation, to read the wording as a parent sees it
    if (process.env.WIZARD_TRANSCRIPT && app) {
      for (const p of app.sim.personas().filter((x) => x.id >= 900_000_000)) {
        const lines = app.sim.chatMessages(p.id).map((m) => {
          const buttons = ((m.message as Message.CommonMessage).reply_markup?.inline_keyboard ?? [])
            .map((r) => r.map((b) => `[${b.text}]`).join(' '))
            .join('\n    ');
          const who = m.fromBot ? 'BOT' : 'USER';
          const text = messageText(m.message) || JSON.stringify(Object.keys(m.message));
          return `${who}: ${text.slice(0, 600)}${buttons ? `\n    ${buttons}` : ''}`;
        });
        console.log(`===== ${p.id} (${p.languageCode})\n${lines.join('\n')}`);
      }
    }
    await app?.close();
    await redis?.quit();
  });

  async function quota(code: string, language: 'ky' | 'ru') {
    const s = await app.database.db.school.findUniqueOrThrow({ where: { code } });
    return app.database.db.quota.findUniqueOrThrow({
      where: { schoolId_campaignId_language: { schoolId: s.id, campaignId: '2026-27', language } },
    });
  }

  async function linkedUser(id: number, lang: string, parent: number): Promise<SimUser> {
    await app.link(id, parentPin(parent));
    return app.user(persona(id, lang));
  }

  it('has the same wizard catalogue keys in Kyrgyz, Russian and English, and ≤ 64-byte ASCII payloads', () => {
    const keys = catalogueKeys('ky', 'wizard');
    expect(catalogueKeys('ru', 'wizard')).toEqual(keys);
    expect(catalogueKeys('en', 'wizard')).toEqual(keys);
    expect(ky('wizard:status.admitted')).toBe('Орун берилди');
    expect(ky('wizard:status.waitlisted')).toBe('Кезекте'); // one word for the line: кезек (docs/glossary-review.md)
    const long = encodeWizard({
      a: 'lang',
      mode: 's',
      app: '9223372036854775807',
      code: 'ABCDEFGHIJKLMNOPQRSTUVWX',
      lang: 'ky',
    });
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(64);
    expect(decodeWizard(long)).toMatchObject({ a: 'lang', mode: 's', code: 'ABCDEFGHIJKLMNOPQRSTUVWX' });
    for (const forged of ['w|sub|abc', 'w|sub|1|2', 'w|g|nowhere|1', 'w|k|99', 'w|lg|a|1|X|fr', 'w|zz', 'w'])
      expect(decodeWizard(forged)).toBeNull();
  });

  it('tells a parent who is not signed in to sign in first', async () => {
    const u = app.user(persona(900_000_099, 'en'));
    u.send('/apply');
    const m = await u.waitForBotMessage(has('/mydata'));
    expect(messageText(m)).toContain('state sign-in');
  });

  it('a parent registers a child end to end in Kyrgyz and gets a seat', async () => {
    const u = await linkedUser(900_000_001, 'ky', 1);
    u.send('/apply');
    await u.waitForBotMessage(has(ky('wizard:child.title').replace(/<[^>]+>/g, '')));
    u.press(/Асанов Бала/);
    const confirm = await u.waitForBotMessage(has('2-кадам'));
    expect(messageText(confirm)).toContain('Бишкек, Көчө 1, 11');
    expect(messageText(confirm)).toContain('эркек бала');
    u.press(ky('wizard:confirm.yes'));
    const schools = await u.waitForBotMessage(has('3-кадам'));
    expect(u.buttons(schools)[0]).toMatch(/^⭐ № 1 орто мектеби · 10001 · бош: 3/);
    u.press(/^⭐ № 1 орто мектеби/);
    await u.waitForBotMessage(has('Окуу тилин'));
    u.press(/^кыргыз · бош: 2 \/ 2/);
    await u.waitForBotMessage(has('4-кадам'));
    u.press(ky('wizard:priority.none'));
    const phone = await u.waitForBotMessage(has('5-кадам'));
    expect(phone).toBeDefined();
    expect(u.keyboard().flat()).toContain('📱 Номеримди жөнөтүү');
    u.pressKeyboard('📱 Номеримди жөнөтүү');
    await u.waitForBotMessage(has('Телефон сакталды: +996700555001'));
    expect(u.keyboard()).toEqual([]);
    await u.waitForBotMessage(has('макулдук'));
    u.press(ky('wizard:consent.yes'));
    const review = await u.waitForBotMessage(has('6-кадам'));
    expect(messageText(review)).toContain('микроучастогуңуздагы мектеп');
    expect(messageText(review)).toContain('Азыр ачык');
    const pressed = u.press(ky('wizard:review.submit'));
    // the decision comes first in the button's own answer (not counted against 30 messages/s)
    const answer = await u.waitForCallbackAnswer(pressed.callbackQueryId as string);
    expect(answer.text).toMatch(/^✅ Орун берилди — № \d{4}-\d+/);
    const result = await u.waitForBotMessage(has('Орун берилди'));
    expect(messageText(result)).toContain('3×4');
    expect(messageText(result)).toContain('нотариалдык');
    const rows = await app.database.db.application.findMany({ where: { childPin: childPin(1) } });
    expect(rows).toHaveLength(1);
    // the deadline in the dative its «чейин» needs («…15-сентябрга чейин»), the Regulation named, no rule id
    const due = rows[0]?.documentsDueAt as Date;
    expect(messageText(result)).toContain(`${formatWhen(onDay(due), 'ky', 'dative')} чейин`);
    expect(messageText(result)).toMatch(
      /-(январ|феврал|апрел|июн|июл|сентябр|октябр|ноябр|декабр|май)(га|ге) чейин|-(март|август)ка чейин/u,
    );
    expect(messageText(result)).toContain('Жобонун 14-пункту');
    expect(messageText(result)).not.toMatch(/R-\d/);
    expect(rows[0]?.status).toBe('admitted');
    expect((await quota('10001', 'ky')).taken).toBe(1);
  });

  it('another parent registers in Russian by typing the PIN, and waits in line with the place shown', async () => {
    // the only Russian seat of school 10001 is already held by child 3
    const holder = await linkedUser(900_000_003, 'ru', 3);
    const d = await app.applications.createDraft({
      telegramId: holder.id,
      applicantPin: parentPin(3),
      childPin: childPin(3),
      certificateSeries: 'KG',
      certificateNumber: '100003',
    });
    await app.applications.chooseSchool(d.id, holder.id, '10001', 'ru');
    await app.applications.setContact(d.id, holder.id, '0700 000 003', true);
    expect((await app.applications.submit(d.id, holder.id)).outcome).toBe('admitted');

    const u = await linkedUser(900_000_002, 'ru', 2);
    u.send('/apply');
    await u.waitForBotMessage(has('шаг 1'));
    u.press(ru('wizard:child.other'));
    await u.waitForBotMessage(has('ПИН'));
    u.send('2 15062019 00002');
    await u.waitForBotMessage(has('серию и номер'));
    u.send('KG № 100002');
    await u.waitForBotMessage(has('Шаг 2'));
    u.press(ru('wizard:confirm.yes'));
    await u.waitForBotMessage(has('Шаг 3'));
    u.press(ru('wizard:school.search'));
    await u.waitForBotMessage(has('Введите название школы'));
    u.send('Средняя школа № 1');
    await u.waitForBotMessage(has('Найдена 1 школа'));
    u.press(/^Средняя школа № 1 · 10001/);
    await u.waitForBotMessage(has('язык обучения'));
    u.press(/^русский · свободно: 0 \/ 1/);
    await u.waitForBotMessage(has('Шаг 4'));
    u.press(ru('wizard:priority.none'));
    await u.waitForBotMessage(has('Шаг 5'));
    u.send('0555 123 456');
    await u.waitForBotMessage(has('Телефон сохранён: +996555123456'));
    await u.waitForBotMessage(has('Согласие'));
    u.press(ru('wizard:consent.yes'));
    await u.waitForBotMessage(has('Шаг 6'));
    u.press(ru('wizard:review.submit'));
    const result = await u.waitForBotMessage(has(ru('wizard:status.waitlisted')));
    expect(messageText(result)).toContain('1-й из 1 в очереди на 1 место');
    const row = await app.database.db.application.findFirstOrThrow({ where: { childPin: childPin(2) } });
    expect(row.status).toBe('waitlisted');
  });

  it('names the wrong field of the birth certificate and lets the parent try again', async () => {
    const u = await linkedUser(900_000_004, 'ru', 4);
    u.send('/apply');
    await u.waitForBotMessage(has('шаг 1'));
    u.press(ru('wizard:child.other'));
    await u.waitForBotMessage(has('ПИН'));
    u.send('21506201900004');
    await u.waitForBotMessage(has('серию и номер'));
    u.send('KG 999999');
    const wrongNumber = await u.waitForBotMessage(has('не совпадает'));
    expect(messageText(wrongNumber)).toContain('Номер свидетельства');
    expect(messageText(wrongNumber)).toContain('серию и номер');
    u.send('AB 100004');
    const wrongSeries = await u.waitForBotMessage(has('не совпадает'));
    expect(messageText(wrongSeries)).toContain('Серия');
    u.send('kg-100004');
    await u.waitForBotMessage(has('Шаг 2'));
    expect(await app.database.db.application.count({ where: { childPin: childPin(4) } })).toBe(1);
  });

  it('makes one application of a double-tapped Submit', async () => {
    const u = await linkedUser(900_000_005, 'ru', 5);
    const d = await app.applications.createDraft({
      telegramId: u.id,
      applicantPin: parentPin(5),
      childPin: childPin(5),
      certificateSeries: 'KG',
      certificateNumber: '100005',
    });
    await app.applications.chooseSchool(d.id, u.id, '10001', 'ky');
    await app.applications.setContact(d.id, u.id, '+996 700 000 005', true);
    u.send('/apply');
    await u.waitForBotMessage(has('шаг 1'));
    u.press(/^✏ Продолжить/);
    const review = await u.waitForBotMessage(has('Шаг 6'));
    u.press(ru('wizard:review.submit'), review);
    u.press(ru('wizard:review.submit'), review);
    await u.waitForBotMessage(has('Место предоставлено'));
    await app.idle();
    const db = app.database.db;
    const rows = await db.application.findMany({ where: { childPin: childPin(5) } });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.status).toBe('admitted');
    const submitted = await db.applicationTransition.count({
      where: { applicationId: rows[0]?.id, reason: 'submitted' },
    });
    expect(submitted).toBe(1);
    expect((await quota('10001', 'ky')).taken).toBe(2);
  });

  it('answers emoji, 5,000 characters and stickers at every step, and the step stays', async () => {
    const u = await linkedUser(900_000_006, 'en', 6);
    const chat = u.chatId;
    const sticker = {
      sticker: {
        file_id: 'CAACAgIAAxkBAAIBsticker',
        file_unique_id: 'AgADsticker',
        type: 'regular',
        width: 512,
        height: 512,
        is_animated: false,
        is_video: false,
      },
    } as unknown as Partial<Message>;

    /** Sends the three bad inputs; each gets `expected` (and the question again). */
    async function badInputs(expected: RegExp, question: RegExp) {
      for (const send of [
        () => app.sim.sendText(u.id, '😀'),
        () => app.sim.sendRaw(u.id, { text: 'x'.repeat(5000) }),
        () => app.sim.sendRaw(u.id, sticker),
      ]) {
        const rev = app.sim.currentRev();
        send();
        const reply = await botAfter(app, chat, rev, has(expected));
        expect(messageText(reply)).toMatch(question);
      }
    }

    u.send('/apply');
    await u.waitForBotMessage(has('step 1'));
    await badInputs(/one of the buttons|too long|text message/, /Which child/);
    u.press(en('wizard:child.other'));
    await u.waitForBotMessage(has('PIN'));
    await badInputs(/only digits|too long|PIN as text/, /Type the child’s PIN/);
    u.send('2150620190000 6');
    await u.waitForBotMessage(has('series and number'));
    await badInputs(/could not read|too long|as text/, /series and number of the birth certificate/);
    u.send('KG 100006');
    await u.waitForBotMessage(has('Step 2'));
    await badInputs(/one of the buttons|too long/, /Are these data correct/);
    u.press(en('wizard:confirm.yes'));
    await u.waitForBotMessage(has('Step 3'));
    await badInputs(/one of the buttons|too long/, /Step 3/);
    u.press(en('wizard:school.search'));
    await u.waitForBotMessage(has('Type the school’s name'));
    await badInputs(/letters or digits|too long|as text/, /Type the school’s name/);
    u.send('10001');
    await u.waitForBotMessage(has('language of instruction'));
    await badInputs(/one of the buttons|too long/, /language of instruction/);
    u.press(/^Kyrgyz · free/);
    await u.waitForBotMessage(has('Step 4'));
    await badInputs(/one of the buttons|too long/, /Step 4/);
    u.press(en('wizard:priority.military'));
    await u.waitForBotMessage(has('Step 5'));
    await badInputs(/not a phone number|too long|phone number/, /Step 5/);
    u.send('+7 999 123 45 67');
    await u.waitForBotMessage(has('Kyrgyz mobile number is needed'));
    u.send('+996 (700) 12-34-56');
    await u.waitForBotMessage(has('Phone saved: +996700123456'));
    await u.waitForBotMessage(has('Consent'));
    await badInputs(/one of the buttons|too long/, /Consent to personal-data processing/);
    u.press(en('wizard:consent.yes'));
    const review = await u.waitForBotMessage(has('Step 6'));
    expect(messageText(review)).toContain('could not be confirmed automatically');
    await badInputs(/one of the buttons|too long/, /Step 6/);
    // nothing above moved the draft: it is still one unsubmitted draft with the answers given
    const row = await app.database.db.application.findFirstOrThrow({ where: { childPin: childPin(6) } });
    expect(row.status).toBe('draft');
    expect(row.priority).toBe('military');
    expect(row.phone).toBe('+996700123456');
    // a button carrying another parent's application is refused by the core, never trusted
    const foreign = await app.database.db.application.findFirstOrThrow({ where: { childPin: childPin(1) } });
    const rev = app.sim.currentRev();
    const forged = app.sim.injectUpdate(
      {
        callback_query: {
          id: 'forged-1',
          from: app.sim.userOf(u.persona),
          chat_instance: 'x',
          data: `w|sub|${foreign.id}`,
          message: review as never,
        },
      },
      chat,
    );
    expect(forged).toBeDefined();
    await botAfter(app, chat, rev, has('not found among yours'));
    expect((await app.database.db.application.findUniqueOrThrow({ where: { id: foreign.id } })).status).toBe(
      'admitted',
    );
  });

  it('keeps a draft before the stage opens and submits it with one button at opening', async () => {
    const u = await linkedUser(900_000_007, 'ky', 7);
    app.clock.set(bishkekTime('2026-03-20', '12:00'));
    try {
      u.send('/apply');
      await u.waitForBotMessage(has('1-кадам'));
      u.press(/Асанов Бала/);
      await u.waitForBotMessage(has('2-кадам'));
      u.press(ky('wizard:confirm.yes'));
      await u.waitForBotMessage(has('3-кадам'));
      u.press(/^⭐ № 1 орто мектеби/);
      await u.waitForBotMessage(has('Окуу тилин'));
      u.press(/^орус/);
      await u.waitForBotMessage(has('4-кадам'));
      u.press(ky('wizard:priority.none'));
      await u.waitForBotMessage(has('5-кадам'));
      u.send('0700 777 007');
      await u.waitForBotMessage(has('макулдук'));
      u.press(ky('wizard:consent.yes'));
      const review = await u.waitForBotMessage(has('6-кадам'));
      expect(messageText(review)).toContain('Долбооруңуз даяр');
      u.press(ky('wizard:review.submit'));
      await u.waitForBotMessage(has('бир да этабы ачык эмес'));
      expect(
        (await app.database.db.application.findFirstOrThrow({ where: { childPin: childPin(7) } })).status,
      ).toBe('draft');
      app.clock.set(STAGE1_OPEN);
      u.press(ky('wizard:review.submit'));
      // the only Russian seat is taken: the child waits in line
      const result = await u.waitForBotMessage(has(ky('wizard:status.waitlisted')));
      expect(messageText(result)).toContain(
        positionText(ky, { position: 2, waiting: 2, seats: 1, taken: 1 }),
      );
      expect(messageText(result)).toContain('2-орун (2 бала 1 орунду күтүүдө)');
    } finally {
      app.clock.set(STAGE1_OPEN);
    }
  });

  it('/status shows the history, and withdrawing frees the seat for the next child in line', async () => {
    // the holder of 10001's Russian seat withdraws: the first in line (the Russian parent's child) gets it
    const holder = app.user(persona(900_000_003, 'ru'));
    holder.send('/status');
    const card = await holder.waitForBotMessage(has('История'));
    const text = messageText(card);
    expect(text).toContain('Место предоставлено');
    expect(text).toContain('черновик создан');
    expect(text).toContain('подано');
    expect(text).toMatch(/Почему:.*свободное место/);
    expect(text).toContain('3×4');
    holder.press(ru('wizard:card.withdraw'));
    await holder.waitForBotMessage(has('Отозвать заявление'));
    holder.press(ru('wizard:withdraw.yes'));
    const after = await holder.waitForBotMessage(has('Отозвано'));
    expect(messageText(after)).toContain('отозвано родителем');
    const db = app.database.db;
    expect((await quota('10001', 'ru')).taken).toBe(1);
    expect((await db.application.findFirstOrThrow({ where: { childPin: childPin(2) } })).status).toBe(
      'admitted',
    );

    // the Kyrgyz parent withdraws too: the Kyrgyz seat is freed (nobody waits for it)
    const before = (await quota('10001', 'ky')).taken;
    const u = app.user(persona(900_000_001, 'ky'));
    u.send('/status');
    const mine = await u.waitForBotMessage(has('Тарыхы'));
    expect(messageText(mine)).toContain('Орун берилди');
    expect(messageText(mine)).toContain('долбоор түзүлдү');
    u.press(ky('wizard:card.withdraw'));
    await u.waitForBotMessage(has('кайтарып аласызбы'));
    u.press(ky('wizard:withdraw.yes'));
    await u.waitForBotMessage(has('Кайтарылып алынды'));
    expect((await quota('10001', 'ky')).taken).toBe(before - 1);
  });

  it('refuses a change to a school outside the catchment in stage I (K-SEAT-5), and moves at once in the free-seats stage when the new school has a free seat', async () => {
    const u = await linkedUser(900_000_010, 'en', 10);
    const d = await app.applications.createDraft({
      telegramId: u.id,
      applicantPin: parentPin(10),
      childPin: childPin(10),
      certificateSeries: 'KG',
      certificateNumber: '100010',
    });
    await app.applications.chooseSchool(d.id, u.id, '10002', 'ky');
    await app.applications.setContact(d.id, u.id, '0700 000 010', true);
    await app.applications.submit(d.id, u.id);
    const swapTo10003 = async () => {
      u.send('/status');
      await u.waitForBotMessage(has('History'));
      u.press(en('wizard:card.swap'));
      await u.waitForBotMessage(has('Change of school'));
      u.press(en('wizard:school.search'));
      await u.waitForBotMessage(has('Type the school’s name'));
      u.send('10003');
      await u.waitForBotMessage(has('language of instruction'));
      u.press(/^Kyrgyz · free: 1/);
    };
    // stage I: school 3 takes only its own catchment's children; the seat at school 2 stays
    await swapTo10003();
    await u.waitForBotMessage(has('only the school whose catchment area holds your registered address'));
    expect((await quota('10003', 'ky')).taken).toBe(0);
    try {
      app.clock.set(STAGE3_OPEN);
      await swapTo10003();
      const moved = await u.waitForBotMessage(has('Moved now'));
      expect(messageText(moved)).toContain('Secondary School No. 3');
      expect((await quota('10003', 'ky')).taken).toBe(1);
      expect((await quota('10002', 'ky')).taken).toBe(0);
    } finally {
      app.clock.set(STAGE1_OPEN);
    }
  });
  it('keeps the draft when the registry is down and continues once it has answered', async () => {
    const u = await linkedUser(900_000_011, 'ru', 11);
    registryDown = true;
    try {
      u.send('/apply');
      await u.waitForBotMessage(has('шаг 1'));
      u.press(/Асанов Бала/);
      const pending = await u.waitForBotMessage(has('не отвечает'));
      expect(messageText(pending)).toMatch(/черновик № 2026-\d{7} сохранён/);
    } finally {
      registryDown = false;
    }
    u.press(ru('wizard:pending.check'));
    await u.waitForBotMessage(has('пока не ответил'));
    // the background verification (K-REG-5) runs; the parent's next look finds the data
    expect(await app.applications.retryPendingVerifications()).toBeGreaterThanOrEqual(1);
    u.press(ru('wizard:pending.check'));
    const confirm = await u.waitForBotMessage(has('Шаг 2'));
    expect(messageText(confirm)).toContain('Бишкек, Көчө 1, 11');
  });

  it('asks for the actual address when the school is outside the catchment, and submits it in stage II', async () => {
    const u = await linkedUser(900_000_008, 'ky', 8);
    u.send('/apply');
    await u.waitForBotMessage(has('1-кадам'));
    u.press(/Асанов Бала/);
    await u.waitForBotMessage(has('2-кадам'));
    u.press(ky('wizard:confirm.yes'));
    await u.waitForBotMessage(has('3-кадам'));
    u.press(ky('wizard:school.search'));
    await u.waitForBotMessage(has('Мектептин атын'));
    u.send('10002');
    await u.waitForBotMessage(has('Окуу тилин'));
    u.press(/^кыргыз/);
    const ask = await u.waitForBotMessage(has('Иш жүзүндө жашаган дареги'));
    expect(messageText(ask)).toContain('микроучастогуна кирбейт');
    u.send('Бишкек, Көчө 2');
    await u.waitForBotMessage(has('Үтүр менен бөлүнгөн үч бөлүктү'));
    u.send('Бишкек, Көчө 2, 7');
    await u.waitForBotMessage(has('Иш жүзүндө жашаган дарек сакталды: Бишкек, Көчө 2, 7'));
    u.press(ky('wizard:priority.none'));
    await u.waitForBotMessage(has('5-кадам'));
    u.send('0700 800 008');
    await u.waitForBotMessage(has('макулдук'));
    u.press(ky('wizard:consent.yes'));
    await u.waitForBotMessage(has('6-кадам'));
    // stage I: only the catchment school of the registered address takes it
    u.press(ky('wizard:review.submit'));
    const refused = await u.waitForBotMessage(has('микроучастогуна кирген мектеп гана'));
    expect(messageText(refused)).toContain('3-кадам');
    app.clock.set(bishkekTime('2026-06-10', '12:00'));
    try {
      u.press(ky('wizard:nav.back'));
      await u.waitForBotMessage(has('2-кадам'));
      u.press(ky('wizard:confirm.yes'));
      await u.waitForBotMessage(has('3-кадам'));
      u.press(ky('wizard:school.search'));
      await u.waitForBotMessage(has('Мектептин атын'));
      u.send('10002');
      await u.waitForBotMessage(has('Окуу тилин'));
      u.press(/^кыргыз/);
      await u.waitForBotMessage(has('Азыр сакталганы: Бишкек, Көчө 2, 7'));
      u.press(ky('wizard:address.clear'));
      await u.waitForBotMessage(has('4-кадам'));
      u.press(ky('wizard:nav.back'));
      await u.waitForBotMessage(has('Иш жүзүндө жашаган дареги'));
      u.send('Бишкек, Көчө 2, 7');
      await u.waitForBotMessage(has('4-кадам'));
      u.press(/Жеңилдик жок$/);
      await u.waitForBotMessage(has('6-кадам'));
      u.press(ky('wizard:review.submit'));
      await u.waitForBotMessage(has('Орун берилди'));
    } finally {
      app.clock.set(STAGE1_OPEN);
    }
    const row = await app.database.db.application.findFirstOrThrow({ where: { childPin: childPin(8) } });
    expect(row.basis).toBe('actual_residence');
  });

  it('in stage III answers a full school with the nearest schools that have a free seat in that language', async () => {
    const u = await linkedUser(900_000_012, 'en', 12);
    app.clock.set(STAGE3_OPEN);
    try {
      u.send('/apply');
      await u.waitForBotMessage(has('step 1'));
      u.press(/Асанов Бала/);
      await u.waitForBotMessage(has('Step 2'));
      u.press(en('wizard:confirm.yes'));
      await u.waitForBotMessage(has('Step 3'));
      u.press(/^⭐ Secondary School No. 1/);
      await u.waitForBotMessage(has('language of instruction'));
      u.press(/^Russian · free: 0/);
      await u.waitForBotMessage(has('Step 4'));
      u.press(en('wizard:priority.none'));
      await u.waitForBotMessage(has('Step 5'));
      u.shareContact();
      await u.waitForBotMessage(has('Consent'));
      u.press(en('wizard:consent.yes'));
      await u.waitForBotMessage(has('Step 6'));
      u.press(en('wizard:review.submit'));
      const full = await u.waitForBotMessage(has('no free seat left in this language'));
      expect(messageText(full)).toContain('The nearest schools with free seats in Russian');
      expect(u.buttons(full).filter((b) => b.includes('your district'))).toHaveLength(2);
      u.press(/^Secondary School No. 2 · 10002 · free: 2/);
      const review = await u.waitForBotMessage(has('School changed'));
      expect(messageText(review)).toContain(
        'Secondary School No. 2 (10002), language of instruction: Russian',
      );
      u.press(en('wizard:review.submit'));
      await u.waitForBotMessage(has('Seat granted'));
    } finally {
      app.clock.set(STAGE1_OPEN);
    }
  });
});

// The same wizard in the whole app as `npm start` runs it: demo world, registry simulator, the
// children from "My data", the catchment of a real demo address.
describe('registration wizard in the whole app (demo world, registry simulator)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  }, 120_000);
  afterAll(() => app?.close());

  it('a demo family registers its child at the school of its catchment area', async () => {
    const population = app.registry.population;
    if (!population) throw new Error('the demo app runs the registry simulator');
    const [family] = [...demoPopulationRows(population, generateDemoWorld(), { limit: 1 })];
    if (!family) throw new Error('the demo population has an eligible child');
    const u = app.user(1);
    u.send('/apply');
    const signIn = await u.waitForBotMessage(has('/apply'));
    expect(u.buttons(signIn).some((b) => b.includes('Кирүү'))).toBe(true);

    await app.db.identityLink.create({ data: { telegramId: BigInt(u.id), pin: family.parent_pin } });
    u.send('/apply');
    const list = await u.waitForBotMessage(has('1-кадам'), 15_000);
    const birth = day(family.child_birth_date, 'ky');
    const child = u.buttons(list).find((b) => b.includes(birth));
    expect(child, `a button for the child born ${birth}`).toBeDefined();
    u.press(child as string);
    await u.waitForBotMessage(has('2-кадам'), 15_000);
    u.press(ky('wizard:confirm.yes'));
    const schools = await u.waitForBotMessage(has('3-кадам'));
    const suggested = u.buttons(schools).find((b) => b.startsWith('⭐'));
    expect(suggested).toContain(`· ${family.catchment_school_code} ·`);
    u.press(suggested as string);
    const languages = await u.waitForBotMessage(has('Окуу тилин'));
    u.press(u.buttons(languages)[0] as string);
    await u.waitForBotMessage(has('4-кадам'));
    u.press(ky('wizard:priority.none'));
    await u.waitForBotMessage(has('5-кадам'));
    u.shareContact();
    await u.waitForBotMessage(has('макулдук'));
    u.press(ky('wizard:consent.yes'));
    const review = await u.waitForBotMessage(has('6-кадам'));
    expect(messageText(review)).toContain('микроучастогуңуздагы мектеп');
    u.press(ky('wizard:review.submit'));
    await u.waitForBotMessage(
      new RegExp(`${ky('wizard:status.admitted')}|${ky('wizard:status.waitlisted')}`),
      15_000,
    );
    const row = await app.db.application.findFirstOrThrow({ where: { childPin: family.child_pin } });
    expect(['admitted', 'waitlisted']).toContain(row.status);
    expect(row.catchmentMatch).toBe(true);
  });
});
