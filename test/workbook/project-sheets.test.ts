import { describe, expect, it } from 'vitest';
import { buildDataset } from '../../src/dataset/build-dataset.js';
import { formatFinding } from '../../src/findings/finding.js';
import { loadWorkbook } from '../../src/workbook/load-workbook.js';
import { buildWorkbook, header, projectConfig, type FixtureCell } from '../fixtures/workbooks.js';

const indicatorSheet = { name: 'B4B data set', rows: [header(), [undefined, undefined, 'Number of contacts in the month', 1, 2, 3, 4, 5, 6]] };

async function findings(sheets: Parameters<typeof buildWorkbook>[0]) {
  const { aliases, catalogue } = await projectConfig();
  return buildDataset(await loadWorkbook(await buildWorkbook([indicatorSheet, ...sheets]), 'own.xlsx'), aliases, catalogue);
}

describe("the project's own sheets are validated, each problem named by its cell", () => {
  it('team measures: months, whole numbers, numerator within denominator, duplicates', async () => {
    const { dataset, findings: found } = await findings([
      {
        name: 'Team measures',
        rows: [
          ['Month', 'Measure', 'Team/Locality', 'Denominator', 'Numerator'],
          [{ value: new Date(Date.UTC(2023, 6, 1)), numFmt: 'mmm-yy' }, 'sa-20-days', 'SWF East 1', 13, 6],
          ['Jul-23', 'sa-20-days', 'SWF East 2', 14, 20],
          ['July', 'sa-20-days', 'SWF East 3', 12, 6],
          ['2023-07', 'sa-20-days', 'SWF West 1', 7.5, 4],
          ['2023-07', 'sa-20-days', 'SWF East 1', 13, 5],
          [45108, 'sa-20-days', 'SWF West 2', 1, 1], // 1 July 2023 that lost its date format
          ['Jul-23', 'sa-20-days', 'SWF West 2', 1, 1], // pasted twice
        ],
      },
    ]);
    expect(found.map((f) => `${f.severity}: ${formatFinding(f)}`)).toEqual([
      "error: own.xlsx › 'Team measures'!E3: the numerator 20 is larger than the denominator 14 (sa-20-days, SWF East 2); expected at most the denominator",
      `error: own.xlsx › 'Team measures'!A4: "July" is not a month (sa-20-days, SWF East 3); expected a date, "2023-07" or "Jul-23"`,
      "error: own.xlsx › 'Team measures'!D5: 7.5 is not a whole number (sa-20-days, SWF West 1, Denominator)",
      // Which of two rows that differ is the correction is not in the workbook: the clinic would print a guess.
      "error: own.xlsx › 'Team measures'!A6: sa-20-days, SWF East 1, 2023-07 appears twice with different figures (6 of 13 in A2, 5 of 13 here), " +
        'so it is not clear which to print; expected one row per measure, team and month: delete the wrong row',
      "warning: own.xlsx › 'Team measures'!A8: sa-20-days, SWF West 2, 2023-07 appears twice with the same figures; the first row (A7) is read; delete the other",
    ]);
    expect(dataset.teamMeasures.map((r) => [r.month, r.team, r.numerator])).toEqual([
      ['2023-07', 'SWF East 1', 6],
      ['2023-07', 'SWF West 2', 1],
    ]);
  });

  it('a month typed as a text date that reads either way round is an error, not a row moved six months; typed as the month meant, it is read', async () => {
    const team = (month: string): Parameters<typeof buildWorkbook>[0] => [
      {
        name: 'Team measures',
        rows: [
          ['Month', 'Measure', 'Team/Locality', 'Denominator', 'Numerator'],
          [{ value: new Date(Date.UTC(2023, 6, 1)), numFmt: 'mmm-yy' }, 'sa-20-days', 'SWF East 1', 13, 6],
          // Pasted from an export that writes the month first: 1 July 2023 there, 7 January 2023 day first.
          [month, 'sa-20-days', 'SWF East 2', 14, 2],
          ['01/07/2023', 'sa-20-days', 'SWF East 3', 12, 6], // the first of a month: July, day first
          ['15/07/2023', 'sa-20-days', 'SWF West 1', 7, 4], // only one reading is a date
        ],
      },
    ];
    const guessed = await findings(team('07/01/2023'));
    expect(guessed.findings.map(formatFinding)).toEqual([
      `own.xlsx › 'Team measures'!A3: "07/01/2023" could be 7 January 2023 (day first) or 1 July 2023 (month first), so its month is a guess (sa-20-days, SWF East 2); ` +
        'expected the month as "Jan-23" or "Jul-23", whichever is meant',
    ]);
    expect(guessed.dataset.teamMeasures.map((r) => [r.month, r.team])).toEqual([
      ['2023-07', 'SWF East 1'],
      ['2023-07', 'SWF East 3'],
      ['2023-07', 'SWF West 1'],
    ]);
    const typed = await findings(team('Jul-23'));
    expect(typed.findings).toEqual([]);
    expect(typed.dataset.teamMeasures.filter((r) => r.month === '2023-07')).toHaveLength(4);
  });

  it('a month written as 23:00 the evening before the 1st (a program writing UK summer time in UTC) is an error, not a row a month early; typed as the month meant, it is read', async () => {
    const team = (month: FixtureCell): Parameters<typeof buildWorkbook>[0] => [
      {
        name: 'Team measures',
        rows: [
          ['Month', 'Measure', 'Team/Locality', 'Denominator', 'Numerator'],
          [{ value: new Date(Date.UTC(2023, 6, 1)), numFmt: 'mmm-yy' }, 'sa-20-days', 'SWF East 1', 13, 6],
          // Excel shows 30/06/2023 23:00 as Jun-23: the row is meant for July.
          [month, 'sa-20-days', 'SWF East 2', 14, 2],
        ],
      },
    ];
    const shifted = await findings(team({ value: new Date(Date.UTC(2023, 5, 30, 23)), numFmt: 'mmm-yy' }));
    expect(shifted.findings.map(formatFinding)).toEqual([
      "own.xlsx › 'Team measures'!A3: the date 30/06/2023 23:00 is 1 hour before 1 July 2023, as another program writes the first of a month in summer time, " +
        'so it is not clear which month the row is for (Excel shows it as Jun-23; sa-20-days, SWF East 2); expected a date without a time of day, or a month such as "Jul-23"',
    ]);
    // Neither June nor July: the row is not read until its month is typed.
    expect(shifted.dataset.teamMeasures.map((r) => [r.month, r.team])).toEqual([['2023-07', 'SWF East 1']]);
    const typed = await findings(team('Jul-23'));
    expect(typed.findings).toEqual([]);
    expect(typed.dataset.teamMeasures.map((r) => [r.month, r.team])).toEqual([
      ['2023-07', 'SWF East 1'],
      ['2023-07', 'SWF East 2'],
    ]);
  });

  it('caseloads: a qualifying status other than SW, NQSW or ASYE, and messages that never name the worker', async () => {
    const { findings: found } = await findings([
      {
        name: 'Caseloads',
        rows: [
          ['Month', 'Worker reference', 'Qualifying status', 'Allocated team', 'Allocations'],
          ['2023-07', 'W0001', 'Senior', 'BIT East 1', 21],
          ['2023-07', 'W0002', 'SW', 'BIT East 1', 'lots'],
        ],
      },
    ]);
    const messages = found.map(formatFinding);
    expect(messages).toEqual([
      `own.xlsx › 'Caseloads'!C2: "Senior" is not a qualifying status; expected SW, NQSW or ASYE`,
      `own.xlsx › 'Caseloads'!E3: "lots" is not a number (caseload in BIT East 1, Allocations)`,
    ]);
    expect(messages.join('\n')).not.toMatch(/W000\d/);
  });

  it('caseloads: a worker listed twice in a month is an error when the rows differ (which to count is a guess), a warning when pasted twice', async () => {
    const { dataset, findings: found } = await findings([
      {
        name: 'Caseloads',
        rows: [
          ['Month', 'Worker reference', 'Qualifying status', 'Allocated team', 'Allocations'],
          ['2023-07', 'W0001', 'SW', 'BIT East 1', 21],
          ['2023-07', 'W0002', 'SW', 'BIT East 1', 12],
          ['2023-07', 'w0001 ', 'SW', 'BIT East 1', 18],
          ['2023-07', 'W0002', 'SW', 'BIT East 1', 12],
          ['2023-08', 'W0001', 'SW', 'BIT East 1', 20],
        ],
      },
    ]);
    const messages = found.map((f) => `${f.severity}: ${formatFinding(f)}`);
    expect(messages).toEqual([
      "error: own.xlsx › 'Caseloads'!A4: the worker of row A2 is listed again for Jul-23 with other figures (21 allocations in BIT East 1 there, 18 in BIT East 1 here), " +
        'so it is not clear which to count; expected one row per worker a month: delete the wrong row',
      "warning: own.xlsx › 'Caseloads'!A5: the worker of row A3 is listed again for Jul-23 with the same team, status and allocations; the first row is read; delete the other",
    ]);
    expect(messages.join('\n')).not.toMatch(/W000\d/i);
    // Counted once each: a second row would be a second worker in the 20+ table and the team's average.
    expect(dataset.caseloads.map((r) => [r.month, r.allocations])).toEqual([
      ['2023-07', 21],
      ['2023-07', 12],
      ['2023-08', 20],
    ]);
  });

  it('a missing column of a project sheet is an error naming the header row', async () => {
    const { findings: found } = await findings([{ name: 'Commentary', rows: [['Month', 'Report', 'Section', 'Text']] }]);
    expect(found.map(formatFinding)).toEqual([
      `own.xlsx › 'Commentary'!A1: the header row has no "Kind" column (expected one of: Kind, Type; add a new name to config/header-aliases.yaml)`,
    ]);
  });
});
