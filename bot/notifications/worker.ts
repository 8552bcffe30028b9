// Drains the outbox (core/notifications/outbox.ts) into Telegram, in each person's language, through
// the throttled API. A person who blocked the bot is marked unreachable (K-TG-3, K-NOTE-2).
import { type Api, GrammyError } from 'grammy';
import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import {
  type Delivery,
  type EmailSender,
  plainText,
  type SmsGateway,
} from '../../core/notifications/channels.ts';
import type { OutboxItem, OutboxRepository } from '../../core/notifications/outbox.ts';
import { formatDate, formatDateTime } from '../format/dates.ts';
import { esc } from '../format/html.ts';
import { DEFAULT_LANGUAGE, translator, type UiLanguage } from '../i18n.ts';

export type WorkerDeps = {
  api: Api;
  outbox: OutboxRepository;
  clock: Clock;
  log: Logger;
  languageOf(telegramId: number): Promise<UiLanguage | null>;
  setReachable(telegramId: number, reachable: boolean): Promise<void>;
  schoolName(schoolId: number): Promise<{ ky: string; ru: string; en: string } | null>;
  documentsDeadline(): Promise<Date | null>;
  /** SMS and e-mail for people who blocked the bot (K-NOTE-2); without it they are only marked unreachable */
  fallback?: {
    sms?: SmsGateway;
    email?: EmailSender;
    contactOf(telegramId: number): Promise<{ phone: string | null; email: string | null }>;
  };
};

export async function renderNotification(
  item: OutboxItem,
  lang: UiLanguage,
  deps: Pick<WorkerDeps, 'schoolName' | 'documentsDeadline'>,
) {
  const t = translator(lang);
  const p = item.params as Record<string, unknown>;
  const school = typeof p.schoolId === 'number' ? await deps.schoolName(p.schoolId) : null;
  const due = await deps.documentsDeadline();
  const values = {
    ns: 'notify',
    number: esc(String(p.number ?? '')),
    school: school ? esc(school[lang]) : '',
    language: typeof p.language === 'string' ? t(`lang_of_instruction.${p.language}`, { ns: 'bot' }) : '',
    // the child's own documents deadline when the message carries one (a seat freed late), else the campaign's
    due:
      typeof p.due === 'string'
        ? formatDateTime(new Date(p.due), lang)
        : due
          ? formatDateTime(due, lang)
          : '',
    note: esc(String(p.note ?? '')),
    // a counted message (the weekly coverage digest) takes its plural form from `count`
    ...(typeof p.count === 'number' ? { count: p.count } : {}),
    // a period the message names (the free-seats stage after a release), as Bishkek dates
    from: typeof p.from === 'string' ? formatDate(new Date(p.from), lang) : '',
    until: typeof p.until === 'string' ? formatDate(new Date(p.until), lang) : '',
    days: typeof p.days === 'number' ? p.days : '',
    // the variant of the message (`<kind>_<context>`), e.g. whether a route is open
    ...(typeof p.context === 'string' ? { context: p.context } : {}),
    reason: t(`reason.${typeof p.code === 'string' ? p.code : 'other'}`, {
      ns: 'notify',
      defaultValue: t('reason.other', { ns: 'notify' }),
    }),
  };
  return { text: t(item.kind, values) };
}

/** The same message by SMS, else e-mail, to the contact the parent gave in their application. */
async function sendElsewhere(
  deps: WorkerDeps,
  item: OutboxItem,
  telegramId: number,
): Promise<Delivery | null> {
  const fb = deps.fallback;
  if (!fb) return null;
  const contact = await fb.contactOf(telegramId);
  const lang = (await deps.languageOf(telegramId)) ?? DEFAULT_LANGUAGE;
  const text = plainText((await renderNotification(item, lang, deps)).text);
  if (fb.sms && contact.phone) return fb.sms.send(contact.phone, text);
  if (fb.email && contact.email)
    return fb.email.send(contact.email, translator(lang)('email_subject', { ns: 'notify' }), text);
  return null;
}

export function startNotificationWorker(
  deps: WorkerDeps,
  opts: { intervalMs?: number; batch?: number } = {},
) {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    const items = await deps.outbox.claimDue(deps.clock.now(), opts.batch ?? 50);
    for (const item of items) {
      const telegramId = Number(item.telegramId);
      try {
        const lang = (await deps.languageOf(telegramId)) ?? DEFAULT_LANGUAGE;
        const { text } = await renderNotification(item, lang, deps);
        await deps.api.sendMessage(telegramId, text, { parse_mode: 'HTML' });
        await deps.outbox.markSent(item.id);
      } catch (e) {
        if (e instanceof GrammyError && e.error_code === 403) {
          await deps.setReachable(telegramId, false);
          const delivery = await sendElsewhere(deps, item, telegramId).catch((err) => {
            deps.log.warn({ outboxId: String(item.id), err: String(err) }, 'SMS/e-mail fallback failed');
            return null;
          });
          if (delivery) await deps.outbox.markDeliveredBy(item.id, delivery.channel);
          else await deps.outbox.markUnreachable(item.id, e.description);
          continue;
        }
        const msg = e instanceof Error ? e.message.slice(0, 300) : String(e);
        deps.log.warn(
          { outboxId: String(item.id), kind: item.kind, err: msg },
          'notification not sent; will retry',
        );
        const backoff = Math.min(3600_000, 2 ** item.attempts * 5_000);
        await deps.outbox.markFailed(
          item.id,
          msg,
          item.attempts,
          new Date(deps.clock.now().getTime() + backoff),
        );
      }
    }
  };
  const timer = setInterval(() => {
    if (stopped) return;
    running = running
      .then(tick)
      .catch((e) => deps.log.error({ err: String(e) }, 'notification worker failed'));
  }, opts.intervalMs ?? 1000);
  timer.unref();
  return {
    /** one round now (tests) */
    drain: () => (running = running.then(tick)),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running.catch(() => {});
    },
  };
}
