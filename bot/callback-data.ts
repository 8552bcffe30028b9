// Inline-button payloads: short ASCII codes (≤ 64 bytes, K-TG-3), parsed with zod so that forged or
// stale data is recognised and answered, never trusted.
import { z } from 'zod';
import { LANGUAGES } from '../core/domain/reference.ts';
import { UI_LANGUAGES } from './i18n.ts';

const id = z.string().regex(/^[A-Za-z0-9_-]{1,24}$/);
const lang = z.enum(LANGUAGES);
const page = z.coerce.number().int().min(0).max(9999);

/** School list: district or search (`_` = the search kept in the session), language filter, free-only, page. */
export type ListRef = {
  scope: string;
  language: z.infer<typeof lang> | null;
  onlyFree: boolean;
  page: number;
};

export type Action =
  | { a: 'menu' }
  | { a: 'lang'; lang: (typeof UI_LANGUAGES)[number] }
  | { a: 'langs' }
  | { a: 'regions' }
  | { a: 'region'; id: string }
  | { a: 'list'; ref: ListRef }
  | { a: 'school'; code: string; back: ListRef | null }
  | { a: 'charter'; code: string }
  | { a: 'search' }
  | { a: 'calendar' }
  | { a: 'help' }
  /** "My data": the linked person and their children, or the sign-in button (parent feature) */
  | { a: 'mydata' }
  /** ask to unlink this Telegram account from the person */
  | { a: 'unlink' }
  /** unlink, confirmed */
  | { a: 'unlink_yes' };

const SEP = '|';

function encodeRef(r: ListRef): string {
  return [r.scope, r.language ?? '*', r.onlyFree ? '1' : '0', String(r.page)].join(SEP);
}

const refSchema = z
  .tuple([id, z.union([lang, z.literal('*')]), z.enum(['0', '1']), page])
  .transform(
    ([scope, l, f, p]): ListRef => ({ scope, language: l === '*' ? null : l, onlyFree: f === '1', page: p }),
  );

export function encode(action: Action): string {
  let s: string;
  switch (action.a) {
    case 'menu':
    case 'langs':
    case 'regions':
    case 'search':
    case 'calendar':
    case 'help':
      s = action.a;
      break;
    case 'lang':
      s = `lang${SEP}${action.lang}`;
      break;
    case 'region':
      s = `rg${SEP}${action.id}`;
      break;
    case 'list':
      s = `ls${SEP}${encodeRef(action.ref)}`;
      break;
    case 'school':
      s = `sc${SEP}${action.code}${action.back ? `${SEP}${encodeRef(action.back)}` : ''}`;
      break;
    case 'charter':
      s = `ch${SEP}${action.code}`;
      break;
    case 'mydata':
      s = 'my';
      break;
    case 'unlink':
      s = 'ul';
      break;
    case 'unlink_yes':
      s = 'uly';
      break;
  }
  if (Buffer.byteLength(s) > 64) throw new Error(`callback data over 64 bytes: ${s}`);
  return s;
}

export function decode(data: string | undefined): Action | null {
  if (!data || Buffer.byteLength(data) > 64) return null;
  const [head, ...rest] = data.split(SEP);
  switch (head) {
    case 'menu':
    case 'langs':
    case 'regions':
    case 'search':
    case 'calendar':
    case 'help':
      return rest.length === 0 ? { a: head } : null;
    case 'lang': {
      const l = z.enum(UI_LANGUAGES).safeParse(rest[0]);
      return l.success && rest.length === 1 ? { a: 'lang', lang: l.data } : null;
    }
    case 'rg': {
      const r = id.safeParse(rest[0]);
      return r.success && rest.length === 1 ? { a: 'region', id: r.data } : null;
    }
    case 'ls': {
      const r = refSchema.safeParse(rest);
      return r.success ? { a: 'list', ref: r.data } : null;
    }
    case 'sc': {
      const code = id.safeParse(rest[0]);
      if (!code.success) return null;
      if (rest.length === 1) return { a: 'school', code: code.data, back: null };
      const r = refSchema.safeParse(rest.slice(1));
      return r.success ? { a: 'school', code: code.data, back: r.data } : null;
    }
    case 'ch': {
      const code = id.safeParse(rest[0]);
      return code.success && rest.length === 1 ? { a: 'charter', code: code.data } : null;
    }
    case 'my':
      return rest.length === 0 ? { a: 'mydata' } : null;
    case 'ul':
      return rest.length === 0 ? { a: 'unlink' } : null;
    case 'uly':
      return rest.length === 0 ? { a: 'unlink_yes' } : null;
    default:
      return null;
  }
}
