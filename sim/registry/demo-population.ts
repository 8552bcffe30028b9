// `kattoo demo-population` (../shared/spec/contract.md): one CSV row per eligible child of the
// synthetic registry, so testers and benchmarks can act as real families. Eligible: born within the
// campaign's window, with a birth record, whose certificate the parent types as the registry has it;
// the parent column is a person who may apply (a parent in the birth record or the current registered
// guardian). Order: the population's family order (already spread over the country), then the
// children of a family in birth order — deterministic for a seed, so `--limit N` is a stable prefix.
//
// catchment_school_id: the simulator does not know database ids, so by default it is the school's
// code (the stable natural key, unique in the `school` table); a caller that knows the ids passes
// `schoolId` to print those instead.
import type { ReferenceWorld } from '../../core/domain/reference.ts';
import type { Family, Population, SimChild } from './population.ts';

export const DEMO_POPULATION_COLUMNS = [
  'parent_pin',
  'child_pin',
  'birth_certificate_series',
  'birth_certificate_number',
  'child_birth_date',
  'child_sex',
  'district_id',
  'catchment_school_id',
  'catchment_school_code',
] as const;

export type DemoPopulationRow = Record<(typeof DEMO_POPULATION_COLUMNS)[number], string>;

/** Whether a child belongs in demo-population: eligible, verifiable, data as the parent types it. */
export function isDemoEligible(child: SimChild, population: Population): boolean {
  return (
    child.inWindow &&
    child.hasBirthRecord &&
    population.birthRecords.has(child.pin) &&
    (child.typed === undefined || child.typed.matchesRegistry)
  );
}

export function* demoPopulationRows(
  population: Population,
  world: ReferenceWorld,
  opts: { limit?: number; schoolId?: (schoolCode: string) => string | number | undefined } = {},
): Generator<DemoPopulationRow> {
  const schools = new Set(world.schools.map((s) => s.code));
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  let count = 0;
  for (const family of population.families) {
    if (!schools.has(family.address.schoolCode)) continue;
    for (const child of family.children) {
      if (count >= limit) return;
      if (!isDemoEligible(child, population)) continue;
      const record = population.birthRecords.get(child.pin);
      if (!record) continue;
      count++;
      yield row(family, child, record.certificate, opts.schoolId);
    }
  }
}

function row(
  family: Family,
  child: SimChild,
  certificate: { series: string; number: string },
  schoolId?: (code: string) => string | number | undefined,
): DemoPopulationRow {
  const code = family.address.schoolCode;
  return {
    parent_pin: family.applicantPin,
    child_pin: child.pin,
    birth_certificate_series: certificate.series,
    birth_certificate_number: certificate.number,
    child_birth_date: child.birthDate,
    child_sex: child.sex,
    district_id: family.address.districtId,
    catchment_school_id: String(schoolId?.(code) ?? code),
    catchment_school_code: code,
  };
}

const cell = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/** The CSV text: header line and one line per eligible child, `\n`-terminated. */
export function demoPopulationCsv(
  population: Population,
  world: ReferenceWorld,
  opts: { limit: number; schoolId?: (schoolCode: string) => string | number | undefined },
): string {
  const lines = [DEMO_POPULATION_COLUMNS.join(',')];
  for (const r of demoPopulationRows(population, world, opts))
    lines.push(DEMO_POPULATION_COLUMNS.map((c) => cell(r[c])).join(','));
  return `${lines.join('\n')}\n`;
}
