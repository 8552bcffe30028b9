// The parent's appeals (K-OVER-4; R-10.6; Law No. 67): /appeal lists their appeals and files a new
// one about a decision of an application (from /status too: `appealButton`), typed as one message in
// the parent's language (kept: the answer is due in it); the appeal gets a number and a due date.
// The parent reads the answer, takes the appeal to the district and then the ministry, or closes it.
// Payloads `ap|l` (list), `ap|n` (new), `ap|p|<application id>` (appeal this application),
// `ap|v|<id>` (open), `ap|e|<id>` / `ap|E|<id>` (escalate: ask / confirmed), `ap|x|<id>` (close).
// The core checks that the application and the appeal are the parent's own.
import { Composer, InlineKeyboard } from 'grammy';
import type { AppealService, AppealView } from '../../../core/services/oversight/appeals.ts';
import { APPEALABLE_STATUSES } from '../../../core/services/oversight/appeals.ts';
import type { BotContext } from '../../context.ts';
import { esc } from '../../format/html.ts';
import type { Translate } from '../../i18n.ts';
import { appealCaseText, showLong } from '../oversight/appeals.ts';
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
} from '../oversight/common.ts';
import { show } from '../show.ts';
import { statusWord } from './wizard/text.ts';

export type ParentAppealsDeps = {
  appeals: Pick<AppealService, 'appealable' | 'file' | 'mine' | 'get' | 'escalate' | 'close'>;
};

const A = `${O}appeals.`;
const NEXT: Record<string, 'district' | 'ministry' | undefined> = {
  school: 'district',
  district: 'ministry',
};

/**
 * The "Appeal this decision" button for an application card (/status), or null when the status is
 * not a decision one may appeal. The core still checks ownership and an appeal already under way.
 */
export function appealButton(
  t: Translate,
  application: { id: string; status: string },
): { text: string; callback_data: string } | null {
  if (!(APPEALABLE_STATUSES as readonly string[]).includes(application.status)) return null;
  return { text: t(`${A}parent.button`), callback_data: encodeData('ap', 'p', application.id) };
}

export function parentAppealsFeature(deps: ParentAppealsDeps) {
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

  const lineOf = (ctx: BotContext, a: AppealView) =>
    ctx.t(`${A}parent.line`, {
      number: esc(a.number),
      level: ctx.t(`${A}level.${a.level}`),
      status: ctx.t(`${A}status.${a.status}`),
      overdue: a.overdue ? ctx.t(`${A}overdue`) : '',
    });

  async function list(ctx: BotContext) {
    // one line per appeal: its latest level (an escalated one lives on in the next)
    const mine = (await appeals.mine(ctx.from?.id ?? 0)).filter((a) => a.status !== 'escalated').slice(0, 10);
    const lines = [ctx.t(`${A}parent.list`), ''];
    const kb = new InlineKeyboard();
    if (mine.length === 0) lines.push(ctx.t(`${A}parent.none`));
    for (const a of mine) {
      lines.push(`• ${lineOf(ctx, a)}`);
      kb.text(`⚖️ ${a.number}`, encodeData('ap', 'v', a.id)).row();
    }
    kb.text(ctx.t(`${A}parent.new`), encodeData('ap', 'n'));
    await show(ctx, { text: lines.join('\n'), keyboard: kb });
  }

  async function choose(ctx: BotContext) {
    const apps = await appeals.appealable(ctx.from?.id ?? 0);
    const kb = new InlineKeyboard();
    if (apps.length === 0) {
      kb.text(ctx.t(`${O}buttons.back`), encodeData('ap', 'l'));
      await show(ctx, { text: ctx.t(`${A}parent.nothing`), keyboard: kb });
      return;
    }
    for (const a of apps)
      kb.text(
        ctx.t(`${A}parent.app_line`, { number: a.number, status: statusWord(ctx.t, a.status) }),
        encodeData('ap', 'p', a.id),
      ).row();
    kb.text(ctx.t(`${O}buttons.back`), encodeData('ap', 'l'));
    await show(ctx, { text: ctx.t(`${A}parent.choose`), keyboard: kb });
  }

  async function prompt(ctx: BotContext, applicationId: string) {
    const apps = await appeals.appealable(ctx.from?.id ?? 0);
    const app = apps.find((a) => a.id === applicationId);
    if (!app) {
      await show(ctx, {
        text: `⚠️ ${ctx.t(`${A}parent.nothing`)}`,
        keyboard: new InlineKeyboard().text(ctx.t(`${O}buttons.back`), encodeData('ap', 'l')),
      });
      return;
    }
    endSteps(ctx);
    ctx.session.wizard = undefined;
    const s = ov(ctx);
    s.step = 'appeal_text';
    s.app = app.id;
    await ctx.reply(ctx.t(`${A}parent.prompt`, { number: esc(app.number) }), {
      parse_mode: 'HTML',
      reply_markup: new InlineKeyboard().text(ctx.t(`${O}buttons.cancel`), encodeData('ap', 'l')),
    });
  }

  async function card(ctx: BotContext, id: number, note?: string) {
    const a = await appeals.get(ctx.from?.id ?? 0, id);
    const kb = new InlineKeyboard();
    const next = NEXT[a.level];
    if (a.canEscalate && next)
      kb.text(
        ctx.t(`${A}parent.escalate`, { level: ctx.t(`${A}level_to.${next}`) }),
        encodeData('ap', 'e', a.id),
      ).row();
    if (a.canClose) kb.text(ctx.t(`${A}parent.close`), encodeData('ap', 'x', a.id)).row();
    kb.text(ctx.t(`${O}buttons.refresh`), encodeData('ap', 'v', a.id)).text(
      ctx.t(`${O}buttons.back`),
      encodeData('ap', 'l'),
    );
    await showLong(ctx, [note, appealCaseText(ctx, a)].filter(Boolean).join('\n\n'), kb);
  }

  pm.command('appeal', async (ctx) => {
    endSteps(ctx);
    await guard(ctx, () => list(ctx));
  });

  pm.on('message:text', async (ctx, next) => {
    const s = ov(ctx);
    if (s.step !== 'appeal_text' || !s.app || ctx.message.text.startsWith('/')) return next();
    const app = s.app;
    await guard(ctx, async () => {
      const a = await appeals.file(ctx.from.id, app, ctx.message.text, ctx.lang);
      endSteps(ctx);
      await ctx.reply(ctx.t(`${A}parent.filed`, { number: esc(a.number), due: when(a.dueAt, ctx.lang) }), {
        parse_mode: 'HTML',
        reply_markup: new InlineKeyboard().text(`⚖️ ${a.number}`, encodeData('ap', 'v', a.id)),
      });
    });
  });

  pm.on('callback_query:data', async (ctx, next) => {
    const parts = splitData('ap', ctx.callbackQuery.data);
    if (!parts) return next();
    const [a, x] = parts;
    if ((a === 'l' || a === 'n') && parts.length === 1) {
      await answerCallback(ctx);
      endSteps(ctx);
      return guard(ctx, () => (a === 'l' ? list(ctx) : choose(ctx)));
    }
    if (!a || !['p', 'v', 'e', 'E', 'x'].includes(a) || parts.length !== 2) return next();
    const id = numPart.safeParse(x);
    if (!id.success) return answerCallback(ctx, ctx.t(`${O}stale`));
    await guard(ctx, async () => {
      switch (a) {
        case 'p':
          await answerCallback(ctx);
          return prompt(ctx, String(id.data));
        case 'v':
          await answerCallback(ctx);
          return card(ctx, id.data);
        case 'e': {
          const appeal = await appeals.get(ctx.from.id, id.data);
          const level = NEXT[appeal.level];
          if (!appeal.canEscalate || !level) return answerCallback(ctx, ctx.t(`${O}errors.cannot_escalate`));
          await answerCallback(ctx);
          await show(ctx, {
            text: ctx.t(`${A}parent.escalate_ask`, {
              number: esc(appeal.number),
              level: ctx.t(`${A}level_to.${level}`),
            }),
            keyboard: new InlineKeyboard()
              .text(ctx.t(`${A}parent.escalate_yes`), encodeData('ap', 'E', appeal.id))
              .row()
              .text(ctx.t(`${O}buttons.back`), encodeData('ap', 'v', appeal.id)),
          });
          return;
        }
        case 'E': {
          const up = await appeals.escalate(ctx.from.id, id.data);
          await answerCallback(ctx);
          return card(
            ctx,
            up.id,
            ctx.t(`${A}parent.escalated`, {
              level: ctx.t(`${A}level_to.${up.level}`),
              number: esc(up.number),
              due: when(up.dueAt, ctx.lang),
            }),
          );
        }
        case 'x': {
          const closed = await appeals.close(ctx.from.id, id.data);
          await answerCallback(ctx);
          return card(ctx, closed.id, ctx.t(`${A}parent.closed`, { number: esc(closed.number) }));
        }
      }
    });
  });

  return c;
}
