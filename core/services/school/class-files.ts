// Class lists as files (K-SCHOOL-7, K-TG-5): XLSX (exceljs) and PDF (pdfkit) with the DejaVu Sans
// font embedded from npm (`dejavu-fonts-ttf`), so Kyrgyz letters (Ң ө ү) render on any machine.
// The words come from the caller in the reader's language (the core holds no messages).
import { createRequire } from 'node:module';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import type { InstructionLanguage } from '../../domain/reference.ts';
import type { ClassList, SchoolClassLists, Sex } from './classes.ts';

const require = createRequire(import.meta.url);
/** DejaVu Sans: Cyrillic with the Kyrgyz letters ң ө ү (and their capitals). */
export const FONT_REGULAR = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
export const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const PDF_MIME = 'application/pdf';

export type ClassFileLabels = {
  /** document title, e.g. "1st-grade class lists" */
  title: string;
  school: string;
  academicYear: string;
  className: string;
  language: string;
  languageNames: Record<InstructionLanguage, string>;
  columns: {
    no: string;
    surname: string;
    name: string;
    patronymic: string;
    birthDate: string;
    sex: string;
    number: string;
  };
  sex: Record<Sex, string> & { unknown: string };
  /** shown in the number column for a direct admission */
  direct: string;
  total: string;
  girls: string;
  boys: string;
  generated: string;
  /** summary sheet name (XLSX) */
  summary: string;
};

const dmy = (iso: string | null) => (iso ? `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}` : '');
const sexText = (l: ClassFileLabels, s: Sex | null) => (s ? l.sex[s] : l.sex.unknown);
const counts = (c: ClassList) => ({
  total: c.pupils.length,
  girls: c.pupils.filter((p) => p.sex === 'F').length,
  boys: c.pupils.filter((p) => p.sex === 'M').length,
});
const stamp = (d: Date) =>
  new Intl.DateTimeFormat('ru-RU', {
    timeZone: 'Asia/Bishkek',
    dateStyle: 'short',
    timeStyle: 'short',
  }).format(d);

/** File name without extension: `classes-<school code>-<year>` (ASCII, safe everywhere). */
export function classFileName(lists: SchoolClassLists): string {
  return `classes-${lists.school.code}-${lists.academicYear.replace(/[^0-9]+/g, '-')}`.replace(
    /[^A-Za-z0-9_-]/g,
    '',
  );
}

/** The class lists as an XLSX workbook: a summary sheet, then one sheet per class. */
export async function classListsXlsx(
  lists: SchoolClassLists,
  labels: ClassFileLabels,
  lang: 'ky' | 'ru' | 'en',
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Kattoo';
  wb.created = lists.generatedAt;
  const schoolName = lists.school.name[lang];

  const summary = wb.addWorksheet(labels.summary.slice(0, 31));
  summary.addRow([labels.title]).font = { bold: true, size: 14 };
  summary.addRow([`${labels.school}: ${schoolName} (${lists.school.code})`]);
  summary.addRow([`${labels.academicYear}: ${lists.academicYear}`]);
  summary.addRow([`${labels.generated}: ${stamp(lists.generatedAt)}`]);
  summary.addRow([]);
  summary.addRow([labels.className, labels.language, labels.total, labels.girls, labels.boys]).font = {
    bold: true,
  };
  for (const c of lists.classes) {
    const n = counts(c);
    summary.addRow([c.name, labels.languageNames[c.language], n.total, n.girls, n.boys]);
  }
  summary.columns.forEach((col, i) => {
    col.width = i === 0 ? 14 : 18;
  });

  for (const c of lists.classes) {
    const ws = wb.addWorksheet(c.name.slice(0, 31));
    ws.addRow([`${labels.className} ${c.name}`]).font = { bold: true, size: 14 };
    ws.addRow([`${labels.school}: ${schoolName} (${lists.school.code})`]);
    ws.addRow([
      `${labels.language}: ${labels.languageNames[c.language]} · ${labels.academicYear}: ${lists.academicYear}`,
    ]);
    ws.addRow([]);
    const head = ws.addRow([
      labels.columns.no,
      labels.columns.surname,
      labels.columns.name,
      labels.columns.patronymic,
      labels.columns.birthDate,
      labels.columns.sex,
      labels.columns.number,
    ]);
    head.font = { bold: true };
    head.eachCell((cell) => {
      cell.border = { bottom: { style: 'thin' } };
    });
    for (const p of c.pupils) {
      ws.addRow([
        p.no,
        p.surname,
        p.name,
        p.patronymic ?? '',
        dmy(p.birthDate),
        sexText(labels, p.sex),
        p.direct ? labels.direct : (p.number ?? ''),
      ]);
    }
    const n = counts(c);
    ws.addRow([]);
    ws.addRow([`${labels.total}: ${n.total} · ${labels.girls}: ${n.girls} · ${labels.boys}: ${n.boys}`]);
    const widths = [5, 20, 16, 20, 13, 8, 16];
    widths.forEach((w, i) => {
      ws.getColumn(i + 1).width = w;
    });
    ws.views = [{ state: 'frozen', ySplit: 5 }];
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The class lists as a PDF: one A4 page per class, DejaVu Sans embedded. */
export function classListsPdf(
  lists: SchoolClassLists,
  labels: ClassFileLabels,
  lang: 'ky' | 'ru' | 'en',
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 40,
    autoFirstPage: false,
    info: { Title: `${labels.title} — ${lists.school.name[lang]}`, Creator: 'Kattoo', Producer: 'Kattoo' },
  });
  doc.registerFont('regular', FONT_REGULAR);
  doc.registerFont('bold', FONT_BOLD);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const cols = [
    { key: 'no', x: 40, w: 25 },
    { key: 'surname', x: 65, w: 110 },
    { key: 'name', x: 175, w: 90 },
    { key: 'patronymic', x: 265, w: 110 },
    { key: 'birthDate', x: 375, w: 65 },
    { key: 'sex', x: 440, w: 45 },
    { key: 'number', x: 485, w: 70 },
  ] as const;
  const pages = lists.classes.length > 0 ? lists.classes : [];
  if (pages.length === 0) {
    doc.addPage();
    doc.font('bold').fontSize(14).text(labels.title);
  }
  for (const c of pages) {
    doc.addPage();
    doc.font('bold').fontSize(15).text(`${labels.className} ${c.name}`);
    doc.font('regular').fontSize(10);
    doc.text(`${labels.school}: ${lists.school.name[lang]} (${lists.school.code})`);
    doc.text(
      `${labels.language}: ${labels.languageNames[c.language]} · ${labels.academicYear}: ${lists.academicYear}`,
    );
    doc.moveDown(0.8);
    let y = doc.y;
    doc.font('bold').fontSize(9);
    for (const col of cols) doc.text(labels.columns[col.key], col.x, y, { width: col.w - 4 });
    y += 16;
    doc
      .moveTo(40, y - 3)
      .lineTo(555, y - 3)
      .lineWidth(0.5)
      .stroke();
    doc.font('regular').fontSize(9);
    for (const p of c.pupils) {
      if (y > 780) {
        doc.addPage();
        y = 40;
      }
      const cells: Record<(typeof cols)[number]['key'], string> = {
        no: String(p.no),
        surname: p.surname,
        name: p.name,
        patronymic: p.patronymic ?? '',
        birthDate: dmy(p.birthDate),
        sex: sexText(labels, p.sex),
        number: p.direct ? labels.direct : (p.number ?? ''),
      };
      for (const col of cols)
        doc.text(cells[col.key], col.x, y, { width: col.w - 4, lineBreak: false, ellipsis: true });
      y += 15;
    }
    const n = counts(c);
    doc.font('regular').fontSize(10);
    doc.text(
      `${labels.total}: ${n.total} · ${labels.girls}: ${n.girls} · ${labels.boys}: ${n.boys}`,
      40,
      y + 10,
    );
    doc.fontSize(8).text(`${labels.generated}: ${stamp(lists.generatedAt)}`, 40, y + 28);
  }
  doc.end();
  return done;
}
