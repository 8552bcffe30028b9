// The report's chart picture (K-OVER-1): drawn as SVG here and rasterised to PNG by resvg (prebuilt
// binaries shipped as npm packages, no native build, no download), with the DejaVu Sans font from npm
// (`dejavu-fonts-ttf`) so Kyrgyz letters (Ң ө ү) render on any machine; system fonts are not used.
// Three panels: applications by status per unit below the scope (stacked bars; per language for a
// school), seats taken and free by language, and applications through time when there are days.
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import { fill, type ReportLabels, type ReportLang } from './labels.ts';
import {
  REPORT_LANGUAGES,
  REPORT_STATUSES,
  type Report,
  type ReportStatus,
  type StatusCounts,
} from './model.ts';

const require = createRequire(import.meta.url);
const FONT_REGULAR = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

export const PNG_MIME = 'image/png';

/** Colours per status: waiting in grey-blue, seats in greens, waiting list in amber, endings muted. */
export const STATUS_COLOURS: Record<ReportStatus, string> = {
  submitted: '#7f9cc0',
  admitted: '#4caf50',
  enrolled: '#1b5e20',
  waitlisted: '#f0a030',
  released: '#9575cd',
  withdrawn: '#bdbdbd',
  rejected: '#e53935',
};

const WIDTH = 1000;
const PAD = 24;
const LABEL_W = 300;
const BAR_H = 18;
const ROW_H = 26;
/** At most this many bars; the rest are summed into "others". */
export const MAX_BARS = 20;

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const numberFormat = (lang: ReportLang) => new Intl.NumberFormat(lang === 'en' ? 'en-US' : 'ru-RU');

/** Cuts a label to about `px` pixels of DejaVu Sans at `size` (≈ 0.6 em per character). */
function clip(s: string, px: number, size: number): string {
  const max = Math.max(4, Math.floor(px / (size * 0.6)));
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

type Bar = { label: string; counts: StatusCounts; others?: boolean };

function bars(report: Report, labels: ReportLabels, lang: ReportLang): Bar[] {
  if (report.units.length === 0) {
    return REPORT_LANGUAGES.filter((l) => report.byLanguage[l].total > 0).map((l) => ({
      label: labels.languages[l],
      counts: report.byLanguage[l],
    }));
  }
  const list = report.units.map((u) => ({ label: u.name[lang], counts: u.applications }));
  if (list.length <= MAX_BARS) return list;
  // Many units (the schools of a district): the largest ones, then the rest together.
  const sorted = [...list].sort((a, b) => b.counts.total - a.counts.total);
  const top = sorted.slice(0, MAX_BARS - 1);
  const rest = sorted.slice(MAX_BARS - 1);
  const others = { total: 0 } as StatusCounts;
  for (const s of REPORT_STATUSES) others[s] = rest.reduce((a, b) => a + b.counts[s], 0);
  others.total = rest.reduce((a, b) => a + b.counts.total, 0);
  return [...top, { label: fill(labels.chart.others, { count: rest.length }), counts: others, others: true }];
}

/** The chart as SVG (1000 px wide; the height follows the content). */
export function reportChartSvg(report: Report, labels: ReportLabels, lang: ReportLang): string {
  const nf = numberFormat(lang);
  const out: string[] = [];
  let y = PAD;
  const text = (
    x: number,
    yy: number,
    s: string,
    o: { size?: number; bold?: boolean; anchor?: string; fill?: string } = {},
  ) =>
    out.push(
      `<text x="${x}" y="${yy}" font-size="${o.size ?? 13}" font-weight="${o.bold ? 'bold' : 'normal'}"${o.anchor ? ` text-anchor="${o.anchor}"` : ''} fill="${o.fill ?? '#212121'}">${esc(s)}</text>`,
    );

  // Title
  const scopeName = report.scope.name[lang];
  text(PAD, y + 18, clip(`${labels.levels[report.scope.level]}: ${scopeName}`, WIDTH - 2 * PAD, 20), {
    size: 20,
    bold: true,
  });
  y += 30;
  const stamp = new Intl.DateTimeFormat('ru-RU', {
    timeZone: 'Asia/Bishkek',
    dateStyle: 'short',
    timeStyle: 'short',
  }).format(report.generatedAt);
  text(
    PAD,
    y + 14,
    `${fill(labels.campaign, { year: report.campaign.academicYear })} · ${labels.generated}: ${stamp} · ${labels.applications}: ${nf.format(report.applications.total)}`,
    { size: 13, fill: '#555' },
  );
  y += 34;

  // Panel 1: applications by status per unit
  text(PAD, y + 14, labels.chart.byStatus, { size: 15, bold: true });
  y += 24;
  // legend
  let lx = PAD;
  for (const s of REPORT_STATUSES) {
    const w = 36 + labels.statuses[s].length * 7.6;
    if (lx + w > WIDTH - PAD) {
      lx = PAD;
      y += 20;
    }
    out.push(`<rect x="${lx}" y="${y + 3}" width="12" height="12" fill="${STATUS_COLOURS[s]}"/>`);
    text(lx + 16, y + 14, labels.statuses[s], { size: 12 });
    lx += w;
  }
  y += 26;
  const list = bars(report, labels, lang);
  const plotX = PAD + LABEL_W;
  const plotW = WIDTH - PAD - plotX - 70;
  // the scale of the named bars; an "others" bar longer than them is cut at the edge (its total shown)
  const named = list.filter((b) => !b.others);
  const max = Math.max(1, ...(named.length > 0 ? named : list).map((b) => b.counts.total));
  if (list.length === 0) {
    text(PAD, y + 14, labels.chart.noData, { size: 13, fill: '#777' });
    y += ROW_H;
  }
  for (const b of list) {
    text(plotX - 8, y + 14, clip(b.label, LABEL_W - 10, 13), { size: 13, anchor: 'end' });
    let x = plotX;
    for (const s of REPORT_STATUSES) {
      const w = Math.min((b.counts[s] / max) * plotW, plotX + plotW - x);
      if (w <= 0) continue;
      out.push(
        `<rect x="${x.toFixed(1)}" y="${y + 2}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${STATUS_COLOURS[s]}"/>`,
      );
      x += w;
    }
    text(x + 6, y + 15, nf.format(b.counts.total), { size: 12, fill: '#333' });
    y += ROW_H;
  }
  y += 16;

  // Panel 2: seats by language, taken and free
  const langs = REPORT_LANGUAGES.filter((l) => report.seats.byLanguage[l].seats > 0);
  text(PAD, y + 14, labels.chart.seatsByLanguage, { size: 15, bold: true });
  y += 24;
  out.push(`<rect x="${PAD}" y="${y + 3}" width="12" height="12" fill="#546e7a"/>`);
  text(PAD + 16, y + 14, labels.taken, { size: 12 });
  out.push(`<rect x="${PAD + 170}" y="${y + 3}" width="12" height="12" fill="#a5d6a7"/>`);
  text(PAD + 186, y + 14, labels.free, { size: 12 });
  y += 24;
  const seatMax = Math.max(1, ...langs.map((l) => report.seats.byLanguage[l].seats));
  if (langs.length === 0) {
    text(PAD, y + 14, labels.chart.noData, { size: 13, fill: '#777' });
    y += ROW_H;
  }
  for (const l of langs) {
    const s = report.seats.byLanguage[l];
    text(plotX - 8, y + 14, labels.languages[l], { size: 13, anchor: 'end' });
    const wt = (Math.min(s.taken, s.seats) / seatMax) * plotW;
    const wf = (s.free / seatMax) * plotW;
    out.push(`<rect x="${plotX}" y="${y + 2}" width="${wt.toFixed(1)}" height="${BAR_H}" fill="#546e7a"/>`);
    out.push(
      `<rect x="${(plotX + wt).toFixed(1)}" y="${y + 2}" width="${wf.toFixed(1)}" height="${BAR_H}" fill="#a5d6a7"/>`,
    );
    const caption = fill(labels.chart.freeOf, { free: nf.format(s.free), seats: nf.format(s.seats) });
    const after = plotX + wt + wf + 6;
    if (after + caption.length * 7 < WIDTH - PAD) text(after, y + 15, caption, { size: 12, fill: '#333' });
    else text(plotX + 6, y + 15, caption, { size: 12, fill: '#fff' });
    y += ROW_H;
  }
  y += 16;

  // Panel 3: through time
  const days = report.series.days;
  if (days.length >= 2) {
    text(PAD, y + 14, labels.chart.series, { size: 15, bold: true });
    y += 24;
    const lines: { label: string; colour: string; values: number[] }[] = [
      { label: labels.applications, colour: '#1e88e5', values: report.series.total },
      {
        label: labels.placed,
        colour: STATUS_COLOURS.enrolled,
        values: days.map(
          (_, i) => (report.series.byStatus.admitted[i] ?? 0) + (report.series.byStatus.enrolled[i] ?? 0),
        ),
      },
      {
        label: labels.statuses.waitlisted,
        colour: STATUS_COLOURS.waitlisted,
        values: report.series.byStatus.waitlisted,
      },
    ];
    let lgx = PAD;
    for (const ln of lines) {
      out.push(`<rect x="${lgx}" y="${y + 8}" width="18" height="3" fill="${ln.colour}"/>`);
      text(lgx + 24, y + 14, ln.label, { size: 12 });
      lgx += 48 + ln.label.length * 7.6;
    }
    y += 24;
    const h = 200;
    const x0 = PAD + 60;
    const x1 = WIDTH - PAD - 10;
    const vmax = Math.max(1, ...lines.flatMap((l) => l.values));
    out.push(`<line x1="${x0}" y1="${y + h}" x2="${x1}" y2="${y + h}" stroke="#999"/>`);
    out.push(`<line x1="${x0}" y1="${y}" x2="${x0}" y2="${y + h}" stroke="#999"/>`);
    for (const f of [0, 0.5, 1]) {
      const yy = y + h - f * h;
      text(x0 - 6, yy + 4, nf.format(Math.round(vmax * f)), { size: 11, anchor: 'end', fill: '#555' });
      if (f > 0) out.push(`<line x1="${x0}" y1="${yy}" x2="${x1}" y2="${yy}" stroke="#eee"/>`);
    }
    // x by date: sampled days of a long campaign stand where they fall
    const t = days.map((d) => Date.parse(`${d}T00:00:00Z`));
    const t0 = t[0] as number;
    const tspan = Math.max(1, (t.at(-1) as number) - t0);
    const px = (i: number) => x0 + (((t[i] as number) - t0) / tspan) * (x1 - x0);
    for (const ln of lines) {
      const pts = ln.values
        .map((v, i) => `${px(i).toFixed(1)},${(y + h - (v / vmax) * h).toFixed(1)}`)
        .join(' ');
      out.push(`<polyline points="${pts}" fill="none" stroke="${ln.colour}" stroke-width="2.5"/>`);
    }
    // date ticks evenly in time (the days themselves may be sampled unevenly)
    const ticks = Math.min(days.length, 8);
    const spanDays = Math.round(tspan / 86_400_000);
    for (let k = 0; k < ticks; k++) {
      const at = t0 + Math.round((k * spanDays) / Math.max(1, ticks - 1)) * 86_400_000;
      const d = new Date(at).toISOString();
      const x = x0 + ((at - t0) / tspan) * (x1 - x0);
      text(x, y + h + 16, `${d.slice(8, 10)}.${d.slice(5, 7)}`, { size: 11, anchor: 'middle', fill: '#555' });
    }
    y += h + 30;
  }

  const height = Math.ceil(y + PAD);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="DejaVu Sans">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...out,
    '</svg>',
  ].join('\n');
}

/** The chart as a PNG picture. */
export function reportChartPng(report: Report, labels: ReportLabels, lang: ReportLang): Buffer {
  const svg = reportChartSvg(report, labels, lang);
  const r = new Resvg(svg, {
    font: { fontFiles: [FONT_REGULAR, FONT_BOLD], loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' },
    background: '#ffffff',
  });
  return r.render().asPng();
}
