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
    // Both kept from start to end: a worker tinypool ends while the run goes on can fail the whole run with an
    // unhandled "Terminating worker thread" (vitest-dev/vitest#8133, #8564; seen here once with three workers).
    minWorkers: 2,
    // Test files share a worker's loaded modules, as a long-running console or scheduler shares them between
    // runs: what a run keeps lives in its own ProduceContext, and the rest are memos of pure work (fonts,
    // number formats). Loading pdfmake, exceljs, Chart.js and the program once per worker rather than once per
    // file takes the suite from about 4½ minutes to about 3 on two cores.
    isolate: false,
  },
});
