// K-CORE-1/2/3 under real concurrency: several OS processes, each with its own connection pool, submit
// 500 applications for three quotas (25, 10 and 5 seats) in the same instant, and double-tap some of
// them. Each process decides the presses arriving together as one group (one transaction over several
// quotas), so this is also the test of the groups' lock order and of their retry one by one.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { childPin, parentPin } from '../support/registry-stub.ts';
import { CAMPAIGN, STAGE1_OPEN, seedSmallWorld } from '../support/small-world.ts';

const PROCESSES = 4;
const APPLICATIONS = 500;
const SEATS = [25, 10, 5];
const TOTAL_SEATS = SEATS.reduce((a, b) => a + b, 0);

type Result = { id: string; outcome?: string; repeated?: boolean; error?: string };

function runWorker(arg: unknown): Promise<Result[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/support/submit-worker.ts', JSON.stringify(arg)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`worker failed: ${err}`)),
    );
  });
}

describe('no overbooking across processes (K-CORE-1, K-REL-1)', () => {
  let t: TestDatabase;
  let schools: { id: number }[] = [];
  beforeAll(async () => {
    t = await createTestDatabase();
    const { codes } = await seedSmallWorld(t.db, {
      schools: 3,
      seats: Object.fromEntries(SEATS.map((n, k) => [`${10001 + k}:ky`, n])),
    });
    schools = await Promise.all(codes.map((code) => t.db.school.findUniqueOrThrow({ where: { code } })));
    await t.db.application.createMany({
      data: Array.from({ length: APPLICATIONS }, (_, i) => ({
        number: `2026-${String(i + 1).padStart(7, '0')}`,
        campaignId: CAMPAIGN,
        telegramId: BigInt(10_000 + i),
        applicantPin: parentPin(i),
        childPin: childPin(i),
        certificateSeries: 'KG',
        certificateNumber: String(100000 + i),
        verification: 'verified',
        child: { surname: 'А', name: 'Б', sex: 'M', birthDate: '2019-06-15' },
        // in the catchment of the school applied to (stage I)
        registeredAddress: {
          settlement: 'Бишкек',
          street: `Көчө ${(i % SEATS.length) + 1}`,
          house: String((i % 100) + 1),
        },
        schoolId: schools[i % SEATS.length]?.id as number,
        language: 'ky',
        phone: '+996700000000',
        consentAt: new Date(),
      })),
    });
  }, 120_000);
  afterAll(() => t.drop());

  it(`${APPLICATIONS} simultaneous submissions from ${PROCESSES} processes fill exactly ${TOTAL_SEATS} seats`, async () => {
    const apps = await t.db.application.findMany({
      select: { id: true, telegramId: true },
      orderBy: { id: 'asc' },
    });
    const items = apps.map((a) => ({ id: String(a.id), telegramId: Number(a.telegramId) }));
    const startAt = Date.now() + 4000;
    const shares = Array.from({ length: PROCESSES }, (_, p) => items.filter((_, i) => i % PROCESSES === p));
    // double taps: each process also submits the first 10 applications of the next process's share
    const taps = shares.map((s, p) => [...s, ...(shares[(p + 1) % PROCESSES] ?? []).slice(0, 10)]);
    const results = (
      await Promise.all(
        taps.map((share) => runWorker({ url: t.url, items: share, startAt, now: STAGE1_OPEN.toISOString() })),
      )
    ).flat();

    expect(results.filter((r) => r.error)).toEqual([]);
    for (const [k, school] of schools.entries()) {
      const admitted = await t.db.application.findMany({
        where: { schoolId: school.id, status: 'admitted' },
      });
      const waiting = await t.db.application.findMany({
        where: { schoolId: school.id, status: 'waitlisted' },
      });
      const quota = await t.db.quota.findFirstOrThrow({ where: { schoolId: school.id, language: 'ky' } });
      expect(admitted).toHaveLength(SEATS[k] as number);
      expect(quota.taken).toBe(SEATS[k]); // the counter reconciles with the rows
      expect(admitted.length + waiting.length).toBe(
        Array.from({ length: APPLICATIONS }, (_, i) => i).filter((i) => i % SEATS.length === k).length,
      );
      // first come, first served: every admitted child was received before every waitlisted one
      const lastAdmitted = admitted.reduce(
        (m, a) => (a.receivedSeq && a.receivedSeq > m ? a.receivedSeq : m),
        0n,
      );
      expect(waiting.every((w) => (w.receivedSeq ?? 0n) > lastAdmitted)).toBe(true);
    }
    expect(await t.db.application.count({ where: { status: 'waitlisted' } })).toBe(
      APPLICATIONS - TOTAL_SEATS,
    );
    // a double tap never makes a second decision: exactly one decision transition per application
    const decisions = await t.db.applicationTransition.groupBy({
      by: ['applicationId'],
      where: { toStatus: { in: ['admitted', 'waitlisted'] } },
      _count: true,
    });
    expect(decisions).toHaveLength(APPLICATIONS);
    expect(decisions.every((d) => d._count === 1)).toBe(true);
    // and every second submission of the same application answered with the first decision
    const repeated = results.filter((r) => r.repeated);
    expect(repeated.length).toBeGreaterThan(0);
    const first = new Map(results.filter((r) => !r.repeated).map((r) => [r.id, r.outcome]));
    for (const r of repeated) expect(r.outcome).toBe(first.get(r.id));
  }, 120_000);
});
