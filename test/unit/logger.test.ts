import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { log: createLogger('debug', stream), lines };
}

describe('logs hold no personal data', () => {
  it('redacts PINs, names, phones, addresses and tokens in structured fields', () => {
    const { log, lines } = capture();
    log.info(
      {
        pin: '20205199401330',
        child: { name: 'Айбек', address: 'Бишкек, Токтогула 1' },
        phone: '+996700123456',
        token: 'x',
      },
      'lookup',
    );
    const out = lines.join('');
    for (const secret of ['20205199401330', 'Айбек', 'Токтогула', '+996700123456'])
      expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });

  it('masks a 14-digit PIN that slipped into a message text', () => {
    const { log, lines } = capture();
    log.warn('no birth record for 12505201900123');
    expect(lines.join('')).not.toContain('12505201900123');
    expect(lines.join('')).toContain('[pin]');
  });
});
