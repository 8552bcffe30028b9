// Tunduk adapters (K-REG-2): registry services as domain types. Every call names the person on whose
// behalf Kattoo asks (`onBehalfOf`, sent as X-Road-UserId) and, when there is one, the application
// number (`issue`, X-Road-Issue): Tunduk's citizen-facing access journal is built from them.
// "No such record" is an answer, not an error: the adapters return null for it. Everything else the
// client throws (typed errors in ./errors.ts) passes through.
import { type Clock, systemClock } from '../clock.ts';
import { isValidPin, parsePin } from '../domain/pin.ts';
import { sameCertificateNumber, sameSeries } from './certificate.ts';
import type { RegistryServiceName } from './config.ts';
import type { Deadline } from './deadline.ts';
import { RegistryNotFoundError } from './errors.ts';
import type {
  BirthRecord,
  CertificateField,
  ChildRelation,
  Guardianship,
  KairylmanStatus,
  MilitaryStatus,
  Passport,
  Person,
  RegisteredAddress,
  Sex,
  VerifyChildResult,
} from './types.ts';
import { type WireOf, wireSchemas } from './wire.ts';
import type { XRoadClient } from './xroad-client.ts';

export type OnBehalf = {
  /** the PIN of the person Kattoo acts for (the signed-in parent, or the staff member reading) */
  onBehalfOf: string;
  /** the application number, when there is one */
  issue?: string | undefined;
  signal?: AbortSignal;
  /** interactive look-ups: every call ends by then (./deadline.ts) */
  deadline?: Deadline | undefined;
};

export type VerifyChildInput = OnBehalf & {
  childPin: string;
  certificateSeries: string;
  certificateNumber: string;
};

/** What the rest of Kattoo needs from the registry; tests may stand in their own implementation. */
export interface Registry {
  personByPin(pin: string, on: OnBehalf): Promise<Person | null>;
  birthRecord(childPin: string, on: OnBehalf): Promise<BirthRecord | null>;
  /** null when the registry knows no such person; an empty list when nobody is a guardian */
  guardianship(childPin: string, on: OnBehalf): Promise<Guardianship[] | null>;
  passportByPin(pin: string, on: OnBehalf): Promise<Passport | null>;
  registeredAddress(pin: string, on: OnBehalf): Promise<RegisteredAddress | null>;
  militaryStatus(pin: string, on: OnBehalf): Promise<MilitaryStatus | null>;
  kairylmanStatus(pin: string, on: OnBehalf): Promise<KairylmanStatus | null>;
  /** PINs of the children the registry links to a person (as parent, guardian or trustee); null: no such person */
  childrenOf(parentPin: string, on: OnBehalf): Promise<string[] | null>;
  verifyChild(input: VerifyChildInput): Promise<VerifyChildResult>;
}

const sex = (g: 'FEMALE' | 'MALE'): Sex => (g === 'FEMALE' ? 'F' : 'M');

/** Drops null/undefined members so optional fields are simply absent. */
function compact<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], null> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== null && v !== undefined) out[k] = v;
  return out as { [K in keyof T]: Exclude<T[K], null> };
}

/** Today's date in Bishkek (UTC+6, no daylight saving). */
function bishkekToday(clock: Clock): string {
  return new Date(clock.now().getTime() + 6 * 3_600_000).toISOString().slice(0, 10);
}

export class Tunduk implements Registry {
  readonly #client: XRoadClient;
  readonly #clock: Clock;

  constructor(client: XRoadClient, opts: { clock?: Clock } = {}) {
    this.#client = client;
    this.#clock = opts.clock ?? systemClock;
  }

  async #get<S extends RegistryServiceName>(
    service: S,
    pin: string,
    on: OnBehalf,
  ): Promise<WireOf<S> | null> {
    if (!isValidPin(pin)) throw new TypeError(`${service}: not a PIN`);
    try {
      return (await this.#client.call(service, wireSchemas[service], {
        userId: on.onBehalfOf,
        issue: on.issue,
        params: { pin },
        ...(on.signal ? { signal: on.signal } : {}),
        deadline: on.deadline,
      })) as WireOf<S>;
    } catch (e) {
      if (e instanceof RegistryNotFoundError) return null;
      throw e;
    }
  }

  async personByPin(pin: string, on: OnBehalf): Promise<Person | null> {
    const w = await this.#get('personByPin', pin, on);
    if (!w) return null;
    return compact({
      pin: w.pin,
      surname: w.surname,
      name: w.name,
      patronymic: w.patronymic,
      sex: sex(w.gender),
      birthDate: w.birthDate,
      citizenship: w.citizenship,
    });
  }

  async birthRecord(childPin: string, on: OnBehalf): Promise<BirthRecord | null> {
    const w = await this.#get('birthRecord', childPin, on);
    if (!w) return null;
    return compact({
      childPin: w.childPin,
      certificate: { ...w.certificate },
      motherPin: w.motherPin,
      fatherPin: w.fatherPin,
      birthDate: w.birthDate,
      sex: sex(w.gender),
      surname: w.surname,
      name: w.name,
      patronymic: w.patronymic,
    });
  }

  async childrenOf(parentPin: string, on: OnBehalf): Promise<string[] | null> {
    const w = await this.#get('childrenOf', parentPin, on);
    return w ? w.children.map((c) => c.childPin) : null;
  }

  async guardianship(childPin: string, on: OnBehalf): Promise<Guardianship[] | null> {
    const w = await this.#get('guardianship', childPin, on);
    if (!w) return null;
    return w.guardians.map((g) =>
      compact({
        guardianPin: g.guardianPin,
        kind: g.kind === 'GUARDIAN' ? ('guardian' as const) : ('trustee' as const),
        since: g.since,
        until: g.until,
      }),
    );
  }

  async passportByPin(pin: string, on: OnBehalf): Promise<Passport | null> {
    const w = await this.#get('passportByPin', pin, on);
    if (!w) return null;
    return {
      series: w.series,
      number: w.number,
      issuedBy: w.issuedBy,
      issuedOn: w.issuedOn,
      validUntil: w.validUntil,
    };
  }

  async registeredAddress(pin: string, on: OnBehalf): Promise<RegisteredAddress | null> {
    const w = await this.#get('registeredAddress', pin, on);
    if (!w) return null;
    return compact({
      districtId: w.districtId,
      settlement: w.settlement,
      street: w.street,
      house: w.house,
      apartment: w.apartment,
      registeredSince: w.registeredSince,
    });
  }

  async militaryStatus(pin: string, on: OnBehalf): Promise<MilitaryStatus | null> {
    const w = await this.#get('militaryStatus', pin, on);
    if (!w) return null;
    return compact({ serving: w.serving, unit: w.unit, since: w.since });
  }

  async kairylmanStatus(pin: string, on: OnBehalf): Promise<KairylmanStatus | null> {
    const w = await this.#get('kairylmanStatus', pin, on);
    if (!w) return null;
    return compact({ kairylman: w.kairylman, since: w.since });
  }

  /** Whether `pin` holds a guardianship of the child today. */
  async #isGuardian(childPin: string, pin: string, on: OnBehalf): Promise<boolean> {
    const list = await this.guardianship(childPin, on);
    const today = bishkekToday(this.#clock);
    return (list ?? []).some(
      (g) => g.guardianPin === pin && g.since <= today && (g.until === undefined || g.until >= today),
    );
  }

  /**
   * Checks what a parent typed (the child's PIN, the certificate's series and number) against the
   * registry, and how the person asking relates to the child (K-REG-3, K-REG-4). `relation: null`
   * means neither a parent in the birth record nor a current registered guardian: refuse.
   */
  async verifyChild(input: VerifyChildInput): Promise<VerifyChildResult> {
    const p = parsePin(input.childPin);
    if (!p.ok) return { status: 'invalid_pin', reason: p.reason };
    const on: OnBehalf = { onBehalfOf: input.onBehalfOf, issue: input.issue, deadline: input.deadline };
    if (input.signal) on.signal = input.signal;
    const record = await this.birthRecord(p.pin, on);
    if (!record) {
      const person = await this.personByPin(p.pin, on);
      if (!person) return { status: 'not_found' };
      const guardian = await this.#isGuardian(p.pin, input.onBehalfOf, on);
      return { status: 'no_birth_record', relation: guardian ? 'guardian' : null };
    }
    let relation: ChildRelation | null = null;
    if (record.motherPin === input.onBehalfOf) relation = 'mother';
    else if (record.fatherPin === input.onBehalfOf) relation = 'father';
    else if (await this.#isGuardian(p.pin, input.onBehalfOf, on)) relation = 'guardian';
    const fields: CertificateField[] = [];
    if (!sameSeries(input.certificateSeries, record.certificate.series)) fields.push('series');
    if (!sameCertificateNumber(input.certificateNumber, record.certificate.number)) fields.push('number');
    if (fields.length > 0) return { status: 'mismatch', fields, relation };
    return { status: 'ok', record, relation };
  }
}

/** The registry as Kattoo uses it: the X-Road client behind the Tunduk adapters. */
export function createTunduk(client: XRoadClient, opts: { clock?: Clock } = {}): Tunduk {
  return new Tunduk(client, opts);
}
