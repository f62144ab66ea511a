/**
 * Benchmark: what pathological workbooks cost (issue 15, bounded input). Each case runs in this
 * process, timed, with the heap's peak noted:
 *   commentary  the sample workbook with its first October 2023 performance commentary cell made
 *               1 MB and 10 MB long: read + the performance report (model, charts, layout);
 *   rows        a workbook of one table with 200,000 indicator rows: `validate`'s read and checks;
 *   bomb        a 1.35 MB .xlsx whose sheet XML unpacks to 450 MB: read (refused).
 * Run: npm run bench:faults [-- commentary rows bomb] [-- --sizes 1,10] [-- --timeout 300]
 * (B4B_BENCH_MAX_PART_MB=128 raises the per-part ceiling, to time a large workbook's whole read).
 * A case still running at --timeout seconds (default 300) is killed and reported as such.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface CaseResult {
  name: string;
  seconds: number;
  /** CPU time of the case's process (user + system): less swayed than wall time by other work on the machine. */
  cpuSeconds: number;
  outcome: string;
  peakRssMb: number;
}

async function commentaryWorkbook(file: string, chars: number): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path.join(ROOT, 'data', 'b4b-sample.xlsx'));
  const sheet = workbook.getWorksheet('Commentary');
  if (!sheet) throw new Error('the sample has no Commentary sheet');
  const sentence = 'The number of referrals into Children & Family First increased by 26% from September, as the hub applied threshold. ';
  let done = false;
  sheet.eachRow((row, r) => {
    if (done || r === 1) return;
    if (row.getCell(2).text === 'performance' && row.getCell(4).text === 'progress-analysis') {
      row.getCell(5).value = sentence.repeat(Math.ceil(chars / sentence.length)).slice(0, chars);
      done = true;
    }
  });
  await workbook.xlsx.writeFile(file);
}

async function rowsWorkbook(file: string, rows: number): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false });
  const sheet = workbook.addWorksheet('Data');
  const months = ['Apr-23', 'May-23', 'Jun-23', 'Jul-23', 'Aug-23', 'Sep-23', 'Oct-23'];
  sheet.addRow(['Rows']).commit();
  sheet.addRow(['Ref_ID', 'Indicator', ...months, 'Target']).commit();
  for (let i = 0; i < rows; i++) sheet.addRow([i, `Number of measure ${i}`, ...months.map((_, m) => (i + m) % 97), 50]).commit();
  sheet.commit();
  await workbook.commit();
}

async function runCase(kind: 'report' | 'validate', file: string): Promise<string> {
  const { loadSettings } = await import('../src/config/settings.js');
  const loaded = await loadSettings();
  // B4B_BENCH_MAX_PART_MB raises the per-part ceiling, to time what lies behind it.
  if (process.env.B4B_BENCH_MAX_PART_MB) loaded.settings.limits.maxPartBytes = Number(process.env.B4B_BENCH_MAX_PART_MB) * 1024 * 1024;
  try {
    // The stages of readWorkbookFile, timed one by one: the file and archive check, exceljs, the reader's checks.
    const { readWorkbookBytes } = await import('../src/workbook/read-workbook-file.js');
    const { checkArchive } = await import('../src/workbook/check-archive.js');
    const { loadWorkbook } = await import('../src/workbook/load-workbook.js');
    const { buildDataset } = await import('../src/dataset/build-dataset.js');
    const t0 = performance.now();
    const bytes = await readWorkbookBytes(file, loaded.settings.limits);
    await checkArchive(bytes, file, loaded.settings.limits);
    const t1 = performance.now();
    const raw = await loadWorkbook(bytes, file, loaded.settings.limits);
    const t2 = performance.now();
    const checked = buildDataset(raw, loaded.aliases, loaded.catalogue, new Date(), loaded.settings.limits);
    const t3 = performance.now();
    const stages = `check ${((t1 - t0) / 1000).toFixed(2)} s, exceljs ${((t2 - t1) / 1000).toFixed(2)} s, reader ${((t3 - t2) / 1000).toFixed(2)} s`;
    const counts = `${checked.findings.filter((f) => f.severity === 'error').length} errors, ${checked.findings.filter((f) => f.severity === 'warning').length} warnings`;
    if (kind === 'validate') {
      const { formatFindingGroups } = await import('../src/cli/print-findings.js');
      const text = formatFindingGroups(checked.findings, 'Findings', loaded.settings.limits.maxFindingsPerKind);
      return `read (${stages}): ${counts}; printed ${text.split('\n').length} lines in ${((performance.now() - t3) / 1000).toFixed(2)} s`;
    }
    const [{ readRunConfig, withDataset }, { produceReport }, { produceContext }, { layOut }] = await Promise.all([
      import('../src/inputs/run-inputs.js'),
      import('../src/produce/report.js'),
      import('../src/produce/context.js'),
      import('../src/layout/layout-threads.js'),
    ]);
    const config = await readRunConfig(loaded, [{ kind: 'report', name: 'performance' }]);
    const inputs = withDataset(config, checked.dataset);
    const output = await produceReport(inputs, { name: 'performance', month: '2023-10' }, produceContext(layOut));
    return `read (${stages}) and report (${((performance.now() - t3) / 1000).toFixed(2)} s): ${counts}; PDF ${(output.pdf.byteLength / 1024).toFixed(0)} KB`;
  } catch (error) {
    return `refused: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 200)}`;
  }
}

function timed(name: string, file: string, kind: 'report' | 'validate', timeoutS: number): CaseResult {
  const start = performance.now();
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', kind, file], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: timeoutS * 1000,
    killSignal: 'SIGKILL',
  });
  const seconds = (performance.now() - start) / 1000;
  const report = /^RESULT (\d+) (\S+) (.*)$/m.exec(child.stdout ?? '');
  const outcome =
    report?.[3] ??
    (child.signal
      ? `still running after ${timeoutS} s (killed)`
      : `crashed (exit ${child.status}): ${(child.stderr ?? '').trim().split('\n').slice(-3).join(' | ').slice(0, 300)}`);
  return { name, seconds, cpuSeconds: report?.[2] ? Number(report[2]) : -1, outcome, peakRssMb: report?.[1] ? Number(report[1]) : -1 };
}

if (process.argv[2] === '--child') {
  const kind = process.argv[3] as 'report' | 'validate';
  const file = process.argv[4] ?? '';
  const outcome = await runCase(kind, file);
  const usage = process.resourceUsage();
  process.stdout.write(`RESULT ${Math.round(usage.maxRSS / 1024)} ${((usage.userCPUTime + usage.systemCPUTime) / 1e6).toFixed(2)} ${outcome}\n`);
} else {
  const args = process.argv.slice(2);
  const option = (flag: string): string | undefined => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const timeoutS = Number(option('--timeout') ?? 300);
  const sizes = (option('--sizes') ?? '1,10').split(',').map(Number);
  const named = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
  const cases = named.length > 0 ? named : ['commentary', 'rows', 'bomb'];
  const dir = await mkdtemp(path.join(tmpdir(), 'b4b-bench-faults-'));
  const results: CaseResult[] = [];
  try {
    if (cases.includes('commentary')) {
      for (const mb of sizes) {
        const file = path.join(dir, `commentary-${mb}mb.xlsx`);
        await commentaryWorkbook(file, mb * 1024 * 1024);
        results.push(timed(`commentary ${mb} MB: read + performance report`, file, 'report', timeoutS));
      }
    }
    if (cases.includes('rows')) {
      const file = path.join(dir, 'rows-200k.xlsx');
      await rowsWorkbook(file, 200_000);
      const size = (await readFile(file)).byteLength;
      results.push(timed(`200,000 indicator rows (${(size / 1024 / 1024).toFixed(1)} MB .xlsx): validate's read and print`, file, 'validate', timeoutS));
    }
    if (cases.includes('bomb')) {
      const { zipBombWorkbook } = await import('../test/fixtures/zip.js');
      const file = path.join(dir, 'bomb.xlsx');
      const bytes = await zipBombWorkbook(450);
      await writeFile(file, bytes);
      results.push(timed(`zip bomb (${(bytes.byteLength / 1024 / 1024).toFixed(2)} MB, sheet XML 450 MB): read`, file, 'validate', timeoutS));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  for (const r of results) {
    process.stdout.write(`${r.name}\n  ${r.seconds.toFixed(2)} s wall, ${r.cpuSeconds.toFixed(2)} s CPU, peak RSS ${r.peakRssMb} MB: ${r.outcome}\n`);
  }
}
