import { beforeAll, describe, expect, it } from 'vitest';
import type { FinanceSettings } from '../../src/config/finance.js';
import { loadSettings, type LoadedSettings } from '../../src/config/settings.js';
import type { Dataset } from '../../src/dataset/types.js';
import type { MonthKey } from '../../src/model/month.js';
import type { GridTableModel } from '../../src/report/finance-model.js';
import { produceReport, type ReportDocument } from '../../src/produce/report.js';
import { pdfText } from '../fixtures/pdf-text.js';
import { sampleDataset, sampleInputs, testContext } from '../fixtures/sample-report.js';

/**
 * The finance report across the financial year boundary: the sample's finance months (April to
 * October 2023) carried on to March, April and May 2024, as a workbook kept into 2024/25 holds them.
 * April 2024 opens a new year: a new budget and forecast.
 */
let loaded: LoadedSettings;
let dataset: Dataset;

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
