// Appeals (K-OVER-4; Law No. 67: 14 working days): numbering, the school's answer, escalation to the
// district and the ministry, due dates across holidays, reminders, overdue flags, scope (K-ID-3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdjustableClock, bishkekTime } from '../../core/clock.ts';
import { makePin } from '../../core/domain/pin.ts';
import { endOfBishkekDay } from '../../core/domain/working-days.ts';
import { identityService } from '../../core/services/identity.ts';
import { appealService, overdueAppeals } from '../../core/services/oversight/appeals.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { CAMPAIGN, seedSmallWorld } from '../support/small-world.ts';

const PARENT = 7001;
const OTHER_PARENT = 7002;
const DIRECTOR_1 = 801;
const ADMISSIONS_1 = 802;
const DIRECTOR_2 = 803;
const LEN_OFFICER = 804;
const OKT_OFFICER = 805;
const MINISTRY = 806;

describe('appeals (K-OVER-4)', () => {
  let database: TestDatabase;
  // Friday 13 March 2026, before Orozo Ait and Nooruz
  const clock = new AdjustableClock(bishkekTime('2026-03-13', '15:30'));
  let appeals: ReturnType<typeof appealService>;
  const apps: Record<string, string> = {};
  let schools: number[];

  beforeAll(async () => {
    database = await createTestDatabase();
    const { db } = database;
    await seedSmallWorld(db);
    await db.territory.create({
      data: {
        id: 'KG-GB-OKT',
        kind: 'city_district',
        parentId: 'KG-GB',
        nameKy: 'Октябрь',
        nameRu: 'Октябрьский',
        nameEn: 'Oktyabr',
      },
    });
    schools = (await db.school.findMany({ orderBy: { code: 'asc' } })).map((s) => s.id);
    let n = 0;
    const app = async (
      key: string,
      telegramId: number,
      status: 'waitlisted' | 'rejected' | 'draft' | 'admitted',
      school: number,
    ) => {
      n++;
      const a = await db.application.create({
        data: {
          number: `2026-000010${n}`,
          campaignId: CAMPAIGN,
          telegramId: BigInt(telegramId),
          applicantPin: makePin({ sex: 'F', birthDate: '1990-01-01', sequence: n }),
          childPin: makePin({ sex: 'M', birthDate: '2019-05-05', sequence: n }),
          certificateSeries: 'I-АН',
          certificateNumber: `55555${n}`,
          status,
          schoolId: school,
          language: 'ky',
        },
      });
      apps[key] = String(a.id);
    };
    await app('waitlisted', PARENT, 'waitlisted', schools[0] as number);
    await app('draft', PARENT, 'draft', schools[0] as number);
    await app('rejected', OTHER_PARENT, 'rejected', schools[1] as number);
    const staff = [
      { telegramId: DIRECTOR_1, role: 'director' as const, schoolId: schools[0] },
      { telegramId: ADMISSIONS_1, role: 'admissions' as const, schoolId: schools[0] },
      { telegramId: DIRECTOR_2, role: 'director' as const, schoolId: schools[1] },
      { telegramId: LEN_OFFICER, role: 'district' as const, territoryId: 'KG-GB-LEN' },
      { telegramId: OKT_OFFICER, role: 'district' as const, territoryId: 'KG-GB-OKT' },
      { telegramId: MINISTRY, role: 'ministry' as const },
    ];
    for (const s of staff) await db.staffMember.create({ data: { ...s, telegramId: BigInt(s.telegramId) } });
    appeals = appealService({
      db,
      clock,
      identity: identityService({ db, clock, publicUrl: 'http://127.0.0.1:1' }),
    });
  });
  afterAll(async () => {
    await database?.drop();
  });

  const outbox = (kind: string) =>
    database.db.outboxMessage.findMany({ where: { kind }, orderBy: { id: 'asc' } });

  it('numbers appeals, keeps their language, and is due in 14 working days after Orozo Ait and Nooruz', async () => {
    const a = await appeals.file(
      PARENT,
      apps.waitlisted as string,
      '  Бизди эмне үчүн күтүү тизмесине койдуңуздар?  ',
      'ky',
    );
    expect(a).toMatchObject({
      number: '2026-A00001',
      level: 'school',
      status: 'open',
      language: 'ky',
      overdue: false,
    });
    expect(a.text).toBe('Бизди эмне үчүн күтүү тизмесине койдуңуздар?');
    expect(a.dueAt).toEqual(endOfBishkekDay('2026-04-06'));
    const b = await appeals.file(OTHER_PARENT, apps.rejected as string, 'Почему отказали?', 'ru');
    expect(b.number).toBe('2026-A00002');
    expect(b.language).toBe('ru');
    // the school's staff learn of it through its admission alerts
    const alerts = await outbox('alert.appeal');
    expect(alerts.map((x) => x.params)).toEqual([
      expect.objectContaining({ number: '2026-A00001', schoolId: schools[0] }),
      expect.objectContaining({ number: '2026-A00002', schoolId: schools[1] }),
    ]);
  });

  it('refuses what cannot be appealed, a second open appeal, someone else’s application, an empty or long text', async () => {
    await expect(appeals.file(PARENT, apps.draft as string, 'x', 'ky')).rejects.toMatchObject({
      code: 'not_appealable',
    });
    await expect(appeals.file(PARENT, apps.waitlisted as string, 'again', 'ky')).rejects.toMatchObject({
      code: 'appeal_open',
    });
    await expect(appeals.file(PARENT, apps.rejected as string, 'mine?', 'ky')).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(appeals.file(PARENT, 'abc', 'x', 'ky')).rejects.toMatchObject({ code: 'not_found' });
    await expect(appeals.file(OTHER_PARENT, apps.rejected as string, '   ', 'ru')).rejects.toMatchObject({
      code: 'text_empty',
    });
    await expect(
      appeals.file(OTHER_PARENT, apps.rejected as string, 'я'.repeat(2001), 'ru'),
    ).rejects.toMatchObject({
      code: 'text_too_long',
    });
    expect(await appeals.appealable(PARENT)).toEqual([]);
    await expect(appeals.get(OTHER_PARENT, (await appeals.mine(PARENT))[0]?.id ?? 0)).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('lets only the school’s director answer at the school level; a district officer of the district may read', async () => {
    const [a] = await appeals.mine(PARENT);
    if (!a) throw new Error('no appeal');
    await expect(appeals.answer(ADMISSIONS_1, a.id, 'ok')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(appeals.answer(DIRECTOR_2, a.id, 'ok')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(appeals.getForStaff(DIRECTOR_2, a.id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(appeals.getForStaff(OKT_OFFICER, a.id)).rejects.toMatchObject({ code: 'forbidden' });
    expect((await appeals.getForStaff(LEN_OFFICER, a.id)).mayAnswer).toBe(false);
    await expect(appeals.answer(LEN_OFFICER, a.id, 'ok')).rejects.toMatchObject({ code: 'forbidden' });
    expect((await appeals.listFor(DIRECTOR_1)).map((x) => x.number)).toEqual(['2026-A00001']);
    expect((await appeals.listFor(DIRECTOR_2)).map((x) => x.number)).toEqual(['2026-A00002']);
    expect(await appeals.listFor(ADMISSIONS_1)).toEqual([]);
    // an escalation is impossible before an answer or the due date
    await expect(appeals.escalate(PARENT, a.id)).rejects.toMatchObject({ code: 'cannot_escalate' });

    clock.set(bishkekTime('2026-03-16', '11:00'));
    const answered = await appeals.answer(
      DIRECTOR_1,
      a.id,
      'Орундар биринчи этапта толду; сиз кезекте 2-орундасыз.',
    );
    expect(answered).toMatchObject({ status: 'answered', canEscalate: true, canClose: true });
    await expect(appeals.answer(DIRECTOR_1, a.id, 'again')).rejects.toMatchObject({
      code: 'appeal_not_open',
    });
    const told = await outbox('oversight.appeal_answered');
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({
      telegramId: BigInt(PARENT),
      params: expect.objectContaining({ number: '2026-A00001' }),
    });
    const event = await database.db.auditEvent.findFirstOrThrow({ where: { action: 'appeal.answered' } });
    expect(JSON.stringify(event.details)).not.toContain('Орундар');
  });

  it('reminds the answering staff before the due date and flags the overdue appeal to them, the district and the parent', async () => {
    const { db } = database;
    const b = (await appeals.mine(OTHER_PARENT))[0];
    if (!b) throw new Error('no appeal');
    clock.set(bishkekTime('2026-03-31', '17:00'));
    expect(await appeals.sendReminders()).toBe(0);
    clock.set(bishkekTime('2026-04-01', '09:30')); // three working days before Monday 6 April
    expect(await appeals.sendReminders()).toBe(1);
    expect(await appeals.sendReminders()).toBe(0);
    const soon = await outbox('oversight.appeal_due_soon');
    expect(soon.map((m) => Number(m.telegramId))).toEqual([DIRECTOR_2]); // the answered appeal gets none
    expect(soon[0]?.params).toMatchObject({
      number: '2026-A00002',
      appealDueAt: endOfBishkekDay('2026-04-06').toISOString(),
    });

    // Tuesday 7 April is the April revolution day: the notices wait for Wednesday 09:00
    clock.set(bishkekTime('2026-04-07', '10:00'));
    expect(await appeals.sendReminders()).toBe(3);
    const overdue = await db.outboxMessage.findMany({
      where: { kind: { startsWith: 'oversight.appeal_overdue' } },
    });
    expect(overdue.map((m) => [m.kind, Number(m.telegramId)]).sort()).toEqual(
      [
        ['oversight.appeal_overdue', DIRECTOR_2],
        ['oversight.appeal_overdue_above', LEN_OFFICER],
        ['oversight.appeal_overdue_parent', OTHER_PARENT],
      ].sort(),
    );
    expect(overdue.every((m) => m.dueAt?.getTime() === bishkekTime('2026-04-08', '09:00').getTime())).toBe(
      true,
    );
    expect(await appeals.sendReminders()).toBe(0);

    clock.set(bishkekTime('2026-04-09', '12:00'));
    const lenTarget = { level: 'district' as const, districtId: 'KG-GB-LEN', regionId: 'KG-GB' };
    const flagged = await overdueAppeals(db, lenTarget, clock.now());
    expect(flagged).toEqual([
      expect.objectContaining({ number: '2026-A00002', level: 'school', workingDaysOverdue: 2 }),
    ]);
    expect(
      await overdueAppeals(
        db,
        { level: 'district', districtId: 'KG-GB-OKT', regionId: 'KG-GB' },
        clock.now(),
      ),
    ).toEqual([]);
    expect(await appeals.overdue({ level: 'region', regionId: 'KG-GB' })).toHaveLength(1);
    expect(
      await appeals.overdue({
        level: 'school',
        schoolId: schools[0] as number,
        districtId: 'KG-GB-LEN',
        regionId: 'KG-GB',
      }),
    ).toEqual([]);
    expect((await appeals.get(OTHER_PARENT, b.id)).overdue).toBe(true);
    // the district sees the overdue school appeal in its list (to read, not to answer)
    expect((await appeals.listFor(LEN_OFFICER)).map((x) => [x.number, x.overdue])).toEqual([
      ['2026-A00002', true],
    ]);
    expect(await appeals.listFor(OKT_OFFICER)).toEqual([]);
    expect((await appeals.getForStaff(LEN_OFFICER, b.id)).mayAnswer).toBe(false);
  });

  it('escalates to the district and then the ministry, each level with its own number and due date, then closes', async () => {
    const { db } = database;
    const [a] = await appeals.mine(PARENT);
    if (!a) throw new Error('no appeal');
    clock.set(bishkekTime('2026-04-13', '10:00')); // Monday
    const d = await appeals.escalate(PARENT, a.id, 'Кезек туура эмес эсептелди.');
    expect(d).toMatchObject({
      number: '2026-A00001-2',
      level: 'district',
      status: 'open',
      parentId: a.id,
      language: 'ky',
    });
    expect(d.dueAt).toEqual(endOfBishkekDay('2026-05-04')); // across Labour Day (Friday 1 May)
    expect((await appeals.get(PARENT, a.id)).status).toBe('escalated');
    const told = await outbox('oversight.appeal_escalated');
    expect(told.map((m) => Number(m.telegramId))).toEqual([LEN_OFFICER]);
    expect((await appeals.listFor(LEN_OFFICER)).map((x) => x.number)).toEqual([
      '2026-A00002',
      '2026-A00001-2',
    ]);
    expect(await appeals.listFor(OKT_OFFICER)).toEqual([]);
    await expect(appeals.answer(DIRECTOR_1, d.id, 'no')).rejects.toMatchObject({ code: 'forbidden' });
    const read = await appeals.getForStaff(LEN_OFFICER, d.id);
    expect(read.mayAnswer).toBe(true);
    expect(read.chain.map((x) => [x.number, x.status])).toEqual([['2026-A00001', 'escalated']]);
    expect(read.chain[0]?.answer).toMatch(/Орундар/);

    await appeals.answer(LEN_OFFICER, d.id, 'Район текшерди: кезек туура.');
    const m = await appeals.escalate(PARENT, d.id);
    expect(m).toMatchObject({
      number: '2026-A00001-3',
      level: 'ministry',
      text: 'Кезек туура эмес эсептелди.',
    });
    expect((await outbox('oversight.appeal_escalated')).map((x) => Number(x.telegramId))).toEqual([
      LEN_OFFICER,
      MINISTRY,
    ]);
    await expect(appeals.answer(LEN_OFFICER, m.id, 'no')).rejects.toMatchObject({ code: 'forbidden' });
    expect((await appeals.getForStaff(MINISTRY, m.id)).chain).toHaveLength(2);
    const last = await appeals.answer(MINISTRY, m.id, 'Министрлик: кезек туура.');
    expect(last.canEscalate).toBe(false);
    await expect(appeals.escalate(PARENT, m.id)).rejects.toMatchObject({ code: 'cannot_escalate' });
    expect((await appeals.close(PARENT, m.id)).status).toBe('closed');
    await expect(appeals.close(PARENT, m.id)).rejects.toMatchObject({ code: 'appeal_not_open' });

    // an unanswered, overdue school appeal may go to the district at once
    const b = (await appeals.mine(OTHER_PARENT))[0];
    if (!b) throw new Error('no appeal');
    const up = await appeals.escalate(OTHER_PARENT, b.id);
    expect(up).toMatchObject({ number: '2026-A00002-2', level: 'district' });
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { action: 'appeal.escalated', subject: `appeal:${up.id}` },
    });
    expect(audit.details).toMatchObject({ unanswered: true, from: '2026-A00002' });
    // its reminders went with it: the school is no longer asked; a new appeal may follow only after it
    await expect(appeals.file(OTHER_PARENT, apps.rejected as string, 'again', 'ru')).rejects.toMatchObject({
      code: 'appeal_open',
    });
  });
});
