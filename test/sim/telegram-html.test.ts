// Telegram's HTML parse mode as the simulator checks it (K-TG-7): the same entities and the same
// "can't parse entities" errors a bot would get from api.telegram.org.
import { describe, expect, it } from 'vitest';
import { detectEntities, parseTelegramHtml, trimFormatted } from '../../sim/telegram/html.ts';
import { boundaryOf, parseMultipart } from '../../sim/telegram/multipart.ts';

describe('Telegram HTML parse mode', () => {
  it('turns the allowed tags into entities with UTF-16 offsets', () => {
    const r = parseTelegramHtml(
      '<b>Мектеп</b> № 5 — <i>бош</i> орундар: <code>12</code> 😀 <a href="https://example.kg/a?b=1&amp;c=2">шилтеме</a>',
    );
    expect(r.text).toBe('Мектеп № 5 — бош орундар: 12 😀 шилтеме');
    expect(r.entities).toEqual([
      { type: 'bold', offset: 0, length: 6 },
      { type: 'italic', offset: 13, length: 3 },
      { type: 'code', offset: 26, length: 2 },
      { type: 'text_link', offset: 32, length: 7, url: 'https://example.kg/a?b=1&c=2' },
    ]);
  });

  it('decodes the four named entities and numeric ones, and leaves an unknown & as it is', () => {
    expect(parseTelegramHtml('a &lt;b&gt; &amp; &quot;c&quot; &#1187; &#x4E9; &nbsp; R&D').text).toBe(
      'a <b> & "c" ң ө &nbsp; R&D',
    );
  });

  it('knows pre with a language, spoilers, blockquotes and synonyms', () => {
    const r = parseTelegramHtml(
      '<pre><code class="language-ts">x</code></pre><tg-spoiler>s</tg-spoiler><span class="tg-spoiler">t</span><blockquote expandable>q</blockquote><strong>B</strong><em>I</em><ins>U</ins><del>S</del>',
    );
    expect(r.entities.map((e) => e.type)).toEqual([
      'pre',
      'spoiler',
      'spoiler',
      'expandable_blockquote',
      'bold',
      'italic',
      'underline',
      'strikethrough',
    ]);
    expect(r.entities[0]).toMatchObject({ language: 'ts' });
  });

  it('refuses what Telegram refuses, with its words', () => {
    expect(() => parseTelegramHtml('<div>x</div>')).toThrow('Unsupported start tag "div" at byte offset 0');
    expect(() => parseTelegramHtml('бала <b>x')).toThrow(
      'Can\'t find end tag corresponding to start tag "b"',
    );
    expect(() => parseTelegramHtml('x</b>')).toThrow('Unexpected end tag at byte offset 1');
    expect(() => parseTelegramHtml('<b>x</i>')).toThrow(
      'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"',
    );
    expect(() => parseTelegramHtml('1 < 2')).toThrow('Unsupported start tag "" at byte offset 2');
    // byte offsets count UTF-8 bytes, as Telegram's do
    expect(() => parseTelegramHtml('ңө <p>')).toThrow('at byte offset 5');
    expect(() => parseTelegramHtml('<span>x</span>')).toThrow('Tag "span" must have class "tg-spoiler"');
    expect(() => parseTelegramHtml('<b')).toThrow('Unclosed start tag');
  });

  it('trims white space around a message and moves the entities with it', () => {
    const parsed = parseTelegramHtml('\n  <b>hi</b> there  \n');
    expect(trimFormatted(parsed.text, parsed.entities)).toEqual({
      text: 'hi there',
      entities: [{ type: 'bold', offset: 0, length: 2 }],
    });
  });

  it('detects links and bot commands the way the Bot API server does', () => {
    const text = 'Open https://kattoo.kg/auth?x=1. Or type /status';
    expect(detectEntities(text, [])).toEqual([
      { type: 'url', offset: 5, length: 26 },
      { type: 'bot_command', offset: 41, length: 7 },
    ]);
  });
});

describe('multipart parser', () => {
  it('reads grammY-style and curl-style parts, binary intact', () => {
    const bin = Buffer.from([0, 1, 2, 13, 10, 45, 45, 255]);
    const body = Buffer.concat([
      Buffer.from('--XyZ\r\ncontent-disposition:form-data;name="chat_id"\r\n\r\n42\r\n--XyZ\r\n'),
      Buffer.from(
        'content-disposition:form-data;name="abc";filename=отчёт 2025.xlsx\r\ncontent-type:application/octet-stream\r\n\r\n',
      ),
      bin,
      Buffer.from(
        '\r\n--XyZ\r\nContent-Disposition: form-data; name="photo"; filename="a.png"\r\n\r\nPNG\r\n--XyZ--\r\n',
      ),
    ]);
    expect(boundaryOf('multipart/form-data; boundary=XyZ')).toBe('XyZ');
    const r = parseMultipart(body, 'XyZ');
    expect(r.fields).toEqual({ chat_id: '42' });
    expect(r.files.get('abc')).toMatchObject({ filename: 'отчёт 2025.xlsx', data: bin });
    expect(r.files.get('photo')?.data.toString()).toBe('PNG');
  });
});
