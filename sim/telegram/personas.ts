// Demo personas of the Telegram simulator (K-TG-7): the people who talk to the bot in development, demos
// and tests. Ids are realistic Telegram user ids — most of them above 2^31, as today's accounts are, so
// that code storing them in a 32-bit integer fails here and not in production. A private chat's id is the
// user's id.

export type PersonaRole = 'parent' | 'director' | 'district' | 'ministry' | 'public';

export type Persona = {
  id: number;
  firstName: string;
  lastName?: string;
  username?: string;
  /** The Telegram app's language (`from.language_code`); rarely `ky` in real life. */
  languageCode?: string;
  /** The persona's phone as people write it (`+996 700 123 456`); shared contacts carry the digits. */
  phone: string;
  role: PersonaRole;
  /** Key in `locales/<lang>/sim.json` of the label shown under the name in the web chat. */
  labelKey?: string;
};

export const defaultPersonas: Persona[] = [
  {
    id: 5_210_000_001,
    firstName: 'Айгүл',
    lastName: 'Асанова',
    username: 'aigul_asanova',
    languageCode: 'ru',
    phone: '+996 700 123 456',
    role: 'parent',
    labelKey: 'roleParent',
  },
  {
    id: 6_034_500_002,
    firstName: 'Бакыт',
    lastName: 'Токтогулов',
    languageCode: 'ky',
    phone: '+996 770 234 567',
    role: 'parent',
    labelKey: 'roleParent',
  },
  {
    id: 412_345_678,
    firstName: 'Елена',
    lastName: 'Петрова',
    username: 'elena_petrova_kg',
    languageCode: 'ru',
    phone: '+996 705 345 678',
    role: 'parent',
    labelKey: 'roleParent',
  },
  {
    id: 7_001_200_004,
    firstName: 'Нургүл',
    lastName: 'Абдыкадырова',
    username: 'nurgul_director',
    languageCode: 'ru',
    phone: '+996 701 456 789',
    role: 'director',
    labelKey: 'roleDirector',
  },
  {
    id: 5_550_300_005,
    firstName: 'Эрлан',
    lastName: 'Жумабеков',
    languageCode: 'ky',
    phone: '+996 707 567 890',
    role: 'district',
    labelKey: 'roleDistrict',
  },
  {
    id: 6_900_400_006,
    firstName: 'Чолпон',
    lastName: 'Осмонова',
    username: 'ch_osmonova',
    languageCode: 'ru',
    phone: '+996 708 678 901',
    role: 'ministry',
    labelKey: 'roleMinistry',
  },
  {
    id: 7_412_500_007,
    firstName: 'Alex',
    lastName: 'Morgan',
    username: 'alex_visitor',
    languageCode: 'en',
    phone: '+996 709 789 012',
    role: 'public',
    labelKey: 'rolePublic',
  },
];

/** The digits Telegram puts in `contact.phone_number` (no `+`, no spaces — as most clients send it). */
export function contactPhoneDigits(phone: string): string {
  return phone.replace(/\D/g, '');
}
