/**
 * A figure beside its RAG: the RAG is judged on the true value, so a figure rounded for print could
 * read as meeting its target when its RAG says it does not ("95% … target 95% … Amber" for 94.5%).
 * The month's figure prints with as many more decimals as it takes to show why; the RAG stays true.
 */
import { describe, expect, it } from 'vitest';
import { buildDataset } from '../../src/dataset/build-dataset.js';
import { ReportFigures } from '../../src/report/report-figures.js';
import { loadWorkbook } from '../../src/workbook/load-workbook.js';
import { buildWorkbook, header, pct, projectConfig, type FixtureCell } from '../fixtures/workbooks.js';

const CORE_GROUP = 'Percentage of children subject to child protection plans with recent core group held in time';
const SECOND_PLAN = 'Percentage of children subject to 2nd or more CP plan';
const RATE_IN_CARE = 'Rate of children in our care per 10,000';

/** One row, Jan-23 to May-23 as given and Jun-23 `june`, against `target` (months D:I, Target J). */
async function june(name: string, may: FixtureCell, juneFigure: FixtureCell, target: FixtureCell) {
  const { aliases, catalogue } = await projectConfig();
  const rows: FixtureCell[][] = [
    [undefined, undefined, 'Strong, Vibrant Localities'],
    header(['Target']),
    [undefined, undefined, name, may, may, may, may, may, juneFigure, target],
  ];
  const { dataset } = buildDataset(
    await loadWorkbook(await buildWorkbook([{ name: 'B4B data set', rows }]), 'rag.xlsx'),
    aliases,
    catalogue,
    new Date(Date.UTC(2023, 11, 15)),
  );
  const id = catalogue.lookup(name)?.id ?? '';
  const row = new ReportFigures(dataset, catalogue, '2023-06').table({ ids: [id], twoYearsBack: false, benchmarks: false, target: true }).rows[0];
  return { figure: row?.cells.at(-1), before: row?.cells.at(-2), target: row?.target, rag: row?.rag, direction: row?.direction };
}

describe('a figure printed beside its RAG reads as its RAG does', () => {
  const printed = (figure: string, before: string, target: string, rag: string, direction: string) => ({ figure, before, target, rag, direction });
  it.each([
    [
      '94.5% against a target of 95% prints "94.5%", Amber (not "95%" … 95% … Amber); the month before prints as it did',
      CORE_GROUP,
      0.85,
      0.945,
      0.95,
      printed('94.5%', '85%', '95%', 'amber', 'improved'),
    ],
    [
      'where lower is better, 24.04% against 24% prints "24.04%" (24.0% would read as met too), Amber',
      SECOND_PLAN,
      0.31,
      0.2404,
      0.24,
      printed('24.04%', '31%', '24%', 'amber', 'improved'),
    ],
    [
      'a target whose own rounding misleads prints with the decimals it takes: 94.45% against a target of 94.49% ("94%")',
      CORE_GROUP,
      0.85,
      0.9445,
      0.9449,
      printed('94.45%', '85%', '94.49%', 'amber', 'improved'),
    ],
    [
      'two months that print alike beside an arrow that says they moved print with the decimals that show it: 85.1% then 84.9%, ↓ (not "85%", "85%", ↓)',
      CORE_GROUP,
      0.851,
      0.849,
      0.95,
      printed('84.9%', '85.1%', '95%', 'red', 'worsened'),
    ],
  ])('%s', async (_, name, may, juneFigure, target, expected) => {
    expect(await june(name, pct(may), pct(juneFigure), pct(target))).toEqual(expected);
  });

  it('at the amber band: 89.96% is Red against 95% with 5 points of tolerance, and prints "89.96%", not "90%" (which reads Amber)', async () => {
    expect(await june(CORE_GROUP, pct(0.85), pct(0.8996), pct(0.95))).toMatchObject({ figure: '89.96%', rag: 'red' });
  });

  it('a rate of 100.04 under a whole-number format ("100.0"), against 100 where lower is better, prints "100.04", Amber', async () => {
    expect(await june(RATE_IN_CARE, 103, { value: 100.04, numFmt: '0' }, 100)).toMatchObject({ figure: '100.04', target: '100', rag: 'amber' });
  });

  it('a figure whose rounding reads as its RAG does prints as before: 95.4% and 95% are "95%", Green; 94.4% is "94%", Amber; the same figure twice, no change', async () => {
    expect(await june(CORE_GROUP, pct(0.85), pct(0.954), pct(0.95))).toMatchObject({ figure: '95%', rag: 'green' });
    expect(await june(CORE_GROUP, pct(0.85), pct(0.95), pct(0.95))).toMatchObject({ figure: '95%', rag: 'green' });
    expect(await june(CORE_GROUP, pct(0.85), pct(0.944), pct(0.95))).toMatchObject({ figure: '94%', rag: 'amber' });
    expect(await june(CORE_GROUP, pct(0.85), pct(0.85), pct(0.95))).toMatchObject({ figure: '85%', before: '85%', direction: 'same' });
  });
});
