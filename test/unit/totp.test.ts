import { randomBytes } from 'node:crypto';
import { Secret } from 'otpauth';
import { describe, expect, it } from 'vitest';
import {
  codeAt,
  decryptSecret,
  encryptSecret,
  matchStep,
  normalizeCode,
  secretKeyFromEnv,
  TOTP_PERIOD_S,
} from '../../core/services/school/totp.ts';

const secret = new Secret({ size: 20 }).base32;
const T = Date.UTC(2026, 2, 20, 4, 0, 0);
const step = Math.floor(T / 1000 / TOTP_PERIOD_S);

describe('TOTP second factor (K-ID-2)', () => {
  it('accepts the code of now and of one step either side, nothing further', () => {
    expect(matchStep(secret, codeAt(secret, T), T)).toBe(step);
    expect(matchStep(secret, codeAt(secret, T - 30_000), T)).toBe(step - 1);
    expect(matchStep(secret, codeAt(secret, T + 30_000), T)).toBe(step + 1);
    expect(matchStep(secret, codeAt(secret, T - 60_000), T)).toBeNull();
    expect(matchStep(secret, codeAt(secret, T + 90_000), T)).toBeNull();
  });

  it('matches the RFC 6238 test vector (SHA-1, 6 digits)', () => {
    // RFC 6238 appendix B: secret "12345678901234567890", T = 59 s → 94287082 (8 digits) → 287082
    const rfc = Secret.fromUTF8('12345678901234567890').base32;
    expect(codeAt(rfc, 59_000)).toBe('287082');
  });

  it('refuses malformed codes and ignores spaces people type', () => {
    expect(matchStep(secret, '12345', T)).toBeNull();
    expect(matchStep(secret, 'abcdef', T)).toBeNull();
    expect(normalizeCode(' 123 456 ')).toBe('123456');
    expect(normalizeCode('123-456')).toBe('123456');
  });

  it('encrypts the secret with AES-256-GCM bound to its row', () => {
    const key = randomBytes(32);
    const sealed = encryptSecret(key, secret, 'totp:1');
    expect(sealed).not.toContain(secret);
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(decryptSecret(key, sealed, 'totp:1')).toBe(secret);
    // another row, another key, or a tampered ciphertext: refused
    expect(() => decryptSecret(key, sealed, 'totp:2')).toThrow();
    expect(() => decryptSecret(randomBytes(32), sealed, 'totp:1')).toThrow();
    const parts = sealed.split('.');
    const ct = Buffer.from(parts[3] as string, 'base64url');
    ct[0] = (ct[0] ?? 0) ^ 1;
    expect(() =>
      decryptSecret(key, [parts[0], parts[1], parts[2], ct.toString('base64url')].join('.'), 'totp:1'),
    ).toThrow();
    // two encryptions of one secret differ (random IV)
    expect(encryptSecret(key, secret, 'totp:1')).not.toBe(sealed);
  });

  it('takes the key from KATTOO_SECRET_KEY; production refuses to run without one', () => {
    const key = randomBytes(32);
    expect(secretKeyFromEnv({ KATTOO_SECRET_KEY: key.toString('base64') }, false).equals(key)).toBe(true);
    expect(secretKeyFromEnv({ KATTOO_SECRET_KEY: key.toString('base64url') }, false).equals(key)).toBe(true);
    expect(() => secretKeyFromEnv({}, false)).toThrow(/KATTOO_SECRET_KEY/);
    expect(() => secretKeyFromEnv({ KATTOO_SECRET_KEY: randomBytes(16).toString('base64') }, false)).toThrow(
      /32 bytes/,
    );
    expect(() => secretKeyFromEnv({ KATTOO_SECRET_KEY: 'not base64 !!' }, true)).toThrow();
    const demo = secretKeyFromEnv({}, true);
    expect(demo.length).toBe(32);
    expect(secretKeyFromEnv({ KATTOO_SECRET_KEY: '' }, true).equals(demo)).toBe(true);
  });
});
