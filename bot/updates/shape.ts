// Which updates the bot can handle at all. Telegram sends only the kinds the bot asked for, each with
// its chat or sender; anything else (forged with the secret, or a Telegram change) is acknowledged
// and counted, never refused with a 500 that Telegram would redeliver for a day (F2).
import type { Update } from 'grammy/types';
import { ALLOWED_UPDATES } from './poller.ts';

export type IgnoredReason = 'unknown' | 'not_asked' | 'no_chat' | 'malformed';
export type Shape = { ok: true } | { ok: false; reason: IgnoredReason; kind: string };

const KINDS = new Set<string>([
  ...ALLOWED_UPDATES,
  ...[
    'edited_message',
    'channel_post',
    'edited_channel_post',
    'business_connection',
    'business_message',
    'edited_business_message',
    'deleted_business_messages',
    'message_reaction',
    'message_reaction_count',
    'inline_query',
    'chosen_inline_result',
    'shipping_query',
    'pre_checkout_query',
    'purchased_paid_media',
    'poll',
    'poll_answer',
    'chat_member',
    'chat_join_request',
    'chat_boost',
    'removed_chat_boost',
  ],
]);
const ASKED = new Set<string>(ALLOWED_UPDATES);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const hasId = (v: unknown): boolean => isObject(v) && Number.isSafeInteger(v.id);

export function shapeOf(u: Update): Shape {
  const body = u as unknown as Record<string, unknown>;
  const kind = Object.keys(body).find((k) => KINDS.has(k));
  // the name of an unknown field is not logged (it could be anything); a known kind's name is safe
  if (!kind) return { ok: false, reason: 'unknown', kind: 'unknown' };
  if (!ASKED.has(kind)) return { ok: false, reason: 'not_asked', kind };
  const v = body[kind];
  if (!isObject(v)) return { ok: false, reason: 'malformed', kind };
  switch (kind) {
    case 'message':
      return hasId(v.chat) ? { ok: true } : { ok: false, reason: 'no_chat', kind };
    case 'my_chat_member':
      if (!hasId(v.chat)) return { ok: false, reason: 'no_chat', kind };
      return hasId(v.from) && isObject(v.new_chat_member)
        ? { ok: true }
        : { ok: false, reason: 'malformed', kind };
    case 'callback_query':
      if (typeof v.id !== 'string' || !hasId(v.from)) return { ok: false, reason: 'malformed', kind };
      // the message a button hangs on may be absent (inline mode), but when present it has its chat
      return v.message === undefined || (isObject(v.message) && hasId(v.message.chat))
        ? { ok: true }
        : { ok: false, reason: 'no_chat', kind };
    default:
      return { ok: true };
  }
}
