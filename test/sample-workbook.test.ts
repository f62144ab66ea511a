import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDataset, type CheckedDataset } from '../src/dataset/build-dataset.js';
import type { IndicatorTable } from '../src/dataset/types.js';
import { loadWorkbook } from '../src/workbook/load-workbook.js';
import { runCli } from './fixtures/run-cli.js';
import { projectConfig, ROOT } from './fixtures/workbooks.js';

const SAMPLE = path.join(ROOT, 'data', 'b4b-sample.xlsx');
let checked: CheckedDataset;

beforeAll(async () => {
  const { aliases, catalogue } = await projectConfig();
  checked = buildDataset(await loadWorkbook(await readFile(SAMPLE), SAMPLE), aliases, catalogue);
});

function table(sheet: string, index: number): IndicatorTable {
  const found = checked.dataset.tables.filter((t) => t.sheet === sheet)[index];
  if (!found) throw new Error(`no table ${index} on ${sheet}`);
  return found;
}

function printed(t: IndicatorTable, name: string, month: string): string | undefined {
  const row = t.rows.find((r) => r.name === name);
  const figure = row?.values[month as keyof typeof row.values];
  if (figure?.kind !== 'number') return figure?.kind === 'missing' ? (figure.text ?? '') : undefined;
  return figure.format.style === 'percent' ? `${Math.round(figure.value * 100)}%` : String(figure.value);
}

/**
 * Figures typed by hand from seed 002 (the published pack's spreadsheet objects): for each table,
 * an indicator with its first, a middle and its last month. Percentages are shown as the seed shows them.
 */
const EXPECTED: Array<{ sheet: string; index: number; section: string; name: string; figures: Record<string, string> }> = [
  {
    sheet: 'B4B data set',
    index: 0,
    section: 'Right service right time',
    name: 'Number of referrals into Early Help',
    figures: { '2021-10': '99', '2022-10': '183', '2023-10': '137' },
  },
  {
    sheet: 'B4B data set',
    index: 1,
    section: 'Strong, Vibrant Localities',
    name: 'Percentage of re-referrals within 12 months',
    figures: { '2022-09': '30%', '2023-03': '28%', '2023-10': '21%' },
  },
  {
    sheet: 'B4B data set',
    index: 2,
    section: 'Children remain within or return to birth families',
    name: 'Number of new CLA in month',
    figures: { '2022-09': '11', '2023-04': '3', '2023-10': '13' },
  },
  {
    sheet: 'B4B data set',
    index: 3,
    section: 'Placement stability and permanence',
    name: 'Number of CLA placed in IFA placements as at the end of the month',
    figures: { '2022-09': '126', '2023-03': '139', '2023-10': '141' },
  },
  {
    sheet: 'B4B data set',
    index: 4,
    section: 'Placement stability and permanence',
    name: 'Average number of children per primary caseholder (based on 1 FTE)',
    figures: { '2022-09': '-', '2023-04': '15.31', '2023-10': '14.21' },
  },
  {
    sheet: 'B4B data set',
    index: 5,
    section: 'Performance',
    name: 'Percentage of chilren open to Early Help with a visit in the last 4 weeks',
    figures: { '2022-09': '48%', '2023-03': '62%', '2023-10': '71%' },
  },
  {
    sheet: 'B4B data set',
    index: 6,
    section: 'Performance',
    name: 'Percentage of children open to Early Help with supervision in timescales',
    figures: { '2022-09': '61%', '2023-03': '74%', '2023-10': '81%' },
  },
  {
    sheet: 'Board Data Tables for Slide',
    index: 0,
    section: 'Demand',
    name: 'Number of contacts in the month',
    figures: { '2022-07': '1594', '2023-01': '1839', '2023-07': '1804' },
  },
  {
    sheet: 'Board Data Tables for Slide',
    index: 1,
    section: 'Right service right time',
    name: 'Number of referrals into Early Help',
    figures: { '2022-07': '149', '2023-01': '220', '2023-07': '172' },
  },
  {
    sheet: 'Board Data Tables for Slide',
    index: 2,
    section: 'Distribution of children across the service',
    name: 'Number of Care Leavers',
    figures: { '2022-07': '250', '2023-01': '268', '2023-07': '296' },
  },
  {
    sheet: 'Board Data Tables for Slide',
    index: 3,
    section: 'Distribution of children across the service',
    name: 'Percentage of chilren open to Early Help with a visit in the last 4 weeks',
    figures: { '2022-07': '45%', '2023-01': '54%', '2023-07': '62%' },
  },
  {
    sheet: 'Board Data Tables for Slide',
    index: 4,
    section: 'Distribution of children across the service',
    name: 'Percentage of Care Leavers who had their supervision and was within the timescale',
    figures: { '2022-07': '70%', '2023-01': '45%', '2023-07': '88%' },
  },
  {
    sheet: 'Board Data Tables for Slide',
    index: 5,
    section: 'Distribution of children across the service',
    name: 'Percentage of ICPCs held in 15 working days of strategy discussion',
    figures: { '2022-07': '37%', '2023-01': '83%', '2023-07': '43%' },
  },
  {
    sheet: 'Board Data Tables for Slide',
    index: 6,
    section: 'Distribution of children across the service',
    name: 'Percentage of children in care for >12 months with health assessment in timescales',
    figures: { '2022-07': '75%', '2023-01': '87%', '2023-07': '82%' },
  },
  {
    sheet: 'Board Data Tables for Slide',
    index: 7,
    section: 'Distribution of children across the service',
    name: 'Percentage of CLA placed <20 miles from home',
    figures: { '2022-07': '70%', '2023-02': '69%', '2023-07': '68%' },
  },
  {
    sheet: 'Board Data Tables for Slide',
    index: 8,
    section: 'Corporate parenting board',
    name: 'Number of CLA placed in IFA placements as at the end of the month',
    figures: { '2022-07': '130', '2023-01': '143', '2023-05': '151' },
  },
];

describe('the sample workbook holds the seed figures in every table', () => {
  it('finds all sixteen tables of the two seed sheets, and the health assessments table of seed 000', () => {
    expect(checked.dataset.tables.filter((t) => t.sheet !== 'Health assessments').map((t) => `${t.sheet} / ${t.section}`)).toHaveLength(16);
    expect(checked.dataset.tables.filter((t) => t.sheet === 'Health assessments')).toHaveLength(1);
    expect(checked.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it.each(EXPECTED)('$sheet table $index ($section): $name', ({ sheet, index, section, name, figures }) => {
    const t = table(sheet, index);
    expect(t.section).toBe(section);
    for (const [month, text] of Object.entries(figures)) expect(printed(t, name, month), `${name} ${month}`).toBe(text);
  });

  it('keeps targets, comparisons, benchmarks with their labels, and notes', () => {
    const rows = table('B4B data set', 0).rows;
    const referrals = rows.find((r) => r.name === 'Number of referrals into statutory service in the month');
    expect(referrals?.target).toMatchObject({ kind: 'number', value: 273 });
    expect(referrals?.notes).toEqual(['Target is based on rate of 639 (average SN)']);
    const rate = rows.find((r) => r.name === 'Rate of referrals per 10,000 population under 18 years old');
    expect(rate?.benchmarks.southamptonLastYear).toMatchObject({ label: "So'ton 21/22", figure: { value: 702.6 } });
    const ifa = table('Board Data Tables for Slide', 7).rows.find((r) => r.name.startsWith('Percentage of CLA placed in IFA'));
    expect(ifa?.target).toMatchObject({ kind: 'comparison', text: '<36%', value: 0.36 });
  });

  it('reports the real cross-table conflict: "Number of children in our care" in "Right service right time" is the other tables\' series a month late (September 2023: 510 against 505)', () => {
    const shifted = checked.findings.find((f) => f.code === 'shifted-series' && f.message.startsWith('Number of children in our care'));
    expect(shifted?.severity).toBe('warning');
    expect(shifted?.message).toContain('"Right service right time" (row C20) reads as the other tables\' series shifted by one month');
    expect(shifted?.detail?.[0]).toContain('Sep-23 510 vs 505');
  });

  it('holds the Safeguarding clinic team rows and caseloads of July 2023, and the October 2023 commentary', () => {
    const { teamMeasures, caseloads, commentary, finance } = checked.dataset;
    const sa20 = teamMeasures.filter((r) => r.measure === 'sa-20-days');
    expect(sa20.reduce((n, r) => n + r.denominator, 0)).toBe(135);
    expect(sa20.reduce((n, r) => n + r.numerator, 0)).toBe(37);
    expect(new Set(teamMeasures.filter((r) => !r.measure.startsWith('ptc-')).map((r) => r.measure)).size).toBe(12);
    expect(caseloads.filter((c) => c.allocations >= 20)).toHaveLength(26);
    expect(caseloads.every((c) => /^W\d{4}$/.test(c.workerReference))).toBe(true);
    expect(commentary.filter((c) => c.month === '2023-10' && c.kind === 'progress-analysis')).toHaveLength(8);
    expect(finance.costReduction.filter((c) => c.month === '2023-10').reduce((n, c) => n + c.target.value, 0)).toBe(600000);
  });
});

describe('the health assessments table', () => {
  it('holds the 26 figures the October 2023 performance report prints (seed 000), Oct-22 to Oct-23', async () => {
    const seed = (await readFile(path.join(ROOT, 'test/fixtures/seed-000-appendix-1-table-rows.tsv'), 'utf8'))
      .split('\n')
      .filter((line) => line.includes('health assessments'))
      .map((line) => line.split('\t'));
    expect(seed.flatMap((r) => r.slice(1))).toHaveLength(26);
    const health = checked.dataset.tables.find((t) => t.sheet === 'Health assessments');
    expect(health?.section).toBe('Health assessments');
    const months = [
      '2022-10',
      '2022-11',
      '2022-12',
      '2023-01',
      '2023-02',
      '2023-03',
      '2023-04',
      '2023-05',
      '2023-06',
      '2023-07',
      '2023-08',
      '2023-09',
      '2023-10',
    ];
    for (const [name, ...figures] of seed) {
      expect(
        months.map((m) => printed(health!, name!, m)),
        name,
      ).toEqual(figures.map((f) => `${f}%`));
    }
  });
});

describe('b4b-reports validate on the sample', () => {
  it('exits 0, says what it read and lists the conflicts as warnings', () => {
    const result = runCli(['validate', SAMPLE]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Read 17 indicator tables with 171 indicator rows');
    expect(result.stdout).toContain('Same indicator and month, different figures');
    expect(result.stdout).toMatch(/OK: no errors, \d+ warning\(s\)\./);
  });
});
