import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDataset, type CheckedDataset } from '../src/dataset/build-dataset.js';
import ExcelJS from 'exceljs';
import type { BreakdownRow, IndicatorTable } from '../src/dataset/types.js';
import { loadWorkbook } from '../src/workbook/load-workbook.js';
import { runCommand } from './fixtures/run-cli.js';
import { HUB_SENTENCE_ETHNICITIES } from './fixtures/seed-breakdowns.js';
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
  it("finds all sixteen tables of the two seed sheets, the health assessments table of seed 000, the clinic's series and the agency staffing table", () => {
    const ownSheets = ['Health assessments', 'Safeguarding clinic series', 'Agency staffing'];
    expect(checked.dataset.tables.filter((t) => !ownSheets.includes(t.sheet)).map((t) => `${t.sheet} / ${t.section}`)).toHaveLength(16);
    expect(checked.dataset.tables.filter((t) => t.sheet === 'Health assessments')).toHaveLength(1);
    expect(checked.dataset.tables.filter((t) => t.sheet === 'Safeguarding clinic series').map((t) => t.section)).toEqual(['Safeguarding clinic']);
    // October 2023 and the target are the performance report's ("the target of 21, with the current level of 19").
    const agency = checked.dataset.tables.find((t) => t.sheet === 'Agency staffing')?.rows[0];
    expect(agency?.name).toBe('Number of agency social workers');
    expect(agency?.values['2023-10']).toMatchObject({ kind: 'number', value: 19 });
    expect(agency?.target).toMatchObject({ kind: 'number', value: 21 });
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
    // Fostering recruitment and education are sections of their own, printed under their headings.
    const analyses = commentary.filter((c) => c.month === '2023-10' && c.kind === 'progress-analysis').map((c) => c.section);
    expect(analyses).toHaveLength(10);
    expect(analyses).toEqual(expect.arrayContaining(['fostering-recruitment', 'education']));
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
  it('exits 0, says what it read and lists the conflicts as warnings', async () => {
    const result = await runCommand(['validate', SAMPLE]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Read 19 indicator tables with 176 indicator rows');
    expect(result.stdout).toContain('45 breakdown rows');
    // Each sheet's latest month: a sheet whose month column was not added shows a month short here.
    expect(result.stdout).toContain("  'B4B data set': 7 tables, 67 rows, months to Oct-23\n");
    expect(result.stdout).toContain("  'Board Data Tables for Slide': 9 tables, 102 rows, months to Jul-23\n");
    expect(result.stdout).toContain('Same indicator and month, different figures');
    expect(result.stdout).toMatch(/OK: no errors, \d+ warning\(s\)\./);
  });
});

describe("the Breakdowns sheet holds the seed's figures where the seed prints them", () => {
  const rows = (measure: string): BreakdownRow[] => checked.dataset.breakdowns.filter((r) => r.measure === measure && r.month === '2023-10');
  const row = (measure: string, category: string): BreakdownRow => {
    const found = rows(measure).find((r) => r.category === category);
    if (!found) throw new Error(`no ${measure} / ${category}`);
    return found;
  };
  const percent = (r: BreakdownRow): string => `${Math.round(r.value.value * 1000) / 10}%`;
  let seed: string[];
  beforeAll(async () => {
    seed = (await readFile(path.join(ROOT, 'test/fixtures/seed-000-breakdown-lines.txt'), 'utf8')).split('\n').filter((l) => !l.startsWith('#'));
  });
  const line = (start: string): string => seed.find((l) => l.startsWith(start)) ?? '';

  it('Attendance at Family Hubs: the four bullet figures and the year they cover', () => {
    const [, distinct, year] = /^- (\d+) distinct individuals have attended Family Hubs in (\d{4})$/.exec(line('- 4964')) ?? [];
    expect(row('family-hubs', 'Distinct individuals')).toMatchObject({ period: year, unit: 'count', value: { value: Number(distinct) } });
    expect(row('family-hubs', 'Attendances').value.value).toBe(Number(/total number of ([\d,]+) times/.exec(line('- They'))?.[1]?.replace(',', '')));
    for (const [start, category] of [
      ['- 167', 'Children on Child In Need plans'],
      ['- 19', 'Children on Child Protection Plans'],
    ] as const) {
      const [, attended, of] = /^- (\d+) children out of (\d+)/.exec(line(start)) ?? [];
      const r = row('family-hubs', category);
      expect([r.value.value, r.outOf?.value]).toEqual([Number(attended), Number(of)]);
    }
  });

  it('the ethnicity of hub users: the eight proportions of the sentence, in its order', () => {
    const sentence = line('50% of individuals');
    const shares = [...sentence.matchAll(/(\d+)%/g)].map((m) => `${m[1]}%`);
    expect(HUB_SENTENCE_ETHNICITIES.map((c) => percent(row('family-hubs-ethnicity', c)))).toEqual(shares);
    expect(rows('family-hubs-ethnicity').every((r) => r.unit === 'proportion' && r.period === '2023')).toBe(true);
  });

  it("the ethnicity of hub users: all 21 as seed 002's doughnut labels them, in its legend's order", async () => {
    const lines = (await readFile(path.join(ROOT, 'test/fixtures/seed-002-hub-ethnicity.txt'), 'utf8'))
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'));
    const labels = lines.filter((l) => /^[\d% ]+$/.test(l)).flatMap((l) => l.trim().split(/\s+/));
    const legend = lines.filter((l) => !/^[\d% ]+$/.test(l));
    expect([labels.length, legend.length]).toEqual([21, 21]);
    // The legend's names as the sample names the categories.
    const named: Record<string, string> = {
      Unknown: 'Unknown',
      'e) Chinese': 'Chinese',
      'e) Any Other Ethnic Group': 'Any Other Ethnic Group',
      'd) Caribbean': 'Caribbean',
      'd) Any Other Black Background': 'Any Other Black Background',
      'd) African': 'African',
      'c) Pakistani': 'Pakistani',
      'c) Indian': 'Indian',
      'c) Bangladeshi': 'Bangladeshi',
      'c) Any Other Asian Background': 'Any Other Asian Background',
      'b) White/Black Caribbean': 'White/Black Caribbean',
      'b) White/Black African': 'White/Black African',
      'b) White/Asian': 'White/Asian',
      'b) Any Other Mixed Background': 'Any Other Mixed Background',
      'a) White-Other': 'White Other',
      'a) White-Irish': 'White Irish',
      'a) White-British': 'White British',
      'a) White - Gypsy Roma': 'White - Gypsy Roma',
      'a) Traveller of Irish Heritage': 'Traveller of Irish Heritage',
      '* Did not wish to be recorded': 'Did not wish to be recorded',
      NULL: 'Not recorded',
    };
    expect(legend.map((name, i) => `${named[name] ?? name} ${labels[i]}`)).toEqual(
      legend.map((name) => `${named[name] ?? name} ${percent(row('family-hubs-ethnicity', named[name] ?? name))}`),
    );
    expect(rows('family-hubs-ethnicity')).toHaveLength(21);
  });

  it('Education and the pay gaps', () => {
    const [, count, share] = /^There are (\d+) looked after children \(([\d.]+%)\)/.exec(line('There are')) ?? [];
    expect(row('cla-education', 'Children in care out of education').value.value).toBe(Number(count));
    expect(percent(row('cla-education', 'Children in care out of education (%)'))).toBe(share);
    expect(rows('pay-gap').every((r) => r.period === /Gender Pay Gap (\d{4})/.exec(line('Gender Pay Gap'))?.[1])).toBe(true);
    for (const category of ['Mean gender pay gap', 'Median gender pay gap', 'Mean ethnicity pay gap', 'Median ethnicity pay gap']) {
      const printed = line(category.replace(/\b\w/g, (c) => c.toUpperCase()));
      expect(printed, category).toBe(`${category.replace(/\b\w/g, (c) => c.toUpperCase())} - ${percent(row('pay-gap', category))}`);
    }
  });

  it("marks on the Notes sheet which measures are the seed's and which are illustrative", async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(SAMPLE);
    const notes = (workbook.getWorksheet('Notes')?.getColumn(1).values ?? []).filter((v) => typeof v === 'string');
    const about = (measure: string): string => notes.find((n) => n.startsWith("'Breakdowns'") && n.includes(measure)) ?? '';
    for (const measure of ['referral-source', 'staff-diversity', 'senior-roles']) expect(about(measure), measure).toContain('ILLUSTRATIVE');
    for (const measure of ['family-hubs', 'family-hubs-ethnicity', 'cla-education', 'pay-gap']) {
      expect(about(measure), measure).toContain('seed 000');
      expect(about(measure), measure).not.toContain('ILLUSTRATIVE');
    }
    const measures = new Set(checked.dataset.breakdowns.map((r) => r.measure));
    expect([...measures].sort()).toEqual([
      'cla-education',
      'family-hubs',
      'family-hubs-ethnicity',
      'pay-gap',
      'referral-source',
      'senior-roles',
      'staff-diversity',
    ]);
    expect(notes.some((n) => n.includes("'Safeguarding clinic series'") && n.includes('20 working days') && n.includes('ILLUSTRATIVE'))).toBe(true);
  });
});
