// Registration use cases (contract: Core): drafts verified against the registry, the choices of the
// wizard, submission with the seat decided at once (queue mode), withdrawal, change of school, status.
// Each use case owns its transaction; every status change is recorded; the clock is injected.
import { campaignYearOf, categoryAppliesAt } from '../../allocation/priority.ts';
import { fillFreeSeats, freeSeat, lockQuota, type SeatKey, waitingSql } from '../../allocation/seats.ts';
import { type StageRule, stageRuleInForce } from '../../allocation/stage-rule.ts';
import type { Clock } from '../../clock.ts';
import { type Application, type Db, Prisma } from '../../db/client.ts';
import { ACTIVE, type ApplicationStatus, transition } from '../../domain/application-state.ts';
import { openRegistrationStage } from '../../domain/campaign.ts';
import {
  type Address,
  birthWindow,
  type CatchmentRule,
  inCatchment,
  placeRefusal,
} from '../../domain/eligibility.ts';
import { parsePin } from '../../domain/pin.ts';
import type { InstructionLanguage } from '../../domain/reference.ts';
import type { Logger } from '../../logger.ts';
import type { Deadline } from '../../registry/deadline.ts';
import { RegistryError, RegistryMalformedResponseError } from '../../registry/errors.ts';
import type { Registry } from '../../registry/tunduk.ts';
import type { BirthRecord, RegisteredAddress } from '../../registry/types.ts';
import { offerDeadline } from '../school/local-time.ts';
import { alertSeatMoves, completeOffers } from '../school/seat-events.ts';
import { submissionStatements } from './decision.ts';
import { ApplicationError } from './errors.ts';
import { type Actor, enqueueMessage, recordTransition, SYSTEM, type Tx } from './ledger.ts';
import { normalizeKgPhone } from './phone.ts';
import { referenceCache } from './reference-cache.ts';

/** Days a parent has to show the document of an unverified priority claim at school (K-PRIO-2). */
export const PRIORITY_PROOF_DAYS = 10;

export type ChildSnapshot = {
  surname: string;
  name: string;
  patronymic?: string;
  sex: 'F' | 'M';
  birthDate: string;
};

export type ApplicationView = {
  id: string;
  number: string;
  status: ApplicationStatus;
  verification: 'pending' | 'verified' | 'failed';
  verificationNote: string | null;
  child: ChildSnapshot | null;
  childPin: string;
  registeredAddress: (Address & { districtId?: string }) | null;
  actualAddress: Address | null;
  school: { id: number; code: string; name: { ky: string; ru: string; en: string } } | null;
  language: InstructionLanguage | null;
  catchmentMatch: boolean;
  priority: 'none' | 'military' | 'kairylman' | 'staff';
  priorityStatus: 'none' | 'claimed' | 'verified' | 'dropped';
  priorityDueAt: Date | null;
  phone: string | null;
  consent: boolean;
  submittedAt: Date | null;
  documentsDueAt: Date | null;
  swap: { schoolId: number; language: InstructionLanguage } | null;
};

export type SubmitOutcome = {
  application: ApplicationView;
  outcome: 'admitted' | 'waitlisted';
  repeated: boolean;
  /** waitlisted because the school's quota is not approved yet: decided in order when it is */
  awaitingApproval?: boolean;
};

export type Position = { position: number; waiting: number; seats: number; taken: number };

export type DraftInput = {
  telegramId: number;
  applicantPin: string;
  childPin: string;
  certificateSeries: string;
  certificateNumber: string;
  /** while the parent waits in the chat: the registry's look-ups end by then (core/registry/deadline.ts) */
  deadline?: Deadline | undefined;
};

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock

function isRetryable(e: unknown): boolean {
  const code =
    (e as { code?: string; meta?: { code?: string } })?.meta?.code ?? (e as { code?: string })?.code;
  const msg = e instanceof Error ? e.message : '';
  return (code !== undefined && RETRYABLE.has(code)) || /deadlock detected|could not serialize/.test(msg);
}

function isUniqueViolation(e: unknown): boolean {
  const msg = e instanceof Error ? e.message : '';
  return (
    (e as { code?: string })?.code === 'P2002' ||
    /application_one_active_per_child|unique constraint/i.test(msg)
  );
}

/** An id from a button is only a claim: one that is not even a number is simply not found. */
function applicationId(id: bigint | string): bigint {
  try {
    return BigInt(id);
  } catch {
    throw new ApplicationError('not_found');
  }
}

type SchoolNames = { id: number; code: string; nameKy: string; nameRu: string; nameEn: string };

/** What the bot shows of an application (no PIN of the applicant, no certificate). */
function viewOf(a: Application, school: SchoolNames | null): ApplicationView {
  return {
    id: String(a.id),
    number: a.number,
    status: a.status,
    verification: a.verification,
    verificationNote: a.verificationNote,
    child: a.child as ChildSnapshot | null,
    childPin: a.childPin,
    registeredAddress: a.registeredAddress as ApplicationView['registeredAddress'],
    actualAddress: a.actualAddress as Address | null,
    school: school
      ? {
          id: school.id,
          code: school.code,
          name: { ky: school.nameKy, ru: school.nameRu, en: school.nameEn },
        }
      : null,
    language: a.language,
    catchmentMatch: a.catchmentMatch,
    priority: a.priority,
    priorityStatus: a.priorityStatus,
    priorityDueAt: a.priorityDueAt,
    phone: a.phone,
    consent: a.consentAt !== null,
    submittedAt: a.submittedAt,
    documentsDueAt: a.documentsDueAt,
    swap: a.swapSchoolId && a.swapLanguage ? { schoolId: a.swapSchoolId, language: a.swapLanguage } : null,
  };
}

export function applicationService(deps: { db: Db; clock: Clock; registry: Registry; log: Logger }) {
  const { db, clock, registry, log } = deps;
  const reference = referenceCache(db);
  const statements = submissionStatements(db);

  /** Retried on serialisation failures and deadlocks: the whole use case runs again. */
  async function withRetry<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (attempt < 5 && isRetryable(e)) continue;
        throw e;
      }
    }
  }

  function inTx<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    // generous: under a rush, transactions queue on one quota row; failing would be worse than waiting
    return withRetry(() => db.$transaction(fn, { timeout: 60_000, maxWait: 60_000 }));
  }

  async function activeCampaign(tx: Tx | Db = db) {
    const c = await tx.campaign.findFirst({
      where: { active: true },
      include: { stages: true },
      orderBy: { id: 'desc' },
    });
    if (!c) throw new ApplicationError('no_active_campaign');
    return c;
  }

  async function catchmentRules(tx: Tx | Db, schoolId: number): Promise<CatchmentRule[]> {
    return tx.catchment.findMany({
      where: { schoolId },
      select: { settlement: true, street: true, houseFrom: true, houseTo: true },
    });
  }

  async function view(tx: Tx | Db, id: bigint): Promise<ApplicationView> {
    const a = await tx.application.findUnique({ where: { id } });
    if (!a) throw new ApplicationError('not_found');
    const school = a.schoolId
      ? await tx.school.findUnique({
          where: { id: a.schoolId },
          select: { id: true, code: true, nameKy: true, nameRu: true, nameEn: true },
        })
      : null;
    return viewOf(a, school);
  }

  /** The application, if it belongs to this Telegram user (foreign ids are refused, K-REL-3). */
  async function own(tx: Tx | Db, id: bigint | string, telegramId: number) {
    const key = applicationId(id);
    const a = await tx.application.findUnique({ where: { id: key } });
    if (!a || a.telegramId !== BigInt(telegramId)) throw new ApplicationError('not_found');
    return a;
  }

  /** Locks the application for the rest of the transaction, if it belongs to this Telegram user. */
  async function lockOwn(tx: Tx, id: bigint | string, telegramId: number) {
    const key = applicationId(id);
    const locked = await tx.$queryRaw<{ id: bigint }[]>`
      SELECT id FROM application WHERE id = ${key} AND telegram_id = ${BigInt(telegramId)} FOR UPDATE`;
    if (locked.length === 0) throw new ApplicationError('not_found');
    return tx.application.findUniqueOrThrow({ where: { id: key } });
  }

  type Verified = { record: BirthRecord; relation: string; address: RegisteredAddress | null };

  /** Checks the child against the registry: errors are refusals; a registry outage is `pending`. */
  async function verifyWithRegistry(input: DraftInput, issue?: string): Promise<Verified | 'pending'> {
    try {
      const { deadline } = input;
      const r = await registry.verifyChild({
        onBehalfOf: input.applicantPin,
        issue,
        deadline,
        childPin: input.childPin,
        certificateSeries: input.certificateSeries,
        certificateNumber: input.certificateNumber,
      });
      switch (r.status) {
        case 'ok':
          break;
        case 'mismatch':
          throw new ApplicationError('certificate_mismatch', { fields: r.fields });
        case 'invalid_pin':
          throw new ApplicationError('invalid_pin');
        case 'not_found':
          throw new ApplicationError('child_not_found');
        default:
          throw new ApplicationError('no_birth_record');
      }
      if (r.relation === null) throw new ApplicationError('not_parent');
      const address =
        (await registry.registeredAddress(input.childPin, {
          onBehalfOf: input.applicantPin,
          issue,
          deadline,
        })) ??
        (await registry.registeredAddress(input.applicantPin, {
          onBehalfOf: input.applicantPin,
          issue,
          deadline,
        }));
      return { record: r.record, relation: r.relation, address };
    } catch (e) {
      if (e instanceof ApplicationError) throw e;
      // Down, slow or answering garbage: keep the draft and verify later (K-REG-5). A refusal that
      // retrying cannot fix (X-Road Client.* errors, provider 4xx) is reported, not retried forever.
      if (e instanceof RegistryError && (e.retryable || e instanceof RegistryMalformedResponseError)) {
        log.warn({ err: e.name }, 'registry unavailable during verification; draft kept');
        return 'pending';
      }
      if (e instanceof RegistryError) throw new ApplicationError('registry_refused', { service: e.service });
      throw e;
    }
  }

  function checkWindow(record: BirthRecord, campaign: { birthFrom: Date; birthTo: Date }) {
    const from = campaign.birthFrom.toISOString().slice(0, 10);
    const to = campaign.birthTo.toISOString().slice(0, 10);
    const w = birthWindow(record.birthDate, from, to);
    if (w !== 'ok') throw new ApplicationError(w, { birthDate: record.birthDate, from, to });
  }

  function verifiedData(v: Verified) {
    const child: ChildSnapshot = {
      surname: v.record.surname,
      name: v.record.name,
      ...(v.record.patronymic ? { patronymic: v.record.patronymic } : {}),
      sex: v.record.sex,
      birthDate: v.record.birthDate,
    };
    return {
      verification: 'verified' as const,
      verifiedAt: clock.now(),
      verificationNote: null,
      relation: v.relation,
      child,
      registeredAddress: v.address
        ? {
            districtId: v.address.districtId,
            settlement: v.address.settlement,
            street: v.address.street,
            house: v.address.house,
          }
        : Prisma.DbNull,
    };
  }

  /**
   * A staff or military claim at this school: verified when its category applies here (the school's
   * register; for military, the registry's answer `registryOk` and the family's residence), else
   * claimed — ranking as no priority — with the days to show a document at school (K-PRIO-2).
   */
  async function claimAt(
    tx: Tx,
    a: Pick<Application, 'priority' | 'applicantPin' | 'registeredAddress' | 'actualAddress' | 'campaignId'>,
    school: { id: number; districtId: string },
    registryOk: boolean,
  ) {
    const campaign = await tx.campaign.findUniqueOrThrow({ where: { id: a.campaignId } });
    const applies = await categoryAppliesAt(tx, a, school, campaignYearOf(campaign.academicYear));
    const verified = applies && (a.priority === 'staff' || registryOk);
    return {
      priorityStatus: verified ? ('verified' as const) : ('claimed' as const),
      priorityDueAt: verified ? null : new Date(clock.now().getTime() + PRIORITY_PROOF_DAYS * 86_400_000),
    };
  }

  async function existingFor(tx: Tx | Db, campaignId: string, childPin: string) {
    return tx.application.findFirst({
      where: { campaignId, childPin, status: { in: [...ACTIVE] } },
      select: { id: true, number: true, status: true, telegramId: true },
    });
  }

  return {
    /** Starts (or returns) the draft for a child; the registry's data are checked at once (K-REG-3/4). */
    async createDraft(input: DraftInput): Promise<ApplicationView> {
      const pin = parsePin(input.childPin);
      if (!pin.ok) throw new ApplicationError('invalid_pin', { reason: pin.reason });
      const childPin = pin.pin;
      const campaign = await activeCampaign();
      const existing = await existingFor(db, campaign.id, childPin);
      if (existing) {
        if (existing.telegramId === BigInt(input.telegramId) && existing.status === 'draft')
          return view(db, existing.id);
        throw new ApplicationError('existing_application', {
          number: existing.number,
          status: existing.status,
        });
      }
      const checked = await verifyWithRegistry({ ...input, childPin });
      if (checked !== 'pending') checkWindow(checked.record, campaign);
      try {
        return await inTx(async (tx) => {
          const [seq] = await tx.$queryRaw<{ n: bigint }[]>`SELECT nextval('application_number_seq') AS n`;
          const number = `${campaign.academicYear.slice(0, 4)}-${String(seq?.n ?? 0).padStart(7, '0')}`;
          const a = await tx.application.create({
            data: {
              number,
              campaignId: campaign.id,
              telegramId: BigInt(input.telegramId),
              applicantPin: input.applicantPin,
              childPin,
              certificateSeries: input.certificateSeries.trim(),
              certificateNumber: input.certificateNumber.trim(),
              ...(checked === 'pending' ? { verification: 'pending' as const } : verifiedData(checked)),
            },
          });
          await recordTransition(
            tx,
            a.id,
            null,
            'draft',
            { kind: 'parent', id: String(input.telegramId) },
            'draft_created',
            {
              verification: checked === 'pending' ? 'pending' : 'verified',
            },
            clock.now(),
          );
          return view(tx, a.id);
        });
      } catch (e) {
        if (isUniqueViolation(e)) {
          const other = await existingFor(db, campaign.id, childPin);
          throw new ApplicationError('existing_application', {
            number: other?.number ?? '',
            status: other?.status ?? '',
          });
        }
        throw e;
      }
    },

    /** Background: verifies drafts left pending by a registry outage, and tells the parent (K-REG-5). */
    async retryPendingVerifications(limit = 50): Promise<number> {
      const campaign = await activeCampaign();
      const pending = await db.application.findMany({
        where: { verification: 'pending', status: 'draft' },
        take: limit,
      });
      let done = 0;
      for (const a of pending) {
        let outcome: Verified | 'pending' | ApplicationError;
        try {
          outcome = await verifyWithRegistry(
            {
              telegramId: Number(a.telegramId),
              applicantPin: a.applicantPin,
              childPin: a.childPin,
              certificateSeries: a.certificateSeries,
              certificateNumber: a.certificateNumber,
            },
            a.number,
          );
          if (outcome !== 'pending') checkWindow(outcome.record, campaign);
        } catch (e) {
          if (!(e instanceof ApplicationError)) throw e;
          outcome = e;
        }
        if (outcome === 'pending') break; // still down: try again on the next round
        await inTx(async (tx) => {
          if (outcome instanceof ApplicationError) {
            await tx.application.update({
              where: { id: a.id },
              data: { verification: 'failed', verificationNote: outcome.code },
            });
            await enqueueMessage(
              tx,
              a.telegramId,
              'verification_failed',
              { number: a.number, code: outcome.code, params: outcome.params },
              {
                dedupeKey: `verification:${a.id}`,
              },
            );
          } else {
            await tx.application.update({ where: { id: a.id }, data: verifiedData(outcome) });
            await enqueueMessage(
              tx,
              a.telegramId,
              'verification_done',
              { number: a.number },
              { dedupeKey: `verification:${a.id}` },
            );
          }
        });
        done++;
      }
      return done;
    },

    async get(id: bigint | string, telegramId: number): Promise<ApplicationView> {
      const a = await own(db, id, telegramId);
      return view(db, a.id);
    },

    /** The applications of a Telegram user, newest first. */
    async mine(telegramId: number): Promise<ApplicationView[]> {
      const rows = await db.application.findMany({
        where: { telegramId: BigInt(telegramId) },
        orderBy: { id: 'desc' },
        select: { id: true },
        take: 20,
      });
      return Promise.all(rows.map((r) => view(db, r.id)));
    },

    /** Chooses school and language for a draft (or a swap target is chosen with requestSwap). */
    async chooseSchool(
      id: string,
      telegramId: number,
      schoolCode: string,
      language: InstructionLanguage,
    ): Promise<ApplicationView> {
      return inTx(async (tx) => {
        const a = await lockOwn(tx, id, telegramId);
        if (a.status !== 'draft') throw new ApplicationError('invalid_state', { status: a.status });
        const school = await tx.school.findUnique({ where: { code: schoolCode } });
        if (!school) throw new ApplicationError('school_not_found', { code: schoolCode });
        const refusal = placeRefusal({
          stage: 'free_seats',
          school: { participates: school.participates, special: school.special, languages: school.languages },
          language,
          registeredInCatchment: false,
          actualAddress: null,
          actualInCatchment: false,
        });
        if (refusal) throw new ApplicationError('place_refused', { reason: refusal });
        const address = a.registeredAddress as Address | null;
        const match = address ? inCatchment(address, await catchmentRules(tx, school.id)) : false;
        // A staff or military claim belongs to a school (R-15.2a/c): a new school asks again.
        const rebound =
          school.id !== a.schoolId && (a.priority === 'staff' || a.priority === 'military')
            ? await claimAt(tx, a, school, a.priority === 'military' && a.priorityStatus === 'verified')
            : {};
        await tx.application.update({
          where: { id: a.id },
          data: { schoolId: school.id, language, catchmentMatch: match, ...rebound },
        });
        return view(tx, a.id);
      });
    },

    async setActualAddress(
      id: string,
      telegramId: number,
      address: Address | null,
    ): Promise<ApplicationView> {
      return inTx(async (tx) => {
        const a = await lockOwn(tx, id, telegramId);
        if (a.status !== 'draft') throw new ApplicationError('invalid_state', { status: a.status });
        await tx.application.update({
          where: { id: a.id },
          data: { actualAddress: address ?? Prisma.DbNull },
        });
        return view(tx, a.id);
      });
    },

    /** A priority claim: verified through the registry or the staff register, else due at school (K-PRIO-2). */
    async claimPriority(
      id: string,
      telegramId: number,
      priority: 'none' | 'military' | 'kairylman' | 'staff',
    ): Promise<ApplicationView> {
      const a = await own(db, id, telegramId);
      let verified = false;
      if (priority === 'military') {
        // without a school yet, the registry's answer stands until one is chosen (chooseSchool asks again)
        verified =
          (
            await registry
              .militaryStatus(a.applicantPin, { onBehalfOf: a.applicantPin, issue: a.number })
              .catch(() => null)
          )?.serving === true;
      } else if (priority === 'kairylman') {
        verified =
          (
            await registry
              .kairylmanStatus(a.applicantPin, { onBehalfOf: a.applicantPin, issue: a.number })
              .catch(() => null)
          )?.kairylman === true;
      } else if (priority === 'staff') {
        if (!a.schoolId) throw new ApplicationError('incomplete', { missing: ['school'] });
      }
      return inTx(async (tx) => {
        const locked = await lockOwn(tx, id, telegramId);
        if (locked.status !== 'draft') throw new ApplicationError('invalid_state', { status: locked.status });
        const due = new Date(clock.now().getTime() + PRIORITY_PROOF_DAYS * 86_400_000);
        const school =
          locked.schoolId !== null ? await tx.school.findUnique({ where: { id: locked.schoolId } }) : null;
        // military: the registry's answer, and the school serves the family's residence (R-15.2a);
        // staff: this school's register (R-15.2c); kairylman: the registry's answer
        const data =
          (priority === 'military' || priority === 'staff') && school
            ? await claimAt(tx, { ...locked, priority }, school, verified)
            : {
                priorityStatus:
                  priority === 'none'
                    ? ('none' as const)
                    : verified
                      ? ('verified' as const)
                      : ('claimed' as const),
                priorityDueAt: priority !== 'none' && !verified ? due : null,
              };
        await tx.application.update({ where: { id: locked.id }, data: { priority, ...data } });
        return view(tx, locked.id);
      });
    },

    async setContact(
      id: string,
      telegramId: number,
      phoneInput: string,
      consent: boolean,
    ): Promise<ApplicationView> {
      const phone = normalizeKgPhone(phoneInput);
      if (!phone) throw new ApplicationError('invalid_phone');
      return inTx(async (tx) => {
        const a = await lockOwn(tx, id, telegramId);
        if (a.status !== 'draft') throw new ApplicationError('invalid_state', { status: a.status });
        await tx.application.update({
          where: { id: a.id },
          data: { phone, consentAt: consent ? clock.now() : null },
        });
        return view(tx, a.id);
      });
    },

    /**
     * Submits a complete draft while a stage is open and decides the seat at once (queue mode). A
     * repeated call (double tap, redelivered update) returns the first decision and changes nothing.
     */
    async submit(id: string, telegramId: number): Promise<SubmitOutcome> {
      const key = applicationId(id);
      const actor: Actor = { kind: 'parent', id: String(telegramId) };
      // Two round trips (decision 0004): the row with the reference version, then the decision under
      // the locks. 'changed' means the draft moved between the two (another tap, an edit): read again.
      for (let attempt = 1; ; attempt++) {
        const { application: a, version } = await statements.readOwnWithVersion(key, telegramId);
        if (!a) throw new ApplicationError('not_found');
        reference.check(version);
        if (a.status === 'admitted' || a.status === 'waitlisted') {
          const school = a.schoolId ? await reference.school(a.schoolId) : null;
          return { application: viewOf(a, school), outcome: a.status, repeated: true };
        }
        if (a.status !== 'draft') throw new ApplicationError('invalid_state', { status: a.status });
        if (a.verification !== 'verified')
          throw new ApplicationError('not_verified', { verification: a.verification });
        const missing = [
          ...(a.schoolId && a.language ? [] : ['school']),
          ...(a.phone ? [] : ['phone']),
          ...(a.consentAt ? [] : ['consent']),
        ];
        if (missing.length > 0) throw new ApplicationError('incomplete', { missing });
        const campaign = await reference.activeCampaign();
        if (!campaign) throw new ApplicationError('no_active_campaign');
        const now = clock.now();
        const stage = openRegistrationStage(campaign.stages, now);
        if (!stage) throw new ApplicationError('stage_closed');
        const school = await reference.school(a.schoolId as number);
        if (!school) throw new ApplicationError('school_not_found');
        const rules = await reference.catchmentRules(school.id);
        const registered = a.registeredAddress as Address | null;
        const actual = a.actualAddress as Address | null;
        const registeredIn = registered ? inCatchment(registered, rules) : false;
        const refusal = placeRefusal({
          stage: stage.kind as 'catchment' | 'actual_residence' | 'free_seats',
          school: { participates: school.participates, special: school.special, languages: school.languages },
          language: a.language as string,
          registeredInCatchment: registeredIn,
          actualAddress: actual,
          actualInCatchment: actual ? inCatchment(actual, rules) : false,
        });
        if (refusal) throw new ApplicationError('place_refused', { reason: refusal, stage: stage.kind });

        // a seat decided late (after the release, or days before the deadline) gets working days (0009)
        const documentsDueAt = offerDeadline(now, campaign.documentsDeadline, campaign.offerWorkingDays);
        const submitted = transition('draft', 'submit');
        const statuses = {
          submitted,
          admitted: transition(submitted, 'seat_held'),
          waitlisted: transition(submitted, 'no_seat'),
        };
        const decided = await withRetry(() =>
          statements.decide({
            applicationId: a.id,
            telegramId,
            schoolId: school.id,
            language: a.language as string,
            campaignId: campaign.id,
            basis: stage.kind,
            stageOrdinal: stage.ordinal,
            catchmentMatch: registeredIn,
            at: now,
            documentsDueAt,
            // Stage III is "any school with a free seat": a full school is refused with alternatives.
            refuseWhenFull: stage.kind === 'free_seats',
            statuses,
            actor,
          }),
        );
        switch (decided.outcome) {
          case 'not_found':
            throw new ApplicationError('not_found');
          case 'no_quota':
            throw new ApplicationError('place_refused', { reason: 'no_quota' });
          case 'school_full':
            throw new ApplicationError('school_full', {
              schoolId: school.id,
              language: a.language as string,
            });
          case 'changed':
          case 'repeated':
            if (attempt < 5) continue;
            throw new ApplicationError('invalid_state', { status: a.status });
          default: {
            const held = decided.outcome === 'admitted';
            const outcome = held ? ('admitted' as const) : ('waitlisted' as const);
            const after = {
              ...a,
              status: outcome,
              submittedAt: now,
              receivedSeq: decided.receivedSeq,
              basis: stage.kind,
              stageOrdinal: stage.ordinal,
              catchmentMatch: registeredIn,
              decidedAt: now,
              documentsDueAt: held ? documentsDueAt : null,
            };
            return {
              application: viewOf(after, school),
              outcome,
              repeated: false,
              ...(decided.outcome === 'awaiting_approval' ? { awaitingApproval: true } : {}),
            };
          }
        }
      }
    },

    /** Withdraws an application; a held seat goes to the next child at once (K-SEAT-4). */
    async withdraw(id: string, telegramId: number, reason = 'parent_withdrew'): Promise<ApplicationView> {
      const actor: Actor = { kind: 'parent', id: String(telegramId) };
      return inTx(async (tx) => {
        const a = await lockOwn(tx, id, telegramId);
        if (a.status === 'withdrawn') return view(tx, a.id);
        const campaign = await activeCampaign(tx);
        if (a.status !== 'draft') {
          const cancelled = await tx.application.count({
            where: {
              campaignId: a.campaignId,
              childPin: a.childPin,
              status: 'withdrawn',
              submittedAt: { not: null },
            },
          });
          if (cancelled + a.swapCount >= campaign.cancellationLimit) {
            throw new ApplicationError('cancellation_limit', { limit: campaign.cancellationLimit });
          }
        }
        const to = transition(a.status, 'withdraw');
        await tx.application.update({
          where: { id: a.id },
          data: { status: to, swapSchoolId: null, swapLanguage: null, swapSeq: null, swapBasis: null },
        });
        const now = clock.now();
        await recordTransition(tx, a.id, a.status, to, actor, reason, {}, now);
        if (a.status === 'admitted' && a.schoolId && a.language) {
          const promoted = await freeSeat(
            tx,
            { schoolId: a.schoolId, campaignId: a.campaignId, language: a.language },
            // after the campaign's deadline the next child still gets days to bring documents
            {
              actor: SYSTEM,
              now,
              documentsDueAt: offerDeadline(now, campaign.documentsDeadline, campaign.offerWorkingDays),
            },
          );
          await completeOffers(tx, promoted, now);
          await alertSeatMoves(
            tx,
            { id: a.id, schoolId: a.schoolId, number: a.number, language: a.language },
            promoted,
            now,
          );
        }
        return view(tx, a.id);
      });
    },

    /**
     * Change of school (K-SEAT-5): a conditional swap that keeps the current seat until a seat at the
     * new school is held — at once when one is free, else when one frees up (the request waits in order).
     */
    async requestSwap(
      id: string,
      telegramId: number,
      schoolCode: string,
      language: InstructionLanguage,
    ): Promise<ApplicationView & { swapped: boolean }> {
      return inTx(async (tx) => {
        const a = await lockOwn(tx, id, telegramId);
        if (a.status !== 'admitted') throw new ApplicationError('invalid_state', { status: a.status });
        const school = await tx.school.findUnique({ where: { code: schoolCode } });
        if (!school) throw new ApplicationError('school_not_found', { code: schoolCode });
        if (school.id === a.schoolId && language === a.language) throw new ApplicationError('same_school');
        const campaign = await activeCampaign(tx);
        const now = clock.now();
        // The change of school obeys the stage in force, like a submission (K-SEAT-5, R-13.1).
        const rule: StageRule = stageRuleInForce(campaign.stages, now);
        const rules = await catchmentRules(tx, school.id);
        const registered = a.registeredAddress as Address | null;
        const actual = a.actualAddress as Address | null;
        const match = registered ? inCatchment(registered, rules) : false;
        const refusal = placeRefusal({
          stage: rule,
          school: { participates: school.participates, special: school.special, languages: school.languages },
          language,
          registeredInCatchment: match,
          actualAddress: actual,
          actualInCatchment: actual ? inCatchment(actual, rules) : false,
        });
        if (refusal) throw new ApplicationError('place_refused', { reason: refusal, stage: rule });
        const basis = rule; // the refusal above passed: the rule in force admits this request
        // whether the category applies at the target (it ranks there once verified, order.ts)
        const swapPriority = await categoryAppliesAt(tx, a, school, campaignYearOf(campaign.academicYear));
        const cancelled = await tx.application.count({
          where: {
            campaignId: a.campaignId,
            childPin: a.childPin,
            status: 'withdrawn',
            submittedAt: { not: null },
          },
        });
        if (cancelled + a.swapCount >= campaign.cancellationLimit) {
          throw new ApplicationError('cancellation_limit', { limit: campaign.cancellationLimit });
        }
        const target: SeatKey = { schoolId: school.id, campaignId: a.campaignId, language };
        const quota = await lockQuota(tx, target);
        if (!quota) throw new ApplicationError('place_refused', { reason: 'no_quota' });
        const actor: Actor = { kind: 'parent', id: String(telegramId) };
        const [seq] = await tx.$queryRaw<{ n: bigint }[]>`SELECT nextval('application_received_seq') AS n`;
        await tx.application.update({
          where: { id: a.id },
          data: {
            swapSchoolId: school.id,
            swapLanguage: language,
            swapSeq: seq?.n ?? null,
            swapCatchment: match,
            swapBasis: basis,
            swapPriority,
          },
        });
        await recordTransition(
          tx,
          a.id,
          'admitted',
          'admitted',
          actor,
          'swap_requested',
          {
            to: { schoolId: school.id, language },
          },
          clock.now(),
        );
        // A free seat there is taken now by whoever is first in line — this request, if nobody waits before it.
        const promoted = await fillFreeSeats(tx, [target], {
          actor: SYSTEM,
          now,
          documentsDueAt: offerDeadline(now, campaign.documentsDeadline, campaign.offerWorkingDays),
        });
        await completeOffers(tx, promoted, now);
        const after = await view(tx, a.id);
        return { ...after, swapped: after.school?.id === school.id };
      });
    },

    async cancelSwap(id: string, telegramId: number): Promise<ApplicationView> {
      return inTx(async (tx) => {
        const a = await lockOwn(tx, id, telegramId);
        if (!a.swapSchoolId) return view(tx, a.id);
        await tx.application.update({
          where: { id: a.id },
          data: {
            swapSchoolId: null,
            swapLanguage: null,
            swapSeq: null,
            swapCatchment: false,
            swapBasis: null,
            swapPriority: false,
          },
        });
        await recordTransition(
          tx,
          a.id,
          a.status,
          a.status,
          { kind: 'parent', id: String(telegramId) },
          'swap_cancelled',
          {},
          clock.now(),
        );
        return view(tx, a.id);
      });
    },

    /** "12th of 40 for 30 seats": the place in line of a waitlisted application or a pending swap. */
    async position(id: string, telegramId: number): Promise<Position | null> {
      const a = await own(db, id, telegramId);
      const waitingFor =
        a.status === 'waitlisted' && a.schoolId && a.language
          ? { schoolId: a.schoolId, language: a.language, seq: a.receivedSeq, catchment: a.catchmentMatch }
          : a.status === 'admitted' && a.swapSchoolId && a.swapLanguage
            ? {
                schoolId: a.swapSchoolId,
                language: a.swapLanguage,
                seq: a.swapSeq,
                catchment: a.swapCatchment,
              }
            : null;
      if (!waitingFor) return null;
      // the one order rule (core/allocation/order.ts) over the same rows fillFreeSeats reads
      const prio = a.priorityStatus === 'verified' && (a.status === 'waitlisted' || a.swapPriority);
      const rows = await db.$queryRaw<{ ahead: number; waiting: number }[]>(Prisma.sql`
        SELECT count(*) FILTER (WHERE (NOT prio, NOT catchment, seq) < (${!prio}, ${!waitingFor.catchment}, ${waitingFor.seq}))::int AS ahead,
               count(*)::int AS waiting
        FROM (${waitingSql({ schoolId: waitingFor.schoolId, campaignId: a.campaignId, language: waitingFor.language })}) q`);
      const quota = await db.quota.findUnique({
        where: {
          schoolId_campaignId_language: {
            schoolId: waitingFor.schoolId,
            campaignId: a.campaignId,
            language: waitingFor.language,
          },
        },
      });
      return {
        position: (rows[0]?.ahead ?? 0) + 1,
        waiting: rows[0]?.waiting ?? 0,
        seats: quota?.seats ?? 0,
        taken: quota?.taken ?? 0,
      };
    },

    async history(id: string, telegramId: number) {
      const a = await own(db, id, telegramId);
      return db.applicationTransition.findMany({
        where: { applicationId: a.id },
        orderBy: { id: 'asc' },
        select: { at: true, fromStatus: true, toStatus: true, reason: true, actorKind: true },
      });
    },
  };
}
export type ApplicationService = ReturnType<typeof applicationService>;
