// Comparing a birth certificate's series and number as a parent types them with what the registry
// holds. Series mix Cyrillic and Latin letters (`I-АЖ`, `KG`) and people type whichever keyboard is
// at hand: we compare case- and space-insensitively, ignore hyphens and dashes, and fold Latin and
// Cyrillic look-alike letters into one form.

/** Latin letters that look like Cyrillic ones → the Cyrillic letter; Cyrillic "roman" І/Ӏ → Latin I. */
const LOOK_ALIKE: Record<string, string> = {
  A: 'А',
  B: 'В',
  C: 'С',
  E: 'Е',
  H: 'Н',
  K: 'К',
  M: 'М',
  O: 'О',
  P: 'Р',
  T: 'Т',
  X: 'Х',
  Y: 'У',
  Ё: 'Е',
  І: 'I',
  Ӏ: 'I',
};

/** The comparable form of a certificate series. */
export function normalizeSeries(s: string): string {
  let out = '';
  for (const ch of s.normalize('NFC').toUpperCase()) {
    if (/[\s\u00a0\-\u2010-\u2015\u2212.]/.test(ch)) continue;
    out += LOOK_ALIKE[ch] ?? ch;
  }
  return out;
}

/** The comparable form of a certificate number: spaces and a leading № / N dropped. */
export function normalizeCertificateNumber(s: string): string {
  return s
    .normalize('NFC')
    .replace(/^\s*(№|N[o°]?\.?)\s*/i, '')
    .replace(/[\s\u00a0\-\u2010-\u2015]/g, '')
    .toUpperCase();
}

export function sameSeries(a: string, b: string): boolean {
  return normalizeSeries(a) === normalizeSeries(b);
}

export function sameCertificateNumber(a: string, b: string): boolean {
  return normalizeCertificateNumber(a) === normalizeCertificateNumber(b);
}
