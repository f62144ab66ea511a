/**
 * A month laid out ahead of its figures: next month's column filled with 0, typed ahead or shown by
 * formulas over data not yet in. Read as figures, a run for that month printed 0 for every indicator
 * (a green RAG where lower is better) and said nothing. Every workbook here is built by code, as the
 * council's sheet lays out a table (title, header with Ref_ID, Indicator, months, Target).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDataset } from '../../src/dataset/build-dataset.js';
import { monthsWithFigures } from '../../src/dataset/summarise.js';
import { formatFinding } from '../../src/findings/finding.js';
import { loadWorkbook } from '../../src/workbook/load-workbook.js';
import { runCommand } from '../fixtures/run-cli.js';
import { tempProject } from '../fixtures/temp-project.js';
import { buildWorkbook, header, pct, projectConfig, type FixtureCell } from '../fixtures/workbooks.js';

const CORE_GROUP = 'Percentage of children subject to child protection plans with recent core group held in time';
const TITLE: FixtureCell[] = [undefined, undefined, 'Right service right time'];

/** Jan-23 ... May-23 figures of three indicators (D:H), then what Jun-23 (I) holds, then the Target (J). */
function rows(june: [FixtureCell, FixtureCell, FixtureCell], may: [FixtureCell, FixtureCell, FixtureCell] = [1428, 298, pct(0.27)]): FixtureCell[][] {
  return [
    TITLE,
    header(['Target']),
    [undefined, undefined, 'Number of contacts in the month', 1594, 1959, 1789, 1488, may[0], june[0], undefined],
    [undefined, 62, 'Number of referrals into statutory service in the month', 318, 286, 314, 276, may[1], june[1], 273],
    [undefined, 65, 'Percentage of re-referrals within 12 months', pct(0.26), pct(0.28), pct(0.3), pct(0.27), may[2], june[2], pct(0.23)],
  ];
}

async function read(table: FixtureCell[][]) {
  const { aliases, catalogue } = await projectConfig();
  const raw = await loadWorkbook(await buildWorkbook([{ name: 'B4B data set', rows: table }]), 'fixture.xlsx');
  const { dataset, findings } = buildDataset(raw, aliases, catalogue, new Date(Date.UTC(2023, 11, 15)));
  return {
    dataset,
    table: dataset.tables[0],
    warnings: findings.filter((f) => f.severity === 'warning').map(formatFinding),
    errors: findings.filter((f) => f.severity === 'error').map(formatFinding),
  };
}

describe('a month laid out but not filled in yet', () => {
  it('a latest month whose every figure is 0 is not read, with a warning naming its header, its cells and the month before', async () => {
    const { table, warnings, errors } = await read(rows([0, 0, pct(0)]));
    expect(errors).toEqual([]);
    expect(warnings).toEqual([
      'fixture.xlsx › \'B4B data set\'!I2: every figure of the table "Right service right time" under "Jun-23" is 0 (3 cells, I3:I5), ' +
        'after figures such as 1428, 298, 27% under "May-23": a month laid out but not filled in yet (zeros typed ahead, or formulas over data not yet in), ' +
        'so its figures are not read; expected the month\'s figures: type them, or "-" in each cell until they are in',
    ]);
    // A run for June finds no table with its figures (run-inputs.ts), rather than printing 0 for every indicator.
    expect(table?.months).not.toContain('2023-06');
    expect(table?.rows.map((r) => r.values['2023-06'])).toEqual([undefined, undefined, undefined]);
    expect(table?.rows[0]?.values['2023-05']).toMatchObject({ kind: 'number', value: 1428 });
  });

  it('two such months (a column per month laid out ahead) are named together', async () => {
    const { table, warnings } = await read(rows([0, 0, pct(0)], [0, 0, pct(0)]));
    expect(warnings).toEqual([
      'fixture.xlsx › \'B4B data set\'!H2: every figure of the table "Right service right time" under "May-23" to "Jun-23" is 0 (6 cells, H3:I5), ' +
        'after figures such as 1488, 276, 27% under "Apr-23": months laid out but not filled in yet (zeros typed ahead, or formulas over data not yet in), ' +
        'so their figures are not read; expected the month\'s figures: type them, or "-" in each cell until they are in',
    ]);
    expect(table?.months.at(-1)).toBe('2023-04');
  });

  it('following the advice: cells left blank or "-" are read as no figure, without the warning; figures typed are read', async () => {
    const blank = await read(rows([undefined, undefined, undefined]));
    expect(blank.warnings).toEqual([]);
    expect(blank.table?.months).toContain('2023-06');
    expect((await read(rows(['-', '-', '-']))).warnings).toEqual([]);
    const typed = await read(rows([1532, 267, pct(0.21)]));
    expect(typed.warnings).toEqual([]);
    expect(typed.table?.rows.map((r) => r.values['2023-06'])).toMatchObject([{ value: 1532 }, { value: 267 }, { value: 0.21 }]);
  });

  it('a single 0 is a figure: one indicator at 0 beside others, or the only figure of the month', async () => {
    const beside = await read(rows([1532, 0, pct(0.21)]));
    expect(beside.table?.rows[1]?.values['2023-06']).toMatchObject({ kind: 'number', value: 0 });
    const alone = await read(rows([undefined, 0, undefined]));
    expect(alone.table?.months).toContain('2023-06');
    expect(alone.table?.rows[1]?.values['2023-06']).toMatchObject({ kind: 'number', value: 0 });
    expect([...beside.warnings, ...alone.warnings].filter((w) => w.includes('laid out but not filled in'))).toEqual([]);
  });

  it('a table of nothing but zeros is left as it is: there is no month of figures to set them against', async () => {
    const { table, warnings } = await read(rows([0, 0, pct(0)], [0, 0, pct(0)]).map((r, i) => (i < 2 ? r : r.map((c, j) => (j >= 3 && j <= 8 ? 0 : c)))));
    expect(warnings.filter((w) => w.includes('laid out but not filled in'))).toEqual([]);
    expect(table?.months.at(-1)).toBe('2023-06');
  });

  it('a month left blank (the advice above, or a column laid out ahead) is no month of figures: a run for it is refused, naming the latest month that has them', async () => {
    const blank = rows([undefined, undefined, undefined]);
    const { dataset } = await read(blank);
    expect(dataset.tables[0]?.months.at(-1)).toBe('2023-06');
    expect(monthsWithFigures(dataset)).toEqual(['2023-01', '2023-02', '2023-03', '2023-04', '2023-05']);
    // Only "-" in the month is no figure either; one "<5" is.
    expect(monthsWithFigures((await read(rows(['-', '-', '-']))).dataset).at(-1)).toBe('2023-05');
    expect(monthsWithFigures((await read(rows([undefined, '<5', undefined]))).dataset).at(-1)).toBe('2023-06');

    const project = await tempProject();
    const workbook = path.join(project.root, 'june-laid-out.xlsx');
    await writeFile(workbook, await buildWorkbook([{ name: 'B4B data set', rows: blank }]));
    const june = await runCommand(['run', '--month', '2023-06', '--report', 'all-tables', '--workbook', workbook, '--settings', project.settings]);
    expect(june.status).toBe(1);
    expect(june.stderr).toContain('no table in june-laid-out.xlsx has figures for June 2023; the latest month in the workbook is May 2023');
    // The month it names is produced.
    const may = await runCommand(['run', '--month', '2023-05', '--report', 'all-tables', '--workbook', workbook, '--settings', project.settings]);
    expect(may.status, may.stderr).toBe(0);
  });
});

describe('a month started as a copy of the month before', () => {
  const COPIED = (suffix: string): string =>
    'fixture.xlsx › \'B4B data set\'!I2: every figure of the table "Right service right time" under "Jun-23" (3 cells, I3:I5) is the same as under "May-23" ' +
    `(H3:H5: 1428, 298, 27%), though its figures changed from "Apr-23" to "May-23": a month started as a copy of the month before and not filled in yet? ${suffix}`;

  it("is a warning naming both columns (May's figures printed as June's, each with a level arrow, without a word)", async () => {
    const { table, warnings, errors } = await read(rows([1428, 298, pct(0.27)]));
    expect(errors).toEqual([]);
    expect(warnings).toEqual([
      COPIED('The reports print them as Jun-23\'s, each with no change; expected Jun-23\'s own figures: type them, or "-" in each cell until they are in'),
    ]);
    // Read as they stand: they may be right, and the warning says so.
    expect(table?.rows.map((r) => r.values['2023-06'])).toMatchObject([{ value: 1428 }, { value: 298 }, { value: 0.27 }]);
  });

  it('following the advice (the figures typed, or "-" in the cells, or the cells left blank) says nothing', async () => {
    expect((await read(rows([1532, 298, pct(0.27)]))).warnings).toEqual([]);
    expect((await read(rows([undefined, undefined, undefined]))).warnings).toEqual([]);
    expect((await read(rows(['-', '-', '-']))).warnings).toEqual([]);
  });

  it('a table whose figures did not move the month before either, or with fewer than three figures, is left alone', async () => {
    const steady = rows([1428, 298, pct(0.27)]).map((r, i) => (i < 2 ? r : r.map((c, j) => (j === 6 ? r[7] : c))));
    expect((await read(steady)).warnings).toEqual([]);
    expect((await read(rows([1428, 298, undefined]).map((r, i) => (i === 4 ? r.map((c, j) => (j >= 3 && j <= 8 ? undefined : c)) : r)))).warnings).toEqual([]);
  });
});

/**
 * The table above with June's figures, then "Strong, Vibrant Localities" (rows 7-10) whose June is
 * `june`, or which has no June column at all ('no column').
 */
function twoTables(june: [FixtureCell, FixtureCell] | 'no column'): FixtureCell[][] {
  const juneCells = (i: 0 | 1): FixtureCell[] => (june === 'no column' ? [] : [june[i]]);
  return [
    ...rows([1532, 267, pct(0.21)]),
    [],
    [undefined, undefined, 'Strong, Vibrant Localities'],
    header(['Target']).filter((cell) => june !== 'no column' || cell !== 'Jun-23'),
    [undefined, 68, 'Percentage of referrals leading to NFA', pct(0.06), pct(0.05), pct(0.08), pct(0.07), pct(0.05), ...juneCells(0), undefined],
    [undefined, 74, CORE_GROUP, pct(0.77), pct(0.85), pct(0.83), pct(0.79), pct(0.85), ...juneCells(1), pct(0.95)],
  ];
}

describe("a table's latest month left blank where other tables have it", () => {
  it('is a warning naming the table, its blank cells and a cell that has the month (the report prints "-" there, with no RAG, without a word)', async () => {
    const { warnings, errors } = await read(twoTables([undefined, undefined]));
    expect(errors).toEqual([]);
    expect(warnings).toEqual([
      "fixture.xlsx › 'B4B data set'!I9: the table \"Strong, Vibrant Localities\" has no figure for Jun-23 in I9:I10, though its rows have May-23's and other tables have Jun-23's " +
        '(such as \'B4B data set\'!I3): a month not typed in yet? A report for Jun-23 prints "-" there, with no RAG or direction of travel; ' +
        'expected Jun-23\'s figures: type them, or type "-" or "TBC" where a figure is not in yet',
    ]);
  });

  it("one row's figure left blank where the table's other rows have the month is a warning naming it", async () => {
    const { warnings } = await read(twoTables([pct(0.09), undefined]));
    expect(warnings).toEqual([
      `fixture.xlsx › 'B4B data set'!I10: the table "Strong, Vibrant Localities" has no figure for Jun-23 in I10 (${CORE_GROUP}), though it has May-23's ` +
        "and the table's other rows have Jun-23's (such as 'B4B data set'!I9): a figure not typed in yet? A report for Jun-23 prints \"-\" there, with no RAG or direction of travel; " +
        'expected Jun-23\'s figures: type them, or type "-" or "TBC" where a figure is not in yet',
    ]);
  });

  it('following the advice (the figures typed, or "-" or "TBC" where there is none yet) says nothing', async () => {
    expect((await read(twoTables([pct(0.09), pct(0.8)]))).warnings).toEqual([]);
    expect((await read(twoTables(['-', 'TBC']))).warnings).toEqual([]);
  });
});

describe("a table whose month column was not added, where the sheet's other tables have it", () => {
  it('is a warning naming its header and a cell of the month in the other table (a report for the month printed "not supplied" for it, and validate said nothing)', async () => {
    const { warnings, errors } = await read(twoTables('no column'));
    expect(header(['Target'])).toContain('Jun-23');
    expect(errors).toEqual([]);
    expect(warnings).toEqual([
      "fixture.xlsx › 'B4B data set'!C8: the table \"Strong, Vibrant Localities\" has no column for Jun-23: its months end at May-23, though the sheet's other tables go on to Jun-23 " +
        '(such as "Right service right time", \'B4B data set\'!I3). A report for Jun-23 prints "not supplied" for each of its indicators no other table has for the month; ' +
        "expected a column headed Jun-23 after May-23's in this header row, with the month's figures",
    ]);
  });

  it("following the advice (the column added, with the month's figures) says nothing", async () => {
    expect((await read(twoTables([pct(0.09), pct(0.8)]))).warnings).toEqual([]);
  });
});
