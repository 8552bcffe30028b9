// The bot with the school-operations features (quotas, TOTP, classes, alerts, charter) against the
// Telegram simulator over real HTTP, on a fresh test database with the small world. Until bot/app.ts
// wires these features, this builds the bot the way bot/create-bot.ts does (language, session, staff
// links, features, error boundary) and feeds it through the same inbox dispatcher and polling.
import { randomBytes } from 'node:crypto';
import { alertsFeature } from '../../bot/features/staff/alerts/index.ts';
import { startAlertDigestWorker } from '../../bot/features/staff/alerts/worker.ts';
import { charterFeature } from '../../bot/features/staff/charter.ts';
import { classesFeature } from '../../bot/features/staff/classes/index.ts';
import { quotasFeature } from '../../bot/features/staff/quotas/index.ts';
import type { UiLanguage } from '../../bot/i18n.ts';
import { AdjustableClock, bishkekTime } from '../../core/clock.ts';
import type { StaffRole } from '../../core/domain/roles.ts';
import { createLogger } from '../../core/logger.ts';
import { chatUserRepository } from '../../core/repositories/chat-user-repository.ts';
import { inboxRepository } from '../../core/repositories/inbox-repository.ts';
import { identityService } from '../../core/services/identity.ts';
import { alertService } from '../../core/services/school/alerts.ts';
import { charterService } from '../../core/services/school/charter.ts';
import { classService } from '../../core/services/school/classes.ts';
import { quotaService } from '../../core/services/school/quotas.ts';
import { totpService } from '../../core/services/school/totp.ts';
import { SimUser } from '../../sim/telegram/client.ts';
import { type StartedSimulator, startTelegramSimulator } from '../../sim/telegram/http.ts';
import type { Persona } from '../../sim/telegram/personas.ts';
import { createTestDatabase } from './db.ts';
import { startHarnessBot } from './harness-bot.ts';
import { seedSmallWorld } from './small-world.ts';

export async function startSchoolOpsApp(opts: { now?: Date; digestWindowMs?: number } = {}) {
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const database = await createTestDatabase();
  const { db } = database;
  const { codes } = await seedSmallWorld(db);
  const schools = await db.school.findMany({ where: { code: { in: codes } }, orderBy: { id: 'asc' } });
  const clock = new AdjustableClock(opts.now ?? bishkekTime('2026-03-10', '10:00'));
  const chatUsers = chatUserRepository(db);
  const inbox = inboxRepository(db);
  const identity = identityService({ db, clock, publicUrl: 'http://127.0.0.1:1' });
  const totp = totpService({ db, clock, identity, key: randomBytes(32) });
  const services = {
    identity,
    totp,
    quotas: quotaService({ db, clock, identity, totp }),
    classes: classService({ db, clock, identity }),
    alerts: alertService({ db, clock, identity }),
    charter: charterService({ db, clock, identity }),
  };

  const started: StartedSimulator = await startTelegramSimulator({
    token: '7000000043:KATTOO-SCHOOLOPS-TEST-TOKEN',
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
      bot.use(alertsFeature({ alerts: services.alerts }));
      bot.use(quotasFeature({ quotas: services.quotas, totp }));
      bot.use(classesFeature({ classes: services.classes }));
      bot.use(charterFeature({ charter: services.charter }));
    },
  });
  const digests = startAlertDigestWorker(
    {
      api: bot.api,
      alerts: services.alerts,
      log,
      async schoolName(id) {
        const s = await db.school.findUnique({ where: { id } });
        return s ? { ky: s.nameKy, ru: s.nameRu, en: s.nameEn } : null;
      },
    },
    { intervalMs: 3_600_000, ...(opts.digestWindowMs ? { windowMs: opts.digestWindowMs } : {}) },
  );

  return {
    database,
    db,
    sim,
    started,
    clock,
    services,
    schools,
    errors,
    digests,
    /** links a persona as staff (as an accepted invite does) and sets their bot language */
    async staff(
      persona: Persona,
      role: StaffRole,
      scope: { schoolId?: number; territoryId?: string },
      lang: UiLanguage = 'ky',
    ) {
      if (!sim.personas().some((p) => p.id === persona.id)) sim.addPersona(persona);
      await db.staffMember.create({
        data: {
          telegramId: BigInt(persona.id),
          role,
          schoolId: scope.schoolId ?? null,
          territoryId: scope.territoryId ?? null,
        },
      });
      await chatUsers.setLanguage(persona.id, lang);
      return new SimUser(sim, persona);
    },
    idle: () => dispatcher.idle(),
    async close() {
      await digests.stop();
      await poller.stop();
      await dispatcher.idle();
      await started.stop();
      await database.drop();
    },
  };
}
export type SchoolOpsApp = Awaited<ReturnType<typeof startSchoolOpsApp>>;
