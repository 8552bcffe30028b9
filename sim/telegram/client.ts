// A person in a bot test: acts through the simulator (texts, deep links, buttons, contact) and waits
// for what the bot says. Each action moves the "read" cursor to now, so `waitForBotMessage` after an
// action returns a bot message (new or edited) that came after it — never a stale one.
import type { InlineKeyboardButton, Message } from 'grammy/types';
import type { Persona } from './personas.ts';
import type { ChatMessage, SimEvent, TelegramSimulator } from './simulator.ts';

export type BotMessage = Message & { text?: string; caption?: string };

export type ButtonMatcher =
  | string
  | RegExp
  | ((button: InlineKeyboardButton, message: BotMessage) => boolean);

export type CallbackAnswer = { text?: string; showAlert: boolean; url?: string };

/** The visible text of a bot message (text or caption). */
export function messageText(m: Message): string {
  const x = m as BotMessage;
  return x.text ?? x.caption ?? '';
}

export class SimUser {
  readonly persona: Persona;
  readonly chatId: number;
  private cursor = 0;

  constructor(
    readonly sim: TelegramSimulator,
    persona: Persona | number,
  ) {
    this.persona = typeof persona === 'number' ? sim.persona(persona) : persona;
    this.chatId = this.persona.id;
  }

  get id(): number {
    return this.persona.id;
  }

  private acted() {
    this.cursor = this.sim.currentRev();
  }

  /** Types a text message. */
  send(text: string): Message {
    this.acted();
    return this.sim.sendText(this.id, text);
  }

  /** `/start`, or the deep link `t.me/<bot>?start=<payload>` (arrives as `/start <payload>`). */
  start(payload?: string): Message {
    this.acted();
    return this.sim.sendStart(this.id, payload);
  }

  /** Shares the persona's own phone, as Telegram's contact button does. */
  shareContact(): Message {
    this.acted();
    return this.sim.sendContact(this.id);
  }

  /** Presses a button of the reply keyboard currently shown (a contact button shares the contact). */
  pressKeyboard(text: string): Message {
    this.acted();
    return this.sim.pressReplyButton(this.id, text);
  }

  /**
   * Presses an inline button found by its visible text (exact string, RegExp, or predicate) on the
   * latest bot message that has it, or on `fromMessage`. Returns the callback query id (for a callback
   * button) or the URL (for a URL button, which Telegram opens without telling the bot).
   */
  press(
    button: ButtonMatcher,
    fromMessage?: Message | number,
  ): { callbackQueryId?: string; url?: string; message: BotMessage } {
    const match = (b: InlineKeyboardButton, m: BotMessage) =>
      typeof button === 'string'
        ? b.text === button
        : button instanceof RegExp
          ? button.test(b.text)
          : button(b, m);
    const candidates =
      fromMessage !== undefined
        ? [
            this.sim.message(
              this.chatId,
              typeof fromMessage === 'number' ? fromMessage : fromMessage.message_id,
            ),
          ].filter((x): x is ChatMessage => x !== undefined)
        : this.sim
            .chatMessages(this.chatId)
            .filter((m) => m.fromBot)
            .reverse();
    if (fromMessage !== undefined && candidates.length === 0) {
      throw new Error(
        `${this.name()}: no message ${String(typeof fromMessage === 'number' ? fromMessage : fromMessage.message_id)} in the chat`,
      );
    }
    for (const c of candidates) {
      const m = c.message as BotMessage;
      const buttons = (m as Message.CommonMessage).reply_markup?.inline_keyboard.flat() ?? [];
      const b = buttons.find((x) => match(x, m));
      if (!b) continue;
      this.acted();
      if ('callback_data' in b && b.callback_data !== undefined) {
        return { callbackQueryId: this.sim.pressButton(this.id, m.message_id, b.callback_data), message: m };
      }
      if ('url' in b && b.url !== undefined) return { url: b.url, message: m };
      throw new Error(`${this.name()}: button "${b.text}" is neither a callback nor a URL button`);
    }
    const label =
      typeof button === 'string'
        ? `"${button}"`
        : button instanceof RegExp
          ? String(button)
          : 'matching the predicate';
    throw new Error(
      `${this.name()}: no inline button ${label}${fromMessage !== undefined ? ' on that message' : ''}. Buttons present: ${this.describeButtons(candidates)}`,
    );
  }

  /** Waits for the bot to answer a callback query; returns what the person sees (toast or alert). */
  waitForCallbackAnswer(callbackQueryId: string, timeoutMs = 5000): Promise<CallbackAnswer> {
    return this.waitForEvent<CallbackAnswer>(
      (e) => {
        if (e.type !== 'callbackAnswer' || e.callbackQueryId !== callbackQueryId) return undefined;
        const a: CallbackAnswer = { showAlert: e.showAlert };
        if (e.text !== undefined) a.text = e.text;
        if (e.url !== undefined) a.url = e.url;
        return a;
      },
      timeoutMs,
      `the answer to callback query ${callbackQueryId}`,
      () => this.sim.callbackAnswer(callbackQueryId),
    );
  }

  /**
   * Waits for a bot message (new or edited) after the last action that satisfies `predicate`
   * (a text to find in it, a RegExp, or a function). Returns the message and marks it read.
   */
  waitForBotMessage(
    predicate?: string | RegExp | ((m: BotMessage) => boolean),
    timeoutMs = 5000,
  ): Promise<BotMessage> {
    const test = (m: BotMessage) =>
      predicate === undefined
        ? true
        : typeof predicate === 'string'
          ? messageText(m).includes(predicate)
          : predicate instanceof RegExp
            ? predicate.test(messageText(m))
            : predicate(m);
    const check = (): BotMessage | undefined => {
      const fresh = this.sim
        .chatMessages(this.chatId)
        .filter((m) => m.fromBot && m.rev > this.cursor)
        .sort((a, b) => a.rev - b.rev);
      for (const m of fresh) {
        if (test(m.message as BotMessage)) {
          this.cursor = m.rev;
          return m.message as BotMessage;
        }
      }
      return undefined;
    };
    return this.waitForEvent<BotMessage>(
      (e) =>
        (e.type === 'message' || e.type === 'edited') && e.chatId === this.chatId && e.fromBot
          ? check()
          : undefined,
      timeoutMs,
      `a bot message${predicate === undefined ? '' : ` matching ${String(predicate)}`}`,
      check,
    );
  }

  /** The update_id that carried one of this person's messages (e.g. to `sim.redeliver` it). */
  updateIdOf(message: Message): number {
    const u = this.sim.updateOf(this.chatId, message.message_id);
    if (!u) throw new Error(`${this.name()}: message ${message.message_id} reached the bot in no update`);
    return u.update_id;
  }

  /** The latest message of the bot in this chat. */
  lastBotMessage(): BotMessage | undefined {
    return this.botMessages().at(-1);
  }

  /** All current bot messages in this chat, oldest first. */
  botMessages(): BotMessage[] {
    return this.sim
      .chatMessages(this.chatId)
      .filter((m) => m.fromBot)
      .map((m) => m.message as BotMessage);
  }

  /** Every current message in this chat (the person's and the bot's). */
  messages(): ChatMessage[] {
    return this.sim.chatMessages(this.chatId);
  }

  /** The texts of the inline buttons of a message (the latest bot message by default). */
  buttons(message?: Message): string[] {
    const m = message ?? this.lastBotMessage();
    return ((m as Message.CommonMessage | undefined)?.reply_markup?.inline_keyboard.flat() ?? []).map(
      (b) => b.text,
    );
  }

  /** The reply keyboard currently shown, as button texts. */
  keyboard(): string[][] {
    return this.sim.replyKeyboard(this.chatId)?.keyboard.map((r) => r.map((b) => b.text)) ?? [];
  }

  block(): void {
    this.sim.block(this.id);
  }

  unblock(): void {
    this.sim.unblock(this.id);
  }

  private name() {
    return `${this.persona.firstName} (${this.id})`;
  }

  private describeButtons(candidates: ChatMessage[]): string {
    const parts: string[] = [];
    for (const c of candidates.slice(0, 5)) {
      const bs = (c.message as Message.CommonMessage).reply_markup?.inline_keyboard.flat() ?? [];
      if (bs.length > 0)
        parts.push(`message ${c.message.message_id}: ${bs.map((b) => `[${b.text}]`).join(' ')}`);
    }
    return parts.length > 0 ? parts.join('; ') : '(no inline buttons on the bot messages)';
  }

  private waitForEvent<T>(
    onEvent: (e: SimEvent) => T | undefined,
    timeoutMs: number,
    what: string,
    immediate: () => T | undefined,
  ): Promise<T> {
    const now = immediate();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise<T>((resolve, reject) => {
      const unsubscribe = this.sim.subscribe((e) => {
        const r = onEvent(e);
        if (r !== undefined) {
          clearTimeout(timer);
          unsubscribe();
          resolve(r);
        }
      });
      const timer = setTimeout(() => {
        unsubscribe();
        const last = this.lastBotMessage();
        reject(
          new Error(
            `${this.name()}: timed out after ${timeoutMs} ms waiting for ${what}. Last bot message: ${
              last ? JSON.stringify(messageText(last).slice(0, 300)) : '(none)'
            }; buttons: ${
              this.buttons()
                .map((b) => `[${b}]`)
                .join(' ') || '(none)'
            }`,
          ),
        );
      }, timeoutMs);
    });
  }
}
