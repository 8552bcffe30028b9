// /appeals for the staff who answer appeals (K-OVER-4): the school's director at the school level,
// district officers for appeals escalated to their district, the ministry for those escalated to
// it. The list (open first, due dates, overdue marked), an appeal with the levels before it, and the
// answer typed as one message — in the language of the appeal, which the card names. Payloads
// `ap|s|<id>` (open), `ap|a|<id>` (answer), `ap|S` (list); the parent's side is
// bot/features/parent/appeals.ts. The core checks who may read and answer on every call.
import { Composer, InlineKeyboard } from 'grammy';
import type { AppealCase, AppealService, AppealView } from '../../../core/services/oversight/appeals.ts';
import type { BotContext } from '../../context.ts';
import { esc, splitMessage } from '../../format/html.ts';
import { show } from '../show.ts';
import {
  answerCallback,
  encodeData,
  endSteps,
  numPart,
  O,
  ov,
  refusalText,
  splitData,
  when,
} from './common.ts';

export type StaffAppealsDeps = {
  appeals: Pick<AppealService, 'listFor' | 'getForStaff' | 'answer' | 'answersAppeals'>;
};

const A = `${O}appeals.`;

const languageWord = (ctx: BotContext, code: string) =>
  ctx.t(`${A}language.${code}`, { defaultValue: esc(code) });

/** One appeal in words (the parent's and the staff's card): header, text, answer. */
export function appealBlock(ctx: BotContext, a: AppealView): string[] {
  const lines = [
    ctx.t(`${A}card`, {
      number: esc(a.number),
      application: esc(a.applicationNumber),
      level: ctx.t(`${A}level.${a.level}`),
      status: ctx.t(`${A}status.${a.status}`),
      overdue: a.overdue ? ctx.t(`${A}overdue`) : '',
      created: when(a.createdAt, ctx.lang),
      due: when(a.dueAt, ctx.lang),
      language: languageWord(ctx, a.language),
    }),
    '',
    ctx.t(`${A}text`, { text: esc(a.text) }),
  ];
  if (a.answer && a.answeredAt)
    lines.push('', ctx.t(`${A}answer`, { at: when(a.answeredAt, ctx.lang), text: esc(a.answer) }));
  return lines;
}

/** An appeal with the levels before it (oldest first, shortly), then the appeal itself. */
export function appealCaseText(ctx: BotContext, a: AppealCase): string {
  const lines: string[] = [];
  for (const earlier of a.chain) {
    lines.push(
      ctx.t(`${A}earlier`, { level: ctx.t(`${A}level.${earlier.level}`), number: esc(earlier.number) }),
    );
    lines.push(ctx.t(`${A}text`, { text: esc(earlier.text) }));
    if (earlier.answer && earlier.answeredAt)
      lines.push(ctx.t(`${A}answer`, { at: when(earlier.answeredAt, ctx.lang), text: esc(earlier.answer) }));
    lines.push('');
  }
  lines.push(...appealBlock(ctx, a));
  return lines.join('\n');
}

/** Shows a screen whose text may pass Telegram's limit: the head alone, the end with the buttons. */
export async function showLong(ctx: BotContext, text: string, keyboard: InlineKeyboard): Promise<void> {
  const parts = splitMessage(text);
  if (parts.length === 1) return show(ctx, { text, keyboard });
  for (const part of parts.slice(0, -1)) await ctx.reply(part, { parse_mode: 'HTML' });
  await ctx.reply(parts.at(-1) as string, { parse_mode: 'HTML', reply_markup: keyboard });
}

export function staffAppealsFeature(deps: StaffAppealsDeps) {
  const c = new Composer<BotContext>();
  const pm = c.chatType('private');
  const { appeals } = deps;

  async function guard(ctx: BotContext, fn: () => Promise<void>) {
    try {
      await fn();
    } catch (e) {
      const msg = refusalText(ctx, e);
      if (!msg) throw e;
      if (ctx.callbackQuery) await answerCallback(ctx, msg.slice(0, 190));
      else await ctx.reply(msg);
    }
  }

  async function list(ctx: BotContext) {
    const items = await appeals.listFor(ctx.from?.id ?? 0, { limit: 20 });
    const kb = new InlineKeyboard();
    const lines = [ctx.t(`${A}staff.list`), ''];
    if (items.length === 0) lines.push(ctx.t(`${A}staff.none`));
    for (const a of items) {
      const line = ctx.t(`${A}staff.line`, {
        number: esc(a.number),
        status: ctx.t(`${A}status.${a.status}`),
        due: when(a.dueAt, ctx.lang),
        overdue: a.overdue ? ctx.t(`${A}overdue`) : '',
      });
      lines.push(`• ${line}`);
      kb.text(
        `${a.overdue ? '⚠️ ' : a.status === 'open' ? '🟡 ' : ''}${a.number}`,
        encodeData('ap', 's', a.id),
      ).row();
    }
    kb.text(ctx.t(`${O}buttons.refresh`), encodeData('ap', 'S'));
    await show(ctx, { text: lines.join('\n'), keyboard: kb });
  }

  async function card(ctx: BotContext, id: number, note?: string) {
    const a = await appeals.getForStaff(ctx.from?.id ?? 0, id);
    const kb = new InlineKeyboard();
    if (a.mayAnswer) kb.text(ctx.t(`${A}staff.answer`), encodeData('ap', 'a', a.id)).row();
    kb.text(ctx.t(`${O}buttons.back`), encodeData('ap', 'S'));
    await showLong(ctx, [note, appealCaseText(ctx, a)].filter(Boolean).join('\n\n'), kb);
  }

  pm.command('appeals', async (ctx) => {
    endSteps(ctx);
    if (!(await appeals.answersAppeals(ctx.from.id))) {
      await ctx.reply(ctx.t(`${O}forbidden`));
      return;
    }
    await guard(ctx, () => list(ctx));
  });

  pm.on('message:text', async (ctx, next) => {
    const s = ov(ctx);
    if (s.step !== 'appeal_answer' || ctx.message.text.startsWith('/') || s.appeal === undefined)
      return next();
    const id = s.appeal;
    await guard(ctx, async () => {
      const a = await appeals.answer(ctx.from.id, id, ctx.message.text);
      endSteps(ctx);
      await card(ctx, a.id, ctx.t(`${A}staff.answered`, { number: esc(a.number) }));
    });
  });

  pm.on('callback_query:data', async (ctx, next) => {
    const parts = splitData('ap', ctx.callbackQuery.data);
    if (!parts) return next();
    const [a, x] = parts;
    if (a === 'S' && parts.length === 1) {
      await answerCallback(ctx);
      endSteps(ctx);
      return guard(ctx, () => list(ctx));
    }
    if ((a !== 's' && a !== 'a') || parts.length !== 2) return next();
    const id = numPart.safeParse(x);
    if (!id.success) return answerCallback(ctx, ctx.t(`${O}stale`));
    await guard(ctx, async () => {
      if (a === 's') {
        await answerCallback(ctx);
        endSteps(ctx);
        return card(ctx, id.data);
      }
      const appeal = await appeals.getForStaff(ctx.from.id, id.data);
      if (!appeal.mayAnswer) return answerCallback(ctx, ctx.t(`${O}errors.appeal_not_open`));
      await answerCallback(ctx);
      endSteps(ctx);
      ctx.session.wizard = undefined;
      const s = ov(ctx);
      s.step = 'appeal_answer';
      s.appeal = appeal.id;
      await ctx.reply(
        ctx.t(`${A}staff.answer_prompt`, {
          number: esc(appeal.number),
          language: languageWord(ctx, appeal.language),
        }),
        { parse_mode: 'HTML' },
      );
    });
  });

  return c;
}
