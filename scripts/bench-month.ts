/**
 * Benchmark: the whole of October 2023 (`b4b-reports run --month 2023-10`: every report and both packs,
 * public and restricted, item files and HTML twins) as a user starts it, through the bin, in a temp
 * project; stage by stage (imports, read, model, charts, layout, html, assembly, write) and for the whole
 * command: wall time, CPU time and peak RSS, the median of several fresh processes. Then the same for the
 * performance report alone, and `--help`. With --separately, also the six commands one by one (the route
 * scripts/setup.sh took before the month run).
 *
 * Run: npm run bench:month [-- --runs 5] [-- --separately] [-- --vs-browser]
 * --vs-browser: each command timed in turn with headless Chromium printing a report of the same size
 * (scripts/browser-peer.ts), pair by pair, and the ratio of each pair's wall times given as a median: a
 * comparison that holds on a shared machine whose speed drifts.
 * Stage times come from the run itself (B4B_STAGE_TIMES, src/cli/stage-clock.ts); process totals from
 * a preload that writes process.resourceUsage() at exit. Documents are laid out in the layout thread
 * (src/layout/layout-threads.ts), alongside the main thread's stages: its busy time is shown apart,
 * as wall time only (the CPU columns are the whole process's, all threads, during each main-thread stage). The machine's load is printed before and after:
 * on a shared machine, read the CPU times as well as the wall times.
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { writeBrowserPeer } from './browser-peer.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'b4b-reports.js');
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Number(arg('--runs')) || 5;
const STAGES = ['imports', 'read', 'model', 'charts', 'layout', 'html', 'assembly', 'write'] as const;

interface Totals {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
}
interface Measured {
  /** Wall time seen by this process, spawn to exit. */
  wallMs: number;
  status: number | null;
  process: Totals;
  stages: Record<string, Totals & { count: number }>;
  /** What the layout thread reported doing (wall time; it runs alongside the main thread's stages). */
  thread: Record<string, { wallMs: number; count: number }>;
}

const dir = await mkdtemp(path.join(tmpdir(), 'b4b-bench-month-'));
await cp(path.join(ROOT, 'config'), path.join(dir, 'config'), { recursive: true });
await cp(path.join(ROOT, 'templates'), path.join(dir, 'templates'), { recursive: true });
const settings = path.join(dir, 'config', 'b4b.yaml');
await writeFile(settings, (await readFile(settings, 'utf8')).replace(/^workbook: .*$/m, `workbook: ${path.join(ROOT, 'data', 'b4b-sample.xlsx')}`));
const usagePreload = path.join(dir, 'usage.cjs');
await writeFile(
  usagePreload,
  `process.on('exit', () => { const u = process.resourceUsage(); require('node:fs').writeFileSync(process.env.B4B_BENCH_USAGE, JSON.stringify({ wallMs: performance.now(), cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, peakRssMb: u.maxRSS / 1024 })); });\n`,
);

async function once(args: string[]): Promise<Measured> {
  const stageFile = path.join(dir, `stages-${Math.random().toString(36).slice(2)}.json`);
  const usageFile = `${stageFile}.usage`;
  const start = performance.now();
  const status = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', usagePreload, BIN, ...args], {
      cwd: dir,
      env: { ...process.env, B4B_STAGE_TIMES: stageFile, B4B_BENCH_USAGE: usageFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) process.stderr.write(`b4b-reports ${args.join(' ')} exited ${code}:\n${stderr}\n`);
      resolve(code);
    });
  });
  const wallMs = performance.now() - start;
  const usage = JSON.parse(await readFile(usageFile, 'utf8')) as Totals;
  const { stages, thread } = await readFile(stageFile, 'utf8')
    .then((t) => JSON.parse(t) as Pick<Measured, 'stages' | 'thread'>)
    .catch(() => ({ stages: {}, thread: {} }));
  return { wallMs, status, process: usage, stages, thread: thread ?? {} };
}

async function repeat(args: string[]): Promise<Measured[]> {
  await once(args); // warm the file cache; not counted
  const out: Measured[] = [];
  for (let i = 0; i < RUNS; i++) out.push(await once(args));
  return out;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`.padStart(8);
const mb = (v: number): string => `${v.toFixed(0)} MB`.padStart(7);

function table(title: string, runs: Measured[]): string[] {
  const lines = [title, `  ${'stage'.padEnd(16)}${'wall'.padStart(8)}${'cpu'.padStart(9)}  peak RSS at its end`];
  let wallSum = 0;
  let cpuSum = 0;
  for (const stage of STAGES) {
    const present = runs.map((r) => r.stages[stage]).filter((t): t is Totals & { count: number } => t !== undefined);
    if (present.length === 0) continue;
    const wall = median(present.map((t) => t.wallMs));
    const cpu = median(present.map((t) => t.cpuMs));
    wallSum += wall;
    cpuSum += cpu;
    lines.push(
      `  ${stage.padEnd(16)}${s(wall)} ${s(cpu)}  ${mb(median(present.map((t) => t.peakRssMb)))}   (${present[0]?.count ?? 0} timed section(s) a run)`,
    );
  }
  const wall = median(runs.map((r) => r.wallMs));
  const cpu = median(runs.map((r) => r.process.cpuMs));
  for (const stage of ['layout', 'charts']) {
    const present = runs.map((r) => r.thread[stage]).filter((t) => t !== undefined);
    if (present.length === 0) continue;
    // Documents are laid out in the layout thread; their charts are drawn in the main thread as the layout hands them on.
    const where = stage === 'layout' ? 'layout thread' : 'main thread, beside the layout';
    lines.push(
      `  ${`${stage} (beside)`.padEnd(16)}${s(median(present.map((t) => t.wallMs)))}        -           (${present[0]?.count ?? 0} document(s), in the ${where}, alongside the stages above)`,
    );
  }
  lines.push(
    `  ${'other'.padEnd(16)}${s(Math.max(0, median(runs.map((r) => r.process.wallMs)) - wallSum))} ${s(Math.max(0, cpu - cpuSum))}           (main thread: settings, ledger, figure comparison, waiting for the layout thread, exit)`,
  );
  lines.push(
    `  ${'whole command'.padEnd(16)}${s(wall)} ${s(cpu)}  ${mb(median(runs.map((r) => r.process.peakRssMb)))}   (median of ${runs.length}; exit ${[...new Set(runs.map((r) => r.status))].join(',')})`,
  );
  return lines;
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const out: string[] = [`bench:month on ${process.platform}, Node ${process.versions.node}; load average before: ${load()}`];
const month = await repeat(['run', '--month', '2023-10', '--force', '--settings', settings]);
out.push(...table('run --month 2023-10 (every report and both packs, item files, HTML twins), through the bin:', month));
const performanceRuns = await repeat(['run', '--month', '2023-10', '--report', 'performance', '--force', '--settings', settings]);
out.push(...table('run --month 2023-10 --report performance, through the bin:', performanceRuns));
const help = await repeat(['--help']);
out.push(
  `--help: ${s(median(help.map((r) => r.wallMs)))} wall, ${s(median(help.map((r) => r.process.cpuMs)))} cpu, ${mb(median(help.map((r) => r.process.peakRssMb)))} (median of ${help.length})`,
);

if (process.argv.includes('--separately')) {
  const six = [
    ['--month', '2023-10', '--report', 'performance'],
    ['--month', '2023-07', '--report', 'clinic-safeguarding'],
    ['--month', '2023-07', '--report', 'clinic-pathways-through-care'],
    ['--month', '2023-10', '--report', 'finance'],
    ['--month', '2023-10', '--pack', 'panel'],
    ['--month', '2023-10', '--pack', 'board'],
  ];
  const totals: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    let wall = 0;
    let cpu = 0;
    for (const args of six) {
      const r = await once(['run', ...args, '--force', '--settings', settings]);
      wall += r.wallMs;
      cpu += r.process.cpuMs;
    }
    totals.push(wall);
    cpus.push(cpu);
  }
  out.push(`The six commands one by one (the clinics for July 2023): ${s(median(totals))} wall, ${s(median(cpus))} cpu (median of ${RUNS})`);
}

if (process.argv.includes('--vs-browser')) {
  const peer = await writeBrowserPeer(path.join(dir, 'browser-peer'));
  const browser = async (): Promise<number> => {
    const start = performance.now();
    await new Promise<void>((resolve, reject) => {
      const child = spawn(peer.command[0] ?? '', peer.command.slice(1), { stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', () => resolve());
    });
    return performance.now() - start;
  };
  await browser(); // warm the file cache and the profile; not counted
  for (const [name, args] of [
    ['the whole month', ['run', '--month', '2023-10', '--force', '--settings', settings]],
    ['the performance report alone', ['run', '--month', '2023-10', '--report', 'performance', '--force', '--settings', settings]],
  ] as const) {
    const ours: number[] = [];
    const theirs: number[] = [];
    const ratios: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const a = (await once([...args])).wallMs;
      const b = await browser();
      ours.push(a);
      theirs.push(b);
      ratios.push(a / b);
    }
    out.push(
      `${name} against headless Chromium printing one 30-chart report, in turn: ${s(median(ours))} vs ${s(median(theirs))} wall (medians), ` +
        `ratio ${median(ratios).toFixed(2)}x (median of ${RUNS} pairs; range ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`,
    );
  }
}

const targets = [
  ['whole month <= 3.0 s wall', median(month.map((r) => r.wallMs)) <= 3000],
  ['whole month peak RSS <= 350 MB', median(month.map((r) => r.process.peakRssMb)) <= 350],
  ['performance report alone <= 1.2 s wall', median(performanceRuns.map((r) => r.wallMs)) <= 1200],
  ['--help <= 0.2 s wall', median(help.map((r) => r.wallMs)) <= 200],
] as const;
out.push(`Targets: ${targets.map(([name, met]) => `${name}: ${met ? 'met' : 'MISSED'}`).join('; ')}`);
out.push(`load average after: ${load()}`);
process.stdout.write(`${out.join('\n')}\n`);
await rm(dir, { recursive: true, force: true });
