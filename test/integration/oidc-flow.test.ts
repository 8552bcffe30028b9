// K-ID-1 over real HTTP: the one-time sign-in link → the demo identity provider (oidc-provider,
// mounted at /demo-idp in the same Fastify, as in demo mode) → its PIN form → back to /auth/callback
// → the PIN is linked to the Telegram user and the chat is told. Followed with fetch, redirects by
// hand and a cookie jar, like a browser. Refused: a forged state, a reused link, an expired link.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { Bot, type Transformer } from 'grammy';
import type { Update } from 'grammy/types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BotContext } from '../../bot/context.ts';
import { identityNotifier, parentIdentityFeature } from '../../bot/features/parent/identity.ts';
import { staffLinkFeature, staffMiddleware } from '../../bot/features/staff/link.ts';
import { registerAuthRoutes } from '../../bot/http/auth-routes.ts';
import { catalogueKeys, translator, type UiLanguage } from '../../bot/i18n.ts';
import { staffInviteCommand, staffRevokeCommand } from '../../cli/staff.ts';
import { AdjustableClock } from '../../core/clock.ts';
import { createLogger } from '../../core/logger.ts';
import { createRelyingParty, demoOidcConfig, type RelyingParty } from '../../core/oidc/index.ts';
import { RegistryUnavailableError } from '../../core/registry/errors.ts';
import type { BirthRecord, Guardianship, Person } from '../../core/registry/types.ts';
import { type IdentityService, identityService, type StaffLink } from '../../core/services/identity.ts';
import { type MyDataRegistry, myDataService } from '../../core/services/my-data.ts';
import {
  createDemoIdp,
  type DemoIdp,
  DemoIdpRefused,
  mountDemoIdp,
  startDemoIdp,
} from '../../sim/idp/index.ts';
import { parseTelegramHtml } from '../../sim/telegram/html.ts';
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
      botUrl: () => 'https://t.me/kattoo_bot',
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
    expect(authorize.searchParams.get('prompt')).toBe('login');
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

    // the same browser, another sign-in: the IdP asks again (prompt=login), it does not reuse the person
    const again = await identity.startSignIn(1003, 1003);
    const second = await openForm(browser, again.url);
    expect(second.html).toMatch(/<input id="pin" name="pin"/);
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

// --- the same, through the bot -------------------------------------------------------------------

const PARENT_PIN = '20205199401330';
const DAUGHTER = '12003201900011';
const WARD = '20107202000022';
const STRANGER = '11111201800033';

/** A registry with one family: a daughter (birth record), a ward (guardianship only), and a child the
 * index names but whose records do not link to the parent (must not be shown). */
function familyRegistry(down = false): MyDataRegistry {
  const persons = new Map<string, Person>([
    [
      PARENT_PIN,
      {
        pin: PARENT_PIN,
        surname: 'Асанов',
        name: 'Бакыт',
        patronymic: 'Төлөнович',
        sex: 'M',
        birthDate: '1994-05-02',
      },
    ],
    [WARD, { pin: WARD, surname: 'Үсөнов', name: 'Нурбек', sex: 'M', birthDate: '2020-07-01' }],
    [STRANGER, { pin: STRANGER, surname: 'Жоробеков', name: 'Эмил', sex: 'M', birthDate: '2018-11-11' }],
  ]);
  const records = new Map<string, BirthRecord>([
    [
      DAUGHTER,
      {
        childPin: DAUGHTER,
        certificate: { series: 'I-АЖ', number: '0123456', issuedBy: 'ЗАГС <Бишкек>', issuedOn: '2019-03-25' },
        fatherPin: PARENT_PIN,
        motherPin: '11505199500010',
        birthDate: '2019-03-20',
        sex: 'F',
        surname: 'Асанова',
        name: 'Айзада',
        patronymic: 'Бакытовна',
      },
    ],
    [
      STRANGER,
      {
        childPin: STRANGER,
        certificate: { series: 'KG', number: '999', issuedBy: 'x', issuedOn: '2018-11-12' },
        fatherPin: '20101198000001',
        birthDate: '2018-11-11',
        sex: 'M',
        surname: 'Жоробеков',
        name: 'Эмил',
      },
    ],
  ]);
  const guardians = new Map<string, Guardianship[]>([
    [WARD, [{ guardianPin: PARENT_PIN, kind: 'guardian', since: '2021-01-01' }]],
  ]);
  const fail = () => {
    if (down) throw new RegistryUnavailableError({ service: 'personByPin' }, { reason: 'network' });
  };
  return {
    async personByPin(pin) {
      fail();
      return persons.get(pin) ?? null;
    },
    async birthRecord(pin) {
      fail();
      return records.get(pin) ?? null;
    },
    async guardianship(pin) {
      fail();
      return persons.has(pin) || records.has(pin) ? (guardians.get(pin) ?? []) : null;
    },
    async childrenOf(pin) {
      fail();
      return pin === PARENT_PIN ? [STRANGER, WARD, DAUGHTER, DAUGHTER] : [];
    },
  };
}

type Sent = { method: string; payload: Record<string, unknown> };

/** The bot's identity features over a recording API (every HTML text is checked as Telegram would). */
function testBot(deps: {
  identity: IdentityService;
  registry: () => MyDataRegistry;
  clock: AdjustableClock;
  langs: Map<number, UiLanguage>;
}) {
  const bot = new Bot<BotContext>('7000000001:TEST-TOKEN-FOR-IDENTITY-FLOW', {
    botInfo: {
      id: 7000000001,
      is_bot: true,
      first_name: 'Kattoo',
      username: 'kattoo_bot',
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    },
  });
  const sent: Sent[] = [];
  const staffSeen: StaffLink[][] = [];
  let messageId = 100;
  const transformer: Transformer = async (_prev, method, payload) => {
    const p = (payload ?? {}) as Record<string, unknown>;
    sent.push({ method, payload: p });
    if (p.parse_mode === 'HTML' && typeof p.text === 'string') parseTelegramHtml(p.text);
    const result =
      method === 'sendMessage' || method === 'editMessageText'
        ? { message_id: ++messageId, date: 0, chat: { id: p.chat_id, type: 'private' }, text: p.text }
        : true;
    return { ok: true, result } as never;
  };
  bot.api.config.use(transformer);
  const log = createLogger('silent');
  bot.use(async (ctx, next) => {
    ctx.log = log;
    ctx.lang = (ctx.from && deps.langs.get(ctx.from.id)) || 'ky';
    ctx.langChosen = true;
    ctx.t = translator(ctx.lang);
    await next();
  });
  bot.use(staffMiddleware({ identity: deps.identity }));
  bot.use(async (ctx, next) => {
    staffSeen.push(ctx.staff ?? []);
    await next();
  });
  bot.use(staffLinkFeature({ identity: deps.identity }));
  bot.use(
    parentIdentityFeature({
      identity: deps.identity,
      myData: {
        myData: (id) =>
          myDataService({ identity: deps.identity, registry: deps.registry(), clock: deps.clock }).myData(id),
      },
    }),
  );
  let updateId = 0;
  const from = (id: number) => ({ id, is_bot: false, first_name: 'Бакыт' });
  return {
    bot,
    sent,
    staffSeen,
    notify: identityNotifier(bot.api),
    text(
      userId: number,
      text: string,
      chat: { id: number; type: 'private' | 'group' } = { id: userId, type: 'private' },
    ) {
      const command = /^\/\w+/.exec(text)?.[0];
      const update = {
        update_id: ++updateId,
        message: {
          message_id: ++messageId,
          date: 0,
          chat: chat.type === 'private' ? { ...chat, first_name: 'Бакыт' } : { ...chat, title: 'staff' },
          from: from(userId),
          text,
          ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command.length }] } : {}),
        },
      } as unknown as Update;
      return bot.handleUpdate(update);
    },
    press(userId: number, data: string) {
      const update = {
        update_id: ++updateId,
        callback_query: {
          id: String(++messageId),
          from: from(userId),
          chat_instance: 'ci',
          data,
          message: {
            message_id: 1,
            date: 0,
            chat: { id: userId, type: 'private', first_name: 'Бакыт' },
            text: 'x',
          },
        },
      } as unknown as Update;
      return bot.handleUpdate(update);
    },
    last(method?: string): Sent {
      const list = method ? sent.filter((s) => s.method === method) : sent;
      const l = list[list.length - 1];
      if (!l) throw new Error(`nothing sent${method ? ` with ${method}` : ''}`);
      return l;
    },
  };
}

type Keyboard = { inline_keyboard: { text: string; url?: string; callback_data?: string }[][] };
const buttons = (s: Sent) => ((s.payload.reply_markup as Keyboard | undefined)?.inline_keyboard ?? []).flat();

describe('through the bot: sign in, see my data, unlink; staff invites (K-ID-1, K-ID-2)', () => {
  let t: TestDatabase;
  let app: FastifyInstance;
  let base: string;
  let identity: IdentityService;
  let idp: DemoIdp | undefined;
  let rp: RelyingParty | undefined;
  let tb: ReturnType<typeof testBot>;
  let registryDown = false;
  const clock = new AdjustableClock(new Date('2026-04-02T06:00:00Z'));
  const langs = new Map<number, UiLanguage>([
    [7001, 'ky'],
    [7002, 'ru'],
    [8001, 'ky'],
  ]);

  beforeAll(async () => {
    t = await createTestDatabase();
    identity = identityService({ db: t.db, clock, publicUrl: () => base });
    tb = testBot({ identity, registry: () => familyRegistry(registryDown), clock, langs });
    app = Fastify({ logger: false, forceCloseConnections: true });
    await mountDemoIdp(app, () => idp);
    registerAuthRoutes(app, {
      identity,
      relyingParty: () => rp as RelyingParty,
      notify: (chatId, lang, key, params) => tb.notify(chatId, lang, key, params),
      log: createLogger('silent'),
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
    });
    rp = createRelyingParty(config);
    const names = (s: string) => ({ nameKy: s, nameRu: s, nameEn: s });
    await t.db.territory.create({ data: { id: 'KG-GB', kind: 'city', ...names('Бишкек шаары') } });
    await t.db.territory.create({
      data: { id: 'KG-GB-LEN', kind: 'city_district', parentId: 'KG-GB', ...names('Ленин району') },
    });
    await t.db.school.create({
      data: {
        code: '10001',
        districtId: 'KG-GB-LEN',
        settlement: 'Бишкек',
        languages: ['ky'],
        nameKy: '№ 5 мектеп-гимназия',
        nameRu: 'Школа-гимназия № 5',
        nameEn: 'School-gymnasium No. 5',
        addressKy: 'a',
        addressRu: 'a',
        addressEn: 'a',
      },
    });
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('an unlinked parent gets a one-time sign-in button, signs in, is told in the chat and sees the children in Kyrgyz', async () => {
    await tb.text(7001, '/mydata');
    const offer = tb.last('sendMessage');
    expect(offer.payload.text).toContain('Менин маалыматтарым');
    const signIn = buttons(offer).find((b) => b.url);
    expect(signIn?.text).toBe('🔐 Кирүү');
    expect(signIn?.url).toMatch(new RegExp(`^${base}/auth/start/[A-Za-z0-9_-]{43}$`));

    const browser = new Browser('ky');
    const start = await browser.get(signIn?.url ?? '');
    const form = await browser.follow(new URL(start.headers.get('location') ?? '').href);
    const html = await form.res.text();
    expect(html).toContain('<html lang="ky">');
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&') ?? '';
    const posted = await browser.post(new URL(action, form.url).href, { pin: PARENT_PIN });
    const back = await browser.follow(new URL(posted.headers.get('location') ?? '', form.url).href);
    expect(back.res.status).toBe(200);
    expect(await back.res.text()).toContain('Сиз кирдиңиз');

    const confirmation = tb.last('sendMessage');
    expect(confirmation.payload.chat_id).toBe(7001);
    expect(confirmation.payload.text).toContain('Сиз кирдиңиз');
    expect(confirmation.payload.text).toContain('330');
    expect(buttons(confirmation).map((b) => b.callback_data)).toEqual(['my']);

    await tb.press(7001, 'my');
    const mine = tb.last('editMessageText');
    const text = String(mine.payload.text);
    expect(text).toContain('Асанов Бакыт Төлөнович');
    expect(text).toContain('•••••••••••330');
    expect(text).not.toContain(PARENT_PIN);
    expect(text).toContain('Реестрлердеги балдарыңыз');
    expect(text).toContain('Асанова Айзада Бакытовна');
    expect(text).toContain('сиз — атасы');
    expect(text).toContain('I-АЖ № 0123456');
    expect(text).toContain('Үсөнов Нурбек');
    expect(text).toContain('сиз — камкорчусу');
    expect(text).toContain('реестрде туулгандыгы тууралуу жазуу жок');
    expect(text).not.toContain('Жоробеков');
    // older child first
    expect(text.indexOf('Айзада')).toBeLessThan(text.indexOf('Нурбек'));
  });

  it('a used sign-in button is refused', async () => {
    const offer = tb.sent.find((s) => buttons(s).some((b) => b.url));
    const url = buttons(offer as Sent).find((b) => b.url)?.url ?? '';
    const res = await new Browser('ky').get(url);
    expect(res.status).toBe(410);
  });

  it('a second Telegram account cannot take the same PIN silently', async () => {
    await tb.text(7002, '/mydata');
    const url = buttons(tb.last('sendMessage')).find((b) => b.url)?.url ?? '';
    const browser = new Browser('ru');
    const start = await browser.get(url);
    const form = await browser.follow(new URL(start.headers.get('location') ?? '').href);
    const action =
      /<form method="post" action="([^"]+)"/.exec(await form.res.text())?.[1]?.replace(/&amp;/g, '&') ?? '';
    const posted = await browser.post(new URL(action, form.url).href, { pin: PARENT_PIN });
    const back = await browser.follow(new URL(posted.headers.get('location') ?? '', form.url).href);
    expect(await back.res.text()).toContain('Раньше этот ПИН был связан с другим аккаунтом Telegram');
    const warned = tb.sent.filter((s) => s.method === 'sendMessage' && s.payload.chat_id === 7001).pop();
    expect(warned?.payload.text).toContain('башка Telegram аккаунтуна байланды');
    expect(await identity.linkedPin(7001)).toBeNull();
    expect(await identity.linkedPin(7002)).toBe(PARENT_PIN);
  });

  it('says clearly when the registry is down, and stays usable', async () => {
    registryDown = true;
    try {
      await tb.text(7002, '/mydata');
      const msg = tb.last('sendMessage');
      expect(msg.payload.text).toContain('Государственные реестры сейчас не отвечают');
      expect(buttons(msg).map((b) => b.callback_data)).toContain('my');
    } finally {
      registryDown = false;
    }
  });

  it('unlinks after a confirmation; forged buttons change nothing', async () => {
    await tb.press(7002, 'uly|7001');
    await tb.press(7002, 'ul ');
    expect(await identity.linkedPin(7002)).toBe(PARENT_PIN);
    await tb.press(7002, 'ul');
    const ask = tb.last('editMessageText');
    expect(ask.payload.text).toContain('Отвязать ваш аккаунт Telegram');
    expect(buttons(ask).map((b) => b.callback_data)).toEqual(['uly', 'my']);
    expect(await identity.linkedPin(7002)).toBe(PARENT_PIN);
    await tb.press(7002, 'uly');
    expect(tb.last('editMessageText').payload.text).toContain('Отвязано');
    expect(await identity.linkedPin(7002)).toBeNull();
    await tb.text(7002, '/mydata');
    expect(buttons(tb.last('sendMessage')).some((b) => b.url?.includes('/auth/start/'))).toBe(true);
  });

  it('links staff by a one-time deep link from the command line; revocation takes effect on the next update', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: {}, clock };
    expect(await staffInviteCommand(t.db, ['invite', '--role', 'director', '--scope', '10001'], io)).toBe(0);
    expect(out).toHaveLength(1);
    const link = out[0] ?? '';
    expect(link).toMatch(/^https:\/\/t\.me\/kattoo_bot\?start=staff_[A-Za-z0-9_-]{32}$/);
    const payload = new URL(link).searchParams.get('start') ?? '';
    expect(payload.length).toBeLessThanOrEqual(64);

    // opened in a group: refused, nothing used
    await tb.text(8001, `/start ${payload}`, { id: -100, type: 'group' });
    expect(tb.last('sendMessage').payload.text).toBe(translator('ky')('staff:invite.private_only'));

    await tb.text(8001, `/start ${payload}`);
    const welcome = String(tb.last('sendMessage').payload.text);
    expect(welcome).toContain('Кош келиңиз, Бакыт!');
    expect(welcome).toContain('<b>мектеп директору</b>');
    expect(welcome).toContain('№ 5 мектеп-гимназия (коду 10001)');

    await tb.text(8001, '/mydata');
    const seen = tb.staffSeen[tb.staffSeen.length - 1] ?? [];
    expect(seen.map((s) => [s.role, s.scope.kind])).toEqual([['director', 'school']]);
    const staffId = seen[0]?.id ?? 0;

    // the same link again (another account): refused
    await tb.text(8002, `/start ${payload}`);
    expect(tb.last('sendMessage').payload.text).toBe(translator('ky')('staff:invite.used'));
    await tb.text(8002, '/start staff_<forged>');
    expect(tb.last('sendMessage').payload.text).toBe(translator('ky')('staff:invite.unknown'));

    out.length = 0;
    expect(await staffRevokeCommand(t.db, ['revoke', '--id', String(staffId)], io)).toBe(0);
    expect(out[0]).toContain(`revoked staff link ${staffId}`);
    await tb.text(8001, '/mydata');
    expect(tb.staffSeen[tb.staffSeen.length - 1]).toEqual([]);
    expect(await staffRevokeCommand(t.db, ['revoke', '--id', String(staffId)], io)).toBe(1);
    expect(await staffRevokeCommand(t.db, ['revoke'], io)).toBe(2);

    const events = await t.db.auditEvent.findMany({ where: { subject: `staff:${staffId}` } });
    expect(events.map((e) => [e.action, e.actorKind])).toEqual([
      ['staff.invite.accepted', 'telegram'],
      ['staff.revoked', 'cli'],
    ]);
  });

  it('the command line refuses a scope that does not exist or does not fit', async () => {
    const err: string[] = [];
    const io = {
      out: () => {},
      err: (l: string) => err.push(l),
      env: { TELEGRAM_BOT_USERNAME: 'my_kattoo_bot' },
      clock,
    };
    expect(await staffInviteCommand(t.db, ['invite', '--role', 'director', '--scope', 'NOPE'], io)).toBe(1);
    expect(await staffInviteCommand(t.db, ['invite', '--role', 'ministry', '--scope', 'KG-GB'], io)).toBe(1);
    expect(await staffInviteCommand(t.db, ['invite', '--role', 'janitor'], io)).toBe(2);
    expect(await staffInviteCommand(t.db, ['invite'], io)).toBe(2);
    expect(err.join('\n')).toContain('no school with that code');
    const out: string[] = [];
    const ok = await staffInviteCommand(t.db, ['invite', '--role', 'district', '--scope', 'KG-GB'], {
      ...io,
      out: (l: string) => out.push(l),
    });
    expect(ok).toBe(0);
    expect(out[0]).toMatch(/^https:\/\/t\.me\/my_kattoo_bot\?start=staff_/);
  });
});
