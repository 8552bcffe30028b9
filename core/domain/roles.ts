// Staff roles and what each may do where (K-ID-2, K-ID-3). Pure: no I/O. Every staff action in the
// core asks `can(actor, action, target)` before it acts; the bot only uses the same answer to decide
// which buttons to show.
//
// Scopes follow the territory tree (prisma/reference/territories.ts): a school hangs from a
// district-level territory (rayon, city district, or Osh's single city node), which hangs from a
// top-level territory (oblast or city of republican significance).
//   director, admissions  — one school;
//   district              — a district-level territory, or a whole top-level territory (region);
//   ministry              — the whole country.

export const STAFF_ROLES = ['director', 'admissions', 'district', 'ministry'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * Everything staff can do, named `<level>.<object>.<verb>`. The level says what the action is about
 * (a school's business, a territory's oversight, the national campaign, staff links); which targets it
 * accepts is in `ACTION_TARGETS`, which roles may take it in `ROLE_ACTIONS`.
 */
export const ACTIONS = [
  /** lists and cards of a school's applications (K-SCHOOL-2) */
  'school.applications.read',
  /** a child's registry data on request; every read is logged (K-CORE-5, R-10.5) */
  'school.child_data.read',
  /** document check: received / missing, enrolment (K-SCHOOL-3) */
  'school.documents.decide',
  /** direct admissions by the Commission on children's affairs (K-SCHOOL-5) */
  'school.direct_admission.record',
  /** set or change the school's quota (K-SEAT-1) */
  'school.quota.edit',
  /** send the quota to the district for approval (K-SEAT-1) */
  'school.quota.submit',
  /** class formation (K-SCHOOL-7) */
  'school.classes.form',
  /** the staff register used for the staff-tenure priority (K-SCHOOL-6) */
  'school.staff_register.edit',
  /** admission alerts (K-SCHOOL-1) */
  'school.alerts.receive',
  /** the school's answer to a parent's appeal (K-OVER-4) */
  'school.appeals.answer',
  /** approve a quota or a change of it (K-SEAT-1, K-OVER-3) */
  'district.quota.approve',
  /** reports of schools and territories (K-OVER-1) */
  'district.reports.read',
  /** children of the eligible years not yet placed (K-OVER-2); personal data */
  'district.coverage.read',
  /** an appeal escalated to the district (K-OVER-4) */
  'district.appeals.decide',
  /** the year's campaign: window, stages, modes (K-CAMP-1) */
  'ministry.campaign.edit',
  /** reference-data imports */
  'ministry.reference.import',
  /** an appeal escalated to the ministry (K-OVER-4) */
  'ministry.appeals.decide',
  /** issue a one-time staff invite for a scope (K-ID-2); see also `canInvite` for the role */
  'staff.invite',
  /** revoke a staff link of a scope (K-ID-2) */
  'staff.revoke',
  /** see who is linked as staff in a scope */
  'staff.list',
] as const;
export type Action = (typeof ACTIONS)[number];

/** What an action is about: one school, a district-level territory, a top-level territory, or all. */
export type Target =
  | { level: 'school'; schoolId: number; districtId: string; regionId: string }
  | { level: 'district'; districtId: string; regionId: string }
  | { level: 'region'; regionId: string }
  | { level: 'nation' };
export type TargetLevel = Target['level'];

/** One staff link as the rules see it. A Telegram user may hold several; each is checked on its own. */
export type Actor =
  | { role: 'director' | 'admissions'; schoolId: number }
  | { role: 'district'; territoryId: string }
  | { role: 'ministry' };

const ALL_LEVELS: readonly TargetLevel[] = ['school', 'district', 'region', 'nation'];

/** Which targets each action accepts: a quota is a school's, a campaign is national, reports any. */
export const ACTION_TARGETS: Readonly<Record<Action, readonly TargetLevel[]>> = {
  'school.applications.read': ['school'],
  'school.child_data.read': ['school'],
  'school.documents.decide': ['school'],
  'school.direct_admission.record': ['school'],
  'school.quota.edit': ['school'],
  'school.quota.submit': ['school'],
  'school.classes.form': ['school'],
  'school.staff_register.edit': ['school'],
  'school.alerts.receive': ['school'],
  'school.appeals.answer': ['school'],
  'district.quota.approve': ['school'],
  'district.reports.read': ALL_LEVELS,
  'district.coverage.read': ['school', 'district', 'region', 'nation'],
  'district.appeals.decide': ['school'],
  'ministry.campaign.edit': ['nation'],
  'ministry.reference.import': ['nation'],
  'ministry.appeals.decide': ['school'],
  'staff.invite': ALL_LEVELS,
  'staff.revoke': ALL_LEVELS,
  'staff.list': ALL_LEVELS,
};

const SCHOOL_STAFF_COMMON: readonly Action[] = [
  'school.applications.read',
  'school.child_data.read',
  'school.documents.decide',
  'school.direct_admission.record',
  'school.classes.form',
  'school.alerts.receive',
];

/**
 * What each role may do at all (inside its scope). The school's own legal duties (document check,
 * quota proposal, classes, direct admissions) stay with the school; districts and the
 * ministry oversee, approve and decide escalated appeals; only the ministry edits the campaign.
 */
export const ROLE_ACTIONS: Readonly<Record<StaffRole, ReadonlySet<Action>>> = {
  admissions: new Set<Action>(SCHOOL_STAFF_COMMON),
  director: new Set<Action>([
    ...SCHOOL_STAFF_COMMON,
    'school.quota.edit',
    'school.quota.submit',
    'school.staff_register.edit',
    'school.appeals.answer',
    'district.reports.read',
    'staff.invite',
    'staff.revoke',
    'staff.list',
  ]),
  district: new Set<Action>([
    'school.applications.read',
    'district.quota.approve',
    'district.reports.read',
    'district.coverage.read',
    'district.appeals.decide',
    'staff.invite',
    'staff.revoke',
    'staff.list',
  ]),
  ministry: new Set<Action>([
    'school.applications.read',
    'district.quota.approve',
    'district.reports.read',
    'district.coverage.read',
    'district.appeals.decide',
    'ministry.campaign.edit',
    'ministry.reference.import',
    'ministry.appeals.decide',
    'staff.invite',
    'staff.revoke',
    'staff.list',
  ]),
};

/** Whether the actor's scope contains the target. */
export function covers(actor: Actor, target: Target): boolean {
  switch (actor.role) {
    case 'ministry':
      return true;
    case 'district':
      switch (target.level) {
        case 'nation':
          return false;
        case 'region':
          return target.regionId === actor.territoryId;
        case 'district':
        case 'school':
          return target.districtId === actor.territoryId || target.regionId === actor.territoryId;
      }
      return false;
    case 'director':
    case 'admissions':
      return target.level === 'school' && target.schoolId === actor.schoolId;
  }
}

/** May this staff link take this action on this target? */
export function can(actor: Actor, action: Action, target: Target): boolean {
  if (!ROLE_ACTIONS[actor.role].has(action)) return false;
  if (!ACTION_TARGETS[action].includes(target.level)) return false;
  return covers(actor, target);
}

/** May any of a user's staff links take this action on this target? */
export function canAny(actors: readonly Actor[], action: Action, target: Target): boolean {
  return actors.some((a) => can(a, action, target));
}

/** The kind of scope each role is linked with. */
export function scopeLevelsOf(role: StaffRole): readonly TargetLevel[] {
  switch (role) {
    case 'director':
    case 'admissions':
      return ['school'];
    case 'district':
      return ['district', 'region'];
    case 'ministry':
      return ['nation'];
  }
}

/** Roles a holder of each role may invite (inside its own scope): never above itself. */
const INVITES: Readonly<Record<StaffRole, readonly StaffRole[]>> = {
  admissions: [],
  director: ['admissions'],
  district: ['director', 'admissions', 'district'],
  ministry: ['director', 'admissions', 'district', 'ministry'],
};

/**
 * May this staff link invite someone as `role` for the scope `target`? The scope must fit the role
 * (a school for school staff, a territory for a district officer, the nation for the ministry), lie
 * inside the inviter's scope, and the role must be one the inviter may hand out.
 */
export function canInvite(actor: Actor, role: StaffRole, target: Target): boolean {
  if (!scopeLevelsOf(role).includes(target.level)) return false;
  if (!INVITES[actor.role].includes(role)) return false;
  return can(actor, 'staff.invite', target);
}

/**
 * May this staff link revoke a link of `role` whose scope is `target`? The same rule as inviting:
 * a director may revoke the school's admissions staff, a district officer school staff and district
 * officers inside the territory, the ministry anyone.
 */
export function canRevoke(actor: Actor, role: StaffRole, target: Target): boolean {
  if (!INVITES[actor.role].includes(role)) return false;
  return can(actor, 'staff.revoke', target);
}

/** The target a staff link's own scope stands for (to check invites and revocations against it). */
export function targetOfScope(
  role: StaffRole,
  scope: {
    school?: { id: number; districtId: string; regionId: string } | null;
    territory?: TerritoryRef | null;
  },
): Target | null {
  switch (role) {
    case 'director':
    case 'admissions':
      return scope.school
        ? {
            level: 'school',
            schoolId: scope.school.id,
            districtId: scope.school.districtId,
            regionId: scope.school.regionId,
          }
        : null;
    case 'district': {
      const t = scope.territory;
      if (!t) return null;
      return t.parentId === null
        ? { level: 'region', regionId: t.id }
        : { level: 'district', districtId: t.id, regionId: t.parentId };
    }
    case 'ministry':
      return { level: 'nation' };
  }
}

/** A territory as much as the rules need: top level when it has no parent. */
export type TerritoryRef = { id: string; parentId: string | null };
