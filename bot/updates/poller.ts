// Long polling (development and the simulator): the same inbox path as the webhook, so both modes
// share idempotency and per-chat order. The offset moves past an update only once it is stored.
import type { Api } from 'grammy';
import type { Logger } from '../../core/logger.ts';
import type { UpdateDispatcher } from './dispatcher.ts';

export const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;

export function startPolling(api: Api, dispatcher: UpdateDispatcher, log: Logger) {
  const abort = new AbortController();
  let offset = 0;
  const loop = async () => {
    let backoff = 500;
    while (!abort.signal.aborted) {
      try {
        const updates = await api.getUpdates(
          { offset, timeout: 25, limit: 100, allowed_updates: [...ALLOWED_UPDATES] },
          // grammY types its signal with the abort-controller polyfill; Node's own is compatible.
          abort.signal as Parameters<Api['getUpdates']>[1],
        );
        for (const u of updates) {
          await dispatcher.accept(u);
          offset = u.update_id + 1;
        }
        backoff = 500;
      } catch (e) {
        if (abort.signal.aborted) break;
        log.warn({ err: e instanceof Error ? e.message : String(e), backoff }, 'getUpdates failed; retrying');
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 30_000);
      }
    }
  };
  const done = loop();
  return {
    async stop() {
      abort.abort();
      await done;
    },
  };
}
