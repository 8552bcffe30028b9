// In front of the session middleware (decision 0006): an update that arrives while the session store
// (Redis) is down is neither lost nor half-done. The person is told at once, in their language, that
// their answer is kept; the update waits here for the store, up to `holdMs`, and then runs as if
// nothing had happened; past that it is left in the inbox (RetryLaterError) for recovery to run.
// Nothing has been done for the update before the session is read, so running it later runs it once.
import type { Middleware } from 'grammy';
import type { BotContext } from './context.ts';
import { SessionStoreError, type SessionStoreHealth } from './session.ts';
import { RetryLaterError } from './updates/retry-later.ts';

/** How long an update waits in the process for the session store before it is left for recovery. */
export const SESSION_HOLD_MS = 10_000;

export function sessionStoreGuard(
  health: SessionStoreHealth,
  holdMs = SESSION_HOLD_MS,
): Middleware<BotContext> {
  return async (ctx, next) => {
    // without a chat there is no session key: the session middleware reads nothing
    if (!ctx.chat) return next();
    let told = false;
    const tell = async () => {
      if (told) return;
      told = true;
      ctx.log.warn('session store unavailable: the update waits for it');
      if (ctx.callbackQuery) {
        await ctx.answerCallbackQuery({ text: ctx.t('errors.session_store_down_short') }).catch(() => {});
        // answered now: a second answer when the update runs would only be refused as too late
        ctx.answerCallbackQuery = async () => true;
      }
      if (ctx.chat?.type === 'private') await ctx.reply(ctx.t('errors.session_store_down')).catch(() => {});
    };
    if (!health.available()) {
      await tell();
      if (!(await health.whenAvailable(holdMs)))
        throw new RetryLaterError('session store unavailable; left in the inbox');
    }
    try {
      await next();
    } catch (e) {
      if (!(e instanceof SessionStoreError)) throw e;
      if (e.phase === 'read') {
        // the store went down between the check and the read: nothing was done yet
        await tell();
        throw new RetryLaterError('session store read failed; left in the inbox', { cause: e });
      }
      // after the handler: its work is done and said; only the chat's step was not saved
      ctx.log.warn({ err: e.message }, 'session not saved; the chat’s next step may be asked again');
    }
  };
}
