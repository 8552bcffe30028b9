// Personal data kept only as long as needed (issue 13, item 4): the daily retention run deletes what is
// past its period and nothing younger; "delete my data" in the bot deletes what is the parent's to
// delete and keeps submitted applications (the school's record), saying so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../../bot/i18n.ts';
import { AdjustableClock } from '../../core/clock.ts';
import { RETENTION, retentionService } from '../../core/services/retention.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

const DAY = 86_400_000;

describe('personal data retention and "delete my data"', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  }, 120_000);
  afterAll(() => app.close());

  let seq = 0;
  const application = (telegramId: number, status: 'draft' | 'submitted', campaignId = '2026-27') => {
    seq++;
    return app.db.application.create({
      data: {
        number: `T-${seq}`,
        campaignId,
        telegramId: BigInt(telegramId),
        applicantPin: `1010119900${String(seq).padStart(4, '0')}`,
        childPin: `2010120190${String(seq).padStart(4, '0')}`,
        certificateSeries: 'KR-X',
        certificateNumber: String(100000 + seq),
        status,
      },
    });
  };

  it('deletes what is past its period, and keeps what is not', async () => {
    const now = new Date();
    const clock = new AdjustableClock(now);
    const old = (ms: number) => new Date(now.getTime() - ms - DAY);
    const young = (ms: number) => new Date(now.getTime() - ms + DAY);
    const db = app.db;
    await db.inboundUpdate.createMany({
      data: [
        { updateId: 9_100_001n, chatKey: '1', payload: {}, processedAt: old(RETENTION.handledUpdatesMs) },
        { updateId: 9_100_002n, chatKey: '1', payload: {}, processedAt: new Date(now.getTime() - 60_000) },
      ],
    });
    await db.campaign.create({
      data: {
        id: '2025-26',
        academicYear: '2025/26',
        birthFrom: new Date('2018-09-01'),
        birthTo: new Date('2019-08-31'),
        documentsDeadline: new Date('2025-08-25'),
        active: false,
      },
    });
    const stale = await application(5001, 'draft', '2025-26');
    const staleSubmitted = await application(5002, 'submitted', '2025-26');
    await db.$executeRaw`UPDATE application SET updated_at = ${old(RETENTION.staleDraftsMs)} WHERE id IN (${stale.id}, ${staleSubmitted.id})`;
    const current = await application(5003, 'draft');
    await db.accessLog.createMany({
      data: [
        {
          at: old(RETENTION.accessLogMs),
          staffMemberId: 1,
          telegramId: 1n,
          role: 'director',
          childPin: 'x',
          what: 'card',
          purpose: 'admission',
        },
        {
          at: young(RETENTION.accessLogMs),
          staffMemberId: 1,
          telegramId: 1n,
          role: 'director',
          childPin: 'y',
          what: 'card',
          purpose: 'admission',
        },
      ],
    });

    const counts = await retentionService(db, clock).run();
    expect(counts).toMatchObject({ updates: 1, drafts: 1, accessLog: 1 });
    expect(await db.inboundUpdate.findUnique({ where: { updateId: 9_100_002n } })).not.toBeNull();
    expect(await db.application.findUnique({ where: { id: stale.id } })).toBeNull();
    // a submitted application is the school's record; a draft of the running campaign is still wanted
    expect(await db.application.findUnique({ where: { id: staleSubmitted.id } })).not.toBeNull();
    expect(await db.application.findUnique({ where: { id: current.id } })).not.toBeNull();
    expect(await db.accessLog.count({ where: { childPin: 'y' } })).toBe(1);
    expect(await db.auditEvent.count({ where: { action: 'retention.run' } })).toBe(1);
  });

  it('lets a parent delete their data from /privacy, keeping a submitted application and saying so', async () => {
    const u = app.user(2);
    u.start();
    await u.waitForBotMessage();
    const id = BigInt(u.id);
    await app.db.identityLink.create({ data: { telegramId: id, pin: '21212199000011' } });
    await application(u.id, 'draft');
    const kept = await application(u.id, 'submitted');
    const t = translator('ru'); // this persona's Telegram speaks Russian

    u.send('/privacy');
    await u.waitForBotMessage((m) => m.text === t('privacy:policy').replace(/<\/?b>/g, ''));
    u.press(t('privacy:forget_button'));
    await u.waitForBotMessage((m) => m.text === t('privacy:forget_confirm'));
    u.press(t('privacy:forget_yes'));
    const done = await u.waitForBotMessage((m) =>
      (m.text ?? '').startsWith(t('privacy:forgotten', { count: 1 })),
    );
    expect(done.text).toContain(t('privacy:kept', { count: 1 }));

    expect(await app.db.identityLink.findUnique({ where: { telegramId: id } })).toBeNull();
    expect(await app.db.application.count({ where: { telegramId: id, status: 'draft' } })).toBe(0);
    expect(await app.db.application.findUnique({ where: { id: kept.id } })).not.toBeNull();
    expect(await app.db.auditEvent.count({ where: { action: 'privacy.forget' } })).toBe(1);
  });

  it('describes the bot in every language before Start', () => {
    const set = app.sim.calls.filter((c) => c.method === 'setMyDescription');
    expect(set.map((c) => c.params.language_code ?? 'default').sort()).toEqual(['default', 'en', 'ky', 'ru']);
  });
});
