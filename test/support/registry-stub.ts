// A Registry for service tests that need exact, hand-made facts (the registry simulator over real
// HTTP is used by the contract and bot tests). Implements core/registry/tunduk.ts's interface.
import { parsePin } from '../../core/domain/pin.ts';
import { RegistryUnavailableError } from '../../core/registry/errors.ts';
import type { Registry } from '../../core/registry/tunduk.ts';
import type { BirthRecord, RegisteredAddress } from '../../core/registry/types.ts';

export type StubChild = {
  pin: string;
  series: string;
  number: string;
  parents: string[];
  birthDate?: string;
  address?: Omit<RegisteredAddress, 'registeredSince'>;
};

export function registryStub(
  children: StubChild[],
  opts: { military?: string[]; down?: () => boolean } = {},
): Registry {
  const byPin = new Map(children.map((c) => [c.pin, c]));
  const guard = () => {
    if (opts.down?.()) throw new RegistryUnavailableError({ service: 'test' }, { reason: 'network' });
  };
  const record = (c: StubChild): BirthRecord => {
    const p = parsePin(c.pin);
    return {
      childPin: c.pin,
      certificate: { series: c.series, number: c.number, issuedBy: 'ЗАГС', issuedOn: '2020-01-10' },
      motherPin: c.parents[0],
      fatherPin: c.parents[1],
      birthDate: c.birthDate ?? (p.ok ? p.birthDate : '2019-06-01'),
      sex: p.ok && p.sex === 'F' ? 'F' : 'M',
      surname: 'Асанов',
      name: 'Бала',
    };
  };
  return {
    async personByPin() {
      guard();
      return null;
    },
    async birthRecord(pin) {
      guard();
      const c = byPin.get(pin);
      return c ? record(c) : null;
    },
    async childrenOf(parentPin) {
      guard();
      return children.filter((c) => c.parents.includes(parentPin)).map((c) => c.pin);
    },
    async guardianship() {
      guard();
      return [];
    },
    async passportByPin() {
      guard();
      return null;
    },
    async registeredAddress(pin) {
      guard();
      const c = byPin.get(pin);
      return c?.address ? { ...c.address, registeredSince: '2019-01-01' } : null;
    },
    async militaryStatus(pin) {
      guard();
      return { serving: opts.military?.includes(pin) ?? false };
    },
    async kairylmanStatus() {
      guard();
      return { kairylman: false };
    },
    async verifyChild(input) {
      guard();
      const c = byPin.get(input.childPin);
      if (!c) return { status: 'not_found' };
      const fields: ('series' | 'number')[] = [];
      if (c.series.toUpperCase() !== input.certificateSeries.trim().toUpperCase()) fields.push('series');
      if (c.number !== input.certificateNumber.trim()) fields.push('number');
      const idx = c.parents.indexOf(input.onBehalfOf);
      const relation = idx === 0 ? 'mother' : idx === 1 ? 'father' : null;
      if (fields.length) return { status: 'mismatch', fields, relation };
      return { status: 'ok', record: record(c), relation };
    },
  };
}

/** A valid child PIN: sex digit, DDMMYYYY, 5-digit sequence. */
export function childPin(n: number, birth = '15062019'): string {
  return `2${birth}${String(n).padStart(5, '0')}`;
}
export function parentPin(n: number): string {
  return `1${'01011990'}${String(n).padStart(5, '0')}`;
}
