// Who may apply where, as pure rules (K-CAMP-1/2, R-13.1, R-15.1, R-15.3, R-16.5).

export type Address = { settlement: string; street: string; house: string };
export type CatchmentRule = { settlement: string; street: string; houseFrom: number; houseTo: number };

/** "12", "12а", "12/3" → 12; null when the house has no number. */
export function houseNumber(house: string): number | null {
  const m = /^\s*(\d{1,5})/.exec(house);
  return m ? Number(m[1]) : null;
}

const norm = (s: string) => s.trim().toLocaleLowerCase('ru').replace(/\s+/g, ' ').replace(/ё/g, 'е');

export function inCatchment(address: Address, rules: CatchmentRule[]): boolean {
  const n = houseNumber(address.house);
  if (n === null) return false;
  return rules.some(
    (r) =>
      norm(r.settlement) === norm(address.settlement) &&
      norm(r.street) === norm(address.street) &&
      n >= r.houseFrom &&
      n <= r.houseTo,
  );
}

/** Birth date (YYYY-MM-DD) against the campaign window: too young, too old (Commission route) or ok. */
export function birthWindow(birthDate: string, from: string, to: string): 'ok' | 'too_young' | 'too_old' {
  if (birthDate < from) return 'too_old';
  if (birthDate > to) return 'too_young';
  return 'ok';
}

export type SchoolFacts = { participates: boolean; special: boolean; languages: string[] };

export type StageRule = 'catchment' | 'actual_residence' | 'free_seats';

export type PlaceRefusal =
  | 'school_special' // outside the AIS
  | 'school_not_participating'
  | 'language_not_taught'
  | 'not_in_catchment' // stage I: the registered address is not in this school's catchment
  | 'actual_address_needed' // stage II: declare where the child actually lives
  | 'actual_not_in_catchment'; // stage II: the declared address is not in this school's catchment

/** Whether a child may ask for a seat at this school in this stage; null when allowed. */
export function placeRefusal(input: {
  stage: StageRule;
  school: SchoolFacts;
  language: string;
  registeredInCatchment: boolean;
  actualAddress: Address | null;
  actualInCatchment: boolean;
}): PlaceRefusal | null {
  if (input.school.special) return 'school_special';
  if (!input.school.participates) return 'school_not_participating';
  if (!input.school.languages.includes(input.language)) return 'language_not_taught';
  if (input.stage === 'catchment' && !input.registeredInCatchment) return 'not_in_catchment';
  if (input.stage === 'actual_residence') {
    if (input.registeredInCatchment) return null;
    if (!input.actualAddress) return 'actual_address_needed';
    if (!input.actualInCatchment) return 'actual_not_in_catchment';
  }
  return null;
}

/** Staff tenure priority: at least one year at this school as of 15 September of the campaign year (R-15.2c). */
export function staffTenureQualifies(
  employedSince: string,
  employedUntil: string | null,
  campaignYear: number,
): boolean {
  const ref = `${campaignYear}-09-15`;
  const oneYearBefore = `${campaignYear - 1}-09-15`;
  return employedSince <= oneYearBefore && (employedUntil === null || employedUntil >= ref);
}
