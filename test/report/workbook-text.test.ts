/**
 * Text from the workbook is text (issue 15, item 9): commentary never becomes a heading or a
 * contents entry; a name after a role is withheld with a warning; hidden sheets and rows are read
 * and warned about.
 */
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDataset } from '../../src/dataset/build-dataset.js';
import type { Dataset } from '../../src/dataset/types.js';
import { formatFinding } from '../../src/findings/finding.js';
import type { ReportDocument as ConfiguredReportOutput } from '../../src/produce/report.js';
import { loadWorkbook } from '../../src/workbook/load-workbook.js';
import { withholdNames } from '../../src/workbook/personal-names.js';
import { pdfText } from '../fixtures/pdf-text.js';
import { performanceReport, sampleDataset } from '../fixtures/sample-report.js';
import { buildWorkbook, header, projectConfig } from '../fixtures/workbooks.js';

const HOSTILE = [
  '# Injected section',
  '',
  '## Injected sub-heading',
  '',
  'A line with **two asterisks** and @@block-0000-0@@ in it.',
  '- A bullet the commentary sheet may use',
].join('\n');

describe('commentary is placed as text, never as template markup', () => {
  let report: ConfiguredReportOutput;
  let text: string;

  beforeAll(async () => {
    const dataset = await sampleDataset();
    const hostile: Dataset = {
      ...dataset,
      commentary: dataset.commentary.map((c) => (c.section === 'workforce' && c.kind === 'progress-analysis' ? { ...c, text: HOSTILE } : c)),
    };
    report = await performanceReport('2023-10', hostile);
    text = pdfText(Buffer.from(report.pdf));
  });

  it('makes no heading, in the blocks, the contents or the HTML twin, from "# " and "## " lines', () => {
    const headings = report.blocks.filter((b) => b.kind === 'heading').map((b) => (b.kind === 'heading' ? b.text : ''));
    expect(headings.some((h) => h.includes('Injected'))).toBe(false);
    expect(report.blocks).toContainEqual({ kind: 'paragraph', runs: [{ text: '# Injected section' }] });
    expect(report.blocks).toContainEqual({ kind: 'paragraph', runs: [{ text: '## Injected sub-heading' }] });
    const contents = pdfText(Buffer.from(report.pdf), { firstPage: 2, lastPage: 2 });
    expect(contents).toContain('Contents');
    expect(contents).not.toContain('Injected');
    expect(report.html).toBeDefined();
    expect(report.html).not.toMatch(/<h\d[^>]*>[^<]*Injected/);
    expect(report.html).toContain('# Injected section');
  });

  it('prints the lines as they were typed: the hashes, the asterisks and the marker-like text', () => {
    expect(text).toContain('# Injected section');
    expect(text).toContain('## Injected sub-heading');
    expect(text).toContain('A line with **two asterisks** and @@block-0000-0@@ in it.');
    expect(text).toContain('A bullet the commentary sheet may use');
  });
});

describe("a person's name after a role is withheld from every report, with a warning naming the cell", () => {
  it('withholds two capitalised words after worker, social worker, SW, NQSW', () => {
    expect(withholdNames("Allocated to social worker Jane Smith, then SW Tom O'Neil and NQSW: Amy Lee-Wong.")).toEqual({
      text: 'Allocated to social worker [name withheld], then SW [name withheld] and NQSW: [name withheld].',
      roles: ['social worker', 'SW', 'NQSW'],
    });
    expect(withholdNames('Workers have challenges recording the meeting; 12 SW posts are filled.')).toEqual({
      text: 'Workers have challenges recording the meeting; 12 SW posts are filled.',
      roles: [],
    });
  });

  it('reads commentary and caseload text with the name withheld, and warns without printing the name', async () => {
    const { aliases, catalogue } = await projectConfig();
    const bytes = await buildWorkbook([
      { name: 'B4B data set', rows: [header(), [undefined, undefined, 'Number of contacts in the month', 1, 2, 3, 4, 5, 6]] },
      {
        name: 'Commentary',
        rows: [
          ['Month', 'Report', 'Section', 'Kind', 'Text'],
          ['2023-06', 'performance', 'workforce', 'progress-analysis', 'The case moved to social worker Jane Smith in June.'],
        ],
      },
      {
        name: 'Caseloads',
        rows: [
          ['Month', 'Worker reference', 'Qualifying status', 'Allocated team', 'Allocations'],
          ['2023-06', 'Peter Jones', 'SW', 'BIT 1', 21],
          ['2023-06', 'W0002', 'SW', 'PA team (worker Ann Brown)', 12],
        ],
      },
    ]);
    const checked = buildDataset(await loadWorkbook(bytes, 'names.xlsx'), aliases, catalogue);
    expect(checked.dataset.commentary[0]?.text).toBe('The case moved to social worker [name withheld] in June.');
    expect(checked.dataset.caseloads.map((c) => c.team)).toEqual(['BIT 1', 'PA team (worker [name withheld])']);
    const warnings = checked.findings.filter((f) => f.code === 'possible-name').map(formatFinding);
    expect(warnings).toEqual([
      "names.xlsx › 'Caseloads'!B2: the worker reference looks like a person's name (two capitalised words); it is never printed, but the sheet should hold an opaque reference such as W0123, never a name",
      `names.xlsx › 'Caseloads'!D3: the allocated team has two capitalised words after "worker" that may be a person's name; they are withheld from every report as "[name withheld]". Worker identities must never print: refer to a team or a worker reference instead`,
      `names.xlsx › 'Commentary'!E2: the commentary has two capitalised words after "social worker" that may be a person's name; they are withheld from every report as "[name withheld]". Worker identities must never print: refer to a team or a worker reference instead`,
    ]);
    for (const w of warnings) expect(w).not.toMatch(/Jane|Smith|Peter|Jones|Ann Brown/);
  });

  it("withholds a name after a manager's role or before \"'s team\", in caseload and team-measure teams alike; a team's own words stay, and teams stay apart", async () => {
    const { aliases, catalogue } = await projectConfig();
    const bytes = await buildWorkbook([
      { name: 'B4B data set', rows: [header(), [undefined, undefined, 'Number of contacts in the month', 1, 2, 3, 4, 5, 6]] },
      {
        name: 'Caseloads',
        rows: [
          ['Month', 'Worker reference', 'Qualifying status', 'Allocated team', 'Allocations'],
          ['2023-07', 'W0001', 'SW', "Jane Smith's Team", 21],
          ['2023-07', 'W0002', 'SW', 'SWF East 2 - TM Jane Smith', 18],
          ['2023-07', 'W0003', 'SW', "SWF West 1 (Tom O'Neil's team)", 16],
          ['2023-07', 'W0004', 'SW', 'SWF East 1 Duty Team', 12],
          ['2023-07', 'W0005', 'SW', 'Team 1 Child Protection', 11],
          ['2023-07', 'W0006', 'SW', 'Team 1 Looked After', 10],
        ],
      },
      {
        name: 'Team measures',
        rows: [
          ['Month', 'Measure', 'Team/Locality', 'Denominator', 'Numerator'],
          ['Jul-23', 'sa-20-days', 'SWF East 1 - SW Jane Smith', 13, 6],
          ['Jul-23', 'sa-20-days', "SWF West 1 (Tom O'Neil's Team)", 7, 4],
          ['Jul-23', 'sa-20-days', 'SW Team North', 9, 5],
          ['Jul-23', 'sa-20-days', 'SW Team South', 8, 5],
          ['Jul-23', 'sa-20-days', 'Pathways 2 North West', 9, 5],
        ],
      },
    ]);
    const checked = buildDataset(await loadWorkbook(bytes, 'names.xlsx'), aliases, catalogue);
    expect(checked.findings.filter((f) => f.severity === 'error').map(formatFinding)).toEqual([]);
    expect(checked.dataset.caseloads.map((c) => c.team)).toEqual([
      "[name withheld]'s Team",
      'SWF East 2 - TM [name withheld]',
      "SWF West 1 ([name withheld]'s team)",
      'SWF East 1 Duty Team',
      'Team 1 Child Protection',
      'Team 1 Looked After',
    ]);
    expect(checked.dataset.teamMeasures.map((r) => r.team)).toEqual([
      'SWF East 1 - SW [name withheld]',
      "SWF West 1 ([name withheld]'s Team)",
      'SW Team North',
      'SW Team South',
      'Pathways 2 North West',
    ]);
    const warnings = checked.findings.filter((f) => f.code === 'possible-name').map(formatFinding);
    expect(warnings.map((w) => /!(\w+\d+):/.exec(w)?.[1])).toEqual(['C2', 'C3', 'D2', 'D3', 'D4']);
    for (const w of warnings) expect(w).not.toMatch(/Priya|Patel|Jane|Smith|Tom|O'Neil/);
  });
});

describe('hidden sheets and hidden rows are read, with a warning naming them', () => {
  it('warns once per hidden sheet and once per sheet with hidden rows, listing the rows', async () => {
    const workbook = new ExcelJS.Workbook();
    const data = workbook.addWorksheet('B4B data set');
    data.addRow(header());
    for (let i = 0; i < 6; i++) data.addRow([null, null, `Number of measure ${i}`, 1, 2, 3, 4, 5, 6]);
    for (const r of [3, 4, 6]) data.getRow(r).hidden = true;
    const old = workbook.addWorksheet('Old figures', { state: 'hidden' });
    old.addRow(['nothing to read']);
    workbook.addWorksheet('Macros', { state: 'veryHidden' }).addRow(['x']);
    const { aliases, catalogue } = await projectConfig();
    const checked = buildDataset(await loadWorkbook(Buffer.from(await workbook.xlsx.writeBuffer()), 'hidden.xlsx'), aliases, catalogue);
    expect(checked.findings.filter((f) => f.code === 'hidden-content').map(formatFinding)).toEqual([
      "hidden.xlsx › 'B4B data set'!A3: rows 3-4, 6 are hidden in Excel and read like any other; unhide them to check what they hold, or delete them if they should not be read",
      "hidden.xlsx › 'Old figures': the sheet is hidden in Excel; it is read like any other sheet. Unhide it to check what it holds, or delete it if it should not be read",
      "hidden.xlsx › 'Macros': the sheet is very hidden (only a macro or the VBA editor shows it) in Excel; it is read like any other sheet. Unhide it to check what it holds, or delete it if it should not be read",
    ]);
    // Read like any other: the hidden rows' indicators are in the table.
    expect(checked.dataset.tables[0]?.rows.map((r) => r.name)).toContain('Number of measure 1');
  });
});
