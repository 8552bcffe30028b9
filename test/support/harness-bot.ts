// The bot's frame for the feature harnesses: the simulator's API with auto-retry (and the outbound
// throttle when asked), the user's language, the chat's session, the staff links, the error boundary
// and the inbox dispatcher with a poller — the same order as bot/create-bot.ts, with only the features
// a harness is about.
import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, type StorageAdapter, session } from 'grammy';
import type { BotContext, SessionData } from '../../bot/context.ts';
import { type StaffLinkDeps, staffMiddleware } from '../../bot/features/staff/link.ts';
import { guessLanguage, translator } from '../../bot/i18n.ts';
import { startNotificationWorker } from '../../bot/notifications/worker.ts';
import { memoryStorage } from '../../bot/session.ts';
import { throttle } from '../../bot/telegram/throttle.ts';
import { UpdateDispatcher } from '../../bot/updates/dispatcher.ts';
import { startPolling } from '../../bot/updates/poller.ts';
import type { Clock } from '../../core/clock.ts';
import type { Db } from '../../core/db/client.ts';
import type { Logger } from '../../core/logger.ts';
import { outboxRepository } from '../../core/notifications/outbox.ts';
import type { ChatUserRepository } from '../../core/repositories/chat-user-repository.ts';
import type { InboxRepository } from '../../core/repositories/inbox-repository.ts';

export type HarnessBotOptions = {
  token: string;
  apiRoot: string;
  log: Logger;
  chatUsers: Pick<ChatUserRepository, 'language'>;
  inbox: InboxRepository;
  /** the language of a user who never chose one: Telegram's guess, or Kyrgyz */
  fallbackLanguage: 'guess' | 'ky';
  /** staff links read on every update (ctx.staff) */
  identity?: StaffLinkDeps['identity'];
  throttle?: boolean;
  storage?: StorageAdapter<SessionData>;
  features: (bot: Bot<BotContext>) => void;
};

export async function startHarnessBot(o: HarnessBotOptions) {
  const { log } = o;
  const bot = new Bot<BotContext>(o.token, { client: { apiRoot: o.apiRoot } });
  if (o.throttle) bot.api.config.use(throttle());
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 5 }));
  bot.use(async (ctx, next) => {
    ctx.log = log.child({ updateId: ctx.update.update_id });
    const remembered = ctx.from ? await o.chatUsers.language(ctx.from.id) : null;
    ctx.lang = remembered ?? (o.fallbackLanguage === 'guess' ? guessLanguage(ctx.from?.language_code) : 'ky');
    ctx.langChosen = remembered !== null;
    ctx.t = translator(ctx.lang);
    await next();
  });
  bot.use(
    session({
      initial: (): SessionData => ({}),
      storage: o.storage ?? memoryStorage<SessionData>(),
      getSessionKey: (ctx) => (ctx.chat ? String(ctx.chat.id) : undefined),
    }),
  );
  if (o.identity) bot.use(staffMiddleware({ identity: o.identity }));
  o.features(bot);
  const errors: unknown[] = [];
  bot.catch(async (err) => {
    errors.push(err.error);
    log.error({ err: err.error instanceof Error ? err.error.stack : String(err.error) }, 'update failed');
    const t = err.ctx.t ?? translator('ky');
    if (err.ctx.callbackQuery)
      await err.ctx.answerCallbackQuery({ text: t('errors.internal') }).catch(() => {});
    else if (err.ctx.chat?.type === 'private') await err.ctx.reply(t('errors.internal')).catch(() => {});
  });
  await bot.init();
  const dispatcher = new UpdateDispatcher((u) => bot.handleUpdate(u), o.inbox, log);
  const poller = startPolling(bot.api, dispatcher, log);
  return { bot, dispatcher, poller, errors };
}

/** The parents' notification worker over the harness's bot, drained by hand (`drain()`), not by time. */
export function startHarnessNotifications(o: {
  api: Bot<BotContext>['api'];
  db: Db;
  clock: Clock;
  log: Logger;
  chatUsers: Pick<ChatUserRepository, 'language' | 'setReachable'>;
}) {
  const { db } = o;
  return startNotificationWorker(
    {
      api: o.api,
      outbox: outboxRepository(db),
      clock: o.clock,
      log: o.log,
      languageOf: (id) => o.chatUsers.language(id),
      setReachable: (id, reachable) => o.chatUsers.setReachable(id, reachable),
      async schoolName(id) {
        const s = await db.school.findUnique({ where: { id } });
        return s ? { ky: s.nameKy, ru: s.nameRu, en: s.nameEn } : null;
      },
      async documentsDeadline() {
        return (await db.campaign.findFirst({ where: { active: true } }))?.documentsDeadline ?? null;
      },
    },
    { intervalMs: 3_600_000 },
  );
}
