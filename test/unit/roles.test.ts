// K-ID-3: roles scoped by territory, tested as a matrix — every role × every action × targets in and
// out of the actor's school, district and region. The expectations are written out literally below
// (not computed by the code under test).
import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  type Action,
  type Actor,
  can,
  canAny,
  canInvite,
  canRevoke,
  STAFF_ROLES,
  type StaffRole,
  type Target,
  targetOfScope,
} from '../../core/domain/roles.ts';

// A small country: region R1 with districts D1 (schools 1, 2) and D2 (school 3); region R2 with D3
// (school 4).
const T = {
  s1: { level: 'school', schoolId: 1, districtId: 'D1', regionId: 'R1' },
  s2: { level: 'school', schoolId: 2, districtId: 'D1', regionId: 'R1' },
  s3: { level: 'school', schoolId: 3, districtId: 'D2', regionId: 'R1' },
  s4: { level: 'school', schoolId: 4, districtId: 'D3', regionId: 'R2' },
  d1: { level: 'district', districtId: 'D1', regionId: 'R1' },
  d2: { level: 'district', districtId: 'D2', regionId: 'R1' },
  d3: { level: 'district', districtId: 'D3', regionId: 'R2' },
  r1: { level: 'region', regionId: 'R1' },
  r2: { level: 'region', regionId: 'R2' },
  nation: { level: 'nation' },
} as const satisfies Record<string, Target>;
type TargetName = keyof typeof T;
const TARGETS = Object.keys(T) as TargetName[];

const A = {
  director1: { role: 'director', schoolId: 1 },
  admissions1: { role: 'admissions', schoolId: 1 },
  districtD1: { role: 'district', territoryId: 'D1' },
  regionR1: { role: 'district', territoryId: 'R1' },
  ministry: { role: 'ministry' },
} as const satisfies Record<string, Actor>;
type ActorName = keyof typeof A;
const ACTORS = Object.keys(A) as ActorName[];

// Where each actor may act, by the kind of target an action accepts.
const OWN_SCHOOL: TargetName[] = ['s1'];
const D1_SCHOOLS: TargetName[] = ['s1', 's2'];
const R1_SCHOOLS: TargetName[] = ['s1', 's2', 's3'];
const ALL_SCHOOLS: TargetName[] = ['s1', 's2', 's3', 's4'];
const D1_ANY: TargetName[] = ['s1', 's2', 'd1'];
const R1_ANY: TargetName[] = ['s1', 's2', 's3', 'd1', 'd2', 'r1'];
const EVERYWHERE: TargetName[] = [...TARGETS];
const NOWHERE: TargetName[] = [];

type Row = Record<ActorName, TargetName[]>;
const schoolOnly = (who: Partial<Record<ActorName, true>>): Row => ({
  director1: who.director1 ? OWN_SCHOOL : NOWHERE,
  admissions1: who.admissions1 ? OWN_SCHOOL : NOWHERE,
  districtD1: who.districtD1 ? D1_SCHOOLS : NOWHERE,
  regionR1: who.regionR1 ? R1_SCHOOLS : NOWHERE,
  ministry: who.ministry ? ALL_SCHOOLS : NOWHERE,
});

const EXPECTED: Record<Action, Row> = {
  'school.applications.read': schoolOnly({
    director1: true,
    admissions1: true,
    districtD1: true,
    regionR1: true,
    ministry: true,
  }),
  'school.child_data.read': schoolOnly({ director1: true, admissions1: true }),
  'school.documents.decide': schoolOnly({ director1: true, admissions1: true }),
  'school.direct_admission.record': schoolOnly({ director1: true, admissions1: true }),
  'school.quota.edit': schoolOnly({ director1: true }),
  'school.quota.submit': schoolOnly({ director1: true }),
  'school.classes.form': schoolOnly({ director1: true, admissions1: true }),
  'school.staff_register.edit': schoolOnly({ director1: true }),
  'school.alerts.receive': schoolOnly({ director1: true, admissions1: true }),
  'school.appeals.answer': schoolOnly({ director1: true }),
  'district.quota.approve': schoolOnly({ districtD1: true, regionR1: true, ministry: true }),
  'district.reports.read': {
    director1: OWN_SCHOOL,
    admissions1: NOWHERE,
    districtD1: D1_ANY,
    regionR1: R1_ANY,
    ministry: EVERYWHERE,
  },
  'district.coverage.read': {
    director1: NOWHERE,
    admissions1: NOWHERE,
    districtD1: D1_ANY,
    regionR1: R1_ANY,
    ministry: EVERYWHERE,
  },
  'district.appeals.decide': schoolOnly({ districtD1: true, regionR1: true, ministry: true }),
  'ministry.campaign.edit': {
    director1: NOWHERE,
    admissions1: NOWHERE,
    districtD1: NOWHERE,
    regionR1: NOWHERE,
    ministry: ['nation'],
  },
  'ministry.reference.import': {
    director1: NOWHERE,
    admissions1: NOWHERE,
    districtD1: NOWHERE,
    regionR1: NOWHERE,
    ministry: ['nation'],
  },
  'ministry.appeals.decide': schoolOnly({ ministry: true }),
  'staff.invite': {
    director1: OWN_SCHOOL,
    admissions1: NOWHERE,
    districtD1: D1_ANY,
    regionR1: R1_ANY,
    ministry: EVERYWHERE,
  },
  'staff.revoke': {
    director1: OWN_SCHOOL,
    admissions1: NOWHERE,
    districtD1: D1_ANY,
    regionR1: R1_ANY,
    ministry: EVERYWHERE,
  },
  'staff.list': {
    director1: OWN_SCHOOL,
    admissions1: NOWHERE,
    districtD1: D1_ANY,
    regionR1: R1_ANY,
    ministry: EVERYWHERE,
  },
};

describe('can(actor, action, target): the role × action × scope matrix (K-ID-3)', () => {
  it('has an expectation for every action', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...ACTIONS].sort());
  });

  for (const action of ACTIONS) {
    describe(action, () => {
      for (const actor of ACTORS) {
        it(`${actor}: allowed exactly on [${EXPECTED[action][actor].join(', ')}]`, () => {
          const allowed = TARGETS.filter((t) => can(A[actor], action, T[t]));
          expect(allowed).toEqual(TARGETS.filter((t) => EXPECTED[action][actor].includes(t)));
        });
      }
    });
  }

  it('never lets school staff see another school, even of the same district', () => {
    for (const action of ACTIONS) {
      for (const actor of [A.director1, A.admissions1]) {
        expect(can(actor, action, T.s2)).toBe(false);
        expect(can(actor, action, T.s4)).toBe(false);
      }
    }
  });

  it('never lets a district officer act outside the territory', () => {
    for (const action of ACTIONS) {
      expect(can(A.districtD1, action, T.s3)).toBe(false);
      expect(can(A.districtD1, action, T.r1)).toBe(false);
      expect(can(A.regionR1, action, T.s4)).toBe(false);
      expect(can(A.regionR1, action, T.nation)).toBe(false);
    }
  });

  it('canAny: a user with several links may act where one of them may', () => {
    expect(canAny([A.admissions1, A.districtD1], 'district.quota.approve', T.s2)).toBe(true);
    expect(canAny([A.admissions1], 'district.quota.approve', T.s1)).toBe(false);
    expect(canAny([], 'school.applications.read', T.s1)).toBe(false);
  });
});

describe('canInvite and canRevoke: never above oneself, never outside the scope (K-ID-2)', () => {
  // role to invite → target name → inviters allowed
  const scopes: Record<StaffRole, TargetName[]> = {
    director: ['s1', 's2', 's3', 's4'],
    admissions: ['s1', 's2', 's3', 's4'],
    district: ['d1', 'd2', 'd3', 'r1', 'r2'],
    ministry: ['nation'],
  };
  const expected: Record<StaffRole, Record<ActorName, TargetName[]>> = {
    director: {
      director1: NOWHERE,
      admissions1: NOWHERE,
      districtD1: ['s1', 's2'],
      regionR1: ['s1', 's2', 's3'],
      ministry: ['s1', 's2', 's3', 's4'],
    },
    admissions: {
      director1: ['s1'],
      admissions1: NOWHERE,
      districtD1: ['s1', 's2'],
      regionR1: ['s1', 's2', 's3'],
      ministry: ['s1', 's2', 's3', 's4'],
    },
    district: {
      director1: NOWHERE,
      admissions1: NOWHERE,
      districtD1: ['d1'],
      regionR1: ['d1', 'd2', 'r1'],
      ministry: ['d1', 'd2', 'd3', 'r1', 'r2'],
    },
    ministry: {
      director1: NOWHERE,
      admissions1: NOWHERE,
      districtD1: NOWHERE,
      regionR1: NOWHERE,
      ministry: ['nation'],
    },
  };
  for (const role of STAFF_ROLES) {
    for (const actor of ACTORS) {
      it(`${actor} invites a ${role} exactly for [${expected[role][actor].join(', ')}]`, () => {
        const allowed = TARGETS.filter((t) => canInvite(A[actor], role, T[t]));
        expect(allowed).toEqual(expected[role][actor]);
        // revocation follows the same rule, on the revoked link's own scope
        const revocable = scopes[role].filter((t) => canRevoke(A[actor], role, T[t]));
        expect(revocable).toEqual(expected[role][actor]);
      });
    }
  }

  it('refuses a scope that does not fit the role', () => {
    expect(canInvite(A.ministry, 'director', T.d1)).toBe(false);
    expect(canInvite(A.ministry, 'district', T.s1)).toBe(false);
    expect(canInvite(A.ministry, 'ministry', T.r1)).toBe(false);
  });
});

describe('targetOfScope', () => {
  it('turns a staff link into the target its scope stands for', () => {
    const school = { id: 7, districtId: 'KG-C-ALA', regionId: 'KG-C' };
    expect(targetOfScope('director', { school })).toEqual({
      level: 'school',
      schoolId: 7,
      districtId: 'KG-C-ALA',
      regionId: 'KG-C',
    });
    expect(targetOfScope('district', { territory: { id: 'KG-C', parentId: null } })).toEqual({
      level: 'region',
      regionId: 'KG-C',
    });
    expect(targetOfScope('district', { territory: { id: 'KG-C-ALA', parentId: 'KG-C' } })).toEqual({
      level: 'district',
      districtId: 'KG-C-ALA',
      regionId: 'KG-C',
    });
    expect(targetOfScope('ministry', {})).toEqual({ level: 'nation' });
    expect(targetOfScope('admissions', {})).toBeNull();
    expect(targetOfScope('district', { territory: null })).toBeNull();
  });
});
