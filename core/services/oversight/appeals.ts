// Appeals (K-OVER-4; R-10.6; Law No. 67 of 4 May 2007 on citizens' appeals): a parent appeals a
// decision about their application; the appeal gets a number and is answered by the school within
// 14 working days (core/domain/working-days.ts), in the language of the appeal. The parent may
// escalate an answered (or overdue) appeal to the district and then to the ministry; each level is a
// new appeal row (`parentId` the one it escalates, number `<base>-2`, `<base>-3`) with its own due
// date. Reminders go to the answering staff before the due date, and overdue appeals are flagged:
// to the staff, the level above and the parent, and in `overdueAppeals(scope)` for the reports.
//
// Who answers (K-ID-3, core/domain/roles.ts): the school's director (`school.appeals.answer`), a
// district officer whose scope holds the school (`district.appeals.decide`), the ministry
// (`ministry.appeals.decide`). A parent sees only their own appeals. Audit details hold no text.
import type { Clock } from '../../clock.ts';
import type { Appeal, Db, Prisma } from '../../db/client.ts';
import { type Action, type Actor, can, type Target } from '../../domain/roles.ts';
import {
  APPEAL_WORKING_DAYS,
  bishkekDate,
  bishkekInstant,
  KG_CALENDAR,
  type WorkingDayCalendar,
} from '../../domain/working-days.ts';
import type { IdentityService, StaffLink } from '../identity.ts';
import { recordAlert } from '../school/alerts.ts';
import { OversightError } from './errors.ts';

export const APPEAL_TEXT_MAX = 2_000;
export const ANSWER_TEXT_MAX = 3_000;
/** Reminders go to the answering staff this many working days before the due date. */
export const REMIND_WORKING_DAYS_BEFORE = 3;
export const APPEAL_LEVELS = ['school', 'district', 'ministry'] as const;
export type AppealLevel = (typeof APPEAL_LEVELS)[number];
export type AppealStatus = 'open' | 'answered' | 'escalated' | 'closed';

/** Decisions a parent may appeal: a seat, a place in line, a refusal, a released seat, an enrolment. */
export const APPEALABLE_STATUSES = ['admitted', 'waitlisted', 'enrolled', 'released', 'rejected'] as const;

const LEVEL_ACTION: Record<AppealLevel, Action> = {
  school: 'school.appeals.answer',
  district: 'district.appeals.decide',
  ministry: 'ministry.appeals.decide',
};

export type AppealView = {
  id: number;
  number: string;
  applicationId: string;
  applicationNumber: string;
  level: AppealLevel;
  status: AppealStatus;
  /** the language the parent wrote in; the answer is due in it */
  language: string;
  text: string;
  createdAt: Date;
  dueAt: Date;
  answer: string | null;
  answeredAt: Date | null;
  schoolId: number;
  districtId: string;
  parentId: number | null;
  overdue: boolean;
  /** the parent may take it to the next level (answered or overdue, below the ministry) */
  canEscalate: boolean;
  /** the parent may accept the answer */
  canClose: boolean;
};

/** An appeal with the levels before it (oldest first), as the answering staff read it. */
export type AppealCase = AppealView & { chain: AppealView[] };

export type OverdueAppeal = {
  id: number;
  number: string;
  level: AppealLevel;
  schoolId: number;
  districtId: string;
  createdAt: Date;
  dueAt: Date;
  /** working days since the due date */
  workingDaysOverdue: number;
};

type Row = Appeal;

const nextLevel = (l: AppealLevel): AppealLevel | null =>
  l === 'school' ? 'district' : l === 'district' ? 'ministry' : null;

function toView(r: Row, applicationNumber: string, now: Date): AppealView {
  const overdue = r.status === 'open' && r.dueAt < now;
  const level = r.level as AppealLevel;
  return {
    id: r.id,
    number: r.number,
    applicationId: String(r.applicationId),
    applicationNumber,
    level,
    status: r.status as AppealStatus,
    language: r.language,
    text: r.text,
    createdAt: r.createdAt,
    dueAt: r.dueAt,
    answer: r.answer,
    answeredAt: r.answeredAt,
    schoolId: r.schoolId,
    districtId: r.districtId,
    parentId: r.parentId,
    overdue,
    canEscalate: nextLevel(level) !== null && (r.status === 'answered' || overdue),
    canClose: r.status === 'answered',
  };
}

/** Territories a scope covers, as a filter of `appeal.district_id`. */
async function districtFilter(client: Db | Prisma.TransactionClient, territoryId: string): Promise<string[]> {
  const t = await client.territory.findUnique({ where: { id: territoryId } });
  if (!t) return [];
  if (t.parentId) return [t.id];
  const children = await client.territory.findMany({ where: { parentId: t.id }, select: { id: true } });
  return [t.id, ...children.map((c) => c.id)];
}

/**
 * Open appeals past their due date inside a scope (for reports): a school, a district, a region or
 * the nation; oldest due first.
 */
export async function overdueAppeals(
  db: Db,
  scope: Target,
  now: Date,
  calendar: WorkingDayCalendar = KG_CALENDAR,
): Promise<OverdueAppeal[]> {
  const where: Prisma.AppealWhereInput = { status: 'open', dueAt: { lt: now } };
  switch (scope.level) {
    case 'school':
      where.schoolId = scope.schoolId;
      break;
    case 'district':
      where.districtId = scope.districtId;
      break;
    case 'region':
      where.districtId = { in: await districtFilter(db, scope.regionId) };
      break;
    case 'nation':
      break;
  }
  const rows = await db.appeal.findMany({ where, orderBy: [{ dueAt: 'asc' }, { id: 'asc' }] });
  const today = bishkekDate(now);
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    level: r.level as AppealLevel,
    schoolId: r.schoolId,
    districtId: r.districtId,
    createdAt: r.createdAt,
    dueAt: r.dueAt,
    workingDaysOverdue: Math.max(0, calendar.workingDaysBetween(bishkekDate(r.dueAt), today)),
  }));
}

export type AppealDeps = {
  db: Db;
  clock: Clock;
  identity: Pick<IdentityService, 'staffRoles'>;
  calendar?: WorkingDayCalendar;
  /** working days to answer (Law No. 67: 14; a 2026 bill would make it 10) */
  workingDays?: number;
};

export function appealService(deps: AppealDeps) {
  const { db, clock, identity } = deps;
  const calendar = deps.calendar ?? KG_CALENDAR;
  const days = deps.workingDays ?? APPEAL_WORKING_DAYS;

  async function applicationNumbers(ids: bigint[]): Promise<Map<string, string>> {
    const rows = await db.application.findMany({
      where: { id: { in: [...new Set(ids)] } },
      select: { id: true, number: true },
    });
    return new Map(rows.map((r) => [String(r.id), r.number]));
  }

  async function views(rows: Row[]): Promise<AppealView[]> {
    const numbers = await applicationNumbers(rows.map((r) => r.applicationId));
    const now = clock.now();
    return rows.map((r) => toView(r, numbers.get(String(r.applicationId)) ?? '', now));
  }

  async function one(row: Row): Promise<AppealView> {
    return (await views([row]))[0] as AppealView;
  }

  function parseId(id: number | string): number {
    const n = typeof id === 'number' ? id : Number(id);
    if (!Number.isSafeInteger(n) || n <= 0) throw new OversightError('not_found');
    return n;
  }

  async function ownAppeal(telegramId: number, id: number | string): Promise<Row> {
    const r = await db.appeal.findUnique({ where: { id: parseId(id) } });
    if (!r || r.telegramId !== BigInt(telegramId)) throw new OversightError('not_found');
    return r;
  }

  async function schoolTargetOf(schoolId: number): Promise<Target> {
    const s = await db.school.findUnique({
      where: { id: schoolId },
      select: { id: true, districtId: true, district: { select: { parentId: true } } },
    });
    if (!s) throw new OversightError('not_found');
    return {
      level: 'school',
      schoolId: s.id,
      districtId: s.districtId,
      regionId: s.district.parentId ?? s.districtId,
    };
  }

  /** The user's link that may answer this appeal at its level. */
  async function answeringLink(telegramId: number, r: Row): Promise<StaffLink | null> {
    const target = await schoolTargetOf(r.schoolId);
    const links = await identity.staffRoles(telegramId);
    return links.find((l) => can(l.actor, LEVEL_ACTION[r.level as AppealLevel], target)) ?? null;
  }

  /** Whether the user may read the appeal: answer it, or answer at a level above it in scope. */
  async function readingLink(telegramId: number, r: Row): Promise<StaffLink | null> {
    const target = await schoolTargetOf(r.schoolId);
    const links = await identity.staffRoles(telegramId);
    const from = APPEAL_LEVELS.indexOf(r.level as AppealLevel);
    return (
      links.find((l) =>
        APPEAL_LEVELS.slice(from).some((level) => can(l.actor, LEVEL_ACTION[level], target)),
      ) ?? null
    );
  }

  async function chainOf(r: Row): Promise<Row[]> {
    const out: Row[] = [];
    let parentId = r.parentId;
    while (parentId !== null) {
      const p = await db.appeal.findUnique({ where: { id: parentId } });
      if (!p) break;
      out.unshift(p);
      parentId = p.parentId;
    }
    return out;
  }

  /** Telegram ids of the staff who answer at a level for a school (active links, in scope). */
  async function answerers(
    client: Db | Prisma.TransactionClient,
    level: AppealLevel,
    schoolId: number,
  ): Promise<bigint[]> {
    const target = await schoolTargetOf(schoolId);
    const role = level === 'school' ? 'director' : level;
    const rows = await client.staffMember.findMany({
      where: {
        revokedAt: null,
        role,
        ...(level === 'school' ? { schoolId } : {}),
        ...(level === 'district' && target.level === 'school'
          ? { territoryId: { in: [target.districtId, target.regionId] } }
          : {}),
      },
      select: { telegramId: true, role: true, schoolId: true, territoryId: true },
    });
    const out = new Set<bigint>();
    for (const m of rows) {
      const actor: Actor | null =
        m.role === 'ministry'
          ? { role: 'ministry' }
          : m.role === 'district' && m.territoryId
            ? { role: 'district', territoryId: m.territoryId }
            : (m.role === 'director' || m.role === 'admissions') && m.schoolId !== null
              ? { role: m.role, schoolId: m.schoolId }
              : null;
      if (actor && can(actor, LEVEL_ACTION[level], target)) out.add(m.telegramId);
    }
    return [...out];
  }

  async function nextNumber(tx: Prisma.TransactionClient, now: Date): Promise<string> {
    const year = bishkekDate(now).slice(0, 4);
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('appeal-number'))`;
    const [row] = await tx.$queryRaw<{ n: number | null }[]>`
      SELECT max(substring(number from '^[0-9]{4}-A([0-9]+)$')::int) AS n
      FROM appeal WHERE number LIKE ${`${year}-A%`}`;
    return `${year}-A${String((row?.n ?? 0) + 1).padStart(5, '0')}`;
  }

  function checkText(text: string, max: number): string {
    const t = text.trim();
    if (!t) throw new OversightError('text_empty');
    if (t.length > max) throw new OversightError('text_too_long', { max, length: t.length });
    return t;
  }

  async function audit(
    tx: Prisma.TransactionClient,
    at: Date,
    telegramId: number,
    action: string,
    r: { id: number; number: string },
    details: Record<string, string | number | boolean | null> = {},
  ) {
    await tx.auditEvent.create({
      data: {
        at,
        actorKind: 'telegram',
        actorId: String(telegramId),
        action,
        subject: `appeal:${r.id}`,
        details: { number: r.number, ...details },
      },
    });
  }

  /** A reminder at a sensible local hour: now during working hours, else the next working day 09:00. */
  function sensible(at: Date): Date {
    const hour = Number(new Date(at.getTime() + 6 * 3_600_000).toISOString().slice(11, 13));
    if (calendar.isWorkingDay(bishkekDate(at)) && hour >= 9 && hour < 18) return at;
    return calendar.nextWorkingMoment(at, '09:00');
  }

  async function notifyLevel(
    tx: Prisma.TransactionClient,
    level: AppealLevel,
    r: Row,
    kind: string,
    key: string,
    dueAt?: Date,
  ): Promise<number> {
    let n = 0;
    for (const tid of await answerers(tx, level, r.schoolId))
      n += await enqueueOnce(tx, tid, kind, r, `${key}:${tid}`, dueAt);
    return n;
  }

  /** One outbox message, written once for its key; 1 when written now, 0 when it already was. */
  async function enqueueOnce(
    tx: Prisma.TransactionClient,
    telegramId: bigint,
    kind: string,
    r: Row,
    dedupeKey: string,
    dueAt?: Date,
  ): Promise<number> {
    const params = {
      appealId: r.id,
      number: r.number,
      level: r.level,
      schoolId: r.schoolId,
      appealDueAt: r.dueAt.toISOString(),
    };
    const w = await tx.outboxMessage.createMany({
      data: [{ telegramId, kind, params, dedupeKey, ...(dueAt ? { dueAt } : {}) }],
      skipDuplicates: true,
    });
    return w.count;
  }

  return {
    /** The parent's applications with a decision they may appeal (none with an appeal under way). */
    async appealable(
      telegramId: number,
    ): Promise<{ id: string; number: string; status: string; schoolId: number }[]> {
      const apps = await db.application.findMany({
        where: {
          telegramId: BigInt(telegramId),
          status: { in: [...APPEALABLE_STATUSES] },
          schoolId: { not: null },
        },
        orderBy: { id: 'desc' },
        select: { id: true, number: true, status: true, schoolId: true },
      });
      const open = await db.appeal.findMany({
        where: { applicationId: { in: apps.map((a) => a.id) }, status: 'open' },
        select: { applicationId: true },
      });
      const busy = new Set(open.map((o) => String(o.applicationId)));
      return apps
        .filter((a) => !busy.has(String(a.id)))
        .map((a) => ({
          id: String(a.id),
          number: a.number,
          status: a.status,
          schoolId: a.schoolId as number,
        }));
    },

    /** A parent files an appeal about a decision of their application; it goes to the school. */
    async file(
      telegramId: number,
      applicationId: string,
      text: string,
      language: string,
    ): Promise<AppealView> {
      const body = checkText(text, APPEAL_TEXT_MAX);
      let appId: bigint;
      try {
        appId = BigInt(applicationId);
      } catch {
        throw new OversightError('not_found');
      }
      const row = await db.$transaction(async (tx) => {
        const app = await tx.application.findUnique({ where: { id: appId } });
        if (!app || app.telegramId !== BigInt(telegramId)) throw new OversightError('not_found');
        if (!(APPEALABLE_STATUSES as readonly string[]).includes(app.status) || app.schoolId === null)
          throw new OversightError('not_appealable', { status: app.status });
        // one appeal under consideration per application at a time
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`appeal-app:${app.id}`}))`;
        const open = await tx.appeal.count({ where: { applicationId: app.id, status: 'open' } });
        if (open > 0) throw new OversightError('appeal_open');
        const school = await tx.school.findUniqueOrThrow({ where: { id: app.schoolId } });
        const now = clock.now();
        const created = await tx.appeal.create({
          data: {
            number: await nextNumber(tx, now),
            applicationId: app.id,
            telegramId: BigInt(telegramId),
            language,
            level: 'school',
            schoolId: school.id,
            districtId: school.districtId,
            text: body,
            status: 'open',
            createdAt: now,
            dueAt: calendar.deadline(now, days),
          },
        });
        await audit(tx, now, telegramId, 'appeal.filed', created, {
          level: 'school',
          application: app.number,
          language,
          length: body.length,
        });
        // the school's admission alerts (K-SCHOOL-1) carry it to its staff group or staff
        await recordAlert(
          tx,
          school.id,
          'appeal',
          { number: created.number },
          { dedupeKey: `alert:appeal:${created.id}` },
        );
        return created;
      });
      return one(row);
    },

    /** The parent's appeals, newest first. */
    async mine(telegramId: number): Promise<AppealView[]> {
      const rows = await db.appeal.findMany({
        where: { telegramId: BigInt(telegramId) },
        orderBy: { id: 'desc' },
        take: 50,
      });
      return views(rows);
    },

    /** One of the parent's appeals with the levels before it. */
    async get(telegramId: number, id: number | string): Promise<AppealCase> {
      const r = await ownAppeal(telegramId, id);
      const chain = await views(await chainOf(r));
      return { ...(await one(r)), chain };
    },

    /** The parent takes an answered (or overdue) appeal to the district, then to the ministry. */
    async escalate(telegramId: number, id: number | string, text?: string | null): Promise<AppealView> {
      const extra = text?.trim() ? checkText(text, APPEAL_TEXT_MAX) : null;
      const row = await db.$transaction(async (tx) => {
        const r0 = await tx.appeal.findUnique({ where: { id: parseId(id) } });
        if (!r0 || r0.telegramId !== BigInt(telegramId)) throw new OversightError('not_found');
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`appeal-app:${r0.applicationId}`}))`;
        const r = await tx.appeal.findUniqueOrThrow({ where: { id: r0.id } });
        const now = clock.now();
        const level = nextLevel(r.level as AppealLevel);
        const overdue = r.status === 'open' && r.dueAt < now;
        if (!level || !(r.status === 'answered' || overdue)) throw new OversightError('cannot_escalate');
        await tx.appeal.update({ where: { id: r.id }, data: { status: 'escalated' } });
        const base = r.number.replace(/-\d$/, '');
        const created = await tx.appeal.create({
          data: {
            number: `${base}-${APPEAL_LEVELS.indexOf(level) + 1}`,
            applicationId: r.applicationId,
            telegramId: r.telegramId,
            language: r.language,
            level,
            parentId: r.id,
            schoolId: r.schoolId,
            districtId: r.districtId,
            text: extra ?? r.text,
            status: 'open',
            createdAt: now,
            dueAt: calendar.deadline(now, days),
          },
        });
        await audit(tx, now, telegramId, 'appeal.escalated', created, {
          from: r.number,
          level,
          unanswered: overdue,
          newText: extra !== null,
        });
        await notifyLevel(
          tx,
          level,
          created,
          'oversight.appeal_escalated',
          `ap-new:${created.id}`,
          sensible(now),
        );
        return created;
      });
      return one(row);
    },

    /** The parent accepts the answer: the appeal is closed. */
    async close(telegramId: number, id: number | string): Promise<AppealView> {
      const r = await ownAppeal(telegramId, id);
      if (r.status !== 'answered') throw new OversightError('appeal_not_open');
      const row = await db.$transaction(async (tx) => {
        const updated = await tx.appeal.update({ where: { id: r.id }, data: { status: 'closed' } });
        await audit(tx, clock.now(), telegramId, 'appeal.closed', updated);
        return updated;
      });
      return one(row);
    },

    // --- staff -------------------------------------------------------------------------------------

    /**
     * The appeals this user answers (open first, by due date), and the overdue ones of the level
     * below in their scope, which they may read (and the parent may escalate to them).
     */
    async listFor(telegramId: number, opts: { open?: boolean; limit?: number } = {}): Promise<AppealView[]> {
      const links = await identity.staffRoles(telegramId);
      const or: Prisma.AppealWhereInput[] = [];
      // each level answers its own; the level above also sees the overdue ones below it (flagged)
      const overdueBelow = { status: 'open', dueAt: { lt: clock.now() } } as const;
      for (const l of links) {
        if (l.role === 'director' && l.scope.kind === 'school')
          or.push({ level: 'school', schoolId: l.scope.id });
        if (l.role === 'district' && l.scope.kind === 'territory') {
          const districtId = { in: await districtFilter(db, l.scope.id) };
          or.push({ level: 'district', districtId }, { level: 'school', districtId, ...overdueBelow });
        }
        if (l.role === 'ministry') or.push({ level: 'ministry' }, { level: 'district', ...overdueBelow });
      }
      if (or.length === 0) return [];
      const rows = await db.appeal.findMany({
        where: { OR: or, ...(opts.open ? { status: 'open' } : {}) },
        orderBy: [{ dueAt: 'asc' }, { id: 'desc' }],
        take: Math.min(opts.limit ?? 50, 200),
      });
      const list = await views(rows);
      const rank = (a: AppealView) => (a.status === 'open' ? 0 : 1);
      return list.sort((a, b) => rank(a) - rank(b));
    },

    /** Whether this user answers appeals at any level (for showing the command). */
    async answersAppeals(telegramId: number): Promise<boolean> {
      const links = await identity.staffRoles(telegramId);
      return links.some(
        (l) =>
          (l.role === 'director' && can(l.actor, 'school.appeals.answer', l.target)) ||
          l.role === 'district' ||
          l.role === 'ministry',
      );
    },

    /** One appeal with the levels before it, for staff in scope. */
    async getForStaff(telegramId: number, id: number | string): Promise<AppealCase & { mayAnswer: boolean }> {
      const r = await db.appeal.findUnique({ where: { id: parseId(id) } });
      if (!r) throw new OversightError('not_found');
      if (!(await readingLink(telegramId, r))) throw new OversightError('forbidden');
      const mayAnswer = r.status === 'open' && (await answeringLink(telegramId, r)) !== null;
      return { ...(await one(r)), chain: await views(await chainOf(r)), mayAnswer };
    },

    /** The answer at the appeal's level; the parent is told. */
    async answer(telegramId: number, id: number | string, text: string): Promise<AppealView> {
      const body = checkText(text, ANSWER_TEXT_MAX);
      const r0 = await db.appeal.findUnique({ where: { id: parseId(id) } });
      if (!r0) throw new OversightError('not_found');
      const link = await answeringLink(telegramId, r0);
      if (!link) throw new OversightError('forbidden');
      const row = await db.$transaction(async (tx) => {
        const now = clock.now();
        const n = await tx.appeal.updateMany({
          where: { id: r0.id, status: 'open' },
          data: { status: 'answered', answer: body, answeredAt: now, answeredBy: link.id },
        });
        if (n.count === 0) throw new OversightError('appeal_not_open');
        const updated = await tx.appeal.findUniqueOrThrow({ where: { id: r0.id } });
        await audit(tx, now, telegramId, 'appeal.answered', updated, {
          level: updated.level,
          staffMemberId: link.id,
          late: updated.dueAt < now,
          length: body.length,
        });
        await enqueueOnce(
          tx,
          updated.telegramId,
          'oversight.appeal_answered',
          updated,
          `ap-answered:${updated.id}`,
        );
        // reminders not yet sent for this appeal are no longer needed
        await tx.outboxMessage.deleteMany({
          where: {
            status: 'pending',
            OR: [
              { dedupeKey: { startsWith: `ap-remind:${updated.id}:` } },
              { dedupeKey: { startsWith: `ap-overdue:${updated.id}:` } },
            ],
          },
        });
        return updated;
      });
      return one(row);
    },

    /**
     * Reminders and overdue flags (a job; run it every few minutes). For each open appeal: from
     * REMIND_WORKING_DAYS_BEFORE working days before its due date, a reminder to its answering staff;
     * once past due, an overdue notice to them, to the level above, and to the parent (who may now
     * escalate). Each once (dedupe keys), at a sensible local hour. Returns the messages written.
     */
    async sendReminders(): Promise<number> {
      const now = clock.now();
      // reminders start a few working days before the due date: nothing further ahead can be due yet
      const horizon = new Date(now.getTime() + 21 * 86_400_000);
      const open = await db.appeal.findMany({
        where: { status: 'open', dueAt: { lte: horizon } },
        orderBy: { id: 'asc' },
      });
      let written = 0;
      for (const r of open) {
        const remindAt = bishkekInstant(
          calendar.subtractWorkingDays(bishkekDate(r.dueAt), REMIND_WORKING_DAYS_BEFORE),
          '09:00',
        );
        if (now < remindAt) continue;
        const level = r.level as AppealLevel;
        written += await db.$transaction(async (tx) => {
          let n = 0;
          if (now < r.dueAt) {
            n += await notifyLevel(
              tx,
              level,
              r,
              'oversight.appeal_due_soon',
              `ap-remind:${r.id}:soon`,
              sensible(now),
            );
            return n;
          }
          n += await notifyLevel(
            tx,
            level,
            r,
            'oversight.appeal_overdue',
            `ap-overdue:${r.id}:staff`,
            sensible(now),
          );
          const above = nextLevel(level);
          if (above)
            n += await notifyLevel(
              tx,
              above,
              r,
              'oversight.appeal_overdue_above',
              `ap-overdue:${r.id}:above`,
              sensible(now),
            );
          n += await enqueueOnce(
            tx,
            r.telegramId,
            'oversight.appeal_overdue_parent',
            r,
            `ap-overdue:${r.id}:parent`,
            sensible(now),
          );
          return n;
        });
      }
      return written;
    },

    /** Open appeals past due inside a scope (see `overdueAppeals`). */
    overdue: (scope: Target) => overdueAppeals(db, scope, clock.now(), calendar),
  };
}
export type AppealService = ReturnType<typeof appealService>;
