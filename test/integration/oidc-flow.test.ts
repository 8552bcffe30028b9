// K-ID-1 over real HTTP: the one-time sign-in link → the demo identity provider (oidc-provider,
// mounted at /demo-idp in the same Fastify, as in demo mode) → its PIN form → back to /auth/callback
// → the PIN is linked to the Telegram user and the chat is told. Followed with fetch, redirects by
// hand and a cookie jar, like a browser. Refused: a forged state, a reused link, an expired link.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { registerAuthRoutes } from '../../bot/http/auth-routes.ts';
import { catalogueKeys, type UiLanguage } from '../../bot/i18n.ts';
import { AdjustableClock } from '../../core/clock.ts';
import { createLogger } from '../../core/logger.ts';
import { createRelyingParty, demoOidcConfig, type RelyingParty } from '../../core/oidc/index.ts';
import { type IdentityService, identityService } from '../../core/services/identity.ts';
import {
  createDemoIdp,
  type DemoIdp,
  DemoIdpRefused,
  mountDemoIdp,
  startDemoIdp,
} from '../../sim/idp/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

const KNOWN_PIN = '20205199401330';
const OTHER_PIN = '11203198800042';
const UNKNOWN_PIN = '21012199000077';
const people = new Map([
  [KNOWN_PIN, { name: 'Асанов Бакыт' }],
  [OTHER_PIN, { name: 'Токтогулова Айгүл' }],
]);

type Notice = { chatId: number; lang: UiLanguage; key: string; params?: Record<string, string> };

/** A browser in miniature: cookies kept by name, redirects followed by hand. */
class Browser {
  jar = new Map<string, string>();
  constructor(readonly acceptLanguage = 'en') {}
  async get(url: string): Promise<Response> {
    return this.#send(url, { method: 'GET' });
  }
  async post(url: string, form: Record<string, string>): Promise<Response> {
    return this.#send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }
  async #send(url: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('accept-language', this.acceptLanguage);
    if (this.jar.size > 0) headers.set('cookie', [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const i = (pair ?? '').indexOf('=');
      const name = (pair ?? '').slice(0, i).trim();
      const value = (pair ?? '').slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return res;
  }
  /** Follows redirects from `url` until a page (not a redirect) or a URL outside `stopAt`. */
  async follow(url: string, max = 10): Promise<{ res: Response; url: string; hops: string[] }> {
    let current = url;
    const hops: string[] = [];
    for (let i = 0; i < max; i++) {
      const res = await this.get(current);
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return { res, url: current, hops };
      current = new URL(location, current).href;
      hops.push(current);
    }
    throw new Error('too many redirects');
  }
}

describe('sign-in through the demo identity provider over HTTP (K-ID-1)', () => {
  let t: TestDatabase;
  let app: FastifyInstance;
  let base: string;
  let clock: AdjustableClock;
  let identity: IdentityService;
  let idp: DemoIdp | undefined;
  let rp: RelyingParty | undefined;
  const notices: Notice[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    clock = new AdjustableClock();
    identity = identityService({ db: t.db, clock, publicUrl: () => base });
    app = Fastify({ logger: false, forceCloseConnections: true });
    await mountDemoIdp(app, () => idp);
    registerAuthRoutes(app, {
      identity,
      relyingParty: () => {
        if (!rp) throw new Error('not ready');
        return rp;
      },
      notify: async (chatId, lang, key, params) => {
        notices.push({ chatId, lang, key, ...(params ? { params } : {}) });
      },
      log: createLogger('silent'),
      botUrl: 'https://t.me/kattoo_bot',
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const config = demoOidcConfig(base, { clientSecret: randomBytes(24).toString('base64url') });
    idp = createDemoIdp({
      demo: true,
      issuer: config.issuer,
      client: {
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        redirectUris: [config.redirectUri],
      },
      people: (pin) => people.get(pin) ?? null,
    });
    rp = createRelyingParty(config);
    await t.db.chatUser.createMany({
      data: [
        { telegramId: 1001n, language: 'ru' },
        { telegramId: 1002n, language: 'ky' },
      ],
    });
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });
  beforeEach(() => {
    notices.length = 0;
  });

  /** From the bot's link to the IdP's form page. */
  async function openForm(browser: Browser, signInUrl: string) {
    const start = await browser.get(signInUrl);
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location') ?? '');
    expect(authorize.href.startsWith(`${base}/demo-idp/auth?`)).toBe(true);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${base}/auth/callback`);
    const form = await browser.follow(authorize.href);
    expect(form.res.status).toBe(200);
    const html = await form.res.text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
    if (!action) throw new Error('no form');
    return { html, action: new URL(action, form.url).href, formUrl: form.url };
  }

  /** Submits a PIN and follows back to Kattoo's callback page. */
  async function submitPin(browser: Browser, action: string, pin: string) {
    const posted = await browser.post(action, { pin });
    expect(posted.status).toBe(303);
    const back = await browser.follow(new URL(posted.headers.get('location') ?? '', action).href);
    return { res: back.res, url: back.url, html: await back.res.text() };
  }

  it('links the PIN after the demo sign-in and confirms in the chat, in the user’s language', async () => {
    const browser = new Browser('en');
    const { url } = await identity.startSignIn(1001, 1001);
    const form = await openForm(browser, url);
    // the IdP's page: in Russian (the bot user's language), an input named pin, the demo explained
    expect(form.html).toContain('<html lang="ru">');
    expect(form.html).toMatch(/<input id="pin" name="pin"/);
    expect(form.html).toContain('демонстрация государственной системы единого входа');

    // a malformed PIN is refused with a clear message, on the same page
    const bad = await browser.post(form.action, { pin: '1234' });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toContain('ПИН — ровно 14 цифр');
    expect(badHtml).toMatch(/<input id="pin" name="pin"/);
    const unknown = await browser.post(form.action, { pin: UNKNOWN_PIN });
    expect(await unknown.text()).toContain('В демо-населении нет человека с таким ПИН');

    const back = await submitPin(browser, form.action, `${KNOWN_PIN.slice(0, 5)} ${KNOWN_PIN.slice(5)}`);
    expect(back.url.startsWith(`${base}/auth/callback?`)).toBe(true);
    expect(back.res.status).toBe(200);
    expect(back.html).toContain('Вы вошли');
    expect(back.html).toContain('330');
    expect(back.html).not.toContain(KNOWN_PIN);
    expect(back.html).toContain('https://t.me/kattoo_bot');
    expect(back.res.headers.get('cache-control')).toBe('no-store');

    expect(await identity.linkedPin(1001)).toBe(KNOWN_PIN);
    expect(notices).toEqual([{ chatId: 1001, lang: 'ru', key: 'linked', params: { pinEnd: '330' } }]);

    // the same callback URL again (a replayed code and state): refused, nothing changes
    const replay = await browser.get(back.url);
    expect(replay.status).toBe(410);
    expect(await replay.text()).toContain('По этой ссылке уже входили');
    // and the one-time link itself: refused too
    const reused = await browser.get(url);
    expect(reused.status).toBe(410);
    const reusedHtml = await reused.text();
    expect(reusedHtml).toContain('Войти не удалось');
    expect(reusedHtml).toContain('Вернитесь в бот и снова нажмите «Войти»');
    expect(notices).toHaveLength(1);
  });

  it('moves the PIN to a second account that proves it, and tells the first one', async () => {
    const browser = new Browser();
    const { url } = await identity.startSignIn(1002, 1002);
    const form = await openForm(browser, url);
    expect(form.html).toContain('<html lang="ky">');
    const back = await submitPin(browser, form.action, KNOWN_PIN);
    expect(back.res.status).toBe(200);
    expect(back.html).toContain('Сиз кирдиңиз');
    expect(await identity.linkedPin(1002)).toBe(KNOWN_PIN);
    expect(await identity.linkedPin(1001)).toBeNull();
    expect(notices).toEqual([
      { chatId: 1002, lang: 'ky', key: 'linked', params: { pinEnd: '330' } },
      { chatId: 1001, lang: 'ru', key: 'moved_away', params: { pinEnd: '330' } },
    ]);
  });

  it('refuses a forged state with a localized page', async () => {
    const browser = new Browser('en');
    const res = await browser.get(
      `${base}/auth/callback?code=abc&state=${randomBytes(32).toString('base64url')}`,
    );
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('This sign-in link is not valid');
    expect(html).toContain('Go back to the bot and press “Sign in” again.');
    const none = await browser.get(`${base}/auth/callback`);
    expect(none.status).toBe(400);
    expect(notices).toEqual([]);
  });

  it('refuses a state that is not the one the code was issued for', async () => {
    // a real code from one sign-in, presented with another (valid, unused) sign-in's state
    const browser = new Browser();
    const first = await identity.startSignIn(2001, 2001);
    const form = await openForm(browser, first.url);
    const posted = await browser.post(form.action, { pin: OTHER_PIN });
    let location = new URL(posted.headers.get('location') ?? '', form.action).href;
    while (!location.startsWith(`${base}/auth/callback`)) {
      const r = await browser.get(location);
      location = new URL(r.headers.get('location') ?? '', location).href;
    }
    const callback = new URL(location);
    const second = await identity.startSignIn(2002, 2002);
    const open = await identity.openSignIn(second.url.split('/').pop() ?? '');
    if (!open.ok) throw new Error('not open');
    callback.searchParams.set('state', open.state);
    const res = await browser.get(callback.href);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('auth-error');
    expect(await identity.linkedPin(2002)).toBeNull();
    expect(await identity.linkedPin(2001)).toBeNull();
    expect(notices).toEqual([]);
  });

  it('refuses an expired link with a localized page', async () => {
    const browser = new Browser('ru');
    const { url } = await identity.startSignIn(3001, 3001);
    clock.shift(10 * 60_000 + 1_000);
    const res = await browser.get(url);
    expect(res.status).toBe(410);
    const html = await res.text();
    expect(html).toContain('<html lang="ru">');
    expect(html).toContain('Срок этой ссылки для входа истёк');
    expect(await t.db.identityLink.count({ where: { telegramId: 3001n } })).toBe(0);
  });

  it('expires a sign-in whose page stayed open too long, even after the IdP said yes', async () => {
    const browser = new Browser();
    const { url } = await identity.startSignIn(1002, 1002);
    const form = await openForm(browser, url);
    clock.shift(10 * 60_000 + 1_000);
    const back = await submitPin(browser, form.action, OTHER_PIN);
    expect(back.res.status).toBe(410);
    expect(back.html).toContain('шилтемесинин мөөнөтү бүттү');
    expect(await identity.linkedPin(1002)).toBe(KNOWN_PIN);
    expect(notices).toEqual([]);
  });

  it('says so when the person cancels at the IdP', async () => {
    const browser = new Browser('ky');
    const { url } = await identity.startSignIn(4001, 4001);
    const open = await identity.openSignIn(url.split('/').pop() ?? '');
    if (!open.ok) throw new Error('not open');
    const res = await browser.get(`${base}/auth/callback?error=access_denied&state=${open.state}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Кирүү жокко чыгарылды');
    // the link still works afterwards (nothing was used)
    expect((await identity.openSignIn(url.split('/').pop() ?? '')).ok).toBe(true);
  });

  it('refuses an unknown token without touching the IdP', async () => {
    const res = await new Browser('ky').get(`${base}/auth/start/${'A'.repeat(43)}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Бул кирүү шилтемеси жараксыз');
    const odd = await new Browser('ky').get(`${base}/auth/start/%3Cscript%3E`);
    expect(odd.status).toBe(400);
    expect(await odd.text()).not.toContain('<script>');
  });

  it('answers an expired IdP page with a localized "start again" page', async () => {
    const res = await new Browser('ru').get(`${base}/demo-idp/interaction/nosuchinteraction`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Вернитесь в бот и снова нажмите «Войти»');
  });
});

describe('the demo identity provider outside demo mode', () => {
  it('refuses to be built or started', async () => {
    const client = {
      clientId: 'kattoo',
      clientSecret: 'x'.repeat(32),
      redirectUris: ['https://k.example/auth/callback'],
    };
    expect(() => createDemoIdp({ demo: false, issuer: 'https://k.example/demo-idp', client })).toThrow(
      DemoIdpRefused,
    );
    await expect(startDemoIdp({ demo: false, client })).rejects.toThrow(DemoIdpRefused);
  });
});

describe('catalogues of sign-in, identity and staff (K-CORE-7)', () => {
  for (const ns of ['auth', 'parent', 'staff']) {
    it(`${ns}: the same keys in ky, ru and en`, () => {
      const ky = catalogueKeys('ky', ns);
      expect(ky.length).toBeGreaterThan(5);
      expect(catalogueKeys('ru', ns)).toEqual(ky);
      expect(catalogueKeys('en', ns)).toEqual(ky);
    });
  }
  it('idp: the same keys in ky, ru and en', async () => {
    const { readFileSync } = await import('node:fs');
    const keys = (lang: string) => {
      const out: string[] = [];
      const walk = (o: Record<string, unknown>, pre: string) => {
        for (const [k, v] of Object.entries(o)) {
          if (v && typeof v === 'object') walk(v as Record<string, unknown>, `${pre}${k}.`);
          else out.push(`${pre}${k}`);
        }
      };
      walk(JSON.parse(readFileSync(new URL(`../../locales/${lang}/idp.json`, import.meta.url), 'utf8')), '');
      return out.sort();
    };
    expect(keys('ru')).toEqual(keys('ky'));
    expect(keys('en')).toEqual(keys('ky'));
  });
});
