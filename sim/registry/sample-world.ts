// A small hand-built reference world (two Bishkek districts, two rural districts, eight schools) for
// tests and examples of the registry simulator, independent of the demo world generator.
import type {
  CatchmentInput,
  ReferenceWorld,
  SchoolInput,
  TerritoryInput,
} from '../../core/domain/reference.ts';

const name = (en: string, ru = en, ky = en) => ({ ky, ru, en });

export function sampleWorld(): ReferenceWorld {
  const territories: TerritoryInput[] = [
    {
      id: 'KG-GB',
      kind: 'city',
      parentId: null,
      name: name('Bishkek City', 'город Бишкек', 'Бишкек шаары'),
      sortOrder: 1,
    },
    {
      id: 'KG-GB-LEN',
      kind: 'city_district',
      parentId: 'KG-GB',
      name: name('Lenin District', 'Ленинский район'),
      sortOrder: 2,
    },
    {
      id: 'KG-GB-OKT',
      kind: 'city_district',
      parentId: 'KG-GB',
      name: name('Oktyabr District', 'Октябрьский район'),
      sortOrder: 3,
    },
    {
      id: 'KG-C',
      kind: 'region',
      parentId: null,
      name: name('Chüy Region', 'Чуйская область'),
      sortOrder: 4,
    },
    {
      id: 'KG-C-ALA',
      kind: 'district',
      parentId: 'KG-C',
      name: name('Alamüdün District', 'Аламудунский район'),
      sortOrder: 5,
    },
    {
      id: 'KG-C-SOK',
      kind: 'district',
      parentId: 'KG-C',
      name: name('Sokuluk District', 'Сокулукский район'),
      sortOrder: 6,
    },
  ];
  const school = (
    code: string,
    districtId: string,
    settlement: string,
    extra: Partial<SchoolInput> = {},
  ): SchoolInput => ({
    code,
    name: name(`School ${code}`, `Школа ${code}`, `${code} мектеби`),
    districtId,
    ownership: 'public',
    participates: true,
    special: false,
    settlement,
    address: name(`${settlement}, 1`),
    languages: ['ky', 'ru'],
    latitude: null,
    longitude: null,
    ...extra,
  });
  const schools: SchoolInput[] = [
    school('BSK-001', 'KG-GB-LEN', 'Бишкек'),
    school('BSK-002', 'KG-GB-LEN', 'Бишкек'),
    school('BSK-010', 'KG-GB-OKT', 'Бишкек'),
    school('BSK-099', 'KG-GB-OKT', 'Бишкек', { special: true }),
    school('BSK-100', 'KG-GB-OKT', 'Бишкек', { ownership: 'private', participates: false }),
    school('ALA-001', 'KG-C-ALA', 'Лебединовка'),
    school('ALA-002', 'KG-C-ALA', 'Ак-Босого'),
    school('SOK-001', 'KG-C-SOK', 'Сокулук', { languages: ['ky'] }),
  ];
  const rule = (schoolCode: string, settlement: string, street: string, houseFrom: number, houseTo: number) =>
    ({ schoolCode, settlement, street, houseFrom, houseTo }) satisfies CatchmentInput;
  const catchments: CatchmentInput[] = [
    rule('BSK-001', 'Бишкек', 'Манаса', 1, 99),
    rule('BSK-001', 'Бишкек', 'Токтогула', 2, 60),
    rule('BSK-002', 'Бишкек', 'Манаса', 100, 240),
    rule('BSK-002', 'Бишкек', 'Киевская', 1, 80),
    rule('BSK-010', 'Бишкек', 'Ахунбаева', 1, 150),
    rule('BSK-010', 'Бишкек', 'Жибек Жолу', 300, 420),
    rule('ALA-001', 'Лебединовка', 'Ленина', 1, 200),
    rule('ALA-002', 'Ак-Босого', 'Садовая', 1, 45),
    rule('ALA-002', 'Ак-Босого', 'Ысык-Көл', 1, 30),
    rule('SOK-001', 'Сокулук', 'Фрунзе', 1, 310),
  ];
  return {
    territories,
    schools,
    catchments,
    quotas: schools
      .filter((s) => s.participates && !s.special)
      .flatMap((s) =>
        s.languages.map((language) => ({
          schoolCode: s.code,
          campaignId: '2026',
          language,
          seats: 50,
          classSize: 25,
          approved: true,
        })),
      ),
    campaign: {
      id: '2026',
      academicYear: '2026-2027',
      birthFrom: '2019-01-01',
      birthTo: '2020-12-31',
      documentsDeadline: new Date('2026-09-15T18:00:00+06:00'),
      cancellationLimit: 3,
      active: true,
      stages: [
        {
          ordinal: 1,
          kind: 'catchment',
          mode: 'queue',
          opensAt: new Date('2026-04-01T10:00:00+06:00'),
          closesAt: new Date('2026-05-31T18:00:00+06:00'),
        },
      ],
    },
  };
}

/** Bishkek schools are wanted three times as much as rural ones in the sample world. */
export const sampleDemandWeight = (s: SchoolInput): number => (s.districtId.startsWith('KG-GB') ? 3 : 1);
