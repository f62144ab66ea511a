/**
 * `run --workbook FILE` advises commands about what it found in FILE (the latest month with a clinic's
 * team rows): followed as printed, they read FILE too, not the configured workbook, which may lack
 * that month or not be there at all.
 */
import { copyFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { adviceFor } from '../../src/cli/advice.js';
import { runCommand } from '../fixtures/run-cli.js';
import { tempProject } from '../fixtures/temp-project.js';
import { ROOT } from '../fixtures/workbooks.js';

describe('advice of a run given --workbook', () => {
  it('adds the workbook to a "b4b-reports run" it advises, once, and leaves other commands alone', () => {
    const advise = adviceFor({ project: '/srv/b4b' }, { workbook: '/data/Oct 23.xlsx' });
    expect(advise('"b4b-reports run --month 2023-07 --report clinic-safeguarding" produces it')).toBe(
      `"b4b-reports run --project /srv/b4b --month 2023-07 --report clinic-safeguarding --workbook '/data/Oct 23.xlsx'" produces it`,
    );
    expect(advise('"b4b-reports run --month 2023-10 --workbook /x.xlsx --force" makes it')).toBe(
      '"b4b-reports run --project /srv/b4b --month 2023-10 --workbook /x.xlsx --force" makes it',
    );
    expect(advise('"b4b-reports history --run abc" lists them')).toBe('"b4b-reports history --project /srv/b4b --run abc" lists them');
  });

  it("a skipped clinic's advice, followed as printed, produces it from the workbook the run read", { timeout: 240_000 }, async () => {
    // The configured workbook is not there: only the one given on the command line is. The month's reports are the
    // two clinics alone, and no pack: a month run skips a clinic, and advises its run, whatever else the month
    // makes (the sample's whole month is run in month-run.test.ts).
    const project = await tempProject({
      workbook: 'data/not-there.xlsx',
      edit: (file, text) =>
        file === 'config/b4b.yaml' ? text.replace(/^ {2}(performance|finance):\n(?: {4}.*\n)+/gm, '') : file === 'config/packs.yaml' ? 'packs: {}\n' : text,
    });
    const given = path.join(project.root, 'october.xlsx');
    await copyFile(path.join(ROOT, 'data', 'b4b-sample.xlsx'), given);
    const run = await runCommand(['run', '--month', '2023-10', '--workbook', given, '--settings', project.settings, '--json']);
    const result = JSON.parse(run.stdout) as { outputs: Array<{ name: string; status: string; reason?: string }> };
    expect(result.outputs.map((o) => [o.name, o.status])).toEqual([
      ['clinic-safeguarding', 'skipped'],
      ['clinic-pathways-through-care', 'skipped'],
    ]);
    const clinic = result.outputs.find((o) => o.name === 'clinic-safeguarding');
    expect(clinic?.status, run.stderr).toBe('skipped');
    const advised = /"b4b-reports (run [^"]+)"/.exec(clinic?.reason ?? '')?.[1] ?? '';
    expect(advised).toBe(`run --settings ${project.settings} --month 2023-07 --report clinic-safeguarding --workbook ${given}`);
    // History says the recorded advice the same way: the run read that workbook, not the configured one.
    const id = (JSON.parse(run.stdout) as { outputs: Array<{ name: string; run: string }> }).outputs.find((o) => o.name === 'clinic-safeguarding')?.run ?? '';
    expect((await runCommand(['history', '--run', id, '--settings', project.settings])).stdout).toContain(`"b4b-reports ${advised}"`);
    const followed = await runCommand(advised.split(' '));
    expect(followed.status, followed.stderr).toBe(0);
    expect((await stat(path.join(project.output, '2023-07', 'clinic-safeguarding-2023-07.pdf'))).isFile()).toBe(true);
  });
});
