// Composition of the core: repositories over one database, then the services that use them.
// `type Services = ReturnType<typeof createServices>`; the bot receives only what each feature uses.
import type { Clock } from './clock.ts';
import type { Db } from './db/client.ts';
import type { Logger } from './logger.ts';
import { outboxRepository } from './notifications/outbox.ts';
import type { RegistryCensus } from './registry/census.ts';
import type { Registry } from './registry/tunduk.ts';
import { openDataService } from './reports/open-data.ts';
import { reportsService } from './reports/service.ts';
import { campaignRepository } from './repositories/campaign-repository.ts';
import { chatUserRepository } from './repositories/chat-user-repository.ts';
import { inboxRepository } from './repositories/inbox-repository.ts';
import { schoolRepository } from './repositories/school-repository.ts';
import { territoryRepository } from './repositories/territory-repository.ts';
import { applicationService } from './services/applications/service.ts';
import { catchmentLookup } from './services/catchment-lookup.ts';
import { identityService } from './services/identity.ts';
import { myDataService } from './services/my-data.ts';
import { appealService } from './services/oversight/appeals.ts';
import { campaignService } from './services/oversight/campaign.ts';
import { coverageService } from './services/oversight/coverage.ts';
import { publicInfoService } from './services/public-info.ts';
import { retentionService } from './services/retention.ts';
import { schoolAdmissionsService } from './services/school/admissions.ts';
import { alertService } from './services/school/alerts.ts';
import { charterService } from './services/school/charter.ts';
import { classService } from './services/school/classes.ts';
import { deadlineService } from './services/school/deadlines.ts';
import { quotaService } from './services/school/quotas.ts';
import { totpService } from './services/school/totp.ts';

export type ServiceOptions = {
  registry: Registry;
  log: Logger;
  /** Kattoo's external base URL (sign-in links); a function when it is known only after listening */
  publicUrl: string | (() => string);
  /** the key that seals TOTP secrets at rest (core/services/school/totp.ts secretKeyFromEnv) */
  secretKey: Buffer;
  /** the registry's children by district, for coverage (K-OVER-2) */
  census: RegistryCensus;
  /** reports and open data read here (a replica, DATABASE_READ_URL); default: `db` */
  readDb?: Db;
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
  const totp = totpService({ db, clock, identity, key: opts.secretKey });
  const catchment = catchmentLookup({ db });
  return {
    clock,
    registry: opts.registry,
    publicInfo: publicInfoService({ ...repositories, clock }),
    catchment,
    applications: applicationService({ db, clock, registry: opts.registry, log: opts.log }),
    identity,
    myData: myDataService({ identity, registry: opts.registry, clock }),
    retention: retentionService(db, clock),
    // school staff (issue 5)
    admissions: schoolAdmissionsService({ db, clock, log: opts.log }),
    deadlines: deadlineService({ db, clock, log: opts.log }),
    totp,
    quotas: quotaService({ db, clock, identity, totp }),
    classes: classService({ db, clock, identity }),
    alerts: alertService({ db, clock, identity }),
    charter: charterService({ db, clock, identity }),
    // district and ministry (issue 6)
    campaigns: campaignService({ db, clock, identity }),
    coverage: coverageService({ db, clock, census: opts.census, catchment, identity, log: opts.log }),
    appeals: appealService({ db, clock, identity }),
    // figures from the replica when there is one; who may see them is checked on the primary
    reports: reportsService({ db: opts.readDb ?? db, authDb: db, clock }),
    openData: openDataService({ db: opts.readDb ?? db, clock }),
    chatUsers: repositories.chatUsers,
    inbox: repositories.inbox,
    outbox: repositories.outbox,
    schools: repositories.schools,
    campaignsRepo: repositories.campaigns,
  };
}
export type Services = ReturnType<typeof createServices>;
