// Words for core results, shared by the wizard and /status: statuses, dates, names, queue positions,
// and every refusal of the core (ApplicationError codes) as "what is wrong, what to do" (K-CORE-6).
// Values from data are escaped here, where they are inserted into Telegram HTML.
import type { ApplicationStatus } from '../../../../core/domain/application-state.ts';
import type { InstructionLanguage } from '../../../../core/domain/reference.ts';
import type { ApplicationError } from '../../../../core/services/applications/errors.ts';
import type { ApplicationView, Position } from '../../../../core/services/applications/service.ts';
import type { Calendar } from '../../../../core/services/public-info.ts';
import { atTime, calendarDay, formatDate, formatDateTime } from '../../../format/dates.ts';
import { esc } from '../../../format/html.ts';
import type { Translate, UiLanguage } from '../../../i18n.ts';

/** The wizard's catalogue: locales/<lang>/wizard.json. */
export const W = 'wizard:';

export function statusWord(t: Translate, status: ApplicationStatus | string): string {
  return t(`${W}status.${status}`, { defaultValue: esc(status) });
}

/** A YYYY-MM-DD date as a calendar day in the user's language. */
export function day(date: string, lang: UiLanguage): string {
  const d = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? esc(date) : formatDate(d, lang, 'UTC');
}

export const when = (d: Date, lang: UiLanguage) => formatDateTime(d, lang);
export const date = (d: Date, lang: UiLanguage) => formatDate(d, lang);

export function childName(c: { surname?: string; name: string; patronymic?: string } | null): string {
  if (!c) return '—';
  return esc([c.surname, c.name, c.patronymic].filter(Boolean).join(' '));
}

export function languageWord(t: Translate, l: InstructionLanguage | string | null): string {
  return l ? t(`lang_of_instruction.${l}`) : '—';
}

export function schoolLine(t: Translate, lang: UiLanguage, a: ApplicationView): string {
  if (!a.school) return t(`${W}review.no_school`);
  return t(`${W}school_line`, {
    name: esc(a.school.name[lang]),
    code: esc(a.school.code),
    language: languageWord(t, a.language),
  });
}

export function addressText(a: { settlement: string; street: string; house: string } | null): string {
  return a ? esc([a.settlement, a.street, a.house].filter(Boolean).join(', ')) : '—';
}

/** "12th of 40 in line for 30 seats". */
export function positionText(t: Translate, p: Position): string {
  return t(`${W}queue.position`, {
    pos: t(`${W}queue.ordinal`, { count: p.position, ordinal: true }),
    waiting: p.waiting,
    count: p.seats,
  });
}

/** The six documents of R-14, one per line. */
export function documentsText(t: Translate): string {
  return ['application', 'birth_certificate', 'passport', 'health', 'vaccination', 'photo']
    .map((d, i) => `${i + 1}. ${t(`${W}documents.${d}`)}`)
    .join('\n');
}

/** When submission is possible: open now, opens later, or over. */
export function stageText(t: Translate, lang: UiLanguage, c: Calendar): string {
  if (c.open)
    return t(`${W}stage.open`, { stage: t(`stage.${c.open.kind}`), closes: when(c.open.closesAt, lang) });
  if (c.next) return t(`${W}stage.next`, { stage: t(`stage.${c.next.kind}`), opens: atTime(c.next.opensAt) });
  return t(`${W}stage.over`);
}

/** Why the core refused, in words, with what to do. */
export function refusalText(
  t: Translate,
  lang: UiLanguage,
  e: ApplicationError,
  calendar?: Calendar | null,
): string {
  const p = e.params;
  const k = (key: string, v: Record<string, unknown> = {}) => t(`${W}errors.${key}`, v);
  switch (e.code) {
    case 'invalid_pin':
      return t(`${W}answers.pin_${typeof p.reason === 'string' ? p.reason : 'bad_shape'}`);
    case 'certificate_mismatch': {
      const fields = Array.isArray(p.fields) ? p.fields : [];
      const which =
        fields.includes('series') && fields.includes('number')
          ? 'both'
          : fields.includes('series')
            ? 'series'
            : 'number';
      return k(`certificate_mismatch_${which}`);
    }
    case 'too_old':
    case 'too_young':
      return k(e.code, {
        birthDate: calendarDay(String(p.birthDate ?? '')),
        from: calendarDay(String(p.from ?? '')),
        to: calendarDay(String(p.to ?? '')),
      });
    case 'existing_application':
      return k('existing_application', {
        number: esc(String(p.number ?? '')),
        status: statusWord(t, String(p.status ?? '')),
      });
    case 'stage_closed':
      return `${k('stage_closed')}\n${calendar ? stageText(t, lang, calendar) : ''}`.trim();
    case 'incomplete': {
      const missing = (Array.isArray(p.missing) ? p.missing : []).map((m) => t(`${W}missing.${m}`));
      return k('incomplete', { missing: missing.join(', ') });
    }
    case 'school_not_found':
      return k('school_not_found', { code: esc(String(p.code ?? '')) });
    case 'place_refused': {
      const reason = String(p.reason ?? 'no_quota');
      const stage = typeof p.stage === 'string' ? t(`stage.${p.stage}`) : '';
      return t(`${W}place.${reason}`, { stage, defaultValue: k('place_refused') });
    }
    case 'cancellation_limit':
      return k('cancellation_limit', { count: Number(p.limit ?? 3) });
    case 'invalid_state':
      return k('invalid_state', { status: statusWord(t, String(p.status ?? '')) });
    case 'not_verified':
      return k(p.verification === 'failed' ? 'not_verified_failed' : 'not_verified_pending');
    case 'registry_refused':
      return k('registry_refused');
    default:
      return k(e.code);
  }
}

/** Why a draft's registry check failed (the code the background verification stored). */
export function verificationNoteText(t: Translate, note: string | null): string {
  return t(`${W}verification_failed.${note ?? 'other'}`, {
    defaultValue: t(`${W}verification_failed.other`),
  });
}
