// What the registry services send over the wire (the simulator defines these shapes; Tunduk's real
// ones are not public). Every response is validated with these schemas before the adapters turn it
// into domain types; the simulator serves the same schemas (and their OpenAPI through getOpenAPI).
import { z } from 'zod';
import type { RegistryServiceName } from './config.ts';

const date = z.iso.date();
const pin = z.string().regex(/^\d{14}$/);
const gender = z.enum(['FEMALE', 'MALE']);

export const personWire = z.object({
  pin,
  surname: z.string().min(1),
  name: z.string().min(1),
  patronymic: z.string().nullish(),
  gender,
  birthDate: date,
  citizenship: z.string().nullish(),
});

export const birthRecordWire = z.object({
  childPin: pin,
  certificate: z.object({
    series: z.string().min(1),
    number: z.string().min(1),
    issuedBy: z.string(),
    issuedOn: date,
  }),
  motherPin: pin.nullish(),
  fatherPin: pin.nullish(),
  birthDate: date,
  gender,
  surname: z.string().min(1),
  name: z.string().min(1),
  patronymic: z.string().nullish(),
});

export const guardianshipWire = z.object({
  childPin: pin,
  guardians: z.array(
    z.object({
      guardianPin: pin,
      kind: z.enum(['GUARDIAN', 'TRUSTEE']),
      since: date,
      until: date.nullish(),
    }),
  ),
});

export const childrenOfWire = z.object({
  pin,
  children: z.array(
    z.object({ childPin: pin, relation: z.enum(['MOTHER', 'FATHER', 'GUARDIAN', 'TRUSTEE']) }),
  ),
});

export const passportWire = z.object({
  pin,
  series: z.string().min(1),
  number: z.string().min(1),
  issuedBy: z.string(),
  issuedOn: date,
  validUntil: date,
});

export const addressWire = z.object({
  pin,
  districtId: z.string().min(1),
  settlement: z.string().min(1),
  street: z.string().min(1),
  house: z.string().min(1),
  apartment: z.string().nullish(),
  registeredSince: date,
});

export const militaryWire = z.object({
  pin,
  serving: z.boolean(),
  unit: z.string().nullish(),
  since: date.nullish(),
});

export const kairylmanWire = z.object({
  pin,
  kairylman: z.boolean(),
  since: date.nullish(),
});

/** The response schema of each service. */
export const wireSchemas = {
  personByPin: personWire,
  birthRecord: birthRecordWire,
  guardianship: guardianshipWire,
  passportByPin: passportWire,
  registeredAddress: addressWire,
  militaryStatus: militaryWire,
  kairylmanStatus: kairylmanWire,
  childrenOf: childrenOfWire,
} satisfies Record<RegistryServiceName, z.ZodType>;

export type WireOf<S extends RegistryServiceName> = z.infer<(typeof wireSchemas)[S]>;

/** The body a provider sends with 404 (and other errors of its own). Never carries the PIN. */
export const providerErrorWire = z.object({ error: z.string(), message: z.string().optional() });

/** The body of an X-Road error (sent with the `X-Road-Error` header). */
export const xroadErrorWire = z.object({
  type: z.string(),
  message: z.string().optional(),
  detail: z.string().optional(),
});

/** `listMethods` / `allowedMethods` answer. */
export const methodListWire = z.object({
  service: z.array(
    z.object({
      object_type: z.literal('SERVICE'),
      xroad_instance: z.string(),
      member_class: z.string(),
      member_code: z.string(),
      subsystem_code: z.string(),
      service_code: z.string(),
      service_type: z.string().optional(),
    }),
  ),
});
