// Kyrgyz case endings by vowel harmony and consonant assimilation, for the words the code glues a
// suffix to at run time: month names (dates) and numbers. The suffix follows the word's last vowel
// (not a Russian loan's soft sign: «апрель» → «апрелге», «январь» → «январга») and its last sound
// (voiceless consonant → к/т: «мартка», «августтан»). A number takes the ending of the word it is
// read with: 0 нөл → «0дөн», 36 отуз алты → «36га», 18:00 (…нөл нөл) → «18:00гө».
export type GrammaticalCase = 'nominative' | 'genitive' | 'dative' | 'accusative' | 'locative' | 'ablative';

export const CASES: readonly GrammaticalCase[] = [
  'nominative',
  'genitive',
  'dative',
  'accusative',
  'locative',
  'ablative',
];

export function isGrammaticalCase(v: unknown): v is GrammaticalCase {
  return typeof v === 'string' && (CASES as readonly string[]).includes(v);
}

const VOWELS = 'аоуыэеиөүяюёАОУЫЭЕИӨҮЯЮЁ';
const VOICELESS = 'кпстфхцчшщ';

/** The low suffix vowel (а/е/о/ө) and the high one (ы/и/у/ү) after a word's last vowel. */
function harmony(word: string): { low: string; high: string } {
  for (let i = word.length - 1; i >= 0; i--) {
    const v = word[i]?.toLowerCase() ?? '';
    if (!VOWELS.toLowerCase().includes(v)) continue;
    if ('аыя'.includes(v)) return { low: 'а', high: 'ы' };
    if ('ую'.includes(v)) return { low: 'а', high: 'у' }; // у → а: «июнга», «августтан»
    if ('оё'.includes(v)) return { low: 'о', high: 'у' };
    if ('еиэ'.includes(v)) return { low: 'е', high: 'и' };
    return { low: 'ө', high: 'ү' }; // ө, ү
  }
  return { low: 'а', high: 'ы' };
}

/** The ending of `word` (a Kyrgyz or loan word, a soft sign at its end ignored) in `c`. */
export function caseEnding(word: string, c: GrammaticalCase): string {
  if (c === 'nominative') return '';
  const w = word.replace(/[ьъ]$/u, '');
  const last = w.at(-1)?.toLowerCase() ?? '';
  const { low, high } = harmony(w);
  const vowel = VOWELS.toLowerCase().includes(last);
  const voiceless = VOICELESS.includes(last);
  switch (c) {
    case 'dative':
      return `${voiceless ? 'к' : 'г'}${low}`;
    case 'locative':
      return `${voiceless ? 'т' : 'д'}${low}`;
    case 'ablative':
      return `${voiceless ? 'т' : 'д'}${low}н`;
    case 'genitive':
      return `${vowel ? 'н' : voiceless ? 'т' : 'д'}${high}н`;
    case 'accusative':
      return `${vowel ? 'н' : voiceless ? 'т' : 'д'}${high}`;
  }
}

/** `word` in case `c`: a final soft sign is dropped before an ending («январь» → «январга»). */
export function inCase(word: string, c: GrammaticalCase): string {
  return c === 'nominative' ? word : `${word.replace(/[ьъ]$/u, '')}${caseEnding(word, c)}`;
}

const UNITS = ['', 'бир', 'эки', 'үч', 'төрт', 'беш', 'алты', 'жети', 'сегиз', 'тогуз'];
const TENS = ['', 'он', 'жыйырма', 'отуз', 'кырк', 'элүү', 'алтымыш', 'жетимиш', 'сексен', 'токсон'];

/** The last word a whole number is read with (the one its ending agrees with). */
export function lastNumberWord(n: number): string {
  const a = Math.abs(Math.trunc(n));
  if (a === 0) return 'нөл';
  if (a % 10) return UNITS[a % 10] as string;
  if (a % 100) return TENS[(a % 100) / 10] as string;
  if (a % 1000) return 'жүз';
  if (a % 1_000_000) return 'миң';
  if (a % 1_000_000_000) return 'миллион';
  return 'миллиард';
}

/** A number with its ending glued on: «0дөн», «36га», «5ке». */
export function numberInCase(n: number, c: GrammaticalCase): string {
  return `${n}${caseEnding(lastNumberWord(n), c)}`;
}

/** A clock time «HH:MM» with its ending, read hour then minutes («18:00» → «18:00гө», «9:30» → «9:30да»). */
export function timeInCase(hhmm: string, c: GrammaticalCase): string {
  const minutes = Number(hhmm.split(':')[1] ?? 0);
  return `${hhmm}${caseEnding(lastNumberWord(minutes), c)}`;
}
