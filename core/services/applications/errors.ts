// Refusals as codes with parameters: each channel words them in the person's language (K-CORE-6).
export type ApplicationErrorCode =
  | 'no_active_campaign'
  | 'invalid_pin'
  | 'child_not_found'
  | 'no_birth_record'
  | 'certificate_mismatch'
  | 'not_parent'
  | 'too_old'
  | 'too_young'
  | 'existing_application'
  | 'not_found'
  | 'not_verified'
  | 'stage_closed'
  | 'incomplete'
  | 'school_not_found'
  | 'place_refused'
  | 'school_full'
  | 'cancellation_limit'
  | 'invalid_state'
  | 'invalid_phone'
  | 'same_school'
  | 'registry_refused';

export class ApplicationError extends Error {
  constructor(
    readonly code: ApplicationErrorCode,
    readonly params: Record<string, string | number | string[]> = {},
  ) {
    super(code);
  }
}
