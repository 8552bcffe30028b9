// Schools with their live seat counts for one campaign (K-SEAT-3). Listing filters on seats − taken,
// which Prisma's query API cannot compare column to column, so those reads are SQL.
import { type Db, Prisma } from '../db/client.ts';
import type { InstructionLanguage, LocalizedName } from '../domain/reference.ts';

export type SeatCount = { language: InstructionLanguage; seats: number; taken: number; free: number };

export type SchoolSummary = {
  id: number;
  code: string;
  name: LocalizedName;
  districtId: string;
  languages: InstructionLanguage[];
  participates: boolean;
  special: boolean;
  free: number;
};

export type SchoolDetails = SchoolSummary & {
  ownership: 'public' | 'private';
  address: LocalizedName;
  settlement: string;
  seats: SeatCount[];
  charter: { fileId: string; name: string | null } | null;
};

export type SchoolFilter = {
  campaignId: string;
  districtId?: string;
  language?: InstructionLanguage;
  onlyFree?: boolean;
  /** a school code, or words of its name in any language */
  text?: string;
  offset: number;
  limit: number;
};

type SummaryRow = {
  id: number;
  code: string;
  name_ky: string;
  name_ru: string;
  name_en: string;
  district_id: string;
  languages: InstructionLanguage[];
  participates: boolean;
  special: boolean;
  free: number;
  total: number;
};

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function schoolRepository(db: Db) {
  return {
    async list(f: SchoolFilter): Promise<{ total: number; items: SchoolSummary[] }> {
      const conditions: Prisma.Sql[] = [Prisma.sql`TRUE`];
      if (f.districtId) conditions.push(Prisma.sql`s.district_id = ${f.districtId}`);
      if (f.language) conditions.push(Prisma.sql`${f.language}::"Language" = ANY (s.languages)`);
      if (f.text) {
        const words = f.text.trim().split(/\s+/).slice(0, 5);
        for (const w of words) {
          const like = `%${escapeLike(w)}%`;
          conditions.push(
            Prisma.sql`(s.code = ${w} OR s.name_ky ILIKE ${like} OR s.name_ru ILIKE ${like} OR s.name_en ILIKE ${like})`,
          );
        }
      }
      const freeExpr = f.language
        ? Prisma.sql`COALESCE(SUM(q.seats - q.taken) FILTER (WHERE q.language = ${f.language}::"Language"), 0)`
        : Prisma.sql`COALESCE(SUM(q.seats - q.taken), 0)`;
      const having = f.onlyFree ? Prisma.sql`HAVING ${freeExpr} > 0` : Prisma.empty;
      const rows = await db.$queryRaw<SummaryRow[]>`
        SELECT s.id, s.code, s.name_ky, s.name_ru, s.name_en, s.district_id, s.languages::text[] AS languages,
               s.participates, s.special, ${freeExpr}::int AS free, COUNT(*) OVER ()::int AS total
        FROM school s
        LEFT JOIN quota q ON q.school_id = s.id AND q.campaign_id = ${f.campaignId}
        WHERE ${Prisma.join(conditions, ' AND ')}
        GROUP BY s.id
        ${having}
        ORDER BY s.special, NOT s.participates, s.name_ky, s.code
        OFFSET ${f.offset} LIMIT ${f.limit}`;
      return {
        total: rows[0]?.total ?? (f.offset > 0 ? await this.count(f) : 0),
        items: rows.map((r) => ({
          id: r.id,
          code: r.code,
          name: { ky: r.name_ky, ru: r.name_ru, en: r.name_en },
          districtId: r.district_id,
          languages: r.languages,
          participates: r.participates,
          special: r.special,
          free: r.free,
        })),
      };
    },

    /** total when a page lies beyond the end (the window function then has no row to report it on) */
    async count(f: SchoolFilter): Promise<number> {
      const r = await this.list({ ...f, offset: 0, limit: 1 });
      return r.total;
    },

    async byCode(code: string, campaignId: string): Promise<SchoolDetails | null> {
      const s = await db.school.findUnique({
        where: { code },
        include: { quotas: { where: { campaignId }, orderBy: { language: 'asc' } } },
      });
      if (!s) return null;
      const seats = s.quotas.map((q) => ({
        language: q.language,
        seats: q.seats,
        taken: q.taken,
        free: q.seats - q.taken,
      }));
      return {
        id: s.id,
        code: s.code,
        name: { ky: s.nameKy, ru: s.nameRu, en: s.nameEn },
        districtId: s.districtId,
        languages: s.languages,
        participates: s.participates,
        special: s.special,
        ownership: s.ownership,
        free: seats.reduce((n, q) => n + q.free, 0),
        address: { ky: s.addressKy, ru: s.addressRu, en: s.addressEn },
        settlement: s.settlement,
        seats,
        charter: s.charterFileId ? { fileId: s.charterFileId, name: s.charterName } : null,
      };
    },

    async namesById(id: number): Promise<LocalizedName | null> {
      const s = await db.school.findUnique({
        where: { id },
        select: { nameKy: true, nameRu: true, nameEn: true },
      });
      return s ? { ky: s.nameKy, ru: s.nameRu, en: s.nameEn } : null;
    },

    /** the languages taught by at least one school of a district (for the language filter buttons) */
    async languagesIn(districtId: string | undefined): Promise<InstructionLanguage[]> {
      const rows = await db.$queryRaw<{ language: InstructionLanguage }[]>`
        SELECT DISTINCT unnest(languages)::text AS language FROM school
        WHERE ${districtId ? Prisma.sql`district_id = ${districtId}` : Prisma.sql`TRUE`}`;
      const order = ['ky', 'ru', 'uz', 'tg', 'en'];
      return rows.map((r) => r.language).sort((a, b) => order.indexOf(a) - order.indexOf(b));
    },
  };
}
export type SchoolRepository = ReturnType<typeof schoolRepository>;
