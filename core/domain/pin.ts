// Personal identification number (ПИН / ЖИН): 14 digits = sex digit + birth date DDMMYYYY + 5-digit
// sequence (../shared/reference/facts.md, "Identifiers and formats"). No check digit is known: we check
// the shape (Tunduk's own pattern), that the date exists, and read sex and birth date from it. Company
// TINs are also 14 digits: never apply these rules to them.

/** Tunduk's pattern for a person's PIN. */
export const PIN_PATTERN = /^[012][0-3]\d[01]\d[12]\d{3}\d{5}$/;

/** Sex as the PIN's first digit tells it: 1 female, 2 male, 0 unknown. */
export type PinSex = 'F' | 'M' | 'unknown';

export type ParsedPin = {
  /** the PIN, digits only */
  pin: string;
  sex: PinSex;
  /** YYYY-MM-DD */
  birthDate: string;
  /** the last five digits */
  sequence: string;
};

export type PinFailure =
  /** nothing was given */
  | 'empty'
  /** something other than digits (spaces and hyphens between digits are accepted) */
  | 'not_digits'
  /** not exactly 14 digits */
  | 'wrong_length'
  /** 14 digits that do not follow the pattern (sex digit, day, month, century) */
  | 'bad_shape'
  /** the date does not exist (e.g. 31 February) */
  | 'no_such_date'
  /** the birth date lies after `today` */
  | 'future_date';

export type PinResult = ({ ok: true } & ParsedPin) | { ok: false; reason: PinFailure };

const SEPARATORS = /[\s\u00a0-]+/g;

/** Removes the spaces and hyphens people type between groups of digits. */
export function normalizePin(input: string): string {
  return input.replace(SEPARATORS, '');
}

function dateExists(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/**
 * Reads a PIN typed by a person. `today` (YYYY-MM-DD), when given, refuses birth dates after it.
 * Returns the normalised PIN with its sex and birth date, or a typed reason.
 */
export function parsePin(input: string, opts: { today?: string } = {}): PinResult {
  const pin = normalizePin(input ?? '');
  if (pin === '') return { ok: false, reason: 'empty' };
  if (!/^\d+$/.test(pin)) return { ok: false, reason: 'not_digits' };
  if (pin.length !== 14) return { ok: false, reason: 'wrong_length' };
  if (!PIN_PATTERN.test(pin)) return { ok: false, reason: 'bad_shape' };
  const day = Number(pin.slice(1, 3));
  const month = Number(pin.slice(3, 5));
  const year = Number(pin.slice(5, 9));
  if (!dateExists(year, month, day)) return { ok: false, reason: 'no_such_date' };
  const birthDate = `${pin.slice(5, 9)}-${pin.slice(3, 5)}-${pin.slice(1, 3)}`;
  if (opts.today !== undefined && birthDate > opts.today) return { ok: false, reason: 'future_date' };
  const digit = pin[0];
  const sex: PinSex = digit === '1' ? 'F' : digit === '2' ? 'M' : 'unknown';
  return { ok: true, pin, sex, birthDate, sequence: pin.slice(9) };
}

/** True when `pin` is exactly a well-formed PIN (no separators) with a date that exists. */
export function isValidPin(pin: string): boolean {
  return PIN_PATTERN.test(pin) && parsePin(pin).ok;
}

/** Builds a PIN from its parts (the registry simulator and tests use it). */
export function makePin(parts: { sex: PinSex; birthDate: string; sequence: number }): string {
  const [y, m, d] = parts.birthDate.split('-');
  if (!y || !m || !d || !dateExists(Number(y), Number(m), Number(d)))
    throw new RangeError(`not a date: ${parts.birthDate}`);
  if (!Number.isInteger(parts.sequence) || parts.sequence < 0 || parts.sequence > 99_999)
    throw new RangeError('sequence must be 0..99999');
  const digit = parts.sex === 'F' ? '1' : parts.sex === 'M' ? '2' : '0';
  const pin = `${digit}${d}${m}${y}${String(parts.sequence).padStart(5, '0')}`;
  if (!PIN_PATTERN.test(pin)) throw new RangeError(`year out of the PIN's range: ${y}`);
  return pin;
}

/**
 * Whether what the PIN says agrees with what the registry says of the person. A sex digit 0 agrees
 * with either sex.
 */
export function pinAgrees(pin: string, person: { sex: 'F' | 'M'; birthDate: string }): boolean {
  const p = parsePin(pin);
  if (!p.ok || p.pin !== pin) return false;
  return p.birthDate === person.birthDate && (p.sex === 'unknown' || p.sex === person.sex);
}
