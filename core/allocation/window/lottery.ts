// The published seeded lottery of window mode (K-CAMP-4). The ministry draws a secret seed and publishes
// its SHA-256 (the commitment) before the window opens; after the close it reveals the seed. Each
// child's lottery number is HMAC-SHA-256(seed, application number): it depends on nothing a party can
// steer after seeing the applications, and anyone holding the revealed seed can recompute every number.
// Decision 0015 says why. node:crypto is computation, not I/O.
import { createHash, createHmac, hash, randomBytes } from 'node:crypto';

const HEX64 = /^[0-9a-f]{64}$/;

/** A seed or a digest: exactly 64 lowercase hexadecimal digits (32 bytes). */
export function isHex256(s: string): boolean {
  return HEX64.test(s);
}

function seedBytes(seed: string): Buffer {
  if (!isHex256(seed)) throw new RangeError('a seed is 64 lowercase hexadecimal digits (32 bytes)');
  return Buffer.from(seed, 'hex');
}

/** A new secret seed: 32 bytes from the operating system's CSPRNG, as hex. */
export function newSeed(): string {
  return randomBytes(32).toString('hex');
}

/** The commitment published before the window opens: SHA-256 of the seed's 32 bytes, as hex. */
export function commitment(seed: string): string {
  return createHash('sha256').update(seedBytes(seed)).digest('hex');
}

/** Whether a revealed seed is the one committed to. False (not an error) for a malformed seed. */
export function verifyCommitment(seed: string, committed: string): boolean {
  return isHex256(seed) && isHex256(committed) && commitment(seed) === committed;
}

/**
 * Lottery numbers for many applications under one seed, as one buffer of 32 bytes per number (in the
 * order given); a number is compared as its 32 bytes, smaller first. HMAC (RFC 2104) is written out with
 * the key's two pads prepared once and one-shot hashes: the same bytes as createHmac (lotteryNumber uses
 * it, and the tests compare both with Python's hmac), a third less CPU for 200,000 children.
 */
export function lotteryBytes(seed: string, numbers: readonly string[]): Buffer {
  const key = seedBytes(seed); // 32 bytes: shorter than SHA-256's 64-byte block, so zero-padded
  const longest = numbers.reduce((m, n) => Math.max(m, Buffer.byteLength(n, 'utf8')), 0);
  const inner = Buffer.alloc(64 + longest);
  const outer = Buffer.alloc(64 + 32);
  for (let i = 0; i < 64; i++) {
    inner[i] = (key[i] ?? 0) ^ 0x36;
    outer[i] = (key[i] ?? 0) ^ 0x5c;
  }
  const out = Buffer.allocUnsafe(numbers.length * 32);
  for (let i = 0; i < numbers.length; i++) {
    const length = inner.write(numbers[i] as string, 64, 'utf8');
    (hash('sha256', inner.subarray(0, 64 + length), 'buffer') as Buffer).copy(outer, 64);
    (hash('sha256', outer, 'buffer') as Buffer).copy(out, i * 32);
  }
  return out;
}

/** One child's lottery number: HMAC-SHA-256(seed, application number) as 64 hex digits. */
export function lotteryNumber(seed: string, applicationNumber: string): string {
  return createHmac('sha256', seedBytes(seed)).update(applicationNumber, 'utf8').digest('hex');
}

/**
 * The short form shown to parents: the number's first 12 hex digits in groups of four ("3f9a-1c0e-77b2").
 * It is a prefix of the full number, so short forms sort as the draw does; the chance that two of 200,000
 * children share one is below 1 in 10,000, and then the full number decides.
 */
export function shortLottery(lottery: string): string {
  return `${lottery.slice(0, 4)}-${lottery.slice(4, 8)}-${lottery.slice(8, 12)}`;
}
