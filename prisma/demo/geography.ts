// Geography behind the demo world: where schools stand (district centres, towns, villages), which
// streets run through them, and how language of instruction varies by region. Synthetic but shaped
// after the real country; used only by the demo generator (prisma/demo/world.ts).
import type { InstructionLanguage } from '../../core/domain/reference.ts';

export type Profile = 'bishkek' | 'osh' | 'chuy' | 'issykkul' | 'north' | 'south' | 'southMountain';

export type TownSpec = { ky: string; ru?: string; weight: number; lat: number; lon: number };

export type DistrictSpec = {
  id: string;
  lat: number;
  lon: number;
  /** schools in the district when the world has 2,400 */
  schools: number;
  profile: Profile;
  /** Tajik-speaking villages exist (Batken oblast) */
  tajik?: boolean;
  /** cities of republican significance: one settlement for the whole district */
  city?: TownSpec;
  towns?: TownSpec[];
  /** named villages, the rayon centre first; "Kyrgyz=Russian" when the Russian form differs */
  villages?: string[];
};

const t = (ky: string, weight: number, lat: number, lon: number, ru?: string): TownSpec => ({
  ky,
  weight,
  lat,
  lon,
  ...(ru ? { ru } : {}),
});

export const BISHKEK = t('Бишкек', 0, 42.87, 74.6);
export const OSH = t('Ош', 0, 40.53, 72.8);

/** Seats for first grade per top-level territory when the world has 2,400 schools (total 190,000). */
export const SEAT_BUDGET: Record<string, number> = {
  'KG-GB': 21_000,
  'KG-GO': 9_500,
  'KG-O': 41_000,
  'KG-J': 38_000,
  'KG-C': 30_000,
  'KG-Y': 16_000,
  'KG-B': 17_000,
  'KG-N': 9_000,
  'KG-T': 8_500,
};

export const DISTRICTS: DistrictSpec[] = [
  { id: 'KG-GB-BIR', lat: 42.885, lon: 74.605, schools: 25, profile: 'bishkek', city: BISHKEK },
  { id: 'KG-GB-LEN', lat: 42.85, lon: 74.56, schools: 32, profile: 'bishkek', city: BISHKEK },
  { id: 'KG-GB-OKT', lat: 42.835, lon: 74.64, schools: 28, profile: 'bishkek', city: BISHKEK },
  { id: 'KG-GB-SVE', lat: 42.89, lon: 74.65, schools: 25, profile: 'bishkek', city: BISHKEK },
  { id: 'KG-GO-OSH', lat: 40.53, lon: 72.8, schools: 70, profile: 'osh', city: OSH },
  {
    id: 'KG-B-BAT',
    lat: 40.0,
    lon: 70.9,
    schools: 80,
    profile: 'south',
    tajik: true,
    towns: [t('Баткен', 9, 40.06, 70.82)],
    villages: ['Кара-Бак', 'Самаркандек', 'Ак-Сай', 'Бужум', 'Кыштут', 'Чет-Булак'],
  },
  {
    id: 'KG-B-KAD',
    lat: 40.15,
    lon: 71.65,
    schools: 110,
    profile: 'south',
    towns: [
      t('Кызыл-Кыя', 14, 40.26, 72.13, 'Кызыл-Кия'),
      t('Айдаркен', 3, 39.94, 71.34),
      t('Кадамжай', 4, 40.13, 71.72),
    ],
    villages: ['Пулгон', 'Уч-Коргон', 'Халмион', 'Орозбеков', 'Марказ'],
  },
  {
    id: 'KG-B-LEY',
    lat: 39.9,
    lon: 69.75,
    schools: 80,
    profile: 'south',
    tajik: true,
    towns: [t('Исфана', 6, 39.84, 69.53), t('Сүлүктү', 6, 39.93, 69.57, 'Сулюкта')],
    villages: ['Кулунду', 'Катран', 'Андарак', 'Ак-Терек'],
  },
  {
    id: 'KG-J-AKS',
    lat: 41.45,
    lon: 71.85,
    schools: 75,
    profile: 'south',
    towns: [t('Кербен', 7, 41.49, 71.75)],
    villages: ['Авлетим', 'Жаңы-Жол=Жаны-Джол', 'Кашка-Суу', 'Торт-Кул', 'Жерге-Тал'],
  },
  {
    id: 'KG-J-ALB',
    lat: 41.38,
    lon: 71.45,
    schools: 50,
    profile: 'south',
    villages: ['Ала-Бука', 'Сафед-Булан', 'Баястан', 'Орто-Сай', 'Кош-Дөбө'],
  },
  {
    id: 'KG-J-BAZ',
    lat: 41.08,
    lon: 72.75,
    schools: 70,
    profile: 'south',
    villages: ['Базар-Коргон', 'Арстанбап', 'Кеңеш', 'Акман', 'Бешик-Жон', 'Сейдикум'],
  },
  {
    id: 'KG-J-NOO',
    lat: 41.1,
    lon: 72.4,
    schools: 70,
    profile: 'south',
    towns: [t('Кочкор-Ата', 5, 41.03, 72.48), t('Майлуу-Суу', 8, 41.27, 72.45)],
    villages: ['Масы', 'Ноокен', 'Шайдан', 'Бүргөндү'],
  },
  {
    id: 'KG-J-SUZ',
    lat: 40.95,
    lon: 73.05,
    schools: 120,
    profile: 'south',
    towns: [t('Жалал-Абад', 32, 40.93, 73.0, 'Джалал-Абад')],
    villages: ['Сузак', 'Барпы', 'Көк-Арт', 'Благовещенка', 'Курманбек', 'Таш-Булак'],
  },
  {
    id: 'KG-J-TGT',
    lat: 41.4,
    lon: 74.0,
    schools: 25,
    profile: 'southMountain',
    villages: ['Казарман', 'Атай', 'Беш-Терек', 'Сары-Булуң'],
  },
  {
    id: 'KG-J-TOK',
    lat: 41.8,
    lon: 72.9,
    schools: 60,
    profile: 'north',
    towns: [
      t('Токтогул', 6, 41.87, 72.94),
      t('Кара-Көл', 6, 41.63, 72.68, 'Кара-Куль'),
      t('Шамалды-Сай', 2, 41.2, 72.17),
    ],
    villages: ['Үч-Терек', 'Сары-Камыш', 'Торкент', 'Терек-Суу'],
  },
  {
    id: 'KG-J-CHA',
    lat: 41.7,
    lon: 71.35,
    schools: 20,
    profile: 'southMountain',
    villages: ['Каныш-Кыя=Каныш-Кия', 'Жаңы-Базар=Жаны-Базар', 'Терек-Сай', 'Сумсар'],
  },
  {
    id: 'KG-N-AKT',
    lat: 41.3,
    lon: 74.9,
    schools: 25,
    profile: 'north',
    villages: ['Баетов', 'Угют', 'Терек', 'Ак-Тал'],
  },
  {
    id: 'KG-N-ATB',
    lat: 41.1,
    lon: 75.8,
    schools: 35,
    profile: 'north',
    villages: ['Ат-Башы', 'Ак-Муз', 'Казыбек', 'Кара-Коюн', 'Баш-Кайыңды=Баш-Каинды'],
  },
  {
    id: 'KG-N-JUM',
    lat: 41.95,
    lon: 74.4,
    schools: 30,
    profile: 'north',
    villages: ['Чаек', 'Баш-Кууганды', 'Кызарт', 'Ак-Жар'],
  },
  {
    id: 'KG-N-KOC',
    lat: 42.15,
    lon: 75.75,
    schools: 35,
    profile: 'north',
    villages: ['Кочкор', 'Чолпон', 'Семиз-Бел', 'Кум-Дөбө', 'Теңдик=Тендик'],
  },
  {
    id: 'KG-N-NAR',
    lat: 41.45,
    lon: 76.1,
    schools: 40,
    profile: 'north',
    towns: [t('Нарын', 11, 41.43, 75.99)],
    villages: ['Эмгекчил', 'Таш-Башат', 'Жан-Булак', 'Ак-Кыя'],
  },
  {
    id: 'KG-O-ALA',
    lat: 40.1,
    lon: 73.3,
    schools: 65,
    profile: 'southMountain',
    villages: ['Гүлчө=Гульча', 'Сопу-Коргон', 'Жошолу', 'Чакмак-Суу'],
  },
  {
    id: 'KG-O-ARA',
    lat: 40.5,
    lon: 72.45,
    schools: 60,
    profile: 'south',
    villages: ['Араван', 'Төө-Моюн', 'Керме-Тоо', 'Чек-Абад', 'Мангыт', 'Нурабад'],
  },
  {
    id: 'KG-O-KKU',
    lat: 40.6,
    lon: 73.65,
    schools: 65,
    profile: 'southMountain',
    villages: ['Кара-Кулжа=Кара-Кульджа', 'Алайкуу', 'Каптал-Арык', 'Чалма', 'Кызыл-Жар'],
  },
  {
    id: 'KG-O-KSU',
    lat: 40.72,
    lon: 72.9,
    schools: 125,
    profile: 'south',
    towns: [t('Кара-Суу', 12, 40.7, 72.87)],
    villages: ['Нариман', 'Кашкар-Кыштак', 'Жапалак', 'Төлөйкөн', 'Савай', 'Мады', 'Кызыл-Кыштак'],
  },
  {
    id: 'KG-O-NOO',
    lat: 40.25,
    lon: 72.55,
    schools: 85,
    profile: 'south',
    towns: [t('Ноокат', 8, 40.27, 72.62)],
    villages: ['Кыргыз-Ата', 'Гүлстан', 'Жаңы-Ноокат=Жаны-Ноокат', 'Кара-Тоо'],
  },
  {
    id: 'KG-O-OZG',
    lat: 40.8,
    lon: 73.4,
    schools: 95,
    profile: 'south',
    towns: [t('Өзгөн', 12, 40.77, 73.3, 'Узген')],
    villages: ['Мырза-Аке', 'Салам-Алик', 'Заргер', 'Куршаб', 'Тоолос'],
  },
  {
    id: 'KG-O-CHA',
    lat: 39.6,
    lon: 72.5,
    schools: 25,
    profile: 'southMountain',
    villages: ['Дароот-Коргон', 'Жекенди', 'Кара-Шыбак', 'Чоң-Карамык=Чон-Карамык'],
  },
  {
    id: 'KG-T-BAK',
    lat: 42.4,
    lon: 71.8,
    schools: 35,
    profile: 'north',
    villages: ['Бакай-Ата', 'Боо-Терек', 'Ак-Дөбө', 'Өзгөрүш'],
  },
  {
    id: 'KG-T-KBU',
    lat: 42.55,
    lon: 71.45,
    schools: 40,
    profile: 'north',
    villages: ['Кызыл-Адыр', 'Амандык', 'Чолок-Кайың=Чолок-Каинды', 'Кара-Буура'],
  },
  {
    id: 'KG-T-MAN',
    lat: 42.35,
    lon: 72.0,
    schools: 30,
    profile: 'north',
    villages: ['Покровка', 'Жийде', 'Кырк-Казык', 'Уч-Эмчек'],
  },
  {
    id: 'KG-T-TAL',
    lat: 42.5,
    lon: 72.3,
    schools: 40,
    profile: 'north',
    towns: [t('Талас', 11, 42.52, 72.24)],
    villages: ['Көк-Ой', 'Бакыян', 'Жаңы-Турмуш=Жаны-Турмуш', 'Арал'],
  },
  {
    id: 'KG-C-ALM',
    lat: 42.88,
    lon: 74.72,
    schools: 65,
    profile: 'chuy',
    towns: [t('Лебединовка', 7, 42.88, 74.69)],
    villages: ['Васильевка', 'Кара-Жыгач', 'Таш-Дөбө', 'Маевка', 'Пригородное', 'Байтик', 'Кой-Таш'],
  },
  {
    id: 'KG-C-JAY',
    lat: 42.65,
    lon: 73.75,
    schools: 50,
    profile: 'chuy',
    towns: [t('Кара-Балта', 12, 42.81, 73.85)],
    villages: ['Суусамыр', 'Сары-Булак', 'Ак-Башат', 'Бирдик'],
  },
  {
    id: 'KG-C-KEM',
    lat: 42.75,
    lon: 75.75,
    schools: 25,
    profile: 'chuy',
    towns: [t('Кемин', 4, 42.78, 75.69), t('Орловка', 3, 42.73, 75.57)],
    villages: ['Кичи-Кемин', 'Шабдан', 'Боролдой', 'Ак-Түз'],
  },
  {
    id: 'KG-C-MOS',
    lat: 42.8,
    lon: 74.05,
    schools: 45,
    profile: 'chuy',
    towns: [t('Беловодское', 5, 42.83, 74.11)],
    villages: ['Петровка', 'Романовка', 'Александровка', 'Садовое'],
  },
  {
    id: 'KG-C-PAN',
    lat: 42.75,
    lon: 73.45,
    schools: 25,
    profile: 'chuy',
    towns: [t('Кайыңды', 4, 42.83, 73.68, 'Каинды')],
    villages: ['Панфиловское', 'Чалдыбар', 'Ак-Жол'],
  },
  {
    id: 'KG-C-SOK',
    lat: 42.8,
    lon: 74.32,
    schools: 65,
    profile: 'chuy',
    towns: [t('Шопоков', 4, 42.83, 74.31), t('Сокулук', 5, 42.86, 74.3)],
    villages: ['Новопавловка', 'Военно-Антоновка', 'Жаңы-Пахта=Жаны-Пахта', 'Гавриловка', 'Күн-Туу=Кун-Туу'],
  },
  {
    id: 'KG-C-CHU',
    lat: 42.8,
    lon: 75.3,
    schools: 40,
    profile: 'chuy',
    towns: [t('Токмок', 14, 42.84, 75.29)],
    villages: ['Бурана', 'Ак-Бешим', 'Кегети', 'Ибраимов', 'Шамшы'],
  },
  {
    id: 'KG-C-YSA',
    lat: 42.85,
    lon: 74.98,
    schools: 45,
    profile: 'chuy',
    towns: [t('Кант', 8, 42.89, 74.85)],
    villages: ['Ивановка', 'Юрьевка', 'Новопокровка', 'Милянфан'],
  },
  {
    id: 'KG-Y-AKS',
    lat: 42.45,
    lon: 78.5,
    schools: 80,
    profile: 'issykkul',
    towns: [t('Каракол', 20, 42.49, 78.39)],
    villages: ['Теплоключенка', 'Боз-Учук', 'Жыргалаң=Джергалан', 'Кереге-Таш'],
  },
  {
    id: 'KG-Y-JOG',
    lat: 42.3,
    lon: 78.1,
    schools: 50,
    profile: 'issykkul',
    villages: ['Кызыл-Суу', 'Жети-Өгүз=Джети-Огуз', 'Саруу', 'Барскоон', 'Тамга'],
  },
  {
    id: 'KG-Y-TON',
    lat: 42.1,
    lon: 76.9,
    schools: 40,
    profile: 'issykkul',
    villages: ['Бөкөнбаев=Боконбаево', 'Тоң=Тон', 'Кажы-Сай', 'Тосор', 'Улахол'],
  },
  {
    id: 'KG-Y-TUP',
    lat: 42.73,
    lon: 78.4,
    schools: 40,
    profile: 'issykkul',
    villages: ['Түп=Тюп', 'Михайловка', 'Таш-Кыя', 'Ак-Булуң=Ак-Булун', 'Кең-Суу=Кен-Суу'],
  },
  {
    id: 'KG-Y-YSK',
    lat: 42.6,
    lon: 77.1,
    schools: 60,
    profile: 'issykkul',
    towns: [t('Чолпон-Ата', 6, 42.65, 77.08), t('Балыкчы', 9, 42.46, 76.18)],
    villages: ['Бостери', 'Ананьево', 'Тамчы', 'Чоң-Сары-Ой=Чон-Сары-Ой'],
  },
];

/** Parts of village names for villages beyond the named ones (Kyrgyz toponyms are built this way). */
export const VILLAGE_FIRST = [
  'Ак',
  'Кара',
  'Кызыл',
  'Көк',
  'Сары',
  'Жаңы',
  'Чоң',
  'Боз',
  'Орто',
  'Эски',
  'Таш',
  'Беш',
  'Үч',
];
export const VILLAGE_SECOND = [
  'Булак',
  'Таш',
  'Туу',
  'Жар',
  'Дөбө',
  'Сай',
  'Терек',
  'Арык',
  'Кыя',
  'Тал',
  'Өзөк',
  'Кайың',
  'Коргон',
  'Кыштак',
  'Төбө',
  'Бел',
  'Жыгач',
  'Кудук',
  'Чаты',
  'Ой',
];

export type Street = { ky: string; ru: string; en: string };
const s = (ky: string, ru: string, en: string): Street => ({ ky, ru, en });

/** Streets found in most villages and towns (one Kyrgyz string per street: catchments and addresses). */
export const COMMON_STREETS: Street[] = [
  s('Манас көчөсү', 'ул. Манаса', 'Manas Street'),
  s('Ленин көчөсү', 'ул. Ленина', 'Lenin Street'),
  s('Токтогул көчөсү', 'ул. Токтогула', 'Toktogul Street'),
  s('Мектеп көчөсү', 'ул. Школьная', 'Mektep Street'),
  s('Борбордук көчөсү', 'ул. Центральная', 'Borborduk Street'),
  s('Жаштык көчөсү', 'ул. Молодёжная', 'Jashtyk Street'),
  s('Тынчтык көчөсү', 'ул. Мира', 'Tynchtyk Street'),
  s('Жеңиш көчөсү', 'ул. Победы', 'Jengish Street'),
  s('Ала-Тоо көчөсү', 'ул. Ала-Тоо', 'Ala-Too Street'),
  s('Ч. Айтматов көчөсү', 'ул. Ч. Айтматова', 'Ch. Aitmatov Street'),
  s('Курманжан Датка көчөсү', 'ул. Курманжан Датки', 'Kurmanjan Datka Street'),
  s('Гагарин көчөсү', 'ул. Гагарина', 'Gagarin Street'),
  s('Совет көчөсү', 'ул. Советская', 'Sovet Street'),
  s('Эркиндик көчөсү', 'ул. Эркиндик', 'Erkindik Street'),
  s('Достук көчөсү', 'ул. Дружбы', 'Dostuk Street'),
  s('Бакча көчөсү', 'ул. Садовая', 'Bakcha Street'),
  s('Дыйкан көчөсү', 'ул. Дыйканская', 'Dyikan Street'),
  s('Ж. Баласагын көчөсү', 'ул. Ж. Баласагына', 'J. Balasagyn Street'),
  s('Алыкул Осмонов көчөсү', 'ул. Алыкула Осмонова', 'Alykul Osmonov Street'),
  s('Кожомкул көчөсү', 'ул. Кожомкула', 'Kojomkul Street'),
  s('Жибек Жолу көчөсү', 'ул. Жибек Жолу', 'Jibek Jolu Street'),
  s('Байтик Баатыр көчөсү', 'ул. Байтик Баатыра', 'Baitik Baatyr Street'),
  s('Курманбек көчөсү', 'ул. Курманбека', 'Kurmanbek Street'),
  s('Шабдан Баатыр көчөсү', 'ул. Шабдан Баатыра', 'Shabdan Baatyr Street'),
];

export const SOUTH_STREETS: Street[] = [
  s('Навои көчөсү', 'ул. Навои', 'Navoi Street'),
  s('Бабур көчөсү', 'ул. Бабура', 'Babur Street'),
  s('Алымбек Датка көчөсү', 'ул. Алымбек Датки', 'Alymbek Datka Street'),
  s('Достук-Ынтымак көчөсү', 'ул. Дружбы-Согласия', 'Dostuk-Yntymak Street'),
];

export const TOWN_STREETS: Street[] = [
  s('Фрунзе көчөсү', 'ул. Фрунзе', 'Frunze Street'),
  s('Пушкин көчөсү', 'ул. Пушкина', 'Pushkin Street'),
  s('Горький көчөсү', 'ул. Горького', 'Gorky Street'),
  s('Темирчиев көчөсү', 'ул. Темирчиева', 'Temirchiev Street'),
  s('Абдрахманов көчөсү', 'ул. Абдрахманова', 'Abdrakhmanov Street'),
  s('Раззаков көчөсү', 'ул. Раззакова', 'Razzakov Street'),
  s('Исанов көчөсү', 'ул. Исанова', 'Isanov Street'),
  s('Тоголок Молдо көчөсү', 'ул. Тоголок Молдо', 'Togolok Moldo Street'),
  s('1-кичи район', '1-й мкр.', 'Micro-district 1'),
  s('2-кичи район', '2-й мкр.', 'Micro-district 2'),
  s('3-кичи район', '3-й мкр.', 'Micro-district 3'),
];

export const BISHKEK_STREETS: Street[] = [
  s('Чүй проспекти', 'просп. Чуй', 'Chüy Avenue'),
  s('Манас проспекти', 'просп. Манаса', 'Manas Avenue'),
  s('Жибек Жолу проспекти', 'просп. Жибек Жолу', 'Jibek Jolu Avenue'),
  s('Ч. Айтматов проспекти', 'просп. Ч. Айтматова', 'Ch. Aitmatov Avenue'),
  s('Эркиндик бульвары', 'бульв. Эркиндик', 'Erkindik Boulevard'),
  s('Молодая Гвардия бульвары', 'бульв. Молодой Гвардии', 'Molodaya Gvardiya Boulevard'),
  s('Дэн Сяопин проспекти', 'просп. Дэн Сяопина', 'Deng Xiaoping Avenue'),
  s('Ахунбаев көчөсү', 'ул. Ахунбаева', 'Akhunbaev Street'),
  s('Токтогул көчөсү', 'ул. Токтогула', 'Toktogul Street'),
  s('Киев көчөсү', 'ул. Киевская', 'Kiev Street'),
  s('Москва көчөсү', 'ул. Московская', 'Moskva Street'),
  s('Фрунзе көчөсү', 'ул. Фрунзе', 'Frunze Street'),
  s('Бөкөнбаев көчөсү', 'ул. Боконбаева', 'Bökönbaev Street'),
  s('Логвиненко көчөсү', 'ул. Логвиненко', 'Logvinenko Street'),
  s('Турусбеков көчөсү', 'ул. Турусбекова', 'Turusbekov Street'),
  s('Исанов көчөсү', 'ул. Исанова', 'Isanov Street'),
  s('Тыныстанов көчөсү', 'ул. Тыныстанова', 'Tynystanov Street'),
  s('Панфилов көчөсү', 'ул. Панфилова', 'Panfilov Street'),
  s('Раззаков көчөсү', 'ул. Раззакова', 'Razzakov Street'),
  s('Ибраимов көчөсү', 'ул. Ибраимова', 'Ibraimov Street'),
  s('Шопоков көчөсү', 'ул. Шопокова', 'Shopokov Street'),
  s('Байтик Баатыр көчөсү', 'ул. Байтик Баатыра', 'Baitik Baatyr Street'),
  s('Горький көчөсү', 'ул. Горького', 'Gorky Street'),
  s('Абдрахманов көчөсү', 'ул. Абдрахманова', 'Abdrakhmanov Street'),
  s('Жукеев-Пудовкин көчөсү', 'ул. Жукеева-Пудовкина', 'Jukeev-Pudovkin Street'),
  s('Лев Толстой көчөсү', 'ул. Льва Толстого', 'Lev Tolstoy Street'),
  s('Тоголок Молдо көчөсү', 'ул. Тоголок Молдо', 'Togolok Moldo Street'),
  s('Юнусалиев көчөсү', 'ул. Юнусалиева', 'Yunusaliev Street'),
  s('Алма-Ата көчөсү', 'ул. Алма-Атинская', 'Alma-Ata Street'),
  s('Бакаев көчөсү', 'ул. Бакаева', 'Bakaev Street'),
  s('Кулиев көчөсү', 'ул. Кулиева', 'Kuliev Street'),
  s('Гоголь көчөсү', 'ул. Гоголя', 'Gogol Street'),
  s('Т. Үмөталиев көчөсү', 'ул. Т. Уметалиева', 'T. Ümötaliev Street'),
  s('Фучик көчөсү', 'ул. Фучика', 'Fuchik Street'),
  s('Суюмбаев көчөсү', 'ул. Суюмбаева', 'Suyumbaev Street'),
  s('Орозбеков көчөсү', 'ул. Орозбекова', 'Orozbekov Street'),
  s('Айни көчөсү', 'ул. Айни', 'Aini Street'),
  s('Медеров көчөсү', 'ул. Медерова', 'Mederov Street'),
  s('Чокморов көчөсү', 'ул. Чокморова', 'Chokmorov Street'),
  s('Исакеев көчөсү', 'ул. Исакеева', 'Isakeev Street'),
  s('Карасаев көчөсү', 'ул. Карасаева', 'Karasaev Street'),
  s('Малдыбаев көчөсү', 'ул. Малдыбаева', 'Maldybaev Street'),
  s('Абай көчөсү', 'ул. Абая', 'Abai Street'),
  s('Токомбаев көчөсү', 'ул. Токомбаева', 'Tokombaev Street'),
  s('Элебаев көчөсү', 'ул. Элебаева', 'Elebaev Street'),
  s('Тимирязев көчөсү', 'ул. Тимирязева', 'Timiryazev Street'),
  s('Кудайбергенов көчөсү', 'ул. Кудайбергенова', 'Kudaibergenov Street'),
  s('Алыкул Осмонов көчөсү', 'ул. Алыкула Осмонова', 'Alykul Osmonov Street'),
  s('Жал кичи району', 'мкр. Джал', 'Jal micro-district'),
  s('Асанбай кичи району', 'мкр. Асанбай', 'Asanbay micro-district'),
  s('Восток-5 кичи району', 'мкр. Восток-5', 'Vostok-5 micro-district'),
  s('Аламүдүн-1 кичи району', 'мкр. Аламедин-1', 'Alamüdün-1 micro-district'),
  s('Көк-Жар кичи району', 'мкр. Кок-Жар', 'Kök-Jar micro-district'),
  s('Тунгуч кичи району', 'мкр. Тунгуч', 'Tunguch micro-district'),
  s('Учкун кичи району', 'мкр. Учкун', 'Uchkun micro-district'),
  ...Array.from({ length: 12 }, (_, i) =>
    s(`${i + 1}-кичи район`, `${i + 1}-й мкр.`, `Micro-district ${i + 1}`),
  ),
];

export const OSH_STREETS: Street[] = [
  s('Курманжан Датка көчөсү', 'ул. Курманжан Датки', 'Kurmanjan Datka Street'),
  s('Ленин көчөсү', 'ул. Ленина', 'Lenin Street'),
  s('Масалиев проспекти', 'просп. Масалиева', 'Masaliev Avenue'),
  s('Навои көчөсү', 'ул. Навои', 'Navoi Street'),
  s('Алымбек Датка көчөсү', 'ул. Алымбек Датки', 'Alymbek Datka Street'),
  s('Исанов көчөсү', 'ул. Исанова', 'Isanov Street'),
  s('Монуев көчөсү', 'ул. Монуева', 'Monuev Street'),
  s('Токтогул көчөсү', 'ул. Токтогула', 'Toktogul Street'),
  s('Раззаков көчөсү', 'ул. Раззакова', 'Razzakov Street'),
  s('Гапар Айтиев көчөсү', 'ул. Гапара Айтиева', 'Gapar Aitiev Street'),
  s('Ж. Баласагын көчөсү', 'ул. Ж. Баласагына', 'J. Balasagyn Street'),
  s('Аманбаев көчөсү', 'ул. Аманбаева', 'Amanbaev Street'),
  s('Зайнабетдинов көчөсү', 'ул. Зайнабетдинова', 'Zainabetdinov Street'),
  s('Кыргызстан көчөсү', 'ул. Кыргызстан', 'Kyrgyzstan Street'),
  s('Нариман көчөсү', 'ул. Нариманская', 'Nariman Street'),
  s('Ак-Буура көчөсү', 'ул. Ак-Буура', 'Ak-Buura Street'),
  s('Абдыкадыров көчөсү', 'ул. Абдыкадырова', 'Abdykadyrov Street'),
  s('Ч. Айтматов көчөсү', 'ул. Ч. Айтматова', 'Ch. Aitmatov Street'),
  s('Бабур көчөсү', 'ул. Бабура', 'Babur Street'),
  s('Мамыров көчөсү', 'ул. Мамырова', 'Mamyrov Street'),
  s('Амир Тимур кичи району', 'мкр. Амир-Тимур', 'Amir Timur micro-district'),
  s('Ак-Тилек кичи району', 'мкр. Ак-Тилек', 'Ak-Tilek micro-district'),
  s('Түштүк-Чыгыш кичи району', 'мкр. Юго-Восток', 'Yugo-Vostok micro-district'),
  s('Черемушки кичи району', 'мкр. Черёмушки', 'Cheryomushki micro-district'),
];

export type Person = { ky: string; ruGen: string; en: string };
const p = (ky: string, ruGen: string, en: string): Person => ({ ky, ruGen, en });

/** People schools are named after ("… атындагы орто мектеп" / "Средняя школа имени …"). */
export const PERSONS: Person[] = [
  p('Ч. Айтматов', 'Ч. Айтматова', 'Ch. Aitmatov'),
  p('Токтогул', 'Токтогула', 'Toktogul'),
  p('А. Осмонов', 'А. Осмонова', 'A. Osmonov'),
  p('Ж. Баласагын', 'Ж. Баласагына', 'J. Balasagyn'),
  p('Курманжан Датка', 'Курманжан Датки', 'Kurmanjan Datka'),
  p('Тоголок Молдо', 'Тоголок Молдо', 'Togolok Moldo'),
  p('К. Тыныстанов', 'К. Тыныстанова', 'K. Tynystanov'),
  p('Ж. Бөкөнбаев', 'Дж. Боконбаева', 'J. Bökönbaev'),
  p('Т. Үмөталиев', 'Т. Уметалиева', 'T. Ümötaliev'),
  p('М. Элебаев', 'М. Элебаева', 'M. Elebaev'),
  p('Б. Бейшеналиева', 'Б. Бейшеналиевой', 'B. Beishenalieva'),
  p('Барпы Алыкулов', 'Барпы Алыкулова', 'Barpy Alykulov'),
  p('Т. Сыдыкбеков', 'Т. Сыдыкбекова', 'T. Sydykbekov'),
  p('Шабдан Баатыр', 'Шабдан Баатыра', 'Shabdan Baatyr'),
  p('Ж. Абдрахманов', 'Ю. Абдрахманова', 'J. Abdrakhmanov'),
  p('Калык Акиев', 'Калыка Акиева', 'Kalyk Akiev'),
  p('С. Карачев', 'С. Карачева', 'S. Karachev'),
  p('Жеңижок', 'Женижока', 'Jengijok'),
];
export const PERSONS_UZ: Person[] = [p('А. Навои', 'А. Навои', 'A. Navoi'), p('Бабур', 'Бабура', 'Babur')];
export const PERSONS_RU: Person[] = [
  p('А. С. Пушкин', 'А. С. Пушкина', 'A. S. Pushkin'),
  p('Л. Н. Толстой', 'Л. Н. Толстого', 'L. N. Tolstoy'),
];
export const PERSONS_TG: Person[] = [p('А. Рудаки', 'А. Рудаки', 'A. Rudaki')];

/** Names of private schools (fictitious). */
export const PRIVATE_NAMES: Street[] = [
  s('Билим', 'Билим', 'Bilim'),
  s('Нур', 'Нур', 'Nur'),
  s('Илим', 'Илим', 'Ilim'),
  s('Келечек', 'Келечек', 'Kelechek'),
  s('Мурас', 'Мурас', 'Muras'),
  s('Айкөл', 'Айкол', 'Aiköl'),
  s('Ак-Нур', 'Ак-Нур', 'Ak-Nur'),
  s('Эрудит', 'Эрудит', 'Erudit'),
  s('Умут', 'Умут', 'Umut'),
  s('Шоола', 'Шоола', 'Shoola'),
  s('Жылдыз', 'Жылдыз', 'Jyldyz'),
  s('Ордо', 'Ордо', 'Ordo'),
];
export const INTERNATIONAL_NAMES = ['Horizon', 'Silk Road', 'Orion', 'Discovery', 'Summit', 'Lighthouse'];

type Mix = readonly [readonly InstructionLanguage[], number][];

/** Language sets by profile and kind of settlement, with weights (calibrated to ~700 multi-language). */
export const LANGUAGE_MIX: Record<Profile, { city: Mix; town: Mix; village: Mix }> = {
  bishkek: {
    city: [
      [['ru'], 28],
      [['ky'], 22],
      [['ky', 'ru'], 50],
    ],
    town: [],
    village: [],
  },
  osh: {
    city: [
      [['ky'], 24],
      [['uz'], 17],
      [['ru'], 6],
      [['ky', 'ru'], 24],
      [['ky', 'uz'], 16],
      [['uz', 'ru'], 5],
      [['ky', 'uz', 'ru'], 8],
    ],
    town: [],
    village: [],
  },
  chuy: {
    city: [],
    town: [
      [['ru'], 20],
      [['ky'], 22],
      [['ky', 'ru'], 58],
    ],
    village: [
      [['ky'], 47],
      [['ru'], 9],
      [['ky', 'ru'], 44],
    ],
  },
  issykkul: {
    city: [],
    town: [
      [['ru'], 12],
      [['ky'], 26],
      [['ky', 'ru'], 62],
    ],
    village: [
      [['ky'], 73],
      [['ru'], 2],
      [['ky', 'ru'], 25],
    ],
  },
  north: {
    city: [],
    town: [
      [['ky'], 50],
      [['ky', 'ru'], 50],
    ],
    village: [
      [['ky'], 88],
      [['ky', 'ru'], 12],
    ],
  },
  south: {
    city: [],
    town: [
      [['ky'], 26],
      [['uz'], 12],
      [['ru'], 4],
      [['ky', 'ru'], 30],
      [['ky', 'uz'], 16],
      [['ky', 'uz', 'ru'], 9],
      [['uz', 'ru'], 3],
    ],
    village: [
      [['ky'], 55],
      [['uz'], 18],
      [['ky', 'uz'], 17],
      [['ky', 'ru'], 10],
    ],
  },
  southMountain: {
    city: [],
    town: [
      [['ky'], 60],
      [['ky', 'ru'], 40],
    ],
    village: [
      [['ky'], 94],
      [['ky', 'ru'], 6],
    ],
  },
};

export const TAJIK_MIX: Mix = [
  [['tg'], 60],
  [['ky', 'tg'], 40],
];

export const PRIVATE_BISHKEK_MIX: Mix = [
  [['ru'], 30],
  [['ky', 'ru'], 22],
  [['en', 'ru'], 22],
  [['ky', 'en', 'ru'], 12],
  [['en'], 14],
];

const LATIN: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'yo',
  ж: 'j',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  ң: 'ng',
  о: 'o',
  ө: 'ö',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ү: 'ü',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
};

/** Kyrgyz Cyrillic → Latin as used on Kyrgyz maps in English (Özgön, Jalal-Abad, Chong-Alay). */
export function romanize(ky: string): string {
  let out = '';
  for (const ch of ky) {
    const lower = ch.toLowerCase();
    const latin = LATIN[lower];
    if (latin === undefined) out += ch;
    else if (lower !== ch && latin.length > 0) out += latin[0]?.toUpperCase() + latin.slice(1);
    else out += latin;
  }
  return out;
}

/** The Russian spelling of a Kyrgyz toponym when no explicit form is given. */
export function russianForm(ky: string): string {
  return ky
    .replace(/ң/g, 'н')
    .replace(/Ң/g, 'Н')
    .replace(/ө/g, 'о')
    .replace(/Ө/g, 'О')
    .replace(/ү/g, 'у')
    .replace(/Ү/g, 'У');
}
