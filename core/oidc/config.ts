// Configuration of Kattoo as an OpenID Connect relying party of the state sign-in (K-ID-1). The real
// issuer, client and claim are configuration (the state SSO's details are not public); in demo mode,
// without an issuer configured, Kattoo talks to its own demo identity provider at `/demo-idp`.
import { randomBytes } from 'node:crypto';

export type OidcConfig = Readonly<{
  /** the issuer identifier; discovery reads `<issuer>/.well-known/openid-configuration` */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** where the IdP sends the browser back: `${publicUrl}/auth/callback` */
  redirectUri: string;
  /** the claim that carries the person's PIN (default `pin`) */
  pinClaim: string;
  /** scopes asked for (default `openid pin`) */
  scope: string;
  /**
   * `prompt` sent with every authorization request (default `login`: the person proves who they are
   * now, even if the IdP still has a session — a shared browser must not link the previous person).
   * Empty: not sent.
   */
  prompt: string;
  /** plain-http issuer allowed (demo only; production refuses it) */
  allowInsecureRequests: boolean;
  /** per-request timeout towards the IdP */
  timeoutMs: number;
}>;

export class OidcConfigError extends Error {}

export const DEMO_IDP_PATH = '/demo-idp';
export const DEMO_CLIENT_ID = 'kattoo';

const trim = (u: string) => u.replace(/\/+$/, '');

/**
 * Reads `OIDC_ISSUER`, `OIDC_CLIENT_ID`, `OIDC_CLIENT_SECRET`, `OIDC_PIN_CLAIM`, `OIDC_SCOPE`,
 * `OIDC_PROMPT`, `OIDC_TIMEOUT_MS`. In demo mode with no issuer, the demo identity provider mounted at
 * `${publicUrl}/demo-idp` with a client secret made up for this process. Outside demo mode the issuer,
 * client id and secret are required and the issuer must be https.
 */
export function oidcConfigFromEnv(
  env: NodeJS.ProcessEnv,
  ctx: { demo: boolean; publicUrl: string },
): OidcConfig {
  const publicUrl = trim(ctx.publicUrl);
  const pinClaim = env.OIDC_PIN_CLAIM?.trim() || 'pin';
  const scope = env.OIDC_SCOPE?.trim() || 'openid pin';
  const prompt = env.OIDC_PROMPT === undefined ? 'login' : env.OIDC_PROMPT.trim();
  const timeoutMs = env.OIDC_TIMEOUT_MS ? Number(env.OIDC_TIMEOUT_MS) : 10_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100)
    throw new OidcConfigError('OIDC_TIMEOUT_MS: a number of ms ≥ 100');
  const issuer = env.OIDC_ISSUER?.trim();
  if (!issuer) {
    if (!ctx.demo) throw new OidcConfigError('OIDC_ISSUER is required outside demo mode (the state sign-in)');
    return demoOidcConfig(publicUrl, { pinClaim, scope, timeoutMs, prompt });
  }
  const clientId = env.OIDC_CLIENT_ID?.trim();
  const clientSecret = env.OIDC_CLIENT_SECRET?.trim();
  if (!clientId || !clientSecret)
    throw new OidcConfigError('OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are required');
  return checked({
    issuer: trim(issuer),
    clientId,
    clientSecret,
    redirectUri: `${publicUrl}/auth/callback`,
    pinClaim,
    scope,
    prompt,
    allowInsecureRequests: ctx.demo,
    timeoutMs,
  });
}

/** The demo identity provider's client configuration (the provider gets the same id and secret). */
export function demoOidcConfig(
  publicUrl: string,
  opts: Partial<Pick<OidcConfig, 'pinClaim' | 'scope' | 'timeoutMs' | 'clientSecret' | 'prompt'>> = {},
): OidcConfig {
  const base = trim(publicUrl);
  return checked({
    issuer: `${base}${DEMO_IDP_PATH}`,
    clientId: DEMO_CLIENT_ID,
    clientSecret: opts.clientSecret ?? randomBytes(32).toString('base64url'),
    redirectUri: `${base}/auth/callback`,
    pinClaim: opts.pinClaim ?? 'pin',
    scope: opts.scope ?? 'openid pin',
    prompt: opts.prompt ?? 'login',
    allowInsecureRequests: true,
    timeoutMs: opts.timeoutMs ?? 10_000,
  });
}

function checked(c: OidcConfig): OidcConfig {
  let issuer: URL;
  try {
    issuer = new URL(c.issuer);
    new URL(c.redirectUri);
  } catch {
    throw new OidcConfigError('OIDC issuer and redirect URI must be absolute URLs');
  }
  if (issuer.protocol !== 'https:' && !c.allowInsecureRequests)
    throw new OidcConfigError('the OIDC issuer must be https outside demo mode');
  if (!c.scope.split(/\s+/).includes('openid')) throw new OidcConfigError('OIDC scope must include openid');
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(c.pinClaim)) throw new OidcConfigError('OIDC_PIN_CLAIM: a claim name');
  if (!/^((none|login|consent|select_account)( |$))*$/.test(c.prompt))
    throw new OidcConfigError('OIDC_PROMPT: none, login, consent or select_account (or empty)');
  return Object.freeze({ ...c });
}
