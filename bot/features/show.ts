import { GrammyError } from 'grammy';
import type { BotContext } from '../context.ts';
import type { Screen } from './public/views.ts';

/** One message per step, edited in place when the user pressed one of its buttons (guide: pitfalls). */
export async function show(ctx: BotContext, screen: Screen, opts: { fresh?: boolean } = {}): Promise<void> {
  const extra = {
    parse_mode: 'HTML' as const,
    reply_markup: screen.keyboard,
    link_preview_options: { is_disabled: true },
  };
  if (ctx.callbackQuery?.message && !opts.fresh) {
    try {
      await ctx.editMessageText(screen.text, extra);
      return;
    } catch (e) {
      if (e instanceof GrammyError && /not modified/.test(e.description)) return;
      if (!(e instanceof GrammyError && /can't be edited|not found/.test(e.description))) throw e;
    }
  }
  await ctx.reply(screen.text, extra);
}
