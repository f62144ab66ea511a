import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CronExpressionParser } from 'cron-parser';
import type { ScheduleJob, ScheduleSettings } from '../config/delivery.js';
import { B4BError } from '../findings/finding.js';
import type { Progress } from '../run/progress.js';
import { addMonths, monthKey, type MonthKey } from '../model/month.js';

/**
 * One cron engine for firing, `schedule --check` and catch-up: cron-parser computes every due time
 * and the scheduler's own timer fires them. (node-cron fired the jobs while cron-parser answered
 * --check and catch-up, and the two disagreed: for `0 7 10 * MON-FRI` node-cron ran on the 10th
 * only if a weekday, cron-parser on the 10th or any weekday, as cron has always read it; node-cron
 * also dropped any execution more than about a second late.)
 */

/** The parts of a date on the wall clock of a time zone. */
function wallClock(date: Date, timezone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * A scheduled slot, named by its local wall-clock time ("2024-10-27T01:00"): the repeated 01:00 of
 * the autumn clock change is one slot, so it runs once.
 */
export function slotKey(date: Date, timezone: string): string {
  const w = wallClock(date, timezone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

/** A moment as local time with its offset: "2026-12-10 07:00 +00:00 (Europe/London)". */
export function localTime(date: Date, timezone: string): string {
  const w = wallClock(date, timezone);
  const offsetMinutes = Math.round((Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)} ${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)} (${timezone})`;
}

/** The latest complete month at a moment: the month before the local date's month. */
export function latestCompleteMonth(date: Date, timezone: string): MonthKey {
  const w = wallClock(date, timezone);
  return addMonths(monthKey(w.year, w.month), -1);
}

/** A schedule the engine cannot compute: refused at start and by --check, naming the job. */
export class ScheduleError extends B4BError {
  constructor(message: string) {
    super(message, [], 1);
    this.name = 'ScheduleError';
  }
}

/**
 * Checks that the time zone exists and that each job's expression has a next run the engine can
 * compute; throws a ScheduleError naming the job otherwise.
 */
export function checkSchedule(settings: ScheduleSettings, from: Date = new Date(), file = 'config/schedule.yaml'): void {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: settings.timezone });
  } catch {
    throw new ScheduleError(`${file}: the time zone "${settings.timezone}" is not one the scheduler knows (expected an IANA name such as Europe/London)`);
  }
  for (const job of settings.jobs) {
    try {
      CronExpressionParser.parse(job.cron, { currentDate: from, tz: settings.timezone, strict: false }).next();
    } catch (cause) {
      throw new ScheduleError(
        `${file}: the job "${job.name}" has the cron expression "${job.cron}", which the scheduler cannot compute (${(cause as Error).message}); ` +
          'expected five fields, minute hour day-of-month month day-of-week, e.g. "0 7 10 * *"',
      );
    }
  }
}

/** The due times of a job after `after` and at or before `until`, oldest first. */
export function dueBetween(job: ScheduleJob, after: Date, until: Date, timezone: string): Date[] {
  if (until <= after) return [];
  const out: Date[] = [];
  const it = CronExpressionParser.parse(job.cron, { currentDate: after, endDate: new Date(until.getTime() + 1), tz: timezone });
  while (it.hasNext()) {
    const next = it.next().toDate();
    if (next <= after) continue;
    if (next > until) break;
    out.push(next);
  }
  return out;
}

/** The latest time a job was due at or before `now`. */
export function previousSlot(job: ScheduleJob, now: Date, timezone: string): Date | undefined {
  try {
    return CronExpressionParser.parse(job.cron, { currentDate: new Date(now.getTime() + 1), tz: timezone })
      .prev()
      .toDate();
  } catch {
    return undefined;
  }
}

/** The next time a job is due after `from`. */
export function nextSlot(job: ScheduleJob, from: Date, timezone: string): Date {
  return CronExpressionParser.parse(job.cron, { currentDate: from, tz: timezone }).next().toDate();
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

/** A slot that fires more than this after its due time is logged as late (it still runs, once). */
export const LATE_AFTER_MS = 1_000;
/** The scheduler looks at the clock at least this often, so a clock jump or a sleep is noticed. */
export const TICK_MS = 30_000;
/** The most missed slots of one job run on one catch-up; older ones are logged and left. */
export const MAX_CATCH_UP = 12;

/**
 * The long-running scheduler, in the schedule's time zone. A timer wakes at each job's next due
 * time (and at least every 30 s); each wake runs every slot that fell due since the last one, late
 * or not, so a slot is never dropped because the process was paused, the machine slept or the
 * event loop was busy, and a late slot is logged as late. Each slot runs at most once (the ledger
 * is asked first, and again under the pack's lock), one run of a job at a time (the next waits its
 * turn). At start it runs the slots that fell due while it was down.
 */
export class PackScheduler {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private cursor: Date | undefined;
  private running = false;
  private readonly chains = new Map<string, Promise<void>>();
  private readonly queued = new Set<string>();
  /** Due times of slots dispatched but not yet finished: the state file never claims them done. */
  private readonly unfinished = new Map<string, number>();
  /** Each job's next due time, as last computed: a wake before it has nothing of that job to do. */
  private readonly nextDue = new Map<string, { due: number; from: number }>();

  constructor(
    readonly settings: ScheduleSettings,
    private readonly deps: SchedulerDeps,
  ) {
    checkSchedule(settings, deps.now());
  }

  /** Runs one slot of a job now, unless it has run; after any run of the same job still going. */
  fire(job: ScheduleJob, due: Date, reason: 'scheduled' | 'missed'): Promise<void> {
    const slot = slotKey(due, this.settings.timezone);
    const key = `${job.name}|${slot}`;
    if (this.queued.has(key)) return this.chains.get(job.name) ?? Promise.resolve();
    this.queued.add(key);
    this.unfinished.set(key, due.getTime());
    const previous = this.chains.get(job.name) ?? Promise.resolve();
    const next = previous
      .then(() => this.runSlot(job, due, slot, reason))
      .finally(() => {
        this.queued.delete(key);
        this.unfinished.delete(key);
      })
      .then(() => this.noteAlive().catch(() => undefined));
    this.chains.set(job.name, next);
    return next;
  }

  private async runSlot(job: ScheduleJob, due: Date, slot: string, reason: 'scheduled' | 'missed'): Promise<void> {
    try {
      if (await this.deps.hasRun(job.name, slot)) return;
    } catch (error) {
      this.deps.progress.error(`${job.name}: cannot read the run ledger before the ${slot} slot: ${(error as Error).message}`, { job: job.name, slot });
      return;
    }
    const month = latestCompleteMonth(due, this.settings.timezone);
    const lateMs = this.deps.now().getTime() - due.getTime();
    const fields = { job: job.name, slot, month, reason, due: due.toISOString(), lateMs: Math.max(0, lateMs) };
    if (reason === 'missed') {
      this.deps.progress.warn(`${job.name}: catching up the missed ${slot} slot: the ${job.pack} pack for ${month}`, { ...fields, late: true });
    } else if (lateMs > LATE_AFTER_MS) {
      this.deps.progress.warn(`${job.name}: the ${slot} slot fired ${(lateMs / 1000).toFixed(1)} s late; running it now: the ${job.pack} pack for ${month}`, {
        ...fields,
        late: true,
      });
    } else {
      this.deps.progress.step(`${job.name}: running the ${slot} slot: the ${job.pack} pack for ${month}`, { ...fields, late: false });
    }
    try {
      await this.deps.run(job, slot, month);
    } catch (error) {
      this.deps.progress.error(`${job.name}: the ${slot} run failed: ${(error as Error).message.split('\n')[0] ?? ''}`, { job: job.name, slot });
    }
  }

  /** Runs each job's slots that fell due after `since` and up to now (at most MAX_CATCH_UP each). */
  private dispatch(since: Date, now: Date, reason: 'scheduled' | 'missed'): Promise<void>[] {
    const fired: Promise<void>[] = [];
    for (const job of this.settings.jobs) {
      // Nothing of this job is due in (since, now] when its next due time after a moment at or before `since` is later than now.
      const cached = this.nextDue.get(job.name);
      if (cached !== undefined && cached.from <= since.getTime() && now.getTime() < cached.due) continue;
      let due: Date[];
      try {
        due = dueBetween(job, since, now, this.settings.timezone);
        this.nextDue.set(job.name, { due: nextSlot(job, now, this.settings.timezone).getTime(), from: now.getTime() });
      } catch (error) {
        this.deps.progress.error(`${job.name}: cannot compute its slots: ${(error as Error).message}`, { job: job.name });
        continue;
      }
      if (due.length > MAX_CATCH_UP) {
        const left = due.slice(0, due.length - MAX_CATCH_UP);
        this.deps.progress.warn(
          `${job.name}: ${left.length} slot(s) from ${slotKey(left[0]!, this.settings.timezone)} to ${slotKey(left[left.length - 1]!, this.settings.timezone)} were missed and are not run; the latest ${MAX_CATCH_UP} are`,
          { job: job.name, notRun: left.length },
        );
        due = due.slice(-MAX_CATCH_UP);
      }
      for (const d of due) fired.push(this.fire(job, d, reason));
    }
    return fired;
  }

  /** Runs the slots that fell due after the scheduler was last alive (none on a first start). */
  async catchUp(): Promise<void> {
    const lastAlive = await this.lastAlive();
    if (!lastAlive) return;
    await Promise.all(this.dispatch(lastAlive, this.deps.now(), 'missed'));
  }

  async start(): Promise<void> {
    this.running = true;
    const startedAt = this.deps.now();
    await this.catchUp();
    this.cursor = startedAt;
    await this.noteAlive();
    this.arm();
  }

  /** Every slot due since the last look at the clock (late ones included), then the next timer. */
  private tick(): void {
    if (!this.running) return;
    const now = this.deps.now();
    const since = this.cursor ?? now;
    this.cursor = now;
    void Promise.allSettled(this.dispatch(since, now, 'scheduled'));
    void this.noteAlive().catch(() => undefined);
    this.arm();
  }

  private arm(): void {
    if (!this.running) return;
    const now = this.deps.now();
    let wait = TICK_MS;
    for (const job of this.settings.jobs) {
      try {
        let next = this.nextDue.get(job.name);
        if (next === undefined || next.due <= now.getTime()) {
          next = { due: nextSlot(job, now, this.settings.timezone).getTime(), from: now.getTime() };
          this.nextDue.set(job.name, next);
        }
        wait = Math.min(wait, next.due - now.getTime());
      } catch {
        // checked at start; a job that cannot be computed now is logged by dispatch
      }
    }
    this.timer = setTimeout(() => this.tick(), Math.max(0, wait));
  }

  /** Stops the timer and waits for the runs under way. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.chains.values()]);
  }

  /** Each job's next due time after `from`, without starting anything. */
  nextRuns(from: Date = this.deps.now()): Array<{ job: string; next: Date }> {
    return this.settings.jobs.map((job) => ({ job: job.name, next: nextSlot(job, from, this.settings.timezone) }));
  }

  private async lastAlive(): Promise<Date | undefined> {
    if (!this.deps.stateFile) return undefined;
    try {
      const state = JSON.parse(await readFile(this.deps.stateFile, 'utf8')) as { lastAlive?: unknown };
      const date = typeof state.lastAlive === 'string' ? new Date(state.lastAlive) : undefined;
      return date && !Number.isNaN(date.getTime()) ? date : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Notes the moment up to which every slot has been dispatched and has finished (the clock, or just
   * before the oldest slot still running): a restart catches up from there, so a slot whose run was
   * killed runs again, once.
   */
  private async noteAlive(): Promise<void> {
    if (!this.deps.stateFile) return;
    let settled = this.cursor?.getTime() ?? this.deps.now().getTime();
    for (const due of this.unfinished.values()) settled = Math.min(settled, due - 1);
    await mkdir(path.dirname(this.deps.stateFile), { recursive: true });
    const temp = `${this.deps.stateFile}.${process.pid}-${Math.random().toString(36).slice(2, 8)}.tmp`;
    await writeFile(temp, JSON.stringify({ lastAlive: new Date(settled).toISOString() }));
    await rename(temp, this.deps.stateFile);
  }
}
