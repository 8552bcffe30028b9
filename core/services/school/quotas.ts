// Quotas (K-SEAT-1/2, K-OVER-3, R-10.3): the director proposes seats and the class size per language
// of instruction, submits them to the district (due one week before the first registration stage
// opens), and a district officer of that district approves or rejects. What is in force is the
// `quota` row; every submitted proposal is a `quota_change` (submitted → approved | rejected; a newer
// proposal of the same language supersedes a pending one), so the history of a quota is its changes.
// Numbers being typed are the channel's draft (`check` validates them without writing anything). An approved quota is locked: any later change needs a reason
// and district approval, is audited, and is public (`publicQuotaHistory`). Submitting and deciding
// ask for a fresh TOTP code (K-ID-2). Raising the seats of a quota gives the new seats to waitlisted
// children at once (fillFreeSeats); lowering below the seats already held is refused (K-CORE-1).

import { admitOnApproval } from '../../allocation/approval.ts';
import { lockQuota } from '../../allocation/seats.ts';
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/client.ts';
import type { InstructionLanguage } from '../../domain/reference.ts';
import { can } from '../../domain/roles.ts';
import { offerDeadline } from './local-time.ts';
import {
  activeCampaign,
  audit,
  authorize,
  SchoolOpsError,
  type StaffRolesReader,
  schoolTarget,
  type Tx,
  telegramActor,
} from './ops.ts';
import { alertAdmitted } from './seat-events.ts';
import type { TotpService } from './totp.ts';

/** The legal maximum of children in a first-grade class (K-SEAT-2). */
export const LEGAL_CLASS_MAX = 36;
/** Default configured class size (the schema's default for a quota). */
export const DEFAULT_CLASS_SIZE = 25;
export const MAX_SEATS = 2000;
/** The class size is at most the legal maximum (the database checks it too). */
export const MAX_CLASS_SIZE = LEGAL_CLASS_MAX;
/** The quota is due at the district this long before the first registration stage opens (R-10.3). */
export const SUBMIT_BEFORE_MS = 7 * 24 * 3_600_000;
export const REASON_MIN = 5;
export const REASON_MAX = 500;

export type QuotaWarning =
  /** the seats imply classes above the legal maximum of 36 */
  | { code: 'above_legal_max'; largest: number; max: number }
  /** the seats imply classes above the planned class size (or the deployment's configured size) */
  | { code: 'above_configured'; largest: number; configured: number };

/**
 * How many classes a quota implies and what to warn about (K-SEAT-2). The seats are read as the
 * nearest whole number of classes of the planned size; when that leaves classes larger than the
 * planned size, or than the legal 36, the director is warned (80 seats of 25 → 3 classes of 27).
 * Pure.
 */
export function quotaWarnings(
  q: { seats: number; classSize: number },
  configured: number = DEFAULT_CLASS_SIZE,
): { classes: number; largest: number; warnings: QuotaWarning[] } {
  const classes = q.seats === 0 ? 0 : Math.max(1, Math.round(q.seats / q.classSize));
  const largest = classes === 0 ? 0 : Math.ceil(q.seats / classes);
  const warnings: QuotaWarning[] = [];
  if (largest > LEGAL_CLASS_MAX) warnings.push({ code: 'above_legal_max', largest, max: LEGAL_CLASS_MAX });
  else if (largest > Math.min(q.classSize, configured))
    warnings.push({ code: 'above_configured', largest, configured: Math.min(q.classSize, configured) });
  return { classes, largest, warnings };
}

/** When the quotas are due at the district: one week before the first registration stage opens. */
export function quotaDeadline(stages: { kind: string; opensAt: Date }[]): Date | null {
  const first = stages
    .filter((s) => s.kind !== 'documents')
    .reduce<Date | null>((m, s) => (m === null || s.opensAt < m ? s.opensAt : m), null);
  return first ? new Date(first.getTime() - SUBMIT_BEFORE_MS) : null;
}

export type QuotaChangeStatus = 'submitted' | 'approved' | 'rejected';

export type QuotaChangeView = {
  id: number;
  schoolId: number;
  school: { code: string; name: { ky: string; ru: string; en: string } };
  language: InstructionLanguage;
  fromSeats: number | null;
  toSeats: number;
  classSize: number;
  reason: string | null;
  status: QuotaChangeStatus;
  requestedAt: Date;
  decidedAt: Date | null;
  decisionNote: string | null;
  /** a change of an approved quota (needs a reason), not the first proposal */
  isChange: boolean;
  /** submitted after the deadline */
  late: boolean;
  /** seats held now (the new number may not go below) */
  taken: number;
  classes: number;
  warnings: QuotaWarning[];
};

export type QuotaLine = {
  language: InstructionLanguage;
  /** in force (null: no quota yet) */
  current: { seats: number; taken: number; classSize: number; approved: boolean } | null;
  /** the proposal waiting for the district, if any */
  open: QuotaChangeView | null;
  classes: number;
  warnings: QuotaWarning[];
};

export type QuotaOverview = {
  schoolId: number;
  school: { code: string; name: { ky: string; ru: string; en: string } };
  campaignId: string;
  deadline: Date | null;
  pastDeadline: boolean;
  lines: QuotaLine[];
  /** the user may edit and submit (director of the school) */
  canEdit: boolean;
};

/** One approved quota decision as the public sees it on the school card. */
export type PublicQuotaRecord = {
  at: Date;
  language: InstructionLanguage;
  fromSeats: number | null;
  toSeats: number;
  classSize: number;
  reason: string | null;
  /** the first approval of the year's quota (not a change) */
  initial: boolean;
};

/**
 * The public record of a school's approved quotas and their changes in the active campaign, oldest
 * first (K-SEAT-1: "audited and public"). No names: who asked and who approved stay in the audit.
 */
export async function publicQuotaHistory(db: Db, schoolId: number): Promise<PublicQuotaRecord[]> {
  const campaign = await db.campaign.findFirst({ where: { active: true }, orderBy: { id: 'desc' } });
  if (!campaign) return [];
  const rows = await db.quotaChange.findMany({
    where: { schoolId, campaignId: campaign.id, status: 'approved' },
    orderBy: [{ decidedAt: 'asc' }, { id: 'asc' }],
  });
  return rows.map((r) => ({
    at: r.decidedAt ?? r.requestedAt,
    language: r.language,
    fromSeats: r.fromSeats,
    toSeats: r.toSeats,
    classSize: r.classSize,
    reason: r.reason,
    initial: r.fromSeats === null,
  }));
}

function checkSeats(seats: number) {
  if (!Number.isInteger(seats) || seats < 0 || seats > MAX_SEATS)
    throw new SchoolOpsError('invalid_seats', { max: MAX_SEATS });
}
function checkClassSize(size: number) {
  if (!Number.isInteger(size) || size < 1 || size > MAX_CLASS_SIZE)
    throw new SchoolOpsError('invalid_class_size', { max: MAX_CLASS_SIZE });
}
function cleanReason(reason: string | undefined | null): string | null {
  const r = reason?.replace(/\s+/g, ' ').trim() ?? '';
  if (r === '') return null;
  if (r.length < REASON_MIN || r.length > REASON_MAX)
    throw new SchoolOpsError('invalid_reason', { min: REASON_MIN, max: REASON_MAX });
  return r;
}

export function quotaService(deps: {
  db: Db;
  clock: Clock;
  identity: StaffRolesReader;
  totp: Pick<TotpService, 'withCode'>;
  /** the class size configured for this deployment (warn above it); default 25 */
  configuredClassSize?: number;
}) {
  const { db, clock, identity, totp } = deps;
  const configured = deps.configuredClassSize ?? DEFAULT_CLASS_SIZE;

  type ChangeRow = Awaited<ReturnType<typeof db.quotaChange.findFirstOrThrow>>;

  async function changeView(client: Db | Tx, r: ChangeRow, deadline: Date | null): Promise<QuotaChangeView> {
    const school = await client.school.findUniqueOrThrow({ where: { id: r.schoolId } });
    const quota = await client.quota.findUnique({
      where: {
        schoolId_campaignId_language: {
          schoolId: r.schoolId,
          campaignId: r.campaignId,
          language: r.language,
        },
      },
    });
    const w = quotaWarnings({ seats: r.toSeats, classSize: r.classSize }, configured);
    return {
      id: r.id,
      schoolId: r.schoolId,
      school: { code: school.code, name: { ky: school.nameKy, ru: school.nameRu, en: school.nameEn } },
      language: r.language,
      fromSeats: r.fromSeats,
      toSeats: r.toSeats,
      classSize: r.classSize,
      reason: r.reason,
      status: r.status as QuotaChangeStatus,
      requestedAt: r.requestedAt,
      decidedAt: r.decidedAt,
      decisionNote: r.decisionNote,
      isChange: r.fromSeats !== null,
      late: deadline !== null && r.fromSeats === null && r.requestedAt > deadline,
      taken: quota?.taken ?? 0,
      classes: w.classes,
      warnings: w.warnings,
    };
  }

  /** Serialises proposals of one school (two taps, two directors) for the transaction. */
  async function lockSchool(tx: Tx, schoolId: number, campaignId: string) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`quota:${campaignId}`}), ${schoolId})`;
  }

  async function overview(telegramId: number, schoolId: number): Promise<QuotaOverview> {
    const { link, target } = await authorize(db, identity, telegramId, 'school.applications.read', schoolId);
    const campaign = await activeCampaign(db);
    const school = await db.school.findUniqueOrThrow({ where: { id: schoolId } });
    const deadline = quotaDeadline(campaign.stages);
    const quotas = await db.quota.findMany({ where: { schoolId, campaignId: campaign.id } });
    const open = await db.quotaChange.findMany({
      where: { schoolId, campaignId: campaign.id, status: 'submitted' },
    });
    const lines: QuotaLine[] = [];
    for (const language of school.languages) {
      const q = quotas.find((x) => x.language === language);
      const o = open.find((x) => x.language === language);
      const shown = o
        ? { seats: o.toSeats, classSize: o.classSize }
        : q
          ? { seats: q.seats, classSize: q.classSize }
          : null;
      const w = shown ? quotaWarnings(shown, configured) : { classes: 0, warnings: [] };
      lines.push({
        language,
        current: q ? { seats: q.seats, taken: q.taken, classSize: q.classSize, approved: q.approved } : null,
        open: o ? await changeView(db, o, deadline) : null,
        classes: w.classes,
        warnings: w.warnings,
      });
    }
    return {
      schoolId,
      school: { code: school.code, name: { ky: school.nameKy, ru: school.nameRu, en: school.nameEn } },
      campaignId: campaign.id,
      deadline,
      pastDeadline: deadline !== null && clock.now() > deadline,
      lines,
      canEdit: can(link.actor, 'school.quota.edit', target),
    };
  }

  return {
    overview,
    /** The public record for the school card (see `publicQuotaHistory`). */
    publicHistory: (schoolId: number) => publicQuotaHistory(db, schoolId),

    /**
     * Checks typed numbers for one language without writing anything: the channel keeps them as a
     * draft until the director submits. Refuses what submission would refuse.
     */
    async check(
      telegramId: number,
      input: { schoolId: number; language: InstructionLanguage; seats: number; classSize: number },
    ): Promise<{
      classes: number;
      largest: number;
      warnings: QuotaWarning[];
      taken: number;
      isChange: boolean;
    }> {
      await authorize(db, identity, telegramId, 'school.quota.edit', input.schoolId);
      checkSeats(input.seats);
      checkClassSize(input.classSize);
      const campaign = await activeCampaign(db);
      const school = await db.school.findUniqueOrThrow({ where: { id: input.schoolId } });
      if (!school.languages.includes(input.language)) throw new SchoolOpsError('language_not_taught');
      const quota = await db.quota.findUnique({
        where: {
          schoolId_campaignId_language: {
            schoolId: input.schoolId,
            campaignId: campaign.id,
            language: input.language,
          },
        },
      });
      if (quota && input.seats < quota.taken) throw new SchoolOpsError('below_taken', { taken: quota.taken });
      return {
        ...quotaWarnings(input, configured),
        taken: quota?.taken ?? 0,
        isChange: quota?.approved === true,
      };
    },

    /**
     * Sends the director's numbers for one or more languages to the district, with a fresh TOTP
     * code. A change of an approved quota, and a first proposal after the deadline, need a reason
     * (public with the change). A pending proposal of the same language is superseded.
     */
    async submit(
      telegramId: number,
      input: {
        schoolId: number;
        changes: { language: InstructionLanguage; seats: number; classSize: number }[];
        code: string;
        reason?: string | null;
      },
    ): Promise<QuotaChangeView[]> {
      const { link } = await authorize(db, identity, telegramId, 'school.quota.submit', input.schoolId);
      const reason = cleanReason(input.reason);
      if (input.changes.length === 0) throw new SchoolOpsError('nothing_to_submit');
      if (new Set(input.changes.map((c) => c.language)).size !== input.changes.length)
        throw new SchoolOpsError('nothing_to_submit');
      for (const c of input.changes) {
        checkSeats(c.seats);
        checkClassSize(c.classSize);
      }
      const submitted = await totp.withCode(telegramId, input.code, async (tx) => {
        const campaign = await activeCampaign(tx);
        await lockSchool(tx, input.schoolId, campaign.id);
        const school = await tx.school.findUniqueOrThrow({ where: { id: input.schoolId } });
        const deadline = quotaDeadline(campaign.stages);
        const now = clock.now();
        const out: ChangeRow[] = [];
        for (const c of [...input.changes].sort((a, b) => a.language.localeCompare(b.language))) {
          if (!school.languages.includes(c.language)) throw new SchoolOpsError('language_not_taught');
          const key = { schoolId: school.id, campaignId: campaign.id, language: c.language };
          await lockQuota(tx, key);
          const quota = await tx.quota.findUnique({ where: { schoolId_campaignId_language: key } });
          const isChange = quota?.approved === true;
          const late = !isChange && deadline !== null && now > deadline;
          if ((isChange || late) && !reason)
            throw new SchoolOpsError('reason_required', { late: late ? 1 : 0 });
          if (quota && c.seats < quota.taken) throw new SchoolOpsError('below_taken', { taken: quota.taken });
          const superseded = await tx.quotaChange.updateMany({
            where: { ...key, status: 'submitted' },
            data: { status: 'rejected', decidedAt: now, decisionNote: 'superseded' },
          });
          const row = await tx.quotaChange.create({
            data: {
              ...key,
              fromSeats: isChange ? (quota?.seats ?? null) : null,
              toSeats: c.seats,
              classSize: c.classSize,
              reason,
              status: 'submitted',
              requestedBy: link.id,
              author: `staff:${link.id}`,
              requestedAt: now,
            },
          });
          await audit(tx, now, telegramActor(telegramId), 'quota.submitted', `school:${school.id}`, {
            change: row.id,
            language: c.language,
            fromSeats: row.fromSeats,
            toSeats: c.seats,
            classSize: c.classSize,
            reason,
            late,
            superseded: superseded.count,
          });
          out.push(row);
        }
        // The district's officers hear of it (outbox; the notification worker words it).
        const district = await tx.territory.findUniqueOrThrow({ where: { id: school.districtId } });
        const officers = await tx.staffMember.findMany({
          where: {
            role: 'district',
            revokedAt: null,
            territoryId: { in: [school.districtId, ...(district.parentId ? [district.parentId] : [])] },
          },
          select: { telegramId: true },
        });
        const ids = out.map((r) => r.id).join(',');
        for (const o of new Set(officers.map((x) => x.telegramId))) {
          const dedupeKey = `quota_submitted:${o}:${ids}`;
          await tx.outboxMessage.upsert({
            where: { dedupeKey },
            create: {
              telegramId: o,
              kind: 'quota_submitted',
              params: { schoolId: school.id },
              dedupeKey,
              dueAt: now,
            },
            update: {},
          });
        }
        return { rows: out, deadline };
      });
      return Promise.all(submitted.rows.map((r) => changeView(db, r, submitted.deadline)));
    },

    /** Proposals waiting for this district officer (or ministry), oldest first. */
    async pending(telegramId: number): Promise<QuotaChangeView[]> {
      const links = (await identity.staffRoles(telegramId)).filter(
        (l) => l.role === 'district' || l.role === 'ministry',
      );
      if (links.length === 0) throw new SchoolOpsError('forbidden');
      const campaign = await activeCampaign(db);
      const territories = links.flatMap((l) => (l.scope.kind === 'territory' ? [l.scope.id] : []));
      const national = links.some((l) => l.role === 'ministry');
      const rows = await db.quotaChange.findMany({
        where: {
          campaignId: campaign.id,
          status: 'submitted',
          ...(national
            ? {}
            : {
                schoolId: {
                  in: (
                    await db.school.findMany({
                      where: {
                        OR: [
                          { districtId: { in: territories } },
                          { district: { parentId: { in: territories } } },
                        ],
                      },
                      select: { id: true },
                    })
                  ).map((s) => s.id),
                },
              }),
        },
        orderBy: [{ requestedAt: 'asc' }, { id: 'asc' }],
        take: 200,
      });
      const deadline = quotaDeadline(campaign.stages);
      const out: QuotaChangeView[] = [];
      for (const r of rows) {
        const target = await schoolTarget(db, r.schoolId);
        if (target && links.some((l) => can(l.actor, 'district.quota.approve', target)))
          out.push(await changeView(db, r, deadline));
      }
      return out;
    },

    /** One proposal, for the district officer who decides it or the school's staff. */
    async get(telegramId: number, changeId: number): Promise<QuotaChangeView> {
      const r = await db.quotaChange.findUnique({ where: { id: changeId } });
      if (!r) throw new SchoolOpsError('not_found');
      const target = await schoolTarget(db, r.schoolId);
      const links = await identity.staffRoles(telegramId);
      if (
        !target ||
        !links.some(
          (l) =>
            can(l.actor, 'district.quota.approve', target) ||
            can(l.actor, 'school.applications.read', target),
        )
      )
        throw new SchoolOpsError('forbidden');
      const campaign = await db.campaign.findUnique({
        where: { id: r.campaignId },
        include: { stages: true },
      });
      return changeView(db, r, campaign ? quotaDeadline(campaign.stages) : null);
    },

    /**
     * The district's decision, with a fresh TOTP code. Approval puts the numbers in force and locks
     * the quota; more seats go to waitlisted children at once; fewer seats than are held is refused.
     */
    async decide(
      telegramId: number,
      input: { changeId: number; decision: 'approve' | 'reject'; code: string; note?: string | null },
    ): Promise<{ change: QuotaChangeView; admitted: number }> {
      const first = await db.quotaChange.findUnique({ where: { id: input.changeId } });
      if (!first) throw new SchoolOpsError('not_found');
      const { link } = await authorize(db, identity, telegramId, 'district.quota.approve', first.schoolId, [
        'district',
        'ministry',
      ]);
      const note = cleanReason(input.note);
      if (input.decision === 'reject' && !note) throw new SchoolOpsError('reason_required', { late: 0 });
      const result = await totp.withCode(telegramId, input.code, async (tx) => {
        const rows = await tx.$queryRaw<
          { id: number }[]
        >`SELECT id FROM quota_change WHERE id = ${input.changeId} FOR UPDATE`;
        if (rows.length === 0) throw new SchoolOpsError('not_found');
        const c = await tx.quotaChange.findUniqueOrThrow({ where: { id: input.changeId } });
        if (c.status !== 'submitted') throw new SchoolOpsError('not_pending', { status: c.status });
        const campaign = await tx.campaign.findUniqueOrThrow({
          where: { id: c.campaignId },
          include: { stages: true },
        });
        const now = clock.now();
        const actor = telegramActor(telegramId);
        const key = { schoolId: c.schoolId, campaignId: c.campaignId, language: c.language };
        if (input.decision === 'reject') {
          const row = await tx.quotaChange.update({
            where: { id: c.id },
            data: { status: 'rejected', decidedBy: link.id, decidedAt: now, decisionNote: note },
          });
          await audit(tx, now, actor, 'quota.rejected', `school:${c.schoolId}`, {
            change: c.id,
            language: c.language,
            toSeats: c.toSeats,
            note,
          });
          await notifySchool(
            tx,
            c.schoolId,
            'quota_rejected',
            { schoolId: c.schoolId, language: c.language },
            c.id,
          );
          return { row, admitted: 0, deadline: quotaDeadline(campaign.stages) };
        }
        const held = await lockQuota(tx, key);
        if (held && c.toSeats < held.taken) throw new SchoolOpsError('below_taken', { taken: held.taken });
        const fromSeats = held?.seats ?? null;
        const quota = held
          ? await tx.quota.update({
              where: { schoolId_campaignId_language: key },
              data: { seats: c.toSeats, classSize: c.classSize, approved: true },
            })
          : await tx.quota.create({
              data: { ...key, seats: c.toSeats, classSize: c.classSize, approved: true },
            });
        const row = await tx.quotaChange.update({
          where: { id: c.id },
          data: {
            status: 'approved',
            decidedBy: link.id,
            decidedAt: now,
            decisionNote: note,
            // the record shows what the approval replaced (null: the first approval of the year)
            fromSeats: c.fromSeats === null ? null : fromSeats,
          },
        });
        let admitted = 0;
        const wasApproved = held?.approved === true;
        if (!wasApproved || quota.seats > (fromSeats ?? 0)) {
          // children who applied while it waited are decided now, in order, and each is told
          const promoted = await admitOnApproval(tx, key, {
            actor: { kind: 'staff', id: String(telegramId) },
            now,
            // a quota approved late (after the release, say) still gives working days (decision 0009)
            documentsDueAt: offerDeadline(now, campaign.documentsDeadline, campaign.offerWorkingDays),
            wasApproved,
          });
          admitted = promoted.length;
          // the school's staff hear of each child who got one of the new seats (K-SCHOOL-1)
          await alertAdmitted(tx, promoted, now);
        }
        await audit(tx, now, actor, 'quota.approved', `school:${c.schoolId}`, {
          change: c.id,
          language: c.language,
          fromSeats,
          toSeats: c.toSeats,
          classSize: c.classSize,
          reason: c.reason,
          admittedFromWaitlist: admitted,
        });
        await notifySchool(
          tx,
          c.schoolId,
          'quota_approved',
          { schoolId: c.schoolId, language: c.language },
          c.id,
        );
        return { row, admitted, deadline: quotaDeadline(campaign.stages) };
      });
      return { change: await changeView(db, result.row, result.deadline), admitted: result.admitted };
    },
  };

  /** Tells the school's directors of the decision (outbox, worded by the notification worker). */
  async function notifySchool(
    tx: Tx,
    schoolId: number,
    kind: string,
    params: Record<string, unknown>,
    changeId: number,
  ) {
    const directors = await tx.staffMember.findMany({
      where: { schoolId, role: 'director', revokedAt: null },
      select: { telegramId: true },
    });
    for (const d of directors) {
      const dedupeKey = `${kind}:${d.telegramId}:${changeId}`;
      await tx.outboxMessage.upsert({
        where: { dedupeKey },
        create: { telegramId: d.telegramId, kind, params: params as never, dedupeKey, dueAt: clock.now() },
        update: {},
      });
    }
  }
}
export type QuotaService = ReturnType<typeof quotaService>;
