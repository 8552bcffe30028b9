// The bot: middlewares (error boundary, language, session) and features per actor. It takes its
// dependencies explicitly so tests can pass botInfo, an API root and services (guide: grammY template).
import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, type BotConfig, type StorageAdapter, session } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Logger } from '../core/logger.ts';
import type { Services } from '../core/services.ts';
import type { BotContext, SessionData } from './context.ts';
import { publicFeature } from './features/public/index.ts';
import { unhandledFeature } from './features/unhandled.ts';
import { guessLanguage, translator, UI_LANGUAGES } from './i18n.ts';
import { type ThrottleOptions, throttle } from './telegram/throttle.ts';

export type BotDeps = {
  token: string;
  apiRoot?: string;
  botInfo?: UserFromGetMe;
  services: Services;
  storage: StorageAdapter<SessionData>;
  log: Logger;
  throttle?: ThrottleOptions | false;
  onHandled?: (result: 'ok' | 'error', ms: number) => void;
};

export function createBot(deps: BotDeps) {
  const { services, log } = deps;
  const config: BotConfig<BotContext> = { botInfo: deps.botInfo, client: { apiRoot: deps.apiRoot } };
  const bot = new Bot<BotContext>(deps.token, config);
  if (deps.throttle !== false) bot.api.config.use(throttle(deps.throttle ?? {}));
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 }));

  bot.use(async (ctx, next) => {
    ctx.log = log.child({ updateId: ctx.update.update_id });
    const from = ctx.from;
    const remembered = from ? await services.chatUsers.language(from.id) : null;
    ctx.lang = remembered ?? guessLanguage(from?.language_code);
    ctx.langChosen = remembered !== null;
    ctx.t = translator(ctx.lang);
    await next();
  });

  bot.use(
    session({
      initial: (): SessionData => ({}),
      storage: deps.storage,
      // Per chat: under webhooks per-user keys would race across chats (guide: pitfalls).
      getSessionKey: (ctx) => (ctx.chat ? String(ctx.chat.id) : undefined),
    }),
  );

  bot.on('my_chat_member', async (ctx) => {
    if (ctx.chat.type !== 'private') return;
    const status = ctx.myChatMember.new_chat_member.status;
    await services.chatUsers.setReachable(ctx.from.id, status !== 'kicked');
  });

  bot.use(
    publicFeature({
      publicInfo: services.publicInfo,
      setLanguage: (id, lang) => services.chatUsers.setLanguage(id, lang),
    }),
  );
  bot.use(unhandledFeature());

  // Error boundary: no update crashes the process; the user still gets an answer (K-CORE-6).
  bot.catch(async (err) => {
    const ctx = err.ctx;
    ctx.log?.error(
      { err: err.error instanceof Error ? err.error.message : String(err.error) },
      'update failed',
    );
    const t = ctx.t ?? translator('ky');
    try {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: t('errors.internal') });
      else if (ctx.chat?.type === 'private') await ctx.reply(t('errors.internal'));
    } catch {
      // Telegram itself failing: nothing more to tell the user now.
    }
  });

  return bot;
}
export type KattooBot = ReturnType<typeof createBot>;

/** Commands per language (K-TG-5): Kyrgyz is the default list; ru and en for those app languages. */
export async function registerCommands(bot: KattooBot): Promise<void> {
  const names = ['start', 'schools', 'calendar', 'language', 'help'] as const;
  const list = (lang: (typeof UI_LANGUAGES)[number]) =>
    names.map((command) => ({ command, description: translator(lang)(`commands.${command}`) }));
  await bot.api.setMyCommands(list('ky'));
  for (const lang of UI_LANGUAGES) await bot.api.setMyCommands(list(lang), { language_code: lang });
}
