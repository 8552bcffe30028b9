import { defineConfig } from 'vitest/config';

// Browser tests: the web chat in Debian's Chromium through playwright-core (never a downloaded browser).
export default defineConfig({
  test: {
    // KATTOO_GATE_FIXTURE: .ci/run proves with a deliberately failing file that a failure fails the run
    include: process.env.KATTOO_GATE_FIXTURE ? [process.env.KATTOO_GATE_FIXTURE] : ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
