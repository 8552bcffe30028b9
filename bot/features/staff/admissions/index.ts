// The school staff's admissions menu (K-SCHOOL-2/3/5/6/9, K-PRIO-2) for a director or admissions
// officer linked by invite (`ctx.staff` from the staff middleware): /school opens the menu; lists with
// filter buttons and paging; search by a typed number; an application's card with the registry data on
// request (logged, K-CORE-5); the six documents of R-14 as toggle buttons — the sixth enrols the child;
// a refusal with a ground and a typed explanation; priority claims; direct admissions; the staff
// register (director); undocumented children. Every button only names an id: the core decides.
import { Composer } from 'grammy';
import { parsePin } from '../../../../core/domain/pin.ts';
import type { SchoolAdmissionsService } from '../../../../core/services/school/admissions.ts';
import { SchoolError } from '../../../../core/services/school/errors.ts';
import { LIMITS, REQUIRED_DOCUMENTS } from '../../../../core/services/school/rules.ts';
import type { BotContext } from '../../../context.ts';
import { esc } from '../../../format/html.ts';
import type { Translate } from '../../../i18n.ts';
import { show } from '../../show.ts';
import { type AdmissionsAction, decode, encode, FIRST_PAGE, type ListRef, PREFIX } from './callback.ts';
import { admissionsSession, endFlow } from './session.ts';
import {
  cardScreen,
  confirmScreen,
  dataScreen,
  directCardScreen,
  directConfirmScreen,
  directGroundScreen,
  directLanguageScreen,
  directListScreen,
  errorText,
  listScreen,
  type MenuExtra,
  menuScreen,
  promptScreen,
  refuseAskNote,
  refuseConfirmScreen,
  refuseGroundScreen,
  registerScreen,
  undocCardScreen,
  undocListScreen,
} from './views.ts';

export type AdmissionsDeps = {
  admissions: Pick<
    SchoolAdmissionsService,
    | 'overview'
    | 'list'
    | 'card'
    | 'findByNumber'
    | 'registryData'
    | 'setDocument'
    | 'refuse'
    | 'decidePriority'
    | 'registerList'
    | 'registerAdd'
    | 'registerEnd'
    | 'directList'
    | 'directRecord'
    | 'directPmpk'
    | 'directWithdraw'
    | 'undocumentedList'
    | 'undocumentedRecord'
    | 'undocumentedFollowUp'
  >;
  /** further menu buttons of other school features (quotas, classes, …), each with its own payload */
  menuExtras?: (ctx: BotContext) => MenuExtra[];
};

export { PREFIX as ADMISSIONS_PREFIX } from './callback.ts';

/** The button that opens the school's applications (for alert digests sent in private chats). */
export function admissionsListButton(t: Translate): { text: string; callback_data: string } {
  return { text: t('school:menu.applications'), callback_data: encode({ a: 'list', ref: FIRST_PAGE }) };
}

/** The users this menu is for: a school's director or admissions staff (the core checks again). */
function isSchoolStaff(ctx: BotContext): boolean {
  return (ctx.staff ?? []).some((l) => l.role === 'director' || l.role === 'admissions');
}

export function admissionsFeature(deps: AdmissionsDeps) {
  const { admissions } = deps;
  const c = new Composer<BotContext>();
  const pm = c.chatType('private');

  const me = (ctx: BotContext) => ({ telegramId: ctx.from?.id ?? 0 });

  /** Runs a step; a core refusal becomes a clear, localized answer (toast for buttons). */
  async function guarded(ctx: BotContext, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      if (!(e instanceof SchoolError)) throw e;
      ctx.log.info({ event: 'school_admissions', refused: e.code }, 'school action refused');
      const text = errorText(ctx.t, e, ctx.lang);
      if (ctx.callbackQuery) {
        await ctx.answerCallbackQuery({ text: text.slice(0, 190), show_alert: true }).catch(() => {});
      } else {
        await ctx.reply(text, { parse_mode: 'HTML' });
      }
    }
  }

  async function showMenu(ctx: BotContext, fresh = false) {
    endFlow(ctx);
    const o = await admissions.overview(me(ctx));
    await show(ctx, menuScreen(ctx.t, ctx.lang, o, deps.menuExtras?.(ctx) ?? []), { fresh });
  }

  async function showList(ctx: BotContext, ref: ListRef, fresh = false) {
    const s = admissionsSession(ctx);
    const page = await admissions.list(me(ctx), {
      filter: {
        ...(ref.status ? { status: ref.status } : {}),
        ...(ref.language ? { language: ref.language } : {}),
        ...(ref.stage !== null ? { stage: ref.stage } : {}),
        ...(ref.priority ? { priority: ref.priority } : {}),
      },
      page: ref.page,
    });
    s.back = ref;
    await show(ctx, listScreen(ctx.t, ctx.lang, page, ref), { fresh });
  }

  async function showCard(ctx: BotContext, app: string, purpose?: string, fresh = false) {
    const card = await admissions.card(me(ctx), app, purpose);
    await show(ctx, cardScreen(ctx.t, ctx.lang, card, admissionsSession(ctx).back ?? FIRST_PAGE), { fresh });
  }

  async function school(ctx: BotContext) {
    return (await admissions.overview(me(ctx))).school;
  }

  async function showDirect(ctx: BotContext, fresh = false) {
    endFlow(ctx);
    const rows = await admissions.directList(me(ctx));
    await show(ctx, directListScreen(ctx.t, ctx.lang, await school(ctx), rows), { fresh });
  }

  async function showRegister(ctx: BotContext, fresh = false) {
    endFlow(ctx);
    const rows = await admissions.registerList(me(ctx));
    await show(ctx, registerScreen(ctx.t, ctx.lang, await school(ctx), rows), { fresh });
  }

  async function showUndocumented(ctx: BotContext, fresh = false) {
    endFlow(ctx);
    const list = await admissions.undocumentedList(me(ctx));
    await show(ctx, undocListScreen(ctx.t, ctx.lang, await school(ctx), list), { fresh });
  }

  async function showUndocCard(ctx: BotContext, id: number) {
    const list = await admissions.undocumentedList(me(ctx));
    const u = list.items.find((x) => x.id === id);
    if (!u) throw new SchoolError('not_found');
    await show(ctx, undocCardScreen(ctx.t, ctx.lang, u, list.deadline));
  }

  async function ask(ctx: BotContext, text: string, extra?: { text: string; data: string }) {
    await show(ctx, promptScreen(ctx.t, text, extra), { fresh: true });
  }

  pm.command('school', async (ctx) => {
    if (!isSchoolStaff(ctx)) {
      await ctx.reply(ctx.t((ctx.staff ?? []).length > 0 ? 'school:not_school_staff' : 'school:not_staff'));
      return;
    }
    await guarded(ctx, () => showMenu(ctx, true));
  });

  pm.on('callback_query:data', async (ctx, next) => {
    const data = ctx.callbackQuery.data;
    if (!data.startsWith(`${PREFIX}|`)) return next();
    const action = decode(data);
    if (!action) {
      await ctx.answerCallbackQuery({ text: ctx.t('errors.stale_button') }).catch(() => {});
      return;
    }
    if (!isSchoolStaff(ctx)) {
      await ctx
        .answerCallbackQuery({ text: ctx.t('school:errors.forbidden'), show_alert: true })
        .catch(() => {});
      return;
    }
    await guarded(ctx, async () => {
      const toast = await handle(ctx, action);
      await ctx.answerCallbackQuery(toast ? { text: toast } : undefined).catch(() => {});
    });
  });

  /** One button; returns a toast to show, if any. */
  async function handle(ctx: BotContext, action: AdmissionsAction): Promise<string | undefined> {
    const s = admissionsSession(ctx);
    const t = ctx.t;
    switch (action.a) {
      case 'menu':
        await showMenu(ctx);
        return;
      case 'cancel':
        endFlow(ctx);
        await showMenu(ctx, true);
        return t('school:refuse.cancelled');
      case 'list':
        endFlow(ctx);
        await showList(ctx, action.ref);
        return;
      case 'card':
        endFlow(ctx);
        await showCard(ctx, action.app);
        return;
      case 'data': {
        const d = await admissions.registryData(me(ctx), action.app);
        await show(ctx, dataScreen(t, ctx.lang, d, action.app), { fresh: true });
        return;
      }
      case 'doc': {
        const doc = REQUIRED_DOCUMENTS[action.doc];
        if (!doc) return t('errors.stale_button');
        const r = await admissions.setDocument(me(ctx), action.app, doc, action.on);
        await showCard(ctx, action.app, 'document_check');
        if (r.enrolledNow) {
          await ctx.reply(t('school:card.enrolled_now'), { parse_mode: 'HTML' });
          return t('school:document_toast.enrolled');
        }
        return t(action.on ? 'school:document_toast.on' : 'school:document_toast.off', {
          document: t(`school:documents.${doc}`),
        });
      }
      case 'refuse': {
        const card = await admissions.card(me(ctx), action.app);
        if (!card.may.refuse) throw new SchoolError('invalid_state', { status: card.status });
        await show(ctx, refuseGroundScreen(t, card.number, card.id));
        return;
      }
      case 'ground':
        endFlow(ctx);
        s.refuse = { app: action.app, ground: action.ground };
        s.step = 'refuse_note';
        await show(ctx, refuseAskNote(t, action.ground));
        return;
      case 'refuse_yes': {
        const r = s.refuse;
        if (!r || r.app !== action.app || !r.note) {
          endFlow(ctx);
          await showCard(ctx, action.app, undefined, true);
          return t('school:refuse.cancelled');
        }
        const done = await admissions.refuse(me(ctx), r.app, { ground: r.ground, note: r.note });
        endFlow(ctx);
        await show(ctx, {
          text: t('school:refuse.done', { number: done.number, promoted: done.promoted }),
          keyboard: cardScreen(t, ctx.lang, await admissions.card(me(ctx), r.app), s.back ?? FIRST_PAGE)
            .keyboard,
        });
        return;
      }
      case 'prio': {
        const r = await admissions.decidePriority(me(ctx), action.app, { confirm: action.ok });
        await showCard(ctx, action.app, 'priority_check');
        return t(`school:priority_done.${r.priorityStatus}`, { number: r.number });
      }
      case 'search':
        endFlow(ctx);
        s.step = 'number';
        await ask(ctx, t('school:search.prompt'));
        return;
      case 'direct':
        await showDirect(ctx);
        return;
      case 'd_new':
        endFlow(ctx);
        s.direct = {};
        await show(ctx, directGroundScreen(t));
        return;
      case 'd_ground': {
        s.direct = { ground: action.ground };
        const sc = await school(ctx);
        await show(ctx, directLanguageScreen(t, sc.languages));
        return;
      }
      case 'd_lang':
        if (!s.direct?.ground) {
          await showDirect(ctx, true);
          return t('school:refuse.cancelled');
        }
        s.direct.lang = action.lang;
        s.step = 'd_name';
        await ask(ctx, t('school:direct.ask_name'));
        return;
      case 'd_save': {
        const d = s.direct;
        if (!d?.ground || !d.lang || !d.name || !d.doc) {
          await showDirect(ctx, true);
          return t('school:refuse.cancelled');
        }
        const rec = await admissions.directRecord(me(ctx), {
          ground: d.ground,
          language: d.lang,
          childName: d.name,
          documentNumber: d.doc,
        });
        endFlow(ctx);
        await ctx.reply(
          t('school:direct.saved', {
            name: esc(rec.childName),
            language: t(`bot:lang_of_instruction.${rec.language}`),
          }),
          { parse_mode: 'HTML' },
        );
        await showDirect(ctx, true);
        return;
      }
      case 'd_card': {
        const row = (await admissions.directList(me(ctx))).find((r) => r.id === action.id);
        if (!row) throw new SchoolError('not_found');
        await show(ctx, directCardScreen(t, ctx.lang, row));
        return;
      }
      case 'd_pmpk': {
        const row = await admissions.directPmpk(me(ctx), action.id, action.on);
        await show(ctx, directCardScreen(t, ctx.lang, row));
        return;
      }
      case 'd_withdraw': {
        const row = (await admissions.directList(me(ctx))).find((r) => r.id === action.id);
        if (!row) throw new SchoolError('not_found');
        await show(
          ctx,
          confirmScreen(
            t,
            t('school:direct.withdraw_confirm', { name: esc(row.childName) }),
            { text: t('school:direct.withdraw_yes'), data: encode({ a: 'd_withdraw_yes', id: row.id }) },
            encode({ a: 'd_card', id: row.id }),
          ),
        );
        return;
      }
      case 'd_withdraw_yes': {
        const r = await admissions.directWithdraw(me(ctx), action.id);
        await show(ctx, directCardScreen(t, ctx.lang, r));
        return t('school:direct.withdrawn_done', { promoted: r.promoted });
      }
      case 'register':
        await showRegister(ctx);
        return;
      case 'r_new':
        endFlow(ctx);
        await admissions.registerList(me(ctx)); // the director only: others are told at once
        s.reg = {};
        s.step = 'r_pin';
        await ask(ctx, t('school:register.ask_pin'));
        return;
      case 'r_end': {
        const row = (await admissions.registerList(me(ctx))).find((r) => r.id === action.id);
        if (!row) throw new SchoolError('not_found');
        await show(
          ctx,
          confirmScreen(
            t,
            t('school:register.end_confirm', { pin: row.pinEnd }),
            { text: t('school:register.end_yes'), data: encode({ a: 'r_end_yes', id: row.id }) },
            encode({ a: 'register' }),
          ),
        );
        return;
      }
      case 'r_end_yes': {
        const r = await admissions.registerEnd(me(ctx), action.id);
        await showRegister(ctx);
        return t('school:register.ended', { pin: r.pinEnd, date: r.employedUntil ?? '' });
      }
      case 'undoc':
        await showUndocumented(ctx);
        return;
      case 'u_new':
        endFlow(ctx);
        await admissions.undocumentedList(me(ctx));
        s.undoc = {};
        s.step = 'u_name';
        await ask(ctx, t('school:undocumented.ask_name'));
        return;
      case 'u_skip':
        if (s.step !== 'u_year' || !s.undoc?.name) {
          await showUndocumented(ctx, true);
          return;
        }
        s.undoc.year = null;
        s.step = 'u_to';
        await ask(ctx, t('school:undocumented.ask_to'));
        return;
      case 'u_card':
        await showUndocCard(ctx, action.id);
        return;
      case 'u_status':
        await admissions.undocumentedFollowUp(me(ctx), action.id, { status: action.status });
        await showUndocCard(ctx, action.id);
        return t(`school:undocumented.statuses.${action.status}`);
    }
  }

  // A button of this menu pressed in a group (e.g. under an alert digest in the staff group): the
  // school's applications open only in a private chat, where each read is logged to that person.
  c.on('callback_query:data', async (ctx, next) => {
    if (!ctx.callbackQuery.data.startsWith(`${PREFIX}|`)) return next();
    await ctx.answerCallbackQuery({ text: ctx.t('school:private_only'), show_alert: true }).catch(() => {});
  });

  /** A typed answer of the flow in progress. */
  async function typed(ctx: BotContext, text: string): Promise<void> {
    const s = admissionsSession(ctx);
    const t = ctx.t;
    const value = text.replace(/\s+/g, ' ').trim();
    switch (s.step) {
      case 'number': {
        const card = await admissions.findByNumber(me(ctx), value);
        if (!card) {
          await ctx.reply(t('school:search.not_found', { number: esc(value.slice(0, 20)) }), {
            parse_mode: 'HTML',
            reply_markup: promptScreen(t, '').keyboard,
          });
          return;
        }
        endFlow(ctx);
        await show(ctx, cardScreen(t, ctx.lang, card, s.back ?? FIRST_PAGE), { fresh: true });
        return;
      }
      case 'refuse_note': {
        const r = s.refuse;
        if (!r) break;
        if (value.length < LIMITS.note.min || value.length > LIMITS.note.max) {
          throw new SchoolError('bad_input', { field: 'note' });
        }
        const card = await admissions.card(me(ctx), r.app);
        r.note = value;
        s.step = undefined;
        await show(
          ctx,
          refuseConfirmScreen(t, { app: r.app, number: card.number, ground: r.ground, note: value }),
          {
            fresh: true,
          },
        );
        return;
      }
      case 'd_name': {
        if (!s.direct) break;
        if (
          value.length < LIMITS.childName.min ||
          value.length > LIMITS.childName.max ||
          !/^[\p{L}][\p{L}\p{M} .'’ʼ-]*$/u.test(value)
        )
          throw new SchoolError('bad_input', { field: 'name' });
        s.direct.name = value;
        s.step = 'd_doc';
        await ask(ctx, t('school:direct.ask_document'));
        return;
      }
      case 'd_doc': {
        const d = s.direct;
        if (!d?.ground || !d.lang || !d.name) break;
        if (value.length < LIMITS.documentNumber.min || value.length > LIMITS.documentNumber.max)
          throw new SchoolError('bad_input', { field: 'document' });
        d.doc = value;
        s.step = undefined;
        await show(
          ctx,
          directConfirmScreen(t, { ground: d.ground, lang: d.lang, name: d.name, doc: value }),
          {
            fresh: true,
          },
        );
        return;
      }
      case 'r_pin': {
        if (!s.reg) break;
        const p = parsePin(value);
        if (!p.ok) throw new SchoolError('bad_input', { field: 'pin' });
        s.reg.pin = p.pin;
        s.step = 'r_position';
        await ask(ctx, t('school:register.ask_position'));
        return;
      }
      case 'r_position': {
        if (!s.reg?.pin) break;
        if (value.length < LIMITS.position.min || value.length > LIMITS.position.max)
          throw new SchoolError('bad_input', { field: 'position' });
        s.reg.position = value;
        s.step = 'r_since';
        await ask(ctx, t('school:register.ask_since'));
        return;
      }
      case 'r_since': {
        const r = s.reg;
        if (!r?.pin || !r.position) break;
        try {
          const e = await admissions.registerAdd(me(ctx), {
            pin: r.pin,
            position: r.position,
            employedSince: value,
          });
          endFlow(ctx);
          await ctx.reply(t('school:register.added', { pin: e.pinEnd, position: esc(e.position) }), {
            parse_mode: 'HTML',
          });
          await showRegister(ctx, true);
        } catch (e) {
          // a wrong PIN or a person already there: start again from the PIN
          if (e instanceof SchoolError && (e.params.field === 'pin' || e.code === 'already_exists')) {
            s.reg = {};
            s.step = 'r_pin';
          }
          throw e;
        }
        return;
      }
      case 'u_name': {
        if (!s.undoc) break;
        if (value.length < LIMITS.childName.min || value.length > LIMITS.childName.max)
          throw new SchoolError('bad_input', { field: 'name' });
        s.undoc.name = value;
        s.step = 'u_year';
        await ask(ctx, t('school:undocumented.ask_year'), {
          text: t('school:undocumented.skip'),
          data: encode({ a: 'u_skip' }),
        });
        return;
      }
      case 'u_year': {
        if (!s.undoc?.name) break;
        // the range is the core's (by the campaign year); here only the shape
        if (!/^\d{4}$/.test(value)) throw new SchoolError('bad_input', { field: 'year_format' });
        s.undoc.year = Number(value);
        s.step = 'u_to';
        await ask(ctx, t('school:undocumented.ask_to'));
        return;
      }
      case 'u_to': {
        const u = s.undoc;
        if (!u?.name) break;
        let r: Awaited<ReturnType<typeof admissions.undocumentedRecord>>;
        try {
          r = await admissions.undocumentedRecord(me(ctx), {
            childName: u.name,
            birthYear: u.year ?? null,
            requestedTo: value,
          });
        } catch (e) {
          // a birth year out of range: ask it again (the name is kept)
          if (e instanceof SchoolError && e.params.field === 'birth_year') s.step = 'u_year';
          throw e;
        }
        endFlow(ctx);
        await ctx.reply(t('school:undocumented.saved', { name: esc(r.childName) }), { parse_mode: 'HTML' });
        await showUndocumented(ctx, true);
        return;
      }
      default:
        break;
    }
    // the flow lost its state (an expired session): start from the menu
    endFlow(ctx);
    await showMenu(ctx, true);
  }

  pm.on('message:text', async (ctx, next) => {
    if (!isSchoolStaff(ctx)) return next();
    const s = admissionsSession(ctx);
    if (!s.step) return next();
    const text = ctx.message.text;
    if (text.startsWith('/')) {
      endFlow(ctx);
      return next();
    }
    if (text.length > 1000) {
      await ctx.reply(ctx.t('errors.text_too_long'), { parse_mode: 'HTML' });
      return;
    }
    await guarded(ctx, () => typed(ctx, text));
  });

  // Anything else while a typed answer is expected (a photo, a sticker): say what is wanted.
  pm.on('message', async (ctx, next) => {
    if (!isSchoolStaff(ctx) || !admissionsSession(ctx).step) return next();
    await ctx.reply(ctx.t('school:errors.text_expected'), {
      reply_markup: promptScreen(ctx.t, '').keyboard,
    });
  });

  return c;
}
