// Campaign stages as pure rules over a given instant (K-CAMP-1, K-CAMP-5): the clock is passed in.
import type { StageInput } from './reference.ts';
import { addDays, bishkekDate, bishkekInstant } from './working-days.ts';

export type StagePhase = 'past' | 'open' | 'upcoming';

export type StageState = StageInput & { phase: StagePhase };

export function stagePhase(stage: StageInput, now: Date): StagePhase {
  if (now < stage.opensAt) return 'upcoming';
  if (now >= stage.closesAt) return 'past';
  return 'open';
}

/** Registration stages (not the document window), each with its phase at `now`. */
export function stageStates(stages: StageInput[], now: Date): StageState[] {
  return [...stages].sort((a, b) => a.ordinal - b.ordinal).map((s) => ({ ...s, phase: stagePhase(s, now) }));
}

/** The registration stage open now (documents window excluded), if any. */
export function openRegistrationStage(stages: StageInput[], now: Date): StageInput | undefined {
  return stages.find((s) => s.kind !== 'documents' && stagePhase(s, now) === 'open');
}

/** The next registration stage to open after `now`, if any. */
export function nextRegistrationStage(stages: StageInput[], now: Date): StageInput | undefined {
  return stages
    .filter((s) => s.kind !== 'documents' && s.opensAt > now)
    .sort((a, b) => a.opensAt.getTime() - b.opensAt.getTime())[0];
}

/**
 * The standing free-seats stage after the release (R-16.6, R-13.4; decision 0009): a `free_seats`
 * stage that opens after the campaign's document deadline. Released families, families that missed
 * registration and families that moved register there at any school with a free seat, first come.
 */
export function isAfterRelease(
  stage: Pick<StageInput, 'kind' | 'opensAt'>,
  documentsDeadline: Date,
): boolean {
  return stage.kind === 'free_seats' && stage.opensAt > documentsDeadline;
}

/** The campaign's standing free-seats stage after the release, if it has one. */
export function afterReleaseStage(stages: StageInput[], documentsDeadline: Date): StageInput | undefined {
  return stages.find((s) => isAfterRelease(s, documentsDeadline));
}

/** It opens at the start (00:00 Bishkek) of the day after the release, the document deadline's day. */
export function afterReleaseOpening(documentsDeadline: Date): Date {
  return bishkekInstant(addDays(bishkekDate(documentsDeadline), 1));
}

/** By default it runs until the end of 31 May of the school year (the year after registration). */
export function defaultAfterReleaseUntil(academicYear: string): string {
  return `${Number(academicYear.slice(0, 4)) + 1}-05-31`;
}

/** The instant a stage that runs "until" a date closes: the end of that Bishkek day (24:00). */
export function endOfDate(date: string): Date {
  return bishkekInstant(addDays(date, 1));
}

/**
 * When the school starts receiving documents and enrolling (R-13.2: "from 1 August"; R-14): the
 * opening of the campaign's document window, or 1 August of the registration year when the campaign
 * has none. It lasts, for each child, until the child's own documents deadline.
 */
export function documentsWindowOpens(campaign: { academicYear: string; stages: StageInput[] }): Date {
  const window = campaign.stages.find((s) => s.kind === 'documents');
  return window ? window.opensAt : bishkekInstant(`${campaign.academicYear.slice(0, 4)}-08-01`);
}
