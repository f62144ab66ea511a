import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../fixtures/run-cli.js';
import { pdfText } from '../fixtures/pdf-text.js';
import { tempProject } from '../fixtures/temp-project.js';
import { ownerColumnsWorkbook, OWNER_COLUMNS_LAYOUT, typeColumnWorkbook, TYPE_COLUMN_LAYOUT } from '../fixtures/other-layouts.js';

/** How the report prints a cell of the fixtures: counts as typed without separators, points as "N%". */
function printed(value: number | string | undefined, percent: boolean): string {
  if (typeof value === 'string') return value.replace(/,/g, '');
  return percent ? `${value}%` : String(value);
}

describe('run --report all-tables: a correct report from a workbook no template was written for', () => {
  it('prints every row of the 2017-18 layout with its 13 figures and the 2018/19 target, with no change of config', async () => {
    const project = await tempProject();
    const workbook = path.join(project.root, 'older-2018.xlsx');
    await writeFile(workbook, await ownerColumnsWorkbook());
    const result = await runCommand(['run', '--month', '2018-10', '--report', 'all-tables', '--workbook', workbook, '--settings', project.settings]);
    expect(result.status, result.stderr).toBe(0);
    const text = pdfText(await readFile(path.join(project.output, '2018-10', 'all-tables-2018-10.pdf'))).replace(/\s+/g, ' ');
    for (const table of OWNER_COLUMNS_LAYOUT.tables) {
      expect(text).toContain(table.section);
      for (const row of table.rows) {
        const percent = typeof row.values[0] === 'string';
        const figures = row.values.map((v) => printed(v, percent)).join(' ');
        const target = printed(row.targets[1], percent);
        expect(text, row.name).toContain(`${figures} ${target}`);
      }
    }
    expect(text).not.toContain('Oct-18 Monthly dataset');
  });

  it('prints every row of the 2021-22 layout, "Local" benchmarks as Local', async () => {
    const project = await tempProject();
    const workbook = path.join(project.root, 'older-2022.xlsx');
    await writeFile(workbook, await typeColumnWorkbook());
    const result = await runCommand(['run', '--month', '2022-10', '--report', 'all-tables', '--workbook', workbook, '--settings', project.settings]);
    expect(result.status, result.stderr).toBe(0);
    const text = pdfText(await readFile(path.join(project.output, '2022-10', 'all-tables-2022-10.pdf'))).replace(/\s+/g, ' ');
    for (const row of TYPE_COLUMN_LAYOUT.rows) {
      const percent = row.type === 'PERCENTAGE';
      expect(text, row.name).toContain(row.values.map((v) => printed(v, percent)).join(' '));
    }
    expect(text).toContain('Local Local Local Local');
  });
});
