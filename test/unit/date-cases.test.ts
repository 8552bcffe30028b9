import { describe, expect, it } from 'vitest';
import { atTime, calendarDay, formatWhen, KY_MONTHS, onDay } from '../../bot/format/dates.ts';
import { type GrammaticalCase, inCase, numberInCase } from '../../bot/format/kyrgyz-case.ts';
import { translator } from '../../bot/i18n.ts';

// Written out by hand (not derived from the code under test): the suffix follows the month's last vowel,
// a voiceless final (март, август) takes к/т, and the Russian soft sign is dropped before the ending.
const EXPECTED: Record<string, Record<Exclude<GrammaticalCase, 'nominative'>, string>> = {
  январь: {
    genitive: 'январдын',
    dative: 'январга',
    accusative: 'январды',
    locative: 'январда',
    ablative: 'январдан',
  },
  февраль: {
    genitive: 'февралдын',
    dative: 'февралга',
    accusative: 'февралды',
    locative: 'февралда',
    ablative: 'февралдан',
  },
  март: {
    genitive: 'марттын',
    dative: 'мартка',
    accusative: 'мартты',
    locative: 'мартта',
    ablative: 'марттан',
  },
  апрель: {
    genitive: 'апрелдин',
    dative: 'апрелге',
    accusative: 'апрелди',
    locative: 'апрелде',
    ablative: 'апрелден',
  },
  май: { genitive: 'майдын', dative: 'майга', accusative: 'майды', locative: 'майда', ablative: 'майдан' },
  июнь: { genitive: 'июндун', dative: 'июнга', accusative: 'июнду', locative: 'июнда', ablative: 'июндан' },
  июль: { genitive: 'июлдун', dative: 'июлга', accusative: 'июлду', locative: 'июлда', ablative: 'июлдан' },
  август: {
    genitive: 'августтун',
    dative: 'августка',
    accusative: 'августту',
    locative: 'августта',
    ablative: 'августтан',
  },
  сентябрь: {
    genitive: 'сентябрдын',
    dative: 'сентябрга',
    accusative: 'сентябрды',
    locative: 'сентябрда',
    ablative: 'сентябрдан',
  },
  октябрь: {
    genitive: 'октябрдын',
    dative: 'октябрга',
    accusative: 'октябрды',
    locative: 'октябрда',
    ablative: 'октябрдан',
  },
  ноябрь: {
    genitive: 'ноябрдын',
    dative: 'ноябрга',
    accusative: 'ноябрды',
    locative: 'ноябрда',
    ablative: 'ноябрдан',
  },
  декабрь: {
    genitive: 'декабрдын',
    dative: 'декабрга',
    accusative: 'декабрды',
    locative: 'декабрда',
    ablative: 'декабрдан',
  },
};

const pad = (n: number) => String(n).padStart(2, '0');

describe('Kyrgyz dates in the case their sentence needs', () => {
  it.each(KY_MONTHS.map((m, i) => [m, i + 1] as const))('%s in every case', (month, number) => {
    const expected = EXPECTED[month];
    if (!expected) throw new Error(`no expectation for ${month}`);
    const day = calendarDay(`2026-${pad(number)}-15`);
    expect(formatWhen(day, 'ky')).toBe(`2026-ж., 15-${month}`);
    for (const [c, word] of Object.entries(expected)) {
      expect(inCase(month, c as GrammaticalCase)).toBe(word);
      expect(formatWhen(day, 'ky', c as GrammaticalCase)).toBe(`2026-жылы 15-${word}`);
    }
    // Russian: the genitive that до / с / по take, whatever case Kyrgyz asks for
    expect(formatWhen(day, 'ru', 'dative')).toMatch(/^15 [а-я]+[ая] 2026 г\.$/u);
    expect(formatWhen(day, 'en', 'ablative')).toMatch(/^15 [A-Z][a-z]+ 2026$/u);
  });

  it('puts the day in the locative and the ending on the time when the time is shown', () => {
    const due = atTime(new Date('2026-09-15T12:00:00Z')); // 18:00 in Bishkek
    expect(formatWhen(due, 'ky', 'dative')).toBe('2026-жылы 15-сентябрда саат 18:00гө');
    expect(formatWhen(atTime(new Date('2026-06-01T04:00:00Z')), 'ky', 'locative')).toBe(
      '2026-жылы 1-июнда саат 10:00дө',
    );
    expect(formatWhen(atTime(new Date('2026-08-01T03:30:00Z')), 'ky', 'ablative')).toBe(
      '2026-жылы 1-августта саат 09:30дан',
    );
    expect(formatWhen(due, 'ru', 'dative')).toBe('15 сентября 2026 г. в 18:00');
  });

  it('reads an instant in Bishkek: 20:00 UTC on 1 August is 2 August there', () => {
    expect(formatWhen(onDay(new Date('2026-08-01T20:00:00Z')), 'ky', 'ablative')).toBe(
      '2026-жылы 2-августтан',
    );
  });

  it('glues the ending a number is read with', () => {
    expect(numberInCase(0, 'ablative')).toBe('0дөн');
    expect(numberInCase(36, 'dative')).toBe('36га');
    expect(numberInCase(5, 'dative')).toBe('5ке');
    expect(numberInCase(10, 'ablative')).toBe('10дон');
    expect(numberInCase(40, 'dative')).toBe('40ка');
    expect(numberInCase(100, 'dative')).toBe('100гө');
    expect(numberInCase(2000, 'locative')).toBe('2000де');
  });

  it('are chosen by the message through the i18next date format', () => {
    const due = calendarDay('2026-09-15');
    const msg = (lang: 'ky' | 'ru' | 'en', text: string) =>
      translator(lang)('__test', { defaultValue: text, due, max: 36 });
    expect(msg('ky', '{{due, date(case: dative)}} чейин')).toBe('2026-жылы 15-сентябрга чейин');
    expect(msg('ky', '{{due, date}}')).toBe('2026-ж., 15-сентябрь');
    expect(msg('ru', 'до {{due, date(case: dative)}}')).toBe('до 15 сентября 2026 г.');
    expect(msg('ky', '1ден {{max, num(case: dative)}} чейин')).toBe('1ден 36га чейин');
    expect(msg('ru', 'от 1 до {{max, num(case: dative)}}')).toBe('от 1 до 36');
  });
});
