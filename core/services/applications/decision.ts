// The two round trips of a submission (decision 0004): the application read together with the
// reference version, and the seat decision made by the `submit_decision` SQL function, so that the
// quota's row lock lives only inside the server.
import { type Application, type Db, Prisma } from '../../db/client.ts';

/** Application columns under the client's field names, enums as text (as the client returns them). */
const FIELDS: [keyof Application, string][] = [
  ['id', 'id'],
  ['number', 'number'],
  ['campaignId', 'campaign_id'],
  ['telegramId', 'telegram_id'],
  ['applicantPin', 'applicant_pin'],
  ['childPin', 'child_pin'],
  ['certificateSeries', 'certificate_series'],
  ['certificateNumber', 'certificate_number'],
  ['status', 'status::text'],
  ['verification', 'verification::text'],
  ['verificationNote', 'verification_note'],
  ['verifiedAt', 'verified_at'],
  ['relation', 'relation'],
  ['child', 'child'],
  ['registeredAddress', 'registered_address'],
  ['actualAddress', 'actual_address'],
  ['basis', 'basis::text'],
  ['stageOrdinal', 'stage_ordinal'],
  ['schoolId', 'school_id'],
  ['language', 'language::text'],
  ['catchmentMatch', 'catchment_match'],
  ['priority', 'priority::text'],
  ['priorityStatus', 'priority_status::text'],
  ['priorityDueAt', 'priority_due_at'],
  ['phone', 'phone'],
  ['consentAt', 'consent_at'],
  ['submittedAt', 'submitted_at'],
  ['receivedSeq', 'received_seq'],
  ['decidedAt', 'decided_at'],
  ['documentsDueAt', 'documents_due_at'],
  ['swapSchoolId', 'swap_school_id'],
  ['swapLanguage', 'swap_language::text'],
  ['swapSeq', 'swap_seq'],
  ['swapCatchment', 'swap_catchment'],
  ['swapCount', 'swap_count'],
  ['createdAt', 'created_at'],
  ['updatedAt', 'updated_at'],
];
const SELECT = Prisma.raw(FIELDS.map(([f, c]) => `a.${c} AS "${f}"`).join(', '));

/** The application if it is this Telegram user's, and the reference version, in one query. */
export async function readOwnWithVersion(
  db: Db,
  id: bigint,
  telegramId: number,
): Promise<{ application: Application | null; version: bigint }> {
  const rows = await db.$queryRaw<(Application & { ref_version: bigint })[]>`
    SELECT ${SELECT}, v.version AS ref_version
    FROM reference_version v
    LEFT JOIN application a ON a.id = ${id} AND a.telegram_id = ${BigInt(telegramId)}
    WHERE v.id = 1`;
  const row = rows[0];
  if (!row) throw new Error('reference_version has no row: migrations not applied');
  const { ref_version, ...application } = row;
  return { application: application.id === null ? null : (application as Application), version: ref_version };
}

export type DecisionInput = {
  applicationId: bigint;
  telegramId: number;
  schoolId: number;
  language: string;
  campaignId: string;
  basis: string;
  stageOrdinal: number;
  catchmentMatch: boolean;
  at: Date;
  documentsDueAt: Date;
  /** stage III: a full school refuses rather than waitlists */
  refuseWhenFull: boolean;
  statuses: { submitted: string; admitted: string; waitlisted: string };
  actor: { kind: string; id: string };
};

export type DecisionResult =
  | { outcome: 'admitted' | 'waitlisted'; receivedSeq: bigint }
  | { outcome: 'repeated'; receivedSeq: bigint | null }
  | { outcome: 'not_found' | 'changed' | 'no_quota' | 'school_full'; receivedSeq: null };

/** Locks the draft and its quota, takes a seat or waitlists, and records it all (one statement). */
export async function decideSubmission(db: Db, d: DecisionInput): Promise<DecisionResult> {
  const rows = await db.$queryRaw<{ outcome: string; received_seq: bigint | null }[]>`
    SELECT outcome, received_seq FROM submit_decision(
      ${d.applicationId}::bigint, ${BigInt(d.telegramId)}::bigint, ${d.schoolId}::integer, ${d.language}::text,
      ${d.campaignId}::text, ${d.basis}::text, ${d.stageOrdinal}::integer, ${d.catchmentMatch}::boolean,
      ${d.at}::timestamptz, ${d.documentsDueAt}::timestamptz, ${d.refuseWhenFull}::boolean,
      ${d.statuses.submitted}::text, ${d.statuses.admitted}::text, ${d.statuses.waitlisted}::text,
      ${d.actor.kind}::text, ${d.actor.id}::text)`;
  const r = rows[0];
  if (!r) throw new Error('submit_decision returned no row');
  const outcome =
    r.outcome === d.statuses.admitted
      ? 'admitted'
      : r.outcome === d.statuses.waitlisted
        ? 'waitlisted'
        : r.outcome;
  return { outcome, receivedSeq: r.received_seq } as DecisionResult;
}
