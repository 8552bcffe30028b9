// Refusals of the school use cases as codes with parameters; each channel words them in the person's
// language (K-CORE-6). `not_found` also stands for "not in your scope": another school's application
// is never confirmed to exist (K-ID-3, K-REL-3).
export type SchoolErrorCode =
  /** no active staff link of this user may take this action at all */
  | 'forbidden'
  /** no such object, or not in the staff member's scope */
  | 'not_found'
  | 'no_active_campaign'
  /** the application is not in a status this action applies to */
  | 'invalid_state'
  /** typed input refused; `field` and `reason` say what */
  | 'bad_input'
  /** the quota of that language is full (K-CORE-1) */
  | 'school_full'
  /** the school has no quota for that language */
  | 'no_quota'
  /** the application has no unverified priority claim */
  | 'no_claim'
  /** a staff-tenure claim that the school's staff register does not support (K-PRIO-2) */
  | 'not_in_register'
  /** a military claim at a school that does not serve the family's residence (R-15.2a) */
  | 'not_at_residence'
  /** the quota of that language is not approved by the district yet: it gives no seat (K-SEAT-1) */
  | 'quota_not_approved'
  /** the child already has an active application (K-CORE-2) */
  | 'child_has_application'
  /** the staff register already has this person */
  | 'already_exists'
  /** documents are received only from the document window's opening (`opens`, ISO) */
  | 'documents_not_open'
  /** the child's documents deadline (`due`, ISO) has passed: the seat is being released */
  | 'documents_closed';

export class SchoolError extends Error {
  constructor(
    readonly code: SchoolErrorCode,
    readonly params: Record<string, string | number> = {},
  ) {
    super(code);
  }
}
