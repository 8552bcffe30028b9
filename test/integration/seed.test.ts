import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.ts';
import { parentsFirst, seedDemoIfEmpty, seedReferenceWorld } from '../../prisma/demo/seed.ts';
import { generateDemoWorld } from '../../prisma/demo/world.ts';
import { TERRITORIES } from '../../prisma/reference/territories.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

describe('seedReferenceWorld', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  const world = generateDemoWorld();

  it('loads the whole demo world, counts matching the world', async () => {
    const started = performance.now();
    const counts = await seedReferenceWorld(t.db, world);
    const ms = performance.now() - started;
    expect(counts).toEqual({
      territories: world.territories.length,
      schools: world.schools.length,
      catchments: world.catchments.length,
      quotas: world.quotas.length,
    });
    console.info(`demo world seeded in ${Math.round(ms)} ms`);
    expect(await t.db.territory.count()).toBe(world.territories.length);
    expect(await t.db.school.count()).toBe(world.schools.length);
    expect(await t.db.catchment.count()).toBe(world.catchments.length);
    expect(await t.db.quota.count()).toBe(world.quotas.length);
    expect(await t.db.stage.count({ where: { campaignId: '2026-27' } })).toBe(5); // the four stages and the free seats after the release (decision 0009)
  });

  it('stores values faithfully: a school, its catchments, its quotas, the campaign', async () => {
    const sample = world.schools.find((s) => s.languages.length > 1 && s.participates && !s.special);
    if (!sample) throw new Error('no multi-language school in the world');
    const row = await t.db.school.findUniqueOrThrow({
      where: { code: sample.code },
      include: { catchments: true, quotas: true },
    });
    expect(row).toMatchObject({
      nameKy: sample.name.ky,
      nameRu: sample.name.ru,
      nameEn: sample.name.en,
      districtId: sample.districtId,
      settlement: sample.settlement,
      addressKy: sample.address.ky,
      languages: sample.languages,
      latitude: sample.latitude,
      longitude: sample.longitude,
    });
    expect(row.catchments.length).toBe(world.catchments.filter((c) => c.schoolCode === sample.code).length);
    const seats = Object.fromEntries(row.quotas.map((q) => [q.language, q.seats]));
    const expected = Object.fromEntries(
      world.quotas.filter((q) => q.schoolCode === sample.code).map((q) => [q.language, q.seats]),
    );
    expect(seats).toEqual(expected);
    const campaign = await t.db.campaign.findUniqueOrThrow({
      where: { id: '2026-27' },
      include: { stages: true },
    });
    expect(campaign.birthFrom.toISOString().slice(0, 10)).toBe('2019-01-01');
    expect(campaign.birthTo.toISOString().slice(0, 10)).toBe('2020-12-31');
    expect(campaign.documentsDeadline.toISOString()).toBe('2026-09-15T12:00:00.000Z');
    expect(campaign.active).toBe(true);
    const first = campaign.stages.find((s) => s.ordinal === 1);
    expect(first?.opensAt.toISOString()).toBe('2026-04-01T04:00:00.000Z');
    const total = await t.db.quota.aggregate({ _sum: { seats: true } });
    expect(total._sum.seats).toBe(world.quotas.reduce((sum, q) => sum + q.seats, 0));
  });

  it('leaves the CHECK constraints holding and enforced on the loaded data', async () => {
    const broken = await t.db.$queryRaw<{ n: bigint }[]>`
      SELECT (SELECT count(*) FROM quota WHERE taken < 0 OR taken > seats OR class_size <= 0)
           + (SELECT count(*) FROM catchment WHERE house_from < 0 OR house_from > house_to)
           + (SELECT count(*) FROM stage WHERE opens_at >= closes_at) AS n`;
    expect(Number(broken[0]?.n)).toBe(0);
    const q = world.quotas[0];
    if (!q) throw new Error('no quota');
    const school = await t.db.school.findUniqueOrThrow({ where: { code: q.schoolCode } });
    await expect(
      t.db.$executeRaw`UPDATE quota SET taken = seats + 1 WHERE school_id = ${school.id}`,
    ).rejects.toThrow(/quota_taken_within_seats/);
    await expect(
      t.db.$executeRaw`UPDATE catchment SET house_from = house_to + 1 WHERE school_id = ${school.id}`,
    ).rejects.toThrow(/catchment_house_range/);
  });

  it('is all or nothing: a world with a broken row writes nothing', async () => {
    const other = await createTestDatabase();
    try {
      const bad = generateDemoWorld({ seed: 3, schoolCount: 60 });
      const c = bad.catchments[5];
      if (!c) throw new Error('no catchment');
      c.houseFrom = c.houseTo + 1;
      await expect(seedReferenceWorld(other.db, bad)).rejects.toThrow();
      expect(await other.db.territory.count()).toBe(0);
      expect(await other.db.school.count()).toBe(0);
      expect(await other.db.campaign.count()).toBe(0);
    } finally {
      await other.drop();
    }
  });

  it('seedDemoIfEmpty loads once and then leaves existing schools alone', async () => {
    const other = await createTestDatabase();
    try {
      const log = createLogger('silent');
      expect(await seedDemoIfEmpty(other.db, log)).toBe(true);
      const schools = await other.db.school.count();
      expect(schools).toBe(world.schools.length);
      expect(await seedDemoIfEmpty(other.db, log)).toBe(false);
      expect(await other.db.school.count()).toBe(schools);
    } finally {
      await other.drop();
    }
  });

  it('orders territories parents first whatever the input order', () => {
    const shuffled = [...TERRITORIES].reverse();
    const ordered = parentsFirst(shuffled);
    const seen = new Set<string>();
    for (const x of ordered) {
      if (x.parentId) expect(seen.has(x.parentId)).toBe(true);
      seen.add(x.id);
    }
    expect(ordered).toHaveLength(TERRITORIES.length);
  });
});
