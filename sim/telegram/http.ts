// HTTP face of the Telegram simulator (K-TG-7): the Bot API at `${prefix}/bot<token>/<method>` (GET
// query, JSON, urlencoded and multipart bodies, as api.telegram.org takes them), file downloads at
// `${prefix}/file/bot<token>/<path>`, and the web chat at `${prefix}/chat` with its JSON API and an
// event stream. Everything lives in one encapsulated Fastify plugin, so the host server's own body
// parsers, hooks and error handler are untouched.
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Message, MessageEntity } from 'grammy/types';
import { boundaryOf, parseMultipart } from './multipart.ts';
import type { Persona } from './personas.ts';
import {
  type ChatMessage,
  type ReplyKeyboardState,
  type SimEvent,
  type SimulatorOptions,
  TelegramSimulator,
  type UploadedFile,
} from './simulator.ts';

export type ChatLang = 'ky' | 'ru' | 'en';
const LANGS: ChatLang[] = ['ky', 'ru', 'en'];

/** A message as the web chat (and browser tests) see it. File URLs are relative to the prefix. */
export type MessageView = {
  id: number;
  rev: number;
  fromBot: boolean;
  date: number;
  editDate?: number;
  text?: string;
  entities?: MessageEntity[];
  caption?: string;
  captionEntities?: MessageEntity[];
  inlineKeyboard?: { text: string; callbackData?: string; url?: string }[][];
  document?: { fileId: string; fileName: string; mimeType: string; size: number; url: string };
  photo?: { fileId: string; width: number; height: number; size: number; url: string };
  contact?: { phoneNumber: string; firstName: string; lastName?: string; userId?: number };
  replyTo?: number;
};

export function messageView(m: ChatMessage): MessageView {
  const msg = m.message as Message & Record<string, unknown>;
  const v: MessageView = { id: msg.message_id, rev: m.rev, fromBot: m.fromBot, date: msg.date };
  if (msg.edit_date) v.editDate = msg.edit_date;
  if (msg.text !== undefined) v.text = msg.text;
  if (msg.entities?.length) v.entities = msg.entities;
  if (msg.caption !== undefined) v.caption = msg.caption;
  if (msg.caption_entities?.length) v.captionEntities = msg.caption_entities;
  const kb = msg.reply_markup?.inline_keyboard;
  if (kb?.length) {
    v.inlineKeyboard = kb.map((row) =>
      row.map((b) => {
        const out: { text: string; callbackData?: string; url?: string } = { text: b.text };
        if ('callback_data' in b && b.callback_data !== undefined) out.callbackData = b.callback_data;
        if ('url' in b && b.url !== undefined) out.url = b.url;
        return out;
      }),
    );
  }
  if (msg.document) {
    v.document = {
      fileId: msg.document.file_id,
      fileName: msg.document.file_name ?? 'file',
      mimeType: msg.document.mime_type ?? 'application/octet-stream',
      size: msg.document.file_size ?? 0,
      url: `api/files/${encodeURIComponent(msg.document.file_id)}?download=1`,
    };
  }
  const photo = msg.photo?.[msg.photo.length - 1];
  if (photo) {
    v.photo = {
      fileId: photo.file_id,
      width: photo.width,
      height: photo.height,
      size: photo.file_size ?? 0,
      url: `api/files/${encodeURIComponent(photo.file_id)}`,
    };
  }
  if (msg.contact) {
    v.contact = { phoneNumber: msg.contact.phone_number, firstName: msg.contact.first_name };
    if (msg.contact.last_name) v.contact.lastName = msg.contact.last_name;
    if (msg.contact.user_id) v.contact.userId = msg.contact.user_id;
  }
  if (msg.reply_to_message) v.replyTo = msg.reply_to_message.message_id;
  return v;
}

function keyboardView(k: ReplyKeyboardState | null) {
  return k
    ? {
        rows: k.keyboard.map((r) =>
          r.map((b) => ({ text: b.text, requestContact: b.request_contact === true })),
        ),
        oneTime: k.oneTime,
        hidden: k.hidden,
        placeholder: k.placeholder ?? null,
      }
    : null;
}

const here = new URL('.', import.meta.url);
const catalogues = new Map<ChatLang, Record<string, string>>();
function catalogue(lang: ChatLang): Record<string, string> {
  let c = catalogues.get(lang);
  if (!c) {
    c = JSON.parse(readFileSync(new URL(`../../locales/${lang}/sim.json`, here), 'utf8')) as Record<
      string,
      string
    >;
    catalogues.set(lang, c);
  }
  return c;
}
let assets: { js: string; css: string } | undefined;
function webAssets() {
  assets ??= {
    js: readFileSync(new URL('web/app.js', here), 'utf8'),
    css: readFileSync(new URL('web/app.css', here), 'utf8'),
  };
  return assets;
}

function pageHtml(lang: ChatLang): string {
  const t = catalogue(lang);
  const json = JSON.stringify({ lang, t }).replace(/</g, '\\u003c');
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="color-scheme" content="light">
<link rel="icon" href="data:,">
<title>${esc(t.title ?? 'Kattoo')}</title>
<link rel="stylesheet" href="web/app.css">
</head>
<body>
<div id="app" data-testid="app"><noscript>JavaScript</noscript></div>
<script id="sim-i18n" type="application/json">${json}</script>
<script type="module" src="web/app.js"></script>
</body>
</html>
`;
}

function parseLang(q: unknown): ChatLang {
  const l = typeof q === 'string' ? q : '';
  return (LANGS as string[]).includes(l) ? (l as ChatLang) : 'ky';
}

class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Mounts the simulator on a Fastify instance under `prefix` ('' for the root). Must run before
 * `listen`. The Bot API root for grammY is then `http://host:port${prefix}`.
 */
export async function registerTelegramSimulator(
  app: FastifyInstance,
  opts: { prefix: string; sim: TelegramSimulator },
): Promise<void> {
  const { sim } = opts;
  const prefix = opts.prefix.replace(/\/+$/, '');
  const streams = new Set<() => void>();

  await app.register(
    async (child) => {
      child.removeAllContentTypeParsers();
      child.addContentTypeParser(
        'application/json',
        { parseAs: 'string', bodyLimit: 10 * 1024 * 1024 },
        (_req, body, done) => {
          const s = String(body).trim();
          if (!s) return done(null, {});
          try {
            done(null, JSON.parse(s));
          } catch {
            done(new HttpError(400, "Bad Request: can't parse JSON object"), undefined);
          }
        },
      );
      child.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string', bodyLimit: 10 * 1024 * 1024 },
        (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
      );
      child.addContentTypeParser(
        'multipart/form-data',
        { parseAs: 'buffer', bodyLimit: 60 * 1024 * 1024 },
        (req, body, done) => {
          const boundary = boundaryOf(String(req.headers['content-type'] ?? ''));
          if (!boundary)
            return done(new HttpError(400, 'Bad Request: multipart boundary is missing'), undefined);
          try {
            done(null, parseMultipart(body as Buffer, boundary));
          } catch (e) {
            done(new HttpError(400, `Bad Request: ${(e as Error).message}`), undefined);
          }
        },
      );
      child.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, _body, done) => done(null, {}));

      child.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
        const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
        const route = req.routeOptions.url ?? '';
        if (!route.includes('/bot:token')) return reply.code(status).send({ error: err.message });
        const description =
          status === 413
            ? 'Request Entity Too Large'
            : err.message.startsWith('Bad Request') || status >= 500
              ? err.message
              : `Bad Request: ${err.message}`;
        return reply.code(status).send({ ok: false, error_code: status, description });
      });

      child.addHook('preClose', async () => {
        sim.releasePolls();
        for (const end of [...streams]) end();
      });

      // ── Bot API ───────────────────────────────────────────────────────────────────────────────
      const botApi = async (req: FastifyRequest, reply: FastifyReply) => {
        const { token, method } = req.params as { token: string; method: string };
        const query = (req.query ?? {}) as Record<string, unknown>;
        const body = req.body as
          | Record<string, unknown>
          | { fields: Record<string, string>; files: Map<string, UploadedFile> }
          | undefined;
        let params: Record<string, unknown> = { ...query };
        let files: Map<string, UploadedFile> = new Map();
        if (body && typeof body === 'object') {
          if ('files' in body && body.files instanceof Map && 'fields' in body) {
            params = { ...params, ...(body.fields as Record<string, string>) };
            files = body.files as Map<string, UploadedFile>;
          } else if (!Array.isArray(body)) {
            params = { ...params, ...(body as Record<string, unknown>) };
          }
        }
        const out = await sim.callApi(token, method, params, files);
        if (out.drop) {
          reply.hijack();
          req.raw.socket.destroy();
          return;
        }
        return reply.code(out.status).header('content-type', 'application/json').send(out.body);
      };
      child.route({ method: ['GET', 'POST'], url: '/bot:token/:method', handler: botApi });

      child.get('/file/bot:token/*', async (req, reply) => {
        const { token } = req.params as { token: string };
        const path = (req.params as Record<string, string>)['*'] ?? '';
        const f = token === sim.token ? sim.fileByPath(decodeURIComponent(path)) : undefined;
        if (!f) return reply.code(404).send({ ok: false, error_code: 404, description: 'Not Found' });
        return reply.header('content-type', f.mimeType).header('content-length', f.data.length).send(f.data);
      });

      // ── web chat ─────────────────────────────────────────────────────────────────────────────
      // The page's URLs are relative to `${prefix}/chat`: `${prefix}/chat/` is redirected there.
      const toChat = (req: FastifyRequest, reply: FastifyReply) => {
        const qs = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
        return reply.redirect(`../chat${qs}`);
      };
      child.get('/chat', async (req, reply) => {
        if (req.url.split('?')[0]?.endsWith('/')) return toChat(req, reply);
        const lang = parseLang((req.query as Record<string, unknown>).lang);
        return reply
          .header('content-type', 'text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(pageHtml(lang));
      });
      const cfg = app.initialConfig as {
        ignoreTrailingSlash?: boolean;
        routerOptions?: { ignoreTrailingSlash?: boolean };
      };
      if (!cfg.ignoreTrailingSlash && !cfg.routerOptions?.ignoreTrailingSlash) child.get('/chat/', toChat);
      child.get('/web/app.js', async (_req, reply) =>
        reply.header('content-type', 'text/javascript; charset=utf-8').send(webAssets().js),
      );
      child.get('/web/app.css', async (_req, reply) =>
        reply.header('content-type', 'text/css; charset=utf-8').send(webAssets().css),
      );
      child.get('/api/i18n/:lang', async (req) =>
        catalogue(parseLang((req.params as { lang: string }).lang)),
      );

      const userOf = (req: FastifyRequest): Persona => {
        const id = Number((req.params as { userId: string }).userId);
        const p = sim.personas().find((x) => x.id === id);
        if (!p) throw new HttpError(404, `No persona ${id}`);
        return p;
      };
      const act = <T>(fn: () => T): T => {
        try {
          return fn();
        } catch (e) {
          throw new HttpError(400, (e as Error).message);
        }
      };
      const bodyOf = (req: FastifyRequest) => (req.body ?? {}) as Record<string, unknown>;

      child.get('/api/personas', async () => sim.personas());
      child.get('/api/bot', async () => ({
        id: sim.bot.id,
        firstName: sim.bot.first_name,
        username: sim.bot.username,
      }));

      child.get('/api/chats/:userId/state', async (req) => {
        const p = userOf(req);
        return {
          persona: p,
          bot: { id: sim.bot.id, firstName: sim.bot.first_name, username: sim.bot.username },
          blocked: sim.isBlocked(p.id),
          keyboard: keyboardView(sim.replyKeyboard(p.id)),
          messages: sim.chatMessages(p.id).map(messageView),
          commands: sim.commandsFor(p.id, p.languageCode),
          description: sim.description('description', p.languageCode),
          rev: sim.currentRev(),
        };
      });
      child.get('/api/chats/:userId/messages', async (req) => {
        const p = userOf(req);
        const q = req.query as Record<string, string | undefined>;
        const after = Number(q.after ?? 0) || 0;
        const sinceRev = Number(q.sinceRev ?? 0) || 0;
        return sim
          .chatMessages(p.id)
          .filter((m) => m.message.message_id > after && m.rev > sinceRev)
          .map(messageView);
      });
      child.post('/api/chats/:userId/messages', async (req) => {
        const p = userOf(req);
        const text = bodyOf(req).text;
        if (typeof text !== 'string') throw new HttpError(400, 'text is required');
        return messageView({
          message: act(() => sim.sendText(p.id, text)),
          fromBot: false,
          rev: sim.currentRev(),
        });
      });
      child.post('/api/chats/:userId/start', async (req) => {
        const p = userOf(req);
        const payload = bodyOf(req).payload;
        const m = act(() =>
          sim.sendStart(p.id, typeof payload === 'string' && payload ? payload : undefined),
        );
        return messageView({ message: m, fromBot: false, rev: sim.currentRev() });
      });
      child.post('/api/chats/:userId/contact', async (req) => {
        const p = userOf(req);
        return messageView({
          message: act(() => sim.sendContact(p.id)),
          fromBot: false,
          rev: sim.currentRev(),
        });
      });
      child.post('/api/chats/:userId/keyboard', async (req) => {
        const p = userOf(req);
        const text = bodyOf(req).text;
        if (typeof text !== 'string') throw new HttpError(400, 'text is required');
        const m = act(() => sim.pressReplyButton(p.id, text));
        return messageView({ message: m, fromBot: false, rev: sim.currentRev() });
      });
      child.post('/api/chats/:userId/callback', async (req) => {
        const p = userOf(req);
        const b = bodyOf(req);
        const messageId = Number(b.messageId);
        if (!Number.isInteger(messageId) || typeof b.data !== 'string') {
          throw new HttpError(400, 'messageId and data are required');
        }
        const id = act(() => sim.pressButton(p.id, messageId, b.data as string));
        return { callbackQueryId: id };
      });
      child.post('/api/chats/:userId/block', async (req) => {
        const p = userOf(req);
        const blocked = bodyOf(req).blocked !== false;
        act(() => (blocked ? sim.block(p.id) : sim.unblock(p.id)));
        return { blocked: sim.isBlocked(p.id) };
      });
      child.get('/api/files/:fileId', async (req, reply) => {
        const f = sim.file((req.params as { fileId: string }).fileId);
        if (!f) throw new HttpError(404, 'No such file');
        const download = (req.query as Record<string, unknown>).download !== undefined;
        const name = f.fileName ?? f.filePath.split('/').pop() ?? 'file';
        const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
        reply
          .header('content-type', f.mimeType)
          .header('content-length', f.data.length)
          .header(
            'content-disposition',
            `${download ? 'attachment' : 'inline'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
          )
          .header('x-content-type-options', 'nosniff');
        // never let an uploaded HTML or SVG run as a page of the simulator's origin
        if (/html|svg|xml|javascript/i.test(f.mimeType)) reply.header('content-security-policy', 'sandbox');
        return reply.send(f.data);
      });

      child.get('/api/chats/:userId/events', (req, reply) => {
        const p = userOf(req);
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        const send = (event: string, data: unknown) => {
          res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        };
        res.write('retry: 1000\n\n');
        send('hello', { rev: sim.currentRev() });
        const onEvent = (e: SimEvent) => {
          if (!('chatId' in e) || e.chatId !== p.id) return;
          switch (e.type) {
            case 'message':
            case 'edited':
              send(e.type, messageView({ message: e.message, fromBot: e.fromBot, rev: e.rev }));
              break;
            case 'deleted':
              send('deleted', { id: e.messageId });
              break;
            case 'keyboard':
              send('keyboard', keyboardView(e.keyboard));
              break;
            case 'callbackAnswer':
              send('callbackAnswer', {
                callbackQueryId: e.callbackQueryId,
                text: e.text ?? null,
                showAlert: e.showAlert,
                url: e.url ?? null,
              });
              break;
            case 'blocked':
              send('blocked', { blocked: e.blocked });
              break;
            case 'chatAction':
              send('chatAction', { action: e.action });
              break;
          }
        };
        const unsubscribe = sim.subscribe(onEvent);
        const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
        const end = () => {
          clearInterval(ping);
          unsubscribe();
          streams.delete(end);
          if (!res.writableEnded) res.end();
        };
        streams.add(end);
        req.raw.on('close', end);
      });
    },
    { prefix },
  );
}

export type StartedSimulator = {
  /** Base URL of the simulator (the web chat is at `${url}/chat`). */
  url: string;
  /** What grammY's `client.apiRoot` takes. */
  apiRoot: string;
  chatUrl: string;
  sim: TelegramSimulator;
  stop(): Promise<void>;
};

/** A standalone simulator on its own port (tests, demos, benchmarks). */
export async function startTelegramSimulator(
  opts: {
    port?: number;
    host?: string;
    token?: string;
    personas?: Persona[];
    /** Further simulator options (limits, webhook timings, …). */
    options?: SimulatorOptions;
    /** Serve an existing simulator instead of creating one. */
    sim?: TelegramSimulator;
  } = {},
): Promise<StartedSimulator> {
  const options: SimulatorOptions = { ...opts.options };
  if (opts.token) options.token = opts.token;
  if (opts.personas) options.personas = opts.personas;
  const sim = opts.sim ?? new TelegramSimulator(options);
  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 10 * 1024 * 1024 });
  await registerTelegramSimulator(app, { prefix: '', sim });
  const host = opts.host ?? '127.0.0.1';
  await app.listen({ port: opts.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const shown =
    host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown}:${port}`;
  return {
    url,
    apiRoot: url,
    chatUrl: `${url}/chat`,
    sim,
    stop: async () => {
      sim.close();
      await app.close();
    },
  };
}
