// Quotas on PostgreSQL (K-SEAT-1/2, K-OVER-3, K-ID-2/3): the director proposes and submits with a
// TOTP code, a district officer of that district approves with one; the approved quota is locked,
// a change needs a reason and approval, is audited and public; more seats admit waitlisted children.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdjustableClock, bishkekTime } from '../../core/clock.ts';
import { identityService } from '../../core/services/identity.ts';
import {
  publicQuotaHistory,
  quotaDeadline,
  quotaService,
  quotaWarnings,
} from '../../core/services/school/quotas.ts';
import { codeAt, totpService } from '../../core/services/school/totp.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { CAMPAIGN, seedSmallWorld } from '../support/small-world.ts';

const DIRECTOR = 7_001_200_004;
const ADMISSIONS = 7_001_200_005;
const OFFICER = 7_002_300_006;
const FOREIGN_OFFICER = 7_002_300_007;
const OTHER_DIRECTOR = 7_001_200_008;

describe('quotas: propose, submit, approve, change (K-SEAT-1, K-OVER-3)', () => {
  let t: TestDatabase;
  // before the deadline: stage 1 opens 2026-04-01 10:00, the quota is due a week before
  const clock = new AdjustableClock(bishkekTime('2026-03-10', '10:00'));
  let quotas: ReturnType<typeof quotaService>;
  let totp: ReturnType<typeof totpService>;
  let schoolId: number;
  let otherSchoolId: number;
  const secrets = new Map<number, string>();

  /** a fresh code: the clock moves one step on, so each code is new */
  const code = (who: number) => {
    clock.shift(30_000);
    return codeAt(secrets.get(who) as string, clock.now().getTime());
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    const { codes } = await seedSmallWorld(t.db);
    const schools = await t.db.school.findMany({ where: { code: { in: codes } }, orderBy: { id: 'asc' } });
    schoolId = (schools[0] as { id: number }).id;
    otherSchoolId = (schools[1] as { id: number }).id;
    // school 1 starts without quotas: this year's are proposed here
    await t.db.quota.deleteMany({ where: { schoolId } });
    await t.db.territory.create({
      data: {
        id: 'KG-GB-OKT',
        kind: 'city_district',
        parentId: 'KG-GB',
        nameKy: 'Октябрь',
        nameRu: 'Октябрьский',
        nameEn: 'Oktyabr',
      },
    });
    await t.db.staffMember.createMany({
      data: [
        { telegramId: BigInt(DIRECTOR), role: 'director', schoolId },
        { telegramId: BigInt(ADMISSIONS), role: 'admissions', schoolId },
        { telegramId: BigInt(OFFICER), role: 'district', territoryId: 'KG-GB-LEN' },
        { telegramId: BigInt(FOREIGN_OFFICER), role: 'district', territoryId: 'KG-GB-OKT' },
        { telegramId: BigInt(OTHER_DIRECTOR), role: 'director', schoolId: otherSchoolId },
      ],
    });
    const identity = identityService({ db: t.db, clock, publicUrl: 'http://localhost' });
    totp = totpService({ db: t.db, clock, identity, key: randomBytes(32) });
    quotas = quotaService({ db: t.db, clock, identity, totp });
    for (const who of [DIRECTOR, OFFICER, FOREIGN_OFFICER, OTHER_DIRECTOR]) {
      const e = await totp.startEnrolment(who, `staff ${who}`);
      secrets.set(who, e.secret);
      await totp.confirmEnrolment(who, code(who));
    }
  });
  afterAll(() => t.drop());

  it('warns when the seats imply classes above 36 or above the planned size; due a week before stage 1', async () => {
    expect(quotaWarnings({ seats: 75, classSize: 25 })).toEqual({ classes: 3, largest: 25, warnings: [] });
    expect(quotaWarnings({ seats: 80, classSize: 25 }).warnings).toEqual([
      { code: 'above_configured', largest: 27, configured: 25 },
    ]);
    expect(quotaWarnings({ seats: 40, classSize: 36 }).warnings).toEqual([
      { code: 'above_legal_max', largest: 40, max: 36 },
    ]);
    expect(quotaWarnings({ seats: 60, classSize: 30 }, 25).warnings[0]?.code).toBe('above_configured');
    const campaign = await t.db.campaign.findUniqueOrThrow({
      where: { id: CAMPAIGN },
      include: { stages: true },
    });
    expect(quotaDeadline(campaign.stages)).toEqual(bishkekTime('2026-03-25', '10:00'));
    const view = await quotas.overview(DIRECTOR, schoolId);
    expect(view.deadline).toEqual(bishkekTime('2026-03-25', '10:00'));
    expect(view.pastDeadline).toBe(false);
    expect(view.canEdit).toBe(true);
    expect(view.lines.map((l) => l.language)).toEqual(['ky', 'ru']);
    expect((await quotas.overview(ADMISSIONS, schoolId)).canEdit).toBe(false);
    await expect(quotas.overview(OTHER_DIRECTOR, schoolId)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('lets only the director of the school propose; bad numbers are refused', async () => {
    const d = await quotas.check(DIRECTOR, { schoolId, language: 'ky', seats: 50, classSize: 25 });
    expect(d).toMatchObject({ classes: 2, largest: 25, warnings: [], isChange: false });
    for (const who of [ADMISSIONS, OFFICER, OTHER_DIRECTOR, 999]) {
      await expect(
        quotas.check(who, { schoolId, language: 'ky', seats: 10, classSize: 25 }),
      ).rejects.toMatchObject({
        code: 'forbidden',
      });
      await expect(
        quotas.submit(who, {
          schoolId,
          changes: [{ language: 'ky', seats: 10, classSize: 25 }],
          code: '000000',
        }),
      ).rejects.toMatchObject({ code: 'forbidden' });
    }
    const bad = (seats: number, classSize: number, language: 'ky' | 'uz' = 'ky') =>
      quotas.check(DIRECTOR, { schoolId, language, seats, classSize });
    await expect(bad(10, 25, 'uz')).rejects.toMatchObject({ code: 'language_not_taught' });
    await expect(bad(-1, 25)).rejects.toMatchObject({ code: 'invalid_seats' });
    await expect(bad(10.5, 25)).rejects.toMatchObject({ code: 'invalid_seats' });
    await expect(bad(10, 0)).rejects.toMatchObject({ code: 'invalid_class_size' });
    await expect(bad(10, 37)).rejects.toMatchObject({ code: 'invalid_class_size' });
  });

  it('submits only with a valid, fresh TOTP code; a replayed code is refused', async () => {
    const changes = [
      { language: 'ky' as const, seats: 50, classSize: 25 },
      { language: 'ru' as const, seats: 40, classSize: 20 },
    ];
    await expect(quotas.submit(DIRECTOR, { schoolId, changes, code: '000000' })).rejects.toMatchObject({
      code: 'totp_invalid',
    });
    const c = code(DIRECTOR);
    const sent = await quotas.submit(DIRECTOR, { schoolId, changes, code: c });
    expect(sent.map((s) => [s.language, s.status, s.toSeats])).toEqual([
      ['ky', 'submitted', 50],
      ['ru', 'submitted', 40],
    ]);
    expect(sent.every((s) => !s.late && !s.isChange)).toBe(true);
    // the same code again (an overheard code, a double tap): refused
    await expect(quotas.submit(DIRECTOR, { schoolId, changes, code: c })).rejects.toMatchObject({
      code: 'totp_replayed',
    });
    // the district's officer hears of it; the submission is audited
    const note = await t.db.outboxMessage.findFirst({
      where: { telegramId: BigInt(OFFICER), kind: 'quota_submitted' },
    });
    expect(note).not.toBeNull();
    expect(await t.db.auditEvent.count({ where: { action: 'quota.submitted' } })).toBe(2);
    // nothing is in force before the district approves
    expect(await t.db.quota.count({ where: { schoolId } })).toBe(0);
    // a corrected proposal supersedes the pending one
    const [ru2] = await quotas.submit(DIRECTOR, {
      schoolId,
      changes: [{ language: 'ru', seats: 40, classSize: 36 }],
      code: code(DIRECTOR),
    });
    expect(ru2?.warnings[0]?.code).toBe('above_legal_max');
    expect(await t.db.quotaChange.count({ where: { schoolId, language: 'ru', status: 'submitted' } })).toBe(
      1,
    );
  });

  it('a district officer of the district approves with a code; another district is refused', async () => {
    const pending = await quotas.pending(OFFICER);
    expect(pending.map((p) => p.language)).toEqual(['ky', 'ru']);
    expect(await quotas.pending(FOREIGN_OFFICER)).toEqual([]);
    await expect(quotas.pending(DIRECTOR)).rejects.toMatchObject({ code: 'forbidden' });
    const ky = pending[0]?.id as number;
    const ru = pending[1]?.id as number;
    await expect(
      quotas.decide(FOREIGN_OFFICER, { changeId: ky, decision: 'approve', code: code(FOREIGN_OFFICER) }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      quotas.decide(DIRECTOR, { changeId: ky, decision: 'approve', code: code(DIRECTOR) }),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(
      quotas.decide(OFFICER, { changeId: ky, decision: 'approve', code: '123' }),
    ).rejects.toMatchObject({
      code: 'totp_invalid',
    });
    const c = code(OFFICER);
    const r = await quotas.decide(OFFICER, { changeId: ky, decision: 'approve', code: c });
    expect(r.change.status).toBe('approved');
    // the same code cannot approve another
    await expect(
      quotas.decide(OFFICER, { changeId: ru, decision: 'approve', code: c }),
    ).rejects.toMatchObject({
      code: 'totp_replayed',
    });
    // a rejection needs a reason
    await expect(
      quotas.decide(OFFICER, { changeId: ru, decision: 'reject', code: code(OFFICER) }),
    ).rejects.toMatchObject({
      code: 'reason_required',
    });
    await quotas.decide(OFFICER, {
      changeId: ru,
      decision: 'reject',
      code: code(OFFICER),
      note: 'Классы 40 — көп',
    });
    await expect(
      quotas.decide(OFFICER, { changeId: ky, decision: 'approve', code: code(OFFICER) }),
    ).rejects.toMatchObject({
      code: 'not_pending',
    });
    const q = await t.db.quota.findUniqueOrThrow({
      where: { schoolId_campaignId_language: { schoolId, campaignId: CAMPAIGN, language: 'ky' } },
    });
    expect(q).toMatchObject({ seats: 50, classSize: 25, approved: true });
    expect(
      await t.db.quota.findUnique({
        where: { schoolId_campaignId_language: { schoolId, campaignId: CAMPAIGN, language: 'ru' } },
      }),
    ).toBeNull();
    expect(
      await t.db.outboxMessage.count({ where: { telegramId: BigInt(DIRECTOR), kind: 'quota_approved' } }),
    ).toBe(1);
    expect(
      await t.db.outboxMessage.count({ where: { telegramId: BigInt(DIRECTOR), kind: 'quota_rejected' } }),
    ).toBe(1);
  });

  it('locks the approved quota: a change needs a reason and district approval, and is public', async () => {
    const changes = [{ language: 'ky' as const, seats: 60, classSize: 25 }];
    expect(
      (await quotas.check(DIRECTOR, { schoolId, language: 'ky', seats: 60, classSize: 25 })).isChange,
    ).toBe(true);
    await expect(quotas.submit(DIRECTOR, { schoolId, changes, code: code(DIRECTOR) })).rejects.toMatchObject({
      code: 'reason_required',
    });
    // a refused submission did not consume the code's step: the lock-out counts only wrong codes
    const [ch] = await quotas.submit(DIRECTOR, {
      schoolId,
      changes,
      code: code(DIRECTOR),
      reason: 'Жаңы корпус ачылды — эки класс кошулат',
    });
    expect(ch).toMatchObject({ isChange: true, fromSeats: 50, toSeats: 60 });
    // in force still 50 until approved
    expect((await quotas.overview(DIRECTOR, schoolId)).lines[0]?.current?.seats).toBe(50);
    await quotas.decide(OFFICER, { changeId: ch?.id as number, decision: 'approve', code: code(OFFICER) });
    expect((await quotas.overview(DIRECTOR, schoolId)).lines[0]?.current).toMatchObject({
      seats: 60,
      approved: true,
    });
    const history = await publicQuotaHistory(t.db, schoolId);
    expect(history.map((h) => [h.language, h.fromSeats, h.toSeats, h.initial])).toEqual([
      ['ky', null, 50, true],
      ['ky', 50, 60, false],
    ]);
    expect(history[1]?.reason).toBe('Жаңы корпус ачылды — эки класс кошулат');
    const audit = await t.db.auditEvent.findMany({
      where: { action: 'quota.approved' },
      orderBy: { id: 'asc' },
    });
    expect(audit.map((a) => a.details)).toEqual([
      expect.objectContaining({ fromSeats: null, toSeats: 50 }),
      expect.objectContaining({ fromSeats: 50, toSeats: 60 }),
    ]);
    expect(audit[1]?.actorId).toBe(String(OFFICER));
  });

  it('raising the seats admits waitlisted children at once; lowering below the held seats is refused', async () => {
    // the other school: 2 seats, both held, two children waiting
    const key = { schoolId: otherSchoolId, campaignId: CAMPAIGN, language: 'ky' as const };
    await t.db.quota.update({ where: { schoolId_campaignId_language: key }, data: { seats: 2, taken: 2 } });
    const mk = (i: number, status: 'admitted' | 'waitlisted') =>
      t.db.application.create({
        data: {
          number: `2026-90000${i}`,
          campaignId: CAMPAIGN,
          telegramId: BigInt(5000 + i),
          applicantPin: `1010119800000${i}`,
          childPin: `2010120190000${i}`,
          certificateSeries: 'KG',
          certificateNumber: `9${i}`,
          status,
          schoolId: otherSchoolId,
          language: 'ky',
          // as stage I would have taken them: in the catchment (a promotion obeys the stage rule)
          basis: 'catchment',
          catchmentMatch: true,
          receivedSeq: BigInt(100 + i),
        },
      });
    await mk(1, 'admitted');
    await mk(2, 'admitted');
    const w1 = await mk(3, 'waitlisted');
    const w2 = await mk(4, 'waitlisted');

    const one = [{ language: 'ky' as const, seats: 1, classSize: 25 }];
    await expect(
      quotas.check(OTHER_DIRECTOR, { schoolId: otherSchoolId, language: 'ky', seats: 1, classSize: 25 }),
    ).rejects.toMatchObject({ code: 'below_taken', params: { taken: 2 } });
    await expect(
      quotas.submit(OTHER_DIRECTOR, {
        schoolId: otherSchoolId,
        changes: one,
        code: code(OTHER_DIRECTOR),
        reason: 'Азыраак',
      }),
    ).rejects.toMatchObject({ code: 'below_taken' });

    const [ch] = await quotas.submit(OTHER_DIRECTOR, {
      schoolId: otherSchoolId,
      changes: [{ language: 'ky', seats: 3, classSize: 25 }],
      code: code(OTHER_DIRECTOR),
      reason: 'Бир класс кошулду',
    });
    const r = await quotas.decide(OFFICER, {
      changeId: ch?.id as number,
      decision: 'approve',
      code: code(OFFICER),
    });
    expect(r.admitted).toBe(1);
    expect((await t.db.application.findUniqueOrThrow({ where: { id: w1.id } })).status).toBe('admitted');
    expect((await t.db.application.findUniqueOrThrow({ where: { id: w2.id } })).status).toBe('waitlisted');
    expect(
      await t.db.quota.findUniqueOrThrow({ where: { schoolId_campaignId_language: key } }),
    ).toMatchObject({
      seats: 3,
      taken: 3,
    });
    expect(await t.db.outboxMessage.count({ where: { telegramId: 5003n, kind: 'seat_offered' } })).toBe(1);
    // and the school's staff get an admission alert for the digest
    expect(await t.db.outboxMessage.count({ where: { kind: 'alert.admitted', status: 'alert' } })).toBe(1);

    // a change proposed while seats were free, approved after they were taken: refused at approval
    await t.db.quota.update({ where: { schoolId_campaignId_language: key }, data: { seats: 5 } });
    const [down] = await quotas.submit(OTHER_DIRECTOR, {
      schoolId: otherSchoolId,
      changes: [{ language: 'ky', seats: 4, classSize: 25 }],
      code: code(OTHER_DIRECTOR),
      reason: 'Бөлмө жетишпейт',
    });
    await t.db.quota.update({ where: { schoolId_campaignId_language: key }, data: { taken: 5 } });
    await expect(
      quotas.decide(OFFICER, { changeId: down?.id as number, decision: 'approve', code: code(OFFICER) }),
    ).rejects.toMatchObject({ code: 'below_taken', params: { taken: 5 } });
    expect((await t.db.quotaChange.findUniqueOrThrow({ where: { id: down?.id as number } })).status).toBe(
      'submitted',
    );
  });

  it('a first proposal after the deadline needs a reason and is marked late', async () => {
    const third = await t.db.school.findFirstOrThrow({ where: { code: '10003' } });
    await t.db.quota.deleteMany({ where: { schoolId: third.id } });
    await t.db.staffMember.create({
      data: { telegramId: BigInt(OTHER_DIRECTOR), role: 'director', schoolId: third.id },
    });
    clock.set(bishkekTime('2026-03-28', '10:00'));
    const changes = [{ language: 'ky' as const, seats: 25, classSize: 25 }];
    await expect(
      quotas.submit(OTHER_DIRECTOR, { schoolId: third.id, changes, code: code(OTHER_DIRECTOR) }),
    ).rejects.toMatchObject({
      code: 'reason_required',
      params: { late: 1 },
    });
    const [late] = await quotas.submit(OTHER_DIRECTOR, {
      schoolId: third.id,
      changes,
      code: code(OTHER_DIRECTOR),
      reason: 'Директор жаңы дайындалды',
    });
    expect(late?.late).toBe(true);
  });

  it('locks the factor after five wrong codes in a quarter hour', async () => {
    const changes = [{ language: 'ky' as const, seats: 61, classSize: 25 }];
    const reason = 'Дагы бир бала';
    for (let i = 0; i < 5; i++) {
      await expect(
        quotas.submit(DIRECTOR, { schoolId, changes, reason, code: '000000' }),
      ).rejects.toMatchObject({
        code: 'totp_invalid',
      });
    }
    await expect(
      quotas.submit(DIRECTOR, { schoolId, changes, reason, code: code(DIRECTOR) }),
    ).rejects.toMatchObject({
      code: 'totp_locked',
    });
    clock.shift(16 * 60_000);
    await quotas.submit(DIRECTOR, { schoolId, changes, reason, code: code(DIRECTOR) });
  });

  it('refuses a second enrolment while a factor is enrolled, and admissions staff need none', async () => {
    await expect(totp.startEnrolment(DIRECTOR, 'x')).rejects.toMatchObject({ code: 'totp_already_enrolled' });
    await expect(totp.startEnrolment(ADMISSIONS, 'x')).rejects.toMatchObject({ code: 'totp_not_needed' });
    expect(await totp.status(DIRECTOR)).toEqual({ needed: true, enrolled: true, pending: false });
    const row = await t.db.totpFactor.findFirstOrThrow();
    expect(row.secretEnc).not.toContain(secrets.get(DIRECTOR) as string);
  });
});
