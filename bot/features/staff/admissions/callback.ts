// Inline-button payloads of the school staff's admissions menu: ASCII, ≤ 64 bytes (K-TG-3), prefix
// `sa|` (no other feature uses it), parsed with zod. Ids in a payload are only claims: every handler
// asks the core, which re-reads the staff member's links and refuses what is not in their school.
// A document is named by its place in the six of R-14 (0–5): no payload can name a seventh.
import { z } from 'zod';
import { LANGUAGES } from '../../../../core/domain/reference.ts';
import {
  PRIORITY_FILTERS,
  type PriorityFilter,
  SCHOOL_STATUSES,
  type SchoolStatus,
} from '../../../../core/services/school/admissions.ts';
import {
  DIRECT_GROUNDS,
  type Ground,
  REFUSAL_GROUNDS,
  REQUIRED_DOCUMENTS,
  type RefusalGround,
  UNDOCUMENTED_STATUSES,
  type UndocumentedStatus,
} from '../../../../core/services/school/rules.ts';

export const PREFIX = 'sa';
const SEP = '|';
const MAX_BYTES = 64;

type Lang = (typeof LANGUAGES)[number];

/** A list's filters and page; `null` is "all". */
export type ListRef = {
  status: SchoolStatus | null;
  language: Lang | null;
  stage: number | null;
  priority: PriorityFilter | null;
  page: number;
};

export const FIRST_PAGE: ListRef = { status: null, language: null, stage: null, priority: null, page: 0 };

export type AdmissionsAction =
  /** the staff menu (/school) */
  | { a: 'menu' }
  /** the school's applications with filters */
  | { a: 'list'; ref: ListRef }
  /** one application's card */
  | { a: 'card'; app: string }
  /** the child's registry data (logged) */
  | { a: 'data'; app: string }
  /** tick (`on`) or untick one of the six documents, by its place in R-14 */
  | { a: 'doc'; app: string; doc: number; on: boolean }
  /** refusal: choose a ground, then type the explanation, then confirm */
  | { a: 'refuse'; app: string }
  | { a: 'ground'; app: string; ground: RefusalGround }
  | { a: 'refuse_yes'; app: string }
  /** confirm or refuse an unverified priority claim */
  | { a: 'prio'; app: string; ok: boolean }
  /** type an application number */
  | { a: 'search' }
  /** leave a typed flow */
  | { a: 'cancel' }
  /** direct admissions: list, new (ground → language → name → document → save), one, PMPK, withdraw */
  | { a: 'direct' }
  | { a: 'd_new' }
  | { a: 'd_ground'; ground: Ground }
  | { a: 'd_lang'; lang: Lang }
  | { a: 'd_save' }
  | { a: 'd_card'; id: number }
  | { a: 'd_pmpk'; id: number; on: boolean }
  | { a: 'd_withdraw'; id: number }
  | { a: 'd_withdraw_yes'; id: number }
  /** the staff register (director): list, add (PIN → position → since), end an entry */
  | { a: 'register' }
  | { a: 'r_new' }
  | { a: 'r_end'; id: number }
  | { a: 'r_end_yes'; id: number }
  /** undocumented children: list, new (name → year → body), one, set its status */
  | { a: 'undoc' }
  | { a: 'u_new' }
  | { a: 'u_skip' }
  | { a: 'u_card'; id: number }
  | { a: 'u_status'; id: number; status: UndocumentedStatus };

const appId = z.string().regex(/^[1-9]\d{0,18}$/);
const intId = z.coerce.number().int().min(1).max(2_147_483_647);
const flag = z.enum(['0', '1']).transform((v) => v === '1');
const docIndex = z.coerce
  .number()
  .int()
  .min(0)
  .max(REQUIRED_DOCUMENTS.length - 1);
const any = <T extends readonly [string, ...string[]]>(values: T) =>
  z.union([z.literal('*').transform(() => null), z.enum(values)]);
const refSchema = z
  .tuple([
    any(SCHOOL_STATUSES as unknown as readonly [string, ...string[]]),
    any(LANGUAGES),
    z.union([z.literal('*').transform(() => null), z.coerce.number().int().min(1).max(9)]),
    any(PRIORITY_FILTERS),
    z.coerce.number().int().min(0).max(9999),
  ])
  .transform(
    ([status, language, stage, priority, page]): ListRef => ({
      status: status as SchoolStatus | null,
      language: language as Lang | null,
      stage,
      priority: priority as PriorityFilter | null,
      page,
    }),
  );

function encodeRef(r: ListRef): string {
  return [r.status ?? '*', r.language ?? '*', r.stage ?? '*', r.priority ?? '*', String(r.page)].join(SEP);
}

export function encode(action: AdmissionsAction): string {
  const parts: (string | number)[] = [PREFIX];
  switch (action.a) {
    case 'menu':
      parts.push('m');
      break;
    case 'list':
      parts.push('l', encodeRef(action.ref));
      break;
    case 'card':
      parts.push('c', action.app);
      break;
    case 'data':
      parts.push('r', action.app);
      break;
    case 'doc':
      parts.push('d', action.app, action.doc, action.on ? '1' : '0');
      break;
    case 'refuse':
      parts.push('x', action.app);
      break;
    case 'ground':
      parts.push('xg', action.app, REFUSAL_GROUNDS.indexOf(action.ground));
      break;
    case 'refuse_yes':
      parts.push('xy', action.app);
      break;
    case 'prio':
      parts.push('p', action.app, action.ok ? '1' : '0');
      break;
    case 'search':
      parts.push('s');
      break;
    case 'cancel':
      parts.push('q');
      break;
    case 'direct':
      parts.push('da');
      break;
    case 'd_new':
      parts.push('dn');
      break;
    case 'd_ground':
      parts.push('dg', DIRECT_GROUNDS.indexOf(action.ground));
      break;
    case 'd_lang':
      parts.push('dl', action.lang);
      break;
    case 'd_save':
      parts.push('ds');
      break;
    case 'd_card':
      parts.push('dc', action.id);
      break;
    case 'd_pmpk':
      parts.push('dp', action.id, action.on ? '1' : '0');
      break;
    case 'd_withdraw':
      parts.push('dw', action.id);
      break;
    case 'd_withdraw_yes':
      parts.push('dwy', action.id);
      break;
    case 'register':
      parts.push('sr');
      break;
    case 'r_new':
      parts.push('sn');
      break;
    case 'r_end':
      parts.push('se', action.id);
      break;
    case 'r_end_yes':
      parts.push('sey', action.id);
      break;
    case 'undoc':
      parts.push('u');
      break;
    case 'u_new':
      parts.push('un');
      break;
    case 'u_skip':
      parts.push('uk');
      break;
    case 'u_card':
      parts.push('uc', action.id);
      break;
    case 'u_status':
      parts.push('us', action.id, UNDOCUMENTED_STATUSES.indexOf(action.status));
      break;
  }
  const s = parts.join(SEP);
  if (Buffer.byteLength(s) > MAX_BYTES) throw new Error(`callback data over 64 bytes: ${s}`);
  return s;
}

/** The action a payload names, or null for anything forged, stale or malformed. */
export function decode(data: string | undefined): AdmissionsAction | null {
  if (!data || Buffer.byteLength(data) > MAX_BYTES) return null;
  const [prefix, head, ...rest] = data.split(SEP);
  if (prefix !== PREFIX || head === undefined) return null;
  const n = (count: number) => rest.length === count;
  const app = (i: number) => appId.safeParse(rest[i]);
  const id = (i: number) => intId.safeParse(rest[i]);
  switch (head) {
    case 'm':
      return n(0) ? { a: 'menu' } : null;
    case 's':
      return n(0) ? { a: 'search' } : null;
    case 'q':
      return n(0) ? { a: 'cancel' } : null;
    case 'da':
      return n(0) ? { a: 'direct' } : null;
    case 'dn':
      return n(0) ? { a: 'd_new' } : null;
    case 'ds':
      return n(0) ? { a: 'd_save' } : null;
    case 'sr':
      return n(0) ? { a: 'register' } : null;
    case 'sn':
      return n(0) ? { a: 'r_new' } : null;
    case 'u':
      return n(0) ? { a: 'undoc' } : null;
    case 'un':
      return n(0) ? { a: 'u_new' } : null;
    case 'uk':
      return n(0) ? { a: 'u_skip' } : null;
    case 'l': {
      const r = refSchema.safeParse(rest);
      return r.success ? { a: 'list', ref: r.data } : null;
    }
    case 'c':
    case 'r':
    case 'x':
    case 'xy': {
      const a = app(0);
      if (!n(1) || !a.success) return null;
      const kind = ({ c: 'card', r: 'data', x: 'refuse', xy: 'refuse_yes' } as const)[head];
      return { a: kind, app: a.data };
    }
    case 'd': {
      const a = app(0);
      const doc = docIndex.safeParse(rest[1]);
      const on = flag.safeParse(rest[2]);
      return n(3) && a.success && doc.success && on.success
        ? { a: 'doc', app: a.data, doc: doc.data, on: on.data }
        : null;
    }
    case 'xg': {
      const a = app(0);
      const g = z.coerce
        .number()
        .int()
        .min(0)
        .max(REFUSAL_GROUNDS.length - 1)
        .safeParse(rest[1]);
      return n(2) && a.success && g.success
        ? { a: 'ground', app: a.data, ground: REFUSAL_GROUNDS[g.data] as RefusalGround }
        : null;
    }
    case 'p': {
      const a = app(0);
      const ok = flag.safeParse(rest[1]);
      return n(2) && a.success && ok.success ? { a: 'prio', app: a.data, ok: ok.data } : null;
    }
    case 'dg': {
      const g = z.coerce
        .number()
        .int()
        .min(0)
        .max(DIRECT_GROUNDS.length - 1)
        .safeParse(rest[0]);
      return n(1) && g.success ? { a: 'd_ground', ground: DIRECT_GROUNDS[g.data] as Ground } : null;
    }
    case 'dl': {
      const l = z.enum(LANGUAGES).safeParse(rest[0]);
      return n(1) && l.success ? { a: 'd_lang', lang: l.data } : null;
    }
    case 'dc':
    case 'dw':
    case 'dwy':
    case 'se':
    case 'sey':
    case 'uc': {
      const i = id(0);
      if (!n(1) || !i.success) return null;
      const kind = (
        {
          dc: 'd_card',
          dw: 'd_withdraw',
          dwy: 'd_withdraw_yes',
          se: 'r_end',
          sey: 'r_end_yes',
          uc: 'u_card',
        } as const
      )[head];
      return { a: kind, id: i.data };
    }
    case 'dp': {
      const i = id(0);
      const on = flag.safeParse(rest[1]);
      return n(2) && i.success && on.success ? { a: 'd_pmpk', id: i.data, on: on.data } : null;
    }
    case 'us': {
      const i = id(0);
      const s = z.coerce
        .number()
        .int()
        .min(0)
        .max(UNDOCUMENTED_STATUSES.length - 1)
        .safeParse(rest[1]);
      return n(2) && i.success && s.success
        ? { a: 'u_status', id: i.data, status: UNDOCUMENTED_STATUSES[s.data] as UndocumentedStatus }
        : null;
    }
    default:
      return null;
  }
}
