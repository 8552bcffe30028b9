// What PostgreSQL's jsonb cannot hold: the NUL character (U+0000) and UTF-16 halves without their
// partner (lone surrogates). Both are legal in a JS string and in JSON text, so a payload carrying one
// is refused at insert (SQLSTATE class 22). Decision 0005.

// a NUL, a high surrogate not followed by a low one, or a low one not preceded by a high one
// biome-ignore lint/suspicious/noControlCharactersInRegex: the NUL character is exactly what is looked for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The value with every such character replaced by U+FFFD, one UTF-16 unit for one, so that offsets
 * into the text (Telegram's entities) still point where they did.
 */
export function jsonbSafe(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(UNSTORABLE, '\uFFFD');
  if (Array.isArray(value)) return value.map(jsonbSafe);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[jsonbSafe(k) as string] = jsonbSafe(v);
    return out;
  }
  return value;
}

/** PostgreSQL refused the value itself (class 22, data exception), not the connection or the statement. */
export function isDataError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('22');
}
