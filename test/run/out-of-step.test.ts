/**
 * A month re-run in part: an officer corrects a figure and makes the performance report again alone.
 * The packs made before print the old figure; the run says so, names them, and its advice, followed,
 * brings the month in line.
 */
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/run/ledger.js';
import { runCommand } from '../fixtures/run-cli.js';
import { tinyProject } from '../fixtures/tiny-project.js';

describe('a report made again alone, after a figure changed', () => {
  it('names the outputs of the month that still print the old figure, and the command that brings them in line', { timeout: 180_000 }, async () => {
    // The tiny project (one table of the sample's first two indicators, October's referrals 277 as the sample's), in a
    // month of its performance report and the panel pack alone: the board pack takes no part here (the sample's whole
    // month is run in month-run.test.ts), so the advice, followed, makes again the month of these two. Out of step is
    // the same code path whatever the workbook's size: a figure the ledger's records of the month printed differently.
    const project = await tinyProject({
      edit: (file, text) => (file === 'config/packs.yaml' ? text.replace(/^ {2}board:\n[\s\S]*$/m, '') : text),
    });
    const workbook = path.join(project.root, 'B4B October.xlsx');
    await copyFile(project.workbook, workbook);
    const settings = ['--settings', project.settings, '--workbook', workbook];
    expect((await runCommand(['run', '--month', '2023-10', '--pack', 'panel', ...settings])).status).toBe(0);
    expect((await runCommand(['run', '--month', '2023-10', '--report', 'performance', ...settings])).status).toBe(0);

    // October's referrals corrected from 277 to 281; the report alone made again.
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(workbook);
    book.getWorksheet('B4B data set')!.getCell('P4').value = 281;
    await book.xlsx.writeFile(workbook);
    const text = await runCommand(['run', '--month', '2023-10', '--report', 'performance', '--force', ...settings]);
    expect(text.status, text.stderr).toBe(0);
    const advice = `b4b-reports run --settings ${project.settings} --month 2023-10 --workbook '${workbook}' --force`;
    expect(text.stderr).toContain(`\nNot made again, and now out of step with this run: pack panel; "${advice}" makes the whole month again:\n`);
    expect(text.stderr).toContain(
      "\n  pack panel prints 277 for Number of referrals into statutory service in the month, Oct-23 at 'B4B data set'!P4, where this run printed 281\n",
    );

    // Corrected again, to 283: --json says the same.
    book.getWorksheet('B4B data set')!.getCell('P4').value = 283;
    await book.xlsx.writeFile(workbook);
    const again = await runCommand(['run', '--month', '2023-10', '--report', 'performance', '--force', ...settings, '--json']);
    expect(again.status, again.stderr).toBe(0);
    const json = JSON.parse(again.stdout) as { outOfStep: Array<{ kind: string; name: string; changes: Array<{ cell: string; old: string; new: string }> }> };
    // What the panel pack prints against what this run printed.
    expect(json.outOfStep.map((o) => [o.kind, o.name, o.changes.map((c) => [c.cell, c.old, c.new])])).toEqual([
      ['pack', 'panel', [["'B4B data set'!P4", '277', '283']]],
    ]);

    // Followed as printed (the shell reads the quoted path): the month is made again, and is in line.
    const followed = await runCommand(
      advice
        .replace(/^b4b-reports /, '')
        .match(/'[^']*'|\S+/g)!
        .map((w) => w.replace(/^'|'$/g, '')),
    );
    expect(followed.status, followed.stderr).toBe(0);
    // The panel pack was made again from the corrected workbook: its figure went from 277 to 283.
    const { runs } = JSON.parse((await runCommand(['history', '--json', '--settings', project.settings])).stdout) as { runs: RunRecord[] };
    const panel = runs.find((r) => r.target.name === 'panel');
    expect(panel?.changes?.filter((c) => c.cell === "'B4B data set'!P4" && !c.what).map((c) => `${c.old} → ${c.new}`)).toEqual(['277 → 283']);
  });
});
