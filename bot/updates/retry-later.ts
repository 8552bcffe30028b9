// An update its handler could not even begin for a reason outside it (the session store is down):
// the dispatcher leaves it unprocessed in the inbox, so recovery runs it again later, instead of
// marking it processed with a failure as it does for an update whose handler failed.
import { BotError } from 'grammy';

export class RetryLaterError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetryLaterError';
  }
}

/** True for a RetryLaterError, also as grammY's BotError wrapping one (what handleUpdate rethrows). */
export function isRetryLater(e: unknown): boolean {
  return e instanceof RetryLaterError || (e instanceof BotError && e.error instanceof RetryLaterError);
}
