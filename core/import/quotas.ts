// `kattoo import quotas`: seats per school × campaign × language (K-SEAT-1, R-10.3). A file never
// changes a quota silently: every row that changes seats or class size is a recorded quota change
// (author, reason, time, audited). Without the ministry's explicit `--approved --reason "…"` a change
// waits for the district's approval in the bot (an approved quota stays in force as it was; a new
// quota gives no seat until approved, while parents can already apply and hold their places). With
// them, the change is approved and in force at once, and children waiting get the seats in order.
// Seats never go below those already held.
import { admitOnApproval } from '../allocation/approval.ts';
import { lockQuota } from '../allocation/seats.ts';
import { LANGUAGES } from '../domain/reference.ts';
import type { Sql, Written } from './bulk.ts';
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
    if (v.approved === true && !approve) errors.push(importError(r.row, 'approved', 'approved_needs_option', {}));
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
  const out = { inserted: 0, updated: 0, pending: 0 };
  const deadlines = new Map(
    (await sql.campaign.findMany({ select: { id: true, documentsDeadline: true } })).map((c) => [
      c.id,
      c.documentsDeadline,
    ]),
  );
  for (const { values: v } of table.rows.filter(isValid)) {
    const key = { schoolId: schools.get(v.school_code)?.id ?? -1, campaignId: v.campaign_id, language: v.language };
    const held = await lockQuota(sql, key);
    const current = held
      ? await sql.quota.findUniqueOrThrow({ where: { schoolId_campaignId_language: key } })
      : null;
    const same = current !== null && current.seats === v.seats && current.classSize === v.class_size;
    if (same && (current.approved || !approve)) continue; // nothing changes: no record
    // a newer proposal of the same quota replaces one still waiting (as in the bot)
    await sql.quotaChange.updateMany({
      where: { ...key, status: 'submitted' },
      data: { status: 'rejected', decidedAt: now, decisionNote: 'superseded' },
    });
    const inForce = current?.approved === true;
    const change = await sql.quotaChange.create({
      data: {
        ...key,
        fromSeats: inForce ? current.seats : null,
        toSeats: v.seats,
        classSize: v.class_size,
        reason,
        status: approve ? 'approved' : 'submitted',
        requestedBy: null,
        author,
        requestedAt: now,
        ...(approve ? { decidedAt: now, decisionNote: 'approved by the ministry with its file' } : {}),
      },
    });
    if (approve || !inForce) {
      // in force now (approved), or a quota not in force yet whose numbers the district will approve
      await sql.quota.upsert({
        where: { schoolId_campaignId_language: key },
        create: { ...key, seats: v.seats, classSize: v.class_size, approved: approve },
        update: { seats: v.seats, classSize: v.class_size, approved: approve },
      });
      if (current) out.updated++;
      else out.inserted++;
    }
    if (!approve) out.pending++;
    await sql.auditEvent.create({
      data: {
        at: now,
        actorKind: 'cli',
        actorId: author,
        action: approve ? 'quota.imported_approved' : 'quota.imported_submitted',
        subject: `school:${key.schoolId}`,
        details: {
          change: change.id,
          campaign: key.campaignId,
          language: key.language,
          fromSeats: current?.seats ?? null,
          toSeats: v.seats,
          classSize: v.class_size,
          reason,
        },
      },
    });
    if (approve && (!inForce || v.seats > (current?.seats ?? 0))) {
      await admitOnApproval(sql, key, {
        actor: { kind: 'cli', id: author },
        now,
        documentsDueAt: deadlines.get(key.campaignId) ?? now,
        wasApproved: inForce,
      });
    }
  }
  return out;
}
