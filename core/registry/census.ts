// The registry's census for coverage (K-OVER-2, R-5.1, R-16.2): the children of the eligible birth
// years whose registered address lies in a district. In production this is a Tunduk population-
// register service (its code not public, like the others: configuration, see core/registry/config.ts);
// in demo and tests the registry simulator's synthetic population answers (sim/registry/census.ts).
import type { Sex } from './types.ts';

/** A child as the census lists it: enough to find the family and the nearest schools. */
export type CensusChild = {
  pin: string;
  surname: string;
  name: string;
  patronymic?: string;
  sex: Sex;
  /** YYYY-MM-DD */
  birthDate: string;
  /** the district-level territory of the registered address */
  districtId: string;
  /** the registered address (settlement, street, house as written) */
  address: { settlement: string; street: string; house: string; apartment?: string };
};

export type CensusQuery = {
  districtId: string;
  /** born on or after (YYYY-MM-DD) */
  birthFrom: string;
  /** born on or before (YYYY-MM-DD) */
  birthTo: string;
  /** who asks (the officer's staff link, e.g. `staff:12`), for the registry's access journal */
  requestedBy: string;
  signal?: AbortSignal;
};

export interface RegistryCensus {
  /** Children born in [birthFrom, birthTo] registered in the district, in a stable order (by PIN). */
  childrenInDistrict(query: CensusQuery): Promise<CensusChild[]>;
}
