import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two test files at a time on a two-core machine: most of a file's time is child processes and waits.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
