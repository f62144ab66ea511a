import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // The program's diagnostics as text, as on a terminal, in every process the tests start (piped, it speaks JSON
    // lines: the tests of that set B4B_LOG_FORMAT=json).
    env: { B4B_LOG_FORMAT: 'text' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two test files at a time on a two-core machine: most of a file's time is child processes and waits.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
