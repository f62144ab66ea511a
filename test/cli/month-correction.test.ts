import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../fixtures/run-cli.js';
import { pdfText } from '../fixtures/pdf-text.js';
import { tempProject } from '../fixtures/temp-project.js';
import { typeColumnWorkbook } from '../fixtures/other-layouts.js';
import { buildWorkbook } from '../fixtures/workbooks.js';

describe('a mistyped month header, through the CLI', () => {
  it('validate exits 1 naming the cell and Jan-22; with the advised correction in config, January 2022 prints under Jan-22', async () => {
    const project = await tempProject();
    const workbook = path.join(project.root, 'mistyped.xlsx');
    await writeFile(workbook, await typeColumnWorkbook((months) => months.map((m) => (m === 'Jan-22' ? 'Jan-21' : m))));

    const refused = await runCommand(['validate', workbook, '--settings', project.settings]);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain(`mistyped.xlsx › 'Board report'!F2: header "Jan-21" breaks the run Dec-21 → Feb-22; expected Jan-22.`);

    // Follow the advice: paste the correction it gives into config/header-aliases.yaml.
    const advice = /monthCorrections: (- \{[^}]*\})/.exec(refused.stdout)?.[1];
    expect(advice).toBe(`- { sheet: Board report, cell: F2, reads: Jan-21, month: 2022-01 }`);
    const aliasesFile = path.join(project.root, 'config', 'header-aliases.yaml');
    const aliases = await readFile(aliasesFile, 'utf8');
    await writeFile(aliasesFile, aliases.replace(/^monthCorrections: \[\]$/m, `monthCorrections:\n  ${advice}`));

    const accepted = await runCommand(['validate', workbook, '--settings', project.settings]);
    expect(accepted.status, accepted.stderr).toBe(0);
    expect(accepted.stdout).toContain(
      `mistyped.xlsx › 'Board report'!F2: month header "Jan-21" read as Jan-22, as config/header-aliases.yaml (monthCorrections) declares`,
    );

    const run = await runCommand(['run', '--month', '2022-01', '--report', 'all-tables', '--workbook', workbook, '--settings', project.settings]);
    expect(run.status, run.stderr).toBe(0);
    const text = pdfText(await readFile(path.join(project.output, '2022-01', 'all-tables-2022-01.pdf'))).replace(/\s+/g, ' ');
    expect(text).toContain('Jan-22');
    // Contacts: Jan-21 .. Jan-22 window; the workbook starts at Oct-21, so the row ends "1759 1786 1597 1893".
    expect(text).toContain('1759 1786 1597 1893');
  });
});

describe('an Indicator column under a name no alias knows, through the CLI', () => {
  it('validate names the header and the config key; with the header added there as advised, the table reads', async () => {
    const project = await tempProject();
    const workbook = path.join(project.root, 'measure.xlsx');
    await writeFile(
      workbook,
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
    const refused = await runCommand(['validate', workbook, '--settings', project.settings]);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain(
      `measure.xlsx › 'B4B data set'!C1: the header "Measure" is not a known name for the Indicator column, so the table below it cannot be read; ` +
        `its column holds names such as "Number of contacts in the month". If "Measure" heads the indicators' names, add it to indicatorTables.indicator in config/header-aliases.yaml`,
    );

    // Follow the advice to the letter: add "Measure" to indicatorTables.indicator.
    const aliasesFile = path.join(project.root, 'config', 'header-aliases.yaml');
    const aliases = await readFile(aliasesFile, 'utf8');
    await writeFile(aliasesFile, aliases.replace(/^( {2}indicator: \[)/m, '$1Measure, '));
    const accepted = await runCommand(['validate', workbook, '--settings', project.settings]);
    expect(accepted.status, accepted.stderr).toBe(0);
    expect(accepted.stdout + accepted.stderr).toContain('Read 1 indicator tables with 1 indicator rows');
  });
});

describe('a project whose header aliases are in a file of its own naming', () => {
  it('the advice names that file, and pasted there as advised, the correction is read', async () => {
    // `headerAliases: config/aliases-2024.yaml` in config/b4b.yaml: advice naming config/header-aliases.yaml would send the officer to a file the run does not read.
    const project = await tempProject();
    await rename(path.join(project.root, 'config', 'header-aliases.yaml'), path.join(project.root, 'config', 'aliases-2024.yaml'));
    await writeFile(project.settings, (await readFile(project.settings, 'utf8')).replace(/^headerAliases: .*$/m, 'headerAliases: config/aliases-2024.yaml'));
    const workbook = path.join(project.root, 'mistyped.xlsx');
    await writeFile(workbook, await typeColumnWorkbook((months) => months.map((m) => (m === 'Jan-22' ? 'Jan-21' : m))));

    const refused = await runCommand(['validate', workbook, '--settings', project.settings]);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain(
      'or declare the correction in config/aliases-2024.yaml: monthCorrections: - { sheet: Board report, cell: F2, reads: Jan-21, month: 2022-01 }',
    );
    expect(refused.stdout).not.toContain('header-aliases.yaml');

    const advice = /monthCorrections: (- \{[^}]*\})/.exec(refused.stdout)?.[1] ?? '';
    const aliasesFile = path.join(project.root, 'config', 'aliases-2024.yaml');
    await writeFile(aliasesFile, (await readFile(aliasesFile, 'utf8')).replace(/^monthCorrections: \[\]$/m, `monthCorrections:\n  ${advice}`));
    const accepted = await runCommand(['validate', workbook, '--settings', project.settings]);
    expect(accepted.status, accepted.stderr).toBe(0);
    expect(accepted.stdout).toContain(
      `mistyped.xlsx › 'Board report'!F2: month header "Jan-21" read as Jan-22, as config/aliases-2024.yaml (monthCorrections) declares`,
    );
  });
});
