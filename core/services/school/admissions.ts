// The school's side of admission (K-SCHOOL-2/3/5/6/9, K-PRIO-2, K-CORE-5) for a staff member linked
// by invite: the school's applications (lists, search by number, one card, the child's registry data
// on request), the document check against exactly the six documents of R-14 with enrolment, a refusal
// with a reason, priority claims, the staff register, direct admissions and undocumented children.
//
// Every use case re-reads the caller's active staff links and asks `can(actor, action, target)` for
// the school the object belongs to; every read of a child's personal data writes an access-log row in
// the same transaction (K-CORE-5), which the parent can ask for (`whoLooked`). Seats move only through
// the seat functions of the allocation core (takeSeat, freeSeat: K-CORE-1, K-SEAT-4). No Telegram here.
import { categoryAppliesAt, promoteAfterVerification } from '../../allocation/priority.ts';
import { quotaGate } from '../../allocation/quota-gate.ts';
import { freeSeat, lockQuota, type SeatKey, takeSeat } from '../../allocation/seats.ts';
import type { Clock } from '../../clock.ts';
import type { Db, Language } from '../../db/client.ts';
import {
  ACTIVE,
  type ApplicationStatus,
  transition,
  VISIBLE_TO_SCHOOL,
} from '../../domain/application-state.ts';
import { documentsWindowOpens } from '../../domain/campaign.ts';
import { staffTenureQualifies } from '../../domain/eligibility.ts';
import { parsePin } from '../../domain/pin.ts';
import { type InstructionLanguage, LANGUAGES, type LocalizedName } from '../../domain/reference.ts';
import type { StaffRole } from '../../domain/roles.ts';
import type { Logger } from '../../logger.ts';
import { enqueueMessage, recordTransition, SYSTEM } from '../applications/ledger.ts';
import { recordAlert } from './alerts.ts';
import { SchoolError } from './errors.ts';
import { atSensibleHour, localDate, offerDeadline } from './local-time.ts';
import {
  type AccessWhat,
  DIRECT_GROUNDS,
  type Document,
  type Ground,
  isDocument,
  LIMITS,
  PURPOSES,
  type Purpose,
  REFUSAL_GROUNDS,
  REQUIRED_DOCUMENTS,
  type RefusalGround,
  UNDOCUMENTED_STATUSES,
  type UndocumentedStatus,
  undocumentedRequestDeadline,
} from './rules.ts';
import { alertSeatMoves, completeOffers } from './seat-events.ts';
import {
  auditSchool,
  authorize,
  authorizeSchool,
  ledgerActor,
  mayAny,
  type SchoolTarget,
  type StaffActor,
  type StaffRef,
  type Tx,
} from './staff.ts';

/** Statuses a school lists: those of the life cycle's "visible to the school", and its refusals. */
export const SCHOOL_STATUSES = [
  ...VISIBLE_TO_SCHOOL,
  'rejected',
] as const satisfies readonly ApplicationStatus[];
export type SchoolStatus = (typeof SCHOOL_STATUSES)[number];

export const PRIORITY_FILTERS = ['claimed', 'verified', 'military', 'kairylman', 'staff', 'none'] as const;
/** `claimed`: unverified claims to check; `verified`; a category; `none`: no claim. */
export type PriorityFilter = (typeof PRIORITY_FILTERS)[number];

export type ListFilter = {
  status?: SchoolStatus;
  language?: InstructionLanguage;
  /** the registration stage (ordinal) the application was submitted in */
  stage?: number;
  priority?: PriorityFilter;
};

export const PAGE_SIZE = 8;
export const MAX_PAGE_SIZE = 50;

export type SchoolSummary = {
  id: number;
  code: string;
  name: LocalizedName;
  languages: InstructionLanguage[];
};

export type ApplicationRow = {
  id: string;
  number: string;
  status: ApplicationStatus;
  language: InstructionLanguage | null;
  stage: number | null;
  priority: 'none' | 'military' | 'kairylman' | 'staff';
  priorityStatus: 'none' | 'claimed' | 'verified' | 'dropped';
  /** documents of R-14 received so far (of six) */
  documents: number;
  submittedAt: Date | null;
};

export type ApplicationPage = {
  school: SchoolSummary;
  filter: ListFilter;
  items: ApplicationRow[];
  total: number;
  page: number;
  pageSize: number;
  /** registration stages of the campaign, for the stage filter */
  stages: { ordinal: number; kind: string }[];
};

export type ApplicationCard = ApplicationRow & {
  school: SchoolSummary;
  basis: string | null;
  catchmentMatch: boolean;
  priorityDueAt: Date | null;
  decidedAt: Date | null;
  documentsDueAt: Date | null;
  /** the documents of R-14 received, in the regulation's order */
  received: Document[];
  swapPending: boolean;
  /** what the caller may do here (the core checks again on every action) */
  may: { childData: boolean; documents: boolean; priority: boolean; refuse: boolean };
};

export type SchoolOverview = {
  school: SchoolSummary;
  role: StaffRole;
  counts: Partial<Record<SchoolStatus, number>>;
  /** unverified priority claims waiting for a document (K-PRIO-2) */
  claimed: number;
  /** direct admissions of the campaign (not withdrawn) */
  direct: number;
  quotas: { language: InstructionLanguage; seats: number; taken: number }[];
  may: { childData: boolean; documents: boolean; direct: boolean; register: boolean };
};

export type RegistryData = {
  number: string;
  childPin: string;
  child: { surname: string; name: string; patronymic?: string; sex: 'F' | 'M'; birthDate: string } | null;
  certificate: { series: string; number: string };
  relation: string | null;
  registeredAddress: { settlement: string; street: string; house: string } | null;
  actualAddress: { settlement: string; street: string; house: string } | null;
  phone: string | null;
  verifiedAt: Date | null;
};

export type DocumentsState = {
  id: string;
  number: string;
  status: ApplicationStatus;
  received: Document[];
  /** the sixth document enrolled the child in this call */
  enrolledNow: boolean;
};

export type RegisterEntry = {
  id: number;
  pinEnd: string;
  position: string;
  employedSince: string;
  employedUntil: string | null;
  /** the entry supports a staff-tenure claim in this campaign (R-15.2c) */
  qualifies: boolean;
};

export type DirectAdmissionView = {
  id: number;
  childName: string;
  childPinEnd: string | null;
  language: InstructionLanguage;
  ground: Ground;
  documentNumber: string;
  pmpkReferral: boolean;
  createdAt: Date;
  withdrawnAt: Date | null;
};

export type DirectAdmissionInput = {
  ground: string;
  documentNumber: string;
  childName: string;
  language: string;
  childPin?: string | null;
  sex?: 'F' | 'M' | null;
  birthDate?: string | null;
};

export type UndocumentedView = {
  id: number;
  childName: string;
  birthYear: number | null;
  address: string | null;
  requestedTo: string;
  requestedAt: Date;
  /** the request was made by 20 August */
  onTime: boolean;
  status: UndocumentedStatus;
  note: string | null;
};

export type UndocumentedInput = {
  childName: string;
  birthYear?: number | null;
  address?: string | null;
  requestedTo: string;
};

/** Who read a child's data, as the parent sees it: when, in what role, where — never who by name. */
export type AccessEntry = {
  at: Date;
  applicationNumber: string | null;
  role: StaffRole;
  place:
    | { kind: 'school'; code: string; name: LocalizedName }
    | { kind: 'territory'; name: LocalizedName }
    | { kind: 'nation' };
  what: AccessWhat;
  purpose: Purpose;
};

const RETRYABLE = new Set(['40001', '40P01']);
function isRetryable(e: unknown): boolean {
  const code =
    (e as { code?: string; meta?: { code?: string } })?.meta?.code ?? (e as { code?: string })?.code;
  const msg = e instanceof Error ? e.message : '';
  return (code !== undefined && RETRYABLE.has(code)) || /deadlock detected|could not serialize/.test(msg);
}
function isUniqueViolation(e: unknown): boolean {
  const msg = e instanceof Error ? e.message : '';
  return (e as { code?: string })?.code === 'P2002' || /unique constraint/i.test(msg);
}

const pinEnd = (pin: string): string => pin.slice(-3);
const isoDate = (d: Date): string => d.toISOString().slice(0, 10);

/** A typed date: `YYYY-MM-DD` or `DD.MM.YYYY` (also with `/` or `-`), checked to exist. */
export function parseTypedDate(input: string): string | null {
  const s = input.trim();
  let y: string | undefined;
  let m: string | undefined;
  let d: string | undefined;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  const local = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(s);
  if (iso) [, y, m, d] = iso;
  else if (local) [, d, m, y] = local;
  else return null;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (
    date.getUTCFullYear() !== Number(y) ||
    date.getUTCMonth() !== Number(m) - 1 ||
    date.getUTCDate() !== Number(d)
  )
    return null;
  return isoDate(date);
}

/** Trims and collapses spaces; refuses control characters and what is too short or too long. */
function typed(field: string, value: unknown, limits: { min?: number; max: number }): string {
  if (typeof value !== 'string') throw new SchoolError('bad_input', { field, reason: 'missing' });
  const s = value.replace(/\s+/g, ' ').trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(s)) throw new SchoolError('bad_input', { field, reason: 'characters' });
  if (s.length < (limits.min ?? 1))
    throw new SchoolError('bad_input', { field, reason: 'too_short', min: limits.min ?? 1 });
  if (s.length > limits.max)
    throw new SchoolError('bad_input', { field, reason: 'too_long', max: limits.max });
  return s;
}

function parseId(id: bigint | string | number): bigint {
  try {
    const v = BigInt(id);
    if (v <= 0n) throw new Error('not positive');
    return v;
  } catch {
    throw new SchoolError('not_found');
  }
}

function parseIntId(id: number | string): number {
  const n = typeof id === 'number' ? id : Number(id);
  if (!Number.isSafeInteger(n) || n <= 0 || n > 2_147_483_647) throw new SchoolError('not_found');
  return n;
}

export function schoolAdmissionsService(deps: { db: Db; clock: Clock; log: Logger }) {
  const { db, clock, log } = deps;

  async function inTx<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.$transaction(fn, { timeout: 20_000, maxWait: 20_000 });
      } catch (e) {
        if (attempt < 5 && isRetryable(e)) continue;
        throw e;
      }
    }
  }

  async function activeCampaign(client: Db | Tx) {
    const c = await client.campaign.findFirst({
      where: { active: true },
      include: { stages: { orderBy: { ordinal: 'asc' } } },
      orderBy: { id: 'desc' },
    });
    if (!c) throw new SchoolError('no_active_campaign');
    return c;
  }

  const campaignYear = (c: { academicYear: string }) => Number(c.academicYear.slice(0, 4));

  /** A verified claim's line moves at once; each child who got a seat is told, and the school too. */
  async function reorderAfterVerification(
    tx: Tx,
    a: Parameters<typeof promoteAfterVerification>[1] & { id: bigint },
    campaign: { documentsDeadline: Date; offerWorkingDays: number },
    now: Date,
  ) {
    const promoted = await promoteAfterVerification(tx, a, {
      actor: SYSTEM,
      now,
      documentsDueAt: offerDeadline(now, campaign.documentsDeadline, campaign.offerWorkingDays),
    });
    await completeOffers(tx, promoted, now);
    for (const r of await tx.application.findMany({
      where: { id: { in: promoted } },
      select: { id: true, number: true, schoolId: true, language: true },
    })) {
      if (r.schoolId === null) continue;
      await recordAlert(
        tx,
        r.schoolId,
        'admitted',
        { number: r.number, applicationId: r.id, ...(r.language ? { language: r.language } : {}) },
        { dueAt: now },
      );
    }
  }

  async function summary(client: Db | Tx, schoolId: number): Promise<SchoolSummary> {
    const s = await client.school.findUniqueOrThrow({ where: { id: schoolId } });
    return {
      id: s.id,
      code: s.code,
      name: { ky: s.nameKy, ru: s.nameRu, en: s.nameEn },
      languages: s.languages,
    };
  }

  async function logAccess(
    tx: Tx,
    staff: StaffActor,
    rows: { id: bigint; childPin: string }[],
    what: AccessWhat,
    purpose: Purpose,
  ): Promise<void> {
    if (rows.length === 0) return;
    const at = clock.now();
    await tx.accessLog.createMany({
      data: rows.map((r) => ({
        at,
        staffMemberId: staff.id,
        telegramId: staff.telegramId,
        role: staff.role,
        applicationId: r.id,
        childPin: r.childPin,
        what,
        purpose,
      })),
    });
  }

  function checkPurpose(p: string | undefined, fallback: Purpose): Purpose {
    if (p === undefined) return fallback;
    if (!(PURPOSES as readonly string[]).includes(p))
      throw new SchoolError('bad_input', { field: 'purpose' });
    return p as Purpose;
  }

  /**
   * The application behind an id from a chat, if it belongs to a school the caller may take `action`
   * on; locked for the rest of the transaction when asked. Anything else is `not_found`.
   */
  async function application(
    tx: Tx,
    ref: StaffRef,
    id: bigint | string,
    action: Parameters<typeof authorize>[2],
    lock = false,
  ) {
    const key = parseId(id);
    if (lock) await tx.$queryRaw`SELECT id FROM application WHERE id = ${key} FOR UPDATE`;
    const a = await tx.application.findUnique({ where: { id: key } });
    if (!a || a.schoolId === null || !(SCHOOL_STATUSES as readonly string[]).includes(a.status)) {
      // still answer `forbidden` to someone who may not take the action anywhere
      await authorizeSchool(tx, ref, action).catch((e) => {
        if (e instanceof SchoolError && e.code === 'forbidden') throw e;
      });
      throw new SchoolError('not_found');
    }
    const { staff, target, links } = await authorize(tx, ref, action, a.schoolId);
    return { a, staff, target, links };
  }

  async function receivedOf(client: Db | Tx, applicationId: bigint): Promise<Document[]> {
    const rows = await client.documentReceipt.findMany({
      where: { applicationId },
      select: { document: true },
    });
    const got = new Set<string>(rows.map((r) => r.document));
    return REQUIRED_DOCUMENTS.filter((d) => got.has(d));
  }

  type AppRow = NonNullable<Awaited<ReturnType<Tx['application']['findUnique']>>>;

  function row(a: AppRow, documents: number): ApplicationRow {
    return {
      id: String(a.id),
      number: a.number,
      status: a.status,
      language: a.language,
      stage: a.stageOrdinal,
      priority: a.priority,
      priorityStatus: a.priorityStatus,
      documents,
      submittedAt: a.submittedAt,
    };
  }

  async function cardOf(
    tx: Tx,
    a: AppRow,
    links: StaffActor[],
    target: SchoolTarget,
  ): Promise<ApplicationCard> {
    const received = await receivedOf(tx, a.id);
    const documents = mayAny(links, 'school.documents.decide', target);
    return {
      ...row(a, received.length),
      school: await summary(tx, a.schoolId as number),
      basis: a.basis,
      catchmentMatch: a.catchmentMatch,
      priorityDueAt: a.priorityDueAt,
      decidedAt: a.decidedAt,
      documentsDueAt: a.documentsDueAt,
      received,
      swapPending: a.swapSchoolId !== null,
      may: {
        childData: mayAny(links, 'school.child_data.read', target),
        documents: documents && a.status === 'admitted',
        priority:
          documents &&
          a.priorityStatus === 'claimed' &&
          ['submitted', 'waitlisted', 'admitted'].includes(a.status),
        refuse: documents && a.status === 'admitted',
      },
    };
  }

  async function enrol(tx: Tx, a: AppRow, staff: StaffActor): Promise<void> {
    const now = clock.now();
    const to = transition(a.status, 'documents_accepted');
    await tx.application.update({
      where: { id: a.id },
      // the child is enrolled here: a pending change of school ends with it
      data: { status: to, swapSchoolId: null, swapLanguage: null, swapSeq: null, swapCatchment: false },
    });
    await recordTransition(
      tx,
      a.id,
      a.status,
      to,
      ledgerActor(staff),
      'documents_accepted',
      {
        documents: REQUIRED_DOCUMENTS.length,
        role: staff.role,
        ...(a.swapSchoolId !== null ? { swapCancelled: true } : {}),
      },
      now,
    );
    await enqueueMessage(
      tx,
      a.telegramId,
      'enrolled',
      { number: a.number, schoolId: a.schoolId, language: a.language },
      { dedupeKey: `enrolled:${a.id}`, dueAt: atSensibleHour(now) },
    );
  }

  async function directView(d: {
    id: number;
    childName: string;
    childPin: string | null;
    language: Language;
    ground: Ground;
    documentNumber: string;
    pmpkReferral: boolean;
    createdAt: Date;
    withdrawnAt: Date | null;
  }): Promise<DirectAdmissionView> {
    return {
      id: d.id,
      childName: d.childName,
      childPinEnd: d.childPin ? pinEnd(d.childPin) : null,
      language: d.language,
      ground: d.ground,
      documentNumber: d.documentNumber,
      pmpkReferral: d.pmpkReferral,
      createdAt: d.createdAt,
      withdrawnAt: d.withdrawnAt,
    };
  }

  async function directRow(tx: Tx, ref: StaffRef, id: number | string, lock = false) {
    const key = parseIntId(id);
    if (lock) await tx.$queryRaw`SELECT id FROM direct_admission WHERE id = ${key} FOR UPDATE`;
    const d = await tx.directAdmission.findUnique({ where: { id: key } });
    if (!d) {
      await authorizeSchool(tx, ref, 'school.direct_admission.record').catch((e) => {
        if (e instanceof SchoolError && e.code === 'forbidden') throw e;
      });
      throw new SchoolError('not_found');
    }
    const { staff } = await authorize(tx, ref, 'school.direct_admission.record', d.schoolId);
    return { d, staff };
  }

  function undocumentedView(
    u: {
      id: number;
      childName: string;
      birthYear: number | null;
      address: string | null;
      requestedTo: string;
      requestedAt: Date;
      status: string;
      note: string | null;
    },
    deadline: string,
  ): UndocumentedView {
    return {
      id: u.id,
      childName: u.childName,
      birthYear: u.birthYear,
      address: u.address,
      requestedTo: u.requestedTo,
      requestedAt: u.requestedAt,
      onTime: localDate(u.requestedAt) <= deadline,
      status: (UNDOCUMENTED_STATUSES as readonly string[]).includes(u.status)
        ? (u.status as UndocumentedStatus)
        : 'requested',
      note: u.note,
    };
  }

  return {
    // --- the school's applications (K-SCHOOL-2, K-CORE-5) ---------------------------------------

    /**
     * The school at a glance for the staff menu: applications per status, unverified priority
     * claims, seats per language, and what the caller may do. Counts only: nothing personal, no log.
     */
    async overview(ref: StaffRef, schoolId?: number): Promise<SchoolOverview> {
      return inTx(async (tx) => {
        const { staff, target, links } = await authorizeSchool(tx, ref, 'school.applications.read', schoolId);
        const campaign = await activeCampaign(tx);
        const base = { campaignId: campaign.id, schoolId: target.schoolId };
        const byStatus = await tx.application.groupBy({
          by: ['status'],
          where: { ...base, status: { in: [...SCHOOL_STATUSES] } },
          _count: true,
        });
        const claimed = await tx.application.count({
          where: {
            ...base,
            priorityStatus: 'claimed',
            status: { in: ['submitted', 'waitlisted', 'admitted'] },
          },
        });
        const quotas = await tx.quota.findMany({
          where: { schoolId: target.schoolId, campaignId: campaign.id },
          orderBy: { language: 'asc' },
        });
        const direct = await tx.directAdmission.count({ where: { ...base, withdrawnAt: null } });
        return {
          school: await summary(tx, target.schoolId),
          role: staff.role,
          counts: Object.fromEntries(byStatus.map((r) => [r.status, r._count])) as SchoolOverview['counts'],
          claimed,
          direct,
          quotas: quotas.map((q) => ({ language: q.language, seats: q.seats, taken: q.taken })),
          may: {
            childData: mayAny(links, 'school.child_data.read', target),
            documents: mayAny(links, 'school.documents.decide', target),
            direct: mayAny(links, 'school.direct_admission.record', target),
            register: mayAny(links, 'school.staff_register.edit', target),
          },
        };
      });
    },

    /** The school's applications with filters, a page at a time; each application shown is logged. */
    async list(
      ref: StaffRef,
      opts: {
        schoolId?: number;
        filter?: ListFilter;
        page?: number;
        pageSize?: number;
        purpose?: string;
      } = {},
    ): Promise<ApplicationPage> {
      const filter: ListFilter = { ...opts.filter };
      if (filter.status !== undefined && !(SCHOOL_STATUSES as readonly string[]).includes(filter.status))
        throw new SchoolError('bad_input', { field: 'status' });
      if (filter.language !== undefined && !(LANGUAGES as readonly string[]).includes(filter.language))
        throw new SchoolError('bad_input', { field: 'language' });
      if (filter.priority !== undefined && !(PRIORITY_FILTERS as readonly string[]).includes(filter.priority))
        throw new SchoolError('bad_input', { field: 'priority' });
      if (
        filter.stage !== undefined &&
        (!Number.isInteger(filter.stage) || filter.stage < 1 || filter.stage > 99)
      )
        throw new SchoolError('bad_input', { field: 'stage' });
      const pageSize = Math.min(Math.max(1, Math.trunc(opts.pageSize ?? PAGE_SIZE)), MAX_PAGE_SIZE);
      const page = Math.min(Math.max(0, Math.trunc(opts.page ?? 0)), 100_000);
      const purpose = checkPurpose(opts.purpose, 'admission');
      return inTx(async (tx) => {
        const { staff, target } = await authorizeSchool(tx, ref, 'school.applications.read', opts.schoolId);
        const campaign = await activeCampaign(tx);
        const priorityWhere =
          filter.priority === undefined
            ? {}
            : filter.priority === 'claimed' || filter.priority === 'verified'
              ? { priorityStatus: filter.priority }
              : filter.priority === 'none'
                ? { priority: 'none' as const }
                : {
                    priority: filter.priority,
                    priorityStatus: { in: ['claimed' as const, 'verified' as const] },
                  };
        const where = {
          campaignId: campaign.id,
          schoolId: target.schoolId,
          status: filter.status ?? { in: [...SCHOOL_STATUSES] },
          ...(filter.language ? { language: filter.language } : {}),
          ...(filter.stage !== undefined ? { stageOrdinal: filter.stage } : {}),
          ...priorityWhere,
        };
        const total = await tx.application.count({ where });
        const apps = await tx.application.findMany({
          where,
          orderBy: [{ receivedSeq: 'asc' }, { id: 'asc' }],
          skip: page * pageSize,
          take: pageSize,
        });
        const counts = apps.length
          ? await tx.documentReceipt.groupBy({
              by: ['applicationId'],
              where: { applicationId: { in: apps.map((a) => a.id) } },
              _count: true,
            })
          : [];
        const countOf = new Map(counts.map((c) => [c.applicationId, c._count]));
        await logAccess(tx, staff, apps, 'list', purpose);
        return {
          school: await summary(tx, target.schoolId),
          filter,
          items: apps.map((a) => row(a, countOf.get(a.id) ?? 0)),
          total,
          page,
          pageSize,
          stages: campaign.stages
            .filter((s) => s.kind !== 'documents')
            .map((s) => ({ ordinal: s.ordinal, kind: s.kind })),
        };
      });
    },

    /** One application's card (logged). */
    async card(ref: StaffRef, applicationId: bigint | string, purpose?: string): Promise<ApplicationCard> {
      const p = checkPurpose(purpose, 'admission');
      return inTx(async (tx) => {
        const { a, staff, target, links } = await application(
          tx,
          ref,
          applicationId,
          'school.applications.read',
        );
        await logAccess(tx, staff, [a], 'card', p);
        return cardOf(tx, a, links, target);
      });
    },

    /**
     * Finds an application of the caller's school by its number as the parent says it: `2026-0000123`,
     * or only its digits (`123`) for the active campaign's year. Null when there is none there.
     */
    async findByNumber(
      ref: StaffRef,
      typedNumber: string,
      purpose?: string,
    ): Promise<ApplicationCard | null> {
      const p = checkPurpose(purpose, 'admission');
      const s = String(typedNumber ?? '')
        .replace(/[\s№#]/g, '')
        .trim();
      const full = /^(\d{4})-(\d{1,7})$/.exec(s);
      const bare = /^\d{1,7}$/.exec(s);
      if (!full && !bare) throw new SchoolError('bad_input', { field: 'number', reason: 'format' });
      return inTx(async (tx) => {
        // the caller must be staff who may read applications somewhere
        await authorizeSchool(tx, ref, 'school.applications.read').catch((e) => {
          if (e instanceof SchoolError && e.code === 'forbidden') throw e;
        });
        const year = full ? full[1] : String(campaignYear(await activeCampaign(tx)));
        const digits = (full ? full[2] : s) as string;
        const number = `${year}-${digits.padStart(7, '0')}`;
        const found = await tx.application.findUnique({ where: { number }, select: { id: true } });
        if (!found) return null;
        try {
          const { a, staff, target, links } = await application(
            tx,
            ref,
            found.id,
            'school.applications.read',
          );
          await logAccess(tx, staff, [a], 'card', p);
          return await cardOf(tx, a, links, target);
        } catch (e) {
          if (e instanceof SchoolError && e.code === 'not_found') return null;
          throw e;
        }
      });
    },

    /**
     * The child's data as the registry gave them when the application was verified (K-REG-3): name,
     * sex, birth date, PIN, birth certificate, addresses, the parent's contact. Logged (K-CORE-5).
     */
    async registryData(
      ref: StaffRef,
      applicationId: bigint | string,
      purpose?: string,
    ): Promise<RegistryData> {
      const p = checkPurpose(purpose, 'document_check');
      return inTx(async (tx) => {
        const { a, staff } = await application(tx, ref, applicationId, 'school.child_data.read');
        await logAccess(tx, staff, [a], 'registry_data', p);
        log.info(
          { event: 'child_data_read', staff: staff.id, application: String(a.id) },
          'registry data shown',
        );
        return {
          number: a.number,
          childPin: a.childPin,
          child: a.child as RegistryData['child'],
          certificate: { series: a.certificateSeries, number: a.certificateNumber },
          relation: a.relation,
          registeredAddress: a.registeredAddress as RegistryData['registeredAddress'],
          actualAddress: a.actualAddress as RegistryData['actualAddress'],
          phone: a.phone,
          verifiedAt: a.verifiedAt,
        };
      });
    },

    // --- documents and enrolment (R-14, K-SCHOOL-3) ----------------------------------------------

    /**
     * Ticks (`received`) or unticks one of the six documents of R-14 for an admitted child. The sixth
     * tick enrols the child (`documents_accepted`) and tells the parent. Repeating a tick changes
     * nothing; anything but the six documents is refused.
     */
    async setDocument(
      ref: StaffRef,
      applicationId: bigint | string,
      document: string,
      received: boolean,
    ): Promise<DocumentsState> {
      if (!isDocument(document)) throw new SchoolError('bad_input', { field: 'document' });
      return inTx(async (tx) => {
        const { a, staff } = await application(tx, ref, applicationId, 'school.documents.decide', true);
        const state = async (enrolledNow: boolean, status: ApplicationStatus): Promise<DocumentsState> => ({
          id: String(a.id),
          number: a.number,
          status,
          received: await receivedOf(tx, a.id),
          enrolledNow,
        });
        if (a.status === 'enrolled' && received) return state(false, a.status); // a repeated sixth tick
        if (a.status !== 'admitted') throw new SchoolError('invalid_state', { status: a.status });
        const now = clock.now();
        // documents are brought, and the child enrolled, only in the document window:
        // from its opening until the child's own deadline (a direct admission keeps its own rules)
        const opens = documentsWindowOpens(await activeCampaign(tx));
        if (now < opens) throw new SchoolError('documents_not_open', { opens: opens.toISOString() });
        if (a.documentsDueAt && now > a.documentsDueAt)
          throw new SchoolError('documents_closed', { due: a.documentsDueAt.toISOString() });
        const had = await tx.documentReceipt.findUnique({
          where: { applicationId_document: { applicationId: a.id, document } },
        });
        if (received && !had) {
          await tx.documentReceipt.create({
            data: { applicationId: a.id, document, receivedAt: now, receivedBy: staff.id },
          });
          await auditSchool(tx, now, staff, 'school.document.received', `application:${a.id}`, { document });
        } else if (!received && had) {
          await tx.documentReceipt.delete({
            where: { applicationId_document: { applicationId: a.id, document } },
          });
          await auditSchool(tx, now, staff, 'school.document.removed', `application:${a.id}`, { document });
        }
        const all = await receivedOf(tx, a.id);
        if (all.length === REQUIRED_DOCUMENTS.length) {
          await enrol(tx, a, staff);
          return state(true, 'enrolled');
        }
        return state(false, a.status);
      });
    },

    /**
     * The school refuses a child it admitted, with a ground and a typed explanation the parent sees
     * (K-CORE-4); the seat goes to the next child in line at once (K-SEAT-4).
     */
    async refuse(
      ref: StaffRef,
      applicationId: bigint | string,
      input: { ground: string; note: string },
    ): Promise<{ id: string; number: string; status: ApplicationStatus; promoted: number }> {
      if (!(REFUSAL_GROUNDS as readonly string[]).includes(input.ground))
        throw new SchoolError('bad_input', { field: 'ground' });
      const ground = input.ground as RefusalGround;
      const note = typed('note', input.note, LIMITS.note);
      return inTx(async (tx) => {
        const { a, staff } = await application(tx, ref, applicationId, 'school.documents.decide', true);
        if (a.status === 'rejected')
          return { id: String(a.id), number: a.number, status: a.status, promoted: 0 };
        if (a.status !== 'admitted') throw new SchoolError('invalid_state', { status: a.status });
        const now = clock.now();
        const campaign = await activeCampaign(tx);
        const to = transition(a.status, 'school_refused');
        await tx.application.update({
          where: { id: a.id },
          data: { status: to, swapSchoolId: null, swapLanguage: null, swapSeq: null, swapCatchment: false },
        });
        await recordTransition(
          tx,
          a.id,
          a.status,
          to,
          ledgerActor(staff),
          'school_refused',
          {
            ground,
            note,
            role: staff.role,
          },
          now,
        );
        await enqueueMessage(
          tx,
          a.telegramId,
          'school_refused',
          { number: a.number, schoolId: a.schoolId, language: a.language, code: `refused_${ground}`, note },
          { dedupeKey: `school_refused:${a.id}`, dueAt: atSensibleHour(now) },
        );
        const promoted = await freeSeat(
          tx,
          { schoolId: a.schoolId as number, campaignId: a.campaignId, language: a.language as string },
          {
            actor: SYSTEM,
            now,
            documentsDueAt: offerDeadline(now, campaign.documentsDeadline, campaign.offerWorkingDays),
          },
        );
        await completeOffers(tx, promoted, now);
        await alertSeatMoves(
          tx,
          { id: a.id, schoolId: a.schoolId as number, number: a.number, language: a.language as string },
          promoted,
          now,
        );
        return { id: String(a.id), number: a.number, status: to, promoted: promoted.length };
      });
    },

    // --- priority claims (K-PRIO-2) --------------------------------------------------------------

    /**
     * Confirms or refuses an unverified priority claim by the document shown at school; a staff-tenure
     * claim is confirmed only against the school's staff register. A refusal drops the claim, never
     * the application.
     */
    async decidePriority(
      ref: StaffRef,
      applicationId: bigint | string,
      input: { confirm: boolean; document?: string | null },
    ): Promise<{ id: string; number: string; priority: string; priorityStatus: 'verified' | 'dropped' }> {
      const document =
        input.document === undefined || input.document === null || input.document.trim() === ''
          ? null
          : typed('document', input.document, LIMITS.documentNumber);
      return inTx(async (tx) => {
        const { a, staff } = await application(tx, ref, applicationId, 'school.documents.decide', true);
        const wanted = input.confirm ? 'verified' : 'dropped';
        if (a.priorityStatus === wanted)
          return { id: String(a.id), number: a.number, priority: a.priority, priorityStatus: wanted };
        if (a.priorityStatus !== 'claimed' || a.priority === 'none') throw new SchoolError('no_claim');
        if (!['submitted', 'waitlisted', 'admitted'].includes(a.status))
          throw new SchoolError('invalid_state', { status: a.status });
        const now = clock.now();
        const campaign = await activeCampaign(tx);
        if (input.confirm && (a.priority === 'staff' || a.priority === 'military')) {
          // R-15.2c: this school's register; R-15.2a: the school serves the family's residence
          const school = await tx.school.findUniqueOrThrow({ where: { id: a.schoolId as number } });
          const ok = await categoryAppliesAt(tx, a, school, campaignYear(campaign));
          if (!ok) throw new SchoolError(a.priority === 'staff' ? 'not_in_register' : 'not_at_residence');
        }
        await tx.application.update({
          where: { id: a.id },
          data: { priorityStatus: wanted, priorityDueAt: null },
        });
        await recordTransition(
          tx,
          a.id,
          a.status,
          a.status,
          ledgerActor(staff),
          input.confirm ? 'priority_verified' : 'priority_refused',
          { priority: a.priority, role: staff.role, ...(document ? { document } : {}) },
          now,
        );
        await enqueueMessage(
          tx,
          a.telegramId,
          input.confirm ? 'priority_confirmed' : 'priority_refused',
          { number: a.number, schoolId: a.schoolId, code: `priority_${a.priority}` },
          { dedupeKey: `priority:${a.id}:${wanted}`, dueAt: atSensibleHour(now) },
        );
        // A verified claim re-orders the line at once, and takes a seat the stage lets it have; a
        // dropped one changes nothing already decided (K-PRIO-2, decision 0008).
        if (input.confirm) await reorderAfterVerification(tx, a, campaign, now);
        return { id: String(a.id), number: a.number, priority: a.priority, priorityStatus: wanted };
      });
    },

    // --- the staff register (K-SCHOOL-6), director only -------------------------------------------

    async registerList(ref: StaffRef, schoolId?: number): Promise<RegisterEntry[]> {
      return inTx(async (tx) => {
        const { target } = await authorizeSchool(tx, ref, 'school.staff_register.edit', schoolId);
        const year = campaignYear(await activeCampaign(tx));
        const rows = await tx.staffRegisterEntry.findMany({
          where: { schoolId: target.schoolId },
          orderBy: [{ employedUntil: { sort: 'desc', nulls: 'first' } }, { id: 'asc' }],
          take: 500,
        });
        return rows.map((r) => {
          const since = isoDate(r.employedSince);
          const until = r.employedUntil ? isoDate(r.employedUntil) : null;
          return {
            id: r.id,
            pinEnd: pinEnd(r.pin),
            position: r.position,
            employedSince: since,
            employedUntil: until,
            qualifies: staffTenureQualifies(since, until, year),
          };
        });
      });
    },

    async registerAdd(
      ref: StaffRef,
      input: { pin: string; position: string; employedSince: string },
      schoolId?: number,
    ): Promise<RegisterEntry> {
      const pin = parsePin(String(input.pin ?? ''), { today: localDate(clock.now()) });
      if (!pin.ok) throw new SchoolError('bad_input', { field: 'pin', reason: pin.reason });
      const position = typed('position', input.position, LIMITS.position);
      const since = parseTypedDate(String(input.employedSince ?? ''));
      if (!since) throw new SchoolError('bad_input', { field: 'date', reason: 'format' });
      if (since > localDate(clock.now()))
        throw new SchoolError('bad_input', { field: 'date', reason: 'future' });
      try {
        return await inTx(async (tx) => {
          const { staff, target } = await authorizeSchool(tx, ref, 'school.staff_register.edit', schoolId);
          const year = campaignYear(await activeCampaign(tx));
          const existing = await tx.staffRegisterEntry.findUnique({
            where: { schoolId_pin: { schoolId: target.schoolId, pin: pin.pin } },
          });
          if (existing) throw new SchoolError('already_exists', { id: existing.id });
          const r = await tx.staffRegisterEntry.create({
            data: { schoolId: target.schoolId, pin: pin.pin, position, employedSince: new Date(since) },
          });
          await auditSchool(tx, clock.now(), staff, 'school.staff_register.added', `staff_register:${r.id}`, {
            pinEnd: pinEnd(pin.pin),
            since,
          });
          return {
            id: r.id,
            pinEnd: pinEnd(r.pin),
            position: r.position,
            employedSince: since,
            employedUntil: null,
            qualifies: staffTenureQualifies(since, null, year),
          };
        });
      } catch (e) {
        if (!(e instanceof SchoolError) && isUniqueViolation(e)) throw new SchoolError('already_exists');
        throw e;
      }
    },

    /** Ends an entry (the person left the school) on `until` (default: today, Bishkek). */
    async registerEnd(ref: StaffRef, entryId: number | string, until?: string): Promise<RegisterEntry> {
      const key = parseIntId(entryId);
      const end = until === undefined ? localDate(clock.now()) : parseTypedDate(until);
      if (!end) throw new SchoolError('bad_input', { field: 'date', reason: 'format' });
      return inTx(async (tx) => {
        const r = await tx.staffRegisterEntry.findUnique({ where: { id: key } });
        if (!r) {
          await authorizeSchool(tx, ref, 'school.staff_register.edit').catch((e) => {
            if (e instanceof SchoolError && e.code === 'forbidden') throw e;
          });
          throw new SchoolError('not_found');
        }
        const { staff } = await authorize(tx, ref, 'school.staff_register.edit', r.schoolId);
        const since = isoDate(r.employedSince);
        if (end < since) throw new SchoolError('bad_input', { field: 'date', reason: 'before_start' });
        const year = campaignYear(await activeCampaign(tx));
        const updated = await tx.staffRegisterEntry.update({
          where: { id: r.id },
          data: { employedUntil: new Date(end) },
        });
        await auditSchool(tx, clock.now(), staff, 'school.staff_register.ended', `staff_register:${r.id}`, {
          pinEnd: pinEnd(r.pin),
          until: end,
        });
        return {
          id: updated.id,
          pinEnd: pinEnd(updated.pin),
          position: updated.position,
          employedSince: since,
          employedUntil: end,
          qualifies: staffTenureQualifies(since, end, year),
        };
      });
    },

    // --- direct admissions (K-SCHOOL-5, R-15.3, R-9.6) ---------------------------------------------

    async directList(ref: StaffRef, schoolId?: number): Promise<DirectAdmissionView[]> {
      return inTx(async (tx) => {
        const { target } = await authorizeSchool(tx, ref, 'school.direct_admission.record', schoolId);
        const campaign = await activeCampaign(tx);
        const rows = await tx.directAdmission.findMany({
          where: { schoolId: target.schoolId, campaignId: campaign.id },
          orderBy: { id: 'asc' },
          take: 500,
        });
        return Promise.all(rows.map(directView));
      });
    },

    /**
     * Records a child admitted outside online registration, with its ground and document number. It
     * takes a seat of the quota by the same atomic rule as an application (K-CORE-1): refused when full.
     */
    async directRecord(
      ref: StaffRef,
      input: DirectAdmissionInput,
      schoolId?: number,
    ): Promise<DirectAdmissionView> {
      if (!(DIRECT_GROUNDS as readonly string[]).includes(input.ground))
        throw new SchoolError('bad_input', { field: 'ground' });
      const ground = input.ground as Ground;
      if (!(LANGUAGES as readonly string[]).includes(input.language))
        throw new SchoolError('bad_input', { field: 'language' });
      const language = input.language as InstructionLanguage;
      const childName = typed('name', input.childName, LIMITS.childName);
      if (!/^[\p{L}][\p{L}\p{M} .'’ʼ-]*$/u.test(childName))
        throw new SchoolError('bad_input', { field: 'name', reason: 'characters' });
      const documentNumber = typed('document', input.documentNumber, LIMITS.documentNumber);
      if (!/^[\p{L}\p{N}№#][\p{L}\p{N} №#/.,-]*$/u.test(documentNumber) || !/\p{N}/u.test(documentNumber))
        throw new SchoolError('bad_input', { field: 'document', reason: 'characters' });
      let childPin: string | null = null;
      if (input.childPin) {
        const p = parsePin(input.childPin, { today: localDate(clock.now()) });
        if (!p.ok) throw new SchoolError('bad_input', { field: 'pin', reason: p.reason });
        childPin = p.pin;
      }
      const birthDate = input.birthDate ? parseTypedDate(input.birthDate) : null;
      if (input.birthDate && !birthDate)
        throw new SchoolError('bad_input', { field: 'date', reason: 'format' });
      return inTx(async (tx) => {
        const { staff, target } = await authorizeSchool(tx, ref, 'school.direct_admission.record', schoolId);
        const campaign = await activeCampaign(tx);
        const school = await tx.school.findUniqueOrThrow({ where: { id: target.schoolId } });
        if (!school.languages.includes(language)) throw new SchoolError('no_quota', { language });
        if (childPin) {
          const app = await tx.application.findFirst({
            where: { campaignId: campaign.id, childPin, status: { in: [...ACTIVE] } },
            select: { number: true },
          });
          if (app) throw new SchoolError('child_has_application', { number: app.number });
          const other = await tx.directAdmission.findFirst({
            where: { campaignId: campaign.id, childPin, withdrawnAt: null },
            select: { id: true },
          });
          if (other) throw new SchoolError('already_exists', { id: other.id });
        }
        const key: SeatKey = { schoolId: school.id, campaignId: campaign.id, language };
        // the one gate of every seat (quota-gate.ts): an approved quota with a free seat
        const quota = await lockQuota(tx, key);
        const gate = quotaGate(quota);
        if (gate === 'no_quota') throw new SchoolError('no_quota', { language });
        if (gate === 'not_approved') throw new SchoolError('quota_not_approved', { language });
        if (gate === 'full' || !(await takeSeat(tx, key)))
          throw new SchoolError('school_full', { language, seats: quota?.seats ?? 0 });
        const now = clock.now();
        const d = await tx.directAdmission.create({
          data: {
            schoolId: school.id,
            campaignId: campaign.id,
            language,
            childPin,
            childName,
            sex: input.sex ?? null,
            birthDate: birthDate ? new Date(birthDate) : null,
            ground,
            documentNumber,
            createdBy: staff.id,
            createdAt: now,
          },
        });
        await auditSchool(tx, now, staff, 'school.direct_admission.recorded', `direct_admission:${d.id}`, {
          ground,
          language,
          pinEnd: childPin ? pinEnd(childPin) : null,
        });
        return directView(d);
      });
    },

    /** Marks (or clears) a PMPK referral of a directly admitted child. */
    async directPmpk(ref: StaffRef, id: number | string, referral: boolean): Promise<DirectAdmissionView> {
      return inTx(async (tx) => {
        const { d, staff } = await directRow(tx, ref, id, true);
        if (d.withdrawnAt) throw new SchoolError('invalid_state', { status: 'withdrawn' });
        if (d.pmpkReferral === referral) return directView(d);
        const updated = await tx.directAdmission.update({
          where: { id: d.id },
          data: { pmpkReferral: referral },
        });
        await auditSchool(
          tx,
          clock.now(),
          staff,
          'school.direct_admission.pmpk',
          `direct_admission:${d.id}`,
          {
            referral,
          },
        );
        return directView(updated);
      });
    },

    /** Withdraws a direct admission recorded by mistake or left: its seat goes to the next child. */
    async directWithdraw(
      ref: StaffRef,
      id: number | string,
    ): Promise<DirectAdmissionView & { promoted: number }> {
      return inTx(async (tx) => {
        const { d, staff } = await directRow(tx, ref, id, true);
        if (d.withdrawnAt) return { ...(await directView(d)), promoted: 0 };
        const now = clock.now();
        const campaign = await activeCampaign(tx);
        const updated = await tx.directAdmission.update({ where: { id: d.id }, data: { withdrawnAt: now } });
        await auditSchool(tx, now, staff, 'school.direct_admission.withdrawn', `direct_admission:${d.id}`);
        const promoted =
          d.campaignId === campaign.id
            ? await freeSeat(
                tx,
                { schoolId: d.schoolId, campaignId: d.campaignId, language: d.language },
                {
                  actor: SYSTEM,
                  now,
                  documentsDueAt: offerDeadline(now, campaign.documentsDeadline, campaign.offerWorkingDays),
                },
              )
            : [];
        await completeOffers(tx, promoted, now);
        await alertSeatMoves(
          tx,
          { directAdmissionId: d.id, schoolId: d.schoolId, language: d.language },
          promoted,
          now,
        );
        return { ...(await directView(updated)), promoted: promoted.length };
      });
    },

    // --- school-age children without documents (R-10.7, K-SCHOOL-9) -------------------------------

    async undocumentedList(
      ref: StaffRef,
      schoolId?: number,
    ): Promise<{ deadline: string; items: UndocumentedView[] }> {
      return inTx(async (tx) => {
        const { target } = await authorizeSchool(tx, ref, 'school.direct_admission.record', schoolId);
        const deadline = undocumentedRequestDeadline(campaignYear(await activeCampaign(tx)));
        const rows = await tx.undocumentedChild.findMany({
          where: { schoolId: target.schoolId },
          orderBy: { id: 'asc' },
          take: 500,
        });
        return { deadline, items: rows.map((r) => undocumentedView(r, deadline)) };
      });
    },

    async undocumentedRecord(
      ref: StaffRef,
      input: UndocumentedInput,
      schoolId?: number,
    ): Promise<UndocumentedView> {
      const childName = typed('name', input.childName, LIMITS.childName);
      const requestedTo = typed('requested_to', input.requestedTo, LIMITS.requestedTo);
      const address =
        input.address === undefined || input.address === null || input.address.trim() === ''
          ? null
          : typed('address', input.address, LIMITS.address);
      return inTx(async (tx) => {
        const { staff, target } = await authorizeSchool(tx, ref, 'school.direct_admission.record', schoolId);
        const year = campaignYear(await activeCampaign(tx));
        const birthYear = input.birthYear ?? null;
        if (
          birthYear !== null &&
          (!Number.isInteger(birthYear) || birthYear < year - 18 || birthYear > year - 5)
        )
          throw new SchoolError('bad_input', { field: 'birth_year', min: year - 18, max: year - 5 });
        const now = clock.now();
        const r = await tx.undocumentedChild.create({
          data: {
            schoolId: target.schoolId,
            childName,
            birthYear,
            address,
            requestedTo,
            requestedAt: now,
            createdBy: staff.id,
            createdAt: now,
          },
        });
        await auditSchool(tx, now, staff, 'school.undocumented.requested', `undocumented_child:${r.id}`);
        return undocumentedView(r, undocumentedRequestDeadline(year));
      });
    },

    async undocumentedFollowUp(
      ref: StaffRef,
      id: number | string,
      input: { status: string; note?: string | null },
    ): Promise<UndocumentedView> {
      const key = parseIntId(id);
      if (!(UNDOCUMENTED_STATUSES as readonly string[]).includes(input.status))
        throw new SchoolError('bad_input', { field: 'status' });
      const note =
        input.note === undefined || input.note === null || input.note.trim() === ''
          ? undefined
          : typed('note', input.note, LIMITS.note);
      return inTx(async (tx) => {
        const r = await tx.undocumentedChild.findUnique({ where: { id: key } });
        if (!r) {
          await authorizeSchool(tx, ref, 'school.direct_admission.record').catch((e) => {
            if (e instanceof SchoolError && e.code === 'forbidden') throw e;
          });
          throw new SchoolError('not_found');
        }
        const { staff } = await authorize(tx, ref, 'school.direct_admission.record', r.schoolId);
        const updated = await tx.undocumentedChild.update({
          where: { id: r.id },
          data: { status: input.status, ...(note !== undefined ? { note } : {}) },
        });
        await auditSchool(
          tx,
          clock.now(),
          staff,
          'school.undocumented.followed_up',
          `undocumented_child:${r.id}`,
          {
            status: input.status,
          },
        );
        return undocumentedView(updated, undocumentedRequestDeadline(campaignYear(await activeCampaign(tx))));
      });
    },

    // --- the parent: who looked at my child's data (K-CORE-5) -------------------------------------

    /**
     * Every logged read of the data of the children of this Telegram user's applications (or of one
     * of them), newest first: when, the role, and the school or territory — never the person's name.
     */
    async whoLooked(
      telegramId: number,
      applicationId?: bigint | string,
      limit = 200,
    ): Promise<AccessEntry[]> {
      if (!Number.isSafeInteger(telegramId)) return [];
      const apps = await db.application.findMany({
        where: {
          telegramId: BigInt(telegramId),
          ...(applicationId !== undefined ? { id: parseId(applicationId) } : {}),
        },
        select: { id: true, childPin: true, number: true },
      });
      if (applicationId !== undefined && apps.length === 0) throw new SchoolError('not_found');
      if (apps.length === 0) return [];
      const numberOf = new Map(apps.map((a) => [a.id, a.number]));
      const rows = await db.accessLog.findMany({
        where: { childPin: { in: [...new Set(apps.map((a) => a.childPin))] } },
        orderBy: [{ at: 'desc' }, { id: 'desc' }],
        take: Math.min(Math.max(1, limit), 1000),
      });
      const staffIds = [...new Set(rows.map((r) => r.staffMemberId))];
      const staff = await db.staffMember.findMany({
        where: { id: { in: staffIds } },
        select: { id: true, schoolId: true, territoryId: true },
      });
      const schoolIds = [...new Set(staff.map((s) => s.schoolId).filter((x): x is number => x !== null))];
      const territoryIds = [
        ...new Set(staff.map((s) => s.territoryId).filter((x): x is string => x !== null)),
      ];
      const schools = new Map(
        (await db.school.findMany({ where: { id: { in: schoolIds } } })).map((s) => [
          s.id,
          { code: s.code, name: { ky: s.nameKy, ru: s.nameRu, en: s.nameEn } },
        ]),
      );
      const territories = new Map(
        (await db.territory.findMany({ where: { id: { in: territoryIds } } })).map((t) => [
          t.id,
          { ky: t.nameKy, ru: t.nameRu, en: t.nameEn },
        ]),
      );
      const staffById = new Map(staff.map((s) => [s.id, s]));
      return rows.map((r) => {
        const s = staffById.get(r.staffMemberId);
        const school = s?.schoolId != null ? schools.get(s.schoolId) : undefined;
        const territory = s?.territoryId != null ? territories.get(s.territoryId) : undefined;
        const place: AccessEntry['place'] = school
          ? { kind: 'school', code: school.code, name: school.name }
          : territory
            ? { kind: 'territory', name: territory }
            : { kind: 'nation' };
        return {
          at: r.at,
          applicationNumber: r.applicationId !== null ? (numberOf.get(r.applicationId) ?? null) : null,
          role: r.role,
          place,
          what: r.what as AccessWhat,
          purpose: (PURPOSES as readonly string[]).includes(r.purpose) ? (r.purpose as Purpose) : 'admission',
        };
      });
    },

    /** The applications of a Telegram user (for the parent's "who looked" menu): number and status. */
    async parentApplications(
      telegramId: number,
    ): Promise<{ id: string; number: string; status: ApplicationStatus }[]> {
      if (!Number.isSafeInteger(telegramId)) return [];
      const rows = await db.application.findMany({
        where: { telegramId: BigInt(telegramId) },
        orderBy: { id: 'desc' },
        select: { id: true, number: true, status: true },
        take: 20,
      });
      return rows.map((r) => ({ id: String(r.id), number: r.number, status: r.status }));
    },

    /** The school links of a Telegram user (the bot's staff menu), with their school. */
    async staffSchools(
      telegramId: number,
    ): Promise<{ staffId: number; role: StaffRole; school: SchoolSummary }[]> {
      if (!Number.isSafeInteger(telegramId)) return [];
      const rows = await db.staffMember.findMany({
        where: { telegramId: BigInt(telegramId), revokedAt: null, schoolId: { not: null } },
        orderBy: { id: 'asc' },
      });
      const out: { staffId: number; role: StaffRole; school: SchoolSummary }[] = [];
      for (const r of rows) {
        if (r.schoolId === null || (r.role !== 'director' && r.role !== 'admissions')) continue;
        out.push({ staffId: r.id, role: r.role, school: await summary(db, r.schoolId) });
      }
      return out;
    },
  };
}

export type SchoolAdmissionsService = ReturnType<typeof schoolAdmissionsService>;
