import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunLedger } from '../../src/run/ledger.js';
import { runCli } from '../fixtures/run-cli.js';
import { tempProject } from '../fixtures/temp-project.js';
import { tinyProject } from '../fixtures/tiny-project.js';
import { ROOT } from '../fixtures/workbooks.js';

/**
 * Starts a run, sends `signal` while it is making its documents (held there by B4B_FAULT_HOLD_AT, so
 * the signal always finds it at work, however quick the machine), and returns its exit code and stderr.
 */
async function stopWhileBuilding(args: string[], signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string }> {
  // As a service runs it: stderr not a terminal, so JSON lines.
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'b4b-reports.js'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, B4B_LOG_FORMAT: 'json', B4B_FAULT_HOLD_AT: 'producing' },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  for (let i = 0; !stderr.includes('held at producing'); i++) {
    if (i > 2400) throw new Error(`the run never reached its documents: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  child.kill(signal);
  return { code: await closed, stderr };
}

describe('SIGTERM and SIGINT during a run', () => {
  it('stop it: exit 143 or 130, the run recorded as stopped, the last good outputs unchanged', { timeout: 240_000 }, async () => {
    const project = await tinyProject();
    const pack = ['run', '--month', '2023-10', '--pack', 'board', '--force', '--settings', project.settings];
    expect(runCli(pack).status).toBe(0);
    const file = path.join(project.output, '2023-10', 'board-2023-10-public.pdf');
    const before = await readFile(file);

    const term = await stopWhileBuilding(pack, 'SIGTERM');
    expect(term.code).toBe(143);
    expect(term.stderr).toContain('"level":"error","message":"the run was stopped by SIGTERM before it finished; the last good outputs are unchanged"');
    expect((await readFile(file)).equals(before)).toBe(true);

    const int = await stopWhileBuilding(['run', '--month', '2023-10', '--report', 'performance', '--settings', project.settings], 'SIGINT');
    expect(int.code).toBe(130);

    const records = await new RunLedger(project.ledger).read();
    expect(records.map((r) => [r.target.name, r.outcome, r.error ?? ''])).toEqual([
      ['board', 'success', ''],
      ['board', 'failed', 'the run was stopped by SIGTERM before it finished; the last good outputs are unchanged'],
      ['performance', 'failed', 'the run was stopped by SIGINT before it finished; the last good outputs are unchanged'],
    ]);
    // Nothing of the stopped runs was published, and the next run goes ahead at once.
    expect(runCli(['run', '--month', '2023-10', '--report', 'performance', '--settings', project.settings]).status).toBe(0);
  });

  it('a whole month stopped while producing records the clinics it had skipped as skipped, the rest as stopped', { timeout: 240_000 }, async () => {
    const project = await tempProject();
    const stopped = await stopWhileBuilding(['run', '--month', '2023-10', '--settings', project.settings], 'SIGINT');
    expect(stopped.code).toBe(130);
    const records = await new RunLedger(project.ledger).read();
    const outcomes = Object.fromEntries(records.map((r) => [r.target.name, r.outcome]));
    expect(outcomes).toEqual({
      'clinic-safeguarding': 'skipped',
      'clinic-pathways-through-care': 'skipped',
      performance: 'failed',
      finance: 'failed',
      panel: 'failed',
      board: 'failed',
    });
    expect(records.find((r) => r.target.name === 'clinic-safeguarding')?.warnings?.[0]).toContain('clinic-safeguarding was not produced for October 2023');
  });
});

describe('a whole month stopped after one of its outputs was published', () => {
  it('says which outputs hold the new figures and that the rest do not, and how to bring them in line', { timeout: 240_000 }, async () => {
    // The tiny project's month (its performance report, then the panel and board packs of it): the stop, its
    // message and its advice are the same whatever the month's outputs are (the sample's whole month is run in month-run.test.ts).
    const project = await tinyProject();
    // The run stops itself (SIGSTOP) once its first set is switched into place: the performance report.
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'b4b-reports.js'), 'run', '--month', '2023-10', '--settings', project.settings], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, B4B_LOG_FORMAT: 'json', B4B_FAULT_STOP_AT: 'switched' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    for (let i = 0; ; i++) {
      if (i > 4800) throw new Error(`the run never published a set: ${stderr}`);
      const stat = await readFile(`/proc/${child.pid}/stat`, 'utf8').catch(() => '');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('T')) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    child.kill('SIGTERM');
    child.kill('SIGCONT');
    expect(await closed).toBe(143);
    expect(stderr).toContain(
      '"the run was stopped by SIGTERM before it finished: report performance was published with the new figures, and the other outputs were not (their last good files are unchanged), ' +
        `so the month's outputs may disagree; \\"b4b-reports run --settings ${project.settings} --month 2023-10 --force\\" brings them in line"`,
    );
    const records = await new RunLedger(project.ledger).read();
    expect(records.find((r) => r.target.name === 'performance')?.outcome).toBe('success');
    expect(records.find((r) => r.target.name === 'board')?.outcome).toBe('failed');
    // The advice, followed, brings the month in line.
    expect(runCli(['run', '--settings', project.settings, '--month', '2023-10', '--force']).status).toBe(0);
  });
});
