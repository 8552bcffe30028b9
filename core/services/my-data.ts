// "My data" (issue 3, item 6; K-REG-3): the person a Telegram account is linked to and the children
// the registry links to them — as mother or father in a birth record, or as a current guardian or
// trustee — read through the Tunduk adapters on the person's own behalf (X-Road-UserId = their PIN).
//
// The registry's list of a person's children is a reverse look-up that the Tunduk adapters
// (core/registry/tunduk.ts) do not offer yet: `childrenOf` below is the signature this service
// expects; until a registry provides it, "My data" shows the person and says the list is not
// available. Every child the list names is confirmed from its own birth record or guardianship
// before it is shown: the list is an index, the records are the truth.
import type { Clock } from '../clock.ts';
import type { Deadline } from '../registry/deadline.ts';
import { RegistryError, RegistryUnavailableError } from '../registry/errors.ts';
import type { OnBehalf, Registry } from '../registry/tunduk.ts';
import type { BirthCertificate, Person, Sex } from '../registry/types.ts';
import type { IdentityService } from './identity.ts';

/** The reverse look-up "children of a person" (civil registry: birth records by parent, guardianships by guardian). */
export interface ChildrenByParent {
  /**
   * PINs of the children the registry links to `parentPin` (as mother, father, guardian or trustee),
   * or null when the registry knows no such person.
   */
  childrenOf(parentPin: string, on: OnBehalf): Promise<string[] | null>;
}

/** What "My data" needs of the registry. */
export type MyDataRegistry = Pick<Registry, 'personByPin' | 'birthRecord' | 'guardianship'> &
  Partial<ChildrenByParent>;

export type ChildRelationView = 'mother' | 'father' | 'guardian' | 'trustee';

export type ChildView = {
  pin: string;
  surname: string;
  name: string;
  patronymic?: string;
  birthDate: string;
  sex: Sex;
  relation: ChildRelationView;
  /** null: the registry has no birth record of the child (e.g. born abroad) */
  certificate: BirthCertificate | null;
};

export type MyData =
  | { status: 'unlinked' }
  | {
      status: 'ok';
      pin: string;
      linkedAt: Date;
      /** null: the population register has no record of this PIN */
      person: Person | null;
      /** null: the registry offers no list of a person's children (see ChildrenByParent) */
      children: ChildView[] | null;
    }
  /** the registry did not answer (down, slow, broken): nothing is lost, ask again later (K-REG-5) */
  | {
      status: 'registry_unavailable';
      pin: string;
      linkedAt: Date;
      /** when the registry's circuit is open: how long until Kattoo asks it again */
      retryAfterMs?: number;
    };

export type MyDataOptions = {
  identity: Pick<IdentityService, 'link'>;
  registry: MyDataRegistry;
  clock: Clock;
  /** the whole look-up gives up after this long (default 8 s), so no chat waits forever */
  timeoutMs?: number;
  /** at most this many children are looked up (default 20) */
  maxChildren?: number;
};

/** Today's date in Bishkek (UTC+6, no daylight saving). */
function bishkekToday(clock: Clock): string {
  return new Date(clock.now().getTime() + 6 * 3_600_000).toISOString().slice(0, 10);
}

function isTimeout(e: unknown): boolean {
  return e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
}

export function myDataService(opts: MyDataOptions) {
  const { identity, registry, clock } = opts;
  const timeoutMs = opts.timeoutMs ?? 8_000;
  const maxChildren = opts.maxChildren ?? 20;

  async function child(
    parentPin: string,
    childPin: string,
    on: OnBehalf,
    today: string,
  ): Promise<ChildView | null> {
    const record = await registry.birthRecord(childPin, on);
    let relation: ChildRelationView | null = null;
    if (record?.motherPin === parentPin) relation = 'mother';
    else if (record?.fatherPin === parentPin) relation = 'father';
    else {
      const guardians = (await registry.guardianship(childPin, on)) ?? [];
      const current = guardians.find(
        (g) => g.guardianPin === parentPin && g.since <= today && (g.until === undefined || g.until >= today),
      );
      if (current) relation = current.kind;
    }
    if (!relation) return null;
    if (record) {
      return {
        pin: record.childPin,
        surname: record.surname,
        name: record.name,
        ...(record.patronymic ? { patronymic: record.patronymic } : {}),
        birthDate: record.birthDate,
        sex: record.sex,
        relation,
        certificate: record.certificate,
      };
    }
    const person = await registry.personByPin(childPin, on);
    if (!person) return null;
    return {
      pin: person.pin,
      surname: person.surname,
      name: person.name,
      ...(person.patronymic ? { patronymic: person.patronymic } : {}),
      birthDate: person.birthDate,
      sex: person.sex,
      relation,
      certificate: null,
    };
  }

  return {
    /** The linked person and their children from the registry, on the person's own behalf. */
    async myData(telegramId: number, opts: { deadline?: Deadline } = {}): Promise<MyData> {
      const link = await identity.link(telegramId);
      if (!link) return { status: 'unlinked' };
      const { pin, linkedAt } = link;
      const on: OnBehalf = {
        onBehalfOf: pin,
        signal: AbortSignal.timeout(timeoutMs),
        deadline: opts.deadline,
      };
      try {
        const person = await registry.personByPin(pin, on);
        if (!registry.childrenOf) return { status: 'ok', pin, linkedAt, person, children: null };
        const pins = [...new Set((await registry.childrenOf(pin, on)) ?? [])].slice(0, maxChildren);
        const today = bishkekToday(clock);
        const found = await Promise.all(pins.map((c) => child(pin, c, on, today)));
        const children = found
          .filter((c): c is ChildView => c !== null)
          .sort((a, b) => a.birthDate.localeCompare(b.birthDate) || a.pin.localeCompare(b.pin));
        return { status: 'ok', pin, linkedAt, person, children };
      } catch (e) {
        if (e instanceof RegistryUnavailableError && e.retryAfterMs !== undefined)
          return { status: 'registry_unavailable', pin, linkedAt, retryAfterMs: e.retryAfterMs };
        if (e instanceof RegistryError || isTimeout(e))
          return { status: 'registry_unavailable', pin, linkedAt };
        throw e;
      }
    },
  };
}

export type MyDataService = ReturnType<typeof myDataService>;
