/**
 * Bounded input (issue 15, item 1): a pathological workbook costs seconds and bounded memory, never
 * the process. Archives are made part by part (test/fixtures/zip.ts) so each test shows what it feeds.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatFindingGroups } from '../../src/cli/print-findings.js';
import { DEFAULT_LIMITS } from '../../src/config/limits.js';
import { buildDataset } from '../../src/dataset/build-dataset.js';
import { B4BError, formatFinding, type Finding } from '../../src/findings/finding.js';
import { readWorkbookFile } from '../../src/workbook/read-workbook-file.js';
import { loadWorkbook } from '../../src/workbook/load-workbook.js';
import { runCli, runCommand } from '../fixtures/run-cli.js';
import { tempProject } from '../fixtures/temp-project.js';
import { buildWorkbook, header, projectConfig } from '../fixtures/workbooks.js';
import { sampleParts, writeZip, zipBombWorkbook, type ZipPart } from '../fixtures/zip.js';

let dir: string;
let parts: ZipPart[];
/** 20 MB of spaces, deflated to about 20 KB. */
let spaces20mb: { bytes: Buffer; uncompressedSize: number };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'b4b-bounded-'));
  parts = await sampleParts();
  const data = Buffer.alloc(20 * 1024 * 1024, 0x20);
  spaces20mb = { bytes: zlib.deflateRawSync(data, { level: 9 }), uncompressedSize: data.length };
});

async function refusal(bytes: Buffer, name: string): Promise<B4BError> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  const { aliases, catalogue } = await projectConfig();
  const error = await readWorkbookFile(file, aliases, catalogue).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof B4BError)) throw new Error(`expected a B4BError, got ${String(error)}`);
  return error;
}

describe('the archive is checked before exceljs parses anything', () => {
  it('refuses a 1.35 MB workbook whose sheet XML unpacks to 450 MB, naming the file and the part, in a process with a 200 MB heap', async () => {
    const bomb = await zipBombWorkbook(450);
    expect(bomb.byteLength).toBeGreaterThan(1.2 * 1024 * 1024);
    expect(bomb.byteLength).toBeLessThan(1.5 * 1024 * 1024);
    const file = path.join(dir, 'bomb.xlsx');
    await writeFile(file, bomb);
    // Were the sheet inflated, exceljs would need gigabytes: a 200 MB heap would end the process (exit 134).
    const result = runCli(['validate', file], { nodeArgs: ['--max-old-space-size=200'], timeoutMs: 30_000 });
    expect(result.signal).toBeUndefined();
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      'bomb.xlsx: the sheet part xl/worksheets/sheet1.xml unpacks to 450 MB (from 1.3 MB); a part may unpack to at most 32 MB (maxPartBytes, limits in config/b4b.yaml), so the workbook is not read',
    );
    expect(result.stdout).toContain('Input too large (1)');
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('refuses a part that expands more than 200 times, under the size limit', async () => {
    const error = await refusal(
      writeZip(parts.map((p) => (p.name === 'xl/worksheets/sheet1.xml' ? { name: p.name, deflated: { ...spaces20mb, crc32: 0 } } : p))),
      'ratio.xlsx',
    );
    expect(error.message).toMatch(
      /^ratio\.xlsx: the sheet part xl\/worksheets\/sheet1\.xml unpacks to 20 MB from [\d.]+ KB, [\d,]+ times its packed size; a workbook's parts expand at most 200 times \(maxCompressionRatio, limits in config\/b4b\.yaml\), so the workbook is not read$/,
    );
    expect(error.findings.map((f) => f.code)).toEqual(['input-too-large']);
  });

  it('refuses a part that holds more than its directory entry declares (a forged size), at the declared size', async () => {
    const real = Buffer.from('<row/>'.repeat(400_000)); // 2.4 MB
    const forged = { bytes: zlib.deflateRawSync(real), uncompressedSize: 1000, crc32: zlib.crc32(real) };
    const error = await refusal(writeZip(parts.map((p) => (p.name === 'xl/worksheets/sheet1.xml' ? { name: p.name, deflated: forged } : p))), 'forged.xlsx');
    expect(error.message).toBe(
      'forged.xlsx: the sheet part xl/worksheets/sheet1.xml holds more than the 1,000 bytes its directory entry declares (a forged or damaged archive), so the workbook is not read',
    );
  });

  it('refuses an archive of 3,000 parts', async () => {
    const many = [...parts, ...Array.from({ length: 3000 - parts.length }, (_, i) => ({ name: `xl/media/pad${i}.bin`, data: Buffer.from('x') }))];
    const error = await refusal(writeZip(many), 'many.xlsx');
    expect(error.message).toBe(
      'many.xlsx: the archive holds 3,000 parts; a workbook has at most 2,000 (maxEntries, limits in config/b4b.yaml), so it is not read',
    );
  });

  it('reads the sample rebuilt part by part (the check passes a real workbook)', async () => {
    const file = path.join(dir, 'rebuilt.xlsx');
    await writeFile(file, writeZip(parts));
    const { aliases, catalogue } = await projectConfig();
    const checked = await readWorkbookFile(file, aliases, catalogue);
    expect(checked.dataset.tables.length).toBeGreaterThan(10);
    expect(checked.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});

describe('anything that is not a regular file is refused before it is read, never a hang', () => {
  const validate = (file: string) => runCli(['validate', file], { timeoutMs: 20_000 });

  it('a folder', async () => {
    const folder = path.join(dir, 'a-folder.xlsx');
    await mkdir(folder, { recursive: true });
    const result = validate(folder);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      '\n    a-folder.xlsx: cannot read the workbook: this is a folder, not a workbook; expected an Excel workbook file (.xlsx)\n',
    );
  });

  it('a named pipe (FIFO) that no one writes to', () => {
    const fifo = path.join(dir, 'pipe.xlsx');
    execFileSync('mkfifo', [fifo]);
    const result = validate(fifo);
    expect(result.signal).toBeUndefined();
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      '\n    pipe.xlsx: cannot read the workbook: this is a named pipe (FIFO), not a workbook file; expected an Excel workbook file (.xlsx)\n',
    );
  });

  it('/dev/zero', () => {
    const result = validate('/dev/zero');
    expect(result.signal).toBeUndefined();
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      '\n    zero: cannot read the workbook: this is a device (such as /dev/zero), not a workbook file; expected an Excel workbook file (.xlsx)\n',
    );
  });

  it('a file over maxFileBytes', async () => {
    const file = path.join(dir, 'big.xlsx');
    await writeFile(file, Buffer.alloc(2048));
    const { aliases, catalogue } = await projectConfig();
    await expect(readWorkbookFile(file, aliases, catalogue, { ...DEFAULT_LIMITS, maxFileBytes: 1024 })).rejects.toThrow(
      `${file}: cannot read the workbook: the file is 2 KB; a workbook may be at most 1 KB (maxFileBytes, limits in config/b4b.yaml)`,
    );
  });
});

describe('text, rows and findings are capped', () => {
  it("cuts a cell's text at maxCellText with a warning naming the cell", async () => {
    const { aliases, catalogue } = await projectConfig();
    const long = 'Referrals rose. '.repeat(5000); // 80,000 characters
    const bytes = await buildWorkbook([
      { name: 'B4B data set', rows: [header(), [undefined, undefined, 'Number of contacts in the month', 1, 2, 3, 4, 5, 6]] },
      {
        name: 'Commentary',
        rows: [
          ['Month', 'Report', 'Section', 'Kind', 'Text'],
          ['2023-06', 'performance', 'right-support', 'progress-analysis', long],
        ],
      },
    ]);
    const checked = buildDataset(await loadWorkbook(bytes, 'long.xlsx'), aliases, catalogue);
    const cut = checked.findings.filter((f) => f.code === 'text-too-long').map(formatFinding);
    expect(cut).toEqual([
      "long.xlsx › 'Commentary'!E2: the cell holds 80,000 characters of text; only the first 32,767 are read (maxCellText, limits in config/b4b.yaml); expected at most 32,767, the most an Excel cell holds",
    ]);
    const text = checked.dataset.commentary[0]?.text ?? '';
    expect(text.length).toBeLessThanOrEqual(32_767 + 2);
    expect(text.endsWith(' …')).toBe(true);
  });

  it('stops a table at maxRowsPerTable with an error naming the first row not read', async () => {
    const { aliases, catalogue } = await projectConfig();
    const rows = Array.from({ length: 30 }, (_, i) => [undefined, undefined, `Number of measure ${i}`, 1, 2, 3, 4, 5, 6]);
    const bytes = await buildWorkbook([{ name: 'B4B data set', rows: [header(), ...rows] }]);
    const checked = buildDataset(await loadWorkbook(bytes, 'rows.xlsx'), aliases, catalogue, new Date(), { ...DEFAULT_LIMITS, maxRowsPerTable: 20 });
    expect(checked.findings.filter((f) => f.code === 'too-many-rows').map(formatFinding)).toEqual([
      "rows.xlsx › 'B4B data set'!C22: the table headed at C1 runs on past 20 rows, so its rows from here on are not read (maxRowsPerTable, limits in config/b4b.yaml); expected a blank row at the end of each table",
    ]);
    expect(checked.dataset.tables[0]?.rows).toHaveLength(20);
  });

  it('prints at most maxFindingsPerKind findings of a kind, then "… and N more"', () => {
    const findings: Finding[] = Array.from({ length: 1254 }, (_, i) => ({
      severity: 'warning',
      code: 'not-in-catalogue',
      source: { file: 'w.xlsx', sheet: 'Data', cell: `C${i + 2}` },
      message: `indicator ${i} is not in the catalogue`,
    }));
    const lines = formatFindingGroups(findings, 'Warnings', 50).split('\n');
    expect(lines[0]).toBe('Warnings (1,254):');
    expect(lines[1]).toBe('  Indicator not in the catalogue (1,254)');
    expect(lines).toHaveLength(2 + 50 + 1);
    expect(lines[51]).toBe("    w.xlsx › 'Data'!C51: indicator 49 is not in the catalogue");
    expect(lines[52]).toBe('    … and 1,204 more');
  });

  it('validate and run print "… and N more" for a workbook with 300 problems of one kind', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => [undefined, undefined, `Number of measure ${i}`, 1, 2, `${i}a`, 4, 5, 6]);
    const file = path.join(dir, 'many-errors.xlsx');
    await writeFile(file, await buildWorkbook([{ name: 'B4B data set', rows: [header(), ...rows] }]));
    const validate = await runCommand(['validate', file]);
    expect(validate.status).toBe(1);
    expect(validate.stdout).toContain('  Not a number (300)\n');
    expect(validate.stdout).toContain('    … and 250 more\n');
    const project = await tempProject({ workbook: file });
    const run = await runCommand(['run', '--report', 'all-tables', '--month', '2023-06', '--settings', project.settings]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('b4b-reports: the workbook has 300 error(s); nothing was written:\n');
    expect(run.stderr).toContain('\n  … and 250 more\n');
  });
});
