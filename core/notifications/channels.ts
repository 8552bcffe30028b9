// Delivery channels besides Telegram (K-NOTE-2): when a parent has blocked the bot, the message goes by
// SMS (a gateway over HTTP) or e-mail (SMTP through nodemailer). In demo mode both land in a local
// outbox that a page shows (/demo/outbox), so nothing leaves the machine.
import nodemailer from 'nodemailer';

export type Delivery = { channel: 'sms' | 'email'; id: string };

export interface SmsGateway {
  send(to: string, text: string): Promise<Delivery>;
}
export interface EmailSender {
  send(to: string, subject: string, text: string): Promise<Delivery>;
}

/** A generic HTTP SMS gateway: POST {to, text, sender} with a bearer token; answers {id}. */
export function httpSmsGateway(opts: {
  url: string;
  token?: string;
  sender?: string;
  timeoutMs?: number;
}): SmsGateway {
  return {
    async send(to, text) {
      const res = await fetch(opts.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        },
        body: JSON.stringify({ to, text, sender: opts.sender ?? 'Kattoo' }),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
      if (!res.ok) throw new Error(`SMS gateway answered ${res.status}`);
      const body = (await res.json().catch(() => ({}))) as { id?: unknown };
      return { channel: 'sms', id: typeof body.id === 'string' ? body.id : String(body.id ?? '') };
    },
  };
}

/** E-mail over SMTP (nodemailer), e.g. `smtp://user:pass@mail.example.kg:587`. */
export function smtpEmailSender(opts: { url: string; from: string }): EmailSender & { close(): void } {
  const transport = nodemailer.createTransport(opts.url);
  return {
    async send(to, subject, text) {
      const info = await transport.sendMail({ from: opts.from, to, subject, text });
      return { channel: 'email', id: info.messageId };
    },
    close: () => transport.close(),
  };
}

export type LocalMessage = { at: Date; channel: 'sms' | 'email'; to: string; subject?: string; text: string };

/** Demo only: keeps what would have been sent, newest first, for the local outbox page. */
export function localOutbox(limit = 500) {
  const messages: LocalMessage[] = [];
  const keep = (m: LocalMessage) => {
    messages.unshift(m);
    messages.length = Math.min(messages.length, limit);
  };
  return {
    sms: {
      async send(to: string, text: string): Promise<Delivery> {
        keep({ at: new Date(), channel: 'sms', to, text });
        return { channel: 'sms', id: `local-${messages.length}` };
      },
    } satisfies SmsGateway,
    email: {
      async send(to: string, subject: string, text: string): Promise<Delivery> {
        keep({ at: new Date(), channel: 'email', to, subject, text });
        return { channel: 'email', id: `local-${messages.length}` };
      },
    } satisfies EmailSender,
    messages: () => [...messages],
  };
}
export type LocalOutbox = ReturnType<typeof localOutbox>;

/** Telegram HTML to plain text for SMS and e-mail. */
export function plainText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}
