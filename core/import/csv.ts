// RFC 4180 CSV: quoted fields with "" for a quote, commas and line breaks inside quotes, CRLF / LF /
// CR line ends, a UTF-8 BOM, no trailing empty record. Lenient where spreadsheets differ: the
// delimiter may be ';' or a tab (Excel in a Russian locale saves with ';'), detected from the header.
// Errors keep going so that one pass reports all of them.

export type CsvRecord = {
  /** 1-based record number: the header is row 1 (a spreadsheet's row number unless a cell has a line break) */
  row: number;
  fields: string[];
};

export type CsvErrorCode = 'unterminated_quote' | 'quote_in_unquoted_field' | 'text_after_quote';

/** `field` is the 0-based index of the field in its record. */
export type CsvError = { row: number; field: number; code: CsvErrorCode };

export type CsvParseResult = {
  records: CsvRecord[];
  errors: CsvError[];
  delimiter: string;
};

const DELIMITERS = [',', ';', '\t'] as const;

/** The delimiter used most outside quotes on the first line; ',' when there is none. */
export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ',';
  for (const d of DELIMITERS) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d;
  return best;
}

/**
 * Parses CSV text into records. Blank lines are skipped but counted, so row numbers stay those an
 * operator sees. A record's fields are returned exactly as written (no trimming).
 */
export function parseCsv(input: string, opts: { delimiter?: string } = {}): CsvParseResult {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const delimiter = opts.delimiter ?? detectDelimiter(text);
  const records: CsvRecord[] = [];
  const errors: CsvError[] = [];

  let row = 1;
  let fields: string[] = [];
  let field = '';
  let quoted = false; // inside a quoted field
  let wasQuoted = false; // the current field started with a quote
  let afterQuote = false; // the closing quote of the current field was seen
  let quoteRow = 1;

  const endField = () => {
    fields.push(field);
    field = '';
    wasQuoted = false;
    afterQuote = false;
  };
  const endRecord = () => {
    const blank = fields.length === 0 && field === '' && !wasQuoted;
    endField();
    if (!blank) records.push({ row, fields });
    fields = [];
    row++;
  };

  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
          afterQuote = true;
        }
      } else field += ch;
      continue;
    }
    if (ch === delimiter) {
      endField();
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
    } else if (ch === '"') {
      if (field === '' && !wasQuoted) {
        quoted = true;
        wasQuoted = true;
        quoteRow = row;
      } else {
        errors.push({
          row,
          field: fields.length,
          code: afterQuote ? 'text_after_quote' : 'quote_in_unquoted_field',
        });
        field += ch;
      }
    } else {
      if (afterQuote) {
        // report once per field
        if (
          !errors.some((e) => e.row === row && e.field === fields.length && e.code === 'text_after_quote')
        ) {
          errors.push({ row, field: fields.length, code: 'text_after_quote' });
        }
      }
      field += ch;
    }
  }
  if (quoted) {
    errors.push({ row: quoteRow, field: fields.length, code: 'unterminated_quote' });
  }
  if (fields.length > 0 || field !== '' || wasQuoted) endRecord();
  return { records, errors, delimiter };
}
