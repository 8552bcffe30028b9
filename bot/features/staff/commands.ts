// Staff commands appear to linked staff only (contract: Telegram): a chat-scoped command list per
// role, set when the chat's roles change and removed once a link is revoked.
import type { Api, MiddlewareFn } from 'grammy';
import type { StaffLink } from '../../../core/services/identity.ts';
import type { BotContext } from '../../context.ts';
import { translator, UI_LANGUAGES, type UiLanguage } from '../../i18n.ts';

const BY_ROLE: Record<StaffLink['role'], [string, string][]> = {
  director: [
    ['school', 'school:commands.school'],
    ['quotas', 'staff_commands.quotas'],
    ['classes', 'staff_commands.classes'],
    ['alerts', 'staff_commands.alerts'],
    ['charter', 'staff_commands.charter'],
    ['appeals', 'oversight:commands.appeals'],
    ['reports', 'reports:commands.reports'],
    ['totp', 'staff_commands.totp'],
  ],
  admissions: [
    ['school', 'school:commands.school'],
    ['classes', 'staff_commands.classes'],
  ],
  district: [
    ['reports', 'reports:commands.reports'],
    ['quotas', 'staff_commands.quotas'],
    ['coverage', 'oversight:commands.coverage'],
    ['appeals', 'oversight:commands.appeals'],
    ['totp', 'staff_commands.totp'],
  ],
  ministry: [
    ['reports', 'reports:commands.reports'],
    ['campaign', 'oversight:commands.campaign'],
    ['coverage', 'oversight:commands.coverage'],
    ['appeals', 'oversight:commands.appeals'],
    ['totp', 'staff_commands.totp'],
  ],
};

/** The commands of these roles, without repeats, after the public ones. */
export function staffCommandList(
  roles: StaffLink['role'][],
  lang: UiLanguage,
  publicCommands: [string, string][],
) {
  const t = translator(lang);
  const seen = new Set<string>();
  const out: { command: string; description: string }[] = [];
  for (const [command, key] of [...publicCommands, ...roles.flatMap((r) => BY_ROLE[r])]) {
    if (seen.has(command)) continue;
    seen.add(command);
    out.push({ command, description: t(key) });
  }
  return out;
}

async function setFor(
  api: Api,
  chatId: number,
  roles: StaffLink['role'][],
  publicCommands: [string, string][],
) {
  const scope = { type: 'chat' as const, chat_id: chatId };
  if (roles.length === 0) {
    await api.deleteMyCommands({ scope });
    for (const lang of UI_LANGUAGES) await api.deleteMyCommands({ scope, language_code: lang });
    return;
  }
  await api.setMyCommands(staffCommandList(roles, 'ky', publicCommands), { scope });
  for (const lang of UI_LANGUAGES) {
    await api.setMyCommands(staffCommandList(roles, lang, publicCommands), { scope, language_code: lang });
  }
}

/**
 * After the staff middleware: when the roles of a private chat differ from those its command list was
 * made for (a new link, a revocation), the chat's list is set again. The roles it was made for are
 * kept in the session, so this costs nothing on ordinary updates.
 */
export function staffCommandsMiddleware(publicCommands: [string, string][]): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    await next();
    if (ctx.chat?.type !== 'private' || !ctx.from) return;
    const roles = [...new Set((ctx.staff ?? []).map((s) => s.role))].sort();
    const key = roles.join(',');
    if ((ctx.session.staffCommands ?? '') === key) return;
    try {
      await setFor(ctx.api, ctx.chat.id, roles, publicCommands);
      ctx.session.staffCommands = key;
    } catch (e) {
      ctx.log.warn({ err: e instanceof Error ? e.message : String(e) }, 'could not set the staff commands');
    }
  };
}
