// The window-mode allocation run at national scale (K-PERF-2, issue 12): N applicants with up to three
// ranked choices over the demo world's quotas (~2,400 schools, every school × language of instruction;
// seats scaled so that 200,000 children meet the world's ~190,000 seats and smaller N the same tightness),
// timed from input to result, with its peak memory. Each size runs in a child process of its own so that
// its peak RSS is its own.
//   node --expose-gc --import tsx bench/allocation.ts [--sizes 20000,50000,100000,200000] [--repeats 3]
//                                                      [--json out.json]
// Pure computation: no database. Two paths are timed at each size, as the median of the repeats:
//   run      runWindow() from applicants in memory to the result (lottery, deferred acceptance, lists);
//   files    what `verifyRun` does from the published text: read the input file, run, write the result
//            file and its SHA-256 (the input file itself is written beforehand, not timed).
// CPU time (user + system) is given beside the wall time: on a shared machine the wall time also counts
// the time other processes held the cores.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { type Applicant, type Choice, runWindow } from '../core/allocation/window/deferred-acceptance.ts';
import { parseInput, sha256Hex, writeInput, writeResult } from '../core/allocation/window/files.ts';
import { commitment } from '../core/allocation/window/lottery.ts';
import { generateDemoWorld } from '../prisma/demo/world.ts';

const arg = (name: string, d: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? d) : d;
};

const SEED = 'a3f1c2d4e5b60718293a4b5c6d7e8f90112233445566778899aabbccddeeff00';

/** A deterministic generator (mulberry32), so every run of the bench draws the same market. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Market = { quotas: Map<string, number>; applicants: Applicant[] };

/**
 * The demo world's quotas (their seats scaled by N / 200,000), and N children: a first choice drawn by seats times a popularity that makes
 * some schools wanted far more than they can take, then up to two more choices among the quotas of the
 * same settlement (else district). 40 % rank one choice, 30 % two, 30 % three; the first choice is in the
 * child's catchment for 70 %, a further one for 30 %; 4 % hold a verified priority at a given choice.
 */
function market(n: number): Market {
  const world = generateDemoWorld();
  const schools = new Map(world.schools.map((s) => [s.code, s] as const));
  const random = rng(2026);
  const quotas = new Map<string, number>();
  const near = new Map<string, string[]>(); // settlement or district → quota keys
  const keys: string[] = [];
  const weights: number[] = [];
  for (const q of world.quotas) {
    const key = `${q.schoolCode}/${q.language}`;
    // Seats scale with N (the demo world has ~190,000 for 200,000 children): the same tightness at every size.
    quotas.set(key, Math.max(1, Math.round((q.seats * n) / 200_000)));
    const school = schools.get(q.schoolCode);
    const place = school ? `${school.districtId}:${school.settlement}` : '';
    near.set(place, [...(near.get(place) ?? []), key]);
    keys.push(key);
    weights.push(q.seats * (random() < 0.15 ? 4 : 1) * (0.5 + random()));
  }
  const placeOf = new Map<string, string>();
  for (const [place, ks] of near) for (const k of ks) placeOf.set(k, place);
  const cumulative = new Float64Array(weights.length);
  weights.reduce((sum, w, i) => {
    cumulative[i] = sum + w;
    return sum + w;
  }, 0);
  const total = cumulative[cumulative.length - 1] as number;
  const pick = () => {
    const x = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return keys[lo] as string;
  };
  const applicants: Applicant[] = [];
  for (let i = 0; i < n; i++) {
    const first = pick();
    const want = random() < 0.4 ? 1 : random() < 0.5 ? 2 : 3;
    const pool = near.get(placeOf.get(first) ?? '') ?? [];
    const ranked = [first];
    for (let tries = 0; ranked.length < want && tries < 8; tries++) {
      const k =
        pool.length > 1 && random() < 0.8 ? (pool[Math.floor(random() * pool.length)] as string) : pick();
      if (!ranked.includes(k)) ranked.push(k);
    }
    const choices: Choice[] = ranked.map((quota, j) => ({
      quota,
      priority: random() < 0.04 ? 1 : 0,
      catchment: random() < (j === 0 ? 0.7 : 0.3),
    }));
    applicants.push({ number: `2026-${String(i + 1).padStart(7, '0')}`, choices });
  }
  return { quotas, applicants };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function measure(n: number, repeats: number) {
  const m = market(n);
  const input = writeInput({ stage: 'bench', commitment: commitment(SEED), maxChoices: 3 }, m);
  const gc = (globalThis as { gc?: () => void }).gc;
  const runWall: number[] = [];
  const runCpu: number[] = [];
  const filesWall: number[] = [];
  const filesCpu: number[] = [];
  let summary = { placed: 0, firstChoice: 0, waitingEntries: 0, resultBytes: 0, digest: '' };
  for (let r = 0; r < repeats; r++) {
    gc?.();
    let cpu = process.cpuUsage();
    let t = performance.now();
    const result = runWindow({ ...m, seed: SEED });
    runWall.push(performance.now() - t);
    let c = process.cpuUsage(cpu);
    runCpu.push((c.user + c.system) / 1000);
    summary.placed = result.applicants.filter((p) => p.placed).length;
    summary.firstChoice = result.applicants.filter((p) => p.placed?.choice === 1).length;
    summary.waitingEntries = result.quotas.reduce((s, q) => s + q.waiting.length, 0);

    gc?.();
    cpu = process.cpuUsage();
    t = performance.now();
    const { header, market: back } = parseInput(input);
    const text = writeResult(
      { stage: header.stage, input: sha256Hex(input), seed: SEED, commitment: commitment(SEED) },
      runWindow({ ...back, seed: SEED }),
    );
    const digest = sha256Hex(text);
    filesWall.push(performance.now() - t);
    c = process.cpuUsage(cpu);
    filesCpu.push((c.user + c.system) / 1000);
    summary = { ...summary, resultBytes: Buffer.byteLength(text), digest };
  }
  const seats = [...m.quotas.values()].reduce((s, x) => s + x, 0);
  return {
    applicants: n,
    quotas: m.quotas.size,
    seats,
    choices: m.applicants.reduce((s, a) => s + a.choices.length, 0),
    runMs: Math.round(median(runWall)),
    runCpuMs: Math.round(median(runCpu)),
    filesMs: Math.round(median(filesWall)),
    filesCpuMs: Math.round(median(filesCpu)),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    inputMB: +(Buffer.byteLength(input) / 1e6).toFixed(1),
    resultMB: +(summary.resultBytes / 1e6).toFixed(1),
    placed: summary.placed,
    firstChoice: summary.firstChoice,
    waitingEntries: summary.waitingEntries,
    resultDigest: summary.digest,
  };
}

const one = arg('one', '');
if (one !== '') {
  process.stdout.write(`${JSON.stringify(measure(Number(one), Number(arg('repeats', '3'))))}\n`);
} else {
  const sizes = arg('sizes', '20000,50000,100000,200000')
    .split(',')
    .map(Number)
    .filter((s) => s > 0);
  const rows = [];
  for (const n of sizes) {
    const out = execFileSync(
      process.execPath,
      [...process.execArgv, process.argv[1] as string, '--one', String(n), '--repeats', arg('repeats', '3')],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    const row = JSON.parse(out);
    rows.push(row);
    process.stderr.write(`${JSON.stringify(row)}\n`);
  }
  const json = arg('json', '');
  if (json !== '') writeFileSync(json, JSON.stringify(rows, null, 2));
  console.log(
    '| applicants | quotas | seats | run (wall / CPU) | files (wall / CPU) | peak RSS | placed | 1st choice |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.applicants} | ${r.quotas} | ${r.seats} | ${r.runMs} / ${r.runCpuMs} ms | ${r.filesMs} / ${r.filesCpuMs} ms | ${r.peakRssMB} MB | ${r.placed} | ${r.firstChoice} |`,
    );
  }
}
