// `/privacy`: what Kattoo keeps, for how long and why (docs/privacy.md, in short), and "delete my
// data" with a confirmation. Payloads `pv|<action>`: nothing in them names a person.
import { Composer, InlineKeyboard } from 'grammy';
import type { RetentionService } from '../../../core/services/retention.ts';
import type { BotContext } from '../../context.ts';
import type { Translate } from '../../i18n.ts';
import type { Screen } from '../public/views.ts';
import { show } from '../show.ts';

export const PRIVACY_PREFIX = 'pv';
const ACTIONS = ['forget', 'forget_yes', 'back'] as const;
type Action = (typeof ACTIONS)[number];

export function decodePrivacy(data: string | undefined): Action | null {
  const [prefix, action, ...rest] = (data ?? '').split('|');
  if (prefix !== PRIVACY_PREFIX || rest.length > 0) return null;
  return (ACTIONS as readonly string[]).includes(action ?? '') ? (action as Action) : null;
}

const button = (t: Translate, key: string, action: Action) => ({
  text: t(`privacy:${key}`),
  callback_data: `${PRIVACY_PREFIX}|${action}`,
});

export function privacyScreen(t: Translate): Screen {
  return {
    text: t('privacy:policy'),
    keyboard: InlineKeyboard.from([[button(t, 'forget_button', 'forget')]]),
  };
}

export function forgetConfirmScreen(t: Translate): Screen {
  return {
    text: t('privacy:forget_confirm'),
    keyboard: InlineKeyboard.from([[button(t, 'forget_yes', 'forget_yes'), button(t, 'cancel', 'back')]]),
  };
}

export function forgottenScreen(t: Translate, r: { drafts: number; keptApplications: number }): Screen {
  const lines = [t('privacy:forgotten', { count: r.drafts })];
  if (r.keptApplications > 0) lines.push('', t('privacy:kept', { count: r.keptApplications }));
  return { text: lines.join('\n'), keyboard: new InlineKeyboard() };
}

export function privacyFeature(deps: { retention: Pick<RetentionService, 'forget'> }) {
  const composer = new Composer<BotContext>();
  const pm = composer.chatType('private');
  pm.command('privacy', (ctx) => show(ctx, privacyScreen(ctx.t), { fresh: true }));
  pm.on('callback_query:data', async (ctx, next) => {
    const action = decodePrivacy(ctx.callbackQuery.data);
    if (!action) return next();
    await ctx.answerCallbackQuery().catch(() => {});
    switch (action) {
      case 'back':
        return show(ctx, privacyScreen(ctx.t));
      case 'forget':
        return show(ctx, forgetConfirmScreen(ctx.t));
      case 'forget_yes': {
        const r = await deps.retention.forget(BigInt(ctx.from.id));
        return show(ctx, forgottenScreen(ctx.t, r));
      }
    }
  });
  return composer;
}
