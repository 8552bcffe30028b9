// Alert buttons (`al|…`, ≤ 64 bytes): zod-parsed; the core checks the school against the user.
import { z } from 'zod';

const id = z.coerce.number().int().min(1).max(2_147_483_647);

export type AlertAction = { a: 'status'; school: number } | { a: 'disconnect'; school: number };

export function encodeAlert(x: AlertAction): string {
  return `al|${x.a === 'status' ? 's' : 'd'}|${x.school}`;
}

export function decodeAlert(data: string | undefined): AlertAction | null {
  if (!data || Buffer.byteLength(data) > 64) return null;
  const [p, op, a, ...rest] = data.split('|');
  if (p !== 'al' || rest.length > 0) return null;
  const school = id.safeParse(a);
  if (!school.success) return null;
  if (op === 's') return { a: 'status', school: school.data };
  if (op === 'd') return { a: 'disconnect', school: school.data };
  return null;
}
