// Staff linking (K-ID-2): `/start staff_<token>` accepts a one-time invite and greets the new staff
// member in their role and scope. `staffMiddleware` reads the user's active staff links on every
// update into `ctx.staff`, so a revocation takes effect on the very next update. What a role may do
// is decided in core/domain/roles.ts (`can`); the bot only uses `ctx.staff` to choose what to show.
import { Composer, type MiddlewareFn } from 'grammy';
import {
  type IdentityService,
  STAFF_PAYLOAD,
  type StaffLink,
  type StaffScope,
} from '../../../core/services/identity.ts';
import type { BotContext } from '../../context.ts';
import { esc } from '../../format/html.ts';
import type { Translate, UiLanguage } from '../../i18n.ts';

export type StaffLinkDeps = {
  identity: Pick<IdentityService, 'acceptStaffInvite' | 'staffRoles'>;
};

/** Loads the user's active staff links for this update (`ctx.staff`; [] for everyone else). */
export function staffMiddleware(deps: Pick<StaffLinkDeps, 'identity'>): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    ctx.staff = ctx.from && !ctx.from.is_bot ? await deps.identity.staffRoles(ctx.from.id) : [];
    await next();
  };
}

/** A scope in words: the school's name and code, the territory's name, or the whole country. */
export function scopeText(t: Translate, lang: UiLanguage, scope: StaffScope): string {
  switch (scope.kind) {
    case 'school':
      return t('staff:scope.school', { name: esc(scope.name[lang]), code: esc(scope.code) });
    case 'territory':
      return t('staff:scope.territory', { name: esc(scope.name[lang]) });
    case 'nation':
      return t('staff:scope.nation');
  }
}

export function roleText(t: Translate, link: Pick<StaffLink, 'role'>): string {
  return t(`staff:roles.${link.role}`);
}

export function staffLinkFeature(deps: StaffLinkDeps) {
  const c = new Composer<BotContext>();

  c.command('start', async (ctx, next) => {
    const payload = ctx.match.trim();
    if (!payload.startsWith('staff_')) return next();
    if (ctx.chat.type !== 'private') {
      await ctx.reply(ctx.t('staff:invite.private_only'));
      return;
    }
    const from = ctx.from;
    if (!from) return;
    if (!STAFF_PAYLOAD.test(payload)) {
      await ctx.reply(ctx.t('staff:invite.unknown'));
      return;
    }
    const displayName = [from.first_name, from.last_name].filter(Boolean).join(' ') || null;
    const result = await deps.identity.acceptStaffInvite(payload, from.id, displayName);
    if (!result.ok) {
      ctx.log.info({ event: 'staff_invite', result: result.reason }, 'staff invite refused');
      await ctx.reply(ctx.t(`staff:invite.${result.reason}`));
      return;
    }
    ctx.staff = await deps.identity.staffRoles(from.id);
    const scope = scopeText(ctx.t, ctx.lang, result.staff.scope);
    ctx.log.info({
      event: 'staff_invite',
      result: result.already ? 'already' : 'accepted',
      role: result.staff.role,
    });
    const text = result.already
      ? ctx.t('staff:already', { role: roleText(ctx.t, result.staff), scope })
      : from.first_name
        ? ctx.t('staff:welcome', { name: esc(from.first_name), role: roleText(ctx.t, result.staff), scope })
        : ctx.t('staff:welcome_anonymous', { role: roleText(ctx.t, result.staff), scope });
    await ctx.reply(text, { parse_mode: 'HTML' });
  });

  return c;
}
