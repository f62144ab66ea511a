import { describe, expect, it } from 'vitest';
import { buildDataset } from '../../src/dataset/build-dataset.js';
import type { HeaderAliases } from '../../src/config/header-aliases.js';
import { formatFinding } from '../../src/findings/finding.js';
import { loadWorkbook } from '../../src/workbook/load-workbook.js';
import { monthRun } from '../fixtures/other-layouts.js';
import { buildWorkbook, projectConfig, type FixtureCell } from '../fixtures/workbooks.js';

const VALUES = [1759, 1786, 1597, 1893, 1516, 1785, 1665, 2100, 1867, 1594, 1959, 1789, 1488];

/** One table on sheet 'Board' with the given month headers in D1 onwards. */
async function read(months: FixtureCell[], edit: (aliases: HeaderAliases) => HeaderAliases = (a) => a, values: FixtureCell[] = VALUES.slice(0, months.length)) {
  const { aliases, catalogue } = await projectConfig();
  const bytes = await buildWorkbook([
    {
      name: 'Board',
      rows: [
        [undefined, 'Ref_ID', 'Indicator', ...months, 'Target'],
        [undefined, undefined, 'Number of contacts in the month', ...values, 1500],
      ],
    },
  ]);
  const { dataset, findings, decisions } = buildDataset(await loadWorkbook(bytes, 'months.xlsx'), edit(aliases), catalogue, new Date(Date.UTC(2024, 0, 15)));
  return {
    row: dataset.tables[0]?.rows[0],
    months: dataset.tables[0]?.months,
    errors: findings.filter((f) => f.severity === 'error').map(formatFinding),
    decisions,
  };
}

const run = monthRun('2022-10'); // Oct-21 ... Oct-22

describe('month headers are checked, never trusted', () => {
  it('names a mistyped year ("Jan-21" between Dec-21 and Feb-22), the cell and the month the run implies, and reads no figure under it', async () => {
    const months = run.map((m) => (m === 'Jan-22' ? 'Jan-21' : m));
    const { row, errors } = await read(months);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^months\.xlsx › 'Board'!G1: header "Jan-21" breaks the run Dec-21 → Feb-22; expected Jan-22\./);
    expect(row?.values['2022-01']).toBeUndefined();
    expect(row?.values['2021-01']).toBeUndefined();
  });

  it('reads the January figures under Jan-22 once the correction the error advises is declared in config, and records it', async () => {
    const months = run.map((m) => (m === 'Jan-22' ? 'Jan-21' : m));
    const { errors: before } = await read(months);
    // The advice, followed to the letter: the YAML the message gives, added to the config.
    const yaml = /monthCorrections: - (\{.*\})$/.exec(before[0] ?? '')?.[1];
    expect(yaml).toBe('{ sheet: Board, cell: G1, reads: Jan-21, month: 2022-01 }');
    const { parse } = await import('yaml');
    const correction = parse(yaml ?? '') as HeaderAliases['monthCorrections'][number];
    const { row, errors, decisions } = await read(months, (a) => ({ ...a, monthCorrections: [{ ...correction, month: String(correction.month) }] }));
    expect(errors).toEqual([]);
    expect(row?.values['2022-01']).toMatchObject({ value: 1893, source: { cell: 'G2' } });
    expect(decisions.map((d) => `${d.source.sheet}!${d.source.cell}: ${d.message}`)).toEqual([
      'Board!G1: month header "Jan-21" read as Jan-22, as config/header-aliases.yaml (monthCorrections) declares',
    ]);
  });

  it('does not apply a correction once the cell no longer reads as declared', async () => {
    const { errors, row } = await read(run, (a) => ({ ...a, monthCorrections: [{ sheet: 'Board', cell: 'G1', reads: 'Jan-21', month: '2022-01' }] }));
    expect(errors).toEqual([]);
    expect(row?.values['2022-01']).toMatchObject({ value: 1893 });
  });

  it('finds a repeated month header and reads neither column as the missing month', async () => {
    const months = run.map((m) => (m === 'Oct-22' ? 'Sep-22' : m));
    const { errors, row } = await read(months);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/'Board'!P1: header "Sep-22" breaks the run Sep-22; expected Oct-22/);
    expect(row?.values['2022-09']).toMatchObject({ value: VALUES[11] });
  });

  it('finds two swapped month columns, each named', async () => {
    const months = [...run];
    [months[3], months[4]] = [months[4] as string, months[3] as string];
    const { errors } = await read(months);
    expect(errors.map((e) => /!([A-Z]+1):/.exec(e)?.[1])).toEqual(['G1', 'H1']);
    expect(errors[0]).toContain('expected Jan-22');
  });

  it('refuses a gap unless the configuration allows it', async () => {
    const months = run.filter((m) => m !== 'Mar-22');
    const { errors } = await read(months);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/'Board'!I1: month headers jump from "Feb-22" \(H1\) to "Apr-22", so no column holds Mar-22/);
    const allowed = await read(months, (a) => ({ ...a, allowedMonthGaps: [{ sheet: 'Board', cell: 'I1' }] }));
    expect(allowed.errors).toEqual([]);
    expect(allowed.row?.values['2022-04']).toMatchObject({ value: VALUES[5] });
  });

  it('refuses months after the workbook was saved (headers typed as 2029)', async () => {
    const { errors, months } = await read(monthRun('2029-10').slice(0, 6));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatch(/month header "Oct-28" is after [A-Z][a-z]{2}-\d{2}, when the workbook was last saved/);
    expect(months).toEqual([]);
  });

  it('a note after the latest month\'s header ("Oct-22 (provisional)", "Oct-22*") is named with the line that reads it; following it reads the figures (the table had lost its latest month, printed "not supplied", and a warning advised a header alias)', async () => {
    for (const [header, reads] of [
      ['Oct-22 (provisional)', '"Oct-22 (provisional)"'],
      ['Oct-22*', '"Oct-22*"'],
    ]) {
      const months = run.map((m) => (m === 'Oct-22' ? header : m)) as string[];
      const { errors, months: readMonths } = await read(months);
      expect(errors).toEqual([
        `months.xlsx › 'Board'!P1: header "${header}" is not a month; the months around it imply Oct-22. Its figures are not read. Correct the header in the workbook, ` +
          `or declare the correction in config/header-aliases.yaml: monthCorrections: - { sheet: Board, cell: P1, reads: ${reads}, month: 2022-10 }`,
      ]);
      expect(readMonths).not.toContain('2022-10');
      const followed = await read(months, (a) => ({ ...a, monthCorrections: [{ sheet: 'Board', cell: 'P1', reads: header as string, month: '2022-10' }] }));
      expect(followed.errors).toEqual([]);
      expect(followed.row?.values['2022-10']).toMatchObject({ value: VALUES[12], source: { cell: 'P2' } });
    }
    // A month beside the run that is not the next one ("Oct-22 YTD" after Oct-22) is no month header: a column the reader does not know, as before.
    const ytd = await read([...run, 'Oct-22 YTD']);
    expect(ytd.errors).toEqual([]);
    expect(ytd.months?.at(-1)).toBe('2022-10');
  });

  it('a date an hour before the first of a month (midnight in summer time, written by another program) is named, with the line that reads it as the month after; following each reads every figure under its month (the advice had been to relabel the winter months a month early)', async () => {
    // Oct-21 ... Oct-22 as the first of each month; April to October written an hour early, as UTC.
    const months: FixtureCell[] = Array.from({ length: 13 }, (_, i) => {
      const first = Date.UTC(2021, 9 + i, 1);
      const summer = [3, 4, 5, 6, 7, 8, 9].includes(new Date(first).getUTCMonth());
      return { value: new Date(first - (summer ? 3_600_000 : 0)), numFmt: 'mmm-yy' };
    });
    const { errors } = await read(months);
    expect(errors.map((e) => /!([A-Z]+1):/.exec(e)?.[1])).toEqual(['D1', 'J1', 'K1', 'L1', 'M1', 'N1', 'O1', 'P1']);
    expect(errors[7]).toBe(
      "months.xlsx › 'Board'!P1: month header: the date 30/09/2022 23:00 is 1 hour before 1 October 2022, as another program writes the first of a month in summer time, " +
        'so it is not clear which month the column holds (Excel shows it as Sep-22); expected a date without a time of day, or a month such as Oct-22. ' +
        'Its figures are not read. Correct the header in the workbook, or declare the correction in config/header-aliases.yaml: ' +
        'monthCorrections: - { sheet: Board, cell: P1, reads: "30/09/2022", month: 2022-10 }',
    );
    const { parse } = await import('yaml');
    const corrections = errors.map((e) => parse(/monthCorrections: - (\{.*\})$/.exec(e)?.[1] ?? '') as HeaderAliases['monthCorrections'][number]);
    const followed = await read(months, (a) => ({ ...a, monthCorrections: corrections.map((c) => ({ ...c, month: String(c.month) })) }));
    expect(followed.errors).toEqual([]);
    expect(followed.months).toEqual(run.map((_, i) => `${2021 + Math.floor((9 + i) / 12)}-${String(((9 + i) % 12) + 1).padStart(2, '0')}`));
    expect(followed.row?.values['2022-10']).toMatchObject({ value: VALUES[12], source: { cell: 'P2' } });
    expect(followed.row?.values['2021-10']).toMatchObject({ value: VALUES[0], source: { cell: 'D2' } });
  });

  it('refuses a date header that is neither the first nor the last day of a month', async () => {
    const date = (y: number, m: number, d: number): FixtureCell => ({ value: new Date(Date.UTC(y, m - 1, d)), numFmt: 'dd/mm/yyyy' });
    const { errors } = await read([date(2022, 1, 1), date(2022, 2, 28), date(2022, 3, 15), date(2022, 4, 30)]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/'Board'!F1: month header: the date 15\/03\/2022 is not the first or last day of a month/);
  });

  it('reads a date typed as text the same whichever way round it is written: "2022-03-15" is refused like 15/03/2022, "2022-01-31" and "2022-02-01" are read', async () => {
    for (const [mid, expected] of [
      ['2022-03-15', 'the date 2022-03-15 is not the first or last day of a month'],
      ['2022/03/15', 'the date 2022/03/15 is not the first or last day of a month'],
      ['15/03/2022', 'the date 15/03/2022 is not the first or last day of a month'],
      ['2022-03-32', 'the date 2022-03-32 does not exist'],
    ] as const) {
      const { errors, row } = await read(['2022-01-31', '2022-02-01', mid, '2022-04-30'], undefined, [10, 20, 30, 40]);
      expect(errors).toEqual([
        `months.xlsx › 'Board'!F1: month header: ${expected}, so it is not clear which month the column holds; expected a month such as Mar-22 or the first or last day of a month. ` +
          `Its figures are not read. Correct the header in the workbook, or declare the correction in config/header-aliases.yaml: monthCorrections: - { sheet: Board, cell: F1, reads: ${mid.includes('/') ? `"${mid}"` : mid}, month: 2022-03 }`,
      ]);
      expect(row?.values['2022-03']).toBeUndefined();
      expect(row?.values['2022-01']).toMatchObject({ value: 10 });
    }
  });
});

describe('every mistyped month header gets the same advice, and following it reads the figures (issue 22, item 9)', () => {
  const date = (y: number, m: number, d: number): FixtureCell => ({ value: new Date(Date.UTC(y, m - 1, d)), numFmt: 'dd/mm/yyyy' });
  const cases: Array<[string, FixtureCell, string]> = [
    ['a misspelt month ("Spe-22")', 'Spe-22', 'Spe-22'],
    ['a mistyped year ("Sep-32")', 'Sep-32', 'Sep-32'],
    ['a date serial in General format (44805)', 44805, '"44805"'],
    ['a number that is no date (9)', 9, '"9"'],
    ['a mid-month date (15/09/2022)', date(2022, 9, 15), '"15/09/2022"'],
    ['a mid-month date typed as text, day first ("15/09/2022")', '15/09/2022', '"15/09/2022"'],
    ['a mid-month date typed as text, year first ("2022-09-15", read as September in silence before)', '2022-09-15', '2022-09-15'],
    ['a day September does not have, typed as text ("31/09/2022")', '31/09/2022', '"31/09/2022"'],
  ];
  it.each(cases)('%s', async (_what, header, reads) => {
    const months = run.map((m): FixtureCell => (m === 'Sep-22' ? header : m));
    const { errors } = await read(months);
    expect(errors).toHaveLength(1);
    // The same closing advice for every kind of mistake: the exact line that corrects it.
    const advice = ` Its figures are not read. Correct the header in the workbook, or declare the correction in config/header-aliases.yaml: monthCorrections: - { sheet: Board, cell: O1, reads: ${reads}, month: 2022-09 }`;
    expect(errors[0]?.startsWith("months.xlsx › 'Board'!O1: ")).toBe(true);
    expect(errors[0]?.endsWith(advice)).toBe(true);
    expect(errors[0]).not.toContain('allowedMonthGaps');

    const yaml = /monthCorrections: - (\{.*\})$/.exec(errors[0] ?? '')?.[1];
    const { parse } = await import('yaml');
    const correction = parse(yaml ?? '') as HeaderAliases['monthCorrections'][number];
    const followed = await read(months, (a) => ({ ...a, monthCorrections: [correction] }));
    expect(followed.errors).toEqual([]);
    expect(followed.row?.values['2022-09']).toMatchObject({ value: VALUES[11], source: { cell: 'O2' } });
    expect(followed.decisions.map((d) => d.message)).toEqual([
      `month header "${reads.replace(/"/g, '')}" read as Sep-22, as config/header-aliases.yaml (monthCorrections) declares`,
    ]);
  });
});

describe('a column added among the months is no month, and no advice reads a correctly headed month as another', () => {
  // Oct-21 ... Sep-22, then a column added before Oct-22 (O1 is Sep-22, P1 the added column, Q1 Oct-22).
  const withAdded = (added: FixtureCell): FixtureCell[] => [...run.slice(0, 12), added, 'Oct-22'];
  const values: FixtureCell[] = [...VALUES.slice(0, 12), 'note', VALUES[12]];
  const followed =
    (corrections: HeaderAliases['monthCorrections'], ignored: string[] = []) =>
    (a: HeaderAliases): HeaderAliases => ({
      ...a,
      monthCorrections: corrections,
      indicatorTables: { ...a.indicatorTables, ignored: [...a.indicatorTables.ignored, ...ignored] },
    });

  it.each<[string, FixtureCell, string]>([
    ['a misspelt month ("Spe-22")', 'Spe-22', 'header "Spe-22" is not a month, and '],
    ['a word ("Q2 total")', 'Q2 total', 'header "Q2 total" is not a month, and '],
    ['a date serial (44835, 1 October 2022)', 44835, 'a number (44835) where a month header was expected; '],
  ])(
    '%s between Sep-22 and Oct-22: one error, no monthCorrections line, and Oct-22 read as typed (the advice had read it as Oct-22 and the real Oct-22 as Nov-22)',
    async (_what, added, start) => {
      const { errors, row } = await read(withAdded(added), undefined, values);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(`months.xlsx › 'Board'!P1: ${start}`);
      expect(errors[0]).toContain(
        'it stands between "Sep-22" (O1) and "Oct-22" (Q1), which follow one another, so it heads no month. Its figures are not read: move the column after the months or delete it',
      );
      expect(errors[0]).not.toContain('monthCorrections');
      expect(row?.values['2022-10']).toMatchObject({ value: VALUES[12], source: { cell: 'Q2' } });
      expect(row?.values['2022-11']).toBeUndefined();
    },
  );

  it("following the advice for a word among the months (list it under indicatorTables.ignored) reads October's cell under Oct-22, and no error is left", async () => {
    const { errors } = await read(withAdded('Spe-22'), undefined, values);
    expect(errors[0]).toMatch(/or list "Spe-22" under indicatorTables\.ignored in config\/header-aliases\.yaml to ignore the column$/);
    const after = await read(withAdded('Spe-22'), followed([], ['Spe-22']), values);
    expect(after.errors).toEqual([]);
    expect(after.row?.values['2022-10']).toMatchObject({ value: VALUES[12], source: { cell: 'Q2' } });
    expect(after.row?.values['2022-09']).toMatchObject({ value: VALUES[11], source: { cell: 'O2' } });
  });

  it('the corrections the old advice gave (P1 read as Oct-22, Q1 "Oct-22" as Nov-22), once in config, are refused and Oct-22 keeps its figure (they had printed October\'s figure as November\'s)', async () => {
    const { errors, row, decisions } = await read(
      withAdded('Spe-22'),
      followed([
        { sheet: 'Board', cell: 'P1', reads: 'Spe-22', month: '2022-10' },
        { sheet: 'Board', cell: 'Q1', reads: 'Oct-22', month: '2022-11' },
      ]),
      values,
    );
    expect(errors).toEqual([
      `months.xlsx › 'Board'!P1: config/header-aliases.yaml (monthCorrections) reads "Spe-22" as Oct-22, but Q1 is headed "Oct-22", so two columns would hold Oct-22 ` +
        "(and Q1's own correction would put Oct-22's figures under another month); expected one column per month. The corrections are not applied and the column's figures " +
        'are not read: remove the lines for P1 and Q1 from monthCorrections, and move the column after the months or delete it',
    ]);
    expect(decisions).toEqual([]);
    expect(row?.values['2022-10']).toMatchObject({ value: VALUES[12], source: { cell: 'Q2' } });
    expect(row?.values['2022-11']).toBeUndefined();
  });

  it('a correction alone that gives a column the month another header is typed as is refused', async () => {
    const { errors, row } = await read(withAdded('Spe-22'), followed([{ sheet: 'Board', cell: 'P1', reads: 'Spe-22', month: '2022-10' }]), values);
    expect(errors).toEqual([
      `months.xlsx › 'Board'!P1: config/header-aliases.yaml (monthCorrections) reads "Spe-22" as Oct-22, but Q1 is headed "Oct-22", so two columns would hold Oct-22; ` +
        "expected one column per month. The correction is not applied and the column's figures are not read: remove the line for P1 from monthCorrections, " +
        'and move the column after the months or delete it',
    ]);
    expect(row?.values['2022-10']).toMatchObject({ value: VALUES[12], source: { cell: 'Q2' } });
  });

  it('a month column repeated (Sep-22 twice) gets no line that reads the real Oct-22 as Nov-22', async () => {
    const { errors, row } = await read(withAdded('Sep-22'), undefined, [...VALUES.slice(0, 12), VALUES[11], VALUES[12]]);
    expect(errors).toEqual([
      `months.xlsx › 'Board'!P1: header "Sep-22" breaks the run Sep-22 → Oct-22: the run implies Oct-22, but it and "Oct-22" (Q1) beside it are consecutive months, so a column among the months is added, missing or repeated; ` +
        'expected one column per month, in order. Its figures are not read. Correct the headers in the workbook (a column that is no month goes after the months)',
      `months.xlsx › 'Board'!Q1: header "Oct-22" breaks the run Sep-22: the run implies Nov-22, but it and "Sep-22" (P1) beside it are consecutive months, so a column among the months is added, missing or repeated; ` +
        'expected one column per month, in order. Its figures are not read. Correct the headers in the workbook (a column that is no month goes after the months)',
    ]);
    expect(row?.values['2022-11']).toBeUndefined();
  });

  it('two swapped headers, each corrected as advised, still read (a swap is no shift)', async () => {
    const months = [...run];
    [months[3], months[4]] = [months[4] as string, months[3] as string];
    const { errors } = await read(months);
    const { parse } = await import('yaml');
    const corrections = errors.map((e) => parse(/monthCorrections: - (\{.*\})$/.exec(e)?.[1] ?? '') as HeaderAliases['monthCorrections'][number]);
    const after = await read(months, followed(corrections.map((c) => ({ ...c, month: String(c.month) }))));
    expect(after.errors).toEqual([]);
    expect(after.row?.values['2022-01']).toMatchObject({ value: VALUES[3], source: { cell: 'G2' } });
  });
});

describe('a month header that is a formula with no saved result', () => {
  /** The table of `read` with every finding, warnings too. */
  async function findingsFor(months: FixtureCell[]) {
    const { aliases, catalogue } = await projectConfig();
    const bytes = await buildWorkbook([
      {
        name: 'Board',
        rows: [
          [undefined, 'Ref_ID', 'Indicator', ...months, 'Target'],
          [undefined, undefined, 'Number of contacts in the month', ...VALUES.slice(0, months.length), 1500],
        ],
      },
    ]);
    const { dataset, findings } = buildDataset(await loadWorkbook(bytes, 'months.xlsx'), aliases, catalogue, new Date(Date.UTC(2024, 0, 15)));
    return { months: dataset.tables[0]?.months, messages: findings.map(formatFinding) };
  }

  it('as the last month: says the header is an unsaved formula (not "under no header", advising a Target); typed as advised, the month is read', async () => {
    const formula = await findingsFor([...run.slice(0, 12), { formula: 'EDATE(O1,1)' }]);
    expect(formula.messages).toEqual([
      `months.xlsx › 'Board'!P1: the header of column P of the table "Board!C1" is the formula =EDATE(O1,1) with no saved result, so what it heads is not known ` +
        `and its figures (P2 1,488) are not read; expected the header itself: type it ("Oct-22" if it is the month after Sep-22, or a date), ` +
        "or open and save the workbook in Excel to store the formula's result",
    ]);
    const typed = await findingsFor(run);
    expect(typed.messages).toEqual([]);
    expect(typed.months?.at(-1)).toBe('2022-10');
  });

  it('between two months: the gap error names the formula, not a mistyped header or a gap to allow; typed as advised, no error', async () => {
    const formula = await findingsFor(run.map((m) => (m === 'Mar-22' ? { formula: 'EDATE(H1,1)' } : m)));
    expect(formula.messages).toContain(
      `months.xlsx › 'Board'!J1: month headers jump from "Feb-22" (H1) to "Apr-22": the header I1 (=EDATE(H1,1)) between them is a formula with no saved result, ` +
        "so no column holds Mar-22; expected the header itself: type it (the month it heads), or open and save the workbook in Excel to store the formula's result",
    );
    expect((await findingsFor(run)).messages).toEqual([]);
  });
});
