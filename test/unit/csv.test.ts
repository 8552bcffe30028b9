import { describe, expect, it } from 'vitest';
import { detectDelimiter, parseCsv } from '../../core/import/csv.ts';
import { formatImportMessage } from '../../core/import/errors.ts';
import { quotaColumns } from '../../core/import/quotas.ts';
import { schoolColumns } from '../../core/import/schools.ts';
import { readTable } from '../../core/import/table.ts';

const fields = (text: string) => parseCsv(text).records.map((r) => r.fields);

describe('parseCsv (RFC 4180)', () => {
  it('splits plain records on commas and line ends', () => {
    expect(fields('a,b,c\n1,2,3\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
  });

  it('accepts CRLF, LF and lone CR line ends, with or without a final line end', () => {
    expect(fields('a,b\r\n1,2\r\n3,4')).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(fields('a,b\r1,2\r')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('drops a UTF-8 byte-order mark', () => {
    const r = parseCsv('\uFEFFcode,name\n1,Мектеп\n');
    expect(r.records[0]?.fields).toEqual(['code', 'name']);
    expect(r.records[1]?.fields).toEqual(['1', 'Мектеп']);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks inside', () => {
    const text = 'name,address\n"«Билим», жеке мектеп","г. Бишкек, ул. ""Токтогула"", 125\nкорпус 2"\nx,y\n';
    const r = parseCsv(text);
    expect(r.errors).toEqual([]);
    expect(r.records.map((x) => x.fields)).toEqual([
      ['name', 'address'],
      ['«Билим», жеке мектеп', 'г. Бишкек, ул. "Токтогула", 125\nкорпус 2'],
      ['x', 'y'],
    ]);
    // a line break inside quotes does not start a new row: rows are records
    expect(r.records.map((x) => x.row)).toEqual([1, 2, 3]);
  });

  it('keeps CRLF inside quotes as written and keeps spaces (no trimming)', () => {
    expect(fields('a\r\n"1\r\n2"\r\n  x  \r\n')).toEqual([['a'], ['1\r\n2'], ['  x  ']]);
  });

  it('reads empty fields, empty quoted fields and a trailing empty field', () => {
    expect(fields('a,b,c\n,"",\n')).toEqual([
      ['a', 'b', 'c'],
      ['', '', ''],
    ]);
    expect(fields('""\n')).toEqual([['']]);
  });

  it('skips blank lines but counts them, so row numbers stay those a spreadsheet shows', () => {
    const r = parseCsv('a,b\n1,2\n\n3,4\r\n\r\n');
    expect(r.records.map((x) => [x.row, x.fields])).toEqual([
      [1, ['a', 'b']],
      [2, ['1', '2']],
      [4, ['3', '4']],
    ]);
  });

  it('reports an unterminated quote at the row where it opened', () => {
    const r = parseCsv('a,b\n1,2\n3,"never closed\n4,5\n');
    expect(r.errors).toEqual([{ row: 3, field: 1, code: 'unterminated_quote' }]);
  });

  it('reports a quote inside an unquoted field and text after a closing quote, and keeps going', () => {
    const r = parseCsv('a,b\nab"c,2\n"x"y,3\n4,5\n');
    expect(r.errors).toEqual([
      { row: 2, field: 0, code: 'quote_in_unquoted_field' },
      { row: 3, field: 0, code: 'text_after_quote' },
    ]);
    expect(r.records).toHaveLength(4);
    expect(r.records[3]?.fields).toEqual(['4', '5']);
  });

  it('detects ";" and tab delimiters from the header (Excel in a Russian locale)', () => {
    expect(detectDelimiter('a;b;c\n1;2;3')).toBe(';');
    expect(detectDelimiter('a\tb\n')).toBe('\t');
    expect(detectDelimiter('a,b\n1;2;3;4')).toBe(',');
    expect(detectDelimiter('"a;b",c\n')).toBe(',');
    expect(fields('a;b\n"1;x";42,5\n')).toEqual([
      ['a', 'b'],
      ['1;x', '42,5'],
    ]);
  });

  it('returns nothing for an empty text', () => {
    expect(parseCsv('').records).toEqual([]);
    expect(parseCsv('\uFEFF').records).toEqual([]);
  });
});

describe('readTable (header and cells)', () => {
  const header = Object.keys(quotaColumns).join(',');

  it('reads typed values with defaults for optional columns left out of the header', () => {
    const t = readTable(quotaColumns, 'school_code,campaign_id,language,seats\n10001,2026-27,KY,50\n');
    expect(t.errors).toEqual([]);
    expect(t.rows[0]?.values).toEqual({
      school_code: '10001',
      campaign_id: '2026-27',
      language: 'ky',
      seats: 50,
      class_size: 25,
      approved: false,
    });
  });

  it('refuses a header with a missing, an unknown or a repeated column, naming each', () => {
    const t = readTable(quotaColumns, 'school_code,language,seats,seats,colour\n1,ky,5,5,red\n');
    expect(t.readable).toBe(false);
    expect(t.errors.map((e) => [e.row, e.column, e.code])).toEqual(
      expect.arrayContaining([
        [1, 'seats', 'duplicate_column'],
        [1, 'colour', 'unknown_column'],
        [1, 'campaign_id', 'missing_column'],
      ]),
    );
  });

  it('reports an empty file and a file with no data rows', () => {
    expect(readTable(quotaColumns, '').errors.map((e) => e.code)).toEqual(['empty_file']);
    expect(readTable(quotaColumns, `${header}\n`).errors.map((e) => e.code)).toEqual(['no_rows']);
  });

  it('reports every bad cell with its row and column, and rows of the wrong width', () => {
    const text = [
      header,
      'bad code!,2026-27,xx,-1,40,maybe',
      '10002,2026-27,ru,12.5,0,yes',
      '10003,2026-27',
    ].join('\n');
    const t = readTable(quotaColumns, text);
    expect(t.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [2, 'school_code', 'invalid_code'],
      [2, 'language', 'invalid_enum'],
      [2, 'seats', 'negative'],
      [2, 'approved', 'invalid_boolean'],
      [3, 'seats', 'invalid_integer'],
      [3, 'class_size', 'not_positive'],
      [4, '*', 'wrong_field_count'],
    ]);
    expect(t.rows.map((r) => r.valid)).toEqual([false, false, false]);
    // codes come with parameters and an English message built from them
    const lang = t.errors.find((e) => e.column === 'language');
    expect(lang?.params).toMatchObject({ value: 'xx', allowed: 'ky, ru, uz, tg, en' });
    expect(lang?.message).toBe('"xx" is not one of: ky, ru, uz, tg, en');
  });

  it('validates school cells: languages list, booleans, decimal marks, code length for deep links', () => {
    const cols = Object.keys(schoolColumns).join(',');
    const good =
      '12345,Мектеп,Школа,School,KG-C-ALM,private,no,false,Лебединовка,a,b,c, ky | RU ,"42,87",74.6';
    const t = readTable(schoolColumns, `${cols}\n${good}\n`);
    expect(t.errors).toEqual([]);
    expect(t.rows[0]?.values).toMatchObject({
      ownership: 'private',
      participates: false,
      special: false,
      languages: ['ky', 'ru'],
      latitude: 42.87,
      longitude: 74.6,
    });
    const long = 'x'.repeat(44);
    const bad = `${long},М,Ш,S,KG-C-ALM,,,,Лебединовка,a,b,c,ky|ky,north,`;
    const errs = readTable(schoolColumns, `${cols}\n${bad}\n`).errors;
    expect(errs.map((e) => [e.column, e.code])).toEqual([
      ['code', 'invalid_code'],
      ['languages', 'duplicate_language'],
      ['latitude', 'invalid_number'],
    ]);
  });

  it('words messages from codes and parameters', () => {
    expect(formatImportMessage('unknown_district', { value: 'KG-X' })).toBe(
      'district "KG-X" is not in the database (import territories first)',
    );
    expect(formatImportMessage('class_size_above_legal_max', { value: 40, max: 36 })).toBe(
      'class size 40 is above the legal maximum of 36',
    );
  });
});
