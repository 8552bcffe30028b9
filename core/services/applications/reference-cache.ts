// The reference data a submission is checked against — the active campaign with its stages, schools,
// catchment rules — kept in memory. They change rarely (set-up, imports) and are read on every
// submission. Each change bumps `reference_version` in its own transaction (a trigger); the caller
// reads the version with the query it makes anyway and hands it here, so a stale cache is dropped
// before it is used, in every process (decision 0004).
import type { Campaign, Db, School, Stage } from '../../db/client.ts';
import type { CatchmentRule } from '../../domain/eligibility.ts';

export type CampaignWithStages = Campaign & { stages: Stage[] };

type Loaded = {
  campaign: CampaignWithStages | null;
  schools: Map<number, School>;
  rules: Map<number, CatchmentRule[]>;
};

export function referenceCache(db: Db) {
  let version: bigint | undefined;
  let loaded: Promise<Loaded> | undefined;

  // All of it at once (a country has ~2,300 schools and ~10,000 catchment rules: a few MB, ~100 ms):
  // in a rush every press names another school, and a miss per school would cost a query each.
  async function load(): Promise<Loaded> {
    const [campaign, schools, rules] = await Promise.all([
      db.campaign.findFirst({ where: { active: true }, include: { stages: true }, orderBy: { id: 'desc' } }),
      db.school.findMany(),
      db.catchment.findMany({
        select: { schoolId: true, settlement: true, street: true, houseFrom: true, houseTo: true },
      }),
    ]);
    const bySchool = new Map<number, CatchmentRule[]>();
    for (const { schoolId, ...rule } of rules) {
      const list = bySchool.get(schoolId);
      if (list) list.push(rule);
      else bySchool.set(schoolId, [rule]);
    }
    return { campaign, schools: new Map(schools.map((x) => [x.id, x])), rules: bySchool };
  }

  function current(): Promise<Loaded> {
    if (!loaded) {
      const p = load();
      loaded = p;
      // a failed load is forgotten so that the next call tries again
      p.catch(() => {
        if (loaded === p) loaded = undefined;
      });
    }
    return loaded;
  }

  return {
    /** Drops everything cached when `v` (read from the database just now) differs. */
    check(v: bigint): void {
      if (v === version) return;
      version = v;
      loaded = undefined;
    },
    async activeCampaign(): Promise<CampaignWithStages | null> {
      return (await current()).campaign;
    },
    async school(id: number): Promise<School | null> {
      return (await current()).schools.get(id) ?? null;
    },
    async catchmentRules(schoolId: number): Promise<CatchmentRule[]> {
      return (await current()).rules.get(schoolId) ?? [];
    },
  };
}
export type ReferenceCache = ReturnType<typeof referenceCache>;
