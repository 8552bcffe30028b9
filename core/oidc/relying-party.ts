// Kattoo as an OpenID Connect relying party (K-ID-1) with `openid-client` v6: discovery from the
// configured issuer, authorization code flow with PKCE (S256), state and nonce; the verified PIN is
// read from a configured claim of the ID token (or, if the IdP puts it there only, from userinfo) and
// must be a well-formed PIN. State, nonce and the code verifier are made and kept by the identity
// service (core/services/identity.ts); this module only speaks the protocol.
import * as client from 'openid-client';
import { parsePin } from '../domain/pin.ts';
import type { OidcConfig } from './config.ts';

export type OidcFailure =
  /** the IdP answered the browser with an error (e.g. access_denied: the person cancelled) */
  | 'idp_error'
  /** the authorization response or the token exchange did not verify (state, nonce, iss, code…) */
  | 'exchange_failed'
  /** the IdP cannot be reached or its metadata is unusable */
  | 'unreachable'
  /** the verified identity carries no PIN in the configured claim */
  | 'no_pin'
  /** the claim is not a well-formed PIN */
  | 'invalid_pin';

/** A sign-in that did not verify. `code` is the IdP's or the library's error code (no personal data). */
export class OidcError extends Error {
  readonly failure: OidcFailure;
  readonly code: string | undefined;
  constructor(failure: OidcFailure, code?: string, options?: { cause?: unknown }) {
    super(`sign-in failed: ${failure}${code ? ` (${code})` : ''}`, options);
    this.name = 'OidcError';
    this.failure = failure;
    this.code = code;
  }
}

export type AuthorizationChecks = { state: string; nonce: string; codeVerifier: string };

export type VerifiedPerson = {
  /** the IdP's subject identifier */
  sub: string;
  /** the PIN, digits only */
  pin: string;
  /** a display name, when the IdP sends one */
  name?: string;
};

export interface RelyingParty {
  /** The IdP's authorization URL for this sign-in (the browser is redirected there). */
  authorizationUrl(checks: AuthorizationChecks, opts?: { uiLocales?: string }): Promise<URL>;
  /**
   * Verifies the authorization response the browser brought back (`query` of the callback) and
   * exchanges the code: state, nonce, PKCE, issuer and ID-token checks. Throws `OidcError`.
   */
  callback(query: URLSearchParams, checks: AuthorizationChecks): Promise<VerifiedPerson>;
}

export type RelyingPartyOptions = {
  /** a fetch to use instead of the global one (tests) */
  fetch?: client.CustomFetch;
};

/**
 * A relying party over `config`. Discovery is lazy (the demo IdP may live on the same server, which
 * is not listening yet when this is built) and retried after a failure.
 */
export function createRelyingParty(config: OidcConfig, opts: RelyingPartyOptions = {}): RelyingParty {
  let discovered: Promise<client.Configuration> | undefined;

  function configuration(): Promise<client.Configuration> {
    discovered ??= (async () => {
      const execute = config.allowInsecureRequests ? [client.allowInsecureRequests] : [];
      const c = await client.discovery(
        new URL(config.issuer),
        config.clientId,
        { redirect_uris: [config.redirectUri], response_types: ['code'] },
        client.ClientSecretBasic(config.clientSecret),
        {
          execute,
          timeout: Math.ceil(config.timeoutMs / 1000),
          ...(opts.fetch ? { [client.customFetch]: opts.fetch } : {}),
        },
      );
      c.timeout = Math.ceil(config.timeoutMs / 1000);
      return c;
    })().catch((e) => {
      discovered = undefined;
      throw new OidcError('unreachable', errorCode(e), { cause: e });
    });
    return discovered;
  }

  return {
    async authorizationUrl(checks, o = {}) {
      const c = await configuration();
      const params: Record<string, string> = {
        redirect_uri: config.redirectUri,
        response_type: 'code',
        scope: config.scope,
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
      };
      if (config.prompt) params.prompt = config.prompt;
      if (o.uiLocales) params.ui_locales = o.uiLocales;
      return client.buildAuthorizationUrl(c, params);
    },

    async callback(query, checks) {
      const error = query.get('error');
      if (error) throw new OidcError('idp_error', safeCode(error));
      const c = await configuration();
      // The URL the IdP redirected to, rebuilt from configuration (behind a proxy the request's own
      // host is not the public one); only the response parameters come from the request.
      const current = new URL(config.redirectUri);
      for (const [k, v] of query) current.searchParams.append(k, v);
      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      try {
        tokens = await client.authorizationCodeGrant(c, current, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
      } catch (e) {
        if (e instanceof client.AuthorizationResponseError)
          throw new OidcError('idp_error', safeCode(e.error), { cause: e });
        throw new OidcError('exchange_failed', errorCode(e), { cause: e });
      }
      const claims = tokens.claims();
      if (!claims) throw new OidcError('exchange_failed', 'no_id_token');
      let value: unknown = claims[config.pinClaim];
      let name: unknown = claims.name;
      if (value === undefined && tokens.access_token) {
        try {
          const info = await client.fetchUserInfo(c, tokens.access_token, claims.sub);
          value = info[config.pinClaim];
          name ??= info.name;
        } catch (e) {
          throw new OidcError('exchange_failed', errorCode(e), { cause: e });
        }
      }
      if (value === undefined || value === null || value === '') throw new OidcError('no_pin');
      const pin = String(value);
      const parsed = parsePin(pin);
      if (!parsed.ok || parsed.pin !== pin)
        throw new OidcError('invalid_pin', parsed.ok ? 'separators' : parsed.reason);
      return { sub: claims.sub, pin, ...(typeof name === 'string' && name ? { name } : {}) };
    },
  };
}

/** An error code safe to log and show: short, ASCII, no values. */
function safeCode(s: string | undefined): string | undefined {
  return s && /^[A-Za-z0-9_.:-]{1,64}$/.test(s) ? s : undefined;
}

function errorCode(e: unknown): string | undefined {
  if (e && typeof e === 'object') {
    const o = e as { code?: unknown; error?: unknown; name?: unknown };
    if (typeof o.error === 'string') return safeCode(o.error);
    if (typeof o.code === 'string') return safeCode(o.code);
    if (typeof o.name === 'string') return safeCode(o.name);
  }
  return undefined;
}
