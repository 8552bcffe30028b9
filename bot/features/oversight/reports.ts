// Reports in the bot (K-OVER-1) for district and ministry officers and for school directors:
// `/reports` → the levels the caller may open (my school / my district or region / the whole country /
// a region / a school by its code) → the chart picture (sendPhoto) and a short text with buttons for
// XLSX, CSV and PDF (sendDocument), and for the units below (regions of the country, districts of a
// region). `/reports <school code>` opens a school's report at once. Buttons are `rp|…` payloads; the
// core re-reads the caller's staff links for every report and refuses a scope outside them (K-ID-3).
import { Composer, InlineKeyboard, InputFile } from 'grammy';
import { reportChartPng } from '../../../core/reports/chart.ts';
import {
  reportCsv,
  reportFileName,
  reportPdf,
  reportSummary,
  reportXlsx,
  scopeTitle,
  toBuffer,
} from '../../../core/reports/files.ts';
import type { Report, ScopeRequest } from '../../../core/reports/model.ts';
import { ReportError } from '../../../core/reports/scope.ts';
import type { ReportsService } from '../../../core/reports/service.ts';
import type { BotContext, SessionData } from '../../context.ts';
import { esc } from '../../format/html.ts';
import { decodeReports, encodeReports, isReportsPayload, type ReportFormat } from './reports-callback.ts';
import { reportLabels } from './reports-labels.ts';

export type ReportsDeps = {
  reports: Pick<ReportsService, 'menu' | 'report' | 'reportWithSchools' | 'regions'>;
};

/** The reports' part of the chat's session: whether the chat is typing a school code. */
type ReportsSession = { awaiting?: 'school' };
function reportsSession(ctx: BotContext): ReportsSession {
  const session = ctx.session as SessionData & { rp?: ReportsSession };
  session.rp ??= {};
  return session.rp;
}

const SCHOOL_CODE = /^[A-Za-z0-9_-]{1,24}$/;

/** Units below a scope that get a button: the regions of the country, the districts of a region. */
const DRILL_MAX = 60;

/** The chart for a PDF, or none when it cannot be drawn (the PDF has the figures as tables). */
function chartOrNothing(
  ctx: BotContext,
  report: Report,
  labels: ReturnType<typeof reportLabels>,
): Buffer | undefined {
  try {
    return reportChartPng(report, labels, ctx.lang);
  } catch (e) {
    ctx.log.error({ event: 'report_chart', err: e instanceof Error ? e.message : String(e) }, 'chart failed');
    return undefined;
  }
}

function caller(ctx: BotContext) {
  return { telegramId: ctx.from?.id ?? 0 };
}

export function reportsFeature(deps: ReportsDeps) {
  const c = new Composer<BotContext>();
  const pm = c.chatType('private');

  async function refusal(ctx: BotContext, e: unknown): Promise<boolean> {
    if (!(e instanceof ReportError)) return false;
    ctx.log.info({ event: 'report', result: e.code }, 'report refused');
    await ctx.reply(ctx.t(`reports:bot.${e.code}`), {
      reply_markup: new InlineKeyboard().text(ctx.t('reports:bot.back'), encodeReports({ a: 'menu' })),
    });
    return true;
  }

  async function showMenu(ctx: BotContext, edit: boolean) {
    const menu = await deps.reports.menu(caller(ctx));
    if (menu.own.length === 0) {
      await ctx.reply(ctx.t('reports:bot.not_staff'));
      return;
    }
    const kb = new InlineKeyboard();
    for (const o of menu.own) {
      const name = o.name[ctx.lang];
      const text =
        o.level === 'nation'
          ? ctx.t('reports:bot.nation')
          : o.level === 'school'
            ? ctx.t('reports:bot.own_school', { name })
            : o.level === 'district'
              ? ctx.t('reports:bot.own_district', { name })
              : ctx.t('reports:bot.own_region', { name });
      kb.text(text, encodeReports({ a: 'view', scope: o.request })).row();
    }
    if (menu.regions) kb.text(ctx.t('reports:bot.regions'), encodeReports({ a: 'regions' })).row();
    if (menu.schoolByCode) kb.text(ctx.t('reports:bot.school_by_code'), encodeReports({ a: 'school' })).row();
    const text = ctx.t('reports:bot.menu');
    if (edit && ctx.callbackQuery?.message) {
      try {
        await ctx.editMessageText(text, { parse_mode: 'HTML', reply_markup: kb });
        return;
      } catch {
        // the message cannot be edited (a photo, too old): send a new one
      }
    }
    await ctx.reply(text, { parse_mode: 'HTML', reply_markup: kb });
  }

  function reportKeyboard(ctx: BotContext, report: Report, scope: ScopeRequest): InlineKeyboard {
    const kb = new InlineKeyboard()
      .text(ctx.t('reports:bot.xlsx'), encodeReports({ a: 'file', format: 'xlsx', scope }))
      .text(ctx.t('reports:bot.csv'), encodeReports({ a: 'file', format: 'csv', scope }))
      .text(ctx.t('reports:bot.pdf'), encodeReports({ a: 'file', format: 'pdf', scope }))
      .row();
    // The units below, when they are territories: a region of the country, a district of a region.
    const units = report.units.filter((u) => u.kind !== 'school').slice(0, DRILL_MAX);
    units.forEach((u, i) => {
      const next: ScopeRequest =
        u.kind === 'region' ? { level: 'region', id: u.id } : { level: 'district', id: u.id };
      kb.text(u.name[ctx.lang], encodeReports({ a: 'view', scope: next }));
      if (i % 2 === 1) kb.row();
    });
    if (units.length > 0) kb.row();
    kb.text(ctx.t('reports:bot.back'), encodeReports({ a: 'menu' }));
    return kb;
  }

  async function showReport(ctx: BotContext, scope: ScopeRequest) {
    await ctx.replyWithChatAction('upload_photo').catch(() => {});
    let report: Report;
    try {
      report = await deps.reports.report(caller(ctx), scope);
    } catch (e) {
      if (await refusal(ctx, e)) return;
      throw e;
    }
    const labels = reportLabels(ctx.t);
    const started = performance.now();
    const title = scopeTitle(report, labels, ctx.lang);
    // the picture is a bonus: if it cannot be drawn, the figures still go out as text
    let png: Buffer | null = null;
    try {
      png = reportChartPng(report, labels, ctx.lang);
    } catch (e) {
      ctx.log.error(
        { event: 'report_chart', err: e instanceof Error ? e.message : String(e) },
        'chart failed',
      );
    }
    if (png) {
      await ctx.replyWithPhoto(new InputFile(png, `${reportFileName(report)}.png`), {
        caption: ctx.t('reports:bot.chart_caption', { scope: esc(title) }),
        parse_mode: 'HTML',
      });
    }
    const lines = reportSummary(report, labels, ctx.lang).map(esc);
    lines[0] = `📊 <b>${lines[0]}</b>`;
    const drill = report.units.some((u) => u.kind !== 'school');
    lines.push('', ctx.t('reports:bot.files'));
    if (drill) lines.push(ctx.t('reports:bot.drill'));
    await ctx.reply(lines.join('\n'), {
      parse_mode: 'HTML',
      reply_markup: reportKeyboard(ctx, report, scope),
    });
    ctx.log.info(
      { event: 'report', level: report.scope.level, ms: Math.round(performance.now() - started) },
      'report shown',
    );
  }

  async function sendFile(ctx: BotContext, format: ReportFormat, scope: ScopeRequest) {
    await ctx.replyWithChatAction('upload_document').catch(() => {});
    let got: Awaited<ReturnType<ReportsDeps['reports']['reportWithSchools']>>;
    try {
      got = await deps.reports.reportWithSchools(caller(ctx), scope);
    } catch (e) {
      if (await refusal(ctx, e)) return;
      throw e;
    }
    const { report, schools } = got;
    const labels = reportLabels(ctx.t);
    const data =
      format === 'xlsx'
        ? await reportXlsx(report, schools, labels, ctx.lang)
        : format === 'csv'
          ? await toBuffer(reportCsv(report, schools, labels, ctx.lang))
          : await reportPdf(report, labels, ctx.lang, chartOrNothing(ctx, report, labels));
    await ctx.replyWithDocument(new InputFile(data, `${reportFileName(report)}.${format}`), {
      caption: ctx.t('reports:bot.file_caption', {
        scope: esc(scopeTitle(report, labels, ctx.lang)),
        format: format.toUpperCase(),
      }),
      parse_mode: 'HTML',
    });
    ctx.log.info(
      { event: 'report_file', level: report.scope.level, format, bytes: data.length },
      'report file sent',
    );
  }

  pm.command('reports', async (ctx) => {
    const session = ctx.session as SessionData & { rp?: ReportsSession };
    if (session.rp) session.rp.awaiting = undefined;
    const code = ctx.match.trim();
    if (code) {
      if (!SCHOOL_CODE.test(code)) {
        await ctx.reply(ctx.t('reports:bot.school_bad_code'));
        return;
      }
      // a school by code: only for those who may read some report at all
      const menu = await deps.reports.menu(caller(ctx));
      if (menu.own.length === 0) {
        await ctx.reply(ctx.t('reports:bot.not_staff'));
        return;
      }
      await showReport(ctx, { level: 'school', code });
      return;
    }
    await showMenu(ctx, false);
  });

  pm.on('callback_query:data', async (ctx, next) => {
    const data = ctx.callbackQuery.data;
    if (!isReportsPayload(data)) return next();
    const action = decodeReports(data);
    if (!action) {
      ctx.log.info({ event: 'report', result: 'bad_payload' }, 'report button refused');
      await ctx.answerCallbackQuery({ text: ctx.t('reports:bot.stale') }).catch(() => {});
      return;
    }
    switch (action.a) {
      case 'menu':
        await ctx.answerCallbackQuery().catch(() => {});
        reportsSession(ctx).awaiting = undefined;
        await showMenu(ctx, true);
        return;
      case 'regions': {
        await ctx.answerCallbackQuery().catch(() => {});
        const menu = await deps.reports.menu(caller(ctx));
        if (!menu.regions) {
          await ctx.reply(ctx.t('reports:bot.forbidden'));
          return;
        }
        const kb = new InlineKeyboard();
        (await deps.reports.regions()).forEach((r, i) => {
          kb.text(r.name[ctx.lang], encodeReports({ a: 'view', scope: { level: 'region', id: r.id } }));
          if (i % 2 === 1) kb.row();
        });
        kb.row().text(ctx.t('reports:bot.back'), encodeReports({ a: 'menu' }));
        await ctx
          .editMessageText(ctx.t('reports:bot.choose_region'), { reply_markup: kb })
          .catch(async () => {
            await ctx.reply(ctx.t('reports:bot.choose_region'), { reply_markup: kb });
          });
        return;
      }
      case 'school':
        await ctx.answerCallbackQuery().catch(() => {});
        reportsSession(ctx).awaiting = 'school';
        await ctx.reply(ctx.t('reports:bot.school_prompt'), { parse_mode: 'HTML' });
        return;
      case 'view':
        await ctx.answerCallbackQuery({ text: ctx.t('reports:bot.preparing') }).catch(() => {});
        await showReport(ctx, action.scope);
        return;
      case 'file':
        await ctx.answerCallbackQuery({ text: ctx.t('reports:bot.preparing') }).catch(() => {});
        await sendFile(ctx, action.format, action.scope);
        return;
    }
  });

  pm.on('message:text', async (ctx, next) => {
    // read without creating: other chats' sessions stay as they are
    if ((ctx.session as SessionData & { rp?: ReportsSession }).rp?.awaiting !== 'school') return next();
    const s = reportsSession(ctx);
    const text = ctx.message.text.trim();
    if (text.startsWith('/')) {
      s.awaiting = undefined;
      return next();
    }
    if (!SCHOOL_CODE.test(text)) {
      await ctx.reply(ctx.t('reports:bot.school_bad_code'));
      return;
    }
    s.awaiting = undefined;
    await showReport(ctx, { level: 'school', code: text });
  });

  return c;
}
