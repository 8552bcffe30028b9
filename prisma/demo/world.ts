// The demo world: ~2,400 schools over the real territory tree, with languages, catchments and the
// 2026-27 campaign's quotas, shaped after the country's figures (reference/facts.md "Territory").
// Deterministic: one seed gives the same world byte for byte (a mulberry32 stream, consumed in a
// fixed order), so the registry simulator, the demo and the tests all see the same schools.
import { bishkekTime } from '../../core/clock.ts';
import type {
  CampaignInput,
  CatchmentInput,
  InstructionLanguage,
  LocalizedName,
  QuotaInput,
  ReferenceWorld,
  SchoolInput,
} from '../../core/domain/reference.ts';
import { territories } from '../reference/territories.ts';
import {
  BISHKEK_STREETS,
  COMMON_STREETS,
  DISTRICTS,
  type DistrictSpec,
  INTERNATIONAL_NAMES,
  LANGUAGE_MIX,
  OSH_STREETS,
  PERSONS,
  PERSONS_RU,
  PERSONS_TG,
  PERSONS_UZ,
  type Person,
  PRIVATE_BISHKEK_MIX,
  PRIVATE_NAMES,
  romanize,
  russianForm,
  SEAT_BUDGET,
  SOUTH_STREETS,
  type Street,
  TAJIK_MIX,
  TOWN_STREETS,
  VILLAGE_FIRST,
  VILLAGE_SECOND,
} from './geography.ts';

export const DEMO_CAMPAIGN_ID = '2026-27';
export const DEFAULT_SEED = 20260401;
export const DEFAULT_SCHOOL_COUNT = 2400;

/** The 2026-27 campaign as run in the demo (stages in Asia/Bishkek time). */
export function demoCampaign(): CampaignInput {
  return {
    id: DEMO_CAMPAIGN_ID,
    academicYear: '2026/27',
    birthFrom: '2019-01-01',
    birthTo: '2020-12-31',
    documentsDeadline: bishkekTime('2026-09-15', '18:00'),
    cancellationLimit: 3,
    active: true,
    stages: [
      stage(1, 'catchment', '2026-04-01', '10:00', '2026-05-31', '18:00'),
      stage(2, 'actual_residence', '2026-06-01', '10:00', '2026-06-30', '18:00'),
      stage(3, 'free_seats', '2026-07-01', '10:00', '2026-08-31', '18:00'),
      stage(4, 'documents', '2026-08-01', '09:00', '2026-09-15', '18:00'),
      // after the release: released, late and moving families (R-16.6, decision 0009)
      stage(5, 'free_seats', '2026-09-16', '00:00', '2027-06-01', '00:00'),
    ],
  };
}

function stage(
  ordinal: number,
  kind: CampaignInput['stages'][number]['kind'],
  openDate: string,
  openTime: string,
  closeDate: string,
  closeTime: string,
): CampaignInput['stages'][number] {
  return {
    ordinal,
    kind,
    mode: 'queue',
    opensAt: bishkekTime(openDate, openTime),
    closesAt: bishkekTime(closeDate, closeTime),
  };
}

/** mulberry32: tiny, fast, good enough for synthetic data, identical on every platform. */
export class Rng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let z = this.#state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  }
  /** integer in [min, max] */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  range(min: number, max: number): number {
    return min + this.next() * (max - min);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(list: readonly T[]): T {
    const item = list[Math.floor(this.next() * list.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  weighted<T>(list: readonly (readonly [T, number])[]): T {
    const total = list.reduce((sum, [, w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [item, w] of list) {
      r -= w;
      if (r < 0) return item;
    }
    const last = list[list.length - 1];
    if (!last) throw new Error('weighted pick from an empty list');
    return last[0];
  }
  shuffle<T>(list: T[]): T[] {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const a = list[i] as T;
      list[i] = list[j] as T;
      list[j] = a;
    }
    return list;
  }
  sample<T>(list: readonly T[], n: number): T[] {
    return this.shuffle([...list]).slice(0, Math.min(n, list.length));
  }
}

type SettlementKind = 'city' | 'town' | 'village';

type Settlement = {
  name: LocalizedName;
  kind: SettlementKind;
  lat: number;
  lon: number;
  streets: Street[];
  /** numbers still free for numbered schools, in the order they are handed out */
  numbers: number[];
  /** highest number ever put in `numbers` */
  maxNumber: number;
  usedNames: Set<string>;
  /** schools the settlement will have, and how many are made so far */
  schools: number;
  made: number;
};

/** Numbers of numbered schools look like real ones: a shuffled run with some gaps. */
function addSchools(rng: Rng, s: Settlement, k: number): void {
  s.schools += k;
  const upTo = Math.ceil(s.schools * 1.15) + 1;
  for (let i = s.maxNumber + 1; i <= upTo; i++) s.numbers.push(i);
  s.maxNumber = Math.max(s.maxNumber, upTo);
  rng.shuffle(s.numbers);
}

type Draft = {
  school: SchoolInput;
  settlement: Settlement;
  spec: DistrictSpec;
  top: string;
  size: number;
  streets: Street[];
};

const TOP_DIGIT: Record<string, number> = {
  'KG-GB': 1,
  'KG-GO': 2,
  'KG-B': 3,
  'KG-J': 4,
  'KG-N': 5,
  'KG-O': 6,
  'KG-T': 7,
  'KG-C': 8,
  'KG-Y': 9,
};

const round5 = (x: number) => Math.round(x * 1e5) / 1e5;
const topOf = (districtId: string) => districtId.split('-').slice(0, 2).join('-');

function splitName(entry: string): { ky: string; ru: string } {
  const [ky = entry, ru] = entry.split('=');
  return { ky, ru: ru ?? russianForm(ky) };
}

/** Schools per district: proportional to the 2,400-school figures, every district at least one. */
function districtCounts(total: number): number[] {
  const weights = DISTRICTS.map((d) => d.schools);
  const sum = weights.reduce((a, b) => a + b, 0);
  const min = total >= DISTRICTS.length ? 1 : 0;
  const free = total - min * DISTRICTS.length;
  const exact = weights.map((w) => (w / sum) * free);
  const counts = exact.map((x) => Math.floor(x) + min);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, i) => [x - Math.floor(x), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    counts[i] = (counts[i] ?? 0) + 1;
    left--;
  }
  return counts;
}

export function generateDemoWorld(opts: { seed?: number; schoolCount?: number } = {}): ReferenceWorld {
  const seed = opts.seed ?? DEFAULT_SEED;
  const schoolCount = opts.schoolCount ?? DEFAULT_SCHOOL_COUNT;
  if (!Number.isInteger(schoolCount) || schoolCount < 1 || schoolCount > 40_000) {
    throw new RangeError(`schoolCount must be an integer in 1..40000, got ${schoolCount}`);
  }
  const rng = new Rng(seed);
  const scale = schoolCount / DEFAULT_SCHOOL_COUNT;
  const counts = districtCounts(schoolCount);
  const codes = new Set<string>();
  const cities = new Map<string, Settlement>();
  const drafts: Draft[] = [];

  DISTRICTS.forEach((spec, di) => {
    const n = counts[di] ?? 0;
    if (n === 0) return;
    const privateNames = new Set<string>();
    for (const [settlement, k] of placeSchools(rng, spec, n, scale, cities)) {
      for (let i = 0; i < k; i++) drafts.push(makeSchool(rng, spec, settlement, codes, privateNames));
    }
  });

  const quotas = makeQuotas(rng, drafts, scale);
  const catchments = makeCatchments(rng, drafts);
  return {
    territories: territories(),
    schools: drafts.map((d) => d.school),
    catchments,
    quotas,
    campaign: demoCampaign(),
  };
}

function newSettlement(
  rng: Rng,
  name: { ky: string; ru: string },
  kind: SettlementKind,
  lat: number,
  lon: number,
  spec: DistrictSpec,
): Settlement {
  const south = spec.profile === 'south' || spec.profile === 'osh';
  let streets: Street[];
  if (kind === 'city') streets = name.ky === 'Бишкек' ? BISHKEK_STREETS : OSH_STREETS;
  else if (kind === 'town') {
    streets = [
      ...rng.sample(COMMON_STREETS, rng.int(12, 18)),
      ...TOWN_STREETS,
      ...(south ? SOUTH_STREETS : []),
    ];
  } else {
    streets = [...rng.sample(COMMON_STREETS, rng.int(6, 11)), ...(south ? rng.sample(SOUTH_STREETS, 2) : [])];
  }
  return {
    name: { ky: name.ky, ru: name.ru, en: romanize(name.ky) },
    kind,
    lat,
    lon,
    streets,
    numbers: [],
    maxNumber: 0,
    usedNames: new Set(),
    schools: 0,
    made: 0,
  };
}

/** Splits a district's schools over its city, towns, named villages and further villages. */
function placeSchools(
  rng: Rng,
  spec: DistrictSpec,
  n: number,
  scale: number,
  cities: Map<string, Settlement>,
): [Settlement, number][] {
  const out: [Settlement, number][] = [];
  if (spec.city) {
    const key = spec.city.ky;
    let city = cities.get(key);
    if (!city) {
      city = newSettlement(
        rng,
        { ky: key, ru: spec.city.ru ?? key },
        'city',
        spec.city.lat,
        spec.city.lon,
        spec,
      );
      cities.set(key, city);
    }
    out.push([city, n]);
    addSchools(rng, city, n);
    return out;
  }
  let left = n;
  const villageAt = () => [
    round5(spec.lat + rng.range(-0.15, 0.15)),
    round5(spec.lon + rng.range(-0.2, 0.2)),
  ];
  for (const town of spec.towns ?? []) {
    if (left === 0) break;
    const k = Math.max(1, Math.min(Math.round(town.weight * scale), Math.floor(left * 0.6) || 1));
    const name = { ky: town.ky, ru: town.ru ?? russianForm(town.ky) };
    out.push([newSettlement(rng, name, 'town', town.lat, town.lon, spec), k]);
    left -= k;
  }
  const taken = new Set<string>(out.map(([s]) => s.name.ky));
  (spec.villages ?? []).forEach((entry, i) => {
    if (left === 0) return;
    const k = Math.min(left, i === 0 ? rng.int(2, 4) : rng.int(1, 2));
    const [lat = spec.lat, lon = spec.lon] = villageAt();
    const name = splitName(entry);
    taken.add(name.ky);
    out.push([newSettlement(rng, name, 'village', lat, lon, spec), k]);
    left -= k;
  });
  while (left > 0) {
    let ky = '';
    for (let tries = 0; tries < 50 && (ky === '' || taken.has(ky)); tries++) {
      const first = rng.pick(VILLAGE_FIRST);
      const second = rng.pick(VILLAGE_SECOND);
      ky = first === second ? '' : `${first}-${second}`;
    }
    if (ky === '' || taken.has(ky))
      ky = `${rng.pick(VILLAGE_FIRST)}-${rng.pick(VILLAGE_SECOND)}-${taken.size}`;
    taken.add(ky);
    const k = Math.min(
      left,
      rng.weighted([
        [1, 55],
        [2, 30],
        [3, 15],
      ] as const),
    );
    const [lat = spec.lat, lon = spec.lon] = villageAt();
    out.push([newSettlement(rng, { ky, ru: russianForm(ky) }, 'village', lat, lon, spec), k]);
    left -= k;
  }
  for (const [s, k] of out) addSchools(rng, s, k);
  return out;
}

function newCode(rng: Rng, districtId: string, codes: Set<string>): string {
  const digit = TOP_DIGIT[topOf(districtId)] ?? 0;
  for (;;) {
    const code = `${digit}${String(rng.int(0, 9999)).padStart(4, '0')}`;
    if (!codes.has(code)) {
      codes.add(code);
      return code;
    }
  }
}

function takeNumber(s: Settlement): number {
  const n = s.numbers.pop();
  if (n !== undefined) return n;
  s.maxNumber += 1;
  return s.maxNumber;
}

type NameKind = 'numbered' | 'gymnasium' | 'lyceum' | 'schoolGymnasium' | 'person' | 'village' | 'basic';

function schoolName(
  rng: Rng,
  s: Settlement,
  languages: readonly InstructionLanguage[],
  kind: NameKind,
): LocalizedName {
  const where = (ky: string, ru: string, en: string): LocalizedName => {
    if (s.kind === 'city') return { ky, ru, en };
    const kyPlace = s.kind === 'town' ? `${s.name.ky} шаарындагы` : `${s.name.ky} айылындагы`;
    const ruPlace = s.kind === 'town' ? `г. ${s.name.ru}` : `с. ${s.name.ru}`;
    return { ky: `${kyPlace} ${ky}`, ru: `${ru} ${ruPlace}`, en: `${s.name.en} ${en}` };
  };
  switch (kind) {
    case 'numbered': {
      const n = takeNumber(s);
      return where(`№ ${n} орто мектеп`, `Средняя школа № ${n}`, `Secondary School No. ${n}`);
    }
    case 'gymnasium': {
      const n = takeNumber(s);
      return where(`№ ${n} гимназия`, `Гимназия № ${n}`, `Gymnasium No. ${n}`);
    }
    case 'lyceum': {
      const n = takeNumber(s);
      return where(`№ ${n} лицей`, `Лицей № ${n}`, `Lyceum No. ${n}`);
    }
    case 'schoolGymnasium': {
      const n = takeNumber(s);
      return where(`№ ${n} мектеп-гимназия`, `Школа-гимназия № ${n}`, `School-Gymnasium No. ${n}`);
    }
    case 'village':
      return {
        ky: `${s.name.ky} орто мектеби`,
        ru: `Средняя школа с. ${s.name.ru}`,
        en: `${s.name.en} Secondary School`,
      };
    case 'basic':
      return {
        ky: `${s.name.ky} негизги мектеби`,
        ru: `Основная школа с. ${s.name.ru}`,
        en: `${s.name.en} Basic School`,
      };
    case 'person': {
      let pool: Person[] = PERSONS;
      if (languages.length === 1 && languages[0] === 'uz') pool = PERSONS_UZ;
      else if (languages.length === 1 && languages[0] === 'ru')
        pool = [...PERSONS_RU, ...PERSONS.slice(0, 4)];
      else if (languages.includes('tg')) pool = PERSONS_TG;
      const free = pool.filter((p) => !s.usedNames.has(p.ky));
      if (free.length === 0) return schoolName(rng, s, languages, 'numbered');
      const person = rng.pick(free);
      s.usedNames.add(person.ky);
      const inPlace = s.kind === 'city' ? '' : s.kind === 'town' ? `${s.name.ky} шаарындагы ` : '';
      const ruPlace = s.kind === 'city' ? '' : s.kind === 'town' ? ` г. ${s.name.ru}` : ` с. ${s.name.ru}`;
      return {
        ky:
          s.kind === 'village'
            ? `${person.ky} атындагы ${s.name.ky} орто мектеби`
            : `${inPlace}${person.ky} атындагы орто мектеп`,
        ru: `Средняя школа имени ${person.ruGen}${ruPlace}`,
        en: `${person.en} Secondary School${s.kind === 'city' ? '' : `, ${s.name.en}`}`,
      };
    }
  }
}

function makeSchool(
  rng: Rng,
  spec: DistrictSpec,
  s: Settlement,
  codes: Set<string>,
  privateNames: Set<string>,
): Draft {
  const top = topOf(spec.id);
  const isBishkek = top === 'KG-GB';
  const first = s.made === 0;
  s.made += 1;
  const special = rng.chance(s.kind === 'city' ? 0.04 : s.kind === 'town' ? 0.04 : 0.006);
  const isPrivate =
    !special && rng.chance(isBishkek ? 0.2 : s.kind === 'city' ? 0.14 : s.kind === 'town' ? 0.09 : 0.035);
  const participates = !special && (!isPrivate || rng.chance(0.65));

  const mix = LANGUAGE_MIX[spec.profile][s.kind];
  let languages: InstructionLanguage[];
  if (isPrivate && isBishkek) languages = [...rng.weighted(PRIVATE_BISHKEK_MIX)];
  else if (spec.tajik && s.kind === 'village' && rng.chance(0.09)) languages = [...rng.weighted(TAJIK_MIX)];
  else languages = [...rng.weighted(mix.length > 0 ? mix : LANGUAGE_MIX.north.village)];

  let name: LocalizedName;
  let gymnasium = false;
  let basic = false;
  if (special) {
    const n = takeNumber(s);
    const ky = `№ ${n} атайын мектеп-интернат`;
    const ru = `Специальная школа-интернат № ${n}`;
    const en = `Special Boarding School No. ${n}`;
    name =
      s.kind === 'city'
        ? { ky, ru, en }
        : { ky: `${s.name.ky} ${ky}`, ru: `${ru} (${s.name.ru})`, en: `${s.name.en} ${en}` };
  } else if (isPrivate) {
    const international = languages.includes('en');
    for (let i = 0; ; i++) {
      const base = international ? rng.pick(INTERNATIONAL_NAMES) : rng.pick(PRIVATE_NAMES).ky;
      const suffix = i < 3 ? '' : `-${i - 1}`;
      const key = `private:${base}${suffix}`;
      if (s.usedNames.has(key) || privateNames.has(key)) continue;
      s.usedNames.add(key);
      privateNames.add(key);
      if (international) {
        name = {
          ky: `«${base}${suffix}» эл аралык мектеби`,
          ru: `Международная школа «${base}${suffix}»`,
          en: `${base}${suffix} International School`,
        };
      } else {
        const brand = PRIVATE_NAMES.find((p) => p.ky === base) ?? { ky: base, ru: base, en: romanize(base) };
        name = {
          ky: `«${brand.ky}${suffix}» жеке мектеби`,
          ru: `Частная школа «${brand.ru}${suffix}»`,
          en: `${brand.en}${suffix} Private School`,
        };
      }
      break;
    }
  } else {
    let kind: NameKind;
    if (s.kind === 'city') {
      kind = rng.weighted<NameKind>([
        ['numbered', 66],
        ['gymnasium', 10],
        ['lyceum', 5],
        ['schoolGymnasium', 6],
        ['person', 13],
      ]);
    } else if (s.kind === 'town') {
      kind = rng.weighted<NameKind>([
        ['numbered', 64],
        ['gymnasium', 8],
        ['schoolGymnasium', 4],
        ['person', 24],
      ]);
    } else if (first) {
      kind = rng.weighted<NameKind>([
        ['village', 45],
        ['person', 40],
        ['basic', s.schools === 1 ? 15 : 0],
      ]);
    } else {
      kind = rng.weighted<NameKind>([
        ['person', 60],
        ['numbered', 40],
      ]);
    }
    gymnasium = kind === 'gymnasium' || kind === 'lyceum' || kind === 'schoolGymnasium';
    basic = kind === 'basic';
    name = schoolName(rng, s, languages, kind);
    if (kind === 'village') s.usedNames.add('village');
  }

  const street = rng.pick(s.streets);
  const house = rng.int(1, s.kind === 'village' ? 90 : 180);
  const address: LocalizedName =
    s.kind === 'village'
      ? {
          ky: `${s.name.ky} айылы, ${street.ky}, ${house}`,
          ru: `с. ${s.name.ru}, ${street.ru}, ${house}`,
          en: `${house} ${street.en}, ${s.name.en} village`,
        }
      : {
          ky: `${s.name.ky} шаары, ${street.ky}, ${house}`,
          ru: `г. ${s.name.ru}, ${street.ru}, ${house}`,
          en: `${house} ${street.en}, ${s.name.en}`,
        };
  const spread = s.kind === 'city' ? 0.03 : 0.012;
  const school: SchoolInput = {
    code: newCode(rng, spec.id, codes),
    name,
    districtId: spec.id,
    ownership: isPrivate ? 'private' : 'public',
    participates,
    special,
    settlement: s.name.ky,
    address,
    languages,
    latitude: round5(s.lat + rng.range(-spread, spread)),
    longitude: round5(s.lon + rng.range(-spread, spread)),
  };

  let size: number;
  if (s.kind === 'city') size = rng.range(1.1, 2.4) * (gymnasium ? 1.25 : 1);
  else if (s.kind === 'town') size = rng.range(0.9, 1.8) * (gymnasium ? 1.2 : 1);
  else size = rng.range(0.3, 1.1) * (basic ? 0.5 : 1);
  if (isPrivate) size *= 0.35;

  // Bishkek's city districts share one settlement; each prefers "its" quarter of the streets
  let streets = s.streets;
  if (isBishkek) {
    const quarter = ['KG-GB-BIR', 'KG-GB-LEN', 'KG-GB-OKT', 'KG-GB-SVE'].indexOf(spec.id);
    streets = s.streets.filter((_, i) => i % 4 === quarter);
  }
  return { school, settlement: s, spec, top, size, streets };
}

function languageShares(rng: Rng, languages: readonly InstructionLanguage[], top: string): number[] {
  if (languages.length === 1) return [1];
  const raw = languages.map((l) => {
    if (l === 'ru') return top === 'KG-GB' ? rng.range(1.1, 1.6) : rng.range(0.5, 1.0);
    if (l === 'en') return rng.range(0.4, 0.7);
    if (l === 'ky') return rng.range(0.9, 1.4);
    return rng.range(0.6, 1.1);
  });
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((x) => x / sum);
}

function makeQuotas(rng: Rng, drafts: Draft[], scale: number): QuotaInput[] {
  const bySize = new Map<string, number>();
  for (const d of drafts) {
    if (!d.school.participates || d.school.special) continue;
    bySize.set(d.top, (bySize.get(d.top) ?? 0) + d.size);
  }
  const quotas: QuotaInput[] = [];
  for (const d of drafts) {
    if (!d.school.participates || d.school.special) continue;
    const budget = (SEAT_BUDGET[d.top] ?? 0) * scale;
    const seats = (budget * d.size) / (bySize.get(d.top) ?? 1);
    const urban = d.settlement.kind !== 'village' && d.school.ownership === 'public';
    const classSize = urban && rng.chance(0.2) ? 30 : 25;
    const shares = languageShares(rng, d.school.languages, d.top);
    d.school.languages.forEach((language, i) => {
      const want = seats * (shares[i] ?? 0);
      const rounded =
        want >= classSize * 0.75
          ? Math.max(1, Math.round(want / classSize)) * classSize
          : Math.max(6, Math.round(want));
      quotas.push({
        schoolCode: d.school.code,
        campaignId: DEMO_CAMPAIGN_ID,
        language,
        seats: rounded,
        classSize,
        approved: true,
      });
    });
  }
  return quotas;
}

function makeCatchments(rng: Rng, drafts: Draft[]): CatchmentInput[] {
  const next = new Map<string, number>(); // settlement \u0000 street → last house used
  const extra = new Map<string, number>(); // settlement → numbered streets added when the named ones are full
  const out: CatchmentInput[] = [];
  for (const d of drafts) {
    if (!d.school.participates || d.school.special) continue;
    const s = d.settlement;
    const [kMin, kMax, lenMin, lenMax, maxHouse] =
      s.kind === 'city' ? [4, 8, 10, 45, 500] : s.kind === 'town' ? [3, 7, 8, 45, 300] : [2, 6, 6, 36, 180];
    const k = rng.int(kMin, kMax);
    for (let r = 0; r < k; r++) {
      const len = rng.int(lenMin, lenMax);
      const gap = rng.int(0, 4);
      let placed = false;
      for (let tries = 0; tries < 12 && !placed; tries++) {
        const pool = d.streets.length > 0 && tries < 8 ? d.streets : s.streets;
        const street = rng.pick(pool).ky;
        const key = `${s.name.ky}\u0000${street}`;
        const from = (next.get(key) ?? 0) + 1 + gap;
        const to = from + len - 1;
        if (to > maxHouse) continue;
        next.set(key, to);
        out.push({ schoolCode: d.school.code, settlement: s.name.ky, street, houseFrom: from, houseTo: to });
        placed = true;
      }
      if (!placed) {
        const n = (extra.get(s.name.ky) ?? 0) + 1;
        extra.set(s.name.ky, n);
        const street = `${n}-көчө`;
        next.set(`${s.name.ky}\u0000${street}`, len);
        out.push({ schoolCode: d.school.code, settlement: s.name.ky, street, houseFrom: 1, houseTo: len });
      }
    }
  }
  return out;
}

function hash01(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 13;
  h = Math.imul(h, 0x5bd1e995);
  h ^= h >>> 15;
  return (h >>> 0) / 4294967296;
}

const WANTED = /Гимназия|Лицей|Школа-гимназия/;

/**
 * How strongly families want this school, for the registry simulator to put more families near it:
 * 0 for schools outside online registration; big-city schools, gymnasiums and lyceums weigh more, and
 * about one city school in six is "far more wanted". Depends on the school's own fields only.
 */
export function demandWeight(school: SchoolInput): number {
  if (!school.participates || school.special) return 0;
  const top = topOf(school.districtId);
  const city = top === 'KG-GB' || top === 'KG-GO';
  let w = 0.6 + 0.8 * hash01(school.code);
  if (top === 'KG-GB') w *= 2.5;
  else if (top === 'KG-GO') w *= 2;
  else if (school.address.ky.includes(' шаары,')) w *= 1.4;
  if (WANTED.test(school.name.ru)) w *= 1.8;
  if (school.ownership === 'private') w *= 0.4;
  if (city && hash01(`wanted:${school.code}`) < 0.17) w *= 3;
  return Math.round(w * 1000) / 1000;
}
