// Contract tests of Kattoo's X-Road client against the registry simulator (K-REG-1, K-REG-6): exact
// paths and headers, every error category, retries, timeouts, malformed bodies, the circuit breaker,
// and logs without personal data. Then the Tunduk adapters (K-REG-2..4) over the same wire.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.ts';
import type { TimeSource } from '../../core/registry/breaker.ts';
import { demoRegistryConfig, demoServices, type RegistryConfig } from '../../core/registry/config.ts';
import {
  RegistryMalformedResponseError,
  RegistryNotFoundError,
  RegistryProviderError,
  RegistryTimeoutError,
  RegistryUnavailableError,
  XRoadError,
} from '../../core/registry/errors.ts';
import { Tunduk } from '../../core/registry/tunduk.ts';
import { personWire } from '../../core/registry/wire.ts';
import { XRoadClient, type XRoadClientOptions, xroadPath } from '../../core/registry/xroad-client.ts';
import { generatePopulation, type Population } from '../../sim/registry/population.ts';
import { sampleWorld } from '../../sim/registry/sample-world.ts';
import { type RegistrySimulator, startRegistrySimulator } from '../../sim/registry/server.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const world = sampleWorld();
let population: Population;
let sim: RegistrySimulator;

beforeAll(async () => {
  population = generatePopulation(world, { seed: 11, families: 400 });
  sim = await startRegistrySimulator({ world, population, recordLimit: 100_000 });
});
afterAll(() => sim.stop());
afterEach(() => sim.faults.clear());

/** A family with two parents present and an ordinary first child. */
const ordinary = () => {
  const f = population.families.find((x) => x.kind === 'two_parents' && x.children[0]?.case === 'none');
  if (!f) throw new Error('no ordinary family');
  return { family: f, child: f.children[0] as NonNullable<(typeof f.children)[0]> };
};

type Harness = { client: XRoadClient; delays: number[]; time: { t: number } & TimeSource; lines: string[] };

function harness(overrides: Partial<RegistryConfig> = {}, opts: Partial<XRoadClientOptions> = {}): Harness {
  const lines: string[] = [];
  const time = { t: 0, now: () => time.t };
  const delays: number[] = [];
  const client = new XRoadClient({
    config: demoRegistryConfig(sim.url, {
      timeoutMs: 2_000,
      retry: { retries: 2, baseDelayMs: 100, maxDelayMs: 1_000 },
      breaker: { failureThreshold: 50, coolDownMs: 10_000 },
      ...overrides,
    }),
    logger: createLogger('debug', { write: (s: string) => void lines.push(s) }),
    time,
    sleep: async (ms) => void delays.push(ms),
    random: () => 0.5,
    ...opts,
  });
  return { client, delays, time, lines };
}

/** Requests the simulator saw from now on. */
function watch() {
  const from = sim.requests.length;
  return () => sim.requests.slice(from);
}

describe('X-Road client ↔ simulator: paths and headers', () => {
  it('percent-encodes each part separately: spaces, slashes and Cyrillic; slashes between parts stay', async () => {
    const { family } = ordinary();
    const weird = {
      instance: 'central-server',
      memberClass: 'GOV',
      memberCode: '70000001',
      subsystem: 'население 1',
      serviceCode: 'get person/by pin',
      path: 'лица/{pin}',
      query: { вид: 'полный/краткий' },
    };
    const services = { ...demoServices, personByPin: weird };
    const weirdSim = await startRegistrySimulator({ world, population, services });
    try {
      const client = new XRoadClient({ config: demoRegistryConfig(weirdSim.url, { services }) });
      const person = await client.call('personByPin', personWire, {
        userId: family.applicantPin,
        params: { pin: family.applicantPin },
      });
      expect(person.pin).toBe(family.applicantPin);
      expect(weirdSim.requests.at(-1)?.url).toBe(
        '/r1/central-server/GOV/70000001/%D0%BD%D0%B0%D1%81%D0%B5%D0%BB%D0%B5%D0%BD%D0%B8%D0%B5%201/' +
          `get%20person%2Fby%20pin/%D0%BB%D0%B8%D1%86%D0%B0/${family.applicantPin}` +
          '?%D0%B2%D0%B8%D0%B4=%D0%BF%D0%BE%D0%BB%D0%BD%D1%8B%D0%B9%2F%D0%BA%D1%80%D0%B0%D1%82%D0%BA%D0%B8%D0%B9',
      );
    } finally {
      await weirdSim.stop();
    }
  });

  it('builds the demo paths from configuration, extra path parts encoded too, dot-only parts refused', () => {
    expect(xroadPath(demoServices.personByPin, { params: { pin: '20205199401330' } })).toBe(
      '/r1/central-server/GOV/70000001/population/getPersonByPin/20205199401330',
    );
    expect(xroadPath(demoServices.guardianship, { params: { pin: '20205199401330' } })).toBe(
      '/r1/central-server/GOV/70000002/civil-registry/getGuardianship?childPin=20205199401330',
    );
    expect(
      xroadPath(
        { ...demoServices.personByPin, path: '' },
        { path: ['a b', 'c/d', 'ж'], query: { 'x y': '1&2' } },
      ),
    ).toBe('/r1/central-server/GOV/70000001/population/getPersonByPin/a%20b/c%2Fd/%D0%B6?x%20y=1%262');
    expect(() => xroadPath({ ...demoServices.personByPin, path: '' }, { path: ['..'] })).toThrow(TypeError);
    expect(() => xroadPath(demoServices.personByPin, {})).toThrow(/missing parameter \{pin\}/);
  });

  it('sends exactly the X-Road headers, a new X-Road-Id per call, and gets it echoed', async () => {
    const { family, child } = ordinary();
    const { client, lines } = harness();
    const seen = watch();
    await client.call('personByPin', personWire, {
      userId: family.applicantPin,
      issue: 'KT-2026-000042',
      params: { pin: child.pin },
    });
    await client.call('personByPin', personWire, { userId: family.applicantPin, params: { pin: child.pin } });
    const [first, second] = seen();
    expect(first?.method).toBe('GET');
    expect(first?.headers).toMatchObject({
      'x-road-client': 'central-server/GOV/70000099/kattoo',
      'x-road-userid': family.applicantPin,
      'x-road-issue': 'KT-2026-000042',
      accept: 'application/json',
    });
    expect(first?.headers['x-road-id']).toMatch(UUID);
    expect(second?.headers['x-road-id']).toMatch(UUID);
    expect(second?.headers['x-road-id']).not.toBe(first?.headers['x-road-id']);
    expect(second?.headers).not.toHaveProperty('x-road-issue');
    // the client logged the X-Road-Id it sent; the simulator echoed it and added its own ids
    const logged = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'registry call');
    expect(logged.map((l) => l.xRoadId)).toEqual([first?.headers['x-road-id'], second?.headers['x-road-id']]);
    expect(logged[0].requestId).toMatch(UUID);
    expect(lines.join('\n')).not.toMatch(/not echoed/);

    const res = await fetch(
      `${sim.url}/r1/central-server/GOV/70000001/population/getPersonByPin/${child.pin}`,
      {
        headers: {
          'X-Road-Client': 'central-server/GOV/70000099/kattoo',
          'X-Road-Id': 'id-1',
          'X-Road-UserId': family.applicantPin,
        },
      },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('x-road-id')).toBe('id-1');
    expect(res.headers.get('x-road-request-id')).toMatch(UUID);
    expect(res.headers.get('x-road-request-hash')).toMatch(/^[A-Za-z0-9+/]{86}==$/);
    expect(res.headers.get('x-road-client')).toBe('central-server/GOV/70000099/kattoo');
    expect(res.headers.get('x-road-service')).toBe('central-server/GOV/70000001/population/getPersonByPin');
    expect(res.headers.get('x-road-error')).toBeNull();
  });

  it('refuses to call without a proper X-Road-UserId or with a header-unsafe issue', async () => {
    const { child } = ordinary();
    const { client } = harness();
    const seen = watch();
    await expect(
      client.call('personByPin', personWire, { userId: '', params: { pin: child.pin } }),
    ).rejects.toThrow(TypeError);
    await expect(
      client.call('personByPin', personWire, { userId: '123', params: { pin: child.pin } }),
    ).rejects.toThrow(/14-digit PIN/);
    await expect(
      client.call('personByPin', personWire, {
        userId: child.pin,
        issue: 'заявка 1',
        params: { pin: child.pin },
      }),
    ).rejects.toThrow(/X-Road-Issue/);
    expect(seen()).toHaveLength(0);
  });

  it('serves the metadata services listMethods, allowedMethods and getOpenAPI', async () => {
    const { family } = ordinary();
    const { client } = harness();
    const provider = {
      instance: 'central-server',
      memberClass: 'GOV',
      memberCode: '70000002',
      subsystem: 'civil-registry',
    };
    const list = await client.listMethods(provider, { userId: family.applicantPin });
    expect(list.service.map((s) => s.service_code).sort()).toEqual([
      'getBirthRecord',
      'getChildrenOfPerson',
      'getGuardianship',
    ]);
    const allowed = await client.allowedMethods(provider, { userId: family.applicantPin });
    expect(allowed.service).toHaveLength(3);
    const res = await fetch(
      `${sim.url}/r1/central-server/GOV/70000002/civil-registry/getOpenAPI?serviceCode=getBirthRecord`,
      { headers: { 'X-Road-Client': 'central-server/GOV/70000099/kattoo' } },
    );
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(['/getBirthRecord/{pin}']);
  });
});

describe('X-Road client ↔ simulator: error categories', () => {
  it('maps a missing X-Road-Client to the X-Road error Client.InvalidClientIdentifier', async () => {
    const res = await fetch(
      `${sim.url}/r1/central-server/GOV/70000001/population/getPersonByPin/20205199401330`,
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('x-road-error')).toBe('Client.InvalidClientIdentifier');
    const body = (await res.json()) as { type: string; message: string; detail: string };
    expect(body.type).toBe('Client.InvalidClientIdentifier');
    expect(body.detail).toMatch(UUID);
    expect(body.message).toEqual(expect.any(String));
  });

  it('maps an unknown service to XRoadError Server.ServerProxy.UnknownService', async () => {
    const { family } = ordinary();
    const { client } = harness({ retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } });
    const err = await client
      .call({ ...demoServices.personByPin, serviceCode: 'getNothing' }, personWire, {
        userId: family.applicantPin,
        params: { pin: family.applicantPin },
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(XRoadError);
    expect(err.type).toBe('Server.ServerProxy.UnknownService');
    expect(err.category).toBe('server.serverproxy');
    expect(err.detail).toMatch(UUID);
  });

  it.each([
    ['Client.InvalidRequest', 'client', false, 1],
    ['Server.ServerProxy.ServiceFailed', 'server.serverproxy', true, 3],
    ['Server.ClientProxy.NetworkError', 'server.clientproxy', true, 3],
  ] as const)(
    'maps %s to XRoadError (%s, retryable %s, %i attempts)',
    async (type, category, retryable, attempts) => {
      const { family } = ordinary();
      const { client, delays } = harness();
      sim.faults.set({ xroadError: type });
      const seen = watch();
      const err = await client
        .call('personByPin', personWire, {
          userId: family.applicantPin,
          params: { pin: family.applicantPin },
        })
        .catch((e) => e);
      expect(err).toBeInstanceOf(XRoadError);
      expect(err).toMatchObject({ type, category, retryable, service: 'personByPin' });
      expect(err).not.toBeInstanceOf(RegistryNotFoundError);
      expect(seen()).toHaveLength(attempts);
      expect(delays).toHaveLength(attempts - 1);
    },
  );

  it('maps the provider’s own 404 to "not found" — not an X-Road error, not retried', async () => {
    const { client } = harness();
    const seen = watch();
    const err = await client
      .call('personByPin', personWire, { userId: '20205199401330', params: { pin: '20205199401330' } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(RegistryNotFoundError);
    expect(err).not.toBeInstanceOf(XRoadError);
    expect(err.retryable).toBe(false);
    expect(seen()).toHaveLength(1);
    expect(seen()[0]?.url).toMatch(/\/20205199401330$/);
  });

  it('maps other provider 4xx to RegistryProviderError, not retried', async () => {
    const { client } = harness();
    sim.faults.set({ providerStatus: 403 });
    const seen = watch();
    const err = await client
      .call('personByPin', personWire, { userId: '20205199401330', params: { pin: '20205199401330' } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(RegistryProviderError);
    expect(err.status).toBe(403);
    expect(seen()).toHaveLength(1);
  });

  it('retries provider 5xx with exponential back-off and jitter, and succeeds when the fault passes', async () => {
    const { family } = ordinary();
    const { client, delays } = harness({ retry: { retries: 3, baseDelayMs: 100, maxDelayMs: 10_000 } });
    sim.faults.set({ providerStatus: 503, times: 3 });
    const seen = watch();
    const person = await client.call('personByPin', personWire, {
      userId: family.applicantPin,
      params: { pin: family.applicantPin },
    });
    expect(person.pin).toBe(family.applicantPin);
    expect(seen()).toHaveLength(4);
    // delay n = base·2^(n-1), half fixed and half jitter (random() = 0.5 here)
    expect(delays).toEqual([75, 150, 300]);
    expect(new Set(seen().map((r) => r.headers['x-road-id'])).size).toBe(4);
  });

  it('gives up after the configured retries with RegistryUnavailableError (provider_status, retryable)', async () => {
    const { family } = ordinary();
    const { client } = harness();
    sim.faults.set({ providerStatus: 500 });
    const seen = watch();
    const err = await client
      .call('personByPin', personWire, { userId: family.applicantPin, params: { pin: family.applicantPin } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(RegistryUnavailableError);
    expect(err).toMatchObject({ reason: 'provider_status', status: 500, retryable: true });
    expect(seen()).toHaveLength(3);
  });

  it('never retries an unsafe method', async () => {
    const { family } = ordinary();
    const { client } = harness();
    sim.faults.set({ providerStatus: 503 });
    const seen = watch();
    const err = await client
      .call('personByPin', personWire, {
        userId: family.applicantPin,
        params: { pin: family.applicantPin },
        method: 'POST',
        body: { q: 1 },
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(RegistryUnavailableError);
    expect(seen()).toHaveLength(1);
  });

  it('times out each attempt, retries, and ends with RegistryTimeoutError', async () => {
    const { family } = ordinary();
    const { client } = harness({ timeoutMs: 150, retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    sim.faults.set({ timeout: true });
    const seen = watch();
    const started = performance.now();
    const err = await client
      .call('personByPin', personWire, { userId: family.applicantPin, params: { pin: family.applicantPin } })
      .catch((e) => e);
    const elapsed = performance.now() - started;
    expect(err).toBeInstanceOf(RegistryTimeoutError);
    expect(err).toMatchObject({ timeoutMs: 150, retryable: true });
    expect(seen()).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(5_000);
  });

  it('adds latency without failing', async () => {
    const { family } = ordinary();
    const { client } = harness();
    sim.faults.set({ latencyMs: 120 });
    const started = performance.now();
    await client.call('personByPin', personWire, {
      userId: family.applicantPin,
      params: { pin: family.applicantPin },
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  it.each(['not_json', 'wrong_shape'] as const)(
    'maps a malformed body (%s) to RegistryMalformedResponseError',
    async (how) => {
      const { family } = ordinary();
      const { client } = harness();
      sim.faults.set({ malformed: how });
      const seen = watch();
      const err = await client
        .call('personByPin', personWire, {
          userId: family.applicantPin,
          params: { pin: family.applicantPin },
        })
        .catch((e) => e);
      expect(err).toBeInstanceOf(RegistryMalformedResponseError);
      expect(err.reason).toBe(how);
      if (how === 'wrong_shape')
        expect(err.issues).toEqual(expect.arrayContaining(['pin', 'surname', 'gender']));
      expect(seen()).toHaveLength(1);
    },
  );

  it('maps a network error (nobody listening) to RegistryUnavailableError (network), retried', async () => {
    const dead = await startRegistrySimulator({ world, population });
    const url = dead.url;
    await dead.stop();
    const { client, delays } = harness({ securityServerUrl: url });
    const err = await client
      .call('personByPin', personWire, { userId: '20205199401330', params: { pin: '20205199401330' } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(RegistryUnavailableError);
    expect(err).toMatchObject({ reason: 'network', retryable: true });
    expect(delays).toHaveLength(2);
  });
});

describe('X-Road client: circuit breaker per service', () => {
  it('opens after N consecutive failures, refuses fast while open, half-opens after the cool-down and closes on success', async () => {
    const { family } = ordinary();
    const on = { userId: family.applicantPin, params: { pin: family.applicantPin } };
    const { client, time } = harness({
      retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 },
      breaker: { failureThreshold: 3, coolDownMs: 10_000 },
    });
    sim.faults.set({ xroadError: 'Server.ServerProxy.ServiceFailed' });
    const seen = watch();
    for (let i = 0; i < 3; i++)
      await expect(client.call('personByPin', personWire, on)).rejects.toBeInstanceOf(XRoadError);
    expect(client.breakerState('personByPin')).toBe('open');
    expect(seen()).toHaveLength(3);

    // refused at once, nothing sent; other services are not affected
    const refused = await client.call('personByPin', personWire, on).catch((e) => e);
    expect(refused).toBeInstanceOf(RegistryUnavailableError);
    expect(refused).toMatchObject({ reason: 'circuit_open', retryable: true, retryAfterMs: 10_000 });
    expect(seen()).toHaveLength(3);
    expect(client.breakerState('birthRecord')).toBe('closed');

    // after the cool-down one trial goes through; it fails → open again
    time.t += 10_000;
    expect(client.breakerState('personByPin')).toBe('half-open');
    await expect(client.call('personByPin', personWire, on)).rejects.toBeInstanceOf(XRoadError);
    expect(seen()).toHaveLength(4);
    expect(client.breakerState('personByPin')).toBe('open');
    time.t += 4_000;
    expect((await client.call('personByPin', personWire, on).catch((e) => e)).retryAfterMs).toBe(6_000);

    // after the next cool-down the service is well again: the trial succeeds and the circuit closes
    time.t += 6_000;
    sim.faults.clear();
    const person = await client.call('personByPin', personWire, on);
    expect(person.pin).toBe(family.applicantPin);
    expect(client.breakerState('personByPin')).toBe('closed');
    expect(seen()).toHaveLength(5);
  });

  it('counts failed retry attempts and stops retrying once the circuit opens', async () => {
    const { family } = ordinary();
    const { client } = harness({
      retry: { retries: 5, baseDelayMs: 1, maxDelayMs: 1 },
      breaker: { failureThreshold: 2, coolDownMs: 10_000 },
    });
    sim.faults.set({ providerStatus: 502 });
    const seen = watch();
    const err = await client
      .call('personByPin', personWire, { userId: family.applicantPin, params: { pin: family.applicantPin } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(RegistryUnavailableError);
    expect(seen()).toHaveLength(2);
    expect(client.breakerState('personByPin')).toBe('open');
  });

  it('does not count "not found" and Client.* errors as the service failing', async () => {
    const { client } = harness({
      retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 },
      breaker: { failureThreshold: 2, coolDownMs: 10_000 },
    });
    const on = { userId: '20205199401330', params: { pin: '20205199401330' } };
    for (let i = 0; i < 3; i++)
      await expect(client.call('personByPin', personWire, on)).rejects.toBeInstanceOf(RegistryNotFoundError);
    sim.faults.set({ xroadError: 'Client.InvalidRequest' });
    for (let i = 0; i < 3; i++)
      await expect(client.call('personByPin', personWire, on)).rejects.toBeInstanceOf(XRoadError);
    expect(client.breakerState('personByPin')).toBe('closed');
  });
});

describe('X-Road client: logs', () => {
  it('logs every attempt (service, X-Road-Id, status, duration, attempt) and never a PIN', async () => {
    const { family, child } = ordinary();
    const { client, lines } = harness({ retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    const tunduk = new Tunduk(client);
    const on = { onBehalfOf: family.applicantPin, issue: 'KT-2026-000042' };
    await tunduk.personByPin(child.pin, on);
    await tunduk.verifyChild({
      ...on,
      childPin: child.pin,
      certificateSeries: 'I-АН',
      certificateNumber: '1',
    });
    await tunduk.registeredAddress(family.applicantPin, on);
    await tunduk.personByPin('20205199401330', on);
    sim.faults.set({ xroadError: 'Server.ServerProxy.ServiceFailed' });
    await tunduk.passportByPin(family.applicantPin, on).catch(() => undefined);
    sim.faults.set({ malformed: 'wrong_shape' });
    await tunduk.militaryStatus(family.applicantPin, on).catch(() => undefined);

    const text = lines.join('');
    expect(lines.length).toBeGreaterThanOrEqual(7);
    expect(text).not.toMatch(/\d{14}/);
    expect(text).not.toContain(child.pin.slice(1, 9) + child.pin.slice(9));
    for (const line of lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'registry call')) {
      expect(line).toEqual(
        expect.objectContaining({
          service: expect.any(String),
          serviceCode: expect.any(String),
          xRoadId: expect.stringMatching(UUID),
          durationMs: expect.any(Number),
          attempt: expect.any(Number),
          outcome: expect.any(String),
        }),
      );
      expect(line).toHaveProperty('status');
    }
  });
});

describe('simulator faults at run time', () => {
  it('takes faults through POST /__faults, refuses a bad spec, and clears them with DELETE', async () => {
    const post = (body: unknown) =>
      fetch(`${sim.url}/__faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post({ failureRate: 2 })).status).toBe(400);
    expect((await post({ nonsense: true })).status).toBe(400);
    const ok = await post({ failureRate: 0.5, seed: 42, xroadError: 'Server.ServerProxy.ServiceFailed' });
    expect(ok.status).toBe(200);
    expect(sim.faults.get()).toMatchObject({ failureRate: 0.5, seed: 42 });

    const run = async () => {
      const outcomes: boolean[] = [];
      for (let i = 0; i < 40; i++) {
        const res = await fetch(
          `${sim.url}/r1/central-server/GOV/70000001/population/getPersonByPin/20205199401330`,
          {
            headers: {
              'X-Road-Client': 'central-server/GOV/70000099/kattoo',
              'X-Road-UserId': '20205199401330',
            },
          },
        );
        outcomes.push(res.headers.get('x-road-error') !== null);
      }
      return outcomes;
    };
    const first = await run();
    const failed = first.filter(Boolean).length;
    expect(failed).toBeGreaterThan(8);
    expect(failed).toBeLessThan(32);
    await post({ failureRate: 0.5, seed: 42, xroadError: 'Server.ServerProxy.ServiceFailed' });
    expect(await run()).toEqual(first); // the same seed fails the same requests

    expect((await fetch(`${sim.url}/__faults`, { method: 'DELETE' })).status).toBe(200);
    expect(sim.faults.get()).toEqual({});
  });

  it('limits faults to chosen service codes', async () => {
    const { family, child } = ordinary();
    const tunduk = new Tunduk(harness({ retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } }).client);
    sim.faults.set({ providerStatus: 503, services: ['getBirthRecord'] });
    const on = { onBehalfOf: family.applicantPin };
    expect(await tunduk.personByPin(child.pin, on)).not.toBeNull();
    await expect(tunduk.birthRecord(child.pin, on)).rejects.toBeInstanceOf(RegistryUnavailableError);
  });
});

describe('Tunduk adapters over the simulator', () => {
  const tunduk = () =>
    new Tunduk(harness().client, { clock: { now: () => new Date('2026-04-01T10:00:00+06:00') } });
  const certificateOf = (pin: string) => {
    const c = population.birthRecords.get(pin)?.certificate;
    if (!c) throw new Error('no record');
    return c;
  };

  it('return domain types for a person, birth record, address, passport and statuses', async () => {
    const { family, child } = ordinary();
    const t = tunduk();
    const on = { onBehalfOf: family.applicantPin };
    const mother = await t.personByPin(family.motherPin as string, on);
    expect(mother).toMatchObject({
      pin: family.motherPin,
      sex: 'F',
      birthDate: expect.stringMatching(/^\d{4}-\d\d-\d\d$/),
    });
    const record = await t.birthRecord(child.pin, on);
    expect(record).toMatchObject({
      childPin: child.pin,
      motherPin: family.motherPin,
      fatherPin: family.fatherPin,
    });
    expect(record?.certificate).toEqual(certificateOf(child.pin));
    const address = await t.registeredAddress(child.pin, on);
    expect(address).toMatchObject({
      districtId: family.address.districtId,
      street: family.address.street,
      house: family.address.house,
    });
    expect(await t.passportByPin(family.applicantPin, on)).toMatchObject({
      series: expect.stringMatching(/^(ID|AN)$/),
    });
    expect(await t.passportByPin(child.pin, on)).toBeNull(); // children have none
    expect(await t.militaryStatus(family.applicantPin, on)).toEqual({ serving: false });
    expect(await t.kairylmanStatus(family.applicantPin, on)).toEqual({ kairylman: false });
    expect(await t.guardianship(child.pin, on)).toEqual([]);
    expect(await t.personByPin('20205199401330', on)).toBeNull();
  });

  it('report military service and kairylman status (K-PRIO-2)', async () => {
    const t = tunduk();
    const military = population.families.find((f) => f.kind === 'military');
    const kairylman = population.families.find((f) => f.kind === 'kairylman');
    expect(
      await t.militaryStatus(military?.fatherPin as string, { onBehalfOf: military?.applicantPin as string }),
    ).toMatchObject({
      serving: true,
      unit: expect.stringMatching(/^в\/ч \d{5}$/),
    });
    expect(
      await t.kairylmanStatus(kairylman?.motherPin as string, {
        onBehalfOf: kairylman?.applicantPin as string,
      }),
    ).toMatchObject({ kairylman: true, since: expect.any(String) });
  });

  it('verifyChild: ok for a parent typing the certificate, even in other letters, case and spacing', async () => {
    const t = tunduk();
    const { family, child } = ordinary();
    const c = certificateOf(child.pin);
    const r = await t.verifyChild({
      onBehalfOf: family.fatherPin as string,
      childPin: ` ${child.pin} `,
      certificateSeries: c.series,
      certificateNumber: c.number,
    });
    expect(r).toMatchObject({ status: 'ok', relation: 'father', record: { childPin: child.pin } });

    const alike = population.families.find((f) => f.children[0]?.case === 'look_alike');
    const ac = alike?.children[0];
    const r2 = await t.verifyChild({
      onBehalfOf: alike?.applicantPin as string,
      childPin: ac?.pin as string,
      certificateSeries: ac?.typed?.series as string,
      certificateNumber: ac?.typed?.number as string,
    });
    expect(r2.status).toBe('ok');
  });

  it('verifyChild: mismatch names the fields that disagree', async () => {
    const t = tunduk();
    const fam = population.families.find((f) => f.children[0]?.case === 'mismatch');
    const c = fam?.children[0];
    const r = await t.verifyChild({
      onBehalfOf: fam?.applicantPin as string,
      childPin: c?.pin as string,
      certificateSeries: c?.typed?.series as string,
      certificateNumber: c?.typed?.number as string,
    });
    expect(r.status).toBe('mismatch');
    const real = certificateOf(c?.pin as string);
    const expected = [
      ...(real.series !== c?.typed?.series ? ['series'] : []),
      ...(real.number !== c?.typed?.number ? ['number'] : []),
    ];
    expect(r).toEqual({ status: 'mismatch', fields: expected, relation: expect.anything() });
  });

  it('verifyChild: not_found, no_birth_record, invalid_pin', async () => {
    const t = tunduk();
    const { family } = ordinary();
    const on = { onBehalfOf: family.applicantPin, certificateSeries: 'I-АН', certificateNumber: '1234567' };
    expect(await t.verifyChild({ ...on, childPin: '20205199401330' })).toEqual({ status: 'not_found' });
    const noRecord = population.families.find((f) => f.children[0]?.case === 'no_birth_record');
    expect(
      await t.verifyChild({
        ...on,
        onBehalfOf: noRecord?.applicantPin as string,
        childPin: noRecord?.children[0]?.pin as string,
      }),
    ).toEqual({ status: 'no_birth_record', relation: null });
    expect(await t.verifyChild({ ...on, childPin: '2020519940133' })).toEqual({
      status: 'invalid_pin',
      reason: 'wrong_length',
    });
  });

  it('childrenOf: the children the registry links to a parent or guardian, none for a stranger', async () => {
    const t = tunduk();
    const { family } = ordinary();
    const kids = await t.childrenOf(family.applicantPin, { onBehalfOf: family.applicantPin });
    expect(kids?.sort()).toEqual(family.children.map((c) => c.pin).sort());
    const g = population.families.find((f) => f.kind === 'guardian');
    const byGuardian = await t.childrenOf(g?.guardianPin as string, { onBehalfOf: g?.guardianPin as string });
    expect(byGuardian).toContain(g?.children[0]?.pin);
    expect(await t.childrenOf('20101199000001', { onBehalfOf: family.applicantPin })).toBeNull();
  });

  it('verifyChild: a registered guardian is a guardian; an ended guardianship or a stranger is nobody (K-REG-4)', async () => {
    const t = tunduk();
    const g = population.families.find((f) => f.kind === 'guardian');
    const gc = g?.children[0];
    const gcert = certificateOf(gc?.pin as string);
    const asGuardian = await t.verifyChild({
      onBehalfOf: g?.guardianPin as string,
      childPin: gc?.pin as string,
      certificateSeries: gcert.series,
      certificateNumber: gcert.number,
    });
    expect(asGuardian).toMatchObject({ status: 'ok', relation: 'guardian' });

    const ended = population.families.find((f) => f.kind === 'ended_guardianship');
    const ec = ended?.children[0];
    const former = population.guardianships.get(ec?.pin as string)?.[0];
    expect(former?.until).toBeDefined();
    const ecert = certificateOf(ec?.pin as string);
    const asFormer = await t.verifyChild({
      onBehalfOf: former?.guardianPin as string,
      childPin: ec?.pin as string,
      certificateSeries: ecert.series,
      certificateNumber: ecert.number,
    });
    expect(asFormer).toMatchObject({ status: 'ok', relation: null });

    const { family } = ordinary();
    const asStranger = await t.verifyChild({
      onBehalfOf: family.applicantPin,
      childPin: gc?.pin as string,
      certificateSeries: gcert.series,
      certificateNumber: gcert.number,
    });
    expect(asStranger).toMatchObject({ status: 'ok', relation: null });
  });

  it('sends the acting person as X-Road-UserId and the application number as X-Road-Issue on every call', async () => {
    const t = tunduk();
    const { family, child } = ordinary();
    const seen = watch();
    await t.verifyChild({
      onBehalfOf: family.applicantPin,
      issue: 'KT-2026-000777',
      childPin: child.pin,
      certificateSeries: 'x',
      certificateNumber: 'y',
    });
    await t.registeredAddress(child.pin, { onBehalfOf: family.applicantPin, issue: 'KT-2026-000777' });
    expect(seen().length).toBeGreaterThanOrEqual(2);
    for (const r of seen()) {
      expect(r.headers['x-road-userid']).toBe(family.applicantPin);
      expect(r.headers['x-road-issue']).toBe('KT-2026-000777');
    }
  });
});
