// A deliberately failing test: .ci/run runs it through the suite's own configuration and global set-up
// and fails CI if the run exits 0 (the gate must be able to fail).
import { expect, it } from 'vitest';

it('fails on purpose', () => {
  expect(1).toBe(2);
});
