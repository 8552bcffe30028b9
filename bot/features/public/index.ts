// Public features, no sign-in needed: /start, /language, /help, /schools, /calendar (issue 2).
import { Composer } from 'grammy';
import type { PublicInfoService } from '../../../core/services/public-info.ts';
import type { PublicQuotaRecord } from '../../../core/services/school/quotas.ts';
import { type Action, decode, type ListRef } from '../../callback-data.ts';
import type { BotContext } from '../../context.ts';
import { esc } from '../../format/html.ts';
import { translator, type UiLanguage } from '../../i18n.ts';
import { show } from '../show.ts';
import { quotaHistoryLines } from '../staff/quotas/views.ts';
import {
  calendarScreen,
  districtsScreen,
  helpScreen,
  languageScreen,
  menuScreen,
  PAGE_SIZE,
  regionsScreen,
  schoolCardScreen,
  schoolListScreen,
} from './views.ts';

export type PublicDeps = {
  publicInfo: PublicInfoService;
  /** approved quota changes, shown publicly on the card (K-SEAT-1) */
  quotaHistory(schoolId: number): Promise<PublicQuotaRecord[]>;
  setLanguage(telegramId: number, lang: UiLanguage): Promise<void>;
};

const SEARCH_SCOPE = '_';
const MAX_SEARCH = 100;
const SCHOOL_PAYLOAD = /^school_([A-Za-z0-9_-]{1,50})$/;

export function publicFeature(deps: PublicDeps) {
  const { publicInfo } = deps;
  const c = new Composer<BotContext>();
  const pm = c.chatType('private');

  async function showSchool(ctx: BotContext, code: string, back: ListRef | null, fresh = false) {
    const school = await publicInfo.school(code);
    if (!school) {
      await show(
        ctx,
        { text: ctx.t('card.not_found', { code: esc(code) }), keyboard: regionsKeyboardOnly(ctx) },
        { fresh },
      );
      return;
    }
    const district = await publicInfo.territory(school.districtId);
    const screen = schoolCardScreen(ctx.t, ctx.lang, school, district, back);
    const history = quotaHistoryLines(ctx.t, ctx.lang, await deps.quotaHistory(school.id));
    if (history.length > 0) screen.text = [screen.text, '', ...history].join('\n');
    await show(ctx, screen, { fresh });
  }

  async function showList(ctx: BotContext, ref: ListRef, fresh = false) {
    const isSearch = ref.scope === SEARCH_SCOPE;
    const text = isSearch ? ctx.session.search : undefined;
    if (isSearch && !text) {
      await startSearch(ctx);
      return;
    }
    const district = isSearch ? null : await publicInfo.territory(ref.scope);
    if (!isSearch && (!district || district.kind === 'region')) {
      await staleButton(ctx);
      return;
    }
    const page = await publicInfo.findSchools({
      districtId: district?.id,
      text,
      language: ref.language ?? undefined,
      onlyFree: ref.onlyFree,
      page: ref.page,
      pageSize: PAGE_SIZE,
    });
    const heading = district
      ? ctx.t('schools.in_district', { district: esc(district.name[ctx.lang]) })
      : ctx.t('schools.search_results', { query: esc(text ?? '') });
    const languages = await publicInfo.languagesIn(district?.id);
    await show(ctx, schoolListScreen(ctx.t, ctx.lang, ref, page, heading, languages), { fresh });
  }

  async function startSearch(ctx: BotContext) {
    ctx.session.awaiting = 'school_search';
    await show(
      ctx,
      { text: ctx.t('schools.search_prompt'), keyboard: regionsKeyboardOnly(ctx) },
      { fresh: true },
    );
  }

  async function search(ctx: BotContext, query: string) {
    const q = query.trim();
    if (q.length < 2 || q.length > MAX_SEARCH) {
      await ctx.reply(ctx.t('schools.search_bad_length', { max: MAX_SEARCH }), { parse_mode: 'HTML' });
      return;
    }
    ctx.session.awaiting = undefined;
    ctx.session.search = q;
    const exact = await publicInfo.school(q);
    if (exact) {
      await showSchool(ctx, exact.code, null, true);
      return;
    }
    await showList(ctx, { scope: SEARCH_SCOPE, language: null, onlyFree: false, page: 0 }, true);
  }

  function regionsKeyboardOnly(ctx: BotContext) {
    return menuScreen(ctx.t).keyboard;
  }

  async function staleButton(ctx: BotContext) {
    await ctx.answerCallbackQuery({ text: ctx.t('errors.stale_button') }).catch(() => {});
    await show(ctx, menuScreen(ctx.t), { fresh: true });
  }

  pm.command('start', async (ctx) => {
    const payload = ctx.match.trim();
    const school = SCHOOL_PAYLOAD.exec(payload);
    if (school?.[1]) {
      await showSchool(ctx, school[1], null, true);
      return;
    }
    if (!ctx.langChosen) {
      await show(ctx, languageScreen(ctx.t), { fresh: true });
      return;
    }
    await show(ctx, menuScreen(ctx.t), { fresh: true });
  });

  pm.command('language', (ctx) => show(ctx, languageScreen(ctx.t), { fresh: true }));
  pm.command('help', (ctx) => show(ctx, helpScreen(ctx.t), { fresh: true }));
  pm.command('calendar', async (ctx) =>
    show(ctx, calendarScreen(ctx.t, ctx.lang, await publicInfo.calendar()), { fresh: true }),
  );
  pm.command('schools', async (ctx) => {
    const query = ctx.match.trim();
    if (query) return search(ctx, query);
    await show(ctx, regionsScreen(ctx.t, ctx.lang, await publicInfo.regions()), { fresh: true });
  });

  pm.on('callback_query:data', async (ctx, next) => {
    const action: Action | null = decode(ctx.callbackQuery.data);
    if (!action) return next();
    switch (action.a) {
      case 'lang': {
        await deps.setLanguage(ctx.from.id, action.lang);
        ctx.lang = action.lang;
        ctx.langChosen = true;
        ctx.t = translator(action.lang);
        await ctx.answerCallbackQuery({ text: ctx.t('language.saved') });
        await show(ctx, menuScreen(ctx.t));
        return;
      }
      case 'langs':
        await show(ctx, languageScreen(ctx.t));
        break;
      case 'menu':
        ctx.session.awaiting = undefined;
        await show(ctx, menuScreen(ctx.t));
        break;
      case 'help':
        await show(ctx, helpScreen(ctx.t));
        break;
      case 'calendar':
        await show(ctx, calendarScreen(ctx.t, ctx.lang, await publicInfo.calendar()));
        break;
      case 'regions':
        await show(ctx, regionsScreen(ctx.t, ctx.lang, await publicInfo.regions()));
        break;
      case 'region': {
        const region = await publicInfo.territory(action.id);
        if (!region || region.parentId !== null) return staleButton(ctx);
        await show(ctx, districtsScreen(ctx.t, ctx.lang, region, await publicInfo.districts(region.id)));
        break;
      }
      case 'list':
        await showList(ctx, action.ref);
        break;
      case 'school':
        await showSchool(ctx, action.code, action.back);
        break;
      case 'search':
        await ctx.answerCallbackQuery();
        await startSearch(ctx);
        return;
      case 'charter': {
        const school = await publicInfo.school(action.code);
        if (!school?.charter) return staleButton(ctx);
        await ctx.answerCallbackQuery();
        await ctx.replyWithDocument(school.charter.fileId, { caption: esc(school.name[ctx.lang]) });
        return;
      }
      default:
        // another feature's button (registered earlier) or one this feature does not know
        return next();
    }
    await ctx.answerCallbackQuery().catch(() => {});
  });

  pm.on('message:text', async (ctx, next) => {
    if (ctx.session.awaiting === 'school_search' && !ctx.message.text.startsWith('/')) {
      return search(ctx, ctx.message.text);
    }
    return next();
  });

  return c;
}
