import type { Db } from '../db/client.ts';
import type { StageInput } from '../domain/reference.ts';

export type CampaignView = {
  id: string;
  academicYear: string;
  birthFrom: Date;
  birthTo: Date;
  documentsDeadline: Date;
  /** the least working days for the documents of a seat offered late (decision 0009) */
  offerWorkingDays: number;
  cancellationLimit: number;
  stages: StageInput[];
};

export function campaignRepository(db: Db) {
  return {
    async active(): Promise<CampaignView | null> {
      const c = await db.campaign.findFirst({
        where: { active: true },
        include: { stages: { orderBy: { ordinal: 'asc' } } },
        orderBy: { id: 'desc' },
      });
      if (!c) return null;
      return {
        id: c.id,
        academicYear: c.academicYear,
        birthFrom: c.birthFrom,
        birthTo: c.birthTo,
        documentsDeadline: c.documentsDeadline,
        offerWorkingDays: c.offerWorkingDays,
        cancellationLimit: c.cancellationLimit,
        stages: c.stages.map((s) => ({
          ordinal: s.ordinal,
          kind: s.kind,
          mode: s.mode,
          opensAt: s.opensAt,
          closesAt: s.closesAt,
        })),
      };
    },
  };
}
export type CampaignRepository = ReturnType<typeof campaignRepository>;
