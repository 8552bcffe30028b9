// One eligibility rule per stage kind, for every seat movement (K-SEAT-5, R-13.1, R-16.5/16.6):
// stage I (`catchment`) — the registered address is in the school's catchment; stage II
// (`actual_residence`) — the registered or the declared actual address is; `free_seats` — anyone.
// A submission, a change of school, a waitlist promotion and the seat of a swap all ask this module.
import { stagePhase } from '../domain/campaign.ts';
import type { StageRule } from '../domain/eligibility.ts';
import type { StageInput } from '../domain/reference.ts';

export type { StageRule } from '../domain/eligibility.ts';

/**
 * The rule in force at `now`: the open registration stage's; between stages, the last closed stage's
 * (its seats are still its own until the next stage opens); before the first stage, stage I's.
 */
export function stageRuleInForce(stages: StageInput[], now: Date): StageRule {
  const registration = stages
    .filter((s) => s.kind !== 'documents')
    .sort((a, b) => a.opensAt.getTime() - b.opensAt.getTime());
  let rule: StageRule = 'catchment';
  for (const s of registration) {
    if (stagePhase(s, now) === 'upcoming') break;
    rule = s.kind as StageRule;
  }
  return rule;
}

/** How a child's claim to a school's seat stands: by registered address, by actual address, or neither. */
export type Residence = 'registered' | 'actual' | 'none';

/** Whether a stage's rule lets a child with this residence take a seat of the school. */
export function stageAdmits(rule: StageRule, residence: Residence): boolean {
  if (rule === 'free_seats') return true;
  if (rule === 'actual_residence') return residence !== 'none';
  return residence === 'registered';
}

/**
 * The same rule in SQL over a waiting row with `catchment` (registered address in catchment) and
 * `basis` (the stage kind the request was accepted under: 'actual_residence' means its actual
 * address was in the catchment). `rule` is one of three constants, never user input.
 */
export function stageAdmitsSql(rule: StageRule): string {
  if (rule === 'free_seats') return 'true';
  if (rule === 'actual_residence') return `(catchment OR basis = 'actual_residence')`;
  return 'catchment';
}

/** The residence a request was accepted on, from what the submission or the swap recorded. */
export function residenceOf(catchment: boolean, basis: string | null): Residence {
  return catchment ? 'registered' : basis === 'actual_residence' ? 'actual' : 'none';
}
