// Class formation on PostgreSQL and the class-list files (K-SCHOOL-7, R-10.8, K-TG-5): enrolled
// applications and direct admissions are split by language, moved within the size limit, and the
// XLSX and PDF open with real readers and hold the Kyrgyz letters as text.
import { inflateSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdjustableClock, bishkekTime } from '../../core/clock.ts';
import { identityService } from '../../core/services/identity.ts';
import {
  type ClassFileLabels,
  classListsPdf,
  classListsXlsx,
} from '../../core/services/school/class-files.ts';
import { classService } from '../../core/services/school/classes.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { CAMPAIGN, seedSmallWorld } from '../support/small-world.ts';

const DIRECTOR = 7_001_200_004;
const ADMISSIONS = 7_001_200_005;
const OTHER = 7_001_200_008;
const OFFICER = 7_002_300_006;

const SURNAMES = ['Өмүрбеков', 'Түгөлбаева', 'Аңызбеков', 'Үсөнова', 'Асанов', 'Ташиева', 'Ңаев', 'Бекова'];

const labels: ClassFileLabels = {
  title: 'Биринчи класстардын тизмеси',
  school: 'Мектеп',
  academicYear: 'Окуу жылы',
  className: 'Класс',
  language: 'Окутуу тили',
  languageNames: { ky: 'кыргыз', ru: 'орус', uz: 'өзбек', tg: 'тажик', en: 'англис' },
  columns: {
    no: '№',
    surname: 'Фамилиясы',
    name: 'Аты',
    patronymic: 'Атасынын аты',
    birthDate: 'Туулган күнү',
    sex: 'Жынысы',
    number: 'Арыз №',
  },
  sex: { F: 'кыз', M: 'эркек', unknown: '—' },
  direct: 'түз кабыл алуу',
  total: 'Бардыгы',
  girls: 'кыздар',
  boys: 'эркектер',
  generated: 'Түзүлгөн',
  summary: 'Жыйынтык',
};

/** Text shown in a pdfkit PDF: content streams' hex glyph strings mapped through the ToUnicode CMaps. */
function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const streams: string[] = [];
  const re = /stream\r?\n/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    const bytes = pdf.subarray(start, end);
    try {
      streams.push(inflateSync(bytes).toString('latin1'));
    } catch {
      streams.push(bytes.toString('latin1'));
    }
  }
  const map = new Map<string, string>();
  for (const s of streams) {
    for (const block of s.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
      for (const [, from, to] of (block[1] ?? '').matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g))
        map.set((from as string).toLowerCase(), String.fromCharCode(Number.parseInt(to as string, 16)));
    }
    for (const block of s.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
      for (const [, lo, hi, rest] of (block[1] ?? '').matchAll(
        /<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)/g,
      )) {
        const a = Number.parseInt(lo as string, 16);
        const b = Number.parseInt(hi as string, 16);
        const width = (lo as string).length;
        const targets = (rest as string).startsWith('[')
          ? [...(rest as string).matchAll(/<([0-9a-fA-F]+)>/g)].map((x) =>
              Number.parseInt(x[1] as string, 16),
            )
          : null;
        const base = targets ? 0 : Number.parseInt((rest as string).slice(1, -1), 16);
        for (let c = a; c <= b; c++)
          map.set(
            c.toString(16).padStart(width, '0'),
            String.fromCharCode(targets ? (targets[c - a] ?? 0) : base + c - a),
          );
      }
    }
  }
  let out = '';
  for (const s of streams) {
    for (const [, hex] of s.matchAll(/<([0-9a-fA-F]+)>/g)) {
      const h = (hex as string).toLowerCase();
      for (let i = 0; i + 4 <= h.length; i += 4)
        out += map.get(h.slice(i, i + 4)) ?? map.get(h.slice(i + 2, i + 4)) ?? '';
      out += ' ';
    }
  }
  return out;
}

describe('class formation and class-list files (K-SCHOOL-7)', () => {
  let t: TestDatabase;
  const clock = new AdjustableClock(bishkekTime('2026-09-01', '09:00'));
  let classes: ReturnType<typeof classService>;
  let schoolId: number;

  beforeAll(async () => {
    t = await createTestDatabase();
    const { codes } = await seedSmallWorld(t.db);
    const schools = await t.db.school.findMany({ where: { code: { in: codes } }, orderBy: { id: 'asc' } });
    schoolId = (schools[0] as { id: number }).id;
    await t.db.quota.updateMany({ where: { schoolId }, data: { seats: 100, classSize: 10 } });
    await t.db.staffMember.createMany({
      data: [
        { telegramId: BigInt(DIRECTOR), role: 'director', schoolId },
        { telegramId: BigInt(ADMISSIONS), role: 'admissions', schoolId },
        { telegramId: BigInt(OTHER), role: 'director', schoolId: (schools[1] as { id: number }).id },
        { telegramId: BigInt(OFFICER), role: 'district', territoryId: 'KG-GB-LEN' },
      ],
    });
    // 23 Kyrgyz-language children (12 girls, 11 boys), 6 Russian-language ones; one enrolled elsewhere
    for (let i = 0; i < 30; i++) {
      const language = i < 23 ? 'ky' : i < 29 ? 'ru' : 'ky';
      await t.db.application.create({
        data: {
          number: `2026-${String(100 + i).padStart(7, '0')}`,
          campaignId: CAMPAIGN,
          telegramId: BigInt(5000 + i),
          applicantPin: `10101198000${String(i).padStart(3, '0')}`,
          childPin: `20101201900${String(i).padStart(3, '0')}`,
          certificateSeries: 'KG',
          certificateNumber: String(i),
          status: 'enrolled',
          schoolId: i === 29 ? (schools[1] as { id: number }).id : schoolId,
          language,
          child: {
            surname: SURNAMES[i % SURNAMES.length],
            name: i % 2 === 0 ? 'Айгүл' : 'Нурбек',
            sex: i % 2 === 0 ? 'F' : 'M',
            birthDate: `2019-05-0${(i % 9) + 1}`,
          },
        },
      });
    }
    await t.db.directAdmission.create({
      data: {
        schoolId,
        campaignId: CAMPAIGN,
        language: 'ky',
        childName: 'Жээнбеков Өмүр Ңурланович',
        sex: 'M',
        childPin: '20202201800123',
        ground: 'commission',
        documentNumber: 'КДН-12',
        createdBy: 1,
      },
    });
    const identity = identityService({ db: t.db, clock, publicUrl: 'http://localhost' });
    classes = classService({ db: t.db, clock, identity });
  });
  afterAll(() => t.drop());

  it('forms classes per language, lettered across the school, within the size, girls and boys balanced', async () => {
    await expect(classes.form(OTHER, schoolId)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(classes.form(OFFICER, schoolId)).rejects.toMatchObject({ code: 'forbidden' });
    const o = await classes.form(ADMISSIONS, schoolId);
    const ky = o.languages.find((l) => l.language === 'ky');
    const ru = o.languages.find((l) => l.language === 'ru');
    // 23 + 1 direct = 24 Kyrgyz-language children in classes of ≤ 10 → 3 classes of 8
    expect(ky?.classes.map((c) => [c.name, c.size])).toEqual([
      ['1-А', 8],
      ['1-Б', 8],
      ['1-В', 8],
    ]);
    for (const c of ky?.classes ?? []) expect(Math.abs(c.girls - c.boys)).toBeLessThanOrEqual(1);
    expect(ru?.classes.map((c) => [c.name, c.size])).toEqual([['1-Г', 6]]);
    expect(ky?.unassigned).toBe(0);
    // forming again changes nothing (deterministic, keeps the classes)
    const again = await classes.form(DIRECTOR, schoolId);
    expect(again.languages).toEqual(o.languages);
  });

  it('moves a child within the language and the size limit; logs every read of names', async () => {
    const a = await classes.classList(DIRECTOR, schoolId, '1-А');
    expect(a.pupils).toHaveLength(8);
    expect(await t.db.accessLog.count({ where: { what: 'class_list' } })).toBeGreaterThanOrEqual(7);
    const first = a.pupils[0];
    if (!first) throw new Error('empty class');
    await expect(classes.move(DIRECTOR, first.assignmentId, '1-Г')).rejects.toMatchObject({
      code: 'class_not_found',
    });
    await expect(classes.move(DIRECTOR, first.assignmentId, '1-А')).rejects.toMatchObject({
      code: 'same_class',
    });
    await expect(classes.move(OTHER, first.assignmentId, '1-Б')).rejects.toMatchObject({ code: 'forbidden' });
    await classes.move(DIRECTOR, first.assignmentId, '1-Б');
    await classes.move(DIRECTOR, (a.pupils[1] as { assignmentId: number }).assignmentId, '1-Б');
    // 1-Б now has 10 = the class size: full
    await expect(
      classes.move(DIRECTOR, (a.pupils[2] as { assignmentId: number }).assignmentId, '1-Б'),
    ).rejects.toMatchObject({
      code: 'class_full',
    });
    const o = await classes.overview(DIRECTOR, schoolId);
    expect(o.languages.find((l) => l.language === 'ky')?.classes.map((c) => c.size)).toEqual([6, 10, 8]);
    expect(await t.db.auditEvent.count({ where: { action: 'classes.moved' } })).toBe(2);
  });

  it('a newly enrolled child joins a class with room; a withdrawn one leaves', async () => {
    await t.db.directAdmission.create({
      data: {
        schoolId,
        campaignId: CAMPAIGN,
        language: 'ky',
        childName: 'Асанова Мээрим',
        sex: 'ж',
        ground: 'over_age',
        documentNumber: 'КДН-13',
        createdBy: 1,
      },
    });
    const o = await classes.form(DIRECTOR, schoolId);
    const ky = o.languages.find((l) => l.language === 'ky');
    expect(ky?.classes.map((c) => c.size).reduce((a, b) => a + b, 0)).toBe(25);
    expect(ky?.classes.every((c) => c.size <= 10)).toBe(true);
    // the reset forms afresh
    const reset = await classes.form(DIRECTOR, schoolId, { reset: true });
    expect(reset.languages.find((l) => l.language === 'ky')?.classes.map((c) => c.size)).toEqual([9, 8, 8]);
  });

  it('writes an XLSX that exceljs reads back, with Kyrgyz letters', async () => {
    const lists = await classes.lists(DIRECTOR, schoolId);
    expect(lists.classes.map((c) => c.name)).toEqual(['1-А', '1-Б', '1-В', '1-Г']);
    const xlsx = await classListsXlsx(lists, labels, 'ky');
    expect(xlsx.subarray(0, 2).toString()).toBe('PK');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Жыйынтык', '1-А', '1-Б', '1-В', '1-Г']);
    const sheet = wb.getWorksheet('1-А');
    const cells: string[] = [];
    sheet?.eachRow((row) => {
      row.eachCell((c) => {
        cells.push(String(c.value));
      });
    });
    const text = cells.join(' ');
    expect(text).toMatch(/Ө/);
    expect(text).toMatch(/ү/);
    expect(text).toContain('Фамилиясы');
    expect(text).toMatch(/Жээнбеков|Өмүрбеков|Түгөлбаева/);
    expect(await t.db.accessLog.count({ where: { what: 'class_list_file' } })).toBeGreaterThanOrEqual(25);
  });

  it('writes a PDF with the DejaVu font embedded and "Ң ө ү" as text', async () => {
    const lists = await classes.lists(DIRECTOR, schoolId);
    const pdf = await classListsPdf(lists, labels, 'ky');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans/);
    expect(pdf.toString('latin1')).toContain('/ToUnicode');
    const text = pdfText(pdf);
    expect(text).toContain('Ң');
    expect(text).toContain('ө');
    expect(text).toContain('ү');
    expect(text.replace(/\s+/g, '')).toContain('Түгөлбаева');
    expect(text.replace(/\s+/g, '')).toContain('Аңызбеков');
  });

  it('refuses files when no class is formed', async () => {
    const other = await t.db.school.findFirstOrThrow({ where: { code: '10002' } });
    await expect(classes.lists(OTHER, other.id)).rejects.toMatchObject({ code: 'no_classes' });
  });
});
