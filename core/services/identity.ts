// Who is who (K-ID): a parent's PIN proven by the state sign-in and linked to one Telegram account,
// and staff linked to a role and scope by a one-time invite. Every use case owns its transaction and
// writes an AuditEvent for each change (K-CORE-4); audit details never hold a PIN in clear, only its
// last three digits. Tokens are random (≥ 128 bits) and only their SHA-256 is stored.
//
// No Telegram here (K-CORE-8): "telegramId" and "chatId" are plain numbers naming an account and the
// conversation to answer in; another channel would pass its own.
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { batcher } from '../db/batch.ts';
import { type Db, Prisma } from '../db/client.ts';
import { int8, sql } from '../db/sql.ts';
import { isValidPin } from '../domain/pin.ts';
import type { LocalizedName } from '../domain/reference.ts';
import {
  type Actor,
  canInvite,
  canRevoke,
  STAFF_ROLES,
  type StaffRole,
  type Target,
  targetOfScope,
} from '../domain/roles.ts';

/** How long a sign-in link works. */
export const SIGN_IN_TTL_MS = 10 * 60_000;
/** How long a staff invite works. */
export const INVITE_TTL_MS = 7 * 24 * 3_600_000;
/** Deep-link payload of a staff invite: `staff_` + 32 base64url characters (≤ 64, K-TG-4). */
export const STAFF_PAYLOAD = /^staff_([A-Za-z0-9_-]{32})$/;
/** A sign-in token as it appears in `/auth/start/<token>`: 32 random bytes, base64url. */
export const SIGN_IN_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Who did it, as the audit records it. */
export type AuditActor = { kind: 'telegram' | 'cli' | 'system'; id: string };

export type SignInProblem =
  /** no such link (never issued, mistyped, or forged) */
  | 'unknown'
  /** the link was already used to sign in */
  | 'used'
  /** older than ten minutes, or replaced by a newer link */
  | 'expired';

/** A sign-in in progress: what the relying party needs to send and check. */
export type OpenSignIn = {
  ok: true;
  state: string;
  nonce: string;
  codeVerifier: string;
  telegramId: number;
  /** the user's chosen language in the bot, if any (for the pages and the IdP) */
  language: string | null;
};

/** A sign-in link that cannot be used; `language` is the user's when the link was theirs (for the page). */
export type SignInRefused = { ok: false; reason: SignInProblem; language?: string | null };

export type Linked = {
  telegramId: number;
  chatId: number;
  language: string | null;
  /** last three digits of the linked PIN (for messages and audit) */
  pinEnd: string;
  /** this account had another PIN before; it was replaced */
  replacedPin: boolean;
  /** the PIN was linked to another account; that account lost it (tell its owner) */
  movedFrom: { telegramId: number; language: string | null } | null;
};

export type SignInStarted = { url: string; token: string; expiresAt: Date };

export type InviteScopeProblem =
  /** the role needs a scope (a school code for school staff, a territory id for a district officer) */
  | 'scope_required'
  /** no school with that code / no territory with that id */
  | 'scope_not_found'
  /** the ministry role has no scope */
  | 'scope_not_allowed'
  /** the inviting staff member may not hand out this role for this scope */
  | 'forbidden'
  | 'bad_role';

export type StaffInviteCreated = {
  ok: true;
  token: string;
  /** the deep-link payload: `t.me/<bot>?start=<payload>` */
  payload: string;
  expiresAt: Date;
  role: StaffRole;
  scope: StaffScope;
};

/** A staff link's scope with names to show. */
export type StaffScope =
  | { kind: 'school'; id: number; code: string; name: LocalizedName; districtId: string; regionId: string }
  | { kind: 'territory'; id: string; name: LocalizedName; parentId: string | null }
  | { kind: 'nation' };

/** One active (or listed) staff link. */
export type StaffLink = {
  id: number;
  telegramId: number;
  role: StaffRole;
  scope: StaffScope;
  /** the link as the rules see it */
  actor: Actor;
  /** the scope as a target (to check invites and revocations against it) */
  target: Target;
  displayName: string | null;
  since: Date;
  revokedAt: Date | null;
};

export type IdentityOptions = {
  db: Db;
  clock: Clock;
  /** Kattoo's external base URL (sign-in links); a function when it is known only after listening */
  publicUrl: string | (() => string);
  signInTtlMs?: number;
  inviteTtlMs?: number;
};

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const randomToken = (bytes: number): string => randomBytes(bytes).toString('base64url');
const pinEnd = (pin: string): string => pin.slice(-3);
const num = (b: bigint): number => Number(b);

type Tx = Prisma.TransactionClient;

async function audit(
  tx: Tx,
  at: Date,
  actor: AuditActor,
  action: string,
  subject: string,
  details: Record<string, string | number | boolean | null> = {},
): Promise<void> {
  await tx.auditEvent.create({
    data: { at, actorKind: actor.kind, actorId: actor.id, action, subject, details },
  });
}

const telegramSubject = (id: number | bigint): string => `telegram:${id}`;
const telegramActor = (id: number | bigint): AuditActor => ({ kind: 'telegram', id: String(id) });

function isUniqueViolation(e: unknown): boolean {
  return e instanceof Prisma.PrismaClientKnownRequestError && (e.code === 'P2002' || e.code === 'P2034');
}

/** Runs `fn` in a transaction, again when a concurrent writer won a unique key (bounded). */
async function withRetry<T>(db: Db, fn: (tx: Tx) => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await db.$transaction(fn);
    } catch (e) {
      if (i >= attempts || !isUniqueViolation(e)) throw e;
    }
  }
}

type StaffRow = {
  id: number;
  telegramId: bigint;
  role: StaffRole;
  schoolId: number | null;
  territoryId: string | null;
  displayName: string | null;
  createdAt: Date;
  revokedAt: Date | null;
};

export function identityService(opts: IdentityOptions) {
  const { db, clock } = opts;
  // every update asks this: the updates arriving together ask in one statement (core/db/batch.ts)
  const whoMany = batcher<number, { language: string | null; staff: boolean }>(async (ids) => {
    const rows = await sql<{ language: string | null; staff: boolean }>(
      db,
      'kattoo_who_is',
      `SELECT (SELECT language FROM chat_user WHERE telegram_id = u.id) AS language,
              EXISTS (SELECT 1 FROM staff_member WHERE telegram_id = u.id AND revoked_at IS NULL) AS staff
       FROM unnest($1::bigint[]) WITH ORDINALITY AS u(id, ord)
       ORDER BY u.ord`,
      [ids.map(int8)],
    );
    return rows;
  });
  const signInTtl = opts.signInTtlMs ?? SIGN_IN_TTL_MS;
  const inviteTtl = opts.inviteTtlMs ?? INVITE_TTL_MS;
  const baseUrl = () =>
    (typeof opts.publicUrl === 'function' ? opts.publicUrl() : opts.publicUrl).replace(/\/+$/, '');

  async function languageOf(client: Db | Tx, telegramId: bigint): Promise<string | null> {
    const u = await client.chatUser.findUnique({ where: { telegramId }, select: { language: true } });
    return u?.language ?? null;
  }

  /** Why an attempt cannot be used now, or null when it can. */
  function attemptProblem(
    a: { usedAt: Date | null; expiresAt: Date } | null,
    now: Date,
  ): SignInProblem | null {
    if (!a) return 'unknown';
    if (a.usedAt) return 'used';
    if (a.expiresAt.getTime() <= now.getTime()) return 'expired';
    return null;
  }

  async function openAttempt(
    where: { tokenHash: string } | { state: string },
  ): Promise<OpenSignIn | SignInRefused> {
    const a = await db.signInAttempt.findUnique({ where: where as Prisma.SignInAttemptWhereUniqueInput });
    const problem = attemptProblem(a, clock.now());
    if (!a) return { ok: false, reason: 'unknown' };
    if (problem) return { ok: false, reason: problem, language: await languageOf(db, a.telegramId) };
    return {
      ok: true,
      state: a.state,
      nonce: a.nonce,
      codeVerifier: a.codeVerifier,
      telegramId: num(a.telegramId),
      language: await languageOf(db, a.telegramId),
    };
  }

  // --- staff scope look-ups -------------------------------------------------------------------

  async function schoolScope(client: Db | Tx, id: number): Promise<StaffScope | null> {
    const s = await client.school.findUnique({ where: { id }, include: { district: true } });
    if (!s) return null;
    return {
      kind: 'school',
      id: s.id,
      code: s.code,
      name: { ky: s.nameKy, ru: s.nameRu, en: s.nameEn },
      districtId: s.districtId,
      regionId: s.district.parentId ?? s.districtId,
    };
  }

  async function territoryScope(client: Db | Tx, id: string): Promise<StaffScope | null> {
    const t = await client.territory.findUnique({ where: { id } });
    if (!t) return null;
    return {
      kind: 'territory',
      id: t.id,
      name: { ky: t.nameKy, ru: t.nameRu, en: t.nameEn },
      parentId: t.parentId,
    };
  }

  async function scopeOf(
    client: Db | Tx,
    row: { role: StaffRole; schoolId: number | null; territoryId: string | null },
  ): Promise<StaffScope | null> {
    if (row.role === 'ministry') return { kind: 'nation' };
    if (row.schoolId !== null) return schoolScope(client, row.schoolId);
    if (row.territoryId !== null) return territoryScope(client, row.territoryId);
    return null;
  }

  function actorOf(role: StaffRole, scope: StaffScope): Actor | null {
    if ((role === 'director' || role === 'admissions') && scope.kind === 'school')
      return { role, schoolId: scope.id };
    if (role === 'district' && scope.kind === 'territory') return { role, territoryId: scope.id };
    if (role === 'ministry' && scope.kind === 'nation') return { role };
    return null;
  }

  function targetOf(role: StaffRole, scope: StaffScope): Target | null {
    return targetOfScope(role, {
      school:
        scope.kind === 'school'
          ? { id: scope.id, districtId: scope.districtId, regionId: scope.regionId }
          : null,
      territory: scope.kind === 'territory' ? { id: scope.id, parentId: scope.parentId } : null,
    });
  }

  async function toLink(client: Db | Tx, row: StaffRow): Promise<StaffLink | null> {
    const scope = await scopeOf(client, row);
    if (!scope) return null;
    const actor = actorOf(row.role, scope);
    const target = targetOf(row.role, scope);
    if (!actor || !target) return null;
    return {
      id: row.id,
      telegramId: num(row.telegramId),
      role: row.role,
      scope,
      actor,
      target,
      displayName: row.displayName,
      since: row.createdAt,
      revokedAt: row.revokedAt,
    };
  }

  async function activeLinks(client: Db | Tx, telegramId: number): Promise<StaffLink[]> {
    const rows = await client.staffMember.findMany({
      where: { telegramId: BigInt(telegramId), revokedAt: null },
      orderBy: { id: 'asc' },
    });
    const links = await Promise.all(rows.map((r) => toLink(client, r)));
    return links.filter((l): l is StaffLink => l !== null);
  }

  /** Resolves and validates an invite's scope for a role. */
  async function resolveScope(
    client: Db | Tx,
    role: StaffRole,
    scope: string | null,
  ): Promise<{ ok: true; scope: StaffScope } | { ok: false; reason: InviteScopeProblem }> {
    const s = scope?.trim() || null;
    switch (role) {
      case 'ministry':
        return s === null
          ? { ok: true, scope: { kind: 'nation' } }
          : { ok: false, reason: 'scope_not_allowed' };
      case 'director':
      case 'admissions': {
        if (s === null) return { ok: false, reason: 'scope_required' };
        const school = await client.school.findUnique({ where: { code: s }, select: { id: true } });
        const found = school ? await schoolScope(client, school.id) : null;
        return found ? { ok: true, scope: found } : { ok: false, reason: 'scope_not_found' };
      }
      case 'district': {
        if (s === null) return { ok: false, reason: 'scope_required' };
        const found = await territoryScope(client, s);
        return found ? { ok: true, scope: found } : { ok: false, reason: 'scope_not_found' };
      }
    }
  }

  return {
    // --- parents: the state sign-in (K-ID-1) ----------------------------------------------------

    /**
     * Starts a sign-in for a Telegram user: a new one-time link valid for ten minutes; any earlier
     * unused link of this user stops working. Returns the URL to send as a button.
     */
    async startSignIn(telegramId: number, chatId: number): Promise<SignInStarted> {
      const now = clock.now();
      const token = randomToken(32);
      const expiresAt = new Date(now.getTime() + signInTtl);
      const tid = BigInt(telegramId);
      await db.$transaction(async (tx) => {
        const invalidated = await tx.signInAttempt.updateMany({
          where: { telegramId: tid, usedAt: null, expiresAt: { gt: now } },
          data: { expiresAt: now },
        });
        await tx.signInAttempt.create({
          data: {
            tokenHash: sha256(token),
            telegramId: tid,
            chatId: BigInt(chatId),
            state: randomToken(32),
            nonce: randomToken(32),
            // RFC 7636: 43–128 characters of [A-Za-z0-9-._~]; 32 random bytes in base64url are 43
            codeVerifier: randomToken(32),
            createdAt: now,
            expiresAt,
          },
        });
        await audit(
          tx,
          now,
          telegramActor(telegramId),
          'identity.sign_in.started',
          telegramSubject(telegramId),
          {
            expiresAt: expiresAt.toISOString(),
            invalidated: invalidated.count,
          },
        );
      });
      return { url: `${baseUrl()}/auth/start/${token}`, token, expiresAt };
    },

    /** The sign-in behind a one-time link, if it can still be used (`GET /auth/start/<token>`). */
    async openSignIn(token: string): Promise<OpenSignIn | SignInRefused> {
      if (!SIGN_IN_TOKEN.test(token)) return { ok: false, reason: 'unknown' };
      return openAttempt({ tokenHash: sha256(token) });
    },

    /** The sign-in an OIDC `state` belongs to, if it can still be used (`GET /auth/callback`). */
    async signInByState(state: string): Promise<OpenSignIn | SignInRefused> {
      if (!/^[A-Za-z0-9_-]{16,128}$/.test(state)) return { ok: false, reason: 'unknown' };
      return openAttempt({ state });
    },

    /**
     * Links the PIN the state sign-in verified to the Telegram user who started the sign-in. Single
     * use; refused when expired. One PIN ↔ one account: if another account held this PIN it loses
     * it (`movedFrom`), if this account held another PIN it is replaced. All audited.
     */
    async completeSignIn(
      state: string,
      verifiedPin: string,
    ): Promise<({ ok: true } & Linked) | { ok: false; reason: SignInProblem | 'invalid_pin' }> {
      if (!isValidPin(verifiedPin)) return { ok: false, reason: 'invalid_pin' };
      const pin = verifiedPin;
      return withRetry(db, async (tx) => {
        const now = clock.now();
        // One PIN at a time: concurrent sign-ins of the same person queue here, so the second sees
        // the first one's link and moves it (instead of both reading "nobody holds it").
        await tx.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtextextended(${`identity-pin:${pin}`}, 0))) AS l`;
        const claimed = await tx.signInAttempt.updateMany({
          where: { state, usedAt: null, expiresAt: { gt: now } },
          data: { usedAt: now },
        });
        const attempt = await tx.signInAttempt.findUnique({ where: { state } });
        if (claimed.count !== 1 || !attempt) {
          return { ok: false as const, reason: attemptProblem(attempt, now) ?? 'used' };
        }
        const tid = attempt.telegramId;
        const me = telegramActor(tid);
        const holder = await tx.identityLink.findUnique({ where: { pin } });
        const mine = await tx.identityLink.findUnique({ where: { telegramId: tid } });

        let movedFrom: Linked['movedFrom'] = null;
        if (holder && holder.telegramId !== tid) {
          await tx.identityLink.deleteMany({ where: { telegramId: holder.telegramId, pin } });
          await audit(tx, now, me, 'identity.link.moved_away', telegramSubject(holder.telegramId), {
            pinEnd: pinEnd(pin),
            to: telegramSubject(tid),
          });
          movedFrom = {
            telegramId: num(holder.telegramId),
            language: await languageOf(tx, holder.telegramId),
          };
        }
        const replacedPin = mine !== null && mine.pin !== pin;
        if (mine && replacedPin) {
          await audit(tx, now, me, 'identity.link.replaced', telegramSubject(tid), {
            previousPinEnd: pinEnd(mine.pin),
            pinEnd: pinEnd(pin),
          });
        }
        await tx.identityLink.upsert({
          where: { telegramId: tid },
          create: { telegramId: tid, pin, linkedAt: now },
          update: { pin, linkedAt: now },
        });
        await audit(tx, now, me, 'identity.linked', telegramSubject(tid), {
          pinEnd: pinEnd(pin),
          from: movedFrom ? telegramSubject(movedFrom.telegramId) : null,
          relinked: mine !== null && !replacedPin,
        });
        return {
          ok: true as const,
          telegramId: num(tid),
          chatId: num(attempt.chatId),
          language: await languageOf(tx, tid),
          pinEnd: pinEnd(pin),
          replacedPin,
          movedFrom,
        };
      });
    },

    /** Removes the user's link (the PIN can then be linked again, by this or another account). */
    async unlink(telegramId: number, by: AuditActor = telegramActor(telegramId)): Promise<boolean> {
      const tid = BigInt(telegramId);
      return db.$transaction(async (tx) => {
        const now = clock.now();
        const link = await tx.identityLink.findUnique({ where: { telegramId: tid } });
        if (!link) return false;
        await tx.identityLink.delete({ where: { telegramId: tid } });
        // an unused sign-in link of this user stops working too
        await tx.signInAttempt.updateMany({
          where: { telegramId: tid, usedAt: null, expiresAt: { gt: now } },
          data: { expiresAt: now },
        });
        await audit(tx, now, by, 'identity.unlinked', telegramSubject(tid), { pinEnd: pinEnd(link.pin) });
        return true;
      });
    },

    /** The PIN linked to this Telegram user, or null. */
    async linkedPin(telegramId: number): Promise<string | null> {
      const link = await db.identityLink.findUnique({ where: { telegramId: BigInt(telegramId) } });
      return link?.pin ?? null;
    },

    /** The link with its date, or null. */
    async link(telegramId: number): Promise<{ pin: string; linkedAt: Date } | null> {
      const link = await db.identityLink.findUnique({ where: { telegramId: BigInt(telegramId) } });
      return link ? { pin: link.pin, linkedAt: link.linkedAt } : null;
    },

    // --- staff (K-ID-2) -------------------------------------------------------------------------

    /**
     * A one-time staff invite for a role and scope (a school code for director and admissions, a
     * territory id for a district officer, none for the ministry), valid seven days. Issued by the
     * command line, or in the bot by a staff member who may hand out that role there (`canInvite`).
     */
    async createStaffInvite(input: {
      role: string;
      scope: string | null;
      createdBy: AuditActor;
    }): Promise<StaffInviteCreated | { ok: false; reason: InviteScopeProblem }> {
      if (!(STAFF_ROLES as readonly string[]).includes(input.role)) return { ok: false, reason: 'bad_role' };
      const role = input.role as StaffRole;
      return db.$transaction(async (tx) => {
        const now = clock.now();
        const resolved = await resolveScope(tx, role, input.scope);
        if (!resolved.ok) return resolved;
        const scope = resolved.scope;
        if (input.createdBy.kind === 'telegram') {
          const inviter = await activeLinks(tx, Number(input.createdBy.id));
          const target = targetOf(role, scope);
          if (!target || !inviter.some((l) => canInvite(l.actor, role, target))) {
            return { ok: false as const, reason: 'forbidden' as const };
          }
        }
        const token = randomToken(24);
        const tokenHash = sha256(token);
        const expiresAt = new Date(now.getTime() + inviteTtl);
        await tx.staffInvite.create({
          data: {
            tokenHash,
            role,
            schoolId: scope.kind === 'school' ? scope.id : null,
            territoryId: scope.kind === 'territory' ? scope.id : null,
            createdBy: `${input.createdBy.kind}:${input.createdBy.id}`,
            createdAt: now,
            expiresAt,
          },
        });
        await audit(tx, now, input.createdBy, 'staff.invite.created', `invite:${tokenHash.slice(0, 16)}`, {
          role,
          scope: scopeKey(scope),
          expiresAt: expiresAt.toISOString(),
        });
        return { ok: true as const, token, payload: `staff_${token}`, expiresAt, role, scope };
      });
    },

    /**
     * Accepts an invite: the Telegram user becomes staff in the invite's role and scope. Single use;
     * expired refused. Accepting a role the user already holds there keeps the one link.
     */
    async acceptStaffInvite(
      token: string,
      telegramId: number,
      displayName: string | null,
    ): Promise<{ ok: true; staff: StaffLink; already: boolean } | { ok: false; reason: SignInProblem }> {
      const bare = STAFF_PAYLOAD.exec(token)?.[1] ?? token;
      if (!/^[A-Za-z0-9_-]{32}$/.test(bare)) return { ok: false, reason: 'unknown' };
      const tokenHash = sha256(bare);
      const tid = BigInt(telegramId);
      return withRetry(db, async (tx) => {
        const now = clock.now();
        const claimed = await tx.staffInvite.updateMany({
          where: { tokenHash, usedAt: null, expiresAt: { gt: now } },
          data: { usedAt: now, usedBy: tid },
        });
        const invite = await tx.staffInvite.findUnique({ where: { tokenHash } });
        if (claimed.count !== 1 || !invite) {
          return { ok: false as const, reason: attemptProblem(invite, now) ?? 'used' };
        }
        const existing = await tx.staffMember.findFirst({
          where: {
            telegramId: tid,
            role: invite.role,
            schoolId: invite.schoolId,
            territoryId: invite.territoryId,
            revokedAt: null,
          },
        });
        const name = displayName?.trim().slice(0, 128) || null;
        const row =
          existing ??
          (await tx.staffMember.create({
            data: {
              telegramId: tid,
              role: invite.role,
              schoolId: invite.schoolId,
              territoryId: invite.territoryId,
              displayName: name,
              createdAt: now,
            },
          }));
        const staff = await toLink(tx, row);
        if (!staff) throw new Error(`staff invite ${tokenHash.slice(0, 16)}: its scope no longer exists`);
        await audit(tx, now, telegramActor(tid), 'staff.invite.accepted', `staff:${row.id}`, {
          invite: `invite:${tokenHash.slice(0, 16)}`,
          role: invite.role,
          scope: scopeKey(staff.scope),
          telegram: telegramSubject(tid),
          already: existing !== null,
        });
        return { ok: true as const, staff, already: existing !== null };
      });
    },

    /**
     * Revokes a staff link at once: the next update of that user no longer carries the role. From
     * the bot, only a staff member who could have invited that role there may revoke it.
     */
    async revokeStaff(
      staffId: number,
      by: AuditActor,
    ): Promise<
      { ok: true; staff: StaffLink } | { ok: false; reason: 'not_found' | 'already_revoked' | 'forbidden' }
    > {
      return db.$transaction(async (tx) => {
        const now = clock.now();
        const row = await tx.staffMember.findUnique({ where: { id: staffId } });
        if (!row) return { ok: false as const, reason: 'not_found' as const };
        if (row.revokedAt) return { ok: false as const, reason: 'already_revoked' as const };
        const link = await toLink(tx, row);
        if (by.kind === 'telegram') {
          const revoker = await activeLinks(tx, Number(by.id));
          if (!link || !revoker.some((l) => canRevoke(l.actor, row.role, link.target))) {
            return { ok: false as const, reason: 'forbidden' as const };
          }
        }
        const updated = await tx.staffMember.update({ where: { id: staffId }, data: { revokedAt: now } });
        await audit(tx, now, by, 'staff.revoked', `staff:${staffId}`, {
          role: row.role,
          telegram: telegramSubject(row.telegramId),
          scope: link ? scopeKey(link.scope) : null,
        });
        const staff = link ? { ...link, revokedAt: updated.revokedAt } : null;
        if (!staff) throw new Error(`staff ${staffId}: its scope no longer exists`);
        return { ok: true as const, staff };
      });
    },

    /**
     * Who is writing, for every update in one query: the remembered interface language and the
     * active staff links (read each time, so a revocation takes effect at once; parents, the many,
     * cost no second query).
     */
    async whoIs(telegramId: number): Promise<{ language: string | null; staff: StaffLink[] }> {
      const row = await whoMany(telegramId);
      return {
        language: row?.language ?? null,
        staff: row?.staff ? await activeLinks(db, telegramId) : [],
      };
    },

    /** The user's active staff links (read on every update, so a revocation takes effect at once). */
    staffRoles(telegramId: number): Promise<StaffLink[]> {
      return activeLinks(db, telegramId);
    },

    /** Staff links, newest first: active only unless asked (the command line lists them). */
    async listStaff(filter: { includeRevoked?: boolean } = {}): Promise<StaffLink[]> {
      const rows = await db.staffMember.findMany({
        where: filter.includeRevoked ? {} : { revokedAt: null },
        orderBy: { id: 'desc' },
        take: 500,
      });
      const links = await Promise.all(rows.map((r) => toLink(db, r)));
      return links.filter((l): l is StaffLink => l !== null);
    },
  };
}

export type IdentityService = ReturnType<typeof identityService>;

/** A scope as a short audit value: `school:<code>`, `territory:<id>`, `nation`. */
function scopeKey(scope: StaffScope): string {
  switch (scope.kind) {
    case 'school':
      return `school:${scope.code}`;
    case 'territory':
      return `territory:${scope.id}`;
    case 'nation':
      return 'nation';
  }
}
