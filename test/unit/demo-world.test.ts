import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bishkekTime } from '../../core/clock.ts';
import type { ReferenceWorld, SchoolInput } from '../../core/domain/reference.ts';
import { demandWeight, generateDemoWorld } from '../../prisma/demo/world.ts';
import { TERRITORIES } from '../../prisma/reference/territories.ts';

const hash = (w: ReferenceWorld) => createHash('sha256').update(JSON.stringify(w)).digest('hex');
const world = generateDemoWorld();
const bishkekCodes = new Set(
  world.schools.filter((s) => s.districtId.startsWith('KG-GB-')).map((s) => s.code),
);
const seatsOf = (pred: (code: string) => boolean) =>
  world.quotas.filter((q) => pred(q.schoolCode)).reduce((sum, q) => sum + q.seats, 0);

describe('demo world generator', () => {
  it('is deterministic: the same seed gives the same world byte for byte, another seed another world', () => {
    expect(hash(generateDemoWorld())).toBe(hash(world));
    expect(hash(generateDemoWorld({ seed: 7 }))).toBe(hash(generateDemoWorld({ seed: 7 })));
    expect(hash(generateDemoWorld({ seed: 8 }))).not.toBe(hash(generateDemoWorld({ seed: 7 })));
  });

  it('has about as many schools as the country, every district having some', () => {
    expect(world.schools.length).toBeGreaterThanOrEqual(2300);
    expect(world.schools.length).toBeLessThanOrEqual(2500);
    const districts = world.territories.filter((t) => t.kind === 'district' || t.kind === 'city_district');
    for (const d of districts) {
      expect(world.schools.filter((s) => s.districtId === d.id).length, d.id).toBeGreaterThan(0);
    }
    // schools hang from district-level territories only
    const ids = new Set(districts.map((d) => d.id));
    expect(world.schools.every((s) => ids.has(s.districtId))).toBe(true);
  });

  it('spreads schools roughly like the population (Bishkek ~100, Osh oblast ~500, Chüy ~350)', () => {
    const inTop = (prefix: string) =>
      world.schools.filter((s) => s.districtId.startsWith(`${prefix}-`)).length;
    expect(inTop('KG-GB')).toBeGreaterThanOrEqual(90);
    expect(inTop('KG-GB')).toBeLessThanOrEqual(130);
    expect(inTop('KG-O')).toBeGreaterThanOrEqual(450);
    expect(inTop('KG-O')).toBeLessThanOrEqual(560);
    expect(inTop('KG-C')).toBeGreaterThanOrEqual(300);
    expect(inTop('KG-C')).toBeLessThanOrEqual(400);
    expect(inTop('KG-J')).toBeGreaterThanOrEqual(430);
    expect(inTop('KG-N')).toBeLessThan(inTop('KG-J') / 2);
  });

  it('offers ~190,000 first-grade seats, Bishkek ~21,000 in big schools', () => {
    const total = seatsOf(() => true);
    expect(total).toBeGreaterThanOrEqual(180_000);
    expect(total).toBeLessThanOrEqual(200_000);
    const bishkek = seatsOf((c) => bishkekCodes.has(c));
    expect(bishkek).toBeGreaterThanOrEqual(19_000);
    expect(bishkek).toBeLessThanOrEqual(23_000);
    const perBishkekSchool = bishkek / world.quotas.filter((q) => bishkekCodes.has(q.schoolCode)).length;
    const perSchoolElsewhere =
      seatsOf((c) => !bishkekCodes.has(c)) /
      world.quotas.filter((q) => !bishkekCodes.has(q.schoolCode)).length;
    expect(perBishkekSchool).toBeGreaterThan(2 * perSchoolElsewhere);
  });

  it('scales seats with the number of schools', () => {
    const small = generateDemoWorld({ schoolCount: 240 });
    expect(small.schools.length).toBe(240);
    const seats = small.quotas.reduce((sum, q) => sum + q.seats, 0);
    expect(seats).toBeGreaterThan(15_000);
    expect(seats).toBeLessThan(23_000);
  });

  it('teaches mostly in Kyrgyz, ~700 schools in several languages (most Kyrgyz + Russian), Uzbek in the south', () => {
    const multi = world.schools.filter((s) => s.languages.length > 1);
    expect(multi.length).toBeGreaterThanOrEqual(620);
    expect(multi.length).toBeLessThanOrEqual(780);
    const kyRu = multi.filter((s) => s.languages.includes('ky') && s.languages.includes('ru'));
    expect(kyRu.length).toBeGreaterThan(multi.length / 2);
    const teaching = (l: string) => world.schools.filter((s) => s.languages.includes(l as never));
    expect(teaching('ky').length).toBeGreaterThan(world.schools.length * 0.75);
    const uz = teaching('uz');
    expect(uz.length).toBeGreaterThan(100);
    expect(uz.every((s) => /^KG-(O|J|B|GO)-/.test(s.districtId))).toBe(true);
    const tg = teaching('tg');
    expect(tg.length).toBeGreaterThan(0);
    expect(tg.every((s) => s.districtId.startsWith('KG-B-'))).toBe(true);
    const en = teaching('en');
    expect(en.length).toBeGreaterThan(0);
    expect(en.every((s) => s.districtId.startsWith('KG-GB-') && s.ownership === 'private')).toBe(true);
    // Russian is strong in Bishkek: more than a third of its seats
    const bishkekRu = world.quotas
      .filter((q) => bishkekCodes.has(q.schoolCode) && q.language === 'ru')
      .reduce((sum, q) => sum + q.seats, 0);
    expect(bishkekRu / seatsOf((c) => bishkekCodes.has(c))).toBeGreaterThan(0.35);
    for (const s of world.schools) expect(new Set(s.languages).size, s.code).toBe(s.languages.length);
  });

  it('has ~5% private schools (some outside online registration) and ~1% special schools without quotas', () => {
    const n = world.schools.length;
    const priv = world.schools.filter((s) => s.ownership === 'private');
    expect(priv.length / n).toBeGreaterThan(0.03);
    expect(priv.length / n).toBeLessThan(0.08);
    expect(priv.some((s) => !s.participates)).toBe(true);
    expect(priv.some((s) => s.participates)).toBe(true);
    const special = world.schools.filter((s) => s.special);
    expect(special.length / n).toBeGreaterThan(0.004);
    expect(special.length / n).toBeLessThan(0.02);
    const withQuota = new Set(world.quotas.map((q) => q.schoolCode));
    const withCatchment = new Set(world.catchments.map((c) => c.schoolCode));
    for (const s of world.schools) {
      const online = s.participates && !s.special;
      expect(withQuota.has(s.code), s.code).toBe(online);
      expect(withCatchment.has(s.code), s.code).toBe(online);
    }
  });

  it('gives quotas only in languages the school teaches, approved, with legal class sizes', () => {
    const byCode = new Map(world.schools.map((s) => [s.code, s]));
    const keys = new Set<string>();
    for (const q of world.quotas) {
      const school = byCode.get(q.schoolCode);
      expect(school, q.schoolCode).toBeDefined();
      expect(school?.languages).toContain(q.language);
      expect(q.campaignId).toBe('2026-27');
      expect(q.approved).toBe(true);
      expect(q.seats).toBeGreaterThan(0);
      expect([25, 30]).toContain(q.classSize);
      const key = `${q.schoolCode}/${q.language}`;
      expect(keys.has(key), key).toBe(false);
      keys.add(key);
    }
    expect(world.quotas.filter((q) => q.classSize === 30).length).toBeGreaterThan(0);
  });

  it('gives every participating school 2–8 catchment rules that never overlap within a street', () => {
    const perSchool = new Map<string, number>();
    const ranges = new Map<string, [number, number][]>();
    for (const c of world.catchments) {
      perSchool.set(c.schoolCode, (perSchool.get(c.schoolCode) ?? 0) + 1);
      expect(c.houseFrom).toBeGreaterThanOrEqual(1);
      expect(c.houseFrom).toBeLessThanOrEqual(c.houseTo);
      expect(c.street.trim()).toBe(c.street);
      expect(c.street.length).toBeGreaterThan(0);
      const key = `${c.settlement}|${c.street}`;
      const list = ranges.get(key) ?? [];
      list.push([c.houseFrom, c.houseTo]);
      ranges.set(key, list);
    }
    for (const n of perSchool.values()) {
      expect(n).toBeGreaterThanOrEqual(2);
      expect(n).toBeLessThanOrEqual(8);
    }
    for (const [key, list] of ranges) {
      list.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < list.length; i++) {
        expect((list[i] as [number, number])[0], key).toBeGreaterThan((list[i - 1] as [number, number])[1]);
      }
    }
    expect(world.catchments.length).toBeGreaterThan(8000);
    // a catchment lies in the school's own settlement
    const byCode = new Map(world.schools.map((s) => [s.code, s]));
    expect(world.catchments.every((c) => byCode.get(c.schoolCode)?.settlement === c.settlement)).toBe(true);
  });

  it('uses unique short codes that fit a Telegram deep link', () => {
    const codes = world.schools.map((s) => s.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) {
      expect(code).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(`school_${code}`.length).toBeLessThanOrEqual(50);
    }
  });

  it('names schools and addresses in three languages and places them inside Kyrgyzstan', () => {
    const centre = new Map<string, [number, number]>();
    for (const s of world.schools) {
      for (const text of [
        s.name.ky,
        s.name.ru,
        s.name.en,
        s.address.ky,
        s.address.ru,
        s.address.en,
        s.settlement,
      ]) {
        expect(text.trim().length, s.code).toBeGreaterThan(0);
      }
      expect(s.name.en).toMatch(/^[\x20-\x7EÖöÜü«»]+$/);
      expect(s.latitude).toBeGreaterThan(39.1);
      expect(s.latitude).toBeLessThan(43.3);
      expect(s.longitude).toBeGreaterThan(69.2);
      expect(s.longitude).toBeLessThan(80.3);
      if (!centre.has(s.districtId)) centre.set(s.districtId, [s.latitude ?? 0, s.longitude ?? 0]);
    }
    // a district's schools are near each other (within ~100 km)
    for (const s of world.schools) {
      const [lat, lon] = centre.get(s.districtId) ?? [0, 0];
      expect(Math.abs((s.latitude ?? 0) - lat), s.code).toBeLessThan(1);
      expect(Math.abs((s.longitude ?? 0) - lon), s.code).toBeLessThan(1.2);
    }
    const names = world.schools.map((s) => s.name.ky);
    expect(names.some((n) => /^№ \d+ орто мектеп$/.test(n))).toBe(true);
    expect(names.some((n) => n.includes('атындагы орто мектеп'))).toBe(true);
    expect(names.some((n) => n.includes('гимназия'))).toBe(true);
    expect(world.schools.some((s) => s.name.ru.startsWith('Средняя школа имени '))).toBe(true);
    // names are unique within a district
    const seen = new Set<string>();
    for (const s of world.schools) {
      const key = `${s.districtId}|${s.name.ky}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
  });

  it('carries the 2026-27 campaign with its stages in Bishkek time, the free seats after the release last', () => {
    const c = world.campaign;
    expect(c).toMatchObject({
      id: '2026-27',
      academicYear: '2026/27',
      birthFrom: '2019-01-01',
      birthTo: '2020-12-31',
      cancellationLimit: 3,
      active: true,
    });
    expect(c.documentsDeadline.toISOString()).toBe('2026-09-15T12:00:00.000Z');
    expect(c.stages.map((s) => [s.ordinal, s.kind, s.mode])).toEqual([
      [1, 'catchment', 'queue'],
      [2, 'actual_residence', 'queue'],
      [3, 'free_seats', 'queue'],
      [4, 'documents', 'queue'],
      [5, 'free_seats', 'queue'],
    ]);
    expect(c.stages[0]?.opensAt).toEqual(bishkekTime('2026-04-01', '10:00'));
    expect(c.stages[0]?.opensAt.toISOString()).toBe('2026-04-01T04:00:00.000Z');
    expect(c.stages[3]?.closesAt).toEqual(bishkekTime('2026-09-15', '18:00'));
    for (const s of c.stages) expect(s.opensAt.getTime()).toBeLessThan(s.closesAt.getTime());
  });
});

describe('territory tree', () => {
  const byId = new Map(TERRITORIES.map((t) => [t.id, t]));

  it('has 7 oblasts and 2 cities of republican significance at the top', () => {
    const top = TERRITORIES.filter((t) => t.parentId === null);
    expect(
      top
        .filter((t) => t.kind === 'region')
        .map((t) => t.id)
        .sort(),
    ).toEqual(['KG-B', 'KG-C', 'KG-J', 'KG-N', 'KG-O', 'KG-T', 'KG-Y']);
    expect(
      top
        .filter((t) => t.kind === 'city')
        .map((t) => t.id)
        .sort(),
    ).toEqual(['KG-GB', 'KG-GO']);
    expect(top).toHaveLength(9);
  });

  it('has the 40 rayons under oblasts and Bishkek’s 4 city districts under Bishkek', () => {
    const rayons = TERRITORIES.filter((t) => t.kind === 'district');
    expect(rayons).toHaveLength(40);
    for (const r of rayons) expect(byId.get(r.parentId ?? '')?.kind, r.id).toBe('region');
    const bishkek = TERRITORIES.filter((t) => t.parentId === 'KG-GB');
    expect(bishkek.map((t) => t.name.ru).sort()).toEqual([
      'Ленинский район',
      'Октябрьский район',
      'Первомайский район',
      'Свердловский район',
    ]);
    for (const t of TERRITORIES.filter((x) => x.kind === 'city_district')) {
      expect(byId.get(t.parentId ?? '')?.kind, t.id).toBe('city');
    }
    const perOblast = (id: string) => rayons.filter((r) => r.parentId === id).length;
    expect([perOblast('KG-B'), perOblast('KG-C'), perOblast('KG-J'), perOblast('KG-N')]).toEqual([
      3, 8, 8, 5,
    ]);
    expect([perOblast('KG-O'), perOblast('KG-T'), perOblast('KG-Y')]).toEqual([7, 4, 5]);
  });

  it('lists parents before children, with unique ids and names in three languages', () => {
    const seen = new Set<string>();
    for (const t of TERRITORIES) {
      if (t.parentId) expect(seen.has(t.parentId), t.id).toBe(true);
      expect(seen.has(t.id)).toBe(false);
      seen.add(t.id);
      expect(t.id).toMatch(/^KG-[A-Z]{1,2}(-[A-Z]{3})?$/);
      for (const n of [t.name.ky, t.name.ru, t.name.en]) expect(n.trim().length).toBeGreaterThan(0);
      expect(t.name.en).toMatch(/^[A-Za-z\- ÖöÜü]+$/);
    }
  });

  it('writes Kyrgyz names in Kyrgyz: облусу / району / шаары and the letters ң ө ү', () => {
    for (const t of TERRITORIES) {
      const suffix = { region: ' облусу', city: ' шаары', district: ' району', city_district: '' }[t.kind];
      expect(t.name.ky.endsWith(suffix), t.name.ky).toBe(true);
      expect(t.name.ru, t.id).not.toMatch(/[ңөүҢӨҮ]/);
    }
    const ky = (id: string) => byId.get(id)?.name.ky;
    expect(ky('KG-Y')).toBe('Ысык-Көл облусу');
    expect(ky('KG-C')).toBe('Чүй облусу');
    expect(ky('KG-J')).toBe('Жалал-Абад облусу');
    expect(ky('KG-GB')).toBe('Бишкек шаары');
    expect(ky('KG-C-ALM')).toBe('Аламүдүн району');
    expect(ky('KG-C-YSA')).toBe('Ысык-Ата району');
    expect(ky('KG-O-OZG')).toBe('Өзгөн району');
    expect(ky('KG-O-CHA')).toBe('Чоң-Алай району');
    expect(ky('KG-Y-TUP')).toBe('Түп району');
    expect(byId.get('KG-C-ALM')?.name.en).toBe('Alamüdün District');
  });
});

describe('demandWeight', () => {
  const byCode = new Map(world.schools.map((s) => [s.code, s]));
  const mean = (list: SchoolInput[]) => list.reduce((sum, s) => sum + demandWeight(s), 0) / list.length;

  it('is a pure function of the school: 0 outside online registration, more for big-city schools', () => {
    for (const s of world.schools.slice(0, 50)) expect(demandWeight({ ...s })).toBe(demandWeight(s));
    for (const s of world.schools.filter((x) => x.special || !x.participates))
      expect(demandWeight(s)).toBe(0);
    const online = world.schools.filter((s) => s.participates && !s.special);
    for (const s of online) expect(demandWeight(s)).toBeGreaterThan(0);
    const bishkek = online.filter((s) => s.districtId.startsWith('KG-GB-'));
    const rural = online.filter((s) => s.address.ky.includes(' айылы,'));
    expect(mean(bishkek)).toBeGreaterThan(2 * mean(rural));
    // some city schools are "far more wanted" than the typical city school
    const weights = bishkek.map(demandWeight).sort((a, b) => a - b);
    const median = weights[Math.floor(weights.length / 2)] ?? 0;
    expect(weights[weights.length - 1] ?? 0).toBeGreaterThan(2 * median);
    expect(byCode.size).toBe(world.schools.length);
  });
});
