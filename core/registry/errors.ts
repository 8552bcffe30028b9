// Typed registry errors (K-REG-1). Every one carries `retryable`: K-REG-5 keeps the draft and retries
// verification in the background when it is true. Messages never carry personal data.
//
//   RegistryError
//   ├── XRoadError                      X-Road itself failed (X-Road-Error header): Client.* / Server.*
//   ├── RegistryTimeoutError            no answer within the per-attempt timeout
//   ├── RegistryUnavailableError        network error, provider 5xx, circuit open
//   ├── RegistryMalformedResponseError  not JSON, or JSON of the wrong shape
//   ├── RegistryNotFoundError           the provider says: no such record (404, no X-Road-Error)
//   └── RegistryProviderError           the provider refused the request (other 4xx)

export type RegistryErrorContext = {
  /** service name in Kattoo's configuration (e.g. personByPin) or the service code */
  service: string;
  /** X-Road-Id of the last attempt */
  xRoadId?: string;
};

export abstract class RegistryError extends Error {
  abstract readonly retryable: boolean;
  readonly service: string;
  readonly xRoadId: string | undefined;
  constructor(message: string, ctx: RegistryErrorContext, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.service = ctx.service;
    this.xRoadId = ctx.xRoadId;
  }
}

export type XRoadErrorCategory =
  | 'client'
  | 'server.clientproxy'
  | 'server.serverproxy'
  | 'server'
  | 'unknown';

export function xroadErrorCategory(type: string): XRoadErrorCategory {
  if (type.startsWith('Client.')) return 'client';
  if (type.startsWith('Server.ClientProxy.')) return 'server.clientproxy';
  if (type.startsWith('Server.ServerProxy.')) return 'server.serverproxy';
  if (type.startsWith('Server.')) return 'server';
  return 'unknown';
}

/** X-Road itself failed: the response had the `X-Road-Error` header; body `{type, message, detail}`. */
export class XRoadError extends RegistryError {
  readonly type: string;
  readonly category: XRoadErrorCategory;
  readonly status: number;
  /** the security server's free-text message (may in principle echo request data: do not log it) */
  readonly xroadMessage: string | undefined;
  readonly detail: string | undefined;
  /** `Server.*` faults are worth another try; `Client.*` ones are Kattoo's own mistake. */
  readonly retryable: boolean;
  constructor(
    ctx: RegistryErrorContext,
    e: { type: string; message?: string | undefined; detail?: string | undefined; status: number },
  ) {
    super(`X-Road error ${e.type} (HTTP ${e.status}) calling ${ctx.service}`, ctx);
    this.type = e.type;
    this.category = xroadErrorCategory(e.type);
    this.status = e.status;
    this.xroadMessage = e.message;
    this.detail = e.detail;
    this.retryable = this.category !== 'client' && this.category !== 'unknown';
  }
}

export class RegistryTimeoutError extends RegistryError {
  readonly retryable = true;
  readonly timeoutMs: number;
  constructor(ctx: RegistryErrorContext, timeoutMs: number) {
    super(`${ctx.service}: no answer within ${timeoutMs} ms`, ctx);
    this.timeoutMs = timeoutMs;
  }
}

export type UnavailableReason = 'network' | 'provider_status' | 'circuit_open';

export class RegistryUnavailableError extends RegistryError {
  readonly retryable: boolean;
  readonly reason: UnavailableReason;
  /** HTTP status of a provider 5xx */
  readonly status: number | undefined;
  /** when the circuit is open: how long until a trial call is let through */
  readonly retryAfterMs: number | undefined;
  constructor(
    ctx: RegistryErrorContext,
    e: {
      reason: UnavailableReason;
      status?: number;
      retryAfterMs?: number;
      retryable?: boolean;
      cause?: unknown;
    },
  ) {
    const what =
      e.reason === 'circuit_open'
        ? 'circuit open'
        : e.reason === 'provider_status'
          ? `provider answered HTTP ${e.status}`
          : 'network error';
    super(`${ctx.service}: registry unavailable (${what})`, ctx, { cause: e.cause });
    this.reason = e.reason;
    this.status = e.status;
    this.retryAfterMs = e.retryAfterMs;
    this.retryable = e.retryable ?? true;
  }
}

export class RegistryMalformedResponseError extends RegistryError {
  readonly retryable = false;
  readonly reason: 'not_json' | 'wrong_shape';
  /** the paths of the fields that failed validation (never their values) */
  readonly issues: string[];
  constructor(ctx: RegistryErrorContext, reason: 'not_json' | 'wrong_shape', issues: string[] = []) {
    super(
      `${ctx.service}: malformed response (${reason}${issues.length ? `: ${issues.slice(0, 5).join(', ')}` : ''})`,
      ctx,
    );
    this.reason = reason;
    this.issues = issues;
  }
}

/** The provider's own system says there is no such record (HTTP 404 without `X-Road-Error`). */
export class RegistryNotFoundError extends RegistryError {
  readonly retryable = false;
  constructor(ctx: RegistryErrorContext) {
    super(`${ctx.service}: not found`, ctx);
  }
}

/** The provider refused the request with a 4xx other than 404 (e.g. 400 bad PIN, 403). */
export class RegistryProviderError extends RegistryError {
  readonly retryable = false;
  readonly status: number;
  readonly code: string | undefined;
  constructor(ctx: RegistryErrorContext, status: number, code?: string) {
    super(`${ctx.service}: provider refused the request (HTTP ${status}${code ? ` ${code}` : ''})`, ctx);
    this.status = status;
    this.code = code;
  }
}
