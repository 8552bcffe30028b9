import type { Context, SessionFlavor } from 'grammy';
import type { Logger } from '../core/logger.ts';
import type { StaffLink } from '../core/services/identity.ts';
import type { OversightSession } from './features/oversight/common.ts';
import type { AdmissionsSession } from './features/staff/admissions/session.ts';
import type { SchoolOpsSession } from './features/staff/quotas/shared.ts';
import type { Translate, UiLanguage } from './i18n.ts';

/** What the bot keeps per chat between updates. Nothing here that losing would lose an application. */
export type SessionData = {
  /** what free text the chat is answering now */
  awaiting?: 'school_search';
  /** the last school search typed, for paging its results */
  search?: string;
  /**
   * The registration wizard and /status (bot/features/parent): which question this chat is at. The
   * answers themselves live in the PostgreSQL draft; losing this only means asking again.
   */
  wizard?: {
    step:
      | 'child'
      | 'pin'
      | 'cert'
      | 'pending'
      | 'confirm'
      | 'school'
      | 'search'
      | 'language'
      | 'address'
      | 'priority'
      | 'phone'
      | 'consent'
      | 'review';
    /** the application: the draft, or the one whose school is being changed */
    app?: string;
    /** `a`: choosing the draft's school; `s`: choosing the new school of a change of school */
    mode?: 'a' | 's';
    /** the child's PIN typed at the previous question, until the certificate is typed */
    pin?: string;
    /** the school search typed, for paging its results */
    search?: string;
    /** the school whose language is being chosen */
    code?: string;
  };
  /** school staff: an admissions step waiting for typed text (bot/features/staff/admissions) */
  sa?: AdmissionsSession;
  /** school staff: quota drafts and TOTP steps (bot/features/staff/quotas) */
  schoolops?: SchoolOpsSession;
  /** the staff roles this chat's command list was made for (bot/features/staff/commands.ts) */
  staffCommands?: string;
  /** district, ministry and appeals: a step waiting for typed text (bot/features/oversight) */
  ov?: OversightSession;
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
