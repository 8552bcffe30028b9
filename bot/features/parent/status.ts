// /status (issue 4, item 7; K-CORE-4, K-SEAT-4/5): each of the parent's applications with its status
// in words, school and language, place in line, why, what happens next, the documents of R-14 and
// their due date, and the history (date, from → to, why). Buttons: withdraw (asked first; the
// cancellation limit explained when reached), change of school (a conditional swap that keeps the
// current seat until the new one is held; cancel a pending change), continue a draft.

import { Composer, InlineKeyboard } from 'grammy';
import type { ApplicationStatus } from '../../../core/domain/application-state.ts';
import { ApplicationError } from '../../../core/services/applications/errors.ts';
import type { ApplicationView } from '../../../core/services/applications/service.ts';
import { encode } from '../../callback-data.ts';
import type { BotContext } from '../../context.ts';
import { esc } from '../../format/html.ts';
import { show } from '../show.ts';
import { accessButton } from './access.ts';
import { appealButton } from './appeals.ts';
import { decodeWizard, encodeWizard as e, isWizardData } from './wizard/callback.ts';
import type { ParentDeps } from './wizard/deps.ts';
import {
  addressText,
  childName,
  date,
  day,
  documentsText,
  languageWord,
  positionText,
  refusalText,
  schoolLine,
  statusWord,
  W,
  when,
} from './wizard/text.ts';
import { schoolsScreen } from './wizard/views.ts';

type Deps = Pick<ParentDeps, 'applications' | 'catchment' | 'publicInfo'>;

const CAN_WITHDRAW: ReadonlySet<ApplicationStatus> = new Set([
  'draft',
  'submitted',
  'waitlisted',
  'admitted',
]);

/** A discarded draft is no application the parent needs to see again. */
const discarded = (a: ApplicationView) => a.status === 'withdrawn' && a.submittedAt === null;

function userId(ctx: BotContext): number {
  const id = ctx.from?.id;
  if (id === undefined) throw new Error('update without a user');
  return id;
}

/** One application's card: everything the parent may want to know about it, and what they can do. */
export async function cardScreen(ctx: BotContext, deps: Deps, a: ApplicationView, note?: string) {
  const { t, lang } = ctx;
  const tid = userId(ctx);
  const [history, position, swapSchool] = await Promise.all([
    deps.applications.history(a.id, tid),
    a.status === 'waitlisted' || a.swap ? deps.applications.position(a.id, tid) : Promise.resolve(null),
    a.swap ? deps.catchment.school(a.swap.schoolId) : Promise.resolve(null),
  ]);
  const lines: string[] = [];
  if (note) lines.push(note, '');
  lines.push(
    t(`${W}card.title`, { number: esc(a.number) }),
    t(`${W}card.child`, {
      name: childName(a.child),
      birthDate: a.child ? day(a.child.birthDate, lang) : '—',
    }),
    t(`${W}card.status`, { status: statusWord(t, a.status) }),
    t(`${W}card.school`, { school: schoolLine(t, lang, a) }),
  );
  if (a.actualAddress) lines.push(t(`${W}review.actual`, { address: addressText(a.actualAddress) }));
  if (a.status === 'waitlisted' && position)
    lines.push(t(`${W}card.queue`, { position: positionText(t, position) }));
  if (a.swap) {
    lines.push(
      t(`${W}card.swap_pending`, {
        school: swapSchool ? `${esc(swapSchool.name[lang])} (${esc(swapSchool.code)})` : '—',
        language: languageWord(t, a.swap.language),
        position: position ? positionText(t, position) : '—',
      }),
    );
  }
  if (a.priority !== 'none') {
    const what = t(`${W}priority.${a.priority}`);
    const state =
      a.priorityStatus === 'verified'
        ? t(`${W}card.priority_verified`)
        : a.priorityStatus === 'dropped'
          ? t(`${W}card.priority_dropped`)
          : t(`${W}card.priority_claimed`, { due: a.priorityDueAt ? date(a.priorityDueAt, lang) : '—' });
    lines.push(t(`${W}card.priority`, { what, state }));
  }
  // why: the latest transition that decided something
  const last = [...history]
    .reverse()
    .find((h) => h.reason !== 'swap_requested' && h.reason !== 'swap_cancelled');
  if (last) {
    lines.push(
      '',
      t(`${W}card.why`, {
        why: t(`${W}why.${last.reason}`, {
          defaultValue: t(`${W}reason.${last.reason}`, { defaultValue: esc(last.reason) }),
        }),
      }),
    );
  }
  lines.push(t(`${W}card.next`, { next: t(`${W}next.${a.status}`) }));
  if (a.status === 'admitted') {
    lines.push(
      '',
      t(`${W}result.documents`, { due: a.documentsDueAt ? date(a.documentsDueAt, lang) : '—' }),
      documentsText(t),
      t(`${W}result.documents_only`),
    );
  }
  if (a.verification === 'pending' && a.status === 'draft')
    lines.push('', t(`${W}card.verification_pending`));
  lines.push('', t(`${W}card.history`));
  for (const h of history.slice(-15)) {
    const reason = t(`${W}reason.${h.reason}`, { defaultValue: esc(h.reason) });
    const move =
      h.fromStatus === h.toStatus
        ? statusWord(t, h.toStatus)
        : `${h.fromStatus ? statusWord(t, h.fromStatus) : t(`${W}card.new`)} → ${statusWord(t, h.toStatus)}`;
    lines.push(t(`${W}card.history_line`, { at: when(h.at, lang), move, reason }));
  }

  const keyboard = new InlineKeyboard();
  if (a.status === 'draft') keyboard.text(t(`${W}card.continue`), e({ a: 'resume', app: a.id })).row();
  if (a.status === 'admitted') {
    if (a.swap) keyboard.text(t(`${W}card.swap_cancel`), e({ a: 'swap_cancel', app: a.id })).row();
    else keyboard.text(t(`${W}card.swap`), e({ a: 'swap', app: a.id })).row();
  }
  if (CAN_WITHDRAW.has(a.status))
    keyboard
      .text(
        t(a.status === 'draft' ? `${W}card.discard` : `${W}card.withdraw`),
        e({ a: 'withdraw', app: a.id }),
      )
      .row();
  // a decision the parent disagrees with: an appeal (K-OVER-4), and who looked at the data (K-CORE-5)
  const appeal = appealButton(t, a);
  if (appeal) keyboard.text(appeal.text, appeal.callback_data).row();
  if (a.status !== 'draft') {
    const access = accessButton(t, a.id);
    keyboard.text(access.text, access.data).row();
  }
  keyboard
    .text(t(`${W}card.refresh`), e({ a: 'card', app: a.id }))
    .text(t('nav.menu'), encode({ a: 'menu' }));
  return { text: lines.join('\n'), keyboard };
}

/** Shows one application's card (edited in place when a button was pressed). */
export async function showCard(ctx: BotContext, deps: Deps, app: string, note?: string): Promise<void> {
  const a = await deps.applications.get(app, userId(ctx));
  await show(ctx, await cardScreen(ctx, deps, a, note));
}

export function statusFeature(deps: Deps) {
  const { applications: apps } = deps;
  const c = new Composer<BotContext>();
  const pm = c.chatType('private');

  async function list(ctx: BotContext) {
    const mine = (await apps.mine(userId(ctx))).filter((a) => !discarded(a)).slice(0, 10);
    if (mine.length === 0) {
      const keyboard = new InlineKeyboard()
        .text(ctx.t(`${W}menu.apply`), e({ a: 'new' }))
        .row()
        .text(ctx.t('nav.menu'), encode({ a: 'menu' }));
      await show(ctx, { text: ctx.t(`${W}card.none`), keyboard });
      return;
    }
    let first = true;
    for (const a of mine) {
      await show(ctx, await cardScreen(ctx, deps, a), {
        fresh: !first || !ctx.callbackQuery || mine.length > 1,
      });
      first = false;
    }
  }

  async function onRefusal(ctx: BotContext, app: string, fn: () => Promise<void>) {
    try {
      await fn();
    } catch (err) {
      if (!(err instanceof ApplicationError)) throw err;
      if (err.code === 'not_found') {
        await show(ctx, {
          text: `⚠️ ${ctx.t(`${W}errors.not_found`)}`,
          keyboard: new InlineKeyboard().text(ctx.t(`${W}menu.status`), e({ a: 'status' })),
        });
        return;
      }
      await showCard(ctx, deps, app, `⚠️ ${refusalText(ctx.t, ctx.lang, err)}`);
    }
  }

  pm.command('status', async (ctx) => {
    ctx.session.wizard = undefined;
    await list(ctx);
  });

  pm.on('callback_query:data', async (ctx, next) => {
    const data = ctx.callbackQuery.data;
    if (!isWizardData(data)) return next();
    const action = decodeWizard(data);
    if (!action) return next();
    const tid = ctx.from.id;
    const { t } = ctx;
    switch (action.a) {
      case 'status':
        await ctx.answerCallbackQuery().catch(() => {});
        ctx.session.wizard = undefined;
        return list(ctx);
      case 'card':
        await ctx.answerCallbackQuery().catch(() => {});
        ctx.session.wizard = undefined;
        return onRefusal(ctx, action.app, () => showCard(ctx, deps, action.app));
      case 'withdraw':
        await ctx.answerCallbackQuery().catch(() => {});
        return onRefusal(ctx, action.app, async () => {
          const a = await apps.get(action.app, tid);
          if (!CAN_WITHDRAW.has(a.status)) return showCard(ctx, deps, a.id);
          const key = a.status === 'draft' ? 'discard' : a.status === 'admitted' ? 'admitted' : 'other';
          const keyboard = new InlineKeyboard()
            .text(t(`${W}withdraw.yes`), e({ a: 'withdraw_yes', app: a.id }))
            .row()
            .text(t(`${W}withdraw.no`), e({ a: 'card', app: a.id }));
          await show(ctx, {
            text: t(`${W}withdraw.question_${key}`, {
              number: esc(a.number),
              school: schoolLine(t, ctx.lang, a),
            }),
            keyboard,
          });
        });
      case 'withdraw_yes':
        await ctx.answerCallbackQuery().catch(() => {});
        return onRefusal(ctx, action.app, async () => {
          const before = await apps.get(action.app, tid);
          if (before.status === 'withdrawn') return showCard(ctx, deps, before.id);
          const a = await apps.withdraw(
            action.app,
            tid,
            before.status === 'draft' ? 'draft_discarded' : 'parent_withdrew',
          );
          ctx.session.wizard = undefined;
          await showCard(
            ctx,
            deps,
            a.id,
            t(before.status === 'admitted' ? `${W}withdraw.done_seat` : `${W}withdraw.done`),
          );
        });
      case 'swap':
        await ctx.answerCallbackQuery().catch(() => {});
        return onRefusal(ctx, action.app, async () => {
          const a = await apps.get(action.app, tid);
          if (a.status !== 'admitted') throw new ApplicationError('invalid_state', { status: a.status });
          const address = a.actualAddress ?? a.registeredAddress;
          const suggestions = address
            ? (await deps.catchment.schoolsForAddress(address)).filter((s) => s.id !== a.school?.id)
            : [];
          ctx.session.wizard = { step: 'school', app: a.id, mode: 's' };
          await show(ctx, schoolsScreen(t, ctx.lang, 's', a, suggestions));
        });
      case 'lang':
        if (action.mode !== 's') return next();
        await ctx.answerCallbackQuery().catch(() => {});
        return onRefusal(ctx, action.app, async () => {
          const before = await apps.get(action.app, tid);
          const r = await apps.requestSwap(action.app, tid, action.code, action.lang);
          ctx.session.wizard = undefined;
          const note = r.swapped
            ? t(`${W}swap.moved`, { school: schoolLine(t, ctx.lang, r) })
            : t(`${W}swap.waiting`, { school: schoolLine(t, ctx.lang, before) });
          await showCard(ctx, deps, r.id, note);
        });
      case 'swap_cancel':
        await ctx.answerCallbackQuery().catch(() => {});
        return onRefusal(ctx, action.app, async () => {
          const a = await apps.cancelSwap(action.app, tid);
          await showCard(ctx, deps, a.id, t(`${W}swap.cancelled`));
        });
      default:
        return next();
    }
  });

  return c;
}
