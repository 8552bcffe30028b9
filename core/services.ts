// Composition of the core: repositories over one database, then the services that use them.
// `type Services = ReturnType<typeof createServices>`; the bot receives only what each feature uses.
import type { Clock } from './clock.ts';
import type { Db } from './db/client.ts';
import { campaignRepository } from './repositories/campaign-repository.ts';
import { chatUserRepository } from './repositories/chat-user-repository.ts';
import { inboxRepository } from './repositories/inbox-repository.ts';
import { schoolRepository } from './repositories/school-repository.ts';
import { territoryRepository } from './repositories/territory-repository.ts';
import { publicInfoService } from './services/public-info.ts';

export function createServices(db: Db, clock: Clock) {
  const repositories = {
    territories: territoryRepository(db),
    schools: schoolRepository(db),
    campaigns: campaignRepository(db),
    chatUsers: chatUserRepository(db),
    inbox: inboxRepository(db),
  };
  return {
    clock,
    publicInfo: publicInfoService({ ...repositories, clock }),
    chatUsers: repositories.chatUsers,
    inbox: repositories.inbox,
  };
}
export type Services = ReturnType<typeof createServices>;
