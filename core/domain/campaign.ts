// Campaign stages as pure rules over a given instant (K-CAMP-1, K-CAMP-5): the clock is passed in.
import type { StageInput } from './reference.ts';

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
