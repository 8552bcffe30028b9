// The two round trips of a submission (decision 0004): the application read together with the
// reference version, and the seat decision made by the `submit_decision` SQL function, so that the
// quota's row lock lives only inside the server.
import type { Application, Db } from '../../db/client.ts';
import { int8, sql } from '../../db/sql.ts';

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
const SELECT = FIELDS.map(([f, c]) => `a.${c} AS "${f}"`).join(', ');

/** The application if it is this Telegram user's, and the reference version, in one query. */
export async function readOwnWithVersion(
  db: Db,
  id: bigint,
  telegramId: number,
): Promise<{ application: Application | null; version: bigint }> {
  const rows = await sql<Application & { ref_version: bigint }>(
    db,
    'kattoo_read_own_with_version',
    `SELECT ${SELECT}, v.version AS ref_version
     FROM reference_version v
     LEFT JOIN application a ON a.id = $1 AND a.telegram_id = $2
     WHERE v.id = 1`,
    [int8(id), int8(telegramId)],
  );
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
  const rows = await sql<{ outcome: string; received_seq: bigint | null }>(
    db,
    'kattoo_submit_decision',
    `SELECT outcome, received_seq FROM submit_decision(
       $1::bigint, $2::bigint, $3::integer, $4::text, $5::text, $6::text, $7::integer, $8::boolean,
       $9::timestamptz, $10::timestamptz, $11::boolean, $12::text, $13::text, $14::text, $15::text, $16::text)`,
    [
      int8(d.applicationId),
      int8(d.telegramId),
      d.schoolId,
      d.language,
      d.campaignId,
      d.basis,
      d.stageOrdinal,
      d.catchmentMatch,
      d.at,
      d.documentsDueAt,
      d.refuseWhenFull,
      d.statuses.submitted,
      d.statuses.admitted,
      d.statuses.waitlisted,
      d.actor.kind,
      d.actor.id,
    ],
  );
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
