// "Who looked at my child's data" (K-CORE-5, R-10.5): `/access` (or the button `accessButton` that
// other parent screens may show) lists every logged read of the child's data by staff — when, in what
// role, at which school or education body, what was looked at; never who by name. Payloads `pa|<id>`:
// the id is only a claim, the core answers only for the Telegram user's own applications.
import { Composer, InlineKeyboard } from 'grammy';
import { z } from 'zod';
import type { AccessEntry, SchoolAdmissionsService } from '../../../core/services/school/admissions.ts';
import { SchoolError } from '../../../core/services/school/errors.ts';
import type { BotContext } from '../../context.ts';
import { formatDate } from '../../format/dates.ts';
import { esc, splitMessage } from '../../format/html.ts';
import type { Translate, UiLanguage } from '../../i18n.ts';
import type { Screen } from '../public/views.ts';
import { show } from '../show.ts';

export type AccessDeps = {
  admissions: Pick<SchoolAdmissionsService, 'whoLooked' | 'parentApplications'>;
};

export const ACCESS_PREFIX = 'pa';
const appId = z.string().regex(/^[1-9]\d{0,18}$/);

/** The button to this view for one application (for /status cards and the like). */
export function accessButton(t: Translate, applicationId: string): { text: string; data: string } {
  return { text: t('school:access.button'), data: `${ACCESS_PREFIX}|${applicationId}` };
}

/** Parses `pa|<id>`; null for anything else. */
export function decodeAccess(data: string | undefined): { app: string } | null {
  if (!data || Buffer.byteLength(data) > 64) return null;
  const [prefix, id, ...rest] = data.split('|');
  if (prefix !== ACCESS_PREFIX || rest.length > 0) return null;
  const r = appId.safeParse(id);
  return r.success ? { app: r.data } : null;
}

const MAX_GROUPS = 30;

function place(t: Translate, lang: UiLanguage, e: AccessEntry): string {
  switch (e.place.kind) {
    case 'school':
      return esc(e.place.name[lang]);
    case 'territory':
      return esc(e.place.name[lang]);
    case 'nation':
      return t('school:access.nation');
  }
}

/** The log grouped by day, role and place (newest first), with how many times each thing was read. */
export function accessText(t: Translate, lang: UiLanguage, number: string, entries: AccessEntry[]): string {
  const lines = [t('school:access.title', { number: esc(number) }), ''];
  if (entries.length === 0) {
    lines.push(t('school:access.none'));
  } else {
    const groups: {
      key: string;
      head: { date: string; role: string; place: string };
      what: Map<string, number>;
    }[] = [];
    for (const e of entries) {
      const date = formatDate(e.at, lang);
      const head = { date, role: t(`staff:roles.${e.role}`), place: place(t, lang, e) };
      const key = `${head.date}|${e.role}|${head.place}`;
      let g = groups.find((x) => x.key === key);
      if (!g) {
        g = { key, head, what: new Map() };
        groups.push(g);
      }
      g.what.set(e.what, (g.what.get(e.what) ?? 0) + 1);
    }
    for (const g of groups.slice(0, MAX_GROUPS)) {
      const what = [...g.what]
        .map(([w, n]) => {
          // the log's own codes (`class_list_file`, `coverage.list`) never reach the parent as they are
          const name = t(`school:access.what.${w.replace(/\./g, '_')}`, {
            defaultValue: t('school:access.what.other'),
          });
          return n > 1 ? t('school:access.times', { what: name, count: n }) : name;
        })
        .join(', ');
      lines.push(t('school:access.line', { ...g.head, what }));
    }
    if (groups.length > MAX_GROUPS)
      lines.push(t('school:access.more', { count: groups.length - MAX_GROUPS }));
  }
  lines.push('', t('school:access.explain'));
  return lines.join('\n');
}

export function accessFeature(deps: AccessDeps) {
  const { admissions } = deps;
  const c = new Composer<BotContext>();
  const pm = c.chatType('private');

  async function showFor(ctx: BotContext, app: string, fresh: boolean) {
    const from = ctx.from;
    if (!from) return;
    const apps = await admissions.parentApplications(from.id);
    const a = apps.find((x) => x.id === app);
    if (!a) throw new SchoolError('not_found');
    const entries = await admissions.whoLooked(from.id, a.id);
    const [first, ...more] = splitMessage(accessText(ctx.t, ctx.lang, a.number, entries));
    const keyboard = new InlineKeyboard();
    if (apps.length > 1) keyboard.text('⬅️', `${ACCESS_PREFIX}|*`);
    await show(ctx, { text: first ?? '', keyboard } satisfies Screen, { fresh });
    for (const part of more) await ctx.reply(part, { parse_mode: 'HTML' });
  }

  async function choose(ctx: BotContext, fresh: boolean) {
    const from = ctx.from;
    if (!from) return;
    const apps = (await admissions.parentApplications(from.id)).filter((a) => a.status !== 'draft');
    if (apps.length === 0) {
      await show(
        ctx,
        { text: ctx.t('school:access.no_applications'), keyboard: new InlineKeyboard() },
        { fresh },
      );
      return;
    }
    const only = apps[0];
    if (apps.length === 1 && only) return showFor(ctx, only.id, fresh);
    const keyboard = new InlineKeyboard();
    for (const a of apps) keyboard.text(`№ ${a.number}`, `${ACCESS_PREFIX}|${a.id}`).row();
    await show(ctx, { text: ctx.t('school:access.choose'), keyboard }, { fresh });
  }

  pm.command('access', async (ctx) => {
    await choose(ctx, true);
  });

  pm.on('callback_query:data', async (ctx, next) => {
    const data = ctx.callbackQuery.data;
    if (!data.startsWith(`${ACCESS_PREFIX}|`)) return next();
    if (data === `${ACCESS_PREFIX}|*`) {
      await ctx.answerCallbackQuery().catch(() => {});
      return choose(ctx, false);
    }
    const action = decodeAccess(data);
    try {
      if (!action) throw new SchoolError('not_found');
      await showFor(ctx, action.app, false);
      await ctx.answerCallbackQuery().catch(() => {});
    } catch (e) {
      if (!(e instanceof SchoolError)) throw e;
      await ctx.answerCallbackQuery({ text: ctx.t('errors.stale_button') }).catch(() => {});
    }
  });

  return c;
}
