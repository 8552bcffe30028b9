// Registered last: whatever no feature took still gets a clear, localized answer (K-CORE-6), and
// every callback query is answered so the user's button stops spinning.
import { Composer } from 'grammy';
import type { BotContext } from '../context.ts';
import { esc } from '../format/html.ts';
import { menuScreen } from './public/views.ts';
import { show } from './show.ts';

const KNOWN = ['start', 'apply', 'status', 'schools', 'calendar', 'mydata', 'language', 'help'];

export function unhandledFeature() {
  const c = new Composer<BotContext>();
  const pm = c.chatType('private');

  pm.on('callback_query', async (ctx) => {
    await ctx.answerCallbackQuery({ text: ctx.t('errors.stale_button') }).catch(() => {});
    await show(ctx, menuScreen(ctx.t), { fresh: true });
  });

  pm.on('message:text', async (ctx) => {
    const text = ctx.message.text;
    if (text.startsWith('/')) {
      const name = text.slice(1).split(/[\s@]/)[0] ?? '';
      const command = name.length <= 32 ? esc(name) : `${esc(name.slice(0, 32))}…`;
      const list = KNOWN.map((k) => `/${k}`).join(' ');
      await ctx.reply(ctx.t('errors.unknown_command', { command, list }), { parse_mode: 'HTML' });
      return;
    }
    const key = text.length > 1000 ? 'errors.text_too_long' : 'errors.text_not_understood';
    await ctx.reply(ctx.t(key), { parse_mode: 'HTML', reply_markup: menuScreen(ctx.t).keyboard });
  });

  pm.on('message', async (ctx) => {
    await ctx.reply(ctx.t('errors.unsupported_message'), {
      parse_mode: 'HTML',
      reply_markup: menuScreen(ctx.t).keyboard,
    });
  });

  // Groups: the public bot answers only in private chats (staff groups arrive with issue 5).
  c.on('message', async (ctx) => {
    if (ctx.message.text?.startsWith('/')) await ctx.reply(ctx.t('errors.private_only'));
  });

  return c;
}
