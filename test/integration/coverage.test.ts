// Coverage of every child (K-OVER-2): the registry's children of a district reconciled with
// applications, direct admissions and the district's follow-ups; scope by district (K-ID-3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdjustableClock, bishkekTime } from '../../core/clock.ts';
import { makePin } from '../../core/domain/pin.ts';
import type { CensusChild } from '../../core/registry/census.ts';
import { catchmentLookup } from '../../core/services/catchment-lookup.ts';
import { identityService } from '../../core/services/identity.ts';
import { coverageService } from '../../core/services/oversight/coverage.ts';
import { OversightError } from '../../core/services/oversight/errors.ts';
import { listCensus, populationCensus } from '../../sim/registry/census.ts';
import { generatePopulation } from '../../sim/registry/population.ts';
import { sampleWorld } from '../../sim/registry/sample-world.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { CAMPAIGN, seedSmallWorld } from '../support/small-world.ts';

const child = (
  seq: number,
  street: string,
  birthDate = '2019-05-10',
  districtId = 'KG-GB-LEN',
): CensusChild => ({
  pin: makePin({ sex: seq % 2 ? 'F' : 'M', birthDate, sequence: seq }),
  surname: `Фамилия${seq}`,
  name: `Бала${seq}`,
  sex: seq % 2 ? 'F' : 'M',
  birthDate,
  districtId,
  address: { settlement: 'Бишкек', street, house: '10' },
});

const ADMITTED = child(1, 'Көчө 1');
const WAITLISTED = child(2, 'Көчө 1');
const NOTHING = child(3, 'Көчө 1');
const DIRECT = child(4, 'Көчө 2');
const MOVED = child(5, 'Көчө 2');
const WITHDRAWN = child(6, 'Көчө 3');
const TOO_OLD = child(7, 'Көчө 3', '2018-03-01');
const ELSEWHERE = child(8, 'Көчө 9', '2019-07-07', 'KG-GB-OKT');
const CENSUS = [ADMITTED, WAITLISTED, NOTHING, DIRECT, MOVED, WITHDRAWN, TOO_OLD, ELSEWHERE];

const LEN_OFFICER = 501;
const OKT_OFFICER = 502;
const REGION_OFFICER = 503;
const MINISTRY = 504;
const DIRECTOR = 505;

describe('coverage of every child (K-OVER-2)', () => {
  let database: TestDatabase;
  const clock = new AdjustableClock(bishkekTime('2026-04-20', '12:00'));
  let coverage: ReturnType<typeof coverageService>;
  let schoolIds: number[];

  beforeAll(async () => {
    database = await createTestDatabase();
    const { db } = database;
    await seedSmallWorld(db);
    await db.territory.create({
      data: {
        id: 'KG-GB-OKT',
        kind: 'city_district',
        parentId: 'KG-GB',
        nameKy: 'Октябрь району',
        nameRu: 'Октябрьский район',
        nameEn: 'Oktyabr District',
      },
    });
    schoolIds = (await db.school.findMany({ orderBy: { code: 'asc' } })).map((s) => s.id);
    const [s1, s2] = schoolIds;
    // school 1 is full in Kyrgyz: its children are sent to the nearest school with a Kyrgyz seat
    await db.quota.update({
      where: {
        schoolId_campaignId_language: { schoolId: s1 as number, campaignId: CAMPAIGN, language: 'ky' },
      },
      data: { taken: 2 },
    });
    let n = 0;
    const app = (
      c: CensusChild,
      status: 'admitted' | 'waitlisted' | 'withdrawn',
      language: 'ky' | 'ru' = 'ky',
    ) =>
      db.application.create({
        data: {
          number: `2026-00000${++n}`,
          campaignId: CAMPAIGN,
          telegramId: 9000n + BigInt(n),
          applicantPin: makePin({ sex: 'F', birthDate: '1990-01-01', sequence: n }),
          childPin: c.pin,
          certificateSeries: 'I-АН',
          certificateNumber: `12345${n}`,
          status,
          schoolId: s1,
          language,
          submittedAt: clock.now(),
        },
      });
    await app(ADMITTED, 'admitted', 'ru');
    await app(WAITLISTED, 'waitlisted');
    await app(WITHDRAWN, 'withdrawn', 'ky');
    await db.directAdmission.create({
      data: {
        schoolId: s2 as number,
        campaignId: CAMPAIGN,
        language: 'ky',
        childPin: DIRECT.pin,
        childName: 'Бала4',
        ground: 'commission',
        documentNumber: 'КДН-12',
        createdBy: 1,
      },
    });
    const staff = [
      { telegramId: LEN_OFFICER, role: 'district' as const, territoryId: 'KG-GB-LEN' },
      { telegramId: OKT_OFFICER, role: 'district' as const, territoryId: 'KG-GB-OKT' },
      { telegramId: REGION_OFFICER, role: 'district' as const, territoryId: 'KG-GB' },
      { telegramId: MINISTRY, role: 'ministry' as const },
      { telegramId: DIRECTOR, role: 'director' as const, schoolId: s1 },
    ];
    for (const s of staff) await db.staffMember.create({ data: { ...s, telegramId: BigInt(s.telegramId) } });
    coverage = coverageService({
      db,
      clock,
      census: listCensus(CENSUS),
      catchment: catchmentLookup({ db }),
      identity: identityService({ db, clock, publicUrl: 'http://127.0.0.1:1' }),
    });
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('reconciles: placed, waitlisted, placed by direct admission, not placed; outside the window not counted', async () => {
    const s = await coverage.summary(LEN_OFFICER, 'KG-GB-LEN');
    expect(s.total).toBe(6); // TOO_OLD (born 2018) and ELSEWHERE are not the district's eligible children
    expect(s.counts).toMatchObject({ admitted: 1, waitlisted: 1, direct: 1, unplaced: 3, moved_away: 0 });
    expect(s.notPlaced).toBe(4); // the waitlisted child has no seat either
  });

  it('lists a waitlisted child among those not placed, with free seats in its language (K-OVER-2, R-16.2, finding 7)', async () => {
    const page = await coverage.unplaced(LEN_OFFICER, 'KG-GB-LEN', { pageSize: 10 });
    const waiting = page.items.find((c) => c.pin === WAITLISTED.pin);
    expect(waiting?.application).toMatchObject({ status: 'waitlisted', language: 'ky' });
    // school 1 (where it waits) has no Kyrgyz seat: the suggestions are other schools' Kyrgyz seats
    expect(waiting?.suggestions.length).toBeGreaterThan(0);
    expect(waiting?.suggestions.every((x) => x.language === 'ky' && x.schoolId !== schoolIds[0])).toBe(true);
    // a district follow-up does not take it off while the application waits
    const detail = await coverage.child(LEN_OFFICER, 'KG-GB-LEN', WAITLISTED.pin);
    expect(detail.status).toBe('waitlisted');
    expect(detail.suggestions.length).toBeGreaterThan(0);
  });

  it('lists the children not placed with the nearest schools with free seats in a suitable language', async () => {
    const page = await coverage.unplaced(LEN_OFFICER, 'KG-GB-LEN', { pageSize: 10 });
    expect(page.items.map((c) => c.pin).sort()).toEqual(
      [NOTHING.pin, MOVED.pin, WITHDRAWN.pin, WAITLISTED.pin].sort(),
    );
    const nothing = page.items.find((c) => c.pin === NOTHING.pin);
    // lives in school 1's catchment; school 1 has Russian seats but no Kyrgyz seat left
    expect(nothing?.suggestions[0]).toMatchObject({
      schoolId: schoolIds[0],
      language: 'ru',
      nearness: 'catchment',
    });
    expect(
      nothing?.suggestions.filter((x) => x.language === 'ky').every((x) => x.schoolId !== schoolIds[0]),
    ).toBe(true);
    expect(nothing?.suggestions.some((x) => x.language === 'ky' && x.nearness === 'district')).toBe(true);
    // the withdrawn application's language is the suitable one
    const withdrawn = page.items.find((c) => c.pin === WITHDRAWN.pin);
    expect(withdrawn?.application).toMatchObject({ status: 'withdrawn', language: 'ky' });
    expect(withdrawn?.suggestions.every((x) => x.language === 'ky')).toBe(true);
    expect(withdrawn?.suggestions[0]).toMatchObject({ schoolId: schoolIds[2], nearness: 'catchment' });
    // each child shown is an access to personal data, logged (K-CORE-5)
    expect(await database.db.accessLog.count({ where: { what: 'coverage.list' } })).toBe(4 + 4);
    // paging
    const p1 = await coverage.unplaced(LEN_OFFICER, 'KG-GB-LEN', { pageSize: 2, page: 1 });
    expect(p1).toMatchObject({ page: 1, pages: 2 });
    expect(p1.items).toHaveLength(2);
  });

  it('records follow-ups until the list is empty: contacted stays, moved away and placed leave', async () => {
    const contacted = await coverage.recordFollowUp(LEN_OFFICER, 'KG-GB-LEN', NOTHING.pin, 'contacted');
    expect(contacted).toEqual({ status: 'unplaced', remaining: 4 });
    const s = await coverage.summary(LEN_OFFICER, 'KG-GB-LEN');
    expect(s.followedUp).toBe(1);
    const detail = await coverage.child(LEN_OFFICER, 'KG-GB-LEN', NOTHING.pin);
    expect(detail.lastFollowUp).toMatchObject({ outcome: 'contacted' });

    await expect(coverage.recordFollowUp(LEN_OFFICER, 'KG-GB-LEN', MOVED.pin, 'other')).rejects.toMatchObject(
      {
        code: 'note_required',
      },
    );
    await expect(coverage.recordFollowUp(LEN_OFFICER, 'KG-GB-LEN', MOVED.pin, 'lost')).rejects.toMatchObject({
      code: 'invalid_outcome',
    });
    expect(
      await coverage.recordFollowUp(LEN_OFFICER, 'KG-GB-LEN', MOVED.pin, 'moved_away', 'to Osh'),
    ).toEqual({
      status: 'moved_away',
      remaining: 3,
    });
    // a PIN the registry does not place in this district cannot be recorded
    await expect(
      coverage.recordFollowUp(LEN_OFFICER, 'KG-GB-LEN', ELSEWHERE.pin, 'placed'),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    const audit = await database.db.auditEvent.findFirstOrThrow({ where: { action: 'coverage.follow_up' } });
    expect(JSON.stringify(audit.details)).not.toContain(NOTHING.pin);
  });

  it('keeps a district officer to their district; a region officer and the ministry see more; school staff none', async () => {
    await expect(coverage.summary(OKT_OFFICER, 'KG-GB-LEN')).rejects.toBeInstanceOf(OversightError);
    await expect(coverage.unplaced(LEN_OFFICER, 'KG-GB-OKT')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      coverage.recordFollowUp(OKT_OFFICER, 'KG-GB-LEN', NOTHING.pin, 'placed'),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(coverage.summary(DIRECTOR, 'KG-GB-LEN')).rejects.toMatchObject({ code: 'forbidden' });
    expect((await coverage.summary(OKT_OFFICER, 'KG-GB-OKT')).total).toBe(1);
    expect((await coverage.summary(REGION_OFFICER, 'KG-GB-LEN')).total).toBe(6);
    expect((await coverage.summary(MINISTRY, 'KG-GB-OKT')).counts.unplaced).toBe(1);
    expect((await coverage.districtsFor(LEN_OFFICER)).map((d) => d.id)).toEqual(['KG-GB-LEN']);
    expect((await coverage.districtsFor(MINISTRY)).map((d) => d.id)).toEqual(['KG-GB-LEN']); // OKT has no school
    expect(await coverage.districtsFor(DIRECTOR)).toEqual([]);
  });

  it('sends a weekly digest per district and ISO week at a sensible local hour, until the list is empty', async () => {
    const { db } = database;
    clock.set(bishkekTime('2026-04-22', '07:00')); // Wednesday
    expect(await coverage.weeklyDigests()).toBe(2); // each district's own officer (not the region's)
    expect(await coverage.weeklyDigests()).toBe(0);
    const msg = await db.outboxMessage.findFirstOrThrow({
      where: { kind: 'oversight.coverage_digest', telegramId: BigInt(LEN_OFFICER) },
    });
    expect(msg.dueAt).toEqual(bishkekTime('2026-04-22', '10:00'));
    expect(msg.params).toMatchObject({
      number: 3,
      count: 3,
      total: 6,
      districtId: 'KG-GB-LEN',
      week: '2026-W17',
    });
    expect(await db.outboxMessage.count({ where: { telegramId: BigInt(REGION_OFFICER) } })).toBe(0);
    expect(JSON.stringify(msg.params)).not.toMatch(/\d{14}/);

    clock.set(bishkekTime('2026-04-27', '08:00')); // next Monday
    expect(await coverage.weeklyDigests()).toBe(2);
    expect(
      (await db.outboxMessage.findFirstOrThrow({ where: { dedupeKey: { endsWith: `W18:${LEN_OFFICER}` } } }))
        .dueAt,
    ).toEqual(bishkekTime('2026-04-27', '10:00'));

    // the list is emptied (the waiting child withdrawn, the others followed up): no more digests
    await coverage.recordFollowUp(LEN_OFFICER, 'KG-GB-LEN', NOTHING.pin, 'placed', 'private school');
    await coverage.recordFollowUp(LEN_OFFICER, 'KG-GB-LEN', WITHDRAWN.pin, 'placed');
    expect((await coverage.summary(LEN_OFFICER, 'KG-GB-LEN')).notPlaced).toBe(1); // still waiting
    await db.application.updateMany({ where: { childPin: WAITLISTED.pin }, data: { status: 'withdrawn' } });
    await coverage.recordFollowUp(LEN_OFFICER, 'KG-GB-LEN', WAITLISTED.pin, 'placed');
    expect(await coverage.summary(LEN_OFFICER, 'KG-GB-LEN')).toMatchObject({
      notPlaced: 0,
      counts: { unplaced: 0, placed_reported: 3 },
    });
    clock.set(bishkekTime('2026-05-04', '08:00'));
    expect(await coverage.weeklyDigests()).toBe(1); // only Oktyabr's child is left
    expect(await db.outboxMessage.count({ where: { dedupeKey: { contains: 'KG-GB-LEN:2026-W19' } } })).toBe(
      0,
    );
  });

  it('the simulator’s census lists the synthetic children of the eligible years registered in a district', async () => {
    const world = sampleWorld();
    const population = generatePopulation(world, { families: 120, seed: 7 });
    const census = populationCensus(population);
    const { birthFrom: from, birthTo: to } = world.campaign;
    const districts = [...new Set(world.schools.map((s) => s.districtId))];
    let total = 0;
    for (const districtId of districts) {
      const list = await census.childrenInDistrict({
        districtId,
        birthFrom: from,
        birthTo: to,
        requestedBy: 'test',
      });
      total += list.length;
      for (const c of list) {
        expect(c.districtId).toBe(districtId);
        expect(c.birthDate >= from && c.birthDate <= to).toBe(true);
        expect(population.persons.get(c.pin)?.address.street).toBe(c.address.street);
      }
      expect([...list].map((c) => c.pin)).toEqual([...list].map((c) => c.pin).sort());
    }
    expect(total).toBe([...population.children.values()].filter((c) => c.inWindow).length);
  });
});
