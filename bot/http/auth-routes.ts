// The sign-in links the bot sends (K-ID-1, contract: "the sign-in links the bot sends (/auth/…)"):
//   GET /auth/start/:token  a one-time link → the state sign-in's authorization URL (PKCE, state, nonce)
//   GET /auth/callback      the state sign-in sends the browser back: verify, link the PIN, confirm in
//                           the chat, and show a small page "you are signed in, return to Telegram"
// Every failure (unknown, used or expired link, forged state, the IdP refusing or unreachable) is a
// localized page saying what happened and what to do. The routes do not know the bot: `notify` sends
// the confirmation. Nothing personal is logged: the PIN never, tokens never.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../core/logger.ts';
import { OidcError, type OidcFailure, type RelyingParty } from '../../core/oidc/relying-party.ts';
import type { IdentityService, SignInProblem } from '../../core/services/identity.ts';
import { isUiLanguage, translator, type UiLanguage } from '../i18n.ts';

/** What the bot tells the chat after a sign-in: keys under `parent:notify.`. */
export type AuthNotice = 'linked' | 'moved_away';

export type AuthRoutesDeps = {
  identity: Pick<IdentityService, 'openSignIn' | 'signInByState' | 'completeSignIn'>;
  /** the relying party (a function when it is built after the server listens) */
  relyingParty: RelyingParty | (() => RelyingParty);
  /** sends a message to a chat in a language: `parent:notify.<key>` with `params` */
  notify(chatId: number, lang: UiLanguage, key: AuthNotice, params?: Record<string, string>): Promise<void>;
  log: Logger;
  /** `https://t.me/<bot username>` for the "return to Telegram" link (a function: known after bot.init()) */
  botUrl?: string | (() => string | undefined);
};

type PageProblem = SignInProblem | OidcFailure | 'cancelled' | 'internal';

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
};

function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The page's language: the user's language in the bot, else the browser's, else Kyrgyz. */
function pageLanguage(chosen: string | null | undefined, acceptLanguage: string | undefined): UiLanguage {
  if (isUiLanguage(chosen)) return chosen;
  for (const tag of (acceptLanguage ?? '').split(',')) {
    const base = tag.trim().split(/[-;]/)[0]?.toLowerCase();
    if (isUiLanguage(base)) return base;
  }
  return 'ky';
}

function page(
  lang: UiLanguage,
  opts: { heading: string; paragraphs: string[]; botUrl?: string; ok: boolean },
) {
  const t = translator(lang);
  const back = opts.botUrl
    ? `<p><a class="button" href="${escapeHtml(opts.botUrl)}">${escapeHtml(t('auth:back_to_bot'))}</a></p>`
    : '';
  const colour = opts.ok ? '#1e7b34' : '#a4161a';
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(t('auth:title'))}</title>
<style>body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#eef2f6;color:#1b2530}
main{max-width:28rem;margin:2rem auto;background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin:0 0 .75rem;color:${colour}}.code{color:#5a6877;font-size:.8rem}
a.button{display:inline-block;padding:.6rem 1rem;border-radius:8px;background:#1d5fa8;color:#fff;text-decoration:none;font-weight:600}</style>
</head>
<body>
<main data-testid="${opts.ok ? 'auth-ok' : 'auth-error'}">
<h1>${escapeHtml(opts.heading)}</h1>
${opts.paragraphs.map((p) => `<p>${p}</p>`).join('\n')}
${back}
</main>
</body>
</html>`;
}

const STATUS: Record<PageProblem, number> = {
  unknown: 400,
  used: 410,
  expired: 410,
  cancelled: 400,
  idp_error: 400,
  exchange_failed: 400,
  unreachable: 503,
  no_pin: 400,
  invalid_pin: 400,
  internal: 500,
};

export function registerAuthRoutes(app: FastifyInstance, deps: AuthRoutesDeps): void {
  const rp = () => (typeof deps.relyingParty === 'function' ? deps.relyingParty() : deps.relyingParty);
  const botUrl = () => (typeof deps.botUrl === 'function' ? deps.botUrl() : deps.botUrl);
  const log = deps.log.child({ component: 'auth' });

  function problemPage(reply: FastifyReply, lang: UiLanguage, problem: PageProblem, code?: string) {
    const t = translator(lang);
    const paragraphs = [escapeHtml(t(`auth:errors.${problem}`))];
    paragraphs.push(`<b>${escapeHtml(t('auth:what_to_do'))}</b>`);
    if (code)
      paragraphs.push(`<span class="code">${escapeHtml(t('auth:error_code'))}: ${escapeHtml(code)}</span>`);
    return reply
      .code(STATUS[problem])
      .headers(SECURITY_HEADERS)
      .type('text/html; charset=utf-8')
      .send(page(lang, { heading: t('auth:errors.heading'), paragraphs, botUrl: botUrl(), ok: false }));
  }

  const acceptLanguage = (req: FastifyRequest) => req.headers['accept-language'];

  app.get<{ Params: { token: string } }>('/auth/start/:token', async (req, reply) => {
    const open = await deps.identity.openSignIn(req.params.token);
    if (!open.ok) {
      log.info({ event: 'sign_in_start', result: open.reason }, 'sign-in link refused');
      return problemPage(reply, pageLanguage(open.language, acceptLanguage(req)), open.reason);
    }
    const lang = pageLanguage(open.language, acceptLanguage(req));
    try {
      const url = await rp().authorizationUrl(open, { uiLocales: lang });
      log.info({ event: 'sign_in_start', result: 'redirect' }, 'sign-in link opened');
      return reply.code(302).headers(SECURITY_HEADERS).header('location', url.href).send();
    } catch (e) {
      const failure = e instanceof OidcError ? e.failure : 'internal';
      log.warn(
        { event: 'sign_in_start', result: failure, err: e instanceof Error ? e.message : String(e) },
        'sign-in could not start',
      );
      return problemPage(reply, lang, failure === 'unreachable' ? 'unreachable' : 'internal');
    }
  });

  app.get('/auth/callback', async (req, reply) => {
    const raw = req.raw.url ?? '';
    const query = new URLSearchParams(raw.includes('?') ? raw.slice(raw.indexOf('?') + 1) : '');
    const state = query.get('state') ?? '';
    const open = await deps.identity.signInByState(state);
    if (!open.ok) {
      log.info({ event: 'sign_in_callback', result: `state_${open.reason}` }, 'callback refused');
      return problemPage(reply, pageLanguage(open.language, acceptLanguage(req)), open.reason);
    }
    const lang = pageLanguage(open.language, acceptLanguage(req));
    const error = query.get('error');
    if (error) {
      const problem = error === 'access_denied' ? 'cancelled' : 'idp_error';
      const code = /^[A-Za-z0-9_.-]{1,64}$/.test(error) ? error : undefined;
      log.info({ event: 'sign_in_callback', result: problem, code }, 'the IdP returned an error');
      return problemPage(reply, lang, problem, code);
    }

    let pin: string;
    try {
      pin = (await rp().callback(query, open)).pin;
    } catch (e) {
      const failure: PageProblem = e instanceof OidcError ? e.failure : 'internal';
      const code = e instanceof OidcError ? e.code : undefined;
      log.warn({ event: 'sign_in_callback', result: failure, code }, 'sign-in did not verify');
      return problemPage(reply, lang, failure, code);
    }

    const linked = await deps.identity.completeSignIn(state, pin);
    if (!linked.ok) {
      log.info({ event: 'sign_in_callback', result: linked.reason }, 'sign-in not completed');
      return problemPage(reply, lang, linked.reason);
    }
    log.info(
      {
        event: 'sign_in_callback',
        result: 'linked',
        replaced: linked.replacedPin,
        moved: linked.movedFrom !== null,
      },
      'person linked',
    );

    // Confirm in the chat (and warn the account that lost the PIN); a failed message does not undo the link.
    const chatLang = isUiLanguage(linked.language) ? linked.language : lang;
    await deps
      .notify(linked.chatId, chatLang, 'linked', { pinEnd: linked.pinEnd })
      .catch((e) => log.warn({ err: String(e) }, 'could not confirm the sign-in in the chat'));
    if (linked.movedFrom) {
      const oldLang = isUiLanguage(linked.movedFrom.language) ? linked.movedFrom.language : 'ky';
      await deps
        .notify(linked.movedFrom.telegramId, oldLang, 'moved_away', { pinEnd: linked.pinEnd })
        .catch((e) => log.warn({ err: String(e) }, 'could not tell the previous account'));
    }

    const t = translator(lang);
    const paragraphs = [escapeHtml(t('auth:signed_in.text', { pinEnd: linked.pinEnd }))];
    if (linked.movedFrom) paragraphs.push(escapeHtml(t('auth:signed_in.moved')));
    return reply
      .code(200)
      .headers(SECURITY_HEADERS)
      .type('text/html; charset=utf-8')
      .send(page(lang, { heading: t('auth:signed_in.heading'), paragraphs, botUrl: botUrl(), ok: true }));
  });
}
