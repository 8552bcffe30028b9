// A deliberately failing hook: every test passes, but the set-up before them throws. A run of this file
// must exit non-zero too.
import { beforeAll, expect, it } from 'vitest';

beforeAll(() => {
  throw new Error('a hook that fails on purpose');
});

it('would pass', () => {
  expect(1).toBe(1);
});
