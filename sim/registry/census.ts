// The registry simulator's census (core/registry/census.ts) over its synthetic population: every
// child of a family lives at the family's registered address, whose district is known. Indexed by
// district on first use.
import type { CensusChild, CensusQuery, RegistryCensus } from '../../core/registry/census.ts';
import type { Population } from './population.ts';

export function populationCensus(population: Population): RegistryCensus {
  let byDistrict: Map<string, CensusChild[]> | null = null;
  const index = (): Map<string, CensusChild[]> => {
    if (byDistrict) return byDistrict;
    const out = new Map<string, CensusChild[]>();
    for (const child of population.children.values()) {
      const p = population.persons.get(child.pin);
      if (!p) continue;
      const c: CensusChild = {
        pin: p.pin,
        surname: p.surname,
        name: p.name,
        sex: p.sex,
        birthDate: p.birthDate,
        districtId: p.address.districtId,
        address: {
          settlement: p.address.settlement,
          street: p.address.street,
          house: p.address.house,
          ...(p.address.apartment ? { apartment: p.address.apartment } : {}),
        },
      };
      if (p.patronymic) c.patronymic = p.patronymic;
      const list = out.get(c.districtId);
      if (list) list.push(c);
      else out.set(c.districtId, [c]);
    }
    for (const list of out.values()) list.sort((a, b) => a.pin.localeCompare(b.pin));
    byDistrict = out;
    return out;
  };
  return {
    async childrenInDistrict(q: CensusQuery): Promise<CensusChild[]> {
      return (index().get(q.districtId) ?? []).filter(
        (c) => c.birthDate >= q.birthFrom && c.birthDate <= q.birthTo,
      );
    },
  };
}

/** A census over a fixed list (tests). */
export function listCensus(children: CensusChild[]): RegistryCensus {
  return {
    async childrenInDistrict(q: CensusQuery): Promise<CensusChild[]> {
      return children
        .filter(
          (c) => c.districtId === q.districtId && c.birthDate >= q.birthFrom && c.birthDate <= q.birthTo,
        )
        .sort((a, b) => a.pin.localeCompare(b.pin));
    },
  };
}
