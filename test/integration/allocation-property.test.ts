// Model-based property test (fast-check): random sequences of submissions, withdrawals, swaps, priority
// verifications, a quota's approval and the opening of the free-seats stage run against the real
// service on PostgreSQL (the SQL `submit_decision` among it) and against a few-line model built on the
// TypeScript twin of that decision (core/allocation/submit-decision.ts) and the one order rule. After
// every step: no quota exceeded, the counters match the rows, and every status and seat equals the
// model's — so a freed seat always went to the right next child (verified priority, then catchment,
// then receipt, among those the stage in force admits), and the two implementations agree.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareCandidates } from '../../core/allocation/order.ts';
import { decideSubmission } from '../../core/allocation/submit-decision.ts';
import { AdjustableClock } from '../../core/clock.ts';
import { importCsv } from '../../core/import/index.ts';
import { createLogger } from '../../core/logger.ts';
import { applicationService } from '../../core/services/applications/service.ts';
import { schoolAdmissionsService } from '../../core/services/school/admissions.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { childPin, parentPin, registryStub, type StubChild } from '../support/registry-stub.ts';
import { addressOf, STAGE1_OPEN, STAGE3_OPEN, seedSmallWorld } from '../support/small-world.ts';

const CHILDREN = 8;
const SEATS = { '10001:ky': 1, '10002:ky': 1, '10003:ky': 2 };
const CODES = ['10001', '10002', '10003'];
const LIMIT = 3;

type Op = {
  kind: 'submit' | 'withdraw' | 'swap' | 'verify' | 'approve' | 'stage3';
  child: number;
  school: number;
};
/** school 10003's quota starts unapproved: submissions there wait for its approval */
const UNAPPROVED = 2;
const DIRECTOR = (school: number) => 9500 + school;

type ModelApp = {
  status: 'draft' | 'admitted' | 'waitlisted' | 'withdrawn';
  school: number;
  seq: number;
  /** the claim: verified counts, claimed does not (K-PRIO-2) */
  claim: 'none' | 'claimed' | 'verified';
  catchment: boolean;
  swap: { school: number; seq: number; catchment: boolean } | null;
  swaps: number;
};

class Model {
  apps = new Map<number, ModelApp>();
  taken = CODES.map(() => 0);
  seats = CODES.map((c) => SEATS[`${c}:ky` as keyof typeof SEATS]);
  approved = CODES.map((_, i) => i !== UNAPPROVED);
  stage: 'catchment' | 'free_seats' = 'catchment';
  seq = 0;
  home = (child: number) => child % 2; // the registered address is in school 0's or 1's catchment

  waiting(school: number) {
    const out: {
      child: number;
      c: { id: string; priority: 'none' | 'claimed' | 'verified'; catchment: boolean; seq: bigint };
    }[] = [];
    for (const [child, a] of this.apps) {
      // the stage in force admits: stage I only catchment requests; the free-seats stage anyone
      if (a.status === 'waitlisted' && a.school === school && (this.stage === 'free_seats' || a.catchment)) {
        out.push({
          child,
          c: {
            id: String(child),
            priority: a.claim,
            catchment: a.catchment,
            seq: BigInt(a.seq),
          },
        });
      }
      if (
        a.status === 'admitted' &&
        a.swap?.school === school &&
        (this.stage === 'free_seats' || a.swap.catchment)
      ) {
        out.push({
          child,
          c: {
            id: String(child),
            priority: a.claim,
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
      if (!next || !this.approved[s] || this.taken[s] === this.seats[s]) continue;
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
    if (op.kind === 'stage3') {
      if (this.stage === 'free_seats') return 'skip';
      this.stage = 'free_seats';
      return 'ok';
    }
    if (op.kind === 'approve') {
      if (this.approved[UNAPPROVED]) return 'skip';
      this.approved[UNAPPROVED] = true;
      this.fill(UNAPPROVED);
      return 'ok';
    }
    if (op.kind === 'verify') {
      if (a?.claim !== 'claimed' || (a.status !== 'admitted' && a.status !== 'waitlisted')) return 'skip';
      a.claim = 'verified';
      if (a.status === 'waitlisted') this.fill(a.school);
      else if (a.swap) this.fill(a.swap.school);
      return 'ok';
    }
    if (op.kind === 'submit') {
      if (!a) return 'skip';
      if (a.status === 'admitted' || a.status === 'waitlisted') return 'ok'; // a repeat: the first decision stands
      if (a.status !== 'draft') return 'invalid_state';
      const catchment = op.school === this.home(op.child);
      if (this.stage === 'catchment' && !catchment) return 'place_refused';
      // the TypeScript twin of submit_decision decides; the service's SQL must agree
      const decided = decideSubmission(
        {
          seats: this.seats[op.school] as number,
          taken: this.taken[op.school] as number,
          approved: this.approved[op.school] as boolean,
        },
        this.stage === 'free_seats',
      );
      if (decided === 'school_full' || decided === 'no_quota') return decided;
      a.school = op.school;
      a.catchment = catchment;
      a.seq = ++this.seq;
      if (decided === 'admitted') {
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
    const catchment = op.school === this.home(op.child);
    if (this.stage === 'catchment' && !catchment) return 'place_refused'; // K-SEAT-5
    if (a.swaps >= LIMIT) return 'cancellation_limit';
    a.swap = { school: op.school, seq: ++this.seq, catchment };
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
  // i % 3 === 0: serving, verified by the registry; i % 3 === 1: a claim the registry does not confirm
  const military = children.filter((_, i) => i % 3 === 0).map((c) => c.parents[0] as string);
  const clock = new AdjustableClock(STAGE1_OPEN);
  const svc = () =>
    applicationService({
      db: t.db,
      clock,
      registry: registryStub(children, { military }),
      log: createLogger('silent'),
    });
  const staffSide = () => schoolAdmissionsService({ db: t.db, clock, log: createLogger('silent') });

  beforeAll(async () => {
    t = await createTestDatabase();
    await seedSmallWorld(t.db, { schools: 3, seats: SEATS });
    const schools = await t.db.school.findMany({ orderBy: { id: 'asc' } });
    for (const [k, sc] of schools.entries())
      await t.db.staffMember.create({
        data: { telegramId: BigInt(DIRECTOR(k)), role: 'director', schoolId: sc.id },
      });
  });
  afterAll(() => t.drop());

  it('never exceed a quota, keep counters true, and give every freed seat to the right next child', async () => {
    const op = fc.record({
      kind: fc.constantFrom<Op['kind']>(
        'submit',
        'submit',
        'submit',
        'withdraw',
        'withdraw',
        'swap',
        'swap',
        'verify',
        'approve',
        'stage3',
      ),
      child: fc.integer({ min: 0, max: CHILDREN - 1 }),
      school: fc.integer({ min: 0, max: 2 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 40 }), async (ops) => {
        await t.db.$executeRaw`TRUNCATE application, application_transition, outbox_message, quota_change`;
        await t.db.$executeRaw`UPDATE quota SET taken = 0, approved = true`;
        await t.db.$executeRaw`UPDATE quota SET approved = false FROM school
          WHERE school.id = quota.school_id AND school.code = ${CODES[UNAPPROVED]} AND quota.language = 'ky'`;
        clock.set(STAGE1_OPEN);
        const s = svc();
        const staff = staffSide();
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
          await s.claimPriority(d.id, telegramId, i % 3 === 2 ? 'none' : 'military');
          await s.setContact(d.id, telegramId, '0700000000', true);
          ids.set(i, d.id);
          model.apps.set(i, {
            status: 'draft',
            school: -1,
            seq: 0,
            claim: i % 3 === 0 ? 'verified' : i % 3 === 1 ? 'claimed' : 'none',
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
            else if (o.kind === 'swap') await s.requestSwap(id, tg, CODES[o.school] as string, 'ky');
            else if (o.kind === 'verify') {
              const a = await s.get(id, tg);
              const k = CODES.indexOf(a.school?.code as string);
              await staff.decidePriority({ telegramId: DIRECTOR(k) }, id, { confirm: true });
            } else if (o.kind === 'approve') {
              const file = `school_code,campaign_id,language,seats,class_size,approved\n${CODES[UNAPPROVED]},2026-27,ky,${SEATS['10003:ky']},25,\n`;
              const r = await importCsv(t.db, 'quotas', file, {
                approved: true,
                reason: 'Order No. 1',
                author: 'cli:test',
              });
              if (!r.ok) got = 'import_refused';
            } else clock.set(STAGE3_OPEN);
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
        numRuns: 20,
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
          // a verified claim moves ahead of an earlier child; an unverified one (7) does not
          [
            [
              { kind: 'submit', child: 7, school: 1 },
              { kind: 'submit', child: 5, school: 1 },
              { kind: 'submit', child: 1, school: 1 },
              { kind: 'verify', child: 1, school: 0 },
              { kind: 'withdraw', child: 7, school: 0 },
            ],
          ],
          // submissions to an unapproved quota wait, and are decided in order on its approval
          [
            [
              { kind: 'stage3', child: 0, school: 0 },
              { kind: 'submit', child: 2, school: 2 },
              { kind: 'submit', child: 4, school: 2 },
              { kind: 'submit', child: 6, school: 2 },
              { kind: 'approve', child: 0, school: 0 },
            ],
          ],
          // a change of school is refused outside the catchment in stage I, allowed in the free-seats stage
          [
            [
              { kind: 'submit', child: 0, school: 0 },
              { kind: 'swap', child: 0, school: 1 },
              { kind: 'stage3', child: 0, school: 0 },
              { kind: 'swap', child: 0, school: 1 },
              { kind: 'swap', child: 0, school: 2 },
              { kind: 'approve', child: 0, school: 0 },
            ],
          ],
        ],
      },
    );
  }, 600_000);
});
