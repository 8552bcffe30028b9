// The Telegram Bot API simulator (K-TG-7): state and behaviour, no HTTP. It holds the bot, the people
// (personas) and their chats, messages with per-chat ids, the update queue with increasing update_id
// (served to getUpdates or pushed to a webhook), files, and every API call the bot made. It answers the
// Bot API methods a grammY bot uses with Telegram's result and error shapes, so a bot that works here
// meets the same validation in production (long texts, callback_data bytes, blocked users, 429s, …).
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type {
  BotCommand,
  BotCommandScope,
  CallbackQuery,
  Chat,
  ChatMemberUpdated,
  File,
  InlineKeyboardButton,
  InlineKeyboardMarkup,
  MenuButton,
  Message,
  MessageEntity,
  Update,
  User,
  UserFromGetMe,
  WebhookInfo,
} from 'grammy/types';
import { detectEntities, EntityParseError, parseTelegramHtml, trimFormatted } from './html.ts';
import { contactPhoneDigits, defaultPersonas, type Persona } from './personas.ts';

// ─── public types ────────────────────────────────────────────────────────────────────────────────

export type ApiSuccess = { ok: true; result: unknown; description?: string };
export type ApiFailure = {
  ok: false;
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
};
export type ApiResponse = ApiSuccess | ApiFailure;

/** What the HTTP layer does with a call: answer `status` with `body`, or drop the connection. */
export type ApiOutcome = { status: number; body: ApiResponse; drop?: false } | { drop: true };

/** A file part of a multipart upload. */
export type UploadedFile = { filename?: string; contentType?: string; data: Buffer };

export type FaultResponse =
  | { status: 429; retry_after: number }
  | { status: number; description?: string }
  | { delayMs: number }
  | { drop: true };

export type Fault = {
  /** Bot API method, case-insensitive; any method when omitted. */
  method?: string;
  /** Only calls whose chat_id is this chat. */
  chatId?: number;
  /** How many matching calls fail (default 1). */
  times?: number;
  response: FaultResponse;
};

export type FaultHandle = { readonly remaining: number; cancel(): void };

export type LimitConfig = {
  /** Messages per second over all chats (Telegram: about 30). */
  globalPerSecond: number;
  /** Sustained messages per second in one private chat (about 1) … */
  privatePerSecond: number;
  /** … with a short burst allowance. */
  privateBurst: number;
  /** Messages per minute in a group (20). */
  groupPerMinute: number;
};

export type SimulatorOptions = {
  /** The bot's token; the part before ':' is the bot's user id. */
  token?: string;
  botUsername?: string;
  botFirstName?: string;
  personas?: Persona[];
  /** Enforce Telegram's flood limits with 429 + retry_after (off by default). */
  enforceLimits?: boolean | Partial<LimitConfig>;
  /** How long a webhook may take to answer before the update counts as not delivered (10 s). */
  webhookTimeoutMs?: number;
  /** First retry delay after a failed webhook delivery; doubles up to `webhookMaxRetryDelayMs`. */
  webhookRetryDelayMs?: number;
  webhookMaxRetryDelayMs?: number;
  /** A callback query not answered within this time can no longer be answered (default: no limit). */
  callbackQueryTtlMs?: number;
  /** Privacy mode in groups: the bot only sees commands and replies to itself (Telegram's default: on). */
  privacyMode?: boolean;
  /**
   * Refuse URL buttons that point to localhost or a private address, as Telegram does ("Wrong HTTP
   * URL"). Off by default so the demo's sign-in links on http://localhost work.
   */
  strictUrls?: boolean;
  /** Most recent API calls kept in `calls` (default 10,000). */
  maxRecordedCalls?: number;
  /** The first update_id (default 100,000,001). */
  firstUpdateId?: number;
  /** Clock in milliseconds (message dates); defaults to Date.now. */
  now?: () => number;
};

export type RecordedCall = {
  seq: number;
  at: number;
  method: string;
  params: Record<string, unknown>;
  ok: boolean;
  result?: unknown;
  errorCode?: number;
  description?: string;
  /** set when the bot made the call in its answer to a webhook request, not as a request of its own */
  via?: 'webhook_reply';
};

export type ReplyKeyboardState = {
  keyboard: ReplyButton[][];
  oneTime: boolean;
  resize: boolean;
  placeholder?: string;
  persistent: boolean;
  hidden: boolean;
};

export type ReplyButton = { text: string; request_contact?: boolean };

export type StoredFile = {
  file_id: string;
  file_unique_id: string;
  kind: 'document' | 'photo';
  data: Buffer;
  fileName?: string;
  mimeType: string;
  filePath: string;
  width?: number;
  height?: number;
};

export type SimEvent =
  | { type: 'message'; chatId: number; message: Message; fromBot: boolean; rev: number }
  | { type: 'edited'; chatId: number; message: Message; fromBot: boolean; rev: number }
  | { type: 'deleted'; chatId: number; messageId: number }
  | { type: 'keyboard'; chatId: number; keyboard: ReplyKeyboardState | null }
  | {
      type: 'callbackAnswer';
      chatId: number;
      userId: number;
      callbackQueryId: string;
      text?: string;
      showAlert: boolean;
      url?: string;
    }
  | { type: 'blocked'; chatId: number; userId: number; blocked: boolean }
  | { type: 'chatAction'; chatId: number; action: string }
  | { type: 'update'; update: Update }
  | { type: 'delivered'; updateId: number; via: 'getUpdates' | 'webhook' }
  | { type: 'webhookError'; updateId: number; message: string }
  | { type: 'call'; call: RecordedCall };

export type ChatMessage = { message: Message; fromBot: boolean; rev: number };

export class BotApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: ApiFailure['parameters'],
  ) {
    super(`${errorCode}: ${description}`);
  }
  toResponse(): ApiFailure {
    const r: ApiFailure = { ok: false, error_code: this.errorCode, description: this.description };
    if (this.parameters) r.parameters = this.parameters;
    return r;
  }
}

const bad = (description: string) => new BotApiError(400, `Bad Request: ${description}`);

// ─── internal state ──────────────────────────────────────────────────────────────────────────────

type ChatState = {
  chat: Chat;
  messages: Map<number, ChatMessage>;
  nextMessageId: number;
  /** Private chat: the user wrote to the bot at least once (else the bot cannot initiate). */
  started: boolean;
  blocked: boolean;
  /** Group: the bot is a member. */
  botMember: boolean;
  members: Set<number>;
  keyboard: ReplyKeyboardState | null;
  bucket?: Bucket;
  chatInstance: string;
};

type Pending = {
  update: Update;
  chatKey: number;
  forced: boolean;
  inFlight: boolean;
  attempts: number;
  nextAttemptAt: number;
};

type PendingCallback = {
  id: string;
  chatId: number;
  userId: number;
  createdAt: number;
  answered: boolean;
  answer?: { text?: string; showAlert: boolean; url?: string };
};

type Poll = { resolve: (r: Update[] | BotApiError) => void; timer: NodeJS.Timeout };

type WebhookState = {
  url: string;
  secretToken?: string;
  maxConnections: number;
  allowedUpdates?: string[];
  lastErrorDate?: number;
  lastErrorMessage?: string;
  ipAddress?: string;
};

class Bucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly capacity: number,
    private readonly perMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }
  /** Takes one token; returns 0 or the milliseconds until one is available. */
  take(now: number): number {
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.perMs);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - this.tokens) / this.perMs);
  }
  refund() {
    this.tokens = Math.min(this.capacity, this.tokens + 1);
  }
}

/** The update types delivered when allowed_updates is not given (Telegram's default list). */
const DEFAULT_EXCLUDED_UPDATES = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

const MIME_BY_EXT: Record<string, string> = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xls: 'application/vnd.ms-excel',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  csv: 'text/csv',
  txt: 'text/plain',
  json: 'application/json',
  zip: 'application/zip',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  html: 'text/html',
};

const SEND_METHODS = new Set(['sendmessage', 'senddocument', 'sendphoto', 'copymessage', 'forwardmessage']);

/** Parameters as they arrive: typed (JSON body) or strings (query, form, multipart). */
class Params {
  constructor(
    readonly raw: Record<string, unknown>,
    readonly files: Map<string, UploadedFile>,
  ) {}
  has(k: string): boolean {
    return this.raw[k] !== undefined && this.raw[k] !== null;
  }
  str(k: string): string | undefined {
    const v = this.raw[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return JSON.stringify(v);
  }
  int(k: string): number | undefined {
    const v = this.raw[k];
    if (v === undefined || v === null || v === '') return undefined;
    const n = typeof v === 'number' ? v : Number(String(v));
    if (!Number.isFinite(n)) throw bad(`invalid ${k} specified`);
    return Math.trunc(n);
  }
  bool(k: string): boolean {
    const v = this.raw[k];
    return v === true || v === 'true' || v === '1' || v === 1;
  }
  json(k: string, what = `${k} JSON object`): unknown {
    const v = this.raw[k];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v);
    } catch {
      throw bad(`can't parse ${what}`);
    }
  }
}

function base64url(buf: Buffer): string {
  return buf.toString('base64url');
}

function imageSize(data: Buffer): { width: number; height: number; ok: boolean } {
  // PNG
  if (data.length >= 24 && data.readUInt32BE(0) === 0x89504e47) {
    return { width: data.readUInt32BE(16), height: data.readUInt32BE(20), ok: true };
  }
  // GIF
  if (data.length >= 10 && data.toString('ascii', 0, 3) === 'GIF') {
    return { width: data.readUInt16LE(6), height: data.readUInt16LE(8), ok: true };
  }
  // WebP
  if (
    data.length >= 16 &&
    data.toString('ascii', 0, 4) === 'RIFF' &&
    data.toString('ascii', 8, 12) === 'WEBP'
  ) {
    return { width: 0, height: 0, ok: true };
  }
  // JPEG: walk the segments to a start-of-frame marker
  if (data.length >= 4 && data[0] === 0xff && data[1] === 0xd8) {
    let i = 2;
    while (i + 9 < data.length) {
      if (data[i] !== 0xff) {
        i++;
        continue;
      }
      const marker = data[i + 1] as number;
      const len = data.readUInt16BE(i + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: data.readUInt16BE(i + 5), width: data.readUInt16BE(i + 7), ok: true };
      }
      i += 2 + len;
    }
    return { width: 0, height: 0, ok: true };
  }
  return { width: 0, height: 0, ok: false };
}

function isLocalHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    h === 'localhost' ||
    h.endsWith('.localhost') ||
    h === '::1' ||
    /^127\./.test(h) ||
    /^10\./.test(h) ||
    /^192\.168\./.test(h) ||
    /^172\.(1[6-9]|2\d|3[01])\./.test(h) ||
    h === '0.0.0.0'
  );
}

// ─── the simulator ───────────────────────────────────────────────────────────────────────────────

export class TelegramSimulator {
  readonly token: string;
  readonly bot: UserFromGetMe;
  /** Every Bot API call, oldest first (bounded by maxRecordedCalls). */
  readonly calls: RecordedCall[] = [];

  private readonly opts: Required<
    Pick<
      SimulatorOptions,
      | 'webhookTimeoutMs'
      | 'webhookRetryDelayMs'
      | 'webhookMaxRetryDelayMs'
      | 'maxRecordedCalls'
      | 'privacyMode'
    >
  > &
    SimulatorOptions;
  private readonly now: () => number;
  private readonly limits: LimitConfig | null;
  private readonly globalBucket: Bucket | null;
  private readonly personaMap = new Map<number, Persona>();
  private readonly chats = new Map<number, ChatState>();
  private readonly listeners = new Set<(e: SimEvent) => void>();
  private readonly files = new Map<string, StoredFile>();
  private readonly filesByPath = new Map<string, StoredFile>();
  private readonly callbacks = new Map<string, PendingCallback>();
  private readonly history = new Map<number, Pending>();
  private pending: Pending[] = [];
  private nextUpdateId: number;
  private rev = 0;
  private seq = 0;
  private fileSeq = 0;
  private callbackSeq = 0;
  private poll: Poll | null = null;
  private webhook: WebhookState | null = null;
  private allowedUpdates: Set<string> | null = null;
  private inFlight = 0;
  private pumpTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private faults: { fault: Fault; remaining: number }[] = [];
  private commands = new Map<string, BotCommand[]>();
  private menuButtons = new Map<number | 'default', MenuButton>();
  private texts = new Map<string, string>();

  constructor(options: SimulatorOptions = {}) {
    this.opts = {
      webhookTimeoutMs: 10_000,
      webhookRetryDelayMs: 500,
      webhookMaxRetryDelayMs: 15_000,
      maxRecordedCalls: 10_000,
      privacyMode: true,
      ...options,
    };
    this.now = options.now ?? Date.now;
    this.token = options.token ?? '7000000001:AAKattooSimulatorTokenForDevelopment01';
    const botId = Number(this.token.split(':')[0]);
    if (!Number.isSafeInteger(botId) || botId <= 0)
      throw new Error('The token must start with the bot id: "<id>:<secret>"');
    this.bot = {
      id: botId,
      is_bot: true,
      first_name: options.botFirstName ?? 'Kattoo',
      username: options.botUsername ?? 'kattoo_sim_bot',
      can_join_groups: true,
      can_read_all_group_messages: !this.opts.privacyMode,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    };
    this.nextUpdateId = options.firstUpdateId ?? 100_000_001;
    const el = options.enforceLimits;
    this.limits = el
      ? {
          globalPerSecond: 30,
          privatePerSecond: 1,
          privateBurst: 3,
          groupPerMinute: 20,
          ...(el === true ? {} : el),
        }
      : null;
    this.globalBucket = this.limits
      ? new Bucket(this.limits.globalPerSecond, this.limits.globalPerSecond / 1000, this.now())
      : null;
    for (const p of options.personas ?? defaultPersonas) this.addPersona(p);
  }

  // ─── events ──────────────────────────────────────────────────────────────────────────────────

  /** Subscribes to everything that happens; returns the unsubscribe function. */
  subscribe(listener: (e: SimEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: SimEvent) {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // a listener's failure is not the simulator's
      }
    }
  }

  // ─── personas and chats ──────────────────────────────────────────────────────────────────────

  addPersona(p: Persona): void {
    if (!Number.isSafeInteger(p.id) || p.id <= 0)
      throw new Error(`Persona id must be a positive integer: ${p.id}`);
    this.personaMap.set(p.id, p);
  }

  personas(): Persona[] {
    return [...this.personaMap.values()];
  }

  persona(userId: number): Persona {
    const p = this.personaMap.get(userId);
    if (!p) throw new Error(`No persona with id ${userId}`);
    return p;
  }

  userOf(p: Persona): User {
    const u: User = { id: p.id, is_bot: false, first_name: p.firstName };
    if (p.lastName) u.last_name = p.lastName;
    if (p.username) u.username = p.username;
    if (p.languageCode) u.language_code = p.languageCode;
    return u;
  }

  private privateChat(userId: number): ChatState {
    let c = this.chats.get(userId);
    if (!c) {
      const p = this.persona(userId);
      const chat: Chat.PrivateChat = { id: p.id, type: 'private', first_name: p.firstName };
      if (p.lastName) chat.last_name = p.lastName;
      if (p.username) chat.username = p.username;
      c = this.newChatState(chat);
      this.chats.set(userId, c);
    }
    return c;
  }

  private newChatState(chat: Chat): ChatState {
    return {
      chat,
      messages: new Map(),
      nextMessageId: 1,
      started: false,
      blocked: false,
      botMember: chat.type === 'private',
      members: new Set(),
      keyboard: null,
      chatInstance: String(
        BigInt.asIntN(
          64,
          BigInt(`0x${createHash('sha256').update(`ci:${chat.id}`).digest('hex').slice(0, 16)}`),
        ),
      ),
    };
  }

  /**
   * Creates a group (or supergroup) with these personas in it; the first member adds the bot, which
   * receives `my_chat_member`. Returns the chat id (negative, as Telegram's).
   */
  createGroup(opts: { title: string; memberIds: number[]; supergroup?: boolean; username?: string }): number {
    const base = 4_000_000_000 + this.chats.size + 1;
    const id = opts.supergroup ? -(1_000_000_000_000 + base) : -base;
    const chat = (
      opts.supergroup
        ? { id, type: 'supergroup', title: opts.title, ...(opts.username ? { username: opts.username } : {}) }
        : { id, type: 'group', title: opts.title }
    ) as Chat;
    const state = this.newChatState(chat);
    for (const m of opts.memberIds) {
      this.persona(m);
      state.members.add(m);
    }
    state.botMember = true;
    this.chats.set(id, state);
    const adder = opts.memberIds[0];
    if (adder !== undefined) {
      const cmu: ChatMemberUpdated = {
        chat,
        from: this.userOf(this.persona(adder)),
        date: this.date(),
        old_chat_member: { user: this.botUser(), status: 'left' },
        new_chat_member: { user: this.botUser(), status: 'member' },
      };
      this.enqueue({ my_chat_member: cmu }, id);
    }
    return id;
  }

  /** Whether the persona has blocked the bot. */
  isBlocked(userId: number): boolean {
    return this.chats.get(userId)?.blocked ?? false;
  }

  /** The persona blocks the bot: sends fail with 403, the bot gets `my_chat_member` (kicked). */
  block(userId: number): void {
    this.setBlocked(userId, true);
  }

  /** The persona unblocks the bot: the bot gets `my_chat_member` (member). */
  unblock(userId: number): void {
    this.setBlocked(userId, false);
  }

  private setBlocked(userId: number, blocked: boolean) {
    const c = this.privateChat(userId);
    if (c.blocked === blocked) return;
    c.blocked = blocked;
    const bot = this.botUser();
    const cmu: ChatMemberUpdated = {
      chat: c.chat,
      from: this.userOf(this.persona(userId)),
      date: this.date(),
      old_chat_member: blocked
        ? { user: bot, status: 'member' }
        : { user: bot, status: 'kicked', until_date: 0 },
      new_chat_member: blocked
        ? { user: bot, status: 'kicked', until_date: 0 }
        : { user: bot, status: 'member' },
    };
    this.emit({ type: 'blocked', chatId: userId, userId, blocked });
    this.enqueue({ my_chat_member: cmu }, userId);
  }

  /** The current messages of a chat (deleted ones gone), oldest first. */
  chatMessages(chatId: number): ChatMessage[] {
    return [...(this.chats.get(chatId)?.messages.values() ?? [])];
  }

  message(chatId: number, messageId: number): ChatMessage | undefined {
    return this.chats.get(chatId)?.messages.get(messageId);
  }

  /** The reply keyboard the chat currently shows (null when none). */
  replyKeyboard(chatId: number): ReplyKeyboardState | null {
    return this.chats.get(chatId)?.keyboard ?? null;
  }

  /** The most recent revision number (every new or edited message gets the next one). */
  currentRev(): number {
    return this.rev;
  }

  file(fileId: string): StoredFile | undefined {
    return this.files.get(fileId);
  }

  fileByPath(filePath: string): StoredFile | undefined {
    return this.filesByPath.get(filePath);
  }

  // ─── user actions (they produce updates) ─────────────────────────────────────────────────────

  private userChat(userId: number, chatId?: number): ChatState {
    if (chatId === undefined || chatId === userId) {
      const c = this.privateChat(userId);
      if (c.blocked) throw new Error(`${this.persona(userId).firstName} has blocked the bot; unblock first`);
      c.started = true;
      return c;
    }
    const g = this.chats.get(chatId);
    if (!g) throw new Error(`No chat ${chatId}`);
    if (!g.members.has(userId)) throw new Error(`User ${userId} is not a member of chat ${chatId}`);
    return g;
  }

  private addUserMessage(c: ChatState, userId: number, content: Partial<Message>): Message {
    const msg = {
      message_id: c.nextMessageId++,
      from: this.userOf(this.persona(userId)),
      chat: c.chat,
      date: this.date(),
      ...content,
    } as Message;
    const rev = ++this.rev;
    c.messages.set(msg.message_id, { message: msg, fromBot: false, rev });
    this.emit({ type: 'message', chatId: c.chat.id, message: msg, fromBot: false, rev });
    if (c.keyboard?.oneTime && !c.keyboard.hidden) {
      c.keyboard = { ...c.keyboard, hidden: true };
      this.emit({ type: 'keyboard', chatId: c.chat.id, keyboard: c.keyboard });
    }
    // privacy mode: in groups the bot sees only commands and replies to its own messages
    const isGroup = c.chat.type !== 'private';
    const addressed =
      !isGroup ||
      !this.opts.privacyMode ||
      (msg.entities?.some((e) => e.type === 'bot_command' && e.offset === 0) ?? false) ||
      msg.reply_to_message?.from?.id === this.bot.id;
    if (addressed && c.botMember) this.enqueue({ message: msg as Update['message'] & object }, c.chat.id);
    return msg;
  }

  /** The persona types a text message (a leading /command gets its `bot_command` entity). */
  sendText(userId: number, text: string, opts: { chatId?: number; replyTo?: number } = {}): Message {
    if (!text.trim()) throw new Error('Telegram clients do not send empty messages');
    if (text.length > 4096) throw new Error('Telegram clients split texts over 4096 characters');
    const c = this.userChat(userId, opts.chatId);
    const entities = detectEntities(text, []);
    const content: Partial<Message> = { text };
    if (entities.length > 0) content.entities = entities;
    if (opts.replyTo !== undefined) {
      const r = c.messages.get(opts.replyTo);
      if (r)
        content.reply_to_message = {
          ...r.message,
          reply_to_message: undefined,
        } as Message.CommonMessage as never;
    }
    return this.addUserMessage(c, userId, content);
  }

  /** `/start` or a deep link `t.me/<bot>?start=<payload>` (payload ≤ 64 of A-Z a-z 0-9 _ -). */
  sendStart(userId: number, payload?: string): Message {
    if (payload !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(payload)) {
      throw new Error(
        `Invalid deep-link payload "${payload}": Telegram allows 1–64 characters of A-Z a-z 0-9 _ - (it would start the bot without it)`,
      );
    }
    return this.sendText(userId, payload ? `/start ${payload}` : '/start');
  }

  /** The persona shares their own phone (Telegram's contact button): `contact.user_id` is theirs. */
  sendContact(userId: number, opts: { chatId?: number } = {}): Message {
    const p = this.persona(userId);
    const c = this.userChat(userId, opts.chatId);
    const contact: Message['contact'] & object = {
      phone_number: contactPhoneDigits(p.phone),
      first_name: p.firstName,
      user_id: p.id,
    };
    if (p.lastName) contact.last_name = p.lastName;
    return this.addUserMessage(c, userId, { contact });
  }

  /**
   * The persona sends any other kind of message (a sticker, a photo, a location …): `content` is
   * merged into the Message the bot receives, e.g. `{ sticker: { … } }`.
   */
  sendRaw(userId: number, content: Partial<Message>, opts: { chatId?: number } = {}): Message {
    const c = this.userChat(userId, opts.chatId);
    return this.addUserMessage(c, userId, content);
  }

  /**
   * Queues a hand-made update (forged callback data, a foreign chat …) through the normal delivery
   * path; update_id is assigned here. `chatKey` orders it with that chat's updates.
   */
  injectUpdate(update: Omit<Update, 'update_id'>, chatKey = 0): Update | undefined {
    return this.enqueue(update, chatKey);
  }

  /**
   * Presses a reply-keyboard button: sends its text, or the contact for a `request_contact` button.
   */
  pressReplyButton(userId: number, text: string, opts: { chatId?: number } = {}): Message {
    const chatId = opts.chatId ?? userId;
    const kb = this.chats.get(chatId)?.keyboard;
    const all = kb?.keyboard.flat() ?? [];
    const b = all.find((x) => x.text === text);
    if (!b) {
      throw new Error(
        `No reply-keyboard button "${text}" in chat ${chatId}; buttons: ${all.map((x) => `[${x.text}]`).join(' ') || '(no keyboard)'}`,
      );
    }
    if (b.request_contact) return this.sendContact(userId, opts);
    return this.sendText(userId, text, opts);
  }

  /**
   * Presses an inline button with this callback_data on a bot message; returns the callback query id.
   * Only a button that exists on that message can be pressed.
   */
  pressButton(userId: number, messageId: number, data: string, opts: { chatId?: number } = {}): string {
    const chatId = opts.chatId ?? userId;
    const c = this.userChat(userId, opts.chatId);
    const stored = c.messages.get(messageId);
    if (!stored) throw new Error(`No message ${messageId} in chat ${chatId}`);
    if (!stored.fromBot) throw new Error(`Message ${messageId} is not the bot's`);
    const markup = (stored.message as Message.CommonMessage).reply_markup;
    const buttons = markup?.inline_keyboard.flat() ?? [];
    const button = buttons.find((b) => 'callback_data' in b && b.callback_data === data);
    if (!button) {
      throw new Error(
        `No inline button with callback_data "${data}" on message ${messageId}; buttons: ${describeInline(buttons)}`,
      );
    }
    const id = `${BigInt(userId) * 1000n + BigInt(++this.callbackSeq % 1000)}${String(this.callbackSeq).padStart(6, '0')}`;
    this.callbacks.set(id, { id, chatId, userId, createdAt: this.now(), answered: false });
    const cq: CallbackQuery = {
      id,
      from: this.userOf(this.persona(userId)),
      message: stored.message as CallbackQuery['message'] & object,
      chat_instance: c.chatInstance,
      data,
    };
    this.enqueue({ callback_query: cq }, chatId);
    return id;
  }

  /** Whether answerCallbackQuery was called for this query. */
  isCallbackAnswered(callbackQueryId: string): boolean {
    return this.callbacks.get(callbackQueryId)?.answered ?? false;
  }

  /** What answerCallbackQuery said for this query (undefined while unanswered). */
  callbackAnswer(callbackQueryId: string): { text?: string; showAlert: boolean; url?: string } | undefined {
    return this.callbacks.get(callbackQueryId)?.answer;
  }

  /** Commands the persona sees in a chat (Telegram's scope resolution, language first). */
  commandsFor(chatId: number, languageCode?: string): BotCommand[] {
    const c = this.chats.get(chatId);
    const isPrivate = !c || c.chat.type === 'private';
    const scopes: BotCommandScope[] = [{ type: 'chat', chat_id: chatId }];
    scopes.push(isPrivate ? { type: 'all_private_chats' } : { type: 'all_group_chats' });
    scopes.push({ type: 'default' });
    for (const s of scopes) {
      for (const lang of languageCode ? [languageCode, ''] : ['']) {
        const cmds = this.commands.get(this.commandKey(s, lang));
        if (cmds && cmds.length > 0) return cmds;
      }
    }
    return [];
  }

  /** The bot's description for a language (what a new chat shows), falling back to the default. */
  description(kind: 'description' | 'short_description' | 'name', languageCode?: string): string {
    return this.texts.get(`${kind}:${languageCode ?? ''}`) ?? this.texts.get(`${kind}:`) ?? '';
  }

  menuButton(chatId?: number): MenuButton {
    return (
      (chatId !== undefined ? this.menuButtons.get(chatId) : undefined) ??
      this.menuButtons.get('default') ?? { type: 'commands' }
    );
  }

  // ─── faults and redelivery ───────────────────────────────────────────────────────────────────

  /** The next `times` matching calls get `response` instead of (or, for delayMs, before) the real one. */
  injectFault(fault: Fault): FaultHandle {
    const entry = { fault, remaining: fault.times ?? 1 };
    this.faults.push(entry);
    return {
      get remaining() {
        return entry.remaining;
      },
      cancel: () => {
        entry.remaining = 0;
      },
    };
  }

  /** Delivers an already delivered update again with the same update_id (idempotency tests). */
  redeliver(updateId: number): void {
    const h = this.history.get(updateId);
    if (!h) throw new Error(`Unknown update ${updateId}`);
    const p: Pending = {
      update: h.update,
      chatKey: h.chatKey,
      forced: true,
      inFlight: false,
      attempts: 0,
      nextAttemptAt: 0,
    };
    this.pending.push(p);
    this.wake();
  }

  /** Updates not yet confirmed (polling) or delivered (webhook). */
  pendingUpdates(): Update[] {
    return this.pending.map((p) => p.update);
  }

  /** Every update produced so far, by id. */
  update(updateId: number): Update | undefined {
    return this.history.get(updateId)?.update;
  }

  /** Every update produced so far (the most recent 100,000), oldest first. */
  updates(): Update[] {
    return [...this.history.values()].map((p) => p.update);
  }

  /** The update that carried this user message (to redeliver it, for instance). */
  updateOf(chatId: number, messageId: number): Update | undefined {
    const all = [...this.history.values()];
    for (let i = all.length - 1; i >= 0; i--) {
      const u = (all[i] as Pending).update;
      if (u.message?.chat.id === chatId && u.message.message_id === messageId) return u;
    }
    return undefined;
  }

  webhookInfo(): WebhookInfo {
    const info: WebhookInfo = {
      url: this.webhook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: this.pending.length,
    };
    const w = this.webhook;
    if (w) {
      info.max_connections = w.maxConnections;
      if (w.ipAddress) info.ip_address = w.ipAddress;
      if (w.lastErrorDate) info.last_error_date = w.lastErrorDate;
      if (w.lastErrorMessage) info.last_error_message = w.lastErrorMessage;
    }
    if (this.allowedUpdates)
      info.allowed_updates = [...this.allowedUpdates] as WebhookInfo['allowed_updates'];
    return info;
  }

  /** Stops long polls and webhook deliveries (the state stays readable). */
  close(): void {
    this.closed = true;
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    this.pumpTimer = null;
    this.agents?.http.destroy();
    this.agents?.https.destroy();
    this.agents = null;
    const poll = this.poll;
    this.poll = null;
    if (poll) {
      clearTimeout(poll.timer);
      poll.resolve([]);
    }
  }

  /** Releases a pending long poll with no updates (e.g. before an HTTP server closes). */
  releasePolls(): void {
    const poll = this.poll;
    this.poll = null;
    if (poll) {
      clearTimeout(poll.timer);
      poll.resolve([]);
    }
  }

  // ─── update queue ────────────────────────────────────────────────────────────────────────────

  private enqueue(partial: Omit<Update, 'update_id'>, chatKey: number): Update | undefined {
    const type = Object.keys(partial)[0] as string;
    const allowed = this.allowedUpdates ? this.allowedUpdates.has(type) : !DEFAULT_EXCLUDED_UPDATES.has(type);
    if (!allowed) return undefined;
    const update = { update_id: this.nextUpdateId++, ...partial } as Update;
    const p: Pending = { update, chatKey, forced: false, inFlight: false, attempts: 0, nextAttemptAt: 0 };
    this.pending.push(p);
    this.history.set(update.update_id, p);
    if (this.history.size > 100_000) {
      const first = this.history.keys().next().value;
      if (first !== undefined) this.history.delete(first);
    }
    this.emit({ type: 'update', update });
    this.wake();
    return update;
  }

  private wake() {
    if (this.closed) return;
    if (this.webhook) {
      this.pump();
      return;
    }
    const poll = this.poll;
    if (poll && this.pending.length > 0) {
      this.poll = null;
      clearTimeout(poll.timer);
      poll.resolve(this.takeForPoll(this.pollLimit));
    }
  }

  private pollOffset: number | undefined;
  private pollLimit = 100;

  private takeForPoll(limit: number): Update[] {
    const offset = this.pollOffset;
    const out: Update[] = [];
    for (const p of this.pending) {
      if (out.length >= limit) break;
      if (offset === undefined || p.update.update_id >= offset || p.forced) {
        out.push(p.update);
        if (p.forced) p.forced = false;
        this.emit({ type: 'delivered', updateId: p.update.update_id, via: 'getUpdates' });
      }
    }
    return out;
  }

  private async getUpdates(p: Params): Promise<Update[]> {
    if (this.webhook) {
      throw new BotApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    const offset = p.int('offset');
    const limit = Math.max(1, Math.min(100, p.int('limit') ?? 100));
    const timeout = Math.max(0, p.int('timeout') ?? 0);
    const allowed = p.json('allowed_updates') as string[] | undefined;
    if (Array.isArray(allowed)) this.allowedUpdates = allowed.length > 0 ? new Set(allowed) : null;
    if (offset !== undefined) {
      if (offset < 0) {
        const keep = -offset;
        this.pending = this.pending.slice(Math.max(0, this.pending.length - keep));
        this.pollOffset = undefined;
      } else {
        this.pending = this.pending.filter((x) => x.update.update_id >= offset || x.forced);
        this.pollOffset = offset;
      }
    } else {
      this.pollOffset = undefined;
    }
    if (this.poll) {
      const old = this.poll;
      this.poll = null;
      clearTimeout(old.timer);
      old.resolve(
        new BotApiError(
          409,
          'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
        ),
      );
    }
    const now = this.takeForPoll(limit);
    // after close() a poll still waits (releasePolls ends it), so a bot left polling does not spin
    if (now.length > 0 || timeout === 0) return now;
    this.pollLimit = limit;
    const r = await new Promise<Update[] | BotApiError>((resolve) => {
      const timer = setTimeout(() => {
        if (this.poll?.timer === timer) this.poll = null;
        resolve([]);
      }, timeout * 1000);
      this.poll = { resolve, timer };
    });
    if (r instanceof BotApiError) throw r;
    return r;
  }

  private pump() {
    const w = this.webhook;
    if (!w || this.closed) return;
    if (this.pumpTimer) {
      clearTimeout(this.pumpTimer);
      this.pumpTimer = null;
    }
    const now = Date.now();
    const seen = new Set<number>();
    let wakeAt = Number.POSITIVE_INFINITY;
    for (const p of this.pending) {
      if (this.inFlight >= w.maxConnections) break;
      if (seen.has(p.chatKey)) continue; // updates of one chat go in order, one at a time
      seen.add(p.chatKey);
      if (p.inFlight) continue;
      if (p.nextAttemptAt > now) {
        wakeAt = Math.min(wakeAt, p.nextAttemptAt);
        continue;
      }
      void this.deliver(p, w);
    }
    if (wakeAt < Number.POSITIVE_INFINITY) {
      this.pumpTimer = setTimeout(() => this.pump(), Math.max(1, wakeAt - now));
    }
  }

  private async deliver(p: Pending, w: WebhookState) {
    p.inFlight = true;
    this.inFlight++;
    let error: string | undefined;
    let replyBody: string | undefined;
    try {
      const res = await this.post(w, JSON.stringify(p.update));
      replyBody = res.body;
      if (res.status < 200 || res.status > 299) {
        error = `Wrong response from the webhook: ${res.status} ${res.statusText}`;
      }
    } catch (e) {
      const err = e as Error & { code?: string };
      error =
        err.code === 'TIMEOUT'
          ? 'Read timeout expired'
          : err.code === 'ECONNREFUSED'
            ? 'Connection refused'
            : `Failed to deliver: ${err.message}`;
    }
    p.inFlight = false;
    this.inFlight--;
    if (error === undefined) {
      this.pending = this.pending.filter((x) => x !== p);
      this.emit({ type: 'delivered', updateId: p.update.update_id, via: 'webhook' });
      if (replyBody) await this.webhookReply(replyBody);
    } else {
      p.attempts++;
      p.nextAttemptAt =
        Date.now() +
        Math.min(this.opts.webhookRetryDelayMs * 2 ** (p.attempts - 1), this.opts.webhookMaxRetryDelayMs);
      w.lastErrorDate = this.date();
      w.lastErrorMessage = error;
      this.emit({ type: 'webhookError', updateId: p.update.update_id, message: error });
    }
    if (this.webhook) this.pump();
  }

  // Webhook requests go through the simulator's own keep-alive agents: idle sockets close after a
  // second and close() destroys them, so the bot's server can always shut down promptly.
  private agents: { http: http.Agent; https: https.Agent } | null = null;

  private post(w: WebhookState, body: string): Promise<{ status: number; statusText: string; body: string }> {
    this.agents ??= {
      http: new http.Agent({ keepAlive: true, timeout: 1000, maxSockets: 100 }),
      https: new https.Agent({ keepAlive: true, timeout: 1000, maxSockets: 100 }),
    };
    const agents = this.agents;
    return new Promise((resolve, reject) => {
      const url = new URL(w.url);
      const secure = url.protocol === 'https:';
      const headers: Record<string, string | number> = {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      };
      if (w.secretToken) headers['x-telegram-bot-api-secret-token'] = w.secretToken;
      const req = (secure ? https : http).request(
        url,
        { method: 'POST', headers, agent: secure ? agents.https : agents.http },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              statusText: res.statusMessage ?? '',
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.setTimeout(this.opts.webhookTimeoutMs, () => {
        req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** A webhook may answer with a method call in its response body, as Telegram allows. */
  private async webhookReply(body: string) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return;
    }
    if (parsed && typeof parsed === 'object' && typeof (parsed as { method?: unknown }).method === 'string') {
      const { method, ...params } = parsed as { method: string } & Record<string, unknown>;
      await this.callApi(this.token, method, params, new Map(), 'webhook_reply');
    }
  }

  // ─── the Bot API ─────────────────────────────────────────────────────────────────────────────

  /** Calls a Bot API method as the bot (tests): returns the result or throws BotApiError. */
  async api<T = unknown>(
    method: string,
    params: Record<string, unknown> = {},
    files?: Map<string, UploadedFile>,
  ): Promise<T> {
    const out = await this.callApi(this.token, method, params, files);
    if (out.drop) throw new Error('connection dropped (fault)');
    if (!out.body.ok) throw new BotApiError(out.body.error_code, out.body.description, out.body.parameters);
    return out.body.result as T;
  }

  /** One Bot API request as it arrives over HTTP. */
  async callApi(
    token: string,
    methodName: string,
    raw: Record<string, unknown>,
    files: Map<string, UploadedFile> = new Map(),
    via?: RecordedCall['via'],
  ): Promise<ApiOutcome> {
    if (token !== this.token) {
      return { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } };
    }
    const method = methodName.toLowerCase();
    const handler = this.methods[method];
    const params = new Params(raw, files);
    const record: RecordedCall = {
      seq: ++this.seq,
      at: this.now(),
      method: handler ? canonicalMethod(methodName) : methodName,
      params: sanitize(raw, files),
      ok: false,
      ...(via ? { via } : {}),
    };
    const finish = (outcome: ApiOutcome): ApiOutcome => {
      if (!outcome.drop) {
        record.ok = outcome.body.ok;
        if (outcome.body.ok) record.result = outcome.body.result;
        else {
          record.errorCode = outcome.body.error_code;
          record.description = outcome.body.description;
        }
      } else {
        record.description = 'connection dropped';
      }
      this.calls.push(record);
      if (this.calls.length > this.opts.maxRecordedCalls)
        this.calls.splice(0, this.calls.length - this.opts.maxRecordedCalls);
      this.emit({ type: 'call', call: record });
      return outcome;
    };
    if (!handler) {
      return finish({
        status: 404,
        body: { ok: false, error_code: 404, description: 'Not Found: method not found' },
      });
    }
    // fault injection
    const chatId = Number(raw.chat_id);
    const fault = this.faults.find(
      (f) =>
        f.remaining > 0 &&
        (f.fault.method === undefined || f.fault.method.toLowerCase() === method) &&
        (f.fault.chatId === undefined || f.fault.chatId === chatId),
    );
    if (fault) {
      fault.remaining--;
      this.faults = this.faults.filter((f) => f.remaining > 0);
      const r = fault.fault.response;
      if ('drop' in r) return finish({ drop: true });
      if ('delayMs' in r) await new Promise((res) => setTimeout(res, r.delayMs));
      else if (r.status === 429) {
        const after = 'retry_after' in r ? r.retry_after : 1;
        return finish({
          status: 429,
          body: {
            ok: false,
            error_code: 429,
            description: `Too Many Requests: retry after ${after}`,
            parameters: { retry_after: after },
          },
        });
      } else {
        const description =
          ('description' in r && r.description) ||
          (r.status >= 500 ? 'Internal Server Error' : 'Bad Request');
        return finish({ status: r.status, body: { ok: false, error_code: r.status, description } });
      }
    }
    try {
      if (this.limits && SEND_METHODS.has(method)) this.checkLimits(params);
      const result = await handler(params);
      return finish({ status: 200, body: { ok: true, result } });
    } catch (e) {
      if (e instanceof BotApiError) return finish({ status: e.errorCode, body: e.toResponse() });
      const msg = e instanceof Error ? e.message : String(e);
      return finish({
        status: 500,
        body: { ok: false, error_code: 500, description: `Internal Server Error: ${msg}` },
      });
    }
  }

  private checkLimits(p: Params) {
    const limits = this.limits as LimitConfig;
    const now = this.now();
    const chatId = p.int('chat_id');
    const c = chatId !== undefined ? this.chats.get(chatId) : undefined;
    const tooMany = (ms: number) => {
      const after = Math.max(1, Math.ceil(ms / 1000));
      return new BotApiError(429, `Too Many Requests: retry after ${after}`, { retry_after: after });
    };
    const g = (this.globalBucket as Bucket).take(now);
    if (g > 0) throw tooMany(g);
    if (c) {
      if (!c.bucket) {
        c.bucket =
          c.chat.type === 'private'
            ? new Bucket(limits.privateBurst, limits.privatePerSecond / 1000, now)
            : new Bucket(limits.groupPerMinute, limits.groupPerMinute / 60_000, now);
      }
      const w = c.bucket.take(now);
      if (w > 0) {
        (this.globalBucket as Bucket).refund();
        throw tooMany(w);
      }
    }
  }

  private date(): number {
    return Math.floor(this.now() / 1000);
  }

  private botUser(): User {
    return { id: this.bot.id, is_bot: true, first_name: this.bot.first_name, username: this.bot.username };
  }

  /** The chat a bot sends to: exists, reachable, not blocked. */
  private targetChat(p: Params): ChatState {
    const raw = p.str('chat_id');
    if (raw === undefined || raw === '') throw bad('chat_id is empty');
    let c: ChatState | undefined;
    if (raw.startsWith('@')) {
      const uname = raw.slice(1).toLowerCase();
      c = [...this.chats.values()].find(
        (x) => x.chat.type !== 'private' && 'username' in x.chat && x.chat.username?.toLowerCase() === uname,
      );
    } else {
      const id = Number(raw);
      if (!Number.isSafeInteger(id)) throw bad('chat not found');
      c = this.chats.get(id);
      if (!c?.started && this.personaMap.has(id)) {
        throw new BotApiError(403, "Forbidden: bot can't initiate conversation with a user");
      }
    }
    if (!c) throw bad('chat not found');
    if (c.blocked) throw new BotApiError(403, 'Forbidden: bot was blocked by the user');
    if (!c.botMember) throw new BotApiError(403, 'Forbidden: bot is not a member of the group chat');
    return c;
  }

  private formatted(
    p: Params,
    textKey: 'text' | 'caption',
  ): { text: string; entities: MessageEntity[] } | undefined {
    const raw = p.str(textKey);
    if (raw === undefined) return undefined;
    const mode = p.str('parse_mode');
    let text = raw;
    let entities: MessageEntity[] = [];
    if (mode === 'HTML' || mode === 'html') {
      try {
        ({ text, entities } = parseTelegramHtml(raw));
      } catch (e) {
        if (e instanceof EntityParseError) throw bad(`can't parse entities: ${e.message}`);
        throw e;
      }
    } else if (
      mode &&
      mode !== 'Markdown' &&
      mode !== 'MarkdownV2' &&
      mode !== 'markdown' &&
      mode !== 'markdownv2'
    ) {
      throw bad('unsupported parse_mode');
    } else {
      const given = p.json(textKey === 'text' ? 'entities' : 'caption_entities');
      if (Array.isArray(given)) entities = given as MessageEntity[];
    }
    const trimmed = trimFormatted(text, entities);
    return { text: trimmed.text, entities: detectEntities(trimmed.text, trimmed.entities) };
  }

  private markup(p: Params): {
    inline?: InlineKeyboardMarkup;
    keyboard?: ReplyKeyboardState;
    remove?: boolean;
  } {
    const m = p.json('reply_markup', 'reply keyboard markup JSON object');
    if (m === undefined) return {};
    if (typeof m !== 'object' || m === null) throw bad("can't parse reply keyboard markup JSON object");
    const o = m as Record<string, unknown>;
    if ('inline_keyboard' in o) return { inline: this.validateInline(o.inline_keyboard) };
    if ('keyboard' in o) {
      const rows = o.keyboard;
      if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
        throw bad('field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays');
      }
      const keyboard = (rows as unknown[][]).map((row) =>
        row.map((b) => {
          const btn = (typeof b === 'string' ? { text: b } : b) as ReplyButton;
          if (typeof btn !== 'object' || btn === null || typeof btn.text !== 'string') {
            throw bad('can\'t parse keyboard button: Field "text" must be of type String');
          }
          if (!btn.text.trim()) throw bad('keyboard button text is empty');
          return btn;
        }),
      );
      if (keyboard.flat().length > 300) throw bad('reply markup is too long');
      const kb: ReplyKeyboardState = {
        keyboard,
        oneTime: o.one_time_keyboard === true,
        resize: o.resize_keyboard === true,
        persistent: o.is_persistent === true,
        hidden: false,
      };
      if (typeof o.input_field_placeholder === 'string') kb.placeholder = o.input_field_placeholder;
      return { keyboard: kb };
    }
    if (o.remove_keyboard === true) return { remove: true };
    if (o.force_reply === true) return {};
    throw bad("can't parse reply keyboard markup JSON object");
  }

  private validateInline(rows: unknown): InlineKeyboardMarkup {
    if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
      throw bad('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
    }
    let count = 0;
    for (const row of rows as unknown[][]) {
      for (const raw of row) {
        count++;
        if (typeof raw !== 'object' || raw === null) {
          throw bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
        }
        const b = raw as Record<string, unknown>;
        if (typeof b.text !== 'string')
          throw bad('can\'t parse inline keyboard button: Field "text" must be of type String');
        if (!b.text.trim()) throw bad('BUTTON_TEXT_INVALID');
        const kinds = [
          'callback_data',
          'url',
          'web_app',
          'login_url',
          'switch_inline_query',
          'switch_inline_query_current_chat',
          'switch_inline_query_chosen_chat',
          'copy_text',
          'callback_game',
          'pay',
        ].filter((k) => b[k] !== undefined);
        if (kinds.length === 0) {
          throw bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
        }
        if (b.callback_data !== undefined) {
          const d = b.callback_data;
          if (typeof d !== 'string' || d.length === 0 || Buffer.byteLength(d, 'utf8') > 64) {
            throw bad('BUTTON_DATA_INVALID');
          }
        }
        if (b.url !== undefined) this.validateUrl(String(b.url));
      }
    }
    if (count > 100) throw bad('reply markup is too long');
    return { inline_keyboard: rows as InlineKeyboardButton[][] };
  }

  private validateUrl(url: string) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw bad(`inline keyboard button URL '${url}' is invalid: Wrong HTTP URL`);
    }
    if (!['http:', 'https:', 'tg:', 'ton:'].includes(u.protocol)) {
      throw bad(`inline keyboard button URL '${url}' is invalid: Unsupported URL protocol`);
    }
    if (
      this.opts.strictUrls &&
      (u.protocol === 'http:' || u.protocol === 'https:') &&
      isLocalHost(u.hostname)
    ) {
      throw bad(`inline keyboard button URL '${url}' is invalid: Wrong HTTP URL`);
    }
  }

  private applyReplyKeyboard(c: ChatState, m: ReturnType<TelegramSimulator['markup']>) {
    if (m.keyboard) {
      c.keyboard = m.keyboard;
      this.emit({ type: 'keyboard', chatId: c.chat.id, keyboard: c.keyboard });
    } else if (m.remove && c.keyboard) {
      c.keyboard = null;
      this.emit({ type: 'keyboard', chatId: c.chat.id, keyboard: null });
    }
  }

  private replyTo(p: Params, c: ChatState): Partial<Message> {
    const rp = p.json('reply_parameters') as
      | { message_id?: number; allow_sending_without_reply?: boolean }
      | undefined;
    const id = rp?.message_id ?? p.int('reply_to_message_id');
    if (id === undefined) return {};
    const r = c.messages.get(Number(id));
    if (!r) {
      if (rp?.allow_sending_without_reply || p.bool('allow_sending_without_reply')) return {};
      throw bad('message to be replied not found');
    }
    return { reply_to_message: { ...r.message, reply_to_message: undefined } as never };
  }

  private addBotMessage(c: ChatState, content: Partial<Message>): Message {
    const msg = {
      message_id: c.nextMessageId++,
      from: this.botUser(),
      chat: c.chat,
      date: this.date(),
      ...content,
    } as Message;
    const rev = ++this.rev;
    c.messages.set(msg.message_id, { message: msg, fromBot: true, rev });
    this.emit({ type: 'message', chatId: c.chat.id, message: msg, fromBot: true, rev });
    return msg;
  }

  private botMessage(p: Params, action: 'edit' | 'delete'): { c: ChatState; stored: ChatMessage } {
    if (p.has('inline_message_id')) throw bad('MESSAGE_ID_INVALID');
    const raw = p.str('chat_id');
    if (raw === undefined || raw === '') throw bad('chat_id is empty');
    const c = this.chats.get(Number(raw));
    if (!c) throw bad('chat not found');
    if (c.blocked && action === 'edit') throw new BotApiError(403, 'Forbidden: bot was blocked by the user');
    const id = p.int('message_id');
    if (id === undefined) throw bad('message identifier is not specified');
    const stored = c.messages.get(id);
    if (!stored) throw bad(action === 'edit' ? 'message to edit not found' : 'message to delete not found');
    if (!stored.fromBot && action === 'edit') throw bad("message can't be edited");
    return { c, stored };
  }

  private replaceMessage(c: ChatState, stored: ChatMessage, next: Message): Message {
    const rev = ++this.rev;
    const updated: ChatMessage = { message: next, fromBot: stored.fromBot, rev };
    c.messages.set(next.message_id, updated);
    this.emit({ type: 'edited', chatId: c.chat.id, message: next, fromBot: stored.fromBot, rev });
    return next;
  }

  private async inputFile(p: Params, field: 'document' | 'photo'): Promise<StoredFile> {
    const v = p.str(field);
    let upload: UploadedFile | undefined;
    if (v?.startsWith('attach://')) {
      upload = p.files.get(v.slice('attach://'.length));
      if (!upload) throw bad('wrong file identifier/HTTP URL specified');
    } else if (v === undefined && p.files.has(field)) {
      upload = p.files.get(field);
    }
    if (upload) {
      if (upload.data.length === 0) throw bad('file must be non-empty');
      const limit = field === 'photo' ? 10 * 1024 * 1024 : 50 * 1024 * 1024;
      if (upload.data.length > limit) throw new BotApiError(413, 'Request Entity Too Large');
      return this.storeFile(field, upload.data, upload.filename, upload.contentType);
    }
    if (v === undefined || v === '') throw bad(`there is no ${field} in the request`);
    if (/^https?:\/\//i.test(v)) {
      let data: Buffer;
      let type: string | undefined;
      try {
        const res = await fetch(v, { signal: AbortSignal.timeout(10_000) });
        if (!res.ok) throw new Error(String(res.status));
        data = Buffer.from(await res.arrayBuffer());
        type = res.headers.get('content-type') ?? undefined;
      } catch {
        throw bad('failed to get HTTP URL content');
      }
      const name = decodeURIComponent(new URL(v).pathname.split('/').pop() || `${field}`);
      return this.storeFile(field, data, name, type);
    }
    const existing = this.files.get(v);
    if (!existing) throw bad('wrong file identifier/HTTP URL specified');
    if (existing.kind !== field) throw bad(`wrong type of the file: expected ${field}, got ${existing.kind}`);
    return existing;
  }

  private storeFile(
    kind: 'document' | 'photo',
    data: Buffer,
    filename?: string,
    contentType?: string,
  ): StoredFile {
    const n = ++this.fileSeq;
    const ext = (filename?.match(/\.([A-Za-z0-9]{1,8})$/)?.[1] ?? '').toLowerCase();
    let mimeType =
      MIME_BY_EXT[ext] ??
      (contentType && contentType !== 'application/octet-stream' ? contentType : undefined);
    let width: number | undefined;
    let height: number | undefined;
    if (kind === 'photo') {
      const size = imageSize(data);
      if (!size.ok) throw bad('IMAGE_PROCESS_FAILED');
      width = size.width;
      height = size.height;
      mimeType = mimeType ?? 'image/jpeg';
    }
    const file_id = `${kind === 'photo' ? 'AgACAgIAAxkDAA' : 'BQACAgIAAxkDAA'}${base64url(Buffer.from(`${n}:`))}${base64url(randomBytes(18))}`;
    const file_unique_id = `AgAD${base64url(createHash('sha256').update(data).digest()).slice(0, 12)}`;
    const fileExt = ext || (kind === 'photo' ? 'jpg' : '');
    const filePath = `${kind === 'photo' ? 'photos' : 'documents'}/file_${n}${fileExt ? `.${fileExt}` : ''}`;
    const f: StoredFile = {
      file_id,
      file_unique_id,
      kind,
      data,
      mimeType: mimeType ?? 'application/octet-stream',
      filePath,
    };
    if (filename) f.fileName = filename;
    if (width !== undefined) f.width = width;
    if (height !== undefined) f.height = height;
    this.files.set(file_id, f);
    this.filesByPath.set(filePath, f);
    return f;
  }

  private captionContent(p: Params): Partial<Message> {
    const f = this.formatted(p, 'caption');
    if (!f?.text) return {};
    if (f.text.length > 1024) throw bad('message caption is too long');
    const out: Partial<Message> = { caption: f.text };
    if (f.entities.length > 0) out.caption_entities = f.entities;
    return out;
  }

  private commandKey(scope: BotCommandScope | undefined, lang: string): string {
    const s = scope ?? { type: 'default' };
    const parts: string[] = [s.type];
    if ('chat_id' in s) parts.push(String(s.chat_id));
    if ('user_id' in s) parts.push(String(s.user_id));
    return `${parts.join(':')}|${lang}`;
  }

  private commandScope(p: Params): { scope: BotCommandScope | undefined; lang: string } {
    const scope = p.json('scope', 'scope JSON object') as BotCommandScope | undefined;
    if (
      scope &&
      ![
        'default',
        'all_private_chats',
        'all_group_chats',
        'all_chat_administrators',
        'chat',
        'chat_administrators',
        'chat_member',
      ].includes(scope.type)
    ) {
      throw bad('wrong bot command scope type specified');
    }
    const lang = p.str('language_code') ?? '';
    if (lang && !/^[a-z]{2}$/.test(lang)) throw bad('invalid language code specified');
    return { scope, lang };
  }

  private readonly methods: Record<string, (p: Params) => unknown> = {
    getme: () => this.bot,
    logout: () => true,
    close: () => true,
    getupdates: (p) => this.getUpdates(p),
    setwebhook: (p) => {
      const url = p.str('url') ?? '';
      if (!url) {
        this.webhook = null;
        if (p.bool('drop_pending_updates')) this.pending = [];
        return true;
      }
      let u: URL;
      try {
        u = new URL(url);
      } catch {
        throw bad('invalid webhook URL specified');
      }
      if (u.protocol !== 'https:' && u.protocol !== 'http:')
        throw bad('bad webhook: Unsupported URL protocol');
      const secret = p.str('secret_token');
      if (secret !== undefined && secret !== '' && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
        throw bad('secret token contains unallowed characters');
      }
      const allowed = p.json('allowed_updates') as string[] | undefined;
      if (Array.isArray(allowed)) this.allowedUpdates = allowed.length > 0 ? new Set(allowed) : null;
      const max = p.int('max_connections') ?? 40;
      if (max < 1 || max > 100) throw bad('bad webhook: max_connections must be between 1 and 100');
      if (p.bool('drop_pending_updates')) this.pending = [];
      this.releasePollsWithConflict();
      const ip = p.str('ip_address');
      this.webhook = {
        url,
        maxConnections: max,
        ...(secret ? { secretToken: secret } : {}),
        ...(ip ? { ipAddress: ip } : {}),
      };
      this.pump();
      return true;
    },
    deletewebhook: (p) => {
      this.webhook = null;
      if (p.bool('drop_pending_updates')) this.pending = [];
      return true;
    },
    getwebhookinfo: () => this.webhookInfo(),
    sendmessage: (p) => {
      const c = this.targetChat(p);
      const f = this.formatted(p, 'text');
      if (!f?.text) throw bad('message text is empty');
      if (f.text.length > 4096) throw bad('message is too long');
      const m = this.markup(p);
      const content: Partial<Message> = { ...this.replyTo(p, c), text: f.text };
      if (f.entities.length > 0) content.entities = f.entities;
      if (m.inline) content.reply_markup = m.inline;
      const lpo = p.json('link_preview_options');
      if (lpo && typeof lpo === 'object')
        content.link_preview_options = lpo as Message['link_preview_options'];
      const msg = this.addBotMessage(c, content);
      this.applyReplyKeyboard(c, m);
      return msg;
    },
    senddocument: async (p) => {
      const c = this.targetChat(p);
      const m = this.markup(p);
      const caption = this.captionContent(p);
      const reply = this.replyTo(p, c);
      const f = await this.inputFile(p, 'document');
      const document: Message['document'] & object = {
        file_id: f.file_id,
        file_unique_id: f.file_unique_id,
        file_size: f.data.length,
        mime_type: f.mimeType,
      };
      if (f.fileName) document.file_name = f.fileName;
      const content: Partial<Message> = { ...reply, document, ...caption };
      if (m.inline) content.reply_markup = m.inline;
      const msg = this.addBotMessage(c, content);
      this.applyReplyKeyboard(c, m);
      return msg;
    },
    sendphoto: async (p) => {
      const c = this.targetChat(p);
      const m = this.markup(p);
      const caption = this.captionContent(p);
      const reply = this.replyTo(p, c);
      const f = await this.inputFile(p, 'photo');
      const photo = [
        {
          file_id: f.file_id,
          file_unique_id: f.file_unique_id,
          file_size: f.data.length,
          width: f.width ?? 0,
          height: f.height ?? 0,
        },
      ];
      const content: Partial<Message> = { ...reply, photo, ...caption };
      if (m.inline) content.reply_markup = m.inline;
      const msg = this.addBotMessage(c, content);
      this.applyReplyKeyboard(c, m);
      return msg;
    },
    getfile: (p) => {
      const id = p.str('file_id');
      if (!id) throw bad('file_id is empty');
      const f = this.files.get(id);
      if (!f) throw bad('wrong file_id specified');
      if (f.data.length > 20 * 1024 * 1024) throw bad('file is too big');
      const file: File = {
        file_id: f.file_id,
        file_unique_id: f.file_unique_id,
        file_size: f.data.length,
        file_path: f.filePath,
      };
      return file;
    },
    editmessagetext: (p) => {
      const { c, stored } = this.botMessage(p, 'edit');
      const old = stored.message as Message.CommonMessage & { text?: string };
      if (old.text === undefined) throw bad('there is no text in the message to edit');
      const f = this.formatted(p, 'text');
      if (!f?.text) throw bad('message text is empty');
      if (f.text.length > 4096) throw bad('message is too long');
      const m = this.markup(p);
      if (m.keyboard || m.remove) throw bad('inline keyboard expected');
      const next = { ...old, text: f.text } as Message & { entities?: MessageEntity[] };
      if (f.entities.length > 0) next.entities = f.entities;
      else delete next.entities;
      // editing without reply_markup removes the inline keyboard, as on Telegram
      if (m.inline) next.reply_markup = m.inline;
      else delete next.reply_markup;
      if (sameContent(old, next)) throw bad(NOT_MODIFIED);
      next.edit_date = this.date();
      return this.replaceMessage(c, stored, next);
    },
    editmessagecaption: (p) => {
      const { c, stored } = this.botMessage(p, 'edit');
      const old = stored.message as Message.CommonMessage & { caption?: string };
      if (!('document' in old) && !('photo' in old)) throw bad('there is no caption in the message to edit');
      const caption = this.captionContent(p);
      const m = this.markup(p);
      if (m.keyboard || m.remove) throw bad('inline keyboard expected');
      const next = { ...old } as Message & { caption?: string; caption_entities?: MessageEntity[] };
      delete next.caption;
      delete next.caption_entities;
      Object.assign(next, caption);
      if (m.inline) next.reply_markup = m.inline;
      else delete next.reply_markup;
      if (sameContent(old as Message, next)) throw bad(NOT_MODIFIED);
      next.edit_date = this.date();
      return this.replaceMessage(c, stored, next);
    },
    editmessagereplymarkup: (p) => {
      const { c, stored } = this.botMessage(p, 'edit');
      const m = this.markup(p);
      if (m.keyboard || m.remove) throw bad('inline keyboard expected');
      const old = stored.message;
      const next = { ...old } as Message.CommonMessage;
      if (m.inline && m.inline.inline_keyboard.length > 0) next.reply_markup = m.inline;
      else delete next.reply_markup;
      if (sameContent(old, next as Message)) throw bad(NOT_MODIFIED);
      (next as Message).edit_date = this.date();
      return this.replaceMessage(c, stored, next as Message);
    },
    deletemessage: (p) => {
      const { c, stored } = this.botMessage(p, 'delete');
      c.messages.delete(stored.message.message_id);
      this.emit({ type: 'deleted', chatId: c.chat.id, messageId: stored.message.message_id });
      return true;
    },
    deletemessages: (p) => {
      const ids = p.json('message_ids') as number[] | undefined;
      if (!Array.isArray(ids) || ids.length === 0 || ids.length > 100)
        throw bad('message identifiers are not specified');
      const raw = p.str('chat_id');
      const c = this.chats.get(Number(raw));
      if (!c) throw bad('chat not found');
      for (const id of ids) {
        if (c.messages.delete(id)) this.emit({ type: 'deleted', chatId: c.chat.id, messageId: id });
      }
      return true;
    },
    answercallbackquery: (p) => {
      const id = p.str('callback_query_id') ?? '';
      const q = this.callbacks.get(id);
      const ttl = this.opts.callbackQueryTtlMs;
      if (!q || q.answered || (ttl !== undefined && this.now() - q.createdAt > ttl)) {
        throw bad('query is too old and response timeout expired or query ID is invalid');
      }
      const text = p.str('text');
      if (text !== undefined && text.length > 200) throw bad('MESSAGE_TOO_LONG');
      q.answered = true;
      const ev: SimEvent = {
        type: 'callbackAnswer',
        chatId: q.chatId,
        userId: q.userId,
        callbackQueryId: id,
        showAlert: p.bool('show_alert'),
      };
      if (text) ev.text = text;
      const url = p.str('url');
      if (url) ev.url = url;
      q.answer = { showAlert: ev.showAlert, ...(text ? { text } : {}), ...(url ? { url } : {}) };
      this.emit(ev);
      return true;
    },
    sendchataction: (p) => {
      const c = this.targetChat(p);
      const action = p.str('action') ?? '';
      if (!CHAT_ACTIONS.has(action)) throw bad('wrong parameter action in request');
      this.emit({ type: 'chatAction', chatId: c.chat.id, action });
      return true;
    },
    setmycommands: (p) => {
      const list = p.json('commands', 'commands JSON object');
      if (!Array.isArray(list)) throw bad('commands is not an array');
      if (list.length > 100) throw bad('too many commands specified');
      const commands: BotCommand[] = list.map((x) => {
        const cmd = x as BotCommand;
        if (typeof cmd?.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(cmd.command)) {
          throw bad('BOT_COMMAND_INVALID');
        }
        if (
          typeof cmd.description !== 'string' ||
          cmd.description.length < 1 ||
          cmd.description.length > 256
        ) {
          throw bad('BOT_COMMAND_DESCRIPTION_INVALID');
        }
        return { command: cmd.command, description: cmd.description };
      });
      const { scope, lang } = this.commandScope(p);
      this.commands.set(this.commandKey(scope, lang), commands);
      return true;
    },
    getmycommands: (p) => {
      const { scope, lang } = this.commandScope(p);
      return this.commands.get(this.commandKey(scope, lang)) ?? [];
    },
    deletemycommands: (p) => {
      const { scope, lang } = this.commandScope(p);
      this.commands.delete(this.commandKey(scope, lang));
      return true;
    },
    setchatmenubutton: (p) => {
      const mb = (p.json('menu_button', 'menu_button JSON object') as MenuButton | undefined) ?? {
        type: 'default',
      };
      if (!['commands', 'web_app', 'default'].includes(mb.type))
        throw bad('wrong menu button type specified');
      const chatId = p.int('chat_id');
      this.menuButtons.set(chatId ?? 'default', mb);
      return true;
    },
    getchatmenubutton: (p) => this.menuButton(p.int('chat_id')),
    setmydescription: (p) => this.setText(p, 'description', 512),
    getmydescription: (p) => ({
      description: this.texts.get(`description:${p.str('language_code') ?? ''}`) ?? '',
    }),
    setmyshortdescription: (p) => this.setText(p, 'short_description', 120),
    getmyshortdescription: (p) => ({
      short_description: this.texts.get(`short_description:${p.str('language_code') ?? ''}`) ?? '',
    }),
    setmyname: (p) => this.setText(p, 'name', 64),
    getmyname: (p) => ({
      name: this.texts.get(`name:${p.str('language_code') ?? ''}`) ?? this.bot.first_name,
    }),
    getchat: (p) => {
      const raw = p.str('chat_id');
      const c = this.chats.get(Number(raw));
      if (!c || (c.chat.type === 'private' && !c.started)) throw bad('chat not found');
      return { ...c.chat, accent_color_id: 0, max_reaction_count: 11, accepted_gift_types: noGifts };
    },
  };

  private setText(p: Params, kind: string, max: number) {
    const lang = p.str('language_code') ?? '';
    if (lang && !/^[a-z]{2}$/.test(lang)) throw bad('invalid language code specified');
    const v = p.str(kind) ?? '';
    if (v.length > max) throw bad(`${kind} is too long`);
    if (v) this.texts.set(`${kind}:${lang}`, v);
    else this.texts.delete(`${kind}:${lang}`);
    return true;
  }

  private releasePollsWithConflict() {
    const poll = this.poll;
    this.poll = null;
    if (poll) {
      clearTimeout(poll.timer);
      poll.resolve(new BotApiError(409, 'Conflict: terminated by setWebhook request'));
    }
  }
}

const noGifts = {
  unlimited_gifts: false,
  limited_gifts: false,
  unique_gifts: false,
  premium_subscription: false,
  gifts_from_channels: false,
};

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

function sameContent(a: Message, b: Message): boolean {
  const pick = (m: Message) => {
    const x = m as Message.CommonMessage & {
      text?: string;
      entities?: unknown;
      caption?: string;
      caption_entities?: unknown;
    };
    return JSON.stringify([
      x.text ?? null,
      x.entities ?? [],
      x.caption ?? null,
      x.caption_entities ?? [],
      x.reply_markup?.inline_keyboard ?? [],
    ]);
  };
  return pick(a) === pick(b);
}

function describeInline(buttons: InlineKeyboardButton[]): string {
  if (buttons.length === 0) return '(none)';
  return buttons
    .map((b) =>
      'callback_data' in b
        ? `[${b.text} → ${b.callback_data}]`
        : 'url' in b
          ? `[${b.text} → ${b.url}]`
          : `[${b.text}]`,
    )
    .join(' ');
}

const CANONICAL = [
  'getMe',
  'logOut',
  'close',
  'getUpdates',
  'setWebhook',
  'deleteWebhook',
  'getWebhookInfo',
  'sendMessage',
  'sendDocument',
  'sendPhoto',
  'getFile',
  'editMessageText',
  'editMessageCaption',
  'editMessageReplyMarkup',
  'deleteMessage',
  'deleteMessages',
  'answerCallbackQuery',
  'sendChatAction',
  'setMyCommands',
  'getMyCommands',
  'deleteMyCommands',
  'setChatMenuButton',
  'getChatMenuButton',
  'setMyDescription',
  'getMyDescription',
  'setMyShortDescription',
  'getMyShortDescription',
  'setMyName',
  'getMyName',
  'getChat',
];
const CANONICAL_BY_LOWER = new Map(CANONICAL.map((m) => [m.toLowerCase(), m]));
function canonicalMethod(m: string): string {
  return CANONICAL_BY_LOWER.get(m.toLowerCase()) ?? m;
}

function sanitize(raw: Record<string, unknown>, files: Map<string, UploadedFile>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === 'string' && v.startsWith('attach://')) {
      const f = files.get(v.slice('attach://'.length));
      out[k] = f ? { upload: f.filename ?? null, size: f.data.length } : v;
    } else if (typeof v === 'string' && (v.startsWith('{') || v.startsWith('['))) {
      try {
        out[k] = JSON.parse(v);
      } catch {
        out[k] = v;
      }
    } else out[k] = v;
  }
  for (const [name, f] of files) {
    if (!Object.values(raw).includes(`attach://${name}`))
      out[name] = { upload: f.filename ?? null, size: f.data.length };
  }
  return out;
}
