// Screens of the registration wizard and of the school picker it shares with the change of school:
// one question per message, text + inline keyboard, every step with ⬅ Back and ✖ Cancel. Built from
// core results only; the handlers decide whether to edit the pressed message or send a new one.
import { InlineKeyboard, Keyboard } from 'grammy';
import type { InstructionLanguage } from '../../../../core/domain/reference.ts';
import type { SchoolDetails } from '../../../../core/repositories/school-repository.ts';
import type { TerritoryView } from '../../../../core/repositories/territory-repository.ts';
import type {
  ApplicationView,
  Position,
  SubmitOutcome,
} from '../../../../core/services/applications/service.ts';
import type { Alternative, SchoolChoice } from '../../../../core/services/catchment-lookup.ts';
import type { Calendar, SchoolPage } from '../../../../core/services/public-info.ts';
import { encode } from '../../../callback-data.ts';
import { formatTime, onDay } from '../../../format/dates.ts';
import { esc } from '../../../format/html.ts';
import type { Translate, UiLanguage } from '../../../i18n.ts';
import type { Screen } from '../../public/views.ts';
import { encodeWizard as e, type Mode, type NavStep, PRIORITIES } from './callback.ts';
import type { ChildChoice } from './deps.ts';
import {
  addressText,
  childName,
  day,
  documentsText,
  languageWord,
  positionText,
  schoolLine,
  stageText,
  statusWord,
  verificationNoteText,
  W,
} from './text.ts';

export const PAGE_SIZE = 8;
const LANGUAGE_ORDER: InstructionLanguage[] = ['ky', 'ru', 'uz', 'tg', 'en'];

/** Starts a new row unless the last one is still empty (Telegram wants no empty rows). */
function newRow(k: InlineKeyboard): InlineKeyboard {
  const rows = k.inline_keyboard;
  if (rows.length > 0 && (rows[rows.length - 1]?.length ?? 0) > 0) k.row();
  return k;
}

/** A note above a question, separated by a blank line. */
const noted = (note: string | undefined, text: string) => (note ? `${note}\n\n${text}` : text);

/** ⬅ Back to a step and ✖ Cancel (the draft stays). */
function nav(t: Translate, k: InlineKeyboard, back: string | null, app: string | null): InlineKeyboard {
  newRow(k);
  if (back) k.text(t(`${W}nav.back`), back);
  return k.text(t(`${W}nav.cancel`), e({ a: 'cancel', app }));
}
const go = (to: NavStep, app: string | null) => e({ a: 'go', to, app });

/** The main menu's row (public menuScreen adds it): register a child, my applications. */
export function menuButtons(t: Translate): { text: string; callback_data: string }[] {
  return [
    { text: t(`${W}menu.apply`), callback_data: e({ a: 'new' }) },
    { text: t(`${W}menu.status`), callback_data: e({ a: 'status' }) },
  ];
}

export function signInScreen(t: Translate, url: string | null): Screen {
  const keyboard = new InlineKeyboard();
  if (url) keyboard.url(t(`${W}signin.button`), url).row();
  keyboard.text(t('nav.menu'), encode({ a: 'menu' }));
  return { text: t(url ? `${W}signin.text` : `${W}signin.text_mydata`), keyboard };
}

// --- a: the child ----------------------------------------------------------------------------

export function childScreen(
  t: Translate,
  lang: UiLanguage,
  children: ChildChoice[] | null,
  apps: ApplicationView[],
): Screen {
  const keyboard = new InlineKeyboard();
  const active = apps.filter((a) => !['withdrawn', 'rejected', 'released'].includes(a.status));
  const lines = [t(`${W}child.title`), ''];
  const shown = new Set<string>();
  children?.slice(0, 20).forEach((c, index) => {
    const app = active.find((a) => a.childPin === c.pin);
    shown.add(c.pin);
    const label = t(`${W}child.item`, { name: childName(c), birthDate: day(c.birthDate, lang) });
    if (!app) keyboard.text(label, e({ a: 'kid', index })).row();
    else if (app.status === 'draft')
      keyboard.text(t(`${W}child.continue`, { name: label }), e({ a: 'resume', app: app.id })).row();
    else
      keyboard
        .text(
          t(`${W}child.has_application`, { name: label, status: statusWord(t, app.status) }),
          e({ a: 'card', app: app.id }),
        )
        .row();
  });
  // drafts of children typed by PIN (not in the registry's list)
  for (const a of active) {
    if (shown.has(a.childPin)) continue;
    const name = a.child ? childName(a.child) : t(`${W}child.unnamed`, { number: esc(a.number) });
    if (a.status === 'draft')
      keyboard.text(t(`${W}child.continue`, { name }), e({ a: 'resume', app: a.id })).row();
    else
      keyboard
        .text(
          t(`${W}child.has_application`, { name, status: statusWord(t, a.status) }),
          e({ a: 'card', app: a.id }),
        )
        .row();
  }
  if (children === null) lines.push(t(`${W}child.registry_unavailable`));
  else if (children.length === 0) lines.push(t(`${W}child.none_linked`));
  else lines.push(t(`${W}child.question`));
  keyboard.text(t(`${W}child.other`), e({ a: 'other' }));
  return { text: lines.join('\n'), keyboard: nav(t, keyboard, encode({ a: 'menu' }), null) };
}

export function pinScreen(t: Translate, problem?: string): Screen {
  const text = noted(problem, t(`${W}pin.question`));
  return { text, keyboard: nav(t, new InlineKeyboard(), go('child', null), null) };
}

export function certScreen(t: Translate, pin: string, problem?: string): Screen {
  const text = noted(problem, t(`${W}cert.question`, { pinEnd: pin.slice(-4) }));
  return { text, keyboard: nav(t, new InlineKeyboard(), go('pin', null), null) };
}

/** The registry did not answer: the draft is kept and verified later (K-REG-5). */
export function pendingScreen(t: Translate, a: ApplicationView): Screen {
  const keyboard = new InlineKeyboard().text(t(`${W}pending.check`), e({ a: 'check', app: a.id }));
  return {
    text: t(`${W}pending.text`, { number: esc(a.number) }),
    keyboard: nav(t, keyboard, go('child', a.id), a.id),
  };
}

/**
 * The registry did not answer while the parent waited (F5, F6): not "out of date" — what is kept, and
 * when to try again (the circuit's cool-down when it is open).
 */
export function registryBusyScreen(
  t: Translate,
  lang: UiLanguage,
  retryAfterMs: number | undefined,
  retry: string,
  askedAt: Date,
): Screen {
  const busy =
    retryAfterMs === undefined
      ? t(`${W}registry.busy`)
      : t(`${W}registry.busy_in`, { count: Math.max(5, Math.ceil(retryAfterMs / 1000)) });
  // the time changes the text, so "Try again" visibly asked again even when the answer is the same
  const text = `${busy}\n\n${t(`${W}registry.asked`, { time: formatTime(askedAt, lang) })}`;
  const keyboard = new InlineKeyboard().text(t(`${W}registry.retry`), retry);
  return { text, keyboard: nav(t, keyboard, go('child', null), null) };
}

/** The background check refused the draft: why, and how to start again. */
export function failedScreen(t: Translate, a: ApplicationView): Screen {
  const keyboard = new InlineKeyboard().text(t(`${W}confirm.discard`), e({ a: 'discard', app: a.id }));
  const text = [
    t(`${W}failed.title`, { number: esc(a.number) }),
    verificationNoteText(t, a.verificationNote),
  ].join('\n\n');
  return { text, keyboard: nav(t, keyboard, go('child', a.id), a.id) };
}

// --- b: the registry's data --------------------------------------------------------------------

export function confirmScreen(t: Translate, lang: UiLanguage, a: ApplicationView, note?: string): Screen {
  const c = a.child;
  const lines = [
    t(`${W}confirm.title`, { number: esc(a.number) }),
    '',
    t(`${W}confirm.name`, { name: childName(c) }),
    t(`${W}confirm.sex`, { sex: c ? t(`${W}sex.${c.sex}`) : '—' }),
    t(`${W}confirm.birth`, { date: c ? day(c.birthDate, lang) : '—' }),
    a.registeredAddress
      ? t(`${W}confirm.address`, { address: addressText(a.registeredAddress) })
      : t(`${W}confirm.no_address`),
    '',
    t(`${W}confirm.question`),
  ];
  const keyboard = new InlineKeyboard()
    .text(t(`${W}confirm.yes`), e({ a: 'ok', app: a.id }))
    .row()
    .text(t(`${W}confirm.no`), e({ a: 'wrong', app: a.id }));
  return { text: noted(note, lines.join('\n')), keyboard: nav(t, keyboard, go('child', a.id), a.id) };
}

export function wrongDataScreen(t: Translate, a: ApplicationView): Screen {
  const keyboard = new InlineKeyboard().text(t(`${W}confirm.discard`), e({ a: 'discard', app: a.id }));
  return {
    text: t(`${W}confirm.wrong`, { number: esc(a.number) }),
    keyboard: nav(t, keyboard, go('confirm', a.id), a.id),
  };
}

export function discardScreen(t: Translate, a: ApplicationView): Screen {
  const keyboard = new InlineKeyboard()
    .text(t(`${W}discard.yes`), e({ a: 'discard_yes', app: a.id }))
    .row()
    .text(t(`${W}discard.no`), go('confirm', a.id));
  return { text: t(`${W}discard.question`, { number: esc(a.number) }), keyboard };
}

export function discardedScreen(t: Translate, a: ApplicationView): Screen {
  const keyboard = new InlineKeyboard()
    .text(t(`${W}menu.apply`), e({ a: 'new' }))
    .row()
    .text(t('nav.menu'), encode({ a: 'menu' }));
  return { text: t(`${W}discard.done`, { number: esc(a.number) }), keyboard };
}

// --- c: the school (shared with the change of school) ------------------------------------------

/** Where ⬅ Back and ✖ Cancel lead in the picker: the wizard's steps, or the application's card. */
function pickerNav(t: Translate, k: InlineKeyboard, mode: Mode, app: string, back: string | null) {
  if (mode === 'a') return nav(t, k, back, app);
  newRow(k);
  if (back) k.text(t(`${W}nav.back`), back);
  return k.text(t(`${W}nav.cancel`), e({ a: 'card', app }));
}

function freeLabel(n: number | undefined): string {
  return n === undefined ? '—' : String(Math.max(0, n));
}

export function schoolsScreen(
  t: Translate,
  lang: UiLanguage,
  mode: Mode,
  a: ApplicationView,
  suggestions: SchoolChoice[],
  note?: string,
): Screen {
  const lines: string[] = [];
  if (note) lines.push(note, '');
  if (mode === 's') {
    lines.push(
      t(`${W}swap.title`, { number: esc(a.number) }),
      schoolLine(t, lang, a),
      '',
      t(`${W}swap.explain`),
    );
  } else {
    lines.push(t(`${W}school.title`));
    if (a.registeredAddress)
      lines.push(t(`${W}school.address`, { address: addressText(a.registeredAddress) }));
    lines.push('', suggestions.length > 0 ? t(`${W}school.suggested`) : t(`${W}school.no_suggestion`));
  }
  const keyboard = new InlineKeyboard();
  for (const s of suggestions.slice(0, 3)) {
    keyboard
      .text(
        t(`${W}school.suggested_item`, { name: s.name[lang], code: s.code, free: freeLabel(s.freeTotal) }),
        e({ a: 'school', mode, app: a.id, code: s.code }),
      )
      .row();
  }
  keyboard
    .text(t(`${W}school.search`), e({ a: 'search', mode, app: a.id }))
    .row()
    .text(t(`${W}school.by_district`), e({ a: 'regions', mode, app: a.id }));
  return {
    text: lines.join('\n'),
    keyboard: pickerNav(
      t,
      keyboard,
      mode,
      a.id,
      mode === 'a' ? go('confirm', a.id) : e({ a: 'card', app: a.id }),
    ),
  };
}

export function searchPromptScreen(t: Translate, mode: Mode, app: string, problem?: string): Screen {
  const text = noted(problem, t(`${W}school.search_prompt`));
  return {
    text,
    keyboard: pickerNav(t, new InlineKeyboard(), mode, app, e({ a: 'schools', mode, app })),
  };
}

export function schoolListScreen(
  t: Translate,
  lang: UiLanguage,
  mode: Mode,
  app: string,
  heading: string,
  page: SchoolPage,
  pageAction: (page: number) => string,
  back: string,
): Screen {
  const keyboard = new InlineKeyboard();
  for (const s of page.items) {
    const free = s.special || !s.participates ? '—' : String(s.free);
    keyboard
      .text(
        t('schools.item', { name: s.name[lang], code: s.code, free }),
        e({ a: 'school', mode, app, code: s.code }),
      )
      .row();
  }
  if (page.pages > 1) {
    if (page.page > 0) keyboard.text('◀', pageAction(page.page - 1));
    keyboard.text(`${page.page + 1} / ${page.pages}`, pageAction(page.page));
    if (page.page + 1 < page.pages) keyboard.text('▶', pageAction(page.page + 1));
    keyboard.row();
  }
  keyboard.text(t(`${W}school.search`), e({ a: 'search', mode, app }));
  const lines = [heading, t('schools.count', { count: page.total }), ''];
  lines.push(page.total === 0 ? t(`${W}school.none_found`) : t('schools.pick'));
  return { text: lines.join('\n'), keyboard: pickerNav(t, keyboard, mode, app, back) };
}

export function regionsScreen(
  t: Translate,
  lang: UiLanguage,
  mode: Mode,
  app: string,
  regions: TerritoryView[],
): Screen {
  const keyboard = new InlineKeyboard();
  regions.forEach((r, i) => {
    keyboard.text(r.name[lang], e({ a: 'region', mode, app, region: r.id }));
    if (i % 2 === 1) keyboard.row();
  });
  return {
    text: t('schools.choose_region'),
    keyboard: pickerNav(t, keyboard, mode, app, e({ a: 'schools', mode, app })),
  };
}

export function districtsScreen(
  t: Translate,
  lang: UiLanguage,
  mode: Mode,
  app: string,
  region: TerritoryView,
  districts: TerritoryView[],
): Screen {
  const keyboard = new InlineKeyboard();
  districts.forEach((d, i) => {
    keyboard.text(d.name[lang], e({ a: 'district', mode, app, district: d.id, page: 0 }));
    if (i % 2 === 1) keyboard.row();
  });
  return {
    text: t('schools.choose_district', { region: esc(region.name[lang]) }),
    keyboard: pickerNav(t, keyboard, mode, app, e({ a: 'regions', mode, app })),
  };
}

/** The school picked: its languages with a quota and their free seats; or why it takes no applications. */
export function languageScreen(
  t: Translate,
  lang: UiLanguage,
  mode: Mode,
  app: string,
  s: SchoolDetails,
): Screen {
  const lines = [
    `<b>${esc(s.name[lang])}</b>`,
    t('card.code', { code: esc(s.code) }),
    t('card.address', { address: esc(s.address[lang]) }),
    '',
  ];
  const keyboard = new InlineKeyboard();
  const quotas = [...s.seats].sort(
    (x, y) => LANGUAGE_ORDER.indexOf(x.language) - LANGUAGE_ORDER.indexOf(y.language),
  );
  if (s.special) lines.push(t('card.special'));
  else if (!s.participates) lines.push(t('card.not_participating'));
  else if (quotas.length === 0) lines.push(t('card.no_quota'));
  else {
    lines.push(t(`${W}language.question`));
    for (const q of quotas) {
      keyboard
        .text(
          t(`${W}language.item`, {
            language: languageWord(t, q.language),
            free: Math.max(0, q.free),
            seats: q.seats,
          }),
          e({ a: 'lang', mode, app, code: s.code, lang: q.language }),
        )
        .row();
    }
  }
  return {
    text: lines.join('\n'),
    keyboard: pickerNav(t, keyboard, mode, app, e({ a: 'schools', mode, app })),
  };
}

// --- c (stage II): the actual address ----------------------------------------------------------

export function addressScreen(t: Translate, a: ApplicationView, problem?: string): Screen {
  const lines = [t(`${W}address.question`)];
  if (a.actualAddress) lines.push('', t(`${W}address.current`, { address: addressText(a.actualAddress) }));
  const keyboard = new InlineKeyboard().text(
    t(a.actualAddress ? `${W}address.clear` : `${W}address.skip`),
    e({ a: 'no_address', app: a.id }),
  );
  return {
    text: noted(problem, lines.join('\n')),
    keyboard: nav(t, keyboard, go('school', a.id), a.id),
  };
}

// --- d: priority -------------------------------------------------------------------------------

export function priorityScreen(t: Translate, a: ApplicationView, back: NavStep): Screen {
  const keyboard = new InlineKeyboard();
  for (const p of PRIORITIES) {
    const mark = a.priority === p && (p !== 'none' || a.phone) ? '✓ ' : '';
    keyboard.text(mark + t(`${W}priority.${p}`), e({ a: 'priority', app: a.id, priority: p })).row();
  }
  return { text: t(`${W}priority.question`), keyboard: nav(t, keyboard, go(back, a.id), a.id) };
}

export function priorityOutcome(t: Translate, _lang: UiLanguage, a: ApplicationView): string {
  if (a.priority === 'none') return t(`${W}priority.result_none`);
  const what = t(`${W}priority.${a.priority}`);
  if (a.priorityStatus === 'verified') return t(`${W}priority.result_verified`, { what });
  return t(`${W}priority.result_claimed`, {
    what,
    due: a.priorityDueAt ? onDay(a.priorityDueAt) : '—',
  });
}

// --- e: phone and consent ----------------------------------------------------------------------

export function phoneKeyboard(t: Translate): Keyboard {
  return new Keyboard()
    .requestContact(t(`${W}phone.contact_button`))
    .row()
    .text(t(`${W}nav.back`))
    .text(t(`${W}nav.cancel`))
    .resized()
    .oneTime();
}

export function phoneText(t: Translate, a: ApplicationView, problem?: string): string {
  const lines = [t(`${W}phone.question`)];
  if (a.phone) lines.push('', t(`${W}phone.current`, { phone: esc(a.phone) }));
  return noted(problem, lines.join('\n'));
}

export function consentScreen(t: Translate, a: ApplicationView): Screen {
  const keyboard = new InlineKeyboard().text(t(`${W}consent.yes`), e({ a: 'consent', app: a.id }));
  return { text: t(`${W}consent.question`), keyboard: nav(t, keyboard, go('phone', a.id), a.id) };
}

// --- f: check and submit -----------------------------------------------------------------------

export function reviewScreen(
  t: Translate,
  lang: UiLanguage,
  a: ApplicationView,
  calendar: Calendar | null,
  addressRelevant: boolean,
  note?: string,
): Screen {
  const c = a.child;
  const lines: string[] = [];
  if (note) lines.push(note, '');
  lines.push(
    t(`${W}review.title`, { number: esc(a.number) }),
    '',
    t(`${W}review.child`, {
      name: childName(c),
      birthDate: c ? day(c.birthDate, lang) : '—',
      sex: c ? t(`${W}sex.${c.sex}`) : '—',
    }),
    t(`${W}review.registered`, { address: addressText(a.registeredAddress) }),
    t(`${W}review.school`, { school: schoolLine(t, lang, a) }),
  );
  if (a.school) lines.push(t(a.catchmentMatch ? `${W}review.in_catchment` : `${W}review.not_in_catchment`));
  if (addressRelevant || a.actualAddress)
    lines.push(t(`${W}review.actual`, { address: addressText(a.actualAddress) }));
  lines.push(
    t(`${W}review.priority`, { priority: priorityOutcome(t, lang, a) }),
    t(`${W}review.phone`, { phone: a.phone ? esc(a.phone) : '—' }),
    t(a.consent ? `${W}review.consent_given` : `${W}review.consent_missing`),
    '',
  );
  if (calendar) lines.push(stageText(t, lang, calendar));
  if (calendar && !calendar.open && calendar.next) lines.push(t(`${W}review.draft_ready`));
  else if (calendar?.open) lines.push(t(`${W}review.press_submit`));
  const keyboard = new InlineKeyboard()
    .text(t(`${W}review.change_school`), go('school', a.id))
    .text(t(`${W}review.change_priority`), go('priority', a.id))
    .row()
    .text(t(`${W}review.change_phone`), go('phone', a.id));
  if (addressRelevant || a.actualAddress) keyboard.text(t(`${W}review.change_address`), go('address', a.id));
  keyboard.row().text(t(`${W}review.submit`), e({ a: 'submit', app: a.id }));
  return { text: lines.join('\n'), keyboard: nav(t, keyboard, go('consent', a.id), a.id) };
}

/** The decision, in the words of the contract, with what happens next. */
/** The decision in one line, for the button's own answer (plain text, ≤ 200 characters). */
export function decisionHeadline(t: Translate, r: SubmitOutcome): string {
  const key = r.outcome === 'admitted' ? `${W}result.admitted` : `${W}result.waitlisted`;
  return t(key, { status: statusWord(t, r.outcome), number: r.application.number })
    .replace(/<[^>]+>/g, '')
    .slice(0, 200);
}

export function resultScreen(
  t: Translate,
  lang: UiLanguage,
  r: SubmitOutcome,
  position: Position | null,
): Screen {
  const a = r.application;
  const lines = [
    t(r.outcome === 'admitted' ? `${W}result.admitted` : `${W}result.waitlisted`, {
      status: statusWord(t, r.outcome),
      number: esc(a.number),
    }),
    '',
    t(`${W}review.child`, {
      name: childName(a.child),
      birthDate: a.child ? day(a.child.birthDate, lang) : '—',
      sex: a.child ? t(`${W}sex.${a.child.sex}`) : '—',
    }),
    t(`${W}review.school`, { school: schoolLine(t, lang, a) }),
    '',
  ];
  if (r.outcome === 'admitted') {
    lines.push(
      t(`${W}result.documents`, { due: a.documentsDueAt ? onDay(a.documentsDueAt) : '—' }),
      documentsText(t),
      '',
      t(`${W}result.documents_only`),
    );
  } else {
    if (position) lines.push(t(`${W}result.position`, { position: positionText(t, position) }));
    lines.push(t(r.awaitingApproval ? `${W}result.quota_pending` : `${W}result.waitlisted_next`));
  }
  if (a.priority !== 'none' && a.priorityStatus === 'claimed') lines.push('', priorityOutcome(t, lang, a));
  const keyboard = new InlineKeyboard()
    .text(t(`${W}menu.status`), e({ a: 'card', app: a.id }))
    .row()
    .text(t('nav.menu'), encode({ a: 'menu' }));
  return { text: lines.join('\n'), keyboard };
}

/** Stage III, the school full in that language: the nearest schools with a free seat (R-16.5). */
export function alternativesScreen(
  t: Translate,
  lang: UiLanguage,
  a: ApplicationView,
  alternatives: Alternative[],
): Screen {
  const language = a.language as InstructionLanguage;
  const lines = [
    t(`${W}full.title`, { school: schoolLine(t, lang, a) }),
    '',
    alternatives.length > 0
      ? t(`${W}full.alternatives`, { language: languageWord(t, language) })
      : t(`${W}full.none`),
  ];
  const keyboard = new InlineKeyboard();
  for (const s of alternatives) {
    keyboard
      .text(
        t(`${W}full.item`, {
          name: s.name[lang],
          code: s.code,
          free: s.freeInLanguage,
          where: t(`${W}full.${s.nearness}`),
        }),
        e({ a: 'alt', app: a.id, code: s.code, lang: language }),
      )
      .row();
  }
  keyboard.text(t(`${W}review.change_school`), go('school', a.id));
  return { text: lines.join('\n'), keyboard: nav(t, keyboard, go('review', a.id), a.id) };
}

/** A refusal of the core with the way back to where the parent was. */
export function refusalScreen(t: Translate, text: string, back: string | null, app: string | null): Screen {
  return { text: `⚠️ ${text}`, keyboard: nav(t, new InlineKeyboard(), back, app) };
}

export function cancelledScreen(t: Translate, a: ApplicationView | null): Screen {
  const keyboard = new InlineKeyboard();
  if (a) keyboard.text(t(`${W}cancel.continue`), e({ a: 'resume', app: a.id })).row();
  keyboard.text(t('nav.menu'), encode({ a: 'menu' }));
  return {
    text: a ? t(`${W}cancel.kept`, { number: esc(a.number) }) : t(`${W}cancel.nothing`),
    keyboard,
  };
}
