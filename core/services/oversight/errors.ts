// Refusals of the district and ministry services (K-OVER) as codes the channel words in the person's
// language (K-CORE-6). Nothing here holds personal data.

export type OversightErrorCode =
  /** no staff link of this user may do this here (K-ID-3) */
  | 'forbidden'
  /** no such appeal, child, district or campaign (or not this person's) */
  | 'not_found'
  | 'no_active_campaign'
  /** the campaign file is not valid (the problems are in `params`) */
  | 'invalid_file'
  /** the change touches a stage that has opened: an audited reason is needed */
  | 'reason_required'
  /** appeals: the text is empty or longer than allowed */
  | 'text_empty'
  | 'text_too_long'
  /** appeals: this application has no decision to appeal (a draft, a withdrawal by the parent) */
  | 'not_appealable'
  /** appeals: an appeal of this application is still being considered */
  | 'appeal_open'
  /** appeals: already answered, escalated or closed */
  | 'appeal_not_open'
  /** appeals: not answered yet and not overdue, or already at the ministry */
  | 'cannot_escalate'
  /** coverage: the follow-up outcome is unknown, or "other" without a note */
  | 'invalid_outcome'
  | 'note_required'
  /** the registry did not answer (coverage needs its list of children) */
  | 'registry_unavailable';

export class OversightError extends Error {
  constructor(
    readonly code: OversightErrorCode,
    readonly params: Record<string, unknown> = {},
  ) {
    super(code);
    this.name = 'OversightError';
  }
}
