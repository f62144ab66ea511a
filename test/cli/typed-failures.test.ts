/**
 * Every failure a typed error with an exit code (issue 15, item 7, signals aside): a full disk, a
 * read-only or impossible output folder, a pack file that is not a PDF, reserved names. No stack
 * trace unless --debug. The disk cases mount a small tmpfs where the machine allows it (as root);
 * the message wording is also checked on the errors themselves, so it is tested everywhere.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, fileSystemError } from '../../src/findings/errors.js';
import { runCli, runCommand } from '../fixtures/run-cli.js';
import { tempProject, type TempProject } from '../fixtures/temp-project.js';
import { tinyProject } from '../fixtures/tiny-project.js';

const NO_STACK = /\n\s+at /;
const mounted: string[] = [];

/** Mounts a tmpfs (size in KB, read-only or not) at `dir`; false where the machine does not allow it. */
function mountTmpfs(dir: string, options: string): boolean {
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
  if (result.status === 0) mounted.push(dir);
  return result.status === 0;
}

afterAll(() => {
  for (const dir of mounted) spawnSync('umount', [dir]);
});

/** Whether this machine lets the tests mount a tmpfs (root in a container that allows it); else those two tests are skipped. */
const canMount = ((): boolean => {
  const probe = mkdtempSync(path.join(tmpdir(), 'b4b-mount-probe-'));
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', probe]).status === 0;
  if (ok) spawnSync('umount', [probe]);
  return ok;
})();

function setOutputDir(project: TempProject, value: string): Promise<void> {
  return readFile(project.settings, 'utf8').then((text) =>
    writeFile(project.settings, /^outputDir: /m.test(text) ? text.replace(/^outputDir: .*$/m, `outputDir: ${value}`) : `${text}outputDir: ${value}\n`),
  );
}

const runReport = (project: TempProject, extra: string[] = []) =>
  runCli(['run', '--report', 'performance', '--month', '2023-10', '--settings', project.settings, ...extra], { cwd: project.root });

describe('the output folder cannot be written', () => {
  it.runIf(canMount)('a full disk (a 64 KB tmpfs): exit 74, naming the output folder, no stack trace', async () => {
    const project = await tinyProject();
    await mkdir(project.output, { recursive: true });
    expect(mountTmpfs(project.output, 'size=64k')).toBe(true);
    const result = runReport(project);
    expect(result.status).toBe(EXIT.ioError);
    expect(result.stderr).toContain(
      `b4b-reports: cannot write a file in ${project.output}: the disk is full (ENOSPC). Free some space on it and run again; the last good outputs are as they were\n`,
    );
    expect(result.stderr).not.toMatch(NO_STACK);
  });

  it.runIf(canMount)('a read-only file system (a read-only tmpfs; as root chmod would not stop a write): exit 73, naming the folder', async () => {
    const project = await tinyProject();
    await mkdir(project.output, { recursive: true });
    expect(mountTmpfs(project.output, 'ro,size=64k')).toBe(true);
    const result = runReport(project);
    expect(result.status).toBe(EXIT.cantCreate);
    expect(result.stderr).toMatch(
      new RegExp(
        `b4b-reports: cannot write ${project.output.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\S+: the folder is on a read-only file system \\(EROFS\\); choose a writable folder \\(outputDir and ledger in config/b4b.yaml say where runs write\\)\n`,
      ),
    );
    expect(result.stderr).not.toMatch(NO_STACK);
  });

  it('an output folder whose parent is a file: exit 73 (works for any user, root included)', async () => {
    const project = await tinyProject();
    await writeFile(path.join(project.root, 'blocker'), 'a file where a folder should be\n');
    await setOutputDir(project, 'blocker/output');
    const result = runReport(project);
    expect(result.status).toBe(EXIT.cantCreate);
    expect(result.stderr).toMatch(
      /^b4b-reports: cannot write \S+\/blocker\/output\/\S*: a part of that path is a file, not a folder \(ENOTDIR\); choose a folder that exists or can be made/m,
    );
    expect(result.stderr).not.toMatch(NO_STACK);
  });

  it('a missing output folder is made', async () => {
    const project = await tinyProject();
    await setOutputDir(project, 'not/yet/there');
    const result = runReport(project);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(path.join('not', 'yet', 'there', '2023-10', 'performance-2023-10.pdf'));
  });

  it('says what each file-system failure means, with its exit code', () => {
    const err = (code: string, syscall: string, p?: string) => Object.assign(new Error(code), { code, syscall, ...(p ? { path: p } : {}) });
    expect(fileSystemError(err('ENOSPC', 'write'), { folder: '/srv/out' })?.message).toBe(
      'cannot write a file in /srv/out: the disk is full (ENOSPC). Free some space on it and run again; the last good outputs are as they were',
    );
    expect(fileSystemError(err('EDQUOT', 'write', '/srv/out/a.pdf'))?.exitCode).toBe(74);
    expect(fileSystemError(err('EROFS', 'mkdir', '/srv/out/2023-10'))?.exitCode).toBe(73);
    expect(fileSystemError(err('EACCES', 'rename', '/srv/out/x'))?.message).toBe(
      'cannot write /srv/out/x: permission denied (EACCES); give this user write access to the folder, or choose another (outputDir and ledger in config/b4b.yaml say where runs write)',
    );
    expect(fileSystemError(new Error('not a file-system error'))).toBeUndefined();
  });
});

describe('a pack file that is not a PDF', () => {
  it('is refused before anything is written, naming packs.yaml, the pack, the item and the file: exit 1', async () => {
    const project = await tempProject({
      edit: (file, text) =>
        file === 'config/packs.yaml'
          ? text.replace(
              '          - report: performance\n            appendix: 1',
              '          - file: data/minutes.pdf\n            title: Minutes\n          - report: performance\n            appendix: 1',
            )
          : text,
    });
    await mkdir(path.join(project.root, 'data'), { recursive: true });
    await writeFile(path.join(project.root, 'data', 'minutes.pdf'), 'These are the minutes, typed into a text file.\n');
    const result = await runCommand(['run', '--pack', 'panel', '--month', '2023-10', '--settings', project.settings], { cwd: project.root });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `b4b-reports: ${path.join(project.root, 'config', 'packs.yaml')}: packs.panel, item 10, file: data/minutes.pdf: ${path.join(project.root, 'data', 'minutes.pdf')} is not a PDF that can be included: it does not start with %PDF-; expected a PDF file\n`,
    );
    expect(result.stderr).not.toMatch(NO_STACK);
    const written = spawnSync('find', [project.output, '-name', '*.pdf'], { encoding: 'utf8' }).stdout.trim();
    expect(written).toBe('');
  });
});

describe('names that JavaScript reserves', () => {
  let project: TempProject;
  beforeAll(async () => {
    project = await tempProject();
  });

  it('--pack __proto__ and --report constructor are unknown names: exit 2', async () => {
    const pack = await runCommand(['run', '--pack', '__proto__', '--month', '2023-10', '--settings', project.settings]);
    expect(pack.status).toBe(2);
    expect(pack.stderr).toBe(`b4b-reports: there is no pack called "__proto__" in ${path.join(project.root, 'config', 'packs.yaml')} (known: panel, board)\n`);
    const report = await runCommand(['run', '--report', 'constructor', '--month', '2023-10', '--settings', project.settings]);
    expect(report.status).toBe(2);
    expect(report.stderr).toBe(
      'b4b-reports: there is no report called "constructor" in the settings (known: performance, clinic-safeguarding, clinic-pathways-through-care, finance, all-tables)\n',
    );
  });

  it('--debug adds the stack trace, and only then', () => {
    const debug = runCli(['--debug', 'run', '--pack', '__proto__', '--month', '2023-10', '--settings', project.settings]);
    expect(debug.status).toBe(2);
    expect(debug.stderr).toMatch(/^UsageError: there is no pack called "__proto__"/m);
    expect(debug.stderr).toMatch(NO_STACK);
  });

  it('a job or a pack named __proto__ in the config files is an error naming the file and line: exit 1', async () => {
    const jobs = await tempProject({
      edit: (file, text) => (file === 'config/schedule.yaml' ? text.replace('name: board-monthly', 'name: constructor') : text),
    });
    const check = await runCommand(['schedule', '--check', '--settings', jobs.settings]);
    expect(check.status).toBe(1);
    expect(check.stderr).toBe(
      `b4b-reports: ${jobs.root}/config/schedule.yaml: the schedule file does not match its schema:\n  ${jobs.root}/config/schedule.yaml:7: jobs[0].name: JavaScript reserves this name for every object; choose another\n`,
    );
    const packs = await tempProject({ edit: (file, text) => (file === 'config/packs.yaml' ? text.replace(/^ {2}board:$/m, '  __proto__:') : text) });
    const run = await runCommand(['run', '--pack', 'board', '--month', '2023-10', '--settings', packs.settings]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `^b4b-reports: ${packs.root}/config/packs.yaml: the packs file uses a reserved name:\n  ${packs.root}/config/packs.yaml:\\d+: "__proto__" \\(in packs\\) cannot be a name: JavaScript reserves it for every object; choose another name\n$`,
      ),
    );
  });
});
