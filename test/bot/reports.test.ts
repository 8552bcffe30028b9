// Reports and open data through the Telegram simulator (K-OVER-1, K-OVER-5, K-ID-3): a district
// officer linked by a one-time invite opens their district's report in Kyrgyz — the chart arrives as a
// photo, the XLSX as a document that reads back without personal data — and is refused another
// district (by code and by a forged button); a ministry officer in Russian opens the whole country,
// goes down to a region and gets the CSV and the PDF; anyone gets the open data; a parent is told
// what /reports is for. Until bot/app.ts wires the features, test/support/reports-harness.ts builds
// the bot the way bot/create-bot.ts does.
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import type { Message } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeReports, encodeReports } from '../../bot/features/oversight/reports-callback.ts';
import { catalogueKeys } from '../../bot/i18n.ts';
import { type BotMessage, SimUser } from '../../sim/telegram/client.ts';
import {
  parseCsv,
  pdfText,
  type ReportsApp,
  SYNTHETIC_NAMES,
  scanForPersonalData,
  startReportsApp,
  xlsxCells,
} from '../support/reports-harness.ts';

const DISTRICT = 5_550_300_005; // Эрлан Жумабеков, Kyrgyz
const MINISTRY = 6_900_400_006; // Чолпон Осмонова, Russian
const PARENT = 6_034_500_002; // Бакыт Токтогулов, Kyrgyz
const VISITOR = 7_412_500_007; // Alex Morgan, English
/** Names that must not reach a file: the children's of the synthetic applications, the staff's. */
const NAMES = [...SYNTHETIC_NAMES.flat(), 'Жумабеков', 'Осмонова', 'Токтогулов'];

type Doc = NonNullable<Message['document']>;
const documentOf = (m: BotMessage): Doc => {
  const d = (m as Message).document;
  if (!d) throw new Error('not a document');
  return d;
};

describe('reports payloads', () => {
  it('round-trip, stay under 64 bytes, and refuse what is forged or another feature’s', () => {
    const actions = [
      { a: 'menu' },
      { a: 'regions' },
      { a: 'school' },
      { a: 'view', scope: { level: 'nation' } },
      { a: 'view', scope: { level: 'region', id: 'KG-GB' } },
      { a: 'view', scope: { level: 'district', id: 'KG-GB-LEN' } },
      { a: 'view', scope: { level: 'school', code: 'ABCDEFGHIJKLMNOPQRSTUVWX' } },
      { a: 'file', format: 'xlsx', scope: { level: 'district', id: 'KG-GB-LEN' } },
      { a: 'file', format: 'pdf', scope: { level: 'nation' } },
    ] as const;
    for (const a of actions) {
      const data = encodeReports(a);
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
      expect(data.startsWith('rp|')).toBe(true);
      expect(decodeReports(data)).toEqual(a);
    }
    for (const bad of [
      'rp',
      'rp|',
      'rp|v',
      'rp|v|n|KG',
      'rp|v|x|KG-GB',
      'rp|v|d|KG GB',
      'rp|v|d|KG-GB|1',
      'rp|f|z|n|_',
      'rp|f|x|d',
      'rp|m|1',
      'sa|m',
      `rp|v|s|${'1'.repeat(30)}`,
    ])
      expect(decodeReports(bad), bad).toBeNull();
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const a = decodeReports(`rp|${s}`);
        if (a) expect(decodeReports(encodeReports(a))).toEqual(a);
      }),
      { numRuns: 2000 },
    );
  });

  it('have the same words in Kyrgyz, Russian and English', () => {
    const ky = catalogueKeys('ky', 'reports');
    expect(catalogueKeys('ru', 'reports')).toEqual(ky);
    expect(catalogueKeys('en', 'reports')).toEqual(ky);
  });
});

describe('reports through the Telegram simulator', () => {
  let app: ReportsApp;
  let district: SimUser;
  let ministry: SimUser;
  let parent: SimUser;

  beforeAll(async () => {
    app = await startReportsApp({ applications: 160 });
    district = new SimUser(app.sim, DISTRICT);
    ministry = new SimUser(app.sim, MINISTRY);
    parent = new SimUser(app.sim, PARENT);
    await app.setLanguage(DISTRICT, 'ky');
    await app.setLanguage(MINISTRY, 'ru');
    await app.setLanguage(PARENT, 'ky');
  }, 120_000);
  afterAll(() => app.close());

  it('tells a parent that reports are for staff', async () => {
    parent.send('/reports');
    await parent.waitForBotMessage('Отчеттор билим берүү бөлүмдөрүнүн');
    parent.send('/reports 10001');
    await parent.waitForBotMessage('Отчеттор билим берүү бөлүмдөрүнүн');
  });

  it('links a district officer by invite, who opens the district report with its chart in Kyrgyz', async () => {
    const invite = await app.identity.createStaffInvite({
      role: 'district',
      scope: 'KG-GB-LEN',
      createdBy: { kind: 'cli', id: 'test' },
    });
    if (!invite.ok) throw new Error(invite.reason);
    district.start(invite.payload);
    await district.waitForBotMessage('Кош келиңиз');

    district.send('/reports');
    const menu = await district.waitForBotMessage('Кайсы отчетту ачасыз?');
    expect(district.buttons(menu)).toEqual(['🏘 Менин районум: Ленин району', '🔎 Мектеп коду боюнча']);
    district.press('🏘 Менин районум: Ленин району');
    const photo = await district.waitForBotMessage((m) => (m as Message).photo !== undefined);
    expect(photo.caption).toContain('Район: Ленин району (Бишкек шаары)');
    const size = (photo as Message).photo?.at(-1);
    expect(size?.width).toBe(1000);
    expect(size?.height).toBeGreaterThan(300);
    const png = app.file(size?.file_id as string);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');

    const summary = await district.waitForBotMessage('Арыздар:');
    const lenApps = await app.db.application.count({
      where: { status: { not: 'draft' }, schoolId: { in: await lenSchoolIds() } },
    });
    expect(summary.text).toContain(`Арыздар: ${lenApps}`);
    expect(summary.text).toMatch(/Орундар: \d+ · ээленген \d+ · бош \d+/);
    expect(district.buttons(summary)).toEqual(['📗 Excel (XLSX)', '📄 CSV', '📕 PDF', '⬅️ Отчеттор']);

    district.press('📗 Excel (XLSX)');
    const doc = await district.waitForBotMessage((m) => (m as Message).document !== undefined, 10_000);
    const d = documentOf(doc);
    expect(d.file_name).toMatch(/^report-district-KG-GB-LEN-\d{8}\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(app.file(d.file_id) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Жыйынтык', 'Мектептер', 'Күндөр']);
    const cells = xlsxCells(wb);
    expect(cells).toContain('№ 1 орто мектеби');
    expect(cells).not.toContain('№ 20 орто мектеби'); // another district's school
    scanForPersonalData(cells, NAMES);
    expect(app.errors).toEqual([]);
  }, 60_000);

  async function lenSchoolIds(): Promise<number[]> {
    return (await app.db.school.findMany({ where: { districtId: 'KG-GB-LEN' } })).map((s) => s.id);
  }

  it('refuses the district officer another district, by code and by a forged button', async () => {
    district.send('/reports 20001');
    await district.waitForBotMessage('Бул отчетту ачууга укугуңуз жок');
    district.send('/reports 10002');
    await district.waitForBotMessage((m) => (m as Message).photo !== undefined);
    await district.waitForBotMessage('Мектеп: № 2 орто мектеби');

    // forged buttons: a scope outside the officer's district, a payload that does not parse
    const last = district.lastBotMessage() as BotMessage;
    const forge = (data: string) => {
      const id = `forged-${data}`;
      app.sim.injectUpdate(
        {
          callback_query: {
            id,
            from: app.sim.userOf(district.persona),
            chat_instance: String(district.chatId),
            message: last as Message,
            data,
          },
        } as never,
        district.chatId,
      );
      return id;
    };
    forge(encodeReports({ a: 'view', scope: { level: 'district', id: 'KG-GB-OKT' } }));
    await district.waitForBotMessage('Бул отчетту ачууга укугуңуз жок');
    forge(encodeReports({ a: 'file', format: 'csv', scope: { level: 'region', id: 'KG-GB' } }));
    await district.waitForBotMessage('Бул отчетту ачууга укугуңуз жок');
    forge(encodeReports({ a: 'regions' }));
    await district.waitForBotMessage('Бул отчетту ачууга укугуңуз жок');
    const bad = forge('rp|v|n|KG');
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
    expect(await answerOf(bad)).toContain('эскирип калды');
    expect(app.sim.calls.filter((c) => c.method === 'sendDocument')).toHaveLength(1); // the XLSX only

    // a school by typed code
    district.press('⬅️ Отчеттор');
    await district.waitForBotMessage('Кайсы отчетту ачасыз?');
    district.press('🔎 Мектеп коду боюнча');
    await district.waitForBotMessage('Мектептин кодун жазыңыз');
    district.send('10 01');
    await district.waitForBotMessage('Мектептин коду сандардан');
    district.send('10003');
    await district.waitForBotMessage('Мектеп: № 3 орто мектеби');
    expect(app.errors).toEqual([]);
  }, 60_000);

  it('lets a ministry officer in Russian open the country, go down to a region and get the CSV and the PDF', async () => {
    const invite = await app.identity.createStaffInvite({
      role: 'ministry',
      scope: null,
      createdBy: { kind: 'cli', id: 'test' },
    });
    if (!invite.ok) throw new Error(invite.reason);
    ministry.start(invite.payload);
    await ministry.waitForBotMessage('Добро пожаловать');
    ministry.send('/reports');
    const menu = await ministry.waitForBotMessage('Какой отчёт открыть?');
    expect(ministry.buttons(menu)).toEqual([
      '🇰🇬 Вся страна',
      '🗺 Выбрать область или город',
      '🔎 Школа по коду',
    ]);
    ministry.press('🇰🇬 Вся страна');
    const photo = await ministry.waitForBotMessage((m) => (m as Message).photo !== undefined);
    expect(photo.caption).toContain('Вся страна: Кыргызская Республика');
    const text = await ministry.waitForBotMessage('Заявления:');
    const total = await app.db.application.count({ where: { status: { not: 'draft' } } });
    expect(text.text).toContain(`Заявления: ${total}`);
    ministry.press('город Бишкек');
    await ministry.waitForBotMessage((m) => (m as Message).photo !== undefined);
    const region = await ministry.waitForBotMessage('Область или город: город Бишкек');
    expect(ministry.buttons(region)).toContain('Ленинский район');

    ministry.press('📄 CSV');
    const csvMsg = await ministry.waitForBotMessage((m) => (m as Message).document !== undefined, 10_000);
    const csv = parseCsv(app.file(documentOf(csvMsg).file_id).toString('utf8'));
    expect(csv[0]?.slice(0, 4)).toEqual(['Область или город', 'Район', 'код', 'Школа']);
    expect(csv.map((r) => r[2])).toEqual(['код', '10001', '10002', '10003', '20001']);
    scanForPersonalData(csv.flat(), NAMES);

    ministry.press('📕 PDF');
    const pdfMsg = await ministry.waitForBotMessage(
      (m) => (m as Message).document?.file_name?.endsWith('.pdf') === true,
      15_000,
    );
    const pdf = app.file(documentOf(pdfMsg).file_id);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const words = pdfText(pdf);
    expect(words.replace(/\s+/g, '')).toContain('Ленинскийрайон');
    scanForPersonalData([words], NAMES);
    expect(app.errors).toEqual([]);
  }, 60_000);

  it('sends the open data to anyone, without personal data', async () => {
    const visitor = new SimUser(app.sim, VISITOR);
    visitor.send('/opendata');
    await visitor.waitForBotMessage('Open data');
    const first = await visitor.waitForBotMessage((m) => (m as Message).document !== undefined);
    const second = await visitor.waitForBotMessage((m) => (m as Message).document !== undefined);
    const files = [first, second].map((m) => documentOf(m));
    expect(files.map((f) => f.file_name)).toEqual([
      'kattoo-opendata-schools-2026-27.csv',
      'kattoo-opendata-districts-2026-27.csv',
    ]);
    expect(second.caption).toBe('By district, academic year 2026/27');
    const schools = parseCsv(app.file(files[0]?.file_id as string).toString('utf8'));
    const districts = parseCsv(app.file(files[1]?.file_id as string).toString('utf8'));
    expect(schools).toHaveLength(5);
    expect(districts.map((r) => r[6])).toEqual(['district_id', 'KG-GB-LEN', 'KG-GB-OKT']);
    scanForPersonalData([...schools.flat(), ...districts.flat()], NAMES);
    const apps = (schools[0] as string[]).indexOf('applications');
    const sum = schools.slice(1).reduce((a, r) => a + Number(r[apps]), 0);
    expect(sum).toBe(await app.db.application.count({ where: { status: { not: 'draft' } } }));
  });
});
