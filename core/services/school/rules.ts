// The fixed lists of the school's side of admission. There is deliberately no "other document", no
// test and no interview anywhere: R-14 names exactly six documents and forbids demanding any
// other; forbids tests, exams and interviews. The database enum `RequiredDocument` holds the
// same six (a test compares them), so no channel can record or ask for a seventh.
import type { DirectGround, RequiredDocument } from '../../db/client.ts';

/** The six documents of R-14, in the order of the regulation. */
export const REQUIRED_DOCUMENTS = [
  /** the application of one parent / legal representative */
  'application_form',
  /** notarised copy of the child's birth certificate */
  'birth_certificate_copy',
  /** passport of the parent / legal representative */
  'parent_passport',
  /** original medical certificate of the child's health */
  'health_certificate',
  /** original medical certificate of vaccinations */
  'vaccination_certificate',
  /** a 3×4 cm photo of the child */
  'photo_3x4',
] as const satisfies readonly RequiredDocument[];
export type Document = (typeof REQUIRED_DOCUMENTS)[number];

export function isDocument(v: unknown): v is Document {
  return typeof v === 'string' && (REQUIRED_DOCUMENTS as readonly string[]).includes(v);
}

/** Grounds of a direct admission outside online registration (R-15.3, K-CAMP-2, K-SCHOOL-5). */
export const DIRECT_GROUNDS = [
  'commission',
  'over_age',
  'no_documents',
] as const satisfies readonly DirectGround[];
export type Ground = (typeof DIRECT_GROUNDS)[number];

/**
 * Why a school may refuse a child it admitted, always with a typed explanation the parent sees.
 * Missing documents are not a refusal: the deadline releases the seat. Nothing here may be a
 * test, an interview or a document beyond the six.
 */
export const REFUSAL_GROUNDS = [
  /** the parent told the school they do not take the seat */
  'parent_declined',
  /** the person who applied is not the child's parent or legal representative */
  'not_representative',
  /** the documents brought are of another child or disagree with the application */
  'documents_mismatch',
  /** the child is already enrolled in another school */
  'enrolled_elsewhere',
] as const;
export type RefusalGround = (typeof REFUSAL_GROUNDS)[number];

/** How a request for an undocumented child stands. */
export const UNDOCUMENTED_STATUSES = ['requested', 'answered', 'documented', 'admitted', 'closed'] as const;
export type UndocumentedStatus = (typeof UNDOCUMENTED_STATUSES)[number];

/** Why a staff member read personal data (stored in the access log, shown to the parent). */
export const PURPOSES = ['admission', 'document_check', 'priority_check'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** What was read (access log `what`). */
export type AccessWhat = 'list' | 'card' | 'registry_data';

/** the list of undocumented school-age children is requested by 20 August of the campaign year. */
export function undocumentedRequestDeadline(campaignYear: number): string {
  return `${campaignYear}-08-20`;
}

/** Limits of typed input (K-CORE-6: the bot names them in its refusal). */
export const LIMITS = {
  note: { min: 5, max: 500 },
  childName: { min: 3, max: 120 },
  documentNumber: { min: 1, max: 40 },
  position: { min: 2, max: 100 },
  requestedTo: { min: 3, max: 200 },
  address: { max: 200 },
} as const;
