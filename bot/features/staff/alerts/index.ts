// The school's staff group for admission alerts (K-SCHOOL-1): a director sends /connectgroup in the
// group (the bot checks the sender's staff links, not the group); /alerts in a private chat shows
// where the alerts go. A group that becomes a supergroup changes its chat id (migrate_to_chat_id):
// the connection follows it. A bot removed from the group falls back to private chats.
import { Composer, InlineKeyboard } from 'grammy';
import type { AlertService } from '../../../../core/services/school/alerts.ts';
import type { BotContext } from '../../../context.ts';
import { esc } from '../../../format/html.ts';
import { answered, refuse } from '../quotas/shared.ts';
import { decodeAlert, encodeAlert } from './callback.ts';

export type AlertsFeatureDeps = {
  alerts: Pick<
    AlertService,
    'connectGroup' | 'disconnectGroup' | 'migrateGroup' | 'groupGone' | 'status' | 'destination'
  >;
};

export function alertsFeature(deps: AlertsFeatureDeps) {
  const { alerts } = deps;
  const c = new Composer<BotContext>();
  const groups = c.chatType(['group', 'supergroup']);
  const pm = c.chatType('private');

  // The chat id changes when a group becomes a supergroup: both service messages carry it.
  c.on('message:migrate_to_chat_id', async (ctx) => {
    await alerts.migrateGroup(ctx.chat.id, ctx.message.migrate_to_chat_id);
  });
  c.on('message:migrate_from_chat_id', async (ctx) => {
    await alerts.migrateGroup(ctx.message.migrate_from_chat_id, ctx.chat.id);
  });
  groups.on('my_chat_member', async (ctx, next) => {
    const s = ctx.myChatMember.new_chat_member.status;
    if (s === 'left' || s === 'kicked') await alerts.groupGone(ctx.chat.id);
    return next();
  });

  groups.command('connectgroup', async (ctx) => {
    if (!ctx.from) return;
    try {
      const r = await alerts.connectGroup(ctx.from.id, ctx.chat.id, ctx.match.trim() || undefined);
      await ctx.reply(
        ctx.t(r.replaced ? 'schoolops:alerts.connected_again' : 'schoolops:alerts.connected', {
          school: esc(r.name[ctx.lang]),
        }),
        { parse_mode: 'HTML' },
      );
    } catch (e) {
      if ((e as { code?: string }).code === 'choose_school') {
        await ctx.reply(ctx.t('schoolops:alerts.choose_school'), { parse_mode: 'HTML' });
        return;
      }
      await refuse(ctx, e);
    }
  });

  groups.command('disconnectgroup', async (ctx) => {
    if (!ctx.from) return;
    for (const l of ctx.staff ?? []) {
      if (l.role !== 'director' || l.scope.kind !== 'school') continue;
      const d = await alerts.destination(l.scope.id);
      if (d.kind === 'group' && d.chatId === ctx.chat.id) {
        try {
          await alerts.disconnectGroup(ctx.from.id, l.scope.id);
          await ctx.reply(ctx.t('schoolops:alerts.disconnected', { school: esc(l.scope.name[ctx.lang]) }), {
            parse_mode: 'HTML',
          });
        } catch (e) {
          await refuse(ctx, e);
        }
        return;
      }
    }
    await ctx.reply(ctx.t('schoolops:alerts.not_connected'));
  });

  pm.command('connectgroup', (ctx) => ctx.reply(ctx.t('schoolops:alerts.group_only')));

  pm.command('alerts', async (ctx) => {
    const schools = (ctx.staff ?? []).filter(
      (l) => l.scope.kind === 'school' && (l.role === 'director' || l.role === 'admissions'),
    );
    if (schools.length === 0) {
      await ctx.reply(ctx.t('schoolops:common.no_role'));
      return;
    }
    for (const l of schools) {
      if (l.scope.kind !== 'school') continue;
      await statusMessage(ctx, l.scope.id, l.scope.name[ctx.lang], l.role === 'director', true);
    }
  });

  async function statusMessage(
    ctx: BotContext,
    school: number,
    name: string,
    director: boolean,
    fresh: boolean,
  ) {
    try {
      const s = await alerts.status(ctx.from?.id as number, school);
      const text = s.group
        ? ctx.t('schoolops:alerts.status_group', { school: esc(name) })
        : ctx.t('schoolops:alerts.status_private', { school: esc(name), count: s.staff });
      const kb = new InlineKeyboard();
      if (s.group && director)
        kb.text(ctx.t('schoolops:alerts.disconnect_button'), encodeAlert({ a: 'disconnect', school }));
      if (fresh || !ctx.callbackQuery) await ctx.reply(text, { parse_mode: 'HTML', reply_markup: kb });
      else await ctx.editMessageText(text, { parse_mode: 'HTML', reply_markup: kb }).catch(() => {});
    } catch (e) {
      await refuse(ctx, e);
    }
  }

  pm.on('callback_query:data', async (ctx, next) => {
    const action = decodeAlert(ctx.callbackQuery.data);
    if (!action) {
      if (ctx.callbackQuery.data.startsWith('al|')) {
        await ctx.answerCallbackQuery({ text: ctx.t('errors.stale_button') }).catch(() => {});
        return;
      }
      return next();
    }
    const link = (ctx.staff ?? []).find((l) => l.scope.kind === 'school' && l.scope.id === action.school);
    const name = link?.scope.kind === 'school' ? link.scope.name[ctx.lang] : '';
    try {
      if (action.a === 'disconnect') await alerts.disconnectGroup(ctx.from.id, action.school);
      await answered(ctx);
      await statusMessage(ctx, action.school, name, link?.role === 'director', false);
    } catch (e) {
      await refuse(ctx, e);
    }
  });

  return c;
}
