// The allocation review's findings 1–3 (docs/allocation.md), each tried as the reviewer did, against a
// clone: a quota not approved gives no seat (K-SEAT-1), a priority counts only once verified and only
// where it applies (K-PRIO-2, R-15.2a/c), and a change of school keeps to the stage's rule (K-SEAT-5).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AdjustableClock } from '../../core/clock.ts';
import { importCsv } from '../../core/import/index.ts';
import { createLogger } from '../../core/logger.ts';
import { applicationService } from '../../core/services/applications/service.ts';
import { schoolAdmissionsService } from '../../core/services/school/admissions.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { childPin, parentPin, registryStub, type StubChild } from '../support/registry-stub.ts';
import { addressOf, CAMPAIGN, STAGE1_OPEN, STAGE3_OPEN, seedSmallWorld } from '../support/small-world.ts';

const log = createLogger('silent');
const DIRECTOR1 = 9101;
const FAR = 'F1'; // a school in another district, outside every child's catchment

describe('allocation rules (review findings 1–3)', () => {
  let t: TestDatabase;
  const clock = new AdjustableClock(STAGE1_OPEN);
  // children 1–9 live in school 1's catchment, 10–19 in school 2's
  const children: StubChild[] = Array.from({ length: 20 }, (_, i) => ({
    pin: childPin(i),
    series: 'KG',
    number: String(300000 + i),
    parents: [parentPin(i)],
    address: addressOf(i < 10 ? 1 : 2, String(i + 1)),
  }));
  const MILITARY = [3, 4, 14].map((i) => parentPin(i)); // serving, as the registry says
  let apps: ReturnType<typeof applicationService>;
  let school: ReturnType<typeof schoolAdmissionsService>;
  let ids: number[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    const { codes } = await seedSmallWorld(t.db, { schools: 2, seats: { '10001:ky': 1, '10002:ky': 1 } });
    ids = await Promise.all(
      codes.map(async (code) => (await t.db.school.findUniqueOrThrow({ where: { code } })).id),
    );
    await t.db.territory.create({
      data: { id: 'KG-C', kind: 'region', nameKy: 'Чүй', nameRu: 'Чуй', nameEn: 'Chüy' },
    });
    await t.db.territory.create({
      data: {
        id: 'KG-C-ALM',
        kind: 'district',
        parentId: 'KG-C',
        nameKy: 'Аламүдүн',
        nameRu: 'Аламудун',
        nameEn: 'Alamüdün',
      },
    });
    const far = await t.db.school.create({
      data: {
        code: FAR,
        nameKy: 'Алыс мектеп',
        nameRu: 'Дальняя школа',
        nameEn: 'Far School',
        districtId: 'KG-C-ALM',
        settlement: 'Лебединовка',
        addressKy: 'а',
        addressRu: 'а',
        addressEn: 'a',
        languages: ['ky'],
        catchments: {
          create: [{ settlement: 'Лебединовка', street: 'Борбордук', houseFrom: 1, houseTo: 50 }],
        },
      },
    });
    await t.db.quota.create({
      data: { schoolId: far.id, campaignId: CAMPAIGN, language: 'ky', seats: 5, approved: true },
    });
    await t.db.staffMember.create({
      data: { telegramId: BigInt(DIRECTOR1), role: 'director', schoolId: ids[0] as number },
    });
    apps = applicationService({
      db: t.db,
      clock,
      registry: registryStub(children, { military: MILITARY }),
      log,
    });
    school = schoolAdmissionsService({ db: t.db, clock, log });
  });
  afterAll(() => t.drop());

  beforeEach(async () => {
    clock.set(STAGE1_OPEN);
    await t.db
      .$executeRaw`TRUNCATE application, application_transition, outbox_message, staff_register_entry, direct_admission, quota_change`;
    await t.db.$executeRaw`UPDATE quota SET taken = 0, approved = true`;
    await t.db.$executeRaw`UPDATE quota SET seats = 1 WHERE school_id = ANY(${ids})`;
  });

  async function draft(i: number, code: string, priority?: 'military' | 'staff') {
    const tg = 7000 + i;
    const d = await apps.createDraft({
      telegramId: tg,
      applicantPin: parentPin(i),
      childPin: childPin(i),
      certificateSeries: 'KG',
      certificateNumber: String(300000 + i),
    });
    await apps.chooseSchool(d.id, tg, code, 'ky');
    if (priority) await apps.claimPriority(d.id, tg, priority);
    await apps.setContact(d.id, tg, '0700 123 456', true);
    return { id: d.id, tg };
  }
  async function submit(i: number, code: string, priority?: 'military' | 'staff') {
    const d = await draft(i, code, priority);
    const r = await apps.submit(d.id, d.tg);
    return { ...d, outcome: r.outcome, awaitingApproval: r.awaitingApproval === true };
  }
  const status = async (a: { id: string; tg: number }) => (await apps.get(a.id, a.tg)).status;
  const quota = (schoolId: number) =>
    t.db.quota.findFirstOrThrow({ where: { schoolId, campaignId: CAMPAIGN, language: 'ky' } });

  it('finding 1 (K-SEAT-1): a quota not approved gives no seat; parents hold their places and are decided in order, each told, when it is approved', async () => {
    await t.db.quota.updateMany({ where: { schoolId: ids[0] }, data: { approved: false, seats: 2 } });
    const first = await submit(1, '10001');
    const second = await submit(2, '10001');
    const third = await submit(5, '10001');
    expect([first, second, third].map((a) => [a.outcome, a.awaitingApproval])).toEqual([
      ['waitlisted', true],
      ['waitlisted', true],
      ['waitlisted', true],
    ]);
    expect((await quota(ids[0] as number)).taken).toBe(0);
    // nor does a direct admission take a seat of it
    await expect(
      school.directRecord(
        { telegramId: DIRECTOR1 },
        {
          ground: 'commission',
          documentNumber: '№ 7/2026',
          childName: 'Асанов Бакыт',
          language: 'ky',
        },
      ),
    ).rejects.toMatchObject({ code: 'quota_not_approved' });
    // nor a change of school into it (in the free-seats stage, where anyone may move)
    const mover = await submit(12, '10002');
    expect(mover.outcome).toBe('admitted');
    clock.set(STAGE3_OPEN);
    const swap = await apps.requestSwap(mover.id, mover.tg, '10001', 'ky');
    expect(swap.swapped).toBe(false);

    // the ministry approves its file: two seats go to the first two in order, the third is told its place
    const file = 'school_code,campaign_id,language,seats,class_size,approved\n10001,2026-27,ky,2,25,\n';
    expect(
      await importCsv(t.db, 'quotas', file, { approved: true, reason: 'Order No. 5', author: 'cli:test' }),
    ).toMatchObject({
      ok: true,
      updated: 1,
    });
    expect([await status(first), await status(second), await status(third)]).toEqual([
      'admitted',
      'admitted',
      'waitlisted',
    ]);
    expect(await status(mover)).toBe('admitted');
    expect((await apps.get(mover.id, mover.tg)).school?.code).toBe('10002'); // the move still waits in line
    const told = await t.db.outboxMessage.findMany({
      where: { kind: { in: ['seat_quota_approved', 'quota_approved_waiting'] } },
      orderBy: { telegramId: 'asc' },
    });
    expect(told.map((m) => [Number(m.telegramId), m.kind])).toEqual([
      [first.tg, 'seat_quota_approved'],
      [second.tg, 'seat_quota_approved'],
      [third.tg, 'quota_approved_waiting'],
    ]);
  });

  it('finding 2 (K-PRIO-2): an unverified claim does not jump the line, and a freed seat goes to the earlier catchment child', async () => {
    const holder = await submit(1, '10001');
    const earlier = await submit(2, '10001');
    // the registry does not confirm child 5's parent as serving: the claim stays unverified
    const claimer = await submit(5, '10001', 'military');
    expect((await apps.get(claimer.id, claimer.tg)).priorityStatus).toBe('claimed');
    expect((await apps.position(claimer.id, claimer.tg))?.position).toBe(2);
    await apps.withdraw(holder.id, holder.tg);
    expect([await status(earlier), await status(claimer)]).toEqual(['admitted', 'waitlisted']);
    // dropping the claim later changes nothing already decided
    await school.decidePriority({ telegramId: DIRECTOR1 }, claimer.id, { confirm: false });
    expect([await status(earlier), await status(claimer)]).toEqual(['admitted', 'waitlisted']);
  });

  it('finding 2 (K-PRIO-2): verification re-orders the line at once, and never evicts an admitted child', async () => {
    const holder = await submit(1, '10001');
    const earlier = await submit(2, '10001');
    const staff = await submit(6, '10001', 'staff'); // not in the register yet: claimed
    expect((await apps.position(staff.id, staff.tg))?.position).toBe(2);
    await school.registerAdd(
      { telegramId: DIRECTOR1 },
      { pin: parentPin(6), position: 'Мугалим', employedSince: '01.09.2020' },
    );
    await school.decidePriority({ telegramId: DIRECTOR1 }, staff.id, { confirm: true });
    expect((await apps.position(staff.id, staff.tg))?.position).toBe(1);
    expect(await status(holder)).toBe('admitted'); // no eviction
    await apps.withdraw(holder.id, holder.tg);
    expect([await status(staff), await status(earlier)]).toEqual(['admitted', 'waitlisted']);
  });

  it('finding 2 (R-15.2c): a staff claim verified at school A does not travel to school B', async () => {
    await t.db.staffRegisterEntry.create({
      data: {
        schoolId: ids[0] as number,
        pin: parentPin(12),
        position: 'Мугалим',
        employedSince: new Date('2020-09-01'),
      },
    });
    const d = await draft(12, '10001', 'staff');
    expect((await apps.get(d.id, d.tg)).priorityStatus).toBe('verified');
    const moved = await apps.chooseSchool(d.id, d.tg, '10002', 'ky');
    expect([moved.priority, moved.priorityStatus]).toEqual(['staff', 'claimed']);
    const back = await apps.chooseSchool(d.id, d.tg, '10001', 'ky');
    expect(back.priorityStatus).toBe('verified');
  });

  it('finding 2 (R-15.2a): a military claim counts where the family lives — its catchment or district — not elsewhere', async () => {
    const here = await draft(3, '10002', 'military'); // same district as the family's registered address
    expect((await apps.get(here.id, here.tg)).priorityStatus).toBe('verified');
    const far = await draft(4, FAR, 'military'); // another district, outside the catchment
    expect((await apps.get(far.id, far.tg)).priorityStatus).toBe('claimed');
    const moved = await apps.chooseSchool(here.id, here.tg, FAR, 'ky');
    expect(moved.priorityStatus).toBe('claimed');
  });

  it('finding 3 (K-SEAT-5): in stage I a change of school keeps to the catchment; in the free-seats stage anyone may move', async () => {
    const a = await submit(1, '10001');
    expect(a.outcome).toBe('admitted');
    await expect(apps.requestSwap(a.id, a.tg, '10002', 'ky')).rejects.toMatchObject({
      code: 'place_refused',
      params: { reason: 'not_in_catchment' },
    });
    expect((await quota(ids[1] as number)).taken).toBe(0);
    clock.set(STAGE3_OPEN);
    const moved = await apps.requestSwap(a.id, a.tg, '10002', 'ky');
    expect(moved.swapped).toBe(true);
  });
});
