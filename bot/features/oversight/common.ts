// What the oversight features (campaign `cp|`, coverage `cv|`, appeals `ap|`) share: their part of
// the chat's session, callback payloads (ASCII, ≤ 64 bytes, zod-parsed; ids in them are only claims,
// the core checks scope and ownership), and refusals worded in the user's language.
import { z } from 'zod';
import { OversightError } from '../../../core/services/oversight/errors.ts';
import type { BotContext, SessionData } from '../../context.ts';
import { formatDate, formatDateTime } from '../../format/dates.ts';
import type { UiLanguage } from '../../i18n.ts';

export const O = 'oversight:';

/** The oversight part of a chat's session (`ov`): which typed answer is awaited, and its context. */
export type OversightSession = {
  step?: 'campaign_reason' | 'appeal_text' | 'appeal_escalate' | 'appeal_answer' | 'coverage_note';
  /** campaign: the file waiting for confirmation, its hash, the reason typed */
  file?: string;
  hash?: string;
  reason?: string;
  /** appeals: the application being appealed, or the appeal being answered */
  app?: string;
  appeal?: number;
  /** coverage: the district, the page shown and the children on it (PINs stay server-side) */
  cv?: { d: string; page: number; pins: string[]; pin?: string };
};

export function ov(ctx: BotContext): OversightSession {
  const s = ctx.session as SessionData & { ov?: OversightSession };
  s.ov ??= {};
  return s.ov;
}

/** Ends a typed flow of the oversight features (and a wizard question the chat may have open). */
export function endSteps(ctx: BotContext): void {
  const s = ov(ctx);
  s.step = undefined;
  s.app = undefined;
  s.appeal = undefined;
  s.reason = undefined;
}

const SEP = '|';
const MAX_BYTES = 64;

export function encodeData(prefix: 'cp' | 'cv' | 'ap', ...parts: (string | number)[]): string {
  const s = [prefix, ...parts.map(String)].join(SEP);
  if (Buffer.byteLength(s) > MAX_BYTES) throw new Error(`callback data over 64 bytes: ${s}`);
  return s;
}

/** Splits a payload of `prefix` into its parts; null for another prefix or an oversized payload. */
export function splitData(prefix: 'cp' | 'cv' | 'ap', data: string | undefined): string[] | null {
  if (!data || Buffer.byteLength(data) > MAX_BYTES) return null;
  const [head, ...rest] = data.split(SEP);
  return head === prefix ? rest : null;
}

export const idPart = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/);
export const numPart = z.coerce.number().int().min(0).max(2_147_483_647);

/** A refusal of the core in words, or null when the error is not one. */
export function refusalText(ctx: BotContext, e: unknown): string | null {
  if (!(e instanceof OversightError)) return null;
  const params = Object.fromEntries(
    Object.entries(e.params).filter(([, v]) => typeof v === 'string' || typeof v === 'number'),
  );
  return `⚠️ ${ctx.t(`${O}errors.${e.code}`, { ...params, defaultValue: ctx.t(`${O}errors.not_found`) })}`;
}

export const when = (d: Date, lang: UiLanguage) => formatDateTime(d, lang);
export const day = (d: Date, lang: UiLanguage) => formatDate(d, lang);
/** A YYYY-MM-DD date in the user's words. */
export const ymdText = (s: string, lang: UiLanguage) => formatDate(new Date(`${s}T00:00:00Z`), lang, 'UTC');

export async function answerCallback(ctx: BotContext, text?: string): Promise<void> {
  if (!ctx.callbackQuery) return;
  await ctx.answerCallbackQuery(text ? { text } : undefined).catch(() => {});
}

/** Commands of the oversight features, for setMyCommands (descriptions in `oversight:commands.*`). */
export const OVERSIGHT_COMMANDS = [
  ['campaign', 'oversight:commands.campaign'],
  ['coverage', 'oversight:commands.coverage'],
  ['appeals', 'oversight:commands.appeals'],
  ['appeal', 'oversight:commands.appeal'],
] as const;
