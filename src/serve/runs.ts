import { randomBytes } from 'node:crypto';
import type { LoadedSettings } from '../config/settings.js';
import { B4BError } from '../findings/finding.js';
import { executeRun } from '../run/execute-run.js';
import { RunLedger, type RunRecord } from '../run/ledger.js';
import type { Progress } from '../run/progress.js';
import { LOCK_REFUSED } from '../run/run-lock.js';
import type { MonthKey } from '../workbook/month.js';

export type Target = RunRecord['target'];

/** How one target of a console job ended. */
export interface JobResult {
  target: Target;
  /** success; already-running: another run of it held the lock; exists: its files exist and replacing them was not confirmed. */
  outcome: 'success' | 'failed' | 'already-running' | 'exists';
  record?: RunRecord;
  error?: string;
}

export interface ConsoleJob {
  id: string;
  user: string;
  month: MonthKey;
  workbook: string;
  /** "configured" or the upload's stored name, as the Produce form names it. */
  workbookId: string;
  workbookLabel: string;
  force: boolean;
  targets: Target[];
  startedAt: Date;
  finishedAt?: Date;
  steps: Array<{ at: Date; level: 'info' | 'warn' | 'error'; message: string }>;
  results: JobResult[];
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
}

/**
 * Runs started from the console: each target through executeRun, the path `run` takes (its lock,
 * staged writes and ledger), one after the other, in this process. Jobs are kept in memory for the
 * job page; the ledger is the lasting record.
 */
export class RunManager {
  private readonly jobs = new Map<string, ConsoleJob>();

  constructor(private readonly loaded: LoadedSettings) {}

  get(id: string): ConsoleJob | undefined {
    return this.jobs.get(id);
  }

  /**
   * Starts a job and resolves once its first run either holds its lock (it is running) or has been
   * refused or has failed: the caller can then answer "already running" rather than a job page.
   */
  async start(request: StartRequest): Promise<{ job: ConsoleJob; first: JobResult | 'running' }> {
    const job: ConsoleJob = { id: randomBytes(9).toString('base64url'), ...request, startedAt: new Date(), steps: [], results: [] };
    this.jobs.set(job.id, job);
    for (const old of [...this.jobs.values()].slice(0, Math.max(0, this.jobs.size - 50))) this.jobs.delete(old.id);
    let signal: (value: JobResult | 'running') => void = () => undefined;
    const first = new Promise<JobResult | 'running'>((resolve) => {
      signal = resolve;
    });
    void this.work(job, () => signal('running'), (result) => signal(result));
    return { job, first: await first };
  }

  private async work(job: ConsoleJob, onRunning: () => void, onFirst: (result: JobResult) => void): Promise<void> {
    for (const [index, target] of job.targets.entries()) {
      let runId: string | undefined;
      const note =
        (level: 'info' | 'warn' | 'error') =>
        (message: string, fields?: Record<string, unknown>): void => {
          if (typeof fields?.run === 'string') runId = fields.run;
          job.steps.push({ at: new Date(), level, message });
          if (index === 0) onRunning();
        };
      const progress: Progress = { step: note('info'), warn: note('warn'), error: note('error') };
      let result: JobResult;
      try {
        const { record } = await executeRun(this.loaded, {
          target,
          month: job.month,
          trigger: 'on-demand',
          workbook: job.workbook,
          force: job.force,
          strict: false,
          waitMs: 0,
          numberItemFiles: true,
        }, progress);
        result = { target, outcome: 'success', record };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const record = runId ? (await new RunLedger(this.loaded.paths.ledger).read()).find((r) => r.id === runId) : undefined;
        const outcome: JobResult['outcome'] =
          error instanceof B4BError && error.exitCode === LOCK_REFUSED ? 'already-running' : record?.outcome === 'refused' ? 'exists' : 'failed';
        result = { target, outcome, error: message, ...(record ? { record } : {}) };
        job.steps.push({ at: new Date(), level: 'error', message });
      }
      job.results.push(result);
      if (index === 0) onFirst(result);
    }
    job.finishedAt = new Date();
  }
}
