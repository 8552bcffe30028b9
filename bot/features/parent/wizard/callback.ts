// Inline-button payloads of the registration wizard and of /status: ASCII, ≤ 64 bytes (K-TG-3),
// prefix `w|` (no other feature uses it), parsed with zod. An application id in a payload is only a
// claim: every handler asks the core, which refuses ids that are not the user's (K-REL-3).
import { z } from 'zod';
import { LANGUAGES } from '../../../../core/domain/reference.ts';

export const PREFIX = 'w';
const SEP = '|';

/** Steps a button can go to (⬅ Back, ✏ Change). */
export const NAV_STEPS = [
  'child',
  'pin',
  'cert',
  'confirm',
  'school',
  'address',
  'priority',
  'phone',
  'consent',
  'review',
] as const;
export type NavStep = (typeof NAV_STEPS)[number];

/** `a`: choosing the school of a draft (wizard); `s`: choosing the new school of a change (swap). */
export const MODES = ['a', 's'] as const;
export type Mode = (typeof MODES)[number];

export const PRIORITIES = ['none', 'military', 'kairylman', 'staff'] as const;
export type Priority = (typeof PRIORITIES)[number];

export type WizardAction =
  /** start: /apply, the menu's "Register a child" */
  | { a: 'new' }
  /** my applications (/status) */
  | { a: 'status' }
  /** one application's card */
  | { a: 'card'; app: string }
  /** the n-th child the registry links to the parent (the list is read again, never trusted) */
  | { a: 'kid'; index: number }
  /** another child: type the PIN */
  | { a: 'other' }
  /** continue a draft */
  | { a: 'resume'; app: string }
  /** ✖ Cancel: leave the wizard, the draft stays */
  | { a: 'cancel'; app: string | null }
  /** ⬅ Back / ✏ Change: go to a step */
  | { a: 'go'; to: NavStep; app: string | null }
  /** the registry data are right / wrong */
  | { a: 'ok'; app: string }
  | { a: 'wrong'; app: string }
  /** discard a draft (asked first), e.g. after the registry data were corrected */
  | { a: 'discard'; app: string }
  | { a: 'discard_yes'; app: string }
  /** the registry had not answered: look again */
  | { a: 'check'; app: string }
  /** school choice: the menu, typed search, search results, regions, districts, a district's list */
  | { a: 'schools'; mode: Mode; app: string }
  | { a: 'search'; mode: Mode; app: string }
  | { a: 'results'; mode: Mode; app: string; page: number }
  | { a: 'regions'; mode: Mode; app: string }
  | { a: 'region'; mode: Mode; app: string; region: string }
  | { a: 'district'; mode: Mode; app: string; district: string; page: number }
  /** a school was picked: choose its language */
  | { a: 'school'; mode: Mode; app: string; code: string }
  /** a school and language were picked */
  | { a: 'lang'; mode: Mode; app: string; code: string; lang: (typeof LANGUAGES)[number] }
  /** an alternative with free seats after `school_full` */
  | { a: 'alt'; app: string; code: string; lang: (typeof LANGUAGES)[number] }
  /** actual address: keep none */
  | { a: 'no_address'; app: string }
  | { a: 'priority'; app: string; priority: Priority }
  | { a: 'consent'; app: string }
  | { a: 'submit'; app: string }
  /** withdraw (asked first) */
  | { a: 'withdraw'; app: string }
  | { a: 'withdraw_yes'; app: string }
  /** change of school: start, cancel the pending change */
  | { a: 'swap'; app: string }
  | { a: 'swap_cancel'; app: string };

/** Codes on the wire (short: the payload carries ids and codes too). */
const CODE = {
  new: 'n',
  status: 'st',
  card: 'cd',
  kid: 'k',
  other: 'o',
  resume: 're',
  cancel: 'x',
  go: 'g',
  ok: 'y',
  wrong: 'bad',
  discard: 'dd',
  discard_yes: 'ddy',
  check: 'ck',
  schools: 'sm',
  search: 'ss',
  results: 'sr',
  regions: 'rg',
  region: 'rd',
  district: 'ds',
  school: 'sc',
  lang: 'lg',
  alt: 'al',
  no_address: 'na',
  priority: 'p',
  consent: 'cs',
  submit: 'sub',
  withdraw: 'wd',
  withdraw_yes: 'wdy',
  swap: 'sw',
  swap_cancel: 'swx',
} as const satisfies Record<WizardAction['a'], string>;

const appId = z.string().regex(/^[1-9]\d{0,18}$/);
const appOrNone = z.union([appId, z.literal('-')]).transform((v) => (v === '-' ? null : v));
const code = z.string().regex(/^[A-Za-z0-9_-]{1,24}$/);
const page = z.coerce.number().int().min(0).max(999);
const mode = z.enum(MODES);
const lang = z.enum(LANGUAGES);

/** Each action's fields after the code, in order. */
const SCHEMAS = {
  new: z.tuple([]),
  status: z.tuple([]),
  card: z.tuple([appId]).transform(([app]) => ({ app })),
  kid: z.tuple([z.coerce.number().int().min(0).max(19)]).transform(([index]) => ({ index })),
  other: z.tuple([]),
  resume: z.tuple([appId]).transform(([app]) => ({ app })),
  cancel: z.tuple([appOrNone]).transform(([app]) => ({ app })),
  go: z.tuple([z.enum(NAV_STEPS), appOrNone]).transform(([to, app]) => ({ to, app })),
  ok: z.tuple([appId]).transform(([app]) => ({ app })),
  wrong: z.tuple([appId]).transform(([app]) => ({ app })),
  discard: z.tuple([appId]).transform(([app]) => ({ app })),
  discard_yes: z.tuple([appId]).transform(([app]) => ({ app })),
  check: z.tuple([appId]).transform(([app]) => ({ app })),
  schools: z.tuple([mode, appId]).transform(([mode, app]) => ({ mode, app })),
  search: z.tuple([mode, appId]).transform(([mode, app]) => ({ mode, app })),
  results: z.tuple([mode, appId, page]).transform(([mode, app, page]) => ({ mode, app, page })),
  regions: z.tuple([mode, appId]).transform(([mode, app]) => ({ mode, app })),
  region: z.tuple([mode, appId, code]).transform(([mode, app, region]) => ({ mode, app, region })),
  district: z
    .tuple([mode, appId, code, page])
    .transform(([mode, app, district, page]) => ({ mode, app, district, page })),
  school: z.tuple([mode, appId, code]).transform(([mode, app, code]) => ({ mode, app, code })),
  lang: z
    .tuple([mode, appId, code, lang])
    .transform(([mode, app, code, lang]) => ({ mode, app, code, lang })),
  alt: z.tuple([appId, code, lang]).transform(([app, code, lang]) => ({ app, code, lang })),
  no_address: z.tuple([appId]).transform(([app]) => ({ app })),
  priority: z.tuple([appId, z.enum(PRIORITIES)]).transform(([app, priority]) => ({ app, priority })),
  consent: z.tuple([appId]).transform(([app]) => ({ app })),
  submit: z.tuple([appId]).transform(([app]) => ({ app })),
  withdraw: z.tuple([appId]).transform(([app]) => ({ app })),
  withdraw_yes: z.tuple([appId]).transform(([app]) => ({ app })),
  swap: z.tuple([appId]).transform(([app]) => ({ app })),
  swap_cancel: z.tuple([appId]).transform(([app]) => ({ app })),
} satisfies Record<WizardAction['a'], z.ZodType>;

const BY_CODE = new Map<string, WizardAction['a']>(
  Object.entries(CODE).map(([name, c]) => [c, name as WizardAction['a']]),
);

function fields(action: WizardAction): string[] {
  switch (action.a) {
    case 'new':
    case 'status':
    case 'other':
      return [];
    case 'kid':
      return [String(action.index)];
    case 'cancel':
      return [action.app ?? '-'];
    case 'go':
      return [action.to, action.app ?? '-'];
    case 'schools':
    case 'search':
    case 'regions':
      return [action.mode, action.app];
    case 'results':
      return [action.mode, action.app, String(action.page)];
    case 'region':
      return [action.mode, action.app, action.region];
    case 'district':
      return [action.mode, action.app, action.district, String(action.page)];
    case 'school':
      return [action.mode, action.app, action.code];
    case 'lang':
      return [action.mode, action.app, action.code, action.lang];
    case 'alt':
      return [action.app, action.code, action.lang];
    case 'priority':
      return [action.app, action.priority];
    default:
      return [action.app];
  }
}

/** The payload of a wizard button. Throws on anything that would not fit or not parse back. */
export function encodeWizard(action: WizardAction): string {
  const s = [PREFIX, CODE[action.a], ...fields(action)].join(SEP);
  if (!/^[\x20-\x7e]+$/.test(s)) throw new Error(`wizard callback data not ASCII: ${s}`);
  if (Buffer.byteLength(s) > 64) throw new Error(`wizard callback data over 64 bytes: ${s}`);
  return s;
}

/** True when the payload is the wizard's (even if it does not parse: then it is stale or forged). */
export function isWizardData(data: string | undefined): boolean {
  return data?.startsWith(`${PREFIX}${SEP}`) ?? false;
}

/** Parses a payload; null when it is not the wizard's or does not parse (forged, stale, damaged). */
export function decodeWizard(data: string | undefined): WizardAction | null {
  if (!data || Buffer.byteLength(data) > 64 || !isWizardData(data)) return null;
  const [, head, ...rest] = data.split(SEP);
  const name = head === undefined ? undefined : BY_CODE.get(head);
  if (!name) return null;
  const parsed = SCHEMAS[name].safeParse(rest);
  if (!parsed.success) return null;
  return { a: name, ...(parsed.data as object) } as WizardAction;
}
