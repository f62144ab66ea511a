/**
 * Benchmark: the October 2023 performance report from the sample workbook, stage by stage
 * (read, model, charts, layout, write), in one process, then the whole CLI run as a user starts it.
 * Run: npm run bench:report [-- --runs 5]
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import writeFileAtomic from 'write-file-atomic';

const t0 = performance.now();
const { loadSettings } = await import('../src/config/settings.js');
const { readWorkbookFile } = await import('../src/workbook/read-workbook-file.js');
const { readRunConfig, withDataset } = await import('../src/inputs/run-inputs.js');
const { produceReport } = await import('../src/produce/report.js');
const { produceContext } = await import('../src/produce/context.js');
const { layOut } = await import('../src/layout/layout-threads.js');
const importMs = performance.now() - t0;

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;
const loaded = await loadSettings();
const config = await readRunConfig(loaded, [{ kind: 'report', name: 'performance' }]);
const dir = await mkdtemp(path.join(tmpdir(), 'b4b-bench-report-'));

type Stage = 'read' | 'model' | 'charts' | 'layout' | 'write' | 'total';
const times: Record<Stage, number[]> = { read: [], model: [], charts: [], layout: [], write: [], total: [] };
let pages = 0;
let charts = 0;
let bytes = 0;
for (let i = 0; i < runs; i++) {
  const start = performance.now();
  const { dataset } = await readWorkbookFile(loaded.paths.workbook, loaded.aliases, loaded.catalogue);
  const afterRead = performance.now();
  const inputs = withDataset(config, dataset);
  const output = await produceReport(inputs, { name: 'performance', month: '2023-10' }, produceContext(layOut));
  const beforeWrite = performance.now();
  await writeFileAtomic(path.join(dir, 'performance-2023-10.pdf'), output.pdf);
  const end = performance.now();
  times.read.push(afterRead - start);
  times.model.push(output.timings.model);
  times.charts.push(output.timings.charts);
  times.layout.push(output.timings.layout);
  times.write.push(end - beforeWrite);
  times.total.push(end - start);
  pages = (output.pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  charts = output.blocks.reduce((n, b) => n + (b.kind === 'charts' ? b.charts.length : 0), 0);
  bytes = output.pdf.length;
}

const cliStart = performance.now();
const cli = spawnSync(
  process.execPath,
  [path.join(loaded.paths.root, 'bin/b4b-reports.js'), 'run', '--force', '--month', '2023-10', '--report', 'performance'],
  {
    encoding: 'utf8',
  },
);
const cliMs = performance.now() - cliStart;
await rm(dir, { recursive: true, force: true });

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? 0;
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const row = (stage: Stage): string => `  ${stage.padEnd(7)} first ${s(times[stage][0] ?? 0)}   median of later runs ${s(median(times[stage].slice(1)))}`;
process.stdout.write(
  [
    `October 2023 performance report: ${pages} pages, ${charts} charts, ${(bytes / 1024).toFixed(0)} KiB; ${runs} runs in one process`,
    `  imports ${s(importMs)} (exceljs, pdfmake, handlebars)`,
    ...(['read', 'model', 'charts', 'layout', 'write', 'total'] as Stage[]).map(row),
    `Whole CLI run (new process, "b4b-reports run --month 2023-10 --report performance", writes output/2023-10/): ${s(cliMs)} wall, exit ${cli.status}`,
  ].join('\n') + '\n',
);
