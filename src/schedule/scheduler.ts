import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ScheduledTask } from 'node-cron';
import type { ScheduleJob, ScheduleSettings } from '../config/delivery.js';
import { B4BError } from '../findings/finding.js';
import type { Progress } from '../run/progress.js';
import { addMonths, monthKey, monthLongLabel, type MonthKey } from '../model/month.js';
import { cronRefusal, monthsWithoutRun, monthsWithoutRunMessage, refusalMessage } from './cron-dialect.js';
import { cronTask, MAX_LOOK_BACK_MS, nextRuns, slotsBetween } from './cron-engine.js';

/** The parts of a date on the wall clock of a time zone. */
function wallClock(date: Date, timezone: string): { year: number; month: number; day: number; hour: number; minute: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
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

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A moment in words on the wall clock of a time zone: "Thursday 10 December 2026 at 07:00 (Europe/London)". */
export function timeInWords(date: Date, timezone: string): string {
  const w = wallClock(date, timezone);
  const weekday = WEEKDAYS[new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay()] ?? '';
  return `${weekday} ${w.day} ${monthLongLabel(monthKey(w.year, w.month))} at ${pad(w.hour)}:${pad(w.minute)} (${timezone})`;
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
 * Checks that the time zone exists and that node-cron reads each job's expression as every cron
 * dialect does (config/schedule.yaml refuses the others when it is read, with its line; this is the
 * same rule for a schedule given in code); throws a ScheduleError naming the job otherwise.
 */
export function checkSchedule(settings: ScheduleSettings, file = 'config/schedule.yaml'): void {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: settings.timezone });
  } catch {
    throw new ScheduleError(`${file}: the time zone "${settings.timezone}" is not one the scheduler knows (expected an IANA name such as Europe/London)`);
  }
  for (const job of settings.jobs) {
    const refusal = cronRefusal(job.cron);
    if (refusal) throw new ScheduleError(`${file}: ${refusalMessage(job.name, job.cron, refusal)}`);
  }
}

/**
 * What a schedule that checkSchedule accepts may still do that nobody meant: a job that names only
 * days after the 28th has no run in the months without them (a monthly pack missing in February),
 * each a warning naming the file and the job. `schedule --check` lists them; the scheduler logs
 * them as it starts.
 */
export function scheduleWarnings(settings: ScheduleSettings, file = 'config/schedule.yaml'): Array<{ job: string; message: string }> {
  return settings.jobs.flatMap((job) => {
    const gap = monthsWithoutRun(job.cron);
    return gap ? [{ job: job.name, message: `${file}: ${monthsWithoutRunMessage(job.name, job.cron, gap)}` }] : [];
  });
}

/** Each job's next run after now, as node-cron computes it (none when node-cron finds none within a century). */
export function nextRunOfEachJob(settings: ScheduleSettings): Map<string, Date | undefined> {
  const next = (cron: string): Date | undefined => {
    try {
      return nextRuns(cron, settings.timezone, 1)[0];
    } catch {
      return undefined;
    }
  };
  return new Map(settings.jobs.map((job) => [job.name, next(job.cron)]));
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
  /** How often the scheduler looks back for slots that fell due unseen (TICK_MS; a test may make it longer). */
  lookEveryMs?: number;
  /** The schedule file as its user knows it ("config/schedule.yaml"), named by the warnings logged at start. */
  scheduleFile?: string;
}

/**
 * A slot that fires more than this after its due time is late: node-cron reports it as missed
 * (`execution:missed`, its default tolerance) instead of running it, and the scheduler runs it, once,
 * logged as late.
 */
export const LATE_AFTER_MS = 1_000;
/** The scheduler looks back at least this often, so a slot that fell due while the machine slept is noticed. */
export const TICK_MS = 30_000;
/** The most missed slots of one job run on one look back (a restart, a sleep); older ones are logged and left. */
export const MAX_CATCH_UP = 12;
/** How many of a job's latest dispatched slots are remembered: node-cron and a look back may both come upon one. */
const REMEMBERED_SLOTS = 64;

type Reason = 'scheduled' | 'missed';

/**
 * Whether a slot's wall-clock minute comes again after `until` and is due then too: on the autumn
 * clock change 01:30 comes twice and `match` says yes to both, but node-cron fires only the second
 * (01:30 GMT). A look back before it leaves the slot to node-cron, so the one slot runs once, on time.
 */
function secondComing(task: Pick<ScheduledTask, 'match'>, due: Date, until: Date, timezone: string): boolean {
  const key = slotKey(due, timezone);
  return [30, 60].some((minutes) => {
    const again = new Date(due.getTime() + minutes * 60_000);
    return again > until && slotKey(again, timezone) === key && task.match(again);
  });
}

/**
 * The long-running scheduler, in the schedule's time zone. node-cron fires each job at its slots. A
 * slot node-cron reports as missed (it fired more than a second late: a paused process, a busy event
 * loop) and a slot that fell due while the machine slept are found by a look back: node-cron's `match`
 * asked of each minute since the last look (every 30 s, and at once when node-cron reports a missed
 * slot), and run late, logged as late. At start the same look back runs the slots that fell due while
 * the scheduler was down. Each slot runs at most once (the ledger is asked first, and again under the
 * pack's lock), one run of a job at a time (the next waits its turn).
 */
export class PackScheduler {
  private readonly tasks = new Map<string, ScheduledTask>();
  private lookTimer: ReturnType<typeof setInterval> | undefined;
  /** Every slot due at or before this moment has been dispatched (or was older than a catch-up runs). */
  private cursor: Date | undefined;
  private looking = false;
  private lookAgain = false;
  private running = false;
  private readonly chains = new Map<string, Promise<void>>();
  /** Due times of slots dispatched but not yet finished: the state file never claims them done. */
  private readonly unfinished = new Map<string, number>();
  private readonly dispatched = new Map<string, string[]>();

  constructor(
    readonly settings: ScheduleSettings,
    private readonly deps: SchedulerDeps,
  ) {
    checkSchedule(settings);
  }

  /** Whether it has been started and not stopped. */
  get isRunning(): boolean {
    return this.running;
  }

  /** Runs one slot of a job, unless it was dispatched already or has run; after any run of the same job still going. */
  fire(job: ScheduleJob, due: Date, reason: Reason): Promise<void> {
    const slot = slotKey(due, this.settings.timezone);
    const seen = this.dispatched.get(job.name) ?? [];
    if (seen.includes(slot)) return this.chains.get(job.name) ?? Promise.resolve();
    this.dispatched.set(job.name, [...seen, slot].slice(-REMEMBERED_SLOTS));
    const key = `${job.name}|${slot}`;
    this.unfinished.set(key, due.getTime());
    const previous = this.chains.get(job.name) ?? Promise.resolve();
    const next = previous
      .then(() => this.runSlot(job, due, slot, reason))
      .finally(() => this.unfinished.delete(key))
      .then(() => this.noteAlive().catch(() => undefined));
    this.chains.set(job.name, next);
    return next;
  }

  private async runSlot(job: ScheduleJob, due: Date, slot: string, reason: Reason): Promise<void> {
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

  /** node-cron's task for a job: created once, started by start(). */
  private taskOf(job: ScheduleJob): ScheduledTask {
    let task = this.tasks.get(job.name);
    if (!task) {
      const { progress } = this.deps;
      task = cronTask(job.cron, this.settings.timezone, {
        name: job.name,
        onSlot: (due) => void this.fire(job, due, 'scheduled'),
        logger: {
          info: () => undefined,
          debug: () => undefined,
          warn: (message) => progress.warn(`${job.name}: node-cron: ${message}`, { job: job.name }),
          error: (message) => progress.error(`${job.name}: node-cron: ${message instanceof Error ? message.message : message}`, { job: job.name }),
        },
      });
      // A missed slot is not run by node-cron: the look back runs it, with any other slot not yet run.
      task.on('execution:missed', () => void this.lookBack());
      this.tasks.set(job.name, task);
    }
    return task;
  }

  /**
   * Dispatches each job's slots due after `since` and at or before `until`, found with node-cron's
   * `match`: the latest MAX_CATCH_UP of each job, older ones logged as not run.
   */
  private async dispatchBetween(since: Date, until: Date, reason: Reason): Promise<Array<Promise<void>>> {
    const fired: Array<Promise<void>> = [];
    const tz = this.settings.timezone;
    for (const job of this.settings.jobs) {
      const task = this.taskOf(job);
      const scan = await slotsBetween(task, since, until, MAX_CATCH_UP);
      const oldest = scan.slots[0];
      if (scan.more && oldest) {
        this.deps.progress.warn(
          `${job.name}: more than ${MAX_CATCH_UP} slots fell due since ${slotKey(since, tz)} without running; the latest ${MAX_CATCH_UP} run now ` +
            `(from ${slotKey(oldest, tz)}), the older ones do not`,
          { job: job.name, since: since.toISOString(), notRunBefore: oldest.toISOString() },
        );
      }
      if (scan.lookedBackTo) {
        this.deps.progress.warn(
          `${job.name}: slots before ${slotKey(scan.lookedBackTo, tz)} were not looked for: the scheduler looks back at most ${MAX_LOOK_BACK_MS / 86_400_000} days`,
          { job: job.name, since: since.toISOString() },
        );
      }
      for (const due of scan.slots) if (!secondComing(task, due, until, tz)) fired.push(this.fire(job, due, reason));
    }
    return fired;
  }

  /**
   * Runs every slot that fell due since the last look and at least a second ago (node-cron runs the
   * ones on time) and has not been dispatched: those node-cron reported as missed, and those it has
   * not reached yet because its timer was held up (a sleep, a paused process).
   */
  private async lookBack(): Promise<void> {
    if (this.looking) {
      // A missed slot reported while a look is under way may be later than that look reaches.
      this.lookAgain = true;
      return;
    }
    const since = this.cursor;
    if (!this.running || since === undefined) return;
    const until = new Date(this.deps.now().getTime() - LATE_AFTER_MS);
    if (until <= since) return;
    this.looking = true;
    let fired: Array<Promise<void>>;
    try {
      fired = await this.dispatchBetween(since, until, 'scheduled');
      this.cursor = until;
    } finally {
      this.looking = false;
    }
    void this.noteAlive().catch(() => undefined);
    if (this.lookAgain) {
      this.lookAgain = false;
      void this.lookBack();
    }
    await Promise.allSettled(fired);
  }

  /** Runs the slots that fell due after the scheduler was last alive and up to `until` (none on a first start). */
  async catchUp(until: Date = this.deps.now()): Promise<void> {
    const lastAlive = await this.lastAlive();
    if (lastAlive) await Promise.allSettled(await this.dispatchBetween(lastAlive, until, 'missed'));
  }

  /** Logs the schedule's warnings (months a job has no run in), catches up, then starts node-cron's tasks and the look back. */
  async start(): Promise<void> {
    for (const { job, message } of scheduleWarnings(this.settings, this.deps.scheduleFile)) this.deps.progress.warn(message, { job });
    this.running = true;
    const startedAt = this.deps.now();
    await this.catchUp(startedAt);
    this.cursor = startedAt;
    await this.noteAlive();
    if (!this.running) return;
    for (const job of this.settings.jobs) await this.taskOf(job).start();
    this.lookTimer = setInterval(() => void this.lookBack(), this.deps.lookEveryMs ?? TICK_MS);
  }

  /** Stops node-cron's tasks and the look back, and waits for the runs under way. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.lookTimer) clearInterval(this.lookTimer);
    for (const task of this.tasks.values()) await task.destroy();
    this.tasks.clear();
    await Promise.allSettled([...this.chains.values()]);
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
   * Notes the moment up to which every slot has been dispatched and has finished (the last look, or
   * just before the oldest slot still running): a restart catches up from there, so a slot whose run
   * was killed runs again, once.
   */
  private async noteAlive(): Promise<void> {
    // Before the catch-up at start has dispatched every slot it found, the old note stands.
    if (!this.deps.stateFile || !this.cursor) return;
    let settled = this.cursor.getTime();
    for (const due of this.unfinished.values()) settled = Math.min(settled, due - 1);
    await mkdir(path.dirname(this.deps.stateFile), { recursive: true });
    const temp = `${this.deps.stateFile}.${process.pid}-${Math.random().toString(36).slice(2, 8)}.tmp`;
    await writeFile(temp, JSON.stringify({ lastAlive: new Date(settled).toISOString() }));
    await rename(temp, this.deps.stateFile);
  }
}
