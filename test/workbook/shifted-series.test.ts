/**
 * A series shifted by a month is named once as such (issue 21, item 5): the sample's "Number of
 * children in our care" gave 12 separate disagreements between "Right service right time" and each
 * of the two other tables, where one table's figure is the others' figure for the month before.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDataset } from '../../src/dataset/build-dataset.js';
import { formatFinding, type Finding } from '../../src/findings/finding.js';
import { loadWorkbook } from '../../src/workbook/load-workbook.js';
import { runCommand } from '../fixtures/run-cli.js';
import { buildWorkbook, header, projectConfig, ROOT, type FixtureCell } from '../fixtures/workbooks.js';

const CLA = 'Number of children in our care';
/** Dec-22 to Jun-23, so that Jan-23 to Jun-23 under the header have a month before them. */
const SERIES = [543, 553, 545, 539, 505, 517, 518];

function titled(title: string, values: number[]): FixtureCell[][] {
  return [[undefined, undefined, title], header(), [undefined, undefined, CLA, ...values], []];
}

async function conflicts(tables: FixtureCell[][][]): Promise<Finding[]> {
  const { aliases, catalogue } = await projectConfig();
  const raw = await loadWorkbook(await buildWorkbook([{ name: 'B4B data set', rows: tables.flat() }]), 'shift.xlsx');
  const { findings } = buildDataset(raw, aliases, catalogue, new Date(Date.UTC(2023, 11, 15)));
  return findings.filter((f) => f.code === 'conflicting-values' || f.code === 'shifted-series');
}

const onTime = SERIES.slice(1); // Jan-23 .. Jun-23: 553 545 539 505 517 518
const late = SERIES.slice(0, -1); // the month before each: 543 553 545 539 505 517

describe('a series shifted by a month', () => {
  it('one table of three, a month late: one finding naming it and the others, with the month-by-month detail kept for --json', async () => {
    const found = await conflicts([
      titled('Right service right time', late),
      titled('Children remain within or return to birth families', onTime),
      titled('Placement stability and permanence', onTime),
    ]);
    expect(found.map(formatFinding)).toEqual([
      `shift.xlsx › 'B4B data set'!D3: ${CLA}: "Right service right time" (row C3) reads as the other tables' series shifted by one month ` +
        '("Children remain within or return to birth families", row C7; "Placement stability and permanence", row C11): its figure for a month is theirs for the month before, ' +
        'in 5 of the 6 months they disagree (Feb-23 553, Mar-23 545, Apr-23 539, May-23 505, Jun-23 517); expected the same figure for a month in every table ' +
        '(is a month column out of step, or was the table filled in a month late?)',
    ]);
    expect(found[0]?.severity).toBe('warning');
    expect(found[0]?.detail).toEqual([
      '"Right service right time" (row C3) and "Children remain within or return to birth families" (row C7): Jan-23 543 vs 553, Feb-23 553 vs 545, Mar-23 545 vs 539, Apr-23 539 vs 505, May-23 505 vs 517, Jun-23 517 vs 518',
      '"Right service right time" (row C3) and "Placement stability and permanence" (row C11): Jan-23 543 vs 553, Feb-23 553 vs 545, Mar-23 545 vs 539, Apr-23 539 vs 505, May-23 505 vs 517, Jun-23 517 vs 518',
    ]);
  });

  it('two tables: the one a month late is named against the other', async () => {
    const found = await conflicts([titled('Right service right time', onTime), titled('Children remain within or return to birth families', late)]);
    expect(found.map((f) => f.code)).toEqual(['shifted-series']);
    expect(found[0]?.message).toMatch(
      /^Number of children in our care: "Children remain within or return to birth families" \(row C7\) reads as the series of "Right service right time" \(row C3\) shifted by one month: its figure for a month is theirs for the month before, in 5 of the 6 months/,
    );
  });

  it('tables that disagree in other ways are still one warning per pair, month by month', async () => {
    const found = await conflicts([
      titled('Right service right time', onTime),
      titled('Children remain within or return to birth families', [553, 545, 540, 505, 517, 519]),
    ]);
    expect(found.map(formatFinding)).toEqual([
      `shift.xlsx › 'B4B data set'!F3: ${CLA}: the tables "Right service right time" (row C3) and "Children remain within or return to birth families" (row C7) disagree in 2 month(s): ` +
        'Mar-23 539 vs 540, Jun-23 518 vs 519; expected the same figure in every table',
    ]);
  });
});

describe('validate on the sample workbook', () => {
  it('names the shifted series once, and keeps the month-by-month detail in --json', async () => {
    const sample = path.join(ROOT, 'data', 'b4b-sample.xlsx');
    const text = await runCommand(['validate', sample]);
    expect(text.status).toBe(0);
    const shifted = text.stdout.split('\n').filter((l) => l.includes('reads as the other tables'));
    expect(shifted).toEqual([
      `    b4b-sample.xlsx › 'B4B data set'!O20: Number of children in our care: "Right service right time" (row C20) reads as the other tables' series shifted by one month ` +
        '("Children remain within or return to birth families", row C33; "Placement stability and permanence", row C44): its figure for a month is theirs for the month before, ' +
        'in 11 of the 12 months they disagree (Oct-22 548, Nov-22 552, Jan-23 543, Feb-23 553, Mar-23 545, and 6 more); expected the same figure for a month in every table ' +
        '(is a month column out of step, or was the table filled in a month late?)',
    ]);
    expect(text.stdout).not.toMatch(/Number of children in our care: the tables "Right service right time"/);

    const json = await runCommand(['validate', '--json', sample]);
    const report = JSON.parse(json.stdout) as { warnings: Finding[] };
    const finding = report.warnings.find((w) => w.code === 'shifted-series' && w.message.startsWith('Number of children in our care'));
    expect(finding?.detail?.[0]).toMatch(
      /^"Right service right time" \(row C20\) and "Children remain within or return to birth families" \(row C33\): Sep-22 551 vs 548, Oct-22 548 vs 552/,
    );
  });
});
