import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDataset } from '../../src/dataset/build-dataset.js';
import type { Dataset } from '../../src/dataset/types.js';
import { formatFinding } from '../../src/findings/finding.js';
import type { GridTableModel } from '../../src/report/finance-model.js';
import { money000 } from '../../src/report/money.js';
import type { ReportDocument as ReportOutput } from '../../src/produce/report.js';
import { loadWorkbook } from '../../src/workbook/load-workbook.js';
import { pdfPageCount, pdfText } from '../fixtures/pdf-text.js';
import { configuredReport, SAMPLE, sampleDataset } from '../fixtures/sample-report.js';
import { buildWorkbook, header, projectConfig } from '../fixtures/workbooks.js';

let dataset: Dataset;
let report: ReportOutput;
let text: string;
let workbook: ExcelJS.Workbook;

const tables = (): GridTableModel[] => report.blocks.filter((b): b is GridTableModel => b.kind === 'grid-table');
const table = (title: string): GridTableModel => {
  const found = tables().find((t) => t.title.startsWith(title));
  if (!found) throw new Error(`no table ${title}`);
  return found;
};
/** A printed £000 figure back to thousands: "(220)" is -220, "4,210" is 4210. */
const thousands = (cell: unknown): number => {
  const textCell = String(cell);
  const n = Number(textCell.replace(/[(),£]/g, ''));
  return textCell.startsWith('(') ? -n : n;
};

beforeAll(async () => {
  dataset = await sampleDataset();
  report = await configuredReport('finance', '2023-10', dataset);
  text = pdfText(report.pdf);
  workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(SAMPLE);
});

describe('the October 2023 finance report', () => {
  it('totals equal the sums of their rows', () => {
    const revenue = table('Revenue position');
    const body = revenue.rows.filter((r) => !r.total);
    const total = revenue.rows.find((r) => r.total);
    for (const col of [1, 2]) {
      const pounds = dataset.finance.revenue
        .filter((r) => r.month === '2023-10')
        .reduce((n, r) => n + (col === 1 ? r.budget.value : r.forecastOutturn.value), 0);
      expect(total?.cells[col]).toBe(money000(pounds));
      // Printed rows add up to the printed total, give or take rounding of each row to £000.
      expect(Math.abs(body.reduce((n, r) => n + thousands(r.cells[col]), 0) - thousands(total?.cells[col]))).toBeLessThanOrEqual(body.length / 2);
    }
    const placements = table('Placements');
    const placementTotal = placements.rows.find((r) => r.total);
    expect(Number(placementTotal?.cells[1])).toBe(placements.rows.filter((r) => !r.total).reduce((n, r) => n + Number(r.cells[1]), 0));
    const plans = table('Cost reduction plans');
    const planTotal = plans.rows.find((r) => r.total);
    expect(thousands(planTotal?.cells[2])).toBe(plans.rows.filter((r) => !r.total).reduce((n, r) => n + thousands(r.cells[2]), 0));
    expect(thousands(planTotal?.cells[2])).toBe(600);
  });

  it('every printed amount traces to its cell in the workbook', () => {
    const cellValue = (source: { sheet?: string; cell?: string }): number => {
      const cell = workbook.getWorksheet(source.sheet ?? '')?.getCell(source.cell ?? '');
      expect(typeof cell?.value, `${source.sheet}!${source.cell}`).toBe('number');
      return Number(cell?.value);
    };
    let checked = 0;
    for (const t of tables()) {
      for (const row of t.rows) {
        for (const trace of row.traces ?? []) {
          const [a, b] = trace.from.map(cellValue);
          const expected = trace.op === 'value' ? a! : a! - b!;
          const printed = row.cells[trace.column];
          const forms = [money000(expected), String(expected), `£${expected.toLocaleString('en-GB')}`, expected < 0 ? `(${-expected})` : String(expected)];
          expect(forms, `${t.title}: ${trace.from.map((f) => `${f.sheet}!${f.cell}`).join(' - ')} printed as ${JSON.stringify(printed)}`).toContain(printed);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(60);
  });

  it('carries the exemption wording on every page, and the money key', () => {
    const pages = pdfPageCount(report.pdf);
    for (let page = 1; page <= pages; page++) {
      expect(pdfText(report.pdf, { firstPage: page, lastPage: page }), `page ${page}`).toContain(
        'NOT FOR PUBLICATION by virtue of category 3 of paragraph 10.4 of the Access to Information Procedure Rules',
      );
    }
    expect(text).toContain('an underspend is shown in brackets');
    expect(text).toContain('(220)');
  });

  it('reconciles placements with the performance figures: the sample agrees', () => {
    expect(report.warnings).toEqual([]);
  });

  it('warns, naming both cells, when a placement number disagrees with the performance figure', async () => {
    const altered: Dataset = {
      ...dataset,
      finance: {
        ...dataset.finance,
        placements: dataset.finance.placements.map((p) =>
          p.month === '2023-10' && p.placementType.startsWith('Independent fostering') ? { ...p, number: { ...p.number, value: 150 } } : p,
        ),
      },
    };
    const output = await configuredReport('finance', '2023-10', altered);
    const ifa = dataset.finance.placements.find((p) => p.month === '2023-10' && p.placementType.startsWith('Independent fostering'));
    expect(output.warnings.map((w) => w.message)).toEqual([
      `Independent fostering agency (IFA): 150 placements in b4b-sample.xlsx › 'Finance placements'!${ifa?.number.source.cell} but 141 in ` +
        "b4b-sample.xlsx › 'B4B data set'!AB46 (Number of CLA placed in IFA placements as at the end of the month, Oct-23); expected the same number",
    ]);
  });
});

describe('finance sheets: bad amounts are errors naming their cells', () => {
  it('a missing budget, and text in an amount', async () => {
    const { aliases, catalogue } = await projectConfig();
    const bytes = await buildWorkbook([
      { name: 'B4B data set', rows: [header(), [undefined, undefined, 'Number of contacts in the month', 1, 2, 3, 4, 5, 6]] },
      {
        name: 'Finance revenue',
        rows: [
          ['Month', 'Service area', 'Budget', 'Forecast outturn', 'Commentary'],
          ['2023-10', 'Fostering & Adoption', undefined, 5360000, ''],
          ['2023-10', 'Agency staffing', 1400000, '1.5m?', ''],
        ],
      },
    ]);
    const { findings } = buildDataset(await loadWorkbook(bytes, 'finance.xlsx'), aliases, catalogue);
    expect(findings.filter((f) => f.severity === 'error').map(formatFinding)).toEqual([
      "finance.xlsx › 'Finance revenue'!C2: the Budget is blank (Fostering & Adoption); expected a number",
      `finance.xlsx › 'Finance revenue'!D3: "1.5m?" is not a number (Agency staffing, Forecast outturn)`,
    ]);
  });

  it('a zero budget under a forecast is an error, never a Green variance', async () => {
    const { aliases, catalogue } = await projectConfig();
    const bytes = await buildWorkbook([
      { name: 'B4B data set', rows: [header(), [undefined, undefined, 'Number of contacts in the month', 1, 2, 3, 4, 5, 6]] },
      {
        name: 'Finance revenue',
        rows: [
          ['Month', 'Service area', 'Budget', 'Forecast outturn', 'Commentary'],
          ['2023-10', 'Fostering & Adoption', 0, 5360000, ''],
        ],
      },
    ]);
    const { dataset, findings } = buildDataset(await loadWorkbook(bytes, 'finance.xlsx'), aliases, catalogue);
    expect(findings.filter((f) => f.severity === 'error').map(formatFinding)).toEqual([
      "finance.xlsx › 'Finance revenue'!C2: the budget is £0 against a forecast outturn of £5,360,000 (Fostering & Adoption), so the variance % of budget and its RAG cannot be worked out; expected the service area's budget, more than £0",
    ]);
    expect(dataset.finance.revenue).toEqual([]);
  });

  it('a finance report for a month without revenue rows is refused', async () => {
    await expect(configuredReport('finance', '2023-03', dataset)).rejects.toThrow(
      'b4b-sample.xlsx has no revenue rows for March 2023 in its Finance revenue sheet, so the finance report cannot be produced; the latest month with revenue rows is October 2023',
    );
  });
});

it('the sample finance figures are marked illustrative in the workbook', async () => {
  const notes = (await readFile(SAMPLE)).length > 0 ? workbook.getWorksheet('Notes') : undefined;
  const all: string[] = [];
  notes?.eachRow((row) => all.push(row.getCell(1).text));
  expect(all.join('\n')).toContain('ILLUSTRATIVE FIGURES ONLY');
});
