// The registration wizard (issue 4, item 2) as an explicit state machine — not grammY conversations.
// The step the chat is at lives in the session (`ctx.session.wizard`), the answers in the PostgreSQL
// draft through the core (core/services/applications/service.ts). Each handler is stateless and
// idempotent: it reads the draft again, asks the core to change it, and renders the next question —
// one question per message, edited in place when a button was pressed. Buttons carry the draft's id
// (`w|…`, ./callback.ts); the core refuses ids that are not the user's. Losing the session loses
// nothing: /apply finds the draft and continues where its answers stop.
//
//   child ─┬─ (registry child with certificate) ──────────────┐
//          └─ pin ─ cert ─────────────────────────────────────┴─ createDraft ─ [pending] ─ confirm
//   confirm ─ school (catchment school first · search · by district) ─ language ─ [address: stage II]
//   ─ priority ─ phone (contact button or typed) ─ consent ─ review ─ submit → admitted | waitlisted
import { Composer } from 'grammy';
import { type Deadline, deadlineIn, INTERACTIVE_REGISTRY_MS } from '../../../../core/registry/deadline.ts';
import { RegistryError, RegistryUnavailableError } from '../../../../core/registry/errors.ts';
import { ApplicationError } from '../../../../core/services/applications/errors.ts';
import type { ApplicationView } from '../../../../core/services/applications/service.ts';
import { NoActiveCampaignError } from '../../../../core/services/public-info.ts';
import type { BotContext, SessionData } from '../../../context.ts';
import { esc } from '../../../format/html.ts';
import { show } from '../../show.ts';
import { showCard } from '../status.ts';
import {
  type Certificate,
  MAX_ANSWER,
  parseAddressAnswer,
  parseCertificateAnswer,
  parsePhoneAnswer,
  parsePinAndCertificate,
  parsePinAnswer,
  parseSearchAnswer,
} from './answers.ts';
import {
  decodeWizard,
  encodeWizard as encodeWizardAction,
  isWizardData,
  type Mode,
  type NavStep,
  type WizardAction,
} from './callback.ts';
import { type ChildChoice, type ParentDeps, RegistryNotAnsweringError } from './deps.ts';
import { addressText, refusalText, W } from './text.ts';
import {
  addressScreen,
  alternativesScreen,
  cancelledScreen,
  certScreen,
  childScreen,
  confirmScreen,
  consentScreen,
  decisionHeadline,
  discardedScreen,
  discardScreen,
  districtsScreen,
  failedScreen,
  languageScreen,
  PAGE_SIZE,
  pendingScreen,
  phoneKeyboard,
  phoneText,
  pinScreen,
  priorityOutcome,
  priorityScreen,
  refusalScreen,
  regionsScreen,
  registryBusyScreen,
  resultScreen,
  reviewScreen,
  schoolListScreen,
  schoolsScreen,
  searchPromptScreen,
  signInScreen,
  wrongDataScreen,
} from './views.ts';

type Step = NonNullable<SessionData['wizard']>['step'];

/** Steps that wait for typed text; the others wait for a button. */
const TEXT_STEPS: ReadonlySet<Step> = new Set(['pin', 'cert', 'search', 'address', 'phone']);

/** The actions /status handles (bot/features/parent/status.ts). */
const STATUS_ACTIONS: ReadonlySet<WizardAction['a']> = new Set([
  'status',
  'card',
  'withdraw',
  'withdraw_yes',
  'swap',
  'swap_cancel',
]);

/** A registry look-up the parent waits for longer than this shows that it is asking (F6). */
export const REGISTRY_PROGRESS_AFTER_MS = 1_000;

/**
 * After REGISTRY_PROGRESS_AFTER_MS the pressed message says that the registry is being asked (and
 * loses its buttons, so it is not pressed twice); `done()` cancels that, or waits for its edit, so the
 * answer always lands after it.
 */
function registryProgress(ctx: BotContext): { done(): Promise<void> } {
  let edit: Promise<unknown> | undefined;
  let finished = false;
  const timer = ctx.callbackQuery?.message
    ? setTimeout(() => {
        edit = ctx.editMessageText(ctx.t(`${W}registry.checking`), { parse_mode: 'HTML' }).catch(() => {});
      }, REGISTRY_PROGRESS_AFTER_MS)
    : undefined;
  return {
    async done() {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      await edit;
    },
  };
}

/** The registry did not answer (as opposed to answering "no"); with the circuit's cool-down if open. */
function registryOutage(e: unknown): { retryAfterMs: number | undefined } | null {
  if (e instanceof RegistryNotAnsweringError) return { retryAfterMs: e.retryAfterMs };
  if (e instanceof RegistryUnavailableError) return { retryAfterMs: e.retryAfterMs };
  if (e instanceof RegistryError) return { retryAfterMs: undefined };
  return null;
}

function userId(ctx: BotContext): number {
  const id = ctx.from?.id;
  if (id === undefined) throw new Error('update without a user');
  return id;
}

export function wizardFeature(deps: ParentDeps) {
  const { applications: apps, publicInfo, catchment } = deps;
  const c = new Composer<BotContext>();
  const pm = c.chatType('private');

  // --- helpers -------------------------------------------------------------------------------

  async function calendar() {
    try {
      return await publicInfo.calendar();
    } catch (e) {
      if (e instanceof NoActiveCampaignError) return null;
      throw e;
    }
  }

  /** Whether the stage-II question (the actual address) applies to this draft. */
  async function addressRelevant(a: ApplicationView): Promise<boolean> {
    if (!a.school || a.catchmentMatch) return false;
    const cal = await calendar();
    return cal?.stages.some((s) => s.kind === 'actual_residence' && s.phase !== 'past') ?? false;
  }

  function setStep(ctx: BotContext, step: Step, extra: Partial<NonNullable<SessionData['wizard']>> = {}) {
    ctx.session.awaiting = undefined;
    ctx.session.wizard = { step, ...extra };
  }

  const withNote = (note: string | undefined, text: string) => (note ? `${note}\n\n${text}` : text);
  const encodeGo = (to: NavStep, app: string | null) => encodeWizardAction({ a: 'go', to, app });

  /** A draft of this user (the core checks ownership); anything else is shown on its card. */
  async function draft(ctx: BotContext, app: string): Promise<ApplicationView | null> {
    const a = await apps.get(app, userId(ctx));
    if (a.status === 'draft') return a;
    ctx.session.wizard = undefined;
    await showCard(
      ctx,
      deps,
      a.id,
      refusalText(ctx.t, ctx.lang, new ApplicationError('invalid_state', { status: a.status })),
    );
    return null;
  }

  /** Removes a reply keyboard (the phone question's) with a short message. */
  async function closeKeyboard(ctx: BotContext, text: string) {
    await ctx.reply(text, { parse_mode: 'HTML', reply_markup: { remove_keyboard: true } });
  }

  async function signIn(ctx: BotContext) {
    const chat = ctx.chat;
    const url = deps.startSignIn && chat ? (await deps.startSignIn(userId(ctx), chat.id)).url : null;
    ctx.session.wizard = undefined;
    await show(ctx, signInScreen(ctx.t, url));
  }

  // --- rendering the steps ---------------------------------------------------------------------

  /** Shows a step of a draft; `note` goes above the question (what just happened, or what was wrong). */
  async function render(ctx: BotContext, step: NavStep | 'pending', a: ApplicationView, note?: string) {
    const { t, lang } = ctx;
    switch (step) {
      case 'child':
      case 'pin':
      case 'cert':
        return start(ctx, note);
      case 'pending':
        if (a.verification === 'failed') {
          setStep(ctx, 'pending', { app: a.id });
          return show(ctx, failedScreen(t, a));
        }
        if (a.verification === 'pending') {
          setStep(ctx, 'pending', { app: a.id });
          const s = pendingScreen(t, a);
          return show(ctx, { ...s, text: withNote(note, s.text) });
        }
        return render(ctx, 'confirm', a, note);
      case 'confirm':
        if (a.verification !== 'verified') return render(ctx, 'pending', a, note);
        setStep(ctx, 'confirm', { app: a.id });
        return show(ctx, confirmScreen(t, lang, a, note));
      case 'school': {
        if (a.verification !== 'verified') return render(ctx, 'pending', a, note);
        setStep(ctx, 'school', { app: a.id, mode: 'a' });
        const suggestions = a.registeredAddress ? await catchment.schoolsForAddress(a.registeredAddress) : [];
        return show(ctx, schoolsScreen(t, lang, 'a', a, suggestions, note));
      }
      case 'address': {
        setStep(ctx, 'address', { app: a.id });
        const s = addressScreen(t, a);
        return show(ctx, { ...s, text: withNote(note, s.text) });
      }
      case 'priority': {
        if (!a.school) return render(ctx, 'school', a, note);
        setStep(ctx, 'priority', { app: a.id });
        const s = priorityScreen(t, a, (await addressRelevant(a)) ? 'address' : 'school');
        return show(ctx, { ...s, text: withNote(note, s.text) });
      }
      case 'phone': {
        if (!a.school) return render(ctx, 'school', a, note);
        setStep(ctx, 'phone', { app: a.id });
        // the phone question carries a reply keyboard (the contact button): it is a new message, and
        // the pressed message keeps its text without buttons
        if (ctx.callbackQuery?.message) {
          if (note) await ctx.editMessageText(note, { parse_mode: 'HTML' }).catch(() => {});
          else await ctx.editMessageReplyMarkup().catch(() => {});
          return ctx.reply(phoneText(t, a), { parse_mode: 'HTML', reply_markup: phoneKeyboard(t) });
        }
        return ctx.reply(withNote(note, phoneText(t, a)), {
          parse_mode: 'HTML',
          reply_markup: phoneKeyboard(t),
        });
      }
      case 'consent': {
        if (!a.phone) return render(ctx, 'phone', a, note);
        setStep(ctx, 'consent', { app: a.id });
        const s = consentScreen(t, a);
        return show(ctx, { ...s, text: withNote(note, s.text) });
      }
      case 'review': {
        if (!a.school || !a.language) return render(ctx, 'school', a, note);
        if (!a.phone) return render(ctx, 'phone', a, note);
        if (!a.consent) return render(ctx, 'consent', a, note);
        setStep(ctx, 'review', { app: a.id });
        const [cal, relevant] = await Promise.all([calendar(), addressRelevant(a)]);
        return show(ctx, reviewScreen(t, lang, a, cal, relevant, note));
      }
    }
  }

  /** Where a draft continues: the first question its answers do not cover yet. */
  function resumeStep(a: ApplicationView): NavStep | 'pending' {
    if (a.verification !== 'verified') return 'pending';
    if (!a.school || !a.language) return 'confirm';
    if (!a.phone) return 'priority';
    if (!a.consent) return 'consent';
    return 'review';
  }

  /** /apply, "Register a child": the children the registry links to the parent, and their drafts. */
  async function start(ctx: BotContext, note?: string) {
    const tid = userId(ctx);
    const pin = await deps.linkedPin(tid);
    if (!pin) return signIn(ctx);
    const [children, mine] = await Promise.all([
      deps.childrenOf(pin, tid, { deadline: deadlineIn(INTERACTIVE_REGISTRY_MS) }).catch((e: unknown) => {
        ctx.log.warn(
          { err: e instanceof Error ? e.name : String(e) },
          'children of the parent not available',
        );
        return null;
      }),
      apps.mine(tid),
    ]);
    setStep(ctx, 'child');
    const s = childScreen(ctx.t, ctx.lang, children, mine);
    await show(ctx, { ...s, text: withNote(note, s.text) });
  }

  /** a: the registry is asked about the child; the refusals say what is wrong and where to go. */
  async function makeDraft(
    ctx: BotContext,
    childPin: string,
    cert: Certificate,
    wait: { deadline: Deadline; progress: { done(): Promise<void> } } = {
      deadline: deadlineIn(INTERACTIVE_REGISTRY_MS),
      progress: registryProgress(ctx),
    },
  ) {
    const tid = userId(ctx);
    const applicantPin = await deps.linkedPin(tid);
    if (!applicantPin) {
      await wait.progress.done();
      return signIn(ctx);
    }
    await ctx.replyWithChatAction('typing').catch(() => {});
    try {
      // the parent waits: the registry gets until the deadline, then the draft is kept as pending
      const a = await apps
        .createDraft({
          telegramId: tid,
          applicantPin,
          childPin,
          certificateSeries: cert.series,
          certificateNumber: cert.number,
          deadline: wait.deadline,
        })
        .finally(() => wait.progress.done());
      return render(ctx, 'pending', a);
    } catch (e) {
      if (!(e instanceof ApplicationError)) throw e;
      const problem = refusalText(ctx.t, ctx.lang, e);
      switch (e.code) {
        case 'certificate_mismatch':
          setStep(ctx, 'cert', { pin: childPin });
          return show(ctx, certScreen(ctx.t, childPin, `⚠️ ${problem}`));
        case 'invalid_pin':
        case 'child_not_found':
          setStep(ctx, 'pin');
          return show(ctx, pinScreen(ctx.t, `⚠️ ${problem}`));
        default:
          setStep(ctx, 'child');
          return show(ctx, refusalScreen(ctx.t, problem, encodeGo('child', null), null));
      }
    }
  }

  /** Runs a handler; a refusal of the core is shown with the way back (K-CORE-6). */
  async function guarded(
    ctx: BotContext,
    back: { step: NavStep; app: string | null },
    fn: () => Promise<unknown>,
  ) {
    try {
      await fn();
    } catch (e) {
      if (e instanceof NoActiveCampaignError) {
        await show(ctx, refusalScreen(ctx.t, ctx.t(`${W}errors.no_active_campaign`), null, null));
        return;
      }
      if (!(e instanceof ApplicationError)) throw e;
      if (e.code === 'not_found') {
        ctx.session.wizard = undefined;
        await show(ctx, refusalScreen(ctx.t, ctx.t(`${W}errors.not_found`), encodeGo('child', null), null));
        return;
      }
      await show(
        ctx,
        refusalScreen(
          ctx.t,
          refusalText(ctx.t, ctx.lang, e, await calendar()),
          encodeGo(back.step, back.app),
          back.app,
        ),
      );
    }
  }

  // --- the school picker (a: the draft's school; s: a change of school) --------------------------

  async function pickerApp(ctx: BotContext, mode: Mode, app: string): Promise<ApplicationView | null> {
    if (mode === 'a') return draft(ctx, app);
    const a = await apps.get(app, userId(ctx));
    if (a.status === 'admitted') return a;
    await showCard(
      ctx,
      deps,
      a.id,
      refusalText(ctx.t, ctx.lang, new ApplicationError('invalid_state', { status: a.status })),
    );
    return null;
  }

  async function schoolsMenu(ctx: BotContext, mode: Mode, a: ApplicationView, note?: string) {
    if (mode === 'a') return render(ctx, 'school', a, note);
    ctx.session.wizard = { step: 'school', app: a.id, mode };
    const address = a.actualAddress ?? a.registeredAddress;
    const suggestions = (address ? await catchment.schoolsForAddress(address) : []).filter(
      (s) => s.id !== a.school?.id,
    );
    return show(ctx, schoolsScreen(ctx.t, ctx.lang, mode, a, suggestions, note));
  }

  async function searchResults(ctx: BotContext, mode: Mode, app: string, page: number) {
    const query = ctx.session.wizard?.search;
    if (!query) {
      ctx.session.wizard = { step: 'search', app, mode };
      return show(ctx, searchPromptScreen(ctx.t, mode, app));
    }
    const result = await publicInfo.findSchools({ text: query, page, pageSize: PAGE_SIZE });
    ctx.session.wizard = { step: 'school', app, mode, search: query };
    const heading = ctx.t('schools.search_results', { query: esc(query) });
    return show(
      ctx,
      schoolListScreen(
        ctx.t,
        ctx.lang,
        mode,
        app,
        heading,
        result,
        (p) => encodeWizardAction({ a: 'results', mode, app, page: p }),
        encodeWizardAction({ a: 'schools', mode, app }),
      ),
    );
  }

  async function pickSchool(ctx: BotContext, mode: Mode, app: string, code: string) {
    const school = await publicInfo.school(code);
    if (!school) {
      return show(
        ctx,
        searchPromptScreen(ctx.t, mode, app, `⚠️ ${ctx.t('card.not_found', { code: esc(code) })}`),
      );
    }
    ctx.session.wizard = { ...ctx.session.wizard, step: 'language', app, mode, code };
    return show(ctx, languageScreen(ctx.t, ctx.lang, mode, app, school));
  }

  /** After the school and language: stage I warning, the stage-II address, or the priority question. */
  async function afterSchool(ctx: BotContext, a: ApplicationView) {
    const cal = await calendar();
    const stage = cal?.open ?? cal?.next;
    const note =
      !a.catchmentMatch && stage?.kind === 'catchment' ? ctx.t(`${W}school.outside_catchment`) : undefined;
    if (await addressRelevant(a)) return render(ctx, 'address', a, note);
    return render(ctx, 'priority', a, note);
  }

  // --- the phone -------------------------------------------------------------------------------

  async function savePhone(ctx: BotContext, app: string, input: string) {
    const a = await draft(ctx, app);
    if (!a) return;
    const parsed = parsePhoneAnswer(input);
    if (!parsed.ok) {
      await ctx.reply(phoneText(ctx.t, a, `⚠️ ${ctx.t(`${W}answers.${parsed.reason}`)}`), {
        parse_mode: 'HTML',
        reply_markup: phoneKeyboard(ctx.t),
      });
      return;
    }
    const saved = await apps.setContact(a.id, userId(ctx), parsed.value, a.consent);
    await closeKeyboard(ctx, ctx.t(`${W}phone.saved`, { phone: esc(saved.phone ?? parsed.value) }));
    return render(ctx, saved.consent ? 'review' : 'consent', saved);
  }

  // --- commands and buttons --------------------------------------------------------------------

  // Leaving the wizard: a command, or a button of another feature, ends its hold on typed text.
  pm.use(async (ctx, next) => {
    const data = ctx.callbackQuery?.data;
    const text = ctx.message?.text;
    const w = ctx.session.wizard;
    if (w && ((data !== undefined && !isWizardData(data)) || text?.startsWith('/'))) {
      ctx.session.wizard = undefined;
      // the phone question's reply keyboard would stay on screen
      if (w.step === 'phone') await closeKeyboard(ctx, ctx.t(`${W}nav.cancelled_short`)).catch(() => {});
    }
    await next();
  });

  pm.command('apply', (ctx) => guarded(ctx, { step: 'child', app: null }, () => start(ctx)));

  pm.on('callback_query:data', async (ctx, next) => {
    const data = ctx.callbackQuery.data;
    if (!isWizardData(data)) return next();
    const action = decodeWizard(data);
    if (!action) {
      await ctx.answerCallbackQuery({ text: ctx.t('errors.stale_button') }).catch(() => {});
      return;
    }
    if (STATUS_ACTIONS.has(action.a) || (action.a === 'lang' && action.mode === 's')) return next();
    // stop the spinner first: the registry or the database may take a moment. Submit answers with the
    // decision itself: a button's answer is not counted against Telegram's 30 messages/s, so at the
    // opening every parent sees the decision at once, the full message following at Telegram's rate.
    if (action.a !== 'submit') await ctx.answerCallbackQuery().catch(() => {});
    const app = 'app' in action ? action.app : null;
    const back: { step: NavStep; app: string | null } = { step: app ? 'review' : 'child', app };
    await guarded(ctx, back, () => onAction(ctx, action));
  });

  async function onAction(ctx: BotContext, action: WizardAction): Promise<unknown> {
    const tid = userId(ctx);
    switch (action.a) {
      case 'new':
        return start(ctx);
      case 'other':
        setStep(ctx, 'pin');
        return show(ctx, pinScreen(ctx.t));
      case 'kid': {
        const pin = await deps.linkedPin(tid);
        if (!pin) return signIn(ctx);
        // one deadline for both look-ups (the list, then the child's check): an answer within 3 s
        const deadline = deadlineIn(INTERACTIVE_REGISTRY_MS);
        const progress = registryProgress(ctx);
        let children: ChildChoice[] | null;
        try {
          children = await deps.childrenOf(pin, tid, { deadline });
        } catch (e) {
          await progress.done();
          const outage = registryOutage(e);
          if (!outage) throw e;
          ctx.log.warn({ err: e instanceof Error ? e.name : String(e) }, 'registry not answering');
          setStep(ctx, 'child');
          return show(
            ctx,
            registryBusyScreen(ctx.t, ctx.lang, outage.retryAfterMs, encodeWizardAction(action), new Date()),
          );
        }
        const child = children?.[action.index];
        if (child?.certificate) return makeDraft(ctx, child.pin, child.certificate, { deadline, progress });
        await progress.done();
        // the registry answered, and its list no longer has this child: the button is out of date
        if (!child) return start(ctx, ctx.t('errors.stale_button'));
        setStep(ctx, 'cert', { pin: child.pin });
        return show(ctx, certScreen(ctx.t, child.pin));
      }
      case 'resume': {
        const a = await draft(ctx, action.app);
        return a && render(ctx, resumeStep(a), a);
      }
      case 'go': {
        if (action.to === 'child') return start(ctx);
        if (action.to === 'pin' || (action.to === 'cert' && !ctx.session.wizard?.pin)) {
          setStep(ctx, 'pin');
          return show(ctx, pinScreen(ctx.t));
        }
        if (action.to === 'cert') {
          const pin = ctx.session.wizard?.pin as string;
          setStep(ctx, 'cert', { pin });
          return show(ctx, certScreen(ctx.t, pin));
        }
        if (!action.app) return start(ctx);
        const a = await draft(ctx, action.app);
        return a && render(ctx, action.to, a);
      }
      case 'cancel': {
        const a = action.app ? await apps.get(action.app, tid).catch(() => null) : null;
        ctx.session.wizard = undefined;
        return show(ctx, cancelledScreen(ctx.t, a?.status === 'draft' ? a : null));
      }
      case 'check': {
        const a = await draft(ctx, action.app);
        if (!a) return;
        return render(
          ctx,
          'pending',
          a,
          a.verification === 'pending' ? ctx.t(`${W}pending.still`) : undefined,
        );
      }
      case 'ok': {
        const a = await draft(ctx, action.app);
        return a && render(ctx, 'school', a);
      }
      case 'wrong': {
        const a = await draft(ctx, action.app);
        if (!a) return;
        setStep(ctx, 'confirm', { app: a.id });
        return show(ctx, wrongDataScreen(ctx.t, a));
      }
      case 'discard': {
        const a = await draft(ctx, action.app);
        return a && show(ctx, discardScreen(ctx.t, a));
      }
      case 'discard_yes': {
        const a = await draft(ctx, action.app);
        if (!a) return;
        const gone = await apps.withdraw(a.id, tid, 'draft_discarded');
        ctx.session.wizard = undefined;
        return show(ctx, discardedScreen(ctx.t, gone));
      }
      case 'schools': {
        const a = await pickerApp(ctx, action.mode, action.app);
        return a && schoolsMenu(ctx, action.mode, a);
      }
      case 'search': {
        const a = await pickerApp(ctx, action.mode, action.app);
        if (!a) return;
        ctx.session.wizard = { step: 'search', app: a.id, mode: action.mode };
        return show(ctx, searchPromptScreen(ctx.t, action.mode, a.id));
      }
      case 'results': {
        const a = await pickerApp(ctx, action.mode, action.app);
        return a && searchResults(ctx, action.mode, a.id, action.page);
      }
      case 'regions': {
        const a = await pickerApp(ctx, action.mode, action.app);
        if (!a) return;
        ctx.session.wizard = { step: 'school', app: a.id, mode: action.mode };
        return show(ctx, regionsScreen(ctx.t, ctx.lang, action.mode, a.id, await publicInfo.regions()));
      }
      case 'region': {
        const a = await pickerApp(ctx, action.mode, action.app);
        if (!a) return;
        const region = await publicInfo.territory(action.region);
        if (!region || region.parentId !== null)
          return schoolsMenu(ctx, action.mode, a, ctx.t('errors.stale_button'));
        return show(
          ctx,
          districtsScreen(ctx.t, ctx.lang, action.mode, a.id, region, await publicInfo.districts(region.id)),
        );
      }
      case 'district': {
        const a = await pickerApp(ctx, action.mode, action.app);
        if (!a) return;
        const district = await publicInfo.territory(action.district);
        if (!district || district.parentId === null)
          return schoolsMenu(ctx, action.mode, a, ctx.t('errors.stale_button'));
        const page = await publicInfo.findSchools({
          districtId: district.id,
          page: action.page,
          pageSize: PAGE_SIZE,
        });
        const { mode } = action;
        return show(
          ctx,
          schoolListScreen(
            ctx.t,
            ctx.lang,
            mode,
            a.id,
            ctx.t('schools.in_district', { district: esc(district.name[ctx.lang]) }),
            page,
            (p) => encodeWizardAction({ a: 'district', mode, app: a.id, district: district.id, page: p }),
            encodeWizardAction({ a: 'region', mode, app: a.id, region: district.parentId }),
          ),
        );
      }
      case 'school': {
        const a = await pickerApp(ctx, action.mode, action.app);
        return a && pickSchool(ctx, action.mode, a.id, action.code);
      }
      case 'lang': {
        // mode `a` only: the change of school (mode `s`) is /status's
        const a = await draft(ctx, action.app);
        if (!a) return;
        const chosen = await apps.chooseSchool(a.id, tid, action.code, action.lang);
        return afterSchool(ctx, chosen);
      }
      case 'alt': {
        const a = await draft(ctx, action.app);
        if (!a) return;
        const chosen = await apps.chooseSchool(a.id, tid, action.code, action.lang);
        return render(ctx, 'review', chosen, ctx.t(`${W}full.changed`));
      }
      case 'no_address': {
        const a = await draft(ctx, action.app);
        if (!a) return;
        const updated = a.actualAddress ? await apps.setActualAddress(a.id, tid, null) : a;
        return render(ctx, 'priority', updated);
      }
      case 'priority': {
        const a = await draft(ctx, action.app);
        if (!a) return;
        const claimed = await apps.claimPriority(a.id, tid, action.priority);
        const outcome = priorityOutcome(ctx.t, ctx.lang, claimed);
        // changed from "check your answers": phone and consent are there already
        if (claimed.phone && claimed.consent) return render(ctx, 'review', claimed, outcome);
        return render(ctx, 'phone', claimed, outcome);
      }
      case 'consent': {
        const a = await draft(ctx, action.app);
        if (!a) return;
        if (!a.phone) return render(ctx, 'phone', a);
        const given = await apps.setContact(a.id, tid, a.phone, true);
        return render(ctx, 'review', given);
      }
      case 'submit':
        return submit(ctx, action.app);
      default:
        return;
    }
  }

  /** f: submit; the decision in words, or why not and what to do (K-CAMP-3: one button at opening). */
  async function submit(ctx: BotContext, app: string) {
    const tid = userId(ctx);
    try {
      // the press of the opening minute: the decision first, the draft is read only to explain a refusal
      const r = await apps.submit(app, tid).catch(async (e) => {
        await ctx.answerCallbackQuery().catch(() => {});
        throw e;
      });
      await ctx.answerCallbackQuery({ text: decisionHeadline(ctx.t, r) }).catch(() => {});
      const position = r.outcome === 'waitlisted' ? await apps.position(r.application.id, tid) : null;
      ctx.session.wizard = undefined;
      return show(ctx, resultScreen(ctx.t, ctx.lang, r, position));
    } catch (e) {
      if (!(e instanceof ApplicationError) || e.code === 'not_found') throw e;
      const a = await apps.get(app, tid);
      const cal = await calendar();
      const note = `⚠️ ${refusalText(ctx.t, ctx.lang, e, cal)}`;
      switch (e.code) {
        case 'stage_closed':
          return render(ctx, 'review', a, note);
        case 'school_full': {
          const alternatives =
            a.school && a.language
              ? await catchment.nearestWithFreeSeats({ schoolId: a.school.id, language: a.language })
              : [];
          setStep(ctx, 'review', { app: a.id });
          return show(ctx, alternativesScreen(ctx.t, ctx.lang, a, alternatives));
        }
        case 'place_refused':
          return render(ctx, e.params.reason === 'actual_address_needed' ? 'address' : 'school', a, note);
        case 'incomplete': {
          const missing = Array.isArray(e.params.missing) ? e.params.missing : [];
          const step: NavStep = missing.includes('school')
            ? 'school'
            : missing.includes('phone')
              ? 'phone'
              : 'consent';
          return render(ctx, step, a, note);
        }
        case 'not_verified':
          return render(ctx, 'pending', a, note);
        case 'invalid_state':
          ctx.session.wizard = undefined;
          return showCard(ctx, deps, a.id, note);
        default:
          throw e;
      }
    }
  }

  // --- typed answers (and whatever else arrives) while the wizard waits ---------------------------

  pm.on('message', async (ctx, next) => {
    const w = ctx.session.wizard;
    const msg = ctx.message;
    if (!w || msg.text?.startsWith('/')) return next();
    const t = ctx.t;
    const back = { step: (w.app ? 'review' : 'child') as NavStep, app: w.app ?? null };
    await guarded(ctx, back, async () => {
      const text = msg.text;
      if (TEXT_STEPS.has(w.step)) {
        if (w.step === 'phone' && w.app) {
          if (msg.contact) {
            if (msg.contact.user_id !== undefined && msg.contact.user_id !== ctx.from.id) {
              const a = await draft(ctx, w.app);
              if (!a) return;
              await ctx.reply(phoneText(t, a, `⚠️ ${t(`${W}answers.phone_not_own`)}`), {
                parse_mode: 'HTML',
                reply_markup: phoneKeyboard(t),
              });
              return;
            }
            return savePhone(ctx, w.app, msg.contact.phone_number);
          }
          if (text === t(`${W}nav.back`) || text === t(`${W}nav.cancel`)) {
            const a = await apps.get(w.app, ctx.from.id);
            if (text === t(`${W}nav.cancel`)) {
              ctx.session.wizard = undefined;
              await closeKeyboard(ctx, t(`${W}nav.cancelled_short`));
              return show(ctx, cancelledScreen(t, a.status === 'draft' ? a : null));
            }
            await closeKeyboard(ctx, t(`${W}nav.back_short`));
            return a.status === 'draft' ? render(ctx, 'priority', a) : showCard(ctx, deps, a.id);
          }
        }
        if (text === undefined) return answerNotText(ctx, w);
        if (text.length > MAX_ANSWER) return reprompt(ctx, w, `⚠️ ${t(`${W}answers.too_long`)}`);
        return onText(ctx, w, text);
      }
      // a step that waits for a button
      const hint =
        text && text.length > MAX_ANSWER ? t(`${W}answers.too_long_buttons`) : t(`${W}answers.press_button`);
      return reprompt(ctx, w, `⚠️ ${hint}`);
    });
  });

  async function answerNotText(ctx: BotContext, w: NonNullable<SessionData['wizard']>) {
    return reprompt(
      ctx,
      w,
      `⚠️ ${ctx.t(`${W}answers.not_text_${w.step}`, { defaultValue: ctx.t(`${W}answers.not_text`) })}`,
    );
  }

  /** Shows the current question again under a note; the step does not change. */
  async function reprompt(ctx: BotContext, w: NonNullable<SessionData['wizard']>, note: string) {
    const { t, lang } = ctx;
    switch (w.step) {
      case 'child':
        return start(ctx, note);
      case 'pin':
        return show(ctx, pinScreen(t, note));
      case 'cert':
        return w.pin ? show(ctx, certScreen(t, w.pin, note)) : show(ctx, pinScreen(t, note));
      case 'search':
        return show(ctx, searchPromptScreen(t, w.mode ?? 'a', w.app ?? '', note));
      case 'language':
        if (w.app && w.code) {
          const school = await publicInfo.school(w.code);
          if (school) {
            const s = languageScreen(t, lang, w.mode ?? 'a', w.app, school);
            return show(ctx, { ...s, text: withNote(note, s.text) });
          }
        }
        break;
      default:
        break;
    }
    if (!w.app) return start(ctx, note);
    if (w.mode === 's') {
      const a = await pickerApp(ctx, 's', w.app);
      return a && schoolsMenu(ctx, 's', a, note);
    }
    const a = await draft(ctx, w.app);
    if (!a) return;
    if (w.step === 'phone') {
      return ctx.reply(phoneText(t, a, note), { parse_mode: 'HTML', reply_markup: phoneKeyboard(t) });
    }
    const step: NavStep | 'pending' = w.step === 'language' ? 'school' : w.step;
    return render(ctx, step, a, note);
  }

  async function onText(ctx: BotContext, w: NonNullable<SessionData['wizard']>, text: string) {
    const t = ctx.t;
    const problem = (reason: string) => `⚠️ ${t(`${W}answers.${reason}`)}`;
    switch (w.step) {
      case 'pin': {
        const both = parsePinAndCertificate(text);
        if (both) return makeDraft(ctx, both.pin, both.certificate);
        const pin = parsePinAnswer(text);
        if (!pin.ok) return show(ctx, pinScreen(t, problem(pin.reason)));
        setStep(ctx, 'cert', { pin: pin.value });
        return show(ctx, certScreen(t, pin.value));
      }
      case 'cert': {
        if (!w.pin) {
          setStep(ctx, 'pin');
          return show(ctx, pinScreen(t));
        }
        const cert = parseCertificateAnswer(text);
        if (!cert.ok) return show(ctx, certScreen(t, w.pin, problem(cert.reason)));
        return makeDraft(ctx, w.pin, cert.value);
      }
      case 'search': {
        const mode = w.mode ?? 'a';
        if (!w.app) return start(ctx);
        const q = parseSearchAnswer(text);
        if (!q.ok) return show(ctx, searchPromptScreen(t, mode, w.app, problem(q.reason)));
        const exact = /^[A-Za-z0-9_-]{1,24}$/.test(q.value) ? await publicInfo.school(q.value) : null;
        ctx.session.wizard = { step: 'school', app: w.app, mode, search: q.value };
        if (exact) return pickSchool(ctx, mode, w.app, exact.code);
        return searchResults(ctx, mode, w.app, 0);
      }
      case 'address': {
        if (!w.app) return start(ctx);
        const a = await draft(ctx, w.app);
        if (!a) return;
        const address = parseAddressAnswer(text);
        if (!address.ok) return show(ctx, addressScreen(t, a, problem(address.reason)));
        const saved = await apps.setActualAddress(a.id, userId(ctx), address.value);
        return render(
          ctx,
          'priority',
          saved,
          t(`${W}address.saved`, { address: addressText(saved.actualAddress) }),
        );
      }
      case 'phone':
        if (!w.app) return start(ctx);
        return savePhone(ctx, w.app, text);
      default:
        return;
    }
  }

  return c;
}
