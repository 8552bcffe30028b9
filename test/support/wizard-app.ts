import type { Redis } from 'ioredis';
import type { SessionData } from '../../bot/context.ts';
import { parentFeature } from '../../bot/features/parent/index.ts';
import type { ChildChoice } from '../../bot/features/parent/wizard/deps.ts';
import { publicFeature } from '../../bot/features/public/index.ts';
import { unhandledFeature } from '../../bot/features/unhandled.ts';
import { redisStorage } from '../../bot/session.ts';
import type { UpdateDispatcher } from '../../bot/updates/dispatcher.ts';
import { AdjustableClock } from '../../core/clock.ts';
import { parsePin } from '../../core/domain/pin.ts';
import { createLogger } from '../../core/logger.ts';
import type { Registry } from '../../core/registry/tunduk.ts';
import { campaignRepository } from '../../core/repositories/campaign-repository.ts';
import { chatUserRepository } from '../../core/repositories/chat-user-repository.ts';
import { inboxRepository } from '../../core/repositories/inbox-repository.ts';
import { schoolRepository } from '../../core/repositories/school-repository.ts';
import { territoryRepository } from '../../core/repositories/territory-repository.ts';
import { applicationService } from '../../core/services/applications/service.ts';
import { catchmentLookup } from '../../core/services/catchment-lookup.ts';
import { identityService } from '../../core/services/identity.ts';
import { publicInfoService } from '../../core/services/public-info.ts';
import { SimUser } from '../../sim/telegram/client.ts';
import { type StartedSimulator, startTelegramSimulator } from '../../sim/telegram/http.ts';
import type { Persona } from '../../sim/telegram/personas.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { startHarnessBot } from './harness-bot.ts';
import { registryStub, type StubChild } from './registry-stub.ts';
import { STAGE1_OPEN, seedSmallWorld } from './small-world.ts';

export type WizardApp = {
  database: TestDatabase;
  started: StartedSimulator;
  sim: StartedSimulator['sim'];
  clock: AdjustableClock;
  codes: string[];
  applications: ReturnType<typeof applicationService>;
  dispatcher: UpdateDispatcher;
  /** links a Telegram user to a PIN, as a completed state sign-in does */
  link(telegramId: number, pin: string): Promise<void>;
  /** a person in the chat; adds the persona to the simulator when it is new */
  user(persona: Persona): SimUser;
  /** every update received so far has been handled */
  idle(): Promise<void>;
  close(): Promise<void>;
};

export type WizardAppOptions = {
  children: StubChild[];
  /** seats per `code:language` (default 2 each) */
  seats?: Record<string, number>;
  /** sessions in this Redis instead of the in-process store */
  redis?: Redis;
  /** registry down when this says so */
  registryDown?: () => boolean;
};

/** The stub's children as the registry's list of a parent's children (core/services/my-data.ts fits too). */
function childrenFrom(children: StubChild[]) {
  return async (pin: string): Promise<ChildChoice[]> =>
    children
      .filter((c) => c.parents.includes(pin))
      .map((c) => {
        const p = parsePin(c.pin);
        return {
          pin: c.pin,
          surname: 'Асанов',
          name: 'Бала',
          birthDate: c.birthDate ?? (p.ok ? p.birthDate : '2019-06-01'),
          certificate: { series: c.series, number: c.number },
        };
      });
}

export async function startWizardApp(opts: WizardAppOptions): Promise<WizardApp> {
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const database = await createTestDatabase();
  const { db } = database;
  const { codes } = await seedSmallWorld(db, { seats: opts.seats ?? {} });
  const clock = new AdjustableClock(STAGE1_OPEN);
  const registry: Registry = registryStub(opts.children, {
    ...(opts.registryDown ? { down: opts.registryDown } : {}),
  });
  const chatUsers = chatUserRepository(db);
  const inbox = inboxRepository(db);
  const publicInfo = publicInfoService({
    territories: territoryRepository(db),
    schools: schoolRepository(db),
    campaigns: campaignRepository(db),
    clock,
  });
  const applications = applicationService({ db, clock, registry, log });
  const identity = identityService({ db, clock, publicUrl: 'http://127.0.0.1:1' });
  const catchment = catchmentLookup({ db });

  const started = await startTelegramSimulator({ token: '7000000042:KATTOO-WIZARD-TEST-TOKEN' });
  const { sim } = started;

  const { dispatcher, poller } = await startHarnessBot({
    token: sim.token,
    apiRoot: started.apiRoot,
    log,
    chatUsers,
    inbox,
    fallbackLanguage: 'guess',
    storage: opts.redis
      ? redisStorage<SessionData>(opts.redis, `kattoo:test:${database.url.slice(-12)}:`)
      : undefined,
    features: (bot) => {
      bot.use(
        parentFeature({
          applications,
          publicInfo: publicInfo,
          catchment,
          linkedPin: (telegramId) => identity.linkedPin(telegramId),
          childrenOf: childrenFrom(opts.children),
        }),
      );
      bot.use(
        publicFeature({
          publicInfo: publicInfo,
          quotaHistory: async () => [],
          setLanguage: (id, lang) => chatUsers.setLanguage(id, lang),
        }),
      );
      bot.use(unhandledFeature());
    },
  });

  return {
    database,
    started,
    sim,
    clock,
    codes,
    applications,
    dispatcher,
    async link(telegramId, pin) {
      await db.identityLink.upsert({
        where: { telegramId: BigInt(telegramId) },
        create: { telegramId: BigInt(telegramId), pin, linkedAt: clock.now() },
        update: { pin },
      });
    },
    user(persona) {
      if (!sim.personas().some((p) => p.id === persona.id)) sim.addPersona(persona);
      return new SimUser(sim, persona);
    },
    idle: () => dispatcher.idle(),
    async close() {
      await poller.stop();
      await dispatcher.idle();
      await started.stop();
      await database.drop();
    },
  };
}
