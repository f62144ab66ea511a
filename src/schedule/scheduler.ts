import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CronExpressionParser } from 'cron-parser';
import cron, { type ScheduledTask } from 'node-cron';
import type { ScheduleJob, ScheduleSettings } from '../config/delivery.js';
import type { Progress } from '../run/progress.js';
import { addMonths, monthKey, type MonthKey } from '../workbook/month.js';

/** The parts of a date on the wall clock of a time zone. */
function wallClock(date: Date, timezone: string): { year: number; month: number; day: number; hour: number; minute: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute) };
}

/**
 * A scheduled slot, named by its local wall-clock time ("2024-10-27T01:00"): the repeated 01:00 of
 * the autumn clock change is one slot, so it runs once.
 */
export function slotKey(date: Date, timezone: string): string {
  const w = wallClock(date, timezone);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

/** The latest complete month at a moment: the month before the local date's month. */
export function latestCompleteMonth(date: Date, timezone: string): MonthKey {
  const w = wallClock(date, timezone);
  return addMonths(monthKey(w.year, w.month), -1);
}

/** The latest time a job was due at or before `now`. */
export function previousSlot(job: ScheduleJob, now: Date, timezone: string): Date | undefined {
  try {
    return CronExpressionParser.parse(job.cron, { currentDate: new Date(now.getTime() + 1), tz: timezone }).prev().toDate();
  } catch {
    return undefined;
  }
}

export interface SchedulerDeps {
  now: () => Date;
  /** Runs a job's pack for a month; resolves when the run has finished (or failed: it records itself). */
  run: (job: ScheduleJob, slot: string, month: MonthKey) => Promise<void>;
  /** Whether the ledger already holds a run of this job for this slot. */
  hasRun: (job: string, slot: string) => Promise<boolean>;
  progress: Progress;
  /** Where the scheduler notes when it was last alive, so that a restart knows what it missed. */
  stateFile?: string;
}

/**
 * The long-running scheduler: one node-cron task per job, in the schedule's time zone. Each slot
 * runs at most once (the ledger is asked first), never two runs of one job at once, and on start
 * it runs any slot that fell due while it was down (node-cron does not replay missed runs).
 */
export class PackScheduler {
  private readonly tasks: ScheduledTask[] = [];
  private readonly inFlight = new Set<string>();
  private heartbeat: ReturnType<typeof setInterval> | undefined;

  constructor(
    readonly settings: ScheduleSettings,
    private readonly deps: SchedulerDeps,
  ) {
    for (const job of settings.jobs) {
      if (!cron.validate(job.cron)) throw new Error(`config/schedule.yaml: the job "${job.name}" has an invalid cron expression "${job.cron}"`);
    }
  }

  async fire(job: ScheduleJob, due: Date, reason: 'scheduled' | 'missed'): Promise<void> {
    const slot = slotKey(due, this.settings.timezone);
    const key = `${job.name}|${slot}`;
    if (this.inFlight.has(key) || this.inFlight.has(job.name)) {
      this.deps.progress.warn(`${job.name}: slot ${slot} skipped, a run of this job is still in progress`, { job: job.name, slot });
      return;
    }
    if (await this.deps.hasRun(job.name, slot)) return;
    this.inFlight.add(key).add(job.name);
    const month = latestCompleteMonth(due, this.settings.timezone);
    this.deps.progress.step(`${job.name}: ${reason === 'missed' ? 'catching up the missed' : 'running the'} ${slot} slot: the ${job.pack} pack for ${month}`, { job: job.name, slot, month, reason });
    try {
      await this.deps.run(job, slot, month);
    } catch (error) {
      this.deps.progress.error(`${job.name}: the ${slot} run failed: ${(error as Error).message}`, { job: job.name, slot });
    } finally {
      this.inFlight.delete(key);
      this.inFlight.delete(job.name);
      await this.noteAlive();
    }
  }

  /** Runs each job's latest slot that fell due after the scheduler was last alive. */
  async catchUp(): Promise<void> {
    const lastAlive = await this.lastAlive();
    if (!lastAlive) return; // first start: nothing can have been missed
    const now = this.deps.now();
    for (const job of this.settings.jobs) {
      const due = previousSlot(job, now, this.settings.timezone);
      if (due && due > lastAlive) await this.fire(job, due, 'missed');
    }
  }

  async start(): Promise<void> {
    await this.catchUp();
    for (const job of this.settings.jobs) {
      const task = cron.schedule(job.cron, (context) => this.fire(job, context.date, 'scheduled'), {
        timezone: this.settings.timezone,
        name: job.name,
        noOverlap: true,
      });
      this.tasks.push(task);
    }
    await this.noteAlive();
    this.heartbeat = setInterval(() => void this.noteAlive(), 60_000);
  }

  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    await Promise.all(this.tasks.map((t) => Promise.resolve(t.destroy())));
    this.tasks.length = 0;
  }

  /** Each job's next due time after `from`, without starting anything. */
  nextRuns(from: Date = this.deps.now()): Array<{ job: string; next: Date | undefined }> {
    return this.settings.jobs.map((job) => {
      try {
        return { job: job.name, next: CronExpressionParser.parse(job.cron, { currentDate: from, tz: this.settings.timezone }).next().toDate() };
      } catch {
        return { job: job.name, next: undefined };
      }
    });
  }

  private async lastAlive(): Promise<Date | undefined> {
    if (!this.deps.stateFile) return undefined;
    try {
      const state = JSON.parse(await readFile(this.deps.stateFile, 'utf8')) as { lastAlive?: string };
      return state.lastAlive ? new Date(state.lastAlive) : undefined;
    } catch {
      return undefined;
    }
  }

  private async noteAlive(): Promise<void> {
    if (!this.deps.stateFile) return;
    await mkdir(path.dirname(this.deps.stateFile), { recursive: true });
    await writeFile(this.deps.stateFile, JSON.stringify({ lastAlive: this.deps.now().toISOString() }));
  }
}
