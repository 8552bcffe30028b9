// What the admissions menu keeps per chat between updates: the last list (to go back to it) and the
// typed flow in progress. Nothing here that losing would lose a decision: every decision is one core
// call, and a lost flow only means starting it again.
import type { LANGUAGES } from '../../../../core/domain/reference.ts';
import type { Ground, RefusalGround } from '../../../../core/services/school/rules.ts';
import type { BotContext, SessionData } from '../../../context.ts';
import type { ListRef } from './callback.ts';

export type AdmissionsStep =
  | 'number'
  | 'refuse_note'
  | 'd_name'
  | 'd_doc'
  | 'r_pin'
  | 'r_position'
  | 'r_since'
  | 'u_name'
  | 'u_year'
  | 'u_to';

export type AdmissionsSession = {
  /** the last list shown, for "back to the list" */
  back?: ListRef;
  /** which typed answer the chat is giving now */
  step?: AdmissionsStep;
  /** refusal in progress */
  refuse?: { app: string; ground: RefusalGround; note?: string };
  /** direct admission in progress */
  direct?: { ground?: Ground; lang?: (typeof LANGUAGES)[number]; name?: string; doc?: string };
  /** staff register entry in progress */
  reg?: { pin?: string; position?: string };
  /** undocumented child in progress */
  undoc?: { name?: string; year?: number | null };
};

/** The admissions part of the chat's session (`sa`), created on first use. */
export function admissionsSession(ctx: BotContext): AdmissionsSession {
  const session = ctx.session as SessionData & { sa?: AdmissionsSession };
  session.sa ??= {};
  return session.sa;
}

/** Ends any typed flow (keeps the last list). */
export function endFlow(ctx: BotContext): void {
  const s = admissionsSession(ctx);
  s.step = undefined;
  s.refuse = undefined;
  s.direct = undefined;
  s.reg = undefined;
  s.undoc = undefined;
}
