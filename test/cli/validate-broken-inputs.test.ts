import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../fixtures/run-cli.js';
import { buildWorkbook, header } from '../fixtures/workbooks.js';

let dir: string;
let good: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'b4b-broken-'));
  good = await buildWorkbook([{ name: 'B4B data set', rows: [header(), [undefined, undefined, 'Number of contacts in the month', 1, 2, 3, 4, 5, 6]] }]);
});

async function fixture(name: string, bytes: Buffer | string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return file;
}

describe('b4b-reports validate: broken inputs fail with a report (on stdout) naming the file, sheet and cell', () => {
  it('a text file renamed .xlsx', async () => {
    const file = await fixture('renamed.xlsx', 'Indicator,Oct-23\nNumber of contacts,1922\n');
    const result = await runCommand(['validate', file]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      'renamed.xlsx: the file is not an Excel workbook (.xlsx): it is not a zip archive (is it a text or CSV file renamed .xlsx?)',
    );
  });

  it('a truncated file', async () => {
    const file = await fixture('truncated.xlsx', good.subarray(0, Math.floor(good.length / 2)));
    const result = await runCommand(['validate', file]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('truncated.xlsx: the file is damaged or incomplete (perhaps truncated while copying)');
  });

  it('a workbook with no sheets', async () => {
    const empty = Buffer.from(await new ExcelJS.Workbook().xlsx.writeBuffer());
    const file = await fixture('no-sheets.xlsx', empty);
    const result = await runCommand(['validate', file]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('no-sheets.xlsx: the workbook has no sheets; expected the B4B data set sheets');
  });

  it('a header that says "Measure" where no alias maps it', async () => {
    const file = await fixture(
      'measure.xlsx',
      await buildWorkbook([
        {
          name: 'B4B data set',
          rows: [
            [undefined, 'Ref_ID', 'Measure', 'Sep-23', 'Oct-23'],
            [undefined, undefined, 'Number of contacts in the month', 1532, 1922],
          ],
        },
      ]),
    );
    const result = await runCommand(['validate', file]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`measure.xlsx › 'B4B data set'!C1: the header "Measure" is not a known name for the Indicator column`);
  });

  it('"12a" in a value cell', async () => {
    const file = await fixture(
      'twelve-a.xlsx',
      await buildWorkbook([{ name: 'B4B data set', rows: [header(), [undefined, undefined, 'Number of contacts in the month', 1, '12a', 3, 4, 5, 6]] }]),
    );
    const result = await runCommand(['validate', file]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`twelve-a.xlsx › 'B4B data set'!E2: "12a" is not a number (Number of contacts in the month, Feb-23)`);
    expect(result.stdout).toMatch(/FAILED: 1 error\(s\)/);
  });

  it('a file that does not exist', async () => {
    const result = await runCommand(['validate', path.join(dir, 'missing.xlsx')]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('missing.xlsx: cannot read the workbook: no such file');
  });

  it('--json prints the errors for machines, with the same exit code', async () => {
    const file = await fixture(
      'json.xlsx',
      await buildWorkbook([{ name: 'S', rows: [header(), [undefined, undefined, 'Number of contacts in the month', 1, '12a', 3, 4, 5, 6]] }]),
    );
    const result = await runCommand(['validate', '--json', file]);
    expect(result.status).toBe(1);
    const parsed = JSON.parse(result.stdout) as { ok: boolean; errors: Array<{ code: string; source: { sheet: string; cell: string } }> };
    expect(parsed.ok).toBe(false);
    expect(parsed.errors).toEqual([expect.objectContaining({ code: 'not-a-number', source: expect.objectContaining({ sheet: 'S', cell: 'E2' }) })]);
  });

  it('--strict fails on warnings alone', async () => {
    const file = await fixture(
      'warn.xlsx',
      await buildWorkbook([{ name: 'S', rows: [header(), [undefined, undefined, 'Number of widgets', 1, 2, 3, 4, 5, 6]] }]),
    );
    expect((await runCommand(['validate', file])).status).toBe(0);
    const strict = await runCommand(['validate', '--strict', file]);
    expect(strict.status).toBe(1);
    expect(strict.stdout).toContain('(--strict fails on warnings)');
  });
});
