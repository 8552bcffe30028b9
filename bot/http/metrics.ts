import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    updates: new Counter({
      name: 'kattoo_updates_total',
      help: 'Telegram updates by result (ok, error, duplicate)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    updateSeconds: new Histogram({
      name: 'kattoo_update_duration_seconds',
      help: 'Time to handle one update',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    webhookRefused: new Counter({
      name: 'kattoo_webhook_refused_total',
      help: 'Webhook requests refused (bad secret or body)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    updatesIgnored: new Counter({
      name: 'kattoo_updates_ignored_total',
      help: 'Updates acknowledged without handling: a shape the bot cannot handle (unknown, not_asked, no_chat, malformed)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    inboxQuarantined: new Counter({
      name: 'kattoo_inbox_quarantined_total',
      help: 'Updates PostgreSQL refused as they were (a NUL character, a lone surrogate), stored made safe with the original kept',
      registers: [registry],
    }),
    inboxPending: new Gauge({
      name: 'kattoo_inbox_pending',
      help: 'Updates stored but not handled yet',
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
