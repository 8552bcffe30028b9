// A report as files (K-OVER-1): a short text summary, CSV (streamed), XLSX (exceljs' streaming
// writer) and PDF (pdfkit with DejaVu Sans embedded from npm, so Kyrgyz letters render anywhere).
// The files hold figures and the names of schools and territories only — never a person (K-OVER-5,
// K-CORE-5). Every word comes from `labels` in the reader's language.
import { createRequire } from 'node:module';
import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import { fill, type ReportLabels, type ReportLang } from './labels.ts';
import {
  REPORT_BASES,
  REPORT_LANGUAGES,
  REPORT_PRIORITIES,
  REPORT_SEXES,
  REPORT_STATUSES,
  type Report,
  type SchoolRow,
  type StatusCounts,
} from './model.ts';

const require = createRequire(import.meta.url);
const FONT_REGULAR = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const PDF_MIME = 'application/pdf';
export const CSV_MIME = 'text/csv';

export const numberFormat = (lang: ReportLang) => new Intl.NumberFormat(lang === 'en' ? 'en-US' : 'ru-RU');

/** Date and time in Bishkek, dd.mm.yyyy hh:mm. */
export const stamp = (d: Date) =>
  new Intl.DateTimeFormat('ru-RU', {
    timeZone: 'Asia/Bishkek',
    dateStyle: 'short',
    timeStyle: 'short',
  }).format(d);

/** `report-<level>-<id>-<yyyymmdd>` (ASCII, safe everywhere) without extension. */
export function reportFileName(report: Report): string {
  const day = new Date(report.generatedAt.getTime() + 6 * 3_600_000)
    .toISOString()
    .slice(0, 10)
    .replace(/-/g, '');
  return `report-${report.scope.level}-${report.scope.id}-${day}`.replace(/[^A-Za-z0-9_-]/g, '');
}

/** The scope in words: "District: Lenin District (Bishkek City)". */
export function scopeTitle(report: Report, labels: ReportLabels, lang: ReportLang): string {
  const s = report.scope;
  const within = s.level === 'school' ? s.district : s.level === 'district' ? s.region : undefined;
  const code = s.level === 'school' ? ` · ${labels.code} ${s.id}` : '';
  return `${labels.levels[s.level]}: ${s.name[lang]}${within ? ` (${within.name[lang]})` : ''}${code}`;
}

/**
 * The short text: a few lines of plain text (the caller escapes and styles them). Figures that are
 * zero everywhere are left out, except applications and seats.
 */
export function reportSummary(report: Report, labels: ReportLabels, lang: ReportLang): string[] {
  const nf = numberFormat(lang);
  const n = (v: number) => nf.format(v);
  const a = report.applications;
  const join = (parts: string[]) => parts.join(' · ');
  const lines = [
    scopeTitle(report, labels, lang),
    `${fill(labels.campaign, { year: report.campaign.academicYear })} · ${labels.generated}: ${stamp(report.generatedAt)}`,
    '',
    `${labels.applications}: ${n(a.total)}${report.drafts > 0 ? ` (${labels.drafts.toLowerCase()}: ${n(report.drafts)})` : ''}`,
  ];
  const statuses = REPORT_STATUSES.filter((s) => a[s] > 0).map((s) => `${labels.statuses[s]} ${n(a[s])}`);
  if (statuses.length > 0) lines.push(join(statuses));
  const part = <K extends string>(
    title: string,
    keys: readonly K[],
    counts: Record<K, StatusCounts>,
    names: Record<K, string>,
  ) => {
    const parts = keys.filter((k) => counts[k].total > 0).map((k) => `${names[k]} ${n(counts[k].total)}`);
    if (parts.length > 0) lines.push(`${title}: ${join(parts)}`);
  };
  part(labels.stage, REPORT_BASES, report.byBasis, labels.bases);
  part(labels.language, REPORT_LANGUAGES, report.byLanguage, labels.languages);
  part(
    labels.priority,
    REPORT_PRIORITIES.filter((p) => p !== 'none'),
    report.byPriority,
    labels.priorities,
  );
  part(labels.sex, REPORT_SEXES, report.bySex, labels.sexes);
  const t = report.seats.total;
  lines.push(
    '',
    `${labels.seats}: ${n(t.seats)} · ${labels.taken} ${n(t.taken)} · ${labels.free} ${n(t.free)}`,
  );
  const freeBy = REPORT_LANGUAGES.filter((l) => report.seats.byLanguage[l].seats > 0).map(
    (l) => `${labels.languages[l]} ${n(report.seats.byLanguage[l].free)}`,
  );
  if (freeBy.length > 1) lines.push(`${labels.free}: ${join(freeBy)}`);
  if (report.direct.total > 0) lines.push(`${labels.direct}: ${n(report.direct.total)}`);
  if (report.appeals.open > 0 || report.appeals.overdue > 0) {
    lines.push(
      `${labels.appealsOpen}: ${n(report.appeals.open)}${report.appeals.overdue > 0 ? ` · ⚠️ ${labels.appealsOverdue}: ${n(report.appeals.overdue)}` : ''}`,
    );
  }
  return lines;
}

// --- tables shared by CSV, XLSX and PDF --------------------------------------------------------

type Cell = string | number;

/** The per-school table: one row per school of the scope. */
export function schoolTable(
  schools: SchoolRow[],
  labels: ReportLabels,
  lang: ReportLang,
): { head: string[]; rows: Cell[][] } {
  const head = [
    labels.region,
    labels.district,
    labels.code,
    labels.school,
    labels.applications,
    ...REPORT_STATUSES.map((s) => labels.statuses[s]),
    ...REPORT_BASES.filter((b) => b !== '-').map((b) => labels.bases[b]),
    ...REPORT_LANGUAGES.map((l) => `${labels.applications}: ${labels.languages[l]}`),
    ...REPORT_PRIORITIES.filter((p) => p !== 'none').map((p) => labels.priorities[p]),
    labels.sexes.F,
    labels.sexes.M,
    labels.seats,
    labels.taken,
    labels.free,
    ...REPORT_LANGUAGES.map((l) => `${labels.free}: ${labels.languages[l]}`),
    labels.direct,
    labels.appealsOpen,
    labels.appealsOverdue,
  ];
  const rows = schools.map((s): Cell[] => [
    s.regionName[lang],
    s.districtName[lang],
    s.code,
    s.name[lang],
    s.applications.total,
    ...REPORT_STATUSES.map((x) => s.applications[x]),
    ...REPORT_BASES.filter((b) => b !== '-').map((b) => s.byBasis[b]),
    ...REPORT_LANGUAGES.map((l) => s.byLanguage[l]),
    ...REPORT_PRIORITIES.filter((p) => p !== 'none').map((p) => s.byPriority[p]),
    s.bySex.F,
    s.bySex.M,
    s.seats.seats,
    s.seats.taken,
    s.seats.free,
    ...REPORT_LANGUAGES.map((l) => s.seatsByLanguage[l].free),
    s.direct,
    s.appealsOpen,
    s.appealsOverdue,
  ]);
  return { head, rows };
}

/** The table of units below the scope (regions, districts or schools). */
export function unitTable(
  report: Report,
  labels: ReportLabels,
  lang: ReportLang,
): { head: string[]; rows: Cell[][] } {
  const kind = report.units[0]?.kind ?? 'school';
  const head = [
    kind === 'school' ? labels.code : 'ID',
    labels.sections.units[kind],
    labels.schools,
    labels.applications,
    ...REPORT_STATUSES.map((s) => labels.statuses[s]),
    labels.seats,
    labels.taken,
    labels.free,
    labels.direct,
    labels.appealsOpen,
    labels.appealsOverdue,
  ];
  const rows = report.units.map((u): Cell[] => [
    u.id,
    u.name[lang],
    u.schools,
    u.applications.total,
    ...REPORT_STATUSES.map((s) => u.applications[s]),
    u.seats.seats,
    u.seats.taken,
    u.seats.free,
    u.direct,
    u.appealsOpen,
    u.appealsOverdue,
  ]);
  return { head, rows };
}

/** A breakdown (by stage, language, …) as rows of counts by status. */
function breakdown<K extends string>(
  keys: readonly K[],
  counts: Record<K, StatusCounts>,
  names: Record<K, string>,
  keepEmpty = false,
): Cell[][] {
  return keys
    .filter((k) => keepEmpty || counts[k].total > 0)
    .map((k) => [names[k], counts[k].total, ...REPORT_STATUSES.map((s) => counts[k][s])]);
}

function summaryBlocks(
  report: Report,
  labels: ReportLabels,
): { title: string; head: string[]; rows: Cell[][] }[] {
  const statusHead = ['', labels.applications, ...REPORT_STATUSES.map((s) => labels.statuses[s])];
  const blocks = [
    {
      title: labels.sections.status,
      head: statusHead,
      rows: [
        [labels.total, report.applications.total, ...REPORT_STATUSES.map((s) => report.applications[s])],
      ],
    },
    {
      title: labels.sections.basis,
      head: statusHead,
      rows: breakdown(REPORT_BASES, report.byBasis, labels.bases),
    },
    {
      title: labels.sections.language,
      head: statusHead,
      rows: breakdown(REPORT_LANGUAGES, report.byLanguage, labels.languages),
    },
    {
      title: labels.sections.priority,
      head: statusHead,
      rows: breakdown(REPORT_PRIORITIES, report.byPriority, labels.priorities),
    },
    {
      title: labels.sections.sex,
      head: statusHead,
      rows: breakdown(REPORT_SEXES, report.bySex, labels.sexes),
    },
    {
      title: labels.sections.seats,
      head: ['', labels.seats, labels.taken, labels.free, labels.schoolsWithQuota, labels.direct],
      rows: [
        ...REPORT_LANGUAGES.filter(
          (l) => report.seats.byLanguage[l].seats > 0 || report.direct.byLanguage[l] > 0,
        ).map((l): Cell[] => {
          const s = report.seats.byLanguage[l];
          return [labels.languages[l], s.seats, s.taken, s.free, s.schools, report.direct.byLanguage[l]];
        }),
        [
          labels.total,
          report.seats.total.seats,
          report.seats.total.taken,
          report.seats.total.free,
          report.seats.total.schools,
          report.direct.total,
        ],
      ],
    },
    {
      title: labels.sections.appeals,
      head: ['', labels.total],
      rows: [
        [labels.appealsOpen, report.appeals.open],
        [labels.appealsOverdue, report.appeals.overdue],
      ],
    },
  ];
  return blocks;
}

function seriesTable(report: Report, labels: ReportLabels): { head: string[]; rows: Cell[][] } {
  return {
    head: [labels.day, labels.applications, ...REPORT_STATUSES.map((s) => labels.statuses[s])],
    rows: report.series.days.map((d, i) => [
      d,
      report.series.total[i] ?? 0,
      ...REPORT_STATUSES.map((s) => report.series.byStatus[s][i] ?? 0),
    ]),
  };
}

// --- CSV ----------------------------------------------------------------------------------------

/** One CSV field (RFC 4180); text that a spreadsheet would run as a formula is defused. */
export function csvField(v: Cell): string {
  if (typeof v === 'number') return String(v);
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvLine = (cells: Cell[]) => `${cells.map(csvField).join(',')}\r\n`;

/**
 * The report as CSV, streamed: the per-school table when `schools` is given (every school of the
 * scope), else the units table. UTF-8 with a byte-order mark so spreadsheets read Cyrillic.
 */
export function reportCsv(
  report: Report,
  schools: SchoolRow[] | null,
  labels: ReportLabels,
  lang: ReportLang,
): Readable {
  const table = schools ? schoolTable(schools, labels, lang) : unitTable(report, labels, lang);
  async function* lines() {
    yield '\uFEFF';
    yield csvLine(table.head);
    let chunk = '';
    for (let i = 0; i < table.rows.length; i++) {
      chunk += csvLine(table.rows[i] as Cell[]);
      if (chunk.length > 64_000) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  return Readable.from(lines(), { objectMode: false });
}

/** Collects a stream into one Buffer. */
export async function toBuffer(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks);
}

// --- XLSX ---------------------------------------------------------------------------------------

/**
 * The report as an XLSX workbook written by exceljs' streaming writer (rows are committed as they are
 * written, so a national list of schools never sits in memory as a workbook): a summary sheet, the
 * units below the scope, every school of the scope, and the days of the series.
 */
export function reportXlsxStream(
  report: Report,
  schools: SchoolRow[] | null,
  labels: ReportLabels,
  lang: ReportLang,
): Readable {
  const out = new PassThrough();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  wb.creator = 'Kattoo';
  wb.created = report.generatedAt;
  const bold = { bold: true };
  // Sheet names: at most 31 characters, none of []:*?/\\, unique in the workbook.
  const used = new Set<string>();
  const sheetName = (wanted: string) => {
    const base = wanted.replace(/[[\]:*?/\\]/g, ' ').slice(0, 28) || 'Sheet';
    let name = base;
    for (let i = 2; used.has(name.toLowerCase()); i++) name = `${base} ${i}`;
    used.add(name.toLowerCase());
    return name;
  };
  const write = async () => {
    const sum = wb.addWorksheet(sheetName(labels.sheets.summary));
    sum.getColumn(1).width = 34;
    for (let i = 2; i <= 10; i++) sum.getColumn(i).width = 16;
    const title = sum.addRow([labels.title]);
    title.font = { bold: true, size: 14 };
    title.commit();
    sum.addRow([scopeTitle(report, labels, lang)]).commit();
    sum.addRow([fill(labels.campaign, { year: report.campaign.academicYear })]).commit();
    sum.addRow([`${labels.generated}: ${stamp(report.generatedAt)}`]).commit();
    sum.addRow([labels.schools, report.schools]).commit();
    sum.addRow([labels.drafts, report.drafts]).commit();
    for (const b of summaryBlocks(report, labels)) {
      sum.addRow([]).commit();
      const t = sum.addRow([b.title]);
      t.font = { bold: true, size: 12 };
      t.commit();
      const h = sum.addRow(b.head);
      h.font = bold;
      h.commit();
      for (const r of b.rows) sum.addRow(r).commit();
    }
    sum.commit();

    // the units sheet, unless its units are the schools the schools sheet lists in full
    const kind = report.units[0]?.kind ?? 'school';
    if (report.units.length > 0 && !(kind === 'school' && schools)) {
      const ws = wb.addWorksheet(sheetName(labels.sections.units[kind]));
      const t = unitTable(report, labels, lang);
      ws.columns = t.head.map((_, i) => ({ width: i === 1 ? 40 : 13 }));
      const h = ws.addRow(t.head);
      h.font = bold;
      h.commit();
      for (const r of t.rows) ws.addRow(r).commit();
      ws.commit();
    }

    if (schools) {
      const ws = wb.addWorksheet(sheetName(labels.sheets.schools));
      const t = schoolTable(schools, labels, lang);
      ws.columns = t.head.map((_, i) => ({ width: i === 3 ? 44 : i < 2 ? 24 : 12 }));
      const h = ws.addRow(t.head);
      h.font = bold;
      h.commit();
      for (const r of t.rows) ws.addRow(r).commit();
      ws.commit();
    }

    if (report.series.days.length > 0) {
      const ws = wb.addWorksheet(sheetName(labels.sheets.series));
      const t = seriesTable(report, labels);
      ws.columns = t.head.map((_, i) => ({ width: i === 0 ? 14 : 16 }));
      const h = ws.addRow(t.head);
      h.font = bold;
      h.commit();
      for (const r of t.rows) ws.addRow(r).commit();
      ws.commit();
    }
    await wb.commit();
  };
  write().catch((e) => out.destroy(e instanceof Error ? e : new Error(String(e))));
  return out;
}

export function reportXlsx(
  report: Report,
  schools: SchoolRow[] | null,
  labels: ReportLabels,
  lang: ReportLang,
): Promise<Buffer> {
  return toBuffer(reportXlsxStream(report, schools, labels, lang));
}

// --- PDF ----------------------------------------------------------------------------------------

/**
 * The report as a PDF (A4 landscape): title and scope, the chart picture when given, the summary
 * tables, then the units below the scope (over as many pages as they need).
 */
export function reportPdf(
  report: Report,
  labels: ReportLabels,
  lang: ReportLang,
  chartPng?: Buffer,
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 36,
    info: {
      Title: `${labels.title} — ${report.scope.name[lang]}`,
      Creator: 'Kattoo',
      Producer: 'Kattoo',
    },
  });
  doc.registerFont('regular', FONT_REGULAR);
  doc.registerFont('bold', FONT_BOLD);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const left = 36;
  const right = doc.page.width - 36;
  const bottom = doc.page.height - 40;

  doc.font('bold').fontSize(16).text(labels.title, left, 36);
  doc
    .font('bold')
    .fontSize(12)
    .text(scopeTitle(report, labels, lang));
  doc
    .font('regular')
    .fontSize(10)
    .text(
      `${fill(labels.campaign, { year: report.campaign.academicYear })} · ${labels.generated}: ${stamp(report.generatedAt)}`,
    );
  doc.moveDown(0.6);
  for (const line of reportSummary(report, labels, lang).slice(3)) {
    if (line === '') doc.moveDown(0.3);
    else
      doc
        .font('regular')
        .fontSize(10)
        .text(line, { width: right - left });
  }

  if (chartPng) {
    doc.addPage();
    const maxW = right - left;
    const maxH = bottom - 36;
    doc.image(chartPng, left, 36, { fit: [maxW, maxH] });
  }

  /** Draws a table; starts a new page when the next row would not fit. */
  const table = (title: string, head: string[], rows: Cell[][], widths: number[]) => {
    const lineH = 14;
    if (doc.y + 3 * lineH > bottom) doc.addPage();
    doc
      .font('bold')
      .fontSize(11)
      .text(title, left, doc.y + 6);
    let y = doc.y + 4;
    const drawHead = () => {
      doc.font('bold').fontSize(8);
      let x = left;
      const h = 24;
      head.forEach((c, i) => {
        const numeric = typeof rows[0]?.[i] === 'number';
        doc.text(c, x, y, {
          width: (widths[i] ?? 50) - 4,
          height: h,
          ellipsis: true,
          align: numeric ? 'right' : 'left',
        });
        x += widths[i] ?? 50;
      });
      y += h;
      doc
        .moveTo(left, y - 2)
        .lineTo(Math.min(right, x), y - 2)
        .lineWidth(0.5)
        .stroke();
    };
    drawHead();
    doc.font('regular').fontSize(8);
    for (const r of rows) {
      if (y + lineH > bottom) {
        doc.addPage();
        y = 36;
        drawHead();
        doc.font('regular').fontSize(8);
      }
      let x = left;
      r.forEach((c, i) => {
        const w = widths[i] ?? 50;
        doc.text(typeof c === 'number' ? String(c) : c, x, y, {
          width: w - 4,
          lineBreak: false,
          ellipsis: true,
          align: typeof c === 'number' ? 'right' : 'left',
        });
        x += w;
      });
      y += lineH;
    }
    doc.x = left;
    doc.y = y + 6;
  };

  doc.addPage();
  const widthsFor = (n: number, first: number) => {
    const rest = (right - left - first) / Math.max(1, n - 1);
    return [first, ...Array.from({ length: n - 1 }, () => rest)];
  };
  for (const b of summaryBlocks(report, labels)) {
    table(b.title, b.head, b.rows, widthsFor(b.head.length, 170));
  }
  if (report.units.length > 0) {
    // a narrower table than the files' one: the statuses that matter for places
    const kind = report.units[0]?.kind ?? 'school';
    const head = [
      kind === 'school' ? labels.code : 'ID',
      labels.sections.units[kind],
      labels.schools,
      labels.applications,
      labels.statuses.admitted,
      labels.statuses.enrolled,
      labels.statuses.waitlisted,
      labels.statuses.rejected,
      labels.seats,
      labels.free,
      labels.direct,
      labels.appealsOverdue,
    ];
    const rows = report.units.map((u): Cell[] => [
      u.id,
      u.name[lang],
      u.schools,
      u.applications.total,
      u.applications.admitted,
      u.applications.enrolled,
      u.applications.waitlisted,
      u.applications.rejected,
      u.seats.seats,
      u.seats.free,
      u.direct,
      u.appealsOverdue,
    ]);
    const rest = (right - left - 250) / (head.length - 2);
    table(labels.sections.units[kind], head, rows, [
      50,
      200,
      ...Array.from({ length: head.length - 2 }, () => rest),
    ]);
  }
  if (report.series.days.length > 0) {
    const t = seriesTable(report, labels);
    table(labels.sections.series, t.head, t.rows, widthsFor(t.head.length, 90));
  }
  doc.end();
  return done;
}
