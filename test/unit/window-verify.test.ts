// The published files and `verifyRun` (issue 12 "Anyone can check it").
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Market, runWindow } from '../../core/allocation/window/deferred-acceptance.ts';
import {
  FileFormatError,
  parseInput,
  sha256Hex,
  writeInput,
  writeResult,
} from '../../core/allocation/window/files.ts';
import { commitment, newSeed } from '../../core/allocation/window/lottery.ts';
import { recompute, verifyRun } from '../../core/allocation/window/verify.ts';
import { marketArb } from './window-market.ts';

const SEED = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';

/** What the operator publishes: the input at the close, then the result and its digest after the draw. */
function publish(market: Market) {
  const input = writeInput(
    { stage: '2026-27/1', commitment: commitment(market.seed), maxChoices: market.maxChoices ?? 3 },
    market,
  );
  const result = writeResult(
    { stage: '2026-27/1', input: sha256Hex(input), seed: market.seed, commitment: commitment(market.seed) },
    runWindow(market),
  );
  return { input, result, digest: sha256Hex(result) };
}

const market: Market = {
  seed: SEED,
  quotas: new Map([
    ['41001/ky', 1],
    ['41001/ru', 1],
    ['41002/ky', 2],
  ]),
  applicants: [
    {
      number: '2026-0000001',
      choices: [
        { quota: '41001/ky', priority: 0, catchment: true },
        { quota: '41002/ky', priority: 0, catchment: false },
      ],
    },
    { number: '2026-0000002', choices: [{ quota: '41001/ky', priority: 0, catchment: true }] },
    { number: '2026-0000003', choices: [{ quota: '41001/ru', priority: 1, catchment: false }] },
  ],
};

describe('window files and verification', () => {
  it('writes files that read back to the same market and the same run, in canonical order', () => {
    fc.assert(
      fc.property(marketArb(), (m) => {
        const { input } = publish(m);
        const { market: back } = parseInput(input);
        expect(runWindow({ ...back, seed: m.seed })).toEqual(runWindow(m));
        const reversed: Market = { ...m, applicants: [...m.applicants].reverse() };
        expect(publish(reversed)).toEqual(publish(m));
      }),
      { numRuns: 100 },
    );
  });

  it('carries no names or PINs: only numbers, quotas, tiers and flags', () => {
    const { input, result } = publish(market);
    expect(input.split('\n')[1]).toBe('{"quota":"41001/ky","seats":1}');
    expect(input.split('\n')[4]).toBe(
      '{"application":"2026-0000001","choices":[{"quota":"41001/ky","priority":0,"catchment":true},{"quota":"41002/ky","priority":0,"catchment":false}]}',
    );
    // 2026-0000002 is drawn before 2026-0000001 under SEED: it takes the one seat of 41001/ky.
    expect(result.split('\n')[1]).toBe(
      `{"application":"2026-0000001","lottery":"bc118a74a9143504ce88f0ce2dc249d75994a982747a359cf35ec581cd6bb853","placed":{"quota":"41002/ky","choice":2},"waiting":[{"quota":"41001/ky","choice":1,"position":1}]}`,
    );
  });

  it('confirms an honest run, with its digest', () => {
    const { input, result, digest } = publish(market);
    expect(verifyRun(input, SEED, result, { resultDigest: digest })).toEqual({
      ok: true,
      resultDigest: digest,
      applications: 3,
      quotas: 3,
    });
    expect(recompute(input, SEED).text).toBe(result);
  });

  it('detects a tampered result and names the first difference', () => {
    const { input, result, digest } = publish(market);
    const moved = result.replace(
      '"placed":{"quota":"41002/ky","choice":2},"waiting":[{"quota":"41001/ky","choice":1,"position":1}]',
      '"placed":{"quota":"41001/ky","choice":1},"waiting":[]',
    );
    expect(moved).not.toBe(result);
    expect(verifyRun(input, SEED, moved)).toEqual({
      ok: false,
      line: 2,
      difference:
        'application 2026-0000001: placed is {"quota":"41001/ky","choice":1} in the published result, {"quota":"41002/ky","choice":2} when recomputed',
    });
    expect(verifyRun(input, SEED, moved, { resultDigest: digest })).toMatchObject({
      ok: false,
      difference: expect.stringMatching(/^the result file's SHA-256 is [0-9a-f]{64}, not the published/),
    });
    const lines = result.split('\n');
    const dropped = [...lines.slice(0, 2), ...lines.slice(3)].join('\n');
    expect(verifyRun(input, SEED, dropped)).toMatchObject({
      ok: false,
      line: 3,
      difference: expect.stringMatching(/^application 2026-0000002 expected here/),
    });
    expect(verifyRun(input, SEED, result.trimEnd())).toMatchObject({ ok: false });
    expect(verifyRun(input, SEED, `${result}{"quota":"x"}\n`)).toMatchObject({ ok: false, line: 8 });
  });

  it('detects a wrong seed, and an input changed after the result was published', () => {
    const { input, result } = publish(market);
    expect(verifyRun(input, newSeed(), result)).toMatchObject({
      ok: false,
      difference: expect.stringMatching(/^the seed does not match the commitment/),
    });
    // A seed that matches a changed commitment still gives another result header (the input digest).
    const other = newSeed();
    const forged = input.replace(commitment(SEED), commitment(other));
    expect(verifyRun(forged, other, result)).toMatchObject({
      ok: false,
      line: 1,
      difference: expect.stringMatching(/^the header: input is /),
    });
    const changed = input.replace('"priority":1', '"priority":0');
    expect(verifyRun(changed, SEED, result)).toMatchObject({ ok: false, line: 1 });
  });

  it('says why an input file cannot be read', () => {
    expect(() => parseInput('')).toThrow(FileFormatError);
    expect(() => parseInput('{"format":"other"}\n')).toThrow(/line 1/);
    const { input, result } = publish(market);
    expect(verifyRun(`${input}not json\n`, SEED, result)).toEqual({
      ok: false,
      difference: 'the input file cannot be run: line 8: not JSON',
    });
    expect(verifyRun(`${input}{"quota":"41001/ky","seats":3}\n`, SEED, result)).toMatchObject({
      ok: false,
      difference: expect.stringMatching(/quota 41001\/ky appears twice/),
    });
  });
});
