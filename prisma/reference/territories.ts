// The territory tree of the Kyrgyz Republic (state after the 2022–23 reform as far as we know it):
// 7 oblasts, 2 cities of republican significance, 40 rayons, Bishkek's 4 city districts. Loaded as
// reference data (seed, or `kattoo import territories`), never referenced by logic: boundaries change.
// Ids follow ISO 3166-2:KG for the first level (KG-B, KG-C, KG-GB, KG-GO, KG-J, KG-N, KG-O, KG-T,
// KG-Y) and add a three-letter suffix per rayon. Towns of oblast significance (Karakol, Tokmok,
// Jalal-Abad, Naryn, Talas, …) are not separate nodes here: their schools hang from the rayon around
// them. Kyrgyz names a native speaker should confirm are listed in docs/glossary-review.md.
import type { LocalizedName, TerritoryInput, TerritoryKind } from '../../core/domain/reference.ts';

type Node = { id: string; ky: string; ru: string; en: string };
type Top = Node & { kind: 'region' | 'city'; children: Node[] };

const n = (id: string, ky: string, ru: string, en: string): Node => ({ id, ky, ru, en });

/** Top level in the order people expect: the two cities first, then oblasts in Kyrgyz alphabetical order. */
const TREE: Top[] = [
  {
    ...n('KG-GB', 'Бишкек шаары', 'город Бишкек', 'Bishkek City'),
    kind: 'city',
    children: [
      n('KG-GB-BIR', 'Биринчи Май району', 'Первомайский район', 'Birinchi May District'),
      n('KG-GB-LEN', 'Ленин району', 'Ленинский район', 'Lenin District'),
      n('KG-GB-OKT', 'Октябрь району', 'Октябрьский район', 'Oktyabr District'),
      n('KG-GB-SVE', 'Свердлов району', 'Свердловский район', 'Sverdlov District'),
    ],
  },
  {
    // Osh has no city districts of its own; one district-level node keeps "every school hangs from a
    // district-level territory" true everywhere.
    ...n('KG-GO', 'Ош шаары', 'город Ош', 'Osh City'),
    kind: 'city',
    children: [n('KG-GO-OSH', 'Ош шаары', 'город Ош', 'Osh city')],
  },
  {
    ...n('KG-B', 'Баткен облусу', 'Баткенская область', 'Batken Region'),
    kind: 'region',
    children: [
      n('KG-B-BAT', 'Баткен району', 'Баткенский район', 'Batken District'),
      n('KG-B-KAD', 'Кадамжай району', 'Кадамжайский район', 'Kadamjay District'),
      n('KG-B-LEY', 'Лейлек району', 'Лейлекский район', 'Leilek District'),
    ],
  },
  {
    ...n('KG-J', 'Жалал-Абад облусу', 'Джалал-Абадская область', 'Jalal-Abad Region'),
    kind: 'region',
    children: [
      n('KG-J-AKS', 'Аксы району', 'Аксыйский район', 'Aksy District'),
      n('KG-J-ALB', 'Ала-Бука району', 'Ала-Букинский район', 'Ala-Buka District'),
      n('KG-J-BAZ', 'Базар-Коргон району', 'Базар-Коргонский район', 'Bazar-Korgon District'),
      n('KG-J-NOO', 'Ноокен району', 'Ноокенский район', 'Nooken District'),
      n('KG-J-SUZ', 'Сузак району', 'Сузакский район', 'Suzak District'),
      n('KG-J-TGT', 'Тогуз-Торо району', 'Тогуз-Тороуский район', 'Toguz-Toro District'),
      n('KG-J-TOK', 'Токтогул району', 'Токтогульский район', 'Toktogul District'),
      n('KG-J-CHA', 'Чаткал району', 'Чаткальский район', 'Chatkal District'),
    ],
  },
  {
    ...n('KG-N', 'Нарын облусу', 'Нарынская область', 'Naryn Region'),
    kind: 'region',
    children: [
      n('KG-N-AKT', 'Ак-Талаа району', 'Ак-Талинский район', 'Ak-Talaa District'),
      n('KG-N-ATB', 'Ат-Башы району', 'Ат-Башинский район', 'At-Bashy District'),
      n('KG-N-JUM', 'Жумгал району', 'Жумгальский район', 'Jumgal District'),
      n('KG-N-KOC', 'Кочкор району', 'Кочкорский район', 'Kochkor District'),
      n('KG-N-NAR', 'Нарын району', 'Нарынский район', 'Naryn District'),
    ],
  },
  {
    ...n('KG-O', 'Ош облусу', 'Ошская область', 'Osh Region'),
    kind: 'region',
    children: [
      n('KG-O-ALA', 'Алай району', 'Алайский район', 'Alay District'),
      n('KG-O-ARA', 'Араван району', 'Араванский район', 'Aravan District'),
      n('KG-O-KKU', 'Кара-Кулжа району', 'Кара-Кульджинский район', 'Kara-Kulja District'),
      n('KG-O-KSU', 'Кара-Суу району', 'Кара-Суйский район', 'Kara-Suu District'),
      n('KG-O-NOO', 'Ноокат району', 'Ноокатский район', 'Nookat District'),
      n('KG-O-OZG', 'Өзгөн району', 'Узгенский район', 'Özgön District'),
      n('KG-O-CHA', 'Чоң-Алай району', 'Чон-Алайский район', 'Chong-Alay District'),
    ],
  },
  {
    ...n('KG-T', 'Талас облусу', 'Таласская область', 'Talas Region'),
    kind: 'region',
    children: [
      n('KG-T-BAK', 'Бакай-Ата району', 'Бакай-Атинский район', 'Bakay-Ata District'),
      n('KG-T-KBU', 'Кара-Буура району', 'Кара-Бууринский район', 'Kara-Buura District'),
      n('KG-T-MAN', 'Манас району', 'Манасский район', 'Manas District'),
      n('KG-T-TAL', 'Талас району', 'Таласский район', 'Talas District'),
    ],
  },
  {
    ...n('KG-C', 'Чүй облусу', 'Чуйская область', 'Chüy Region'),
    kind: 'region',
    children: [
      n('KG-C-ALM', 'Аламүдүн району', 'Аламудунский район', 'Alamüdün District'),
      n('KG-C-JAY', 'Жайыл району', 'Жайылский район', 'Jayyl District'),
      n('KG-C-KEM', 'Кемин району', 'Кеминский район', 'Kemin District'),
      n('KG-C-MOS', 'Москва району', 'Московский район', 'Moskva District'),
      n('KG-C-PAN', 'Панфилов району', 'Панфиловский район', 'Panfilov District'),
      n('KG-C-SOK', 'Сокулук району', 'Сокулукский район', 'Sokuluk District'),
      n('KG-C-CHU', 'Чүй району', 'Чуйский район', 'Chüy District'),
      n('KG-C-YSA', 'Ысык-Ата району', 'Ысык-Атинский район', 'Ysyk-Ata District'),
    ],
  },
  {
    ...n('KG-Y', 'Ысык-Көл облусу', 'Иссык-Кульская область', 'Issyk-Kul Region'),
    kind: 'region',
    children: [
      n('KG-Y-AKS', 'Ак-Суу району', 'Ак-Суйский район', 'Ak-Suu District'),
      n('KG-Y-JOG', 'Жети-Өгүз району', 'Джети-Огузский район', 'Jeti-Ögüz District'),
      n('KG-Y-TON', 'Тоң району', 'Тонский район', 'Ton District'),
      n('KG-Y-TUP', 'Түп району', 'Тюпский район', 'Tüp District'),
      n('KG-Y-YSK', 'Ысык-Көл району', 'Иссык-Кульский район', 'Issyk-Kul District'),
    ],
  },
];

const name = (x: Node): LocalizedName => ({ ky: x.ky, ru: x.ru, en: x.en });

function flatten(): TerritoryInput[] {
  const out: TerritoryInput[] = [];
  TREE.forEach((top, i) => {
    out.push({ id: top.id, kind: top.kind, parentId: null, name: name(top), sortOrder: i + 1 });
    const childKind: TerritoryKind = top.kind === 'city' ? 'city_district' : 'district';
    top.children.forEach((c, j) => {
      out.push({ id: c.id, kind: childKind, parentId: top.id, name: name(c), sortOrder: j + 1 });
    });
  });
  return out;
}

/** Parents before children (the order an import or a seed can insert them in). */
export const TERRITORIES: readonly TerritoryInput[] = Object.freeze(flatten());

/** A fresh copy, safe to mutate. */
export function territories(): TerritoryInput[] {
  return TERRITORIES.map((t) => ({ ...t, name: { ...t.name } }));
}

/** The district-level nodes (rayons and city districts): where schools hang. */
export function districtLevel(list: readonly TerritoryInput[] = TERRITORIES): TerritoryInput[] {
  return list.filter((t) => t.kind === 'district' || t.kind === 'city_district');
}
