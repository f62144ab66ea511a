/**
 * The workbook's own RAG, Direction of travel and Trend (issue 21, item 4): compared with what the
 * reports compute, each disagreement a warning naming the workbook's cell, both values and the months
 * compared; the printed value is the computed one unless config/indicators.yaml says
 * `ragAndDirection: workbook`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IndicatorCatalogue } from '../../src/config/catalogue.js';
import { buildDataset } from '../../src/dataset/build-dataset.js';
import { formatFinding } from '../../src/findings/finding.js';
import { ReportFigures } from '../../src/report/report-figures.js';
import { buildReport } from '../../src/produce/report.js';
import { testContext } from '../fixtures/sample-report.js';
import { loadWorkbook } from '../../src/workbook/load-workbook.js';
import { pdfText } from '../fixtures/pdf-text.js';
import { runCommand } from '../fixtures/run-cli.js';
import { buildWorkbook, header, pct, projectConfig, ROOT, type FixtureCell } from '../fixtures/workbooks.js';

const CORE_GROUP = 'Percentage of children subject to child protection plans with recent core group held in time';
const CIN_REVIEW = 'Percentage of children with Child in Need Plan (not CWD) with CIN review within last 12 weeks';
const REFERRALS = 'Number of referrals into statutory service in the month';

/** A table with Target, RAG and Direction of travel in J, K and L, Jan-23 to Jun-23 in D to I. */
function table(rows: FixtureCell[][]): FixtureCell[][] {
  return [[undefined, undefined, 'Strong, Vibrant Localities'], header(), ...rows];
}

async function read(rows: FixtureCell[][], edit: (catalogue: IndicatorCatalogue) => IndicatorCatalogue = (c) => c) {
  const { aliases, catalogue } = await projectConfig();
  const raw = await loadWorkbook(await buildWorkbook([{ name: 'B4B data set', rows: table(rows) }]), 'marks.xlsx');
  const used = edit(catalogue);
  const checked = buildDataset(raw, aliases, used, new Date(Date.UTC(2023, 11, 15)));
  return {
    ...checked,
    catalogue: used,
    marks: checked.findings.filter((f) => f.code === 'workbook-rag').map(formatFinding),
    errors: checked.findings.filter((f) => f.severity === 'error').map(formatFinding),
  };
}

/** The seed's two stale arrows: core group fell 85% → 78% but shows ↑ (1); CIN review rose 80% → 83% but shows ↓ (-1). */
const STALE: FixtureCell[][] = [
  [undefined, 74, CORE_GROUP, pct(0.77), pct(0.85), pct(0.83), pct(0.79), pct(0.85), pct(0.78), pct(0.95), -1, 1],
  [undefined, undefined, CIN_REVIEW, pct(0.84), pct(0.83), pct(0.86), pct(0.79), pct(0.8), pct(0.83), pct(0.95), -1, -1],
];

describe("the workbook's own RAG and Direction of travel are checked", () => {
  it('names each stale arrow with its cell, both values and the two months compared', async () => {
    const { marks, errors } = await read(STALE);
    expect(errors).toEqual([]);
    expect(marks).toEqual([
      `marks.xlsx › 'B4B data set'!L3: ${CORE_GROUP}: the workbook's Direction of travel is 1 (↑ improved), but the figure fell from 85% in May-23 to 78% in Jun-23, ` +
        'which is worsened (↓) where higher is better; the reports print ↓',
      `marks.xlsx › 'B4B data set'!L4: ${CIN_REVIEW}: the workbook's Direction of travel is -1 (↓ worsened), but the figure rose from 80% in May-23 to 83% in Jun-23, ` +
        'which is improved (↑) where higher is better; the reports print ↑',
    ]);
  });

  it('names a RAG that disagrees, with the figure and the target; agreeing marks, arrows and words say nothing', async () => {
    const { marks } = await read([
      // 277 against 273, lower is better: Amber (within 10%), but the workbook says Green.
      [undefined, 62, REFERRALS, 310, 263, 267, 270, 267, 277, 273, 'Green', '↓'],
      // Agreeing: Red as R, ↓ as "worsened"; and as -1 / a date-formatted -1 ("Dec-69").
      [undefined, undefined, CORE_GROUP, pct(0.77), pct(0.85), pct(0.83), pct(0.79), pct(0.85), pct(0.78), pct(0.95), 'R', 'worsened'],
      [
        undefined,
        undefined,
        CIN_REVIEW,
        pct(0.84),
        pct(0.83),
        pct(0.86),
        pct(0.79),
        pct(0.8),
        pct(0.83),
        pct(0.95),
        -1,
        { value: new Date(Date.UTC(1899, 11, 31)), numFmt: 'mmm-yy' },
      ],
    ]);
    expect(marks).toEqual([
      `marks.xlsx › 'B4B data set'!K3: ${REFERRALS}: the workbook's RAG is Green (Green), but 277 in Jun-23 against the target 273 is Amber; the reports print Amber`,
    ]);
  });

  it('a RAG column that holds the gap to the target (figures, not ratings) is one warning, and is not compared', async () => {
    const { marks } = await read([
      [undefined, undefined, CORE_GROUP, pct(0.77), pct(0.85), pct(0.83), pct(0.79), pct(0.85), pct(0.78), pct(0.95), pct(-0.17), pct(-0.07)],
      [undefined, undefined, CIN_REVIEW, pct(0.84), pct(0.83), pct(0.86), pct(0.79), pct(0.8), pct(0.83), pct(0.95), pct(-0.12), pct(0.03)],
    ]);
    expect(marks).toEqual([
      `marks.xlsx › 'B4B data set'!K3: the RAG column of the table "Strong, Vibrant Localities" holds figures such as "-17%" in 2 rows, ` +
        "not RAG ratings (Red, Amber, Green, or -1, 0, 1), so it is not checked against the reports' own RAG",
      // The Direction of travel column holds changes: their signs agree with the figures, so nothing more is said.
    ]);
  });

  it('a mark that is no mark at all is a warning naming the cell', async () => {
    const { marks } = await read([
      [undefined, undefined, CORE_GROUP, pct(0.77), pct(0.85), pct(0.83), pct(0.79), pct(0.85), pct(0.78), pct(0.95), 'R', 'sideways'],
    ]);
    expect(marks).toEqual([
      `marks.xlsx › 'B4B data set'!L3: the Direction of travel cell holds "sideways", not one of the directions of travel ` +
        "(a number whose sign says it, an arrow, or improved, worsened, same), so it is not checked against the reports' own Direction of travel",
    ]);
  });
});

describe('what the reports print', () => {
  it('the computed RAG and arrow by default, whatever the workbook says', async () => {
    const { dataset, catalogue } = await read(STALE);
    const rows = new ReportFigures(dataset, catalogue, '2023-06').table({
      ids: [catalogue.lookup(CORE_GROUP)?.id ?? ''],
      twoYearsBack: false,
      benchmarks: false,
      target: true,
    }).rows;
    expect(rows[0]).toMatchObject({ rag: 'red', direction: 'worsened' });
  });

  it("the workbook's own with ragAndDirection: workbook, for the month its marks are about; the computed ones for another month, with a warning", async () => {
    const workbookMarks = (c: IndicatorCatalogue): IndicatorCatalogue => new IndicatorCatalogue({ ...c.file, ragAndDirection: 'workbook' });
    const { dataset, catalogue, marks } = await read(STALE, workbookMarks);
    expect(marks[0]).toContain("the reports print the workbook's ↑ (ragAndDirection: workbook in config/indicators.yaml)");
    const id = catalogue.lookup(CORE_GROUP)?.id ?? '';
    const request = { ids: [id], twoYearsBack: false, benchmarks: false, target: true };
    const june = new ReportFigures(dataset, catalogue, '2023-06');
    expect(june.table(request).rows[0]).toMatchObject({ rag: 'red', direction: 'improved' });
    expect(june.warnings).toEqual([]);
    const may = new ReportFigures(dataset, catalogue, '2023-05');
    expect(may.table(request).rows[0]).toMatchObject({ direction: 'improved' }); // 83% → 85%: computed, and right
    expect(may.warnings.map((w) => w.message)).toEqual([
      `${CORE_GROUP}: the workbook's RAG and Direction of travel are about Jun-23, not May-23, so the computed ones are printed (ragAndDirection: workbook in config/indicators.yaml)`,
    ]);
  });

  it("with ragAndDirection: workbook, a mark beside no figure for the month (last month's, left as it was) is not printed, with a warning; the figure typed as it advises, the mark prints", async () => {
    const workbookMarks = (c: IndicatorCatalogue): IndicatorCatalogue => new IndicatorCatalogue({ ...c.file, ragAndDirection: 'workbook' });
    const blankJune: FixtureCell[][] = [[undefined, 74, CORE_GROUP, pct(0.77), pct(0.85), pct(0.83), pct(0.79), pct(0.85), undefined, pct(0.95), -1, 1]];
    const { dataset, catalogue } = await read(blankJune, workbookMarks);
    const id = catalogue.lookup(CORE_GROUP)?.id ?? '';
    const request = { ids: [id], twoYearsBack: false, benchmarks: false, target: true };
    const june = new ReportFigures(dataset, catalogue, '2023-06');
    const row = june.table(request).rows[0];
    expect(row?.cells.at(-1)).toBe('-');
    expect(row?.rag).toBeUndefined();
    expect(row?.direction).toBeUndefined();
    expect(june.warnings.map((w) => w.message)).toEqual([
      `${CORE_GROUP}: no figure for Jun-23 (I3), so the workbook's RAG -1 (K3) and Direction of travel 1 (L3) are not printed beside it ` +
        "(ragAndDirection: workbook in config/indicators.yaml): a mark of another month? Type Jun-23's figure in I3, or clear the mark",
    ]);
    const typed = await read(STALE.slice(0, 1), workbookMarks);
    const fixed = new ReportFigures(typed.dataset, typed.catalogue, '2023-06');
    expect(fixed.table(request).rows[0]).toMatchObject({ rag: 'red', direction: 'improved' });
    expect(fixed.warnings).toEqual([]);
  });

  it('in the PDF: ↓ computed by default, ↑ as the workbook has it with ragAndDirection: workbook', async () => {
    const template = [
      '# Strong, Vibrant Localities',
      '{{#indicatorTable from="Strong, Vibrant Localities"}}',
      'percentage-of-children-subject-to-child-protection-plans-with-recent-core-group-held-in-time',
      '{{/indicatorTable}}',
    ].join('\n');
    const row = async (edit?: (c: IndicatorCatalogue) => IndicatorCatalogue): Promise<string> => {
      const { dataset, catalogue } = await read(STALE, edit);
      const output = await buildReport(
        {
          dataset,
          catalogue,
          teamMeasures: [],
          month: '2023-06',
          templateSource: template,
          commentaryReport: 'performance',
          title: 'Marks',
          council: 'C',
          service: 'S',
          format: {},
        },
        testContext(),
      );
      const text = pdfText(Buffer.from(output.pdf)).replace(/\s+/g, ' ');
      return /85% 78% 95% (\S+ \S+ \S+)/.exec(text)?.[1] ?? text;
    };
    expect(await row()).toBe('● R ↓');
    expect(await row((c) => new IndicatorCatalogue({ ...c.file, ragAndDirection: 'workbook' }))).toBe('● R ↑');
  });
});

describe('the RAG warning prints the figures as the reports do', () => {
  it('94.5% against 95% is "94.5% in Jun-23 against the target 95% is Amber", never "95% against the target 95%"', async () => {
    const { marks } = await read([[undefined, 74, CORE_GROUP, pct(0.77), pct(0.85), pct(0.83), pct(0.79), pct(0.85), pct(0.945), pct(0.95), -1]]);
    expect(marks).toEqual([
      `marks.xlsx › 'B4B data set'!K3: ${CORE_GROUP}: the workbook's RAG is -1 (Red), but 94.5% in Jun-23 against the target 95% is Amber; the reports print Amber`,
    ]);
  });

  it('85.1% then 84.9% is "fell from 85.1% in May-23 to 84.9% in Jun-23", never "fell from 85% to 85%"', async () => {
    const { marks } = await read([[undefined, 74, CORE_GROUP, pct(0.77), pct(0.85), pct(0.83), pct(0.79), pct(0.851), pct(0.849), pct(0.95), -1, 1]]);
    expect(marks).toEqual([
      `marks.xlsx › 'B4B data set'!L3: ${CORE_GROUP}: the workbook's Direction of travel is 1 (↑ improved), but the figure fell from 85.1% in May-23 to 84.9% in Jun-23, ` +
        'which is worsened (↓) where higher is better; the reports print ↓',
    ]);
  });
  it('24.04% against 24%, lower is better (Amber), prints "24.04%" on the page: the arrow warning quotes 24.04%, never "24%"', async () => {
    const name = 'Percentage of children subject to 2nd or more CP plan';
    const { marks, dataset, catalogue } = await read([
      [undefined, undefined, name, pct(0.3), pct(0.31), pct(0.32), pct(0.31), pct(0.31), pct(0.2404), pct(0.24), -1, 0],
    ]);
    const printed = new ReportFigures(dataset, catalogue, '2023-06').table({
      ids: [catalogue.lookup(name)?.id ?? ''],
      twoYearsBack: false,
      benchmarks: false,
      target: true,
    }).rows[0];
    expect(printed?.cells.slice(-2)).toEqual(['31%', '24.04%']);
    expect(marks).toEqual([
      `marks.xlsx › 'B4B data set'!K3: ${name}: the workbook's RAG is -1 (Red), but 24.04% in Jun-23 against the target 24% is Amber; the reports print Amber`,
      `marks.xlsx › 'B4B data set'!L3: ${name}: the workbook's Direction of travel is 0 (→ no change), but the figure fell from 31% in May-23 to 24.04% in Jun-23, ` +
        'which is improved (↑) where lower is better; the reports print ↑',
    ]);
  });
});

describe('validate on the sample workbook', () => {
  it("names the seed's stale arrows with their cells, and exits 0 without --strict", async () => {
    const result = await runCommand(['validate', path.join(ROOT, 'data', 'b4b-sample.xlsx')]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      `b4b-sample.xlsx › 'B4B data set'!AE29: ${CORE_GROUP}: the workbook's Direction of travel is 1 (↑ improved), but the figure fell from 85% in Sep-23 to 78% in Oct-23`,
    );
    expect(result.stdout).toContain(
      `b4b-sample.xlsx › 'B4B data set'!AE30: ${CIN_REVIEW}: the workbook's Direction of travel is -1 (↓ worsened), but the figure rose from 80% in Sep-23 to 83% in Oct-23`,
    );
    expect(result.stdout).toContain(
      `b4b-sample.xlsx › 'B4B data set'!AD8: ${REFERRALS}: the workbook's RAG is 1 (Green), but 277 in Oct-23 against the target 273 is Amber; the reports print Amber`,
    );
    expect(result.stdout).toMatch(/^OK: no errors, \d+ warning\(s\)\.$/m);
    // The catalogue file documents the option next to its schema.
    expect(await readFile(path.join(ROOT, 'config', 'indicators.yaml'), 'utf8')).toMatch(/ragAndDirection: computed/);
  });
});
