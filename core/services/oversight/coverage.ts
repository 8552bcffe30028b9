// Coverage of every child (K-OVER-2, R-5.1, R-16.2): the children of the eligible birth years that
// the registry places in a district, reconciled with the campaign's applications (enrolled, admitted,
// waitlisted, or submitted and awaiting the window's allocation), the schools' direct admissions
// and the district's own follow-ups. What is left is the list of children not placed, each
// with the nearest schools that have a free seat in a suitable language; the district records its
// follow-up (contacted, placed, moved away, other) until the list is empty, and its officers get a
// weekly digest until then. A waitlisted child has no seat either (R-16.2: every child of school age is
// placed): it is on the list, with the schools that have a free seat in its language, until it gets
// one — a district follow-up cannot take it off while its application waits.
//
// Scope (K-ID-3): `district.coverage.read` on the district — a district officer only their district
// (a region's officer its districts), the ministry all. Every list of children shown is an access to
// personal data and is logged (K-CORE-5); audit details hold no PIN, only its last three digits.
import type { Clock } from '../../clock.ts';
import type { Db, Prisma } from '../../db/client.ts';
import type { InstructionLanguage, LocalizedName } from '../../domain/reference.ts';
import { can, type Target } from '../../domain/roles.ts';
import { bishkekDate, bishkekInstant, isoWeek, KG_CALENDAR, mondayOf } from '../../domain/working-days.ts';
import type { Logger } from '../../logger.ts';
import type { CensusChild, RegistryCensus } from '../../registry/census.ts';
import type { CatchmentLookup } from '../catchment-lookup.ts';
import type { IdentityService, StaffLink } from '../identity.ts';
import { OversightError } from './errors.ts';

export const FOLLOW_UP_OUTCOMES = ['contacted', 'placed', 'moved_away', 'other'] as const;
export type FollowUpOutcome = (typeof FOLLOW_UP_OUTCOMES)[number];
export const NOTE_MAX = 500;

/** Where a child of the census stands. */
export type CoverageStatus =
  | 'enrolled'
  | 'admitted'
  | 'waitlisted'
  /** submitted, the seat not decided yet (a `window` stage before its allocation run) */
  | 'applied'
  /** admitted by the school outside online registration */
  | 'direct'
  /** the district recorded the child as placed (e.g. a school outside the system) */
  | 'placed_reported'
  /** the district recorded that the family moved away */
  | 'moved_away'
  | 'unplaced';
export const COVERAGE_STATUSES: readonly CoverageStatus[] = [
  'enrolled',
  'admitted',
  'waitlisted',
  'applied',
  'direct',
  'placed_reported',
  'moved_away',
  'unplaced',
];

/** Statuses of children without a seat, which the district follows up (K-OVER-2, R-16.2). */
export const NOT_PLACED: ReadonlySet<CoverageStatus> = new Set(['unplaced', 'waitlisted']);

export type FollowUpView = { outcome: FollowUpOutcome; note: string | null; at: Date; by: number };

export type CoverageSummary = {
  campaignId: string;
  district: { id: string; name: LocalizedName };
  /** children of the eligible years the registry places in the district */
  total: number;
  counts: Record<CoverageStatus, number>;
  /** children without a seat: not placed at all, or waiting in a waitlist (NOT_PLACED) */
  notPlaced: number;
  /** not placed children with at least one follow-up recorded */
  followedUp: number;
};

/** A school with a free seat for a child, nearest first. */
export type Suggestion = {
  schoolId: number;
  code: string;
  name: LocalizedName;
  language: InstructionLanguage;
  free: number;
  /** the school whose catchment holds the registered address, or how near another is */
  nearness: 'catchment' | 'district' | 'region' | 'country';
};

export type UnplacedChild = {
  pin: string;
  surname: string;
  name: string;
  patronymic: string | null;
  sex: 'F' | 'M';
  birthDate: string;
  address: CensusChild['address'];
  /** the child's waiting application, else its latest application that did not lead to a seat, if any */
  application: { number: string; status: string; language: InstructionLanguage | null } | null;
  lastFollowUp: FollowUpView | null;
  suggestions: Suggestion[];
};

export type UnplacedPage = {
  summary: CoverageSummary;
  page: number;
  pages: number;
  pageSize: number;
  items: UnplacedChild[];
};

type Reconciled = {
  campaign: { id: string; birthFrom: string; birthTo: string };
  district: { id: string; name: LocalizedName; regionId: string };
  children: CensusChild[];
  status: Map<string, CoverageStatus>;
  application: Map<string, { number: string; status: string; language: InstructionLanguage | null }>;
  followUps: Map<string, FollowUpView[]>;
};

const APPLICATION_RANK: Record<string, { status: CoverageStatus; rank: number } | undefined> = {
  enrolled: { status: 'enrolled', rank: 4 },
  admitted: { status: 'admitted', rank: 3 },
  waitlisted: { status: 'waitlisted', rank: 2 },
  submitted: { status: 'applied', rank: 1 },
};

const ymd = (d: Date) => d.toISOString().slice(0, 10);
const chunks = <T>(xs: T[], n: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
};

export type CoverageDeps = {
  db: Db;
  clock: Clock;
  census: RegistryCensus;
  catchment: Pick<CatchmentLookup, 'schoolsForAddress' | 'nearestWithFreeSeats' | 'school'>;
  identity: Pick<IdentityService, 'staffRoles'>;
  log?: Logger;
  /**
   * How long a district's census answer is reused (paging a list asks again for each page); the
   * registry's list of a district's children changes slowly. Default 10 minutes; 0 turns it off.
   */
  censusTtlMs?: number;
};

export function coverageService(deps: CoverageDeps) {
  const { db, clock, census, catchment, identity } = deps;
  const ttl = deps.censusTtlMs ?? 10 * 60_000;
  const censusCache = new Map<string, { until: number; children: CensusChild[] }>();

  async function activeCampaign() {
    const c = await db.campaign.findFirst({
      where: { active: true },
      orderBy: { id: 'desc' },
      include: { stages: true },
    });
    if (!c) throw new OversightError('no_active_campaign');
    return c;
  }

  async function districtTarget(districtId: string) {
    const t = await db.territory.findUnique({ where: { id: districtId } });
    if (!t) throw new OversightError('not_found');
    const target: Target = { level: 'district', districtId: t.id, regionId: t.parentId ?? t.id };
    return {
      target,
      district: { id: t.id, name: { ky: t.nameKy, ru: t.nameRu, en: t.nameEn }, regionId: target.regionId },
    };
  }

  /** The staff link of this user that may read the district's coverage; refuses otherwise. */
  async function authorize(telegramId: number, districtId: string) {
    const { target, district } = await districtTarget(districtId);
    const links = await identity.staffRoles(telegramId);
    const link = links.find((l) => can(l.actor, 'district.coverage.read', target));
    if (!link) throw new OversightError('forbidden');
    return { link, district };
  }

  async function reconcile(
    districtId: string,
    requestedBy: string,
    district?: Reconciled['district'],
  ): Promise<Reconciled> {
    const campaign = await activeCampaign();
    const d = district ?? (await districtTarget(districtId)).district;
    const birthFrom = ymd(campaign.birthFrom);
    const birthTo = ymd(campaign.birthTo);
    let children: CensusChild[];
    const key = `${districtId}|${birthFrom}|${birthTo}`;
    const cached = censusCache.get(key);
    try {
      if (cached && cached.until > Date.now()) children = cached.children;
      else {
        children = await census.childrenInDistrict({ districtId, birthFrom, birthTo, requestedBy });
        if (ttl > 0) {
          censusCache.set(key, { until: Date.now() + ttl, children });
          if (censusCache.size > 500) censusCache.delete(censusCache.keys().next().value as string);
        }
      }
    } catch (e) {
      deps.log?.warn({ err: e instanceof Error ? e.message : String(e), districtId }, 'census unavailable');
      throw new OversightError('registry_unavailable');
    }
    const pins = children.map((c) => c.pin);
    const status = new Map<string, CoverageStatus>();
    const application = new Map<
      string,
      { number: string; status: string; language: InstructionLanguage | null }
    >();
    const best = new Map<string, number>();
    const followUps = new Map<string, FollowUpView[]>();
    const direct = new Set<string>();
    for (const part of chunks(pins, 5_000)) {
      const [apps, directs, fus] = await Promise.all([
        db.application.findMany({
          where: { campaignId: campaign.id, childPin: { in: part } },
          select: { childPin: true, status: true, number: true, language: true, updatedAt: true },
          orderBy: { updatedAt: 'asc' },
        }),
        db.directAdmission.findMany({
          where: { campaignId: campaign.id, childPin: { in: part }, withdrawnAt: null },
          select: { childPin: true },
        }),
        db.coverageFollowUp.findMany({
          where: { campaignId: campaign.id, districtId, childPin: { in: part } },
          orderBy: [{ recordedAt: 'desc' }, { id: 'desc' }],
        }),
      ]);
      for (const a of apps) {
        const r = APPLICATION_RANK[a.status];
        if (r && r.rank > (best.get(a.childPin) ?? 0)) {
          best.set(a.childPin, r.rank);
          status.set(a.childPin, r.status);
        }
        // the waiting application, or else the latest one that did not lead to a seat, says why the
        // child is on the list (and in which language to suggest seats)
        if (!r || a.status === 'waitlisted')
          application.set(a.childPin, { number: a.number, status: a.status, language: a.language });
      }
      for (const x of directs) if (x.childPin) direct.add(x.childPin);
      for (const f of fus) {
        const list = followUps.get(f.childPin) ?? [];
        list.push({
          outcome: f.outcome as FollowUpOutcome,
          note: f.note,
          at: f.recordedAt,
          by: f.recordedBy,
        });
        followUps.set(f.childPin, list);
      }
    }
    for (const pin of pins) {
      if (status.has(pin)) continue;
      if (direct.has(pin)) {
        status.set(pin, 'direct');
        continue;
      }
      const last = followUps.get(pin)?.[0];
      status.set(
        pin,
        last?.outcome === 'placed'
          ? 'placed_reported'
          : last?.outcome === 'moved_away'
            ? 'moved_away'
            : 'unplaced',
      );
    }
    return {
      campaign: { id: campaign.id, birthFrom, birthTo },
      district: d,
      children,
      status,
      application,
      followUps,
    };
  }

  function summarize(r: Reconciled): CoverageSummary {
    const counts = Object.fromEntries(COVERAGE_STATUSES.map((s) => [s, 0])) as Record<CoverageStatus, number>;
    let followedUp = 0;
    let notPlaced = 0;
    for (const c of r.children) {
      const s = r.status.get(c.pin) ?? 'unplaced';
      counts[s]++;
      if (!NOT_PLACED.has(s)) continue;
      notPlaced++;
      if ((r.followUps.get(c.pin)?.length ?? 0) > 0) followedUp++;
    }
    return {
      campaignId: r.campaign.id,
      district: { id: r.district.id, name: r.district.name },
      total: r.children.length,
      counts,
      notPlaced,
      followedUp,
    };
  }

  /** Up to `limit` schools with a free seat for the child, in a suitable language, nearest first. */
  async function suggestionsFor(
    child: CensusChild,
    districtId: string,
    wanted: InstructionLanguage | null,
    limit = 3,
  ): Promise<Suggestion[]> {
    const home = (await catchment.schoolsForAddress({ ...child.address, districtId }))[0] ?? null;
    let origin = home;
    if (!origin) {
      const any = await db.school.findFirst({
        where: { districtId, participates: true, special: false },
        orderBy: { code: 'asc' },
        select: { id: true },
      });
      origin = any ? await catchment.school(any.id) : null;
    }
    if (!origin) return [];
    const languages: InstructionLanguage[] = wanted ? [wanted] : origin.languages;
    const out: Suggestion[] = [];
    const rank = { catchment: 0, district: 1, region: 2, country: 3 } as const;
    for (const language of languages) {
      const free = origin.free[language] ?? 0;
      if (free > 0)
        out.push({
          schoolId: origin.id,
          code: origin.code,
          name: origin.name,
          language,
          free,
          nearness: home && origin.id === home.id ? 'catchment' : 'district',
        });
      for (const alt of await catchment.nearestWithFreeSeats({ schoolId: origin.id, language, limit }))
        out.push({
          schoolId: alt.id,
          code: alt.code,
          name: alt.name,
          language,
          free: alt.freeInLanguage,
          nearness: alt.nearness,
        });
    }
    return out
      .sort((a, b) => rank[a.nearness] - rank[b.nearness] || b.free - a.free || a.code.localeCompare(b.code))
      .slice(0, limit);
  }

  async function logAccess(link: StaffLink, telegramId: number, pins: string[], what: string): Promise<void> {
    if (pins.length === 0) return;
    await db.accessLog.createMany({
      data: pins.map((childPin) => ({
        at: clock.now(),
        staffMemberId: link.id,
        telegramId: BigInt(telegramId),
        role: link.role,
        childPin,
        what,
        purpose: 'coverage follow-up (K-OVER-2)',
      })),
    });
  }

  async function unplacedOf(r: Reconciled): Promise<CensusChild[]> {
    return r.children.filter((c) => NOT_PLACED.has(r.status.get(c.pin) ?? 'unplaced'));
  }

  async function describe(r: Reconciled, c: CensusChild, withSuggestions: boolean): Promise<UnplacedChild> {
    const app = r.application.get(c.pin) ?? null;
    return {
      pin: c.pin,
      surname: c.surname,
      name: c.name,
      patronymic: c.patronymic ?? null,
      sex: c.sex,
      birthDate: c.birthDate,
      address: c.address,
      application: app,
      lastFollowUp: r.followUps.get(c.pin)?.[0] ?? null,
      suggestions: withSuggestions ? await suggestionsFor(c, r.district.id, app?.language ?? null) : [],
    };
  }

  return {
    /** The district-level territories this user may read the coverage of (for choosing one). */
    async districtsFor(telegramId: number): Promise<{ id: string; name: LocalizedName; regionId: string }[]> {
      const links = await identity.staffRoles(telegramId);
      const rows = await db.territory.findMany({
        where: { schools: { some: {} } },
        orderBy: [{ sortOrder: 'asc' }, { id: 'asc' }],
      });
      return rows
        .map((t) => ({
          id: t.id,
          name: { ky: t.nameKy, ru: t.nameRu, en: t.nameEn },
          regionId: t.parentId ?? t.id,
        }))
        .filter((t) =>
          links.some((l) =>
            can(l.actor, 'district.coverage.read', {
              level: 'district',
              districtId: t.id,
              regionId: t.regionId,
            }),
          ),
        );
    },

    /** Counts of the district's children by where they stand. */
    async summary(telegramId: number, districtId: string): Promise<CoverageSummary> {
      const { link, district } = await authorize(telegramId, districtId);
      return summarize(await reconcile(districtId, `staff:${link.id}`, district));
    },

    /** One page of the children not placed, each with the nearest schools with free seats. */
    async unplaced(
      telegramId: number,
      districtId: string,
      opts: { page?: number; pageSize?: number } = {},
    ): Promise<UnplacedPage> {
      const { link, district } = await authorize(telegramId, districtId);
      const r = await reconcile(districtId, `staff:${link.id}`, district);
      const list = await unplacedOf(r);
      const pageSize = Math.min(Math.max(opts.pageSize ?? 5, 1), 50);
      const pages = Math.max(1, Math.ceil(list.length / pageSize));
      const page = Math.min(Math.max(opts.page ?? 0, 0), pages - 1);
      const slice = list.slice(page * pageSize, (page + 1) * pageSize);
      const items: UnplacedChild[] = [];
      for (const c of slice) items.push(await describe(r, c, true));
      await logAccess(
        link,
        telegramId,
        slice.map((c) => c.pin),
        'coverage.list',
      );
      return { summary: summarize(r), page, pages, pageSize, items };
    },

    /** One child of the district (placed or not) with its follow-ups and suggestions. */
    async child(
      telegramId: number,
      districtId: string,
      pin: string,
    ): Promise<UnplacedChild & { status: CoverageStatus; followUps: FollowUpView[] }> {
      const { link, district } = await authorize(telegramId, districtId);
      const r = await reconcile(districtId, `staff:${link.id}`, district);
      const c = r.children.find((x) => x.pin === pin);
      if (!c) throw new OversightError('not_found');
      const status = r.status.get(pin) ?? 'unplaced';
      await logAccess(link, telegramId, [pin], 'coverage.child');
      return {
        ...(await describe(r, c, NOT_PLACED.has(status))),
        status,
        followUps: r.followUps.get(pin) ?? [],
      };
    },

    /**
     * Records the district's follow-up of a child the registry places in the district: `placed` and
     * `moved_away` take the child off the list; `other` needs a note.
     */
    async recordFollowUp(
      telegramId: number,
      districtId: string,
      pin: string,
      outcome: string,
      note?: string | null,
    ): Promise<{ status: CoverageStatus; remaining: number }> {
      if (!(FOLLOW_UP_OUTCOMES as readonly string[]).includes(outcome))
        throw new OversightError('invalid_outcome');
      const text = note?.trim() || null;
      if (outcome === 'other' && !text) throw new OversightError('note_required');
      if (text && text.length > NOTE_MAX) throw new OversightError('text_too_long', { max: NOTE_MAX });
      const { link, district } = await authorize(telegramId, districtId);
      const before = await reconcile(districtId, `staff:${link.id}`, district);
      if (!before.children.some((c) => c.pin === pin)) throw new OversightError('not_found');
      const now = clock.now();
      await db.$transaction(async (tx) => {
        await tx.coverageFollowUp.create({
          data: {
            campaignId: before.campaign.id,
            childPin: pin,
            districtId,
            outcome,
            note: text,
            recordedBy: link.id,
            recordedAt: now,
          },
        });
        await tx.auditEvent.create({
          data: {
            at: now,
            actorKind: 'telegram',
            actorId: String(telegramId),
            action: 'coverage.follow_up',
            subject: `coverage:${before.campaign.id}:${districtId}`,
            details: { outcome, pinEnd: pin.slice(-3), staffMemberId: link.id, note: text !== null },
          },
        });
      });
      const after = await reconcile(districtId, `staff:${link.id}`, district);
      return {
        status: after.status.get(pin) ?? 'unplaced',
        remaining: (await unplacedOf(after)).length,
      };
    },

    /**
     * The weekly digest (a job; run it hourly): to each district's officers, once per district and
     * ISO week, the number of children still not placed — while there are any, once registration has
     * opened. Sent on a working day at 10:00 Bishkek time (the week's Monday, or the next working
     * moment when the job first runs later in the week). Returns the messages written.
     */
    async weeklyDigests(): Promise<number> {
      const now = clock.now();
      const campaign = await activeCampaign().catch(() => null);
      if (!campaign) return 0;
      const firstOpen = campaign.stages
        .filter((s) => s.kind !== 'documents')
        .reduce<Date | null>((m, s) => (m === null || s.opensAt < m ? s.opensAt : m), null);
      if (!firstOpen || firstOpen > now) return 0;
      const today = bishkekDate(now);
      const week = isoWeek(today);
      const mondayAt = bishkekInstant(mondayOf(today), '10:00');
      const dueAt = KG_CALENDAR.nextWorkingMoment(
        new Date(Math.max(mondayAt.getTime(), now.getTime())),
        '10:00',
      );

      // each district's own officers (a region's officers open /coverage for its districts themselves)
      const officers = await db.staffMember.findMany({
        where: { role: 'district', revokedAt: null, territoryId: { not: null } },
        select: { telegramId: true, territoryId: true },
      });
      const recipients = new Map<string, Set<bigint>>();
      for (const o of officers) {
        const t = await db.territory.findUnique({ where: { id: o.territoryId as string } });
        // a district-level territory: a rayon or city district, or a top-level city that has schools itself
        if (!t || (t.parentId === null && (await db.school.count({ where: { districtId: t.id } })) === 0))
          continue;
        const set = recipients.get(t.id) ?? new Set<bigint>();
        set.add(o.telegramId);
        recipients.set(t.id, set);
      }
      let written = 0;
      for (const [districtId, ids] of recipients) {
        const key = (tid: bigint) => `cv-digest:${campaign.id}:${districtId}:${week}:${tid}`;
        const existing = await db.outboxMessage.count({ where: { dedupeKey: { in: [...ids].map(key) } } });
        if (existing >= ids.size) continue;
        let summary: CoverageSummary;
        try {
          summary = summarize(await reconcile(districtId, 'system:coverage-digest'));
        } catch (e) {
          deps.log?.warn(
            { districtId, err: e instanceof Error ? e.message : String(e) },
            'coverage digest skipped',
          );
          continue;
        }
        if (summary.notPlaced === 0) continue;
        for (const tid of ids) {
          const params = {
            /** the worker shows `number`: here the count of children not placed */
            number: summary.notPlaced,
            districtId,
            districtName: summary.district.name,
            count: summary.notPlaced,
            total: summary.total,
            followedUp: summary.followedUp,
            week,
          } satisfies Record<string, Prisma.InputJsonValue>;
          const r = await db.outboxMessage.createMany({
            data: [
              {
                telegramId: tid,
                kind: 'oversight.coverage_digest',
                params,
                dedupeKey: key(tid),
                dueAt,
              },
            ],
            skipDuplicates: true,
          });
          written += r.count;
        }
      }
      return written;
    },
  };
}
export type CoverageService = ReturnType<typeof coverageService>;
