// Reports for staff (K-OVER-1, K-ID-3): what a caller may open, and the report of one scope with its
// per-school rows, each call scope-checked against the caller's active staff links (`can`). No
// Telegram here (K-CORE-8): the bot, the command line or another channel word the figures.
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import type { LocalizedName } from '../domain/reference.ts';
import type { Report, ReportLevel, SchoolRow, ScopeRequest } from './model.ts';
import { buildReport, type ReportCampaign, reportCampaign, schoolRows } from './queries.ts';
import { authorizeScope, type ReportCaller, reportActors, resolveScope } from './scope.ts';

/** A scope the caller may open, with its name. */
export type ScopeOption = { request: ScopeRequest; level: ReportLevel; id: string; name: LocalizedName };

/** What a caller may open: their own scopes, and whether they may pick a region or any school. */
export type ReportMenu = {
  /** the scopes of the caller's own links (a school, a district or region, the country) */
  own: ScopeOption[];
  /** may choose any region (the ministry) */
  regions: boolean;
  /** may ask for a school by its code (district officers and the ministry; the core still checks) */
  schoolByCode: boolean;
};

export type TerritoryOption = { id: string; name: LocalizedName };

const requestKey = (r: ScopeRequest) =>
  r.level === 'nation' ? 'nation' : `${r.level}:${'code' in r ? r.code : r.id}`;

export function reportsService(deps: { db: Db; clock: Clock; authDb?: Db }) {
  const { db, clock } = deps;
  // staff links are read where they are written, so a revoked link is refused at once, even while
  // a replica (`db`) lags
  const authDb = deps.authDb ?? db;

  async function campaignOf(campaignId?: string): Promise<ReportCampaign> {
    return reportCampaign(db, campaignId);
  }

  return {
    /** The scopes the caller may open from a menu; empty `own` when they may read no report. */
    async menu(caller: ReportCaller): Promise<ReportMenu> {
      const actors = await reportActors(authDb, caller);
      const requests: ScopeRequest[] = [];
      for (const a of actors) {
        if (a.role === 'ministry') requests.push({ level: 'nation' });
        else if (a.role === 'district') {
          const t = await db.territory.findUnique({
            where: { id: a.territoryId },
            select: { parentId: true },
          });
          if (t)
            requests.push(
              t.parentId === null
                ? { level: 'region', id: a.territoryId }
                : { level: 'district', id: a.territoryId },
            );
        } else {
          const s = await db.school.findUnique({ where: { id: a.schoolId }, select: { code: true } });
          if (s) requests.push({ level: 'school', code: s.code });
        }
      }
      const seen = new Set<string>();
      const own: ScopeOption[] = [];
      for (const r of requests) {
        const k = requestKey(r);
        if (seen.has(k)) continue;
        seen.add(k);
        const resolved = await resolveScope(db, r);
        if (resolved)
          own.push({
            request: r,
            level: resolved.scope.level,
            id: resolved.scope.id,
            name: resolved.scope.name,
          });
      }
      return {
        own,
        regions: actors.some((a) => a.role === 'ministry'),
        schoolByCode: actors.some((a) => a.role === 'ministry' || a.role === 'district'),
      };
    },

    /** The report of one scope; ReportError `forbidden` / `not_found` / `no_campaign` otherwise. */
    async report(
      caller: ReportCaller,
      req: ScopeRequest,
      opts: { campaignId?: string } = {},
    ): Promise<Report> {
      const resolved = await authorizeScope(authDb, caller, req);
      return buildReport(db, resolved, await campaignOf(opts.campaignId), clock.now());
    },

    /** The report and every school of its scope (for the files). */
    async reportWithSchools(
      caller: ReportCaller,
      req: ScopeRequest,
      opts: { campaignId?: string } = {},
    ): Promise<{ report: Report; schools: SchoolRow[] }> {
      const resolved = await authorizeScope(authDb, caller, req);
      const campaign = await campaignOf(opts.campaignId);
      const now = clock.now();
      const [report, schools] = await Promise.all([
        buildReport(db, resolved, campaign, now),
        schoolRows(db, resolved, campaign, now),
      ]);
      return { report, schools };
    },

    /** Top-level territories (regions and cities of republican significance), in the usual order. */
    async regions(): Promise<TerritoryOption[]> {
      const rows = await db.territory.findMany({
        where: { parentId: null },
        orderBy: [{ sortOrder: 'asc' }, { id: 'asc' }],
      });
      return rows.map((t) => ({ id: t.id, name: { ky: t.nameKy, ru: t.nameRu, en: t.nameEn } }));
    },

    /** The district-level territories of a region. */
    async districts(regionId: string): Promise<TerritoryOption[]> {
      const rows = await db.territory.findMany({
        where: { parentId: regionId },
        orderBy: [{ sortOrder: 'asc' }, { id: 'asc' }],
      });
      return rows.map((t) => ({ id: t.id, name: { ky: t.nameKy, ru: t.nameRu, en: t.nameEn } }));
    },
  };
}
export type ReportsService = ReturnType<typeof reportsService>;
