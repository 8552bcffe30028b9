import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdjustableClock } from '../../core/clock.ts';
import { createLogger } from '../../core/logger.ts';
import { submissionStatements } from '../../core/services/applications/decision.ts';
import { ApplicationError } from '../../core/services/applications/errors.ts';
import { applicationService } from '../../core/services/applications/service.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { childPin, parentPin, registryStub, type StubChild } from '../support/registry-stub.ts';
import { addressOf, CAMPAIGN, STAGE1_OPEN, STAGE3_OPEN, seedSmallWorld } from '../support/small-world.ts';

const log = createLogger('silent');

describe('registration use cases on PostgreSQL', () => {
  let t: TestDatabase;
  const clock = new AdjustableClock(STAGE1_OPEN);
  let registryDown = false;
  const children: StubChild[] = [];
  for (let i = 1; i <= 14; i++) {
    children.push({
      pin: childPin(i),
      series: 'KG',
      number: String(100000 + i),
      parents: [parentPin(i)],
      address: addressOf(1, String(i)),
    });
  }
  children.push({
    pin: childPin(50, '01012017'),
    series: 'KG',
    number: '555555',
    parents: [parentPin(50)],
    address: addressOf(1),
  });
  let svc: ReturnType<typeof applicationService>;
  let codes: string[];

  beforeAll(async () => {
    t = await createTestDatabase();
    ({ codes } = await seedSmallWorld(t.db));
    svc = applicationService({
      db: t.db,
      clock,
      registry: registryStub(children, { down: () => registryDown }),
      log,
    });
  });
  afterAll(() => t.drop());

  const draftFor = (i: number) =>
    svc.createDraft({
      telegramId: 1000 + i,
      applicantPin: parentPin(i),
      childPin: childPin(i),
      certificateSeries: 'kg',
      certificateNumber: String(100000 + i),
    });

  async function complete(i: number, school = codes[0] as string) {
    const d = await draftFor(i);
    await svc.chooseSchool(d.id, 1000 + i, school, 'ky');
    await svc.setContact(d.id, 1000 + i, '0700 123 456', true);
    return d;
  }

  /** What the service would hand `submit_decision` for a stage III press of this draft. */
  const stageThreeDecision = (id: string, telegramId: number, schoolId: number) => ({
    applicationId: BigInt(id),
    telegramId,
    schoolId,
    language: 'ky',
    campaignId: CAMPAIGN,
    basis: 'free_seats',
    stageOrdinal: 3,
    catchmentMatch: false,
    at: clock.now(),
    documentsDueAt: clock.now(),
    refuseWhenFull: false,
    statuses: { submitted: 'submitted', admitted: 'admitted', waitlisted: 'waitlisted' },
    actor: { kind: 'parent', id: String(telegramId) },
  });

  it('builds a draft from the registry’s data, not from what the parent types (K-REG-3)', async () => {
    const d = await draftFor(1);
    expect(d.status).toBe('draft');
    expect(d.verification).toBe('verified');
    expect(d.child?.birthDate).toBe('2019-06-15');
    expect(d.registeredAddress?.street).toBe('Көчө 1');
    expect(d.number).toMatch(/^2026-\d{7}$/);
    // the same parent asking again gets the same draft, not a second one
    expect((await draftFor(1)).id).toBe(d.id);
  });

  it('refuses a certificate that disagrees, a stranger, a child outside the birth window and a second application', async () => {
    const bad = (p: Promise<unknown>, code: string) => expect(p).rejects.toMatchObject({ code });
    await bad(
      svc.createDraft({
        telegramId: 1,
        applicantPin: parentPin(2),
        childPin: childPin(2),
        certificateSeries: 'KG',
        certificateNumber: '1',
      }),
      'certificate_mismatch',
    );
    await bad(
      svc.createDraft({
        telegramId: 1,
        applicantPin: parentPin(99),
        childPin: childPin(2),
        certificateSeries: 'KG',
        certificateNumber: '100002',
      }),
      'not_parent',
    );
    await bad(
      svc.createDraft({
        telegramId: 1,
        applicantPin: parentPin(50),
        childPin: childPin(50, '01012017'),
        certificateSeries: 'KG',
        certificateNumber: '555555',
      }),
      'too_old',
    );
    await bad(
      svc.createDraft({
        telegramId: 1,
        applicantPin: parentPin(1),
        childPin: '123',
        certificateSeries: 'KG',
        certificateNumber: '1',
      }),
      'invalid_pin',
    );
    // another Telegram account for the same child: the existing application is named (K-CORE-2)
    const other = svc.createDraft({
      telegramId: 4242,
      applicantPin: parentPin(1),
      childPin: childPin(1),
      certificateSeries: 'KG',
      certificateNumber: '100001',
    });
    await expect(other).rejects.toBeInstanceOf(ApplicationError);
    await expect(other).rejects.toMatchObject({
      code: 'existing_application',
      params: { number: expect.stringMatching(/^2026-/) },
    });
  });

  it('keeps the draft when the registry is down and verifies it later, telling the parent (K-REG-5)', async () => {
    registryDown = true;
    const d = await draftFor(3);
    expect(d.verification).toBe('pending');
    expect(await svc.retryPendingVerifications()).toBe(0);
    registryDown = false;
    expect(await svc.retryPendingVerifications()).toBe(1);
    expect((await svc.get(d.id, 1003)).verification).toBe('verified');
    const msg = await t.db.outboxMessage.findFirst({
      where: { telegramId: 1003n, kind: 'verification_done' },
    });
    expect(msg).not.toBeNull();
  });

  it('admits while seats last, then waitlists in order; a double tap decides once', async () => {
    const a = await complete(4);
    const b = await complete(5);
    const c = await complete(6);
    const first = await svc.submit(a.id, 1004);
    expect(first.outcome).toBe('admitted');
    expect((await svc.submit(a.id, 1004)).repeated).toBe(true);
    expect((await svc.submit(b.id, 1005)).outcome).toBe('admitted');
    const third = await svc.submit(c.id, 1006);
    expect(third.outcome).toBe('waitlisted');
    expect(await svc.position(c.id, 1006)).toEqual({ position: 1, waiting: 1, seats: 2, taken: 2 });
    const transitions = await t.db.applicationTransition.count({ where: { applicationId: BigInt(a.id) } });
    expect(transitions).toBe(3); // created, submitted, admitted — and nothing from the double tap
    // recorded at the campaign clock's time (K-CAMP-5), not the machine's
    const submittedAt = await t.db.applicationTransition.findFirstOrThrow({
      where: { applicationId: BigInt(a.id), toStatus: 'submitted' },
    });
    expect(Math.abs(submittedAt.at.getTime() - STAGE1_OPEN.getTime())).toBeLessThan(60_000);
  });

  it('gives a freed seat to the next child at once and tells that parent (K-SEAT-4)', async () => {
    const mine = await svc.mine(1004);
    await svc.withdraw(mine[0]?.id as string, 1004);
    const waiting = (await svc.mine(1006))[0];
    expect(waiting?.status).toBe('admitted');
    const note = await t.db.outboxMessage.findFirst({ where: { telegramId: 1006n, kind: 'seat_offered' } });
    expect(note?.params).toMatchObject({ number: waiting?.number });
    const quota = await t.db.quota.findFirst({ where: { school: { code: codes[0] }, language: 'ky' } });
    expect(quota?.taken).toBe(2);
  });

  it('refuses a school outside the registered address’s catchment in stage I', async () => {
    const d = await draftFor(7);
    await svc.chooseSchool(d.id, 1007, codes[1] as string, 'ky');
    await svc.setContact(d.id, 1007, '+996 555 123 456', true);
    await expect(svc.submit(d.id, 1007)).rejects.toMatchObject({
      code: 'place_refused',
      params: { reason: 'not_in_catchment' },
    });
  });

  it('keeps the current seat until the new school has one (conditional swap, K-SEAT-5)', async () => {
    clock.set(STAGE3_OPEN);
    const b = (await svc.mine(1005))[0] as { id: string };
    // school 2 has 2 free ky seats: the swap completes at once and frees the seat at school 1
    const swapped = await svc.requestSwap(b.id, 1005, codes[1] as string, 'ky');
    expect(swapped.swapped).toBe(true);
    expect(swapped.school?.code).toBe(codes[1]);
    const q1 = await t.db.quota.findFirst({ where: { school: { code: codes[0] }, language: 'ky' } });
    expect(q1?.taken).toBe(1);
  });

  it('refuses a full school in stage III and asks for one with free seats (R-16.5)', async () => {
    const x = await complete(8, codes[1] as string);
    expect((await svc.submit(x.id, 1008)).outcome).toBe('admitted'); // 2nd seat of school 2
    const y = await complete(9, codes[1] as string);
    await expect(svc.submit(y.id, 1009)).rejects.toMatchObject({ code: 'school_full' });
  });

  it('sees a change of the cached campaign or school at once, in the next submission (decision 0004)', async () => {
    const d = await complete(10);
    const school = await t.db.school.findUniqueOrThrow({ where: { code: codes[0] as string } });
    await t.db.school.update({ where: { id: school.id }, data: { participates: false } });
    await expect(svc.submit(d.id, 1010)).rejects.toMatchObject({
      code: 'place_refused',
      params: { reason: 'school_not_participating' },
    });
    await t.db.school.update({ where: { id: school.id }, data: { participates: true } });
    const stage = await t.db.stage.findFirstOrThrow({ where: { ordinal: 3 } });
    await t.db.stage.update({
      where: { id: stage.id },
      data: { closesAt: new Date(clock.now().getTime() - 1) },
    });
    await expect(svc.submit(d.id, 1010)).rejects.toMatchObject({ code: 'stage_closed' });
    await t.db.stage.update({ where: { id: stage.id }, data: { closesAt: stage.closesAt } });
    // and nothing was decided meanwhile
    expect((await svc.get(d.id, 1010)).status).toBe('draft');
  });

  it('decides nothing when the draft changed after it was checked, or is someone else’s', async () => {
    const d = await complete(11, codes[1] as string);
    const [first, second] = await Promise.all(
      codes.slice(0, 2).map((code) => t.db.school.findUniqueOrThrow({ where: { code } })),
    );
    const input = stageThreeDecision(d.id, 1011, second?.id as number);
    const quotaBefore = await t.db.quota.findMany({ orderBy: { schoolId: 'asc' } });
    const { decide } = submissionStatements(t.db);
    expect((await decide({ ...input, schoolId: first?.id as number })).outcome).toBe('changed');
    expect((await decide({ ...input, telegramId: 9999 })).outcome).toBe('not_found');
    expect(await t.db.quota.findMany({ orderBy: { schoolId: 'asc' } })).toEqual(quotaBefore);
    expect(await t.db.applicationTransition.count({ where: { applicationId: BigInt(d.id) } })).toBe(1);
  });

  it('decides presses that arrive together in one statement, each as if alone; a bad one fails alone', async () => {
    const stmts = submissionStatements(t.db);
    const school = await t.db.school.findUniqueOrThrow({ where: { code: codes[2] as string } });
    const drafts = await Promise.all([12, 13, 14].map((i) => draftFor(i)));
    await Promise.all(
      drafts.map(async (d, k) => {
        await svc.chooseSchool(d.id, 1012 + k, codes[2] as string, 'ky');
        await svc.setContact(d.id, 1012 + k, '0700 123 456', true);
      }),
    );
    const input = (k: number) => stageThreeDecision(drafts[k]?.id as string, 1012 + k, school.id);
    const results = await Promise.allSettled([
      stmts.decide(input(0)),
      stmts.decide({ ...input(1), basis: 'no_such_stage' }), // fails inside, after taking a seat
      stmts.decide(input(2)),
      stmts.decide(input(0)), // a double tap in the same group
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const [a, , c, again] = results.map((r) => (r.status === 'fulfilled' ? r.value : null));
    expect(a?.outcome).toBe('admitted'); // school 3 has two seats
    expect(c?.outcome).toBe('admitted');
    expect(again).toEqual({ outcome: 'repeated', receivedSeq: a?.receivedSeq });
    expect((a?.receivedSeq ?? 0n) < (c?.receivedSeq ?? 0n)).toBe(true); // in the order they came
    const quota = await t.db.quota.findFirstOrThrow({ where: { schoolId: school.id, language: 'ky' } });
    expect(quota.taken).toBe(2);
    expect((await svc.get(drafts[1]?.id as string, 1013)).status).toBe('draft');
  });

  it('does not let a foreign Telegram account read or act on an application (K-REL-3)', async () => {
    const x = (await svc.mine(1008))[0] as { id: string };
    await expect(svc.get(x.id, 9999)).rejects.toMatchObject({ code: 'not_found' });
    await expect(svc.withdraw(x.id, 9999)).rejects.toMatchObject({ code: 'not_found' });
    await expect(svc.get('not-a-number', 1008)).rejects.toMatchObject({ code: 'not_found' });
  });
});
