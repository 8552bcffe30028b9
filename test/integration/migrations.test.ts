import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaDrift } from '../../core/db/migrations.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

describe('migrations', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  it('leave the database exactly as schema.prisma describes it (no drift)', async () => {
    expect(await schemaDrift(t.url)).toBe('');
  });

  it('record themselves in Prisma’s own _prisma_migrations table', async () => {
    const rows = await t.db.$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL`;
    expect(rows.map((r) => r.migration_name)).toEqual(
      expect.arrayContaining(['20261126175252_init', '20261126175908_identity']),
    );
  });

  it('let the database itself refuse a seat counter above the quota (K-CORE-1)', async () => {
    await t.db.territory.create({ data: { id: 'T', kind: 'city', nameKy: 'т', nameRu: 'т', nameEn: 't' } });
    const school = await t.db.school.create({
      data: {
        code: 'X1',
        nameKy: 'x',
        nameRu: 'x',
        nameEn: 'x',
        districtId: 'T',
        settlement: 's',
        addressKy: 'a',
        addressRu: 'a',
        addressEn: 'a',
        languages: ['ky'],
      },
    });
    await t.db.campaign.create({
      data: {
        id: 'c',
        academicYear: '2026/27',
        birthFrom: new Date('2019-01-01'),
        birthTo: new Date('2020-12-31'),
        documentsDeadline: new Date('2026-09-15'),
      },
    });
    await t.db.quota.create({ data: { schoolId: school.id, campaignId: 'c', language: 'ky', seats: 1 } });
    await t.db.$executeRaw`UPDATE quota SET taken = taken + 1 WHERE school_id = ${school.id}`;
    await expect(
      t.db.$executeRaw`UPDATE quota SET taken = taken + 1 WHERE school_id = ${school.id}`,
    ).rejects.toThrow(/quota_taken_within_seats/);
  });
});
