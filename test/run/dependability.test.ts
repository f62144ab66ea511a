import { spawn } from 'node:child_process';
import { copyFile, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { RunLedger } from '../../src/run/ledger.js';
import { silentProgress } from '../../src/run/progress.js';
import { PackScheduler } from '../../src/schedule/scheduler.js';
import { runCli } from '../fixtures/run-cli.js';
import { tempProject } from '../fixtures/temp-project.js';
import { ROOT } from '../fixtures/workbooks.js';
import { sampleDataset } from '../fixtures/sample-report.js';

const BIN = path.join(ROOT, 'bin', 'b4b-reports.js');

function start(args: string[]): { done: Promise<{ status: number | null; stderr: string }>; kill: () => void } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ status: number | null; stderr: string }>((resolve) => child.on('close', (status) => resolve({ status, stderr })));
  return { done, kill: () => child.kill('SIGKILL') };
}

async function monthFiles(dir: string): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {};
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.pdf'))) out[name] = await readFile(path.join(dir, name));
  return out;
}

describe('a run killed in the middle', () => {
  it('leaves no partial PDF, and the previous pack intact', async () => {
    const project = await tempProject();
    const args = ['run', '--month', '2023-10', '--pack', 'board', '--force', '--settings', project.settings];
    expect(runCli(args).status).toBe(0);
    const monthDir = path.join(project.output, '2023-10');
    const before = await monthFiles(monthDir);
    expect(Object.keys(before).sort()).toEqual(['board-2023-10-public.pdf', 'board-2023-10-restricted.pdf']);

    const run = start(args);
    await lockHeld(project.output, 'month-2023-10');
    await new Promise((resolve) => setTimeout(resolve, 400)); // inside the ~2-3 s of rendering that follow
    run.kill();
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

/** Resolves once a run of `name` holds its lock (its owner file exists). */
async function lockHeld(output: string, name: string): Promise<void> {
  const file = path.join(output, '.locks', `${name}.run.lock`, 'owner.json');
  for (let i = 0; i < 400; i++) {
    if (
      await stat(file).then(
        () => true,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no run of ${name} took its lock`);
}

describe('two runs of one pack at once', () => {
  it('the second refuses with a clear message while the first runs; with --wait it waits its turn', async () => {
    const project = await tempProject();
    const args = ['run', '--month', '2023-10', '--pack', 'board', '--force', '--settings', project.settings];
    const first = start(args);
    await lockHeld(project.output, 'month-2023-10');
    const second = await start(args).done;
    expect(second.status).toBe(75);
    expect(second.stderr).toMatch(/another run of "month-2023-10" is in progress \(process \d+, started [^)]+\); this run was refused/);
    expect((await first.done).status).toBe(0);

    const third = start(args);
    await lockHeld(project.output, 'month-2023-10');
    const fourth = start([...args, '--wait', '120']);
    expect((await third.done).status).toBe(0);
    expect((await fourth.done).status).toBe(0);
    const ledger = await new RunLedger(project.ledger).read();
    expect(ledger.map((r) => r.outcome).sort()).toEqual(['refused', 'success', 'success', 'success']);
  });
});

describe('re-running a month', () => {
  it('refuses to replace without --force, and reports exactly the one figure that changed', async () => {
    const project = await tempProject();
    const original = path.join(project.root, 'b4b-original.xlsx');
    const changed = path.join(project.root, 'b4b-changed.xlsx');
    await copyFile(path.join(ROOT, 'data', 'b4b-sample.xlsx'), original);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(original);
    // Number of contacts in the month, October 2023, on the B4B data set sheet: 1922 becomes 1925.
    const dataset = await sampleDataset();
    const source = dataset.tables
      .find((t) => t.sheet === 'B4B data set' && t.section === 'Right service right time')
      ?.rows.find((r) => r.name === 'Number of contacts in the month')?.values['2023-10']?.source;
    const cell = workbook.getWorksheet(source?.sheet ?? '')?.getCell(source?.cell ?? '');
    expect(cell?.value).toBe(1922);
    cell!.value = 1925;
    await workbook.xlsx.writeFile(changed);

    const base = ['run', '--month', '2023-10', '--report', 'performance', '--settings', project.settings];
    expect(runCli([...base, '--workbook', original]).status).toBe(0);
    const refused = runCli([...base, '--workbook', changed]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('already exists; nothing was replaced. Use --force to re-run October 2023 and replace it.');

    const rerun = runCli([...base, '--workbook', changed, '--force']);
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain('Figures changed since the last run of October 2023: 1\n');
    expect(rerun.stderr).toContain(
      `  report performance: Number of contacts in the month, Oct-23: 1922 → 1925  at 'B4B data set'!${source?.cell} ('B4B data set' Right service right time)`,
    );
    const last = (await new RunLedger(project.ledger).read()).pop();
    expect(last?.changes).toEqual([
      {
        where: "'B4B data set' Right service right time",
        indicator: 'Number of contacts in the month',
        month: '2023-10',
        cell: `'B4B data set'!${source?.cell}`,
        old: '1922',
        new: '1925',
      },
    ]);
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
