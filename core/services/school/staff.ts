// Who the staff member is, for each call: their active links are read from the database every time
// (a revocation takes effect at once), and every action is checked with `can(actor, action, target)`
// against the school the object belongs to (K-ID-3). Ids that come from a chat are only claims.
import type { Db, Prisma } from '../../db/client.ts';
import {
  type Action,
  type Actor,
  can,
  ROLE_ACTIONS,
  type StaffRole,
  type Target,
} from '../../domain/roles.ts';
import type { Actor as LedgerActor } from '../applications/ledger.ts';
import { SchoolError } from './errors.ts';

export type Tx = Prisma.TransactionClient;

/** Whoever calls: a Telegram user (another channel passes its own account id); optionally one link. */
export type StaffRef = { telegramId: number; staffId?: number };

/** One active staff link as the school use cases need it. */
export type StaffActor = {
  id: number;
  telegramId: bigint;
  role: StaffRole;
  schoolId: number | null;
  territoryId: string | null;
  actor: Actor;
};

export type SchoolTarget = Extract<Target, { level: 'school' }>;

function actorOf(row: {
  role: StaffRole;
  schoolId: number | null;
  territoryId: string | null;
}): Actor | null {
  switch (row.role) {
    case 'director':
    case 'admissions':
      return row.schoolId !== null ? { role: row.role, schoolId: row.schoolId } : null;
    case 'district':
      return row.territoryId !== null ? { role: 'district', territoryId: row.territoryId } : null;
    case 'ministry':
      return { role: 'ministry' };
  }
}

export async function activeStaff(client: Db | Tx, ref: StaffRef): Promise<StaffActor[]> {
  if (!Number.isSafeInteger(ref.telegramId)) return [];
  const rows = await client.staffMember.findMany({
    where: {
      telegramId: BigInt(ref.telegramId),
      revokedAt: null,
      ...(ref.staffId !== undefined ? { id: ref.staffId } : {}),
    },
    orderBy: { id: 'asc' },
  });
  const out: StaffActor[] = [];
  for (const r of rows) {
    const actor = actorOf(r);
    if (actor)
      out.push({
        id: r.id,
        telegramId: r.telegramId,
        role: r.role,
        schoolId: r.schoolId,
        territoryId: r.territoryId,
        actor,
      });
  }
  return out;
}

export async function schoolTarget(client: Db | Tx, schoolId: number): Promise<SchoolTarget | null> {
  const s = await client.school.findUnique({
    where: { id: schoolId },
    select: { id: true, districtId: true, district: { select: { parentId: true } } },
  });
  if (!s) return null;
  return {
    level: 'school',
    schoolId: s.id,
    districtId: s.districtId,
    regionId: s.district.parentId ?? s.districtId,
  };
}

/**
 * The link that may take `action` on this school. `forbidden` when no link of the user may take the
 * action anywhere; `not_found` when the school is outside every such link's scope (its objects are
 * not confirmed to exist).
 */
export async function authorize(
  client: Db | Tx,
  ref: StaffRef,
  action: Action,
  schoolId: number,
): Promise<{ staff: StaffActor; target: SchoolTarget; links: StaffActor[] }> {
  const links = await activeStaff(client, ref);
  const able = links.filter((l) => ROLE_ACTIONS[l.role].has(action));
  if (able.length === 0) throw new SchoolError('forbidden', { action });
  const target = await schoolTarget(client, schoolId);
  if (!target) throw new SchoolError('not_found');
  const staff = able.find((l) => can(l.actor, action, target));
  if (!staff) throw new SchoolError('not_found');
  return { staff, target, links };
}

/**
 * The school a call is about: the one given, else the school of the user's first school link that
 * may take the action (a director or admissions officer works in one school).
 */
export async function authorizeSchool(
  client: Db | Tx,
  ref: StaffRef,
  action: Action,
  schoolId?: number,
): Promise<{ staff: StaffActor; target: SchoolTarget; links: StaffActor[] }> {
  if (schoolId !== undefined) return authorize(client, ref, action, schoolId);
  const links = await activeStaff(client, ref);
  const own = links.find((l) => l.schoolId !== null && ROLE_ACTIONS[l.role].has(action));
  if (!own || own.schoolId === null) {
    if (links.some((l) => ROLE_ACTIONS[l.role].has(action)))
      throw new SchoolError('bad_input', { field: 'school' });
    throw new SchoolError('forbidden', { action });
  }
  return authorize(client, ref, action, own.schoolId);
}

/** Whether any of the user's links may take `action` on this school (to offer buttons). */
export function mayAny(links: readonly StaffActor[], action: Action, target: SchoolTarget): boolean {
  return links.some((l) => can(l.actor, action, target));
}

/** How the ledger (application transitions) names a staff member. */
export function ledgerActor(staff: StaffActor): LedgerActor {
  return { kind: 'staff', id: String(staff.id) };
}

/** An audit event of a school action (K-CORE-4); details never hold a PIN in clear. */
export async function auditSchool(
  tx: Tx,
  at: Date,
  staff: StaffActor,
  action: string,
  subject: string,
  details: Record<string, string | number | boolean | null> = {},
): Promise<void> {
  await tx.auditEvent.create({
    data: {
      at,
      actorKind: 'telegram',
      actorId: String(staff.telegramId),
      action,
      subject,
      details: { staff: staff.id, role: staff.role, ...details },
    },
  });
}
