// Faults at the inbox (issue 10: F1, F2, F7 and the recovery after a crash), through the real webhook
// of a whole Kattoo on PostgreSQL, with the Telegram simulator: a poison update among good ones, update
// shapes without a chat, a person who blocked the bot, and an instance killed with updates in flight.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Kattoo, startKattoo } from '../../bot/app.ts';
import { loadConfig } from '../../core/config.ts';
import { createLogger } from '../../core/logger.ts';
import { inboxRepository } from '../../core/repositories/inbox-repository.ts';
import { SimUser } from '../../sim/telegram/client.ts';
import { defaultPersonas, type Persona } from '../../sim/telegram/personas.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

const SECRET = 'faults_inbox_secret_1';
const HELP = 'Каттоо эмне кылат'; // a line of the Kyrgyz /help answer
type LogLine = { level: number; msg: string; [k: string]: unknown };

describe('inbox faults through the webhook', () => {
  let app: TestApp;
  const logs: LogLine[] = [];
  const people: SimUser[] = [];
  let nextId = 800_000_000;

  beforeAll(async () => {
    const log = createLogger('info', { write: (line: string) => void logs.push(JSON.parse(line)) });
    app = await startTestApp({ BOT_MODE: 'webhook', WEBHOOK_SECRET: SECRET }, { log });
    // eleven people who have started the bot, so that its answers reach them
    for (let i = 0; i < 11; i++) {
      const persona: Persona = {
        id: 7_300_000_001 + i,
        firstName: `Тест${i}`,
        languageCode: 'ky',
        phone: `+996 700 000 ${100 + i}`,
        role: 'public',
      };
      app.sim.addPersona(persona);
      people.push(new SimUser(app.sim, persona));
    }
    for (const u of people) u.start();
    await Promise.all(people.map((u) => u.waitForBotMessage(/Тилди тандаңыз|1-класска/, 15_000)));
    await app.dispatcher.idle();
  }, 120_000);
  afterAll(() => app.close());

  const post = (body: unknown) =>
    fetch(`${app.url}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(body),
    });
  const help = (chatId: number, text = '/help'): Update => {
    const id = nextId++;
    return {
      update_id: id,
      message: {
        message_id: id,
        date: 0,
        chat: { id: chatId, type: 'private', first_name: 'Тест' },
        from: { id: chatId, is_bot: false, first_name: 'Тест', language_code: 'ky' },
        text,
        entities: [{ type: 'bot_command', offset: 0, length: 5 }],
      },
    };
  };
  const helpAnswers = (chatId: number) =>
    app.sim.calls.filter(
      (c) =>
        c.method === 'sendMessage' &&
        Number(c.params.chat_id) === chatId &&
        String(c.params.text).includes(HELP),
    ).length;
  const metrics = async () => (await fetch(`${app.url}/metrics`)).text();
  const errorsLogged = () => logs.filter((l) => l.level >= 50);

  it('acknowledges and handles every update of a batch that holds one NUL (F1)', async () => {
    const [victim, ...others] = people as [SimUser, ...SimUser[]];
    const poison = help(victim.id, '/help \u0000 nul');
    const good = others.map((u) => help(u.id));
    const before = people.map((u) => helpAnswers(u.id));
    const answers = await Promise.all([poison, ...good].map(post));
    expect(answers.map((r) => r.status)).toEqual(Array(11).fill(200));
    await app.dispatcher.idle();
    // every one handled: the ten good ones and the poison one, with its NUL replaced
    expect(people.map((u, i) => helpAnswers(u.id) - (before[i] ?? 0))).toEqual(Array(11).fill(1));
    const rows = await app.db.inboundUpdate.findMany({
      where: { updateId: { in: [poison, ...good].map((u) => BigInt(u.update_id)) } },
    });
    expect(rows.every((r) => r.processedAt !== null && r.failure === null)).toBe(true);
    const kept = rows.find((r) => r.updateId === BigInt(poison.update_id));
    expect(kept?.quarantine).toMatch(/Unicode|escape/i);
    expect((kept?.payload as unknown as Update | undefined)?.message?.text).toBe('/help \uFFFD nul');
    // the original, byte for byte as JSON, beside it
    expect(JSON.parse(Buffer.from(kept?.rawPayload ?? []).toString('utf8'))).toEqual(poison);
    expect(rows.filter((r) => r.quarantine !== null)).toHaveLength(1);
    // Telegram's redelivery of it is a duplicate now, not a refusal
    expect((await post(poison)).status).toBe(200);
    expect(await metrics()).toMatch(/kattoo_inbox_quarantined_total 1\b/);
  });

  it('stores a group PostgreSQL refuses item by item: only the poison ones are quarantined', async () => {
    const inbox = inboxRepository(app.db);
    const ids = Array.from({ length: 12 }, (_, i) => 850_000_000 + i);
    // called in one turn of the event loop: one INSERT for all twelve, which PostgreSQL refuses
    const results = await Promise.all(
      ids.map((id, i) =>
        inbox.receive(id, String(id), {
          update_id: id,
          text: i === 3 ? 'nul \u0000' : i === 7 ? 'half a pair \uD800 here' : 'fine',
        }),
      ),
    );
    expect(results.every((r) => r.fresh)).toBe(true);
    const quarantined = results.flatMap((r, i) => (r.fresh && r.quarantine ? [ids[i]] : []));
    expect(quarantined).toEqual([ids[3], ids[7]]);
    expect(results[7]).toMatchObject({ payload: { text: 'half a pair \uFFFD here' } });
    expect(await app.db.inboundUpdate.count({ where: { updateId: { in: ids.map(BigInt) } } })).toBe(12);
    expect((await inbox.receive(ids[3] as number, 'x', { nul: '\u0000' })).fresh).toBe(false);
  });

  it('acknowledges updates without a chat or of an unknown shape, counts them, logs no content (F2)', async () => {
    const from = { id: 5, is_bot: false, first_name: 'Айгүл' };
    const bodies = [
      { update_id: nextId++, message: {} },
      { update_id: -7, message: { text: 'Асанова 12345678901234' } },
      { update_id: nextId++, callback_query: { id: 'q', from, chat_instance: '1', message: { text: 'x' } } },
      { update_id: nextId++, callback_query: {} },
      { update_id: nextId++, message: 'Асанова' },
      { update_id: nextId++, something_new: { text: 'Асанова' } },
      { update_id: nextId++, edited_message: { chat: { id: 5, type: 'private' }, text: 'Асанова' } },
    ];
    const errorsBefore = errorsLogged().length;
    for (const body of bodies) expect((await post(body)).status).toBe(200);
    const m = await metrics();
    expect(m).toMatch(/kattoo_updates_ignored_total\{reason="no_chat"\} 3\b/);
    expect(m).toMatch(/kattoo_updates_ignored_total\{reason="malformed"\} 2\b/);
    expect(m).toMatch(/kattoo_updates_ignored_total\{reason="unknown"\} 1\b/);
    expect(m).toMatch(/kattoo_updates_ignored_total\{reason="not_asked"\} 1\b/);
    const ignored = logs.filter((l) => l.msg === 'update ignored');
    expect(ignored).toHaveLength(7);
    expect(JSON.stringify(ignored)).not.toMatch(/Асанова|Айгүл|12345678901234|something_new/);
    expect(errorsLogged().length).toBe(errorsBefore);
  });

  it('marks a person who blocked the bot unreachable on a 403, logged once at info (F7)', async () => {
    const u = people[10] as SimUser;
    const fault = app.sim.injectFault({
      method: 'sendMessage',
      chatId: u.id,
      times: 10,
      response: { status: 403, description: 'Forbidden: bot was blocked by the user' },
    });
    const linesBefore = logs.length;
    const update = help(u.id);
    expect((await post(update)).status).toBe(200);
    await app.dispatcher.idle();
    fault.cancel();
    const person = await app.db.chatUser.findUnique({ where: { telegramId: BigInt(u.id) } });
    expect(person?.unreachableAt).toBeInstanceOf(Date);
    const lines = logs.slice(linesBefore);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(lines.filter((l) => l.level === 30 && /\(403\)/.test(l.msg))).toHaveLength(1);
    const row = await app.db.inboundUpdate.findUnique({ where: { updateId: BigInt(update.update_id) } });
    expect(row?.processedAt).not.toBeNull();
    expect(row?.failure).toBeNull();
  });

  describe('an instance killed with updates in flight (lease: 5 s, renewed every 2 s)', () => {
    const holder = fileURLToPath(new URL('../support/inbox-holder.ts', import.meta.url));
    /** A child process that stores these updates and holds them, renewing their leases, until killed. */
    async function holdInChild(updates: Update[]): Promise<ChildProcess> {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', holder, app.database.url, JSON.stringify(updates)],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      await new Promise<void>((resolve, reject) => {
        child.stdout?.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
        child.once('exit', (code) => reject(new Error(`the holder exited (${code}) before holding`)));
      });
      return child;
    }
    const kill = (child: ChildProcess) =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    const rowsOf = (updates: Update[]) =>
      app.db.inboundUpdate.findMany({
        where: { updateId: { in: updates.map((u) => BigInt(u.update_id)) } },
        orderBy: { updateId: 'asc' },
      });
    const allHandled = async (updates: Update[]) => {
      const rows = await rowsOf(updates);
      expect(rows.map((r) => r.processedAt !== null)).toEqual(updates.map(() => true));
    };

    it('leaves a live instance’s updates alone, and runs a killed one’s within 10 s, once each', async () => {
      const chats = people.slice(0, 3);
      const updates = chats.map((u) => help(u.id));
      const before = chats.map((u) => helpAnswers(u.id));
      const child = await holdInChild(updates);
      try {
        // Alive: its leases are renewed past the first one's end while this app's recovery (every
        // 2 s) looks; the updates stay with the child.
        const [first] = await rowsOf(updates);
        const firstLease = first?.leaseUntil?.getTime() ?? 0;
        await vi.waitFor(
          async () => {
            const rows = await rowsOf(updates);
            const [db] = await app.db.$queryRaw<{ now: Date }[]>`SELECT now() AS now`;
            const now = db?.now.getTime() ?? 0;
            expect(now).toBeGreaterThan(firstLease + 2_500);
            expect(rows.every((r) => (r.leaseUntil?.getTime() ?? 0) > now)).toBe(true);
          },
          { timeout: 15_000, interval: 250 },
        );
        const held = await rowsOf(updates);
        expect(held.map((r) => [r.processedAt, r.attempts])).toEqual(updates.map(() => [null, 0]));
        expect(chats.map((u, i) => helpAnswers(u.id) - (before[i] ?? 0))).toEqual([0, 0, 0]);
      } finally {
        await kill(child);
      }
      const killedAt = performance.now();
      await vi.waitFor(() => allHandled(updates), { timeout: 12_000, interval: 50 });
      const tookMs = performance.now() - killedAt;
      console.info(
        `[faults-inbox] an instance that is up handled 3 in-flight updates ${Math.round(tookMs)} ms after the kill`,
      );
      expect(tookMs).toBeLessThan(10_000);
      const rows = await rowsOf(updates);
      expect(rows.map((r) => [r.attempts, r.failure])).toEqual(updates.map(() => [2, null]));
      expect(chats.map((u, i) => helpAnswers(u.id) - (before[i] ?? 0))).toEqual([1, 1, 1]);
    }, 40_000);

    it('a freshly started instance handles a killed one’s updates within 10 s of being up', async () => {
      // the default personas: the new instance's own simulator knows them
      const updates = defaultPersonas.slice(0, 2).map((p) => help(p.id));
      const child = await holdInChild(updates);
      await kill(child);
      await app.stop(); // no instance left
      const started = performance.now();
      let second: Kattoo | undefined;
      try {
        const config = loadConfig({
          DATABASE_URL: app.database.url,
          KATTOO_DEMO: '1',
          PORT: '0',
          LOG_LEVEL: 'silent',
          ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
        });
        second = await startKattoo(config, createLogger('silent'));
        const upAt = performance.now();
        await vi.waitFor(() => allHandled(updates), { timeout: 12_000, interval: 50 });
        const tookMs = performance.now() - upAt;
        console.info(
          `[faults-inbox] a restarted instance was up ${Math.round(upAt - started)} ms after the start and handled 2 in-flight updates ${Math.round(tookMs)} ms after being up`,
        );
        expect(tookMs).toBeLessThan(10_000);
        const rows = await rowsOf(updates);
        expect(rows.map((r) => r.attempts)).toEqual([2, 2]);
      } finally {
        await second?.stop();
      }
    }, 60_000);
  });
});
