/**
 * Benchmark: reading the run ledger when it is full. Every run, `history` and the console read the whole
 * ledger (RunLedger.readAll): the current file and its rotated generations, up to LIMITS.fileBytes each.
 * This writes a ledger of that size from a record like a month run's (the performance report's, with its
 * 32 workbook warnings, about 10 KB), then reads it in fresh processes, as a command does: wall and CPU
 * time of readAll, the median of several. With --fill F, the ledger is F of its limit (0.25: a quarter).
 *
 * Run: npx tsx scripts/bench-ledger.ts [--runs 5] [--fill 1]
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LIMITS } from '../src/run/ledger.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Number(arg('--runs')) || 5;
const FILL = Number(arg('--fill')) || 1;

if (process.argv[2] === '--read') {
  // In a fresh process: read the ledger once, as a command does, and print the time it took.
  const { RunLedger } = await import('../src/run/ledger.js');
  const [file = '', outputDir = ''] = process.argv.slice(3);
  const cpu = process.cpuUsage();
  const start = performance.now();
  const contents = await new RunLedger(file, { outputDir }).readAll();
  const used = process.cpuUsage(cpu);
  process.stdout.write(JSON.stringify({ wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000, records: contents.records.length }));
  process.exit(0);
}

const dir = await mkdtemp(path.join(tmpdir(), 'b4b-bench-ledger-'));
const outputDir = path.join(dir, 'output');
const runs = path.join(outputDir, 'runs');
await mkdir(runs, { recursive: true });
const warning = (i: number): string =>
  `b4b-sample.xlsx › 'B4B data set'!AD${8 + i}: Number of referrals into statutory service in the month: the workbook's RAG is 1 (Green), but 277 in Oct-23 against the target 273 is Amber; the reports print Amber`;
const record = (n: number): string =>
  JSON.stringify({
    id: `20231110T070000Z-${n.toString(36).padStart(6, '0')}`,
    target: { kind: 'report', name: 'performance' },
    month: '2023-10',
    trigger: 'on-demand',
    startedAt: '2023-11-10T07:00:00.000Z',
    finishedAt: '2023-11-10T07:00:03.000Z',
    durationMs: 3000,
    workbook: { path: '/srv/b4b/data/b4b.xlsx', sha256: 'a'.repeat(64) },
    outcome: 'success',
    outputs: [
      { path: path.join(outputDir, '2023-10', 'performance-2023-10.pdf'), sha256: 'b'.repeat(64) },
      { path: path.join(outputDir, '2023-10', 'performance-2023-10.html'), sha256: 'c'.repeat(64) },
    ],
    warnings: Array.from({ length: 32 }, (_, i) => warning(i)),
    changes: [],
    figures: `20231110T070000Z-${n.toString(36)}.figures.json.gz`,
    set: { name: 'report-performance', id: `20231110T070000Z-${n.toString(36)}` },
  });
let n = 0;
let bytes = 0;
for (let generation: number = LIMITS.generations; generation >= 0; generation--) {
  const lines: string[] = [];
  let size = 0;
  while (size < LIMITS.fileBytes * FILL - 20_000) {
    const line = record(n++);
    lines.push(line);
    size += line.length + 1;
  }
  bytes += size;
  await writeFile(path.join(runs, generation === 0 ? 'ledger.jsonl' : `ledger.${generation}.jsonl`), `${lines.join('\n')}\n`);
}
const ledger = path.join(runs, 'ledger.jsonl');

const results: Array<{ wallMs: number; cpuMs: number; records: number }> = [];
for (let i = 0; i <= RUNS; i++) {
  const child = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), fileURLToPath(import.meta.url), '--read', ledger, outputDir], {
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(child.stderr);
  if (i > 0) results.push(JSON.parse(child.stdout) as { wallMs: number; cpuMs: number; records: number }); // the first warms the file cache
}
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
process.stdout.write(
  `a ledger of ${(bytes / 1024 / 1024).toFixed(1)} MB (${LIMITS.generations + 1} files, ${results[0]?.records ?? 0} records, ${(FILL * 100).toFixed(0)}% of its limit), read once in a fresh process: ` +
    `${median(results.map((r) => r.wallMs)).toFixed(0)} ms wall, ${median(results.map((r) => r.cpuMs)).toFixed(0)} ms CPU (median of ${RUNS})\n`,
);
await rm(dir, { recursive: true, force: true });
