/**
 * `run` on a terminal (a pseudo-terminal made by script(1), as an officer's shell is): the summary says why
 * an output was not written in its row, and a failure said there whole is not said a second time under it.
 */
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { saidWhole } from '../../src/cli/run-summary.js';
import { shellWord } from '../../src/config/project.js';
import { runCommand } from '../fixtures/run-cli.js';
import { tempProject } from '../fixtures/temp-project.js';
import { tinyProject } from '../fixtures/tiny-project.js';
import { ROOT } from '../fixtures/workbooks.js';

/** The program run under script(1): its terminal 100 columns wide; the output as the terminal got it, and the exit code. */
function onTerminal(args: string[]): { status: number | null; output: string } {
  const command = `stty cols 100; exec ${[process.execPath, path.join(ROOT, 'bin', 'b4b-reports.js'), ...args].map(shellWord).join(' ')}`;
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.B4B_LOG_FORMAT;
  const result = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env });
  return { status: result.status, output: result.stdout.replace(/\r/g, '') };
}

describe('run on a terminal', () => {
  it('says a refusal once, in its row, with its advice, and exits 1', async () => {
    const project = await tinyProject();
    const args = ['run', '--month', '2023-10', '--report', 'performance', '--settings', project.settings];
    expect((await runCommand(args)).status).toBe(0);
    const again = onTerminal(args);
    expect(again.status, again.output).toBe(1);
    const file = path.join(project.output, '2023-10', 'performance-2023-10.pdf');
    const refusal = `${file} already exists; nothing was replaced. Use --force to re-run October 2023 and replace it.`;
    const said = again.output.replace(/\s+/g, ' ').split(refusal).length - 1;
    expect(said, again.output).toBe(1);
    expect(again.output).toMatch(/\n {2}report performance {2}refused\n/);
    expect(again.output).not.toContain('b4b-reports: ');
    // Followed, the advice replaces it.
    expect((await runCommand([...args, '--force'])).status).toBe(0);
  });

  it('says a failure again under the summary when its row did not say it whole (several workbook errors: the row gives the first)', () => {
    const rows = ['  report performance  failed', '      the workbook has 2 error(s); nothing was written: b.xlsx › \'S\'!A1: "x" is not', '      a number'];
    const first = 'the workbook has 2 error(s); nothing was written:\n  b.xlsx › \'S\'!A1: "x" is not a number';
    expect(saidWhole(rows, first)).toBe(true);
    expect(saidWhole(rows, `${first}\n  b.xlsx › 'S'!A2: "y" is not a number`)).toBe(false);
  });

  it(
    "points to every output's warnings in one command that, typed as printed, shows them all (not one output's run, which left the others' out)",
    { timeout: 180_000 },
    async () => {
      const project = await tempProject();
      // The month's warnings whole, as --json gives them: what the summary counts and lists a few of.
      const made = await runCommand(['run', '--month', '2023-10', '--json', '--project', project.root]);
      expect(made.status, made.stderr).toBe(0);
      // A skipped clinic's reason is said in its row, not among the warnings.
      const warnings = (JSON.parse(made.stdout) as { warnings: Array<{ message: string }> }).warnings
        .map((w) => w.message)
        .filter((w) => !/^clinic-\S+ was not produced for October 2023: /.test(w));
      expect(warnings.length).toBeGreaterThan(40);
      const again = onTerminal(['run', '--month', '2023-10', '--force', '--project', project.root]);
      expect(again.status, again.output).toBe(0);
      const header = /\nWarnings \((\d+), each said once; each output's in full:\s+"(b4b-reports history [^"]+)"\):\n/.exec(again.output);
      expect(header, again.output).not.toBeNull();
      const [, count = '', command = ''] = header ?? [];
      // The summary is still about a screenful: its pointer took no more lines than the one-run pointer did.
      const summary = again.output.slice(again.output.indexOf('October 2023: '));
      expect(summary.trimEnd().split('\n').length, summary).toBeLessThanOrEqual(30);
      // Typed as printed, in a shell, with b4b-reports on the PATH as an installed program is.
      const bin = await mkdtemp(path.join(tmpdir(), 'b4b-bin-'));
      await writeFile(
        path.join(bin, 'b4b-reports'),
        `#!/bin/sh\nexec ${shellWord(process.execPath)} ${shellWord(path.join(ROOT, 'bin', 'b4b-reports.js'))} "$@"\n`,
      );
      await chmod(path.join(bin, 'b4b-reports'), 0o755);
      const typed = spawnSync('sh', ['-c', command], {
        encoding: 'utf8',
        cwd: tmpdir(),
        env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, NO_COLOR: '1' },
      });
      expect(typed.status, `${command}\n${typed.stderr}`).toBe(0);
      // Every warning the run had is there (as the ledger keeps it: a long one cut at its length), each output's under its run.
      const shown = typed.stdout.replace(/\s+/g, ' ');
      const missing = warnings.filter((w) => !shown.includes(w.slice(0, 150).replace(/\s+/g, ' ')));
      expect(missing).toEqual([]);
      expect(Number(count)).toBe(warnings.length);
      for (const output of ['report performance', 'report finance', 'pack panel', 'pack board'])
        expect(typed.stdout).toContain(`: ${output} for Oct-23, on-demand`);
    },
  );
});
