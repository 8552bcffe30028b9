// Model-based property test (fast-check): random sequences of submissions, withdrawals and swaps run
// against the real service on PostgreSQL and against a few-line model of the rules. After every step:
// no quota exceeded, the counters match the rows, and every status and seat equals the model's — so a
// freed seat always went to the right next child (priority, then catchment, then receipt).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdjustableClock } from '../../core/clock.ts';
import { compareCandidates } from '../../core/allocation/order.ts';
import { createLogger } from '../../core/logger.ts';
import { applicationService } from '../../core/services/applications/service.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { childPin, parentPin, registryStub, type StubChild } from '../support/registry-stub.ts';
import { addressOf, STAGE1_OPEN, seedSmallWorld } from '../support/small-world.ts';

const CHILDREN = 8;
const SEATS = { '10001:ky': 1, '10002:ky': 1, '10003:ky': 2 };
const CODES = ['10001', '10002', '10003'];
const LIMIT = 3;

type Op = { kind: 'submit' | 'withdraw' | 'swap'; child: number; school: number };

type ModelApp = {
  status: 'draft' | 'admitted' | 'waitlisted' | 'withdrawn';
  school: number;
  seq: number;
  priority: boolean;
  catchment: boolean;
  swap: { school: number; seq: number; catchment: boolean } | null;
  swaps: number;
};

class Model {
  apps = new Map<number, ModelApp>();
  taken = CODES.map(() => 0);
  seats = CODES.map((c) => SEATS[`${c}:ky` as keyof typeof SEATS]);
  seq = 0;
  home = (child: number) => child % 2; // the registered address is in school 0's or 1's catchment

  waiting(school: number) {
    const out: {
      child: number;
      c: { id: string; priority: 'claimed' | 'none'; catchment: boolean; seq: bigint };
    }[] = [];
    for (const [child, a] of this.apps) {
      if (a.status === 'waitlisted' && a.school === school) {
        out.push({
          child,
          c: {
            id: String(child),
            priority: a.priority ? 'claimed' : 'none',
            catchment: a.catchment,
            seq: BigInt(a.seq),
          },
        });
      }
      if (a.status === 'admitted' && a.swap?.school === school) {
        out.push({
          child,
          c: {
            id: String(child),
            priority: a.priority ? 'claimed' : 'none',
            catchment: a.swap.catchment,
            seq: BigInt(a.swap.seq),
          },
        });
      }
    }
    return out.sort((x, y) => compareCandidates(x.c, y.c));
  }

  fill(start: number) {
    const work = [start];
    while (work.length) {
      const s = work.shift() as number;
      const next = this.waiting(s)[0];
      if (!next || this.taken[s] === this.seats[s]) continue;
      (this.taken[s] as number)++;
      const a = this.apps.get(next.child) as ModelApp;
      if (a.status === 'waitlisted') a.status = 'admitted';
      else {
        const old = a.school;
        a.school = s;
        a.catchment = a.swap?.catchment ?? false;
        a.swap = null;
        a.swaps++;
        (this.taken[old] as number)--;
        work.push(old);
      }
      work.push(s);
    }
  }

  /** what the service should answer: 'ok' or the refusal code */
  apply(op: Op): string {
    const a = this.apps.get(op.child);
    if (op.kind === 'submit') {
      if (!a) return 'skip';
      if (a.status === 'admitted' || a.status === 'waitlisted') return 'ok'; // a repeat: the first decision stands
      if (a.status !== 'draft') return 'invalid_state';
      if (op.school !== this.home(op.child)) return 'place_refused';
      a.school = op.school;
      a.catchment = true;
      a.seq = ++this.seq;
      if ((this.taken[op.school] as number) < (this.seats[op.school] as number)) {
        (this.taken[op.school] as number)++;
        a.status = 'admitted';
      } else a.status = 'waitlisted';
      return 'ok';
    }
    if (!a || a.status === 'draft' || a.status === 'withdrawn') return 'skip';
    if (op.kind === 'withdraw') {
      if (a.swaps >= LIMIT) return 'cancellation_limit';
      const held = a.status === 'admitted';
      a.status = 'withdrawn';
      a.swap = null;
      if (held) {
        (this.taken[a.school] as number)--;
        this.fill(a.school);
      }
      return 'ok';
    }
    if (a.status !== 'admitted') return 'invalid_state';
    if (op.school === a.school) return 'same_school';
    if (a.swaps >= LIMIT) return 'cancellation_limit';
    a.swap = { school: op.school, seq: ++this.seq, catchment: op.school === this.home(op.child) };
    this.fill(op.school);
    return 'ok';
  }
}

describe('allocation properties (fast-check, real PostgreSQL)', () => {
  let t: TestDatabase;
  const children: StubChild[] = Array.from({ length: CHILDREN }, (_, i) => ({
    pin: childPin(i),
    series: 'KG',
    number: String(200000 + i),
    parents: [parentPin(i)],
    address: addressOf((i % 2) + 1, String(i + 1)),
  }));
  const military = children.filter((_, i) => i % 3 === 0).map((c) => c.parents[0] as string);
  const svc = () =>
    applicationService({
      db: t.db,
      clock: new AdjustableClock(STAGE1_OPEN),
      registry: registryStub(children, { military }),
      log: createLogger('silent'),
    });

  beforeAll(async () => {
    t = await createTestDatabase();
    await seedSmallWorld(t.db, { schools: 3, seats: SEATS });
  });
  afterAll(() => t.drop());

  it('never exceed a quota, keep counters true, and give every freed seat to the right next child', async () => {
    const op = fc.record({
      kind: fc.constantFrom<Op['kind']>('submit', 'submit', 'submit', 'withdraw', 'withdraw', 'swap'),
      child: fc.integer({ min: 0, max: CHILDREN - 1 }),
      school: fc.integer({ min: 0, max: 2 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 40 }), async (ops) => {
        await t.db.$executeRaw`TRUNCATE application, application_transition, outbox_message`;
        await t.db.$executeRaw`UPDATE quota SET taken = 0`;
        const s = svc();
        const model = new Model();
        const ids = new Map<number, string>();
        for (let i = 0; i < CHILDREN; i++) {
          const telegramId = 5000 + i;
          const d = await s.createDraft({
            telegramId,
            applicantPin: parentPin(i),
            childPin: childPin(i),
            certificateSeries: 'KG',
            certificateNumber: String(200000 + i),
          });
          await s.claimPriority(d.id, telegramId, i % 3 === 0 ? 'military' : 'none');
          await s.setContact(d.id, telegramId, '0700000000', true);
          ids.set(i, d.id);
          model.apps.set(i, {
            status: 'draft',
            school: -1,
            seq: 0,
            priority: i % 3 === 0,
            catchment: false,
            swap: null,
            swaps: 0,
          });
        }
        for (const o of ops) {
          const expected = model.apply(o);
          if (expected === 'skip') continue;
          const id = ids.get(o.child) as string;
          const tg = 5000 + o.child;
          let got = 'ok';
          try {
            if (o.kind === 'submit') {
              await s.chooseSchool(id, tg, CODES[o.school] as string, 'ky').catch(() => {});
              await s.submit(id, tg);
            } else if (o.kind === 'withdraw') await s.withdraw(id, tg);
            else await s.requestSwap(id, tg, CODES[o.school] as string, 'ky');
          } catch (e) {
            got = (e as { code?: string }).code ?? String(e);
          }
          expect(got).toBe(expected);
          const quotas = await t.db.quota.findMany({
            where: { language: 'ky' },
            include: { school: true },
            orderBy: { schoolId: 'asc' },
          });
          for (const q of quotas) {
            expect(q.taken).toBeLessThanOrEqual(q.seats);
            const holding = await t.db.application.count({
              where: { schoolId: q.schoolId, language: 'ky', status: 'admitted' },
            });
            expect(holding).toBe(q.taken);
          }
          for (const [child, m] of model.apps) {
            const a = await s.get(ids.get(child) as string, 5000 + child);
            expect({ child, status: a.status }).toEqual({ child, status: m.status });
            if (m.status === 'admitted')
              expect({ child, school: a.school?.code }).toEqual({ child, school: CODES[m.school] });
          }
        }
      }),
      {
        numRuns: 25,
        // Always also run the cases where the order rule decides: a priority child (3) waiting behind an
        // earlier one (5) when the seat frees; a catchment child ahead of an earlier swap request.
        examples: [
          [
            [
              { kind: 'submit', child: 1, school: 1 },
              { kind: 'submit', child: 5, school: 1 },
              { kind: 'submit', child: 3, school: 1 },
              { kind: 'withdraw', child: 1, school: 0 },
            ],
          ],
          [
            [
              { kind: 'submit', child: 2, school: 0 },
              { kind: 'submit', child: 1, school: 1 },
              { kind: 'swap', child: 1, school: 0 },
              { kind: 'submit', child: 4, school: 0 },
              { kind: 'withdraw', child: 2, school: 0 },
            ],
          ],
        ],
      },
    );
  }, 300_000);
});
