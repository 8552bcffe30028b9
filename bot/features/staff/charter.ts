// The school charter (K-SCHOOL-8, R-12.3, R-13.3): the director sends /charter, then the PDF as a
// document (or a PDF with the caption /charter). Type (application/pdf) and size (≤ 10 MB) are
// checked before anything is kept; Kattoo keeps Telegram's file_id on the school, and the public
// school card's "Charter" button sends it to whoever asks.
import { Composer, InlineKeyboard } from 'grammy';
import type { CharterService } from '../../../core/services/school/charter.ts';
import { charterProblem } from '../../../core/services/school/charter.ts';
import type { BotContext } from '../../context.ts';
import { esc } from '../../format/html.ts';
import { encodeQuota } from './quotas/callback.ts';
import { opsSession, refuse, setPending } from './quotas/shared.ts';

export type CharterFeatureDeps = { charter: Pick<CharterService, 'schools' | 'setCharter'> };

export function charterFeature(deps: CharterFeatureDeps) {
  const { charter } = deps;
  const c = new Composer<BotContext>();
  const pm = c.chatType('private');

  async function schoolFor(ctx: BotContext, code?: string) {
    const schools = await charter.schools(ctx.from?.id as number);
    const chosen = code ? schools.filter((s) => s.code === code) : schools;
    return { schools, chosen: chosen.length === 1 ? chosen[0] : undefined };
  }

  pm.command('charter', async (ctx) => {
    setPending(ctx, undefined);
    const { schools, chosen } = await schoolFor(ctx, ctx.match.trim() || undefined);
    if (schools.length === 0) {
      await ctx.reply(ctx.t('schoolops:charter.not_director'));
      return;
    }
    if (!chosen) {
      const list = schools
        .map((s) => `<code>/charter ${esc(s.code)}</code> — ${esc(s.name[ctx.lang])}`)
        .join('\n');
      await ctx.reply(`${ctx.t('schoolops:common.pick_school')}\n${list}`, { parse_mode: 'HTML' });
      return;
    }
    setPending(ctx, { k: 'charter', s: chosen.id });
    await ctx.reply(ctx.t('schoolops:charter.ask'), {
      reply_markup: new InlineKeyboard().text(ctx.t('schoolops:common.cancel'), encodeQuota({ a: 'cancel' })),
    });
  });

  pm.on('message:document', async (ctx, next) => {
    const p = opsSession(ctx).pending;
    const caption = ctx.message.caption?.trim() ?? '';
    const byCaption = /^\/charter(@\w+)?(\s|$)/.test(caption);
    if (p?.k !== 'charter' && !byCaption) return next();
    let schoolId = p?.k === 'charter' ? p.s : undefined;
    if (schoolId === undefined) {
      const { schools, chosen } = await schoolFor(ctx, caption.split(/\s+/)[1]);
      if (schools.length === 0) {
        await ctx.reply(ctx.t('schoolops:charter.not_director'));
        return;
      }
      schoolId = chosen?.id;
      if (schoolId === undefined) {
        await ctx.reply(ctx.t('schoolops:alerts.choose_school').replace('/connectgroup', '/charter'), {
          parse_mode: 'HTML',
        });
        return;
      }
    }
    const doc = ctx.message.document;
    const file = {
      mimeType: doc.mime_type ?? null,
      fileName: doc.file_name ?? null,
      size: doc.file_size ?? null,
    };
    const problem = charterProblem(file);
    if (problem) {
      await ctx.reply(
        problem.code === 'too_large'
          ? ctx.t('schoolops:charter.too_large', { maxMb: problem.maxMb })
          : ctx.t('schoolops:charter.not_pdf'),
      );
      return;
    }
    try {
      const r = await charter.setCharter(ctx.from.id, { schoolId, fileId: doc.file_id, ...file });
      setPending(ctx, undefined);
      const school = (ctx.staff ?? []).find((l) => l.scope.kind === 'school' && l.scope.id === schoolId);
      const name = school?.scope.kind === 'school' ? school.scope.name[ctx.lang] : '';
      await ctx.reply(
        ctx.t(r.replaced ? 'schoolops:charter.replaced' : 'schoolops:charter.saved', { school: esc(name) }),
        {
          parse_mode: 'HTML',
        },
      );
    } catch (e) {
      await refuse(ctx, e);
    }
  });

  // Anything else while the charter is awaited (a photo, a sticker, text): say what is expected.
  pm.on('message', async (ctx, next) => {
    if (opsSession(ctx).pending?.k !== 'charter') return next();
    if (ctx.message.text?.startsWith('/')) return next();
    await ctx.reply(ctx.t('schoolops:charter.not_pdf'));
  });

  return c;
}
