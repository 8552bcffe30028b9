import { describe, expect, it } from 'vitest';
import { shutDown } from '../../bot/shutdown.ts';
import { createLogger } from '../../core/logger.ts';

const log = createLogger('silent');

describe('stopping (decision 0013)', () => {
  it('drains before it stops, then exits 0', async () => {
    const steps: string[] = [];
    const exited = new Promise<number>((resolve) =>
      shutDown(
        {
          drain: () => steps.push('drain'),
          stop: async () => {
            steps.push('stop');
          },
          drainMs: 20,
          timeoutMs: 5_000,
          exit: resolve,
          log,
        },
        'SIGTERM',
      ),
    );
    expect(await exited).toBe(0);
    expect(steps).toEqual(['drain', 'stop']);
  });

  it('exits 1 at the bound when the stop hangs', async () => {
    const started = Date.now();
    const code = await new Promise<number>((resolve) => {
      void shutDown(
        {
          drain: () => {},
          stop: () => new Promise(() => {}),
          drainMs: 0,
          timeoutMs: 200,
          exit: resolve,
          log,
        },
        'SIGTERM',
      );
    });
    expect(code).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });
});
