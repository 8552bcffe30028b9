import { describe, expect, it } from 'vitest';
import { batcher } from '../../core/db/batch.ts';

describe('batcher (group writes)', () => {
  it('runs calls made together as one batch and answers each with its own result', async () => {
    const runs: number[][] = [];
    const double = batcher<number, number>(async (items) => {
      runs.push(items);
      return items.map((i) => i * 2);
    });
    expect(await Promise.all([1, 2, 3].map(double))).toEqual([2, 4, 6]);
    expect(runs).toEqual([[1, 2, 3]]);
  });

  it('gathers the calls made while a batch is in flight into the next one, up to max', async () => {
    const runs: number[][] = [];
    let release: () => void = () => {};
    const echo = batcher<number, number>(
      async (items) => {
        runs.push(items);
        if (runs.length === 1) await new Promise<void>((r) => (release = r));
        return items;
      },
      { max: 3 },
    );
    const first = echo(0);
    await new Promise((r) => setImmediate(r));
    const later = [1, 2, 3, 4].map(echo);
    release();
    expect(await Promise.all([first, ...later])).toEqual([0, 1, 2, 3, 4]);
    expect(runs).toEqual([[0], [1, 2, 3], [4]]);
  });

  it('fails every call of a failed batch, and the next batch runs again', async () => {
    let fail = true;
    const f = batcher<number, number>(async (items) => {
      if (fail) throw new Error('database down');
      return items;
    });
    const failed = await Promise.allSettled([f(1), f(2)]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await f(3)).toBe(3);
  });
});
