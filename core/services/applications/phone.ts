// Kyrgyz mobile numbers: +996 and 9 digits, or 0 and 9 digits domestically (facts.md). The operator is
// never inferred (number portability).
export function normalizeKgPhone(input: string): string | null {
  const digits = input.replace(/[\s()\-\u00a0]/g, '');
  const m = /^(?:\+?996|0)(\d{9})$/.exec(digits);
  if (!m) return null;
  const rest = m[1] as string;
  // Kyrgyz mobile ranges start with 2, 5, 7 or 9; landlines (3…) cannot receive SMS reminders.
  if (!/^[2579]/.test(rest)) return null;
  return `+996${rest}`;
}
