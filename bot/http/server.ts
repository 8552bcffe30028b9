// Kattoo's HTTP server (contract: HTTP server): the webhook, health, readiness and metrics.
// Demo-only pages (the Telegram simulator, the demo identity provider) are mounted by bot/app.ts.
import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Update } from 'grammy/types';
import type { Logger } from '../../core/logger.ts';
import type { UpdateDispatcher } from '../updates/dispatcher.ts';
import type { Metrics } from './metrics.ts';

export type ServerDeps = {
  log: Logger;
  metrics: Metrics;
  ready: () => Promise<{ ok: boolean; checks: Record<string, boolean> }>;
  /** liveness: false only when the process cannot recover by itself (a supervisor should restart it) */
  live?: () => { ok: boolean; checks: Record<string, boolean> };
  webhook?: {
    secret: string;
    dispatcher: () => UpdateDispatcher | undefined;
    /** the longest a 200 waits for the update to be handled (decision 0004) */
    ackWithinMs: number;
    /** a call meant for the answer that came after it (a JSON payload with its `method`) */
    callLate: (payload: string) => Promise<void>;
  };
  bodyLimit?: number;
};

function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function createHttpServer(deps: ServerDeps): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: deps.bodyLimit ?? 1_048_576, forceCloseConnections: true });

  app.get('/healthz', async (_req, reply) => {
    const r = deps.live?.() ?? { ok: true, checks: {} };
    return reply.code(r.ok ? 200 : 503).send({ status: r.ok ? 'ok' : 'failing', checks: r.checks });
  });

  app.get('/readyz', async (_req, reply) => {
    const r = await deps.ready().catch(() => ({ ok: false, checks: {} }));
    return reply.code(r.ok ? 200 : 503).send({ status: r.ok ? 'ready' : 'not ready', checks: r.checks });
  });

  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });

  const webhook = deps.webhook;
  if (webhook) {
    app.post('/telegram/webhook', async (req, reply) => {
      if (!sameSecret(req.headers['x-telegram-bot-api-secret-token'], webhook.secret)) {
        deps.metrics.webhookRefused.inc({ reason: 'secret' });
        return reply.code(401).send({ ok: false, description: 'Unauthorized' });
      }
      const update = req.body as Update | undefined;
      if (!update || typeof update !== 'object' || !Number.isSafeInteger(update.update_id)) {
        deps.metrics.webhookRefused.inc({ reason: 'body' });
        return reply.code(400).send({ ok: false, description: 'Bad Request: not an Update' });
      }
      const dispatcher = webhook.dispatcher();
      if (!dispatcher) return reply.code(503).send({ ok: false, description: 'starting' });
      // One Bot API call may ride back in the answer (the button's spinner): Telegram runs it, and
      // the bot saves a request. Made after the answer has gone, it is sent as a call of its own.
      let answered = false;
      let carried: string | undefined;
      const envelope = {
        send: async (payload: string) => {
          if (!answered && carried === undefined) carried = payload;
          else await webhook.callLate(payload);
        },
      };
      try {
        // Stored before the 200: once Telegram has it acknowledged, it is never lost (K-CORE-3).
        // Then handled before the 200 too, within a bound: backpressure (decision 0004).
        if (await dispatcher.accept(update, envelope))
          await dispatcher.settled(update.update_id, webhook.ackWithinMs);
      } catch (e) {
        deps.log.error({ err: String(e) }, 'could not store an update; Telegram will redeliver');
        return reply.code(500).send({ ok: false });
      } finally {
        answered = true;
      }
      if (carried !== undefined) return reply.code(200).type('application/json').send(carried);
      return reply.code(200).send({ ok: true });
    });
  }

  return app;
}
