// Deadline jobs on real PostgreSQL with an adjustable clock (K-NOTE-1, K-SCHOOL-4, R-13.4, K-PRIO-2):
// reminders once and at local hours, a priority claim dropped (not the application), documents missed
// → seat released → next waitlisted child admitted and told; reruns, a restart and two runners at once
// change nothing more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdjustableClock, bishkekTime } from '../../core/clock.ts';
import { createLogger } from '../../core/logger.ts';
import { outboxRepository } from '../../core/notifications/outbox.ts';
import { applicationService } from '../../core/services/applications/service.ts';
import { schoolAdmissionsService } from '../../core/services/school/admissions.ts';
import { type DeadlineCounts, deadlineService } from '../../core/services/school/deadlines.ts';
import { atSensibleHour, localDayAt, offerDeadline } from '../../core/services/school/local-time.ts';
import { REQUIRED_DOCUMENTS } from '../../core/services/school/rules.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { childPin, parentPin, registryStub, type StubChild } from '../support/registry-stub.ts';
import { addressOf, seedSmallWorld } from '../support/small-world.ts';

const log = createLogger('silent');
const local = (d: Date | null) =>
  d ? new Date(d.getTime() + 6 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ') : 'now';

describe('local hours (Asia/Bishkek)', () => {
  it('keeps day times, moves night times to the next 09:00', () => {
    expect(atSensibleHour(bishkekTime('2026-09-12', '18:00'))).toEqual(bishkekTime('2026-09-12', '18:00'));
    expect(atSensibleHour(bishkekTime('2026-09-12', '20:00'))).toEqual(bishkekTime('2026-09-12', '20:00'));
    expect(atSensibleHour(bishkekTime('2026-09-12', '20:01'))).toEqual(bishkekTime('2026-09-13', '09:00'));
    expect(atSensibleHour(bishkekTime('2026-09-12', '23:30'))).toEqual(bishkekTime('2026-09-13', '09:00'));
    expect(atSensibleHour(bishkekTime('2026-09-13', '00:00'))).toEqual(bishkekTime('2026-09-13', '09:00'));
    expect(atSensibleHour(bishkekTime('2026-09-13', '05:59'))).toEqual(bishkekTime('2026-09-13', '09:00'));
    expect(atSensibleHour(bishkekTime('2026-09-13', '09:00'))).toEqual(bishkekTime('2026-09-13', '09:00'));
    expect(localDayAt(bishkekTime('2026-06-01', '10:00'), -1, 19)).toEqual(
      bishkekTime('2026-05-31', '19:00'),
    );
  });

  it('gives a seat offered late at least five working days of the Kyrgyz calendar (K-SEAT-4, finding 4)', () => {
    const deadline = bishkekTime('2026-09-15', '18:00');
    expect(offerDeadline(bishkekTime('2026-08-01', '10:00'), deadline)).toEqual(deadline);
    expect(offerDeadline(bishkekTime('2026-09-08', '10:00'), deadline)).toEqual(deadline);
    // Mon 14 Sep: 15, 16, 17, 18, 21 Sep
    expect(offerDeadline(bishkekTime('2026-09-14', '10:00'), deadline)).toEqual(
      bishkekTime('2026-09-21', '18:00'),
    );
    // the review's case: freed Fri 18 Sep 18:01 — no longer Monday (1 working day) but Fri 25 Sep
    expect(offerDeadline(bishkekTime('2026-09-18', '18:01'), deadline)).toEqual(
      bishkekTime('2026-09-25', '18:00'),
    );
    // freed Thu 31 Dec — no longer Sun 3 Jan (0 working days): 1, 2 and 7 Jan are holidays
    expect(offerDeadline(bishkekTime('2026-12-31', '12:00'), deadline)).toEqual(
      bishkekTime('2027-01-11', '18:00'),
    );
    // the number is the campaign's
    expect(offerDeadline(bishkekTime('2026-09-18', '18:01'), deadline, 2)).toEqual(
      bishkekTime('2026-09-22', '18:00'),
    );
  });
});

describe('deadline jobs on PostgreSQL with the demo clock', () => {
  let t: TestDatabase;
  const clock = new AdjustableClock(bishkekTime('2026-04-02', '10:00'));
  const children: StubChild[] = [];
  for (let i = 1; i <= 12; i++) {
    children.push({
      pin: childPin(i),
      series: 'KG',
      number: String(100000 + i),
      parents: [parentPin(i)],
      address: addressOf(i <= 6 ? 1 : 2, String(i)),
    });
  }
  let apps: ReturnType<typeof applicationService>;
  let jobs: ReturnType<typeof deadlineService>;
  let codes: string[];
  const at = async (date: string, time: string, runs = 1): Promise<DeadlineCounts> => {
    clock.set(bishkekTime(date, time));
    let last = await jobs.runDeadlines(clock.now());
    for (let i = 1; i < runs; i++) last = await jobs.runDeadlines(clock.now());
    return last;
  };
  const messages = (kind: string) => t.db.outboxMessage.findMany({ where: { kind }, orderBy: { id: 'asc' } });
  const statusOf = async (id: string) =>
    (await t.db.application.findUniqueOrThrow({ where: { id: BigInt(id) } })).status;

  beforeAll(async () => {
    t = await createTestDatabase();
    ({ codes } = await seedSmallWorld(t.db, { seats: { '10001:ky': 1, '10002:ky': 5 } }));
    apps = applicationService({ db: t.db, clock, registry: registryStub(children), log });
    jobs = deadlineService({ db: t.db, clock, log });
  });
  afterAll(() => t.drop());

  async function draft(i: number, school: number, priority?: 'military') {
    const tg = 2000 + i;
    const d = await apps.createDraft({
      telegramId: tg,
      applicantPin: parentPin(i),
      childPin: childPin(i),
      certificateSeries: 'KG',
      certificateNumber: String(100000 + i),
    });
    await apps.chooseSchool(d.id, tg, codes[school - 1] as string, 'ky');
    if (priority) await apps.claimPriority(d.id, tg, priority);
    await apps.setContact(d.id, tg, '0700 123 456', true);
    return { id: d.id, tg };
  }
  async function submitted(i: number, school: number, priority?: 'military') {
    const d = await draft(i, school, priority);
    const r = await apps.submit(d.id, d.tg);
    return { ...d, outcome: r.outcome };
  }

  let A: Awaited<ReturnType<typeof submitted>>;
  let B: Awaited<ReturnType<typeof submitted>>;
  let C: Awaited<ReturnType<typeof submitted>>;
  let D: Awaited<ReturnType<typeof submitted>>;
  let P: Awaited<ReturnType<typeof submitted>>;
  let R: Awaited<ReturnType<typeof draft>>;

  it('sets up: one seat and two waiting at school 1, an enrolled child, a priority claim, a draft', async () => {
    A = await submitted(1, 1);
    B = await submitted(2, 1);
    C = await submitted(3, 1);
    D = await submitted(7, 2);
    P = await submitted(8, 2, 'military');
    R = await draft(9, 2);
    expect([A.outcome, B.outcome, C.outcome, D.outcome, P.outcome]).toEqual([
      'admitted',
      'waitlisted',
      'waitlisted',
      'admitted',
      'admitted',
    ]);
    const p = await t.db.application.findUniqueOrThrow({ where: { id: BigInt(P.id) } });
    expect(p.priorityStatus).toBe('claimed');
    // ten days to show the document (the clock runs: a few milliseconds past 10:00); pinned for the test
    expect(
      Math.abs((p.priorityDueAt?.getTime() ?? 0) - bishkekTime('2026-04-12', '10:00').getTime()),
    ).toBeLessThan(60_000);
    await t.db.application.update({
      where: { id: p.id },
      data: { priorityDueAt: bishkekTime('2026-04-12', '10:00') },
    });
    // D brings all six documents (enrolled: never released)
    const director = await t.db.staffMember.create({
      data: {
        telegramId: 9100n,
        role: 'admissions',
        schoolId: (await t.db.school.findUniqueOrThrow({ where: { code: codes[1] } })).id,
      },
    });
    const school = schoolAdmissionsService({ db: t.db, clock, log });
    const before = clock.now();
    clock.set(bishkekTime('2026-08-03', '10:00')); // documents are brought from 1 August
    for (const doc of REQUIRED_DOCUMENTS)
      await school.setDocument({ telegramId: 9100, staffId: director.id }, D.id, doc, true);
    clock.set(before);
    expect(await statusOf(D.id)).toBe('enrolled');
    await t.db.outboxMessage.deleteMany({});
  });

  it('reminds of the priority proof the day before, once, and drops the claim — not the application — when missed', async () => {
    expect((await at('2026-04-11', '09:30')).reminders.priorityProof).toBe(0);
    expect((await at('2026-04-11', '10:00')).reminders.priorityProof).toBe(1);
    expect((await at('2026-04-11', '15:00', 2)).reminders.priorityProof).toBe(0);
    const [proof] = await messages('priority_proof_due');
    expect(proof).toMatchObject({ telegramId: BigInt(P.tg) });
    expect(proof?.dueAt).toEqual(bishkekTime('2026-04-11', '10:00'));

    expect((await at('2026-04-12', '09:59')).prioritiesDropped).toBe(0);
    // at exactly the deadline the claim still stands; a moment after it is dropped
    expect((await at('2026-04-12', '10:00')).prioritiesDropped).toBe(0);
    clock.set(new Date(bishkekTime('2026-04-12', '10:00').getTime() + 1000));
    expect((await jobs.runDeadlines(clock.now())).prioritiesDropped).toBe(1);
    expect((await jobs.runDeadlines(clock.now())).prioritiesDropped).toBe(0);
    const p = await t.db.application.findUniqueOrThrow({ where: { id: BigInt(P.id) } });
    expect(p.status).toBe('admitted');
    expect(p.priorityStatus).toBe('dropped');
    expect(await messages('priority_dropped')).toHaveLength(1);
    const tr = await t.db.applicationTransition.findFirst({
      where: { applicationId: BigInt(P.id), reason: 'priority_dropped' },
    });
    expect(tr).toMatchObject({ fromStatus: 'admitted', toStatus: 'admitted', actorKind: 'system' });
  });

  it('reminds prepared drafts the evening before a stage opens and at its opening, at local hours', async () => {
    expect((await at('2026-05-31', '18:59')).reminders.stageEve).toBe(0);
    expect((await at('2026-05-31', '19:00')).reminders.stageEve).toBe(1);
    expect((await at('2026-05-31', '19:30', 3)).reminders.stageEve).toBe(0);
    // a draft prepared late at night is reminded too, but at 09:00, before the 10:00 opening
    const late = await draft(10, 2);
    const night = await at('2026-05-31', '23:40');
    expect(night.reminders.stageEve).toBe(1);
    const eve = await messages('stage_opens_tomorrow');
    expect(eve.map((m) => Number(m.telegramId)).sort()).toEqual([R.tg, late.tg].sort());
    expect(eve.map((m) => local(m.dueAt))).toEqual(['2026-05-31 19:00', '2026-06-01 09:00']);

    expect((await at('2026-06-01', '09:59')).reminders.stageOpen).toBe(0);
    expect((await at('2026-06-01', '10:00')).reminders.stageOpen).toBe(2);
    expect((await at('2026-06-01', '11:00', 2)).reminders.stageOpen).toBe(0);
    expect(await messages('stage_open_now')).toHaveLength(2);
    await apps.withdraw(late.id, late.tg);
    // the late draft is no longer one: its reminders are dropped unsent, the other parent's go out
    const claimed = await outboxRepository(t.db).claimDue(bishkekTime('2026-06-01', '10:01'), 100);
    const reminders = claimed.filter((m) => m.kind.startsWith('stage_'));
    expect(reminders.map((m) => Number(m.telegramId))).toEqual([R.tg, R.tg]);
    const dropped = await t.db.outboxMessage.findMany({ where: { telegramId: BigInt(late.tg) } });
    expect(dropped.map((m) => [m.kind, m.status]).sort()).toEqual([
      ['stage_open_now', 'obsolete'],
      ['stage_opens_tomorrow', 'obsolete'],
    ]);
  });

  it('reminds of the documents three days before and the day before, once each, only those still missing', async () => {
    // deadline 2026-09-15 18:00: reminders at 09-12 18:00 and 09-14 18:00
    expect((await at('2026-09-12', '17:59')).reminders.documents3d).toBe(0);
    const three = await at('2026-09-12', '18:00', 1);
    expect(three.reminders.documents3d).toBe(2); // A and P (D is enrolled)
    expect((await at('2026-09-13', '03:00', 2)).reminders.documents3d).toBe(0);
    expect((await at('2026-09-14', '17:59')).reminders.documents1d).toBe(0);
    // the job was down at 18:00 and runs again at 23:00: the reminder waits for 09:00
    const late = await at('2026-09-14', '23:00');
    expect(late.reminders.documents1d).toBe(2);
    const d1 = await messages('documents_due_1d');
    expect(d1.map((m) => local(m.dueAt))).toEqual(['2026-09-15 09:00', '2026-09-15 09:00']);
    expect((await at('2026-09-15', '09:00', 2)).reminders.documents1d).toBe(0);
    const d3 = await messages('documents_due_3d');
    expect(d3.map((m) => Number(m.telegramId)).sort()).toEqual([A.tg, P.tg].sort());
    expect(d3[0]?.params).toMatchObject({ due: bishkekTime('2026-09-15', '18:00').toISOString() });
  });

  it('releases the seat when the documents deadline passes, and the next waitlisted child is admitted and told', async () => {
    expect((await at('2026-09-15', '18:00')).released).toBe(0); // not yet passed
    clock.set(new Date(bishkekTime('2026-09-15', '18:00').getTime() + 1000));
    // two runners at once (a second bot instance): one release each, nothing twice
    const [r1, r2] = await Promise.all([jobs.runDeadlines(clock.now()), jobs.runDeadlines(clock.now())]);
    expect((r1?.released ?? 0) + (r2?.released ?? 0)).toBe(2); // A and P
    expect((r1?.promoted ?? 0) + (r2?.promoted ?? 0)).toBe(1); // B
    expect(await statusOf(A.id)).toBe('released');
    expect(await statusOf(P.id)).toBe('released');
    expect(await statusOf(B.id)).toBe('admitted');
    expect(await statusOf(C.id)).toBe('waitlisted');
    expect(await statusOf(D.id)).toBe('enrolled');
    const b = await t.db.application.findUniqueOrThrow({ where: { id: BigInt(B.id) } });
    expect(b.documentsDueAt).toEqual(bishkekTime('2026-09-22', '18:00'));
    expect((await messages('documents_missed')).map((m) => Number(m.telegramId)).sort()).toEqual(
      [A.tg, P.tg].sort(),
    );
    expect((await messages('seat_offered')).map((m) => Number(m.telegramId))).toEqual([B.tg]);
    // the offer carries the child's own deadline (five working days, as the campaign's has passed)
    expect((await messages('seat_offered'))[0]?.params).toMatchObject({
      due: bishkekTime('2026-09-22', '18:00').toISOString(),
    });
    const quota = await t.db.quota.findFirstOrThrow({
      where: { school: { code: codes[0] }, language: 'ky' },
    });
    expect(quota.taken).toBe(1);

    // the schools hear of it in their alert digests: documents due tomorrow, seats released, admitted
    const alerts = await t.db.outboxMessage.findMany({ where: { kind: { startsWith: 'alert.' } } });
    const kinds = alerts.map((a) => a.kind);
    expect(kinds.filter((k) => k === 'alert.seat_released')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'alert.admitted')).toHaveLength(1);
    expect(alerts.find((a) => a.kind === 'alert.documents_due')?.params).toMatchObject({
      date: '2026-09-15',
    });

    // a rerun and a restarted job (a new instance over the same database) change nothing more
    const before = await t.db.outboxMessage.count();
    expect(await jobs.runDeadlines(clock.now())).toMatchObject({ released: 0, promoted: 0 });
    const restarted = deadlineService({ db: t.db, clock, log });
    expect(await restarted.runDeadlines(clock.now())).toMatchObject({
      released: 0,
      promoted: 0,
      prioritiesDropped: 0,
    });
    expect(await t.db.outboxMessage.count()).toBe(before);
    const tr = await t.db.applicationTransition.findFirst({
      where: { applicationId: BigInt(A.id), toStatus: 'released' },
    });
    expect(tr).toMatchObject({ fromStatus: 'admitted', reason: 'documents_missed', actorKind: 'system' });
  });

  it('gives the promoted child its own five working days: both reminders, then the release passes the seat on', async () => {
    expect((await at('2026-09-16', '12:00')).reminders.documents3d).toBe(0);
    expect((await at('2026-09-19', '18:00')).reminders.documents3d).toBe(1);
    expect((await at('2026-09-21', '18:00')).reminders.documents1d).toBe(1);
    const reminded = await messages('documents_due_1d');
    expect(reminded.filter((m) => Number(m.telegramId) === B.tg)).toHaveLength(1);
    clock.set(new Date(bishkekTime('2026-09-22', '18:00').getTime() + 1000));
    expect(await jobs.runDeadlines(clock.now())).toMatchObject({ released: 1, promoted: 1 });
    expect(await statusOf(B.id)).toBe('released');
    expect(await statusOf(C.id)).toBe('admitted');
    expect(await jobs.runDeadlines(clock.now())).toMatchObject({ released: 0, promoted: 0 });
  });

  it('after the release, a released family registers again at a school with a free seat, and so does a family that moved (R-16.6, finding 4)', async () => {
    // the release notice told A the truth: the free-seats stage after the release, from/until when
    const notice = (await messages('documents_missed')).find((m) => Number(m.telegramId) === A.tg);
    expect(notice?.params).toMatchObject({
      context: 'free_seats',
      from: bishkekTime('2026-09-16', '00:00').toISOString(),
      until: new Date(bishkekTime('2027-06-01', '00:00').getTime() - 1).toISOString(),
      days: 5,
    });
    clock.set(bishkekTime('2026-09-25', '10:00')); // Friday
    // A's child (released at school 1) registers again, at school 2 which has seats
    const again = await apps.createDraft({
      telegramId: A.tg,
      applicantPin: parentPin(1),
      childPin: childPin(1),
      certificateSeries: 'KG',
      certificateNumber: '100001',
    });
    await apps.chooseSchool(again.id, A.tg, codes[1] as string, 'ky');
    await apps.setContact(again.id, A.tg, '0700 123 456', true);
    const r = await apps.submit(again.id, A.tg);
    expect(r.outcome).toBe('admitted');
    // five working days, not the campaign's deadline that passed ten days ago: 28, 29, 30 Sep, 1, 2 Oct
    expect(r.application.documentsDueAt).toEqual(bishkekTime('2026-10-02', '18:00'));
    const row = await t.db.application.findUniqueOrThrow({ where: { id: BigInt(again.id) } });
    expect(row).toMatchObject({ basis: 'free_seats', stageOrdinal: 5 });
    expect(row.documentsDueAt).toEqual(bishkekTime('2026-10-02', '18:00'));
    // the release job leaves it alone now
    expect(await jobs.runDeadlines(clock.now())).toMatchObject({ released: 0 });
    expect(await statusOf(again.id)).toBe('admitted');
    // a family that moved in registers for the first time: any school, first come
    const moved = await submitted(10, 2);
    expect(moved.outcome).toBe('admitted');
    // a full school is answered as in stage III (no waiting list after the release)
    await expect(submitted(11, 1)).rejects.toMatchObject({ code: 'school_full' });
  });

  it('writes every reminder for a time between 09:00 and 20:00 in Bishkek, each once', async () => {
    const all = await t.db.outboxMessage.findMany({ where: { dedupeKey: { startsWith: 'remind:' } } });
    expect(all.length).toBeGreaterThan(0);
    for (const m of all) {
      const hm = local(m.dueAt).slice(11);
      expect(hm >= '09:00' && hm <= '20:00', `${m.kind} at ${hm}`).toBe(true);
    }
    expect(new Set(all.map((m) => m.dedupeKey)).size).toBe(all.length);
  });
});
