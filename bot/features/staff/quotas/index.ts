// Quotas in the bot (K-SEAT-1/2, K-OVER-3, K-ID-2): the director types seats and the class size per
// language (a draft in the session, checked by the core), sends them to the district with a TOTP
// code; a district officer approves or rejects with a code. /totp enrols the second factor with a QR
// picture and the key as text. Every call names the user; the core checks the role and the scope.
import { Composer, InlineKeyboard, InputFile } from 'grammy';
import QRCode from 'qrcode';
import type { InstructionLanguage } from '../../../../core/domain/reference.ts';
import type { QuotaService } from '../../../../core/services/school/quotas.ts';
import { REASON_MAX, REASON_MIN } from '../../../../core/services/school/quotas.ts';
import type { TotpService } from '../../../../core/services/school/totp.ts';
import type { BotContext } from '../../../context.ts';
import { esc } from '../../../format/html.ts';
import { show } from '../../show.ts';
import { decodeQuota, encodeQuota, type QuotaAction } from './callback.ts';
import {
  answered,
  deleteCodeMessage,
  langName,
  opsSession,
  type Pending,
  parseWhole,
  refusalText,
  refuse,
  schoolPicker,
  setPending,
} from './shared.ts';
import { changeScreen, pendingScreen, quotaOverviewScreen } from './views.ts';

export type QuotasFeatureDeps = {
  quotas: Pick<QuotaService, 'overview' | 'check' | 'submit' | 'pending' | 'get' | 'decide'>;
  totp: Pick<TotpService, 'status' | 'startEnrolment' | 'confirmEnrolment'>;
};

const QUOTA_PENDING = new Set<Pending['k']>([
  'seats',
  'size',
  'reason',
  'submit',
  'approve',
  'note',
  'reject',
  'enrol',
]);

export function quotasFeature(deps: QuotasFeatureDeps) {
  const { quotas, totp } = deps;
  const c = new Composer<BotContext>();
  const pm = c.chatType('private');

  const cancelKb = (ctx: BotContext) =>
    new InlineKeyboard().text(ctx.t('schoolops:common.cancel'), encodeQuota({ a: 'cancel' }));
  const ask = (ctx: BotContext, text: string) =>
    ctx.reply(text, { parse_mode: 'HTML', reply_markup: cancelKb(ctx) });
  const draftsOf = (ctx: BotContext, school: number) => {
    const s = opsSession(ctx);
    s.drafts ??= {};
    s.drafts[String(school)] ??= {};
    return s.drafts[String(school)] as Partial<
      Record<InstructionLanguage, { seats: number; classSize: number }>
    >;
  };

  async function home(ctx: BotContext) {
    setPending(ctx, undefined);
    const links = ctx.staff ?? [];
    const schools = new Map<
      number,
      { id: number; code: string; name: { ky: string; ru: string; en: string } }
    >();
    for (const l of links) if (l.scope.kind === 'school') schools.set(l.scope.id, l.scope);
    const approver = links.some((l) => l.role === 'district' || l.role === 'ministry');
    if (schools.size === 0 && !approver) {
      await answered(ctx);
      await ctx.reply(ctx.t('schoolops:common.no_role'));
      return;
    }
    if (schools.size === 1 && !approver) return overview(ctx, [...schools.keys()][0] as number);
    if (schools.size === 0) return pending(ctx);
    const kb = schoolPicker(ctx.lang, [...schools.values()], (id) =>
      encodeQuota({ a: 'overview', school: id }),
    );
    if (approver) kb.text(ctx.t('schoolops:quotas.pending_button'), encodeQuota({ a: 'pending' }));
    await answered(ctx);
    await show(ctx, { text: ctx.t('schoolops:common.pick_school'), keyboard: kb });
  }

  async function overview(ctx: BotContext, school: number, fresh = false) {
    const from = ctx.from?.id as number;
    try {
      const ov = await quotas.overview(from, school);
      const status = await totp.status(from);
      await answered(ctx);
      await show(ctx, quotaOverviewScreen(ctx.t, ctx.lang, ov, draftsOf(ctx, school), status), { fresh });
    } catch (e) {
      await refuse(ctx, e);
    }
  }

  async function pending(ctx: BotContext, fresh = false) {
    try {
      const list = await quotas.pending(ctx.from?.id as number);
      await answered(ctx);
      await show(ctx, pendingScreen(ctx.t, ctx.lang, list), { fresh });
    } catch (e) {
      await refuse(ctx, e);
    }
  }

  async function startEdit(ctx: BotContext, school: number, lang: InstructionLanguage) {
    try {
      const ov = await quotas.overview(ctx.from?.id as number, school);
      const line = ov.lines.find((l) => l.language === lang);
      if (!ov.canEdit || !line) {
        await answered(ctx, ctx.t('schoolops:errors.forbidden'));
        return;
      }
      const now = draftsOf(ctx, school)[lang]?.seats ?? line.open?.toSeats ?? line.current?.seats ?? 0;
      setPending(ctx, { k: 'seats', s: school, l: lang });
      await answered(ctx);
      await ask(ctx, ctx.t('schoolops:quotas.ask_seats', { language: langName(ctx.t, lang), now }));
    } catch (e) {
      await refuse(ctx, e);
    }
  }

  async function startSubmit(ctx: BotContext, school: number) {
    const drafts = draftsOf(ctx, school);
    if (Object.keys(drafts).length === 0) {
      await answered(ctx, ctx.t('schoolops:quotas.nothing'));
      return;
    }
    try {
      const from = ctx.from?.id as number;
      const status = await totp.status(from);
      if (!status.enrolled) {
        await answered(ctx);
        await ctx.reply(ctx.t('schoolops:totp.needed'), {
          reply_markup: new InlineKeyboard().text(
            ctx.t('schoolops:quotas.totp_button'),
            encodeQuota({ a: 'totp' }),
          ),
        });
        return;
      }
      const ov = await quotas.overview(from, school);
      const langs = Object.keys(drafts) as InstructionLanguage[];
      const isChange = langs.some((l) => ov.lines.find((x) => x.language === l)?.current?.approved);
      await answered(ctx);
      if (isChange || ov.pastDeadline) {
        setPending(ctx, { k: 'reason', s: school });
        await ask(ctx, ctx.t(isChange ? 'schoolops:quotas.ask_reason' : 'schoolops:quotas.ask_reason_late'));
        return;
      }
      setPending(ctx, { k: 'submit', s: school });
      await ask(ctx, ctx.t('schoolops:common.code_prompt'));
    } catch (e) {
      await refuse(ctx, e);
    }
  }

  async function startDecision(ctx: BotContext, change: number, decision: 'approve' | 'reject') {
    try {
      const from = ctx.from?.id as number;
      const ch = await quotas.get(from, change);
      if (ch.status !== 'submitted') {
        await answered(ctx, ctx.t('schoolops:errors.not_pending'));
        return;
      }
      if (!(await totp.status(from)).enrolled) {
        await answered(ctx);
        await ctx.reply(ctx.t('schoolops:totp.needed'));
        return;
      }
      await answered(ctx);
      if (decision === 'approve') {
        setPending(ctx, { k: 'approve', c: change });
        await ask(ctx, ctx.t('schoolops:common.code_prompt'));
      } else {
        setPending(ctx, { k: 'note', c: change });
        await ask(ctx, ctx.t('schoolops:quotas.ask_note'));
      }
    } catch (e) {
      await refuse(ctx, e);
    }
  }

  async function enrol(ctx: BotContext) {
    const from = ctx.from;
    if (!from) return;
    setPending(ctx, undefined);
    try {
      const status = await totp.status(from.id);
      await answered(ctx);
      if (!status.needed) return void (await ctx.reply(ctx.t('schoolops:totp.not_needed')));
      if (status.enrolled) return void (await ctx.reply(ctx.t('schoolops:totp.already')));
      const label = from.username
        ? `@${from.username}`
        : [from.first_name, from.last_name].filter(Boolean).join(' ');
      const e = await totp.startEnrolment(from.id, label || `staff ${from.id}`);
      const png = await QRCode.toBuffer(e.uri, {
        type: 'png',
        width: 360,
        margin: 2,
        errorCorrectionLevel: 'M',
      });
      await ctx.reply(ctx.t('schoolops:totp.intro'), { parse_mode: 'HTML' });
      await ctx.replyWithPhoto(new InputFile(png, 'kattoo-totp.png'), {
        caption: ctx.t('schoolops:totp.photo_caption'),
      });
      const grouped = e.secret.replace(/(.{4})/g, '$1 ').trim();
      setPending(ctx, { k: 'enrol' });
      await ask(ctx, ctx.t('schoolops:totp.secret', { secret: grouped, label: esc(e.label) }));
    } catch (err) {
      await refuse(ctx, err);
    }
  }

  pm.command('quotas', (ctx) => home(ctx));
  pm.command('totp', (ctx) => enrol(ctx));

  pm.on('callback_query:data', async (ctx, next) => {
    const action: QuotaAction | null = decodeQuota(ctx.callbackQuery.data);
    if (!action) {
      if (ctx.callbackQuery.data.startsWith('sq|')) {
        await ctx.answerCallbackQuery({ text: ctx.t('errors.stale_button') }).catch(() => {});
        return;
      }
      return next();
    }
    switch (action.a) {
      case 'home':
        return home(ctx);
      case 'overview':
        setPending(ctx, undefined);
        return overview(ctx, action.school);
      case 'edit':
        return startEdit(ctx, action.school, action.lang);
      case 'submit':
        return startSubmit(ctx, action.school);
      case 'discard':
        delete opsSession(ctx).drafts?.[String(action.school)];
        setPending(ctx, undefined);
        await answered(ctx, ctx.t('schoolops:quotas.discarded'));
        return overview(ctx, action.school);
      case 'pending':
        setPending(ctx, undefined);
        return pending(ctx);
      case 'view':
        try {
          const ch = await quotas.get(ctx.from.id, action.change);
          await answered(ctx);
          await show(ctx, changeScreen(ctx.t, ctx.lang, ch));
        } catch (e) {
          await refuse(ctx, e);
        }
        return;
      case 'approve':
        return startDecision(ctx, action.change, 'approve');
      case 'reject':
        return startDecision(ctx, action.change, 'reject');
      case 'totp':
        return enrol(ctx);
      case 'cancel':
        setPending(ctx, undefined);
        await answered(ctx, ctx.t('schoolops:common.cancelled'));
        await ctx.editMessageReplyMarkup().catch(() => {});
        return;
    }
  });

  pm.on('message:text', async (ctx, next) => {
    const p = opsSession(ctx).pending;
    const text = ctx.message.text;
    if (!p || !QUOTA_PENDING.has(p.k) || text.startsWith('/')) return next();
    const from = ctx.from.id;
    switch (p.k) {
      case 'seats': {
        const n = parseWhole(text);
        if (n === null)
          return void (await ctx.reply(ctx.t('schoolops:common.bad_number'), { parse_mode: 'HTML' }));
        const d = draftsOf(ctx, p.s)[p.l];
        const ov = await quotas.overview(from, p.s).catch(() => null);
        const line = ov?.lines.find((l) => l.language === p.l);
        const now = d?.classSize ?? line?.open?.classSize ?? line?.current?.classSize ?? 25;
        setPending(ctx, { k: 'size', s: p.s, l: p.l, seats: n });
        await ask(ctx, ctx.t('schoolops:quotas.ask_size', { language: langName(ctx.t, p.l), now }));
        return;
      }
      case 'size': {
        const n = parseWhole(text);
        if (n === null)
          return void (await ctx.reply(ctx.t('schoolops:common.bad_number'), { parse_mode: 'HTML' }));
        try {
          await quotas.check(from, { schoolId: p.s, language: p.l, seats: p.seats, classSize: n });
        } catch (e) {
          const msg = refusalText(ctx.t, e);
          if (msg === null) throw e;
          const again = (e as { code: string }).code === 'invalid_class_size';
          setPending(ctx, again ? p : { k: 'seats', s: p.s, l: p.l });
          await ctx.reply(
            `${esc(msg)}\n\n${again ? '' : ctx.t('schoolops:quotas.ask_seats', { language: langName(ctx.t, p.l), now: p.seats })}`,
            { parse_mode: 'HTML', reply_markup: cancelKb(ctx) },
          );
          return;
        }
        draftsOf(ctx, p.s)[p.l] = { seats: p.seats, classSize: n };
        setPending(ctx, undefined);
        return overview(ctx, p.s, true);
      }
      case 'reason': {
        const r = text.replace(/\s+/g, ' ').trim();
        if (r.length < REASON_MIN || r.length > REASON_MAX) {
          await ctx.reply(ctx.t('schoolops:errors.invalid_reason', { min: REASON_MIN, max: REASON_MAX }));
          return;
        }
        setPending(ctx, { k: 'submit', s: p.s, reason: r });
        await ask(ctx, ctx.t('schoolops:common.code_prompt'));
        return;
      }
      case 'note': {
        const r = text.replace(/\s+/g, ' ').trim();
        if (r.length < REASON_MIN || r.length > REASON_MAX) {
          await ctx.reply(ctx.t('schoolops:errors.invalid_reason', { min: REASON_MIN, max: REASON_MAX }));
          return;
        }
        setPending(ctx, { k: 'reject', c: p.c, note: r });
        await ask(ctx, ctx.t('schoolops:common.code_prompt'));
        return;
      }
      case 'submit':
      case 'approve':
      case 'reject':
      case 'enrol':
        await deleteCodeMessage(ctx);
        return code(ctx, p, text);
    }
  });

  /** A typed TOTP code answering one of the sensitive steps. */
  async function code(ctx: BotContext, p: Pending, input: string) {
    const from = ctx.from?.id as number;
    try {
      if (p.k === 'enrol') {
        await totp.confirmEnrolment(from, input);
        setPending(ctx, undefined);
        await ctx.reply(ctx.t('schoolops:totp.enrolled'));
        return;
      }
      if (p.k === 'submit') {
        const drafts = draftsOf(ctx, p.s);
        const changes = (
          Object.entries(drafts) as [InstructionLanguage, { seats: number; classSize: number }][]
        ).map(([language, d]) => ({ language, seats: d.seats, classSize: d.classSize }));
        const sent = await quotas.submit(from, {
          schoolId: p.s,
          changes,
          code: input,
          reason: p.reason ?? null,
        });
        delete opsSession(ctx).drafts?.[String(p.s)];
        setPending(ctx, undefined);
        const list = sent.map((s) => `${langName(ctx.t, s.language)} — ${s.toSeats}`).join(', ');
        await ctx.reply(ctx.t('schoolops:quotas.submitted', { list }), { parse_mode: 'HTML' });
        return overview(ctx, p.s, true);
      }
      if (p.k === 'approve' || p.k === 'reject') {
        const r = await quotas.decide(from, {
          changeId: p.c,
          decision: p.k,
          code: input,
          note: p.k === 'reject' ? p.note : null,
        });
        setPending(ctx, undefined);
        const values = {
          school: esc(r.change.school.name[ctx.lang]),
          language: langName(ctx.t, r.change.language),
          seats: r.change.toSeats,
          admitted: r.admitted,
        };
        await ctx.reply(
          ctx.t(
            p.k === 'approve' ? 'schoolops:quotas.approved_done' : 'schoolops:quotas.rejected_done',
            values,
          ),
          {
            parse_mode: 'HTML',
          },
        );
        return pending(ctx, true);
      }
    } catch (e) {
      const msg = refusalText(ctx.t, e);
      if (msg === null) throw e;
      const code = (e as { code: string }).code;
      // a wrong or used code may be typed again; anything else ends the step
      if (code !== 'totp_invalid' && code !== 'totp_replayed') setPending(ctx, undefined);
      await ctx.reply(esc(msg), {
        parse_mode: 'HTML',
        ...(code === 'totp_invalid' || code === 'totp_replayed' ? { reply_markup: cancelKb(ctx) } : {}),
      });
    }
  }

  return c;
}
