import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { financeSettingsSchema, type FinanceSettings } from '../../src/config/finance.js';
import { parseConfig } from '../../src/config/read-config.js';
import { loadSettings, type LoadedSettings } from '../../src/config/settings.js';
import type { Dataset } from '../../src/dataset/types.js';
import type { MonthKey } from '../../src/model/month.js';
import type { GridTableModel } from '../../src/report/finance-model.js';
import { produceReport, type ReportDocument } from '../../src/produce/report.js';
import { pdfText } from '../fixtures/pdf-text.js';
import { sampleDataset, sampleInputs, testContext } from '../fixtures/sample-report.js';
import { ROOT } from '../fixtures/workbooks.js';

/**
 * The finance report across the financial year boundary: the sample's finance months (April to
 * October 2023) carried on to March, April and May 2024, as a workbook kept into 2024/25 holds them.
 * April 2024 opens a new year: a new budget and forecast, and a cost reduction target of its own.
 */
let loaded: LoadedSettings;
let dataset: Dataset;
let financeYaml: string;

/** The sample's finance rows of one month, as another month's: the forecasts moved by `forecastUp` pounds a line. */
function carried(d: Dataset, from: MonthKey, to: MonthKey, forecastUp: number): Dataset['finance'] {
  const revenue = d.finance.revenue.filter((r) => r.month === from);
  return {
    revenue: revenue.map((r) => ({ ...r, month: to, forecastOutturn: { ...r.forecastOutturn, value: r.forecastOutturn.value + forecastUp } })),
    placements: d.finance.placements.filter((p) => p.month === from).map((p) => ({ ...p, month: to })),
    costReduction: d.finance.costReduction.filter((c) => c.month === from).map((c) => ({ ...c, month: to })),
  };
}

async function financeReport(month: MonthKey, finance: FinanceSettings = loaded.finance): Promise<ReportDocument> {
  const inputs = await sampleInputs({ loaded: { ...loaded, finance }, dataset });
  return produceReport(inputs, { name: 'finance', month, format: { agendaItem: 10, appendix: 1, firstPage: 117 } }, testContext());
}

/** config/finance.yaml with its costReductionTarget lines replaced by `lines`, read as `run` reads it. */
function withTarget(lines: string): FinanceSettings {
  const text = financeYaml.replace(/^costReductionTarget:.*\n(?: {2}.*\n)*/m, `${lines}\n`);
  expect(text).toContain(`\n${lines}\n`);
  return parseConfig(text, 'config/finance.yaml', financeSettingsSchema, 'finance settings file');
}

const table = (report: ReportDocument, title: string): GridTableModel => {
  const found = report.blocks.find((b): b is GridTableModel => b.kind === 'grid-table' && b.title.startsWith(title));
  if (!found) throw new Error(`no table ${title}`);
  return found;
};
/** pdftotext's lines joined into one: a sentence wrapped over two lines reads whole. */
const flat = (report: ReportDocument): string => pdfText(report.pdf).replace(/\s+/g, ' ');
const messages = (report: ReportDocument): string[] => report.warnings.map((w) => w.message);

beforeAll(async () => {
  loaded = await loadSettings();
  financeYaml = await readFile(path.join(ROOT, 'config', 'finance.yaml'), 'utf8');
  const sample = await sampleDataset(loaded);
  const march = carried(sample, '2023-09', '2024-03', 0);
  const april = carried(sample, '2023-10', '2024-04', 2000);
  const may = carried(sample, '2023-10', '2024-05', 7000);
  dataset = {
    ...sample,
    finance: {
      revenue: [...sample.finance.revenue, ...march.revenue, ...april.revenue, ...may.revenue],
      placements: [...sample.finance.placements, ...march.placements, ...april.placements, ...may.placements],
      costReduction: [...sample.finance.costReduction, ...march.costReduction, ...april.costReduction, ...may.costReduction],
    },
  };
});

describe('the movement since last month stays within the financial year', () => {
  it("April 2024 prints no movement from March 2024 (2023/24's forecast), and says why on the page", async () => {
    const report = await financeReport('2024-04');
    const revenue = table(report, 'Revenue position');
    expect(revenue.rows.map((r) => r.cells[5])).toEqual(revenue.rows.map(() => '-'));
    const why =
      "No movement for April 2024: a new financial year, 2024/25, with its own budget and forecast, which are not compared with March 2024's forecast of 2023/24.";
    expect(revenue.note).toBe(`RAG: Green up to 1% over budget (or under budget), Amber up to 3%, Red beyond. ${why}`);
    const text = flat(report);
    expect(text).toContain(`Forecast: £76,740k against a budget of £72,000k, £4,740k over budget (6.6%). ${why}`);
    expect(text).not.toContain('since March 2024');
  });

  it('May 2024 prints its movement since April 2024, within the year', async () => {
    const report = await financeReport('2024-05');
    const revenue = table(report, 'Revenue position');
    // Every line's forecast is £5,000 up on April's: £5k a line, £50k in all.
    expect(revenue.rows.map((r) => r.cells[5])).toEqual(revenue.rows.map((r) => (r.total ? '50' : '5')));
    expect(flat(report)).toContain('Forecast: £76,790k against a budget of £72,000k, £4,790k over budget (6.7%); up £50k since April 2024.');
  });

  it('a line dropped at the year end is not said to be missing from the movement it no longer has', async () => {
    const withoutOne = {
      ...dataset,
      finance: { ...dataset.finance, revenue: dataset.finance.revenue.filter((r) => !(r.month === '2024-04' && r.serviceArea === 'Fostering & Adoption')) },
    };
    const inputs = await sampleInputs({ loaded, dataset: withoutOne });
    const report = await produceReport(inputs, { name: 'finance', month: '2024-04', format: { agendaItem: 10, appendix: 1, firstPage: 117 } }, testContext());
    expect(messages(report).filter((m) => m.includes('revenue line'))).toEqual([]);
  });
});

describe("a cost reduction target is one financial year's", () => {
  const ownTargets = " No overall cost reduction target is set for 2024/25: the total is rated against the plans' own targets.";

  it("the sample's 2023/24 target is not printed for April 2024: a warning says how to give 2024/25's", async () => {
    const report = await financeReport('2024-04');
    expect(messages(report)).toContain(
      "config/finance.yaml: costReductionTarget gives targets for 2023/24 only, not 2024/25's: no target is printed for April 2024 and the cost reduction plans are rated against their own targets. " +
        'If 2024/25 has one, give it in pounds: costReductionTarget: { "2023/24": 600000, "2024/25": <pounds> }',
    );
    const text = flat(report);
    expect(text).not.toContain('£600k target');
    expect(text).toContain(
      "Cost reduction: £525k forecast against the plans' targets of £600k (no overall target is set for 2024/25), a shortfall of £75k; at red:",
    );
    expect(table(report, 'Cost reduction plans').note?.endsWith(ownTargets)).toBe(true);
  });

  it('names the finance settings file the project reads, wherever b4b.yaml puts it', async () => {
    // `finance: config/finance-2024.yaml` in config/b4b.yaml: advice naming config/finance.yaml would send the officer to the wrong file.
    const elsewhere = { ...loaded, paths: { ...loaded.paths, finance: path.join(loaded.paths.root, 'config', 'finance-2024.yaml') } };
    const inputs = await sampleInputs({ loaded: elsewhere, dataset });
    const report = await produceReport(inputs, { name: 'finance', month: '2024-04', format: { agendaItem: 10, appendix: 1, firstPage: 117 } }, testContext());
    const warning = messages(report).find((m) => m.includes('costReductionTarget'));
    expect(warning?.startsWith("config/finance-2024.yaml: costReductionTarget gives targets for 2023/24 only, not 2024/25's")).toBe(true);
    expect(messages(report).filter((m) => m.includes('config/finance.yaml'))).toEqual([]);
  });

  it('following the advice prints the 2024/25 target, with no warning', async () => {
    // The advice, with <pounds> filled in, replacing the two lines of config/finance.yaml.
    const report = await financeReport('2024-04', withTarget('costReductionTarget: { "2023/24": 600000, "2024/25": 550000 }'));
    expect(messages(report).filter((m) => m.includes('costReductionTarget'))).toEqual([]);
    const text = flat(report);
    expect(text).toContain('Cost reduction: £525k forecast against the £550k target, a shortfall of £25k; at red:');
    expect(table(report, 'Cost reduction plans').rows.map((r) => r.cells.slice(0, 5))).toContainEqual(['Against the £550k target', '', '550', '525', '25']);
    expect(table(report, 'Cost reduction plans').note?.endsWith(ownTargets)).toBe(false);
  });

  it("a bare number (the form before targets had a year) is 2023/24's: October 2023 prints it, April 2024 does not", async () => {
    const bare = withTarget('costReductionTarget: 600000');
    const october = await financeReport('2023-10', bare);
    expect(flat(october)).toContain('Cost reduction: £525k forecast against the £600k target, a shortfall of £75k; at red:');
    expect(messages(october).filter((m) => m.includes('costReductionTarget'))).toEqual([]);
    const april = await financeReport('2024-04', bare);
    expect(messages(april)).toContain(
      "config/finance.yaml: costReductionTarget 600000 has no financial year, so it is read as 2023/24's, not 2024/25's: no target is printed for April 2024 and the cost reduction plans are rated against their own targets. " +
        'If 2024/25 has one, give it in pounds: costReductionTarget: { "2023/24": 600000, "2024/25": <pounds> }',
    );
    expect(flat(april)).not.toContain('£600k target');
  });

  it('an empty set of targets is refused, naming the file, line and key; one year given, it loads', () => {
    expect(() => withTarget('costReductionTarget: {}')).toThrow(
      'config/finance.yaml: the finance settings file does not match its schema:\n' +
        '  config/finance.yaml:28: costReductionTarget: no financial year is given a target; expected one per year, e.g. { 2023/24: 600000 }',
    );
    expect(() => withTarget('costReductionTarget: { 2023/24: 600000 }')).not.toThrow();
  });

  it('a year not written like 2023/24 is refused, naming the file, line and key', () => {
    expect(() => withTarget('costReductionTarget:\n  2024: 600000')).toThrow(
      'config/finance.yaml: the finance settings file does not match its schema:\n' +
        '  config/finance.yaml:29: costReductionTarget.2024: "2024" is not a financial year; expected one written like 2023/24 (April 2023 to March 2024)',
    );
  });
});
