// /campaign for the ministry (K-CAMP-1): the active campaign (window, stages with their phase, the
// document deadline, the cancellation limit, priority categories with legal references), and its
// set-up from a file: the officer sends the campaign JSON as a document → the validation report
// (every problem with its path, or what applying changes) → Apply with confirmation, and a typed
// reason first when a change touches a stage that has opened (the core audits it). Payloads `cp|…`.
import { createHash } from 'node:crypto';
import { Composer, InlineKeyboard } from 'grammy';
import type { Clock } from '../../../core/clock.ts';
import { isAfterRelease, stagePhase } from '../../../core/domain/campaign.ts';
import { can } from '../../../core/domain/roles.ts';
import type {
  CampaignChange,
  CampaignPlan,
  CampaignService,
  FileProblem,
  StoredCampaign,
  ValidationReport,
} from '../../../core/services/oversight/campaign.ts';
import { MAX_FILE_BYTES } from '../../../core/services/oversight/campaign.ts';
import { OversightError } from '../../../core/services/oversight/errors.ts';
import type { BotContext } from '../../context.ts';
import { calendarDay } from '../../format/dates.ts';
import { esc, splitMessage } from '../../format/html.ts';
import { show } from '../show.ts';
import {
  answerCallback,
  encodeData,
  endSteps,
  idPart,
  O,
  ov,
  refusalText,
  splitData,
  when,
  ymdText,
} from './common.ts';

export type CampaignFeatureDeps = {
  campaigns: Pick<CampaignService, 'show' | 'validateAs' | 'applyAs'>;
  /** the campaign clock (K-CAMP-5), for the stages' phases */
  clock: Clock;
  /** reads an uploaded file (default: the Bot API's file download of this bot) */
  download?: (ctx: BotContext, fileId: string) => Promise<string>;
};

const C = `${O}campaign.`;
const MAX_PROBLEMS_SHOWN = 40;

const isMinistry = (ctx: BotContext) =>
  (ctx.staff ?? []).some((l) => can(l.actor, 'ministry.campaign.edit', { level: 'nation' }));

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

async function defaultDownload(ctx: BotContext, fileId: string): Promise<string> {
  const file = await ctx.api.getFile(fileId);
  if (!file.file_path) throw new Error('no file path');
  const root = (ctx.api.options?.apiRoot ?? 'https://api.telegram.org').replace(/\/+$/, '');
  const res = await fetch(`${root}/file/bot${ctx.api.token}/${file.file_path}`, {
    signal: AbortSignal.timeout(15_000),
  });
  if (!res.ok) throw new Error(`download failed: ${res.status}`);
  const buf = Buffer.from(await res.arrayBuffer());
  if (buf.length > MAX_FILE_BYTES) throw new Error('too large');
  return buf.toString('utf8');
}

/** The campaign in words (stored or as a file reads). */
export function campaignText(ctx: BotContext, c: StoredCampaign | CampaignPlan, now: Date): string {
  const { t, lang } = ctx;
  const lines = [
    t(`${C}title`, { id: esc(c.id), year: esc(c.academicYear), active: c.active ? t(`${C}active`) : '' }),
    t(`${C}window`, { from: ymdText(c.birthFrom, lang), to: ymdText(c.birthTo, lang) }),
    '',
    t(`${C}stages`),
  ];
  for (const s of [...c.stages].sort((a, b) => a.ordinal - b.ordinal))
    lines.push(
      t(`${C}stage`, {
        n: s.ordinal,
        kind: t(`${C}kind.${isAfterRelease(s, c.documentsDeadline) ? 'after_release' : s.kind}`),
        mode: t(`${C}mode.${s.mode}`),
        opens: when(s.opensAt, lang),
        closes: when(s.closesAt, lang),
        phase: t(`${C}phase.${stagePhase(s, now)}`),
      }),
    );
  lines.push(
    '',
    t(`${C}deadline`, { at: when(c.documentsDeadline, lang) }),
    t(`${C}offer_days`, { n: c.offerWorkingDays }),
    t(`${C}limit`, { n: c.cancellationLimit }),
  );
  if (c.priorityCategories === null) lines.push(t(`${C}priorities_unknown`));
  else {
    lines.push(t(`${C}priorities`));
    for (const p of c.priorityCategories)
      lines.push(
        t(`${C}priority_line`, { category: t(`${C}priority.${p.category}`), ref: esc(p.legalReference) }),
      );
  }
  return lines.join('\n');
}

/** A problem's values as its message words them: a calendar day takes its case, a number of years its plural. */
function problemParams(params: FileProblem['params']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params ?? {}))
    out[k] = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? calendarDay(v) : v;
  if (typeof out.years === 'number') out.count = out.years;
  return out;
}

function problemsText(ctx: BotContext, problems: FileProblem[]): string {
  const lines = [ctx.t(`${C}invalid`, { count: problems.length })];
  for (const p of problems.slice(0, MAX_PROBLEMS_SHOWN))
    lines.push(
      ctx.t(`${C}problem_line`, {
        path: esc(p.path),
        text: ctx.t(`${C}problem.${p.code}`, {
          ...problemParams(p.params),
          message: esc(p.message),
          defaultValue: esc(p.message),
        }),
      }),
    );
  if (problems.length > MAX_PROBLEMS_SHOWN) lines.push('…');
  return lines.join('\n');
}

function changesText(ctx: BotContext, changes: CampaignChange[]): string[] {
  const none = ctx.t(`${C}none_value`);
  return changes.map((c) =>
    ctx.t(`${C}change_line`, {
      path: esc(c.path),
      from: esc(c.from ?? none),
      to: esc(c.to ?? none),
      mark: c.retroactive ? ctx.t(`${C}in_force`) : '',
    }),
  );
}

function confirmKeyboard(ctx: BotContext, hash: string): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t(`${C}apply`), encodeData('cp', 'y', hash))
    .text(ctx.t(`${O}buttons.cancel`), encodeData('cp', 'n'));
}

async function reply(ctx: BotContext, text: string, keyboard?: InlineKeyboard): Promise<void> {
  const parts = splitMessage(text);
  for (const [i, part] of parts.entries())
    await ctx.reply(part, {
      parse_mode: 'HTML',
      ...(keyboard && i === parts.length - 1 ? { reply_markup: keyboard } : {}),
    });
}

export function campaignFeature(deps: CampaignFeatureDeps) {
  const c = new Composer<BotContext>();
  const pm = c.chatType('private');
  const download = deps.download ?? defaultDownload;

  async function home(ctx: BotContext, note?: string) {
    const stored = await deps.campaigns.show();
    const text = [
      note,
      stored ? campaignText(ctx, stored, deps.clock.now()) : ctx.t(`${C}none`),
      '',
      ctx.t(`${C}upload_hint`),
    ]
      .filter((x) => x !== undefined)
      .join('\n');
    await show(ctx, {
      text,
      keyboard: new InlineKeyboard().text(ctx.t(`${O}buttons.refresh`), encodeData('cp', 's')),
    });
  }

  async function report(ctx: BotContext, fileText: string, r: ValidationReport) {
    const s = ov(ctx);
    if (!r.ok) {
      s.file = undefined;
      s.hash = undefined;
      await reply(ctx, problemsText(ctx, r.problems));
      return;
    }
    const lines = [ctx.t(`${C}valid`), '', campaignText(ctx, r.plan, deps.clock.now()), ''];
    if (!r.stored) lines.push(ctx.t(`${C}creates`, { id: esc(r.plan.id) }));
    else if (r.changes.length === 0) lines.push(ctx.t(`${C}no_changes`));
    else lines.push(ctx.t(`${C}changes`), ...changesText(ctx, r.changes));
    for (const other of r.deactivates) lines.push(ctx.t(`${C}deactivates`, { id: esc(other) }));
    s.file = fileText;
    s.hash = hashOf(fileText);
    s.reason = undefined;
    if (r.reasonRequired) {
      s.step = 'campaign_reason';
      lines.push('', ctx.t(`${C}reason_needed`));
      await reply(
        ctx,
        lines.join('\n'),
        new InlineKeyboard().text(ctx.t(`${O}buttons.cancel`), encodeData('cp', 'n')),
      );
      return;
    }
    lines.push('', ctx.t(`${C}confirm`));
    await reply(ctx, lines.join('\n'), confirmKeyboard(ctx, s.hash));
  }

  pm.command('campaign', async (ctx) => {
    endSteps(ctx);
    if (!isMinistry(ctx)) {
      await ctx.reply(ctx.t(`${O}forbidden`));
      return;
    }
    await home(ctx);
  });

  // a ministry officer's JSON document is a campaign file
  pm.on('message:document', async (ctx, next) => {
    const doc = ctx.message.document;
    const isJson = /\.json$/i.test(doc.file_name ?? '') || doc.mime_type === 'application/json';
    if (!isJson || !isMinistry(ctx)) return next();
    endSteps(ctx);
    if ((doc.file_size ?? 0) > MAX_FILE_BYTES) {
      await ctx.reply(ctx.t(`${C}not_json`), { parse_mode: 'HTML' });
      return;
    }
    let text: string;
    try {
      text = await download(ctx, doc.file_id);
    } catch (e) {
      ctx.log.warn({ err: e instanceof Error ? e.message : String(e) }, 'campaign file not downloaded');
      await ctx.reply(ctx.t(`${C}download_failed`));
      return;
    }
    try {
      await report(ctx, text, await deps.campaigns.validateAs(ctx.from.id, text));
    } catch (e) {
      const msg = refusalText(ctx, e);
      if (!msg) throw e;
      await ctx.reply(msg);
    }
  });

  pm.on('message:text', async (ctx, next) => {
    const s = ov(ctx);
    if (s.step !== 'campaign_reason' || ctx.message.text.startsWith('/')) return next();
    const reason = ctx.message.text.trim().slice(0, 500);
    if (!reason || !s.hash) {
      await ctx.reply(ctx.t(`${O}errors.reason_required`));
      return;
    }
    s.reason = reason;
    s.step = undefined;
    await ctx.reply([ctx.t(`${C}reason_got`, { reason: esc(reason) }), ctx.t(`${C}confirm`)].join('\n'), {
      parse_mode: 'HTML',
      reply_markup: confirmKeyboard(ctx, s.hash),
    });
  });

  pm.on('callback_query:data', async (ctx, next) => {
    const parts = splitData('cp', ctx.callbackQuery.data);
    if (!parts) return next();
    if (!isMinistry(ctx)) {
      await answerCallback(ctx, ctx.t(`${O}forbidden`));
      return;
    }
    const [a, arg] = parts;
    const s = ov(ctx);
    if (a === 's' && parts.length === 1) {
      await answerCallback(ctx);
      return home(ctx);
    }
    if (a === 'n' && parts.length === 1) {
      await answerCallback(ctx);
      s.file = undefined;
      s.hash = undefined;
      endSteps(ctx);
      await ctx.editMessageReplyMarkup().catch(() => {});
      await ctx.reply(ctx.t(`${C}cancelled`));
      return;
    }
    const hash = idPart.safeParse(arg);
    if (a !== 'y' || parts.length !== 2 || !hash.success) return next();
    if (!s.file || s.hash !== hash.data) {
      await answerCallback(ctx, ctx.t(`${O}stale`));
      return;
    }
    await answerCallback(ctx);
    await ctx.editMessageReplyMarkup().catch(() => {});
    try {
      const r = await deps.campaigns.applyAs(ctx.from.id, s.file, s.reason ?? null);
      s.file = undefined;
      s.hash = undefined;
      endSteps(ctx);
      const note = [
        ctx.t(`${C}applied`, { id: esc(r.plan.id), status: ctx.t(`${C}status.${r.status}`) }),
        r.status !== 'unchanged' && r.retroactive ? ctx.t(`${C}applied_after_opening`) : undefined,
      ]
        .filter(Boolean)
        .join('\n');
      await ctx.reply(note);
      await home(ctx);
    } catch (e) {
      if (e instanceof OversightError && e.code === 'reason_required') {
        s.step = 'campaign_reason';
        await ctx.reply(ctx.t(`${C}reason_needed`), { parse_mode: 'HTML' });
        return;
      }
      if (e instanceof OversightError && e.code === 'invalid_file') {
        await reply(ctx, problemsText(ctx, e.params.problems as FileProblem[]));
        return;
      }
      const msg = refusalText(ctx, e);
      if (!msg) throw e;
      await ctx.reply(msg);
    }
  });

  return c;
}
