// pino with personal data redacted: PINs, names, addresses, phones, passports, tokens never reach a log.
import { pino } from 'pino';

export type Logger = pino.Logger;

const PERSONAL = [
  'pin',
  'childPin',
  'parentPin',
  'name',
  'firstName',
  'lastName',
  'first_name',
  'last_name',
  'username',
  'phone',
  'phone_number',
  'address',
  'passport',
  'birthCertificate',
  'certificateNumber',
  'text',
  'token',
  'secret',
  'authorization',
];

export const redactPaths = [
  ...PERSONAL,
  ...PERSONAL.map((k) => `*.${k}`),
  ...PERSONAL.map((k) => `*.*.${k}`),
  'req.headers.authorization',
  'req.headers["x-telegram-bot-api-secret-token"]',
];

/** A 14-digit run is a PIN (or a TIN): masked in any message string too. */
const PIN_IN_TEXT = /\b\d{14}\b/g;

export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: redactPaths, censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((a) => (typeof a === 'string' ? a.replace(PIN_IN_TEXT, '[pin]') : a));
          method.apply(this, masked as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
