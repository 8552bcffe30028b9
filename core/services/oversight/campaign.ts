// The year's campaign set up by the ministry from a file (K-CAMP-1, R-16.1): academic year, eligible
// birth-date window, stages with their allocation mode and opening/closing instants (Asia/Bishkek),
// the document deadline, the cancellation limit and the priority categories with their legal
// references. After the release a standing free-seats stage runs from the day after the document
// deadline until `freeSeatsUntil` (default 31 May of the school year) for released families, families
// that missed registration and movers (R-16.6, decision 0009); the file does not list it, it is
// derived and stored as the last stage. A seat offered late gives at least `offerWorkingDays` working
// days for the documents (default 5). The file is checked whole (shape by zod, then order, overlaps and bounds) and every
// problem is reported with its path. Applying creates or updates the campaign in one transaction;
// once a stage has opened, nothing that is already in force changes (nor does a new instant land in
// the past) unless an audited reason is given (AuditEvent, K-CORE-4).
//
// The campaign table has no column for the priority categories: the applied file, with them, is kept
// in the campaign's audit event (`campaign.created` / `campaign.updated` / `campaign.changed_after_opening`,
// subject `campaign:<id>`), and `show` reads them back from the latest one.
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import type { Db, Prisma } from '../../db/client.ts';
import {
  afterReleaseOpening,
  defaultAfterReleaseUntil,
  endOfDate,
  isAfterRelease,
} from '../../domain/campaign.ts';
import { can } from '../../domain/roles.ts';
import { addDays, bishkekDate } from '../../domain/working-days.ts';
import type { IdentityService } from '../identity.ts';
import { OFFER_WORKING_DAYS } from '../school/local-time.ts';
import { OversightError } from './errors.ts';

export const STAGE_KINDS = ['catchment', 'actual_residence', 'free_seats', 'documents'] as const;
export type StageKind = (typeof STAGE_KINDS)[number];
export const REGISTRATION_KINDS = ['catchment', 'actual_residence', 'free_seats'] as const;
export const PRIORITY_CATEGORIES = ['military', 'kairylman', 'staff'] as const;
export type PriorityCategory = (typeof PRIORITY_CATEGORIES)[number];

/** Children are at least this old on 1 September of the year the school year starts… */
export const MIN_AGE_YEARS = 5;
/** …and younger than this (older children go through the Commission, K-CAMP-2). */
export const MAX_AGE_YEARS = 9;
/** The eligible window spans at most this many years. */
export const MAX_WINDOW_YEARS = 3;
/** A file larger than this is refused before it is parsed. */
export const MAX_FILE_BYTES = 64 * 1024;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const LOCAL_INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?$/;

const isoDate = z
  .string()
  .regex(DATE, 'a date as YYYY-MM-DD')
  .refine(
    (s) =>
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    {
      message: 'no such date',
    },
  );

/** "2026-04-01T10:00" is Bishkek time; an explicit offset ("+06:00", "Z") is honoured. */
const instant = z
  .string()
  .regex(LOCAL_INSTANT, 'an instant as YYYY-MM-DDTHH:MM (Asia/Bishkek) or with an offset')
  .transform((s, ctx) => {
    const m = LOCAL_INSTANT.exec(s);
    const [, date, hh, mm, ss, offset] = m ?? [];
    const d = new Date(`${date}T${hh}:${mm}:${ss ?? '00'}${offset ?? '+06:00'}`);
    if (Number.isNaN(d.getTime()) || Number(hh) > 23 || Number(mm) > 59) {
      ctx.addIssue({ code: 'custom', message: 'no such instant' });
      return z.NEVER;
    }
    return d;
  });

const stageSchema = z.strictObject({
  ordinal: z.number().int().min(1).max(20).optional(),
  kind: z.enum(STAGE_KINDS),
  mode: z.enum(['queue', 'window']).default('queue'),
  opens: instant,
  closes: instant,
});

const prioritySchema = z.strictObject({
  category: z.enum(PRIORITY_CATEGORIES),
  legalReference: z.string().trim().min(3).max(300),
});

/** The shape of a campaign file (`docs/campaign-2026-27.json` is an example). */
export const campaignFileSchema = z.strictObject({
  $comment: z.string().optional(),
  id: z.string().regex(/^\d{4}-\d{2}$/, 'the campaign id as YYYY-YY, e.g. 2026-27'),
  academicYear: z.string().regex(/^\d{4}\/\d{2}$/, 'the academic year as YYYY/YY, e.g. 2026/27'),
  active: z.boolean().default(true),
  birthDate: z.strictObject({ from: isoDate, to: isoDate }),
  stages: z.array(stageSchema).min(1).max(10),
  documentsDeadline: instant,
  /** the last day of the standing free-seats stage after the release (default: 31 May of the school year) */
  freeSeatsUntil: isoDate.optional(),
  /** the least working days to bring the documents for a seat offered late */
  offerWorkingDays: z.number().int().min(1).max(20).default(OFFER_WORKING_DAYS),
  cancellationLimit: z.number().int().min(0).max(10),
  priorityCategories: z.array(prioritySchema).max(PRIORITY_CATEGORIES.length),
});
export type CampaignFileInput = z.input<typeof campaignFileSchema>;

/** A campaign as the file sets it, ordinals filled in. */
export type CampaignPlan = {
  id: string;
  academicYear: string;
  active: boolean;
  birthFrom: string;
  birthTo: string;
  /** the file's stages, then the standing free-seats stage after the release (derived, last) */
  stages: { ordinal: number; kind: StageKind; mode: 'queue' | 'window'; opensAt: Date; closesAt: Date }[];
  documentsDeadline: Date;
  /** the last day (Bishkek) of the free-seats stage after the release */
  freeSeatsUntil: string;
  offerWorkingDays: number;
  cancellationLimit: number;
  priorityCategories: { category: PriorityCategory; legalReference: string }[];
};

/** One problem of a file: where (a path like `stages[1].opens`), a code, an English message. */
export type FileProblem = {
  path: string;
  code: string;
  message: string;
  params?: Record<string, string | number>;
};

export type ParsedFile = { ok: true; plan: CampaignPlan } | { ok: false; problems: FileProblem[] };

function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(file)';
}

const ymd = (d: Date) => d.toISOString().slice(0, 10);
const local = (d: Date) =>
  `${bishkekDate(d)} ${new Date(d.getTime() + 6 * 3_600_000).toISOString().slice(11, 16)}`;

function addYears(date: string, years: number): string {
  return `${Number(date.slice(0, 4)) + years}${date.slice(4)}`;
}

/** The order and bounds rules over a well-shaped file (pure). */
export function checkPlan(plan: CampaignPlan): FileProblem[] {
  const problems: FileProblem[] = [];
  const add = (path: string, code: string, message: string, params?: Record<string, string | number>) =>
    problems.push({ path, code, message, ...(params ? { params } : {}) });

  const startYear = Number(plan.academicYear.slice(0, 4));
  if (Number(plan.academicYear.slice(5)) !== (startYear + 1) % 100)
    add('academicYear', 'academic_year', 'the academic year runs over two consecutive years, e.g. 2026/27');
  if (plan.id !== `${startYear}-${plan.academicYear.slice(5)}`)
    add(
      'id',
      'id_year_mismatch',
      `the id must name the academic year: ${startYear}-${plan.academicYear.slice(5)}`,
      {
        expected: `${startYear}-${plan.academicYear.slice(5)}`,
      },
    );

  // the eligible window: children of school age on 1 September of the start year (R-16.2, K-CAMP-2)
  const firstSeptember = `${startYear}-09-01`;
  if (plan.birthFrom > plan.birthTo)
    add('birthDate', 'birth_window_order', 'the window starts after it ends');
  else {
    if (plan.birthTo > addYears(firstSeptember, -MIN_AGE_YEARS))
      add(
        'birthDate.to',
        'birth_window_too_young',
        `children born after ${addYears(firstSeptember, -MIN_AGE_YEARS)} are younger than ${MIN_AGE_YEARS} on 1 September`,
        {
          limit: addYears(firstSeptember, -MIN_AGE_YEARS),
          years: MIN_AGE_YEARS,
        },
      );
    if (plan.birthFrom <= addYears(firstSeptember, -MAX_AGE_YEARS))
      add(
        'birthDate.from',
        'birth_window_too_old',
        `children born on or before ${addYears(firstSeptember, -MAX_AGE_YEARS)} are ${MAX_AGE_YEARS} or older on 1 September`,
        {
          limit: addYears(firstSeptember, -MAX_AGE_YEARS),
          years: MAX_AGE_YEARS,
        },
      );
    if (plan.birthTo >= addYears(plan.birthFrom, MAX_WINDOW_YEARS))
      add('birthDate', 'birth_window_too_wide', `the window spans ${MAX_WINDOW_YEARS} years or more`, {
        years: MAX_WINDOW_YEARS,
      });
  }

  // stages: each opens before it closes, inside the start year; ordinals unique
  const yearFrom = `${startYear}-01-01`;
  const yearTo = `${startYear}-12-31`;
  const seenOrdinals = new Map<number, number>();
  const afterRelease = (s: CampaignPlan['stages'][number]) => isAfterRelease(s, plan.documentsDeadline);
  const standing = plan.stages.filter(afterRelease);
  plan.stages.forEach((s, i) => {
    const at = `stages[${i}]`;
    const dup = seenOrdinals.get(s.ordinal);
    if (dup !== undefined)
      add(`${at}.ordinal`, 'ordinal_duplicate', `ordinal ${s.ordinal} is already used by stages[${dup}]`, {
        ordinal: s.ordinal,
        other: dup,
      });
    seenOrdinals.set(s.ordinal, i);
    if (afterRelease(s)) {
      // the file lists registration before the deadline; the stage after it comes from freeSeatsUntil
      if (s !== standing[standing.length - 1])
        add(
          `${at}.opens`,
          'stage_after_deadline',
          'a registration stage opens after the document deadline: the free-seats stage after the release is set by freeSeatsUntil',
        );
      return;
    }
    if (s.opensAt >= s.closesAt)
      add(`${at}.closes`, 'stage_closes_before_opening', 'the stage closes before it opens');
    for (const [field, value] of [
      ['opens', s.opensAt],
      ['closes', s.closesAt],
    ] as const) {
      const d = bishkekDate(value);
      if (d < yearFrom || d > yearTo)
        add(
          `${at}.${field}`,
          'stage_outside_year',
          `${d} is outside ${startYear}, the year registration for ${plan.academicYear} runs`,
          {
            year: startYear,
          },
        );
    }
    if (s.kind === 'documents' && s.mode !== 'queue')
      add(`${at}.mode`, 'documents_mode', 'the document window allocates nothing: its mode is queue');
    // K-CAMP-4: the window mode (seeded lottery, deferred acceptance) is not built yet. Accepting it
    // would silently run first-come-first-served while officials believe a lottery is in force.
    else if (s.mode === 'window')
      add(
        `${at}.mode`,
        'window_mode_unavailable',
        'the window mode (lottery at the close) is not available yet: use "queue"',
      );
  });

  // registration stages: in the order of K-CAMP-1, one of each kind, not overlapping
  const registration = plan.stages
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => s.kind !== 'documents' && !afterRelease(s));
  if (registration.length === 0) add('stages', 'no_registration_stage', 'no registration stage');
  const kindSeen = new Map<string, number>();
  for (const { s, i } of registration) {
    const other = kindSeen.get(s.kind);
    if (other !== undefined)
      add(`stages[${i}].kind`, 'stage_kind_duplicate', `a second ${s.kind} stage (first: stages[${other}])`, {
        other,
      });
    kindSeen.set(s.kind, i);
  }
  const rank = (k: StageKind) => REGISTRATION_KINDS.indexOf(k as (typeof REGISTRATION_KINDS)[number]);
  for (let j = 1; j < registration.length; j++) {
    const prev = registration[j - 1];
    const cur = registration[j];
    if (!prev || !cur) continue;
    if (cur.s.ordinal < prev.s.ordinal || cur.s.opensAt < prev.s.opensAt)
      add(
        `stages[${cur.i}]`,
        'stage_order',
        `stages are listed in the order they open (stages[${prev.i}] opens later)`,
        {
          other: prev.i,
        },
      );
    if (rank(cur.s.kind) < rank(prev.s.kind))
      add(
        `stages[${cur.i}].kind`,
        'stage_kind_order',
        `${cur.s.kind} cannot come after ${prev.s.kind} (catchment, then actual residence, then free seats)`,
        {
          kind: cur.s.kind,
          previous: prev.s.kind,
        },
      );
  }
  const byOpening = [...registration].sort((a, b) => a.s.opensAt.getTime() - b.s.opensAt.getTime());
  for (let j = 1; j < byOpening.length; j++) {
    const prev = byOpening[j - 1];
    const cur = byOpening[j];
    if (prev && cur && cur.s.opensAt < prev.s.closesAt)
      add(
        `stages[${cur.i}].opens`,
        'stage_overlap',
        `opens before stages[${prev.i}] closes (${local(prev.s.closesAt)})`,
        {
          other: prev.i,
          closes: local(prev.s.closesAt),
        },
      );
  }

  // the document window and the deadline come after the registration stages
  const documents = plan.stages.map((s, i) => ({ s, i })).filter(({ s }) => s.kind === 'documents');
  for (const extra of documents.slice(1))
    add(`stages[${extra.i}].kind`, 'stage_kind_duplicate', 'a second document window', {
      other: documents[0]?.i ?? 0,
    });
  const firstOpen = byOpening[0]?.s.opensAt;
  const lastClose = registration.reduce<Date | null>(
    (m, { s }) => (m === null || s.closesAt > m ? s.closesAt : m),
    null,
  );
  for (const { s, i } of documents) {
    if (firstOpen && s.opensAt < firstOpen)
      add(
        `stages[${i}].opens`,
        'documents_before_registration',
        'the document window opens before registration does',
      );
    if (s.closesAt > plan.documentsDeadline)
      add(
        `stages[${i}].closes`,
        'documents_after_deadline',
        'the document window closes after the document deadline',
      );
  }
  if (lastClose && plan.documentsDeadline < lastClose)
    add(
      'documentsDeadline',
      'deadline_before_stages',
      `the document deadline is before the last registration stage closes (${local(lastClose)})`,
      {
        closes: local(lastClose),
      },
    );

  // the standing free-seats stage after the release: at least its first day, at most the school year
  const opening = afterReleaseOpening(plan.documentsDeadline);
  const lastDay = `${startYear + 1}-08-31`;
  if (plan.freeSeatsUntil < bishkekDate(opening))
    add(
      'freeSeatsUntil',
      'free_seats_until_early',
      `the free-seats stage after the release opens on ${bishkekDate(opening)}; it cannot end before`,
      { date: bishkekDate(opening) },
    );
  else if (plan.freeSeatsUntil > lastDay)
    add('freeSeatsUntil', 'free_seats_until_late', `the school year ends on ${lastDay}`, { date: lastDay });

  const seenCategories = new Set<string>();
  plan.priorityCategories.forEach((p, i) => {
    if (seenCategories.has(p.category))
      add(`priorityCategories[${i}].category`, 'priority_duplicate', `${p.category} is listed twice`);
    seenCategories.add(p.category);
  });
  return problems;
}

/** Parses and checks a campaign file (JSON text or a value); every problem with its path. */
export function parseCampaignFile(input: string | unknown): ParsedFile {
  let value: unknown = input;
  if (typeof input === 'string') {
    if (Buffer.byteLength(input) > MAX_FILE_BYTES)
      return {
        ok: false,
        problems: [{ path: '(file)', code: 'too_large', message: `larger than ${MAX_FILE_BYTES} bytes` }],
      };
    try {
      value = JSON.parse(input.replace(/^\uFEFF/, ''));
    } catch (e) {
      return {
        ok: false,
        problems: [
          {
            path: '(file)',
            code: 'not_json',
            message: `not JSON: ${e instanceof Error ? e.message : String(e)}`,
          },
        ],
      };
    }
  }
  const parsed = campaignFileSchema.safeParse(value);
  if (!parsed.success)
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => ({
        path: pathText(i.path),
        code: 'shape',
        message: i.message,
      })),
    };
  const f = parsed.data;
  const freeSeatsUntil = f.freeSeatsUntil ?? defaultAfterReleaseUntil(f.academicYear);
  const listed = f.stages.map((s, i) => ({
    ordinal: s.ordinal ?? i + 1,
    kind: s.kind,
    mode: s.mode,
    opensAt: s.opens,
    closesAt: s.closes,
  }));
  const plan: CampaignPlan = {
    id: f.id,
    academicYear: f.academicYear,
    active: f.active,
    birthFrom: f.birthDate.from,
    birthTo: f.birthDate.to,
    stages: [
      ...listed,
      {
        ordinal: Math.max(0, ...listed.map((s) => s.ordinal)) + 1,
        kind: 'free_seats',
        mode: 'queue',
        opensAt: afterReleaseOpening(f.documentsDeadline),
        closesAt: endOfDate(freeSeatsUntil),
      },
    ],
    documentsDeadline: f.documentsDeadline,
    freeSeatsUntil,
    offerWorkingDays: f.offerWorkingDays,
    cancellationLimit: f.cancellationLimit,
    priorityCategories: f.priorityCategories,
  };
  const problems = checkPlan(plan);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, plan };
}

/** A campaign as stored (with the priority categories of its latest applied file). */
export type StoredCampaign = Omit<CampaignPlan, 'priorityCategories' | 'freeSeatsUntil'> & {
  priorityCategories: CampaignPlan['priorityCategories'] | null;
  /** null: a campaign set up before the stage after the release existed */
  freeSeatsUntil: string | null;
};

/** One difference between the stored campaign and a file; `retroactive` ones need a reason. */
export type CampaignChange = {
  path: string;
  from: string | null;
  to: string | null;
  retroactive: boolean;
};

const stageText = (s: CampaignPlan['stages'][number]) =>
  `${s.kind} ${s.mode} ${local(s.opensAt)} → ${local(s.closesAt)}`;

/**
 * What applying `next` over `stored` changes at `now`, each change marked retroactive when it touches
 * what is already in force: a stage that has opened (its kind, mode, times, or its removal); the
 * campaign-wide rules (window, deadline, cancellation limit, priority categories) once any stage has
 * opened; and any new instant that is already past.
 */
export function planChanges(stored: StoredCampaign | null, next: CampaignPlan, now: Date): CampaignChange[] {
  const changes: CampaignChange[] = [];
  const started = stored ? stored.stages.some((s) => s.opensAt <= now) : false;
  const push = (path: string, from: string | null, to: string | null, retroactive: boolean) => {
    if (from !== to) changes.push({ path, from, to, retroactive });
  };
  push('academicYear', stored?.academicYear ?? null, next.academicYear, started);
  push(
    'active',
    stored ? String(stored.active) : null,
    String(next.active),
    started && stored?.active === true && !next.active,
  );
  push('birthDate.from', stored?.birthFrom ?? null, next.birthFrom, started);
  push('birthDate.to', stored?.birthTo ?? null, next.birthTo, started);
  push(
    'documentsDeadline',
    stored ? local(stored.documentsDeadline) : null,
    local(next.documentsDeadline),
    started || next.documentsDeadline <= now,
  );
  push(
    'cancellationLimit',
    stored ? String(stored.cancellationLimit) : null,
    String(next.cancellationLimit),
    started,
  );
  // offers already made keep their deadline; the new number applies to the next offer
  push(
    'offerWorkingDays',
    stored ? String(stored.offerWorkingDays) : null,
    String(next.offerWorkingDays),
    false,
  );
  const cats = (p: CampaignPlan['priorityCategories'] | null | undefined) =>
    p ? p.map((c) => `${c.category}: ${c.legalReference}`).join('; ') : null;
  if (!stored || stored.priorityCategories !== null || next.priorityCategories.length > 0)
    // a campaign set up before files (seeded) has no recorded categories: recording them changes nothing in force
    push(
      'priorityCategories',
      cats(stored?.priorityCategories),
      cats(next.priorityCategories),
      started && stored?.priorityCategories !== null,
    );

  const before = new Map((stored?.stages ?? []).map((s) => [s.ordinal, s]));
  const after = new Map(next.stages.map((s) => [s.ordinal, s]));
  for (const s of next.stages) {
    const old = before.get(s.ordinal);
    const opened = old !== undefined && old.opensAt <= now;
    const pastInstant =
      (old?.opensAt.getTime() !== s.opensAt.getTime() && s.opensAt <= now) ||
      (old?.closesAt.getTime() !== s.closesAt.getTime() && s.closesAt <= now);
    push(`stage ${s.ordinal}`, old ? stageText(old) : null, stageText(s), opened || pastInstant);
  }
  for (const old of stored?.stages ?? [])
    if (!after.has(old.ordinal)) push(`stage ${old.ordinal}`, stageText(old), null, old.opensAt <= now);
  return changes;
}

export type ValidationReport =
  | { ok: false; problems: FileProblem[] }
  | {
      ok: true;
      plan: CampaignPlan;
      /** null: a new campaign */
      stored: StoredCampaign | null;
      changes: CampaignChange[];
      /** a reason must be given to apply (some change is retroactive) */
      reasonRequired: boolean;
      /** other campaigns that applying an active file deactivates */
      deactivates: string[];
    };

export type ApplyResult =
  | { status: 'created' | 'updated'; plan: CampaignPlan; changes: CampaignChange[]; retroactive: boolean }
  | { status: 'unchanged'; plan: CampaignPlan; changes: [] };

export type CampaignActor = { kind: 'telegram' | 'cli' | 'system'; id: string };

type Tx = Prisma.TransactionClient;

async function loadStored(client: Db | Tx, id: string): Promise<StoredCampaign | null> {
  const c = await client.campaign.findUnique({
    where: { id },
    include: { stages: { orderBy: { ordinal: 'asc' } } },
  });
  if (!c) return null;
  const last = await client.auditEvent.findFirst({
    where: {
      subject: `campaign:${id}`,
      action: { in: ['campaign.created', 'campaign.updated', 'campaign.changed_after_opening'] },
    },
    orderBy: { id: 'desc' },
  });
  const file = (
    last?.details as { file?: { priorityCategories?: CampaignPlan['priorityCategories'] } } | null
  )?.file;
  const standing = c.stages.find((s) => isAfterRelease(s, c.documentsDeadline));
  return {
    id: c.id,
    academicYear: c.academicYear,
    active: c.active,
    birthFrom: ymd(c.birthFrom),
    birthTo: ymd(c.birthTo),
    stages: c.stages.map((s) => ({
      ordinal: s.ordinal,
      kind: s.kind,
      mode: s.mode,
      opensAt: s.opensAt,
      closesAt: s.closesAt,
    })),
    documentsDeadline: c.documentsDeadline,
    freeSeatsUntil: standing ? addDays(bishkekDate(standing.closesAt), -1) : null,
    offerWorkingDays: c.offerWorkingDays,
    cancellationLimit: c.cancellationLimit,
    priorityCategories: file?.priorityCategories ?? null,
  };
}

/** The file as it is kept in the audit event (instants as ISO strings). */
function fileRecord(plan: CampaignPlan) {
  return {
    id: plan.id,
    academicYear: plan.academicYear,
    active: plan.active,
    birthDate: { from: plan.birthFrom, to: plan.birthTo },
    stages: plan.stages.map((s) => ({
      ordinal: s.ordinal,
      kind: s.kind,
      mode: s.mode,
      opens: s.opensAt.toISOString(),
      closes: s.closesAt.toISOString(),
    })),
    documentsDeadline: plan.documentsDeadline.toISOString(),
    freeSeatsUntil: plan.freeSeatsUntil,
    offerWorkingDays: plan.offerWorkingDays,
    cancellationLimit: plan.cancellationLimit,
    priorityCategories: plan.priorityCategories,
  };
}

export function campaignService(deps: {
  db: Db;
  clock: Clock;
  identity?: Pick<IdentityService, 'staffRoles'>;
}) {
  const { db, clock } = deps;

  async function otherActive(client: Db | Tx, id: string): Promise<string[]> {
    const rows = await client.campaign.findMany({
      where: { active: true, id: { not: id } },
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  async function validateWith(client: Db | Tx, input: string | unknown): Promise<ValidationReport> {
    const parsed = parseCampaignFile(input);
    if (!parsed.ok) return parsed;
    const stored = await loadStored(client, parsed.plan.id);
    const changes = planChanges(stored, parsed.plan, clock.now());
    return {
      ok: true,
      plan: parsed.plan,
      stored,
      changes,
      reasonRequired: changes.some((c) => c.retroactive),
      deactivates: parsed.plan.active ? await otherActive(client, parsed.plan.id) : [],
    };
  }

  async function authorizeMinistry(telegramId: number): Promise<void> {
    if (!deps.identity) throw new OversightError('forbidden');
    const links = await deps.identity.staffRoles(telegramId);
    if (!links.some((l) => can(l.actor, 'ministry.campaign.edit', { level: 'nation' })))
      throw new OversightError('forbidden');
  }

  async function apply(
    input: string | unknown,
    actor: CampaignActor,
    opts: { reason?: string | null } = {},
  ): Promise<ApplyResult> {
    const reason = opts.reason?.trim() || null;
    return db.$transaction(async (tx) => {
      const parsedId = parseCampaignFile(input);
      if (!parsedId.ok) throw new OversightError('invalid_file', { problems: parsedId.problems });
      // one writer per campaign at a time
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`campaign:${parsedId.plan.id}`}))`;
      const report = await validateWith(tx, input);
      if (!report.ok) throw new OversightError('invalid_file', { problems: report.problems });
      const { plan, stored, changes } = report;
      if (changes.length === 0 && report.deactivates.length === 0)
        return { status: 'unchanged' as const, plan, changes: [] as [] };
      const retroactive = changes.filter((c) => c.retroactive);
      if (retroactive.length > 0 && !reason)
        throw new OversightError('reason_required', { changes: retroactive });
      const now = clock.now();
      const data = {
        academicYear: plan.academicYear,
        birthFrom: new Date(`${plan.birthFrom}T00:00:00Z`),
        birthTo: new Date(`${plan.birthTo}T00:00:00Z`),
        documentsDeadline: plan.documentsDeadline,
        offerWorkingDays: plan.offerWorkingDays,
        cancellationLimit: plan.cancellationLimit,
        active: plan.active,
      };
      if (plan.active)
        await tx.campaign.updateMany({
          where: { active: true, id: { not: plan.id } },
          data: { active: false },
        });
      await tx.campaign.upsert({ where: { id: plan.id }, create: { id: plan.id, ...data }, update: data });
      const ordinals = plan.stages.map((s) => s.ordinal);
      await tx.stage.deleteMany({ where: { campaignId: plan.id, ordinal: { notIn: ordinals } } });
      for (const s of plan.stages) {
        const values = { kind: s.kind, mode: s.mode, opensAt: s.opensAt, closesAt: s.closesAt };
        await tx.stage.upsert({
          where: { campaignId_ordinal: { campaignId: plan.id, ordinal: s.ordinal } },
          create: { campaignId: plan.id, ordinal: s.ordinal, ...values },
          update: values,
        });
      }
      const action = !stored
        ? 'campaign.created'
        : retroactive.length > 0
          ? 'campaign.changed_after_opening'
          : 'campaign.updated';
      await tx.auditEvent.create({
        data: {
          at: now,
          actorKind: actor.kind,
          actorId: actor.id,
          action,
          subject: `campaign:${plan.id}`,
          details: {
            reason,
            changes,
            deactivated: report.deactivates,
            file: fileRecord(plan),
          } as unknown as Prisma.InputJsonValue,
        },
      });
      return {
        status: stored ? ('updated' as const) : ('created' as const),
        plan,
        changes,
        retroactive: retroactive.length > 0,
      };
    });
  }

  return {
    /** Parses and checks a file, and says what applying it would change (and whether a reason is needed). */
    validate: (input: string | unknown) => validateWith(db, input),

    /** Creates or updates the campaign of the file (command line: the actor is `cli`). */
    apply,

    /** The same, for a ministry officer in the bot (K-ID-3: only `ministry.campaign.edit`). */
    async validateAs(telegramId: number, input: string | unknown): Promise<ValidationReport> {
      await authorizeMinistry(telegramId);
      return validateWith(db, input);
    },
    async applyAs(telegramId: number, input: string | unknown, reason?: string | null): Promise<ApplyResult> {
      await authorizeMinistry(telegramId);
      return apply(input, { kind: 'telegram', id: String(telegramId) }, { reason: reason ?? null });
    },
    /** Whether this Telegram user may set up the campaign. */
    async mayEdit(telegramId: number): Promise<boolean> {
      return authorizeMinistry(telegramId).then(
        () => true,
        () => false,
      );
    },

    /** A stored campaign (the active one when no id is given), with its priority categories. */
    async show(id?: string): Promise<StoredCampaign | null> {
      const wanted =
        id ??
        (
          await db.campaign.findFirst({
            where: { active: true },
            orderBy: { id: 'desc' },
            select: { id: true },
          })
        )?.id;
      return wanted ? loadStored(db, wanted) : null;
    },

    /** The audited history of a campaign's set-up: who, when, what, why. */
    async history(id: string) {
      const rows = await db.auditEvent.findMany({
        where: { subject: `campaign:${id}` },
        orderBy: { id: 'asc' },
      });
      return rows.map((r) => {
        const d = r.details as { reason?: string | null; changes?: CampaignChange[] };
        return {
          at: r.at,
          action: r.action,
          actor: `${r.actorKind}:${r.actorId}`,
          reason: d.reason ?? null,
          changes: d.changes ?? [],
        };
      });
    },
  };
}
export type CampaignService = ReturnType<typeof campaignService>;
