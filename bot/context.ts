import type { Context, SessionFlavor } from 'grammy';
import type { Logger } from '../core/logger.ts';
import type { StaffLink } from '../core/services/identity.ts';
import type { Translate, UiLanguage } from './i18n.ts';

/** What the bot keeps per chat between updates. Nothing here that losing would lose an application. */
export type SessionData = {
  /** what free text the chat is answering now */
  awaiting?: 'school_search';
  /** the last school search typed, for paging its results */
  search?: string;
};

export type BotContext = Context &
  SessionFlavor<SessionData> & {
    lang: UiLanguage;
    /** true once the user chose a language (or it was remembered) */
    langChosen: boolean;
    t: Translate;
    log: Logger;
    /** the user's active staff links, read on every update (bot/features/staff/link.ts); [] for parents */
    staff?: StaffLink[];
  };
