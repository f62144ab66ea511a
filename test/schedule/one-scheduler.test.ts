import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ScheduleSettings } from '../../src/config/delivery.js';
import { loadSettings } from '../../src/config/settings.js';
import type { RunRequest } from '../../src/run/run.js';
import { runOne } from '../fixtures/run-request.js';
import { RunLedger } from '../../src/run/ledger.js';
import { createProgress, silentProgress } from '../../src/run/progress.js';
import { localTime, PackScheduler, ScheduleError } from '../../src/schedule/scheduler.js';
import { runCli } from '../fixtures/run-cli.js';
import { tempProject } from '../fixtures/temp-project.js';
import { ROOT } from '../fixtures/workbooks.js';

const EVERY_MINUTE: ScheduleSettings = {
  timezone: 'Europe/London',
  jobs: [{ name: 'minutely', pack: 'board', cron: '* * * * *', deliver: { public: [], restricted: [] } }],
};

afterEach(() => {
  vi.useRealTimers();
});

/** A progress that writes JSON lines into an array, as `schedule` does to a log. */
function jsonLog(): { progress: ReturnType<typeof createProgress>; lines: string[] } {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (text: string) => lines.push(...text.split('\n').filter(Boolean)) } as unknown as NodeJS.WriteStream;
  return { progress: createProgress(stream, true), lines };
}

describe('a slot that fires late', () => {
  it('runs once, late, logged as a JSON line; slots missed while alive (a sleep) each run once', async () => {
    vi.useFakeTimers({ now: new Date('2026-12-01T10:00:30Z'), toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const ran: string[] = [];
    const done = new Set<string>();
    const { progress, lines } = jsonLog();
    const scheduler = new PackScheduler(EVERY_MINUTE, {
      now: () => new Date(),
      run: async (_job, slot) => {
        ran.push(`${slot} at ${new Date().toISOString().slice(11, 19)}`);
        done.add(slot);
      },
      hasRun: async (_job, slot) => done.has(slot),
      progress,
    });
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(30_000); // 10:01:00, on time
    await vi.advanceTimersByTimeAsync(50_000); // 10:01:50
    // The process is paused for 15 s across 10:02 (its timers fire late, as after SIGSTOP/SIGCONT).
    vi.setSystemTime(new Date('2026-12-01T10:02:05Z'));
    await vi.advanceTimersByTimeAsync(10_000);
    // The machine sleeps from 10:02:15 to 10:05:40: 10:03, 10:04 and 10:05 are missed while alive; the
    // scheduler notices at its next look at the clock (at most 30 s on), by when 10:06 is due too.
    vi.setSystemTime(new Date('2026-12-01T10:05:40Z'));
    await vi.advanceTimersByTimeAsync(30_000);
    await scheduler.stop();
    expect(ran).toEqual([
      '2026-12-01T10:01 at 10:01:00',
      '2026-12-01T10:02 at 10:02:15',
      '2026-12-01T10:03 at 10:06:10',
      '2026-12-01T10:04 at 10:06:10',
      '2026-12-01T10:05 at 10:06:10',
      '2026-12-01T10:06 at 10:06:10',
    ]);
    const records = lines.map((l) => JSON.parse(l) as { level: string; message: string; late?: boolean; lateMs?: number });
    expect(records.map((r) => r.message)).toEqual([
      'minutely: running the 2026-12-01T10:01 slot: the board pack for 2026-11',
      'minutely: the 2026-12-01T10:02 slot fired 15.0 s late; running it now: the board pack for 2026-11',
      'minutely: the 2026-12-01T10:03 slot fired 190.0 s late; running it now: the board pack for 2026-11',
      'minutely: the 2026-12-01T10:04 slot fired 130.0 s late; running it now: the board pack for 2026-11',
      'minutely: the 2026-12-01T10:05 slot fired 70.0 s late; running it now: the board pack for 2026-11',
      'minutely: the 2026-12-01T10:06 slot fired 10.0 s late; running it now: the board pack for 2026-11',
    ]);
    expect(records.map((r) => [r.level, r.late, r.lateMs])).toEqual([
      ['info', false, 0],
      ['warn', true, 15_000],
      ['warn', true, 190_000],
      ['warn', true, 130_000],
      ['warn', true, 70_000],
      ['warn', true, 10_000],
    ]);
  });
});

describe('one cron engine for firing, --check and catch-up', () => {
  const job = (cron: string): ScheduleSettings => ({
    timezone: 'Europe/London',
    jobs: [{ name: 'board-monthly', pack: 'board', cron, deliver: { public: [], restricted: [] } }],
  });
  const deps = { now: () => new Date('2026-11-20T12:00:00Z'), run: async () => undefined, hasRun: async () => false, progress: silentProgress };

  it('0 7 10 * MON-FRI is the 10th or any weekday (cron reads day-of-month and day-of-week as either), the same for --check and firing', () => {
    const scheduler = new PackScheduler(job('0 7 10 * MON-FRI'), deps);
    const [next] = scheduler.nextRuns(new Date('2026-11-20T12:00:00Z')); // a Friday
    expect(next?.next.toISOString()).toBe('2026-11-23T07:00:00.000Z'); // Monday
    expect(localTime(next!.next, 'Europe/London')).toBe('2026-11-23 07:00 +00:00 (Europe/London)');
    expect(localTime(new Date('2026-06-10T06:00:00Z'), 'Europe/London')).toBe('2026-06-10 07:00 +01:00 (Europe/London)');
  });

  it('0 7 1W * * and a time zone the engine does not know are refused, naming the job', () => {
    expect(() => new PackScheduler(job('0 7 1W * *'), deps)).toThrow(ScheduleError);
    expect(() => new PackScheduler(job('0 7 1W * *'), deps)).toThrow(
      'config/schedule.yaml: the job "board-monthly" has the cron expression "0 7 1W * *", which the scheduler cannot compute (Invalid characters, got value: 1W); expected five fields, minute hour day-of-month month day-of-week, e.g. "0 7 10 * *"',
    );
    expect(() => new PackScheduler({ ...job('0 7 10 * *'), timezone: 'Europe/Lundon' }, deps)).toThrow(
      'config/schedule.yaml: the time zone "Europe/Lundon" is not one the scheduler knows (expected an IANA name such as Europe/London)',
    );
  });

  it('schedule --check prints local times with their offset, and refuses an expression it cannot compute (exit 1)', async () => {
    const good = await tempProject({
      edit: (file, text) => (file === 'config/schedule.yaml' ? text.replace('cron: "0 7 10 * *"', 'cron: "0 7 10 * MON-FRI"') : text),
    });
    const check = runCli(['schedule', '--check', '--settings', good.settings]);
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout).toMatch(
      /^board-monthly: next run \d{4}-\d\d-\d\d 07:00 \+0[01]:00 \(Europe\/London\)\npanel-monthly: next run \d{4}-\d\d-12 07:00 \+0[01]:00 \(Europe\/London\)\n$/,
    );
    const bad = await tempProject({
      edit: (file, text) => (file === 'config/schedule.yaml' ? text.replace('cron: "0 7 10 * *"', 'cron: "0 7 1W * *"') : text),
    });
    const refused = runCli(['schedule', '--check', '--settings', bad.settings]);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('the job "board-monthly" has the cron expression "0 7 1W * *", which the scheduler cannot compute');
  });
});

describe('two runs of one slot started at the same instant', () => {
  it('the slot runs once: the second, under the lock, finds it recorded and is refused', async () => {
    const project = await tempProject();
    const loaded = await loadSettings({ settingsFile: project.settings });
    // The workbook is missing, so each run fails at once after taking the lock: fast, and a failed slot has run.
    const request: RunRequest = {
      targets: [{ kind: 'pack', name: 'board' }],
      month: '2023-10',
      trigger: 'schedule',
      job: 'board-monthly',
      slot: '2023-11-10T07:00',
      workbook: '/nonexistent/b4b.xlsx',
      force: true,
      strict: false,
      waitMs: 60_000,
      numberItemFiles: true,
    };
    const results = await Promise.allSettled([runOne(loaded, request, silentProgress), runOne(loaded, request, silentProgress)]);
    const messages = results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok')).sort();
    expect(messages[0]).toContain('cannot read the workbook: no such file');
    expect(messages[1]).toMatch(/^the 2023-11-10T07:00 slot of the job "board-monthly" has already run \(run \S+\); it runs once$/);
    const records = await new RunLedger(project.ledger).read();
    expect(records.map((r) => r.outcome).sort()).toEqual(['failed', 'refused']);
  });
});

interface Child {
  done: Promise<number | null>;
  stderr: () => string;
  signal: (name: NodeJS.Signals) => void;
}

function schedule(settings: string, extra: string[] = []): Child {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'b4b-reports.js'), 'schedule', '--settings', settings, ...extra], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { done: new Promise((resolve) => child.on('close', resolve)), stderr: () => stderr, signal: (name) => child.kill(name) };
}

async function until(what: string, test: () => boolean): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (test()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('two schedule processes started together', () => {
  it('one runs and the other refuses (exit 75); --standby waits and takes over; the log is JSON lines only, and says the ledger had a damaged line', async () => {
    const project = await tempProject();
    await mkdir(path.dirname(project.ledger), { recursive: true });
    await writeFile(project.ledger, 'null\n');
    const a = schedule(project.settings);
    const b = schedule(project.settings);
    const first = await Promise.race([a.done.then((code) => ({ code, loser: a, winner: b })), b.done.then((code) => ({ code, loser: b, winner: a }))]);
    expect(first.code).toBe(75);
    expect(first.loser.stderr()).toMatch(
      /^b4b-reports: another scheduler is running \(process \d+ on \S+, started [^)]+\); only one runs at a time, so this one did not start\. Stop the other one first, or start this one with --standby to take over when it stops\.\n$/,
    );
    const { winner } = first;
    await until('the scheduler to start', () => winner.stderr().includes('next run'));

    const standby = schedule(project.settings, ['--standby']);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(standby.stderr()).toBe(''); // waiting its turn
    winner.signal('SIGTERM');
    expect(await winner.done).toBe(0);
    await until('the standby to take over', () => standby.stderr().includes('next run'));
    standby.signal('SIGINT');
    expect(await standby.done).toBe(0);

    for (const log of [winner.stderr(), standby.stderr()]) {
      const lines = log.trim().split('\n');
      for (const line of lines) {
        expect(() => {
          JSON.parse(line);
        }, line).not.toThrow();
      }
      const messages = lines.map((l) => (JSON.parse(l) as { message: string }).message);
      expect(messages[0]).toBe(
        'the run ledger has 1 damaged line(s), skipped: ledger.jsonl line 1 (not a run record: the line: Invalid input: expected object, received null)',
      );
      expect(messages.filter((m) => m.includes(': next run '))).toHaveLength(2);
      expect(messages.at(-1)).toMatch(/^Stopping the scheduler \(SIG(TERM|INT)\)$/);
    }
  });
});
