// The two open-data files of a window run (docs/window-mode.md "Files"): the input snapshot taken at the
// close and the result. Both are JSON Lines (UTF-8, one JSON object per line, each line ending in "\n"),
// written in one canonical order so that the same run always gives the same bytes and the same SHA-256.
// Pseudonymous by construction: application numbers, quota keys, priority tiers and catchment flags only.
import { createHash } from 'node:crypto';
import type {
  Applicant,
  Choice,
  Market,
  Placement,
  QuotaOutcome,
  WindowResult,
} from './deferred-acceptance.ts';
import { isHex256 } from './lottery.ts';

export const INPUT_FORMAT = 'kattoo-window-input';
export const RESULT_FORMAT = 'kattoo-window-result';
export const FORMAT_VERSION = 1;

export type InputHeader = {
  /** Which stage this is, as the operator names it (e.g. "2026-27/1"). */
  stage: string;
  /** SHA-256 of the seed, published before the window opened. */
  commitment: string;
  maxChoices: number;
};

export type ResultHeader = {
  stage: string;
  /** SHA-256 of the input file's bytes. */
  input: string;
  seed: string;
  commitment: string;
};

/** SHA-256 of a text's UTF-8 bytes, as hex: the digest published beside each file. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const line = (o: unknown) => `${JSON.stringify(o)}\n`;

/** The input file: header, then quotas by key, then applications by number (fixed key order in each). */
export function writeInput(header: InputHeader, market: Omit<Market, 'seed' | 'maxChoices'>): string {
  const out: string[] = [
    line({
      format: INPUT_FORMAT,
      version: FORMAT_VERSION,
      stage: header.stage,
      commitment: header.commitment,
      maxChoices: header.maxChoices,
    }),
  ];
  for (const quota of [...market.quotas.keys()].sort(byCodeUnits)) {
    out.push(line({ quota, seats: market.quotas.get(quota) }));
  }
  const apps = [...market.applicants].sort((a, b) => byCodeUnits(a.number, b.number));
  for (const a of apps) {
    out.push(
      line({
        application: a.number,
        choices: a.choices.map((c) => ({ quota: c.quota, priority: c.priority, catchment: c.catchment })),
      }),
    );
  }
  return out.join('');
}

/** The file cannot be read; `line` is 1-based. */
export class FileFormatError extends Error {
  override name = 'FileFormatError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** Lines of a JSON Lines text (a final "\n" ends the last line; "\r\n" is read as "\n"). */
export function jsonLines(text: string): string[] {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function parseLine(text: string, n: number): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new FileFormatError(n, 'not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new FileFormatError(n, 'not a JSON object');
  return v as Record<string, unknown>;
}

function parseChoice(v: unknown, n: number): Choice {
  if (typeof v !== 'object' || v === null) throw new FileFormatError(n, 'a choice is an object');
  const c = v as Record<string, unknown>;
  if (typeof c.quota !== 'string' || typeof c.priority !== 'number' || typeof c.catchment !== 'boolean') {
    throw new FileFormatError(n, 'a choice has quota (text), priority (number) and catchment (true/false)');
  }
  return { quota: c.quota, priority: c.priority, catchment: c.catchment };
}

/** Reads an input file back into its header and market (lines after the header in any order). */
export function parseInput(text: string): { header: InputHeader; market: Omit<Market, 'seed'> } {
  const lines = jsonLines(text);
  if (lines.length === 0) throw new FileFormatError(1, 'the file is empty');
  const h = parseLine(lines[0] as string, 1);
  if (h.format !== INPUT_FORMAT || h.version !== FORMAT_VERSION) {
    throw new FileFormatError(1, `the header is not ${INPUT_FORMAT} version ${FORMAT_VERSION}`);
  }
  if (typeof h.stage !== 'string' || typeof h.commitment !== 'string' || !isHex256(h.commitment)) {
    throw new FileFormatError(1, 'the header needs stage (text) and commitment (64 hex digits)');
  }
  if (typeof h.maxChoices !== 'number') throw new FileFormatError(1, 'the header needs maxChoices');
  const quotas = new Map<string, number>();
  const applicants: Applicant[] = [];
  for (let i = 1; i < lines.length; i++) {
    const o = parseLine(lines[i] as string, i + 1);
    if (typeof o.quota === 'string') {
      if (typeof o.seats !== 'number') throw new FileFormatError(i + 1, 'a quota line has seats (number)');
      if (quotas.has(o.quota)) throw new FileFormatError(i + 1, `quota ${o.quota} appears twice`);
      quotas.set(o.quota, o.seats);
    } else if (typeof o.application === 'string') {
      if (!Array.isArray(o.choices))
        throw new FileFormatError(i + 1, 'an application line has choices (a list)');
      applicants.push({ number: o.application, choices: o.choices.map((c) => parseChoice(c, i + 1)) });
    } else {
      throw new FileFormatError(i + 1, 'neither a quota nor an application');
    }
  }
  return {
    header: { stage: h.stage, commitment: h.commitment, maxChoices: h.maxChoices },
    market: { applicants, quotas, maxChoices: h.maxChoices },
  };
}

function placementLine(p: Placement): string {
  return line({
    application: p.number,
    lottery: p.lottery,
    placed: p.placed && { quota: p.placed.quota, choice: p.placed.choice },
    waiting: p.waiting.map((w) => ({ quota: w.quota, choice: w.choice, position: w.position })),
  });
}

function quotaLine(q: QuotaOutcome): string {
  return line({ quota: q.quota, seats: q.seats, admitted: q.admitted, waiting: q.waiting });
}

/** The result file: header, then one line per application (by number), then one per quota (by key). */
export function writeResult(header: ResultHeader, result: WindowResult): string {
  const out: string[] = [
    line({
      format: RESULT_FORMAT,
      version: FORMAT_VERSION,
      stage: header.stage,
      input: header.input,
      seed: header.seed,
      commitment: header.commitment,
    }),
  ];
  for (const p of result.applicants) out.push(placementLine(p));
  for (const q of result.quotas) out.push(quotaLine(q));
  return out.join('');
}
