/**
 * Two tables the template could equally mean (the same title, on two sheets: the council's workbook
 * has "Right service right time" in 'B4B data set' and in 'Board Data Tables for Slide') whose rows
 * for an indicator give other figures: the one printed is said, naming both cells, never chosen in
 * silence. Built by code from the council's table layout; no sample workbook.
 */
import { describe, expect, it } from 'vitest';
import { buildDataset } from '../../src/dataset/build-dataset.js';
import { ReportFigures } from '../../src/report/report-figures.js';
import { loadWorkbook } from '../../src/workbook/load-workbook.js';
import { buildWorkbook, header, projectConfig, type FixtureCell } from '../fixtures/workbooks.js';

const TITLE: FixtureCell[] = [undefined, undefined, 'Right service right time'];
const NAME = 'Number of referrals into statutory service in the month';

async function figures(first: FixtureCell[], second: FixtureCell[]): Promise<{ report: ReportFigures; id: string }> {
  const { aliases, catalogue } = await projectConfig();
  const raw = await loadWorkbook(
    await buildWorkbook([
      { name: 'B4B data set', rows: [TITLE, header(), [undefined, 62, NAME, ...first]] },
      { name: 'Board Data Tables for Slide', rows: [TITLE, header(), [undefined, 62, NAME, ...second]] },
    ]),
    'fixture.xlsx',
  );
  const { dataset } = buildDataset(raw, aliases, catalogue, new Date(Date.UTC(2023, 11, 15)));
  expect(dataset.tables.map((t) => t.sheet)).toEqual(['B4B data set', 'Board Data Tables for Slide']);
  return { report: new ReportFigures(dataset, catalogue, '2023-06', []), id: dataset.tables[0]?.rows[0]?.id ?? '' };
}

function referrals({ report, id }: { report: ReportFigures; id: string }): { cells: string[]; sources: Array<string | undefined> } {
  const table = report.table({ from: 'Right service right time', ids: [id], twoYearsBack: false, benchmarks: false, target: false });
  const row = table.rows[0]!;
  return { cells: row.cells.slice(-6), sources: row.figures.slice(-6).map((f) => f?.source.sheet) };
}

describe('a row two tables of the same title could give', () => {
  it('with other figures: printed from the table with more of the months, and a warning names both cells and says which was printed', async () => {
    // The first sheet's row has no Jan-23 figure and another Mar-23 figure.
    const found = await figures([undefined, 286, 300, 276, 396, 298], [318, 286, 314, 276, 396, 298]);
    const report = found.report;
    const { cells, sources } = referrals(found);
    expect(cells).toEqual(['318', '286', '314', '276', '396', '298']);
    expect(new Set(sources)).toEqual(new Set(['Board Data Tables for Slide']));
    const said = report.warnings.filter((w) => w.message.includes('two tables could give it'));
    expect(said).toHaveLength(1);
    expect(said[0]?.message).toBe(
      `${NAME}: two tables could give it, "Right service right time" in 'Board Data Tables for Slide' and "Right service right time" in 'B4B data set', ` +
        "and their figures differ in 1 of the report's 13 months (Mar-23 314 ('Board Data Tables for Slide'!F3) / 300 ('B4B data set'!F3)); " +
        'printed from the first, which has figures for more of those months. Make the two rows agree, or remove the one that is wrong',
    );
    expect(said[0]?.source).toMatchObject({ sheet: 'Board Data Tables for Slide', cell: 'C3' });
  });

  it('with the same figures: nothing to say', async () => {
    const row: FixtureCell[] = [318, 286, 314, 276, 396, 298];
    const found = await figures(row, row);
    expect(referrals(found).cells).toEqual(['318', '286', '314', '276', '396', '298']);
    expect(found.report.warnings.filter((w) => w.message.includes('two tables could give it'))).toEqual([]);
  });
});
