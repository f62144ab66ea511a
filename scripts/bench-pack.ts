/**
 * Benchmark: the whole October 2023 board pack (performance report, finance report, two clinics,
 * front sheet, public and restricted assembly, item files), stage by stage, then the whole CLI run.
 * Run: npm run bench:pack
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const t0 = performance.now();
const { loadSettings } = await import('../src/config/settings.js');
const { readWorkbookFile } = await import('../src/workbook/read-workbook-file.js');
const { readRunConfig, withDataset } = await import('../src/inputs/run-inputs.js');
const { producePack } = await import('../src/produce/pack.js');
const { produceContext } = await import('../src/produce/context.js');
const { layOut } = await import('../src/layout/layout-threads.js');
const importMs = performance.now() - t0;

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const lines: string[] = [`imports ${s(importMs)}`];
for (const run of [1, 2]) {
  const start = performance.now();
  const loaded = await loadSettings();
  const { dataset } = await readWorkbookFile(loaded.paths.workbook, loaded.aliases, loaded.catalogue);
  const afterRead = performance.now();
  const config = await readRunConfig(loaded, [{ kind: 'pack', name: 'board' }]);
  const inputs = withDataset(config, dataset);
  const output = await producePack(inputs, 'board', '2023-10', produceContext(layOut), { numberItemFiles: true });
  const end = performance.now();
  const t = output.timings;
  lines.push(
    `run ${run}: read ${s(afterRead - start)}, model ${s(t.model)}, charts ${s(t.charts)}, layout ${s(t.layout)}, ` +
      `other document work ${s(t.reports - t.model - t.charts - t.layout)}, assembly (both variants, front sheet, item files) ${s(t.assembly)}; ` +
      `total ${s(end - start)}; ${output.variants.restricted.pageCount} pages restricted, ${output.variants.public.pageCount} public`,
  );
}
const cliStart = performance.now();
const cli = spawnSync(process.execPath, [path.resolve('bin/b4b-reports.js'), 'run', '--force', '--month', '2023-10', '--pack', 'board'], { encoding: 'utf8' });
lines.push(
  `Whole CLI run ("b4b-reports run --month 2023-10 --pack board", new process, writes 8 files): ${s(performance.now() - cliStart)} wall, exit ${cli.status}`,
);
process.stdout.write(`Board pack, October 2023\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
