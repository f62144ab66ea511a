import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDataset } from '../../src/dataset/build-dataset.js';
import { formatFinding } from '../../src/findings/finding.js';
import { loadWorkbook } from '../../src/workbook/load-workbook.js';
import { runCommand } from '../fixtures/run-cli.js';
import { buildWorkbook, header, pct, projectConfig, type FixtureCell } from '../fixtures/workbooks.js';

/**
 * The Breakdowns sheet (figures by category) is checked like every other sheet: each kind of mistake
 * is an error naming the sheet and cell and saying what to do, and doing it clears the error.
 */
const indicatorSheet = { name: 'B4B data set', rows: [header(), [undefined, undefined, 'Number of contacts in the month', 1, 2, 3, 4, 5, 6]] };
const HEADER = ['Month', 'Measure', 'Period', 'Category', 'Value', 'Out of', 'Type'];
type Row = FixtureCell[];

async function check(rows: Row[]) {
  const { aliases, catalogue } = await projectConfig();
  const bytes = await buildWorkbook([indicatorSheet, { name: 'Breakdowns', rows: [HEADER, ...rows] }]);
  const checked = buildDataset(await loadWorkbook(bytes, 'own.xlsx'), aliases, catalogue, new Date(Date.UTC(2023, 11, 1)));
  return { rows: checked.dataset.breakdowns, messages: checked.findings.map(formatFinding) };
}

const sources: Row[] = [
  ['2023-10', 'referral-source', undefined, 'Police', 92, undefined, 'Number'],
  ['2023-10', 'referral-source', undefined, 'Schools', 86, undefined, 'Number'],
];
const ethnicity: Row[] = [
  ['2023-10', 'family-hubs-ethnicity', '2023', 'White British', pct(0.5), undefined, 'Proportion'],
  ['2023-10', 'family-hubs-ethnicity', '2023', 'Not recorded', pct(0.2), undefined, 'Proportion'],
  ['2023-10', 'family-hubs-ethnicity', '2023', 'Other', pct(0.3), undefined, 'Proportion'],
];

describe('the Breakdowns sheet is read', () => {
  it('counts (with what they are out of), percentages and proportions, each figure with its cell', async () => {
    const { rows, messages } = await check([
      ...sources,
      ['Oct-23', 'Family-Hubs', 2023, 'Children on Child In Need plans', 167, 2157, undefined],
      [
        { value: new Date(Date.UTC(2023, 9, 1)), numFmt: 'mmm-yy' },
        'pay-gap',
        '2022',
        'Mean gender pay gap',
        { value: 0.027, numFmt: '0.0%' },
        undefined,
        undefined,
      ],
      ['2023-10', 'pay-gap', '2022', 'Median ethnicity pay gap', '-5.5%', undefined, 'Percentage'],
      ...ethnicity,
    ]);
    expect(messages).toEqual([]);
    expect(rows.map((r) => [r.month, r.measure, r.period, r.category, r.unit, r.value.value, r.outOf?.value, r.value.source.cell])).toEqual([
      ['2023-10', 'referral-source', '', 'Police', 'count', 92, undefined, 'E2'],
      ['2023-10', 'referral-source', '', 'Schools', 'count', 86, undefined, 'E3'],
      ['2023-10', 'family-hubs', '2023', 'Children on Child In Need plans', 'count', 167, 2157, 'E4'],
      ['2023-10', 'pay-gap', '2022', 'Mean gender pay gap', 'percentage', 0.027, undefined, 'E5'],
      // A pay gap can be negative: women (or ethnic minorities) paid more on average.
      ['2023-10', 'pay-gap', '2022', 'Median ethnicity pay gap', 'percentage', -0.055, undefined, 'E6'],
      ['2023-10', 'family-hubs-ethnicity', '2023', 'White British', 'proportion', 0.5, undefined, 'E7'],
      ['2023-10', 'family-hubs-ethnicity', '2023', 'Not recorded', 'proportion', 0.2, undefined, 'E8'],
      ['2023-10', 'family-hubs-ethnicity', '2023', 'Other', 'proportion', 0.3, undefined, 'E9'],
    ]);
  });

  it('is optional: a workbook without it has no breakdowns and no finding about them', async () => {
    const { aliases, catalogue } = await projectConfig();
    const checked = buildDataset(await loadWorkbook(await buildWorkbook([indicatorSheet]), 'own.xlsx'), aliases, catalogue);
    expect(checked.dataset.breakdowns).toEqual([]);
    expect(checked.findings).toEqual([]);
  });
});

/** Each mistake: the rows with it, the one error it gives, and the rows with its advice followed. */
const MISTAKES: Array<{ mistake: string; rows: Row[]; message: string; fixed: Row[] }> = [
  {
    mistake: 'a missing month',
    rows: [[undefined, 'referral-source', undefined, 'Police', 92, undefined, 'Number'], sources[1]!],
    message: `own.xlsx › 'Breakdowns'!A2: a blank cell is not a month (referral-source, Police); expected a date, "2023-07" or "Jul-23"`,
    fixed: [['Oct-23', 'referral-source', undefined, 'Police', 92, undefined, 'Number'], sources[1]!],
  },
  {
    mistake: 'a value that is not a number',
    rows: [['2023-10', 'referral-source', undefined, 'Police', '92a', undefined, 'Number']],
    message: `own.xlsx › 'Breakdowns'!E2: "92a" is not a number (referral-source, Police); expected a count such as 92, or a percentage such as 50%`,
    fixed: [['2023-10', 'referral-source', undefined, 'Police', 92, undefined, 'Number']],
  },
  {
    mistake: 'a blank value',
    rows: [['2023-10', 'referral-source', undefined, 'Police', undefined, undefined, 'Number']],
    message: `own.xlsx › 'Breakdowns'!E2: the value is blank (referral-source, Police); expected a count such as 92, or a percentage such as 50%`,
    fixed: [['2023-10', 'referral-source', undefined, 'Police', 92, undefined, 'Number']],
  },
  {
    mistake: 'a percentage over 100%',
    rows: [['2023-10', 'pay-gap', '2022', 'Mean gender pay gap', pct(1.5), undefined, 'Percentage']],
    message: `own.xlsx › 'Breakdowns'!E2: 150% is over 100% (pay-gap, Mean gender pay gap); expected a percentage from -100% to 100%`,
    fixed: [['2023-10', 'pay-gap', '2022', 'Mean gender pay gap', pct(0.015), undefined, 'Percentage']],
  },
  {
    mistake: 'a proportion below 0%',
    rows: [['2023-10', 'family-hubs-ethnicity', '2023', 'White British', '-50%', undefined, 'Proportion'], ...ethnicity.slice(1)],
    message: `own.xlsx › 'Breakdowns'!E2: -50% is below 0% (family-hubs-ethnicity, White British); expected a proportion from 0% to 100%`,
    fixed: ethnicity,
  },
  {
    mistake: 'proportions that do not add up to about 100% (a category left out)',
    rows: ethnicity.slice(0, 2),
    message:
      `own.xlsx › 'Breakdowns'!E2: the proportions of family-hubs-ethnicity for Oct-23 (2023) add up to 70% (E2, E3); ` +
      'expected about 100% (97% to 103%): a category is missing, or a figure is mistyped',
    fixed: ethnicity,
  },
  {
    mistake: 'a category repeated',
    rows: [...sources, ['Oct-23', 'Referral-Source', undefined, 'police', 90, undefined, 'Number']],
    message:
      `own.xlsx › 'Breakdowns'!D4: referral-source, police appears twice for Oct-23 (rows 2 and 4); ` +
      'expected one row per month, measure, period and category: delete or correct one of them',
    fixed: sources,
  },
  {
    mistake: 'a proportion typed as a plain number',
    rows: [['2023-10', 'family-hubs-ethnicity', '2023', 'White British', 50, undefined, 'Proportion'], ...ethnicity.slice(1)],
    message: `own.xlsx › 'Breakdowns'!E2: 50 is not a proportion (family-hubs-ethnicity, White British); expected a proportion such as 50%: type it with its % sign, or format the cell as a percentage`,
    fixed: [['2023-10', 'family-hubs-ethnicity', '2023', 'White British', '50%', undefined, 'Proportion'], ...ethnicity.slice(1)],
  },
  {
    mistake: 'a percentage in a row of counts',
    rows: [['2023-10', 'referral-source', undefined, 'Police', pct(0.33), undefined, 'Number']],
    message: `own.xlsx › 'Breakdowns'!E2: 33% is a percentage in a row of type Number (referral-source, Police); expected a count such as 92, or the type Percentage`,
    fixed: [['2023-10', 'referral-source', undefined, 'Police', pct(0.33), undefined, 'Percentage']],
  },
  {
    mistake: 'a percentage category typed as a plain number (the report printed "29 looked after children (6)" for 6%)',
    rows: [['2023-10', 'cla-education', undefined, 'Children in care out of education (%)', 6, undefined, undefined]],
    message:
      `own.xlsx › 'Breakdowns'!E2: 6 is a count (its cell is not formatted as a percentage), but the category "Children in care out of education (%)" is a percentage ` +
      '(cla-education, Children in care out of education (%)); expected a percentage such as 6%: type it with its % sign, or format the cell as a percentage',
    fixed: [['2023-10', 'cla-education', undefined, 'Children in care out of education (%)', '6%', undefined, undefined]],
  },
  {
    mistake: 'a percentage category given the type Number',
    rows: [['2023-10', 'cla-education', undefined, 'Children in care out of education (%)', 6, undefined, 'Number']],
    message:
      `own.xlsx › 'Breakdowns'!E2: 6 is a count (the type is Number), but the category "Children in care out of education (%)" is a percentage ` +
      '(cla-education, Children in care out of education (%)); expected a percentage such as 6%: type it with its % sign, or format the cell as a percentage, and give the type Percentage',
    fixed: [['2023-10', 'cla-education', undefined, 'Children in care out of education (%)', pct(0.06), undefined, 'Percentage']],
  },
  {
    mistake: 'a count that is not a whole number',
    rows: [['2023-10', 'referral-source', undefined, 'Police', 92.5, undefined, undefined]],
    message: `own.xlsx › 'Breakdowns'!E2: 92.5 is not a count (referral-source, Police); expected a whole number of 0 or more, such as 92`,
    fixed: [['2023-10', 'referral-source', undefined, 'Police', 92, undefined, undefined]],
  },
  {
    mistake: 'a count more than what it is out of',
    rows: [['2023-10', 'family-hubs', '2023', 'Children on Child In Need plans', 2157, 167, 'Number']],
    message: `own.xlsx › 'Breakdowns'!F2: the count 2157 is more than what it is out of, 167 (family-hubs, Children on Child In Need plans); expected "Out of" to be at least 2157`,
    fixed: [['2023-10', 'family-hubs', '2023', 'Children on Child In Need plans', 167, 2157, 'Number']],
  },
  {
    mistake: 'an "Out of" for a percentage',
    rows: [['2023-10', 'cla-education', undefined, 'Out of education', pct(0.057), 504, 'Percentage']],
    message:
      `own.xlsx › 'Breakdowns'!F2: an "Out of" is given for a percentage (cla-education, Out of education); a percentage is typed on its own: ` +
      'leave "Out of" blank, or type the count in Value and what it is out of in "Out of", so that the % is worked out',
    fixed: [['2023-10', 'cla-education', undefined, 'Out of education', 29, 504, 'Number']],
  },
  {
    mistake: 'a type the reader does not know',
    rows: [['2023-10', 'referral-source', undefined, 'Police', 92, undefined, 'Rate']],
    message: `own.xlsx › 'Breakdowns'!G2: "Rate" is not a type of breakdown figure (referral-source, Police); expected Number, Percentage or Proportion, or a blank cell (then a cell formatted as a percentage is a Percentage, any other a Number)`,
    fixed: [['2023-10', 'referral-source', undefined, 'Police', 92, undefined, 'Number']],
  },
  {
    mistake: 'a blank category',
    rows: [['2023-10', 'referral-source', undefined, undefined, 92, undefined, 'Number']],
    message: `own.xlsx › 'Breakdowns'!D2: the category is blank (referral-source); expected text`,
    fixed: [['2023-10', 'referral-source', undefined, 'Police', 92, undefined, 'Number']],
  },
];

describe('every mistake in the Breakdowns sheet is an error naming its cell, and its advice followed clears it', () => {
  it.each(MISTAKES)('$mistake', async ({ rows, message, fixed }) => {
    const broken = await check(rows);
    expect(broken.messages).toEqual([message]);
    const repaired = await check(fixed);
    expect(repaired.messages).toEqual([]);
    expect(repaired.rows).toHaveLength(fixed.length);
  });

  it('validate exits 1 naming the cell, and 0 once the cell says what the advice asks', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'b4b-breakdowns-'));
    const write = async (name: string, rows: Row[]): Promise<string> => {
      const file = path.join(dir, name);
      await writeFile(file, await buildWorkbook([indicatorSheet, { name: 'Breakdowns', rows: [HEADER, ...rows] }]));
      return file;
    };
    const broken = await runCommand(['validate', await write('broken.xlsx', ethnicity.slice(0, 2))]);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain(`broken.xlsx › 'Breakdowns'!E2: the proportions of family-hubs-ethnicity for Oct-23 (2023) add up to 70%`);
    const fixed = await runCommand(['validate', await write('fixed.xlsx', ethnicity)]);
    expect(fixed.stdout).toContain('3 breakdown rows');
    expect(fixed.status).toBe(0);
  });
});
