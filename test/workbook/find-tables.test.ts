import { describe, expect, it } from 'vitest';
import { buildDataset } from '../../src/dataset/build-dataset.js';
import { formatFinding } from '../../src/findings/finding.js';
import { loadWorkbook } from '../../src/workbook/load-workbook.js';
import { serialToDate } from '../../src/workbook/cell-value.js';
import { buildWorkbook, header, pct, projectConfig, type FixtureSheet } from '../fixtures/workbooks.js';

async function read(sheets: FixtureSheet[], file = 'fixture.xlsx') {
  const { aliases, catalogue } = await projectConfig();
  const raw = await loadWorkbook(await buildWorkbook(sheets), file);
  return buildDataset(raw, aliases, catalogue);
}

const contacts = [undefined, undefined, 'Number of contacts in the month', 1594, 1959, 1789, 1488, 1794, 1428];

describe('finding tables', () => {
  it('finds tables one under another, with their titles, separated by blank rows or not', async () => {
    const { dataset, findings } = await read([
      {
        name: 'B4B data set',
        rows: [
          [undefined, undefined, 'Right service right time'],
          header(),
          contacts,
          [],
          [undefined, undefined, 'Strong, Vibrant Localities'],
          header(),
          [undefined, 65, 'Percentage of re-referrals within 12 months', pct(0.26), pct(0.28), pct(0.3), pct(0.27), pct(0.26), pct(0.3), pct(0.23)],
          // The next title follows with no blank row between, as in the real sheet.
          [undefined, undefined, 'Children remain within or return to birth families'],
          header(),
          [undefined, undefined, 'Number of new CLA in month', 11, 17, 24, 16, 23, 19],
        ],
      },
    ]);
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(dataset.tables.map((t) => [t.section, t.rows.map((r) => r.name)])).toEqual([
      ['Right service right time', ['Number of contacts in the month']],
      ['Strong, Vibrant Localities', ['Percentage of re-referrals within 12 months']],
      ['Children remain within or return to birth families', ['Number of new CLA in month']],
    ]);
    const rereferrals = dataset.tables[1]?.rows[0];
    expect(rereferrals?.refId).toBe('65');
    expect(rereferrals?.values['2023-06']).toMatchObject({ kind: 'number', value: 0.3, source: { sheet: 'B4B data set', cell: 'I7' } });
    expect(rereferrals?.target).toMatchObject({ kind: 'number', value: 0.23, format: { style: 'percent' } });
  });

  it('reads month headers that are real dates, under a row of month-end dates', async () => {
    const monthStart = (m: number) => ({ value: new Date(Date.UTC(2023, m, 1)), numFmt: 'mmm-yy' });
    const monthEnd = (m: number) => ({ value: new Date(Date.UTC(2023, m + 1, 0)), numFmt: 'yyyy-mm-dd' });
    const { dataset } = await read([
      {
        name: 'Board Data Tables for Slide',
        rows: [
          [undefined, undefined, 'Demand', undefined, undefined, undefined, monthEnd(0), monthEnd(1), monthEnd(2)],
          [undefined, 'Ref_ID', 'Indicator', ...[0, 1, 2, 3, 4, 5].map(monthStart), 'Trend'],
          [undefined, undefined, 'Number of contacts in the month', 1, 2, 3, 4, 5, 6, { formula: 'I3-H3', result: 1 }],
        ],
      },
    ]);
    expect(dataset.tables).toHaveLength(1);
    expect(dataset.tables[0]?.section).toBe('Demand');
    expect(dataset.tables[0]?.months).toEqual(['2023-01', '2023-02', '2023-03', '2023-04', '2023-05', '2023-06']);
    expect(dataset.tables[0]?.rows[0]?.values['2023-06']).toMatchObject({ value: 6 });
  });

  it('reads percentages stored as plain points (18 meaning 18%) as fractions, target included', async () => {
    const { dataset } = await read([
      {
        name: 'S',
        rows: [header(), [undefined, undefined, 'Percentage of CLA at end of month with 3 or more placements during the year', 18, 18, 17, 16, 15, 15, 12]],
      },
    ]);
    const row = dataset.tables[0]?.rows[0];
    expect(row?.percent).toBe(true);
    expect(row?.values['2023-01']).toMatchObject({ value: 0.18, stored: 18, format: { style: 'percent' } });
    expect(row?.target).toMatchObject({ value: 0.12, stored: 12 });
  });

  it('reads percentages typed as text, and a comparison target', async () => {
    const { dataset } = await read([
      {
        name: 'S',
        rows: [
          header(),
          [undefined, 211, 'Percentage of CLA placed in IFA placements as at the end of the month', '23%', '23%', '24%', '24%', '24%', '25%', '<36%'],
        ],
      },
    ]);
    const row = dataset.tables[0]?.rows[0];
    expect(row?.values['2023-03']).toMatchObject({ value: 0.24, stored: '24%' });
    expect(row?.target).toMatchObject({ kind: 'comparison', op: '<', value: 0.36, text: '<36%' });
  });

  it('keeps "-", "TBC" and blanks as no figure, and warns of a gap inside a series', async () => {
    const { dataset, findings } = await read([
      { name: 'S', rows: [header(), [undefined, undefined, 'Number of contacts in the month', 1, '-', undefined, 'TBC', 5, 6]] },
    ]);
    const values = dataset.tables[0]?.rows[0]?.values;
    expect(values?.['2023-02']).toMatchObject({ kind: 'missing', reason: 'placeholder', text: '-' });
    expect(values?.['2023-03']).toMatchObject({ kind: 'missing', reason: 'blank' });
    expect(findings.map(formatFinding)).toContain(
      "fixture.xlsx › 'S'!E2: Number of contacts in the month has no figure for Feb-23, Mar-23, Apr-23 between Jan-23 and Jun-23; expected a figure for every month",
    );
  });

  it('reads a number shown as a date by a stray format back as the number, with a warning', async () => {
    const { dataset, findings } = await read([
      { name: 'S', rows: [header(), [undefined, undefined, 'Number of contacts in the month', 1, 2, 3, 4, 5, { value: serialToDate(0), numFmt: 'mmm-yy' }]] },
    ]);
    expect(dataset.tables[0]?.rows[0]?.values['2023-06']).toMatchObject({ kind: 'number', value: 0 });
    expect(findings.find((f) => f.code === 'number-shown-as-date')).toMatchObject({ severity: 'warning', source: { cell: 'I2' } });
  });

  it('warns of error values and formulas without saved results, naming the cell', async () => {
    const { dataset, findings } = await read([
      { name: 'S', rows: [header(), [undefined, undefined, 'Number of contacts in the month', 1, 2, { error: '#DIV/0!' }, { formula: 'SUM(D2:E2)' }, 5, 6]] },
    ]);
    expect(dataset.tables[0]?.rows[0]?.values['2023-03']).toMatchObject({ kind: 'missing', reason: 'error' });
    const messages = findings.map(formatFinding);
    expect(messages).toContain(
      "fixture.xlsx › 'S'!F2: the cell holds the error #DIV/0!, read as no figure (Number of contacts in the month, Mar-23); expected a number",
    );
    expect(messages.some((m) => m.startsWith("fixture.xlsx › 'S'!G2: the formula =SUM(D2:E2) has no saved result"))).toBe(true);
  });

  it('reports "12a" in a value cell as an error naming the file, sheet and cell', async () => {
    const { findings } = await read(
      [{ name: 'B4B data set', rows: [header(), [undefined, undefined, 'Number of contacts in the month', 1, '12a', 3, 4, 5, 6]] }],
      'B4B.xlsx',
    );
    expect(findings.filter((f) => f.severity === 'error').map(formatFinding)).toEqual([
      `B4B.xlsx › 'B4B data set'!E2: "12a" is not a number (Number of contacts in the month, Feb-23); expected a figure, or a text that means no figure (listed under noFigure in config/header-aliases.yaml)`,
    ]);
  });

  it('reports a header that no alias maps ("Measure") as an error naming its cell', async () => {
    const { dataset, findings } = await read([
      {
        name: 'S',
        rows: [
          [undefined, 'Ref_ID', 'Measure', 'Jan-23', 'Feb-23', 'Mar-23'],
          [undefined, undefined, 'Number of contacts in the month', 1, 2, 3],
        ],
      },
    ]);
    expect(dataset.tables).toEqual([]);
    const errors = findings.filter((f) => f.severity === 'error');
    expect(errors.map((f) => f.code)).toEqual(['missing-column']);
    expect(formatFinding(errors[0]!)).toMatch(/^fixture\.xlsx › 'S'!C1: the header "Measure" is not a known name for the Indicator column/);
  });

  it('accepts a renamed column once the alias file names it (a configuration change, not a code change)', async () => {
    const { aliases, catalogue } = await projectConfig();
    const workbook = await buildWorkbook([
      {
        name: 'S',
        rows: [
          [undefined, 'Ref_ID', 'Measure', 'Jan-23', 'Feb-23', 'Goal'],
          [undefined, undefined, 'Number of contacts in the month', 1, 2, 3],
        ],
      },
    ]);
    const raw = await loadWorkbook(workbook, 'renamed.xlsx');
    const renamed = {
      ...aliases,
      indicatorTables: { ...aliases.indicatorTables, indicator: [...aliases.indicatorTables.indicator, 'Measure'], target: ['Goal'] },
    };
    const { dataset, findings } = buildDataset(raw, renamed, catalogue);
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(dataset.tables[0]?.rows[0]?.target).toMatchObject({ value: 3 });
  });

  it('reads benchmarks with their own column labels, and a trailing notes column', async () => {
    const { dataset } = await read([
      {
        name: 'S',
        rows: [
          header(['Target', 'RAG', 'Direction of travel', "So'ton 21/22", 'Statistical Neighbours', 'South East', 'England']),
          [
            undefined,
            62,
            'Number of children in our care',
            554,
            551,
            548,
            552,
            543,
            543,
            495,
            -1,
            1,
            497,
            640,
            10480,
            80850,
            undefined,
            'Target is based on rate of 639 (average SN)',
          ],
        ],
      },
    ]);
    const row = dataset.tables[0]?.rows[0];
    expect(row?.benchmarks.southamptonLastYear).toMatchObject({ label: "So'ton 21/22", figure: { value: 497 } });
    expect(row?.benchmarks.england).toMatchObject({ label: 'England', figure: { value: 80850 } });
    expect(row?.notes).toEqual(['Target is based on rate of 639 (average SN)']);
  });

  it('warns where copies of one indicator disagree, naming both cells', async () => {
    const { findings } = await read([
      {
        name: 'B4B data set',
        rows: [
          [undefined, undefined, 'Right service right time'],
          header(),
          [undefined, undefined, 'Number of children in our care', 554, 551, 548, 552, 543, 510],
          [],
          [undefined, undefined, 'Children remain within or return to birth families'],
          header(),
          [undefined, undefined, 'Number of children in our care', 554, 551, 548, 552, 543, 505],
        ],
      },
    ]);
    const conflicts = findings.filter((f) => f.code === 'conflicting-values');
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ source: { cell: 'I3' }, also: { cell: 'I7' } });
    expect(conflicts[0]?.message).toContain('disagree in 1 month(s): Jun-23 510 vs 505');
  });

  it('warns (never fails) for an indicator missing from the catalogue, matching spelling variants by alias', async () => {
    const { dataset, findings } = await read([
      {
        name: 'S',
        rows: [
          header(),
          [undefined, undefined, 'Number of widgets counted', 1, 2, 3, 4, 5, 6],
          [
            undefined,
            undefined,
            'Percentage of chilren open to Early Help with a visit in the last 4 weeks',
            pct(0.5),
            pct(0.5),
            pct(0.5),
            pct(0.5),
            pct(0.5),
            pct(0.5),
          ],
        ],
      },
    ]);
    expect(findings.filter((f) => f.code === 'not-in-catalogue').map((f) => f.source.cell)).toEqual(['C2']);
    expect(dataset.tables[0]?.rows[1]?.id).toBe('percentage-of-children-open-to-early-help-with-a-visit-in-the-last-4-weeks');
  });

  it('finds no tables in a workbook without indicator headers, as an error naming the file', async () => {
    const { findings } = await read([{ name: 'Notes', rows: [['Just notes']] }]);
    expect(findings.map(formatFinding)).toEqual([
      "fixture.xlsx: no indicator tables found on any of its 1 sheet(s) ('Notes'); expected a header row with an Indicator column followed by month columns (Oct-23 or dates)",
    ]);
  });
});
