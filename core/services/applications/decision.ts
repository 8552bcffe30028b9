// The two round trips of a submission (decision 0004): the application read together with the
// reference version, and the seat decision made by the `submit_decision` SQL function, so that the
// quota's row lock lives only inside the server. The function's rule is core/allocation/submit-decision.ts
// (its TypeScript twin; the property test proves they agree). Both are grouped (core/db/batch.ts): presses that
// arrive together are read by one statement and decided by one statement, in one transaction, in
// the order they arrived within each quota.

import { batcher } from '../../db/batch.ts';
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

type Own = { application: Application | null; version: bigint };

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
  | { outcome: 'admitted' | 'waitlisted' | 'awaiting_approval'; receivedSeq: bigint }
  | { outcome: 'repeated'; receivedSeq: bigint | null }
  | { outcome: 'not_found' | 'changed' | 'no_quota' | 'school_full'; receivedSeq: null };

const DECIDE = `SELECT u.ord, d.outcome, d.received_seq
  FROM unnest($1::bigint[], $2::bigint[], $3::integer[], $4::text[], $5::text[], $6::text[], $7::integer[],
              $8::boolean[], $9::timestamptz[], $10::timestamptz[], $11::boolean[], $12::text[], $13::text[],
              $14::text[], $15::text[], $16::text[])
       WITH ORDINALITY AS u(app, tg, school, lang, campaign, basis, stage, catchment, at, due, refuse,
                            submitted, admitted, waitlisted, actor_kind, actor_id, ord)
  CROSS JOIN LATERAL submit_decision(u.app, u.tg, u.school, u.lang, u.campaign, u.basis, u.stage,
    u.catchment, u.at, u.due, u.refuse, u.submitted, u.admitted, u.waitlisted, u.actor_kind, u.actor_id) d
  ORDER BY u.ord`;

function decisionParams(items: DecisionInput[]): unknown[] {
  const col = <T>(f: (d: DecisionInput) => T) => items.map(f);
  return [
    col((d) => int8(d.applicationId)),
    col((d) => int8(d.telegramId)),
    col((d) => d.schoolId),
    col((d) => d.language),
    col((d) => d.campaignId),
    col((d) => d.basis),
    col((d) => d.stageOrdinal),
    col((d) => d.catchmentMatch),
    col((d) => d.at),
    col((d) => d.documentsDueAt),
    col((d) => d.refuseWhenFull),
    col((d) => d.statuses.submitted),
    col((d) => d.statuses.admitted),
    col((d) => d.statuses.waitlisted),
    col((d) => d.actor.kind),
    col((d) => d.actor.id),
  ];
}

function toResult(d: DecisionInput, r: { outcome: string; received_seq: bigint | null }): DecisionResult {
  const outcome =
    r.outcome === d.statuses.admitted
      ? 'admitted'
      : r.outcome === d.statuses.waitlisted
        ? 'waitlisted'
        : r.outcome;
  return { outcome, receivedSeq: r.received_seq } as DecisionResult;
}

/** Quota by quota, each quota's presses in the order they came: one lock order for every group. */
function lockOrder(items: DecisionInput[]): number[] {
  return items
    .map((d, i) => ({ d, i }))
    .sort(
      (x, y) =>
        x.d.schoolId - y.d.schoolId ||
        (x.d.language < y.d.language ? -1 : x.d.language > y.d.language ? 1 : 0) ||
        x.i - y.i,
    )
    .map((x) => x.i);
}

export function submissionStatements(db: Db) {
  async function decideGroup(items: DecisionInput[]): Promise<DecisionResult[]> {
    const order = lockOrder(items);
    const sorted = order.map((i) => items[i] as DecisionInput);
    const rows = await sql<{ ord: bigint; outcome: string; received_seq: bigint | null }>(
      db,
      'kattoo_submit_decisions',
      DECIDE,
      decisionParams(sorted),
    );
    const out: DecisionResult[] = new Array(items.length);
    for (const r of rows) {
      const k = Number(r.ord) - 1;
      const i = order[k] as number;
      out[i] = toResult(items[i] as DecisionInput, r);
    }
    return out;
  }

  const decideMany = batcher<DecisionInput, DecisionResult | { error: unknown }>(
    async (items) => {
      try {
        return await decideGroup(items);
      } catch (e) {
        if (items.length === 1) return [{ error: e }];
        // One transaction for the group: a failure (a deadlock with another process's group, say)
        // would fail them all, so each is decided again on its own, in the order they came.
        const out: (DecisionResult | { error: unknown })[] = [];
        for (const d of items) {
          out.push(
            await decideGroup([d]).then(
              (r) => r[0] as DecisionResult,
              (error) => ({ error }),
            ),
          );
        }
        return out;
      }
    },
    { max: 100 },
  );

  const readMany = batcher<{ id: bigint; telegramId: number }, Own>(async (items) => {
    const rows = await sql<Application & { ref_version: bigint; ord: bigint }>(
      db,
      'kattoo_read_own_with_version',
      `SELECT u.ord, ${SELECT}, v.version AS ref_version
       FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS u(id, tg, ord)
       CROSS JOIN reference_version v
       LEFT JOIN application a ON a.id = u.id AND a.telegram_id = u.tg
       WHERE v.id = 1
       ORDER BY u.ord`,
      [items.map((i) => int8(i.id)), items.map((i) => int8(i.telegramId))],
    );
    if (rows.length !== items.length) throw new Error('reference_version has no row: migrations not applied');
    return rows.map(({ ref_version, ord: _ord, ...application }) => ({
      application: application.id === null ? null : (application as Application),
      version: ref_version,
    }));
  });

  return {
    /** The application if it is this Telegram user's, and the reference version. */
    readOwnWithVersion(id: bigint, telegramId: number): Promise<Own> {
      return readMany({ id, telegramId });
    },
    /** Locks the draft and its quota, takes a seat or waitlists, and records it all. */
    async decide(d: DecisionInput): Promise<DecisionResult> {
      const r = await decideMany(d);
      if ('error' in r) throw r.error;
      return r;
    },
  };
}
export type SubmissionStatements = ReturnType<typeof submissionStatements>;
