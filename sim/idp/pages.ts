// The demo identity provider's pages: a plain HTML sign-in form (input `pin`) and an error page, in
// Kyrgyz, Russian and English from `locales/{ky,ru,en}/idp.json`. No scripts, no outside resources.
import { readFileSync } from 'node:fs';

export const IDP_LANGUAGES = ['ky', 'ru', 'en'] as const;
export type IdpLanguage = (typeof IDP_LANGUAGES)[number];

type Catalogue = { [key: string]: string | Catalogue };
const catalogues = new Map<IdpLanguage, Catalogue>();

function catalogue(lang: IdpLanguage): Catalogue {
  let c = catalogues.get(lang);
  if (!c) {
    c = JSON.parse(
      readFileSync(new URL(`../../locales/${lang}/idp.json`, import.meta.url), 'utf8'),
    ) as Catalogue;
    catalogues.set(lang, c);
  }
  return c;
}

/** A message of the catalogue, e.g. `t('ru', 'errors.empty')`; the key itself when missing. */
export function idpText(lang: IdpLanguage, key: string): string {
  let node: string | Catalogue | undefined = catalogue(lang);
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' ? node : key;
}

export function isIdpLanguage(v: unknown): v is IdpLanguage {
  return typeof v === 'string' && (IDP_LANGUAGES as readonly string[]).includes(v);
}

/** The page's language: an explicit choice, then the request's `ui_locales`, then the browser's, then Kyrgyz. */
export function pickLanguage(...candidates: (string | undefined | null)[]): IdpLanguage {
  for (const c of candidates) {
    if (!c) continue;
    for (const tag of c.split(/[\s,]+/)) {
      const base = tag.split(/[-_;]/)[0]?.toLowerCase();
      if (isIdpLanguage(base)) return base;
    }
  }
  return 'ky';
}

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#eef2f6;color:#1b2530}
main{max-width:28rem;margin:2rem auto;background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin:0 0 .5rem}.demo{background:#fff6d6;border:1px solid #e8d48a;border-radius:8px;padding:.75rem;font-size:.92rem}
label{display:block;font-weight:600;margin:1rem 0 .25rem}input{font:inherit;width:100%;box-sizing:border-box;padding:.6rem;border:1px solid #9aa8b6;border-radius:8px;letter-spacing:.05em}
.hint{color:#5a6877;font-size:.85rem}.error{color:#a4161a;background:#fde8e8;border-radius:8px;padding:.6rem;margin-top:.75rem}
button{font:inherit;margin-top:1rem;width:100%;padding:.7rem;border:0;border-radius:8px;background:#1d5fa8;color:#fff;font-weight:600;cursor:pointer}
nav{font-size:.85rem;margin-bottom:1rem}nav a{margin-right:.6rem}.code{color:#5a6877;font-size:.8rem}`;

function layout(lang: IdpLanguage, title: string, body: string, languageLinks: string): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${languageLinks}
${body}
</main>
</body>
</html>`;
}

function languageNav(lang: IdpLanguage, hrefFor: ((l: IdpLanguage) => string) | undefined): string {
  if (!hrefFor) return '';
  const names: Record<IdpLanguage, string> = { ky: 'Кыргызча', ru: 'Русский', en: 'English' };
  const links = IDP_LANGUAGES.map((l) =>
    l === lang ? `<b>${names[l]}</b>` : `<a href="${escapeHtml(hrefFor(l))}" hreflang="${l}">${names[l]}</a>`,
  ).join(' ');
  return `<nav aria-label="${escapeHtml(idpText(lang, 'language'))}">${links}</nav>`;
}

export type SignInPage = {
  lang: IdpLanguage;
  /** where the form posts */
  action: string;
  /** the language links (same page, another language) */
  hrefFor?: (l: IdpLanguage) => string;
  /** a key under `errors.` when the last PIN was refused */
  error?: string;
  /** what the person typed, shown again after a refusal */
  value?: string;
};

/** The sign-in form: one input named `pin`, the demo notice, a clear message for a refused PIN. */
export function signInPage(p: SignInPage): string {
  const t = (k: string) => escapeHtml(idpText(p.lang, k));
  const error = p.error
    ? `<p class="error" role="alert" id="pin-error" data-testid="pin-error">${t(`errors.${p.error}`)}</p>`
    : '';
  const body = `<h1>${t('heading')}</h1>
<p>${t('client')}</p>
<p class="demo" data-testid="demo-notice">${t('demo_notice')}</p>
<form method="post" action="${escapeHtml(p.action)}" autocomplete="off" novalidate>
<label for="pin">${t('pin_label')}</label>
<input id="pin" name="pin" inputmode="numeric" maxlength="40" required value="${escapeHtml(p.value ?? '')}"
 aria-describedby="pin-hint${p.error ? ' pin-error' : ''}"${p.error ? ' aria-invalid="true"' : ''} autofocus>
<div class="hint" id="pin-hint">${t('pin_hint')}</div>
${error}
<button type="submit">${t('submit')}</button>
</form>`;
  return layout(p.lang, idpText(p.lang, 'title'), body, languageNav(p.lang, p.hrefFor));
}

/** An error page: what happened and what to do (go back to the bot and press Sign in again). */
export function idpErrorPage(
  lang: IdpLanguage,
  messageKey: 'session_expired' | 'generic_error',
  code?: string,
): string {
  const t = (k: string) => escapeHtml(idpText(lang, k));
  const codeLine =
    code && /^[A-Za-z0-9_.:-]{1,64}$/.test(code)
      ? `<p class="code">${t('error_code')}: ${escapeHtml(code)}</p>`
      : '';
  const body = `<h1>${t('error_title')}</h1>
<p data-testid="idp-error">${t(messageKey)}</p>
${codeLine}`;
  return layout(lang, idpText(lang, 'error_title'), body, '');
}
