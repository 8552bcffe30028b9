// Class buttons (`cl|…`, ≤ 64 bytes; `sc|` is the public school card's): zod-parsed claims that
// the core checks against the user's school (K-REL-3). A class travels as its letter's index.
import { z } from 'zod';

const id = z.coerce.number().int().min(1).max(2_147_483_647);
const idx = z.coerce.number().int().min(0).max(99);

export type ClassAction =
  | { a: 'home' }
  | { a: 'overview'; school: number }
  | { a: 'form'; school: number }
  | { a: 'reset_ask'; school: number }
  | { a: 'reset'; school: number }
  | { a: 'class'; school: number; index: number }
  | { a: 'pick'; assignment: number }
  | { a: 'move'; assignment: number; index: number }
  | { a: 'xlsx'; school: number }
  | { a: 'pdf'; school: number };

const OPS: Record<string, ClassAction['a']> = {
  o: 'overview',
  f: 'form',
  F: 'reset_ask',
  R: 'reset',
  x: 'xlsx',
  p: 'pdf',
};

export function encodeClass(x: ClassAction): string {
  let s: string;
  switch (x.a) {
    case 'home':
      s = 'cl|h';
      break;
    case 'class':
      s = `cl|c|${x.school}|${x.index}`;
      break;
    case 'pick':
      s = `cl|m|${x.assignment}`;
      break;
    case 'move':
      s = `cl|t|${x.assignment}|${x.index}`;
      break;
    default: {
      const op = Object.entries(OPS).find(([, a]) => a === x.a)?.[0] as string;
      s = `cl|${op}|${x.school}`;
    }
  }
  if (Buffer.byteLength(s) > 64) throw new Error(`callback data over 64 bytes: ${s}`);
  return s;
}

export function decodeClass(data: string | undefined): ClassAction | null {
  if (!data || Buffer.byteLength(data) > 64) return null;
  const [p, op, a, b, ...rest] = data.split('|');
  if (p !== 'cl' || rest.length > 0 || op === undefined) return null;
  if (op === 'h') return a === undefined ? { a: 'home' } : null;
  const first = id.safeParse(a);
  if (!first.success) return null;
  if (op === 'c' || op === 't') {
    const i = idx.safeParse(b);
    if (!i.success) return null;
    return op === 'c'
      ? { a: 'class', school: first.data, index: i.data }
      : { a: 'move', assignment: first.data, index: i.data };
  }
  if (b !== undefined) return null;
  if (op === 'm') return { a: 'pick', assignment: first.data };
  const action = OPS[op];
  if (!action) return null;
  return { a: action, school: first.data } as ClassAction;
}
