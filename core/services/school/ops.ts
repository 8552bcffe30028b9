// What the school-operations services (quotas, TOTP, classes, alerts, charter) share: refusals as
// codes, the audit write, and the scope check of a Telegram user's staff links against a school
// (K-ID-3). The links are read from the database on every call, never taken from the channel.
import type { Db, Prisma } from '../../db/client.ts';
import { type Action, type Actor, can, type Target } from '../../domain/roles.ts';
import type { IdentityService, StaffLink } from '../identity.ts';

export type SchoolOpsErrorCode =
  | 'forbidden'
  | 'not_found'
  | 'no_active_campaign'
  | 'language_not_taught'
  | 'invalid_seats'
  | 'invalid_class_size'
  | 'below_taken'
  | 'nothing_to_submit'
  | 'reason_required'
  | 'invalid_reason'
  | 'not_pending'
  | 'totp_not_needed'
  | 'totp_not_enrolled'
  | 'totp_already_enrolled'
  | 'totp_no_enrolment'
  | 'totp_invalid'
  | 'totp_replayed'
  | 'totp_locked'
  | 'class_full'
  | 'class_not_found'
  | 'same_class'
  | 'no_classes'
  | 'too_many_classes'
  | 'group_taken'
  | 'not_a_group'
  | 'choose_school'
  | 'not_pdf'
  | 'too_large';

/** A refusal the channel words in the person's language (K-CORE-6). */
export class SchoolOpsError extends Error {
  constructor(
    readonly code: SchoolOpsErrorCode,
    readonly params: Record<string, string | number> = {},
  ) {
    super(code);
    this.name = 'SchoolOpsError';
  }
}

export type Tx = Prisma.TransactionClient;
export type StaffRolesReader = Pick<IdentityService, 'staffRoles'>;

/** A school as a target of the rules (its district and region). */
export async function schoolTarget(client: Db | Tx, schoolId: number): Promise<Target | null> {
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
 * The first active staff link of this Telegram user that may take `action` on the school, with the
 * school's target; refuses with `forbidden` (and `not_found` for a school that does not exist).
 * `roles` narrows the links further (e.g. only a director connects the staff group).
 */
export async function authorize(
  client: Db | Tx,
  identity: StaffRolesReader,
  telegramId: number,
  action: Action,
  schoolId: number,
  roles?: readonly StaffLink['role'][],
): Promise<{ link: StaffLink; target: Target }> {
  const target = await schoolTarget(client, schoolId);
  if (!target) throw new SchoolOpsError('not_found');
  const links = await identity.staffRoles(telegramId);
  const link = links.find((l) => (!roles || roles.includes(l.role)) && can(l.actor, action, target));
  if (!link) throw new SchoolOpsError('forbidden');
  return { link, target };
}

/** The schools a user's links may take `action` on directly (school-scoped links only). */
export async function schoolsFor(
  identity: StaffRolesReader,
  telegramId: number,
  action: Action,
): Promise<{ id: number; code: string; name: { ky: string; ru: string; en: string } }[]> {
  const links = await identity.staffRoles(telegramId);
  const out = new Map<number, { id: number; code: string; name: { ky: string; ru: string; en: string } }>();
  for (const l of links) {
    if (l.scope.kind !== 'school') continue;
    if (!can(l.actor, action, l.target)) continue;
    out.set(l.scope.id, { id: l.scope.id, code: l.scope.code, name: l.scope.name });
  }
  return [...out.values()];
}

/** Whether a rule-level actor covers a school target for `action` (for lists filtered in SQL). */
export function allowed(actors: readonly Actor[], action: Action, target: Target): boolean {
  return actors.some((a) => can(a, action, target));
}

export type AuditActor = { kind: 'telegram' | 'cli' | 'system'; id: string };

export async function audit(
  client: Db | Tx,
  at: Date,
  actor: AuditActor,
  action: string,
  subject: string,
  details: Record<string, string | number | boolean | null> = {},
): Promise<void> {
  await client.auditEvent.create({
    data: { at, actorKind: actor.kind, actorId: actor.id, action, subject, details },
  });
}

export const telegramActor = (telegramId: number): AuditActor => ({
  kind: 'telegram',
  id: String(telegramId),
});

/** The active campaign (the one quotas, classes and alerts are about). */
export async function activeCampaign(client: Db | Tx) {
  const c = await client.campaign.findFirst({
    where: { active: true },
    include: { stages: true },
    orderBy: { id: 'desc' },
  });
  if (!c) throw new SchoolOpsError('no_active_campaign');
  return c;
}
