// Sends the admission-alert digests (core/services/school/alerts.ts): at most one message per
// school per window, to the staff group or each staff member's private chat, through the throttled
// API (groups: 20 messages a minute, K-TG-3). A group that became a supergroup is followed; a group
// the bot left falls back to private chats; a failed send leaves the events for the next window.
import { type Api, GrammyError, InlineKeyboard } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import type { Logger } from '../../../../core/logger.ts';
import {
  ALERT_KINDS,
  type AlertEvent,
  type AlertService,
  DIGEST_WINDOW_MS,
} from '../../../../core/services/school/alerts.ts';
import { esc, splitMessage } from '../../../format/html.ts';
import {
  DEFAULT_LANGUAGE,
  isUiLanguage,
  type Translate,
  translator,
  type UiLanguage,
} from '../../../i18n.ts';

const SHOWN_NUMBERS = 10;

export type DigestWorkerDeps = {
  api: Api;
  alerts: Pick<
    AlertService,
    'claimDigests' | 'markSent' | 'markFailed' | 'destination' | 'migrateGroup' | 'groupGone'
  >;
  log: Logger;
  schoolName(schoolId: number): Promise<{ ky: string; ru: string; en: string } | null>;
  /**
   * The button that opens the school's list of applications (the admissions feature's `sa|…`
   * callback). Without it the digest ends with a /school hint.
   */
  listButton?: (schoolId: number, t: Translate) => InlineKeyboardButton | null;
};

/** The digest's text: per kind, how many and (up to ten) which application numbers. */
export function renderDigest(t: Translate, schoolName: string, events: AlertEvent[], hint: boolean): string {
  const lines = [t('schoolops:alerts.digest_title', { school: esc(schoolName) }), ''];
  for (const kind of ALERT_KINDS) {
    const of = events.filter((e) => e.kind === kind);
    if (of.length === 0) continue;
    if (kind === 'documents_due') {
      const byDate = new Map<string, number>();
      for (const e of of)
        byDate.set(
          String(e.params.date ?? ''),
          Math.max(byDate.get(String(e.params.date ?? '')) ?? 0, Number(e.params.count ?? 0)),
        );
      for (const [date, count] of byDate) {
        const shown = /^\d{4}-\d{2}-\d{2}$/.test(date)
          ? `${date.slice(8, 10)}.${date.slice(5, 7)}.${date.slice(0, 4)}`
          : esc(date);
        lines.push(`• ${t('schoolops:alerts.kind.documents_due', { date: shown, count })}`);
      }
      continue;
    }
    let line = `• ${t(`schoolops:alerts.kind.${kind}`, { count: of.length })}`;
    if (kind === 'new_application' && of.some((e) => e.params.outcome)) {
      line += ` ${t('schoolops:alerts.outcomes', {
        admitted: of.filter((e) => e.params.outcome === 'admitted').length,
        waitlisted: of.filter((e) => e.params.outcome === 'waitlisted').length,
      })}`;
    }
    const numbers = [
      ...new Set(of.map((e) => e.params.number).filter((n): n is string => typeof n === 'string')),
    ];
    if (numbers.length > 0) {
      line += `\n   № ${numbers.slice(0, SHOWN_NUMBERS).map(esc).join(', ')}`;
      if (numbers.length > SHOWN_NUMBERS)
        line += ` ${t('schoolops:alerts.more', { count: numbers.length - SHOWN_NUMBERS })}`;
    }
    lines.push(line);
  }
  if (hint) lines.push('', t('schoolops:alerts.hint'));
  return lines.join('\n');
}

export function startAlertDigestWorker(
  deps: DigestWorkerDeps,
  opts: { intervalMs?: number; windowMs?: number } = {},
) {
  const { api, alerts, log } = deps;
  const windowMs = opts.windowMs ?? DIGEST_WINDOW_MS;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  async function message(schoolId: number, events: AlertEvent[], lang: UiLanguage) {
    const t = translator(lang);
    const name = (await deps.schoolName(schoolId))?.[lang] ?? String(schoolId);
    const button = deps.listButton?.(schoolId, t) ?? null;
    const text = renderDigest(t, name, events, button === null);
    const keyboard = button ? InlineKeyboard.from([[button]]) : undefined;
    return { parts: splitMessage(text), keyboard };
  }

  async function sendTo(chatId: number, m: Awaited<ReturnType<typeof message>>) {
    for (const [i, part] of m.parts.entries()) {
      await api.sendMessage(chatId, part, {
        parse_mode: 'HTML',
        ...(i === m.parts.length - 1 && m.keyboard ? { reply_markup: m.keyboard } : {}),
      });
    }
  }

  async function deliver(schoolId: number, events: AlertEvent[]): Promise<void> {
    let dest = await alerts.destination(schoolId);
    if (dest.kind === 'group') {
      const lang = isUiLanguage(dest.language) ? dest.language : DEFAULT_LANGUAGE;
      const m = await message(schoolId, events, lang);
      try {
        await sendTo(dest.chatId, m);
        return;
      } catch (e) {
        if (!(e instanceof GrammyError)) throw e;
        const moved = e.parameters?.migrate_to_chat_id;
        if (moved) {
          await alerts.migrateGroup(dest.chatId, moved);
          await sendTo(moved, m);
          return;
        }
        if (e.error_code !== 403 && !/chat not found/i.test(e.description)) throw e;
        log.warn({ schoolId, err: e.description }, 'staff group unreachable; alerts go to private chats');
        await alerts.groupGone(dest.chatId);
        dest = await alerts.destination(schoolId);
      }
    }
    if (dest.kind !== 'staff') return;
    let delivered = 0;
    let failure: unknown = null;
    for (const r of dest.recipients) {
      const lang = isUiLanguage(r.language) ? r.language : DEFAULT_LANGUAGE;
      try {
        await sendTo(r.telegramId, await message(schoolId, events, lang));
        delivered++;
      } catch (e) {
        if (e instanceof GrammyError && e.error_code === 403) continue; // blocked the bot or never started it
        failure = e;
      }
    }
    if (delivered === 0 && failure) throw failure;
  }

  const tick = async () => {
    const digests = await alerts.claimDigests({ windowMs });
    for (const d of digests) {
      const ids = d.events.map((e) => e.id);
      try {
        await deliver(d.schoolId, d.events);
        await alerts.markSent(ids);
      } catch (e) {
        const msg = e instanceof Error ? e.message.slice(0, 300) : String(e);
        log.warn({ schoolId: d.schoolId, events: ids.length, err: msg }, 'alert digest not sent; will retry');
        await alerts.markFailed(ids, msg);
      }
    }
  };

  const timer = setInterval(() => {
    if (stopped) return;
    running = running.then(tick).catch((e) => log.error({ err: String(e) }, 'alert digest worker failed'));
  }, opts.intervalMs ?? 5_000);
  timer.unref();
  return {
    /** one round now (tests) */
    drain: () => {
      running = running.then(tick);
      return running;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running.catch(() => {});
    },
  };
}
