import { defineConfig } from 'vitest/config';

// Playwright specs live in test/e2e and are run by `playwright test`, never by vitest.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One temp folder for the run, removed at its end (test/temp-root.ts).
    globalSetup: ['test/vitest-global-setup.ts'],
  },
});
