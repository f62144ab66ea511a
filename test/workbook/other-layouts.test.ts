import { describe, expect, it } from 'vitest';
import { buildDataset } from '../../src/dataset/build-dataset.js';
import { targetFor } from '../../src/dataset/targets.js';
import { formatFinding } from '../../src/findings/finding.js';
import { loadWorkbook } from '../../src/workbook/load-workbook.js';
import { ownerColumnsWorkbook, OWNER_COLUMNS_LAYOUT, typeColumnWorkbook, TYPE_COLUMN_LAYOUT } from '../fixtures/other-layouts.js';
import { projectConfig } from '../fixtures/workbooks.js';

async function read(bytes: Buffer, file = 'older.xlsx') {
  const { aliases, catalogue } = await projectConfig();
  return buildDataset(await loadWorkbook(bytes, file), aliases, catalogue);
}

describe('a workbook with a type column after the indicator (the 2021-22 layout)', () => {
  it('reads every row with no change of config, with one warning for the extra column', async () => {
    const { dataset, findings } = await read(await typeColumnWorkbook());
    expect(findings.filter((f) => f.severity === 'error').map(formatFinding)).toEqual([]);
    const unknown = findings.filter((f) => f.code === 'unknown-column');
    expect(unknown.map((f) => [f.source.cell, f.message.slice(0, 26)])).toEqual([['B2', 'the column "Outturn type" ']]);
    const table = dataset.tables[0];
    expect(table?.section).toBe('Performance');
    expect(table?.rows.map((r) => r.name)).toEqual(TYPE_COLUMN_LAYOUT.rows.map((r) => r.name));
    const [contacts, rereferrals, rate, widgets] = table?.rows ?? [];
    expect(contacts?.values['2021-10']).toMatchObject({ kind: 'number', value: 1759, stored: '1,759' });
    expect(contacts?.benchmarks.england?.figure).toMatchObject({ kind: 'missing', reason: 'placeholder', text: 'Local' });
    expect(rereferrals?.values['2022-10']).toMatchObject({ value: 0.21, stored: 21, format: { style: 'percent' } });
    expect(rereferrals?.target).toMatchObject({ value: 0.23 });
    expect(rereferrals?.benchmarks.southamptonLastYear).toMatchObject({ label: "So'ton 20/21", figure: { value: 0.22 } });
    expect(rate?.benchmarks.southamptonLastYear?.figure).toMatchObject({ value: 702.6 });
    // Not in the catalogue: its type column says it is a percentage, so 62 is 62%.
    expect(widgets?.catalogued).toBe(false);
    expect(widgets?.percent).toBe(true);
    expect(widgets?.values['2022-10']).toMatchObject({ value: 0.62 });
  });

  it('treats "Local" as an error once an officer removes it from the configured no-figure words', async () => {
    const { aliases, catalogue } = await projectConfig();
    const raw = await loadWorkbook(await typeColumnWorkbook(), 'older.xlsx');
    const { findings } = buildDataset(raw, { ...aliases, noFigure: aliases.noFigure.filter((w) => w !== 'Local') }, catalogue);
    expect(findings.filter((f) => f.code === 'not-a-number').map((f) => f.message)[0]).toMatch(
      /^"Local" is not a number \(Number of contacts in the month, So'ton 20\/21\)/,
    );
  });
});

describe('a workbook with owner, reporter and outcome columns and year targets (the 2017-18 layout)', () => {
  it('reads both tables under their section titles, past the dated sheet title and the note', async () => {
    const { dataset, findings } = await read(await ownerColumnsWorkbook());
    expect(findings.filter((f) => f.severity === 'error').map(formatFinding)).toEqual([]);
    expect(dataset.tables.map((t) => [t.section, t.rows.map((r) => r.name)])).toEqual(
      OWNER_COLUMNS_LAYOUT.tables.map((t) => [t.section, t.rows.map((r) => r.name)]),
    );
    expect(dataset.tables[0]?.months).toEqual([
      '2017-10',
      '2017-11',
      '2017-12',
      '2018-01',
      '2018-02',
      '2018-03',
      '2018-04',
      '2018-05',
      '2018-06',
      '2018-07',
      '2018-08',
      '2018-09',
      '2018-10',
    ]);
    expect(dataset.tables[0]?.rows[0]?.refId).toBe('62');
  });

  it('warns once per extra column, and reads the Commentary column as notes and the DoT captions as header', async () => {
    const { dataset, findings } = await read(await ownerColumnsWorkbook());
    const unknown = findings.filter((f) => f.code === 'unknown-column').map((f) => /"([^"]+)"/.exec(f.message)?.[1]);
    expect(unknown).toEqual(['Owner', 'Reporter', 'Outcome', '12-month average']);
    expect(findings.filter((f) => f.severity === 'warning' && f.code !== 'unknown-column').map(formatFinding)).toEqual([]);
    expect(dataset.tables[0]?.rows[0]?.notes).toEqual(['On track']);
  });

  it('takes the target of the financial year of the month reported: Target 18-19 for October 2018, Target 17-18 for March 2018', async () => {
    const { dataset } = await read(await ownerColumnsWorkbook());
    const inCare = dataset.tables[1]?.rows[0];
    expect(inCare?.name).toBe('Number of children in our care');
    expect(inCare && targetFor(inCare, '2018-10')).toMatchObject({ value: 495 });
    expect(inCare && targetFor(inCare, '2018-03')).toMatchObject({ value: 515 });
    expect(inCare && targetFor(inCare, '2019-04')).toMatchObject({ value: 480 });
    expect(inCare && targetFor(inCare, '2020-04')).toBeUndefined();
    const ifa = dataset.tables[1]?.rows[1];
    expect(ifa && targetFor(ifa, '2018-10')).toMatchObject({ kind: 'comparison', op: '<', value: 0.35 });
  });
});
