import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30000,
    hookTimeout: 60000,
    pool: 'forks',
    // Says loudly when the PostgreSQL suites are skipped (THUTIN_TEST_PG_URL unset).
    // and how many tests were skipped for a missing outside tool (test/helpers/tools.ts).
    globalSetup: ['test/helpers/pg-notice.ts', 'test/helpers/tools-notice.ts'],
  },
});
