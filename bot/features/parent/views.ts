// Screens of the parent's identity: the sign-in button, "My data", the unlink confirmation. Text is
// Telegram HTML from locales/{ky,ru,en}/parent.json; every value from data is escaped.
import { InlineKeyboard } from 'grammy';
import type { ChildView, MyData } from '../../../core/services/my-data.ts';
import { encode } from '../../callback-data.ts';
import { formatDate, onDay } from '../../format/dates.ts';
import { esc } from '../../format/html.ts';
import type { Translate, UiLanguage } from '../../i18n.ts';
import type { Screen } from '../public/views.ts';

/** A PIN as the bot shows it: only the last three digits. */
export const maskPin = (pin: string): string => `•••••••••••${pin.slice(-3)}`;

/** A YYYY-MM-DD date in the user's language, read as a calendar date (no time zone shift). */
function day(date: string, lang: UiLanguage): string {
  const d = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? esc(date) : formatDate(d, lang, 'UTC');
}

const fullName = (p: { surname: string; name: string; patronymic?: string }) =>
  [p.surname, p.name, p.patronymic].filter(Boolean).join(' ');

function menuRow(t: Translate, k: InlineKeyboard): InlineKeyboard {
  return k.row().text(t('nav.menu'), encode({ a: 'menu' }));
}

/** Not linked yet: what signing in is for, and the one-time link as a URL button. */
export function signInScreen(t: Translate, url: string): Screen {
  const keyboard = menuRow(t, new InlineKeyboard().url(t('parent:signin.button'), url));
  return { text: t('parent:mydata.unlinked'), keyboard };
}

function childLine(t: Translate, lang: UiLanguage, c: ChildView): string {
  const common = {
    name: esc(fullName(c)),
    birthDate: day(c.birthDate, lang),
    sex: t(`parent:sex.${c.sex}`),
    relation: t(`parent:relation.${c.relation}`),
  };
  return c.certificate
    ? t('parent:mydata.child', {
        ...common,
        series: esc(c.certificate.series),
        number: esc(c.certificate.number),
      })
    : t('parent:mydata.child_no_record', common);
}

/** The linked person and their children; refresh, unlink, menu. */
export function myDataScreen(
  t: Translate,
  lang: UiLanguage,
  data: Exclude<MyData, { status: 'unlinked' }>,
): Screen {
  const lines = [t('parent:mydata.heading'), ''];
  if (data.status === 'registry_unavailable') {
    lines.push(t('parent:mydata.registry_down'));
  } else {
    lines.push(
      data.person
        ? t('parent:mydata.person', {
            name: esc(fullName(data.person)),
            pin: maskPin(data.pin),
            birthDate: day(data.person.birthDate, lang),
          })
        : t('parent:mydata.person_unknown', { pinEnd: data.pin.slice(-3) }),
    );
    lines.push('', t('parent:mydata.children_heading'));
    if (data.children === null) lines.push(t('parent:mydata.children_unavailable'));
    else if (data.children.length === 0) lines.push(t('parent:mydata.no_children'));
    else for (const c of data.children) lines.push(childLine(t, lang, c));
  }
  lines.push('', t('parent:mydata.linked_since', { date: onDay(data.linkedAt) }));
  const keyboard = menuRow(
    t,
    new InlineKeyboard()
      .text(t('parent:buttons.refresh'), encode({ a: 'mydata' }))
      .row()
      .text(t('parent:buttons.unlink'), encode({ a: 'unlink' })),
  );
  return { text: lines.join('\n'), keyboard };
}

export function unlinkConfirmScreen(t: Translate, pin: string): Screen {
  const keyboard = new InlineKeyboard()
    .text(t('parent:unlink.yes'), encode({ a: 'unlink_yes' }))
    .text(t('parent:unlink.no'), encode({ a: 'mydata' }));
  return { text: t('parent:unlink.confirm', { pinEnd: pin.slice(-3) }), keyboard };
}

export function unlinkedScreen(t: Translate, wasLinked: boolean): Screen {
  const keyboard = menuRow(t, new InlineKeyboard().text(t('parent:menu.my_data'), encode({ a: 'mydata' })));
  return { text: t(wasLinked ? 'parent:unlink.done' : 'parent:unlink.not_linked'), keyboard };
}
