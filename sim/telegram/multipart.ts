// A small multipart/form-data parser for the simulator (bodies are buffered: files are kept anyway).
// Lenient the way Telegram's server is: grammY writes `content-disposition:form-data;name="x";filename=y`
// (lower case, no spaces, unquoted file name), curl writes the RFC form; both are read.
import type { UploadedFile } from './simulator.ts';

export type MultipartBody = { fields: Record<string, string>; files: Map<string, UploadedFile> };

export function boundaryOf(contentType: string): string | undefined {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

function dispositionParam(header: string, name: string): string | undefined {
  // RFC 5987 extended form first (filename*=UTF-8''…)
  const ext = new RegExp(`(?:^|;)\\s*${name}\\*\\s*=\\s*([^']*)'[^']*'([^;]*)`, 'i').exec(header);
  if (ext?.[2]) {
    try {
      return decodeURIComponent(ext[2].trim());
    } catch {
      return ext[2].trim();
    }
  }
  const quoted = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(header);
  if (quoted?.[1] !== undefined) return quoted[1].replace(/\\(.)/g, '$1');
  // unquoted: a file name runs to the end of the header (grammY puts it last), a name to the next ';'
  const bare = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(${name === 'filename' ? '.*' : '[^;]*'})$`, 'i').exec(
    header,
  );
  if (bare?.[1] !== undefined) return bare[1].trim();
  const bareShort = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*([^;]*)`, 'i').exec(header);
  return bareShort?.[1]?.trim();
}

export function parseMultipart(body: Buffer, boundary: string): MultipartBody {
  const fields: Record<string, string> = {};
  const files = new Map<string, UploadedFile>();
  const delimiter = Buffer.from(`--${boundary}`);
  const next = Buffer.from(`\r\n--${boundary}`);
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new Error('multipart boundary not found');
  pos += delimiter.length;
  for (;;) {
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break; // closing `--`
    // skip transport padding and the CRLF after the delimiter
    while (pos < body.length && (body[pos] === 0x20 || body[pos] === 0x09)) pos++;
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    const end = body.indexOf(next, pos);
    if (end < 0) throw new Error('multipart body is truncated');
    const part = body.subarray(pos, end);
    const headerEnd = part.indexOf('\r\n\r\n');
    const headerText = (headerEnd >= 0 ? part.subarray(0, headerEnd) : part).toString('utf8');
    const data = headerEnd >= 0 ? part.subarray(headerEnd + 4) : Buffer.alloc(0);
    const headers = new Map<string, string>();
    for (const line of headerText.split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
    }
    const disposition = headers.get('content-disposition') ?? '';
    const name = dispositionParam(disposition.replace(/^form-data\s*;?/i, ''), 'name');
    if (name) {
      const filename = dispositionParam(disposition.replace(/^form-data\s*;?/i, ''), 'filename');
      if (filename !== undefined) {
        const f: UploadedFile = { data: Buffer.from(data) };
        if (filename) f.filename = filename;
        const ct = headers.get('content-type');
        if (ct) f.contentType = ct;
        files.set(name, f);
      } else {
        fields[name] = data.toString('utf8');
      }
    }
    pos = end + next.length;
  }
  return { fields, files };
}
