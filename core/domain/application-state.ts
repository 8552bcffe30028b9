// The application life cycle as ONE transition table (contract: Application statuses). Every change
// of status goes through `transition()`; services record each one (who, when, from, to, why).

export const STATUSES = [
  'draft',
  'submitted',
  'admitted',
  'waitlisted',
  'enrolled',
  'released',
  'withdrawn',
  'rejected',
] as const;
export type ApplicationStatus = (typeof STATUSES)[number];

export type ApplicationEvent =
  | 'submit' // the parent submits a verified draft
  | 'seat_held' // a seat was free at decision time
  | 'no_seat' // no seat free: waitlisted in order
  | 'seat_freed' // the next waitlisted child gets the freed seat
  | 'documents_accepted' // all six documents of R-14 received
  | 'documents_missed' // the documents deadline passed, timed event
  | 'withdraw' // the parent withdraws
  | 'not_eligible' // rejected at decision: not eligible or data mismatch
  | 'school_refused'; // the school refuses an admitted child, with a reason the parent sees

type Row = { from: ApplicationStatus; event: ApplicationEvent; to: ApplicationStatus; note: string };

/** The whole life cycle. The diagram in docs/application-lifecycle.md is generated from it. */
export const TRANSITIONS: readonly Row[] = [
  { from: 'draft', event: 'submit', to: 'submitted', note: 'parent submits; stage open' },
  { from: 'submitted', event: 'seat_held', to: 'admitted', note: 'seat held; documents due' },
  { from: 'submitted', event: 'no_seat', to: 'waitlisted', note: 'no free seat; waits in order' },
  { from: 'submitted', event: 'not_eligible', to: 'rejected', note: 'not eligible or data mismatch' },
  { from: 'waitlisted', event: 'seat_freed', to: 'admitted', note: 'next in order gets a freed seat' },
  { from: 'admitted', event: 'documents_accepted', to: 'enrolled', note: 'the six documents of R-14' },
  { from: 'admitted', event: 'documents_missed', to: 'released', note: 'deadline passed (R-13.4)' },
  { from: 'draft', event: 'withdraw', to: 'withdrawn', note: 'parent' },
  { from: 'submitted', event: 'withdraw', to: 'withdrawn', note: 'parent' },
  { from: 'waitlisted', event: 'withdraw', to: 'withdrawn', note: 'parent' },
  { from: 'admitted', event: 'withdraw', to: 'withdrawn', note: 'parent; the seat is freed' },
  {
    from: 'admitted',
    event: 'school_refused',
    to: 'rejected',
    note: 'school refuses with a reason the parent sees; the seat is freed',
  },
];

/** Statuses that hold or wait for a seat, or are being prepared: one per child (K-CORE-2). */
export const ACTIVE: ReadonlySet<ApplicationStatus> = new Set([
  'draft',
  'submitted',
  'admitted',
  'waitlisted',
  'enrolled',
]);
/** Statuses that hold a seat of the quota (K-CORE-1). */
export const HOLDS_SEAT: ReadonlySet<ApplicationStatus> = new Set(['admitted', 'enrolled']);
/** Statuses the school sees. */
export const VISIBLE_TO_SCHOOL: ReadonlySet<ApplicationStatus> = new Set([
  'submitted',
  'admitted',
  'waitlisted',
  'enrolled',
  'released',
]);
/** No transition leaves these. */
export const TERMINAL: ReadonlySet<ApplicationStatus> = new Set(
  STATUSES.filter((s) => !TRANSITIONS.some((t) => t.from === s)),
);

export class InvalidTransitionError extends Error {
  constructor(
    readonly from: ApplicationStatus,
    readonly event: ApplicationEvent,
  ) {
    super(`no transition from ${from} on ${event}`);
  }
}

export function canTransition(from: ApplicationStatus, event: ApplicationEvent): boolean {
  return TRANSITIONS.some((t) => t.from === from && t.event === event);
}

export function transition(from: ApplicationStatus, event: ApplicationEvent): ApplicationStatus {
  const row = TRANSITIONS.find((t) => t.from === from && t.event === event);
  if (!row) throw new InvalidTransitionError(from, event);
  return row.to;
}

/** Mermaid state diagram of the table (written to docs/application-lifecycle.md). */
export function lifecycleDiagram(): string {
  const lines = ['stateDiagram-v2', '  [*] --> draft'];
  for (const t of TRANSITIONS) lines.push(`  ${t.from} --> ${t.to}: ${t.event}`);
  for (const s of TERMINAL) lines.push(`  ${s} --> [*]`);
  return lines.join('\n');
}
