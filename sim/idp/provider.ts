// The demo identity provider (K-ID-1): a real OpenID Provider (`oidc-provider`) standing in for the
// state single sign-on in development, demos and tests. One client (Kattoo), authorization code flow
// with PKCE required, consent granted automatically for that client, claims `sub`, `pin` (and `name`
// when the synthetic population knows the person). Its sign-in page asks for a PIN (input `pin`): no
// password — any PIN of the synthetic population signs in as that person. Demo mode only: building it
// with `demo: false` throws, and the app mounts it only when `config.demo` is true.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration, errors, type KoaContextWithOIDC } from 'oidc-provider';
import { parsePin } from '../../core/domain/pin.ts';
import { memoryAdapter, memoryStore } from './memory-adapter.ts';
import { type IdpLanguage, idpErrorPage, isIdpLanguage, pickLanguage, signInPage } from './pages.ts';

/** What the demo knows of a person (from the synthetic registry population), or null: no such person. */
export type DemoPersonLookup = (pin: string) => { name?: string } | null | undefined;

export type DemoIdpClient = {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
};

export type DemoIdpOptions = {
  /** must be true: the demo provider signs anyone in with a PIN and no password */
  demo: boolean;
  /** the issuer identifier, e.g. `http://localhost:3000/demo-idp` (its path is the mount path) */
  issuer: string;
  client: DemoIdpClient;
  /** the synthetic population; without it any well-formed PIN signs in */
  people?: DemoPersonLookup;
  /** behind a reverse proxy: trust X-Forwarded-* */
  proxy?: boolean;
};

export type DemoIdp = {
  issuer: string;
  /** the path the provider is mounted at ('' when it has its own server) */
  mountPath: string;
  provider: Provider;
  /** a Node request handler for requests whose URL still has the mount path */
  handle(req: IncomingMessage, res: ServerResponse): void;
};

export class DemoIdpRefused extends Error {}

const INTERACTION = /^\/interaction\/([A-Za-z0-9_-]{1,64})(\/login)?\/?$/;
const FORM_LIMIT = 8 * 1024;

/** A stable subject for a PIN that does not reveal it. */
const subjectOf = (pin: string) =>
  `demo-${createHash('sha256').update(`kattoo-demo-idp:${pin}`).digest('hex').slice(0, 32)}`;

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) return new URLSearchParams();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > FORM_LIMIT) throw new errors.InvalidRequest('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export function createDemoIdp(opts: DemoIdpOptions): DemoIdp {
  if (opts.demo !== true) {
    throw new DemoIdpRefused(
      'the demo identity provider runs only in demo mode (KATTOO_DEMO=1), never in production',
    );
  }
  const issuer = opts.issuer.replace(/\/+$/, '');
  const mountPath = new URL(issuer).pathname.replace(/\/+$/, '');
  const { client } = opts;
  /** subject → PIN of the people who signed in (kept as long as the process runs) */
  const accounts = new Map<string, string>();

  const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const scopes = ['openid', 'pin', 'profile'];

  const configuration: Configuration = {
    clients: [
      {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: client.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    adapter: memoryAdapter(memoryStore()),
    jwks: { keys: [{ ...jwk, kid: 'kattoo-demo-idp', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], pin: ['pin'], profile: ['name'] },
    scopes,
    // the PIN goes into the ID token itself (the relying party also reads userinfo if it must)
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: false },
    },
    responseTypes: ['code'],
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: 600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    interactions: { url: (_ctx, interaction) => `${mountPath}/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const pin = accounts.get(sub);
      if (!pin) return undefined;
      return {
        accountId: sub,
        async claims() {
          const name = opts.people?.(pin)?.name;
          return { sub, pin, ...(name ? { name } : {}) };
        },
      };
    },
    // Consent is granted automatically for the one demo client (a first-party client).
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const c = ctx.oidc.client;
      const session = ctx.oidc.session;
      if (!c || !session?.accountId) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(c.clientId);
      if (grantId) {
        const found = await ctx.oidc.provider.Grant.find(grantId);
        if (found) return found;
      }
      if (c.clientId !== client.clientId) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: c.clientId, accountId: session.accountId });
      grant.addOIDCScope(scopes.join(' '));
      await grant.save();
      return grant;
    },
    async renderError(ctx, out) {
      const lang = pickLanguage(
        ctx.oidc?.params?.ui_locales as string | undefined,
        ctx.get('accept-language'),
      );
      ctx.type = 'html';
      ctx.body = idpErrorPage(lang, 'generic_error', out.error);
    },
  };

  const provider = new Provider(issuer, configuration);
  provider.proxy = opts.proxy ?? false;

  // The interaction pages: the sign-in form (GET) and its submission (POST …/login).
  provider.use(async (ctx, next) => {
    const m = INTERACTION.exec(ctx.path);
    if (!m) return next();
    ctx.set('cache-control', 'no-store');
    ctx.set('x-frame-options', 'DENY');
    ctx.set('referrer-policy', 'no-referrer');
    const uid = m[1] as string;
    const choice =
      typeof ctx.query.lang === 'string' && isIdpLanguage(ctx.query.lang) ? ctx.query.lang : undefined;
    let details: Awaited<ReturnType<Provider['interactionDetails']>>;
    try {
      details = await provider.interactionDetails(ctx.req, ctx.res);
      if (details.uid !== uid) throw new errors.SessionNotFound('interaction mismatch');
    } catch {
      ctx.status = 400;
      ctx.type = 'html';
      ctx.body = idpErrorPage(pickLanguage(choice, ctx.get('accept-language')), 'session_expired');
      return;
    }
    const lang: IdpLanguage = pickLanguage(
      choice,
      details.params.ui_locales as string | undefined,
      ctx.get('accept-language'),
    );
    const base = `${mountPath}/interaction/${uid}`;
    const page = (error?: string, value?: string) =>
      signInPage({
        lang,
        action: `${base}/login?lang=${lang}`,
        hrefFor: (l) => `${base}?lang=${l}`,
        error,
        value,
      });

    if (details.prompt.name === 'consent') {
      // A grant is normally found or made by loadExistingGrant; this covers what it did not.
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({
            accountId: details.session?.accountId,
            clientId: details.params.client_id as string,
          });
      if (!grant) throw new errors.SessionNotFound('grant not found');
      const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      const grantId = await grant.save();
      const to = await provider.interactionResult(
        ctx.req,
        ctx.res,
        { consent: { grantId } },
        { mergeWithLastSubmission: true },
      );
      ctx.status = 303;
      ctx.redirect(to);
      return;
    }

    if (ctx.method === 'GET' && !m[2]) {
      ctx.type = 'html';
      ctx.body = page();
      return;
    }
    if (ctx.method !== 'POST' || !m[2]) {
      ctx.status = 405;
      ctx.set('allow', m[2] ? 'POST' : 'GET');
      return;
    }
    const form = await readForm(ctx.req);
    const typed = (form.get('pin') ?? '').slice(0, 40);
    const parsed = parsePin(typed, { today: new Date().toISOString().slice(0, 10) });
    let error: string | undefined;
    if (!parsed.ok) error = parsed.reason;
    else if (opts.people && !opts.people(parsed.pin)) error = 'unknown_person';
    if (error || !parsed.ok) {
      ctx.status = 400;
      ctx.type = 'html';
      ctx.body = page(error, typed);
      return;
    }
    const accountId = subjectOf(parsed.pin);
    accounts.set(accountId, parsed.pin);
    const to = await provider.interactionResult(
      ctx.req,
      ctx.res,
      { login: { accountId, remember: false } },
      { mergeWithLastSubmission: false },
    );
    ctx.status = 303;
    ctx.redirect(to);
  });

  const callback = provider.callback();
  return {
    issuer,
    mountPath,
    provider,
    handle(req, res) {
      const original = req.url ?? '/';
      if (mountPath) {
        if (!original.startsWith(mountPath)) {
          res.statusCode = 404;
          res.end();
          return;
        }
        (req as IncomingMessage & { originalUrl?: string }).originalUrl = original;
        const rest = original.slice(mountPath.length);
        req.url = rest.startsWith('/') ? rest : `/${rest}`;
      }
      void callback(req, res);
    },
  };
}

export type StandaloneDemoIdp = DemoIdp & { url: string; server: Server; stop(): Promise<void> };

/**
 * The demo provider on its own HTTP server (tests, or running it apart from Kattoo). `issuerPath`
 * mounts it under a path as Kattoo does (default: at the root).
 */
export async function startDemoIdp(
  opts: Omit<DemoIdpOptions, 'issuer'> & {
    port?: number;
    host?: string;
    issuerPath?: string;
    publicHost?: string;
  },
): Promise<StandaloneDemoIdp> {
  if (opts.demo !== true) throw new DemoIdpRefused('the demo identity provider runs only in demo mode');
  let idp: DemoIdp | undefined;
  const server = createServer((req, res) => {
    if (!idp) {
      res.statusCode = 503;
      res.end();
      return;
    }
    idp.handle(req, res);
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${opts.publicHost ?? host}:${port}`;
  idp = createDemoIdp({ ...opts, issuer: `${url}${opts.issuerPath ?? ''}` });
  return {
    ...idp,
    url,
    server,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
