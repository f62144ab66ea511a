import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadDeliverySettings, type LoadedSettings } from '../config/settings.js';
import type { DeliverySettings } from '../config/delivery.js';
import type { DeliveryRequest, PlannedDelivery } from '../delivery/plan-delivery.js';
import { BusyError, fileSystemError, UsageError } from '../findings/errors.js';
import { B4BError, findingLinesPerKind, type Finding } from '../findings/finding.js';
import { readRunConfig, readRunWorkbook, type RunInputs, type RunTarget } from '../inputs/run-inputs.js';
import { monthLongLabel, type MonthKey } from '../model/month.js';
import { produceContext, untimed, type LayOut, type StageTimer } from '../produce/context.js';
import { produceTargets } from '../produce/month.js';
import { shownFiles } from '../produce/output-set.js';
import { deliverRun, queuedDelivery, type DeliveryOutcome } from './deliver.js';
import { faultHold, faultPoint } from './fault-points.js';
import { LockLostError } from './file-lock.js';
import { cutText, describeSkipped, newRunId, RunLedger, type RunRecord, type RunTrigger } from './ledger.js';
import { cleanStaging, recoverSets } from './output-files.js';
import type { Progress } from './progress.js';
import { publishOutputSet } from './publish.js';
import { withRunLock } from './run-lock.js';
import { RunStoppedError } from './stop-signal.js';

/** What to run: the targets named (`--report`, `--pack`, a scheduled pack), or everything configured for the month. */
export interface RunRequest {
  targets: RunTarget[] | 'all';
  month: MonthKey;
  trigger: RunTrigger;
  /** For scheduled runs: the job and the slot (local wall-clock time) it runs for; a slot runs once. */
  job?: string;
  slot?: string;
  /** Another workbook than the configured one. */
  workbook?: string;
  /** Replace outputs that already exist (a re-run); without it a target whose files exist is refused before any work. */
  force: boolean;
  /** Warnings are errors: a set with warnings is not written. */
  strict: boolean;
  /** How long to wait for another run of the month to finish before refusing (0: refuse at once). */
  waitMs: number;
  /** Pack page numbers on each item's own PDF (else they are left off). */
  numberItemFiles: boolean;
  /** E-mail each pack produced to these lists, after it is published. */
  deliver?: DeliveryRequest;
  /** Stops the run at its next step (SIGTERM, SIGINT): nothing more is published, the run is recorded. */
  signal?: AbortSignal;
}

/** How one target of a run ended: its ledger record, and the error when it was not written. */
export interface TargetResult {
  target: RunTarget;
  record: RunRecord;
  error?: unknown;
}

export interface RunResult {
  month: MonthKey;
  /** One per target, in the targets' order. */
  results: TargetResult[];
  /** The workbook's own warnings, once for the run (each set's record keeps them too). */
  workbookWarnings: Finding[];
  /** What was delivered after publishing (scheduled packs). */
  delivery: DeliveryOutcome[];
  durationMs: number;
}

/** What a run is given by the command that starts it: where documents are laid out, its stage timer and its clock. */
export interface RunDeps {
  layOut: LayOut;
  timer?: StageTimer;
  now?: () => Date;
  /** Called once the configuration says what to produce, before any other work (the CLI starts its layout thread here). */
  configured?: () => void;
}

/**
 * The one lock of every run of a month, whatever it produces: a run of the whole month and a run of
 * one of its reports or packs write into the same folder, so they never run at once.
 */
export function monthLockName(month: MonthKey): string {
  return `month-${month}`;
}

export function targetLabel(target: RunTarget): string {
  return `${target.kind} ${target.name}`;
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const firstLine = (error: unknown): string => errorText(error).split('\n')[0] ?? '';

/**
 * A run, the same for `run`, the scheduler and the console, whatever it produces (one report, one
 * pack, or the whole month):
 *
 *   read the configuration → take the month's lock → refuse what may not be replaced → read the workbook
 *   → produce every target (src/produce/, no file system) → publish each output set (record, then switch)
 *   → release the lock → deliver what was published.
 *
 * Every target gets one ledger record, whatever its outcome (success, failed, refused, skipped); a
 * target that fails does not stop the others. Only a configuration that cannot be read throws before
 * anything is recorded.
 */
export async function runMonth(loaded: LoadedSettings, request: RunRequest, progress: Progress, deps: RunDeps): Promise<RunResult> {
  const now = deps.now ?? (() => new Date());
  const timer = deps.timer ?? untimed;
  const clock = performance.now();
  const ledger = new RunLedger(loaded.paths.ledger);
  const workbookFile = path.resolve(request.workbook ?? loaded.paths.workbook);
  const month = request.month;

  const newRecord = (target: RunTarget): RunRecord => {
    const started = now();
    return {
      id: newRunId(started),
      target,
      month,
      trigger: request.trigger,
      ...(request.job !== undefined ? { job: request.job } : {}),
      ...(request.slot !== undefined ? { slot: request.slot } : {}),
      startedAt: started.toISOString(),
      finishedAt: started.toISOString(),
      durationMs: 0,
      workbook: { path: workbookFile },
      outcome: 'failed',
      outputs: [],
      warnings: [],
    };
  };
  const finish = (record: RunRecord): void => {
    record.finishedAt = now().toISOString();
    record.durationMs = Math.round(performance.now() - clock);
  };

  let config: Awaited<ReturnType<typeof readRunConfig>>;
  try {
    config = await readRunConfig(loaded, request.targets);
  } catch (error) {
    // A configuration that cannot be read fails each target named (a name the settings lack is the user's typing, not a run).
    if (!(error instanceof UsageError) && request.targets !== 'all') {
      for (const target of request.targets) {
        const record = newRecord(target);
        record.error = errorText(error);
        await ledger.append(record).catch(() => undefined);
      }
    }
    throw error;
  }
  deps.configured?.();
  const results: TargetResult[] = config.targets.map((target) => ({ target, record: newRecord(target) }));
  const recorded = new Set<RunRecord>();
  const record = async (result: TargetResult, outcome: RunRecord['outcome'], error?: unknown): Promise<void> => {
    if (recorded.has(result.record)) return;
    recorded.add(result.record);
    result.record.outcome = outcome;
    if (error !== undefined) {
      result.error = error;
      result.record.error = error instanceof LockLostError ? `${error.message}; nothing was replaced` : errorText(error);
    }
    finish(result.record);
    try {
      await ledger.append(result.record);
    } catch (cause) {
      progress.error(`the run of ${targetLabel(result.target)} could not be recorded in the ledger ${ledger.file}: ${cutText((cause as Error).message)}`);
    }
  };

  // A stop signal is recorded at once, synchronously, while the signal is being handled: the layout
  // thread may be busy for seconds, and the process exits right after (see stop-signal.ts).
  const onStop = (): void => {
    for (const result of results) {
      if (recorded.has(result.record)) continue;
      recorded.add(result.record);
      result.record.outcome = 'failed';
      result.record.error = (request.signal?.reason as Error | undefined)?.message ?? 'the run was stopped';
      delete result.record.set;
      finish(result.record);
      try {
        ledger.appendSync(result.record);
      } catch (cause) {
        progress.error(`the run could not be recorded in the ledger ${ledger.file}: ${cutText((cause as Error).message)}`);
      }
    }
  };
  request.signal?.addEventListener('abort', onStop, { once: true });

  // Delivery is planned before any work: a restricted pack addressed to a public list is refused here.
  const planned = new Map<TargetResult, PlannedDelivery[]>();
  let deliverySettings: DeliverySettings | undefined;
  let workbookWarnings: Finding[] = [];
  try {
    if (request.deliver) {
      deliverySettings = await loadDeliverySettings(loaded);
      const { planDelivery } = await import('../delivery/plan-delivery.js');
      for (const result of results) {
        if (result.target.kind === 'pack') planned.set(result, planDelivery(request.deliver, deliverySettings, result.target.name));
      }
    }
    await withRunLock(loaded.paths.outputDir, monthLockName(month), request.waitMs, async (lock) => {
      const signal = request.signal ? AbortSignal.any([lock.signal, request.signal]) : lock.signal;
      // A lost lock or a stop signal ends the run at once, even while a step is still awaiting.
      const stopped = new Promise<never>((_, reject) => {
        if (signal.aborted) reject(signal.reason as Error);
        signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
      });
      stopped.catch(() => undefined);
      const work = async (): Promise<void> => {
        faultPoint('after-lock');
        await cleanStaging(loaded.paths.outputDir);
        const names = results.map((r) => targetLabel(r.target)).join(', ');
        progress.step(`Starting ${monthLongLabel(month)}: ${names}`, { runs: results.map((r) => r.record.id), trigger: request.trigger });
        const history = await ledger.readAll();
        if (history.skipped.length > 0) progress.warn(describeSkipped(history.skipped), { skippedLines: history.skipped.length });
        // A run of this month killed while it put its files in place is finished first (or undone, if it was never recorded).
        for (const line of await recoverSets(loaded.paths.outputDir, `${month}/`, recordedSet(history.records))) progress.warn(line);

        // A slot runs once: asked again under the month's lock, so two schedulers that fire together cannot both run it.
        if (request.job !== undefined && request.slot !== undefined) {
          const done = history.records.find((r) => r.job === request.job && r.slot === request.slot && r.outcome !== 'refused');
          if (done) throw new BusyError(`the ${request.slot} slot of the job "${request.job}" has already run (run ${done.id}); it runs once`);
        }

        // Outputs that exist are replaced only with --force, and a target that would replace them is refused before any work.
        const toProduce: TargetResult[] = [];
        for (const result of results) {
          const existing = request.force ? undefined : await firstExisting(loaded.paths.outputDir, shownFiles(result.target, month));
          if (existing === undefined) toProduce.push(result);
          else
            await record(
              result,
              'refused',
              new B4BError(
                `${path.relative(process.cwd(), existing) || existing} already exists; nothing was replaced. ` +
                  `Use --force to re-run ${monthLongLabel(month)} and replace it.`,
              ),
            );
        }
        if (toProduce.length === 0) return;

        progress.step(`Reading ${path.basename(workbookFile)}`);
        const workbook = await timer.timed('read', () =>
          readRunWorkbook(loaded, workbookFile, month, (sha) => {
            for (const result of results) result.record.workbook.sha256 = sha;
          }),
        );
        workbookWarnings = workbook.warnings;
        // The workbook's own warnings, once for the run (every set's record keeps them).
        for (const line of findingLinesPerKind(workbook.warnings, loaded.settings.limits.maxFindingsPerKind, '')) progress.warn(cutText(line));
        signal.throwIfAborted();

        const inputs: RunInputs = { ...config, workbook };
        faultPoint('producing');
        await faultHold('producing');
        const ctx = produceContext(deps.layOut, { timer, step: (message) => progress.step(message) });
        const produced = await produceTargets(
          inputs,
          toProduce.map((r) => r.target),
          month,
          ctx,
          { numberItemFiles: request.numberItemFiles, skipClinics: request.targets === 'all' },
        );
        signal.throwIfAborted();

        for (const [i, outcome] of produced.entries()) {
          const result = toProduce[i] as TargetResult;
          const label = targetLabel(result.target);
          if (outcome.outcome === 'skipped') {
            progress.warn(outcome.reason, { target: label });
            result.record.warnings = [outcome.reason];
            if (request.strict) await record(result, 'failed', new B4BError(`--strict: ${outcome.reason}`));
            else await record(result, 'skipped');
            continue;
          }
          if (outcome.outcome === 'failed') {
            progress.error(firstLine(outcome.error), { target: label });
            await record(result, 'failed', outcome.error);
            continue;
          }
          for (const warning of outcome.set.warnings) progress.warn(cutText(warning), { target: label });
          // The pack's e-mails are queued in its record (the outbox), and sent once the lock is released.
          const plans = planned.get(result);
          if (plans) result.record.delivery = queuedDelivery(plans);
          try {
            await publishOutputSet(outcome.set, result.record, {
              outputDir: loaded.paths.outputDir,
              ledger,
              history,
              workbook,
              lock,
              strict: request.strict,
              timer,
              signal,
              finish,
            });
            recorded.add(result.record);
            const changes = result.record.changes;
            progress.step(
              `${label}: written (${outcome.set.files.length} file(s))` +
                (changes ? `; ${changes.length} figure(s) changed since the last run of ${monthLongLabel(month)}` : ''),
            );
          } catch (error) {
            delete result.record.delivery;
            if (signal.aborted) throw error;
            const typed = fileSystemError(error, { folder: loaded.paths.outputDir }) ?? error;
            progress.error(firstLine(typed), { target: label });
            await record(result, 'failed', typed);
          }
        }
      };
      const running = work();
      running.catch(() => undefined); // if the stop wins the race, the abandoned work must not surface as unhandled
      await Promise.race([running, stopped]);
    });
  } catch (thrown) {
    // The whole run refused (the lock, a slot already run), stopped, or failed before its sets (the
    // workbook): every target not yet recorded is recorded with it.
    // A lost lock is a refusal the user can act on (run again, exit 75), of a run that had started: it failed.
    const lost = thrown instanceof LockLostError;
    const error = lost ? new BusyError(`${thrown.message}; nothing was replaced`) : (fileSystemError(thrown, { folder: loaded.paths.outputDir }) ?? thrown);
    for (const result of results) await record(result, error instanceof BusyError && !lost ? 'refused' : 'failed', error);
  } finally {
    request.signal?.removeEventListener('abort', onStop);
  }

  // Delivered after publishing and outside the month's lock, from what was recorded: a stalled mail
  // server never holds the month, and a pack is never mailed that its record calls failed.
  const stoppedByUser = results.some((r) => r.error instanceof RunStoppedError);
  const delivery =
    deliverySettings && !stoppedByUser
      ? await deliverRun(
          deliverySettings,
          ledger,
          results.filter((r) => r.target.kind === 'pack' && r.record.outcome !== 'refused'),
          progress,
          request.signal,
        )
      : [];
  return { month, results, workbookWarnings, delivery, durationMs: Math.round(performance.now() - clock) };
}

/** Whether the ledger records a run as having published the set with this id (a journal of it is then carried out). */
function recordedSet(records: RunRecord[]): (id: string) => boolean {
  const published = new Set(records.filter((r) => r.outcome === 'success' && r.set).map((r) => r.set?.id));
  return (id) => published.has(id);
}

/**
 * What runs killed while they put their files in place left, in every month: finished (or undone, if
 * never recorded) under each month's lock, for `serve` and `schedule` when they start. A month whose
 * lock another run holds is left to that run, which does the same first.
 */
export async function recoverPublishing(loaded: LoadedSettings, progress: Progress): Promise<void> {
  const months = await readdir(path.join(loaded.paths.outputDir, '.sets')).catch(() => [] as string[]);
  if (months.length === 0) return;
  const ledger = new RunLedger(loaded.paths.ledger);
  for (const month of months.filter((m) => /^\d{4}-\d{2}$/.test(m))) {
    await withRunLock(loaded.paths.outputDir, monthLockName(month as MonthKey), 0, async () => {
      const said = await recoverSets(loaded.paths.outputDir, `${month}/`, recordedSet((await ledger.readAll()).records));
      for (const line of said) progress.warn(line);
    }).catch((error: unknown) => {
      if (!(error instanceof BusyError)) throw error;
    });
  }
}

/** The first of `files` (inside the output folder) that exists, as an absolute path. */
async function firstExisting(outputDir: string, files: string[]): Promise<string | undefined> {
  for (const file of files) {
    const full = path.join(outputDir, file);
    if (
      await stat(full).then(
        () => true,
        () => false,
      )
    )
      return full;
  }
  return undefined;
}
