// Helpers of the report tests: reading back what the files hold (CSV, XLSX cells, a pdfkit PDF's
// text) and scanning it for personal data.
import { inflateSync } from 'node:zlib';
import type ExcelJS from 'exceljs';
import { expect } from 'vitest';

/** RFC 4180 CSV (quoted fields, doubled quotes, CRLF), without the byte-order mark. */
export function parseCsv(text: string): string[][] {
  const s = text.replace(/^\uFEFF/, '');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Every cell of every sheet as text. */
export function xlsxCells(wb: ExcelJS.Workbook): string[] {
  const out: string[] = [];
  for (const ws of wb.worksheets) {
    ws.eachRow({ includeEmpty: false }, (row) => {
      row.eachCell({ includeEmpty: false }, (cell) => {
        out.push(cell.text ?? String(cell.value ?? ''));
      });
    });
  }
  return out;
}

/** Parses a ToUnicode CMap into glyph code (hex) → text. */
function cmap(s: string): Map<string, string> {
  const map = new Map<string, string>();
  const text = (hex: string) => {
    let out = '';
    for (let i = 0; i + 4 <= hex.length; i += 4)
      out += String.fromCharCode(Number.parseInt(hex.slice(i, i + 4), 16));
    return out;
  };
  for (const block of s.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, from, to] of (block[1] ?? '').matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g))
      map.set((from as string).toLowerCase(), text(to as string));
  }
  for (const block of s.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const [, lo, hi, rest] of (block[1] ?? '').matchAll(
      /<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)/g,
    )) {
      const a = Number.parseInt(lo as string, 16);
      const b = Number.parseInt(hi as string, 16);
      const width = (lo as string).length;
      const targets = (rest as string).startsWith('[')
        ? [...(rest as string).matchAll(/<([0-9a-fA-F]+)>/g)].map((x) => text(x[1] as string))
        : null;
      const base = targets ? 0 : Number.parseInt((rest as string).slice(1, -1), 16);
      for (let c = a; c <= b; c++)
        map.set(
          c.toString(16).padStart(width, '0'),
          targets ? (targets[c - a] ?? '') : String.fromCharCode(base + c - a),
        );
    }
  }
  return map;
}

/**
 * Text shown in a pdfkit PDF: each content stream's hex glyph strings mapped through the ToUnicode
 * CMap of the font selected at that point (`/F1 10 Tf`), font by font (glyph codes of a regular and a
 * bold subset overlap). Text runs are separated by spaces.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const objects = new Map<number, { dict: string; stream: string | null }>();
  for (const m of raw.matchAll(/(\d+) 0 obj([\s\S]*?)endobj/g)) {
    const body = m[2] as string;
    const sm = /stream\r?\n/.exec(body);
    let stream: string | null = null;
    let dict = body;
    if (sm) {
      dict = body.slice(0, sm.index);
      const bodyStart = (m.index as number) + m[0].length - 'endobj'.length - body.length;
      const start = bodyStart + sm.index + sm[0].length;
      const end = raw.indexOf('endstream', start);
      const bytes = pdf.subarray(start, end);
      try {
        stream = inflateSync(bytes).toString('latin1');
      } catch {
        stream = bytes.toString('latin1');
      }
    }
    objects.set(Number(m[1]), { dict, stream });
  }
  const fontMaps = new Map<string, Map<string, string>>();
  for (const o of objects.values()) {
    for (const [, name, num] of o.dict.matchAll(/\/(F\d+)\s+(\d+)\s+0\s+R/g)) {
      const font = objects.get(Number(num));
      const tu = /\/ToUnicode\s+(\d+)\s+0\s+R/.exec(font?.dict ?? '');
      const cm = tu ? objects.get(Number(tu[1]))?.stream : null;
      if (cm) fontMaps.set(name as string, cmap(cm));
    }
  }
  let out = '';
  for (const o of objects.values()) {
    const s = o.stream;
    if (!s || s.includes('begincmap') || !/\bTf\b/.test(s)) continue;
    let map: Map<string, string> | undefined;
    for (const m of s.matchAll(/\/(F\d+)\s+[\d.]+\s+Tf|<([0-9a-fA-F]+)>|\bET\b/g)) {
      if (m[1]) map = fontMaps.get(m[1]);
      else if (m[2] && map) {
        const h = m[2].toLowerCase();
        for (let i = 0; i + 4 <= h.length; i += 4) out += map.get(h.slice(i, i + 4)) ?? '';
      } else out += ' ';
    }
    out += '\n';
  }
  return out;
}

/** A run of exactly 14 digits: the shape of a PIN (or a company TIN). */
export const PIN_SHAPED = /(^|\D)\d{14}(\D|$)/;

/**
 * Fails when any text holds a PIN-shaped value or one of the names. Names are compared without case
 * and also with the text's spaces removed (a PDF may split a word into pieces).
 */
export function scanForPersonalData(texts: readonly string[], names: readonly string[]): void {
  for (const text of texts) {
    expect(PIN_SHAPED.test(text), `PIN-shaped value in: ${text.slice(0, 120)}`).toBe(false);
    const lower = text.toLowerCase();
    const squeezed = lower.replace(/\s+/g, '');
    for (const name of names) {
      for (const part of name.toLowerCase().split(/\s+/)) {
        if (part.length < 4) continue;
        expect(
          lower.includes(part) || squeezed.includes(part),
          `"${part}" found in: ${text.slice(0, 120)}`,
        ).toBe(false);
      }
    }
  }
}
