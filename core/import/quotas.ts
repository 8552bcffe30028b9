// `kattoo import quotas`: seats per school × campaign × language (K-SEAT-1, R-10.3). A file never
// changes a quota silently: every row that changes seats or class size is a recorded quota change
// (author, reason, time, audited). Without the ministry's explicit `--approved --reason "…"` a change
// waits for the district's approval in the bot (an approved quota stays in force as it was; a new
// quota gives no seat until approved, while parents can already apply and hold their places). With
// them, the change is approved and in force at once, and children waiting get the seats in order.
// Seats never go below those already held.
import { admitOnApproval } from '../allocation/approval.ts';
import { LANGUAGES } from '../domain/reference.ts';
import { type Sql, upsertQuotas, type Written } from './bulk.ts';
import { type ImportError, importError } from './errors.ts';
import { bool, enumOf, int, schoolCode, text } from './fields.ts';
import { col, FirstSeen, isValid, type Table } from './table.ts';

/** Legal maximum class size (reference/facts.md "Territory"; K-SEAT-2). */
export const LEGAL_MAX_CLASS_SIZE = 36;

export const quotaColumns = {
  school_code: col(schoolCode),
  campaign_id: col(text(40)),
  language: col(enumOf(LANGUAGES)),
  seats: col(int({ max: 10_000 })),
  class_size: col(int({ min: 1, positive: true, max: 1_000, fallback: 25 }), true),
  approved: col(bool(false), true),
};
type C = typeof quotaColumns;

export type QuotaImportOptions = {
  /** the ministry approves its own file (`--approved`); needs a reason */
  approved?: boolean;
  reason?: string | null;
  /** who imports: `cli:<operator>` */
  author?: string;
  now?: Date;
};

const REASON_MIN = 5;

export async function importQuotas(
  sql: Sql,
  table: Table<C>,
  opts: QuotaImportOptions = {},
): Promise<{ errors: ImportError[] } | (Written & { pending: number })> {
  const approve = opts.approved === true;
  const reason = opts.reason?.replace(/\s+/g, ' ').trim() || null;
  const errors: ImportError[] = [];
  const codes = [...new Set(table.rows.flatMap((r) => (r.values.school_code ? [r.values.school_code] : [])))];
  const schools = new Map(
    (
      await sql.school.findMany({
        where: { code: { in: codes } },
        select: {
          id: true,
          code: true,
          special: true,
          participates: true,
          languages: true,
          quotas: { select: { campaignId: true, language: true, taken: true } },
        },
      })
    ).map((s) => [s.code, s]),
  );
  const campaigns = new Set((await sql.campaign.findMany({ select: { id: true } })).map((c) => c.id));

  const seen = new FirstSeen();
  if (approve && (reason === null || reason.length < REASON_MIN))
    errors.push(importError(1, '*', 'reason_required', {}));
  for (const r of table.rows) {
    const v = r.values;
    if (v.approved === true && !approve)
      errors.push(importError(r.row, 'approved', 'approved_needs_option', {}));
    const school = v.school_code === undefined ? undefined : schools.get(v.school_code);
    if (v.school_code !== undefined) {
      if (!school) errors.push(importError(r.row, 'school_code', 'unknown_school', { value: v.school_code }));
      else if (school.special)
        errors.push(importError(r.row, 'school_code', 'school_is_special', { value: v.school_code }));
      else if (!school.participates) {
        errors.push(importError(r.row, 'school_code', 'school_not_participating', { value: v.school_code }));
      }
    }
    if (v.campaign_id !== undefined && !campaigns.has(v.campaign_id)) {
      errors.push(importError(r.row, 'campaign_id', 'unknown_campaign', { value: v.campaign_id }));
    }
    if (school && v.language !== undefined && !school.languages.includes(v.language)) {
      errors.push(
        importError(r.row, 'language', 'language_not_taught', {
          value: v.language,
          languages: school.languages.join('|'),
        }),
      );
    }
    if (v.class_size !== undefined && v.class_size > LEGAL_MAX_CLASS_SIZE) {
      errors.push(
        importError(r.row, 'class_size', 'class_size_above_legal_max', {
          value: v.class_size,
          max: LEGAL_MAX_CLASS_SIZE,
        }),
      );
    }
    if (school && v.seats !== undefined) {
      const held = school.quotas.find((q) => q.campaignId === v.campaign_id && q.language === v.language);
      if (held && held.taken > v.seats) {
        errors.push(importError(r.row, 'seats', 'seats_below_taken', { value: v.seats, taken: held.taken }));
      }
    }
    if (v.school_code !== undefined && v.campaign_id !== undefined && v.language !== undefined) {
      const key = `${v.school_code}/${v.campaign_id}/${v.language}`;
      const first = seen.see(key, r.row);
      if (first !== undefined)
        errors.push(importError(r.row, 'language', 'duplicate_key', { key, first_row: first }));
    }
  }
  if (errors.length > 0 || table.errors.length > 0) return { errors };

  const now = opts.now ?? new Date();
  const author = opts.author ?? 'cli';
  const rows = table.rows.filter(isValid).map(({ values: v }) => ({
    schoolId: schools.get(v.school_code)?.id ?? -1,
    campaignId: v.campaign_id,
    language: v.language,
    seats: v.seats,
    classSize: v.class_size,
  }));
  // the quotas the file names, locked for the transaction (set-based: a national file has thousands)
  const current = await sql.$queryRaw<
    {
      school_id: number;
      campaign_id: string;
      language: string;
      seats: number;
      class_size: number;
      approved: boolean;
    }[]
  >`SELECT q.school_id, q.campaign_id, q.language::text AS language, q.seats, q.class_size, q.approved
    FROM quota q JOIN unnest(${rows.map((r) => r.schoolId)}::int[], ${rows.map((r) => r.campaignId)}::text[],
                             ${rows.map((r) => r.language)}::text[]) AS k(school_id, campaign_id, language)
      ON q.school_id = k.school_id AND q.campaign_id = k.campaign_id AND q.language::text = k.language
    ORDER BY q.school_id, q.campaign_id, q.language
    FOR UPDATE OF q`;
  const keyOf = (r: { schoolId: number; campaignId: string; language: string }) =>
    `${r.schoolId}/${r.campaignId}/${r.language}`;
  const byKey = new Map(current.map((q) => [`${q.school_id}/${q.campaign_id}/${q.language}`, q]));
  const changes = rows.flatMap((r) => {
    const q = byKey.get(keyOf(r)) ?? null;
    const same = q !== null && q.seats === r.seats && q.class_size === r.classSize;
    if (same && (q.approved || !approve)) return []; // nothing changes: no record
    return [{ ...r, current: q, inForce: q?.approved === true }];
  });
  const out = { inserted: 0, updated: 0, pending: 0 };
  if (changes.length === 0) return out;

  // a newer proposal of the same quota replaces one still waiting (as in the bot)
  await sql.$executeRaw`
    UPDATE quota_change c SET status = 'rejected', decided_at = ${now}, decision_note = 'superseded'
    FROM unnest(${changes.map((c) => c.schoolId)}::int[], ${changes.map((c) => c.campaignId)}::text[],
                ${changes.map((c) => c.language)}::text[]) AS k(school_id, campaign_id, language)
    WHERE c.status = 'submitted' AND c.school_id = k.school_id AND c.campaign_id = k.campaign_id
      AND c.language::text = k.language`;
  // set-based, as bulk.ts: Prisma's createMany binds every cell, too slow for a national file
  const col = <T>(f: (c: (typeof changes)[number]) => T) => changes.map(f);
  await sql.$executeRaw`
    INSERT INTO quota_change (school_id, campaign_id, language, from_seats, to_seats, class_size, reason,
                              status, requested_by, author, requested_at, decided_at, decision_note)
    SELECT school_id, campaign_id, language::"Language", from_seats, to_seats, class_size, ${reason},
           ${approve ? 'approved' : 'submitted'}, NULL, ${author}, ${now},
           ${approve ? now : null}::timestamptz, ${approve ? 'approved by the ministry with its file' : null}
    FROM unnest(${col((c) => c.schoolId)}::int[], ${col((c) => c.campaignId)}::text[],
                ${col((c) => c.language)}::text[], ${col((c) => (c.inForce ? (c.current?.seats ?? null) : null))}::int[],
                ${col((c) => c.seats)}::int[], ${col((c) => c.classSize)}::int[])
      AS v(school_id, campaign_id, language, from_seats, to_seats, class_size)`;
  // In force at once (approved), or a quota not in force yet whose numbers wait for the district;
  // an approved quota in force stays as it is until the district approves the change.
  const written = changes.filter((c) => approve || !c.inForce);
  await upsertQuotas(
    sql,
    written.map((c) => ({
      schoolId: c.schoolId,
      campaignId: c.campaignId,
      language: c.language,
      seats: c.seats,
      classSize: c.classSize,
      approved: approve,
    })),
  );
  out.inserted = written.filter((c) => c.current === null).length;
  out.updated = written.length - out.inserted;
  out.pending = approve ? 0 : changes.length;
  await sql.$executeRaw`
    INSERT INTO audit_event (at, actor_kind, actor_id, action, subject, details)
    SELECT ${now}, 'cli', ${author}, ${approve ? 'quota.imported_approved' : 'quota.imported_submitted'},
           'school:' || school_id,
           jsonb_build_object('campaign', campaign_id, 'language', language, 'fromSeats', from_seats,
                              'toSeats', to_seats, 'classSize', class_size, 'reason', ${reason}::text)
    FROM unnest(${col((c) => c.schoolId)}::int[], ${col((c) => c.campaignId)}::text[],
                ${col((c) => c.language)}::text[], ${col((c) => c.current?.seats ?? null)}::int[],
                ${col((c) => c.seats)}::int[], ${col((c) => c.classSize)}::int[])
      AS v(school_id, campaign_id, language, from_seats, to_seats, class_size)`;
  if (!approve) return out;
  // children who applied while a quota waited, or who wait for more seats, are decided now in order
  const waited = changes.filter((c) => !c.inForce || c.seats > (c.current?.seats ?? 0));
  const deadlines = new Map(
    (await sql.campaign.findMany({ select: { id: true, documentsDeadline: true } })).map((c) => [
      c.id,
      c.documentsDeadline,
    ]),
  );
  const withLine = new Set(
    (
      await sql.application.findMany({
        where: {
          status: 'waitlisted',
          schoolId: { in: [...new Set(waited.map((c) => c.schoolId))] },
        },
        select: { schoolId: true },
      })
    ).map((a) => a.schoolId),
  );
  const swapTargets = new Set(
    (
      await sql.application.findMany({
        where: { status: 'admitted', swapSchoolId: { in: [...new Set(waited.map((c) => c.schoolId))] } },
        select: { swapSchoolId: true },
      })
    ).map((a) => a.swapSchoolId),
  );
  for (const c of waited) {
    if (!withLine.has(c.schoolId) && !swapTargets.has(c.schoolId)) continue;
    await admitOnApproval(
      sql,
      { schoolId: c.schoolId, campaignId: c.campaignId, language: c.language },
      {
        actor: { kind: 'cli', id: author },
        now,
        documentsDueAt: deadlines.get(c.campaignId) ?? now,
        wasApproved: c.inForce,
      },
    );
  }
  return out;
}
