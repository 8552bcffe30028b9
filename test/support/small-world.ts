// A hand-made reference world for service tests: one district, schools with catchments and quotas,
// the 2026/27 campaign with its stages.
import { bishkekTime } from '../../core/clock.ts';
import type { Db } from '../../core/db/client.ts';

export const CAMPAIGN = '2026-27';
export const STAGE1_OPEN = bishkekTime('2026-04-02', '10:00');
export const STAGE3_OPEN = bishkekTime('2026-07-02', '10:00');

export async function seedSmallWorld(
  db: Db,
  opts: { seats?: Record<string, number>; schools?: number } = {},
) {
  await db.territory.create({
    data: { id: 'KG-GB', kind: 'city', nameKy: 'Бишкек шаары', nameRu: 'город Бишкек', nameEn: 'Bishkek' },
  });
  await db.territory.create({
    data: {
      id: 'KG-GB-LEN',
      kind: 'city_district',
      parentId: 'KG-GB',
      nameKy: 'Ленин району',
      nameRu: 'Ленинский район',
      nameEn: 'Lenin District',
    },
  });
  await db.campaign.create({
    data: {
      id: CAMPAIGN,
      academicYear: '2026/27',
      birthFrom: new Date('2019-01-01'),
      birthTo: new Date('2020-12-31'),
      documentsDeadline: bishkekTime('2026-09-15', '18:00'),
      cancellationLimit: 3,
      active: true,
      stages: {
        create: [
          {
            ordinal: 1,
            kind: 'catchment',
            opensAt: bishkekTime('2026-04-01', '10:00'),
            closesAt: bishkekTime('2026-05-31', '18:00'),
          },
          {
            ordinal: 2,
            kind: 'actual_residence',
            opensAt: bishkekTime('2026-06-01', '10:00'),
            closesAt: bishkekTime('2026-06-30', '18:00'),
          },
          {
            ordinal: 3,
            kind: 'free_seats',
            opensAt: bishkekTime('2026-07-01', '10:00'),
            closesAt: bishkekTime('2026-08-31', '18:00'),
          },
          {
            ordinal: 4,
            kind: 'documents',
            opensAt: bishkekTime('2026-08-01', '09:00'),
            closesAt: bishkekTime('2026-09-15', '18:00'),
          },
          {
            // the standing free-seats stage after the release (R-16.6, decision 0009)
            ordinal: 5,
            kind: 'free_seats',
            opensAt: bishkekTime('2026-09-16', '00:00'),
            closesAt: bishkekTime('2027-06-01', '00:00'),
          },
        ],
      },
    },
  });
  const codes: string[] = [];
  const count = opts.schools ?? 3;
  for (let i = 1; i <= count; i++) {
    const code = String(10000 + i);
    codes.push(code);
    const s = await db.school.create({
      data: {
        code,
        nameKy: `№ ${i} орто мектеби`,
        nameRu: `Средняя школа № ${i}`,
        nameEn: `Secondary School No. ${i}`,
        districtId: 'KG-GB-LEN',
        settlement: 'Бишкек',
        addressKy: `Бишкек, Токтогул көч., ${i}`,
        addressRu: `Бишкек, ул. Токтогула, ${i}`,
        addressEn: `Bishkek, Toktogul St ${i}`,
        languages: ['ky', 'ru'],
        catchments: { create: [{ settlement: 'Бишкек', street: `Көчө ${i}`, houseFrom: 1, houseTo: 100 }] },
      },
    });
    for (const language of ['ky', 'ru'] as const) {
      await db.quota.create({
        data: {
          schoolId: s.id,
          campaignId: CAMPAIGN,
          language,
          seats: opts.seats?.[`${code}:${language}`] ?? 2,
          approved: true,
        },
      });
    }
  }
  return { codes };
}

/** A registered address inside school i's catchment. */
export const addressOf = (i: number, house = '10') => ({
  districtId: 'KG-GB-LEN',
  settlement: 'Бишкек',
  street: `Көчө ${i}`,
  house,
});
