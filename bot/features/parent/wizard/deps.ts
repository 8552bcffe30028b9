// What the parent's registration features need, typed explicitly so that the composition root (and the
// tests) can pass the core services, or small stand-ins while sign-in and "My data" are being built.
import type { Deadline } from '../../../../core/registry/deadline.ts';
import type { ApplicationService } from '../../../../core/services/applications/service.ts';
import type { CatchmentLookup } from '../../../../core/services/catchment-lookup.ts';
import type { PublicInfoService } from '../../../../core/services/public-info.ts';

/** A child the registry links to the parent (core/services/my-data.ts `ChildView` fits). */
export type ChildChoice = {
  pin: string;
  surname?: string;
  name: string;
  patronymic?: string;
  /** YYYY-MM-DD */
  birthDate: string;
  /** the birth certificate, when the registry has the birth record (else the parent types it) */
  certificate?: { series: string; number: string } | null;
};

export type ParentDeps = {
  applications: Pick<
    ApplicationService,
    | 'createDraft'
    | 'get'
    | 'mine'
    | 'chooseSchool'
    | 'setActualAddress'
    | 'claimPriority'
    | 'setContact'
    | 'submit'
    | 'withdraw'
    | 'requestSwap'
    | 'cancelSwap'
    | 'position'
    | 'history'
  >;
  publicInfo: Pick<
    PublicInfoService,
    'findSchools' | 'school' | 'regions' | 'districts' | 'territory' | 'calendar'
  >;
  catchment: CatchmentLookup;
  /** the PIN the state sign-in linked to this Telegram user (core/services/identity.ts `linkedPin`) */
  linkedPin(telegramId: number): Promise<string | null>;
  /**
   * The children the registry links to the parent; null when the registry offers no such list: the
   * parent then types the child's PIN. Rejects with RegistryNotAnsweringError (or a core
   * RegistryError) when the registry does not answer, by `deadline` when one is given.
   */
  childrenOf(pin: string, telegramId: number, opts?: { deadline?: Deadline }): Promise<ChildChoice[] | null>;
  /** a one-time sign-in link (core/services/identity.ts `startSignIn`); without it the bot points to /mydata */
  startSignIn?(telegramId: number, chatId: number): Promise<{ url: string }>;
};

/** The registry did not answer a look-up the parent is waiting for (down, slow, circuit open). */
export class RegistryNotAnsweringError extends Error {
  /** when the circuit is open: how long until Kattoo asks the registry again */
  readonly retryAfterMs: number | undefined;
  constructor(retryAfterMs?: number) {
    super('the registry is not answering');
    this.name = 'RegistryNotAnsweringError';
    this.retryAfterMs = retryAfterMs;
  }
}
