// The parent's registration features (issue 4): the wizard (/apply) and the applications (/status).
// The composition root passes the core services; sign-in and the registry's list of children come
// from the identity work (core/services/identity.ts `linkedPin`, `startSignIn`; core/services/my-data.ts).
import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import { statusFeature } from './status.ts';
import type { ParentDeps } from './wizard/deps.ts';
import { wizardFeature } from './wizard/index.ts';

export type { ChildChoice, ParentDeps } from './wizard/deps.ts';
export { menuButtons as parentMenuButtons } from './wizard/views.ts';

/** Commands of this feature, for setMyCommands (descriptions: `wizard:commands.<name>`). */
export const PARENT_COMMANDS = ['apply', 'status'] as const;

/** The wizard first (it holds typed answers while a question is open), then /status. */
export function parentFeature(deps: ParentDeps) {
  const c = new Composer<BotContext>();
  c.use(wizardFeature(deps));
  c.use(statusFeature(deps));
  return c;
}
