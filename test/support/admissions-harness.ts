import { accessFeature } from '../../bot/features/parent/access.ts';
import { admissionsFeature } from '../../bot/features/staff/admissions/index.ts';
import { staffLinkFeature } from '../../bot/features/staff/link.ts';
import { unhandledFeature } from '../../bot/features/unhandled.ts';
import type { UiLanguage } from '../../bot/i18n.ts';
import { AdjustableClock } from '../../core/clock.ts';
import { createLogger } from '../../core/logger.ts';
import { chatUserRepository } from '../../core/repositories/chat-user-repository.ts';
import { inboxRepository } from '../../core/repositories/inbox-repository.ts';
import { applicationService } from '../../core/services/applications/service.ts';
import { identityService } from '../../core/services/identity.ts';
import { schoolAdmissionsService } from '../../core/services/school/admissions.ts';
import { deadlineService } from '../../core/services/school/deadlines.ts';
import { type StartedSimulator, startTelegramSimulator } from '../../sim/telegram/http.ts';
import { createTestDatabase } from './db.ts';
import { startHarnessBot, startHarnessNotifications } from './harness-bot.ts';
import { childPin, parentPin, registryStub, type StubChild } from './registry-stub.ts';
import { addressOf, STAGE1_OPEN, seedSmallWorld } from './small-world.ts';

export async function startAdmissionsApp(opts: { seats?: Record<string, number>; now?: Date } = {}) {
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const database = await createTestDatabase();
  const { db } = database;
  const { codes } = await seedSmallWorld(db, { seats: opts.seats ?? {} });
  const schools = await db.school.findMany({ where: { code: { in: codes } }, orderBy: { id: 'asc' } });
  const clock = new AdjustableClock(opts.now ?? STAGE1_OPEN);
  const children: StubChild[] = [];
  for (let i = 1; i <= 40; i++) {
    children.push({
      pin: childPin(i),
      series: 'KG',
      number: String(100000 + i),
      parents: [parentPin(i)],
      address: addressOf(i <= 20 ? 1 : 2, String(i)),
    });
  }
  const chatUsers = chatUserRepository(db);
  const inbox = inboxRepository(db);
  const identity = identityService({ db, clock, publicUrl: 'http://127.0.0.1:1' });
  const applications = applicationService({ db, clock, registry: registryStub(children), log });
  const admissions = schoolAdmissionsService({ db, clock, log });
  const deadlines = deadlineService({ db, clock, log });

  const started: StartedSimulator = await startTelegramSimulator({
    token: '7000000044:KATTOO-ADMISSIONS-TEST-TOKEN',
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
    throttle: true,
    features: (bot) => {
      bot.use(staffLinkFeature({ identity }));
      bot.use(admissionsFeature({ admissions }));
      bot.use(accessFeature({ admissions }));
      bot.use(unhandledFeature());
    },
  });
  const notifications = startHarnessNotifications({ api: bot.api, db, clock, log, chatUsers });

  return {
    database,
    db,
    sim,
    clock,
    codes,
    schools,
    identity,
    applications,
    admissions,
    deadlines,
    errors,
    /** one round of the parents' notification worker now */
    drain: () => notifications.drain(),
    setLanguage: (telegramId: number, lang: UiLanguage) => chatUsers.setLanguage(telegramId, lang),
    /** a submitted application of child i (1–40) at school `s` (1-based) for a Telegram user */
    async apply(i: number, s: number, telegramId: number, lang: 'ky' | 'ru' = 'ky') {
      const d = await applications.createDraft({
        telegramId,
        applicantPin: parentPin(i),
        childPin: childPin(i),
        certificateSeries: 'KG',
        certificateNumber: String(100000 + i),
      });
      await applications.chooseSchool(d.id, telegramId, codes[s - 1] as string, lang);
      await applications.setContact(d.id, telegramId, '0700 123 456', true);
      const r = await applications.submit(d.id, telegramId);
      return { id: r.application.id, number: r.application.number, outcome: r.outcome };
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
export type AdmissionsApp = Awaited<ReturnType<typeof startAdmissionsApp>>;
