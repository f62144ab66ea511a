import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it, vi } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';

import { RunLedger } from '../../src/run/ledger.js';
import { currentSet, NothingReplacedError, publishSet, recoverSets, replacedFilesFolder, stageSet } from '../../src/run/output-files.js';
import { silentProgress } from '../../src/run/progress.js';
import { runCommand } from '../fixtures/run-cli.js';
import { tinyProject } from '../fixtures/tiny-project.js';
import { ROOT } from '../fixtures/workbooks.js';
import { runOne, runRequest } from '../fixtures/run-request.js';

const BIN = path.join(ROOT, 'bin', 'b4b-reports.js');
const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Every file a user sees under the month's folder (links followed), by relative path, with its bytes' hash. */
async function visible(dir: string, prefix = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const relative = path.join(prefix, entry.name);
    if (entry.isDirectory()) Object.assign(out, await visible(dir, relative));
    else out[relative] = sha(await readFile(path.join(dir, relative)).catch(() => Buffer.from('(dangling)')));
  }
  return out;
}

async function stoppedState(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat.slice(stat.lastIndexOf(')') + 2).startsWith('T');
}

/** Starts a pack run and kills it (SIGKILL, or `signal`, which it handles) at `moment`, a fault point where it stopped itself (SIGSTOP). */
async function killAt(args: string[], moment: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  const env = { ...process.env, B4B_FAULT_STOP_AT: moment };
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  for (let i = 0; ; i++) {
    if (i > 2400) throw new Error(`the run never reached ${moment}: ${stderr}`);
    if (await stoppedState(child.pid!)) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  child.kill(signal);
  if (signal === 'SIGKILL') expect(await closed).toBeNull();
  else {
    child.kill('SIGCONT');
    expect(await closed).not.toBe(0);
  }
}

describe('a pack run killed with kill -9 at any moment, and a copy of its folder', () => {
  it('leaves a whole set, the old one or (once recorded and switched) the new one, and a readable ledger', { timeout: 240_000 }, async () => {
    const project = await tinyProject();
    const args = ['run', '--month', '2023-10', '--pack', 'panel', '--force', '--settings', project.settings];
    expect((await runCommand(args)).status).toBe(0);
    const monthDir = path.join(project.output, '2023-10');
    const ledger = new RunLedger(project.ledger);
    const original = await visible(monthDir);
    expect(Object.keys(original).sort()).toEqual([
      'panel-2023-10-public.pdf',
      'panel-2023-10-restricted.pdf',
      'panel-html/item-10-performance.html',
      'panel-items/public/item-10.pdf',
      'panel-items/restricted/item-10.pdf',
    ]);

    for (const moment of ['after-lock', 'producing', 'staged']) {
      await killAt(args, moment);
      expect(await visible(monthDir), `killed ${moment}: the previous set, whole`).toEqual(original);
      const { records, skipped } = await ledger.readAll();
      expect(skipped).toEqual([]);
      expect(records).toHaveLength(1); // a killed run before its record leaves none
    }

    const recorded = async (): Promise<(id: string) => boolean> => {
      const runs = await ledger.read();
      return (id) => runs.some((r) => r.outcome === 'success' && r.set?.id === id);
    };
    const isTheRecordedSet = async (): Promise<void> => {
      const last = (await ledger.read()).pop();
      expect(await currentSet(project.output, '2023-10/pack-panel')).toBe(last?.set?.id);
      const now = await visible(monthDir);
      expect(Object.keys(now).sort()).toEqual(Object.keys(original).sort());
      for (const output of last?.outputs ?? []) expect(now[path.relative(monthDir, output.path)], output.path).toBe(output.sha256);
    };

    // Killed after its record, before any file changed: the old set is still whole; the next run (or
    // serve or schedule, as they start) finishes publishing the recorded one.
    await killAt(args, 'recorded');
    expect(await visible(monthDir)).toEqual(original);
    const atRecord = (await ledger.read()).pop();
    expect(atRecord?.outcome).toBe('success');
    expect(await currentSet(project.output, '2023-10/pack-panel')).not.toBe(atRecord?.set?.id);
    expect(await recoverSets(project.output, '2023-10/', await recorded())).toEqual([
      `2023-10/pack-panel: finished publishing run ${atRecord?.id}, which was stopped or failed while its files were put in place`,
    ]);
    await isTheRecordedSet();
    expect(original['panel-2023-10-public.pdf']).not.toBe((await visible(monthDir))['panel-2023-10-public.pdf']); // a new pack (its date differs)

    // Killed while its files were put in place (one new, the rest old): finished the same way.
    const before = await visible(monthDir);
    await killAt(args, 'switching');
    const mixed = await visible(monthDir);
    expect(Object.keys(mixed).filter((f) => mixed[f] !== before[f])).toHaveLength(1);
    await recoverSets(project.output, '2023-10/', await recorded());
    await isTheRecordedSet();

    // Killed just after the switch: the whole new set, the one the ledger's last record names.
    await killAt(args, 'switched');
    await isTheRecordedSet();
    for (const name of ['panel-2023-10-public.pdf', 'panel-2023-10-restricted.pdf'])
      await expect(PDFDocument.load(await readFile(path.join(monthDir, name)))).resolves.toBeDefined();

    // The next run goes ahead (the dead runs' locks are taken over at once) and tidies their folders:
    // what stays is its own (links to the visible files) and the run it replaced, whose files are kept as they were.
    const replaced = await visible(monthDir);
    expect((await runCommand(args)).status).toBe(0);
    const [earlier, latest] = (await ledger.read()).filter((r) => r.outcome === 'success').slice(-2);
    const setFolder = path.join(project.output, '.sets', '2023-10', 'pack-panel');
    expect((await readdir(setFolder)).sort()).toEqual([earlier?.set?.id, latest?.set?.id, 'current.json'].sort());
    expect(await replacedFilesFolder(project.output, '2023-10/pack-panel', earlier?.set?.id ?? '')).toBe(path.join(setFolder, earlier?.set?.id ?? ''));
    const kept = await visible(path.join(setFolder, earlier?.set?.id ?? '', '2023-10'));
    expect(kept).toEqual(replaced);
    // The month's files are the new run's, as its record names them (its bytes may equal the replaced
    // run's: a pack made within the same second as the last has the same date).
    await isTheRecordedSet();
    const history = await runCommand(['history', '--settings', project.settings]);
    expect(history.status).toBe(0);
    expect(history.stdout.split('\n')[0]).toMatch(/pack panel +success +current/);

    // The month's files are plain files: a copy of the folder (cp -r, as to a shared drive) is whole.
    const copy = await mkdtemp(path.join(tmpdir(), 'b4b-copy-'));
    execFileSync('cp', ['-r', monthDir, copy]);
    for (const [file] of Object.entries(await visible(monthDir))) {
      expect((await lstat(path.join(monthDir, file))).isFile(), file).toBe(true);
      if (file.endsWith('.pdf')) expect(execFileSync('pdfinfo', [path.join(copy, '2023-10', file)], { encoding: 'utf8' })).toMatch(/^Pages: +\d+$/m);
    }
  });
});

describe('a run whose record cannot be written', () => {
  it('replaces nothing, and says so', async () => {
    const project = await tinyProject();
    const loaded = await loadSettings({ settingsFile: project.settings });
    const request = runRequest({ kind: 'report', name: 'performance' });
    const first = await runOne(loaded, request, silentProgress);
    const pdf = first.record.outputs[0]!.path;
    const before = await readFile(pdf);
    // The disk fills as the success record is appended (the failure record after it gets through).
    const append = vi
      .spyOn(RunLedger.prototype, 'append')
      .mockRejectedValueOnce(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
    try {
      await expect(runOne(loaded, request, silentProgress)).rejects.toThrow(
        `the run could not be recorded in the ledger ${loaded.paths.ledger} (ENOSPC: no space left on device, write); nothing was replaced`,
      );
    } finally {
      append.mockRestore();
    }
    expect((await readFile(pdf)).equals(before)).toBe(true);
    expect(await currentSet(project.output, '2023-10/report-performance')).toBe(first.record.set?.id);
    const last = (await new RunLedger(project.ledger).read()).pop();
    expect(last?.outcome).toBe('failed');
    expect(last?.set).toBeUndefined();
  });
});

describe('a run recorded whose files cannot be put in place', () => {
  it('is failed, replaces nothing, and no later run publishes its files', async () => {
    const project = await tinyProject();
    const loaded = await loadSettings({ settingsFile: project.settings });
    const request = runRequest({ kind: 'report', name: 'performance' });
    const first = await runOne(loaded, request, silentProgress);
    const [pdf, html] = first.record.outputs.map((o) => o.path) as [string, string];
    const before = await readFile(pdf);
    // The HTML twin's place is taken by a folder: the switch fails at its first file (as in a folder that cannot be written).
    await rm(html);
    await mkdir(html);
    await expect(runOne(loaded, request, silentProgress)).rejects.toThrow(/is a folder where the run writes a file/);
    const failed = (await new RunLedger(project.ledger).read()).pop();
    expect(failed?.outcome).toBe('failed');
    expect(failed?.set).toBeUndefined();
    expect((await readFile(pdf)).equals(before)).toBe(true);
    expect(await currentSet(project.output, '2023-10/report-performance')).toBe(first.record.set?.id);
    // The ledger holds the run once, as failed (its success record, written before the switch, no longer holds).
    expect((await new RunLedger(project.ledger).read()).filter((r) => r.id === failed?.id)).toHaveLength(1);
    // A later run of the month finds nothing of it to finish.
    await rm(html, { recursive: true });
    const said: string[] = [];
    const later = await runOne(loaded, request, { ...silentProgress, warn: (message: string) => void said.push(message) });
    expect(said.filter((m) => m.includes(failed?.id ?? '?'))).toEqual([]);
    expect(later.record.outcome).toBe('success');
    expect(await currentSet(project.output, '2023-10/report-performance')).toBe(later.record.set?.id);
  });
});

describe('a switch that fails at its first file, after the run was recorded', () => {
  it('changes nothing it did not, keeps its journal until the failure is recorded, and then no later run finishes it', async () => {
    const output = await mkdtemp(path.join(tmpdir(), 'b4b-switch-'));
    const pdf = path.join(output, '2023-10', 'performance-2023-10.pdf');
    const journal = path.join(output, '.sets', '2023-10', 'report-performance', 'journal.json');
    await publishSet(await stageSet(output, '2023-10/report-performance', 'run-1', [{ file: pdf, bytes: Buffer.from('old') }]));
    const staged = await stageSet(output, '2023-10/report-performance', 'run-2', [{ file: pdf, bytes: Buffer.from('new') }]);
    // Recorded (beforeSwitch: the caller writes the ledger there), then the file's place is taken: the switch fails at its first file.
    const caught = await publishSet(staged, async () => {
      await rm(pdf);
      await mkdir(pdf);
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(caught).toBeInstanceOf(NothingReplacedError);
    expect((caught as Error).message).toBe(`${pdf} is a folder where the run writes a file; move it away and run again`);
    // The journal stays until the caller has recorded the failure: a process ending before that leaves it, as its record says.
    expect((await lstat(journal)).isFile()).toBe(true);
    await (caught as NothingReplacedError).dropJournal();
    await rm(pdf, { recursive: true });
    // No later run finds anything of it to finish, whatever the ledger says.
    expect(await recoverSets(output, '2023-10/', () => true)).toEqual([]);
    expect(await lstat(pdf).catch(() => undefined)).toBeUndefined();
  });
});

describe('a run stopped (SIGTERM) while its files are put in place', () => {
  it('keeps its record, which the next run of the month carries out: the folder is never left mixed', { timeout: 120_000 }, async () => {
    const project = await tinyProject();
    const args = ['run', '--month', '2023-10', '--report', 'performance', '--force', '--settings', project.settings];
    expect((await runCommand(args)).status).toBe(0);
    await killAt(args, 'switching', 'SIGTERM');
    const records = await new RunLedger(project.ledger).read();
    const stopped = records[records.length - 1];
    // Recorded before its switch: the stop does not record it again as failed.
    expect(stopped?.outcome).toBe('success');
    expect(records.filter((r) => r.id === stopped?.id)).toHaveLength(1);
    const after = await runCommand(['run', '--month', '2023-10', '--report', 'performance', '--settings', project.settings]);
    expect(after.stderr).toContain(`finished publishing run ${stopped?.id}, which was stopped or failed while its files were put in place`);
    expect(await currentSet(project.output, '2023-10/report-performance')).toBe(stopped?.set?.id);
    const shown = await visible(path.join(project.output, '2023-10'));
    expect(Object.keys(shown).sort()).toEqual(['performance-2023-10.html', 'performance-2023-10.pdf']);
    expect(shown['performance-2023-10.pdf']).toBe(stopped?.outputs.find((o) => o.path.endsWith('.pdf'))?.sha256);
    expect(shown['performance-2023-10.html']).toBe(stopped?.outputs.find((o) => o.path.endsWith('.html'))?.sha256);
  });
});

describe('a switch that fails after its first file is in place, the run recorded', () => {
  it('says how many files are in place, keeps its record, and the next run of the month puts the rest in place', async () => {
    const project = await tinyProject();
    const loaded = await loadSettings({ settingsFile: project.settings });
    const request = runRequest({ kind: 'report', name: 'performance' });
    const first = await runOne(loaded, request, silentProgress);
    // The set's second file (the HTML twin): its place is taken by a folder once the run is recorded (after the check of places, before the switch).
    const second = first.record.outputs[1]?.path as string;
    expect(second).toMatch(/\.html$/);
    const { append } = RunLedger.prototype as { append: (this: RunLedger, record: Parameters<RunLedger['append']>[0]) => Promise<void> };
    const spy = vi.spyOn(RunLedger.prototype, 'append').mockImplementationOnce(async function (this: RunLedger, record) {
      await append.call(this, record);
      await rm(second);
      await mkdir(second);
    });
    try {
      await expect(runOne(loaded, request, silentProgress)).rejects.toThrow(
        /; the run is recorded and 1 of its 2 files are in place: the next run of October 2023 puts the rest in place$/,
      );
    } finally {
      spy.mockRestore();
    }
    const recorded = (await new RunLedger(project.ledger).read()).pop();
    expect(recorded?.outcome).toBe('success');
    // The folder moved away, the next run finishes the switch before its own work.
    await rm(second, { recursive: true });
    const said: string[] = [];
    const later = await runOne(loaded, request, { ...silentProgress, warn: (message: string) => void said.push(message) });
    expect(said.join('\n')).toContain(`finished publishing run ${recorded?.id}, which was stopped or failed while its files were put in place`);
    expect(later.record.outcome).toBe('success');
    // Whole: every file the later run's, none left of the interrupted switch.
    for (const output of later.record.outputs) expect(sha(await readFile(output.path)), output.path).toBe(output.sha256);
    expect(await currentSet(project.output, '2023-10/report-performance')).toBe(later.record.set?.id);
  });
});
