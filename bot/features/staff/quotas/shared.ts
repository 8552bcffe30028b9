// What the school-operations features (quotas, classes, alerts, charter) share: the chat's pending
// typed answer and quota drafts (kept in the session under `schoolops`), refusals worded in the
// user's language, and the choice of a school when a staff member has several.
import { InlineKeyboard } from 'grammy';
import type { InstructionLanguage } from '../../../../core/domain/reference.ts';
import { SchoolOpsError } from '../../../../core/services/school/ops.ts';
import type { BotContext } from '../../../context.ts';
import { esc } from '../../../format/html.ts';
import type { Translate, UiLanguage } from '../../../i18n.ts';

/** The typed answer this chat owes a school-operations question. */
export type Pending =
  | { k: 'seats'; s: number; l: InstructionLanguage }
  | { k: 'size'; s: number; l: InstructionLanguage; seats: number }
  | { k: 'reason'; s: number }
  | { k: 'submit'; s: number; reason?: string }
  | { k: 'approve'; c: number }
  | { k: 'note'; c: number }
  | { k: 'reject'; c: number; note: string }
  | { k: 'enrol' }
  | { k: 'charter'; s: number };

export type QuotaDraft = { seats: number; classSize: number };

/** Kept in the chat's session (Redis or in-process): losing it only means typing the numbers again. */
export type SchoolOpsSession = {
  pending?: Pending;
  /** quota numbers typed but not yet sent: school id → language → numbers */
  drafts?: Record<string, Partial<Record<InstructionLanguage, QuotaDraft>>>;
};

export function opsSession(ctx: BotContext): SchoolOpsSession {
  const s = ctx.session as unknown as { schoolops?: SchoolOpsSession };
  s.schoolops ??= {};
  return s.schoolops;
}

export function setPending(ctx: BotContext, p: Pending | undefined): void {
  opsSession(ctx).pending = p;
}

export const langName = (t: Translate, l: string) => t(`bot:lang_of_instruction.${l}`);

/** A refusal of the core in the user's words, or null when the error is not one (then rethrow). */
export function refusalText(t: Translate, e: unknown): string | null {
  if (!(e instanceof SchoolOpsError)) return null;
  // a full class is counted in words: «(22 ребёнка)», «(5 детей)»
  const count = e.code === 'class_full' ? { count: e.params.limit } : {};
  return t(`schoolops:errors.${e.code}`, { ...e.params, ...count });
}

/** Answers a refusal where the user is (a toast for a button, else a message); rethrows the rest. */
export async function refuse(ctx: BotContext, e: unknown, opts: { alert?: boolean } = {}): Promise<void> {
  const text = refusalText(ctx.t, e);
  if (text === null) throw e;
  if (ctx.callbackQuery) {
    await ctx.answerCallbackQuery({ text, show_alert: opts.alert ?? true }).catch(() => {});
  } else {
    await ctx.reply(esc(text), { parse_mode: 'HTML' });
  }
}

/** Answers the button press (if any) so the client stops spinning; never fails the update. */
export async function answered(ctx: BotContext, text?: string): Promise<void> {
  if (ctx.callbackQuery) await ctx.answerCallbackQuery(text ? { text } : undefined).catch(() => {});
}

export type SchoolChoice = { id: number; code: string; name: { ky: string; ru: string; en: string } };

/** A keyboard to choose one of several schools; `data` makes each button's callback. */
export function schoolPicker(
  lang: UiLanguage,
  schools: SchoolChoice[],
  data: (id: number) => string,
): InlineKeyboard {
  const kb = new InlineKeyboard();
  for (const s of schools) kb.text(`${s.name[lang]} (${s.code})`, data(s.id)).row();
  return kb;
}

/** Deletes the user's message that carried a code (best effort: a private chat allows it). */
export async function deleteCodeMessage(ctx: BotContext): Promise<void> {
  if (ctx.chat?.type === 'private' && ctx.message) await ctx.deleteMessage().catch(() => {});
}

/** A typed whole number (spaces allowed: "1 200"), or null. */
export function parseWhole(text: string): number | null {
  const s = text.replace(/[\s\u00a0]/g, '');
  if (!/^\d{1,6}$/.test(s)) return null;
  return Number(s);
}
