import { InputFile } from 'grammy';
import type { Message } from 'grammy/types';
import { staffAppealsFeature } from '../../bot/features/oversight/appeals.ts';
import { campaignFeature } from '../../bot/features/oversight/campaign.ts';
import { coverageFeature } from '../../bot/features/oversight/coverage.ts';
import { appealButton, parentAppealsFeature } from '../../bot/features/parent/appeals.ts';
import { staffLinkFeature } from '../../bot/features/staff/link.ts';
import { unhandledFeature } from '../../bot/features/unhandled.ts';
import type { UiLanguage } from '../../bot/i18n.ts';
import { AdjustableClock } from '../../core/clock.ts';
import { makePin } from '../../core/domain/pin.ts';
import { createLogger } from '../../core/logger.ts';
import type { CensusChild } from '../../core/registry/census.ts';
import { chatUserRepository } from '../../core/repositories/chat-user-repository.ts';
import { inboxRepository } from '../../core/repositories/inbox-repository.ts';
import { catchmentLookup } from '../../core/services/catchment-lookup.ts';
import { identityService } from '../../core/services/identity.ts';
import { appealService } from '../../core/services/oversight/appeals.ts';
import { campaignService } from '../../core/services/oversight/campaign.ts';
import { coverageService } from '../../core/services/oversight/coverage.ts';
import { listCensus } from '../../sim/registry/census.ts';
import { type StartedSimulator, startTelegramSimulator } from '../../sim/telegram/http.ts';
import { createTestDatabase } from './db.ts';
import { startHarnessBot, startHarnessNotifications } from './harness-bot.ts';
import { CAMPAIGN, STAGE1_OPEN, seedSmallWorld } from './small-world.ts';

/** Children the census places in the small world's district (Lenin District, Bishkek). */
export function smallCensus(n = 7): CensusChild[] {
  const names = [
    'Айбек',
    'Айжан',
    'Бекзат',
    'Гүлзат',
    'Данияр',
    'Жибек',
    'Нурлан',
    'Сезим',
    'Тилек',
    'Элнура',
  ];
  return Array.from({ length: n }, (_, i) => ({
    pin: makePin({ sex: i % 2 ? 'F' : 'M', birthDate: `2019-0${(i % 9) + 1}-15`, sequence: 100 + i }),
    surname: i % 2 ? 'Асанова' : 'Асанов',
    name: names[i % names.length] as string,
    patronymic: i % 2 ? 'Бакытовна' : 'Бакытович',
    sex: i % 2 ? 'F' : 'M',
    birthDate: `2019-0${(i % 9) + 1}-15`,
    districtId: 'KG-GB-LEN',
    address: { settlement: 'Бишкек', street: `Көчө ${(i % 3) + 1}`, house: String(10 + i) },
  }));
}

export async function startOversightApp(opts: { now?: Date; census?: CensusChild[] } = {}) {
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const database = await createTestDatabase();
  const { db } = database;
  const { codes } = await seedSmallWorld(db);
  const schools = await db.school.findMany({ where: { code: { in: codes } }, orderBy: { id: 'asc' } });
  const clock = new AdjustableClock(opts.now ?? STAGE1_OPEN);
  const census = opts.census ?? smallCensus();
  const chatUsers = chatUserRepository(db);
  const inbox = inboxRepository(db);
  const identity = identityService({ db, clock, publicUrl: 'http://127.0.0.1:1' });
  const campaigns = campaignService({ db, clock, identity });
  const coverage = coverageService({
    db,
    clock,
    census: listCensus(census),
    catchment: catchmentLookup({ db }),
    identity,
    log,
  });
  const appeals = appealService({ db, clock, identity });

  const started: StartedSimulator = await startTelegramSimulator({
    token: '7000000046:KATTOO-OVERSIGHT-TEST-TOKEN',
  });
  const { sim } = started;
  const { bot, dispatcher, poller, errors } = await startHarnessBot({
    token: sim.token,
    apiRoot: started.apiRoot,
    log,
    chatUsers,
    inbox,
    fallbackLanguage: 'ky',
    identity,
    features: (bot) => {
      bot.use(staffLinkFeature({ identity }));
      bot.use(campaignFeature({ campaigns, clock }));
      bot.use(coverageFeature({ coverage }));
      bot.use(staffAppealsFeature({ appeals }));
      bot.use(parentAppealsFeature({ appeals }));
      // what /status will offer once wired: the parent's card with the appeal button
      bot.command('status', async (ctx) => {
        const mine = await db.application.findMany({ where: { telegramId: BigInt(ctx.from?.id ?? 0) } });
        for (const a of mine) {
          const b = appealButton(ctx.t, { id: String(a.id), status: a.status });
          await ctx.reply(
            `№ ${a.number}: ${a.status}`,
            b ? { reply_markup: { inline_keyboard: [[b]] } } : {},
          );
        }
      });
      bot.use(unhandledFeature());
    },
  });
  const notifications = startHarnessNotifications({ api: bot.api, db, clock, log, chatUsers });

  let appSeq = 0;
  return {
    database,
    db,
    sim,
    bot,
    clock,
    codes,
    schools,
    census,
    identity,
    campaigns,
    coverage,
    appeals,
    errors,
    drain: () => notifications.drain(),
    setLanguage: (telegramId: number, lang: UiLanguage) => chatUsers.setLanguage(telegramId, lang),
    /** links a Telegram user as staff (as an accepted invite does) */
    async staff(
      telegramId: number,
      role: 'director' | 'admissions' | 'district' | 'ministry',
      scope?: string,
    ) {
      const schoolId =
        role === 'director' || role === 'admissions' ? schools.find((s) => s.code === scope)?.id : undefined;
      await db.staffMember.create({
        data: {
          telegramId: BigInt(telegramId),
          role,
          ...(schoolId !== undefined ? { schoolId } : {}),
          ...(role === 'district' ? { territoryId: scope ?? 'KG-GB-LEN' } : {}),
        },
      });
    },
    /** an application of the census child i with a decision, for a parent */
    async decided(i: number, telegramId: number, status: 'admitted' | 'waitlisted' | 'rejected', school = 0) {
      appSeq++;
      const child = census[i];
      if (!child) throw new Error(`no census child ${i}`);
      const a = await db.application.create({
        data: {
          number: `2026-00077${String(appSeq).padStart(2, '0')}`,
          campaignId: CAMPAIGN,
          telegramId: BigInt(telegramId),
          applicantPin: makePin({ sex: 'F', birthDate: '1991-02-02', sequence: appSeq }),
          childPin: child.pin,
          certificateSeries: 'KG',
          certificateNumber: `70000${appSeq}`,
          status,
          schoolId: schools[school]?.id ?? null,
          language: 'ky',
          submittedAt: clock.now(),
        },
      });
      return { id: String(a.id), number: a.number };
    },
    /** the user sends a file as a document (the simulator keeps it, as Telegram does an upload) */
    async sendDocument(userId: number, content: string, fileName: string): Promise<void> {
      const sent = (await bot.api.sendDocument(
        userId,
        new InputFile(Buffer.from(content), fileName),
      )) as Message.DocumentMessage;
      sim.sendRaw(userId, { document: sent.document });
    },
    idle: () => dispatcher.idle(),
    async close() {
      await notifications.stop();
      await poller.stop();
      await dispatcher.idle();
      await started.stop();
      await database.drop();
    },
  };
}
export type OversightApp = Awaited<ReturnType<typeof startOversightApp>>;
