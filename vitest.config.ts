import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // KATTOO_GATE_FIXTURE: .ci/run proves with a deliberately failing file that a failure fails the run
    include: process.env.KATTOO_GATE_FIXTURE
      ? [process.env.KATTOO_GATE_FIXTURE]
      : ['test/{unit,integration,bot,sim}/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
