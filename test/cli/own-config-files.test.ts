/**
 * A project whose catalogue, team measures and delivery settings are in files of its own naming
 * (catalogue:, teamMeasures: and delivery: in config/b4b.yaml): the advice names those files, not the
 * defaults, and followed there it works. Advice naming config/indicators.yaml would send the officer to
 * a file the run does not read.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../fixtures/run-cli.js';
import { tempProject, type TempProject } from '../fixtures/temp-project.js';
import { buildWorkbook, header } from '../fixtures/workbooks.js';

/** Renames a config file of the project and points its setting in config/b4b.yaml at the new name. */
async function renameConfig(project: TempProject, setting: string, from: string, to: string): Promise<string> {
  await rename(path.join(project.root, 'config', from), path.join(project.root, 'config', to));
  const text = await readFile(project.settings, 'utf8');
  const line = `${setting}: config/${to}`;
  const pattern = new RegExp(`^${setting}: .*$`, 'm');
  await writeFile(project.settings, pattern.test(text) ? text.replace(pattern, line) : `${text.trimEnd()}\n${line}\n`);
  return path.join(project.root, 'config', to);
}

async function editFile(file: string, edit: (text: string) => string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const edited = edit(text);
  expect(edited).not.toBe(text);
  await writeFile(file, edited);
}

describe("a project's own config file names, in the advice", () => {
  it('the indicator catalogue: a missing entry names the project\'s catalogue, and "catalogue draft" pasted there, as advised, is read', async () => {
    const project = await tempProject();
    const catalogue = await renameConfig(project, 'catalogue', 'indicators.yaml', 'catalogue-2024.yaml');
    const workbook = path.join(project.root, 'new.xlsx');
    await writeFile(
      workbook,
      await buildWorkbook([{ name: 'B4B data set', rows: [header(), [undefined, undefined, 'Number of widgets counted', 11, 12, 13, 14, 15, 160, 20]] }]),
    );

    const before = await runCommand(['validate', workbook, '--settings', project.settings]);
    expect(before.stdout).toContain('"Number of widgets counted" has no entry in the indicator catalogue (config/catalogue-2024.yaml)');
    expect(before.stdout).toContain('(the factor is plausibility.jumpFactor in config/catalogue-2024.yaml)');
    expect(before.stdout + before.stderr).not.toContain('indicators.yaml');

    const draft = await runCommand(['catalogue', 'draft', workbook, '--settings', project.settings]);
    expect(draft.status, draft.stderr).toBe(0);
    expect(draft.stderr).toContain('then paste under "indicators:" in config/catalogue-2024.yaml:');
    const entries = draft.stdout.replace(/^/gm, '  ').trimEnd();
    await editFile(catalogue, (text) => text.replace(/^indicators:\n/m, `indicators:\n${entries}\n`));

    const after = await runCommand(['validate', workbook, '--settings', project.settings]);
    expect(after.stdout + after.stderr).not.toContain('has no entry in the indicator catalogue');
  });

  it("the team measures: a measure the template names and the file lacks names the project's file, and defined there, the clinic is written", async () => {
    const project = await tempProject();
    const measures = await renameConfig(project, 'teamMeasures', 'team-measures.yaml', 'clinic-measures.yaml');
    const original = await readFile(measures, 'utf8');
    const entry = /^ {2}- code: cin-supervision\n(?: {4}.*\n)+/m.exec(original)?.[0] ?? '';
    expect(entry).not.toBe('');
    await editFile(measures, (text) => text.replace(entry, ''));

    const refused = await runCommand(['run', '--month', '2023-07', '--report', 'clinic-safeguarding', '--settings', project.settings]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('the template names the team measure "cin-supervision", which config/clinic-measures.yaml does not define');
    expect(refused.stderr).not.toContain('team-measures.yaml');

    await writeFile(measures, original);
    const written = await runCommand(['run', '--month', '2023-07', '--report', 'clinic-safeguarding', '--settings', project.settings]);
    expect(written.status, written.stderr).toBe(0);
  });

  it("the delivery lists: a pack addressed to a list the file lacks names the project's file, and defined there, the schedule checks", async () => {
    const project = await tempProject();
    const delivery = await renameConfig(project, 'delivery', 'delivery.yaml', 'mail-2024.yaml');
    const original = await readFile(delivery, 'utf8');
    await editFile(delivery, (text) => text.replace(/^ {2}panel-members:\n(?: {4}.*\n)+/m, ''));

    const refused = await runCommand(['schedule', '--check', '--settings', project.settings]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      'the public panel pack is addressed to the list "panel-members", which config/mail-2024.yaml does not define; nothing was sent',
    );

    await writeFile(delivery, original);
    const checked = await runCommand(['schedule', '--check', '--settings', project.settings]);
    expect(checked.stderr).not.toContain('does not define');
    expect(checked.status, checked.stderr).toBe(0);
  });
});
