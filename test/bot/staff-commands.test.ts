// Staff commands appear to linked staff only, and disappear with the link (contract: Telegram).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';

describe('staff commands per chat', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  }, 120_000);
  afterAll(() => app.close());

  it('shows a director their commands after the invite, and only the public ones after revocation', async () => {
    const director = app.sim.personas().find((p) => p.role === 'director');
    if (!director) throw new Error('no director persona');
    const u = app.user(app.sim.personas().indexOf(director));
    const school = await app.db.school.findFirstOrThrow({ where: { participates: true, special: false } });
    const invite = await app.services.identity.createStaffInvite({
      role: 'director',
      scope: school.code,
      createdBy: { kind: 'cli', id: 'test' },
    });
    if (!('token' in invite)) throw new Error('invite refused');
    expect(app.sim.commandsFor(u.chatId).map((c) => c.command)).not.toContain('quotas');

    u.start(`staff_${invite.token}`);
    await u.waitForBotMessage(/директор|director/i);
    u.send('/help');
    await u.waitForBotMessage(/Каттоо эмне кылат|Что умеет|What Kattoo/);
    await app.dispatcher.idle();
    const commands = app.sim.commandsFor(u.chatId).map((c) => c.command);
    expect(commands).toEqual(
      expect.arrayContaining(['school', 'quotas', 'classes', 'charter', 'start', 'schools']),
    );
    expect(app.sim.commandsFor(u.chatId, 'ru').find((c) => c.command === 'quotas')?.description).toBe(
      'Квоты: места и размер класса',
    );
    // a parent's chat never sees them
    expect(app.sim.commandsFor(app.user(1).chatId).map((c) => c.command)).not.toContain('quotas');

    const [link] = await app.services.identity.staffRoles(u.id);
    await app.services.identity.revokeStaff(link?.id as number, { kind: 'cli', id: 'test' });
    u.send('/help');
    await u.waitForBotMessage(/Каттоо эмне кылат|Что умеет|What Kattoo/);
    await app.dispatcher.idle();
    expect(app.sim.commandsFor(u.chatId).map((c) => c.command)).not.toContain('quotas');
  });
});
