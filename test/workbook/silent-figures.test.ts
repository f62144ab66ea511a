/**
 * The workbook shapes that printed a wrong or missing figure with exit 0 (issue 23, items 1-5): each
 * becomes an error naming the sheet and cell, or is read right with what was decided said. Every
 * workbook here is built by code, as the council's sheet lays out a table (title, header with
 * Ref_ID, Indicator, months, Target, RAG, Direction of travel).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MonthKey } from '../../src/model/month.js';
import type { HeaderAliases } from '../../src/config/header-aliases.js';
import { IndicatorCatalogue, catalogueSchema } from '../../src/config/catalogue.js';
import { buildDataset } from '../../src/dataset/build-dataset.js';
import { formatFinding } from '../../src/findings/finding.js';
import { loadWorkbook } from '../../src/workbook/load-workbook.js';
import { ReportFigures } from '../../src/report/report-figures.js';
import { performanceReport } from '../fixtures/sample-report.js';
import { runCommand } from '../fixtures/run-cli.js';
import { buildWorkbook, header, pct, projectConfig, type FixtureCell, type FixtureSheet } from '../fixtures/workbooks.js';

const TITLE: FixtureCell[] = [undefined, undefined, 'Right service right time'];
const CONTACTS: FixtureCell[] = [undefined, undefined, 'Number of contacts in the month', 1594, 1959, 1789, 1488, 1794, 1428, undefined];
const REFERRALS: FixtureCell[] = [undefined, 62, 'Number of referrals into statutory service in the month', 318, 286, 314, 276, 396, 298, 273];
const ASSESSMENTS: FixtureCell[] = [undefined, undefined, 'Number of C&F assessments completed', 291, 369, 380, 289, 356, 326, 174];

function sheet(rows: FixtureCell[][], merges?: string[]): FixtureSheet {
  return { name: 'B4B data set', rows: [TITLE, ...rows], ...(merges ? { merges } : {}) };
}

async function read(sheets: FixtureSheet[], edit: (aliases: HeaderAliases) => HeaderAliases = (a) => a) {
  const { aliases, catalogue } = await projectConfig();
  const raw = await loadWorkbook(await buildWorkbook(sheets), 'fixture.xlsx');
  const checked = buildDataset(raw, edit(aliases), catalogue, new Date(Date.UTC(2023, 11, 15)));
  return {
    ...checked,
    errors: checked.findings.filter((f) => f.severity === 'error').map(formatFinding),
    warnings: checked.findings.filter((f) => f.severity === 'warning').map(formatFinding),
  };
}

/** The header row with one month header replaced. */
function headerWith(month: string, cell: FixtureCell): FixtureCell[] {
  return header().map((c) => (c === month ? cell : c));
}

describe('1. a month header typed as a number', () => {
  it('a date serial in General format is an error naming the cell and the month it would read as; the rest of the table is read', async () => {
    // 45078 is 1 June 2023: the Jun-23 header typed as its serial number, shown as "45078".
    const { dataset, errors } = await read([sheet([headerWith('Jun-23', 45078), CONTACTS, REFERRALS])]);
    expect(errors).toEqual([
      "fixture.xlsx › 'B4B data set'!I2: a number (45078) where a month header was expected; if it is a date serial, it reads as Jun-23: " +
        'format the cell as a date or correct it. Its figures are not read. Correct the header in the workbook, or declare the correction in ' +
        'config/header-aliases.yaml: monthCorrections: - { sheet: B4B data set, cell: I2, reads: "45078", month: 2023-06 }',
    ]);
    expect(dataset.tables).toHaveLength(1);
    expect(dataset.tables[0]?.months).toEqual(['2023-01', '2023-02', '2023-03', '2023-04', '2023-05']);
    expect(dataset.tables[0]?.rows.map((r) => r.name)).toEqual(['Number of contacts in the month', 'Number of referrals into statutory service in the month']);
  });

  it('a number that is no date, inside the run: an error with the month the run implies, and no second error about a gap', async () => {
    const { errors } = await read([sheet([headerWith('Mar-23', 3), CONTACTS])]);
    expect(errors).toEqual([
      "fixture.xlsx › 'B4B data set'!F2: a number (3) where a month header was expected; the months around it imply Mar-23: type the month there. " +
        'Its figures are not read. Correct the header in the workbook, or declare the correction in config/header-aliases.yaml: ' +
        'monthCorrections: - { sheet: B4B data set, cell: F2, reads: "3", month: 2023-03 }',
    ]);
  });

  it('a date serial of another month than the run implies says both', async () => {
    const { errors } = await read([sheet([headerWith('Jun-23', 45200), CONTACTS])]);
    expect(errors).toEqual([
      "fixture.xlsx › 'B4B data set'!I2: a number (45200) where a month header was expected; if it is a date serial, it reads as Oct-23, " +
        'but the months around it imply Jun-23: correct it. Its figures are not read. Correct the header in the workbook, or declare the correction in ' +
        'config/header-aliases.yaml: monthCorrections: - { sheet: B4B data set, cell: I2, reads: "45200", month: 2023-06 }',
    ]);
  });

  it('with the advised correction in config, the column is read as the month declared, and the decision is recorded', async () => {
    const { dataset, errors, decisions } = await read([sheet([headerWith('Jun-23', 45078), CONTACTS])], (aliases) => ({
      ...aliases,
      monthCorrections: [{ sheet: 'B4B data set', cell: 'I2', reads: '45078', month: '2023-06' }],
    }));
    expect(errors).toEqual([]);
    expect(dataset.tables[0]?.rows[0]?.values['2023-06']).toMatchObject({ kind: 'number', value: 1428, source: { cell: 'I3' } });
    expect(decisions.map((d) => d.message)).toEqual(['month header "45078" read as Jun-23, as config/header-aliases.yaml (monthCorrections) declares']);
  });
});

describe('2. merged cells over figures', () => {
  it('two month cells of a row merged (H3:I3): an error naming the range and the figure it hides', async () => {
    const { errors } = await read([sheet([header(), CONTACTS, REFERRALS], ['H3:I3'])]);
    expect(errors).toEqual([
      "fixture.xlsx › 'B4B data set'!H3: the cells H3:I3 are merged over figures: H3 (Number of contacts in the month, May-23) shows its figure across the merge, " +
        'and I3 (Number of contacts in the month, Jun-23) holds none of its own; expected one figure per cell: unmerge the cells and type each figure',
    ]);
  });

  it('one month merged down three rows (I3:I5): an error naming the range and each row it hides', async () => {
    const { errors } = await read([sheet([header(), CONTACTS, REFERRALS, ASSESSMENTS], ['I3:I5'])]);
    expect(errors).toEqual([
      "fixture.xlsx › 'B4B data set'!I3: the cells I3:I5 are merged over figures: I3 (Number of contacts in the month, Jun-23) shows its figure across the merge, " +
        'and I4 (Number of referrals into statutory service in the month, Jun-23), I5 (Number of C&F assessments completed, Jun-23) hold none of their own; ' +
        'expected one figure per cell: unmerge the cells and type each figure',
    ]);
  });

  it('said once: the cells a merge hides in the latest month are not also called blank; a blank cell outside the merge still is', async () => {
    const contactsNoJune: FixtureCell[] = [...CONTACTS.slice(0, 8), undefined];
    const { errors, warnings } = await read([sheet([header(), contactsNoJune, REFERRALS, ASSESSMENTS], ['I4:I5'])]);
    expect(errors).toEqual([
      "fixture.xlsx › 'B4B data set'!I4: the cells I4:I5 are merged over figures: I4 (Number of referrals into statutory service in the month, Jun-23) shows its figure across the merge, " +
        'and I5 (Number of C&F assessments completed, Jun-23) holds none of its own; expected one figure per cell: unmerge the cells and type each figure',
    ]);
    // I5 was named again as "no figure for Jun-23 ... not typed in yet?"; I3 is blank of its own accord.
    expect(warnings.filter((w) => w.includes('has no figure for Jun-23'))).toEqual([
      "fixture.xlsx › 'B4B data set'!I3: the table \"Right service right time\" has no figure for Jun-23 in I3 (Number of contacts in the month), though it has May-23's " +
        "and the table's other rows have Jun-23's (such as 'B4B data set'!I4): a figure not typed in yet? A report for Jun-23 prints \"-\" there, with no RAG or direction of travel; " +
        'expected Jun-23\'s figures: type them, or type "-" or "TBC" where a figure is not in yet',
    ]);
  });

  it('a merged title row and merged header cells are fine, as before', async () => {
    const { errors, dataset } = await read([sheet([header(), CONTACTS, REFERRALS], ['C1:I1', 'K2:L2'])]);
    expect(errors).toEqual([]);
    expect(dataset.tables[0]?.rows).toHaveLength(2);
  });
});

describe('3. one indicator twice in one table', () => {
  it('with different figures: an error naming both rows, not "two tables that disagree"', async () => {
    const again: FixtureCell[] = [undefined, undefined, 'Number of contacts in the month', 113, 1959, 1789, 1488, 1794, 1922];
    const { errors, warnings } = await read([sheet([header(), CONTACTS, REFERRALS, again])]);
    expect(errors).toEqual([
      'fixture.xlsx › \'B4B data set\'!C5: "Number of contacts in the month" is twice in the table "Right service right time" (rows C3 and C5) with different figures ' +
        '(Jan-23: 1594 in D3, 113 in D5; Jun-23: 1428 in I3, 1922 in I5), so it is not clear which to print; expected each indicator once in a table: ' +
        'delete the wrong row, or rename it if it is another indicator',
    ]);
    expect(warnings.filter((w) => w.includes('disagree'))).toEqual([]);
  });

  it('with the same figures: a warning, and the first row is read', async () => {
    const { errors, warnings } = await read([sheet([header(), CONTACTS, REFERRALS, CONTACTS])]);
    expect(errors).toEqual([]);
    expect(warnings).toContain(
      'fixture.xlsx › \'B4B data set\'!C5: "Number of contacts in the month" is twice in the table "Right service right time" (rows C3 and C5) with the same figures; ' +
        'the first is read; delete the other',
    );
  });
});

describe('4. lookalike and invisible characters in a name', () => {
  it('a Cyrillic а in "referrаls": an error naming the cell and the code point, not only "not in catalogue"', async () => {
    const name = 'Number of referr\u0430ls into statutory service in the month';
    const { errors, warnings } = await read([sheet([header(), CONTACTS, [undefined, 62, name, 318, 286, 314, 276, 396, 298, 273]])]);
    expect(errors).toEqual([
      `fixture.xlsx › 'B4B data set'!C4: "${name}" is not in the catalogue, but reads as "Number of referrals into statutory service in the month" ` +
        'once lookalike characters are folded: U+0430 CYRILLIC SMALL LETTER A at position 17 looks like "a"; ' +
        'retype the name in plain letters (its figures are not read until then)',
    ]);
    expect(warnings.filter((w) => w.includes('has no entry in the indicator catalogue'))).toEqual([]);
  });

  it('a zero-width space reads right, with a warning naming the character and no false "not in catalogue"', async () => {
    const name = 'Number of contacts\u200b in the month';
    const { dataset, errors, warnings } = await read([sheet([header(), [undefined, undefined, name, 1594, 1959, 1789, 1488, 1794, 1428]])]);
    expect(errors).toEqual([]);
    const row = dataset.tables[0]?.rows[0];
    expect(row).toMatchObject({ id: 'number-of-contacts-in-the-month', catalogued: true, name: 'Number of contacts in the month' });
    expect(row?.values['2023-06']).toMatchObject({ value: 1428 });
    expect(warnings).toEqual([
      "fixture.xlsx › 'B4B data set'!C3: the name holds an invisible character (U+200B ZERO WIDTH SPACE at position 19); " +
        'read as "Number of contacts in the month" from the catalogue; delete the character in the workbook',
    ]);
  });

  it('a soft hyphen likewise', async () => {
    const { dataset, warnings } = await read([sheet([header(), [undefined, undefined, 'Number of con\u00adtacts in the month', 1, 2, 3, 4, 5, 6]])]);
    expect(dataset.tables[0]?.rows[0]).toMatchObject({ id: 'number-of-contacts-in-the-month', catalogued: true });
    expect(warnings.join('\n')).toContain('U+00AD SOFT HYPHEN at position 14');
  });

  it('a name the catalogue does not know in any spelling still gets the plain warning', async () => {
    const { errors, warnings } = await read([sheet([header(), [undefined, undefined, 'Number of hedgehogs', 1, 2, 3, 4, 5, 6]])]);
    expect(errors).toEqual([]);
    expect(warnings.some((w) => w.includes('"Number of hedgehogs" has no entry in the indicator catalogue'))).toBe(true);
  });
});

describe('5. finance amounts are checked for plausibility', () => {
  const revenue = (rows: FixtureCell[][]): FixtureSheet => ({
    name: 'Finance revenue',
    rows: [['Month', 'Service area', 'Budget', 'Forecast outturn', 'Commentary'], ...rows],
  });
  const area = "Children's Social Care placements";
  const indicators = sheet([header(), CONTACTS]);

  it('"(34180000)" in a forecast outturn: an error naming the cell, saying the brackets make it negative and the variance turns over', async () => {
    const { errors, dataset } = await read([indicators, revenue([['2023-10', area, 31500000, '(34180000)', '']])]);
    expect(errors).toEqual([
      `fixture.xlsx › 'Finance revenue'!D2: the forecast outturn "(34180000)" is read as -£34,180,000 (brackets mark a negative amount) against a budget of £31,500,000, ` +
        `so the variance would be -£65,680,000, turned over; expected the service area's forecast spend, £0 or more (${area})`,
    ]);
    expect(dataset.finance.revenue).toEqual([]);
  });

  it("a forecast far outside its budget's scale (a zero too many): an error naming the cell", async () => {
    const { errors } = await read([indicators, revenue([['2023-10', area, 31500000, 341800000, '']])]);
    expect(errors).toEqual([
      `fixture.xlsx › 'Finance revenue'!D2: the forecast outturn £341,800,000 is 10.9 times the budget of £31,500,000 (${area}); ` +
        "an outturn of 10 times its budget or more, or a tenth of it or less, is not a forecast (a zero too many or too few, or pence for pounds?); expected an amount of the budget's scale",
    ]);
  });

  it("a budget far outside the same service area's budget in its other months: an error naming the cell", async () => {
    const months = ['2023-07', '2023-08', '2023-09', '2023-10'];
    // Its forecast (£20m) is within 10 times the slip's budget, so only the budget's own other months show it.
    const { errors } = await read([indicators, revenue(months.map((m, i) => [m, area, i === 2 ? 3150000 : 31500000, i === 2 ? 20000000 : 34000000, '']))]);
    expect(errors).toEqual([
      `fixture.xlsx › 'Finance revenue'!C4: the budget £3,150,000 is a fifth or less of this service area's budget in its other months ` +
        `(a median of £31,500,000 in Jul-23, Aug-23, Oct-23; ${area}); expected an amount of the same scale (a zero too few or too many?)`,
    ]);
  });

  it("a forecast outturn a tenth of the same service area's in its other months (within 10 times its budget): an error naming the cell", async () => {
    const months = ['2023-07', '2023-08', '2023-09', '2023-10'];
    const { errors } = await read([indicators, revenue(months.map((m, i) => [m, area, 31500000, i === 3 ? 3400000 : 34000000, '']))]);
    expect(errors).toEqual([
      `fixture.xlsx › 'Finance revenue'!D5: the forecast outturn £3,400,000 is a fifth or less of this service area's forecast outturn in its other months ` +
        `(a median of £34,000,000 in Jul-23, Aug-23, Sep-23; ${area}); expected an amount of the same scale (a zero too few or too many?)`,
    ]);
  });

  it('an amount typed rounded ("£35.7m", "150k"): an error naming the cell, where it printed as exact and moved the variance; typed in full, as advised, it is read', async () => {
    const costReduction = (target: FixtureCell): FixtureSheet => ({
      name: 'Finance cost reduction',
      rows: [
        ['Month', 'Proposal', 'Owner', 'Target', 'Forecast delivery', 'RAG', 'Commentary'],
        ['2023-10', 'Reunification', 'Head of Service', target, 105000, 'Amber', ''],
      ],
    });
    const rounded = await read([indicators, revenue([['2023-10', area, 31500000, '£35.7m', '']]), costReduction('150k')]);
    expect(rounded.errors).toEqual([
      `fixture.xlsx › 'Finance revenue'!D2: "£35.7m" (${area}, Forecast outturn) is a rounded figure, 35,700,000 in millions, so it is not read: ` +
        'the reports would print 35,700,000 as if it were exact and add it into their totals; expected the figure typed in full, as a number (35700000 only if that is exact)',
      `fixture.xlsx › 'Finance cost reduction'!D2: "150k" (Reunification, Target) is a rounded figure, 150,000 in thousands, so it is not read: ` +
        'the reports would print 150,000 as if it were exact and add it into their totals; expected the figure typed in full, as a number (150000 only if that is exact)',
    ]);
    const full = await read([indicators, revenue([['2023-10', area, 31500000, '£35,710,000', '']]), costReduction(150000)]);
    expect(full.errors).toEqual([]);
    expect(full.dataset.finance.revenue[0]?.forecastOutturn.value).toBe(35710000);
    expect(full.dataset.finance.costReduction[0]?.target.value).toBe(150000);
  });

  it('a team measure\'s denominator typed rounded ("1.2k"): an error naming the cell, not a percentage of 1,200', async () => {
    const { errors } = await read([
      indicators,
      {
        name: 'Team measures',
        rows: [
          ['Month', 'Measure', 'Team/Locality', 'Denominator', 'Numerator'],
          ['2023-10', 'sa-20-days', 'SWF East 1', '1.2k', 600],
        ],
      },
    ]);
    expect(errors).toEqual([
      `fixture.xlsx › 'Team measures'!D2: "1.2k" (sa-20-days, SWF East 1, Denominator) is a rounded figure, 1,200 in thousands, so it is not read: ` +
        'the reports would print 1,200 as if it were exact and add it into their totals; expected the figure typed in full, as a number (1200 only if that is exact)',
    ]);
  });

  it('plausible amounts read without a finding', async () => {
    const { errors, dataset } = await read([indicators, revenue([['2023-10', area, 31500000, 35710000, 'Above budget']])]);
    expect(errors).toEqual([]);
    expect(dataset.finance.revenue[0]?.forecastOutturn.value).toBe(35710000);
  });
});

describe('a header row whose months are all numbers (a header formatted as General)', () => {
  it('is an error on the table, saying which months the numbers read as; formatted as dates, as advised, the table is read', async () => {
    const serials = [44927, 44958, 44986, 45017, 45047, 45078]; // 1 Jan 2023 to 1 Jun 2023
    const general = await read([sheet([[undefined, 'Ref_ID', 'Indicator', ...serials, 'Target'], CONTACTS])]);
    expect(general.errors).toEqual([
      "fixture.xlsx › 'B4B data set'!C2: the table headed here has 1 row(s) but no month in its header row, so none of its figures is read; " +
        'its headers D2:I2 hold numbers (such as 44927) that read as Jan-23 to Jun-23 if they are date serials: format those cells as dates (mmm-yy)',
    ]);
    const dated = await read([sheet([[undefined, 'Ref_ID', 'Indicator', ...serials.map((value) => ({ value, numFmt: 'mmm-yy' })), 'Target'], CONTACTS])]);
    expect(dated.errors).toEqual([]);
    expect(dated.dataset.tables[0]?.months).toEqual(['2023-01', '2023-02', '2023-03', '2023-04', '2023-05', '2023-06']);
  });
});

describe('a plain Target and a target for the financial year that differ', () => {
  it('are said, naming both cells and which months each is used for; the same figure in both says nothing', async () => {
    const columns = ['Target', 'Target 2023/24', 'RAG', 'Direction of travel'];
    const row = (plain: number, forYear: number): FixtureCell[] => [...REFERRALS.slice(0, 9), plain, forYear];
    const differ = await read([sheet([header(columns), row(273, 280)])]);
    expect(differ.warnings.filter((w) => w.includes('column gives'))).toEqual([
      'fixture.xlsx › \'B4B data set\'!K3: Number of referrals into statutory service in the month: the "Target 2023/24" column gives 280 and the "Target" column 273 (J3); ' +
        'months of 2023/24 are measured against "Target 2023/24", other months against "Target". Make them agree, or empty the one that is out of date',
    ]);
    const same = await read([sheet([header(columns), row(273, 273)])]);
    expect(same.warnings.filter((w) => w.includes('column gives'))).toEqual([]);
  });
});

describe('shapes the property test found beside the five: no figure is dropped unsaid', () => {
  it('rows after a blank row inside a table, with no header of their own, are read under its months, with a warning', async () => {
    const { dataset, warnings, errors } = await read([sheet([header(), CONTACTS, [], REFERRALS])]);
    expect(errors).toEqual([]);
    expect(dataset.tables[0]?.rows.map((r) => r.source.cell)).toEqual(['C3', 'C5']);
    expect(warnings).toContain(
      "fixture.xlsx › 'B4B data set'!C5: row 5 follows a blank row inside the table headed at C2, with no header of its own, so it is read as part of that table, " +
        'under its month headers; delete the blank row (4), or give the rows below a header of their own',
    );
  });

  it('rows of names and figures under no header row are a warning naming them, with each row in the detail', async () => {
    const { findings } = await read([sheet([[], CONTACTS, REFERRALS])]);
    const unread = findings.filter((f) => f.code === 'rows-not-read');
    expect(unread.map(formatFinding)).toEqual([
      'fixture.xlsx › \'B4B data set\'!C3: rows 3-4 hold names and figures ("Number of contacts in the month", ...) but no header row with months above them, ' +
        'so they are not read; expected a header row (Indicator and the months) above them',
    ]);
    expect(unread[0]?.detail).toEqual(['C3: "Number of contacts in the month"', 'C4: "Number of referrals into statutory service in the month"']);
  });

  it('an Indicator header typed as a number is an error naming it, not a table dropped', async () => {
    const { errors, dataset } = await read([sheet([header().map((c) => (c === 'Indicator' ? 0.7 : c)), CONTACTS])]);
    expect(dataset.tables).toEqual([]);
    expect(errors[0]).toMatch(
      /^fixture\.xlsx › 'B4B data set'!C2: no column left of the month headers is headed as the Indicator column \(C2, above names such as "Number of contacts in the month", holds 0\.7\)/,
    );
  });

  it('a zero-width no-break space (U+FEFF) inside a name is an invisible character, not a space', async () => {
    const { dataset, warnings } = await read([sheet([header(), [undefined, undefined, 'Number of contacts in the \ufeffmonth', 1, 2, 3, 4, 5, 6]])]);
    expect(dataset.tables[0]?.rows[0]).toMatchObject({ id: 'number-of-contacts-in-the-month', catalogued: true });
    expect(warnings.join('\n')).toContain('U+FEFF ZERO WIDTH NO-BREAK SPACE at position 27');
  });

  it('a capital lookalike (Greek Ν for N) is found as well as a small one', async () => {
    const { errors } = await read([sheet([header(), [undefined, undefined, '\u039dumber of contacts in the month', 1, 2, 3, 4, 5, 6]])]);
    expect(errors[0]).toContain('U+039D GREEK CAPITAL LETTER NU at position 1 looks like "N"');
  });
});

describe('validate --strict exits 1 and names the cell, for each of the five families', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'b4b-silent-'));
  });

  it.each([
    [
      'a month header typed as a number',
      [sheet([headerWith('Jun-23', 45078), CONTACTS])],
      "'B4B data set'!I2: a number (45078) where a month header was expected",
    ],
    ['merged cells over figures', [sheet([header(), CONTACTS, REFERRALS], ['H3:I3'])], "'B4B data set'!H3: the cells H3:I3 are merged over figures"],
    [
      'a repeated indicator',
      [sheet([header(), CONTACTS, [undefined, undefined, 'Number of contacts in the month', 113, 1, 2, 3, 4, 5]])],
      '\'B4B data set\'!C4: "Number of contacts in the month" is twice in the table',
    ],
    [
      'a lookalike character',
      [sheet([header(), [undefined, undefined, 'Number of cont\u0430cts in the month', 1, 2, 3, 4, 5, 6]])],
      '\'B4B data set\'!C3: "Number of cont\u0430cts in the month" is not in the catalogue, but reads as "Number of contacts in the month"',
    ],
    [
      'a bracketed forecast outturn',
      [
        sheet([header(), CONTACTS]),
        {
          name: 'Finance revenue',
          rows: [
            ['Month', 'Service area', 'Budget', 'Forecast outturn', 'Commentary'],
            ['2023-10', 'Placements', 31500000, '(34180000)'],
          ],
        },
      ],
      '\'Finance revenue\'!D2: the forecast outturn "(34180000)" is read as -£34,180,000',
    ],
  ] as Array<[string, FixtureSheet[], string]>)('%s', async (what, sheets, expected) => {
    const file = path.join(dir, `${what.replace(/\W+/g, '-')}.xlsx`);
    await writeFile(file, await buildWorkbook(sheets));
    const result = await runCommand(['validate', '--strict', file]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`${path.basename(file)} › ${expected}`);
  });
});

describe('6. a benchmark in two columns, one of them hidden', () => {
  const withBenchmarks = (labels: string[], values: number[][], hiddenColumns?: number[]): FixtureSheet => ({
    ...sheet([
      header(['Target', 'RAG', 'Direction of travel', ...labels]),
      [...REFERRALS, '-', '-', ...values.map((v) => v[0])],
      [...ASSESSMENTS, '-', '-', ...values.map((v) => v[1])],
    ]),
    ...(hiddenColumns ? { hiddenColumns } : {}),
  });

  it('a second column for the same benchmark is said, naming both (the first was printed in silence); a hidden column is said', async () => {
    // M: "Statistical Neighbours" (hidden, out of date); N: "Statistical Neighbours" (current).
    const { warnings } = await read([
      withBenchmarks(
        ['Statistical Neighbours', 'Statistical Neighbours'],
        [
          [640, 655],
          [300, 310],
        ],
        [13],
      ),
    ]);
    expect(warnings).toContain(
      `fixture.xlsx › 'B4B data set'!N2: "Statistical Neighbours" is a second column for the same benchmark as "Statistical Neighbours" (M); the first is printed and this one is ignored: ` +
        'delete the one that is out of date, or put its year in each header ("England 2022/23") so that the latest is printed',
    );
    expect(warnings).toContain(
      "fixture.xlsx › 'B4B data set'!M2: column M is hidden in Excel and read like any other; unhide it to check what it holds, or delete it if it should not be read",
    );
  });

  it('two names for one benchmark ("England", "National average") likewise; columns of two years are not (the latest is printed)', async () => {
    const aliases = await read([
      withBenchmarks(
        ['England', 'National average'],
        [
          [80850, 83840],
          [1, 2],
        ],
      ),
    ]);
    expect(aliases.warnings.filter((w) => w.includes('second column for the same benchmark'))).toEqual([
      `fixture.xlsx › 'B4B data set'!N2: "National average" is a second column for the same benchmark as "England" (M); the first is printed and this one is ignored: ` +
        'delete the one that is out of date, or put its year in each header ("England 2022/23") so that the latest is printed',
    ]);
    const years = await read([
      withBenchmarks(
        ['England 2021/22', 'England 2022/23'],
        [
          [80850, 83840],
          [1, 2],
        ],
      ),
    ]);
    expect(years.warnings.filter((w) => w.includes('second column'))).toEqual([]);
  });
});

describe('7. a percentage typed the other way from its row', () => {
  const RE_REFERRALS = 'Percentage of re-referrals within 12 months';
  const NFA = 'Percentage of referrals leading to NFA';
  const rows = (may: FixtureCell, target: FixtureCell, june: FixtureCell): FixtureCell[][] => [
    header(),
    // In points, as the council's sheet types most rows: 27 is 27%.
    [undefined, undefined, RE_REFERRALS, 27, 26, 30, 27, may, 28, target, '-', '-'],
    // In fractions under a % format.
    [undefined, undefined, NFA, pct(0.04), pct(0.03), pct(0.05), pct(0.04), pct(0.1), june, '-', '-', '-'],
  ];

  it('0.28 among points, a target of 0.12, a plain 1 among fractions: errors naming each cell and both readings (0.28% was printed for 28%, 100% for 1%)', async () => {
    const { errors } = await read([sheet(rows(0.28, 0.12, 1))]);
    expect(errors).toEqual([
      `fixture.xlsx › 'B4B data set'!H3: 0.28 reads as 0.28% but could mean 28% (${RE_REFERRALS}; the row's other figures are points: 27%, 26%, 30%, 27%), and which is a guess; ` +
        `expected the figure as the row's others are typed: type 28 if 28% is meant, or "0.28%" (Excel keeps it as a percentage) if 0.28% is`,
      `fixture.xlsx › 'B4B data set'!J3: 0.12 reads as 0.12% but could mean 12% (${RE_REFERRALS}; the row's other figures are points: 27%, 26%, 30%, 27%), and which is a guess; ` +
        `expected the figure as the row's others are typed: type 12 if 12% is meant, or "0.12%" (Excel keeps it as a percentage) if 0.12% is`,
      `fixture.xlsx › 'B4B data set'!I4: 1 reads as 100% but could mean 1% (${NFA}; the row's other figures are fractions under a % format: 4%, 3%, 5%, 4%), and which is a guess; ` +
        `expected a percentage: type "1%" or "100%" (Excel keeps either as a percentage), whichever is meant`,
    ]);
  });

  it('the advice followed (28 and 12 typed as the row is; "1%" typed, which Excel keeps as 0.01 under a % format) reads each as meant', async () => {
    const { errors, dataset } = await read([sheet(rows(28, 12, pct(0.01)))]);
    expect(errors).toEqual([]);
    const row = (name: string) => dataset.tables.flatMap((t) => t.rows).find((r) => r.name === name);
    const value = (figure: unknown): number | undefined => (figure as { value?: number } | undefined)?.value;
    expect(value(row(RE_REFERRALS)?.values['2023-05'])).toBe(0.28);
    expect(value(row(RE_REFERRALS)?.target)).toBe(0.12);
    expect(value(row(NFA)?.values['2023-06'])).toBe(0.01);
    // And a true 0.28% typed as a percentage is no guess.
    expect((await read([sheet(rows(pct(0.0028), 12, pct(0.01)))])).errors).toEqual([]);
  });

  it('a plain 1 among points near 100%, and 0.1 among points as spread as 15-74: errors naming each (1% was printed for 100%, 0.1% for 10%)', async () => {
    const HEALTH = 'Percentage of children in care for at least 12 months for whom health assessments are up to date';
    const table = (high: FixtureCell, spread: FixtureCell, target: FixtureCell): FixtureCell[][] => [
      header(),
      [undefined, undefined, HEALTH, 84, 88, 88, 90, high, 80, target, '-', '-'],
      [undefined, undefined, RE_REFERRALS, 25, 74, 28, 32, spread, 57, '-', '-', '-'],
    ];
    const { errors } = await read([sheet(table(1, 0.1, 1))]);
    expect(errors).toEqual([
      `fixture.xlsx › 'B4B data set'!H3: 1 reads as 1% but could mean 100% (${HEALTH}; the row's other figures are points: 84%, 88%, 88%, 90%), and which is a guess; ` +
        `expected the figure as the row's others are typed: type 100 if 100% is meant, or "1%" (Excel keeps it as a percentage) if 1% is`,
      `fixture.xlsx › 'B4B data set'!J3: 1 reads as 1% but could mean 100% (${HEALTH}; the row's other figures are points: 84%, 88%, 88%, 90%), and which is a guess; ` +
        `expected the figure as the row's others are typed: type 100 if 100% is meant, or "1%" (Excel keeps it as a percentage) if 1% is`,
      `fixture.xlsx › 'B4B data set'!H4: 0.1 reads as 0.1% but could mean 10% (${RE_REFERRALS}; the row's other figures are points: 25%, 74%, 28%, 32%), and which is a guess; ` +
        `expected the figure as the row's others are typed: type 10 if 10% is meant, or "0.1%" (Excel keeps it as a percentage) if 0.1% is`,
    ]);
    // The advice followed reads each as meant.
    const followed = await read([sheet(table(100, 10, pct(0.01)))]);
    expect(followed.errors).toEqual([]);
    const row = (name: string) => followed.dataset.tables.flatMap((t) => t.rows).find((r) => r.name === name);
    expect((row(HEALTH)?.values['2023-05'] as { value?: number } | undefined)?.value).toBe(1);
    expect((row(HEALTH)?.target as { value?: number } | undefined)?.value).toBe(0.01);
    expect((row(RE_REFERRALS)?.values['2023-05'] as { value?: number } | undefined)?.value).toBe(0.1);
    // A bound ("<1", less than 1%) among points is what it says, no guess.
    expect((await read([sheet([header(), [undefined, undefined, HEALTH, 40, 38, '<1', 42, 41, 40, '-', '-', '-']])])).errors).toEqual([]);
    // A 1 in a row of small points (1% among 2%, 3%) is no guess: 100% is far from them.
    const small = await read([sheet([header(), [undefined, undefined, RE_REFERRALS, 2, 3, 2, 4, 1, 3, '-', '-', '-']])]);
    expect(small.errors).toEqual([]);
    expect((small.dataset.tables[0]?.rows[0]?.values['2023-05'] as { value?: number } | undefined)?.value).toBe(0.01);
  });

  it('a suppressed "<5" in a row of plain fractions (no % format) leaves the row in fractions: 0.27 is 27%, not 0.27% as it printed', async () => {
    const plainFractions: FixtureCell[][] = [header(), [undefined, undefined, RE_REFERRALS, 0.26, 0.28, 0.3, 0.27, 0.25, '<5', 0.23, '-', '-']];
    const { errors, warnings, dataset } = await read([sheet(plainFractions)]);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    const row = dataset.tables[0]?.rows[0];
    expect(row?.values['2023-05']).toMatchObject({ kind: 'number', value: 0.25, format: { style: 'percent' } });
    expect(row?.values['2023-06']).toMatchObject({ kind: 'comparison', text: '<5' });
    expect(row?.target).toMatchObject({ kind: 'number', value: 0.23 });
    // A row of points keeps reading as points beside the same "<5".
    const points = await read([sheet([header(), [undefined, undefined, RE_REFERRALS, 26, 28, 30, 27, 25, '<5', 23, '-', '-']])]);
    expect(points.dataset.tables[0]?.rows[0]?.values['2023-05']).toMatchObject({ kind: 'number', value: 0.25 });
  });
});

describe('8. figures in a column with no header', () => {
  it('are said, naming the column and some figures (a Target header cleared: the reports printed no target and no RAG without a word); a header, as advised, reads them', async () => {
    const rows = (targetHeader: FixtureCell): FixtureCell[][] => [
      header([targetHeader as string, 'RAG', 'Direction of travel']),
      [...REFERRALS.slice(0, 9), 273, '-', '-'],
      [...ASSESSMENTS.slice(0, 9), 174, '-', '-'],
    ];
    const blank = await read([sheet(rows(undefined))]);
    expect(blank.warnings).toContain(
      `fixture.xlsx › 'B4B data set'!J2: column J of the table "Right service right time" holds figures (J3 273, J4 174) under no header, so they are not read ` +
        '(were they a target, the reports would print no RAG); expected a header naming the column (Target, a benchmark), or the figures moved out of the table',
    );
    const headed = await read([sheet(rows('Target'))]);
    expect(headed.warnings.filter((w) => w.includes('under no header'))).toEqual([]);
    expect(headed.dataset.tables[0]?.rows.map((r) => (r.target as { value?: number } | undefined)?.value)).toEqual([273, 174]);
  });
});

describe('9. a name the catalogue does not hold, alike but for a symbol', () => {
  const UNDER = 'Percentage of CLA placed <20 miles from home';
  const OVER = 'Percentage of CLA placed >20 miles from home';
  const table = (name: string, values: number[]): FixtureCell[][] => [header(), [undefined, undefined, name, ...values.map((v) => pct(v)), '-', '-', '-']];
  const under = table(UNDER, [0.7, 0.7, 0.69, 0.68, 0.67, 0.69]);
  const over = table(OVER, [0.31, 0.3, 0.31, 0.32, 0.33, 0.31]);

  async function readWith(sheets: FixtureSheet[], entries: Array<Record<string, unknown>> = []) {
    const { aliases, catalogue } = await projectConfig();
    const extended = new IndicatorCatalogue(catalogueSchema.parse({ ...catalogue.file, indicators: [...catalogue.file.indicators, ...entries] }));
    const raw = await loadWorkbook(await buildWorkbook(sheets), 'fixture.xlsx');
    const checked = buildDataset(raw, aliases, extended, new Date(Date.UTC(2023, 11, 15)));
    const rows = checked.dataset.tables.flatMap((t) => t.rows);
    const printed = checked.dataset.tables.flatMap((t) => new ReportFigures(checked.dataset, extended, '2023-06').workbookTable(t).rows.map((r) => r.name));
    return { rows, printed, warnings: checked.findings.map(formatFinding) };
  }

  it('">20 miles" is not the catalogue\'s "<20 miles": it keeps its own name and figures, with the warning that the catalogue lacks it (it printed as "<20 miles")', async () => {
    const { rows, printed, warnings } = await readWith([
      { name: 'Distribution', rows: under },
      { name: 'Stability', rows: over },
    ]);
    expect(rows.map((r) => r.id)).toEqual(['percentage-of-cla-placed-20-miles-from-home', 'percentage-of-cla-placed-over-20-miles-from-home']);
    expect(printed).toEqual([UNDER, OVER]);
    expect(warnings).toEqual([
      `fixture.xlsx › 'Stability'!C2: "${OVER}" has no entry in the indicator catalogue (config/indicators.yaml), so it has no polarity, tolerance or short name; expected an entry with this name or alias`,
    ]);
  });

  it('following the advice (an entry for ">20 miles") reads it as that entry; a name written with other spacing is still the catalogue\'s own', async () => {
    const entry = {
      id: 'percentage-of-cla-placed-more-than-20-miles-from-home',
      name: OVER,
      shortName: 'CLA placed >20 miles from home',
      polarity: 'lower-is-better',
      format: 'percent',
    };
    const followed = await readWith([{ name: 'Stability', rows: over }], [entry]);
    expect(followed.warnings).toEqual([]);
    expect(followed.rows.map((r) => [r.id, r.catalogued])).toEqual([['percentage-of-cla-placed-more-than-20-miles-from-home', true]]);
    const spaced = await readWith([{ name: 'Distribution', rows: table('Percentage of CLA placed < 20 miles from home', [0.7, 0.7, 0.69, 0.68, 0.67, 0.69]) }]);
    expect(spaced.rows.map((r) => r.id)).toEqual(['percentage-of-cla-placed-20-miles-from-home']);
  });
});

describe('9b. a name with a typing slip gets "did you mean", never across a difference of meaning', () => {
  const row = (name: string): FixtureCell[][] => [header(), [undefined, undefined, name, 548, 552, 543, 543, 553, 545, '-', '-', '-']];
  const notInCatalogue = async (name: string, entries: Array<Record<string, unknown>> = []) => {
    const { aliases, catalogue } = await projectConfig();
    const extended = new IndicatorCatalogue(catalogueSchema.parse({ ...catalogue.file, indicators: [...catalogue.file.indicators, ...entries] }));
    const raw = await loadWorkbook(await buildWorkbook([sheet(row(name))]), 'fixture.xlsx');
    const checked = buildDataset(raw, aliases, extended, new Date(Date.UTC(2023, 11, 15)));
    return checked.findings.map(formatFinding).filter((f) => f.includes('has no entry in the indicator catalogue'));
  };
  const plain = (name: string): string =>
    `fixture.xlsx › 'B4B data set'!C3: "${name}" has no entry in the indicator catalogue (config/indicators.yaml), so it has no polarity, tolerance or short name; expected an entry with this name or alias`;

  it('"childen" and "opne" (a letter left out, two swapped): the warning names the catalogue name it most likely meant, and what to do', async () => {
    expect(await notInCatalogue('Number of childen in our care')).toEqual([
      `${plain('Number of childen in our care')}. Did you mean "Number of children in our care"? It differs from that name only by a typing slip: ` +
        "correct the name in the workbook, or add it to that entry's aliases",
    ]);
    const open = 'Number of children opne to the service (Assessment, CIN, CP, CLA, CL)';
    expect((await notInCatalogue(open))[0]).toContain('. Did you mean "Number of children open to the service (Assessment, CIN, CP, CLA, CL)"?');
  });

  it('no suggestion across a number, a symbol or a word that carries meaning, nor between acronyms', async () => {
    for (const name of [
      'Rate of contacts per 1,000 population under 18 years old', // 10,000 in the catalogue
      'Rate of contacts per 10,000 population over 18 years old', // under 18
      'Percentage of CLA placed >20 miles from home', // <20 miles
      'Percentage of children in our care', // a count in the catalogue
      'Number of children with Child in Need Plan (not CWD) in month', // no such words
      'Number of children with Child in Need Plan (CWC)', // CWD: an acronym
    ]) {
      expect(await notInCatalogue(name)).toEqual([plain(name)]);
    }
  });

  it("the advice followed (the slip added to the entry's aliases) reads the row as that indicator, with no warning", async () => {
    const { catalogue } = await projectConfig();
    const entry = catalogue.lookup('Number of children in our care');
    const others = catalogue.file.indicators.filter((e) => e.id !== entry?.id);
    const { aliases } = await projectConfig();
    const extended = new IndicatorCatalogue(
      catalogueSchema.parse({
        ...catalogue.file,
        indicators: [...others, { ...entry, aliases: [...(entry?.aliases ?? []), 'Number of childen in our care'] }],
      }),
    );
    const raw = await loadWorkbook(await buildWorkbook([sheet(row('Number of childen in our care'))]), 'fixture.xlsx');
    const checked = buildDataset(raw, aliases, extended, new Date(Date.UTC(2023, 11, 15)));
    expect(checked.findings.filter((f) => f.code === 'not-in-catalogue')).toEqual([]);
    expect(checked.dataset.tables[0]?.rows.map((r) => [r.id, r.catalogued])).toEqual([[entry?.id, true]]);
  });
});

describe('10. a target typed as a comparison, in a team table', () => {
  const REPEAT = 'Percentage of children subject to 2nd or more CP plan';
  const measure = {
    code: 'cp-repeat-plans',
    name: 'Repeat child protection plans',
    polarity: 'lower-is-better',
    indicator: 'percentage-of-children-subject-to-2nd-or-more-cp-plan',
  } as const;
  async function teamTable(target: FixtureCell) {
    const checked = await read([
      sheet([header(), [undefined, undefined, REPEAT, pct(0.28), pct(0.28), pct(0.3), pct(0.31), pct(0.32), pct(0.32), target, '-', '-']]),
      {
        name: 'Team measures',
        rows: [
          ['Month', 'Measure', 'Team/Locality', 'Denominator', 'Numerator'],
          ['2023-06', 'cp-repeat-plans', 'SWF East 1', 50, 12], // 24.0%: at the target
          ['2023-06', 'cp-repeat-plans', 'SWF East 2', 40, 16], // 40.0%: worse
          ['2023-06', 'cp-repeat-plans', 'SWF West 1', 20, 2], // 10.0%: better
        ],
      },
    ]);
    expect(checked.errors).toEqual([]);
    const table = new ReportFigures(checked.dataset, (await projectConfig()).catalogue, '2023-06', [measure]).teamTable('cp-repeat-plans');
    return { target: table.target, worse: [...table.rows, table.total].map((r) => `${r.team} ${r.percent}${r.worse ? ' ▼' : ''}`) };
  }

  it('"≤24%" is the target, each team worse than it marked ▼ (the table printed no target and no ▼ at all, in silence)', async () => {
    expect(await teamTable('≤24%')).toEqual({ target: '≤24%', worse: ['SWF East 1 24.0%', 'SWF East 2 40.0% ▼', 'SWF West 1 10.0%', 'Total 27.3% ▼'] });
    // A strict comparison is missed at the target itself.
    expect((await teamTable('<24%')).worse).toEqual(['SWF East 1 24.0% ▼', 'SWF East 2 40.0% ▼', 'SWF West 1 10.0%', 'Total 27.3% ▼']);
  });

  it('the same target typed as a percentage marks the same teams', async () => {
    expect(await teamTable(pct(0.24))).toEqual({ target: '24%', worse: ['SWF East 1 24.0%', 'SWF East 2 40.0% ▼', 'SWF West 1 10.0%', 'Total 27.3% ▼'] });
  });
});

describe('11. a percentage in a row that is not one', () => {
  const CLA = 'Number of children in our care';
  const rows = (june: FixtureCell, target: FixtureCell): FixtureCell[][] => [
    header(),
    [undefined, undefined, CLA, 545, 539, 505, 517, 518, june, target, '-', '-'],
  ];

  it('a % format over a count (504 printed as "50400%") and a target typed "10%" beside counts (rated against as 0.1) are errors naming each cell', async () => {
    const { errors, dataset } = await read([sheet(rows(pct(504), '10%'))]);
    expect(errors).toEqual([
      `fixture.xlsx › 'B4B data set'!I3: ${CLA}, Jun-23: 504 is under a percentage format (Excel shows it as 50400%), but the indicator is not a percentage ` +
        "(config/indicators.yaml gives it the format integer), so the figure is not read; expected a figure as the row's others are: " +
        'format the cell as a number (Excel then shows 504), or type the figure meant, or correct the catalogue entry if the indicator is a percentage',
      `fixture.xlsx › 'B4B data set'!J3: ${CLA}, Target: "10%" is typed as a percentage, but the indicator is not a percentage ` +
        "(config/indicators.yaml gives it the format integer), so the figure is not read; expected a figure as the row's others are: " +
        'type the figure the row is counted in, without the % sign, or correct the catalogue entry if the indicator is a percentage',
    ]);
    expect(dataset.tables[0]?.rows[0]?.values['2023-06']).toMatchObject({ kind: 'missing', reason: 'error' });
  });

  it('the advice followed (the cell formatted as a number, the target typed as a count) reads each as meant', async () => {
    const { errors, dataset } = await read([sheet(rows({ value: 504, numFmt: '0' }, 495))]);
    expect(errors).toEqual([]);
    const row = dataset.tables[0]?.rows[0];
    expect(row?.values['2023-06']).toMatchObject({ kind: 'number', value: 504, format: { style: 'integer' } });
    expect(row?.target).toMatchObject({ kind: 'number', value: 495 });
  });
});

describe('12. a percentage row of plain numbers no greater than 1, in a table typed in points', () => {
  const THREE_PLUS = 'Percentage of CLA at end of month with 3 or more placements during the year';
  const RESIDENTIAL = 'Percentage of CLA placed in Residential placements - independent sector';
  const table = (residential: FixtureCell[]): FixtureCell[][] => [
    header(),
    [undefined, undefined, THREE_PLUS, 15, 15, 14, 15, 15, 14, 12, '-', '-'],
    [undefined, undefined, RESIDENTIAL, ...residential, undefined, '-', '-'],
  ];

  it('is an error naming its first figure and both readings (0.8 was printed as 80% beside rows typed 15 for 15%)', async () => {
    const { errors } = await read([sheet(table([0.8, 0.9, 0.7, 1, 0.6, 0.8]))]);
    expect(errors).toEqual([
      `fixture.xlsx › 'B4B data set'!D4: ${RESIDENTIAL}: its figures (such as 0.7, 1, 0.6, 0.8) are plain numbers no greater than 1, read as fractions (70% for 0.7), ` +
        `but the table's other percentages are typed in points (${THREE_PLUS}: 14, 15, 15, 14), so they could mean 0.7%, and which is a guess; ` +
        'expected the figures as the table\'s others are typed: type 70 if 70% is meant, or "0.7%" (Excel keeps it as a percentage) if 0.7% is, ' +
        "or format the row's cells as percentages (0%)",
    ]);
  });

  it('the advice followed (points typed, "0.8%" typed, or the cells formatted as percentages) reads each as meant', async () => {
    const value = async (residential: FixtureCell[]) => {
      const { errors, dataset } = await read([sheet(table(residential))]);
      expect(errors).toEqual([]);
      return (dataset.tables[0]?.rows[1]?.values['2023-01'] as { value?: number } | undefined)?.value;
    };
    expect(await value([8, 9, 7, 10, 6, 8])).toBe(0.08);
    expect(await value([pct(0.008), pct(0.009), pct(0.007), pct(0.01), pct(0.006), pct(0.008)])).toBe(0.008);
    expect(await value([pct(0.8), pct(0.9), pct(0.7), pct(1), pct(0.6), pct(0.8)])).toBe(0.8);
    // A row of fractions with no row of points beside it is read as fractions, as before.
    const alone = await read([sheet([header(), [undefined, undefined, RESIDENTIAL, 0.8, 0.9, 0.7, 1, 0.6, 0.8, undefined, '-', '-']])]);
    expect(alone.errors).toEqual([]);
  });
});

describe('12b. a percentage row of plain 0s and 1s, with nothing in its table typed as a plain fraction', () => {
  const RESIDENTIAL = 'Percentage of CLA placed in Residential placements - independent sector';
  const table = (residential: FixtureCell[], beside: FixtureCell[][] = []): FixtureCell[][] => [
    header(),
    CONTACTS,
    [undefined, undefined, RESIDENTIAL, ...residential],
    ...beside,
  ];
  const value = (dataset: Awaited<ReturnType<typeof read>>['dataset'], month: MonthKey): number | undefined =>
    (dataset.tables[0]?.rows[1]?.values[month] as { value?: number } | undefined)?.value;

  it('is an error naming its first 1 and both readings (a row typed 0, 1 in points printed 100% for 1%)', async () => {
    const { errors, dataset } = await read([sheet(table([0, 0, 1, 0, 1, 0, undefined, '-', '-']))]);
    expect(errors).toEqual([
      `fixture.xlsx › 'B4B data set'!F4: ${RESIDENTIAL}: its figures (0, 0, 1, 0, 1, 0) are plain 0s and 1s with no % format, read as fractions (1 as 100%), ` +
        'but nothing in its table is typed as a plain fraction (0.26 for 26%) to say that 1 means 100%, so each 1 could mean 1%, and which is a guess; ' +
        "expected percentages Excel keeps as percentages: format the row's cells as percentages (0%) if 1 means 100%, " +
        'or type each 1 as "1%" if 1% is meant',
    ]);
    // Read as before (an error stops a run before anything is written: src/inputs/run-inputs.ts).
    expect(value(dataset, '2023-03')).toBe(1);
  });

  it('the advice followed (the cells formatted as percentages, or each 1 typed "1%") reads each as meant, without the error', async () => {
    const formatted = await read([sheet(table([...[0, 0, 1, 0, 1, 0].map(pct), undefined, '-', '-']))]);
    expect(formatted.errors).toEqual([]);
    expect(value(formatted.dataset, '2023-03')).toBe(1);
    const typed = await read([sheet(table([0, 0, pct(0.01), 0, pct(0.01), 0, undefined, '-', '-']))]);
    expect(typed.errors).toEqual([]);
    expect(value(typed.dataset, '2023-03')).toBe(0.01);
  });

  it('beside a row typed in plain fractions, or with its own target typed as one, the 1s are read as 100% without a word', async () => {
    const THREE_PLUS = 'Percentage of CLA at end of month with 3 or more placements during the year';
    const besideFractions = await read([
      sheet(table([0, 0, 1, 0, 1, 0, undefined, '-', '-'], [[undefined, undefined, THREE_PLUS, 0.15, 0.15, 0.14, 0.15, 0.15, 0.14, 0.12, '-', '-']])),
    ]);
    expect(besideFractions.errors).toEqual([]);
    expect(value(besideFractions.dataset, '2023-03')).toBe(1);
    const ownTarget = await read([sheet(table([0, 0, 1, 0, 1, 0, 0.95, '-', '-']))]);
    expect(ownTarget.errors).toEqual([]);
    expect(value(ownTarget.dataset, '2023-03')).toBe(1);
  });
});

describe('an indicator not in the catalogue whose name says it is a percentage, typed in plain numbers', () => {
  const SHARE = 'Agency social workers as a share of all (%)';
  const share = (cells: FixtureCell[]): FixtureSheet => sheet([header(['Target']), CONTACTS, [undefined, undefined, SHARE, ...cells, undefined]]);
  const printed = (dataset: Awaited<ReturnType<typeof read>>['dataset']): string[] | undefined => {
    const table = dataset.tables[0];
    return table
      ? new ReportFigures(dataset, new IndicatorCatalogue({ ...catalogueFile, indicators: [] }), '2023-06').workbookTable(table).rows[1]?.cells.slice(-6)
      : undefined;
  };
  let catalogueFile: IndicatorCatalogue['file'];
  beforeAll(async () => {
    catalogueFile = (await projectConfig()).catalogue.file;
  });

  const WARNED = `fixture.xlsx › 'B4B data set'!D4: ${SHARE}: its name says it is a percentage, but its figures`;
  const CATALOGUE = 'or add the indicator to config/indicators.yaml with format: percent (b4b-reports catalogue draft writes its entry)';
  it.each([
    [
      'fractions in General ("0.26") print as 26%, not "0.26"',
      [0.21, 0.22, 0.24, 0.25, 0.27, 0.26],
      `${WARNED} (such as 0.24, 0.25, 0.27, 0.26) are plain numbers with no % format, read by the name as fractions (0.24 as 24%); ` +
        `expected percentages the workbook says are percentages: format the row's cells as percentages (0%), ${CATALOGUE}; if 0.24 means 0.24%, type "0.24%"`,
    ],
    [
      'points in General ("26") print as 26%, not "26"',
      [21, 22, 24, 25, 27, 26],
      `${WARNED} (such as 24, 25, 27, 26) are plain numbers with no % format, read by the name as points (24 as 24%); ` +
        `expected percentages the workbook says are percentages: type them with their % sign ("24%"), ${CATALOGUE}`,
    ],
  ])('%s, with a warning naming the first figure and the reading', async (_, cells, message) => {
    const { dataset, warnings } = await read([share(cells)]);
    expect(printed(dataset)).toEqual(['21%', '22%', '24%', '25%', '27%', '26%']);
    expect(warnings.filter((w) => w.includes('its name says'))).toEqual([message]);
  });

  it('following the advice (cells formatted as percentages, or typed with their % sign) reads the same figures without the warning', async () => {
    const formatted = await read([share([0.21, 0.22, 0.24, 0.25, 0.27, 0.26].map(pct))]);
    expect(printed(formatted.dataset)).toEqual(['21%', '22%', '24%', '25%', '27%', '26%']);
    const typed = await read([share(['21%', '22%', '24%', '25%', '27%', '26%'])]);
    expect(printed(typed.dataset)).toEqual(['21%', '22%', '24%', '25%', '27%', '26%']);
    expect([...formatted.warnings, ...typed.warnings].filter((w) => w.includes('its name says'))).toEqual([]);
  });
});

describe('12c. a small number suppressed by its number format ([<5]"<5";0, which Excel shows as "<5")', () => {
  const UASC = 'Number of new CLA in month who are UASC';
  const SUPPRESSED = '[<5]"<5";0';
  it('prints "<5" as the workbook shows it, never the number the council suppressed (2 children were printed, in a public pack)', async () => {
    const { catalogue } = await projectConfig();
    const cells: FixtureCell[] = [3, 6, 4, 2, 5, 1].map((value) => ({ value, numFmt: SUPPRESSED }));
    const { errors, dataset } = await read([sheet([header(), CONTACTS, [undefined, undefined, UASC, ...cells, undefined]])]);
    expect(errors).toEqual([]);
    const table = dataset.tables[0];
    expect(table?.rows[1]?.values['2023-04']).toMatchObject({ kind: 'comparison', op: '<', value: 5, text: '<5' });
    const printed = table ? new ReportFigures(dataset, catalogue, '2023-06').workbookTable(table).rows[1]?.cells.slice(-6) : undefined;
    expect(printed).toEqual(['<5', '6', '<5', '<5', '5', '<5']);
  });
});

describe('13. a comparison ("<300") in the report month', () => {
  const NAME = 'Number of referrals into statutory service in the month';
  /** The referrals row (lower is better) with Jun-23 typed `june` and the target `target`. */
  async function rated(june: FixtureCell, target: FixtureCell) {
    const { dataset, catalogue } = {
      ...(await read([sheet([header(), [undefined, 62, NAME, 318, 286, 314, 276, 396, june, target]])])),
      ...(await projectConfig()),
    };
    const figures = new ReportFigures(dataset, catalogue, '2023-06');
    const row = figures.table({ ids: [catalogue.lookup(NAME)?.id ?? ''], twoYearsBack: false, benchmarks: false, target: true }).rows[0];
    return {
      cell: row?.cells.at(-1),
      target: row?.target,
      rag: row?.rag,
      warnings: figures.warnings.map((w) => `${w.source?.sheet ?? ''}!${w.source?.cell ?? ''}: ${w.message}`),
    };
  }

  it('is rated where every figure it allows has one RAG: "<300" against "≤ 500" or 500 is Green, ">400" against 273 is Red', async () => {
    expect(await rated('<300', '≤ 500')).toEqual({ cell: '<300', target: '≤ 500', rag: 'green', warnings: [] });
    expect(await rated('<300', 500)).toEqual({ cell: '<300', target: '500', rag: 'green', warnings: [] });
    // Over 400 against 273 (Amber to 300.3): every figure it allows is Red.
    expect(await rated('>400', 273)).toEqual({ cell: '>400', target: '273', rag: 'red', warnings: [] });
    // At the target: "<273" is met; ">273" is not, and may be Amber or Red.
    expect(await rated('<273', 273)).toMatchObject({ rag: 'green', warnings: [] });
    expect((await rated('>273', 273)).rag).toBeUndefined();
  });

  it('where the RAG depends on the figure ("<300" against 273: Green or Amber), no RAG and a warning naming the cell and why (it printed no RAG in silence)', async () => {
    expect(await rated('<300', 273)).toEqual({
      cell: '<300',
      target: '273',
      rag: undefined,
      warnings: [
        `B4B data set!I3: ${NAME}: "<300" in Jun-23 against the target 273 could be Green or Amber, so no RAG is printed beside it; type the figure itself for a RAG (the report prints the text as typed)`,
      ],
    });
    // The advice followed: the figure typed, and rated.
    expect(await rated(296, 273)).toMatchObject({ cell: '296', rag: 'amber', warnings: [] });
  });
});

describe('14. a target typed as a comparison that points against the polarity', () => {
  const CORE_GROUP = 'Percentage of children subject to child protection plans with recent core group held in time';
  const row = (target: FixtureCell): FixtureCell[] => [undefined, 74, CORE_GROUP, pct(0.77), pct(0.85), pct(0.83), pct(0.79), pct(0.85), pct(0.78), target];
  async function ragOf(target: FixtureCell) {
    const checked = await read([sheet([header(), row(target)])]);
    const { catalogue } = await projectConfig();
    const printed =
      checked.errors.length > 0
        ? undefined
        : new ReportFigures(checked.dataset, catalogue, '2023-06').table({
            ids: [catalogue.lookup(CORE_GROUP)?.id ?? ''],
            twoYearsBack: false,
            benchmarks: false,
            target: true,
          }).rows[0];
    return { errors: checked.errors, rag: printed?.rag };
  }

  it('"≤ 95%" where higher is better is an error naming the cell (78% was rated Green against it, in silence)', async () => {
    expect((await ragOf('≤ 95%')).errors).toEqual([
      `fixture.xlsx › 'B4B data set'!J3: ${CORE_GROUP}, Target: "≤ 95%" says lower is better, but the catalogue says higher is better for this indicator, ` +
        'so every RAG against it would be turned over; expected 95% or "≥ 95%", or polarity: lower-is-better in its entry in config/indicators.yaml if that is meant',
    ]);
  });

  it('the advice followed ("≥ 95%" or 95% typed) rates 78% Red', async () => {
    expect(await ragOf('≥ 95%')).toEqual({ errors: [], rag: 'red' });
    expect(await ragOf(pct(0.95))).toEqual({ errors: [], rag: 'red' });
  });
});

describe('15. a count with a rounding error (a formula over other cells)', () => {
  const row = (june: FixtureCell): FixtureCell[] => [
    undefined,
    62,
    'Number of referrals into statutory service in the month',
    318,
    286,
    314,
    276,
    396,
    june,
    273,
  ];

  it('is an error quoting the figure as held (it said "3 is not a whole number" of 3.0000000001), saying what it is and what to do', async () => {
    const { errors } = await read([sheet([header(), row(298.0000000001)])]);
    expect(errors).toEqual([
      "fixture.xlsx › 'B4B data set'!I3: Number of referrals into statutory service in the month, Jun-23: 298.0000000001 is not a whole number " +
        "(298 but for a rounding error, as a formula's result can have: wrap the formula in ROUND(…, 0), or type the count); expected a count (a whole number, 0 or more)",
    ]);
    expect((await read([sheet([header(), row(1e-7)])])).errors[0]).toContain(': 1e-7 is not a whole number (0 but for a rounding error');
  });

  it('the advice followed (the count rounded) reads 298', async () => {
    const { errors, dataset } = await read([sheet([header(), row(298)])]);
    expect(errors).toEqual([]);
    expect(dataset.tables[0]?.rows[0]?.values['2023-06']).toMatchObject({ kind: 'number', value: 298 });
  });
});

describe('16. a Target header naming a year the reader does not read as a financial year', () => {
  it('"Target FY24" is read as the target of every month, with a warning naming the cell (it applied to every year in silence)', async () => {
    const { warnings, dataset } = await read([sheet([header(['Target FY24', 'RAG', 'Direction of travel']), REFERRALS])]);
    expect(warnings.filter((w) => w.includes('FY24'))).toEqual([
      `fixture.xlsx › 'B4B data set'!J2: "Target FY24" names a year, but not as a financial year ("2023/24", "23-24"), so it is read as the target of every month, of any year; ` +
        'expected a header such as "Target 2023/24" if it is one financial year\'s target (it is then used for that year\'s months only), or "Target" if it holds for every month',
    ]);
    expect(dataset.tables[0]?.rows[0]?.target).toMatchObject({ kind: 'number', value: 273 });
  });

  it('the advice followed ("Target 2023/24") reads a target of that year alone, with no warning', async () => {
    const { warnings, dataset } = await read([sheet([header(['Target 2023/24', 'RAG', 'Direction of travel']), REFERRALS])]);
    expect(warnings.filter((w) => w.includes('Target'))).toEqual([]);
    expect(dataset.tables[0]?.rows[0]?.yearTargets).toMatchObject([{ year: 2023, figure: { value: 273 } }]);
  });
});

describe('17. a copy of a sheet with the same figures but another target or benchmark', () => {
  const HEAD = header(['Target', 'RAG', 'Direction of travel', 'Statistical Neighbours']);
  const row = (target: FixtureCell, neighbours: FixtureCell): FixtureCell[] => [...REFERRALS.slice(0, 9), target, undefined, undefined, neighbours];
  // Excel's "Move or Copy" puts a copy where it is asked: here before the sheet, so it is first in the workbook.
  const copy = (target: FixtureCell, neighbours: FixtureCell): FixtureSheet => ({ name: 'B4B data set (2)', rows: [TITLE, HEAD, row(target, neighbours)] });
  const current: FixtureSheet = { name: 'B4B data set', rows: [TITLE, HEAD, row(273, 320)] };

  async function printed(sheets: FixtureSheet[]) {
    const { dataset, errors } = await read(sheets);
    expect(errors).toEqual([]);
    const figures = new ReportFigures(dataset, (await projectConfig()).catalogue, '2023-06');
    const id = dataset.tables[0]?.rows[0]?.id ?? '';
    const printedRow = figures.table({ from: 'Right service right time', ids: [id], twoYearsBack: false, benchmarks: true, target: true }).rows[0];
    return {
      target: printedRow?.target,
      rag: printedRow?.rag,
      neighbours: printedRow?.benchmarks[1],
      said: figures.warnings.filter((w) => w.message.includes('two tables could give it')).map((w) => w.message),
    };
  }

  it('its old target and benchmark are said, naming both cells and which was printed (250 and Red were printed in silence, for 273 and Amber)', async () => {
    expect(await printed([copy(250, 300), current])).toEqual({
      target: '250',
      rag: 'red',
      neighbours: '300',
      said: [
        'Number of referrals into statutory service in the month: two tables could give it, "Right service right time" in \'B4B data set (2)\' and "Right service right time" in \'B4B data set\', ' +
          "and their targets for Jun-23 differ (250 ('B4B data set (2)'!J3) / 273 ('B4B data set'!J3)), " +
          "and their Statistical Neighbours benchmarks differ (300 ('B4B data set (2)'!M3) / 320 ('B4B data set'!M3)); " +
          'printed from the first, which comes first in the workbook. Make the two rows agree, or remove the one that is wrong',
      ],
    });
  });

  it('the advice followed (the two rows made to agree, or the copy removed) prints 273, Amber and 320, with nothing to say', async () => {
    const expected = { target: '273', rag: 'amber', neighbours: '320', said: [] };
    expect(await printed([copy(273, 320), current])).toEqual(expected);
    expect(await printed([current])).toEqual(expected);
    // A copy with no target or benchmark ("-", blank) does not disagree with one that has them.
    expect((await printed([current, copy('-', undefined)])).said).toEqual([]);
  });
});

describe('18. one indicator in two tables of a sheet, with another benchmark in each', () => {
  const HEAD = header(['Target', 'RAG', 'Direction of travel', 'Statistical Neighbours']);
  const CLA = 'Number of children in our care';
  const row = (neighbours: FixtureCell): FixtureCell[] => [undefined, undefined, CLA, 545, 539, 505, 517, 518, 507, 495, undefined, undefined, neighbours];
  // The template prints the row from each table, as the performance report prints it on two pages.
  const TEMPLATE =
    '# Test\n\n{{#indicatorTable from="Right service right time"}}\nnumber-of-children-in-our-care\n{{/indicatorTable}}\n\n' +
    '{{#indicatorTable from="Placement stability and permanence"}}\nnumber-of-children-in-our-care\n{{/indicatorTable}}\n';

  async function printed(first: FixtureCell, second: FixtureCell) {
    const { dataset } = await read([sheet([HEAD, row(first), [], [undefined, undefined, 'Placement stability and permanence'], HEAD, row(second)])]);
    const report = await performanceReport('2023-06', dataset, TEMPLATE);
    const tables = report.blocks.flatMap((b) => (b.kind === 'indicator-table' ? [b.rows[0]?.benchmarks[1]] : []));
    return { tables, said: report.warnings.map((w) => w.message).filter((m) => m.includes('benchmarks for')) };
  }

  it('is said, naming both cells (the report printed 640 on one page and 600 on another without a word)', async () => {
    expect(await printed(640, 600)).toEqual({
      tables: ['640', '600'],
      said: [
        `the report prints different Statistical Neighbours benchmarks for "${CLA}" in performance, table "Right service right time", Page 117 and ` +
          'performance, table "Placement stability and permanence", Page 117, each from the table its template names: ' +
          "1 month(s) differ: Jun-23 640 ('B4B data set'!M3) / 600 ('B4B data set'!M7)",
      ],
    });
  });

  it('the advice followed (the same benchmark in both tables) says nothing; a table without it ("-") does not disagree', async () => {
    expect(await printed(640, 640)).toEqual({ tables: ['640', '640'], said: [] });
    expect(await printed(640, '-')).toEqual({ tables: ['640', '-'], said: [] });
  });
});

describe('19. a figure typed rounded, with "k" or "m"', () => {
  const row = (june: FixtureCell): FixtureCell[] => [...CONTACTS.slice(0, 8), june];

  it('is an error naming the cell ("1.9k" printed as 1900, as if exact, and "12m" as 12000000, without a word)', async () => {
    const { errors, dataset } = await read([sheet([header(), row('1.9k')])]);
    expect(errors).toEqual([
      'fixture.xlsx › \'B4B data set\'!I3: "1.9k" is a rounded figure (1,900, in thousands) where the figure itself belongs (Number of contacts in the month, Jun-23), ' +
        'so no figure is read: the reports would print 1900 as if it were exact; expected the figure typed in full, or "-" until it is known',
    ]);
    expect(dataset.tables[0]?.rows[0]?.values['2023-06']?.kind).toBe('missing');
    expect((await read([sheet([header(), row('12m')])])).errors[0]).toContain(
      '"12m" is a rounded figure (12,000,000, in millions) where the figure itself belongs (Number of contacts in the month, Jun-23), so no figure is read: ' +
        'the reports would print 12000000 as if it were exact (or was "m" months?)',
    );
  });

  it('the advice followed (the figure typed in full, or "-") reads it, with no error; a bound typed as a comparison ("<2k") is read as before', async () => {
    for (const [typed, expected] of [
      ['1922', { kind: 'number', value: 1922 }],
      ['-', { kind: 'missing' }],
      ['<2k', { kind: 'comparison', value: 2000 }],
    ] as const) {
      const { errors, dataset } = await read([sheet([header(), row(typed)])]);
      expect(errors).toEqual([]);
      expect(dataset.tables[0]?.rows[0]?.values['2023-06']).toMatchObject(expected);
    }
  });

  it('in the Breakdowns sheet too ("4.9k" printed "4900 distinct individuals" for 4964); typed in full, it is read', async () => {
    const breakdowns = (value: FixtureCell): FixtureSheet => ({
      name: 'Breakdowns',
      rows: [
        ['Month', 'Measure', 'Period', 'Category', 'Value', 'Out of', 'Type'],
        ['2023-10', 'family-hubs', '2023', 'Distinct individuals', value, undefined, 'Number'],
      ],
    });
    expect((await read([sheet([header(), CONTACTS]), breakdowns('4.9k')])).errors).toEqual([
      'fixture.xlsx › \'Breakdowns\'!E2: "4.9k" is a rounded figure (4,900, in thousands), not the figure itself (family-hubs, Distinct individuals); ' +
        'the report would print 4900 as if it were exact; expected the count typed in full, such as 92',
    ]);
    const fixed = await read([sheet([header(), CONTACTS]), breakdowns(4964)]);
    expect(fixed.errors).toEqual([]);
    expect(fixed.dataset.breakdowns[0]?.value).toMatchObject({ kind: 'number', value: 4964 });
  });
});
