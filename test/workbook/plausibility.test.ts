import { describe, expect, it } from 'vitest';
import { buildDataset } from '../../src/dataset/build-dataset.js';
import { formatFinding } from '../../src/findings/finding.js';
import { formatFigure } from '../../src/report/format-figure.js';
import { loadWorkbook } from '../../src/workbook/load-workbook.js';
import { buildWorkbook, header, projectConfig, type FixtureCell } from '../fixtures/workbooks.js';

/** One row of Jan-23 ... Jun-23 figures (header() puts months in D:I, Target in J). */
async function findingsFor(name: string, cells: FixtureCell[]) {
  const { aliases, catalogue } = await projectConfig();
  const bytes = await buildWorkbook([{ name: 'S', rows: [header(), [undefined, undefined, name, ...cells]] }]);
  const { dataset, findings } = buildDataset(await loadWorkbook(bytes, 'odd.xlsx'), aliases, catalogue);
  return {
    row: dataset.tables[0]?.rows[0],
    errors: findings.filter((f) => f.severity === 'error').map(formatFinding),
    warnings: findings.filter((f) => f.severity === 'warning').map(formatFinding),
  };
}

const IN_CARE = 'Number of children in our care';

describe('figures that cannot be right never print', () => {
  it('a real date typed into a value cell is an error, not 45230 children', async () => {
    const { errors, row } = await findingsFor(IN_CARE, [554, 551, 548, 552, 543, { value: new Date(Date.UTC(2023, 9, 31)), numFmt: 'dd/mm/yyyy' }]);
    expect(errors).toEqual([
      "odd.xlsx › 'S'!I2: the cell holds the date 2023-10-31 where a figure belongs (Number of children in our care, Jun-23), so no figure is read; expected a number (was a date typed or pasted into the cell?)",
    ]);
    expect(row?.values['2023-06']?.kind).toBe('missing');
  });

  it('a negative count is an error', async () => {
    const { errors } = await findingsFor(IN_CARE, [554, 551, 548, 552, 543, -505]);
    expect(errors).toEqual(["odd.xlsx › 'S'!I2: Number of children in our care, Jun-23: -505 cannot be right; expected a count (a whole number, 0 or more)"]);
  });

  it('a count that is not a whole number is an error', async () => {
    const { errors } = await findingsFor(IN_CARE, [554, 551, 548, 552, 543, 505.5]);
    expect(errors[0]).toContain('505.5 is not a whole number');
  });

  it('a count under a decimal number format ("0.00") prints as a whole number, its target too (not "504.00" children)', async () => {
    const two = (value: number): FixtureCell => ({ value, numFmt: '0.00' });
    const { errors, row } = await findingsFor(IN_CARE, [554, 551, 548, 552, 543, two(504), two(495)]);
    expect(errors).toEqual([]);
    expect(formatFigure(row?.values['2023-06'])).toBe('504');
    expect(formatFigure(row?.target)).toBe('495');
    // A decimal figure that is not a count keeps its format.
    const caseload = await findingsFor('Average number of children per primary caseholder (based on 1 FTE)', [
      two(15.31),
      two(16.19),
      two(15.87),
      two(16.4),
      two(14.5),
      two(14),
    ]);
    expect(formatFigure(caseload.row?.values['2023-06'])).toBe('14.00');
  });

  it('250% is an error, and so is 1e308', async () => {
    const pct = (value: number): FixtureCell => ({ value, numFmt: '0%' });
    const percent = await findingsFor('Percentage of re-referrals within 12 months', [pct(0.26), pct(0.28), pct(0.3), pct(0.27), pct(0.26), pct(2.5)]);
    expect(percent.errors).toEqual([
      "odd.xlsx › 'S'!I2: Percentage of re-referrals within 12 months, Jun-23: 250% cannot be right; expected a percentage (0% to 100%)",
    ]);
    const huge = await findingsFor(IN_CARE, [554, 551, 548, 552, 543, 1e308]);
    expect(huge.errors[0]).toMatch(/Jun-23: 1\.00e\+308 cannot be right/);
  });

  it('a row of nothing but errors or formulas without saved results is an error', async () => {
    const errors = await findingsFor(
      IN_CARE,
      Array.from({ length: 6 }, () => ({ error: '#REF!' })),
    );
    expect(errors.errors).toHaveLength(1);
    expect(errors.errors[0]).toMatch(/^odd\.xlsx › 'S'!D2: Number of children in our care: none of its 6 month cell\(s\) holds a figure \(all are errors/);
    const formulas = await findingsFor(
      IN_CARE,
      Array.from({ length: 6 }, () => ({ formula: 'SUM(A1:A2)' }) as never),
    );
    expect(formulas.errors).toHaveLength(1);
  });

  it('a jump beyond the configured factor is a warning, not an error', async () => {
    const { errors, warnings } = await findingsFor(IN_CARE, [554, 551, 548, 552, 543, 5050]);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([
      "odd.xlsx › 'S'!I2: Number of children in our care: 5050 in Jun-23 after 543 in May-23 is a change of more than 5 times; check the figure (the factor is plausibility.jumpFactor in config/indicators.yaml)",
    ]);
  });

  it('a fall to 0 from a figure far above the floor is a warning that says what a 0 there usually is; "-" typed as it advises, the cell is no figure and no warning', async () => {
    const zero = await findingsFor(IN_CARE, [554, 551, 548, 552, 510, 0]);
    expect(zero.warnings).toEqual([
      "odd.xlsx › 'S'!I2: Number of children in our care: 0 in Jun-23 after 510 in May-23 is a fall to nothing: a month not filled in yet, or a formula over data not yet in, " +
        'shows 0; check the figure, and type "-" in the cell if there is none yet (the factor is plausibility.jumpFactor in config/indicators.yaml)',
    ]);
    expect(zero.row?.values['2023-06']).toMatchObject({ kind: 'number', value: 0 });
    const dash = await findingsFor(IN_CARE, [554, 551, 548, 552, 510, '-']);
    expect(dash.warnings).toEqual([]);
    expect(dash.row?.values['2023-06']).toMatchObject({ kind: 'missing', reason: 'placeholder' });
  });

  it('a figure below the floor that jumps far past it is a warning (a decimal point lost, a decimal comma read as thousands); corrected, it is not', async () => {
    const CASELOAD = 'Average number of children per primary caseholder (based on 1 FTE)';
    const lost = await findingsFor(CASELOAD, [15.31, 16.19, 15.87, 16.4, 14.5, 1421]);
    expect(lost.warnings).toEqual([
      "odd.xlsx › 'S'!I2: Average number of children per primary caseholder (based on 1 FTE): 1421 in Jun-23 after 14.5 in May-23 is a change of more than 5 times; " +
        'check the figure (the factor is plausibility.jumpFactor in config/indicators.yaml)',
    ]);
    const comma = await findingsFor(CASELOAD, [15.31, 16.19, 15.87, 16.4, 14.5, '14,210']);
    expect(comma.warnings).toEqual([
      'odd.xlsx › \'S\'!I2: Average number of children per primary caseholder (based on 1 FTE): 14210 (typed "14,210": is the comma a decimal point?) in Jun-23 after 14.5 in May-23 ' +
        'is a change of more than 5 times; check the figure (the factor is plausibility.jumpFactor in config/indicators.yaml)',
    ]);
    const corrected = await findingsFor(CASELOAD, [15.31, 16.19, 15.87, 16.4, 14.5, 14.21]);
    expect(corrected.warnings).toEqual([]);
  });

  it('a small count that falls to 0 from a series never below 10 is a warning; "-" typed as it advises, no warning', async () => {
    const AGENCY = 'Number of agency social workers';
    const zero = await findingsFor(AGENCY, [28, 26, 24, 22, 19, 0]);
    expect(zero.warnings).toEqual([
      `odd.xlsx › 'S'!I2: ${AGENCY}: 0 in Jun-23 after 19 in May-23 is a fall to nothing: a month not filled in yet, or a formula over data not yet in, ` +
        'shows 0; check the figure, and type "-" in the cell if there is none yet (the factor is plausibility.jumpFactor in config/indicators.yaml)',
    ]);
    const dash = await findingsFor(AGENCY, [28, 26, 24, 22, 19, '-']);
    expect(dash.warnings).toEqual([]);
    // Too short a series to call steady: two months before it.
    const short = await findingsFor(AGENCY, [undefined, undefined, undefined, 22, 19, 0]);
    expect(short.warnings).toEqual([]);
  });

  it('a target of another scale than its figures is a warning (a rate per 1,000 in a row per 10,000, rated Green against 100); in one scale, none', async () => {
    const RATE = 'Rate of children in our care per 10,000';
    const perThousand = await findingsFor(RATE, [11.1, 11.2, 11.3, 11, 10.3, 10.2, 100]);
    expect(perThousand.warnings).toEqual([
      `odd.xlsx › 'S'!J2: ${RATE}: the Target 100 and its figures (a median of 11.05, D2 to I2) differ by a factor of 9, so its RAG compares figures of another scale: ` +
        'a rate per 1,000 where the row is per 10,000, or a zero too many or too few? Expected the target and the figures in the same units ' +
        '(the factor is plausibility.jumpFactor in config/indicators.yaml)',
    ]);
    const typedRight = await findingsFor(RATE, [111, 112, 113, 110, 103, 102, 100]);
    expect(typedRight.warnings).toEqual([]);
    const zeroShort = await findingsFor(IN_CARE, [554, 551, 548, 552, 543, 504, 49.5]);
    expect(zeroShort.warnings).toHaveLength(1);
    expect(zeroShort.warnings[0]).toContain(
      `odd.xlsx › 'S'!J2: ${IN_CARE}: the Target 49.5 and its figures (a median of 549.5, D2 to I2) differ by a factor of 11.1`,
    );
    // A percentage far below its target is bad performance, not another scale.
    const pct = (value: number): FixtureCell => ({ value, numFmt: '0%' });
    expect(
      (
        await findingsFor(
          'Percentage of children subject to child protection plans with recent core group held in time',
          [0.1, 0.15, 0.12, 0.1, 0.1, 0.1, pct(0.95)].map((v) => (typeof v === 'number' ? pct(v) : v)),
        )
      ).warnings,
    ).toEqual([]);
  });

  it("a rate's benchmark of another scale than its figures is a warning (63.9 per 1,000 printed beside 756 per 10,000); a count's national benchmark is not", async () => {
    const { aliases, catalogue } = await projectConfig();
    const read = async (name: string, cells: FixtureCell[]) => {
      const bytes = await buildWorkbook([{ name: 'S', rows: [header(['Target', 'Statistical Neighbours']), [undefined, undefined, name, ...cells]] }]);
      return buildDataset(await loadWorkbook(bytes, 'odd.xlsx'), aliases, catalogue)
        .findings.filter((f) => f.severity === 'warning')
        .map(formatFinding);
    };
    const RATE = 'Rate of referrals per 10,000 population under 18 years old';
    expect(await read(RATE, [745, 760, 771, 763, 748, 756, 700, 63.88])).toEqual([
      `odd.xlsx › 'S'!K2: ${RATE}: the benchmark Statistical Neighbours 63.88 and its figures (a median of 758, D2 to I2) differ by a factor of 11.9, ` +
        'so it is printed beside figures of another scale: a rate per 1,000 where the row is per 10,000, or a zero too many or too few? ' +
        'Expected the benchmark and the figures in the same units (the factor is plausibility.jumpFactor in config/indicators.yaml)',
    ]);
    expect(await read(RATE, [745, 760, 771, 763, 748, 756, 700, 638.8])).toEqual([]);
    expect(await read(IN_CARE, [554, 551, 548, 552, 543, 504, 500, 80850])).toEqual([]);
  });

  it('small counts still swing without a warning: 3 then 31, 19 then 0', async () => {
    const { warnings } = await findingsFor('Number of new CLA in month', [14, 3, 31, 17, 19, 0]);
    expect(warnings).toEqual([]);
  });

  it('a percentage of half or more that falls to 0% is a warning; "-" typed as it advises, no warning; a small rate that falls to 0% swings without one', async () => {
    const pct = (value: number | undefined): FixtureCell => (value === undefined ? undefined : { value, numFmt: '0%' });
    const CORE_GROUPS = 'Percentage of children subject to child protection plans with recent core group held in time';
    const zero = await findingsFor(CORE_GROUPS, [0.81, 0.84, 0.8, 0.83, 0.85, 0].map(pct));
    expect(zero.warnings).toEqual([
      `odd.xlsx › 'S'!I2: ${CORE_GROUPS}: 0% in Jun-23 after 85% in May-23 is a fall to nothing: a month not filled in yet, or a formula over data not yet in, ` +
        'shows 0%; check the figure, and type "-" in the cell if there is none yet',
    ]);
    const dash = await findingsFor(
      CORE_GROUPS,
      [0.81, 0.84, 0.8, 0.83, 0.85, undefined].map(pct).map((c, i) => (i === 5 ? '-' : c)),
    );
    expect(dash.warnings).toEqual([]);
    // The sample's own swings: 31% of a handful of children ceased in a month, then 0%.
    const small = await findingsFor('Percentage of CLA ceased in the month - adopted', [0.1, 0, 0.2, 0.31, 0, 0.15].map(pct));
    expect(small.warnings).toEqual([]);
  });

  it('a percentage below half that falls to 0% after three months or more never below 10% is a warning (re-referrals 21%, 19%, 21%, then 0%); "-" typed, no warning', async () => {
    const pct = (value: number): FixtureCell => ({ value, numFmt: '0%' });
    const RE_REFERRALS = 'Percentage of re-referrals within 12 months';
    const zero = await findingsFor(RE_REFERRALS, [0.26, 0.35, 0.19, 0.21, 0.21, 0].map(pct));
    expect(zero.warnings).toEqual([
      `odd.xlsx › 'S'!I2: ${RE_REFERRALS}: 0% in Jun-23 after 21% in May-23 is a fall to nothing: a month not filled in yet, or a formula over data not yet in, ` +
        'shows 0%; check the figure, and type "-" in the cell if there is none yet',
    ]);
    const dash = await findingsFor(RE_REFERRALS, [...[0.26, 0.35, 0.19, 0.21, 0.21].map(pct), '-']);
    expect(dash.warnings).toEqual([]);
    // Points typed in General ("18" meaning 18%) are percentages too.
    const points = await findingsFor('Percentage of CLA at end of month with 3 or more placements during the year', [16, 18, 17, 18, 17, 0]);
    expect(points.warnings).toEqual([
      "odd.xlsx › 'S'!I2: Percentage of CLA at end of month with 3 or more placements during the year: 0% in Jun-23 after 17% in May-23 is a fall to nothing: " +
        'a month not filled in yet, or a formula over data not yet in, shows 0%; check the figure, and type "-" in the cell if there is none yet',
    ]);
    // Too short a series, or one that has been below 10% (a small rate's swing), says nothing.
    expect(
      (
        await findingsFor(
          RE_REFERRALS,
          [undefined, undefined, undefined, 0.21, 0.21, 0].map((v) => (v === undefined ? v : pct(v))),
        )
      ).warnings,
    ).toEqual([]);
    expect((await findingsFor(RE_REFERRALS, [0.26, 0.05, 0.19, 0.21, 0.21, 0].map(pct))).warnings).toEqual([]);
  });
});
