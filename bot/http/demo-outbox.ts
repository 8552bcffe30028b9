// Demo only: the page showing the SMS and e-mail Kattoo would have sent (K-NOTE-2), in ky/ru/en.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { LocalOutbox } from '../../core/notifications/channels.ts';
import { esc } from '../format/html.ts';
import { DEFAULT_LANGUAGE, isUiLanguage, type UiLanguage } from '../i18n.ts';

const labels = (lang: UiLanguage) =>
  JSON.parse(readFileSync(new URL(`../../locales/${lang}/outbox.json`, import.meta.url), 'utf8')) as Record<
    string,
    string
  >;

export function registerDemoOutbox(app: FastifyInstance, outbox: LocalOutbox): void {
  app.get('/demo/outbox', async (req, reply) => {
    const q = (req.query as { lang?: string }).lang;
    const lang = isUiLanguage(q) ? q : DEFAULT_LANGUAGE;
    const l = labels(lang);
    const rows = outbox
      .messages()
      .map(
        (m) =>
          `<tr><td>${esc(m.at.toISOString())}</td><td>${m.channel.toUpperCase()}</td><td>${esc(m.to)}</td><td>${esc(
            m.subject ? `${m.subject}\n\n${m.text}` : m.text,
          )}</td></tr>`,
      )
      .join('');
    const body = rows
      ? `<table><tr><th>${esc(l.at ?? '')}</th><th>${esc(l.channel ?? '')}</th><th>${esc(l.to ?? '')}</th><th>${esc(l.text ?? '')}</th></tr>${rows}</table>`
      : `<p>${esc(l.empty ?? '')}</p>`;
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(
        `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
          `<title>${esc(l.title ?? '')}</title><style>body{font-family:sans-serif;margin:1rem}td,th{border:1px solid #ccc;padding:.3rem;vertical-align:top;white-space:pre-wrap}table{border-collapse:collapse}</style></head>` +
          `<body><h1>${esc(l.title ?? '')}</h1><p>${esc(l.intro ?? '')}</p>` +
          `<p><a href="?lang=ky">Кыргызча</a> · <a href="?lang=ru">Русский</a> · <a href="?lang=en">English</a></p>${body}</body></html>`,
      );
  });
}
