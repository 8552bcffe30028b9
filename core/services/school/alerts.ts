// Admission alerts for school staff (K-SCHOOL-1), batched into digests. A core service that changes
// an application calls `recordAlert(tx, schoolId, kind, params)` inside its own transaction: the
// event is an outbox row (status `alert`, so the parents' notification worker never takes it) and is
// lost or doubled by no restart. A digest worker claims a school's due events at most once per window
// (a marker row per school holds the next allowed instant), and sends one message to the school's
// staff group, or — without a group — to each linked staff member in a private chat.
import type { Clock } from '../../clock.ts';
import type { Db, Prisma } from '../../db/client.ts';
import { can } from '../../domain/roles.ts';
import {
  audit,
  authorize,
  SchoolOpsError,
  type StaffRolesReader,
  schoolTarget,
  type Tx,
  telegramActor,
} from './ops.ts';

export const ALERT_KINDS = [
  /** an application was submitted to the school (`outcome`: admitted / waitlisted when decided at once) */
  'new_application',
  /** a child got a seat later: from the waiting list, or a change of school arrived */
  'admitted',
  /** a child was put on the waiting list */
  'waitlisted',
  /** a held seat was freed (withdrawal, documents not brought, change of school) */
  'seat_released',
  /** how many admitted children's documents are due soon (`count`, `date`; written by the deadline jobs) */
  'documents_due',
  /** a parent's appeal about the school (reserved for K-OVER-4) */
  'appeal',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export type AlertParams = {
  /** application number (shown; no names or PINs in alerts) */
  number?: string;
  applicationId?: string | number | bigint;
  language?: string;
  outcome?: 'admitted' | 'waitlisted';
  count?: number;
  date?: string;
};

/** Default: at most one digest per school every two minutes (groups allow 20 messages a minute). */
export const DIGEST_WINDOW_MS = 2 * 60_000;
/** A claim not marked sent after this is handed out again (a worker died mid-send). */
export const DIGEST_STALE_MS = 5 * 60_000;
export const DIGEST_MAX_ATTEMPTS = 6;

const ALERT = 'alert';
const SENDING = 'alert_sending';
const SENT = 'alert_sent';
const MARKER = 'alert_marker';

/**
 * Records an admission event for the school's staff, in the caller's transaction. With an
 * `applicationId` the same event of the same application is written once (a retried transaction).
 * `dueAt` (the campaign clock's time) holds the event back until then; without it, it is due at once.
 */
export async function recordAlert(
  tx: Tx,
  schoolId: number,
  kind: AlertKind,
  params: AlertParams = {},
  opts: { dueAt?: Date; dedupeKey?: string } = {},
): Promise<void> {
  const clean: Record<string, string | number> = { schoolId };
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue;
    clean[k] = typeof v === 'bigint' ? String(v) : (v as string | number);
  }
  const dedupeKey =
    opts.dedupeKey ??
    (params.applicationId !== undefined
      ? `alert:${kind}:${schoolId}:${String(params.applicationId)}:${params.outcome ?? ''}`
      : undefined);
  const data = {
    telegramId: 0n,
    kind: `alert.${kind}`,
    params: clean as Prisma.InputJsonValue,
    status: ALERT,
    // Without a time of its own the event is due at once, whatever the campaign clock says (the
    // database's now() may lie ahead of a demo clock).
    dueAt: opts.dueAt ?? new Date(0),
  };
  if (dedupeKey) {
    await tx.outboxMessage.upsert({ where: { dedupeKey }, create: { ...data, dedupeKey }, update: {} });
  } else {
    await tx.outboxMessage.create({ data });
  }
}

export type AlertEvent = {
  id: bigint;
  kind: AlertKind;
  params: AlertParams & { schoolId: number };
  at: Date;
};
export type Digest = { schoolId: number; events: AlertEvent[] };

/** Where a school's digest goes: its staff group, or each linked staff member's private chat. */
export type DigestDestination =
  | { kind: 'group'; chatId: number; language: string | null }
  | { kind: 'staff'; recipients: { telegramId: number; language: string | null }[] };

export function alertService(deps: { db: Db; clock: Clock; identity: StaffRolesReader }) {
  const { db, clock, identity } = deps;

  async function languageOf(telegramId: bigint): Promise<string | null> {
    return (await db.chatUser.findUnique({ where: { telegramId } }))?.language ?? null;
  }

  async function destination(schoolId: number): Promise<DigestDestination> {
    const g = await db.staffGroup.findUnique({ where: { schoolId } });
    if (g) {
      const by = await db.staffMember.findUnique({ where: { id: g.connectedBy } });
      return {
        kind: 'group',
        chatId: Number(g.chatId),
        language: by ? await languageOf(by.telegramId) : null,
      };
    }
    const target = await schoolTarget(db, schoolId);
    const rows = await db.staffMember.findMany({
      where: { schoolId, revokedAt: null, role: { in: ['director', 'admissions'] } },
      orderBy: { id: 'asc' },
    });
    const seen = new Set<bigint>();
    const recipients: { telegramId: number; language: string | null }[] = [];
    for (const r of rows) {
      if (seen.has(r.telegramId) || !target) continue;
      if (!can({ role: r.role as 'director' | 'admissions', schoolId }, 'school.alerts.receive', target))
        continue;
      seen.add(r.telegramId);
      recipients.push({ telegramId: Number(r.telegramId), language: await languageOf(r.telegramId) });
    }
    return { kind: 'staff', recipients };
  }

  return {
    destination,
    /**
     * A director connects the group the command was sent in as the school's staff group
     * (`/connectgroup [school code]` — the code only when the director has several schools).
     */
    async connectGroup(
      telegramId: number,
      chatId: number,
      schoolCode?: string,
    ): Promise<{ schoolId: number; name: { ky: string; ru: string; en: string }; replaced: boolean }> {
      if (chatId >= 0) throw new SchoolOpsError('not_a_group');
      const links = (await identity.staffRoles(telegramId)).filter(
        (l) =>
          l.role === 'director' &&
          l.scope.kind === 'school' &&
          can(l.actor, 'school.alerts.receive', l.target),
      );
      const code = schoolCode?.trim();
      const chosen = code ? links.filter((l) => l.scope.kind === 'school' && l.scope.code === code) : links;
      if (chosen.length === 0) throw new SchoolOpsError('forbidden');
      if (chosen.length > 1) throw new SchoolOpsError('choose_school');
      const link = chosen[0];
      if (link?.scope.kind !== 'school') throw new SchoolOpsError('forbidden');
      const schoolId = link.scope.id;
      const name = link.scope.name;
      return db.$transaction(async (tx) => {
        const other = await tx.staffGroup.findUnique({ where: { chatId: BigInt(chatId) } });
        if (other && other.schoolId !== schoolId) throw new SchoolOpsError('group_taken');
        const before = await tx.staffGroup.findUnique({ where: { schoolId } });
        await tx.staffGroup.upsert({
          where: { schoolId },
          create: { schoolId, chatId: BigInt(chatId), connectedBy: link.id, connectedAt: clock.now() },
          update: { chatId: BigInt(chatId), connectedBy: link.id, connectedAt: clock.now() },
        });
        await audit(
          tx,
          clock.now(),
          telegramActor(telegramId),
          'school.alerts.group_connected',
          `school:${schoolId}`,
          {
            chat: String(chatId),
            previous: before ? String(before.chatId) : null,
          },
        );
        return { schoolId, name, replaced: before !== null && before.chatId !== BigInt(chatId) };
      });
    },

    /** The director (or admissions staff) stops sending alerts to the group: back to private chats. */
    async disconnectGroup(telegramId: number, schoolId: number): Promise<boolean> {
      await authorize(db, identity, telegramId, 'school.alerts.receive', schoolId, ['director']);
      const n = await db.$transaction(async (tx) => {
        const r = await tx.staffGroup.deleteMany({ where: { schoolId } });
        if (r.count > 0)
          await audit(
            tx,
            clock.now(),
            telegramActor(telegramId),
            'school.alerts.group_disconnected',
            `school:${schoolId}`,
          );
        return r.count;
      });
      return n > 0;
    },

    /** The group became a supergroup (`migrate_to_chat_id`): its chat id changed. Idempotent. */
    async migrateGroup(fromChatId: number, toChatId: number): Promise<boolean> {
      return db.$transaction(async (tx) => {
        const g = await tx.staffGroup.findUnique({ where: { chatId: BigInt(fromChatId) } });
        if (!g) return false;
        await tx.staffGroup.update({ where: { schoolId: g.schoolId }, data: { chatId: BigInt(toChatId) } });
        await audit(
          tx,
          clock.now(),
          { kind: 'system', id: 'telegram' },
          'school.alerts.group_migrated',
          `school:${g.schoolId}`,
          {
            from: String(fromChatId),
            to: String(toChatId),
          },
        );
        return true;
      });
    },

    /** The bot was removed from the group (or cannot write there): alerts go to private chats again. */
    async groupGone(chatId: number): Promise<boolean> {
      return db.$transaction(async (tx) => {
        const g = await tx.staffGroup.findUnique({ where: { chatId: BigInt(chatId) } });
        if (!g) return false;
        await tx.staffGroup.delete({ where: { schoolId: g.schoolId } });
        await audit(
          tx,
          clock.now(),
          { kind: 'system', id: 'telegram' },
          'school.alerts.group_disconnected',
          `school:${g.schoolId}`,
          {
            chat: String(chatId),
            why: 'bot_removed',
          },
        );
        return true;
      });
    },

    /** Where the school's alerts go now, for the staff member's status screen. */
    async status(telegramId: number, schoolId: number): Promise<{ group: boolean; staff: number }> {
      await authorize(db, identity, telegramId, 'school.alerts.receive', schoolId);
      const d = await destination(schoolId);
      return d.kind === 'group' ? { group: true, staff: 0 } : { group: false, staff: d.recipients.length };
    },

    /**
     * Claims the due events of schools whose window has passed: one digest per school, at most one
     * per `windowMs`. Concurrent workers never claim the same school twice in a window (the school's
     * marker row is locked, SKIP LOCKED). Stale claims of a dead worker are released first.
     */
    async claimDigests(opts: { windowMs?: number; limit?: number } = {}): Promise<Digest[]> {
      const now = clock.now();
      const windowMs = opts.windowMs ?? DIGEST_WINDOW_MS;
      await db.$executeRaw`
        UPDATE outbox_message SET status = ${ALERT}
        WHERE status = ${SENDING} AND claimed_at < ${new Date(now.getTime() - DIGEST_STALE_MS)}`;
      const schools = await db.$queryRaw<{ school_id: number }[]>`
        SELECT DISTINCT (params->>'schoolId')::int AS school_id FROM outbox_message
        WHERE status = ${ALERT} AND due_at <= ${now}
        LIMIT ${opts.limit ?? 50}`;
      const out: Digest[] = [];
      for (const { school_id: schoolId } of schools) {
        const events = await db.$transaction(async (tx) => {
          const markerKey = `alert-digest:${schoolId}`;
          await tx.$executeRaw`
            INSERT INTO outbox_message (telegram_id, kind, params, dedupe_key, due_at, status)
            VALUES (0, 'alert.digest', ${JSON.stringify({ schoolId })}::jsonb, ${markerKey}, ${new Date(0)}, ${MARKER})
            ON CONFLICT (dedupe_key) DO NOTHING`;
          const marker = await tx.$queryRaw<{ id: bigint; due_at: Date }[]>`
            SELECT id, due_at FROM outbox_message WHERE dedupe_key = ${markerKey} FOR UPDATE SKIP LOCKED`;
          const m = marker[0];
          if (!m || m.due_at > now) return [];
          const rows = await tx.$queryRaw<
            { id: bigint; kind: string; params: Record<string, unknown>; created_at: Date }[]
          >`
            UPDATE outbox_message SET status = ${SENDING}, claimed_at = ${now}, attempts = attempts + 1
            WHERE id IN (
              SELECT id FROM outbox_message
              WHERE status = ${ALERT} AND due_at <= ${now} AND (params->>'schoolId')::int = ${schoolId}
              ORDER BY id FOR UPDATE SKIP LOCKED)
            RETURNING id, kind, params, created_at`;
          if (rows.length === 0) return [];
          await tx.$executeRaw`UPDATE outbox_message SET due_at = ${new Date(now.getTime() + windowMs)} WHERE id = ${m.id}`;
          return rows
            .sort((a, b) => (a.id < b.id ? -1 : 1))
            .map((r) => ({
              id: r.id,
              kind: r.kind.replace(/^alert\./, '') as AlertKind,
              params: r.params as AlertEvent['params'],
              at: r.created_at,
            }));
        });
        if (events.length > 0) out.push({ schoolId, events });
      }
      return out;
    },

    async markSent(ids: bigint[]): Promise<void> {
      if (ids.length === 0) return;
      await db.outboxMessage.updateMany({
        where: { id: { in: ids }, status: SENDING },
        data: { status: SENT, sentAt: clock.now() },
      });
    },

    /** Sending failed: the events wait for the school's next window (or fail after six tries). */
    async markFailed(ids: bigint[], error: string): Promise<void> {
      if (ids.length === 0) return;
      await db.outboxMessage.updateMany({
        where: { id: { in: ids }, status: SENDING, attempts: { gte: DIGEST_MAX_ATTEMPTS } },
        data: { status: 'failed', lastError: error.slice(0, 300) },
      });
      await db.outboxMessage.updateMany({
        where: { id: { in: ids }, status: SENDING },
        data: { status: ALERT, lastError: error.slice(0, 300) },
      });
    },
  };
}
export type AlertService = ReturnType<typeof alertService>;
