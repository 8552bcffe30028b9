// Screens of the public features as text + inline keyboard, built from core results. Handlers decide
// whether to send a new message or edit the one whose button was pressed.
import { InlineKeyboard } from 'grammy';
import { isAfterRelease } from '../../../core/domain/campaign.ts';
import type { InstructionLanguage } from '../../../core/domain/reference.ts';
import type { SchoolDetails } from '../../../core/repositories/school-repository.ts';
import type { TerritoryView } from '../../../core/repositories/territory-repository.ts';
import type { Calendar, SchoolPage } from '../../../core/services/public-info.ts';
import { encode, type ListRef } from '../../callback-data.ts';
import { atTime, formatDateTime, When } from '../../format/dates.ts';
import { esc } from '../../format/html.ts';
import type { Translate, UiLanguage } from '../../i18n.ts';
import { parentMenuButtons } from '../parent/index.ts';

export type Screen = { text: string; keyboard: InlineKeyboard };

export const PAGE_SIZE = 8;

export function languageScreen(t: Translate): Screen {
  const keyboard = new InlineKeyboard()
    .text('Кыргызча', encode({ a: 'lang', lang: 'ky' }))
    .text('Русский', encode({ a: 'lang', lang: 'ru' }))
    .text('English', encode({ a: 'lang', lang: 'en' }));
  return { text: t('language.choose'), keyboard };
}

export function menuScreen(t: Translate): Screen {
  const keyboard = new InlineKeyboard();
  // A parent's own actions first: register, follow the applications, see what the state knows.
  for (const b of parentMenuButtons(t)) keyboard.text(b.text, b.callback_data).row();
  keyboard
    .text(t('parent:menu.my_data'), encode({ a: 'mydata' }))
    .row()
    .text(t('menu.schools'), encode({ a: 'regions' }))
    .text(t('menu.search'), encode({ a: 'search' }))
    .row()
    .text(t('menu.calendar'), encode({ a: 'calendar' }))
    .row()
    .text(t('menu.help'), encode({ a: 'help' }))
    .text(t('menu.language'), encode({ a: 'langs' }));
  return { text: t('menu.text'), keyboard };
}

export function regionsScreen(t: Translate, lang: UiLanguage, regions: TerritoryView[]): Screen {
  const keyboard = new InlineKeyboard();
  regions.forEach((r, i) => {
    keyboard.text(r.name[lang], encode({ a: 'region', id: r.id }));
    if (i % 2 === 1) keyboard.row();
  });
  keyboard
    .row()
    .text(t('menu.search'), encode({ a: 'search' }))
    .row()
    .text(t('nav.menu'), encode({ a: 'menu' }));
  return { text: t('schools.choose_region'), keyboard };
}

export function districtsScreen(
  t: Translate,
  lang: UiLanguage,
  region: TerritoryView,
  districts: TerritoryView[],
): Screen {
  const keyboard = new InlineKeyboard();
  districts.forEach((d, i) => {
    keyboard.text(
      d.name[lang],
      encode({ a: 'list', ref: { scope: d.id, language: null, onlyFree: false, page: 0 } }),
    );
    if (i % 2 === 1) keyboard.row();
  });
  keyboard.row().text(t('nav.back'), encode({ a: 'regions' }));
  return { text: t('schools.choose_district', { region: esc(region.name[lang]) }), keyboard };
}

const LANGUAGE_ORDER: InstructionLanguage[] = ['ky', 'ru', 'uz', 'tg', 'en'];

export function schoolListScreen(
  t: Translate,
  lang: UiLanguage,
  ref: ListRef,
  page: SchoolPage,
  heading: string,
  languages: InstructionLanguage[],
): Screen {
  const keyboard = new InlineKeyboard();
  for (const s of page.items) {
    const seats = s.special || !s.participates ? '—' : String(s.free);
    keyboard
      .text(
        t('schools.item', { name: s.name[lang], code: s.code, free: seats }),
        encode({ a: 'school', code: s.code, back: ref }),
      )
      .row();
  }
  // Filters: language (cycle through the languages taught here) and free seats only.
  const langs = LANGUAGE_ORDER.filter((l) => languages.includes(l));
  const nextLanguage =
    ref.language === null ? (langs[0] ?? null) : (langs[langs.indexOf(ref.language) + 1] ?? null);
  keyboard
    .text(
      t('schools.filter_language', {
        value: ref.language ? t(`lang_of_instruction.${ref.language}`) : t('schools.all'),
      }),
      encode({ a: 'list', ref: { ...ref, language: nextLanguage, page: 0 } }),
    )
    .text(
      ref.onlyFree ? t('schools.filter_free_on') : t('schools.filter_free_off'),
      encode({ a: 'list', ref: { ...ref, onlyFree: !ref.onlyFree, page: 0 } }),
    )
    .row();
  if (page.pages > 1) {
    if (page.page > 0) keyboard.text('◀', encode({ a: 'list', ref: { ...ref, page: page.page - 1 } }));
    keyboard.text(`${page.page + 1} / ${page.pages}`, encode({ a: 'list', ref }));
    if (page.page + 1 < page.pages)
      keyboard.text('▶', encode({ a: 'list', ref: { ...ref, page: page.page + 1 } }));
    keyboard.row();
  }
  keyboard.text(t('nav.back'), encode({ a: 'regions' })).text(t('nav.menu'), encode({ a: 'menu' }));
  const lines = [heading, t('schools.count', { count: page.total })];
  if (ref.language)
    lines.push(t('schools.filtered_language', { value: t(`lang_of_instruction.${ref.language}`) }));
  if (ref.onlyFree) lines.push(t('schools.filtered_free'));
  if (page.total === 0) lines.push('', t('schools.none'));
  else lines.push('', t('schools.pick'));
  return { text: lines.join('\n'), keyboard };
}

export function schoolCardScreen(
  t: Translate,
  lang: UiLanguage,
  s: SchoolDetails,
  district: TerritoryView | null,
  back: ListRef | null,
): Screen {
  const lines = [
    `<b>${esc(s.name[lang])}</b>`,
    t('card.code', { code: esc(s.code) }),
    t('card.address', { address: esc(s.address[lang]) }),
  ];
  if (district) lines.push(t('card.district', { district: esc(district.name[lang]) }));
  lines.push(t(`card.ownership_${s.ownership}`));
  lines.push(
    t('card.languages', { languages: s.languages.map((l) => t(`lang_of_instruction.${l}`)).join(', ') }),
  );
  lines.push('');
  if (s.special) {
    lines.push(t('card.special'));
  } else if (!s.participates) {
    lines.push(t('card.not_participating'));
  } else if (s.seats.length === 0) {
    lines.push(t('card.no_quota'));
  } else {
    lines.push(t('card.seats_heading'));
    for (const q of s.seats) {
      lines.push(
        t('card.seats_line', {
          language: t(`lang_of_instruction.${q.language}`),
          seats: q.seats,
          taken: q.taken,
          free: q.free,
        }),
      );
    }
  }
  const keyboard = new InlineKeyboard();
  if (s.charter) keyboard.text(t('card.charter'), encode({ a: 'charter', code: s.code })).row();
  if (back) keyboard.text(t('nav.back_to_list'), encode({ a: 'list', ref: back }));
  else keyboard.text(t('menu.schools'), encode({ a: 'regions' }));
  keyboard.text(t('nav.menu'), encode({ a: 'menu' }));
  return { text: lines.join('\n'), keyboard };
}

export function calendarScreen(t: Translate, lang: UiLanguage, c: Calendar): Screen {
  const lines = [t('calendar.title', { year: esc(c.academicYear) }), ''];
  lines.push(
    t('calendar.eligible', {
      from: new When(c.birthFrom, false, 'UTC'),
      to: new When(c.birthTo, false, 'UTC'),
    }),
    '',
  );
  // the standing free-seats stage after the release has its own name (R-16.6, decision 0009)
  const stageName = (s: Calendar['stages'][number] | NonNullable<Calendar['open']>) =>
    t(`stage.${isAfterRelease(s, c.documentsDeadline) ? 'after_release' : s.kind}`);
  for (const s of c.stages) {
    const mark = s.phase === 'open' ? '🟢' : s.phase === 'past' ? '⚪' : '🔜';
    lines.push(
      `${mark} <b>${stageName(s)}</b>`,
      t('calendar.stage_dates', {
        opens: formatDateTime(s.opensAt, lang),
        closes: formatDateTime(s.closesAt, lang),
      }),
      ...(isAfterRelease(s, c.documentsDeadline)
        ? [t('calendar.after_release_note', { days: c.offerWorkingDays })]
        : []),
      t(`calendar.phase_${s.phase}`),
      '',
    );
  }
  if (c.open) {
    lines.push(
      t('calendar.now_open', {
        stage: stageName(c.open),
        closes: formatDateTime(c.open.closesAt, lang),
      }),
    );
  } else if (c.next) {
    lines.push(
      t('calendar.next_opens', {
        stage: stageName(c.next),
        opens: atTime(c.next.opensAt),
      }),
    );
  } else {
    lines.push(t('calendar.closed'));
  }
  lines.push(t('calendar.documents_deadline', { deadline: formatDateTime(c.documentsDeadline, lang) }));
  lines.push('', t('calendar.now', { now: formatDateTime(c.now, lang) }));
  const keyboard = new InlineKeyboard()
    .text(t('menu.schools'), encode({ a: 'regions' }))
    .text(t('nav.menu'), encode({ a: 'menu' }));
  return { text: lines.join('\n'), keyboard };
}

export function helpScreen(t: Translate): Screen {
  const keyboard = new InlineKeyboard()
    .text(t('menu.schools'), encode({ a: 'regions' }))
    .text(t('nav.menu'), encode({ a: 'menu' }));
  return { text: t('help.text'), keyboard };
}
