import { performance } from 'node:perf_hooks';
import { targetLabel, type RunTarget } from '../model/target.js';
import { RunStoppedError } from './stop-signal.js';
import type { MonthKey } from '../model/month.js';
import { LockLostError } from './file-lock.js';
import { cutText, newRunId, type RunLedger, type RunRecord, type RunTrigger } from './ledger.js';
import type { Progress } from './progress.js';

/** How one target of a run ended: its ledger record, and the error when it was not written. */
export interface TargetResult {
  target: RunTarget;
  record: RunRecord;
  error?: unknown;
  /** Where the files this run replaced are kept (the set's last run before it), when it replaced some. */
  replacedKept?: string;
}

/** What every record of a run shares. */
export interface RunRecordsOptions {
  ledger: RunLedger;
  month: MonthKey;
  trigger: RunTrigger;
  job?: string;
  slot?: string;
  workbookFile: string;
  now: () => Date;
  progress: Progress;
}

export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The ledger records of one run's targets: each made when the run starts, and appended once, whatever
 * its outcome (success, failed, refused, skipped) and however the run ends, a stop signal included.
 */
export class RunRecords {
  readonly results: TargetResult[];
  private readonly recorded = new Set<RunRecord>();
  private readonly started = performance.now();

  constructor(
    private readonly options: RunRecordsOptions,
    targets: RunTarget[],
  ) {
    this.results = targets.map((target) => ({ target, record: this.newRecord(target) }));
  }

  /** Sets the record's finishing time and its duration (from the run's start), just before it is written. */
  readonly finish = (record: RunRecord): void => {
    record.finishedAt = this.options.now().toISOString();
    record.durationMs = Math.round(performance.now() - this.started);
  };

  /** Records a target's outcome (once: a target already recorded is left as it is). */
  async record(result: TargetResult, outcome: RunRecord['outcome'], error?: unknown): Promise<void> {
    if (this.recorded.has(result.record)) return;
    this.recorded.add(result.record);
    result.record.outcome = outcome;
    if (error !== undefined) {
      result.error = error;
      result.record.error = error instanceof LockLostError ? `${error.message}; nothing was replaced` : errorText(error);
    }
    this.finish(result.record);
    try {
      await this.options.ledger.append(result.record);
    } catch (cause) {
      this.options.progress.error(
        `the run of ${targetLabel(result.target)} could not be recorded in the ledger ${this.options.ledger.file}: ${cutText((cause as Error).message)}`,
      );
    }
  }

  /** Says that publishing wrote the target's record itself (before its switch). */
  published(result: TargetResult): void {
    this.recorded.add(result.record);
  }

  /** Records every target not yet recorded with this outcome and error. */
  async recordRest(outcome: RunRecord['outcome'], error: unknown): Promise<void> {
    for (const result of this.results) await this.record(result, outcome, error);
  }

  /**
   * Records every target not yet recorded as stopped, at once and synchronously, while the stop signal is
   * being handled: the layout thread may be busy for seconds, and the process exits right after (stop-signal.ts).
   */
  recordStopped(reason: unknown): void {
    if (reason instanceof RunStoppedError) {
      reason.month = this.options.month;
      for (const result of this.results) {
        if (this.recorded.has(result.record) && result.record.outcome === 'success') reason.published.push(targetLabel(result.target));
      }
    }
    for (const result of this.results) {
      if (this.recorded.has(result.record)) continue;
      this.recorded.add(result.record);
      result.record.outcome = 'failed';
      result.record.error = (reason as Error | undefined)?.message ?? 'the run was stopped';
      delete result.record.set;
      this.finish(result.record);
      try {
        this.options.ledger.appendSync(result.record);
      } catch (cause) {
        this.options.progress.error(`the run could not be recorded in the ledger ${this.options.ledger.file}: ${cutText((cause as Error).message)}`);
      }
    }
  }

  private newRecord(target: RunTarget): RunRecord {
    const { month, trigger, job, slot, workbookFile, now } = this.options;
    const started = now();
    return {
      id: newRunId(started),
      target,
      month,
      trigger,
      ...(job !== undefined ? { job } : {}),
      ...(slot !== undefined ? { slot } : {}),
      startedAt: started.toISOString(),
      finishedAt: started.toISOString(),
      durationMs: 0,
      workbook: { path: workbookFile },
      outcome: 'failed',
      outputs: [],
      warnings: [],
    };
  }
}
