// The staff second factor (K-ID-2): a TOTP secret (RFC 6238: SHA-1, 6 digits, 30 s — what every
// authenticator app reads from a QR code) enrolled once through the bot and asked for at quota
// changes and approvals. The secret is encrypted at rest with AES-256-GCM under KATTOO_SECRET_KEY;
// the row's own staff id is the additional data, so a ciphertext copied to another row is useless.
// A code is accepted within ±1 step of the clock, and never twice: the step it matched is kept
// (last_step) and a code of that step or an earlier one is refused. Five wrong codes in fifteen
// minutes lock the factor for the rest of that quarter hour.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/client.ts';
import type { StaffRole } from '../../domain/roles.ts';
import { audit, SchoolOpsError, type StaffRolesReader, type Tx, telegramActor } from './ops.ts';

export const TOTP_PERIOD_S = 30;
export const TOTP_DIGITS = 6;
/** Steps either side of now that are accepted (clock drift of the phone). */
export const TOTP_WINDOW = 1;
export const TOTP_MAX_FAILURES = 5;
export const TOTP_FAILURE_WINDOW_MS = 15 * 60_000;

/** Roles whose actions need the second factor: quota changes (director) and approvals. */
export const TOTP_ROLES: readonly StaffRole[] = ['director', 'district', 'ministry'];

/** The key of the demo (never production): anyone can read it here. */
const DEMO_KEY = createHash('sha256').update('kattoo demo secret key — not for production').digest();

/**
 * The 32-byte key that encrypts secrets at rest, from `KATTOO_SECRET_KEY` (base64 of 32 bytes).
 * Demo mode may run without it (a fixed demo key); production refuses to start without it.
 */
export function secretKeyFromEnv(env: Record<string, string | undefined>, demo: boolean): Buffer {
  const raw = env.KATTOO_SECRET_KEY?.trim();
  if (!raw) {
    if (demo) return DEMO_KEY;
    throw new Error(
      'KATTOO_SECRET_KEY is required outside demo mode: 32 random bytes in base64 (e.g. `openssl rand -base64 32`)',
    );
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(raw) && !/^[A-Za-z0-9_-]+$/.test(raw)) {
    throw new Error('KATTOO_SECRET_KEY must be base64 (32 bytes)');
  }
  const key = Buffer.from(raw, raw.includes('-') || raw.includes('_') ? 'base64url' : 'base64');
  if (key.length !== 32) throw new Error(`KATTOO_SECRET_KEY must be 32 bytes in base64, got ${key.length}`);
  return key;
}

/** `v1.<iv>.<tag>.<ciphertext>` (base64url), AES-256-GCM with `aad` bound in. */
export function encryptSecret(key: Buffer, plain: string, aad: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return [
    'v1',
    iv.toString('base64url'),
    c.getAuthTag().toString('base64url'),
    ct.toString('base64url'),
  ].join('.');
}

export function decryptSecret(key: Buffer, sealed: string, aad: string): string {
  const [v, iv, tag, ct] = sealed.split('.');
  if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('unknown secret format');
  const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  d.setAAD(Buffer.from(aad));
  d.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
}

const aadOf = (staffMemberId: number) => `totp:${staffMemberId}`;

/** The step a code matches at `nowMs` within the window, or null. */
export function matchStep(secretBase32: string, code: string, nowMs: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const secret = Secret.fromBase32(secretBase32);
  const delta = TOTP.validate({
    token: code,
    secret,
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_S,
    timestamp: nowMs,
    window: TOTP_WINDOW,
  });
  if (delta === null) return null;
  return TOTP.counter({ period: TOTP_PERIOD_S, timestamp: nowMs }) + delta;
}

/** The code of a secret at an instant (tests, and the demo's "show me a code"). */
export function codeAt(secretBase32: string, atMs: number): string {
  return TOTP.generate({
    secret: Secret.fromBase32(secretBase32),
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_S,
    timestamp: atMs,
  });
}

/** A code as people type it: spaces and dashes ignored ("123 456"). */
export function normalizeCode(input: string): string {
  return input.replace(/[\s-]/g, '');
}

export type TotpStatus = { needed: boolean; enrolled: boolean; pending: boolean };
export type TotpEnrolment = { secret: string; uri: string; issuer: string; label: string };

export function totpService(deps: {
  db: Db;
  clock: Clock;
  identity: StaffRolesReader;
  /** 32 bytes, from `secretKeyFromEnv` */
  key: Buffer;
  issuer?: string;
}) {
  const { db, clock, identity, key } = deps;
  const issuer = deps.issuer ?? 'Kattoo';

  /** The user's active links whose actions need the factor. */
  async function factorLinks(telegramId: number) {
    const links = await identity.staffRoles(telegramId);
    return links.filter((l) => TOTP_ROLES.includes(l.role));
  }

  async function recentFailures(client: Db | Tx, telegramId: number): Promise<number> {
    return client.auditEvent.count({
      where: {
        action: 'totp.failed',
        subject: `telegram:${telegramId}`,
        at: { gt: new Date(clock.now().getTime() - TOTP_FAILURE_WINDOW_MS) },
      },
    });
  }

  /**
   * Checks a code inside the caller's transaction and consumes its step for every factor of the
   * user (so a code used once is refused everywhere). Throws `totp_not_enrolled`, `totp_locked`,
   * `totp_invalid` or `totp_replayed`; the caller records a failure with `recordFailure` after its
   * transaction has rolled back.
   */
  async function verifyInTx(tx: Tx, telegramId: number, input: string): Promise<number> {
    const links = await factorLinks(telegramId);
    const ids = links.map((l) => l.id);
    const factors = await tx.$queryRaw<
      { staff_member_id: number; secret_enc: string; last_step: bigint | null }[]
    >`
      SELECT staff_member_id, secret_enc, last_step FROM totp_factor
      WHERE staff_member_id = ANY(${ids}) AND enrolled_at IS NOT NULL
      ORDER BY staff_member_id FOR UPDATE`;
    if (factors.length === 0) throw new SchoolOpsError('totp_not_enrolled');
    if ((await recentFailures(tx, telegramId)) >= TOTP_MAX_FAILURES) throw new SchoolOpsError('totp_locked');
    const code = normalizeCode(input);
    const now = clock.now().getTime();
    const last = factors.reduce(
      (m, f) => (f.last_step !== null && Number(f.last_step) > m ? Number(f.last_step) : m),
      -1,
    );
    let matched: number | null = null;
    for (const f of factors) {
      const step = matchStep(decryptSecret(key, f.secret_enc, aadOf(f.staff_member_id)), code, now);
      if (step !== null) {
        matched = step;
        break;
      }
    }
    if (matched === null) throw new SchoolOpsError('totp_invalid');
    if (matched <= last) throw new SchoolOpsError('totp_replayed');
    await tx.totpFactor.updateMany({
      where: { staffMemberId: { in: factors.map((f) => f.staff_member_id) } },
      data: { lastStep: BigInt(matched) },
    });
    return matched;
  }

  async function recordFailure(telegramId: number, reason: string): Promise<void> {
    await audit(db, clock.now(), telegramActor(telegramId), 'totp.failed', `telegram:${telegramId}`, {
      reason,
    });
  }

  return {
    verifyInTx,
    /** Records a refused code (counted for the lock-out); call it outside the failed transaction. */
    recordFailure,

    /** Runs `fn` with the code checked in the same transaction; a refused code is counted. */
    async withCode<T>(telegramId: number, code: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
      try {
        return await db.$transaction(
          async (tx) => {
            await verifyInTx(tx, telegramId, code);
            return fn(tx);
          },
          { timeout: 20_000, maxWait: 20_000 },
        );
      } catch (e) {
        if (e instanceof SchoolOpsError && (e.code === 'totp_invalid' || e.code === 'totp_replayed'))
          await recordFailure(telegramId, e.code);
        throw e;
      }
    },

    async status(telegramId: number): Promise<TotpStatus> {
      const links = await factorLinks(telegramId);
      if (links.length === 0) return { needed: false, enrolled: false, pending: false };
      const rows = await db.totpFactor.findMany({ where: { staffMemberId: { in: links.map((l) => l.id) } } });
      return {
        needed: true,
        enrolled: rows.some((r) => r.enrolledAt !== null),
        pending: rows.some((r) => r.enrolledAt === null),
      };
    },

    /**
     * A new secret for the user's links that need the factor (one secret for all of them: one QR
     * code to scan). Not while a factor is enrolled: a stolen Telegram session must not replace it
     * (a revoked and re-invited link starts afresh).
     */
    async startEnrolment(telegramId: number, label: string): Promise<TotpEnrolment> {
      const links = await factorLinks(telegramId);
      if (links.length === 0) throw new SchoolOpsError('totp_not_needed');
      const secret = new Secret({ size: 20 }).base32;
      const now = clock.now();
      await db.$transaction(async (tx) => {
        const enrolled = await tx.totpFactor.count({
          where: { staffMemberId: { in: links.map((l) => l.id) }, enrolledAt: { not: null } },
        });
        if (enrolled > 0) throw new SchoolOpsError('totp_already_enrolled');
        for (const l of links) {
          const secretEnc = encryptSecret(key, secret, aadOf(l.id));
          await tx.totpFactor.upsert({
            where: { staffMemberId: l.id },
            create: { staffMemberId: l.id, secretEnc, createdAt: now },
            update: { secretEnc, enrolledAt: null, lastStep: null, createdAt: now },
          });
        }
        await audit(tx, now, telegramActor(telegramId), 'totp.enrolment.started', `telegram:${telegramId}`, {
          links: links.length,
        });
      });
      const totp = new TOTP({
        issuer,
        label,
        algorithm: 'SHA1',
        digits: TOTP_DIGITS,
        period: TOTP_PERIOD_S,
        secret: Secret.fromBase32(secret),
      });
      return { secret, uri: totp.toString(), issuer, label };
    },

    /** The first code from the app confirms the enrolment; from now on actions ask for codes. */
    async confirmEnrolment(telegramId: number, input: string): Promise<void> {
      const links = await factorLinks(telegramId);
      const code = normalizeCode(input);
      try {
        await db.$transaction(async (tx) => {
          const rows = await tx.totpFactor.findMany({
            where: { staffMemberId: { in: links.map((l) => l.id) }, enrolledAt: null },
          });
          const first = rows[0];
          if (!first) throw new SchoolOpsError('totp_no_enrolment');
          if ((await recentFailures(tx, telegramId)) >= TOTP_MAX_FAILURES)
            throw new SchoolOpsError('totp_locked');
          const now = clock.now();
          const step = matchStep(
            decryptSecret(key, first.secretEnc, aadOf(first.staffMemberId)),
            code,
            now.getTime(),
          );
          if (step === null) throw new SchoolOpsError('totp_invalid');
          await tx.totpFactor.updateMany({
            where: { staffMemberId: { in: rows.map((r) => r.staffMemberId) } },
            data: { enrolledAt: now, lastStep: BigInt(step) },
          });
          await audit(tx, now, telegramActor(telegramId), 'totp.enrolled', `telegram:${telegramId}`, {
            links: rows.length,
          });
        });
      } catch (e) {
        if (e instanceof SchoolOpsError && e.code === 'totp_invalid') await recordFailure(telegramId, e.code);
        throw e;
      }
    },
  };
}
export type TotpService = ReturnType<typeof totpService>;
