// The registry simulator's synthetic population (K-REG-6) and `demo-population` (contract).
import { describe, expect, it } from 'vitest';
import { isValidPin, parsePin, pinAgrees } from '../../core/domain/pin.ts';
import type { ReferenceWorld } from '../../core/domain/reference.ts';
import { normalizeSeries, sameCertificateNumber, sameSeries } from '../../core/registry/certificate.ts';
import { demandWeight, generateDemoWorld } from '../../prisma/demo/world.ts';
import {
  DEMO_POPULATION_COLUMNS,
  demoPopulationCsv,
  demoPopulationRows,
} from '../../sim/registry/demo-population.ts';
import {
  DEFAULT_FAMILIES,
  generatePopulation,
  type Population,
  type SimAddress,
} from '../../sim/registry/population.ts';
import { sampleDemandWeight, sampleWorld } from '../../sim/registry/sample-world.ts';

const world = sampleWorld();
const pop = generatePopulation(world, { seed: 5, families: 1_500, demandWeight: sampleDemandWeight });

const demoWorld = generateDemoWorld({ seed: 3, schoolCount: 400 });
const demoPop = generatePopulation(demoWorld, { seed: 9, families: 4_000 });

/** districts that have a school taking applications with catchment rules */
function homeDistricts(w: ReferenceWorld): Set<string> {
  const withRules = new Set(w.catchments.map((c) => c.schoolCode));
  return new Set(
    w.schools.filter((s) => s.participates && !s.special && withRules.has(s.code)).map((s) => s.districtId),
  );
}

function inCatchment(w: ReferenceWorld, a: SimAddress): boolean {
  const school = w.schools.find((s) => s.code === a.schoolCode);
  return (
    school?.districtId === a.districtId &&
    a.house.startsWith(String(a.houseNumber)) &&
    /^\d+[а-я]?$/.test(a.house) &&
    w.catchments.some(
      (c) =>
        c.schoolCode === a.schoolCode &&
        c.settlement === a.settlement &&
        c.street === a.street &&
        a.houseNumber >= Math.min(c.houseFrom, c.houseTo) &&
        a.houseNumber <= Math.max(c.houseFrom, c.houseTo),
    )
  );
}

const fingerprint = (p: Population) =>
  JSON.stringify(p.families.slice(0, 200)) + JSON.stringify([...p.persons.keys()].slice(-200));

describe('synthetic population', () => {
  it('is deterministic for a seed and different for another', () => {
    const again = generatePopulation(world, { seed: 5, families: 1_500, demandWeight: sampleDemandWeight });
    expect(fingerprint(again)).toBe(fingerprint(pop));
    expect({ ...again.stats, generationMs: 0 }).toEqual({ ...pop.stats, generationMs: 0 });
    const other = generatePopulation(world, { seed: 6, families: 1_500, demandWeight: sampleDemandWeight });
    expect(fingerprint(other)).not.toBe(fingerprint(pop));
  });

  it('has families in every district that has catchment schools, more where schools are wanted more', () => {
    for (const [w, p] of [
      [world, pop],
      [demoWorld, demoPop],
    ] as const) {
      const districts = new Set(p.families.map((f) => f.address.districtId));
      expect(districts).toEqual(homeDistricts(w));
    }
    // sample world: Bishkek schools weigh 3, rural ones 1 → 9 of 13 weight units in Bishkek
    const bishkek =
      pop.families.filter((f) => f.address.districtId.startsWith('KG-GB')).length / pop.families.length;
    expect(bishkek).toBeGreaterThan(0.62);
    expect(bishkek).toBeLessThan(0.76);
    // demo world: the most wanted schools have more families than the least wanted ones
    const perSchool = new Map<string, number>();
    for (const f of demoPop.families)
      perSchool.set(f.address.schoolCode, (perSchool.get(f.address.schoolCode) ?? 0) + 1);
    const ranked = demoWorld.schools
      .filter((s) => perSchool.has(s.code))
      .sort((a, b) => demandWeight(a) - demandWeight(b));
    const tenth = Math.floor(ranked.length / 10);
    const mean = (list: typeof ranked) =>
      list.reduce((n, s) => n + (perSchool.get(s.code) ?? 0), 0) / list.length;
    expect(mean(ranked.slice(-tenth))).toBeGreaterThan(2 * mean(ranked.slice(0, tenth)));
  });

  it('never places families at special or non-participating schools', () => {
    const excluded = new Set(world.schools.filter((s) => s.special || !s.participates).map((s) => s.code));
    expect(pop.families.some((f) => excluded.has(f.address.schoolCode))).toBe(false);
  });

  it('registers every household at a house inside a catchment rule; a fifth actually live elsewhere', () => {
    for (const [w, p] of [
      [world, pop],
      [demoWorld, demoPop],
    ] as const) {
      for (const f of p.families) {
        expect(inCatchment(w, f.address)).toBe(true);
        if (f.actualAddress) expect(inCatchment(w, f.actualAddress)).toBe(true);
        for (const c of f.children) expect(p.persons.get(c.pin)?.address).toBe(f.address);
        expect(p.persons.get(f.applicantPin)?.address).toBe(f.address);
      }
      const differs = p.families.filter((f) => f.actualAddress).length / p.families.length;
      expect(differs).toBeGreaterThan(0.15);
      expect(differs).toBeLessThan(0.25);
    }
    expect(pop.families.some((f) => f.address.apartment !== undefined)).toBe(true);
    expect(pop.families.some((f) => /[а-я]$/.test(f.address.house))).toBe(true);
  });

  it('gives every person a valid PIN that agrees with their sex and birth date, unique', () => {
    let count = 0;
    for (const [pin, person] of pop.persons) {
      count++;
      expect(isValidPin(pin)).toBe(true);
      expect(pinAgrees(pin, person)).toBe(true);
      expect(person.pin).toBe(pin);
    }
    for (const r of pop.birthRecords.values()) {
      expect(pinAgrees(r.childPin, r)).toBe(true);
      if (r.motherPin) expect(parsePin(r.motherPin)).toMatchObject({ ok: true, sex: 'F' });
      if (r.fatherPin) expect(parsePin(r.fatherPin)).toMatchObject({ ok: true, sex: 'M' });
    }
    // every family member was indexed (no PIN given twice)
    const members = pop.families.reduce(
      (n, f) => n + f.children.length + [f.motherPin, f.fatherPin, f.guardianPin].filter(Boolean).length,
      0,
    );
    expect(count).toBeGreaterThanOrEqual(members);
    expect(pop.children.size).toBe(pop.families.reduce((n, f) => n + f.children.length, 0));
  });

  it('has children born in the eligible years and around them (2018, 2021: to be refused)', () => {
    const years = new Map<string, number>();
    for (const c of pop.children.values())
      years.set(c.birthDate.slice(0, 4), (years.get(c.birthDate.slice(0, 4)) ?? 0) + 1);
    expect(years.get('2019')).toBeGreaterThan(300);
    expect(years.get('2020')).toBeGreaterThan(300);
    expect(years.get('2018')).toBeGreaterThan(20);
    expect(years.get('2021')).toBeGreaterThan(20);
    for (const c of pop.children.values())
      expect(c.inWindow).toBe(c.birthDate >= '2019-01-01' && c.birthDate <= '2020-12-31');
  });

  it('has twins, guardians, an ended guardianship, military and kairylman parents, single mothers', () => {
    const twins = pop.families.filter((f) => f.children.filter((c) => c.twin).length === 2);
    expect(twins.length).toBeGreaterThanOrEqual(3);
    for (const f of twins) {
      const [a, b] = f.children;
      expect(a?.birthDate).toBe(b?.birthDate);
      expect(a?.pin).not.toBe(b?.pin);
    }

    const guardians = pop.families.filter((f) => f.kind === 'guardian');
    expect(guardians.length).toBeGreaterThanOrEqual(3);
    for (const f of guardians) {
      expect(f.applicantPin).toBe(f.guardianPin);
      for (const c of f.children) {
        expect(pop.guardianships.get(c.pin)).toEqual([
          expect.objectContaining({ guardianPin: f.guardianPin, kind: 'guardian' }),
        ]);
        expect(pop.guardianships.get(c.pin)?.[0]?.until).toBeUndefined();
      }
      // parents absent: registered elsewhere; the grandparent is of another generation
      expect(pop.persons.get(f.motherPin as string)?.address).not.toBe(f.address);
      expect((pop.persons.get(f.guardianPin as string)?.birthDate ?? '') < '1970').toBe(true);
    }

    const ended = pop.families.filter((f) => f.kind === 'ended_guardianship');
    expect(ended.length).toBeGreaterThanOrEqual(3);
    for (const f of ended) {
      const g = pop.guardianships.get(f.children[0]?.pin as string)?.[0];
      expect(g?.until).toBeDefined();
      expect((g?.until ?? '') > (g?.since ?? '')).toBe(true);
      expect(g?.guardianPin).not.toBe(f.applicantPin);
    }

    const military = pop.families.filter((f) => f.kind === 'military');
    expect(military.length).toBeGreaterThanOrEqual(3);
    for (const f of military) expect(pop.persons.get(f.fatherPin as string)?.military).toBeDefined();

    const kairylman = pop.families.filter((f) => f.kind === 'kairylman');
    expect(kairylman.length).toBeGreaterThanOrEqual(3);
    for (const f of kairylman) expect(pop.persons.get(f.motherPin as string)?.kairylman).toBeDefined();
    const nonKg = [...pop.persons.values()].filter((p) => p.citizenship !== 'KGZ');
    expect(nonKg.length).toBeGreaterThan(0);
    expect(nonKg.every((p) => p.kairylman !== undefined || pop.children.has(p.pin))).toBe(true);

    const single = pop.families.filter((f) => f.kind === 'single_mother');
    expect(single.length).toBeGreaterThan(50);
    for (const f of single) {
      expect(f.fatherPin).toBeUndefined();
      expect(pop.birthRecords.get(f.children[0]?.pin as string)?.fatherPin).toBeUndefined();
    }
    // nobody else has a military or kairylman status
    const flagged = [...pop.persons.values()].filter((p) => p.military || p.kairylman);
    expect(
      flagged.every((p) => ['military', 'kairylman'].includes(pop.families[p.familyId]?.kind as string)),
    ).toBe(true);
  });

  it('has children without a birth record and certificates a parent types differently', () => {
    const noRecord = [...pop.children.values()].filter((c) => c.case === 'no_birth_record');
    expect(noRecord.length).toBeGreaterThanOrEqual(3);
    for (const c of noRecord) {
      expect(pop.persons.has(c.pin)).toBe(true);
      expect(pop.birthRecords.has(c.pin)).toBe(false);
    }

    const mismatch = [...pop.children.values()].filter((c) => c.case === 'mismatch');
    expect(mismatch.length).toBeGreaterThanOrEqual(3);
    for (const c of mismatch) {
      const real = pop.birthRecords.get(c.pin)?.certificate;
      expect(c.typed?.matchesRegistry).toBe(false);
      expect(
        sameSeries(c.typed?.series as string, real?.series as string) &&
          sameCertificateNumber(c.typed?.number as string, real?.number as string),
      ).toBe(false);
    }

    const alike = [...pop.children.values()].filter((c) => c.case === 'look_alike');
    expect(alike.length).toBeGreaterThanOrEqual(3);
    for (const c of alike) {
      const real = pop.birthRecords.get(c.pin)?.certificate;
      expect(c.typed?.series).not.toBe(real?.series);
      expect(sameSeries(c.typed?.series as string, real?.series as string)).toBe(true);
      expect(sameCertificateNumber(c.typed?.number as string, real?.number as string)).toBe(true);
    }
    expect(alike.some((c) => /[a-z]/.test(c.typed?.series ?? ''))).toBe(true);
  });

  it('compares certificates as a parent types them: case, spaces, hyphens, Latin/Cyrillic look-alikes', () => {
    expect(sameSeries('i-ah', 'I-АН')).toBe(true);
    expect(sameSeries('I АЖ', 'I-АЖ')).toBe(true);
    expect(sameSeries('І–аж', 'I-АЖ')).toBe(true); // Cyrillic І, en dash
    expect(sameSeries('kg', 'KG')).toBe(true);
    expect(sameSeries('КG', 'KG')).toBe(true); // Cyrillic К
    expect(normalizeSeries('ii-oш')).toBe('IIОШ');
    expect(sameSeries('II-АН', 'I-АН')).toBe(false);
    expect(sameSeries('I-АЖ', 'I-АН')).toBe(false);
    expect(sameCertificateNumber('№ 103 3181', '1033181')).toBe(true);
    expect(sameCertificateNumber('N1033181', '1033181')).toBe(true);
    expect(sameCertificateNumber('1033181', '1033182')).toBe(false);
    expect(sameCertificateNumber('01033181', '1033181')).toBe(false);
  });

  it('generates the default size over the demo world (its time is a figure, not a test: bench/)', () => {
    const full = generateDemoWorld();
    const started = performance.now();
    const p = generatePopulation(full);
    const ms = performance.now() - started;
    expect(p.stats.families).toBe(DEFAULT_FAMILIES);
    expect(p.stats.childrenInWindow).toBeGreaterThan(30_000);
    expect(p.stats.districts).toBe(homeDistricts(full).size);
    console.info(`default population: ${JSON.stringify({ ...p.stats, measuredMs: Math.round(ms) })}`);
  }, 120_000);
});

describe('demo-population CSV (contract: kattoo demo-population)', () => {
  it('prints exactly the contract columns and one row per eligible child', () => {
    const csv = demoPopulationCsv(pop, world, { limit: 1_000_000 });
    const [header, ...rows] = csv.trimEnd().split('\n');
    expect(header).toBe(
      'parent_pin,child_pin,birth_certificate_series,birth_certificate_number,child_birth_date,child_sex,district_id,catchment_school_id,catchment_school_code',
    );
    expect(csv.endsWith('\n')).toBe(true);
    const eligible = [...pop.children.values()].filter(
      (c) => c.inWindow && c.hasBirthRecord && c.case !== 'mismatch',
    );
    expect(rows).toHaveLength(eligible.length);
    const schools = new Map(world.schools.map((s) => [s.code, s]));
    const seen = new Set<string>();
    for (const line of rows) {
      const cells = (line as string).split(',');
      expect(cells).toHaveLength(DEMO_POPULATION_COLUMNS.length);
      const [parent, child, series, number, birthDate, sex, district, schoolId, schoolCode] =
        cells as string[];
      expect(seen.has(child as string)).toBe(false);
      seen.add(child as string);
      const record = pop.birthRecords.get(child as string);
      expect(record).toBeDefined();
      expect(record?.certificate).toMatchObject({ series, number });
      expect(record?.birthDate).toBe(birthDate);
      expect((birthDate ?? '') >= '2019-01-01' && (birthDate ?? '') <= '2020-12-31').toBe(true);
      expect(record?.sex).toBe(sex);
      expect(pop.children.get(child as string)?.case).not.toBe('mismatch');
      // the parent column can apply: a parent in the birth record or a current guardian
      const guardian = pop.guardianships
        .get(child as string)
        ?.some((g) => g.guardianPin === parent && !g.until);
      expect(parent === record?.motherPin || parent === record?.fatherPin || guardian).toBe(true);
      expect(isValidPin(parent as string)).toBe(true);
      expect(schools.get(schoolCode as string)?.districtId).toBe(district);
      expect(schoolId).toBe(schoolCode);
    }
  });

  it('keeps a deterministic order, so --limit N is a prefix; rows spread over districts; ids may be mapped', () => {
    const all = [...demoPopulationRows(demoPop, demoWorld)];
    const ten = demoPopulationCsv(demoPop, demoWorld, { limit: 10 }).trimEnd().split('\n');
    expect(ten).toHaveLength(11);
    const fifty = demoPopulationCsv(demoPop, demoWorld, { limit: 50 }).trimEnd().split('\n');
    expect(fifty.slice(0, 11)).toEqual(ten);
    expect(demoPopulationCsv(demoPop, demoWorld, { limit: 50 })).toBe(
      demoPopulationCsv(generatePopulation(demoWorld, { seed: 9, families: 4_000 }), demoWorld, {
        limit: 50,
      }),
    );
    expect(new Set(all.slice(0, 300).map((r) => r.district_id)).size).toBeGreaterThan(20);
    expect(demoPopulationCsv(demoPop, demoWorld, { limit: 0 })).toBe(
      `${DEMO_POPULATION_COLUMNS.join(',')}\n`,
    );

    const ids = new Map(demoWorld.schools.map((s, i) => [s.code, i + 1]));
    const mapped = [
      ...demoPopulationRows(demoPop, demoWorld, { limit: 20, schoolId: (code) => ids.get(code) }),
    ];
    for (const r of mapped) expect(r.catchment_school_id).toBe(String(ids.get(r.catchment_school_code)));
  });
});
