// The bot: middlewares (error boundary, language, session) and features per actor. It takes its
// dependencies explicitly so tests can pass botInfo, an API root and services (guide: grammY template).
import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, type BotConfig, GrammyError, type StorageAdapter, session } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Logger } from '../core/logger.ts';
import type { Deadline } from '../core/registry/deadline.ts';
import type { Services } from '../core/services.ts';
import type { BotContext, SessionData } from './context.ts';
import { staffAppealsFeature } from './features/oversight/appeals.ts';
import { campaignFeature } from './features/oversight/campaign.ts';
import { OVERSIGHT_COMMANDS } from './features/oversight/common.ts';
import { coverageFeature } from './features/oversight/coverage.ts';
import { reportsFeature } from './features/oversight/reports.ts';
import { accessFeature } from './features/parent/access.ts';
import { parentAppealsFeature } from './features/parent/appeals.ts';
import { parentIdentityFeature } from './features/parent/identity.ts';
import { parentFeature } from './features/parent/index.ts';
import { privacyFeature } from './features/parent/privacy.ts';
import { RegistryNotAnsweringError } from './features/parent/wizard/deps.ts';
import { publicFeature } from './features/public/index.ts';
import { openDataFeature } from './features/public/opendata.ts';
import { admissionsFeature } from './features/staff/admissions/index.ts';
import { alertsFeature } from './features/staff/alerts/index.ts';
import { charterFeature } from './features/staff/charter.ts';
import { classesFeature } from './features/staff/classes/index.ts';
import { staffCommandsMiddleware } from './features/staff/commands.ts';
import { staffLinkFeature } from './features/staff/link.ts';
import { quotasFeature } from './features/staff/quotas/index.ts';
import { unhandledFeature } from './features/unhandled.ts';
import { guessLanguage, isUiLanguage, translator, UI_LANGUAGES } from './i18n.ts';
import { alwaysAvailable, type SessionStoreHealth } from './session.ts';
import { sessionStoreGuard } from './session-guard.ts';
import { mayRideInWebhookAnswer, type ThrottleOptions, throttle } from './telegram/throttle.ts';
import { RetryLaterError } from './updates/retry-later.ts';

export type BotDeps = {
  token: string;
  apiRoot?: string;
  botInfo?: UserFromGetMe;
  services: Services;
  storage: StorageAdapter<SessionData>;
  /** whether the session store answers (Redis); the in-process store always does */
  sessionHealth?: SessionStoreHealth;
  /** how long an update waits for the session store before it is left in the inbox */
  sessionHoldMs?: number | undefined;
  log: Logger;
  throttle?: ThrottleOptions | false;
  onHandled?: (result: 'ok' | 'error', ms: number) => void;
};

/** Commands everyone sees (K-TG-5); staff see theirs too (features/staff/commands.ts). */
export const PUBLIC_COMMANDS: [string, string][] = [
  ['start', 'commands.start'],
  ['apply', 'wizard:commands.apply'],
  ['status', 'wizard:commands.status'],
  ['schools', 'commands.schools'],
  ['calendar', 'commands.calendar'],
  ['mydata', 'parent:commands.mydata'],
  ['access', 'school:commands.access'],
  ...OVERSIGHT_COMMANDS.filter(([c]) => c === 'appeal').map(([c, k]): [string, string] => [c, k]),
  ['opendata', 'reports:commands.opendata'],
  ['privacy', 'privacy:commands.privacy'],
  ['language', 'commands.language'],
  ['help', 'commands.help'],
];

export function createBot(deps: BotDeps) {
  const { services, log } = deps;
  const config: BotConfig<BotContext> = {
    botInfo: deps.botInfo,
    // a button's answer (the spinner) may travel back in the webhook's own answer (bot/http/server.ts)
    client: { apiRoot: deps.apiRoot, canUseWebhookReply: mayRideInWebhookAnswer },
  };
  const bot = new Bot<BotContext>(deps.token, config);
  if (deps.throttle !== false)
    bot.api.config.use(throttle({ botId: deps.token.split(':')[0], log, ...deps.throttle }));
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 }));

  bot.use(async (ctx, next) => {
    ctx.log = log.child({ updateId: ctx.update.update_id });
    const from = ctx.from;
    const who = from && !from.is_bot ? await services.identity.whoIs(from.id) : null;
    const remembered = isUiLanguage(who?.language) ? who.language : null;
    ctx.staff = who?.staff ?? [];
    ctx.lang = remembered ?? guessLanguage(from?.language_code);
    ctx.langChosen = remembered !== null;
    ctx.t = translator(ctx.lang);
    await next();
  });

  // Redis down: the person is told, the update waits for it or is left in the inbox (decision 0006)
  bot.use(sessionStoreGuard(deps.sessionHealth ?? alwaysAvailable, deps.sessionHoldMs));
  bot.use(
    session({
      initial: (): SessionData => ({}),
      storage: deps.storage,
      // Per chat: under webhooks per-user keys would race across chats (guide: pitfalls).
      getSessionKey: (ctx) => (ctx.chat ? String(ctx.chat.id) : undefined),
    }),
  );

  // Staff roles are read on every update (above, with the language), so a revocation takes effect
  // on the next one (K-ID-2).
  bot.use(staffCommandsMiddleware(PUBLIC_COMMANDS));

  bot.on('my_chat_member', async (ctx, next) => {
    // groups: the staff-group feature learns that the bot was removed
    if (ctx.chat.type !== 'private') return next();
    const status = ctx.myChatMember.new_chat_member.status;
    await services.chatUsers.setReachable(ctx.from.id, status !== 'kicked');
  });

  // Deep links and buttons of the signed-in features come before the public ones, which answer
  // every other /start payload and button.
  bot.use(staffLinkFeature({ identity: services.identity }));
  // School staff (issue 5): the staff group first (group updates), the charter after the quotas.
  bot.use(alertsFeature({ alerts: services.alerts }));
  bot.use(admissionsFeature({ admissions: services.admissions }));
  bot.use(accessFeature({ admissions: services.admissions }));
  bot.use(quotasFeature({ quotas: services.quotas, totp: services.totp }));
  bot.use(classesFeature({ classes: services.classes }));
  bot.use(charterFeature({ charter: services.charter }));
  // District and ministry (issue 6); the parent's appeals
  bot.use(campaignFeature({ campaigns: services.campaigns, clock: services.clock }));
  bot.use(coverageFeature({ coverage: services.coverage }));
  bot.use(staffAppealsFeature({ appeals: services.appeals }));
  bot.use(parentAppealsFeature({ appeals: services.appeals }));
  bot.use(reportsFeature({ reports: services.reports }));
  bot.use(openDataFeature({ openData: services.openData }));
  bot.use(privacyFeature({ retention: services.retention }));
  bot.use(parentIdentityFeature({ identity: services.identity, myData: services.myData }));
  bot.use(
    parentFeature({
      applications: services.applications,
      publicInfo: services.publicInfo,
      catchment: services.catchment,
      linkedPin: (id) => services.identity.linkedPin(id),
      childrenOf: (_pin, telegramId, opts) => childrenOf(services, telegramId, opts?.deadline),
      startSignIn: (telegramId, chatId) => services.identity.startSignIn(telegramId, chatId),
    }),
  );
  bot.use(
    publicFeature({
      publicInfo: services.publicInfo,
      quotaHistory: (id) => services.quotas.publicHistory(id),
      setLanguage: (id, lang) => services.chatUsers.setLanguage(id, lang),
    }),
  );
  bot.use(unhandledFeature());

  // Error boundary: no update crashes the process; the user still gets an answer (K-CORE-6).
  bot.catch(async (err) => {
    const ctx = err.ctx;
    if (isBlockedByUser(err.error)) {
      // Not a fault of ours and nobody to tell: the person is marked unreachable, so their notices
      // go by SMS (K-NOTE-2), as the outbox worker does. In a group it means the bot was removed.
      if (ctx.chat?.type === 'private')
        await services.chatUsers
          .setReachable(ctx.chat.id, false)
          .catch((e) => ctx.log?.warn({ err: String(e) }, 'could not mark the chat unreachable'));
      ctx.log?.info({ chatType: ctx.chat?.type }, 'Telegram refused a reply (403): chat marked unreachable');
      return;
    }
    // left in the inbox for later (bot/session-guard.ts), and the person was told so already
    if (err.error instanceof RetryLaterError) return;
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

/** Telegram's 403: the person blocked the bot (or, in a group, removed it). */
export function isBlockedByUser(e: unknown): boolean {
  return e instanceof GrammyError && e.error_code === 403;
}

/**
 * The children the registry links to a parent, for the wizard's first question; null when the
 * registry offers no list; RegistryNotAnsweringError when it does not answer (by `deadline`).
 */
async function childrenOf(services: Services, telegramId: number, deadline?: Deadline) {
  const data = await services.myData.myData(telegramId, deadline === undefined ? {} : { deadline });
  if (data.status === 'registry_unavailable') throw new RegistryNotAnsweringError(data.retryAfterMs);
  if (data.status !== 'ok' || !data.children) return null;
  return data.children.map((c) => ({
    pin: c.pin,
    surname: c.surname,
    name: c.name,
    patronymic: c.patronymic,
    birthDate: c.birthDate,
    certificate: c.certificate ? { series: c.certificate.series, number: c.certificate.number } : null,
  }));
}

/** Commands per language (K-TG-5): Kyrgyz is the default list; ru and en for those app languages. */
export async function registerCommands(bot: KattooBot): Promise<void> {
  const commands = PUBLIC_COMMANDS;
  const list = (lang: (typeof UI_LANGUAGES)[number]) =>
    commands.map(([command, key]) => ({ command, description: translator(lang)(key) }));
  await bot.api.setMyCommands(list('ky'));
  for (const lang of UI_LANGUAGES) await bot.api.setMyCommands(list(lang), { language_code: lang });
  // what a person sees before pressing Start (the profile and the empty chat), per language
  const t = translator('ky');
  await bot.api.setMyDescription(t('privacy:description'));
  await bot.api.setMyShortDescription(t('privacy:short_description'));
  for (const lang of UI_LANGUAGES) {
    const tl = translator(lang);
    await bot.api.setMyDescription(tl('privacy:description'), { language_code: lang });
    await bot.api.setMyShortDescription(tl('privacy:short_description'), { language_code: lang });
  }
}
