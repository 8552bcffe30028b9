// Redis, the session store, killed (SIGKILL) and restarted empty under the whole Kattoo (review F4,
// decision 0006): /readyz reports it; a press during the outage is told at once that it is not lost,
// is not marked processed, and is carried out once Redis is back — held in the process for a short
// outage, left in the inbox for recovery for a long one; Kattoo serves again without a restart.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { INBOX_RECOVERY_EVERY_MS } from '../../bot/app.ts';
import { day } from '../../bot/features/parent/wizard/text.ts';
import { guessLanguage, type Translate, translator } from '../../bot/i18n.ts';
import { generateDemoWorld } from '../../prisma/demo/world.ts';
import { type DemoPopulationRow, demoPopulationRows } from '../../sim/registry/demo-population.ts';
import { type BotMessage, messageText, type SimUser } from '../../sim/telegram/client.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { hasRedisServer, type RedisServer, spawnRedisServer } from '../support/redis.ts';

const has = (s: string | RegExp) => (m: BotMessage) =>
  typeof s === 'string' ? messageText(m).includes(s) : s.test(messageText(m));
/** the wizard's step n in any of the three languages */
const step = (n: number) => new RegExp(`${n}-кадам|шаг ${n}|step ${n}`, 'i');
const HOLD_MS = 3_000;

async function readyz(app: TestApp) {
  const res = await fetch(`${app.url}/readyz`);
  return { status: res.status, body: (await res.json()) as { checks: Record<string, boolean> } };
}

/** Polls until `test` holds; returns the milliseconds it took. */
async function until(test: () => Promise<boolean> | boolean, withinMs: number, what: string) {
  const started = performance.now();
  while (!(await test())) {
    if (performance.now() - started > withinMs) throw new Error(`not within ${withinMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return performance.now() - started;
}

describe.runIf(hasRedisServer)('Redis killed and restarted under Kattoo (F4)', () => {
  let redis: RedisServer;
  let app: TestApp;
  let families: DemoPopulationRow[];
  let next = 1;

  beforeAll(async () => {
    redis = await spawnRedisServer();
    app = await startTestApp({ REDIS_URL: redis.url }, { sessionHoldMs: HOLD_MS });
    const population = app.registry.population;
    if (!population) throw new Error('the demo app runs the registry simulator');
    families = [...demoPopulationRows(population, generateDemoWorld(), { limit: 3 })];
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await redis?.kill();
  });
  afterEach(async () => {
    // every case leaves Redis up for the next one
    await redis.restart().catch(() => {});
  });

  /** A signed-in parent of the next demo family at step 2 (the registry's data, "Confirm"). */
  async function atStep2(): Promise<{ u: SimUser; t: Translate; confirm: BotMessage }> {
    const family = families[next - 1];
    if (!family) throw new Error('not enough demo families');
    const u = app.user(next++);
    const lang = guessLanguage(u.persona.languageCode);
    const t = translator(lang);
    await app.db.identityLink.create({ data: { telegramId: BigInt(u.id), pin: family.parent_pin } });
    u.send('/apply');
    const list = await u.waitForBotMessage(has(step(1)), 15_000);
    const child = u.buttons(list).find((b) => b.includes(day(family.child_birth_date, lang)));
    if (!child) throw new Error('no button for the family’s child');
    u.press(child);
    return { u, t, confirm: await u.waitForBotMessage(has(step(2)), 15_000) };
  }

  const inboxRow = (updateId: number) =>
    app.db.inboundUpdate.findUniqueOrThrow({ where: { updateId: BigInt(updateId) } });
  const lastUpdateId = async (chat: number) =>
    Number(
      (
        await app.db.inboundUpdate.findFirstOrThrow({
          where: { chatKey: String(chat) },
          orderBy: { updateId: 'desc' },
        })
      ).updateId,
    );

  it('/readyz reports Redis: green, red while it is down, green again by itself', async () => {
    const up = await readyz(app);
    expect(up.status).toBe(200);
    expect(up.body.checks.redis).toBe(true);
    await redis.kill();
    const down = await readyz(app);
    expect(down.status).toBe(503);
    expect(down.body.checks.redis).toBe(false);
    await redis.restart();
    const ms = await until(async () => (await readyz(app)).status === 200, 10_000, '/readyz green again');
    console.info(`[F4] /readyz green ${Math.round(ms)} ms after redis-server was ready again`);
  });

  it('a press during a short outage: told at once, kept unprocessed, carried out when Redis is back', async () => {
    const { u, t, confirm } = await atStep2();
    await redis.kill();
    const pressed = performance.now();
    const { callbackQueryId } = u.press(t('wizard:confirm.yes'), confirm);
    await u.waitForBotMessage(has(t('errors.session_store_down')), 2_000);
    const toldMs = performance.now() - pressed;
    expect(await u.waitForCallbackAnswer(callbackQueryId as string)).toMatchObject({
      text: t('errors.session_store_down_short'),
    });
    const row = await inboxRow(await lastUpdateId(u.chatId));
    expect(row.processedAt).toBeNull();

    await redis.restart();
    const back = performance.now();
    await u.waitForBotMessage(has(step(3)), HOLD_MS + 5_000);
    const servedMs = performance.now() - back;
    await until(async () => (await inboxRow(Number(row.updateId))).processedAt !== null, 5_000, 'marked');
    const handled = await inboxRow(Number(row.updateId));
    expect(handled.failure).toBeNull();
    // nothing was said twice and nothing went wrong: no "something went wrong" in the chat
    expect(u.botMessages().some((m) => messageText(m).includes(t('errors.internal')))).toBe(false);
    console.info(
      `[F4] told ${Math.round(toldMs)} ms after the press; the held press answered ${Math.round(servedMs)} ms after redis-server was ready again`,
    );
  });

  it('a press during a long outage is left in the inbox, untouched while Redis is down, and run when it is back', async () => {
    const { u, t, confirm } = await atStep2();
    await redis.kill();
    u.press(t('wizard:confirm.yes'), confirm);
    await u.waitForBotMessage(has(t('errors.session_store_down')), 2_000);
    const updateId = await lastUpdateId(u.chatId);
    // past the hold the process gives the update back to the inbox
    await app.dispatcher.idle();
    const row = await inboxRow(updateId);
    expect(row.processedAt).toBeNull();
    expect(row.failure).toBeNull();

    // its lease runs out while Redis is still down: recovery leaves it alone (no attempt spent, the
    // person not told again) — an absence, so observed after the lease and two recovery rounds
    const quiet = (row.leaseUntil?.getTime() ?? Date.now()) + 2 * INBOX_RECOVERY_EVERY_MS + 500;
    await until(() => Date.now() > quiet, 30_000, 'the lease and two recovery rounds');
    const waiting = await inboxRow(updateId);
    expect(waiting.processedAt).toBeNull();
    expect(waiting.attempts).toBe(row.attempts);
    const told = u.botMessages().filter((m) => messageText(m).includes(t('errors.session_store_down')));
    expect(told).toHaveLength(1);
    expect(u.botMessages().some((m) => messageText(m).includes(t('errors.internal')))).toBe(false);

    // Redis back: the inbox's own recovery runs the press, no restart and no help from the test
    await redis.restart();
    const back = performance.now();
    const asked = performance.now();
    u.send('/help');
    await u.waitForBotMessage(has('/schools'), 5_000);
    const helpMs = performance.now() - asked;
    await u.waitForBotMessage(has(step(3)), 15_000);
    const recoveredMs = performance.now() - back;
    await until(async () => (await inboxRow(updateId)).processedAt !== null, 5_000, 'marked');
    const done = await inboxRow(updateId);
    expect(done.failure).toBeNull();
    console.info(
      `[F4] after Redis returned: a new command answered in ${Math.round(helpMs)} ms; the press left in the inbox answered after ${Math.round(recoveredMs)} ms`,
    );
  });
});
