// Open data in the bot (K-OVER-5), for anyone: `/opendata` sends the campaign's aggregates per school
// and per district as two CSV files — counts only, no personal data (core/reports/open-data.ts).
import { Composer, InputFile } from 'grammy';
import type { OpenDataLevel, OpenDataService } from '../../../core/reports/open-data.ts';
import { ReportError } from '../../../core/reports/scope.ts';
import type { BotContext } from '../../context.ts';
import { esc } from '../../format/html.ts';

export type OpenDataDeps = { openData: Pick<OpenDataService, 'csv'> };

export function openDataFeature(deps: OpenDataDeps) {
  const c = new Composer<BotContext>();

  c.command('opendata', async (ctx) => {
    await ctx.replyWithChatAction('upload_document').catch(() => {});
    const files: { level: OpenDataLevel; key: string }[] = [
      { level: 'school', key: 'reports:opendata.schools' },
      { level: 'district', key: 'reports:opendata.districts' },
    ];
    try {
      const got = await Promise.all(files.map((f) => deps.openData.csv(f.level)));
      await ctx.reply(ctx.t('reports:opendata.intro'), { parse_mode: 'HTML' });
      for (const [i, f] of got.entries()) {
        const key = files[i]?.key as string;
        await ctx.replyWithDocument(new InputFile(f.data, f.name), {
          caption: esc(ctx.t(key, { year: f.academicYear })),
        });
      }
      ctx.log.info({ event: 'opendata' }, 'open data sent');
    } catch (e) {
      if (e instanceof ReportError && e.code === 'no_campaign') {
        await ctx.reply(ctx.t('reports:opendata.none'));
        return;
      }
      throw e;
    }
  });

  return c;
}
