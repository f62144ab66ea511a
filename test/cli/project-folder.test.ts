import { cp, mkdir, mkdtemp, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findProject } from '../../src/config/project.js';
import { loadSettings } from '../../src/config/settings.js';
import { loadPacks } from '../../src/pack/load-packs.js';
import type { RunRecord } from '../../src/run/ledger.js';
import { knownOutputs, madeAlready, outputFile } from '../../src/serve/outputs.js';
import { runCli, runCommand, type CliResult } from '../fixtures/run-cli.js';
import { pdfText } from '../fixtures/pdf-text.js';
import { ROOT } from '../fixtures/workbooks.js';

const temp = (): Promise<string> => mkdtemp(path.join(tmpdir(), 'b4b-project-folder-'));

describe('the project folder', () => {
  /** A folder holding `proj`, written by `b4b-reports init proj`. */
  let dir: string;
  /** `run --project ../proj --month 2023-10 --report performance` from a folder beside it: proj's only run. */
  let run: CliResult;
  beforeAll(async () => {
    dir = await temp();
    const init = await runCommand(['init', 'proj'], { cwd: dir });
    expect(init.status, init.stderr).toBe(0);
    expect(init.stdout).toBe(`${path.join(dir, 'proj')}\n`);
    // The advice names the folder whole, so it works from any folder.
    expect(init.stderr).toContain(
      `  b4b-reports validate --project ${path.join(dir, 'proj')}\n  b4b-reports run --project ${path.join(dir, 'proj')} --month 2023-10\n`,
    );
    const elsewhere = path.join(dir, 'elsewhere');
    await mkdir(elsewhere);
    run = await runCommand(['run', '--project', '../proj', '--month', '2023-10', '--report', 'performance'], { cwd: elsewhere });
  });

  it('init writes a project that run uses from any folder, writing only inside it', async () => {
    for (const file of [
      'config/b4b.yaml',
      'config/packs.yaml',
      'config/covering/panel-performance.yaml',
      'templates/performance.hbs',
      'data/b4b-sample.xlsx',
    ]) {
      expect((await stat(path.join(dir, 'proj', file))).isFile(), file).toBe(true);
    }
    // Run from a folder beside it (in beforeAll: the copy below is of this project and its run).
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe(`${path.join('..', 'proj', 'output', '2023-10', 'performance-2023-10.pdf')}\n`);
    const pdf = await readFile(path.join(dir, 'proj', 'output', '2023-10', 'performance-2023-10.pdf'));
    expect(pdfText(pdf, { firstPage: 1, lastPage: 1 })).toContain('Children & Learning Service Performance Report');
    const ledger = await readFile(path.join(dir, 'proj', 'output', 'runs', 'ledger.jsonl'), 'utf8');
    expect((JSON.parse(ledger.trim()) as { workbook: { path: string } }).workbook.path).toBe(path.join(dir, 'proj', 'data', 'b4b-sample.xlsx'));
  });

  it('init refuses a folder that is not empty, and --force writes into it', async () => {
    const target = await temp();
    await writeFile(path.join(target, 'notes.txt'), 'mine');
    const refused = await runCommand(['init', target]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe(
      `b4b-reports: ${target} is not empty (1 entry, e.g. notes.txt); nothing was written. Name a new or empty folder, or add --force to write the sample project over it.\n`,
    );
    expect(refused.stdout).toBe('');
    const forced = await runCommand(['init', target, '--force']);
    expect(forced.status, forced.stderr).toBe(0);
    expect(await readFile(path.join(target, 'notes.txt'), 'utf8')).toBe('mine');
    expect((await stat(path.join(target, 'config', 'b4b.yaml'))).isFile()).toBe(true);
    expect(forced.stderr).not.toContain('Replaced');
    // Over a project whose settings were edited: the edited file is kept aside, and said, before it is replaced.
    const settings = path.join(target, 'config', 'b4b.yaml');
    await writeFile(settings, `${await readFile(settings, 'utf8')}# my own settings\n`);
    const again = await runCommand(['init', target, '--force']);
    expect(again.status, again.stderr).toBe(0);
    const kept = /Replaced 1 file\(s\) of the folder that differed from the sample's \(config\/b4b\.yaml\); the old ones are kept in (\S+)\n/.exec(
      again.stderr,
    )?.[1];
    expect(kept, again.stderr).toBeDefined();
    expect(await readFile(path.join(kept ?? '', 'config', 'b4b.yaml'), 'utf8')).toContain('# my own settings');
    expect(await readFile(settings, 'utf8')).not.toContain('# my own settings');
  });

  it('is --project, else B4B_PROJECT, else the current folder when it holds config/b4b.yaml, else the nearest above, else the sample project', async () => {
    const proj = path.join(dir, 'proj');
    const other = path.join(dir, 'other');
    await cp(path.join(proj, 'config'), path.join(other, 'config'), { recursive: true });
    expect(findProject({ project: 'other', env: { B4B_PROJECT: 'proj' }, cwd: dir })).toMatchObject({ root: other, source: 'project-option' });
    expect(findProject({ env: { B4B_PROJECT: 'proj' }, cwd: dir })).toMatchObject({ root: proj, source: 'environment' });
    expect(findProject({ env: { B4B_PROJECT: proj }, cwd: other })).toMatchObject({ root: proj, source: 'environment' });
    expect(findProject({ env: {}, cwd: other })).toMatchObject({ root: other, settingsFile: path.join(other, 'config', 'b4b.yaml'), source: 'current-folder' });
    expect(findProject({ env: {}, cwd: dir })).toMatchObject({ root: ROOT, source: 'package-sample' });
    // From a folder inside a project (its data/ or output/), the nearest project above, and said so.
    await mkdir(path.join(other, 'data', 'old'), { recursive: true });
    expect(findProject({ env: {}, cwd: path.join(other, 'data', 'old') })).toMatchObject({ root: other, source: 'folder-above' });
    const inside = await runCommand(['history'], { cwd: path.join(other, 'data'), env: { B4B_PROJECT: '' } });
    expect(inside).toEqual({
      status: 0,
      stdout: `No runs recorded yet (${path.join(other, 'output', 'runs', 'ledger.jsonl')}).\n`,
      stderr: `b4b-reports: using the project folder ${other} (the nearest folder above this one with config/b4b.yaml)\n`,
    });
    expect(() => findProject({ env: { B4B_PROJECT: dir }, cwd: dir })).toThrow(
      `B4B_PROJECT names ${dir} as the project folder, but it has no config/b4b.yaml.`,
    );
    // The same through the program, as a user sets it.
    const history = await runCommand(['history'], { cwd: tmpdir(), env: { B4B_PROJECT: other } });
    expect(history).toEqual({ status: 0, stdout: `No runs recorded yet (${path.join(other, 'output', 'runs', 'ledger.jsonl')}).\n`, stderr: '' });
  });

  it('refuses a --project folder that is not a project, and its advice works', async () => {
    const missing = await runCommand(['history', '--project', 'nowhere'], { cwd: dir });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(
      `b4b-reports: --project names ${path.join(dir, 'nowhere')} as the project folder, but it does not exist. ` +
        `"b4b-reports init ${path.join(dir, 'nowhere')}" writes a project folder there (the sample workbook, config and templates).\n`,
    );
    expect((await runCommand(['init', path.join(dir, 'nowhere')])).status).toBe(0);
    expect(findProject({ project: 'nowhere', cwd: dir }).root).toBe(path.join(dir, 'nowhere'));
  });

  it('resolves every path in config against the project folder, and command-line paths against the current folder', async () => {
    const root = path.join(dir, 'moved-packs');
    await cp(path.join(dir, 'proj', 'config'), path.join(root, 'config'), { recursive: true });
    const settingsFile = path.join(root, 'config', 'b4b.yaml');
    await writeFile(settingsFile, `${await readFile(settingsFile, 'utf8')}\npacks: config/agenda-packs.yaml\n`);
    await rename(path.join(root, 'config', 'packs.yaml'), path.join(root, 'config', 'agenda-packs.yaml'));
    const loaded = await loadSettings({ project: 'moved-packs', cwd: dir, env: {}, overrides: { workbook: 'other.xlsx' } });
    expect(loaded.projectSource).toBe('project-option');
    expect(loaded.paths.packs).toBe(path.join(root, 'config', 'agenda-packs.yaml'));
    expect(loaded.paths.outputDir).toBe(path.join(root, 'output'));
    expect(loaded.paths.ledger).toBe(path.join(root, 'output', 'runs', 'ledger.jsonl'));
    expect(loaded.paths.workbook).toBe(path.join(dir, 'other.xlsx'));
    const unknownPack = await runCommand(['run', '--project', 'moved-packs', '--month', '2023-10', '--pack', 'cabinet'], { cwd: dir });
    expect(unknownPack.status).toBe(2);
    expect(unknownPack.stderr).toBe(
      `b4b-reports: there is no pack called "cabinet" in ${path.join(root, 'config', 'agenda-packs.yaml')} (known: panel, board)\n`,
    );
  });

  it("a copy of the whole folder (cp -r) reads its ledger as its own: history, the console's outputs and what a run would replace are the copy's files", async () => {
    // proj, written by init and run once (beforeAll): a copy of it, as made by cp -r.
    const original = path.join(dir, 'proj');
    expect(run.status, run.stderr).toBe(0);
    const copy = path.join(dir, 'original-copy');
    await cp(original, copy, { recursive: true });

    const [record] = (JSON.parse((await runCommand(['history', '--project', copy, '--json'])).stdout) as { runs: RunRecord[] }).runs;
    const detail = await runCommand(['history', '--project', copy, '--run', record?.id ?? '']);
    expect(detail.status, detail.stderr).toBe(0);
    const inCopy = ['performance-2023-10.pdf', 'performance-2023-10.html'].map((f) => path.join(copy, 'output', '2023-10', f));
    expect(detail.stdout).toContain(`Files (2):\n${inCopy.map((f) => `  ${f}`).join('\n')}\n`);
    // (The workbook it read is named as it was read: the original's.)
    expect(detail.stdout).not.toContain(path.join(original, 'output'));
    // In the original, whose paths are already in its output folder, they are as the run wrote them.
    expect((await runCommand(['history', '--project', original, '--run', record?.id ?? ''])).stdout).toContain(
      `  ${path.join(original, 'output', '2023-10', 'performance-2023-10.pdf')}\n`,
    );

    const loaded = await loadSettings({ project: copy, env: {} });
    const known = await knownOutputs(loaded, await loadPacks(loaded));
    expect([...known.keys()]).toEqual(['2023-10/performance-2023-10.pdf', '2023-10/performance-2023-10.html']);
    const pdf = known.get('2023-10/performance-2023-10.pdf');
    expect(pdf && (await outputFile(loaded, pdf))?.file).toBe(inCopy[0]);
    expect((await madeAlready(loaded, '2023-10', [{ kind: 'report', name: 'performance' }])).map((m) => m.files)).toEqual([
      ['2023-10/performance-2023-10.pdf', '2023-10/performance-2023-10.html'],
    ]);
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(runCli(['--version'])).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
  });
});
