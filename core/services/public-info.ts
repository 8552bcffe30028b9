// What anyone may ask without signing in: territories, schools with free seats, the calendar.
import type { Clock } from '../clock.ts';
import {
  nextRegistrationStage,
  openRegistrationStage,
  type StageState,
  stageStates,
} from '../domain/campaign.ts';
import type { InstructionLanguage, StageInput } from '../domain/reference.ts';
import type { CampaignRepository } from '../repositories/campaign-repository.ts';
import type { SchoolDetails, SchoolRepository, SchoolSummary } from '../repositories/school-repository.ts';
import type { TerritoryRepository, TerritoryView } from '../repositories/territory-repository.ts';

export type SchoolQuery = {
  districtId?: string;
  language?: InstructionLanguage;
  onlyFree?: boolean;
  text?: string;
  page: number;
  pageSize: number;
};

export type SchoolPage = { items: SchoolSummary[]; total: number; page: number; pages: number };

export type Calendar = {
  academicYear: string;
  birthFrom: Date;
  birthTo: Date;
  documentsDeadline: Date;
  /** the least working days for the documents of a seat offered late (decision 0009) */
  offerWorkingDays: number;
  now: Date;
  stages: StageState[];
  open: StageInput | undefined;
  next: StageInput | undefined;
};

export class NoActiveCampaignError extends Error {
  readonly code = 'no_active_campaign';
}

export function publicInfoService(deps: {
  territories: TerritoryRepository;
  schools: SchoolRepository;
  campaigns: CampaignRepository;
  clock: Clock;
}) {
  const { territories, schools, campaigns, clock } = deps;

  async function activeCampaign() {
    const c = await campaigns.active();
    if (!c) throw new NoActiveCampaignError('no active campaign');
    return c;
  }

  return {
    regions: (): Promise<TerritoryView[]> => territories.topLevel(),
    districts: (regionId: string): Promise<TerritoryView[]> => territories.children(regionId),
    territory: (id: string): Promise<TerritoryView | null> => territories.byId(id),
    languagesIn: (districtId?: string) => schools.languagesIn(districtId),

    async findSchools(q: SchoolQuery): Promise<SchoolPage> {
      const campaign = await activeCampaign();
      const page = Math.max(0, q.page);
      const { total, items } = await schools.list({
        campaignId: campaign.id,
        districtId: q.districtId,
        language: q.language,
        onlyFree: q.onlyFree,
        text: q.text,
        offset: page * q.pageSize,
        limit: q.pageSize,
      });
      return { items, total, page, pages: Math.max(1, Math.ceil(total / q.pageSize)) };
    },

    async school(code: string): Promise<SchoolDetails | null> {
      const campaign = await activeCampaign();
      return schools.byCode(code, campaign.id);
    },

    async calendar(): Promise<Calendar> {
      const c = await activeCampaign();
      const now = clock.now();
      return {
        academicYear: c.academicYear,
        birthFrom: c.birthFrom,
        birthTo: c.birthTo,
        documentsDeadline: c.documentsDeadline,
        offerWorkingDays: c.offerWorkingDays,
        now,
        stages: stageStates(c.stages, now),
        open: openRegistrationStage(c.stages, now),
        next: nextRegistrationStage(c.stages, now),
      };
    },
  };
}
export type PublicInfoService = ReturnType<typeof publicInfoService>;
