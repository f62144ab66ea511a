import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it, vi } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';

import { RunLedger } from '../../src/run/ledger.js';
import { currentSet } from '../../src/run/output-writer.js';
import { silentProgress } from '../../src/run/progress.js';
import { runCli } from '../fixtures/run-cli.js';
import { tempProject } from '../fixtures/temp-project.js';
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

/** Starts a pack run and kills it (SIGKILL) at `moment`: a fault point, or mid-render (while the pack is laid out). */
async function killAt(args: string[], moment: string): Promise<void> {
  const env = { ...process.env, ...(moment === 'mid-render' ? {} : { B4B_FAULT_STOP_AT: moment }) };
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  for (let i = 0; ; i++) {
    if (i > 2400) throw new Error(`the run never reached ${moment}: ${stderr}`);
    if (moment === 'mid-render' ? stderr.includes('pack panel: laying out') : await stoppedState(child.pid!)) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  if (moment === 'mid-render') await new Promise((resolve) => setTimeout(resolve, 300));
  child.kill('SIGKILL');
  expect(await closed).toBeNull();
}

describe('a pack run killed with kill -9 at any moment', () => {
  it('leaves a whole set, the old one or (once recorded and switched) the new one, and a readable ledger', { timeout: 240_000 }, async () => {
    const project = await tempProject();
    const args = ['run', '--month', '2023-10', '--pack', 'panel', '--force', '--settings', project.settings];
    expect(runCli(args).status).toBe(0);
    const monthDir = path.join(project.output, '2023-10');
    const ledger = new RunLedger(project.ledger);
    const original = await visible(monthDir);
    expect(Object.keys(original).sort()).toEqual([
      'panel-2023-10-public.pdf',
      'panel-2023-10-restricted.pdf',
      'panel-html/item-10-covering-report.html',
      'panel-html/item-10-glossary.html',
      'panel-html/item-10-performance.html',
      'panel-items/public/item-10.pdf',
      'panel-items/restricted/item-10.pdf',
    ]);

    for (const moment of ['after-lock', 'mid-render', 'staged']) {
      await killAt(args, moment);
      expect(await visible(monthDir), `killed ${moment}: the previous set, whole`).toEqual(original);
      const { records, skipped } = await ledger.readAll();
      expect(skipped).toEqual([]);
      expect(records).toHaveLength(1); // a killed run before its record leaves none
    }

    // Killed after its record, before the switch: the old set is still whole and current.
    await killAt(args, 'recorded');
    expect(await visible(monthDir)).toEqual(original);
    const recorded = (await ledger.read()).pop();
    expect(recorded?.outcome).toBe('success');
    expect(await currentSet(project.output, '2023-10/pack-panel')).not.toBe(recorded?.set?.id);

    // Killed just after the switch: the whole new set, the one the ledger's last record names.
    await killAt(args, 'switched');
    const last = (await ledger.read()).pop();
    expect(await currentSet(project.output, '2023-10/pack-panel')).toBe(last?.set?.id);
    const now = await visible(monthDir);
    expect(Object.keys(now).sort()).toEqual(Object.keys(original).sort());
    for (const output of last?.outputs ?? []) expect(now[path.relative(monthDir, output.path)]).toBe(output.sha256);
    expect(now['panel-2023-10-public.pdf']).not.toBe(original['panel-2023-10-public.pdf']); // a new pack (its date differs)
    for (const name of ['panel-2023-10-public.pdf', 'panel-2023-10-restricted.pdf'])
      await expect(PDFDocument.load(await readFile(path.join(monthDir, name)))).resolves.toBeDefined();

    // The next run goes ahead (the dead runs' locks are taken over at once) and tidies their folders.
    expect(runCli(args).status).toBe(0);
    const sets = await readdir(path.join(project.output, '.sets', '2023-10', 'pack-panel'));
    expect(sets.filter((s) => s !== 'current')).toHaveLength(sets.length - 1);
    const history = runCli(['history', '--settings', project.settings]);
    expect(history.status).toBe(0);
    expect(history.stdout.split('\n')[0]).toMatch(/success .* 7 files\s+current/);
  });
});

describe('a run whose record cannot be written', () => {
  it('replaces nothing, and says so', async () => {
    const project = await tempProject();
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
