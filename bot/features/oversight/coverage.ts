// /coverage for district officers (and the ministry): the counts of the district's children of the
// eligible years by where they stand, the list of those not placed (paged), each with the nearest
// schools that have a free seat in a suitable language, and the follow-up recorded per child with
// buttons (contacted, placed, moved away, other — with a typed note). K-OVER-2. Payloads `cv|…`:
// a child is named by its place on the page shown (its PIN stays in the session, never in a
// payload); the core checks the officer's scope on every call.
import { Composer, InlineKeyboard } from 'grammy';
import {
  COVERAGE_STATUSES,
  type CoverageService,
  type CoverageSummary,
  FOLLOW_UP_OUTCOMES,
  type FollowUpOutcome,
  type UnplacedChild,
} from '../../../core/services/oversight/coverage.ts';
import type { BotContext } from '../../context.ts';
import { esc } from '../../format/html.ts';
import { show } from '../show.ts';
import {
  answerCallback,
  encodeData,
  endSteps,
  idPart,
  numPart,
  O,
  ov,
  refusalText,
  splitData,
  when,
  ymdText,
} from './common.ts';

export type CoverageFeatureDeps = {
  coverage: Pick<CoverageService, 'districtsFor' | 'summary' | 'unplaced' | 'child' | 'recordFollowUp'>;
};

const V = `${O}coverage.`;
const PAGE_SIZE = 5;
const DISTRICTS_PER_PAGE = 8;
/** outcome codes in payloads */
const OUTCOME_CODE: Record<FollowUpOutcome, string> = {
  contacted: 'c',
  placed: 'p',
  moved_away: 'm',
  other: 'x',
};
const CODE_OUTCOME = Object.fromEntries(Object.entries(OUTCOME_CODE).map(([k, v]) => [v, k])) as Record<
  string,
  FollowUpOutcome
>;

const fullName = (c: Pick<UnplacedChild, 'surname' | 'name' | 'patronymic'>) =>
  esc([c.surname, c.name, c.patronymic].filter(Boolean).join(' '));
const addressText = (a: UnplacedChild['address']) =>
  esc(`${a.settlement}, ${a.street} ${a.house}${a.apartment ? `, ${a.apartment}` : ''}`);

function suggestionLines(ctx: BotContext, c: UnplacedChild): string[] {
  if (c.suggestions.length === 0) return [ctx.t(`${V}no_suggestion`)];
  return c.suggestions.map((s) =>
    ctx.t(`${V}suggestion`, {
      school: esc(s.name[ctx.lang]),
      code: esc(s.code),
      language: ctx.t(`lang_of_instruction.${s.language}`, { ns: 'bot' }),
      free: s.free,
      nearness: ctx.t(`${V}nearness.${s.nearness}`),
    }),
  );
}

function summaryText(ctx: BotContext, s: CoverageSummary): string {
  const lines = [
    ctx.t(`${V}title`, {
      district: esc(s.district.name[ctx.lang]),
      campaign: esc(s.campaignId),
      total: s.total,
    }),
    '',
  ];
  for (const status of COVERAGE_STATUSES)
    lines.push(ctx.t(`${V}count_line`, { label: ctx.t(`${V}status.${status}`), n: s.counts[status] }));
  if (s.notPlaced > 0)
    lines.push(
      '',
      ctx.t(`${V}not_placed`, { n: s.notPlaced }),
      ctx.t(`${V}followed_up`, { n: s.followedUp }),
    );
  else lines.push('', ctx.t(`${V}all_placed`));
  return lines.join('\n');
}

export function coverageFeature(deps: CoverageFeatureDeps) {
  const c = new Composer<BotContext>();
  const pm = c.chatType('private');
  const { coverage } = deps;

  async function guard(ctx: BotContext, fn: () => Promise<void>) {
    try {
      await fn();
    } catch (e) {
      const msg = refusalText(ctx, e);
      if (!msg) throw e;
      if (ctx.callbackQuery) await answerCallback(ctx, msg.slice(0, 190));
      else await ctx.reply(msg);
    }
  }

  async function districts(ctx: BotContext, page: number) {
    const list = await coverage.districtsFor(ctx.from?.id ?? 0);
    if (list.length === 0) {
      await show(ctx, { text: ctx.t(`${V}none`), keyboard: new InlineKeyboard() });
      return;
    }
    if (list.length === 1 && page === 0 && !ctx.callbackQuery)
      return summary(ctx, list[0]?.id as string, false);
    const pages = Math.max(1, Math.ceil(list.length / DISTRICTS_PER_PAGE));
    const p = Math.min(page, pages - 1);
    const kb = new InlineKeyboard();
    for (const d of list.slice(p * DISTRICTS_PER_PAGE, (p + 1) * DISTRICTS_PER_PAGE))
      kb.text(d.name[ctx.lang], encodeData('cv', 'd', d.id)).row();
    if (p > 0) kb.text(ctx.t(`${O}buttons.prev`), encodeData('cv', 'D', p - 1));
    if (p < pages - 1) kb.text(ctx.t(`${O}buttons.next`), encodeData('cv', 'D', p + 1));
    await show(ctx, { text: ctx.t(`${V}choose`), keyboard: kb });
  }

  async function summary(ctx: BotContext, districtId: string, back: boolean) {
    const s = await coverage.summary(ctx.from?.id ?? 0, districtId);
    const kb = new InlineKeyboard();
    if (s.notPlaced > 0)
      kb.text(ctx.t(`${V}list`, { n: s.notPlaced }), encodeData('cv', 'l', districtId, 0)).row();
    kb.text(ctx.t(`${O}buttons.refresh`), encodeData('cv', 'd', districtId));
    if (back) kb.text(ctx.t(`${O}buttons.back`), encodeData('cv', 'D', 0));
    await show(ctx, { text: summaryText(ctx, s), keyboard: kb });
  }

  async function list(ctx: BotContext, districtId: string, page: number, note?: string) {
    const r = await coverage.unplaced(ctx.from?.id ?? 0, districtId, { page, pageSize: PAGE_SIZE });
    const s = ov(ctx);
    s.cv = { d: districtId, page: r.page, pins: r.items.map((x) => x.pin) };
    const lines: string[] = [];
    if (note) lines.push(note, '');
    if (r.items.length === 0) {
      lines.push(summaryText(ctx, r.summary));
      await show(ctx, {
        text: lines.join('\n'),
        keyboard: new InlineKeyboard().text(ctx.t(`${V}summary_button`), encodeData('cv', 'd', districtId)),
      });
      return;
    }
    lines.push(
      ctx.t(`${V}list_title`, {
        district: esc(r.summary.district.name[ctx.lang]),
        count: r.summary.notPlaced,
        page: r.page + 1,
        pages: r.pages,
      }),
    );
    const kb = new InlineKeyboard();
    r.items.forEach((child, i) => {
      const n = r.page * r.pageSize + i + 1;
      lines.push(
        '',
        ctx.t(`${V}child_line`, {
          n,
          name: fullName(child),
          birth: ymdText(child.birthDate, ctx.lang),
          address: addressText(child.address),
        }),
      );
      if (child.application)
        lines.push(
          ctx.t(`${V}application`, {
            number: esc(child.application.number),
            status: ctx.t(`wizard:status.${child.application.status}`, {
              defaultValue: esc(child.application.status),
            }),
          }),
        );
      if (child.lastFollowUp)
        lines.push(
          ctx.t(`${V}last`, {
            outcome: ctx.t(`${V}outcome_word.${child.lastFollowUp.outcome}`),
            at: when(child.lastFollowUp.at, ctx.lang),
          }),
        );
      lines.push(...suggestionLines(ctx, child));
      kb.text(
        ctx.t(`${V}child_button`, { n, name: `${child.surname} ${child.name}` }),
        encodeData('cv', 'c', i),
      ).row();
    });
    if (r.page > 0) kb.text(ctx.t(`${O}buttons.prev`), encodeData('cv', 'l', districtId, r.page - 1));
    if (r.page < r.pages - 1)
      kb.text(ctx.t(`${O}buttons.next`), encodeData('cv', 'l', districtId, r.page + 1));
    kb.row().text(ctx.t(`${V}summary_button`), encodeData('cv', 'd', districtId));
    await show(ctx, { text: lines.join('\n'), keyboard: kb });
  }

  async function childScreen(ctx: BotContext, slot: number) {
    const cv = ov(ctx).cv;
    const pin = cv?.pins[slot];
    if (!cv || !pin) {
      await answerCallback(ctx, ctx.t(`${O}stale`));
      return;
    }
    const child = await coverage.child(ctx.from?.id ?? 0, cv.d, pin);
    const lines = [
      ctx.t(`${V}child_title`, {
        name: fullName(child),
        birth: ymdText(child.birthDate, ctx.lang),
        address: addressText(child.address),
        status: ctx.t(`${V}status.${child.status}`),
      }),
      '',
      ...suggestionLines(ctx, child),
    ];
    if (child.followUps.length > 0) {
      lines.push('', ctx.t(`${V}history`));
      for (const f of child.followUps.slice(0, 10))
        lines.push(
          ctx.t(`${V}history_line`, {
            at: when(f.at, ctx.lang),
            outcome: ctx.t(`${V}outcome_word.${f.outcome}`),
            note: f.note ? `: ${esc(f.note)}` : '',
          }),
        );
    }
    lines.push('', ctx.t(`${V}record`));
    const kb = new InlineKeyboard();
    FOLLOW_UP_OUTCOMES.forEach((o, i) => {
      kb.text(ctx.t(`${V}outcome.${o}`), encodeData('cv', 'o', slot, OUTCOME_CODE[o]));
      if (i % 2 === 1) kb.row();
    });
    kb.text(ctx.t(`${O}buttons.back`), encodeData('cv', 'l', cv.d, cv.page));
    await show(ctx, { text: lines.join('\n'), keyboard: kb });
  }

  async function record(
    ctx: BotContext,
    pin: string,
    districtId: string,
    outcome: FollowUpOutcome,
    note?: string,
  ) {
    const r = await coverage.recordFollowUp(ctx.from?.id ?? 0, districtId, pin, outcome, note ?? null);
    const page = ov(ctx).cv?.page ?? 0;
    await list(
      ctx,
      districtId,
      page,
      ctx.t(`${V}recorded`, { outcome: ctx.t(`${V}outcome_word.${outcome}`), remaining: r.remaining }),
    );
  }

  pm.command('coverage', async (ctx) => {
    endSteps(ctx);
    await guard(ctx, () => districts(ctx, 0));
  });

  pm.on('message:text', async (ctx, next) => {
    const s = ov(ctx);
    if (s.step !== 'coverage_note' || ctx.message.text.startsWith('/')) return next();
    const pin = s.cv?.pin;
    const district = s.cv?.d;
    if (!pin || !district) {
      s.step = undefined;
      return next();
    }
    await guard(ctx, async () => {
      await record(ctx, pin, district, 'other', ctx.message.text);
      s.step = undefined;
      if (s.cv) s.cv.pin = undefined;
    });
  });

  pm.on('callback_query:data', async (ctx, next) => {
    const parts = splitData('cv', ctx.callbackQuery.data);
    if (!parts) return next();
    const [a, x, y] = parts;
    await guard(ctx, async () => {
      if (a === 'D' && parts.length === 2) {
        const p = numPart.safeParse(x);
        if (!p.success) return answerCallback(ctx, ctx.t(`${O}stale`));
        await answerCallback(ctx);
        return districts(ctx, p.data);
      }
      if (a === 'd' && parts.length === 2) {
        const d = idPart.safeParse(x);
        if (!d.success) return answerCallback(ctx, ctx.t(`${O}stale`));
        await answerCallback(ctx);
        endSteps(ctx);
        return summary(ctx, d.data, (await coverage.districtsFor(ctx.from.id)).length > 1);
      }
      if (a === 'l' && parts.length === 3) {
        const d = idPart.safeParse(x);
        const p = numPart.safeParse(y);
        if (!d.success || !p.success) return answerCallback(ctx, ctx.t(`${O}stale`));
        await answerCallback(ctx);
        endSteps(ctx);
        return list(ctx, d.data, p.data);
      }
      if (a === 'c' && parts.length === 2) {
        const slot = numPart.safeParse(x);
        if (!slot.success || slot.data >= PAGE_SIZE) return answerCallback(ctx, ctx.t(`${O}stale`));
        await answerCallback(ctx);
        return childScreen(ctx, slot.data);
      }
      if (a === 'o' && parts.length === 3) {
        const slot = numPart.safeParse(x);
        const outcome = y ? CODE_OUTCOME[y] : undefined;
        const cv = ov(ctx).cv;
        const pin = slot.success ? cv?.pins[slot.data] : undefined;
        if (!outcome || !cv || !pin) return answerCallback(ctx, ctx.t(`${O}stale`));
        await answerCallback(ctx);
        if (outcome === 'other') {
          const s = ov(ctx);
          s.step = 'coverage_note';
          cv.pin = pin;
          await ctx.reply(ctx.t(`${V}note_prompt`));
          return;
        }
        return record(ctx, pin, cv.d, outcome);
      }
      return next();
    });
  });

  return c;
}
