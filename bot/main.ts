// `npm start`: the whole system. Without a token: embedded PostgreSQL, demo data and the Telegram
// simulator with its web chat, whose address is printed.
import { ConfigError, loadConfig } from '../core/config.ts';
import { createLogger } from '../core/logger.ts';
import { startKattoo } from './app.ts';
import { shutDown } from './shutdown.ts';
import { adviceFor, describeFailure } from './start-failure.ts';

const log = createLogger(process.env.LOG_LEVEL ?? 'info');

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(2);
  }
  throw e;
}

// A failed start says what failed and what to do, never a bare stack or nothing at all (issue 10).
process.on('uncaughtException', (e) => {
  console.error(`Kattoo stopped on an unexpected error: ${describeFailure(e)}`);
  process.exit(1);
});
let kattoo: Awaited<ReturnType<typeof startKattoo>>;
try {
  kattoo = await startKattoo(config, log);
} catch (e) {
  console.error(`Kattoo did not start: ${describeFailure(e)}\n${adviceFor(e)}`);
  process.exit(1);
}
let stopping = false;
const shutdown = (signal: 'SIGINT' | 'SIGTERM') => {
  // a second signal does not wait for the first one's stop
  if (stopping) process.exit(1);
  stopping = true;
  const { drainMs, timeoutMs } = config.shutdown;
  // SIGTERM (an orchestrator) drains behind a red /readyz first; Ctrl-C stops at once
  const drain = signal === 'SIGTERM' ? drainMs : 0;
  void shutDown(
    {
      drain: kattoo.drain,
      stop: kattoo.stop,
      drainMs: drain,
      timeoutMs,
      exit: (code) => process.exit(code),
      log,
    },
    signal,
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('unhandledRejection', (e) => log.error({ err: String(e) }, 'unhandled rejection'));

const lines = [`Kattoo is running at ${kattoo.url}`];
if (kattoo.chatUrl) lines.push(`Web chat (Telegram simulator): ${kattoo.chatUrl}`);
lines.push(`Health: ${kattoo.url}/healthz · Metrics: ${kattoo.url}/metrics`);
console.log(`\n  ${lines.join('\n  ')}\n`);
