// The registry simulator (K-REG-6): an HTTP server that looks like an X-Road security server in front
// of Tunduk's population, civil-registry, address, military and migration services. Same r1 paths and
// headers as the real thing; answers from a deterministic synthetic population; faults on demand.
//
//   GET /r1/{INSTANCE}/{CLASS}/{MEMBER}/{SUBSYSTEM}/{SERVICECODE}[/path][?query]
//   GET /r1/{provider subsystem}/listMethods | allowedMethods | getOpenAPI?serviceCode=…
//   GET|POST|DELETE /__faults        fault injection at run time (JSON, see faults.ts)
//   GET /__population                the population's figures (no personal data)
import { createHash, randomUUID } from 'node:crypto';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ReferenceWorld, SchoolInput } from '../../core/domain/reference.ts';
import type { Logger } from '../../core/logger.ts';
import {
  demoServices,
  type RegistryServiceConfig,
  type RegistryServiceName,
  serviceIdString,
  subsystemId,
  type XRoadSubsystem,
} from '../../core/registry/config.ts';
import { wireSchemas } from '../../core/registry/wire.ts';
import { type FaultConfig, type FaultControl, Faults } from './faults.ts';
import { generatePopulation, type Population } from './population.ts';

export type RecordedRequest = {
  method: string;
  /** the raw request target, exactly as received (path and query, still percent-encoded) */
  url: string;
  headers: Record<string, string>;
};

export type RegistrySimulatorOptions = {
  port?: number;
  host?: string;
  world: ReferenceWorld;
  seed?: number;
  families?: number;
  /** spreads families by how wanted each school is */
  demandWeight?: (school: SchoolInput) => number;
  /** a population generated beforehand (then world/seed/families only describe it) */
  population?: Population;
  faults?: FaultConfig;
  /** the services served; default: the demo configuration Kattoo's client uses */
  services?: Record<RegistryServiceName, RegistryServiceConfig>;
  logger?: Logger;
  /** how many recent requests `requests` keeps (default 1,000) */
  recordLimit?: number;
};

export type RegistrySimulator = {
  url: string;
  population: Population;
  faults: FaultControl;
  /** the most recent requests, oldest first (tests read the exact paths and headers) */
  requests: RecordedRequest[];
  stop(): Promise<void>;
};

const METADATA = new Set(['listMethods', 'allowedMethods', 'getOpenAPI']);
const PIN_SHAPE = /^\d{14}$/;

type Route = { name: RegistryServiceName; service: RegistryServiceConfig; segments: RegExp[] };

function segmentPattern(template: string): RegExp {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\\?\{(\w+)\\?\}/g, '(?<$1>.+)')}$`);
}

export async function startRegistrySimulator(opts: RegistrySimulatorOptions): Promise<RegistrySimulator> {
  const population =
    opts.population ??
    generatePopulation(opts.world, {
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(opts.families !== undefined ? { families: opts.families } : {}),
      ...(opts.demandWeight ? { demandWeight: opts.demandWeight } : {}),
    });
  // built now rather than on the first "children of" request, which a parent waits for with a
  // deadline (core/registry/deadline.ts): a real registry has its index before anyone asks
  childrenIndex(population);
  const faults = new Faults(opts.faults);
  const services = opts.services ?? demoServices;
  const routes = new Map<string, Route>();
  const providers = new Map<string, XRoadSubsystem>();
  for (const [name, service] of Object.entries(services) as [RegistryServiceName, RegistryServiceConfig][]) {
    routes.set(serviceIdString(service), {
      name,
      service,
      segments: (service.path ?? '')
        .split('/')
        .filter((s) => s !== '')
        .map(segmentPattern),
    });
    providers.set(subsystemId(service), service);
  }
  const requests: RecordedRequest[] = [];
  const recordLimit = opts.recordLimit ?? 1_000;
  const hanging = new Set<() => void>();

  const app = Fastify({
    logger: false,
    routerOptions: { maxParamLength: 10_000 },
    forceCloseConnections: true,
  });
  // keep any body as text: the simulator never needs it parsed
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.get('/__faults', async () => faults.get());
  app.delete('/__faults', async () => {
    faults.clear();
    return faults.get();
  });
  app.post('/__faults', async (req, reply) => {
    try {
      const body = typeof req.body === 'string' && req.body !== '' ? JSON.parse(req.body) : {};
      faults.set(body);
      return faults.get();
    } catch (e) {
      const issues = e instanceof z.ZodError ? e.issues.map((i) => `${i.path.join('.')}: ${i.message}`) : [];
      return reply.code(400).send({ error: 'bad_fault_spec', issues });
    }
  });
  app.get('/__population', async () => ({
    seed: population.seed,
    window: population.window,
    ...population.stats,
  }));

  const hang = (ms: number, reply: FastifyReply) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        hanging.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      hanging.add(done);
      reply.raw.once('close', done);
    });

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const rawUrl = req.raw.url ?? '';
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    requests.push({ method: req.method, url: rawUrl, headers });
    if (requests.length > recordLimit) requests.splice(0, requests.length - recordLimit);

    const qAt = rawUrl.indexOf('?');
    const rawPath = qAt < 0 ? rawUrl : rawUrl.slice(0, qAt);
    const query = new URLSearchParams(qAt < 0 ? '' : rawUrl.slice(qAt + 1));
    const xRoadId = headers['x-road-id'] ?? randomUUID();
    const client = headers['x-road-client'];
    reply.header('X-Road-Id', xRoadId);
    reply.header('X-Road-Request-Id', randomUUID());
    reply.header(
      'X-Road-Request-Hash',
      createHash('sha512')
        .update(
          `${req.method} ${rawUrl}\n${client ?? ''}\n${xRoadId}\n${typeof req.body === 'string' ? req.body : ''}`,
        )
        .digest('base64'),
    );
    if (client !== undefined) reply.header('X-Road-Client', client);

    const xroadError = (status: number, type: string, message: string) =>
      reply
        .code(status)
        .header('X-Road-Error', type)
        .type('application/json')
        .send({ type, message, detail: randomUUID() });

    if (!/^[^/]+\/[^/]+\/[^/]+\/[^/]+$/.test(client ?? ''))
      return xroadError(
        400,
        'Client.InvalidClientIdentifier',
        'X-Road-Client must be INSTANCE/CLASS/MEMBER/SUBSYSTEM',
      );

    let parts: string[];
    try {
      parts = rawPath
        .replace(/^\/r1\//, '')
        .split('/')
        .map(decodeURIComponent);
    } catch {
      return xroadError(400, 'Client.InvalidRequest', 'Malformed percent-encoding in the request path');
    }
    if (parts.length < 5 || parts.slice(0, 5).some((p) => p === ''))
      return xroadError(
        400,
        'Client.InvalidRequest',
        'Expected /r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICECODE',
      );
    const [instance, memberClass, memberCode, subsystem, serviceCode] = parts as [
      string,
      string,
      string,
      string,
      string,
    ];
    const extra = parts.slice(5);
    // header values must be ASCII: non-ASCII identifiers go percent-encoded, as in the path
    reply.header(
      'X-Road-Service',
      [instance, memberClass, memberCode, subsystem, serviceCode]
        .map((p) => (/^[\x20-\x7e]*$/.test(p) ? p : encodeURIComponent(p)))
        .join('/'),
    );
    const providerKey = `${instance}/${memberClass}/${memberCode}/${subsystem}`;
    const route = routes.get(`${providerKey}/${serviceCode}`);
    const isMetadata = METADATA.has(serviceCode) && providers.has(providerKey) && extra.length === 0;
    if (!route && !isMetadata)
      return xroadError(
        500,
        'Server.ServerProxy.UnknownService',
        `Unknown service ${providerKey}/${serviceCode}`,
      );

    // faults
    const decision = faults.decide(serviceCode);
    if (decision.latencyMs > 0) await hang(decision.latencyMs, reply);
    const action = decision.action;
    if (action.kind === 'timeout') {
      await hang(action.hangMs, reply);
      return reply.code(504).type('application/json').send({ error: 'gateway_timeout' });
    }
    if (action.kind === 'xroad')
      return xroadError(action.type.startsWith('Client.') ? 400 : 500, action.type, 'Injected fault');
    if (action.kind === 'status')
      return reply.code(action.status).type('application/json').send({ error: 'injected_fault' });
    if (action.kind === 'malformed') {
      if (action.how === 'not_json')
        return reply.code(200).type('application/json').send('<html>Bad Gateway');
      return reply
        .code(200)
        .type('application/json')
        .send({ result: 'unexpected', items: [1, 2, 3] });
    }

    const provider = (status: number, body: unknown) =>
      reply.code(status).type('application/json').send(body);
    if (isMetadata) {
      if (serviceCode === 'getOpenAPI') {
        const code = query.get('serviceCode');
        const r = code ? routes.get(`${providerKey}/${code}`) : undefined;
        if (!r)
          return provider(404, { error: 'not_found', message: 'No such service code at this provider' });
        return provider(200, openApi(r));
      }
      return provider(200, {
        service: [...routes.values()]
          .filter((r) => subsystemId(r.service) === providerKey)
          .map((r) => ({
            object_type: 'SERVICE',
            xroad_instance: r.service.instance,
            member_class: r.service.memberClass,
            member_code: r.service.memberCode,
            subsystem_code: r.service.subsystem,
            service_code: r.service.serviceCode,
            service_type: 'REST',
          })),
      });
    }
    const r = route as Route;
    if (req.method !== 'GET') return provider(405, { error: 'method_not_allowed' });
    if (!headers['x-road-userid']) return provider(400, { error: 'user_id_required' });
    const params: Record<string, string> = {};
    if (extra.length !== r.segments.length) return provider(400, { error: 'bad_path' });
    for (let i = 0; i < extra.length; i++) {
      const m = (r.segments[i] as RegExp).exec(extra[i] as string);
      if (!m) return provider(400, { error: 'bad_path' });
      Object.assign(params, m.groups);
    }
    for (const [key, template] of Object.entries(r.service.query ?? {})) {
      const value = query.get(key);
      const m = segmentPattern(template).exec(value ?? '');
      if (value === null || !m) return provider(400, { error: 'bad_query' });
      Object.assign(params, m.groups);
    }
    const pin = params.pin;
    if (!pin || !PIN_SHAPE.test(pin)) return provider(400, { error: 'invalid_pin' });
    const body = answer(population, r.name, pin);
    if (!body) return provider(404, { error: 'not_found', message: 'No record for this identifier' });
    return provider(200, body);
  };

  app.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], url: '/r1/*', handler });

  const address = await app.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
  opts.logger?.info(
    { url: address, families: population.stats.families, persons: population.stats.persons },
    'registry simulator listening',
  );
  return {
    url: address,
    population,
    faults,
    requests,
    async stop() {
      for (const done of [...hanging]) done();
      await app.close();
    },
  };
}

const childIndexes = new WeakMap<Population, Map<string, { childPin: string; relation: string }[]>>();

/** Children by parent or guardian PIN, built once per population (the reverse look-up of the civil registry). */
function childrenIndex(population: Population) {
  let index = childIndexes.get(population);
  if (index) return index;
  index = new Map();
  const add = (parent: string | undefined, childPin: string, relation: string) => {
    if (!parent) return;
    const list = index?.get(parent) ?? [];
    list.push({ childPin, relation });
    index?.set(parent, list);
  };
  for (const b of population.birthRecords.values()) {
    add(b.motherPin, b.childPin, 'MOTHER');
    add(b.fatherPin, b.childPin, 'FATHER');
  }
  for (const [childPin, list] of population.guardianships) {
    for (const g of list) add(g.guardianPin, childPin, g.kind === 'guardian' ? 'GUARDIAN' : 'TRUSTEE');
  }
  childIndexes.set(population, index);
  return index;
}

/** The provider's answer for one service and PIN, or null for "not found". */
export function answer(population: Population, service: RegistryServiceName, pin: string): unknown {
  const person = population.persons.get(pin);
  switch (service) {
    case 'personByPin':
      return person
        ? {
            pin,
            surname: person.surname,
            name: person.name,
            patronymic: person.patronymic ?? null,
            gender: person.sex === 'F' ? 'FEMALE' : 'MALE',
            birthDate: person.birthDate,
            citizenship: person.citizenship,
          }
        : null;
    case 'birthRecord': {
      const b = population.birthRecords.get(pin);
      if (!b) return null;
      return {
        childPin: b.childPin,
        certificate: b.certificate,
        motherPin: b.motherPin ?? null,
        fatherPin: b.fatherPin ?? null,
        birthDate: b.birthDate,
        gender: b.sex === 'F' ? 'FEMALE' : 'MALE',
        surname: b.surname,
        name: b.name,
        patronymic: b.patronymic ?? null,
      };
    }
    case 'guardianship':
      return person
        ? {
            childPin: pin,
            guardians: (population.guardianships.get(pin) ?? []).map((g) => ({
              guardianPin: g.guardianPin,
              kind: g.kind === 'guardian' ? 'GUARDIAN' : 'TRUSTEE',
              since: g.since,
              until: g.until ?? null,
            })),
          }
        : null;
    case 'childrenOf':
      return person ? { pin, children: childrenIndex(population).get(pin) ?? [] } : null;
    case 'passportByPin':
      return person?.passport ? { pin, ...person.passport } : null;
    case 'registeredAddress':
      return person
        ? {
            pin,
            districtId: person.address.districtId,
            settlement: person.address.settlement,
            street: person.address.street,
            house: person.address.house,
            apartment: person.address.apartment ?? null,
            registeredSince: person.registeredSince,
          }
        : null;
    case 'militaryStatus':
      return person
        ? {
            pin,
            serving: person.military !== undefined,
            unit: person.military?.unit ?? null,
            since: person.military?.since ?? null,
          }
        : null;
    case 'kairylmanStatus':
      return person
        ? { pin, kairylman: person.kairylman !== undefined, since: person.kairylman?.since ?? null }
        : null;
  }
}

function openApi(route: Route): unknown {
  const s = route.service;
  const pathTemplate = `/${[s.serviceCode, ...(s.path ?? '').split('/').filter((p) => p !== '')].join('/')}`;
  const placeholders = [
    ...`${s.path ?? ''} ${Object.values(s.query ?? {}).join(' ')}`.matchAll(/\{(\w+)\}/g),
  ].map((m) => m[1] as string);
  return {
    openapi: '3.0.3',
    info: { title: `${s.serviceCode} (Kattoo registry simulator)`, version: '1' },
    paths: {
      [pathTemplate]: {
        get: {
          operationId: s.serviceCode,
          parameters: [
            ...placeholders
              .filter((p) => (s.path ?? '').includes(`{${p}}`))
              .map((p) => ({
                name: p,
                in: 'path',
                required: true,
                schema: { type: 'string', pattern: '^\\d{14}$' },
              })),
            ...Object.entries(s.query ?? {}).map(([k]) => ({
              name: k,
              in: 'query',
              required: true,
              schema: { type: 'string' },
            })),
          ],
          responses: {
            '200': {
              description: 'The record',
              content: {
                'application/json': {
                  schema: z.toJSONSchema(wireSchemas[route.name], { target: 'openapi-3.0' }),
                },
              },
            },
            '404': { description: 'No record for this identifier' },
          },
        },
      },
    },
  };
}
