// X-Road REST client, protocol r1 (K-REG-1; ../shared/reference/facts.md "Tunduk and X-Road").
//
//   METHOD {securityServer}/r1/{INSTANCE}/{CLASS}/{MEMBER}/{SUBSYSTEM}/{SERVICECODE}[/path][?query]
//
// Each part is percent-encoded on its own (slashes between parts never). Headers: X-Road-Client (our
// subsystem), X-Road-Id (a new UUID per attempt), X-Road-UserId (the PIN of the person on whose behalf
// Kattoo asks: required), X-Road-Issue (the application number, when there is one).
// Per-attempt timeout; safe calls (GET) retried with exponential back-off and jitter on timeouts,
// network errors, provider 5xx and X-Road Server.* errors; a circuit breaker per service; responses
// validated with zod; every attempt logged without personal data (no PIN, no URL, no body).
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { PIN_PATTERN } from '../domain/pin.ts';
import type { Logger } from '../logger.ts';
import { type BreakerState, CircuitBreaker, monotonicTime, type TimeSource } from './breaker.ts';
import {
  type RegistryConfig,
  type RegistryServiceConfig,
  type RegistryServiceName,
  type RetryPolicy,
  serviceIdString,
  subsystemId,
  type XRoadSubsystem,
} from './config.ts';
import { type Deadline, msLeft } from './deadline.ts';
import {
  RegistryError,
  RegistryMalformedResponseError,
  RegistryNotFoundError,
  RegistryProviderError,
  RegistryTimeoutError,
  RegistryUnavailableError,
  XRoadError,
} from './errors.ts';
import { methodListWire, providerErrorWire, xroadErrorWire } from './wire.ts';

const ISSUE = /^[\x21-\x7e][\x20-\x7e]{0,199}$/;
const SAFE_METHODS = new Set(['GET', 'HEAD']);

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type XRoadCallOptions = {
  /** the 14-digit PIN of the person on whose behalf Kattoo asks (X-Road-UserId) */
  userId: string;
  /** the application number, when there is one (X-Road-Issue) */
  issue?: string | undefined;
  /** values for the `{name}` placeholders of the service's configured path and query */
  params?: Record<string, string>;
  /** extra path segments after the configured path; each is percent-encoded on its own */
  path?: string[];
  /** extra query parameters */
  query?: Record<string, string>;
  method?: HttpMethod;
  /** JSON request body (unsafe methods) */
  body?: unknown;
  /** the caller's own cancellation */
  signal?: AbortSignal;
  /**
   * Interactive calls: the whole call, retries included, ends by then. Each attempt's timeout is cut
   * to the time left (and times out as RegistryTimeoutError, a failure for the breaker); no retry is
   * started that could not get MIN_ATTEMPT_MS.
   */
  deadline?: Deadline | undefined;
};

/** The least time worth giving an attempt under a deadline. */
const MIN_ATTEMPT_MS = 250;

/** A service to call: a configured one by name, or an explicit service id. */
export type ServiceTarget = RegistryServiceName | (RegistryServiceConfig & { name?: string });

export type XRoadClientOptions = {
  config: RegistryConfig;
  logger?: Logger;
  /** breaker time source (monotonic milliseconds) */
  time?: TimeSource;
  /** waits between retries */
  sleep?: (ms: number) => Promise<void>;
  /** jitter source in [0, 1) */
  random?: () => number;
  fetch?: typeof fetch;
};

const enc = (part: string): string => {
  if (part === '' || /^\.+$/.test(part))
    throw new TypeError('an X-Road path part may not be empty or dots only');
  return encodeURIComponent(part);
};

function fill(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new TypeError(`missing parameter {${name}}`);
    return v;
  });
}

/**
 * The r1 path and query of a call: `/r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICECODE[/path][?query]`,
 * each part percent-encoded separately.
 */
export function xroadPath(
  service: RegistryServiceConfig,
  opts: Pick<XRoadCallOptions, 'params' | 'path' | 'query'> = {},
): string {
  const params = opts.params ?? {};
  const parts = [
    service.instance,
    service.memberClass,
    service.memberCode,
    service.subsystem,
    service.serviceCode,
    ...(service.path ?? '')
      .split('/')
      .filter((s) => s !== '')
      .map((s) => fill(s, params)),
    ...(opts.path ?? []),
  ];
  let url = `/r1/${parts.map(enc).join('/')}`;
  const query = [
    ...Object.entries(service.query ?? {}).map(([k, v]) => [k, fill(v, params)] as const),
    ...Object.entries(opts.query ?? {}),
  ];
  if (query.length > 0)
    url += `?${query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;
  return url;
}

type Attempt = { status?: number; requestId?: string };

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class XRoadClient {
  readonly config: RegistryConfig;
  readonly #log: Logger | undefined;
  readonly #time: TimeSource;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;
  readonly #fetch: typeof fetch;
  readonly #breakers = new Map<string, CircuitBreaker>();

  constructor(opts: XRoadClientOptions) {
    this.config = opts.config;
    this.#log = opts.logger?.child({ component: 'xroad' });
    this.#time = opts.time ?? monotonicTime;
    this.#sleep = opts.sleep ?? realSleep;
    this.#random = opts.random ?? Math.random;
    this.#fetch = opts.fetch ?? ((input, init) => fetch(input, init));
  }

  /** Calls a service and validates its JSON answer with `schema`. */
  async call<S extends z.ZodType>(
    target: ServiceTarget,
    schema: S,
    opts: XRoadCallOptions,
  ): Promise<z.infer<S>> {
    const { name, service } = this.#resolve(target);
    if (!PIN_PATTERN.test(opts.userId))
      throw new TypeError('X-Road-UserId must be the 14-digit PIN of a person');
    if (opts.issue !== undefined && !ISSUE.test(opts.issue))
      throw new TypeError('X-Road-Issue must be printable ASCII, at most 200 characters');
    const url = `${this.config.securityServerUrl.replace(/\/+$/, '')}${xroadPath(service, opts)}`;
    const method = opts.method ?? 'GET';
    const retry: RetryPolicy = { ...this.config.retry, ...service.retry };
    const retries = SAFE_METHODS.has(method) ? retry.retries : 0;
    const timeoutMs = service.timeoutMs ?? this.config.timeoutMs;
    const breaker = this.#breaker(name, service);

    for (let attempt = 1; ; attempt++) {
      const xRoadId = randomUUID();
      const ctx = { service: name, xRoadId };
      // before admission: a half-open breaker's trial must not be taken by a call that never goes
      const left = msLeft(opts.deadline);
      if (left < MIN_ATTEMPT_MS) throw new RegistryTimeoutError(ctx, Math.max(0, Math.round(left)));
      const admission = breaker.admit();
      if (!admission.allowed) {
        const err = new RegistryUnavailableError(ctx, {
          reason: 'circuit_open',
          retryAfterMs: Math.max(0, admission.retryAfterMs),
        });
        this.#log?.warn(
          { service: name, serviceCode: service.serviceCode, xRoadId, attempt, outcome: 'circuit_open' },
          'registry call refused: circuit open',
        );
        throw err;
      }
      const started = performance.now();
      const seen: Attempt = {};
      try {
        const value = await this.#attempt(
          url,
          method,
          opts,
          xRoadId,
          Math.min(timeoutMs, Math.floor(left)),
          schema,
          ctx,
          seen,
        );
        breaker.success();
        this.#logAttempt('info', name, service, xRoadId, attempt, started, seen, 'ok');
        return value;
      } catch (e) {
        if (!(e instanceof RegistryError)) {
          // the caller aborted, or a programming error: says nothing about the service
          breaker.neutral();
          throw e;
        }
        const failure = e.retryable || e instanceof RegistryMalformedResponseError;
        if (failure) breaker.failure();
        else if (e instanceof XRoadError) breaker.neutral();
        else breaker.success(); // the provider answered (not found, refused): it is up
        this.#logAttempt(failure ? 'warn' : 'info', name, service, xRoadId, attempt, started, seen, e);
        if (!e.retryable || attempt > retries || breaker.state === 'open') throw e;
        const delay = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
        const wait = delay / 2 + this.#random() * (delay / 2);
        if (msLeft(opts.deadline) < wait + MIN_ATTEMPT_MS) throw e;
        await this.#sleep(wait);
      }
    }
  }

  /** The circuit state of a service (by configured name or service id string). */
  breakerState(target: ServiceTarget): BreakerState {
    const { name } = this.#resolve(target);
    return this.#breakers.get(name)?.state ?? 'closed';
  }

  /** Metadata service `listMethods` of a provider subsystem. */
  listMethods(provider: XRoadSubsystem, opts: XRoadCallOptions) {
    return this.call({ ...provider, serviceCode: 'listMethods' }, methodListWire, opts);
  }

  /** Metadata service `allowedMethods`: what our client subsystem may call at the provider. */
  allowedMethods(provider: XRoadSubsystem, opts: XRoadCallOptions) {
    return this.call({ ...provider, serviceCode: 'allowedMethods' }, methodListWire, opts);
  }

  #resolve(target: ServiceTarget): { name: string; service: RegistryServiceConfig } {
    if (typeof target === 'string') {
      const service = this.config.services[target];
      if (!service) throw new TypeError(`unknown registry service ${target}`);
      return { name: target, service };
    }
    return { name: target.name ?? serviceIdString(target), service: target };
  }

  #breaker(name: string, service: RegistryServiceConfig): CircuitBreaker {
    let b = this.#breakers.get(name);
    if (!b) {
      b = new CircuitBreaker({ ...this.config.breaker, ...service.breaker }, this.#time, (from, to) =>
        this.#log?.warn({ service: name, serviceCode: service.serviceCode, from, to }, 'registry circuit'),
      );
      this.#breakers.set(name, b);
    }
    return b;
  }

  async #attempt<S extends z.ZodType>(
    url: string,
    method: HttpMethod,
    opts: XRoadCallOptions,
    xRoadId: string,
    timeoutMs: number,
    schema: S,
    ctx: { service: string; xRoadId: string },
    seen: Attempt,
  ): Promise<z.infer<S>> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'X-Road-Client': subsystemId(this.config.client),
      'X-Road-Id': xRoadId,
      'X-Road-UserId': opts.userId,
    };
    if (opts.issue !== undefined) headers['X-Road-Issue'] = opts.issue;
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;

    let status: number;
    let text: string;
    let xroadErrorHeader: string | null;
    try {
      const res = await this.#fetch(url, { method, headers, body, signal });
      status = res.status;
      seen.status = status;
      seen.requestId = res.headers.get('x-road-request-id') ?? undefined;
      xroadErrorHeader = res.headers.get('x-road-error');
      const echoed = res.headers.get('x-road-id');
      if (echoed !== null && echoed !== xRoadId)
        this.#log?.warn({ service: ctx.service, xRoadId, echoed }, 'X-Road-Id not echoed as sent');
      text = await res.text();
    } catch (e) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? e;
      if (timeout.aborted) throw new RegistryTimeoutError(ctx, timeoutMs);
      throw new RegistryUnavailableError(ctx, { reason: 'network', cause: e });
    }

    if (xroadErrorHeader !== null) {
      const parsed = xroadErrorWire.safeParse(tryJson(text));
      const type = parsed.success ? parsed.data.type : xroadErrorHeader || 'Server.Unknown';
      throw new XRoadError(ctx, {
        type,
        message: parsed.success ? parsed.data.message : undefined,
        detail: parsed.success ? parsed.data.detail : undefined,
        status,
      });
    }
    if (status === 404) throw new RegistryNotFoundError(ctx);
    if (status >= 500) throw new RegistryUnavailableError(ctx, { reason: 'provider_status', status });
    if (status < 200 || status >= 300) {
      const p = providerErrorWire.safeParse(tryJson(text));
      throw new RegistryProviderError(ctx, status, p.success ? p.data.error : undefined);
    }
    const json = tryJson(text);
    if (json === NOT_JSON) throw new RegistryMalformedResponseError(ctx, 'not_json');
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw new RegistryMalformedResponseError(
        ctx,
        'wrong_shape',
        parsed.error.issues.map((i) => i.path.join('.') || '(root)'),
      );
    return parsed.data;
  }

  #logAttempt(
    level: 'info' | 'warn',
    name: string,
    service: RegistryServiceConfig,
    xRoadId: string,
    attempt: number,
    started: number,
    seen: Attempt,
    outcome: 'ok' | RegistryError,
  ): void {
    if (!this.#log) return;
    const fields: Record<string, unknown> = {
      service: name,
      serviceCode: service.serviceCode,
      provider: subsystemId(service),
      xRoadId,
      requestId: seen.requestId,
      status: seen.status,
      durationMs: Math.round(performance.now() - started),
      attempt,
      outcome: outcome === 'ok' ? 'ok' : outcome.name,
    };
    if (outcome instanceof XRoadError) fields.xroadType = outcome.type;
    if (outcome instanceof RegistryUnavailableError) fields.reason = outcome.reason;
    if (outcome instanceof RegistryMalformedResponseError) fields.reason = outcome.reason;
    this.#log[level](fields, 'registry call');
  }
}

const NOT_JSON = Symbol('not json');

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}
