// Which scope a report is about, and whether the caller may read it (K-ID-3): the caller's active
// staff links are read from the database on every call (a revocation takes effect at once) and each
// is asked `can(actor, 'district.reports.read', target)`. A district officer reads their district (or
// region) and its schools; the ministry everything; a director their own school.
import { type Db, Prisma } from '../db/client.ts';
import type { LocalizedName } from '../domain/reference.ts';
import { type Actor, can, ROLE_ACTIONS, type StaffRole, type Target } from '../domain/roles.ts';
import type { ReportLevel, ReportScope, ScopeRequest } from './model.ts';

/** The person asking: a Telegram user id (another channel passes its own account id). */
export type ReportCaller = { telegramId: number };

export type ReportErrorCode =
  /** no active staff link of the caller may read reports, or none covers this scope */
  | 'forbidden'
  /** no such school or territory */
  | 'not_found'
  /** no campaign to report on */
  | 'no_campaign';

export class ReportError extends Error {
  constructor(readonly code: ReportErrorCode) {
    super(code);
  }
}

export const REPORT_ACTION = 'district.reports.read' as const;

/** The country as a scope. */
export const NATION_ID = 'KG';
export const NATION_NAME: LocalizedName = {
  ky: 'Кыргыз Республикасы',
  ru: 'Кыргызская Республика',
  en: 'Kyrgyz Republic',
};

/** A scope found in the database: what the rules check, what the report shows, how SQL filters it. */
export type ResolvedScope = {
  target: Target;
  scope: ReportScope;
  /** school id when the scope is one school */
  schoolId?: number;
};

const name = (r: { name_ky: string; name_ru: string; name_en: string }): LocalizedName => ({
  ky: r.name_ky,
  ru: r.name_ru,
  en: r.name_en,
});

type NamedRow = { id: string; name_ky: string; name_ru: string; name_en: string };

/** The scope behind a request, or null when the school or territory does not exist (or is of the wrong level). */
export async function resolveScope(db: Db, req: ScopeRequest): Promise<ResolvedScope | null> {
  switch (req.level) {
    case 'nation':
      return {
        target: { level: 'nation' },
        scope: { level: 'nation', id: NATION_ID, name: NATION_NAME },
      };
    case 'school': {
      const rows = await db.$queryRaw<
        (NamedRow & {
          school_id: number;
          code: string;
          d_id: string;
          d_ky: string;
          d_ru: string;
          d_en: string;
          r_id: string;
          r_ky: string;
          r_ru: string;
          r_en: string;
        })[]
      >`
        SELECT sc.id AS school_id, sc.code, sc.code AS id, sc.name_ky, sc.name_ru, sc.name_en,
               d.id AS d_id, d.name_ky AS d_ky, d.name_ru AS d_ru, d.name_en AS d_en,
               r.id AS r_id, r.name_ky AS r_ky, r.name_ru AS r_ru, r.name_en AS r_en
        FROM school sc
        JOIN territory d ON d.id = sc.district_id
        JOIN territory r ON r.id = COALESCE(d.parent_id, d.id)
        WHERE sc.code = ${req.code}`;
      const s = rows[0];
      if (!s) return null;
      return {
        target: { level: 'school', schoolId: s.school_id, districtId: s.d_id, regionId: s.r_id },
        schoolId: s.school_id,
        scope: {
          level: 'school',
          id: s.code,
          name: name(s),
          district: { id: s.d_id, name: { ky: s.d_ky, ru: s.d_ru, en: s.d_en } },
          region: { id: s.r_id, name: { ky: s.r_ky, ru: s.r_ru, en: s.r_en } },
        },
      };
    }
    case 'district':
    case 'region': {
      const rows = await db.$queryRaw<(NamedRow & { parent_id: string | null; kind: string })[]>`
        SELECT id, parent_id, kind::text AS kind, name_ky, name_ru, name_en FROM territory WHERE id = ${req.id}`;
      const t = rows[0];
      if (!t) return null;
      if (req.level === 'region') {
        if (t.parent_id !== null) return null;
        return {
          target: { level: 'region', regionId: t.id },
          scope: { level: 'region', id: t.id, name: name(t) },
        };
      }
      if (t.parent_id === null) return null;
      const parent = await db.$queryRaw<NamedRow[]>`
        SELECT id, name_ky, name_ru, name_en FROM territory WHERE id = ${t.parent_id}`;
      const p = parent[0];
      return {
        target: { level: 'district', districtId: t.id, regionId: t.parent_id },
        scope: {
          level: 'district',
          id: t.id,
          name: name(t),
          ...(p ? { region: { id: p.id, name: name(p) } } : {}),
        },
      };
    }
  }
}

/** SQL condition on `sc` (school) that keeps the schools of a scope. */
export function schoolFilter(r: ResolvedScope): Prisma.Sql {
  const t = r.target;
  switch (t.level) {
    case 'nation':
      return Prisma.sql`TRUE`;
    case 'region':
      return Prisma.sql`sc.district_id IN (SELECT t.id FROM territory t WHERE t.id = ${t.regionId} OR t.parent_id = ${t.regionId})`;
    case 'district':
      return Prisma.sql`sc.district_id = ${t.districtId}`;
    case 'school':
      return Prisma.sql`sc.id = ${t.schoolId}`;
  }
}

/** The level below a scope, and the SQL giving each school's unit key there (needs `sc` and `d`). */
export function unitOf(level: ReportLevel): {
  kind: 'region' | 'district' | 'school' | null;
  key: Prisma.Sql;
} {
  switch (level) {
    case 'nation':
      return { kind: 'region', key: Prisma.sql`COALESCE(d.parent_id, d.id)` };
    case 'region':
      return { kind: 'district', key: Prisma.sql`sc.district_id` };
    case 'district':
      return { kind: 'school', key: Prisma.sql`sc.code` };
    case 'school':
      return { kind: null, key: Prisma.sql`sc.code` };
  }
}

function actorOf(row: {
  role: StaffRole;
  schoolId: number | null;
  territoryId: string | null;
}): Actor | null {
  switch (row.role) {
    case 'director':
    case 'admissions':
      return row.schoolId !== null ? { role: row.role, schoolId: row.schoolId } : null;
    case 'district':
      return row.territoryId !== null ? { role: 'district', territoryId: row.territoryId } : null;
    case 'ministry':
      return { role: 'ministry' };
  }
}

/** The caller's active staff links that may read reports at all. */
export async function reportActors(db: Db, caller: ReportCaller): Promise<Actor[]> {
  if (!Number.isSafeInteger(caller.telegramId)) return [];
  const rows = await db.staffMember.findMany({
    where: { telegramId: BigInt(caller.telegramId), revokedAt: null },
    orderBy: { id: 'asc' },
    select: { role: true, schoolId: true, territoryId: true },
  });
  return rows.map(actorOf).filter((a): a is Actor => a !== null && ROLE_ACTIONS[a.role].has(REPORT_ACTION));
}

/** Resolves the request and checks it against the caller's links; throws ReportError otherwise. */
export async function authorizeScope(
  db: Db,
  caller: ReportCaller,
  req: ScopeRequest,
): Promise<ResolvedScope> {
  const actors = await reportActors(db, caller);
  if (actors.length === 0) throw new ReportError('forbidden');
  const resolved = await resolveScope(db, req);
  if (!resolved) throw new ReportError('not_found');
  if (!actors.some((a) => can(a, REPORT_ACTION, resolved.target))) throw new ReportError('forbidden');
  return resolved;
}
