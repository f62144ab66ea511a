/**
 * Benchmark: reads a generated workbook with 5 years of months and 500 indicators, in the real
 * layout (titled tables of 25 indicators, several sheets, percentages as fractions and as text,
 * "-" and blanks), and times each stage. Run: npm run bench:read [-- --runs 5]
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import ExcelJS from 'exceljs';
import { loadSettings } from '../src/config/settings.js';
import { buildDataset } from '../src/dataset/build-dataset.js';
import { loadWorkbook } from '../src/workbook/load-workbook.js';
import { addMonths, monthLabel, type MonthKey } from '../src/model/month.js';

const MONTHS = 60;
const INDICATORS = 500;
const PER_TABLE = 25;
const TABLES_PER_SHEET = 5;

async function writeBenchWorkbook(file: string): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const months: MonthKey[] = Array.from({ length: MONTHS }, (_, i) => addMonths('2019-01', i));
  let sheet: ExcelJS.Worksheet | undefined;
  let r = 0;
  for (let t = 0; t < INDICATORS / PER_TABLE; t++) {
    if (t % TABLES_PER_SHEET === 0) {
      sheet = workbook.addWorksheet(`Data ${t / TABLES_PER_SHEET + 1}`);
      r = 1;
    }
    if (!sheet) throw new Error('no sheet');
    sheet.getCell(r, 3).value = `Section ${t + 1}`;
    r += 1;
    const headerRow = [
      '',
      'Ref_ID',
      'Indicator',
      ...months.map(monthLabel),
      'Target',
      'RAG',
      'Direction of travel',
      "So'ton 21/22",
      'Statistical Neighbours',
      'South East',
      'England',
    ];
    headerRow.forEach((text, c) => {
      if (text && sheet) sheet.getCell(r, c + 1).value = text;
    });
    r += 1;
    for (let i = 0; i < PER_TABLE; i++) {
      const n = t * PER_TABLE + i;
      const percent = n % 3 === 0;
      const row = sheet.getRow(r);
      row.getCell(2).value = n % 4 === 0 ? n : null;
      row.getCell(3).value = percent ? `Percentage of measure ${n}` : `Number of measure ${n}`;
      months.forEach((_, m) => {
        const cell = row.getCell(4 + m);
        if (m < 3 && n % 5 === 0) cell.value = '-';
        else if (percent && n % 2 === 0) cell.value = `${(m * 7 + n) % 100}%`;
        else if (percent) {
          cell.value = ((m * 7 + n) % 100) / 100;
          cell.numFmt = '0%';
        } else cell.value = (m * 13 + n * 7) % 2000;
      });
      row.getCell(4 + MONTHS).value = percent ? '<36%' : 500;
      r += 1;
    }
    r += 2;
  }
  await workbook.xlsx.writeFile(file);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;
const dir = await mkdtemp(path.join(tmpdir(), 'b4b-bench-'));
const file = path.join(dir, 'bench.xlsx');
let t0 = performance.now();
await writeBenchWorkbook(file);
const writeMs = performance.now() - t0;
const bytes = await readFile(file);
const { aliases, catalogue } = await loadSettings();
const timings = { load: [] as number[], dataset: [] as number[], total: [] as number[] };
let summary = '';
for (let i = 0; i < runs; i++) {
  t0 = performance.now();
  const raw = await loadWorkbook(bytes, file);
  const t1 = performance.now();
  const { dataset, findings } = buildDataset(raw, aliases, catalogue);
  const t2 = performance.now();
  timings.load.push(t1 - t0);
  timings.dataset.push(t2 - t1);
  timings.total.push(t2 - t0);
  const rows = dataset.tables.reduce((n, t) => n + t.rows.length, 0);
  const byCode = new Map<string, number>();
  for (const f of findings) byCode.set(f.code, (byCode.get(f.code) ?? 0) + 1);
  summary =
    `${dataset.tables.length} tables, ${rows} indicators, ${dataset.tables[0]?.months.length ?? 0} months; findings: ` +
    ([...byCode].map(([code, n]) => `${n} ${code}`).join(', ') || 'none');
}
await rm(dir, { recursive: true, force: true });
const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
process.stdout.write(
  [
    `Benchmark workbook: ${INDICATORS} indicators x ${MONTHS} months (${(bytes.length / 1024).toFixed(0)} KiB), written in ${fmt(writeMs)}`,
    `Read: ${summary}`,
    `Median of ${runs} runs: exceljs load + cell interpretation ${fmt(median(timings.load))}, tables + checks ${fmt(median(timings.dataset))}, total ${fmt(median(timings.total))}`,
    `Peak RSS ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`,
  ].join('\n') + '\n',
);
