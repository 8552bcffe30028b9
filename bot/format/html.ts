// Telegram HTML: every value from data (names, addresses, typed text) is escaped where it is inserted.
export function esc(s: string | number): string {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const TELEGRAM_TEXT_LIMIT = 4096;

/** Splits a long text under Telegram's limit at line breaks (K-TG-3). */
export function splitMessage(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  if (text.length <= limit) return [text];
  const parts: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    if (current.length + line.length + 1 > limit) {
      if (current) parts.push(current);
      current = line.length > limit ? line.slice(0, limit) : line;
    } else {
      current = current ? `${current}\n${line}` : line;
    }
  }
  if (current) parts.push(current);
  return parts;
}
