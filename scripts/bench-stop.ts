/**
 * Benchmark: how soon SIGTERM stops a board pack run, and the longest the run blocks its event loop.
 * Starts `b4b-reports run --month 2023-10 --pack board --force` in a temp project, sends SIGTERM at
 * several delays after the build starts, and prints the time from the signal to the process's exit
 * (it should be under a second), the exit code (143) and whether the last good pack is unchanged.
 * Then runs the same pack in this process with monitorEventLoopDelay and prints the longest block, with
 * the layout thread as `run` uses it and without: a signal is acted on only between blocks, so that is
 * the bound on the time to stop.
 * Run: npm run bench:stop
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const project = await mkdtemp(path.join(tmpdir(), 'b4b-bench-stop-'));
await cp(path.join(root, 'config'), path.join(project, 'config'), { recursive: true });
await cp(path.join(root, 'templates'), path.join(project, 'templates'), { recursive: true });
const settings = path.join(project, 'config', 'b4b.yaml');
await writeFile(settings, (await readFile(settings, 'utf8')).replace(/^workbook: .*$/m, `workbook: ${path.join(root, 'data', 'b4b-sample.xlsx')}`));
const args = [path.join(root, 'bin', 'b4b-reports.js'), 'run', '--month', '2023-10', '--pack', 'board', '--force', '--settings', settings];
const pack = path.join(project, 'output', '2023-10', 'board-2023-10-public.pdf');
const sha = async (): Promise<string> =>
  createHash('sha256')
    .update(await readFile(pack))
    .digest('hex');

spawnSync(process.execPath, args, { stdio: 'ignore' });
const good = await sha();
const lines: string[] = [];
for (const delay of [0, 250, 500, 1000, 1500, 2000]) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  while (!stderr.includes('Building the board pack')) await new Promise((resolve) => setTimeout(resolve, 10));
  await new Promise((resolve) => setTimeout(resolve, delay));
  const sent = performance.now();
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  lines.push(
    `SIGTERM ${delay} ms into the build: stopped after ${(performance.now() - sent).toFixed(0)} ms, exit ${code}, last good pack ${(await sha()) === good ? 'unchanged' : 'CHANGED'}`,
  );
}

const { loadSettings } = await import('../src/config/settings.js');
const { readWorkbookFile } = await import('../src/workbook/read-workbook-file.js');
const { readRunConfig, withDataset } = await import('../src/inputs/run-inputs.js');
const { producePack } = await import('../src/produce/pack.js');
const { produceContext } = await import('../src/produce/context.js');
const { layOut, startLayoutThreads, stopLayoutThreads } = await import('../src/layout/layout-threads.js');
const loaded = await loadSettings({ settingsFile: settings });
// As `run` does it (the layout thread), then with every document laid out in this thread.
for (const where of ['in the layout thread', 'in the main thread']) {
  if (where === 'in the layout thread') startLayoutThreads();
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const { dataset } = await readWorkbookFile(loaded.paths.workbook, loaded.aliases, loaded.catalogue);
  const config = await readRunConfig(loaded, [{ kind: 'pack', name: 'board' }]);
  const inputs = withDataset(config, dataset);
  await producePack(inputs, 'board', '2023-10', produceContext(layOut), { numberItemFiles: true });
  histogram.disable();
  await stopLayoutThreads();
  lines.push(
    `in-process board pack, documents laid out ${where}: longest event-loop block ${(histogram.max / 1e6).toFixed(0)} ms, 99th percentile ${(histogram.percentile(99) / 1e6).toFixed(0)} ms`,
  );
}
process.stdout.write(`Stopping a board pack run\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
await rm(project, { recursive: true, force: true });
