// The Telegram user as a contact: chosen language and reachability. Identity links come later (K-ID).
import type { Db } from '../db/client.ts';

export type UiLanguage = 'ky' | 'ru' | 'en';

export function chatUserRepository(db: Db) {
  return {
    async language(telegramId: number): Promise<UiLanguage | null> {
      const u = await db.chatUser.findUnique({
        where: { telegramId: BigInt(telegramId) },
        select: { language: true },
      });
      return (u?.language as UiLanguage | undefined) ?? null;
    },
    async setLanguage(telegramId: number, language: UiLanguage): Promise<void> {
      await db.chatUser.upsert({
        where: { telegramId: BigInt(telegramId) },
        create: { telegramId: BigInt(telegramId), language },
        update: { language },
      });
    },
    /** Where else to reach a person: the phone of their latest application (e-mail is not collected). */
    async contactOf(telegramId: number): Promise<{ phone: string | null; email: string | null }> {
      const a = await db.application.findFirst({
        where: { telegramId: BigInt(telegramId), phone: { not: null } },
        orderBy: { id: 'desc' },
        select: { phone: true },
      });
      return { phone: a?.phone ?? null, email: null };
    },
    async setReachable(telegramId: number, reachable: boolean): Promise<void> {
      const unreachableAt = reachable ? null : new Date();
      await db.chatUser.upsert({
        where: { telegramId: BigInt(telegramId) },
        create: { telegramId: BigInt(telegramId), unreachableAt },
        update: { unreachableAt },
      });
    },
  };
}
export type ChatUserRepository = ReturnType<typeof chatUserRepository>;
