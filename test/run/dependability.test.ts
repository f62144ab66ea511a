import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { RunLedger } from '../../src/run/ledger.js';
import { silentProgress } from '../../src/run/progress.js';
import { PackScheduler } from '../../src/schedule/scheduler.js';
import { runCommand } from '../fixtures/run-cli.js';
import { tempProject } from '../fixtures/temp-project.js';
import { ROOT } from '../fixtures/workbooks.js';
import { tinyProject, tinyWorkbook, TINY_CONTACTS_OCTOBER } from '../fixtures/tiny-project.js';

const BIN = path.join(ROOT, 'bin', 'b4b-reports.js');

/** Starts a run; `hold` keeps it at its documents, holding the month's lock, until it is signalled. */
function start(
  args: string[],
  options: { hold?: boolean } = {},
): { pid: number; done: Promise<{ status: number | null; stderr: string }>; signal: (name: NodeJS.Signals) => void } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...(options.hold ? { B4B_FAULT_HOLD_AT: 'producing' } : {}) },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ status: number | null; stderr: string }>((resolve) => child.on('close', (status) => resolve({ status, stderr })));
  return { pid: child.pid ?? 0, done, signal: (name) => child.kill(name) };
}

async function monthFiles(dir: string): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {};
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.pdf'))) out[name] = await readFile(path.join(dir, name));
  return out;
}

describe('a run killed in the middle', () => {
  it('leaves no partial PDF, and the previous pack intact', async () => {
    const project = await tinyProject();
    const args = ['run', '--month', '2023-10', '--pack', 'board', '--force', '--settings', project.settings];
    expect((await runCommand(args)).status).toBe(0);
    const monthDir = path.join(project.output, '2023-10');
    const before = await monthFiles(monthDir);
    expect(Object.keys(before).sort()).toEqual(['board-2023-10-public.pdf', 'board-2023-10-restricted.pdf']);

    // Killed while it makes its documents (held there, so the kill always finds it at work).
    const run = start(args, { hold: true });
    await lockHeld(project.output, 'month-2023-10', run.pid);
    run.signal('SIGKILL');
    const { status } = await run.done;
    expect(status).toBeNull(); // killed, not finished

    const after = await monthFiles(monthDir);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const [name, bytes] of Object.entries(after)) {
      expect(bytes.equals(before[name]!), `${name} unchanged`).toBe(true);
      await expect(PDFDocument.load(bytes)).resolves.toBeDefined();
    }
    expect((await readdir(monthDir)).filter((n) => !n.endsWith('.pdf') && n !== 'board-items' && n !== 'board-html')).toEqual([]);
  });
});

/** Resolves once the process `pid` holds the lock `name` (its owner file names it: a stopped run's may still be there). */
async function lockHeld(output: string, name: string, pid: number): Promise<void> {
  const file = path.join(output, '.locks', `${name}.run.lock`, 'owner.json');
  for (let i = 0; i < 2400; i++) {
    const owner = await readFile(file, 'utf8').then(
      (text) => JSON.parse(text) as { pid?: number },
      () => undefined,
    );
    if (owner?.pid === pid) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`process ${pid} never took the lock ${name}`);
}

describe('two runs of one month at once', () => {
  it('the second refuses with a clear message while the first runs; with --wait it waits its turn', async () => {
    const project = await tinyProject();
    const args = ['run', '--month', '2023-10', '--pack', 'board', '--force', '--settings', project.settings];
    // The first holds the month's lock (held at its documents) while the second starts.
    const first = start(args, { hold: true });
    await lockHeld(project.output, 'month-2023-10', first.pid);
    const second = await start(args).done;
    expect(second.status).toBe(75);
    expect(second.stderr).toMatch(/another run of "month-2023-10" is in progress \(process \d+, started [^)]+\); this run was refused/);
    first.signal('SIGTERM');
    expect((await first.done).status).toBe(143);

    // With --wait, a run waits while another holds the lock, then goes ahead.
    const third = start(args, { hold: true });
    await lockHeld(project.output, 'month-2023-10', third.pid);
    const fourth = start([...args, '--wait', '120']);
    // Still waiting: the third holds the lock and nothing has been recorded for the fourth.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await new RunLedger(project.ledger).read()).map((r) => r.outcome)).toEqual(['refused', 'failed']);
    third.signal('SIGTERM');
    expect((await third.done).status).toBe(143);
    expect((await fourth.done).status).toBe(0);
    const ledger = await new RunLedger(project.ledger).read();
    expect(ledger.map((r) => r.outcome)).toEqual(['refused', 'failed', 'failed', 'success']);
  });
});

describe('re-running a month', () => {
  it('refuses to replace without --force, and reports exactly the one figure that changed', async () => {
    const project = await tinyProject();
    const original = project.workbook;
    const changed = path.join(project.root, 'b4b-changed.xlsx');
    // Number of contacts in the month, October 2023: 1922 becomes 1925.
    await writeFile(changed, await tinyWorkbook(1925));
    const cell = TINY_CONTACTS_OCTOBER.cell;

    const base = ['run', '--month', '2023-10', '--report', 'performance', '--settings', project.settings];
    expect((await runCommand([...base, '--workbook', original])).status).toBe(0);
    const refused = await runCommand([...base, '--workbook', changed]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('already exists; nothing was replaced. Use --force to re-run October 2023 and replace it.');

    const rerun = await runCommand([...base, '--workbook', changed, '--force']);
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain('Figures changed since the last run of October 2023: 1\n');
    expect(rerun.stderr).toContain(
      `  report performance: Number of contacts in the month, Oct-23: 1922 → 1925  at 'B4B data set'!${cell} ('B4B data set' Right service right time)`,
    );
    const last = (await new RunLedger(project.ledger).read()).pop();
    expect(last?.changes).toEqual([
      {
        where: "'B4B data set' Right service right time",
        indicator: 'Number of contacts in the month',
        month: '2023-10',
        cell: `'B4B data set'!${cell}`,
        old: '1922',
        new: '1925',
      },
    ]);
    // Nothing it replaced is lost: the first run's files are kept where the summary says, as they were.
    const kept = /The files this run replaced are kept, until the month is made again, in (\S+)/.exec(rerun.stderr)?.[1] ?? '';
    const first = (await new RunLedger(project.ledger).read()).find((r) => r.outcome === 'success');
    expect(kept).toContain(first?.id);
    const pdf = first?.outputs.find((o) => o.path.endsWith('.pdf'));
    const keptPdf = await readFile(path.resolve(ROOT, kept, '2023-10', path.basename(pdf?.path ?? '')));
    expect(createHash('sha256').update(keptPdf).digest('hex')).toBe(pdf?.sha256);
  });
});

describe('a scheduled run missed while the scheduler was down', () => {
  it('runs once at start, and not again once the ledger has it', async () => {
    const project = await tempProject();
    const stateFile = path.join(project.output, 'runs', 'scheduler-state.json');
    const ran: string[] = [];
    const ledgerSlots = new Set<string>();
    const make = (now: string): PackScheduler =>
      new PackScheduler(
        { timezone: 'Europe/London', jobs: [{ name: 'board-monthly', pack: 'board', cron: '0 7 10 * *', deliver: { public: [], restricted: [] } }] },
        {
          now: () => new Date(now),
          run: async (job, slot, month) => {
            ran.push(`${job.name} ${slot} ${month}`);
            ledgerSlots.add(slot);
          },
          hasRun: async (_job, slot) => ledgerSlots.has(slot),
          progress: silentProgress,
          stateFile,
        },
      );
    // Alive on 9 November, down over the 10th, back on the 11th.
    const first = make('2023-11-09T12:00:00Z');
    await first.start();
    await first.stop();
    await make('2023-11-11T09:00:00Z').catchUp();
    expect(ran).toEqual(['board-monthly 2023-11-10T07:00 2023-10']);
    await make('2023-11-11T09:05:00Z').catchUp();
    expect(ran).toHaveLength(1);
  });
});
