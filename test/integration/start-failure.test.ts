// A start that fails says what failed and what to do, and exits non-zero (issue 10: one start on this
// machine ended with `triggerUncaughtException(undefined)` and nothing else).
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { adviceFor, describeFailure } from '../../bot/start-failure.ts';

describe('a failed start', () => {
  it('names the unreachable database and the remedy, and exits 1', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
      env: {
        ...process.env,
        DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/none',
        KATTOO_DEMO: '1',
        PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (b) => (err += b));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(1);
    expect(err).toMatch(/^Kattoo did not start: .*127\.0\.0\.1:1/m);
    expect(err).toMatch(/DATABASE_URL/);
  }, 60_000);

  it('turns a rejection without an error, and a taken port, into words', () => {
    expect(describeFailure(undefined)).toMatch(/without a message/);
    const taken = Object.assign(new Error('listen EADDRINUSE: address already in use 0.0.0.0:3000'), {
      code: 'EADDRINUSE',
    });
    expect(adviceFor(taken)).toMatch(/Port 3000 is taken.*PORT=/);
    expect(adviceFor(new Error('something new'))).toMatch(/LOG_LEVEL=debug/);
  });
});
