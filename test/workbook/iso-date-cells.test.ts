/**
 * Cells stored as ISO 8601 dates (`t="d"`), as LibreOffice or openpyxl may write them: exceljs alone
 * reads "2023-10-01T00:00:00Z" as the number 2023, so a figure cell printed 2023 and a table whose
 * month headers were such cells was not read at all. The variants are the sample with cells of its
 * sheet XML rewritten (test/fixtures/zip.ts).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDataset, type CheckedDataset } from '../../src/dataset/build-dataset.js';
import { formatFinding } from '../../src/findings/finding.js';
import { parseIsoDate } from '../../src/workbook/iso-date-cells.js';
import { loadWorkbook } from '../../src/workbook/load-workbook.js';
import { runCommand } from '../fixtures/run-cli.js';
import { tempProject } from '../fixtures/temp-project.js';
import { projectConfig } from '../fixtures/workbooks.js';
import { sampleParts, writeZip, type ZipPart } from '../fixtures/zip.js';

let parts: ZipPart[];
let sample: CheckedDataset;
let dir: string;

/** The sample with one sheet part's XML edited. */
function variant(part: string, edit: (xml: string) => string): Buffer {
  return writeZip(parts.map((p) => (p.name === part && p.data ? { name: p.name, data: Buffer.from(edit(p.data.toString('utf8'))) } : p)));
}

async function check(bytes: Buffer): Promise<CheckedDataset> {
  const { aliases, catalogue } = await projectConfig();
  return buildDataset(await loadWorkbook(bytes, 'iso.xlsx'), aliases, catalogue);
}

/** Column letters D..AB: the 25 month headers (Oct-21 to Oct-23) of the first table of 'B4B data set', row 2. */
const MONTH_COLUMNS = Array.from({ length: 25 }, (_, i) => (i < 23 ? String.fromCharCode(68 + i) : `A${String.fromCharCode(65 + i - 23)}`));

beforeAll(async () => {
  parts = await sampleParts();
  sample = await check(writeZip(parts));
  dir = await mkdtemp(path.join(tmpdir(), 'b4b-iso-'));
});

describe('cells stored as ISO dates (t="d")', () => {
  it('reads month headers stored as ISO dates as the months they are, with or without a date format', async () => {
    for (const style of [' s="6"', '']) {
      const bytes = variant('xl/worksheets/sheet1.xml', (xml) =>
        MONTH_COLUMNS.reduce((acc, col, i) => {
          const month = new Date(Date.UTC(2021, 9 + i, 1)).toISOString().slice(0, 10);
          const edited = acc.replace(new RegExp(`<c r="${col}2" t="s"><v>\\d+</v></c>`), `<c r="${col}2"${style} t="d"><v>${month}T00:00:00Z</v></c>`);
          expect(edited).not.toBe(acc);
          return edited;
        }, xml),
      );
      const checked = await check(bytes);
      const first = checked.dataset.tables.find((t) => t.sheet === 'B4B data set');
      const expected = sample.dataset.tables.find((t) => t.sheet === 'B4B data set');
      expect(first?.months).toEqual(expected?.months);
      expect(first?.rows.find((r) => r.name === 'Number of referrals into Early Help')?.values['2023-10']).toMatchObject({ kind: 'number', value: 137 });
      expect(checked.dataset.tables.length).toBe(sample.dataset.tables.length);
      expect(checked.findings.map(formatFinding)).toEqual(sample.findings.map(formatFinding));
    }
  });

  it('refuses a figure cell stored as an ISO date, naming the cell, where it printed 2023', async () => {
    const bytes = variant('xl/worksheets/sheet1.xml', (xml) => xml.replace('<c r="AB3"><v>137</v></c>', '<c r="AB3" t="d"><v>2023-10-01T00:00:00Z</v></c>'));
    const checked = await check(bytes);
    const errors = checked.findings.filter((f) => f.severity === 'error').map(formatFinding);
    expect(errors).toEqual([
      "iso.xlsx › 'B4B data set'!AB3: the cell holds the date 2023-10-01 where a figure belongs (Number of referrals into Early Help, Oct-23), so no figure is read; expected a number (was a date typed or pasted into the cell?)",
    ]);

    const file = path.join(dir, 'iso-figure.xlsx');
    await writeFile(file, bytes);
    const project = await tempProject({ workbook: file });
    const run = await runCommand(['run', '--month', '2023-10', '--report', 'performance', '--settings', project.settings]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("iso-figure.xlsx › 'B4B data set'!AB3: the cell holds the date 2023-10-01 where a figure belongs");
  });

  it('reads a month column of a project sheet stored as ISO dates (it read as 1905-07-15)', async () => {
    const bytes = variant('xl/worksheets/sheet6.xml', (xml) =>
      xml.replace(/<c r="(A\d+)" s="6"><v>45108<\/v><\/c>/g, '<c r="$1" s="6" t="d"><v>2023-07-01T00:00:00Z</v></c>'),
    );
    const checked = await check(bytes);
    expect(checked.findings.map(formatFinding)).toEqual(sample.findings.map(formatFinding));
    expect(checked.dataset.teamMeasures.length).toBe(sample.dataset.teamMeasures.length);
  });

  it('names a cell whose ISO date is not a date, with the text as stored', async () => {
    const bytes = variant('xl/worksheets/sheet1.xml', (xml) => xml.replace('<c r="AB3"><v>137</v></c>', '<c r="AB3" t="d"><v>2023-13-01</v></c>'));
    const errors = (await check(bytes)).findings.filter((f) => f.severity === 'error').map(formatFinding);
    expect(errors).toEqual([
      `iso.xlsx › 'B4B data set'!AB3: "2023-13-01" is not a number (Number of referrals into Early Help, Oct-23); expected a figure, or a text that means no figure (listed under noFigure in config/header-aliases.yaml)`,
    ]);
  });

  it('reads the wall-clock date of an ISO text, whatever its offset', () => {
    expect(parseIsoDate('2023-10-01T00:00:00+01:00')?.toISOString()).toBe('2023-10-01T00:00:00.000Z');
    expect(parseIsoDate('2023-10-01')?.toISOString()).toBe('2023-10-01T00:00:00.000Z');
    expect(parseIsoDate('2023-10-31T23:30:00.5')?.toISOString()).toBe('2023-10-31T23:30:00.500Z');
    expect(parseIsoDate('2023-02-30')).toBeUndefined();
    expect(parseIsoDate('2023')).toBeUndefined();
  });
});
