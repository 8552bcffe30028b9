// K-ID-1, K-ID-2 on a real PostgreSQL: sign-in links (single use, ten minutes, the newest only),
// one PIN ↔ one Telegram account, unlink and re-link, staff invites and revocation, and the audit
// trail of every change — never with a PIN in clear.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdjustableClock } from '../../core/clock.ts';
import { makePin } from '../../core/domain/pin.ts';
import { can } from '../../core/domain/roles.ts';
import { type IdentityService, identityService, STAFF_PAYLOAD } from '../../core/services/identity.ts';
import { type MyDataRegistry, myDataService } from '../../core/services/my-data.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

const PUBLIC_URL = 'https://kattoo.example.kg';
const pin = (sequence: number, sex: 'F' | 'M' = 'F') => makePin({ sex, birthDate: '1990-05-17', sequence });
const tokenOf = (url: string) => url.slice(`${PUBLIC_URL}/auth/start/`.length);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('identity service (K-ID)', () => {
  let t: TestDatabase;
  let clock: AdjustableClock;
  let identity: IdentityService;

  beforeAll(async () => {
    t = await createTestDatabase();
    clock = new AdjustableClock(new Date('2026-04-01T04:00:00Z'));
    identity = identityService({ db: t.db, clock, publicUrl: () => `${PUBLIC_URL}/` });
    const names = (s: string) => ({ nameKy: s, nameRu: s, nameEn: s });
    await t.db.territory.createMany({
      data: [
        { id: 'R1', kind: 'region', parentId: null, ...names('Region 1') },
        { id: 'R2', kind: 'region', parentId: null, ...names('Region 2') },
      ],
    });
    await t.db.territory.createMany({
      data: [
        { id: 'R1-D1', kind: 'district', parentId: 'R1', ...names('District 1') },
        { id: 'R2-D3', kind: 'district', parentId: 'R2', ...names('District 3') },
      ],
    });
    const school = (code: string, districtId: string) => ({
      code,
      districtId,
      settlement: 'Town',
      languages: ['ky' as const],
      ...names(`School ${code}`),
      addressKy: 'a',
      addressRu: 'a',
      addressEn: 'a',
    });
    await t.db.school.createMany({
      data: [school('S1', 'R1-D1'), school('S2', 'R1-D1'), school('S4', 'R2-D3')],
    });
  });
  afterAll(() => t.drop());

  /** Starts and completes a sign-in for a user with a PIN. */
  async function signIn(telegramId: number, p: string) {
    const started = await identity.startSignIn(telegramId, telegramId);
    const open = await identity.openSignIn(tokenOf(started.url));
    if (!open.ok) throw new Error(open.reason);
    return identity.completeSignIn(open.state, p);
  }

  async function events(subject?: string) {
    return t.db.auditEvent.findMany({ where: subject ? { subject } : {}, orderBy: { id: 'asc' } });
  }

  describe('sign-in links', () => {
    it('gives a one-time URL whose token is random and stored only as its hash', async () => {
      const before = clock.now().getTime();
      const started = await identity.startSignIn(101, 9101);
      const after = clock.now().getTime();
      expect(started.url).toMatch(/^https:\/\/kattoo\.example\.kg\/auth\/start\/[A-Za-z0-9_-]{43}$/);
      const token = tokenOf(started.url);
      expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
      // ten minutes from the moment of the call (the test clock runs in real time)
      expect(started.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 10 * 60_000);
      expect(started.expiresAt.getTime()).toBeLessThanOrEqual(after + 10 * 60_000);
      const rows = await t.db.signInAttempt.findMany({ where: { telegramId: 101n } });
      expect(rows).toHaveLength(1);
      expect(rows[0]?.tokenHash).toBe(sha256(token));
      expect(JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(token);
      expect(rows[0]?.chatId).toBe(9101n);
      expect(rows[0]?.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
      expect(rows[0]?.state).not.toBe(rows[0]?.nonce);
      const open = await identity.openSignIn(token);
      expect(open).toMatchObject({ ok: true, telegramId: 101, state: rows[0]?.state, nonce: rows[0]?.nonce });
      expect((await events('telegram:101')).map((e) => e.action)).toEqual(['identity.sign_in.started']);
    });

    it('refuses unknown and malformed tokens and states', async () => {
      expect(await identity.openSignIn('x'.repeat(43))).toEqual({ ok: false, reason: 'unknown' });
      expect(await identity.openSignIn('../../etc/passwd')).toEqual({ ok: false, reason: 'unknown' });
      expect(await identity.signInByState('nope')).toEqual({ ok: false, reason: 'unknown' });
      expect(await identity.completeSignIn('y'.repeat(43), pin(1))).toEqual({ ok: false, reason: 'unknown' });
    });

    it('links once: a second use of the same sign-in is refused', async () => {
      const started = await identity.startSignIn(102, 102);
      const open = await identity.openSignIn(tokenOf(started.url));
      if (!open.ok) throw new Error('not open');
      const first = await identity.completeSignIn(open.state, pin(2));
      expect(first).toMatchObject({ ok: true, telegramId: 102, chatId: 102, pinEnd: pin(2).slice(-3) });
      expect(await identity.completeSignIn(open.state, pin(2))).toEqual({ ok: false, reason: 'used' });
      expect(await identity.openSignIn(tokenOf(started.url))).toMatchObject({ ok: false, reason: 'used' });
      expect(await identity.signInByState(open.state)).toMatchObject({ ok: false, reason: 'used' });
      expect(await identity.linkedPin(102)).toBe(pin(2));
    });

    it('expires after ten minutes (the clock decides)', async () => {
      const started = await identity.startSignIn(103, 103);
      const open = await identity.openSignIn(tokenOf(started.url));
      if (!open.ok) throw new Error('not open');
      clock.shift(10 * 60_000 - 1_000);
      expect((await identity.openSignIn(tokenOf(started.url))).ok).toBe(true);
      clock.shift(2_000);
      expect(await identity.openSignIn(tokenOf(started.url))).toMatchObject({ ok: false, reason: 'expired' });
      expect(await identity.completeSignIn(open.state, pin(3))).toEqual({ ok: false, reason: 'expired' });
      expect(await identity.linkedPin(103)).toBeNull();
    });

    it('keeps only the newest link of a user working', async () => {
      const older = await identity.startSignIn(104, 104);
      const newer = await identity.startSignIn(104, 104);
      expect(await identity.openSignIn(tokenOf(older.url))).toMatchObject({ ok: false, reason: 'expired' });
      expect((await identity.openSignIn(tokenOf(newer.url))).ok).toBe(true);
    });

    it('refuses a malformed PIN without using up the sign-in', async () => {
      const started = await identity.startSignIn(105, 105);
      const open = await identity.openSignIn(tokenOf(started.url));
      if (!open.ok) throw new Error('not open');
      expect(await identity.completeSignIn(open.state, '12345')).toEqual({
        ok: false,
        reason: 'invalid_pin',
      });
      expect(await identity.completeSignIn(open.state, '31023199000001')).toEqual({
        ok: false,
        reason: 'invalid_pin',
      });
      expect((await identity.completeSignIn(open.state, pin(5))).ok).toBe(true);
    });
  });

  describe('one PIN ↔ one Telegram account', () => {
    it('moves a PIN to the account that proved it last, and the old account loses it — both audited', async () => {
      const p = pin(20, 'M');
      expect(await signIn(201, p)).toMatchObject({ ok: true, movedFrom: null, replacedPin: false });
      const second = await signIn(202, p);
      expect(second).toMatchObject({ ok: true, telegramId: 202, movedFrom: { telegramId: 201 } });
      expect(await identity.linkedPin(201)).toBeNull();
      expect(await identity.linkedPin(202)).toBe(p);
      expect(await t.db.identityLink.count({ where: { pin: p } })).toBe(1);
      const old = await events('telegram:201');
      expect(old.map((e) => e.action)).toContain('identity.link.moved_away');
      expect(old.find((e) => e.action === 'identity.link.moved_away')).toMatchObject({
        actorKind: 'telegram',
        actorId: '202',
        details: { pinEnd: p.slice(-3), to: 'telegram:202' },
      });
      const now = await events('telegram:202');
      expect(now.find((e) => e.action === 'identity.linked')?.details).toMatchObject({
        from: 'telegram:201',
      });
    });

    it('replaces the PIN of an account that signs in as another person', async () => {
      await signIn(203, pin(30));
      const again = await signIn(203, pin(31));
      expect(again).toMatchObject({ ok: true, replacedPin: true, movedFrom: null });
      expect(await identity.linkedPin(203)).toBe(pin(31));
      expect(await t.db.identityLink.count({ where: { pin: pin(30) } })).toBe(0);
      expect((await events('telegram:203')).map((e) => e.action)).toContain('identity.link.replaced');
    });

    it('unlinks and re-links', async () => {
      await signIn(204, pin(40));
      expect(await identity.unlink(204)).toBe(true);
      expect(await identity.linkedPin(204)).toBeNull();
      expect(await identity.unlink(204)).toBe(false);
      // the PIN is free again: another account may take it without moving anything
      expect(await signIn(205, pin(40))).toMatchObject({ ok: true, movedFrom: null });
      await identity.unlink(205);
      expect(await signIn(204, pin(40))).toMatchObject({ ok: true, movedFrom: null });
      expect(await identity.link(204)).toMatchObject({ pin: pin(40) });
      const actions = (await events('telegram:204')).map((e) => e.action);
      expect(actions.filter((a) => a === 'identity.linked')).toHaveLength(2);
      expect(actions).toContain('identity.unlinked');
    });

    it('holds under concurrency: two accounts proving the same PIN at once end with one link', async () => {
      const p = pin(50, 'M');
      const users = [301, 302, 303, 304];
      const opens = await Promise.all(
        users.map(async (u) => {
          const s = await identity.startSignIn(u, u);
          const o = await identity.openSignIn(tokenOf(s.url));
          if (!o.ok) throw new Error('not open');
          return o.state;
        }),
      );
      const results = await Promise.all(opens.map((s) => identity.completeSignIn(s, p)));
      expect(results.every((r) => r.ok)).toBe(true);
      expect(await t.db.identityLink.count({ where: { pin: p } })).toBe(1);
      const holders = await t.db.identityLink.findMany({ where: { telegramId: { in: users.map(BigInt) } } });
      expect(holders).toHaveLength(1);
    });

    it('never writes a PIN in clear into the audit', async () => {
      const all = await events();
      expect(all.length).toBeGreaterThan(10);
      const text = JSON.stringify(all, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
      expect(text).not.toMatch(/\d{14}/);
    });
  });

  describe('staff invites and revocation (K-ID-2)', () => {
    const cli = { kind: 'cli' as const, id: 'test' };

    it('issues an invite whose payload fits a deep link; accepting it links the role, once', async () => {
      const inv = await identity.createStaffInvite({ role: 'director', scope: 'S1', createdBy: cli });
      if (!inv.ok) throw new Error(inv.reason);
      expect(inv.payload).toMatch(STAFF_PAYLOAD);
      expect(inv.payload.length).toBeLessThanOrEqual(64);
      expect(inv.scope).toMatchObject({ kind: 'school', code: 'S1', districtId: 'R1-D1', regionId: 'R1' });
      expect(await t.db.staffInvite.count({ where: { tokenHash: sha256(inv.token) } })).toBe(1);

      const accepted = await identity.acceptStaffInvite(inv.payload, 401, 'Director One');
      expect(accepted).toMatchObject({
        ok: true,
        already: false,
        staff: { role: 'director', telegramId: 401 },
      });
      expect(await identity.acceptStaffInvite(inv.payload, 402, 'Someone else')).toEqual({
        ok: false,
        reason: 'used',
      });
      const roles = await identity.staffRoles(401);
      expect(roles).toHaveLength(1);
      const director = roles[0];
      if (!director) throw new Error('no role');
      expect(can(director.actor, 'school.quota.edit', director.target)).toBe(true);
      expect(await identity.staffRoles(402)).toEqual([]);
      const subjects = (await events()).filter((e) => e.action.startsWith('staff.'));
      expect(subjects.map((e) => e.action)).toEqual(['staff.invite.created', 'staff.invite.accepted']);
    });

    it('refuses an expired invite and an unknown one', async () => {
      const inv = await identity.createStaffInvite({ role: 'admissions', scope: 'S2', createdBy: cli });
      if (!inv.ok) throw new Error(inv.reason);
      clock.shift(7 * 24 * 3_600_000 + 1_000);
      expect(await identity.acceptStaffInvite(inv.payload, 403, null)).toEqual({
        ok: false,
        reason: 'expired',
      });
      expect(await identity.acceptStaffInvite('staff_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 403, null)).toEqual({
        ok: false,
        reason: 'unknown',
      });
      expect(await identity.acceptStaffInvite('staff_<script>', 403, null)).toEqual({
        ok: false,
        reason: 'unknown',
      });
      expect(await identity.staffRoles(403)).toEqual([]);
    });

    it('validates that the scope exists and fits the role', async () => {
      const make = (role: string, scope: string | null) =>
        identity.createStaffInvite({ role, scope, createdBy: cli });
      expect(await make('director', 'NO-SUCH')).toEqual({ ok: false, reason: 'scope_not_found' });
      expect(await make('director', null)).toEqual({ ok: false, reason: 'scope_required' });
      expect(await make('admissions', '  ')).toEqual({ ok: false, reason: 'scope_required' });
      expect(await make('district', 'KG-NOWHERE')).toEqual({ ok: false, reason: 'scope_not_found' });
      expect(await make('district', null)).toEqual({ ok: false, reason: 'scope_required' });
      expect(await make('ministry', 'R1')).toEqual({ ok: false, reason: 'scope_not_allowed' });
      expect(await make('janitor', 'S1')).toEqual({ ok: false, reason: 'bad_role' });
      expect(await make('district', 'R1')).toMatchObject({
        ok: true,
        scope: { kind: 'territory', id: 'R1' },
      });
      expect(await make('district', 'R1-D1')).toMatchObject({
        ok: true,
        scope: { kind: 'territory', parentId: 'R1' },
      });
      expect(await make('ministry', null)).toMatchObject({ ok: true, scope: { kind: 'nation' } });
      expect(await t.db.staffInvite.count({ where: { role: 'ministry' } })).toBe(1);
    });

    it('lets staff invite in the bot only below themselves and inside their scope', async () => {
      // 401 is the director of S1 (first test)
      const by = { kind: 'telegram' as const, id: '401' };
      expect(
        await identity.createStaffInvite({ role: 'admissions', scope: 'S1', createdBy: by }),
      ).toMatchObject({
        ok: true,
      });
      expect(await identity.createStaffInvite({ role: 'admissions', scope: 'S2', createdBy: by })).toEqual({
        ok: false,
        reason: 'forbidden',
      });
      expect(await identity.createStaffInvite({ role: 'director', scope: 'S1', createdBy: by })).toEqual({
        ok: false,
        reason: 'forbidden',
      });
      const nobody = { kind: 'telegram' as const, id: '999' };
      expect(
        await identity.createStaffInvite({ role: 'admissions', scope: 'S1', createdBy: nobody }),
      ).toEqual({
        ok: false,
        reason: 'forbidden',
      });
    });

    it('accepting the same role twice keeps one link', async () => {
      const a = await identity.createStaffInvite({ role: 'district', scope: 'R2', createdBy: cli });
      const b = await identity.createStaffInvite({ role: 'district', scope: 'R2', createdBy: cli });
      if (!a.ok || !b.ok) throw new Error('invite');
      expect(await identity.acceptStaffInvite(a.token, 501, 'Officer')).toMatchObject({
        ok: true,
        already: false,
      });
      expect(await identity.acceptStaffInvite(b.token, 501, 'Officer')).toMatchObject({
        ok: true,
        already: true,
      });
      expect(await identity.staffRoles(501)).toHaveLength(1);
    });

    it('revokes at once; the next read of the roles no longer has it', async () => {
      const inv = await identity.createStaffInvite({ role: 'admissions', scope: 'S4', createdBy: cli });
      if (!inv.ok) throw new Error(inv.reason);
      const accepted = await identity.acceptStaffInvite(inv.payload, 601, 'Clerk');
      if (!accepted.ok) throw new Error(accepted.reason);
      const id = accepted.staff.id;
      expect(await identity.staffRoles(601)).toHaveLength(1);

      // a director of another school may not revoke it; the district officer of R2 (501) may
      expect(await identity.revokeStaff(id, { kind: 'telegram', id: '401' })).toEqual({
        ok: false,
        reason: 'forbidden',
      });
      expect(await identity.revokeStaff(id, { kind: 'telegram', id: '501' })).toMatchObject({ ok: true });
      expect(await identity.staffRoles(601)).toEqual([]);
      expect(await identity.revokeStaff(id, cli)).toEqual({ ok: false, reason: 'already_revoked' });
      expect(await identity.revokeStaff(999_999, cli)).toEqual({ ok: false, reason: 'not_found' });
      const revoked = (await events(`staff:${id}`)).map((e) => [e.action, e.actorKind, e.actorId]);
      expect(revoked).toContainEqual(['staff.revoked', 'telegram', '501']);
      const listed = await identity.listStaff({ includeRevoked: true });
      expect(listed.find((l) => l.id === id)?.revokedAt).toBeInstanceOf(Date);
      expect((await identity.listStaff()).find((l) => l.id === id)).toBeUndefined();
    });
  });
  describe('my data (core/services/my-data.ts)', () => {
    const person = {
      pin: pin(70, 'M'),
      surname: 'Осмонов',
      name: 'Марат',
      sex: 'M' as const,
      birthDate: '1990-05-17',
    };
    const registry = (over: Partial<MyDataRegistry> = {}): MyDataRegistry => ({
      personByPin: async (p) => (p === person.pin ? person : null),
      birthRecord: async () => null,
      guardianship: async () => [],
      ...over,
    });

    it('is "unlinked" for an account without a PIN', async () => {
      const svc = myDataService({ identity, registry: registry(), clock });
      expect(await svc.myData(7070)).toEqual({ status: 'unlinked' });
    });

    it('shows the person; says the children list is not available when the registry has no such look-up', async () => {
      await signIn(7071, person.pin);
      const svc = myDataService({ identity, registry: registry(), clock });
      expect(await svc.myData(7071)).toMatchObject({ status: 'ok', pin: person.pin, person, children: null });
      const withIndex = myDataService({
        identity,
        registry: registry({ childrenOf: async () => [] }),
        clock,
      });
      expect(await withIndex.myData(7071)).toMatchObject({ status: 'ok', children: [] });
    });

    it('gives up on a hanging registry after its timeout, and asks the registry on the person’s behalf', async () => {
      const seen: string[] = [];
      const hanging = registry({
        personByPin: (p, on) =>
          new Promise((_resolve, reject) => {
            seen.push(on.onBehalfOf);
            on.signal?.addEventListener('abort', () => reject(on.signal?.reason));
            void p;
          }),
      });
      const svc = myDataService({ identity, registry: hanging, clock, timeoutMs: 150 });
      const started = Date.now();
      expect(await svc.myData(7071)).toMatchObject({ status: 'registry_unavailable', pin: person.pin });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(seen).toEqual([person.pin]);
    });

    it('passes other errors through (a bug is not "the registry is down")', async () => {
      const broken = registry({
        personByPin: async () => {
          throw new TypeError('bug');
        },
      });
      await expect(myDataService({ identity, registry: broken, clock }).myData(7071)).rejects.toThrow('bug');
    });
  });
});
