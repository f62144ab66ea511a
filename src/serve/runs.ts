import { randomBytes } from 'node:crypto';
import type { LoadedSettings } from '../config/settings.js';
import { BusyError } from '../findings/errors.js';
import { layOut } from '../layout/layout-threads.js';
import type { RunRecord } from '../run/ledger.js';
import type { Progress } from '../run/progress.js';
import { runMonth, type OutOfStep } from '../run/run.js';
import type { MonthKey } from '../model/month.js';

export type Target = RunRecord['target'];

/** How one target of a console job ended. */
export interface JobResult {
  target: Target;
  /** success; already-running: another run of it held the lock; exists: its files exist and replacing them was not confirmed. */
  outcome: 'success' | 'failed' | 'already-running' | 'exists' | 'skipped';
  record?: RunRecord;
  error?: string;
}

export interface StartRequest {
  user: string;
  month: MonthKey;
  workbook: string;
  /** "configured" or the upload's stored name, as the Produce form names it. */
  workbookId: string;
  workbookLabel: string;
  force: boolean;
  targets: Target[];
  /** The whole month in one run (`run --month M`), rather than each target on its own. */
  wholeMonth: boolean;
}

export interface ConsoleJob extends StartRequest {
  id: string;
  startedAt: Date;
  finishedAt?: Date;
  steps: Array<{ at: Date; level: 'info' | 'warn' | 'error'; message: string }>;
  results: JobResult[];
  /** The month's outputs the job did not make again that still print the old value of a figure it changed. */
  outOfStep?: OutOfStep[];
}

/**
 * Runs started from the console: each through runMonth, the path `run` takes (its lock,
 * staged writes and ledger), one after the other, in this process. Jobs are kept in memory for the
 * job page; the ledger is the lasting record.
 */
export class RunManager {
  private readonly jobs = new Map<string, ConsoleJob>();
  /** Each job's end, for a page that waits for it. */
  private readonly ends = new Map<string, Promise<void>>();

  constructor(private readonly loaded: LoadedSettings) {}

  get(id: string): ConsoleJob | undefined {
    return this.jobs.get(id);
  }

  /** Resolves when the job has finished, or after `ms`, whichever is first. */
  async waitFor(job: ConsoleJob, ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.ends.get(job.id), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }

  /** The workbooks (as the forms name them) that runs still going on read. */
  workbooksInUse(): string[] {
    return [...this.jobs.values()].filter((job) => !job.finishedAt).map((job) => job.workbookId);
  }

  /**
   * Starts a job and resolves once its first run either holds its lock (it is running) or has been
   * refused or has failed: the caller can then answer "already running" rather than a job page.
   */
  async start(request: StartRequest): Promise<{ job: ConsoleJob; first: JobResult | 'running' }> {
    const job: ConsoleJob = { id: randomBytes(9).toString('base64url'), ...request, startedAt: new Date(), steps: [], results: [] };
    this.jobs.set(job.id, job);
    for (const old of [...this.jobs.values()].slice(0, Math.max(0, this.jobs.size - 50))) {
      this.jobs.delete(old.id);
      this.ends.delete(old.id);
    }
    let signal: (value: JobResult | 'running') => void = () => undefined;
    const first = new Promise<JobResult | 'running'>((resolve) => {
      signal = resolve;
    });
    this.ends.set(
      job.id,
      this.work(
        job,
        () => signal('running'),
        (result) => signal(result),
      ),
    );
    return { job, first: await first };
  }

  private async work(job: ConsoleJob, onRunning: () => void, onFirst: (result: JobResult) => void): Promise<void> {
    let first = true;
    const note =
      (level: 'info' | 'warn' | 'error') =>
      (message: string): void => {
        job.steps.push({ at: new Date(), level, message: consoleWords(message) });
        if (first) onRunning();
      };
    const progress: Progress = { step: note('info'), warn: note('warn'), error: note('error') };
    const request = {
      month: job.month,
      trigger: 'on-demand' as const,
      workbook: job.workbook,
      force: job.force,
      strict: false,
      waitMs: 0,
      numberItemFiles: true,
    };
    const record = (result: JobResult): void => {
      job.results.push(result);
      if (first) onFirst(result);
      first = false;
    };
    try {
      // The CLI's run: one lock for the month, the workbook read once, one ledger record per output set.
      const run = await runMonth(this.loaded, { ...request, targets: job.wholeMonth ? 'all' : job.targets }, progress, { layOut });
      const order = (t: Target): number => job.targets.findIndex((x) => x.kind === t.kind && x.name === t.name);
      const results = run.results.map(({ target, record: r, error }): JobResult => ({
        target,
        outcome: outcomeOf(error, r),
        record: r,
        // A skipped set's reason is its recorded warning, shown with the warnings.
        ...(r.outcome !== 'skipped' && r.outcome !== 'success' && (r.error || error) ? { error: consoleWords(r.error ?? errorText(error)) } : {}),
      }));
      job.outOfStep = run.outOfStep;
      for (const result of results.sort((a, b) => order(a.target) - order(b.target))) record(result);
    } catch (error) {
      // The configuration could not be read: nothing ran.
      job.steps.push({ at: new Date(), level: 'error', message: consoleWords(errorText(error)) });
      for (const target of job.targets.slice(job.results.length))
        record({ target, outcome: outcomeOf(error, undefined), error: consoleWords(errorText(error)) });
    }
    job.finishedAt = new Date();
  }
}

/** The tick box that stands for the command line's --force. */
export const REPLACE_LABEL = 'Replace the outputs already made for this month';

/** A run's message in the console's words: the tick box, never the command line's --force. */
export function consoleWords(message: string): string {
  return message.replace(/ Use --force to re-run (.+?) and replace it\./g, ` To make this output again, tick "${REPLACE_LABEL}".`);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** already-running: another run held the lock; exists: the files exist and replacing them was not confirmed. */
function outcomeOf(error: unknown, record: RunRecord | undefined): JobResult['outcome'] {
  if (record?.outcome === 'success') return 'success';
  if (error instanceof BusyError) return 'already-running';
  if (record?.outcome === 'refused') return 'exists';
  if (record?.outcome === 'skipped') return 'skipped';
  return 'failed';
}
