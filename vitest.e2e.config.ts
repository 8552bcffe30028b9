import { defineConfig } from 'vitest/config';

// Browser tests: the web chat in Debian's Chromium through playwright-core (never a downloaded browser).
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
