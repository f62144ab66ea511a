/**
 * An input that cannot be read is named for what it is (issue 23, item 11): a password-protected
 * workbook is not "an old .xls", an OpenDocument spreadsheet does not have "no sheets", a damaged
 * part list is not "perhaps truncated", and "--month 0000-01" is not January of year 0. Each file is
 * made by code: a real encrypted workbook (officecrypto-tool), a compound file with a BIFF stream
 * (cfb), an OpenDocument archive, and the sample's parts with one edited.
 */
import CFB from 'cfb';
import ExcelJS from 'exceljs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import officeCrypto from 'officecrypto-tool';
import { beforeAll, describe, expect, it } from 'vitest';
import { B4BError } from '../../src/findings/finding.js';
import { loadWorkbook } from '../../src/workbook/load-workbook.js';
import { runCommand } from '../fixtures/run-cli.js';
import { readParts, writeZip } from '../fixtures/zip.js';

let dir: string;
let plain: Buffer;
/** `plain` protected with a password, as Excel's File › Info › Protect Workbook does (encrypting takes seconds: once). */
let encrypted: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'b4b-misnamed-'));
  const workbook = new ExcelJS.Workbook();
  const commentary = workbook.addWorksheet('Commentary');
  commentary.getCell('A1').value = 'Month';
  commentary.getCell('A2').value = 'Oct-23';
  workbook.addWorksheet('B4B data set').getCell('C2').value = 'Indicator';
  plain = Buffer.from(await workbook.xlsx.writeBuffer());
  encrypted = officeCrypto.encrypt(plain, { password: 'secret' });
});

async function refusal(bytes: Buffer, file: string): Promise<string> {
  const error = await loadWorkbook(bytes, file).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof B4BError)) throw new Error(`expected a B4BError, got ${String(error)}`);
  expect(error.findings).toEqual([{ severity: 'error', code: 'unreadable-file', source: { file }, message: expect.any(String) as string }]);
  return error.findings[0]?.message ?? '';
}

async function edited(partName: string, edit: (xml: string) => string): Promise<Buffer> {
  const parts = await readParts(plain);
  return writeZip(parts.map((p) => (p.name === partName ? { name: p.name, data: Buffer.from(edit(p.data?.toString('utf8') ?? '')) } : p)));
}

describe('a file that is not a readable workbook is named for what it is', () => {
  it('a password-protected workbook says it is encrypted, not an old .xls', async () => {
    expect(await refusal(encrypted, 'protected.xlsx')).toBe(
      'the workbook is protected with a password (encrypted), so it cannot be read; open it in Excel with its password, ' +
        'remove the password (File › Info › Protect Workbook › Encrypt with Password, and clear it) and save an unprotected copy as an Excel Workbook (.xlsx)',
    );
  });

  it('a BIFF .xls says old-style .xls', async () => {
    const container = CFB.utils.cfb_new();
    CFB.utils.cfb_add(container, '/Workbook', Buffer.from([0x09, 0x08, 0x10, 0x00, 0x00, 0x06, 0x05, 0x00]));
    const xls = CFB.write(container, { type: 'buffer' }) as Buffer;
    expect(await refusal(xls, 'old.xls')).toBe('this is an old-style Excel file (.xls); open it in Excel and save it as an Excel Workbook (.xlsx)');
  });

  it('an OpenDocument spreadsheet says so, not "no sheets"', async () => {
    const ods = writeZip(
      [
        { name: 'mimetype', data: Buffer.from('application/vnd.oasis.opendocument.spreadsheet') },
        { name: 'content.xml', data: Buffer.from('<office:document-content/>') },
        { name: 'META-INF/manifest.xml', data: Buffer.from('<manifest:manifest/>') },
      ],
      { store: true },
    );
    expect(await refusal(ods, 'b4b.ods')).toBe(
      'this is an OpenDocument spreadsheet (.ods), not an Excel workbook; open it in LibreOffice Calc (or Excel) and save it as an Excel Workbook (.xlsx)',
    );
  });

  it('a bad shared-string index says damaged, naming the sheet and cell, not "perhaps truncated"', async () => {
    const bytes = await edited('xl/worksheets/sheet1.xml', (xml) => xml.replace(/(<c r="A2"[^>]*t="s"[^>]*>)<v>\d+<\/v>/, '$1<v>999999</v>'));
    const message = await refusal(bytes, 'damaged.xlsx');
    expect(message).toBe(
      "the workbook is damaged: cell A2 of the sheet 'Commentary' refers to shared text number 999999, but the workbook holds 3 (numbered from 0), " +
        'so the file was changed or written wrongly after Excel saved it; open a good copy, or open it in Excel and let Excel repair it, then save it as .xlsx',
    );
    expect(message).not.toContain('truncated');
  });

  it('two sheet names that differ only in case say so', async () => {
    const bytes = await edited('xl/workbook.xml', (xml) => xml.replace('name="B4B data set"', 'name="COMMENTARY"'));
    expect(await refusal(bytes, 'dup.xlsx')).toBe(
      'the workbook has two sheets named "Commentary" and "COMMENTARY": Excel does not allow sheet names that differ only in case, so the file was not saved by Excel; ' +
        'rename one of them (LibreOffice Calc opens such a file) and save it as an Excel Workbook (.xlsx)',
    );
  });

  it('a truncated file is still said to be incomplete', async () => {
    expect(await refusal(plain.subarray(0, Math.floor(plain.length / 2)), 'cut.xlsx')).toMatch(
      /^the file is damaged or incomplete \(perhaps truncated while copying\)/,
    );
  });

  it('through validate: the encrypted workbook, exit 1, the message on stdout', async () => {
    const file = path.join(dir, 'protected.xlsx');
    await writeFile(file, encrypted);
    const result = await runCommand(['validate', file]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('protected.xlsx: the workbook is protected with a password (encrypted)');
  });
});

describe('--month 0000-01 is a usage error, not "January 0"', () => {
  it.each(['0000-01', '0999-12', '9999-01'])('%s: exit 2 with the months accepted', async (month) => {
    const result = await runCommand(['run', '--month', month, '--report', 'performance']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`"${month}" is not a month the reports can cover; expected YYYY-MM from 1990-01 to 2100-12, e.g. 2023-10.`);
    expect(result.stderr).not.toMatch(/January 0|January 999|January 9999/);
  });
});
