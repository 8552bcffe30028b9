// Composition of the core: repositories over one database, then the services that use them.
// `type Services = ReturnType<typeof createServices>`; the bot receives only what each feature uses.
import type { Clock } from './clock.ts';
import type { Db } from './db/client.ts';
import type { Logger } from './logger.ts';
import { outboxRepository } from './notifications/outbox.ts';
import type { Registry } from './registry/tunduk.ts';
import { campaignRepository } from './repositories/campaign-repository.ts';
import { chatUserRepository } from './repositories/chat-user-repository.ts';
import { inboxRepository } from './repositories/inbox-repository.ts';
import { schoolRepository } from './repositories/school-repository.ts';
import { territoryRepository } from './repositories/territory-repository.ts';
import { applicationService } from './services/applications/service.ts';
import { catchmentLookup } from './services/catchment-lookup.ts';
import { identityService } from './services/identity.ts';
import { myDataService } from './services/my-data.ts';
import { publicInfoService } from './services/public-info.ts';

export type ServiceOptions = {
  registry: Registry;
  log: Logger;
  /** Kattoo's external base URL (sign-in links); a function when it is known only after listening */
  publicUrl: string | (() => string);
};

export function createServices(db: Db, clock: Clock, opts: ServiceOptions) {
  const repositories = {
    territories: territoryRepository(db),
    schools: schoolRepository(db),
    campaigns: campaignRepository(db),
    chatUsers: chatUserRepository(db),
    inbox: inboxRepository(db),
    outbox: outboxRepository(db),
  };
  const identity = identityService({ db, clock, publicUrl: opts.publicUrl });
  return {
    clock,
    registry: opts.registry,
    publicInfo: publicInfoService({ ...repositories, clock }),
    catchment: catchmentLookup({ db }),
    applications: applicationService({ db, clock, registry: opts.registry, log: opts.log }),
    identity,
    myData: myDataService({ identity, registry: opts.registry, clock }),
    chatUsers: repositories.chatUsers,
    inbox: repositories.inbox,
    outbox: repositories.outbox,
    schools: repositories.schools,
    campaigns: repositories.campaigns,
  };
}
export type Services = ReturnType<typeof createServices>;
