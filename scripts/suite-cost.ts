/**
 * Where the test suite's time goes: runs `vitest run` (with any arguments given, e.g. one test file) and
 * accounts for its CPU time. Every Node process the suite starts writes, as it exits, its command line and
 * its CPU time (all its threads) through a preload given in NODE_OPTIONS; the whole suite's CPU time is
 * what the kernel counts for vitest and everything it waited for (/proc/self/stat's cutime and cstime).
 * Printed: the suite's wall and CPU time, the b4b-reports processes the tests start grouped by command
 * (how many, their CPU, the mean), and the rest (vitest's workers, which build documents and run
 * commands in-process, Chromium, pdftoppm and pdftotext), which is what is left; then the slowest test
 * files (vitest's JSON report), and the test files that took the most CPU: each file's own (its worker's
 * process, all threads, while the file ran) and that of the processes it started and waited for (each file
 * timed by a setup file given through a config that extends vitest.config.ts). Chromium is shared by a
 * worker's files and is counted in no file.
 *
 * Run: npx tsx scripts/suite-cost.ts [vitest arguments]
 * A machine with other work on it slows the suite; the CPU times say more than the wall time then.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface ProcessCost {
  argv: string;
  cpuMs: number;
}

/** CPU time (ms) the kernel has counted for this process's children and theirs, once waited for. */
async function childrenCpuMs(): Promise<number> {
  const stat = await readFile('/proc/self/stat', 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3; cutime and cstime are fields 16 and 17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[13]) + Number(fields[14]);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

const dir = await mkdtemp(path.join(tmpdir(), 'b4b-suite-cost-'));
const log = path.join(dir, 'processes.jsonl');
const results = path.join(dir, 'results.json');
const preload = path.join(dir, 'cost.cjs');
await writeFile(
  preload,
  `const { isMainThread } = require('node:worker_threads');
if (isMainThread) process.on('exit', () => {
  const u = process.cpuUsage();
  require('node:fs').appendFileSync(${JSON.stringify(log)}, JSON.stringify({ argv: process.argv.slice(1).join(' '), cpuMs: (u.user + u.system) / 1000 }) + '\\n');
});
`,
);

// Each test file's CPU, from a setup file that vitest runs before every file (with isolate: false, each
// worker's process runs one file at a time): the worker's own CPU while the file ran, and its waited-for children's.
// The setup file and the config that names it are written to node_modules/.cache, where their imports of vitest resolve.
const fileCosts = path.join(dir, 'files.jsonl');
await mkdir(path.join(ROOT, 'node_modules', '.cache'), { recursive: true });
const configDir = await mkdtemp(path.join(ROOT, 'node_modules', '.cache', 'b4b-suite-cost-'));
const setup = path.join(configDir, 'file-cost.ts');
await writeFile(
  setup,
  `import { appendFileSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect } from 'vitest';
// The CPU (ms) of this process's children that it has waited for: /proc/self/stat's cutime and cstime, in ticks of 10 ms.
const children = () => { const stat = readFileSync('/proc/self/stat', 'utf8'); const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); return (Number(f[13]) + Number(f[14])) * 10; };
let own, kids = 0;
beforeAll(() => { own = process.cpuUsage(); kids = children(); });
afterAll(() => {
  const used = process.cpuUsage(own);
  appendFileSync(${JSON.stringify(fileCosts)}, JSON.stringify({ file: expect.getState().testPath ?? '?', ownMs: (used.user + used.system) / 1000, childrenMs: children() - kids }) + '\\n');
});
`,
);
const config = path.join(configDir, 'vitest.config.ts');
await writeFile(
  config,
  `import { mergeConfig } from 'vitest/config';
import base from ${JSON.stringify(path.join(ROOT, 'vitest.config.ts'))};
export default mergeConfig(base, { root: ${JSON.stringify(ROOT)}, test: { setupFiles: [${JSON.stringify(setup)}] } });
`,
);

const before = await childrenCpuMs();
const start = performance.now();
const status = await new Promise<number | null>((resolve, reject) => {
  const reporters = ['--reporter=default', '--reporter=json', `--outputFile.json=${results}`];
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', config, ...reporters, ...process.argv.slice(2)],
    {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${preload}`.trim() },
    },
  );
  child.on('error', reject);
  child.on('exit', (code) => resolve(code));
});
const wallMs = performance.now() - start;
const suiteCpuMs = (await childrenCpuMs()) - before;

const processes = (await readFile(log, 'utf8').catch(() => ''))
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as ProcessCost);
const groups = new Map<string, { count: number; cpuMs: number }>();
let cliMs = 0;
for (const p of processes) {
  const command = /bin\/b4b-reports\.js(?:\s+(-{0,2}[a-z][\w-]*))?/.exec(p.argv);
  if (!command) continue;
  const name = `b4b-reports ${command[1] ?? '(no command)'}`;
  const group = groups.get(name) ?? { count: 0, cpuMs: 0 };
  group.count += 1;
  group.cpuMs += p.cpuMs;
  groups.set(name, group);
  cliMs += p.cpuMs;
}

/** The test files that took longest (wall time, as vitest times a file, two files running at a time), from vitest's JSON report. */
function slowestFiles(json: string, count = 12): string[] {
  if (json === '') return [];
  const report = JSON.parse(json) as { testResults: Array<{ name: string; startTime: number; endTime: number; assertionResults: unknown[] }> };
  const files = report.testResults.map((f) => ({ name: path.relative(ROOT, f.name), ms: f.endTime - f.startTime, tests: f.assertionResults.length }));
  const total = files.reduce((n, f) => n + f.ms, 0);
  return [
    `the ${Math.min(count, files.length)} slowest test files (of ${files.length}; all files together ${(total / 1000).toFixed(0)} s, two at a time):`,
    ...files
      .sort((a, b) => b.ms - a.ms)
      .slice(0, count)
      .map((f) => `  ${f.name.padEnd(48)}${String(f.tests).padStart(4)} tests${s(f.ms)}`),
  ];
}

/** The test files that took the most CPU: their own and their processes'. */
function costliestFiles(jsonl: string, count = 12): string[] {
  const files = jsonl
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { file: string; ownMs: number; childrenMs: number });
  if (files.length === 0) return [];
  const cpu = (f: { ownMs: number; childrenMs: number }): number => f.ownMs + f.childrenMs;
  const sum = (of: (f: (typeof files)[number]) => number): number => files.reduce((n, f) => n + of(f), 0);
  return [
    `the ${Math.min(count, files.length)} test files that took the most CPU (all ${files.length} together: ${s(sum((f) => f.ownMs)).trim()} their own, ` +
      `${s(sum((f) => f.childrenMs)).trim()} their processes'; Chromium in neither):`,
    `  ${'file'.padEnd(48)}${'own'.padStart(9)}${'processes'.padStart(10)}`,
    ...files
      .sort((a, b) => cpu(b) - cpu(a))
      .slice(0, count)
      .map((f) => `  ${path.relative(ROOT, f.file).padEnd(48)}${s(f.ownMs)}${s(f.childrenMs).padStart(10)}`),
  ];
}

const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`.padStart(9);
const lines = [
  `vitest run ${process.argv.slice(2).join(' ')}: exit ${status}, ${s(wallMs).trim()} wall, ${s(suiteCpuMs).trim()} CPU (all processes)`,
  `b4b-reports processes the tests started: ${[...groups.values()].reduce((n, g) => n + g.count, 0)}, ${s(cliMs).trim()} CPU (${((100 * cliMs) / suiteCpuMs).toFixed(0)}%)`,
  `  ${'command'.padEnd(28)}${'count'.padStart(6)}${'CPU'.padStart(9)}${'mean'.padStart(9)}`,
  ...[...groups]
    .sort((a, b) => b[1].cpuMs - a[1].cpuMs)
    .map(([name, g]) => `  ${name.padEnd(28)}${String(g.count).padStart(6)}${s(g.cpuMs)}${s(g.cpuMs / g.count)}`),
  `the rest (vitest and its workers, Chromium, pdftoppm, pdftotext, other scripts): ${s(suiteCpuMs - cliMs).trim()} CPU`,
  '(a process killed by a signal, as some tests do on purpose, writes no line: its CPU is counted in the rest)',
  ...slowestFiles(await readFile(results, 'utf8').catch(() => '')),
  ...costliestFiles(await readFile(fileCosts, 'utf8').catch(() => '')),
];
process.stdout.write(`\n${lines.join('\n')}\n`);
await rm(dir, { recursive: true, force: true });
await rm(configDir, { recursive: true, force: true });
process.exitCode = status ?? 1;
