import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDataset } from '../../src/dataset/build-dataset.js';
import type { Dataset } from '../../src/dataset/types.js';
import { formatFinding } from '../../src/findings/finding.js';
import type { GridCell, GridTableModel } from '../../src/report/finance-model.js';
import { money000 } from '../../src/report/money.js';
import { ReportFigures } from '../../src/report/report-figures.js';
import type { ReportDocument as ReportOutput } from '../../src/produce/report.js';
import { loadWorkbook } from '../../src/workbook/load-workbook.js';
import { pdfPageCount, pdfText } from '../fixtures/pdf-text.js';
import { configuredReport, SAMPLE, sampleDataset } from '../fixtures/sample-report.js';
import { buildWorkbook, header, projectConfig, type FixtureCell } from '../fixtures/workbooks.js';

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
/** A printed cell's text (a RAG cell has none). */
const cellText = (cell: GridCell | undefined): string => (typeof cell === 'string' ? cell : '');
/** A printed £000 figure back to thousands: "(220)" is -220, "4,210" is 4210. */
const thousands = (cell: unknown): number => {
  const textCell = String(cell);
  const n = Number(textCell.replace(/[(),£]/g, ''));
  return textCell.startsWith('(') ? -n : n;
};

/** What reading a workbook of these sheets (beside one indicator table, as every workbook has) gives and says. */
async function readSheets(sheets: Parameters<typeof buildWorkbook>[0], file: string) {
  const { aliases, catalogue } = await projectConfig();
  const bytes = await buildWorkbook([
    { name: 'B4B data set', rows: [header(), [undefined, undefined, 'Number of contacts in the month', 1, 2, 3, 4, 5, 6]] },
    ...sheets,
  ]);
  const { dataset, findings } = buildDataset(await loadWorkbook(bytes, file), aliases, catalogue);
  const said = (severity: 'error' | 'warning'): string[] => findings.filter((f) => f.severity === severity).map(formatFinding);
  return { dataset, said: findings.map(formatFinding), errors: said('error'), warnings: said('warning') };
}

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

describe('the finance report reads as one document', () => {
  it('prints each heading once: a table titled as its section has no second title', () => {
    for (const heading of ['Summary', 'Main variances', 'Placements', 'Agency staffing', 'Cost reduction plans']) {
      expect(
        text.split('\n').filter((line) => line.trim() === heading),
        heading,
      ).toHaveLength(1);
    }
  });

  it('has one total row for the cost reduction plans when their targets make up the £600k target, and a second only when they do not', async () => {
    expect(
      table('Cost reduction plans')
        .rows.filter((r) => r.total)
        .map((r) => r.cells[0]),
    ).toEqual(['Total']);
    expect(text).not.toContain('Against the £600k target');
    const short: Dataset = {
      ...dataset,
      finance: {
        ...dataset.finance,
        costReduction: dataset.finance.costReduction.filter((c) => !(c.month === '2023-10' && c.proposal.startsWith('Translation costs'))),
      },
    };
    const output = await configuredReport('finance', '2023-10', short);
    const plans = output.blocks.find((b): b is GridTableModel => b.kind === 'grid-table' && b.title === 'Cost reduction plans')!;
    const totals = plans.rows.filter((r) => r.total);
    expect(totals.map((r) => [r.cells[0], r.cells[2]])).toEqual([
      ['Total', '540'],
      ['Against the £600k target', '600'],
    ]);
  });

  it("opens with a headline summary whose figures are the tables' figures", () => {
    const summary = report.blocks.find((b) => b.kind === 'bullets');
    const lines = summary?.kind === 'bullets' ? summary.items.map((i) => i.runs.map((r) => r.text).join('')) : [];
    const revenueTotal = table('Revenue position').rows.find((r) => r.total)!;
    expect(lines[0]).toBe(
      `Forecast: £${cellText(revenueTotal.cells[2])}k against a budget of £${cellText(revenueTotal.cells[1])}k, £${cellText(revenueTotal.cells[3])}k over budget (${cellText(revenueTotal.cells[4])}); up £${cellText(revenueTotal.cells[5])}k since September 2023.`,
    );
    // The largest adverse variances, largest first, as the main variances table prints them.
    const overspends = table('Main variances').rows.filter((r) => !cellText(r.cells[1]).startsWith('('));
    expect(lines[1]).toBe(
      `Largest overspends: ${overspends
        .slice(0, 3)
        .map((r) => `${cellText(r.cells[0])} £${cellText(r.cells[1])}k`)
        .join('; ')}.`,
    );
    // Every plan at red, with its gap.
    const red = table('Cost reduction plans').rows.filter((r) => !r.total && (r.cells[5] as { rag?: string }).rag === 'red');
    expect(red).toHaveLength(2);
    for (const plan of red) expect(lines[2]).toContain(`${cellText(plan.cells[0])} (£${cellText(plan.cells[4])}k short)`);
    expect(lines[4]).toBe('Agency staff: 19 against a target of 21 (Number of agency social workers, Oct-23).');
    expect(text).toContain('Largest overspends:');
  });

  it('prints agency headcount and target from the indicator the performance report prints, and its chart', async () => {
    const agency = table('Agency staff and spend against budget');
    const october = agency.rows.find((r) => r.cells[0] === 'October 2023')!;
    expect(october.cells.slice(1, 3)).toEqual(['19', '21']);
    const performance = await configuredReport('performance', '2023-10', dataset);
    const row = performance.blocks.flatMap((b) => (b.kind === 'indicator-table' ? b.rows : [])).find((r) => r.name === 'Number of agency social workers');
    expect(row?.cells.at(-1)).toBe('19');
    expect(row?.target).toBe('21');
    // Traced to a cell of the workbook row the performance report prints (its value is checked above).
    const trace = october.traces?.find((t) => t.column === 1)?.from[0];
    const rowNumber = (cell: string | undefined): string => (cell ?? '').replace(/^[A-Z]+/, '');
    expect(trace?.sheet).toBe(row?.source?.sheet);
    expect(rowNumber(trace?.cell)).toBe(rowNumber(row?.source?.cell));
    expect(report.blocks.some((b) => b.kind === 'charts' && b.charts.some((c) => c.title === 'Agency social workers'))).toBe(true);
  });

  it('prints an agency target typed as a comparison as typed, as the performance report does ("≤21" printed "-" and no target, in silence)', async () => {
    const agencyRow = (d: Dataset) => d.tables.flatMap((t) => t.rows).filter((r) => r.name === 'Number of agency social workers');
    const typed = structuredClone(dataset);
    for (const row of agencyRow(typed)) {
      if (row.target?.kind === 'number')
        row.target = { kind: 'comparison', op: '<=', value: 21, format: row.target.format, text: '≤21', source: row.target.source };
    }
    const printed = async (d: Dataset) => {
      const output = await configuredReport('finance', '2023-10', d);
      const agency = output.blocks.find((b): b is GridTableModel => b.kind === 'grid-table' && b.title.startsWith('Agency staff and spend'))!;
      const october = agency.rows.find((r) => r.cells[0] === 'October 2023')!;
      const summary = output.blocks.find((b) => b.kind === 'bullets');
      const lines = summary?.kind === 'bullets' ? summary.items.map((i) => i.runs.map((r) => r.text).join('')) : [];
      return { cells: october.cells.slice(1, 3), traced: october.traces?.some((t) => t.column === 2), line: lines.find((l) => l.startsWith('Agency staff:')) };
    };
    expect(await printed(typed)).toEqual({
      cells: ['19', '≤21'],
      traced: true,
      line: 'Agency staff: 19 against a target of ≤21 (Number of agency social workers, Oct-23).',
    });
    // The target typed as a number prints as before.
    expect(await printed(dataset)).toEqual({
      cells: ['19', '21'],
      traced: true,
      line: 'Agency staff: 19 against a target of 21 (Number of agency social workers, Oct-23).',
    });
  });

  it('reconciles the placements table with the placements line of the revenue position, from the workbook', async () => {
    const recon = table('Placements and the revenue position');
    const placementsTotal = table('Placements').rows.find((r) => r.total)!;
    const revenueLine = table('Revenue position').rows.find((r) => r.cells[0] === "Children's Social Care placements")!;
    expect(recon.rows.map((r) => r.cells[1])).toEqual([
      placementsTotal.cells[5],
      revenueLine.cells[2],
      money000(thousands(revenueLine.cells[2]) * 1000 - thousands(placementsTotal.cells[5]) * 1000),
    ]);
    expect(text).toMatch(/Costs in the Children's Social Care placements forecast outside the placement types above\s+3,921/);
  });

  it('follows the workbook: a placement cost changed in the workbook changes the reconciliation line', async () => {
    // The sample workbook with the October 2023 IFA placement's weekly cost raised by £100.
    const changed = new ExcelJS.Workbook();
    await changed.xlsx.readFile(SAMPLE);
    const sheet = changed.getWorksheet('Finance placements')!;
    let row = 0;
    sheet.eachRow((r, n) => {
      if (String(r.getCell(1).text) === '2023-10' && r.getCell(2).text.startsWith('Independent fostering')) row = n;
    });
    expect(row).toBeGreaterThan(0);
    const number = Number(sheet.getCell(row, 3).value);
    const cost = Number(sheet.getCell(row, 4).value);
    sheet.getCell(row, 4).value = cost + 100;
    const { aliases, catalogue } = await projectConfig();
    const bytes = Buffer.from(await changed.xlsx.writeBuffer());
    const changedDataset = buildDataset(await loadWorkbook(bytes, 'changed.xlsx'), aliases, catalogue).dataset;
    const output = await configuredReport('finance', '2023-10', changedDataset);
    const recon = output.blocks.find((b): b is GridTableModel => b.kind === 'grid-table' && b.title.startsWith('Placements and the revenue position'))!;
    const before = table('Placements and the revenue position');
    const pounds = (cell: unknown): number => thousands(cell) * 1000;
    // 141 placements x £100 x 52 weeks more in the placement types, and as much less outside them.
    const added = number * 100 * 52;
    expect(Math.abs(pounds(recon.rows[0]!.cells[1]) - pounds(before.rows[0]!.cells[1]) - added)).toBeLessThanOrEqual(1000);
    expect(recon.rows[1]!.cells[1]).toBe(before.rows[1]!.cells[1]);
    expect(Math.abs(pounds(before.rows[2]!.cells[1]) - pounds(recon.rows[2]!.cells[1]) - added)).toBeLessThanOrEqual(1000);
    expect(pdfText(output.pdf)).toContain(cellText(recon.rows[2]!.cells[1]));
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

  it('a forecast outturn of £0 against a budget is an error, and an average weekly cost of £0 for children placed a warning (the whole budget printed as an underspend, Green; the placements cost nothing)', async () => {
    const { aliases, catalogue } = await projectConfig();
    const sheets = (outturn: number, weekly: number): Parameters<typeof buildWorkbook>[0] => [
      { name: 'B4B data set', rows: [header(), [undefined, undefined, 'Number of contacts in the month', 1, 2, 3, 4, 5, 6]] },
      {
        name: 'Finance revenue',
        rows: [
          ['Month', 'Service area', 'Budget', 'Forecast outturn', 'Commentary'],
          ['2023-10', 'Safeguarding & CIN', 11200000, outturn, ''],
        ],
      },
      {
        name: 'Finance placements',
        rows: [
          ['Month', 'Placement type', 'Number', 'Average weekly cost', 'Budgeted number'],
          ['2023-10', 'Residential (independent sector)', 39, weekly, 38],
          ['2023-10', 'Secure', 0, 0, 1],
        ],
      },
    ];
    const zero = buildDataset(await loadWorkbook(await buildWorkbook(sheets(0, 0)), 'finance.xlsx'), aliases, catalogue);
    expect(zero.findings.filter((f) => f.severity === 'error').map(formatFinding)).toEqual([
      "finance.xlsx › 'Finance revenue'!D2: the forecast outturn is £0 against a budget of £11,200,000 (Safeguarding & CIN), so the whole budget would print as an underspend; " +
        "a formula over a ledger code not yet posted, or a month not filled in? Expected the service area's forecast spend",
    ]);
    // A type may cost nothing (placed with parents): said, not refused.
    expect(zero.findings.filter((f) => f.severity === 'warning' && f.message.includes('£0')).map(formatFinding)).toEqual([
      "finance.xlsx › 'Finance placements'!D2: the average weekly cost is £0 for 39 placement(s) (Residential (independent sector), Oct-23), so their cost prints as £0; " +
        'a formula over data not yet in, or a month not filled in? Expected the average weekly cost of the placements, unless they cost nothing',
    ]);
    // No children placed at no cost (Secure, 0 and £0) is no error; the forecast and cost typed are read.
    const typed = buildDataset(await loadWorkbook(await buildWorkbook(sheets(12300000, 5450)), 'finance.xlsx'), aliases, catalogue);
    expect(typed.findings.filter((f) => f.severity === 'error' || f.message.includes('£0'))).toEqual([]);
    expect(typed.dataset.finance.revenue[0]?.forecastOutturn.value).toBe(12300000);
    expect(typed.dataset.finance.placements.map((p) => p.averageWeeklyCost.value)).toEqual([5450, 0]);
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

describe('project sheets: a row twice, a name spelt two ways, two columns for one thing, a name after a team', () => {
  const read = (sheets: Parameters<typeof buildWorkbook>[0]) => readSheets(sheets, 'sheets.xlsx');

  it('a service area twice in a month is an error naming both rows (its figures would count twice); one spelt in another case is the same area', async () => {
    const { dataset, said } = await read([
      {
        name: 'Finance revenue',
        rows: [
          ['Month', 'Service area', 'Budget', 'Forecast outturn', 'Commentary'],
          ['2023-09', 'Agency staffing', 1400000, 1520000, ''],
          ['2023-10', 'Agency Staffing', 1400000, 1540000, ''],
          ['2023-10', 'Fostering & Adoption', 5000000, 5360000, ''],
          ['2023-10', 'Fostering  & Adoption', 5000000, 5360000, ''],
        ],
      },
    ]);
    expect(said).toEqual([
      `sheets.xlsx › 'Finance revenue'!B3: the service area "Agency Staffing" is written differently from "Agency staffing" (B2) only in its case, spaces or invisible characters; read as "Agency staffing"`,
      `sheets.xlsx › 'Finance revenue'!B5: the service area "Fostering  & Adoption" is written differently from "Fostering & Adoption" (B4) only in its case, spaces or invisible characters; read as "Fostering & Adoption"`,
      "sheets.xlsx › 'Finance revenue'!A5: Fostering & Adoption has a second row for Oct-23 (the first is A4); its figures would be counted twice. Expected one row per service area a month: remove or merge one",
    ]);
    expect(dataset.finance.revenue.map((r) => `${r.month} ${r.serviceArea}`)).toEqual([
      '2023-09 Agency staffing',
      '2023-10 Agency staffing',
      '2023-10 Fostering & Adoption',
    ]);
  });

  it('a second column for the budget is said, and the first read; a person after a team is withheld, the team kept apart', async () => {
    const { dataset, said } = await read([
      {
        name: 'Finance revenue',
        rows: [
          ['Month', 'Service area', 'Budget', 'Forecast outturn', 'Commentary', 'Current budget'],
          ['2023-10', 'Agency staffing', 1400000, 1540000, '', 1650000],
        ],
      },
      {
        name: 'Caseloads',
        rows: [
          ['Month', 'Worker reference', 'Qualifying status', 'Allocated team', 'Allocations'],
          ['2023-07', 'W0001', 'SW', 'SWF East 1 - Priya Patel', 21],
          ['2023-07', 'W0002', 'SW', 'SWF East 1', 18],
        ],
      },
    ]);
    expect(said).toContain(
      `sheets.xlsx › 'Finance revenue'!F1: "Current budget" is a second column for the same thing as "Budget" (C1); the first is read and this one is ignored: remove one, or rename it so config/header-aliases.yaml does not name it`,
    );
    expect(dataset.finance.revenue[0]?.budget.value).toBe(1400000);
    expect(dataset.caseloads.map((c) => c.team)).toEqual(['SWF East 1 - [name withheld]', 'SWF East 1']);
    expect(said.join('\n')).not.toContain('Priya');
    expect(said.join('\n')).not.toContain('Patel');
  });
});

describe('a revenue line in one of the two months only', () => {
  it('is said: it is left out of the Total, whose movement then compares other lines', async () => {
    const full = await sampleDataset();
    const revenue = full.finance.revenue.filter((r) => !(r.month === '2023-10' && r.serviceArea === 'Fostering & Adoption'));
    expect(revenue.length).toBe(full.finance.revenue.length - 1);
    const report = await configuredReport('finance', '2023-10', { ...full, finance: { ...full.finance, revenue } });
    expect(report.warnings.map((w) => w.message).filter((m) => m.includes('revenue line'))).toEqual([
      expect.stringMatching(
        /^Fostering & Adoption: a revenue line for September 2023 \(A\d+\) but none for October 2023; it is left out of the table and its Total, and the Total's movement since September 2023 compares other lines/,
      ),
    ]);
  });
});

describe('a team measure row whose code is a slip of the measure', () => {
  it('is said, naming its cell: it is not in the table or its Total', async () => {
    const { aliases, catalogue } = await projectConfig();
    const bytes = await buildWorkbook([
      { name: 'B4B data set', rows: [header(), [undefined, undefined, 'Number of contacts in the month', 1, 2, 3, 4, 5, 6]] },
      {
        name: 'Team measures',
        rows: [
          ['Month', 'Measure', 'Team/Locality', 'Denominator', 'Numerator'],
          ['2023-06', 'sa-20-days', 'SWF East 1', 10, 5],
          ['2023-06', 'SA_20_DAYS', 'SWF West 1', 20, 4],
          ['2023-06', 'cp-repeat-plans', 'SWF West 1', 20, 4],
        ],
      },
    ]);
    const { dataset } = buildDataset(await loadWorkbook(bytes, 'teams.xlsx'), aliases, catalogue);
    const figures = new ReportFigures(dataset, catalogue, '2023-06', [
      { code: 'sa-20-days', name: 'Single assessments completed within 20 working days', polarity: 'higher-is-better' },
      { code: 'cp-repeat-plans', name: 'Repeat child protection plans', polarity: 'lower-is-better' },
    ]);
    const table = figures.teamTable('sa-20-days');
    expect(table.rows.map((r) => r.team)).toEqual(['SWF East 1']);
    expect(figures.warnings.map((w) => w.message)).toEqual([
      'Single assessments completed within 20 working days: the Team measures row for SWF West 1 (\'Team measures\'!A3) has the measure "SA_20_DAYS", ' +
        'which config/team-measures.yaml does not define; it looks like "sa-20-days", but is left out of this table and its Total. Correct the measure in the workbook',
    ]);
  });
});

describe('finance amounts typed in £000 where pounds are asked for', () => {
  const revenue = (scale: number): Parameters<typeof buildWorkbook>[0][number] => ({
    name: 'Finance revenue',
    rows: [
      ['Month', 'Service area', 'Budget', 'Forecast outturn', 'Commentary'],
      ...(['2023-09', '2023-10'] as const).flatMap((month) => [
        [month, "Children's Social Care placements", 31500 * scale, 35710 * scale, ''],
        [month, 'Fostering & Adoption', 5300 * scale, 5360 * scale, ''],
        [month, 'Agency staffing', 1400 * scale, 1540 * scale, ''],
      ]),
    ],
  });
  const read = (sheets: Parameters<typeof buildWorkbook>[0]) => readSheets(sheets, 'thousands.xlsx');

  it('a revenue sheet wholly in £000 is an error naming its first budget: read as pounds it would print a thousand times too small', async () => {
    const { dataset, errors } = await read([revenue(1)]);
    expect(errors).toEqual([
      "thousands.xlsx › 'Finance revenue'!C2: every amount of the 6 revenue line(s) for 2 months, Sep-23, Oct-23 is under £100,000 (the largest £35,710): " +
        'read as pounds, the finance report would print them a thousand times too small; expected amounts in pounds ' +
        "(if they are in £000, multiply each by 1,000: the budget of Children's Social Care placements, £31,500, is £31,500,000)",
    ]);
    expect(dataset.finance.revenue).toEqual([]);
  });

  it('its advice, followed (each amount times 1,000), reads the sheet', async () => {
    const { dataset, errors, warnings } = await read([revenue(1000)]);
    expect(errors).toEqual([]);
    expect(warnings.filter((w) => w.includes('Finance revenue'))).toEqual([]);
    expect(dataset.finance.revenue.map((r) => r.budget.value)).toContain(31500000);
  });

  it('one line in £000 among lines in pounds is said, naming its cell', async () => {
    const sheet = revenue(1000);
    const row = sheet.rows[6] as unknown[];
    row[2] = 1400;
    row[3] = 1540;
    const { errors, warnings } = await read([sheet]);
    // September alone is too few months to compare a line with its own other months (checkScale needs two): the line is compared with October's other lines.
    expect(errors).toEqual([]);
    expect(warnings).toContain(
      "thousands.xlsx › 'Finance revenue'!C7: the budget £1,400 (Agency staffing) is under a five-hundredth of the other lines' for October 2023 (a median of £5,300,000): it is printed as £1,400; if it is in £000, type it in pounds (£1,400,000), as the other lines are",
    );
  });

  it("placements' average weekly costs wholly in £000 are an error naming the first", async () => {
    const { dataset, errors } = await read([
      {
        name: 'Finance placements',
        rows: [
          ['Month', 'Placement type', 'Number', 'Average weekly cost', 'Budgeted number'],
          ['2023-10', 'Independent fostering agency (IFA)', 140, 1.02, 120],
          ['2023-10', 'Residential (independent sector)', 42, 5.45, 38],
        ],
      },
    ]);
    expect(errors).toEqual([
      "thousands.xlsx › 'Finance placements'!D2: every average weekly cost of the placement types for October 2023 is under £50 (Independent fostering agency (IFA) £1.02): " +
        "read as pounds a week, the placements' full-year costs would be a thousand times too small; expected pounds a week (if they are in £000, multiply each by 1,000: £1.02 is £1,020)",
    ]);
    expect(dataset.finance.placements).toEqual([]);
  });
});

describe("a sheet's own Total row", () => {
  const read = (sheets: Parameters<typeof buildWorkbook>[0]) => readSheets(sheets, 'totals.xlsx');
  type Sheet = Parameters<typeof buildWorkbook>[0][number];
  /** Two service areas, and a row of their sums named `total`. */
  const revenueWith = (total: string, commentary = ''): Sheet => ({
    name: 'Finance revenue',
    rows: [
      ['Month', 'Service area', 'Budget', 'Forecast outturn', 'Commentary'],
      ['2023-10', 'Fostering & Adoption', 5300000, 5360000, ''],
      ['2023-10', 'Agency staffing', 1400000, 1540000, ''],
      ['2023-10', total, 6700000, 6900000, commentary],
    ],
  });
  /** Two teams' July figures, then `more` rows. */
  const teamMeasures = (...more: FixtureCell[][]): Sheet => ({
    name: 'Team measures',
    rows: [
      ['Month', 'Measure', 'Team/Locality', 'Denominator', 'Numerator'],
      ['2023-07', 'sa-20-days', 'SWF East 1', 40, 10],
      ['2023-07', 'sa-20-days', 'SWF East 2', 30, 5],
      ...more,
    ],
  });

  it('is left out of the revenue and placements (read as one more line, it counted every figure twice), with a warning naming it', async () => {
    const { dataset, said } = await read([
      revenueWith('Total'),
      {
        name: 'Finance placements',
        rows: [
          ['Month', 'Placement type', 'Number', 'Average weekly cost', 'Budgeted number'],
          ['2023-10', 'Independent fostering agency (IFA)', 140, 1020, 120],
          ['2023-10', 'Residential (independent sector)', 42, 5450, 38],
          ['2023-10', 'Grand total', 180, 6470, 158],
        ],
      },
    ]);
    expect(dataset.finance.revenue.map((r) => r.serviceArea)).toEqual(['Fostering & Adoption', 'Agency staffing']);
    expect(dataset.finance.placements.map((r) => r.placementType)).toEqual(['Independent fostering agency (IFA)', 'Residential (independent sector)']);
    expect(said).toContain(
      "totals.xlsx › 'Finance revenue'!B4: \"Total\" (Oct-23) reads as a total row, not a service area: it is left out, as the report adds the rows up itself; its figures are the sum of the month's service area rows",
    );
    // A total that is not the sum says so: a row may be missing.
    expect(said).toContain(
      'totals.xlsx › \'Finance placements\'!B4: "Grand total" (Oct-23) reads as a total row, not a placement type: it is left out, as the report adds the rows up itself; ' +
        "its figures differ from the sum of the month's placement type rows (Number 180 against 182): is a row missing, or one too many?",
    );
  });

  it('is left out of a breakdown (read as one more category, it halved every share printed)', async () => {
    const { dataset, said } = await read([
      {
        name: 'Breakdowns',
        rows: [
          ['Month', 'Measure', 'Period', 'Category', 'Value', 'Out of', 'Type'],
          ['2023-10', 'referral-source', '', 'Police', 92, undefined, 'count'],
          ['2023-10', 'referral-source', '', 'Schools', 86, undefined, 'count'],
          ['2023-10', 'referral-source', '', 'Total', 178, undefined, 'count'],
        ],
      },
    ]);
    expect(dataset.breakdowns.map((r) => r.category)).toEqual(['Police', 'Schools']);
    expect(said).toContain(
      "totals.xlsx › 'Breakdowns'!D4: \"Total\" (Oct-23) reads as a total row, not a category: it is left out, as the report adds the rows up itself; its figures are the sum of the month's category rows",
    );
  });

  it('is known by "total" at the end of its name too, or by "All teams" (a net total line, a locality subtotal and an all-teams row counted every figure twice, in silence)', async () => {
    const { dataset, said } = await read([
      revenueWith('Children & Learning net total', 'The month in all'),
      teamMeasures(
        ['2023-07', 'sa-20-days', 'SWF East subtotal', 70, 15],
        ['2023-07', 'sa-20-days', 'SWF West 1', 20, 4],
        ['2023-07', 'sa-20-days', 'All teams', 90, 19],
      ),
    ]);
    expect(dataset.finance.revenue.map((r) => r.serviceArea)).toEqual(['Fostering & Adoption', 'Agency staffing']);
    expect(dataset.teamMeasures.map((r) => r.team)).toEqual(['SWF East 1', 'SWF East 2', 'SWF West 1']);
    expect(said.filter((s) => s.includes('reads as a total row'))).toEqual([
      'totals.xlsx › \'Team measures\'!C4: "SWF East subtotal" (Jul-23) reads as a total row, not a team: it is left out, as the report adds the rows up itself; ' +
        "its figures differ from the sum of the month's team rows (Denominator 70 against 90; Numerator 15 against 19): is a row missing, or one too many?",
      "totals.xlsx › 'Team measures'!C6: \"All teams\" (Jul-23) reads as a total row, not a team: it is left out, as the report adds the rows up itself; its figures are the sum of the month's team rows",
      "totals.xlsx › 'Finance revenue'!B4: \"Children & Learning net total\" (Oct-23) reads as a total row, not a service area: it is left out, as the report adds the rows up itself; its figures are the sum of the month's service area rows",
    ]);
  });

  it('is left out of the cost reduction plans, and a plan pasted twice is an error (read as plans, a Total doubled the targets and hid the shortfall)', async () => {
    const { dataset, said, errors } = await read([
      {
        name: 'Finance cost reduction',
        rows: [
          ['Month', 'Proposal', 'Owner', 'Target', 'Forecast delivery', 'RAG', 'Commentary'],
          ['2023-10', 'Reduce agency reliance', 'Head of service', 400000, 300000, 'Amber', ''],
          ['2023-10', 'Step down from residential', 'Head of service', 200000, 225000, 'Green', ''],
          ['2023-10', 'Total', '', 600000, 525000, undefined, ''],
          ['2023-10', 'Step down from residential', 'Head of service', 200000, 225000, 'Green', ''],
          // One name, another owner: another plan; a plan whose name ends "of total" is no total row.
          ['2023-10', 'Reduce agency reliance', 'Head of service North', 100000, 90000, 'Green', ''],
          ['2023-10', 'Cut residential to 10% of total', 'Head of service', 50000, 40000, 'Amber', ''],
        ],
      },
    ]);
    expect(dataset.finance.costReduction.map((r) => r.proposal)).toEqual([
      'Reduce agency reliance',
      'Step down from residential',
      'Reduce agency reliance',
      'Cut residential to 10% of total',
    ]);
    expect(said).toContain(
      'totals.xlsx › \'Finance cost reduction\'!B4: "Total" (Oct-23) reads as a total row, not a plan: it is left out, as the report adds the rows up itself; ' +
        "its figures differ from the sum of the month's plan rows (Target 600,000 against 950,000; Forecast delivery 525,000 against 880,000): is a row missing, or one too many?",
    );
    expect(errors).toEqual([
      "totals.xlsx › 'Finance cost reduction'!A5: Step down from residential (Head of service) has a second row for Oct-23 (the first is A3); its figures would be counted twice. Expected one row per plan a month: remove or merge one",
    ]);
  });

  it("is left out of a clinic's team measures: the clinic prints its own Total", async () => {
    const { dataset, said } = await read([teamMeasures(['2023-07', 'sa-20-days', 'Total', 70, 15])]);
    expect(dataset.teamMeasures.map((r) => r.team)).toEqual(['SWF East 1', 'SWF East 2']);
    expect(said).toContain(
      "totals.xlsx › 'Team measures'!C4: \"Total\" (Jul-23) reads as a total row, not a team: it is left out, as the report adds the rows up itself; its figures are the sum of the month's team rows",
    );
  });
});

describe('two sheets the aliases name alike', () => {
  it('are an error naming both (which to read would be a guess: an old copy first was read before); its advice, followed, reads the other', async () => {
    const { aliases, catalogue } = await projectConfig();
    const revenue = (sheet: string, outturn: number) => ({
      name: sheet,
      rows: [
        ['Month', 'Service area', 'Budget', 'Forecast outturn', 'Commentary'],
        ['2023-10', "Children's Social Care placements", 31500000, outturn, ''],
      ],
    });
    const contacts = { name: 'B4B data set', rows: [header(), [undefined, undefined, 'Number of contacts in the month', 1, 2, 3, 4, 5, 6]] };
    const both = buildDataset(
      await loadWorkbook(await buildWorkbook([contacts, revenue('Revenue monitoring', 35000000), revenue('Finance revenue', 35710000)]), 'two.xlsx'),
      aliases,
      catalogue,
    );
    expect(both.findings.filter((f) => f.severity === 'error').map(formatFinding)).toEqual([
      "two.xlsx › 'Finance revenue'!A1: 'Revenue monitoring' and 'Finance revenue' are both the Finance revenue sheet (config/header-aliases.yaml names them alike), " +
        'so which to read would be a guess; expected one: delete or rename the other (an old copy, a draft)',
    ]);
    expect(both.dataset.finance.revenue).toEqual([]);
    // The old copy renamed: the other is read.
    const renamed = buildDataset(
      await loadWorkbook(await buildWorkbook([contacts, revenue('Old revenue copy', 35000000), revenue('Finance revenue', 35710000)]), 'two.xlsx'),
      aliases,
      catalogue,
    );
    expect(renamed.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(renamed.dataset.finance.revenue.map((r) => r.forecastOutturn.value)).toEqual([35710000]);
  });
});

describe('the cost reduction RAG takes the forms the indicator tables accept', () => {
  it('reads R, A, G and the words in any case, as the RAG columns of the indicator tables do (R and G were errors), and names anything else', async () => {
    const rows: Array<[string, string]> = [
      ['Plan one', 'R'],
      ['Plan two', 'a'],
      ['Plan three', 'G '],
      ['Plan four', 'amber'],
      ['Plan five', 'Green'],
      ['Plan six', 'Purple'],
    ];
    const { dataset: read, errors } = await readSheets(
      [
        {
          name: 'Finance cost reduction',
          rows: [
            ['Month', 'Proposal', 'Owner', 'Target', 'Forecast delivery', 'RAG', 'Commentary'],
            ...rows.map(([proposal, rag]) => ['2023-10', proposal, 'Head of service', 100000, 90000, rag, 'On track']),
          ],
        },
      ],
      'rag.xlsx',
    );
    expect(errors).toEqual([`rag.xlsx › 'Finance cost reduction'!F7: "Purple" is not a RAG rating; expected Red, Amber or Green (or R, A, G)`]);
    expect(read.finance.costReduction.map((c) => [c.proposal, c.rag])).toEqual([
      ['Plan one', 'Red'],
      ['Plan two', 'Amber'],
      ['Plan three', 'Green'],
      ['Plan four', 'Amber'],
      ['Plan five', 'Green'],
    ]);
  });
});
