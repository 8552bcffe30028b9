// The registry simulator's synthetic population (K-REG-6): deterministic for a seed, consistent with
// the demo world's schools and catchments. Families live in every district that has catchment
// schools, more of them where schools are wanted more (the world's demand weight); each family has
// one or two parents (or a grandparent as registered guardian), children born in and around the
// campaign's eligible years, a registered address inside a catchment rule, and for about a fifth a
// different actual address. Rare cases are planned, not left to chance, so every population of a
// few dozen families or more has them all: twins, guardians, an ended guardianship, military and
// kairylman parents, single mothers, children without a birth record, certificates a parent would
// type differently (really different, or only in letters that look alike).
import { makePin, type PinSex } from '../../core/domain/pin.ts';
import type {
  CatchmentInput,
  ReferenceWorld,
  SchoolInput,
  TerritoryInput,
} from '../../core/domain/reference.ts';
import type { BirthRecord, Guardianship, Passport, Sex } from '../../core/registry/types.ts';
import { demandWeight } from '../../prisma/demo/world.ts';
import { FEMALE_NAMES, feminine, kyrgyzStyle, MALE_NAMES, patronymic, SURNAMES } from './names.ts';
import { createRandom, type Random, shuffle, weightedPicker } from './random.ts';

export const DEFAULT_FAMILIES = 40_000;
export const DEFAULT_SEED = 2026;

export type SimAddress = {
  districtId: string;
  settlement: string;
  street: string;
  /** as written: "12" or "12а" */
  house: string;
  /** the number part of the house, inside the catchment rule's range */
  houseNumber: number;
  apartment?: string;
  /** the school whose catchment rule holds this house */
  schoolCode: string;
};

export type SimPerson = {
  pin: string;
  surname: string;
  name: string;
  patronymic?: string;
  sex: Sex;
  birthDate: string;
  citizenship: string;
  address: SimAddress;
  registeredSince: string;
  passport?: Passport;
  military?: { unit: string; since: string };
  kairylman?: { since: string };
  familyId: number;
};

export type FamilyKind =
  | 'two_parents'
  | 'single_mother'
  | 'guardian'
  | 'military'
  | 'kairylman'
  | 'ended_guardianship';

export type ChildCase = 'none' | 'no_birth_record' | 'mismatch' | 'look_alike';

export type SimChild = {
  pin: string;
  familyId: number;
  sex: Sex;
  birthDate: string;
  /** born within the campaign's eligible window */
  inWindow: boolean;
  hasBirthRecord: boolean;
  case: ChildCase;
  /** what the parent reads from the paper certificate, when it is written differently from the registry */
  typed?: { series: string; number: string; matchesRegistry: boolean };
  twin: boolean;
};

export type Family = {
  id: number;
  kind: FamilyKind;
  /** registered address of the household (the applicant's and the children's) */
  address: SimAddress;
  /** where the family actually lives, when not at the registered address */
  actualAddress?: SimAddress;
  motherPin?: string;
  fatherPin?: string;
  guardianPin?: string;
  /** the person who applies in Kattoo: a present parent or the registered guardian */
  applicantPin: string;
  children: SimChild[];
};

export type PopulationStats = {
  families: number;
  persons: number;
  children: number;
  childrenInWindow: number;
  birthRecords: number;
  byKind: Record<FamilyKind, number>;
  byCase: Record<ChildCase, number>;
  twins: number;
  actualAddressDiffers: number;
  districts: number;
  generationMs: number;
};

export type Population = {
  seed: number;
  window: { from: string; to: string };
  families: Family[];
  /** every person by PIN (O(1) look-ups) */
  persons: Map<string, SimPerson>;
  birthRecords: Map<string, BirthRecord>;
  /** guardianships by the child's PIN */
  guardianships: Map<string, Guardianship[]>;
  /** every child of every family by PIN */
  children: Map<string, SimChild>;
  stats: PopulationStats;
};

export type PopulationOptions = {
  seed?: number;
  /** number of families (default 40,000) */
  families?: number;
  /** how wanted a school is; families are spread proportionally (default: the demo world's demandWeight) */
  demandWeight?: (school: SchoolInput) => number;
};

/** Shares of families (exclusive kinds) and of first children (cases). */
const KIND_RATES: Record<Exclude<FamilyKind, 'two_parents'>, number> = {
  single_mother: 0.1,
  guardian: 0.02,
  military: 0.03,
  kairylman: 0.03,
  ended_guardianship: 0.005,
};
const CASE_RATES: Record<Exclude<ChildCase, 'none'>, number> = {
  no_birth_record: 0.01,
  mismatch: 0.01,
  look_alike: 0.05,
};
const TWIN_RATE = 0.015;
const OLDER_SIBLING_RATE = 0.2;
const ACTUAL_DIFFERS_RATE = 0.2;
const BORN_BEFORE_RATE = 0.07;
const BORN_AFTER_RATE = 0.07;
const KYRGYZ_STYLE_RATE = 0.1;
const MIN_PLANNED = 3;

const SERIES = ['I-АН', 'II-АН', 'I-КЖ', 'II-ЧК', 'III-ЖА', 'I-ТШ', 'KG', 'I-БИ', 'II-ОШ', 'I-ЖА'] as const;
const FOREIGN_CITIZENSHIP = ['CHN', 'TJK', 'UZB', 'AFG', 'KAZ'] as const;
const HOUSE_LETTERS = ['а', 'б', 'в'] as const;

// ——— dates as day numbers ———
const DAY = 86_400_000;
const dayOf = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / DAY;
const isoCache = new Map<number, string>();
const isoOf = (day: number): string => {
  let iso = isoCache.get(day);
  if (iso === undefined) {
    iso = new Date(day * DAY).toISOString().slice(0, 10);
    isoCache.set(day, iso);
  }
  return iso;
};
const addYears = (iso: string, years: number): string => {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.toISOString().slice(0, 10);
};

const D1950_01_01 = dayOf('1950-01-01');
const D1968_12_31 = dayOf('1968-12-31');
const D1970_01_01 = dayOf('1970-01-01');
const D1975_01_01 = dayOf('1975-01-01');
const D1980_01_01 = dayOf('1980-01-01');
const D1990_12_31 = dayOf('1990-12-31');
const D1998_12_31 = dayOf('1998-12-31');
const D2000_12_31 = dayOf('2000-12-31');
const D2005_01_01 = dayOf('2005-01-01');
const D2008_01_01 = dayOf('2008-01-01');
const D2012_01_01 = dayOf('2012-01-01');
const D2015_12_31 = dayOf('2015-12-31');
const D2017_01_01 = dayOf('2017-01-01');

/** Allocates unique PIN sequences per sex digit and birth date. */
class PinAllocator {
  readonly #next = new Map<string, number>();
  constructor(readonly r: Random) {}
  pin(sex: PinSex, birthDate: string): string {
    const key = `${sex}${birthDate}`;
    const seq = this.#next.get(key) ?? this.r.int(1, 3_000);
    if (seq > 99_999) throw new RangeError(`PIN sequences exhausted for one date (${birthDate})`);
    this.#next.set(key, seq + this.r.int(1, 17));
    return makePin({ sex, birthDate, sequence: seq });
  }
}

/** A list with `count` of each planned value (at least MIN_PLANNED when n allows), the rest `fill`, shuffled. */
function plan<T extends string>(n: number, rates: Record<string, number>, fill: T, r: Random): T[] {
  const out: T[] = [];
  for (const [value, rate] of Object.entries(rates)) {
    const count = Math.min(Math.max(Math.round(rate * n), n >= 40 ? MIN_PLANNED : 0), n - out.length);
    for (let i = 0; i < count; i++) out.push(value as T);
  }
  while (out.length < n) out.push(fill);
  return shuffle(out, r);
}

export function generatePopulation(world: ReferenceWorld, opts: PopulationOptions = {}): Population {
  const started = performance.now();
  const seed = opts.seed ?? DEFAULT_SEED;
  const n = opts.families ?? DEFAULT_FAMILIES;
  if (!Number.isInteger(n) || n < 1) throw new RangeError('families must be a positive integer');
  const r = createRandom(seed);
  const pins = new PinAllocator(createRandom(seed ^ 0x5eed));
  const window = { from: world.campaign.birthFrom, to: world.campaign.birthTo };
  const windowFrom = dayOf(window.from);
  const windowTo = dayOf(window.to);
  // "now" of the synthetic records: every since/issued date lies before it, so a record is already in
  // force on any real date after the data were made (about half a year before the campaign year)
  const today = dayOf(addYears(window.to, 4)) + 180;

  // ——— where families can live: catchments of the schools that take applications ———
  const territories = new Map<string, TerritoryInput>(world.territories.map((t) => [t.id, t]));
  const rulesBySchool = new Map<string, CatchmentInput[]>();
  for (const c of world.catchments) {
    const list = rulesBySchool.get(c.schoolCode);
    if (list) list.push(c);
    else rulesBySchool.set(c.schoolCode, [c]);
  }
  const homes = world.schools.filter(
    (s) => s.participates && !s.special && (rulesBySchool.get(s.code)?.length ?? 0) > 0,
  );
  if (homes.length === 0) throw new RangeError('the world has no school with catchment rules');
  const schoolsByDistrict = new Map<string, SchoolInput[]>();
  for (const s of homes) {
    const list = schoolsByDistrict.get(s.districtId);
    if (list) list.push(s);
    else schoolsByDistrict.set(s.districtId, [s]);
  }
  const urban = (districtId: string): boolean => {
    const t = territories.get(districtId);
    if (!t) return false;
    return t.kind === 'city_district' || territories.get(t.parentId ?? '')?.kind === 'city';
  };
  const weight = opts.demandWeight ?? demandWeight;

  // every school (or, for small populations, every district) first; then by demand; shuffled so that
  // any prefix of the families is spread over the country
  const assignment: SchoolInput[] = [];
  if (n >= 2 * homes.length) assignment.push(...homes);
  else
    for (const list of schoolsByDistrict.values()) if (assignment.length < n) assignment.push(r.pick(list));
  const byDemand = weightedPicker(homes, weight);
  while (assignment.length < n) assignment.push(byDemand(r));
  shuffle(assignment, r);

  const kinds = plan<FamilyKind>(n, KIND_RATES, 'two_parents', r);
  const cases = plan<ChildCase>(n, CASE_RATES, 'none', r);
  const twinsPlan = plan<'twins' | 'single'>(n, { twins: TWIN_RATE }, 'single', r);

  const persons = new Map<string, SimPerson>();
  const birthRecords = new Map<string, BirthRecord>();
  const guardianships = new Map<string, Guardianship[]>();
  const children = new Map<string, SimChild>();
  const families: Family[] = [];
  let certificateNumber = r.int(1_000_000, 1_500_000);

  const address = (school: SchoolInput, rule?: CatchmentInput): SimAddress => {
    const rules = rulesBySchool.get(school.code) as CatchmentInput[];
    const c = rule ?? r.pick(rules);
    const houseNumber = r.int(Math.min(c.houseFrom, c.houseTo), Math.max(c.houseFrom, c.houseTo));
    const a: SimAddress = {
      districtId: school.districtId,
      settlement: c.settlement,
      street: c.street,
      house: r.chance(0.05) ? `${houseNumber}${r.pick(HOUSE_LETTERS)}` : String(houseNumber),
      houseNumber,
      schoolCode: school.code,
    };
    if (urban(school.districtId) && r.chance(0.6)) a.apartment = String(r.int(1, 144));
    return a;
  };
  const dateBetween = (from: number, to: number): string => isoOf(r.int(from, to));
  const passport = (): Passport => {
    const expired = r.chance(0.02);
    const issuedOn = expired ? dateBetween(D2012_01_01, D2015_12_31) : dateBetween(D2017_01_01, today - 30);
    const validUntil = isoOf(dayOf(addYears(issuedOn, 10)) - 1);
    return {
      series: r.chance(0.75) ? 'ID' : 'AN',
      number: String(r.int(0, 9_999_999)).padStart(7, '0'),
      issuedBy: `MKK ${r.int(211_001, 211_099)}`,
      issuedOn,
      validUntil,
    };
  };
  const addPerson = (p: Omit<SimPerson, 'pin' | 'citizenship' | 'registeredSince'> & Partial<SimPerson>) => {
    const pin = pins.pin(p.sex, p.birthDate);
    const adult = dayOf(p.birthDate) < today - 18 * 365;
    const person: SimPerson = {
      citizenship: 'KGZ',
      registeredSince: isoOf(Math.max(dayOf(p.birthDate) + r.int(7, 40), r.int(D2008_01_01, today - 200))),
      ...p,
      pin,
    };
    if (adult && person.citizenship === 'KGZ' && !person.passport) person.passport = passport();
    persons.set(pin, person);
    return person;
  };

  for (let id = 0; id < n; id++) {
    const school = assignment[id] as SchoolInput;
    const kind = kinds[id] as FamilyKind;
    const childCase = cases[id] as ChildCase;
    const twins = twinsPlan[id] === 'twins';
    const home = address(school);
    const kyrgyz = r.chance(KYRGYZ_STYLE_RATE);
    const root = r.pick(SURNAMES);
    const fatherName = r.pick(MALE_NAMES);
    const kairylman = kind === 'kairylman' ? { since: dateBetween(D2008_01_01, today - 60) } : undefined;
    const citizenship = kairylman && r.chance(0.5) ? r.pick(FOREIGN_CITIZENSHIP) : 'KGZ';

    // parents (absent ones, in a guardian family, are registered elsewhere in the district)
    const parentsHome =
      kind === 'guardian' ? address(r.pick(schoolsByDistrict.get(school.districtId) ?? [school])) : home;
    const mother = addPerson({
      sex: 'F',
      name: r.pick(FEMALE_NAMES),
      surname: kyrgyz
        ? kyrgyzStyle(r.pick(MALE_NAMES), 'F')
        : feminine(r.chance(0.7) ? root : r.pick(SURNAMES)),
      ...(kyrgyz ? {} : { patronymic: patronymic(r.pick(MALE_NAMES), 'F') }),
      birthDate: dateBetween(D1980_01_01, D2000_12_31),
      citizenship,
      address: parentsHome,
      familyId: id,
      ...(kairylman ? { kairylman } : {}),
    });
    const hasFather = kind !== 'single_mother' && !(kind === 'guardian' && r.chance(0.5));
    const father = hasFather
      ? addPerson({
          sex: 'M',
          name: fatherName,
          surname: kyrgyz ? kyrgyzStyle(r.pick(MALE_NAMES), 'M') : root,
          ...(kyrgyz ? {} : { patronymic: patronymic(r.pick(MALE_NAMES), 'M') }),
          birthDate: dateBetween(D1975_01_01, D1998_12_31),
          citizenship,
          address: parentsHome,
          familyId: id,
          ...(kairylman ? { kairylman } : {}),
          ...(kind === 'military'
            ? {
                military: {
                  unit: `в/ч ${r.int(10_000, 99_999)}`,
                  since: dateBetween(D2005_01_01, today - 30),
                },
              }
            : {}),
        })
      : undefined;
    const childFatherName = father?.name ?? r.pick(MALE_NAMES);
    const childSurname = (sex: Sex) =>
      kyrgyz
        ? kyrgyzStyle(childFatherName, sex)
        : sex === 'F'
          ? feminine(father ? root : mother.surname.slice(0, -1))
          : father
            ? root
            : mother.surname.slice(0, -1);

    // children: the one in (or around) the eligible years first
    const dates: string[] = [];
    const forceWindow = twins || childCase !== 'none';
    const x = r.next();
    if (!forceWindow && x < BORN_BEFORE_RATE) dates.push(dateBetween(windowFrom - 365, windowFrom - 1));
    else if (!forceWindow && x < BORN_BEFORE_RATE + BORN_AFTER_RATE)
      dates.push(dateBetween(windowTo + 1, windowTo + 365));
    else dates.push(dateBetween(windowFrom, windowTo));
    if (twins) dates.push(dates[0] as string);
    else if (r.chance(OLDER_SIBLING_RATE))
      dates.push(dateBetween(windowFrom - 7 * 365, windowFrom - 2 * 365));

    const family: Family = {
      id,
      kind,
      address: home,
      applicantPin: mother.pin,
      children: [],
      motherPin: mother.pin,
    };
    if (father) family.fatherPin = father.pin;

    let guardian: SimPerson | undefined;
    if (kind === 'guardian') {
      guardian = addPerson({
        sex: r.chance(0.7) ? 'F' : 'M',
        name: '',
        surname: '',
        birthDate: dateBetween(D1950_01_01, D1968_12_31),
        address: home,
        familyId: id,
      });
      guardian.name = guardian.sex === 'F' ? r.pick(FEMALE_NAMES) : r.pick(MALE_NAMES);
      guardian.surname = guardian.sex === 'F' ? feminine(r.pick(SURNAMES)) : r.pick(SURNAMES);
      family.guardianPin = guardian.pin;
      family.applicantPin = guardian.pin;
    } else if (father && kind !== 'military' && r.chance(0.3)) {
      family.applicantPin = father.pin;
    }
    const formerGuardian =
      kind === 'ended_guardianship'
        ? addPerson({
            sex: 'F',
            name: r.pick(FEMALE_NAMES),
            surname: feminine(r.pick(SURNAMES)),
            birthDate: dateBetween(D1970_01_01, D1990_12_31),
            address: address(r.pick(schoolsByDistrict.get(school.districtId) ?? [school])),
            familyId: id,
          })
        : undefined;

    dates.forEach((birthDate, i) => {
      const sex: Sex = r.chance(0.5) ? 'F' : 'M';
      const born = dayOf(birthDate);
      const child = addPerson({
        sex,
        name: sex === 'F' ? r.pick(FEMALE_NAMES) : r.pick(MALE_NAMES),
        surname: childSurname(sex),
        ...(kyrgyz ? {} : { patronymic: patronymic(childFatherName, sex) }),
        birthDate,
        citizenship,
        address: home,
        registeredSince: isoOf(born + r.int(7, 40)),
        familyId: id,
      });
      const thisCase: ChildCase = i === 0 ? childCase : 'none';
      const hasBirthRecord = thisCase !== 'no_birth_record';
      const sim: SimChild = {
        pin: child.pin,
        familyId: id,
        sex,
        birthDate,
        inWindow: born >= windowFrom && born <= windowTo,
        hasBirthRecord,
        case: thisCase,
        twin: twins && i < 2,
      };
      if (hasBirthRecord) {
        certificateNumber += r.int(1, 40);
        const series = r.pick(SERIES);
        const number = String(certificateNumber).padStart(7, '0');
        const record: BirthRecord = {
          childPin: child.pin,
          certificate: {
            series,
            number,
            issuedBy: `ЗАГС: ${territories.get(home.districtId)?.name.ru ?? home.districtId}`,
            issuedOn: isoOf(born + r.int(3, 30)),
          },
          birthDate,
          sex,
          surname: child.surname,
          name: child.name,
        };
        if (child.patronymic) record.patronymic = child.patronymic;
        record.motherPin = mother.pin;
        if (father) record.fatherPin = father.pin;
        birthRecords.set(child.pin, record);
        if (thisCase === 'mismatch')
          sim.typed = { ...differentCertificate(series, number, r), matchesRegistry: false };
        if (thisCase === 'look_alike')
          sim.typed = { ...lookAlikeCertificate(series, number), matchesRegistry: true };
      }
      if (guardian)
        guardianships.set(child.pin, [
          { guardianPin: guardian.pin, kind: 'guardian', since: isoOf(r.int(born + 30, today - 30)) },
        ]);
      if (formerGuardian) {
        const since = r.int(born + 30, today - 400);
        guardianships.set(child.pin, [
          {
            guardianPin: formerGuardian.pin,
            kind: 'guardian',
            since: isoOf(since),
            until: isoOf(r.int(since + 60, today - 30)),
          },
        ]);
      }
      family.children.push(sim);
      children.set(child.pin, sim);
    });

    if (r.chance(ACTUAL_DIFFERS_RATE)) {
      const others = (schoolsByDistrict.get(school.districtId) ?? []).filter((s) => s.code !== school.code);
      family.actualAddress = address(others.length > 0 ? r.pick(others) : school);
    }
    families.push(family);
  }

  const byKind = {
    two_parents: 0,
    single_mother: 0,
    guardian: 0,
    military: 0,
    kairylman: 0,
    ended_guardianship: 0,
  };
  for (const f of families) byKind[f.kind]++;
  const byCase = { none: 0, no_birth_record: 0, mismatch: 0, look_alike: 0 };
  let inWindow = 0;
  let twinChildren = 0;
  for (const c of children.values()) {
    byCase[c.case]++;
    if (c.inWindow) inWindow++;
    if (c.twin) twinChildren++;
  }
  return {
    seed,
    window,
    families,
    persons,
    birthRecords,
    guardianships,
    children,
    stats: {
      families: families.length,
      persons: persons.size,
      children: children.size,
      childrenInWindow: inWindow,
      birthRecords: birthRecords.size,
      byKind,
      byCase,
      twins: twinChildren / 2,
      actualAddressDiffers: families.filter((f) => f.actualAddress).length,
      districts: new Set(families.map((f) => f.address.districtId)).size,
      generationMs: Math.round(performance.now() - started),
    },
  };
}

/** A certificate a parent would type that really differs: a wrong digit, another series, or both. */
function differentCertificate(series: string, number: string, r: Random): { series: string; number: string } {
  const x = r.next();
  const otherSeries = SERIES.filter((s) => s !== series);
  const pos = r.int(0, number.length - 1);
  const digit = Number(number[pos]);
  const otherNumber = `${number.slice(0, pos)}${(digit + r.int(1, 9)) % 10}${number.slice(pos + 1)}`;
  if (x < 0.5) return { series, number: otherNumber };
  if (x < 0.8) return { series: r.pick(otherSeries), number };
  return { series: r.pick(otherSeries), number: otherNumber };
}

const TO_LATIN: Record<string, string> = {
  А: 'a',
  В: 'b',
  С: 'c',
  Е: 'e',
  Н: 'h',
  К: 'k',
  М: 'm',
  О: 'o',
  Р: 'p',
  Т: 't',
  Х: 'x',
};

/** The same certificate typed on another keyboard: Latin look-alikes, lower case, spaces. */
function lookAlikeCertificate(series: string, number: string): { series: string; number: string } {
  const typed = [...series]
    .map((ch) => TO_LATIN[ch] ?? ch.toLowerCase())
    .join('')
    .replace('-', ' - ');
  return { series: typed, number: `${number.slice(0, 3)} ${number.slice(3)}` };
}
