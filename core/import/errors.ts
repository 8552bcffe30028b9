// Import errors as codes with parameters, so the CLI, the bot or a web page can word them in the
// operator's language; `message` is the English wording for the command line and logs.

export type ImportErrorCode =
  | 'empty_file'
  | 'no_rows'
  | 'missing_column'
  | 'unknown_column'
  | 'duplicate_column'
  | 'wrong_field_count'
  | 'unterminated_quote'
  | 'quote_in_unquoted_field'
  | 'text_after_quote'
  | 'required'
  | 'too_long'
  | 'invalid_id'
  | 'invalid_code'
  | 'invalid_enum'
  | 'invalid_boolean'
  | 'invalid_integer'
  | 'invalid_number'
  | 'negative'
  | 'not_positive'
  | 'too_large'
  | 'duplicate_key'
  | 'parent_not_allowed'
  | 'parent_required'
  | 'unknown_parent'
  | 'parent_kind_mismatch'
  | 'kind_change'
  | 'unknown_district'
  | 'not_a_district'
  | 'duplicate_language'
  | 'coordinates_incomplete'
  | 'coordinates_outside_kyrgyzstan'
  | 'special_participates'
  | 'language_has_quota'
  | 'special_with_quota'
  | 'unknown_school'
  | 'school_is_special'
  | 'school_not_participating'
  | 'house_range_reversed'
  | 'overlapping_range'
  | 'overlaps_existing'
  | 'unknown_campaign'
  | 'language_not_taught'
  | 'class_size_above_legal_max'
  | 'seats_below_taken'
  | 'approved_needs_option'
  | 'reason_required';

export type ImportErrorParams = Record<string, string | number>;

export type ImportError = {
  /** 1-based record number; the header is row 1 */
  row: number;
  /** the column's name as documented; "*" when the error concerns the whole row */
  column: string;
  code: ImportErrorCode;
  params: ImportErrorParams;
  message: string;
};

export type ImportResult =
  | {
      ok: true;
      inserted: number;
      updated: number;
      /** catchments only: rules of the file's schools that the file no longer lists */
      removed?: number;
      /** quotas only: changes recorded for the district to approve (not in force yet) */
      pending?: number;
    }
  | { ok: false; errors: ImportError[] };

const TEMPLATES: Record<ImportErrorCode, string> = {
  empty_file: 'the file is empty',
  no_rows: 'the file has a header but no data rows',
  missing_column: 'the header lacks the required column "{column}"',
  unknown_column: 'unknown column "{column}" (expected: {expected})',
  duplicate_column: 'column "{column}" appears twice in the header',
  wrong_field_count: 'the row has {found} fields, the header has {expected}',
  unterminated_quote: 'a quoted value is never closed (missing ")',
  quote_in_unquoted_field:
    'a quote (") inside a value that does not start with one; quote the whole value and double the quote',
  text_after_quote: 'text after the closing quote of a value',
  required: 'a value is required',
  too_long: 'the value is longer than {max} characters',
  invalid_id: '"{value}" is not a valid territory id (capital Latin letters, digits and "-", e.g. KG-C-ALM)',
  invalid_code:
    '"{value}" is not a valid school code (Latin letters, digits, "_" and "-", at most {max} characters)',
  invalid_enum: '"{value}" is not one of: {allowed}',
  invalid_boolean: '"{value}" is not a yes/no value (true, false, 1, 0, yes, no)',
  invalid_integer: '"{value}" is not a whole number',
  invalid_number: '"{value}" is not a number',
  negative: 'must not be negative (got {value})',
  not_positive: 'must be greater than 0 (got {value})',
  too_large: 'must be at most {max} (got {value})',
  duplicate_key: '{key} is already in row {first_row} of this file',
  parent_not_allowed: 'a {kind} has no parent; leave parent_id empty',
  parent_required: 'a {kind} needs a parent_id',
  unknown_parent: 'parent "{value}" is neither in this file nor in the database',
  parent_kind_mismatch: 'a {kind} must hang from a {expected}, but "{value}" is a {actual}',
  kind_change: 'territory "{value}" is a {current}; a kind never changes (a reform gets new ids)',
  unknown_district: 'district "{value}" is not in the database (import territories first)',
  not_a_district: 'territory "{value}" is a {kind}; schools hang from a district or city district',
  duplicate_language: 'language "{value}" is listed twice',
  coordinates_incomplete: 'give both latitude and longitude, or neither',
  coordinates_outside_kyrgyzstan:
    '{latitude}, {longitude} is outside Kyrgyzstan (are latitude and longitude swapped?)',
  special_participates: 'a special school is admitted outside online registration; set participates to false',
  language_has_quota:
    'the school has a {campaign} quota in "{language}"; remove the quota before the language',
  special_with_quota: 'the school has quotas for {campaign}; a special school has none',
  unknown_school: 'school "{value}" is not in the database (import schools first)',
  school_is_special: 'school "{value}" is a special school, admitted outside online registration',
  school_not_participating: 'school "{value}" does not take part in online registration',
  house_range_reversed: 'house_from {house_from} is greater than house_to {house_to}',
  overlapping_range:
    'houses {house_from}–{house_to} of {street}, {settlement} overlap row {other_row} (school {other_school})',
  overlaps_existing:
    'houses {house_from}–{house_to} of {street}, {settlement} overlap houses {other_from}–{other_to} of school {other_school}, which this file does not change',
  unknown_campaign: 'campaign "{value}" is not in the database',
  language_not_taught: 'the school does not teach in "{value}" (it teaches: {languages})',
  class_size_above_legal_max: 'class size {value} is above the legal maximum of {max}',
  seats_below_taken: '{value} seats is fewer than the {taken} already held',
  approved_needs_option:
    'the file marks the quota approved; only the ministry approves its own file, with --approved --reason "…"',
  reason_required: 'an approval by file needs a reason: --approved --reason "…" (at least 5 characters)',
};

/** The English wording of an error code with its parameters. */
export function formatImportMessage(code: ImportErrorCode, params: ImportErrorParams): string {
  return TEMPLATES[code].replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in params ? String(params[key]) : whole,
  );
}

export function importError(
  row: number,
  column: string,
  code: ImportErrorCode,
  params: ImportErrorParams = {},
): ImportError {
  return { row, column, code, params, message: formatImportMessage(code, params) };
}
