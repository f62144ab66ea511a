import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { LoadedSettings } from '../config/settings.js';
import type { Dataset } from '../dataset/types.js';
import { B4BError } from '../findings/finding.js';
import { monthLongLabel, type MonthKey } from '../model/month.js';
import { requireMonthRows } from './configured-report.js';
import { executeRun, monthLockName, readCheckedWorkbook, type RunRequest, type RunResult, type SharedRun } from './execute-run.js';
import { newRunId, RunLedger, type RunRecord } from './ledger.js';
import { sha256 } from './output-writer.js';
import type { Progress } from './progress.js';
import { RunCache } from './run-cache.js';
import { LOCK_REFUSED, withRunLock } from './run-lock.js';

export type RunTarget = RunRequest['target'];

export type MonthRunRequest = Omit<RunRequest, 'target' | 'shared' | 'deliver'>;

export interface MonthRunResult {
  /** Each output set that was produced, in order: the reports, then the packs. */
  produced: RunResult[];
  /** Each output set that was not produced, with its ledger record (outcome skipped, failed or refused). */
  notProduced: Array<{ record: RunRecord; error?: unknown }>;
  /** The paths to show the user: every report's PDF and every pack's two variants. */
  printed: string[];
  durationMs: number;
}

/** Every report in the settings, then every pack: what `run --month M` produces. */
export function configuredTargets(loaded: LoadedSettings, packNames: string[]): RunTarget[] {
  return [
    ...Object.keys(loaded.settings.reports).map((name) => ({ kind: 'report' as const, name })),
    ...packNames.map((name) => ({ kind: 'pack' as const, name })),
  ];
}

/**
 * Why a configured report is not produced for the month, or undefined when it is. A clinic reports
 * on the month asked or not at all: without that month's team rows it is skipped, and the reason
 * names the latest month that has them and the command that produces it. It is never quietly made
 * for another month (a pack's clinics are the exception its configuration states:
 * `month: latest-with-team-rows`, printed as such on the pack's agenda and the clinic's cover).
 */
export function skipReason(loaded: LoadedSettings, target: RunTarget, dataset: Dataset, month: MonthKey): string | undefined {
  if (target.kind !== 'report' || loaded.settings.reports[target.name]?.kind !== 'clinic') return undefined;
  try {
    requireMonthRows(dataset.teamMeasures, month, dataset.file, { rows: 'team rows', sheet: 'Team measures', report: 'clinic' });
    return undefined;
  } catch (error) {
    const latest = [...new Set(dataset.teamMeasures.map((r) => r.month))].sort().pop();
    const advice = latest ? `; "b4b-reports run --month ${latest} --report ${target.name}" produces it for ${monthLongLabel(latest)}` : '';
    return `${target.name} was not produced for ${monthLongLabel(month)}: ${(error as Error).message}${advice}`;
  }
}

/**
 * The whole month in one process, under one lock: the workbook is read once, every report and pack
 * configured is produced as its own output set (each written as a whole, each with its own ledger
 * record, each by the same `executeRun` path as `run --report` and `run --pack`), and every document
 * is laid out once for all the sets that hold it. A set that fails does not stop the others; a
 * clinic without the month's team rows is skipped with a recorded warning.
 */
export async function executeMonthRun(
  loaded: LoadedSettings,
  request: MonthRunRequest,
  progress: Progress,
  now: () => Date = () => new Date(),
): Promise<MonthRunResult> {
  const clock = performance.now();
  const { loadPacks } = await import('../pack/load-packs.js');
  const targets = configuredTargets(loaded, Object.keys(await loadPacks(loaded)));
  const ledger = new RunLedger(loaded.paths.ledger);
  const workbookFile = path.resolve(request.workbook ?? loaded.paths.workbook);
  const result: MonthRunResult = { produced: [], notProduced: [], printed: [], durationMs: 0 };

  /** The record of a set that did not run at all: refused (the lock), failed (the workbook) or skipped. */
  const unrun = async (
    target: RunTarget,
    outcome: RunRecord['outcome'],
    detail: { error?: unknown; warning?: string },
    sha?: string,
  ): Promise<MonthRunResult['notProduced'][number]> => {
    const at = now().toISOString();
    const record: RunRecord = {
      id: newRunId(now()),
      target,
      month: request.month,
      trigger: request.trigger,
      ...(request.job ? { job: request.job } : {}),
      ...(request.slot ? { slot: request.slot } : {}),
      startedAt: at,
      finishedAt: at,
      durationMs: 0,
      workbook: { path: workbookFile, ...(sha ? { sha256: sha } : {}) },
      outcome,
      outputs: [],
      warnings: detail.warning ? [detail.warning] : [],
      ...(detail.error !== undefined
        ? { error: detail.error instanceof Error ? detail.error.message : typeof detail.error === 'string' ? detail.error : JSON.stringify(detail.error) }
        : {}),
    };
    await ledger.append(record);
    return { record, ...(detail.error !== undefined ? { error: detail.error } : {}) };
  };

  try {
    await withRunLock(loaded.paths.outputDir, monthLockName(request.month), request.waitMs, async (lock) => {
      progress.step(`Starting the whole month, ${monthLongLabel(request.month)}: ${targets.map((t) => `${t.kind} ${t.name}`).join(', ')}`);
      progress.step(`Reading ${path.basename(workbookFile)}`);
      const history = ledger.readAll();
      history.catch(() => undefined);
      const shared: SharedRun = { read: () => reading, cache: new RunCache(), lock, history: () => history };
      const reading = readCheckedWorkbook(loaded, workbookFile, request.month, (bytes) => {
        shared.workbookSha256 = sha256(bytes);
      });
      let dataset: Dataset;
      try {
        ({ dataset } = await reading);
      } catch (error) {
        // The workbook fails every set alike: each is recorded, and the error is the run's.
        for (const target of targets) result.notProduced.push(await unrun(target, 'failed', { error }, shared.workbookSha256));
        throw error;
      }
      // Every set at once: their documents queue for the layout threads (two at a time), while this
      // thread builds the next set's model and assembles the last one's pack. Results keep the targets' order.
      const done = await Promise.all(
        targets.map(async (target): Promise<{ run?: RunResult; notProduced?: MonthRunResult['notProduced'][number] }> => {
          const reason = skipReason(loaded, target, dataset, request.month);
          if (reason !== undefined) {
            progress.warn(reason);
            const record = request.strict
              ? await unrun(target, 'failed', { error: new B4BError(`--strict: ${reason}`) }, shared.workbookSha256)
              : await unrun(target, 'skipped', { warning: reason }, shared.workbookSha256);
            return { notProduced: record };
          }
          try {
            return { run: await executeRun(loaded, { ...request, target, shared }, progress, now) };
          } catch (error) {
            // Recorded by executeRun; the other sets go on.
            progress.error(`${target.kind} ${target.name}: ${error instanceof Error ? error.message : String(error)}`);
            const record = (await ledger.read())
              .filter((r) => r.target.kind === target.kind && r.target.name === target.name && r.month === request.month)
              .pop();
            return record ? { notProduced: { record, error } } : {};
          }
        }),
      );
      for (const { run, notProduced } of done) {
        if (run) {
          result.produced.push(run);
          result.printed.push(...run.printed);
        }
        if (notProduced) result.notProduced.push(notProduced);
      }
    });
  } catch (error) {
    if (error instanceof B4BError && error.exitCode === LOCK_REFUSED && result.notProduced.length === 0 && result.produced.length === 0) {
      for (const target of targets) result.notProduced.push(await unrun(target, 'refused', { error }));
    }
    throw error;
  }
  result.durationMs = Math.round(performance.now() - clock);
  return result;
}
