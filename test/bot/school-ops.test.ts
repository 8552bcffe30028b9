// School operations through the Telegram simulator, in Kyrgyz (K-SEAT-1, K-ID-2, K-SCHOOL-1/7/8):
// a director enrols the second factor from a QR picture, proposes a quota and sends it with a code;
// a district officer approves with a code; the director forms classes and downloads the XLSX; alert
// digests arrive in the connected staff group as one message per window and follow the group when it
// becomes a supergroup; the charter PDF is checked and kept.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../../bot/i18n.ts';
import { recordAlert } from '../../core/services/school/alerts.ts';
import { codeAt } from '../../core/services/school/totp.ts';
import { type BotMessage, messageText, type SimUser } from '../../sim/telegram/client.ts';
import { defaultPersonas, type Persona } from '../../sim/telegram/personas.ts';
import { type SchoolOpsApp, startSchoolOpsApp } from '../support/schoolops-harness.ts';
import { CAMPAIGN } from '../support/small-world.ts';

const ky = translator('ky');
const persona = (role: string) => defaultPersonas.find((p) => p.role === role) as Persona;
const ADMISSIONS: Persona = {
  id: 7_001_200_099,
  firstName: 'Айбек',
  phone: '+996 700 000 099',
  role: 'director',
};

describe('school operations in the bot, in Kyrgyz', () => {
  let app: SchoolOpsApp;
  let director: SimUser;
  let officer: SimUser;
  const secrets = new Map<number, string>();
  let schoolId: number;

  /** the next 30-second step's code, as the authenticator app would show it */
  const codeOf = (u: SimUser) => {
    app.clock.shift(30_000);
    return codeAt(secrets.get(u.id) as string, app.clock.now().getTime());
  };

  async function enrol(u: SimUser) {
    u.send('/totp');
    const photo = await u.waitForBotMessage((m) => Boolean(m.photo));
    expect(messageText(photo)).toContain('QR-код');
    const secretMessage = await u.waitForBotMessage('ачкычты кол менен');
    const secret = /([A-Z2-7]{4}(?: [A-Z2-7]{1,4})+)/
      .exec(messageText(secretMessage))?.[1]
      ?.replace(/ /g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    secrets.set(u.id, secret as string);
    u.send('123456');
    await u.waitForBotMessage('Код туура эмес');
    const code = codeOf(u);
    const sent = u.send(code);
    await u.waitForBotMessage('Ырастоо коду орнотулду');
    // the message with the code is deleted from the chat
    expect(app.sim.message(u.chatId, sent.message_id)).toBeUndefined();
  }

  beforeAll(async () => {
    app = await startSchoolOpsApp();
    schoolId = (app.schools[0] as { id: number }).id;
    await app.db.quota.deleteMany({ where: { schoolId } });
    director = await app.staff(persona('director'), 'director', { schoolId });
    officer = await app.staff(persona('district'), 'district', { territoryId: 'KG-GB-LEN' });
  });
  afterAll(() => app?.close());

  it('a director enrols the confirmation code from the QR picture', async () => {
    await enrol(director);
    const photo = director.botMessages().find((m) => m.photo);
    const file = app.sim.file(photo?.photo?.at(-1)?.file_id ?? '');
    expect(file?.data.subarray(1, 4).toString()).toBe('PNG');
    director.send('/totp');
    await director.waitForBotMessage('мурунтан эле орнотулган');
  });

  it('the director proposes a quota with a warning and sends it to the district with a code', async () => {
    director.send('/quotas');
    await director.waitForBotMessage('Квоталар');
    director.press('✏️ кыргыз');
    await director.waitForBotMessage('канча орун');
    director.send('беш');
    await director.waitForBotMessage('Бүтүн санды жазыңыз');
    director.send('80');
    await director.waitForBotMessage('бир класста канча бала');
    director.send('25');
    const draft = await director.waitForBotMessage('сиздин долбоор');
    expect(messageText(draft)).toContain('80 орун');
    expect(messageText(draft)).toContain('27 баладан болот');
    director.press('📤 Районго жөнөтүү');
    await director.waitForBotMessage('6 сандуу кодду жазыңыз');
    director.send(codeOf(director));
    await director.waitForBotMessage('Районго жөнөтүлдү');
    const change = await app.db.quotaChange.findFirstOrThrow({ where: { schoolId } });
    expect(change).toMatchObject({ status: 'submitted', toSeats: 80, classSize: 25 });
  });

  it('a district officer approves with a code; the quota is in force and locked', async () => {
    await enrol(officer);
    officer.send('/quotas');
    await officer.waitForBotMessage('Бекитүүнү күткөн квоталар');
    officer.press(/10001 · кыргыз · 80/);
    await officer.waitForBotMessage('жылдын биринчи квотасы');
    officer.press('✅ Бекитүү');
    await officer.waitForBotMessage('6 сандуу кодду жазыңыз');
    const used = codeOf(officer);
    officer.send(used);
    await officer.waitForBotMessage('Бекитилди');
    const q = await app.db.quota.findFirstOrThrow({ where: { schoolId, language: 'ky' } });
    expect(q).toMatchObject({ seats: 80, approved: true });
    director.send('/quotas');
    const ov = await director.waitForBotMessage('Квоталар');
    expect(messageText(ov)).toContain('🔒 бекитилген');
  });

  it('refuses a forged approval button from an officer of another district', async () => {
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
    const foreign = await app.staff(
      { id: 5_550_300_077, firstName: 'Темир', phone: '+996 700 000 077', role: 'district' },
      'district',
      { territoryId: 'KG-GB-OKT' },
    );
    foreign.send('/quotas');
    await foreign.waitForBotMessage('Бекитүүнү күткөн квота жок');
    const change = await app.db.quotaChange.findFirstOrThrow({ where: { schoolId } });
    const callback = app.sim.injectUpdate({
      callback_query: {
        id: 'forged-1',
        from: { id: foreign.id, is_bot: false, first_name: 'Темир' },
        chat_instance: 'x',
        data: `sq|a|${change.id}`,
        message: { message_id: 1, date: 0, chat: { id: foreign.id, type: 'private', first_name: 'Темир' } },
      },
    } as never);
    expect(callback).toBeDefined();
    await app.idle();
    await new Promise((r) => setTimeout(r, 300));
    await app.idle();
    const answer = app.sim.calls.find(
      (c) =>
        c.method === 'answerCallbackQuery' &&
        (c.params as { callback_query_id?: string }).callback_query_id === 'forged-1',
    );
    expect((answer?.params as { text?: string } | undefined)?.text).toContain('чегинен тышкары');
    expect(
      (await app.db.quotaChange.findUniqueOrThrow({ where: { id: change.id } })).decidedBy,
    ).not.toBeNull();
  });

  it('forms the classes and sends the list as an XLSX document that opens', async () => {
    for (let i = 0; i < 6; i++) {
      await app.db.application.create({
        data: {
          number: `2026-${String(500 + i).padStart(7, '0')}`,
          campaignId: CAMPAIGN,
          telegramId: BigInt(9000 + i),
          applicantPin: `10101198000${i}00`,
          childPin: `20101201900${i}00`,
          certificateSeries: 'KG',
          certificateNumber: String(i),
          status: 'enrolled',
          schoolId,
          language: 'ky',
          child: {
            surname: i % 2 ? 'Өмүрбеков' : 'Түгөлбаева',
            name: 'Аңыз',
            sex: i % 2 ? 'M' : 'F',
            birthDate: '2019-04-01',
          },
        },
      });
    }
    director.send('/classes');
    await director.waitForBotMessage('Биринчи класстар');
    director.press('🧩 Класстарды түзүү');
    const formed = await director.waitForBotMessage('1-А');
    expect(messageText(formed)).toContain('кыздар 3');
    director.press('📊 XLSX');
    const doc = await director.waitForBotMessage((m) => Boolean(m.document));
    expect(doc.document?.file_name).toMatch(/^classes-10001-2026-27\.xlsx$/);
    const file = app.sim.file(doc.document?.file_id as string);
    const res = await fetch(`${app.started.url}/file/bot${app.sim.token}/${file?.filePath}`);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await res.arrayBuffer()) as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Жыйынтык', '1-А']);
    const cells: string[] = [];
    wb.getWorksheet('1-А')?.eachRow((r) => {
      r.eachCell((c) => {
        cells.push(String(c.value));
      });
    });
    expect(cells.join(' ')).toContain('Түгөлбаева');
    director.press('📄 PDF');
    const pdf = await director.waitForBotMessage((m) => m.document?.file_name?.endsWith('.pdf') === true);
    expect(
      app.sim
        .file(pdf.document?.file_id as string)
        ?.data.subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    // open the class, move is refused when there is no other class
    director.press('1-А (6)');
    await director.waitForBotMessage('1-А классы');
    director.press('1');
    await director.waitForBotMessage('Бул тилде башка класс жок');
  });

  it('sends a digest of alerts to the connected group as one message, once per window', async () => {
    const admissions = await app.staff(ADMISSIONS, 'admissions', { schoolId });
    const group = app.sim.createGroup({
      title: 'Мектеп №1 кабыл алуу',
      memberIds: [director.id, admissions.id],
    });
    app.sim.sendText(admissions.id, '/connectgroup', { chatId: group });
    await waitFor(() => botTexts(group).some((t) => t.includes('чегинен тышкары')));
    app.sim.sendText(director.id, '/connectgroup', { chatId: group });
    await waitFor(() =>
      botTexts(group).some((t) => t.includes('Бул топ эми кабыл алуу боюнча билдирүүлөрдү алат')),
    );

    await app.db.$transaction(async (tx) => {
      for (let i = 1; i <= 12; i++)
        await recordAlert(tx, schoolId, 'new_application', {
          number: `2026-00000${String(i).padStart(2, '0')}`,
          applicationId: 100 + i,
          language: 'ky',
          outcome: i <= 10 ? 'admitted' : 'waitlisted',
        });
      await recordAlert(tx, schoolId, 'seat_released', {
        number: '2026-0000099',
        applicationId: 99,
        language: 'ky',
      });
      await recordAlert(
        tx,
        schoolId,
        'documents_due',
        { count: 4, date: '2026-09-15' },
        { dedupeKey: 'x:1' },
      );
    });
    const before = botTexts(group).length;
    await app.digests.drain();
    const after = botTexts(group);
    expect(after.length).toBe(before + 1);
    const digest = after.at(-1) as string;
    expect(digest).toContain('Жаңы арыздар: 12');
    expect(digest).toContain(ky('schoolops:alerts.outcomes', { admitted: 10, waitlisted: 2 }));
    expect(digest).toContain('жана дагы 2');
    expect(digest).toContain('Бошогон орундар: 1');
    expect(digest).toContain('Документтердин мөөнөтү 15.09.2026: 4 бала');
    // nobody's private chat got it
    expect(admissions.botMessages().some((m) => messageText(m).includes('кабыл алуу жаңылыктары'))).toBe(
      false,
    );

    // within the window: collected, not sent
    await app.db.$transaction((tx) =>
      recordAlert(tx, schoolId, 'admitted', { number: '2026-0000200', applicationId: 200 }),
    );
    await app.digests.drain();
    expect(botTexts(group).length).toBe(before + 1);
    app.clock.shift(2 * 60_000 + 1_000);
    await app.digests.drain();
    expect(botTexts(group).length).toBe(before + 2);
    expect(botTexts(group).at(-1)).toContain('Орун алгандар: 1');
    // running again sends nothing more
    app.clock.shift(5 * 60_000);
    await app.digests.drain();
    expect(botTexts(group).length).toBe(before + 2);

    // the group becomes a supergroup: the chat id changes, the alerts follow
    const supergroup = app.sim.createGroup({
      title: 'Мектеп №1',
      memberIds: [director.id],
      supergroup: true,
    });
    app.sim.injectUpdate(
      {
        message: {
          message_id: 999,
          date: 0,
          chat: { id: group, type: 'group', title: 'Мектеп №1 кабыл алуу' },
          from: { id: director.id, is_bot: false, first_name: 'Нургүл' },
          migrate_to_chat_id: supergroup,
        },
      } as never,
      group,
    );
    await waitFor(
      async () =>
        (await app.db.staffGroup.findUnique({ where: { schoolId } }))?.chatId === BigInt(supergroup),
    );
    await app.db.$transaction((tx) =>
      recordAlert(tx, schoolId, 'waitlisted', { number: '2026-0000300', applicationId: 300 }),
    );
    app.clock.shift(3 * 60_000);
    await app.digests.drain();
    expect(
      botTexts(supergroup).some((t) => t.includes(ky('schoolops:alerts.kind.waitlisted', { count: 1 }))),
    ).toBe(true);
    expect(await app.db.auditEvent.count({ where: { action: 'school.alerts.group_migrated' } })).toBe(1);
  });

  it('without a group, the digest goes to each linked staff member privately', async () => {
    const other = app.schools[1] as { id: number };
    const d2 = await app.staff(
      { id: 7_001_200_098, firstName: 'Гүлнара', phone: '+996 700 000 098', role: 'director' },
      'director',
      {
        schoolId: other.id,
      },
    );
    d2.send('/alerts');
    await d2.waitForBotMessage('жеке чаттарына');
    await app.db.$transaction((tx) =>
      recordAlert(tx, other.id, 'seat_released', { number: '2026-0000400', applicationId: 400 }),
    );
    await app.digests.drain();
    await d2.waitForBotMessage('Бошогон орундар: 1');
  });

  it('keeps the charter PDF and refuses other files with a clear reason', async () => {
    director.send('/charter');
    await director.waitForBotMessage('PDF файл катары жөнөтүңүз');
    const send = (doc: Record<string, unknown>) =>
      app.sim.sendRaw(director.id, {
        document: { file_id: 'BQACAgIAAxkBAAIBcharter0001', file_unique_id: 'u1', ...doc },
      } as never);
    send({ file_name: 'ustav.docx', mime_type: 'application/msword', file_size: 2000 });
    await director.waitForBotMessage('Бул PDF файл эмес');
    send({ file_name: 'ustav.pdf', mime_type: 'application/pdf', file_size: 11 * 1024 * 1024 });
    await director.waitForBotMessage('10 МБдан чоң');
    send({ file_name: 'ustav.pdf', mime_type: 'application/pdf', file_size: 200_000 });
    await director.waitForBotMessage('Устав сакталды');
    const school = await app.db.school.findUniqueOrThrow({ where: { id: schoolId } });
    expect(school).toMatchObject({ charterFileId: 'BQACAgIAAxkBAAIBcharter0001', charterName: 'ustav.pdf' });
    // an officer is not a director: refused
    officer.send('/charter');
    await officer.waitForBotMessage('директору гана');
    expect(app.errors).toEqual([]);
  });

  function botTexts(chatId: number): string[] {
    return app.sim
      .chatMessages(chatId)
      .filter((m) => m.fromBot)
      .map((m) => messageText(m.message as BotMessage));
  }
});

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('timed out waiting');
}
