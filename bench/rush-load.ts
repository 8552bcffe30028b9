// The outside world of the opening rush (bench/rush.ts), in a worker thread so that Kattoo's event loop
// in the main thread carries Kattoo alone: a fast Bot API stand-in that notes when each parent's chat got
// its first message (bench/telegram-standin.ts plus per-chat times), the load generator that posts every
// parent's "Submit" press to /telegram/webhook (keep-alive, C concurrent requests, one chat per parent),
// and an observer that sees each decision committed by polling the decision transitions.
//
// Times are absolute milliseconds (performance.timeOrigin + performance.now()) on this machine's clock,
// comparable with the main thread's and with the database's timestamps.
import { Agent, createServer, request, type Server } from 'node:http';
import { parentPort } from 'node:worker_threads';
import pg from 'pg';
import { encodeWizard } from '../bot/features/parent/wizard/callback.ts';

export const now = () => performance.timeOrigin + performance.now();

export type RushJob = {
  webhookUrl: string;
  secret: string;
  concurrency: number;
  databaseUrl: string;
  pollMs: number;
  firstUpdateId: number;
  /** 0: all at once (C in flight); else presses per second, open loop */
  rate: number;
  /** per parent, in the order they press */
  chats: number[];
  applications: string[];
};

export type RushTimes = {
  postAt: Float64Array;
  ackAt: Float64Array;
  status: Int16Array;
  /** first answerCallbackQuery / first sendMessage or editMessageText for the parent's chat */
  answerAt: Float64Array;
  replyAt: Float64Array;
  /** messages to the parent's chat after the press (1: the decision), and before it (the app's own jobs) */
  messages: Int32Array;
  messagesBeforePress: number;
  /** the poll that first saw the decision committed returned at this time (NaN: not seen) */
  observedAt: Float64Array;
  polls: number;
  pollMsMean: number;
  calls: Record<string, number>;
};

export type ToWorker = { cmd: 'rush'; job: RushJob } | { cmd: 'finish' } | { cmd: 'close' };
export type FromWorker =
  | { event: 'ready'; apiRoot: string }
  | { event: 'posted'; firstPost: number; lastAck: number }
  | { event: 'done'; times: RushTimes }
  | { event: 'error'; message: string };

// --- the Bot API stand-in -------------------------------------------------------------------------

const calls = new Map<string, number>();
let chatIndex = new Map<number, number>();
let postAt = new Float64Array(0);
let answerAt = new Float64Array(0);
let replyAt = new Float64Array(0);
let messages = new Int32Array(0);
let messagesBeforePress = 0;
let messageId = 1;

const server: Server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const at = now();
    const method = (req.url ?? '').split('/').pop() ?? '';
    calls.set(method, (calls.get(method) ?? 0) + 1);
    let body: Record<string, unknown> = {};
    try {
      body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {};
    } catch {
      body = {};
    }
    let result: unknown = true;
    if (method === 'getMe') {
      result = {
        id: 7000000001,
        is_bot: true,
        first_name: 'Kattoo',
        username: 'kattoo_bench_bot',
        can_join_groups: true,
        can_read_all_group_messages: false,
        supports_inline_queries: false,
      };
    } else if (method === 'answerCallbackQuery') {
      const i = chatIndex.get(Number(body.callback_query_id));
      if (i !== undefined && Number.isNaN(answerAt[i])) answerAt[i] = at;
    } else if (/^(send|edit)/.test(method)) {
      const i = chatIndex.get(Number(body.chat_id));
      if (i !== undefined && Number.isNaN(postAt[i])) messagesBeforePress++;
      else if (i !== undefined) {
        if (Number.isNaN(replyAt[i])) replyAt[i] = at;
        messages[i] = (messages[i] ?? 0) + 1;
      }
      result = {
        message_id: messageId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: Number(body.chat_id ?? 1), type: 'private', first_name: 'x' },
        text: typeof body.text === 'string' ? body.text : '',
      };
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, result }));
  });
});

// --- the rush -------------------------------------------------------------------------------------

let observer: { stop(): Promise<{ polls: number; pollMsMean: number }>; observedAt: Float64Array } | null =
  null;

function submitUpdate(job: RushJob, i: number): string {
  const chatId = job.chats[i] as number;
  const chat = { id: chatId, type: 'private' as const, first_name: 'Parent' };
  const from = { id: chatId, is_bot: false, first_name: 'Parent', language_code: 'ky' };
  return JSON.stringify({
    update_id: job.firstUpdateId + i,
    callback_query: {
      id: String(chatId),
      from,
      chat_instance: String(chatId),
      data: encodeWizard({ a: 'submit', app: job.applications[i] as string }),
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000) - 60,
        chat,
        from: { id: 7000000001, is_bot: true, first_name: 'Kattoo' },
        text: '…',
      },
    },
  });
}

/** Polls the decision transitions (`seat_held`, `no_free_seat`): a decision seen is committed. */
function observe(job: RushJob, startAfterId: string): NonNullable<typeof observer> {
  const index = new Map(job.applications.map((a, i) => [a, i]));
  const observedAt = new Float64Array(job.applications.length).fill(Number.NaN);
  const client = new pg.Client({
    connectionString: job.databaseUrl,
    application_name: 'kattoo-rush-observer',
  });
  // Transition ids come from a sequence at INSERT, commits come a little later and not in id order:
  // each poll looks back LOOKBACK ids below the highest seen, skipping those it has seen.
  const LOOKBACK = 1000n;
  let high = BigInt(startAfterId);
  const floor = high;
  const recent: bigint[] = [];
  let stopped = false;
  let polls = 0;
  let pollMs = 0;
  let remaining = job.applications.length;
  const loop = (async () => {
    await client.connect();
    while (!stopped && remaining > 0) {
      const t0 = now();
      const from = high - LOOKBACK > floor ? high - LOOKBACK : floor;
      const r = await client.query<{ id: string; app: string; reason: string }>(
        `SELECT id::text, application_id::text AS app, reason FROM application_transition
         WHERE id > $1 AND NOT (id = ANY($2::bigint[]))`,
        [String(from), recent.filter((id) => id > from).map(String)],
      );
      const seen = now();
      polls++;
      pollMs += seen - t0;
      for (const row of r.rows) {
        const id = BigInt(row.id);
        if (id > high) high = id;
        recent.push(id);
        if (row.reason !== 'seat_held' && row.reason !== 'no_free_seat') continue;
        const i = index.get(row.app);
        if (i !== undefined && Number.isNaN(observedAt[i])) {
          observedAt[i] = seen;
          remaining--;
        }
      }
      if (recent.length > 4 * Number(LOOKBACK)) recent.splice(0, recent.length - 2 * Number(LOOKBACK));
      const wait = job.pollMs - (now() - t0);
      if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    }
  })();
  return {
    observedAt,
    async stop() {
      stopped = true;
      await loop;
      await client.end();
      return { polls, pollMsMean: polls ? pollMs / polls : 0 };
    },
  };
}

async function rush(job: RushJob): Promise<void> {
  const n = job.chats.length;
  chatIndex = new Map(job.chats.map((c, i) => [c, i]));
  answerAt = new Float64Array(n).fill(Number.NaN);
  replyAt = new Float64Array(n).fill(Number.NaN);
  messages = new Int32Array(n);
  messagesBeforePress = 0;
  postAt = new Float64Array(n).fill(Number.NaN);
  const ackAt = new Float64Array(n);
  const status = new Int16Array(n);
  // Bodies are made before the clock starts: the load generator only sends.
  const bodies = Array.from({ length: n }, (_, i) => submitUpdate(job, i));

  const admin = new pg.Client({ connectionString: job.databaseUrl, application_name: 'kattoo-rush-load' });
  await admin.connect();
  const start = await admin.query<{ max: string | null }>(
    'SELECT max(id)::text AS max FROM application_transition',
  );
  await admin.end();
  observer = observe(job, start.rows[0]?.max ?? '0');

  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const url = new URL(job.webhookUrl);
  const post = (body: string, i: number) =>
    new Promise<number>((resolve) => {
      const req = request(
        url,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': job.secret },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            // a call carried in the webhook's answer, as Telegram runs it (here: the spinner)
            try {
              const carried = JSON.parse(Buffer.concat(chunks).toString()) as { method?: string };
              if (carried.method) {
                const m = `${carried.method} (in the webhook's answer)`;
                calls.set(m, (calls.get(m) ?? 0) + 1);
                if (carried.method === 'answerCallbackQuery' && Number.isNaN(answerAt[i]))
                  answerAt[i] = now();
              }
            } catch {}
            resolve(res.statusCode ?? 0);
          });
        },
      );
      req.on('error', () => resolve(-1));
      req.end(body);
    });
  let next = 0;
  const t0 = now();
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (next < n) {
        const i = next++;
        if (job.rate > 0) {
          const wait = t0 + (i * 1000) / job.rate - now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
        postAt[i] = now();
        status[i] = await post(bodies[i] as string, i);
        ackAt[i] = now();
      }
    }),
  );
  agent.destroy();
  parentPort?.postMessage({
    event: 'posted',
    firstPost: postAt.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY),
    lastAck: ackAt.reduce((a, b) => Math.max(a, b), 0),
  } satisfies FromWorker);
  pending = { postAt, ackAt, status };
}

let pending: { postAt: Float64Array; ackAt: Float64Array; status: Int16Array } | null = null;

async function finish(): Promise<void> {
  if (!pending || !observer) throw new Error('no rush to finish');
  // a last poll after Kattoo went idle, then stop
  await new Promise((r) => setTimeout(r, 50));
  const { polls, pollMsMean } = await observer.stop();
  parentPort?.postMessage({
    event: 'done',
    times: {
      ...pending,
      answerAt,
      replyAt,
      messages,
      messagesBeforePress,
      observedAt: observer.observedAt,
      polls,
      pollMsMean,
      calls: Object.fromEntries(calls),
    },
  } satisfies FromWorker);
}

if (parentPort) {
  const port = parentPort;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port: p } = server.address() as { port: number };
  port.postMessage({ event: 'ready', apiRoot: `http://127.0.0.1:${p}` } satisfies FromWorker);
  port.on('message', (m: ToWorker) => {
    const run =
      m.cmd === 'rush'
        ? rush(m.job)
        : m.cmd === 'finish'
          ? finish()
          : new Promise<void>((r) => {
              server.closeAllConnections();
              server.close(() => r());
            }).then(() => port.close());
    run.catch((e) =>
      port.postMessage({ event: 'error', message: String(e?.stack ?? e) } satisfies FromWorker),
    );
  });
}
