// Quota screens as text + inline keyboard, built from core results (K-SEAT-1/2).
import { InlineKeyboard } from 'grammy';
import type { InstructionLanguage } from '../../../../core/domain/reference.ts';
import {
  type PublicQuotaRecord,
  type QuotaChangeView,
  type QuotaOverview,
  type QuotaWarning,
  quotaWarnings,
} from '../../../../core/services/school/quotas.ts';
import type { TotpStatus } from '../../../../core/services/school/totp.ts';
import { atTime, formatDate, formatDateTime } from '../../../format/dates.ts';
import { esc } from '../../../format/html.ts';
import type { Translate, UiLanguage } from '../../../i18n.ts';
import type { Screen } from '../../public/views.ts';
import { encodeQuota } from './callback.ts';
import { langName, type QuotaDraft } from './shared.ts';

function warningLines(t: Translate, warnings: QuotaWarning[]): string[] {
  return warnings.map((w) => t(`schoolops:quotas.warn_${w.code}`, { ...w }));
}

export function quotaOverviewScreen(
  t: Translate,
  lang: UiLanguage,
  ov: QuotaOverview,
  drafts: Partial<Record<InstructionLanguage, QuotaDraft>>,
  totp: TotpStatus,
): Screen {
  const lines = [
    t('schoolops:quotas.title', { school: esc(ov.school.name[lang]), code: esc(ov.school.code) }),
  ];
  if (ov.deadline) {
    lines.push(
      ov.pastDeadline
        ? t('schoolops:quotas.deadline_past', { date: formatDateTime(ov.deadline, lang) })
        : t('schoolops:quotas.deadline', { date: atTime(ov.deadline) }),
    );
  }
  lines.push('');
  for (const l of ov.lines) {
    const language = langName(t, l.language);
    lines.push(
      l.current
        ? t('schoolops:quotas.line_current', {
            language,
            seats: l.current.seats,
            taken: l.current.taken,
            size: l.current.classSize,
            state: t(l.current.approved ? 'schoolops:quotas.approved' : 'schoolops:quotas.not_approved'),
          })
        : t('schoolops:quotas.line_none', { language }),
    );
    if (l.open) lines.push(t('schoolops:quotas.pending', { seats: l.open.toSeats, size: l.open.classSize }));
    const d = drafts[l.language];
    if (d) {
      const w = quotaWarnings(d);
      lines.push(t('schoolops:quotas.draft', { seats: d.seats, size: d.classSize, classes: w.classes }));
      lines.push(...warningLines(t, w.warnings));
    } else if (l.open) {
      lines.push(...warningLines(t, l.open.warnings));
    }
  }
  const kb = new InlineKeyboard();
  if (ov.canEdit) {
    if (ov.lines.some((l) => l.current?.approved)) lines.push('', t('schoolops:quotas.locked_note'));
    ov.lines.forEach((l, i) => {
      kb.text(
        t('schoolops:quotas.edit_button', { language: langName(t, l.language) }),
        encodeQuota({ a: 'edit', school: ov.schoolId, lang: l.language }),
      );
      if (i % 2 === 1) kb.row();
    });
    kb.row();
    if (Object.keys(drafts).length > 0) {
      kb.text(t('schoolops:quotas.submit_button'), encodeQuota({ a: 'submit', school: ov.schoolId })).row();
      kb.text(t('schoolops:quotas.discard_button'), encodeQuota({ a: 'discard', school: ov.schoolId })).row();
    }
    if (totp.needed && !totp.enrolled)
      kb.text(t('schoolops:quotas.totp_button'), encodeQuota({ a: 'totp' })).row();
  } else {
    lines.push('', t('schoolops:quotas.read_only'));
  }
  return { text: lines.join('\n'), keyboard: kb };
}

export function pendingScreen(t: Translate, lang: UiLanguage, list: QuotaChangeView[]): Screen {
  const kb = new InlineKeyboard();
  for (const c of list.slice(0, 40)) {
    kb.text(
      t('schoolops:quotas.district_item', {
        code: c.school.code,
        language: langName(t, c.language),
        seats: c.fromSeats === null ? String(c.toSeats) : `${c.fromSeats}→${c.toSeats}`,
      }),
      encodeQuota({ a: 'view', change: c.id }),
    );
    kb.row();
  }
  const text = [
    t('schoolops:quotas.district_title'),
    '',
    list.length === 0
      ? t('schoolops:quotas.district_none')
      : list.map((c) => esc(c.school.name[lang])).join('\n'),
  ].join('\n');
  return { text, keyboard: kb };
}

export function changeScreen(t: Translate, lang: UiLanguage, c: QuotaChangeView): Screen {
  const lines = [
    t('schoolops:quotas.change_title', {
      school: esc(c.school.name[lang]),
      code: esc(c.school.code),
      language: langName(t, c.language),
    }),
    c.fromSeats === null
      ? t('schoolops:quotas.change_first', { to: c.toSeats, size: c.classSize, classes: c.classes })
      : t('schoolops:quotas.change_from_to', {
          from: c.fromSeats,
          to: c.toSeats,
          size: c.classSize,
          classes: c.classes,
        }),
    ...warningLines(t, c.warnings),
    t('schoolops:quotas.change_taken', { taken: c.taken }),
  ];
  if (c.reason) lines.push(t('schoolops:quotas.change_reason', { reason: esc(c.reason) }));
  if (c.late) lines.push(t('schoolops:quotas.change_late'));
  lines.push(t('schoolops:quotas.change_requested', { at: formatDateTime(c.requestedAt, lang) }));
  const kb = new InlineKeyboard();
  if (c.status === 'submitted') {
    kb.text(t('schoolops:quotas.approve_button'), encodeQuota({ a: 'approve', change: c.id }))
      .text(t('schoolops:quotas.reject_button'), encodeQuota({ a: 'reject', change: c.id }))
      .row();
  }
  kb.text(t('schoolops:common.back'), encodeQuota({ a: 'pending' }));
  return { text: lines.join('\n'), keyboard: kb };
}

/**
 * The public record of a school's approved quotas and changes, as lines for the school card
 * (bot/features/public/views.ts): empty when there is nothing to show.
 */
export function quotaHistoryLines(t: Translate, lang: UiLanguage, records: PublicQuotaRecord[]): string[] {
  if (records.length === 0) return [];
  return [
    t('schoolops:quotas.history_title'),
    ...records.map((r) =>
      r.initial
        ? t('schoolops:quotas.history_initial', {
            date: formatDate(r.at, lang),
            language: langName(t, r.language),
            to: r.toSeats,
          })
        : t('schoolops:quotas.history_change', {
            date: formatDate(r.at, lang),
            language: langName(t, r.language),
            from: r.fromSeats,
            to: r.toSeats,
            reason: esc(r.reason ?? '—'),
          }),
    ),
  ];
}
