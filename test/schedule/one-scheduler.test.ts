import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ScheduleSettings } from '../../src/config/delivery.js';
import { loadSettings } from '../../src/config/settings.js';
import type { RunRequest } from '../../src/run/run.js';
import { runOne } from '../fixtures/run-request.js';
import { RunLedger } from '../../src/run/ledger.js';
import { createProgress, silentProgress } from '../../src/run/progress.js';
import { cronTask } from '../../src/schedule/cron-engine.js';
import { nextRunOfEachJob, PackScheduler, ScheduleError, timeInWords } from '../../src/schedule/scheduler.js';
import { runCommand } from '../fixtures/run-cli.js';
import { tempProject } from '../fixtures/temp-project.js';
import { ROOT } from '../fixtures/workbooks.js';
import { startCli, until, type Child } from './helpers.js';

const EVERY_MINUTE: ScheduleSettings = {
  timezone: 'Europe/London',
  jobs: [{ name: 'minutely', pack: 'board', cron: '* * * * *', deliver: { public: [], restricted: [] } }],
};

afterEach(() => {
  vi.useRealTimers();
});

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A progress that writes JSON lines into an array, as `schedule` does to a log. */
function jsonLog(): { progress: ReturnType<typeof createProgress>; lines: string[] } {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (text: string) => lines.push(...text.split('\n').filter(Boolean)) } as unknown as NodeJS.WriteStream;
  return { progress: createProgress(stream, true), lines };
}

/**
 * The every-minute job's scheduler under a fake clock from 10:00:30, each run noting its slot and the
 * time it ran, the ledger a set, the log JSON lines.
 */
function minutely(extra: { lookEveryMs?: number } = {}): { scheduler: PackScheduler; ran: string[]; lines: string[] } {
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
    ...extra,
  });
  return { scheduler, ran, lines };
}

describe('a slot that fires late', () => {
  it('runs once, late, logged as a JSON line; slots missed while alive (a sleep) each run once', async () => {
    const { scheduler, ran, lines } = minutely();
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

describe('a slot node-cron reports as missed', () => {
  it('runs once, at once and logged as late, with no look back due; node-cron alone would not run it', async () => {
    // The look back comes only once an hour here, so nothing but node-cron's missed event can run 10:02.
    const { scheduler, ran, lines } = minutely({ lookEveryMs: 3_600_000 });
    // node-cron on its own, beside it: what it does with the same slot.
    const bare: string[] = [];
    const task = cronTask('* * * * *', 'Europe/London', { onSlot: (due) => bare.push(`ran ${due.toISOString().slice(11, 16)}`) });
    task.on('execution:missed', ({ date }) => void bare.push(`missed ${date.toISOString().slice(11, 16)}`));
    await task.start();
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(30_000); // 10:01:00, on time
    await vi.advanceTimersByTimeAsync(50_000); // 10:01:50
    // The event loop is held up for 15 s across 10:02 (timers fire late, as under a long synchronous render).
    vi.setSystemTime(new Date('2026-12-01T10:02:05Z'));
    await vi.advanceTimersByTimeAsync(10_000); // 10:02:15
    await scheduler.stop();
    await task.destroy();
    expect(bare).toEqual(['ran 10:01', 'missed 10:02']);
    expect(ran).toEqual(['2026-12-01T10:01 at 10:01:00', '2026-12-01T10:02 at 10:02:15']);
    expect(lines.map((l) => (JSON.parse(l) as { message: string }).message)).toEqual([
      'minutely: running the 2026-12-01T10:01 slot: the board pack for 2026-11',
      'minutely: the 2026-12-01T10:02 slot fired 15.0 s late; running it now: the board pack for 2026-11',
    ]);
  });
});

describe('node-cron, the one cron engine for firing, --check and catch-up', () => {
  const job = (cron: string): ScheduleSettings => ({
    timezone: 'Europe/London',
    jobs: [{ name: 'board-monthly', pack: 'board', cron, deliver: { public: [], restricted: [] } }],
  });
  const deps = { now: () => new Date('2026-11-20T12:00:00Z'), run: async () => undefined, hasRun: async () => false, progress: silentProgress };

  it("--check's next run is node-cron's getNextRuns, said in words in Europe/London time", () => {
    vi.useFakeTimers({ now: new Date('2026-11-20T12:00:00Z'), toFake: ['Date'] }); // a Friday
    const next = nextRunOfEachJob(job('0 7 * * MON-FRI')).get('board-monthly');
    expect(next?.toISOString()).toBe('2026-11-23T07:00:00.000Z'); // Monday
    expect(timeInWords(next!, 'Europe/London')).toBe('Monday 23 November 2026 at 07:00 (Europe/London)');
    expect(nextRunOfEachJob(job('0 7 10 * *')).get('board-monthly')?.toISOString()).toBe('2026-12-10T07:00:00.000Z');
    // In summer the same wall-clock time is an hour earlier in UTC.
    expect(timeInWords(new Date('2026-06-10T06:00:00Z'), 'Europe/London')).toBe('Wednesday 10 June 2026 at 07:00 (Europe/London)');
  });

  it('0 7 10 * MON-FRI, 0 7 10 * * *, 0 7 1W * * and an unknown time zone are refused in code too, naming the job', () => {
    expect(() => new PackScheduler(job('0 7 10 * MON-FRI'), deps)).toThrow(ScheduleError);
    expect(() => new PackScheduler(job('0 7 10 * MON-FRI'), deps)).toThrow(
      'config/schedule.yaml: the job "board-monthly" has cron: "0 7 10 * MON-FRI": it restricts both the day of the month ("10") and the day of the week ("MON-FRI")',
    );
    expect(() => new PackScheduler(job('0 7 10 * * *'), deps)).toThrow('the job "board-monthly" has cron: "0 7 10 * * *": it has six fields');
    expect(() => new PackScheduler(job('0 7 1W * *'), deps)).toThrow('Write cron: "0 7 1 * *" instead');
    expect(() => new PackScheduler({ ...job('0 7 10 * *'), timezone: 'Europe/Lundon' }, deps)).toThrow(
      'config/schedule.yaml: the time zone "Europe/Lundon" is not one the scheduler knows (expected an IANA name such as Europe/London)',
    );
  });

  it.each([
    ['0 7 10 * MON-FRI', 'it restricts both the day of the month ("10") and the day of the week ("MON-FRI")'],
    ['0 7 10 * * *', 'it has six fields, which node-cron reads seconds first (second "0", minute "7", hour "10")'],
  ])('schedule --check refuses %s naming the file, line, job and the fix (exit 1); the fix written into the file passes', async (cron, why) => {
    const bad = await tempProject({ edit: (file, text) => (file === 'config/schedule.yaml' ? text.replace('cron: "0 7 10 * *"', `cron: "${cron}"`) : text) });
    const file = path.join(bad.root, 'config', 'schedule.yaml');
    const refused = await runCommand(['schedule', '--check', '--settings', bad.settings]);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(
      new RegExp(
        `^b4b-reports: ${escape(file)}: the schedule file does not match its schema:\\n  ${escape(file)}:9: jobs\\[0\\]\\.cron: the job "board-monthly" has cron: "${escape(cron)}": ${escape(why)}`,
      ),
    );
    const fixes = [...refused.stderr.matchAll(/cron: "([^"]+)" \(/g)].map((m) => m[1] ?? '');
    expect(fixes).toHaveLength(2);
    for (const fix of fixes) {
      await writeFile(file, (await readFile(file, 'utf8')).replace(/cron: "[^"]+"/, `cron: "${fix}"`));
      const check = await runCommand(['schedule', '--check', '--settings', bad.settings]);
      expect(check.status, check.stderr).toBe(0);
      expect(check.stdout).toContain(`board-monthly: the board pack, cron "${fix}"`);
    }
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

function schedule(settings: string, extra: string[] = []): Child {
  return startCli(['schedule', '--settings', settings, ...extra]);
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
    // Its log is JSON lines too: the refusal is one line, with its exit code.
    const refusal = first.loser.stderr().trim().split('\n');
    expect(refusal).toHaveLength(1);
    expect(JSON.parse(refusal[0] ?? '')).toMatchObject({
      level: 'error',
      code: 'busy',
      exitCode: 75,
      message: expect.stringMatching(
        /^another scheduler is running \("schedule", process \d+ on \S+, started [^)]+\); only one runs at a time, so this one did not start\. Stop the other one first, or start this one with --standby to take over when it stops\.$/,
      ) as unknown,
    });
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

describe('a scheduler started with a workbook it cannot use', () => {
  it('says so at start, job by job, as --check does; with the workbook put in place, it no longer says it cannot be read', async () => {
    const project = await tempProject({ workbook: 'data/b4b-october.xlsx' });
    const started = schedule(project.settings);
    await until('the scheduler to start', () => started.stderr().includes('panel-monthly: next run'));
    started.signal('SIGTERM');
    expect(await started.done).toBe(0);
    const warnings = (log: string): string[] =>
      log
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { level: string; message: string })
        .filter((l) => l.level === 'warn')
        .map((l) => l.message);
    const missing = warnings(started.stderr());
    expect(missing).toHaveLength(2);
    // It says which project it runs for, and that it now waits until stopped.
    expect(started.stderr()).toContain(
      `"message":"Scheduler running for the project ${project.root}: 2 job(s), times in Europe/London; it runs until stopped (Ctrl-C or SIGTERM)"`,
    );
    expect(missing[0]).toMatch(
      /^board-monthly: data\/b4b-october\.xlsx cannot be read: .*no such file.*: the run on .* will fail unless it is put right by then$/,
    );

    // The advice: put it right (the workbook in place), and start again.
    await mkdir(path.join(project.root, 'data'));
    await writeFile(path.join(project.root, 'data', 'b4b-october.xlsx'), await readFile(path.join(ROOT, 'data', 'b4b-sample.xlsx')));
    const again = schedule(project.settings);
    await until('the scheduler to start', () => again.stderr().includes('panel-monthly: next run'));
    again.signal('SIGTERM');
    expect(await again.done).toBe(0);
    expect(warnings(again.stderr()).filter((w) => w.includes('cannot be read'))).toEqual([]);
  });
});
