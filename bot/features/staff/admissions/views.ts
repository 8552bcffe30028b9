// Screens of the school staff's admissions menu as text + inline keyboard, built from core results.
// Every value from data is escaped where it is inserted (Telegram HTML).
import { InlineKeyboard } from 'grammy';
import type { InstructionLanguage } from '../../../../core/domain/reference.ts';
import type {
  ApplicationCard,
  ApplicationPage,
  DirectAdmissionView,
  RegisterEntry,
  RegistryData,
  SchoolOverview,
  UndocumentedView,
} from '../../../../core/services/school/admissions.ts';
import { PRIORITY_FILTERS, SCHOOL_STATUSES } from '../../../../core/services/school/admissions.ts';
import type { SchoolError } from '../../../../core/services/school/errors.ts';
import {
  DIRECT_GROUNDS,
  LIMITS,
  REFUSAL_GROUNDS,
  REQUIRED_DOCUMENTS,
  type RefusalGround,
  UNDOCUMENTED_STATUSES,
} from '../../../../core/services/school/rules.ts';
import { formatDate, formatDateTime } from '../../../format/dates.ts';
import { esc } from '../../../format/html.ts';
import type { Translate, UiLanguage } from '../../../i18n.ts';
import type { Screen } from '../../public/views.ts';
import { encode, FIRST_PAGE, type ListRef } from './callback.ts';

const ICON: Record<string, string> = {
  submitted: '📨',
  admitted: '🟢',
  waitlisted: '⏳',
  enrolled: '🎓',
  released: '⚪',
  rejected: '⛔',
};

const langName = (t: Translate, l: string) => t(`bot:lang_of_instruction.${l}`);
const menuButton = (t: Translate) => ({ text: t('school:back_menu'), data: encode({ a: 'menu' }) });

/** The menu's button rows beyond the admissions ones (other school features add theirs). */
export type MenuExtra = { text: string; data: string };

export function menuScreen(
  t: Translate,
  lang: UiLanguage,
  o: SchoolOverview,
  extras: MenuExtra[] = [],
): Screen {
  const c = (s: string) => o.counts[s as keyof typeof o.counts] ?? 0;
  const lines = [
    t('school:menu.title', {
      school: esc(o.school.name[lang]),
      code: esc(o.school.code),
      role: t(`staff:roles.${o.role}`),
    }),
    '',
    t('school:menu.counts', {
      submitted: c('submitted'),
      admitted: c('admitted'),
      waitlisted: c('waitlisted'),
      enrolled: c('enrolled'),
      released: c('released'),
      rejected: c('rejected'),
    }),
    ...o.quotas.map((q) =>
      t('school:menu.seats', { language: langName(t, q.language), seats: q.seats, taken: q.taken }),
    ),
  ];
  if (o.claimed > 0) lines.push(t('school:menu.claims', { count: o.claimed }));
  if (o.direct > 0) lines.push(t('school:menu.direct_count', { count: o.direct }));
  const kb = new InlineKeyboard()
    .text(t('school:menu.applications'), encode({ a: 'list', ref: FIRST_PAGE }))
    .row()
    .text(t('school:menu.search'), encode({ a: 'search' }))
    .row();
  if (o.claimed > 0 && o.may.documents)
    kb.text(
      t('school:menu.claims_button', { count: o.claimed }),
      encode({ a: 'list', ref: { ...FIRST_PAGE, priority: 'claimed' } }),
    ).row();
  if (o.may.direct) kb.text(t('school:menu.direct'), encode({ a: 'direct' })).row();
  if (o.may.register) kb.text(t('school:menu.register'), encode({ a: 'register' })).row();
  if (o.may.direct) kb.text(t('school:menu.undocumented'), encode({ a: 'undoc' })).row();
  for (const e of extras) kb.text(e.text, e.data).row();
  return { text: lines.join('\n'), keyboard: kb };
}

function cycle<T>(values: readonly T[], current: T | null): T | null {
  if (current === null) return values[0] ?? null;
  const i = values.indexOf(current);
  return i < 0 || i === values.length - 1 ? null : (values[i + 1] ?? null);
}

export function listScreen(t: Translate, lang: UiLanguage, page: ApplicationPage, ref: ListRef): Screen {
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  const all = t('school:filter.all');
  const status = ref.status ? t(`school:status_short.${ref.status}`) : all;
  const language = ref.language ? langName(t, ref.language) : all;
  const stage = ref.stage !== null ? String(ref.stage) : all;
  const priority = ref.priority ? t(`school:filter.${ref.priority}`) : all;
  const lines = [
    t('school:list.title', { school: esc(page.school.name[lang]) }),
    t('school:list.filters', { status, language, stage, priority }),
    page.total === 0
      ? t('school:list.empty')
      : t('school:list.count', { total: page.total, page: ref.page + 1, pages }),
    '',
    t('school:list.logged'),
  ];
  const kb = new InlineKeyboard();
  for (const item of page.items) {
    kb.text(
      t('school:list.item', {
        icon: ICON[item.status] ?? '•',
        number: item.number,
        language: (item.language ?? '—').toUpperCase(),
        documents: item.documents,
        star: item.priorityStatus === 'claimed' ? ' ⭐?' : item.priorityStatus === 'verified' ? ' ⭐' : '',
      }),
      encode({ a: 'card', app: item.id }),
    ).row();
  }
  const go = (r: Partial<ListRef>) => encode({ a: 'list', ref: { ...ref, page: 0, ...r } });
  kb.text(t('school:filter.status', { value: status }), go({ status: cycle(SCHOOL_STATUSES, ref.status) }))
    .text(
      t('school:filter.language', { value: language }),
      go({ language: cycle(page.school.languages as readonly InstructionLanguage[], ref.language) }),
    )
    .row()
    .text(
      t('school:filter.stage', { value: stage }),
      go({
        stage: cycle(
          page.stages.map((s) => s.ordinal),
          ref.stage,
        ),
      }),
    )
    .text(
      t('school:filter.priority', { value: priority }),
      go({ priority: cycle(PRIORITY_FILTERS, ref.priority) }),
    )
    .row();
  if (ref.page > 0) kb.text('◀️', encode({ a: 'list', ref: { ...ref, page: ref.page - 1 } }));
  if (ref.page + 1 < pages) kb.text('▶️', encode({ a: 'list', ref: { ...ref, page: ref.page + 1 } }));
  if (ref.page > 0 || ref.page + 1 < pages) kb.row();
  const m = menuButton(t);
  kb.text(m.text, m.data);
  return { text: lines.join('\n'), keyboard: kb };
}

export function cardScreen(t: Translate, lang: UiLanguage, card: ApplicationCard, back: ListRef): Screen {
  const lines = [
    t('school:card.title', { number: card.number }),
    t('school:card.status', { status: t(`school:status.${card.status}`) }),
    t('school:card.language', { language: card.language ? langName(t, card.language) : '—' }),
  ];
  if (card.submittedAt)
    lines.push(
      t('school:card.submitted', { date: formatDateTime(card.submittedAt, lang), stage: card.stage ?? '—' }),
    );
  lines.push(
    t('school:card.catchment', { value: t(card.catchmentMatch ? 'school:card.yes' : 'school:card.no') }),
  );
  if (card.priority !== 'none') {
    lines.push(
      t('school:card.priority', {
        priority: t(`school:priority.${card.priority}`),
        status: t(`school:priority_status.${card.priorityStatus}`),
      }),
    );
    if (card.priorityStatus === 'claimed' && card.priorityDueAt)
      lines.push(t('school:card.priority_due', { date: formatDateTime(card.priorityDueAt, lang) }));
  }
  if (card.status === 'admitted' || card.status === 'enrolled')
    lines.push(t('school:card.documents', { count: card.received.length }));
  if (card.status === 'admitted' && card.documentsDueAt)
    lines.push(t('school:card.documents_due', { date: formatDateTime(card.documentsDueAt, lang) }));
  if (card.swapPending) lines.push(t('school:card.swap'));
  if (card.may.documents) lines.push('', t('school:card.checklist'));

  const kb = new InlineKeyboard();
  if (card.may.childData) kb.text(t('school:card.show_data'), encode({ a: 'data', app: card.id })).row();
  if (card.may.documents) {
    REQUIRED_DOCUMENTS.forEach((doc, i) => {
      const has = card.received.includes(doc);
      kb.text(
        `${has ? '✅' : '⬜'} ${t(`school:documents.${doc}`)}`,
        encode({ a: 'doc', app: card.id, doc: i, on: !has }),
      ).row();
    });
  }
  if (card.may.priority)
    kb.text(t('school:card.confirm_priority'), encode({ a: 'prio', app: card.id, ok: true }))
      .text(t('school:card.refuse_priority'), encode({ a: 'prio', app: card.id, ok: false }))
      .row();
  if (card.may.refuse) kb.text(t('school:card.refuse'), encode({ a: 'refuse', app: card.id })).row();
  const m = menuButton(t);
  kb.text(t('school:card.back'), encode({ a: 'list', ref: back })).text(m.text, m.data);
  return { text: lines.join('\n'), keyboard: kb };
}

function address(a: { settlement: string; street: string; house: string } | null, t: Translate): string {
  return a ? esc(`${a.settlement}, ${a.street}, ${a.house}`) : t('school:data.unknown');
}

export function dataScreen(t: Translate, lang: UiLanguage, d: RegistryData, appId: string): Screen {
  const child = d.child;
  const name = child ? [child.surname, child.name, child.patronymic].filter(Boolean).join(' ') : '—';
  const lines = [
    t('school:data.title', { number: d.number }),
    t('school:data.child', { name: esc(name) }),
    ...(child
      ? [
          t('school:data.sex', { sex: t(`school:data.sex_${child.sex}`) }),
          t('school:data.birth', { date: formatDate(new Date(child.birthDate), lang, 'UTC') }),
        ]
      : []),
    t('school:data.pin', { pin: esc(d.childPin) }),
    t('school:data.certificate', { series: esc(d.certificate.series), number: esc(d.certificate.number) }),
    ...(d.relation
      ? [
          t('school:data.relation', {
            relation: t(`school:data.relation_${d.relation}`, { defaultValue: esc(d.relation) }),
          }),
        ]
      : []),
    t('school:data.registered', { address: address(d.registeredAddress, t) }),
    ...(d.actualAddress ? [t('school:data.actual', { address: address(d.actualAddress, t) })] : []),
    t('school:data.phone', { phone: d.phone ? esc(d.phone) : t('school:data.unknown') }),
    ...(d.verifiedAt ? [t('school:data.verified', { date: formatDateTime(d.verifiedAt, lang) })] : []),
    '',
    t('school:data.logged'),
  ];
  const kb = new InlineKeyboard().text(t('school:data.back'), encode({ a: 'card', app: appId }));
  return { text: lines.join('\n'), keyboard: kb };
}

export function refuseGroundScreen(t: Translate, number: string, app: string): Screen {
  const kb = new InlineKeyboard();
  for (const g of REFUSAL_GROUNDS)
    kb.text(t(`school:refuse.grounds.${g}`), encode({ a: 'ground', app, ground: g })).row();
  kb.text(t('school:cancel'), encode({ a: 'card', app }));
  return { text: t('school:refuse.choose', { number }), keyboard: kb };
}

export function promptScreen(t: Translate, text: string, extra?: { text: string; data: string }): Screen {
  const kb = new InlineKeyboard();
  if (extra) kb.text(extra.text, extra.data).row();
  kb.text(t('school:cancel'), encode({ a: 'cancel' }));
  return { text, keyboard: kb };
}

export function refuseAskNote(t: Translate, ground: RefusalGround): Screen {
  return promptScreen(
    t,
    t('school:refuse.ask_note', {
      ground: t(`school:refuse.grounds.${ground}`),
      min: LIMITS.note.min,
      max: LIMITS.note.max,
    }),
  );
}

export function refuseConfirmScreen(
  t: Translate,
  r: { app: string; number: string; ground: RefusalGround; note: string },
): Screen {
  const kb = new InlineKeyboard()
    .text(t('school:refuse.yes'), encode({ a: 'refuse_yes', app: r.app }))
    .row()
    .text(t('school:cancel'), encode({ a: 'cancel' }));
  return {
    text: t('school:refuse.confirm', {
      number: r.number,
      ground: t(`school:refuse.grounds.${r.ground}`),
      note: esc(r.note),
    }),
    keyboard: kb,
  };
}

export function directListScreen(
  t: Translate,
  lang: UiLanguage,
  school: { name: Record<UiLanguage, string> },
  rows: DirectAdmissionView[],
): Screen {
  const lines = [t('school:direct.title', { school: esc(school.name[lang]) })];
  if (rows.length === 0) lines.push('', t('school:direct.empty'));
  const kb = new InlineKeyboard();
  for (const r of rows.slice(-40)) {
    const label = r.withdrawnAt
      ? t('school:direct.item_withdrawn', { name: r.childName })
      : t('school:direct.item', {
          name: r.childName,
          language: r.language.toUpperCase(),
          ground: t(`school:direct.grounds.${r.ground}`),
          pmpk: r.pmpkReferral ? t('school:direct.pmpk_mark') : '',
        });
    kb.text(label.slice(0, 60), encode({ a: 'd_card', id: r.id })).row();
  }
  const m = menuButton(t);
  kb.text(t('school:direct.new'), encode({ a: 'd_new' }))
    .row()
    .text(m.text, m.data);
  return { text: lines.join('\n'), keyboard: kb };
}

export function directGroundScreen(t: Translate): Screen {
  const kb = new InlineKeyboard();
  for (const g of DIRECT_GROUNDS)
    kb.text(t(`school:direct.grounds.${g}`), encode({ a: 'd_ground', ground: g })).row();
  kb.text(t('school:cancel'), encode({ a: 'cancel' }));
  return { text: t('school:direct.choose_ground'), keyboard: kb };
}

export function directLanguageScreen(t: Translate, languages: readonly InstructionLanguage[]): Screen {
  const kb = new InlineKeyboard();
  for (const l of languages) kb.text(langName(t, l), encode({ a: 'd_lang', lang: l }));
  kb.row().text(t('school:cancel'), encode({ a: 'cancel' }));
  return { text: t('school:direct.choose_language'), keyboard: kb };
}

export function directConfirmScreen(
  t: Translate,
  d: { ground: string; lang: string; name: string; doc: string },
): Screen {
  const kb = new InlineKeyboard()
    .text(t('school:direct.save'), encode({ a: 'd_save' }))
    .row()
    .text(t('school:cancel'), encode({ a: 'cancel' }));
  return {
    text: t('school:direct.confirm', {
      name: esc(d.name),
      ground: t(`school:direct.grounds.${d.ground}`),
      document: esc(d.doc),
      language: langName(t, d.lang),
    }),
    keyboard: kb,
  };
}

export function directCardScreen(t: Translate, lang: UiLanguage, d: DirectAdmissionView): Screen {
  const lines = [
    t('school:direct.card', {
      name: esc(d.childName),
      ground: t(`school:direct.grounds.${d.ground}`),
      document: esc(d.documentNumber),
      language: langName(t, d.language),
      date: formatDateTime(d.createdAt, lang),
      pmpk: t(d.pmpkReferral ? 'school:card.yes' : 'school:card.no'),
    }),
  ];
  const kb = new InlineKeyboard();
  if (d.withdrawnAt) lines.push(t('school:direct.withdrawn', { date: formatDateTime(d.withdrawnAt, lang) }));
  else
    kb.text(
      t(d.pmpkReferral ? 'school:direct.pmpk_off' : 'school:direct.pmpk_on'),
      encode({ a: 'd_pmpk', id: d.id, on: !d.pmpkReferral }),
    )
      .row()
      .text(t('school:direct.withdraw'), encode({ a: 'd_withdraw', id: d.id }))
      .row();
  kb.text(t('school:direct.back'), encode({ a: 'direct' }));
  return { text: lines.join('\n'), keyboard: kb };
}

export function confirmScreen(
  t: Translate,
  text: string,
  yes: { text: string; data: string },
  no: string,
): Screen {
  return { text, keyboard: new InlineKeyboard().text(yes.text, yes.data).row().text(t('school:cancel'), no) };
}

export function registerScreen(
  t: Translate,
  lang: UiLanguage,
  school: { name: Record<UiLanguage, string> },
  rows: RegisterEntry[],
): Screen {
  const lines = [t('school:register.title', { school: esc(school.name[lang]) }), ''];
  if (rows.length === 0) lines.push(t('school:register.empty'));
  const date = (iso: string) => formatDate(new Date(iso), lang, 'UTC');
  for (const r of rows)
    lines.push(
      t('school:register.item', {
        mark: r.qualifies ? '✅' : '➖',
        pin: esc(r.pinEnd),
        position: esc(r.position),
        since: date(r.employedSince),
        until: r.employedUntil ? t('school:register.until', { date: date(r.employedUntil) }) : '',
      }),
    );
  if (rows.length > 0) lines.push('', t('school:register.legend'));
  const kb = new InlineKeyboard();
  for (const r of rows.filter((x) => x.employedUntil === null).slice(0, 30))
    kb.text(t('school:register.end', { pin: r.pinEnd }), encode({ a: 'r_end', id: r.id })).row();
  const m = menuButton(t);
  kb.text(t('school:register.add'), encode({ a: 'r_new' }))
    .row()
    .text(m.text, m.data);
  return { text: lines.join('\n'), keyboard: kb };
}

export function undocListScreen(
  t: Translate,
  lang: UiLanguage,
  school: { name: Record<UiLanguage, string> },
  list: { deadline: string; items: UndocumentedView[] },
): Screen {
  const deadline = formatDate(new Date(list.deadline), lang, 'UTC');
  const lines = [t('school:undocumented.title', { school: esc(school.name[lang]), deadline })];
  if (list.items.length === 0) lines.push('', t('school:undocumented.empty'));
  const kb = new InlineKeyboard();
  for (const u of list.items.slice(-40))
    kb.text(
      t('school:undocumented.item', {
        name: u.childName,
        year: u.birthYear ?? '—',
        status: t(`school:undocumented.statuses.${u.status}`),
        late: u.onTime ? '' : t('school:undocumented.late'),
      }).slice(0, 60),
      encode({ a: 'u_card', id: u.id }),
    ).row();
  const m = menuButton(t);
  kb.text(t('school:undocumented.add'), encode({ a: 'u_new' }))
    .row()
    .text(m.text, m.data);
  return { text: lines.join('\n'), keyboard: kb };
}

export function undocCardScreen(
  t: Translate,
  lang: UiLanguage,
  u: UndocumentedView,
  deadline: string,
): Screen {
  const lines = [
    t('school:undocumented.card', {
      name: esc(u.childName),
      year: u.birthYear ?? '—',
      address: u.address ? esc(u.address) : '—',
      to: esc(u.requestedTo),
      date: formatDateTime(u.requestedAt, lang),
      status: t(`school:undocumented.statuses.${u.status}`),
    }),
  ];
  if (!u.onTime)
    lines.push(t('school:undocumented.late_note', { deadline: formatDate(new Date(deadline), lang, 'UTC') }));
  if (u.note) lines.push(esc(u.note));
  const kb = new InlineKeyboard();
  UNDOCUMENTED_STATUSES.forEach((s, i) => {
    kb.text(
      `${s === u.status ? '● ' : ''}${t(`school:undocumented.statuses.${s}`)}`,
      encode({ a: 'u_status', id: u.id, status: s }),
    );
    if (i % 2 === 1) kb.row();
  });
  kb.row().text(t('school:undocumented.back'), encode({ a: 'undoc' }));
  return { text: lines.join('\n'), keyboard: kb };
}

const FIELD_LIMITS: Record<string, { min?: number; max: number }> = {
  note: LIMITS.note,
  name: LIMITS.childName,
  document: LIMITS.documentNumber,
  position: LIMITS.position,
  requested_to: LIMITS.requestedTo,
  address: LIMITS.address,
};

/** A core refusal in the staff member's language (K-CORE-6). */
export function errorText(t: Translate, e: SchoolError, lang: UiLanguage = 'ky'): string {
  const p = e.params;
  switch (e.code) {
    case 'documents_not_open':
      return t('school:errors.documents_not_open', { date: formatDateTime(new Date(String(p.opens)), lang) });
    case 'documents_closed':
      return t('school:errors.documents_closed', { date: formatDateTime(new Date(String(p.due)), lang) });
    case 'bad_input': {
      const field = typeof p.field === 'string' ? p.field : 'other';
      return t(`school:errors.bad_input.${field}`, {
        ...FIELD_LIMITS[field],
        ...p,
        defaultValue: t('school:errors.bad_input.other'),
      });
    }
    case 'invalid_state':
      return t('school:errors.invalid_state', {
        status: t(`school:status.${String(p.status)}`, { defaultValue: String(p.status) }),
      });
    default:
      return t(`school:errors.${e.code}`, { ...p });
  }
}
