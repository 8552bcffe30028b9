// The reference data a submission is checked against — the active campaign with its stages, schools,
// catchment rules — kept in memory. They change rarely (set-up, imports) and are read on every
// submission. Each change bumps `reference_version` in its own transaction (a trigger); the caller
// reads the version with the query it makes anyway and hands it here, so a stale cache is dropped
// before it is used, in every process (decision 0004).
import type { Campaign, Db, School, Stage } from '../../db/client.ts';
import type { CatchmentRule } from '../../domain/eligibility.ts';

export type CampaignWithStages = Campaign & { stages: Stage[] };

export function referenceCache(db: Db) {
  let version: bigint | undefined;
  let campaign: Promise<CampaignWithStages | null> | undefined;
  const schools = new Map<number, Promise<School | null>>();
  const rules = new Map<number, Promise<CatchmentRule[]>>();

  /** Caches a load; a failed load is forgotten so the next call tries again. */
  function remember<K, V>(map: Map<K, Promise<V>>, key: K, load: () => Promise<V>): Promise<V> {
    let p = map.get(key);
    if (!p) {
      p = load();
      map.set(key, p);
      p.catch(() => map.delete(key));
    }
    return p;
  }

  return {
    /** Drops everything cached when `current` (read from the database just now) differs. */
    check(current: bigint): void {
      if (current === version) return;
      version = current;
      campaign = undefined;
      schools.clear();
      rules.clear();
    },
    activeCampaign(): Promise<CampaignWithStages | null> {
      if (!campaign) {
        const p = db.campaign.findFirst({
          where: { active: true },
          include: { stages: true },
          orderBy: { id: 'desc' },
        });
        campaign = p;
        p.catch(() => {
          if (campaign === p) campaign = undefined;
        });
      }
      return campaign;
    },
    school(id: number): Promise<School | null> {
      return remember(schools, id, () => db.school.findUnique({ where: { id } }));
    },
    catchmentRules(schoolId: number): Promise<CatchmentRule[]> {
      return remember(rules, schoolId, () =>
        db.catchment.findMany({
          where: { schoolId },
          select: { settlement: true, street: true, houseFrom: true, houseTo: true },
        }),
      );
    },
  };
}
export type ReferenceCache = ReturnType<typeof referenceCache>;
