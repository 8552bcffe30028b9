// K-NOTE-2: Telegram first; a parent who blocked the bot is marked unreachable and reached by SMS (an
// HTTP gateway) or e-mail (SMTP); in demo mode both land in the local outbox page.
import { createServer } from 'node:http';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpSmsGateway, smtpEmailSender } from '../../core/notifications/channels.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

describe('delivery adapters', () => {
  it('posts an SMS to the HTTP gateway with its token, and refuses a failing gateway', async () => {
    const seen: { auth?: string; body: unknown }[] = [];
    let fail = false;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, body: JSON.parse(body) });
        res.writeHead(fail ? 503 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'sms-1' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    const gateway = httpSmsGateway({ url: `http://127.0.0.1:${port}/send`, token: 't0k3n' });
    expect(await gateway.send('+996700123456', 'Орун бошоду')).toEqual({ channel: 'sms', id: 'sms-1' });
    expect(seen[0]).toEqual({
      auth: 'Bearer t0k3n',
      body: { to: '+996700123456', text: 'Орун бошоду', sender: 'Kattoo' },
    });
    fail = true;
    await expect(gateway.send('+996700123456', 'x')).rejects.toThrow(/503/);
    server.close();
  });

  it('sends e-mail over SMTP with Kyrgyz text intact', async () => {
    const received: string[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, done) {
        let data = '';
        stream.on('data', (c) => {
          data += c;
        });
        stream.on('end', () => {
          received.push(data);
          done();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    const { port } = smtp.server.address() as { port: number };
    const sender = smtpEmailSender({ url: `smtp://127.0.0.1:${port}`, from: 'Kattoo <no-reply@kattoo.kg>' });
    const d = await sender.send(
      'parent@example.kg',
      'Kattoo: 1-класска каттоо',
      'Балаңызга орун берилди: ң ө ү',
    );
    expect(d.channel).toBe('email');
    expect(received).toHaveLength(1);
    expect(received[0]).toMatch(/To: parent@example\.kg/);
    sender.close();
    await new Promise<void>((r) => smtp.close(() => r()));
  });
});

describe('a parent who blocked the bot gets the message by SMS (demo: the local outbox)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  }, 120_000);
  afterAll(() => app.close());

  it('marks them unreachable, sends the SMS to their application’s phone, and keeps the delivery status', async () => {
    const u = app.user(1);
    u.start();
    await u.waitForBotMessage(/Тилди тандаңыз|1-класска/);
    const school = await app.db.school.findFirstOrThrow({ where: { participates: true, special: false } });
    await app.db.application.create({
      data: {
        number: '2026-9999999',
        campaignId: '2026-27',
        telegramId: BigInt(u.id),
        applicantPin: '10101199000001',
        childPin: '20101201900001',
        certificateSeries: 'KG',
        certificateNumber: '1',
        phone: '+996700111222',
        schoolId: school.id,
        language: school.languages[0],
      },
    });
    u.block();
    const message = await app.db.outboxMessage.create({
      data: {
        telegramId: BigInt(u.id),
        kind: 'seat_offered',
        params: { number: '2026-9999999', schoolId: school.id, language: school.languages[0] },
      },
    });
    await app.notifications.drain();
    const sms = app.localOutbox?.messages().find((m) => m.to === '+996700111222');
    expect(sms?.channel).toBe('sms');
    expect(sms?.text).toContain('2026-9999999');
    expect(sms?.text).not.toMatch(/<\/?b>/);
    expect((await app.db.outboxMessage.findUniqueOrThrow({ where: { id: message.id } })).status).toBe('sms');
    expect(
      (await app.db.chatUser.findUniqueOrThrow({ where: { telegramId: BigInt(u.id) } })).unreachableAt,
    ).not.toBeNull();
    const page = await (await fetch(`${app.url}/demo/outbox?lang=ru`)).text();
    expect(page).toContain('Локальные исходящие сообщения');
    expect(page).toContain('+996700111222');
  });
});
