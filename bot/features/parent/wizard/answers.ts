// Typed answers of the wizard, validated with zod (K-CORE-6): each schema either gives the value the
// core wants or a reason code that locales/<lang>/wizard.json words as "what is wrong, what to send".
// Forgiving about form (spaces, hyphens, «№», Latin or Cyrillic letters), strict about content.
import { z } from 'zod';
import { houseNumber } from '../../../../core/domain/eligibility.ts';
import { normalizePin, parsePin } from '../../../../core/domain/pin.ts';
import { normalizeKgPhone } from '../../../../core/services/applications/phone.ts';

/** Longer than any sensible answer: such a message is answered as "too long", not parsed. */
export const MAX_ANSWER = 200;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

function fromZod<T>(r: z.ZodSafeParseResult<T>): Parsed<T> {
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, reason: r.error.issues[0]?.message ?? 'invalid' };
}

const text = z
  .string()
  .transform((s) => s.replace(/\s+/g, ' ').trim())
  .pipe(z.string().min(1, 'empty').max(MAX_ANSWER, 'too_long'));

// --- PIN -------------------------------------------------------------------------------------

const pinSchema = text.transform((s, ctx) => {
  const r = parsePin(s);
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: `pin_${r.reason}` });
    return z.NEVER;
  }
  return r.pin;
});

export function parsePinAnswer(input: string): Parsed<string> {
  return fromZod(pinSchema.safeParse(input));
}

// --- birth certificate -------------------------------------------------------------------------

export type Certificate = { series: string; number: string };

const LETTERS = 'A-ZА-ЯЁҢӨҮ';
const CERT = new RegExp(`^([${LETTERS}]{1,5}(?:-[${LETTERS}]{1,5})?)[\\s.:-]*(\\d{5,10})$`);
const FILLER =
  /(?<!\p{L})(?:СЕРИЯСЫ|СЕРИЯ|SERIES|НОМЕРИ|НОМЕР|NUMBER|КҮБӨЛҮК|СВИДЕТЕЛЬСТВО)(?!\p{L})\.?|(?<!\p{L})NO\.|N°|[№#]/gu;

const certificateSchema = text.transform((s, ctx): Certificate => {
  const cleaned = s.toUpperCase().replace(FILLER, ' ').replace(/[,;]/g, ' ').replace(/\s+/g, ' ').trim();
  const m = CERT.exec(cleaned);
  if (m) return { series: (m[1] as string).replace(/\s+/g, ''), number: m[2] as string };
  const digits = cleaned.replace(/\D/g, '');
  const letters = cleaned.replace(new RegExp(`[^${LETTERS}]`, 'g'), '');
  if (letters.length === 0 && digits.length > 0) ctx.addIssue({ code: 'custom', message: 'cert_no_series' });
  else if (digits.length === 0 && letters.length > 0)
    ctx.addIssue({ code: 'custom', message: 'cert_no_number' });
  else if (digits.length > 0 && (digits.length < 5 || digits.length > 10))
    ctx.addIssue({ code: 'custom', message: 'cert_number_length' });
  else ctx.addIssue({ code: 'custom', message: 'cert_shape' });
  return z.NEVER;
});

export function parseCertificateAnswer(input: string): Parsed<Certificate> {
  return fromZod(certificateSchema.safeParse(input));
}

/**
 * The PIN and the certificate in one message ("2 150620 1900001 KG 1234567"), as some parents will
 * type them. Null when the message is not both.
 */
export function parsePinAndCertificate(input: string): { pin: string; certificate: Certificate } | null {
  const m = /^\s*([\d][\d\s\u00a0-]{12,24}\d)\s*[,;/]?\s*(\D.*)$/su.exec(input);
  if (!m) return null;
  const pin = parsePin(normalizePin(m[1] as string));
  if (!pin.ok) return null;
  const certificate = parseCertificateAnswer(m[2] as string);
  return certificate.ok ? { pin: pin.pin, certificate: certificate.value } : null;
}

// --- phone -------------------------------------------------------------------------------------

const phoneSchema = text.transform((s, ctx) => {
  const phone = normalizeKgPhone(s);
  if (phone) return phone;
  const digits = s.replace(/\D/g, '');
  const foreign = /^\+/.test(s) && !/^\+?996/.test(s.replace(/[\s()-]/g, ''));
  ctx.addIssue({
    code: 'custom',
    message: digits.length === 0 ? 'phone_no_digits' : foreign ? 'phone_foreign' : 'phone_shape',
  });
  return z.NEVER;
});

export function parsePhoneAnswer(input: string): Parsed<string> {
  return fromZod(phoneSchema.safeParse(input));
}

// --- actual address ----------------------------------------------------------------------------

export type TypedAddress = { settlement: string; street: string; house: string };

const part = z.string().trim().min(1, 'address_parts').max(80, 'address_part_long');

const addressSchema = z
  .string()
  .max(MAX_ANSWER, 'too_long')
  .transform((s) =>
    s
      .split(/\s*[,;\n]\s*/)
      .map((p) => p.replace(/\s+/g, ' ').trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string()).length(3, 'address_parts'))
  .pipe(
    z
      .tuple([part, part, part])
      .transform(([settlement, street, house]) => ({ settlement, street, house }))
      .refine((a) => houseNumber(a.house) !== null, 'address_house')
      .refine((a) => /\p{L}/u.test(a.settlement) && /\p{L}/u.test(a.street), 'address_letters'),
  );

export function parseAddressAnswer(input: string): Parsed<TypedAddress> {
  return fromZod(addressSchema.safeParse(input));
}

// --- school search -----------------------------------------------------------------------------

const searchSchema = text.transform((s, ctx) => {
  const length = [...s].length;
  if (!/[\p{L}\p{N}]/u.test(s)) ctx.addIssue({ code: 'custom', message: 'search_letters' });
  else if (length < 2 || length > 60) ctx.addIssue({ code: 'custom', message: 'search_length' });
  return s;
});

export function parseSearchAnswer(input: string): Parsed<string> {
  return fromZod(searchSchema.safeParse(input));
}
