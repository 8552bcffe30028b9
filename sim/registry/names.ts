// Names for the synthetic population (common Kyrgyz names in their Russian-register spelling, as
// civil records write them). Synthetic: any resemblance to a real person is chance.

export const FEMALE_NAMES = [
  'Айгүл',
  'Айжан',
  'Нургүл',
  'Гүлнара',
  'Жылдыз',
  'Асель',
  'Бермет',
  'Айпери',
  'Нуриза',
  'Чолпон',
  'Динара',
  'Мээрим',
  'Айзада',
  'Элиза',
  'Алина',
  'Сезим',
  'Аружан',
  'Айсулуу',
  'Нурай',
  'Каныкей',
  'Адинай',
  'Бегимай',
  'Акмарал',
  'Жазгүл',
  'Уулжан',
  'Томирис',
  'Айым',
  'Салтанат',
] as const;

export const MALE_NAMES = [
  'Азамат',
  'Бакыт',
  'Нурлан',
  'Эрлан',
  'Тимур',
  'Улан',
  'Мирлан',
  'Эмир',
  'Айбек',
  'Бекзат',
  'Данияр',
  'Руслан',
  'Арсен',
  'Нурсултан',
  'Алишер',
  'Адилет',
  'Эрмек',
  'Марат',
  'Канат',
  'Жаныбек',
  'Байэл',
  'Амир',
  'Нурбол',
  'Элдияр',
  'Икрам',
  'Чыңгыз',
  'Бекжан',
  'Талант',
] as const;

/** Masculine surnames; the feminine form adds "а". */
export const SURNAMES = [
  'Асанов',
  'Усенов',
  'Токтогулов',
  'Жумабаев',
  'Абдыкадыров',
  'Садыков',
  'Мамытов',
  'Кадыров',
  'Осмонов',
  'Турдубаев',
  'Бейшеналиев',
  'Алымбеков',
  'Сыдыков',
  'Эшматов',
  'Жээнбеков',
  'Исаков',
  'Омуралиев',
  'Калыков',
  'Токтосунов',
  'Султанов',
  'Маматов',
  'Абдразаков',
  'Бообеков',
  'Шаршеев',
  'Кенжебаев',
  'Орозбаев',
  'Сатыбалдиев',
  'Мырзаев',
  'Дүйшөнбеков',
  'Темиров',
] as const;

export const feminine = (surname: string): string => `${surname}а`;

/** Patronymic from the father's name, Russian-register style (Азаматович / Азаматовна). */
export const patronymic = (fatherName: string, sex: 'F' | 'M'): string =>
  `${fatherName}${sex === 'M' ? 'ович' : 'овна'}`;

/** Kyrgyz-style name without a surname: "Азамат уулу" (son of) / "Азамат кызы" (daughter of). */
export const kyrgyzStyle = (fatherName: string, sex: 'F' | 'M'): string =>
  `${fatherName} ${sex === 'M' ? 'уулу' : 'кызы'}`;
