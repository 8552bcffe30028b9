// The parent proves who they are once (K-ID-1) and sees "My data" (issue 3): /mydata and the
// "My data" button. Not linked → a URL button with a one-time sign-in link (state sign-in; demo: the
// demo identity provider). Linked → the person and the children the registry links to them, in the
// user's language, with "Unlink" (asked to confirm). Private chats only. The core does the work:
// core/services/identity.ts and core/services/my-data.ts.
import { type Api, Composer, InlineKeyboard } from 'grammy';
import type { IdentityService } from '../../../core/services/identity.ts';
import type { MyDataService } from '../../../core/services/my-data.ts';
import { decode, encode } from '../../callback-data.ts';
import type { BotContext } from '../../context.ts';
import { esc } from '../../format/html.ts';
import type { AuthNotice } from '../../http/auth-routes.ts';
import { translator, type UiLanguage } from '../../i18n.ts';
import { show } from '../show.ts';
import { myDataScreen, signInScreen, unlinkConfirmScreen, unlinkedScreen } from './views.ts';

export type ParentIdentityDeps = {
  identity: Pick<IdentityService, 'startSignIn' | 'unlink' | 'link'>;
  myData: Pick<MyDataService, 'myData'>;
};

const ACTIONS = new Set(['mydata', 'unlink', 'unlink_yes']);

export function parentIdentityFeature(deps: ParentIdentityDeps) {
  const c = new Composer<BotContext>();
  const pm = c.chatType('private');

  async function showMyData(ctx: BotContext, fresh: boolean) {
    const from = ctx.from;
    const chat = ctx.chat;
    if (!from || !chat) return;
    const data = await deps.myData.myData(from.id);
    if (data.status === 'unlinked') {
      const { url } = await deps.identity.startSignIn(from.id, chat.id);
      await show(ctx, signInScreen(ctx.t, url), { fresh });
      return;
    }
    await show(ctx, myDataScreen(ctx.t, ctx.lang, data), { fresh });
  }

  pm.command('mydata', async (ctx) => {
    await ctx.replyWithChatAction('typing').catch(() => {});
    await showMyData(ctx, true);
  });

  pm.on('callback_query:data', async (ctx, next) => {
    const action = decode(ctx.callbackQuery.data);
    if (!action || !ACTIONS.has(action.a)) return next();
    // stop the button's spinner first: the registry may take a moment
    await ctx.answerCallbackQuery().catch(() => {});
    switch (action.a) {
      case 'mydata':
        await showMyData(ctx, false);
        return;
      case 'unlink': {
        const link = await deps.identity.link(ctx.from.id);
        if (!link) {
          await show(ctx, unlinkedScreen(ctx.t, false));
          return;
        }
        await show(ctx, unlinkConfirmScreen(ctx.t, link.pin));
        return;
      }
      case 'unlink_yes': {
        const was = await deps.identity.unlink(ctx.from.id);
        await show(ctx, unlinkedScreen(ctx.t, was));
        return;
      }
    }
  });

  return c;
}

/**
 * The `notify` the sign-in routes (bot/http/auth-routes.ts) call: the confirmation in the chat where
 * the sign-in started, and the warning to an account that lost its PIN to another one.
 */
export function identityNotifier(
  api: Pick<Api, 'sendMessage'>,
): (chatId: number, lang: UiLanguage, key: AuthNotice, params?: Record<string, string>) => Promise<void> {
  return async (chatId, lang, key, params = {}) => {
    const t = translator(lang);
    const safe = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, esc(v)]));
    await api.sendMessage(chatId, t(`parent:notify.${key}`, safe), {
      parse_mode: 'HTML',
      reply_markup: new InlineKeyboard().text(t('parent:menu.my_data'), encode({ a: 'mydata' })),
    });
  };
}
