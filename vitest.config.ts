import { defineConfig } from 'vitest/config';

// One config, two legs: scripts/test.mjs runs it with PARTNERDESK_TEST_STORE=pglite, then =postgres.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['test/setup/global.ts'],
    reporters: ['default', './test/setup/summary-reporter.ts'],
  },
});
