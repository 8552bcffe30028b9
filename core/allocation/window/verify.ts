// Anyone can check a window run (issue 12 "Anyone can check it"): from the published input file and the
// revealed seed, recompute the result file byte for byte and compare it with the published one. Takes
// file contents, not paths, so that the CLI (`kattoo allocation verify`) or a browser can call it.
import { MarketError, runWindow } from './deferred-acceptance.ts';
import { FileFormatError, jsonLines, parseInput, sha256Hex, writeResult } from './files.ts';
import { commitment, isHex256, verifyCommitment } from './lottery.ts';

export type Verification =
  | { ok: true; resultDigest: string; applications: number; quotas: number }
  | { ok: false; difference: string; line?: number };

/** Runs the published input with a seed and returns the result file it gives, with its header. */
export function recompute(
  input: string,
  seed: string,
): { text: string; applications: number; quotas: number } {
  const { header, market } = parseInput(input);
  const result = runWindow({ ...market, seed });
  const text = writeResult(
    { stage: header.stage, input: sha256Hex(input), seed, commitment: commitment(seed) },
    result,
  );
  return { text, applications: result.applicants.length, quotas: result.quotas.length };
}

function describe(published: string, recomputed: string): string {
  let p: Record<string, unknown>;
  let r: Record<string, unknown>;
  try {
    p = JSON.parse(published);
    r = JSON.parse(recomputed);
  } catch {
    return 'the published line is not JSON';
  }
  const who =
    typeof r.application === 'string'
      ? `application ${r.application}`
      : typeof r.quota === 'string'
        ? `quota ${r.quota}`
        : 'the header';
  if (p.application !== r.application || p.quota !== r.quota) {
    return `${who} expected here, the published file has ${JSON.stringify(p.application ?? p.quota ?? null)}`;
  }
  for (const field of Object.keys(r)) {
    const a = JSON.stringify(p[field]);
    const b = JSON.stringify(r[field]);
    if (a !== b) return `${who}: ${field} is ${a} in the published result, ${b} when recomputed`;
  }
  return `${who}: the published line has fields the format does not have`;
}

/**
 * Whether `result` is what `input` gives with `seed`. Checks, in order: the seed against the commitment
 * the input file carries, the result's digest when one is given (as published beside the file), then
 * every line; a mismatch names the first difference.
 */
export function verifyRun(
  input: string,
  seed: string,
  result: string,
  opts: { resultDigest?: string } = {},
): Verification {
  let recomputed: ReturnType<typeof recompute>;
  try {
    const { header } = parseInput(input);
    if (!isHex256(seed)) return { ok: false, difference: 'the seed is not 64 lowercase hexadecimal digits' };
    if (!verifyCommitment(seed, header.commitment)) {
      return {
        ok: false,
        difference: `the seed does not match the commitment ${header.commitment} published before the window opened`,
      };
    }
    recomputed = recompute(input, seed);
  } catch (e) {
    if (e instanceof FileFormatError || e instanceof MarketError) {
      return { ok: false, difference: `the input file cannot be run: ${e.message}` };
    }
    throw e;
  }
  const digest = sha256Hex(result);
  if (opts.resultDigest !== undefined && opts.resultDigest.toLowerCase() !== digest) {
    return {
      ok: false,
      difference: `the result file's SHA-256 is ${digest}, not the published ${opts.resultDigest}`,
    };
  }
  if (recomputed.text === result) {
    return {
      ok: true,
      resultDigest: digest,
      applications: recomputed.applications,
      quotas: recomputed.quotas,
    };
  }
  const want = jsonLines(recomputed.text);
  const got = jsonLines(result);
  for (let i = 0; i < Math.max(want.length, got.length); i++) {
    const w = want[i];
    const g = got[i];
    if (w === g) continue;
    if (g === undefined)
      return { ok: false, line: i + 1, difference: `the published result ends before line ${i + 1}` };
    if (w === undefined)
      return { ok: false, line: i + 1, difference: `the published result has extra lines from ${i + 1}` };
    return { ok: false, line: i + 1, difference: describe(g, w) };
  }
  // Same lines, different bytes: line endings or a missing final newline.
  return {
    ok: false,
    difference: 'the same records, but not the same bytes (line endings or the final newline)',
  };
}
