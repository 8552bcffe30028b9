// Quota buttons (`sq|…`, ≤ 64 bytes): parsed with zod; ids are claims the core checks (K-REL-3).
import { z } from 'zod';
import { LANGUAGES } from '../../../../core/domain/reference.ts';

const id = z.coerce.number().int().min(1).max(2_147_483_647);
const lang = z.enum(LANGUAGES);

export type QuotaAction =
  /** the staff member's quota menu (their school, or the district list) */
  | { a: 'home' }
  | { a: 'overview'; school: number }
  | { a: 'edit'; school: number; lang: z.infer<typeof lang> }
  | { a: 'submit'; school: number }
  | { a: 'discard'; school: number }
  | { a: 'pending' }
  | { a: 'view'; change: number }
  | { a: 'approve'; change: number }
  | { a: 'reject'; change: number }
  | { a: 'totp' }
  | { a: 'cancel' };

const P = 'sq';

export function encodeQuota(x: QuotaAction): string {
  let s: string;
  switch (x.a) {
    case 'home':
      s = `${P}|h`;
      break;
    case 'overview':
      s = `${P}|o|${x.school}`;
      break;
    case 'edit':
      s = `${P}|e|${x.school}|${x.lang}`;
      break;
    case 'submit':
      s = `${P}|s|${x.school}`;
      break;
    case 'discard':
      s = `${P}|d|${x.school}`;
      break;
    case 'pending':
      s = `${P}|p`;
      break;
    case 'view':
      s = `${P}|v|${x.change}`;
      break;
    case 'approve':
      s = `${P}|a|${x.change}`;
      break;
    case 'reject':
      s = `${P}|r|${x.change}`;
      break;
    case 'totp':
      s = `${P}|t`;
      break;
    case 'cancel':
      s = `${P}|x`;
      break;
  }
  if (Buffer.byteLength(s) > 64) throw new Error(`callback data over 64 bytes: ${s}`);
  return s;
}

export function decodeQuota(data: string | undefined): QuotaAction | null {
  if (!data || Buffer.byteLength(data) > 64) return null;
  const [p, op, a, b, ...rest] = data.split('|');
  if (p !== P || rest.length > 0) return null;
  const one = (f: (n: number) => QuotaAction) => {
    const n = id.safeParse(a);
    return n.success && b === undefined ? f(n.data) : null;
  };
  const none = (x: QuotaAction) => (a === undefined ? x : null);
  switch (op) {
    case 'h':
      return none({ a: 'home' });
    case 'p':
      return none({ a: 'pending' });
    case 't':
      return none({ a: 'totp' });
    case 'x':
      return none({ a: 'cancel' });
    case 'o':
      return one((school) => ({ a: 'overview', school }));
    case 's':
      return one((school) => ({ a: 'submit', school }));
    case 'd':
      return one((school) => ({ a: 'discard', school }));
    case 'v':
      return one((change) => ({ a: 'view', change }));
    case 'a':
      return one((change) => ({ a: 'approve', change }));
    case 'r':
      return one((change) => ({ a: 'reject', change }));
    case 'e': {
      const s = id.safeParse(a);
      const l = lang.safeParse(b);
      return s.success && l.success ? { a: 'edit', school: s.data, lang: l.data } : null;
    }
    default:
      return null;
  }
}
