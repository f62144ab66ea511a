import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { layOut, startLayoutThreads, stopLayoutThreads } from '../../src/layout/layout-threads.js';
import { madeUpReport } from '../fixtures/made-up-layout.js';
import { pdfText } from '../fixtures/pdf-text.js';
import { runCommand } from '../fixtures/run-cli.js';
import { tempProject, type TempProject } from '../fixtures/temp-project.js';
import { tinyProject } from '../fixtures/tiny-project.js';
import { ROOT } from '../fixtures/workbooks.js';

/** Parses stdout as exactly one JSON object (JSON.parse refuses anything after it). */
function onlyJson(stdout: string): Record<string, unknown> {
  const value = JSON.parse(stdout) as unknown;
  expect(typeof value === 'object' && value !== null && !Array.isArray(value)).toBe(true);
  return value as Record<string, unknown>;
}

describe('command-line conventions', () => {
  let project: TempProject;
  beforeAll(async () => {
    project = await tempProject();
  });

  it('--help documents every exit code once, for every command', async () => {
    const help = await runCommand(['--help']);
    expect(help.status).toBe(0);
    for (const line of ['  0   success', '  1   problems found', '  2   wrong usage', '  70  internal failure', '  75  busy'])
      expect(help.stdout).toContain(line);
  });

  const projectHelp =
    'The project folder is --project DIR, else $B4B_PROJECT, else this folder when it holds config/b4b.yaml, else the nearest folder above it that does';
  it.each([
    [[], 'Every command prints its results on stdout and its diagnostics (progress, warnings, errors) on stderr.'],
    [['init'], 'Edit DIR/config/b4b.yaml to read your own workbook; every path in it is relative to DIR.'],
    ...[['validate'], ['run'], ['history'], ['schedule'], ['serve'], ['catalogue', 'draft'], ['user', 'add'], ['user', 'list'], ['user', 'remove']].map(
      (command) => [command, projectHelp],
    ),
  ])('%j --help fits 80 columns (piped, as on an 80-column terminal), its text whole: no word is broken', async (command, text) => {
    const help = await runCommand([...command, '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout.split('\n').filter((l) => l.length > 80)).toEqual([]);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain(text);
    // An option whose help says "see below" has something below.
    if (help.stdout.includes('see below')) expect(help.stdout.replace(/\s+/g, ' ')).toContain(projectHelp);
  });

  it.each([
    ['abc', '"abc" is not a whole number of runs, 1 or more.'],
    ['0', '"0" is not a whole number of runs, 1 or more.'],
    ['-5', '"-5" is not a whole number of runs, 1 or more.'],
  ])('history --limit %s is a usage error (exit 2), as text and as one JSON object', async (limit, message) => {
    const text = await runCommand(['history', `--limit=${limit}`, '--settings', project.settings]);
    expect(text.status).toBe(2);
    expect(text.stdout).toBe('');
    expect(text.stderr).toContain(`error: option '--limit <n>' argument '${limit}' is invalid. ${message}`);
    const json = await runCommand(['history', '--json', `--limit=${limit}`, '--settings', project.settings]);
    expect(json.status).toBe(2);
    expect(onlyJson(json.stdout)).toEqual({
      ok: false,
      error: { code: 'usage', exitCode: 2, message: `option '--limit <n>' argument '${limit}' is invalid. ${message}` },
    });
  });

  it('validate --json on a missing workbook prints one JSON object with an error code, and advice that works', async () => {
    const missing = path.join(project.root, 'missing.xlsx');
    const result = await runCommand(['validate', missing, '--json', '--settings', project.settings]);
    expect(result.status).toBe(1);
    const json = onlyJson(result.stdout);
    expect(json).toMatchObject({
      ok: false,
      error: {
        code: 'unreadable-file',
        exitCode: 1,
        message:
          `${missing}: cannot read the workbook: no such file; ${project.root} holds no .xlsx file. ` +
          // Named on the command line: the settings file is not where to put it right.
          'Put the workbook there, or name the right file in the command you typed',
      },
      errors: [{ code: 'unreadable-file', source: { file: missing } }],
    });
    // The advice followed: with the workbook put there, it is read.
    await copyFile(path.join(ROOT, 'data', 'b4b-sample.xlsx'), missing);
    expect((await runCommand(['validate', missing, '--json', '--settings', project.settings])).status).toBe(0);
  });

  it('a missing workbook typed as a bare name names its folder by its whole path, not "."', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'b4b-typed-'));
    const result = await runCommand(['validate', 'nosuch.xlsx', '--settings', project.settings], { cwd: folder });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`nosuch.xlsx: cannot read the workbook: no such file; ${folder} holds no .xlsx file. Put the workbook there,`);
    // A run given --workbook says the same, naming the command rather than the settings file.
    const run = await runCommand(['run', '--month', '2023-10', '--report', 'performance', '--workbook', 'nosuch.xlsx', '--settings', project.settings], {
      cwd: folder,
    });
    // (Once, in a fresh clone's suite, this run ended by a signal (status null) that no rerun has shown again: say which, and what it printed.)
    expect(run.status, `signal ${run.signal ?? 'none'}; stderr: ${run.stderr}`).toBe(1);
    expect(run.stderr).toContain(`${folder} holds no .xlsx file. Put the workbook there, or name the right file in the command you typed`);
    // Followed: the workbook put in that folder is read.
    await copyFile(path.join(ROOT, 'data', 'b4b-sample.xlsx'), path.join(folder, 'nosuch.xlsx'));
    expect((await runCommand(['validate', 'nosuch.xlsx', '--settings', project.settings], { cwd: folder })).status).toBe(0);
  });

  it('missing settings under --json: one JSON object with the config code; as text, the message on stderr', async () => {
    const settings = path.join(project.root, 'config', 'nowhere.yaml');
    const json = await runCommand(['validate', '--json', '--settings', settings]);
    expect(json.status).toBe(1);
    expect(onlyJson(json.stdout)).toEqual({
      ok: false,
      error: { code: 'config', exitCode: 1, message: `${settings}: cannot read the settings file: no such file` },
    });
    const text = await runCommand(['history', '--settings', settings]);
    expect(text).toEqual({ status: 1, stdout: '', stderr: `b4b-reports: ${settings}: cannot read the settings file: no such file\n` });
  });

  it('--json prints one JSON object on every command that prints, and piped diagnostics are JSON lines and nothing else', async () => {
    const settings = ['--settings', project.settings];
    expect(onlyJson((await runCommand(['catalogue', 'draft', '--json', ...settings])).stdout)).toMatchObject({ ok: true, drafts: [] });
    expect(onlyJson((await runCommand(['user', 'list', '--json', ...settings])).stdout)).toMatchObject({ ok: true, users: [] });
    expect(onlyJson((await runCommand(['history', '--json', ...settings])).stdout)).toMatchObject({ ok: true });
    // A run that fails (no figures for the month) is one object too, with each output and the error.
    const run = await runCommand(['run', '--month', '2024-02', '--report', 'performance', '--json', ...settings], { env: { B4B_LOG_FORMAT: 'json' } });
    expect(run.status).toBe(1);
    expect(onlyJson(run.stdout)).toMatchObject({
      ok: false,
      month: '2024-02',
      outputs: [{ kind: 'report', name: 'performance', status: 'failed' }],
      error: { code: 'workbook', exitCode: 1 },
    });
    const lines = run.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines)
      expect(JSON.parse(line)).toMatchObject({ level: expect.stringMatching(/^(info|warn|error)$/) as unknown, message: expect.any(String) as unknown });
  });

  /** Piped stderr holding exactly one line, a JSON line: its object. */
  const onlyJsonLine = (stderr: string): unknown => {
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    return JSON.parse(lines[0] ?? '');
  };

  it('piped, the note of which project folder was found is a JSON line too', async () => {
    // From a folder inside the project: the nearest folder above is the project, and the command says so.
    const history = await runCommand(['history'], { cwd: path.join(project.root, 'templates'), env: { B4B_LOG_FORMAT: 'json', B4B_PROJECT: '' } });
    expect(history.status, history.stderr).toBe(0);
    expect(onlyJsonLine(history.stderr)).toMatchObject({
      level: 'info',
      message: `using the project folder ${project.root} (the nearest folder above this one with config/b4b.yaml)`,
    });
  });

  it("piped, catalogue draft's note (nothing to draft) and history's of damaged ledger lines are JSON lines too", async () => {
    const draft = await runCommand(['catalogue', 'draft', '--settings', project.settings], { env: { B4B_LOG_FORMAT: 'json' } });
    expect(draft.status, draft.stderr).toBe(0);
    expect(onlyJsonLine(draft.stderr)).toMatchObject({
      level: 'info',
      message: expect.stringContaining('is in the catalogue already; nothing to draft') as unknown,
    });
    const damaged = await tempProject();
    await mkdir(path.dirname(damaged.ledger), { recursive: true });
    await writeFile(damaged.ledger, 'null\n');
    const history = await runCommand(['history', '--settings', damaged.settings], { env: { B4B_LOG_FORMAT: 'json' } });
    expect(history.status, history.stderr).toBe(0);
    expect(onlyJsonLine(history.stderr)).toMatchObject({
      level: 'warn',
      message: expect.stringContaining('the run ledger has 1 damaged line(s), skipped') as unknown,
    });
  });

  it('an unknown option under --json is one JSON object too', async () => {
    const result = await runCommand(['validate', '--json', '--frobnicate']);
    expect(result.status).toBe(2);
    expect(onlyJson(result.stdout)).toEqual({ ok: false, error: { code: 'usage', exitCode: 2, message: "unknown option '--frobnicate'" } });
  });

  it('run refuses --report with --pack, and a negative --wait, before reading anything', async () => {
    const both = await runCommand(['run', '--month', '2023-10', '--report', 'performance', '--pack', 'board', '--settings', project.settings]);
    expect(both.status).toBe(2);
    expect(both.stderr).toContain("error: option '--report <name>' cannot be used with option '--pack <name>'");
    const wait = await runCommand(['run', '--month', '2023-10', '--report', 'performance', '--wait', '-1', '--settings', project.settings]);
    expect(wait.status).toBe(2);
    expect(wait.stderr).toContain(`error: option '--wait <seconds>' argument '-1' is invalid. "-1" is not a number of seconds (0 or more).`);
  });

  it("refuses pack page numbers in a report's settings, and its advice (remove the key) works", async () => {
    // The tiny project (its performance report of one table and one chart): the refusal is of the settings, and the
    // report followed is numbered from Page 1 whatever it prints.
    const tiny = await tinyProject();
    const settings = await readFile(tiny.settings, 'utf8');
    const lines = settings.split('\n');
    const at = lines.findIndex((l) => /^ {4}title: Tiny performance report$/.test(l));
    lines.splice(at + 1, 0, '    firstPage: 117');
    await writeFile(tiny.settings, lines.join('\n'));
    try {
      const refused = await runCommand(['run', '--month', '2023-10', '--report', 'performance', '--settings', tiny.settings]);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain(
        `${tiny.settings}:${at + 2}: reports.performance.firstPage: a stand-alone report is numbered from Page 1 with no agenda stamp, so "firstPage" is no longer read here; remove it (a pack's agenda item, appendix and first page are set in config/packs.yaml)`,
      );
    } finally {
      await writeFile(tiny.settings, settings);
    }
    const followed = await runCommand(['run', '--month', '2023-10', '--report', 'performance', '--settings', tiny.settings]);
    expect(followed.status, followed.stderr).toBe(0);
    const pdf = await readFile(path.join(tiny.output, '2023-10', 'performance-2023-10.pdf'));
    const first = pdfText(pdf, { firstPage: 1, lastPage: 1 });
    expect(first).toMatch(/Page 1\s*$/);
    expect(first).not.toContain('Agenda Item');
  });

  it('a packs.yaml that does not match its schema names the file, the line and the field', async () => {
    const packs = path.join(project.root, 'config', 'packs.yaml');
    const text = await readFile(packs, 'utf8');
    const lines = text.split('\n');
    const firstPage = lines.findIndex((l) => /^\s+firstPage: 115$/.test(l));
    lines[firstPage] = lines[firstPage]!.replace('115', '116');
    await writeFile(packs, lines.join('\n'));
    try {
      const result = await runCommand(['run', '--month', '2023-10', '--pack', 'panel', '--settings', project.settings]);
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        `b4b-reports: ${packs}: the packs file does not match its schema:\n` +
          `  ${packs}:${firstPage + 1}: packs.panel.firstPage: firstPage must be odd: every item starts on an odd page\n`,
      );
      expect(result.stdout).toBe('');
    } finally {
      await writeFile(packs, text);
    }
  });

  /** Each line of piped stderr, parsed: every one must be a JSON object with a level and a message. */
  const jsonLines = (stderr: string): Array<Record<string, unknown>> =>
    stderr
      .trim()
      .split('\n')
      .map((line) => {
        const value = JSON.parse(line) as Record<string, unknown>;
        expect(value).toMatchObject({ level: expect.stringMatching(/^(info|warn|error)$/) as unknown, message: expect.any(String) as unknown });
        return value;
      });

  it("piped, init's advice is a JSON line, with the commands it advises as its `next`; on a terminal it is the lines it always was", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'b4b-init-'));
    const piped = await runCommand(['init', path.join(dir, 'piped')], { env: { B4B_LOG_FORMAT: 'json' } });
    expect(piped.status, piped.stderr).toBe(0);
    expect(jsonLines(piped.stderr)).toEqual([
      expect.objectContaining({
        level: 'info',
        next: [`b4b-reports validate --project ${path.join(dir, 'piped')}`, `b4b-reports run --project ${path.join(dir, 'piped')} --month 2023-10`],
      }),
    ]);
    // --force over a project whose settings were edited: the note of what was kept aside is a JSON line too.
    await writeFile(path.join(dir, 'piped', 'config', 'b4b.yaml'), '# edited\n');
    const again = await runCommand(['init', path.join(dir, 'piped'), '--force'], { env: { B4B_LOG_FORMAT: 'json' } });
    expect(again.status, again.stderr).toBe(0);
    expect(jsonLines(again.stderr).map((l) => l.message)).toEqual([
      expect.stringMatching(/^Replaced 1 file\(s\) of the folder that differed from the sample's \(config\/b4b\.yaml\)/),
      expect.stringMatching(/^Wrote a project folder in /),
    ]);
    const text = await runCommand(['init', path.join(dir, 'text')]);
    expect(text.stderr).toBe(
      `Wrote a project folder in ${path.join(dir, 'text')}: config/, templates/ and data/b4b-sample.xlsx. Next, from any folder:\n` +
        `  b4b-reports validate --project ${path.join(dir, 'text')}\n  b4b-reports run --project ${path.join(dir, 'text')} --month 2023-10\n`,
    );
  });

  it('piped, a run held at a fault point (B4B_FAULT_HOLD_AT) says so in a JSON line', { timeout: 120_000 }, async () => {
    const own = await tinyProject();
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'bin', 'b4b-reports.js'), 'run', '--month', '2023-10', '--report', 'performance', '--settings', own.settings],
      {
        cwd: ROOT,
        env: { ...process.env, B4B_LOG_FORMAT: 'json', B4B_FAULT_HOLD_AT: 'producing' },
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const closed = new Promise((resolve) => child.on('close', resolve));
    for (let i = 0; !stderr.includes('held at producing') && i < 2400; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill('SIGKILL');
    await closed;
    expect(jsonLines(stderr).filter((l) => String(l.message).includes('held at'))).toEqual([
      expect.objectContaining({ level: 'info', message: 'held at producing (B4B_FAULT_HOLD_AT)' }),
    ]);
  });

  it('piped, the note that the layout thread stopped (documents laid out in the main thread) is a JSON line', { timeout: 60_000 }, async () => {
    await stopLayoutThreads();
    const dir = await mkdtemp(path.join(tmpdir(), 'b4b-layout-thread-'));
    const broken = path.join(dir, 'broken-layout-thread.mjs');
    await writeFile(broken, "throw new Error('pdfmake is missing (made up for this test)');\n");
    const said: string[] = [];
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((text) => said.push(String(text)) > 0);
    vi.stubEnv('B4B_LOG_FORMAT', 'json');
    try {
      startLayoutThreads({ module: pathToFileURL(broken) });
      await layOut(madeUpReport());
      expect(jsonLines(said.join(''))).toEqual([
        expect.objectContaining({ level: 'warn', message: expect.stringMatching(/^the layout thread stopped \(.*pdfmake is missing/) as unknown }),
      ]);
    } finally {
      vi.unstubAllEnvs();
      stderr.mockRestore();
      await stopLayoutThreads();
    }
  });
});
