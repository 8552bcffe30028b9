// Telegram's `parse_mode: "HTML"` as the Bot API server does it (TDLib's parse_html): the supported
// tags only, balanced, the four named entities and numeric ones; the result is plain text plus
// MessageEntity objects with UTF-16 offsets. Errors carry Telegram's wording so bots see the same
// `Bad Request: can't parse entities: …` they would see in production.
import type { MessageEntity } from 'grammy/types';

export class EntityParseError extends Error {}

const SUPPORTED = new Set([
  'a',
  'b',
  'strong',
  'i',
  'em',
  's',
  'strike',
  'del',
  'u',
  'ins',
  'tg-spoiler',
  'tg-emoji',
  'span',
  'pre',
  'code',
  'blockquote',
]);

type Open = {
  tag: string;
  start: number; // UTF-16 offset in the result
  attr: string; // href, language, emoji id, 'expandable' or span class
};

const isSpace = (c: string | undefined) =>
  c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f' || c === '\v';

function byteOffset(text: string, index: number): number {
  return Buffer.byteLength(text.slice(0, index), 'utf8');
}

/** Decodes `&lt;` `&gt;` `&amp;` `&quot;` `&#NN;` `&#xHH;` at `i`; returns undefined when it is not one. */
function decodeEntity(text: string, i: number): { ch: string; end: number } | undefined {
  const semi = text.indexOf(';', i + 1);
  if (semi < 0 || semi - i > 12) return undefined;
  const name = text.slice(i + 1, semi);
  const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };
  const hit = named[name];
  if (hit) return { ch: hit, end: semi + 1 };
  let code: number | undefined;
  if (/^#[0-9]{1,7}$/.test(name)) code = Number.parseInt(name.slice(1), 10);
  else if (/^#[xX][0-9a-fA-F]{1,6}$/.test(name)) code = Number.parseInt(name.slice(2), 16);
  if (code === undefined || code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
    return undefined;
  return { ch: String.fromCodePoint(code), end: semi + 1 };
}

function entityFor(open: Open, length: number): MessageEntity | undefined {
  const offset = open.start;
  switch (open.tag) {
    case 'b':
    case 'strong':
      return { type: 'bold', offset, length };
    case 'i':
    case 'em':
      return { type: 'italic', offset, length };
    case 'u':
    case 'ins':
      return { type: 'underline', offset, length };
    case 's':
    case 'strike':
    case 'del':
      return { type: 'strikethrough', offset, length };
    case 'tg-spoiler':
    case 'span':
      return { type: 'spoiler', offset, length };
    case 'code':
      return { type: 'code', offset, length };
    case 'pre':
      return open.attr
        ? { type: 'pre', offset, length, language: open.attr }
        : { type: 'pre', offset, length };
    case 'blockquote':
      return { type: open.attr === 'expandable' ? 'expandable_blockquote' : 'blockquote', offset, length };
    case 'tg-emoji':
      return open.attr ? { type: 'custom_emoji', offset, length, custom_emoji_id: open.attr } : undefined;
    case 'a': {
      const url = open.attr;
      const mention = /^tg:\/\/user\?id=(\d+)$/.exec(url);
      if (mention) {
        return {
          type: 'text_mention',
          offset,
          length,
          user: { id: Number(mention[1]), is_bot: false, first_name: '' },
        };
      }
      if (!url) return undefined;
      return { type: 'text_link', offset, length, url };
    }
    default:
      return undefined;
  }
}

/** Parses Telegram HTML; throws EntityParseError with Telegram's description (without the prefix). */
export function parseTelegramHtml(html: string): { text: string; entities: MessageEntity[] } {
  let out = '';
  const stack: Open[] = [];
  const entities: MessageEntity[] = [];
  const n = html.length;
  let i = 0;
  while (i < n) {
    const c = html[i];
    if (c === '&') {
      const decoded = decodeEntity(html, i);
      if (decoded) {
        out += decoded.ch;
        i = decoded.end;
        continue;
      }
    }
    if (c !== '<') {
      out += c;
      i++;
      continue;
    }
    const begin = i;
    if (html[i + 1] !== '/') {
      // start tag
      i++;
      while (i < n && !isSpace(html[i]) && html[i] !== '>') i++;
      if (i >= n) throw new EntityParseError(`Unclosed start tag at byte offset ${byteOffset(html, begin)}`);
      const tag = html.slice(begin + 1, i).toLowerCase();
      if (!SUPPORTED.has(tag)) {
        throw new EntityParseError(
          `Unsupported start tag "${tag}" at byte offset ${byteOffset(html, begin)}`,
        );
      }
      let attr = '';
      while (html[i] !== '>') {
        while (i < n && isSpace(html[i])) i++;
        if (i >= n)
          throw new EntityParseError(`Unclosed start tag at byte offset ${byteOffset(html, begin)}`);
        if (html[i] === '>') break;
        const nameStart = i;
        while (i < n && !isSpace(html[i]) && html[i] !== '=' && html[i] !== '>') i++;
        const attrName = html.slice(nameStart, i).toLowerCase();
        if (!attrName) {
          throw new EntityParseError(
            `Empty attribute name in the tag "${tag}" at byte offset ${byteOffset(html, begin)}`,
          );
        }
        while (i < n && isSpace(html[i])) i++;
        if (html[i] !== '=') {
          // value-less attribute: only `expandable` of blockquote means something
          if (tag === 'blockquote' && attrName === 'expandable') attr = 'expandable';
          if (i >= n)
            throw new EntityParseError(`Unclosed start tag at byte offset ${byteOffset(html, begin)}`);
          if (html[i] === '>') break;
          continue;
        }
        i++;
        while (i < n && isSpace(html[i])) i++;
        if (i >= n)
          throw new EntityParseError(`Unclosed start tag at byte offset ${byteOffset(html, begin)}`);
        let value = '';
        const q = html[i];
        if (q === '"' || q === "'") {
          const close = html.indexOf(q, i + 1);
          if (close < 0) {
            throw new EntityParseError(
              `Unclosed start tag "${tag}" at byte offset ${byteOffset(html, begin)}`,
            );
          }
          value = decodeAttribute(html.slice(i + 1, close));
          i = close + 1;
        } else {
          const vs = i;
          while (i < n && /[A-Za-z0-9.-]/.test(html[i] ?? '')) i++;
          value = html.slice(vs, i).toLowerCase();
          if (!value) {
            throw new EntityParseError(
              `Expected quote in declaration of attribute "${attrName}" of the tag "${tag}" at byte offset ${byteOffset(html, begin)}`,
            );
          }
        }
        if (tag === 'a' && attrName === 'href') attr = value;
        else if (tag === 'code' && attrName === 'class' && value.startsWith('language-'))
          attr = value.slice('language-'.length);
        else if (tag === 'span' && attrName === 'class') attr = value;
        else if (tag === 'tg-emoji' && attrName === 'emoji-id') attr = value;
      }
      if (tag === 'span' && attr !== 'tg-spoiler') {
        throw new EntityParseError(
          `Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(html, begin)}`,
        );
      }
      stack.push({ tag, start: out.length, attr });
      i++; // '>'
    } else {
      // end tag
      if (stack.length === 0)
        throw new EntityParseError(`Unexpected end tag at byte offset ${byteOffset(html, begin)}`);
      i += 2;
      const nameStart = i;
      while (i < n && !isSpace(html[i]) && html[i] !== '>') i++;
      const endName = html.slice(nameStart, i).toLowerCase();
      while (i < n && isSpace(html[i])) i++;
      if (html[i] !== '>')
        throw new EntityParseError(`Unclosed end tag at byte offset ${byteOffset(html, begin)}`);
      const open = stack.pop() as Open;
      if (endName && endName !== open.tag) {
        throw new EntityParseError(
          `Unmatched end tag at byte offset ${byteOffset(html, begin)}, expected "</${open.tag}>", found "</${endName}>"`,
        );
      }
      i++;
      const length = out.length - open.start;
      // <pre><code class="language-x"> becomes one `pre` entity with the language
      if (open.tag === 'code' && open.attr) {
        const parent = stack[stack.length - 1];
        if (parent && parent.tag === 'pre' && parent.start === open.start && !parent.attr) {
          parent.attr = open.attr;
          continue;
        }
      }
      if (length > 0) {
        const e = entityFor(open, length);
        if (e) entities.push(e);
      }
    }
  }
  if (stack.length > 0) {
    throw new EntityParseError(
      `Can't find end tag corresponding to start tag "${(stack[stack.length - 1] as Open).tag}"`,
    );
  }
  return { text: out, entities: sortEntities(entities) };
}

function decodeAttribute(raw: string): string {
  let s = '';
  for (let i = 0; i < raw.length; ) {
    if (raw[i] === '&') {
      const d = decodeEntity(raw, i);
      if (d) {
        s += d.ch;
        i = d.end;
        continue;
      }
    }
    s += raw[i];
    i++;
  }
  return s;
}

export function sortEntities(entities: MessageEntity[]): MessageEntity[] {
  return entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
}

/**
 * Telegram trims leading and trailing white space of a message and moves the entities with it.
 */
export function trimFormatted(
  text: string,
  entities: MessageEntity[],
): { text: string; entities: MessageEntity[] } {
  const lead = text.length - text.trimStart().length;
  const trimmed = text.trim();
  const end = lead + trimmed.length;
  const out: MessageEntity[] = [];
  for (const e of entities) {
    const s = Math.max(e.offset, lead);
    const f = Math.min(e.offset + e.length, end);
    if (f > s) out.push({ ...e, offset: s - lead, length: f - s });
  }
  return { text: trimmed, entities: out };
}

/**
 * Entities the Bot API server detects by itself in a plain text: links and bot commands (the ones a
 * client makes clickable). Existing entities take precedence.
 */
export function detectEntities(text: string, existing: MessageEntity[]): MessageEntity[] {
  const found: MessageEntity[] = [];
  const overlaps = (o: number, l: number) =>
    existing.some(
      (e) => e.offset < o + l && o < e.offset + e.length && e.type !== 'bold' && e.type !== 'italic',
    );
  for (const m of text.matchAll(/\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g)) {
    if (!overlaps(m.index, m[0].length)) found.push({ type: 'url', offset: m.index, length: m[0].length });
  }
  for (const m of text.matchAll(
    /(^|[\s(])(\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?)(?![A-Za-z0-9_/])/g,
  )) {
    const offset = m.index + (m[1]?.length ?? 0);
    const len = m[2]?.length ?? 0;
    if (!overlaps(offset, len)) found.push({ type: 'bot_command', offset, length: len });
  }
  return sortEntities([...existing, ...found]);
}
