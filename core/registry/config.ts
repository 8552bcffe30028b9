// Configuration of Kattoo's X-Road client (K-REG-1): who Kattoo is on X-Road, which provider answers
// each service and under which service code, and how patient the client is. Tunduk's service codes
// are not public (../shared/reference/facts.md): every code and path here is configuration, the demo
// values below are what the registry simulator serves.

/** An X-Road subsystem: INSTANCE/CLASS/MEMBER/SUBSYSTEM. */
export type XRoadSubsystem = {
  instance: string;
  memberClass: string;
  memberCode: string;
  subsystem: string;
};

/** A provider's service: its subsystem and service code. */
export type XRoadServiceId = XRoadSubsystem & { serviceCode: string };

export type RetryPolicy = {
  /** extra attempts after the first one (safe calls only) */
  retries: number;
  /** first back-off delay; doubles each attempt, with jitter */
  baseDelayMs: number;
  maxDelayMs: number;
};

export type BreakerPolicy = {
  /** consecutive failed attempts that open the circuit */
  failureThreshold: number;
  /** how long the circuit stays open before one trial call is let through (half-open) */
  coolDownMs: number;
};

/** One registry service as Kattoo calls it. */
export type RegistryServiceConfig = XRoadServiceId & {
  /**
   * Extra path after the service code, `/`-separated; `{name}` is replaced with the call's parameter
   * and each segment is percent-encoded separately, e.g. `"{pin}"` or `"persons/{pin}"`.
   */
  path?: string;
  /** Query parameters; values may hold `{name}` placeholders, e.g. `{ pin: "{pin}" }`. */
  query?: Record<string, string>;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  breaker?: Partial<BreakerPolicy>;
};

/** The services the Tunduk adapters use (K-REG-2). */
export const REGISTRY_SERVICES = [
  'personByPin',
  'birthRecord',
  'guardianship',
  'passportByPin',
  'registeredAddress',
  'militaryStatus',
  'kairylmanStatus',
  'childrenOf',
] as const;
export type RegistryServiceName = (typeof REGISTRY_SERVICES)[number];

export type RegistryConfig = {
  /** the security server Kattoo talks to, e.g. `https://ss.example.kg` (no trailing `/r1`) */
  securityServerUrl: string;
  /** Kattoo's own client subsystem, sent as `X-Road-Client` */
  client: XRoadSubsystem;
  /** per-attempt timeout */
  timeoutMs: number;
  retry: RetryPolicy;
  breaker: BreakerPolicy;
  services: Record<RegistryServiceName, RegistryServiceConfig>;
};

export const DEMO_INSTANCE = 'central-server';

/** Kattoo's client subsystem in the demo. */
export const demoClient: XRoadSubsystem = {
  instance: DEMO_INSTANCE,
  memberClass: 'GOV',
  memberCode: '70000099',
  subsystem: 'kattoo',
};

const population = {
  instance: DEMO_INSTANCE,
  memberClass: 'GOV',
  memberCode: '70000001',
  subsystem: 'population',
};
const civil = {
  instance: DEMO_INSTANCE,
  memberClass: 'GOV',
  memberCode: '70000002',
  subsystem: 'civil-registry',
};
const address = { instance: DEMO_INSTANCE, memberClass: 'GOV', memberCode: '70000003', subsystem: 'address' };
const defence = {
  instance: DEMO_INSTANCE,
  memberClass: 'GOV',
  memberCode: '70000004',
  subsystem: 'military',
};
const migration = {
  instance: DEMO_INSTANCE,
  memberClass: 'GOV',
  memberCode: '70000005',
  subsystem: 'migration',
};

/** The demo services: the codes and paths the registry simulator serves by default. */
export const demoServices: Record<RegistryServiceName, RegistryServiceConfig> = {
  personByPin: { ...population, serviceCode: 'getPersonByPin', path: '{pin}' },
  passportByPin: { ...population, serviceCode: 'getPassportByPin', path: '{pin}' },
  birthRecord: { ...civil, serviceCode: 'getBirthRecord', path: '{pin}' },
  guardianship: { ...civil, serviceCode: 'getGuardianship', query: { childPin: '{pin}' } },
  registeredAddress: { ...address, serviceCode: 'getRegisteredAddress', path: '{pin}' },
  militaryStatus: { ...defence, serviceCode: 'getMilitaryServiceStatus', path: '{pin}' },
  kairylmanStatus: { ...migration, serviceCode: 'getKairylmanStatus', path: '{pin}' },
  // birth records by parent and guardianships by guardian: the children the registry links to a person
  childrenOf: { ...civil, serviceCode: 'getChildrenOfPerson', path: '{pin}' },
};

export const defaultPolicies = {
  timeoutMs: 5_000,
  retry: { retries: 2, baseDelayMs: 200, maxDelayMs: 2_000 } satisfies RetryPolicy,
  breaker: { failureThreshold: 5, coolDownMs: 30_000 } satisfies BreakerPolicy,
};

/** A complete demo configuration pointing at `securityServerUrl` (the simulator's URL). */
export function demoRegistryConfig(
  securityServerUrl: string,
  overrides: Partial<Omit<RegistryConfig, 'securityServerUrl'>> = {},
): RegistryConfig {
  return {
    securityServerUrl,
    client: demoClient,
    timeoutMs: defaultPolicies.timeoutMs,
    retry: defaultPolicies.retry,
    breaker: defaultPolicies.breaker,
    services: demoServices,
    ...overrides,
  };
}

/** `INSTANCE/CLASS/MEMBER/SUBSYSTEM`, the value of `X-Road-Client`. */
export function subsystemId(s: XRoadSubsystem): string {
  return `${s.instance}/${s.memberClass}/${s.memberCode}/${s.subsystem}`;
}

/** `INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICECODE`, the value of `X-Road-Service`. */
export function serviceIdString(s: XRoadServiceId): string {
  return `${subsystemId(s)}/${s.serviceCode}`;
}
