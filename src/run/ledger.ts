import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import type { MonthKey } from '../workbook/month.js';

export type RunTrigger = 'schedule' | 'on-demand';
/** `skipped`: a run of the whole month did not produce this report, and its warning says why. */
export type RunOutcome = 'success' | 'failed' | 'refused' | 'skipped';

export interface FigureChange {
  /** Where the figure lives: sheet and table, indicator (or measure/area), month. */
  where: string;
  indicator: string;
  month: MonthKey;
  /** What changed, where it is not a month's figure: "target", "benchmark England", "RAG", "commentary"… */
  what?: string;
  /** The workbook cell ("'B4B data set'!F14"), where the value comes from one. */
  cell?: string;
  old: string;
  new: string;
}

export interface DeliveryRecord {
  list: string;
  variant: 'public' | 'restricted' | 'failure-notice';
  recipients: string[];
  status: 'sent' | 'refused' | 'failed';
  detail?: string;
}

/** One run of a report or pack, as the ledger records it. */
export interface RunRecord {
  id: string;
  target: { kind: 'pack' | 'report'; name: string };
  month: MonthKey;
  trigger: RunTrigger;
  /** For scheduled runs: the job and the slot (local wall-clock time) it ran for. */
  job?: string;
  slot?: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  workbook: { path: string; sha256?: string };
  outcome: RunOutcome;
  error?: string;
  outputs: Array<{ path: string; sha256: string }>;
  warnings: string[];
  changes?: FigureChange[];
  /** The run's figure snapshot (for the next re-run's comparison), relative to the ledger's folder. */
  figures?: string;
  delivery?: DeliveryRecord[];
}

/** A file-based ledger: one JSON line per run, appended under a lock. */
export class RunLedger {
  constructor(readonly file: string) {}

  get folder(): string {
    return path.dirname(this.file);
  }

  async append(record: RunRecord): Promise<void> {
    await mkdir(this.folder, { recursive: true });
    await appendFile(this.file, '', 'utf8');
    const release = await lockfile.lock(this.file, { retries: { retries: 20, minTimeout: 20, maxTimeout: 200 }, realpath: false });
    try {
      await appendFile(this.file, `${JSON.stringify(record)}\n`, 'utf8');
    } finally {
      await release();
    }
  }

  async read(): Promise<RunRecord[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw cause;
    }
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as RunRecord];
        } catch {
          return []; // a line cut short by a crash is skipped, never fatal
        }
      });
  }

  async lastSuccess(target: RunRecord['target'], month: MonthKey): Promise<RunRecord | undefined> {
    return (await this.read())
      .filter((r) => r.outcome === 'success' && r.target.kind === target.kind && r.target.name === target.name && r.month === month)
      .pop();
  }

  async hasSlot(job: string, slot: string): Promise<boolean> {
    return (await this.read()).some((r) => r.job === job && r.slot === slot && r.outcome !== 'refused');
  }
}

export function newRunId(now: Date): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${Math.random().toString(36).slice(2, 8)}`;
}
