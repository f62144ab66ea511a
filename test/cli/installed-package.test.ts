/**
 * The command as npm installs it (`npm pack`, then `npm install --global`): the package's files in a
 * node_modules folder. Run in a folder that is no project, a command that writes would have written
 * into that node_modules folder (npm replaces it on an update); it refuses instead, and its advice,
 * followed, writes a project of the officer's own.
 */
import { cp, mkdir, mkdtemp, readdir, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isInstalledPackage } from '../../src/config/project.js';
import { runCli } from '../fixtures/run-cli.js';
import { ROOT } from '../fixtures/workbooks.js';

/** The package's files as package.json "files" ships them, in <prefix>/lib/node_modules/b4b-reports, its dependencies beside them. */
async function installedPackage(prefix: string): Promise<string> {
  const installed = path.join(prefix, 'lib', 'node_modules', 'b4b-reports');
  for (const part of ['package.json', 'bin', path.join('dist', 'bundle'), 'config', 'templates', path.join('data', 'b4b-sample.xlsx')])
    await cp(path.join(ROOT, part), path.join(installed, part), { recursive: true, filter: (source) => path.basename(source) !== 'users.yaml' });
  await symlink(path.join(ROOT, 'node_modules'), path.join(installed, 'node_modules'));
  return installed;
}

describe('the installed command, in a folder that is no project', () => {
  let installed: string;
  let bin: string;
  let empty: string;
  beforeAll(async () => {
    const prefix = await mkdtemp(path.join(tmpdir(), 'b4b-installed-'));
    installed = await installedPackage(prefix);
    bin = path.join(installed, 'bin', 'b4b-reports.js');
    empty = path.join(prefix, 'empty');
    await mkdir(empty);
  });

  it('is told apart from a checkout', () => {
    expect(isInstalledPackage(installed)).toBe(true);
    expect(isInstalledPackage(ROOT)).toBe(false);
  });

  it(
    'refuses to run, serve, schedule or add a user into the package itself, and its advice, followed, runs the month in a project of its own',
    { timeout: 120_000 },
    async () => {
      const env = { B4B_PROJECT: '' };
      const advice =
        `b4b-reports: there is no project folder here: no --project, no B4B_PROJECT, and no config/b4b.yaml in ${empty} or a folder above it. ` +
        `"b4b-reports run" writes into its project folder, and the installed package's sample project (${installed}) is replaced when npm updates the package. ` +
        '"b4b-reports init DIR" writes a project folder of your own; then give this command --project DIR, or run it inside DIR.\n';
      const run = runCli(['run', '--month', '2023-10', '--report', 'performance'], { bin, cwd: empty, env });
      expect(run).toEqual({ status: 2, stdout: '', stderr: advice });
      for (const [args, command] of [
        [['serve', '--port', '0'], 'serve'],
        [['schedule'], 'schedule'],
        [['user', 'add', 'olivia', '--role', 'officer'], 'user add'],
      ] as const) {
        const refused = runCli([...args], { bin, cwd: empty, env: { ...env, B4B_USER_PASSWORD: 'a long enough password' } });
        expect(refused.status, refused.stderr).toBe(2);
        expect(refused.stderr).toContain(`"b4b-reports ${command}" writes into its project folder`);
      }
      // Nothing was written inside the package.
      expect((await readdir(installed)).sort()).toEqual(['bin', 'config', 'data', 'dist', 'node_modules', 'package.json', 'templates']);
      // Looking is still allowed: the sample project, said so.
      const history = runCli(['history'], { bin, cwd: empty, env });
      expect(history.status, history.stderr).toBe(0);
      expect(history.stderr).toContain(`using the package's sample project in ${installed}`);

      // The advice, followed as printed.
      const init = runCli(['init', 'proj'], { bin, cwd: empty, env });
      expect(init.status, init.stderr).toBe(0);
      const again = runCli(['run', '--month', '2023-10', '--report', 'performance', '--project', 'proj'], { bin, cwd: empty, env });
      expect(again.status, again.stderr).toBe(0);
      expect(again.stdout).toBe(`${path.join('proj', 'output', '2023-10', 'performance-2023-10.pdf')}\n`);
      expect((await stat(path.join(empty, 'proj', 'output', '2023-10', 'performance-2023-10.pdf'))).isFile()).toBe(true);
      const inside = runCli(['history'], { bin, cwd: path.join(empty, 'proj'), env });
      expect(inside.status, inside.stderr).toBe(0);
      expect(inside.stdout).toMatch(/Oct-23 {2}report performance {2}success/);
    },
  );
});
