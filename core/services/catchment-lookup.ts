// Two reads the registration wizard needs beyond the public school finder (issue 4, R-13.1a, R-16.5):
// which schools' catchments (микроучастки) hold an address, and — when a school is full for a
// language — the nearest schools that still have a free seat in it (same district first, then the
// same region, then the rest of the country; by free seats). Read-only; no Telegram here (K-CORE-8).
import { type Db, Prisma } from '../db/client.ts';
import { type Address, inCatchment } from '../domain/eligibility.ts';
import type { InstructionLanguage, LocalizedName } from '../domain/reference.ts';

/** A school as the wizard offers it: its free seats per language of instruction in the active campaign. */
export type SchoolChoice = {
  id: number;
  code: string;
  name: LocalizedName;
  districtId: string;
  languages: InstructionLanguage[];
  /** free seats per language that has a quota (seats − taken) */
  free: Partial<Record<InstructionLanguage, number>>;
  /** all free seats of the school */
  freeTotal: number;
};

/** A school with a free seat in the wanted language, and how near it is to the full one. */
export type Alternative = SchoolChoice & {
  nearness: 'district' | 'region' | 'country';
  /** free seats in the wanted language */
  freeInLanguage: number;
};

type ChoiceRow = {
  id: number;
  code: string;
  name_ky: string;
  name_ru: string;
  name_en: string;
  district_id: string;
  languages: InstructionLanguage[];
  free: Record<string, number> | null;
};

const toChoice = (r: ChoiceRow): SchoolChoice => {
  const free = (r.free ?? {}) as Partial<Record<InstructionLanguage, number>>;
  return {
    id: r.id,
    code: r.code,
    name: { ky: r.name_ky, ru: r.name_ru, en: r.name_en },
    districtId: r.district_id,
    languages: r.languages,
    free,
    freeTotal: Object.values(free).reduce((n, v) => n + (v ?? 0), 0),
  };
};

export function catchmentLookup(deps: { db: Db }) {
  const { db } = deps;

  async function activeCampaignId(): Promise<string | null> {
    const c = await db.campaign.findFirst({
      where: { active: true },
      select: { id: true },
      orderBy: { id: 'desc' },
    });
    return c?.id ?? null;
  }

  async function choices(campaignId: string, ids: number[]): Promise<SchoolChoice[]> {
    if (ids.length === 0) return [];
    const rows = await db.$queryRaw<ChoiceRow[]>`
      SELECT s.id, s.code, s.name_ky, s.name_ru, s.name_en, s.district_id, s.languages::text[] AS languages,
             jsonb_object_agg(q.language::text, q.seats - q.taken) FILTER (WHERE q.language IS NOT NULL) AS free
      FROM school s
      LEFT JOIN quota q ON q.school_id = s.id AND q.campaign_id = ${campaignId}
      WHERE s.id IN (${Prisma.join(ids)})
      GROUP BY s.id
      ORDER BY s.code`;
    return rows.map(toChoice);
  }

  return {
    /** One school with its free seats per language (e.g. the target of a pending change of school). */
    async school(id: number): Promise<SchoolChoice | null> {
      const campaignId = await activeCampaignId();
      if (!campaignId) return null;
      return (await choices(campaignId, [id]))[0] ?? null;
    },

    /**
     * Participating, non-special schools whose catchment holds the address (normally one). The
     * address's district narrows the search when known; the rule itself is the domain's `inCatchment`.
     */
    async schoolsForAddress(address: Address & { districtId?: string | undefined }): Promise<SchoolChoice[]> {
      const campaignId = await activeCampaignId();
      if (!campaignId) return [];
      const rules = await db.catchment.findMany({
        where: {
          school: {
            participates: true,
            special: false,
            ...(address.districtId ? { districtId: address.districtId } : {}),
          },
          ...(address.districtId ? {} : { street: address.street.trim() }),
        },
        select: { schoolId: true, settlement: true, street: true, houseFrom: true, houseTo: true },
        take: 20_000,
      });
      const ids = [...new Set(rules.filter((r) => inCatchment(address, [r])).map((r) => r.schoolId))];
      return choices(campaignId, ids);
    },

    /**
     * Schools with a free seat in `language`, nearest first: the full school's district, then its
     * region, then the others; within each, by free seats (most first), then code.
     */
    async nearestWithFreeSeats(input: {
      schoolId: number;
      language: InstructionLanguage;
      limit?: number;
    }): Promise<Alternative[]> {
      const campaignId = await activeCampaignId();
      if (!campaignId) return [];
      const limit = Math.min(Math.max(input.limit ?? 5, 1), 20);
      const rows = await db.$queryRaw<{ id: number; nearness: Alternative['nearness']; free: number }[]>`
        WITH origin AS (
          SELECT s.district_id, COALESCE(t.parent_id, s.district_id) AS region_id
          FROM school s JOIN territory t ON t.id = s.district_id WHERE s.id = ${input.schoolId})
        SELECT s.id,
               CASE WHEN s.district_id = o.district_id THEN 'district'
                    WHEN COALESCE(t.parent_id, s.district_id) = o.region_id THEN 'region'
                    ELSE 'country' END AS nearness,
               (q.seats - q.taken)::int AS free
        FROM quota q
        JOIN school s ON s.id = q.school_id
        JOIN territory t ON t.id = s.district_id
        CROSS JOIN origin o
        WHERE q.campaign_id = ${campaignId} AND q.language = ${input.language}::"Language"
          AND q.seats > q.taken AND s.id <> ${input.schoolId}
          AND s.participates AND NOT s.special
        ORDER BY (s.district_id = o.district_id) DESC,
                 (COALESCE(t.parent_id, s.district_id) = o.region_id) DESC,
                 q.seats - q.taken DESC, s.code
        LIMIT ${limit}`;
      const byId = new Map(
        (
          await choices(
            campaignId,
            rows.map((r) => r.id),
          )
        ).map((c) => [c.id, c]),
      );
      return rows.flatMap((r) => {
        const c = byId.get(r.id);
        return c ? [{ ...c, nearness: r.nearness, freeInLanguage: r.free }] : [];
      });
    },
  };
}
export type CatchmentLookup = ReturnType<typeof catchmentLookup>;
