import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadDeliverySettings, type LoadedSettings } from '../config/settings.js';
import type { DeliverySettings } from '../config/delivery.js';
import type { DeliveryRequest, PlannedDelivery } from '../delivery/plan-delivery.js';
import { BusyError, fileSystemError, UsageError } from '../findings/errors.js';
import { B4BError, findingLinesPerKind, type Finding } from '../findings/finding.js';
import { readRunConfig, readRunWorkbook, type RunInputs, type WorkbookInput } from '../inputs/run-inputs.js';
import { targetLabel, type RunTarget } from '../model/target.js';
import { monthLongLabel, type MonthKey } from '../model/month.js';
import { produceContext, untimed, type LayOut, type StageTimer } from '../produce/context.js';
import { produceTargets, skipReason, type Produced } from '../produce/month.js';
import { shownFiles, type OutputSet } from '../produce/output-set.js';
import { deliverRun, queuedDelivery, type DeliveryOutcome } from './deliver.js';
import { faultHold, faultPoint } from './fault-points.js';
import { LockLostError, type HeldLock } from './file-lock.js';
import { cutText, describeSkipped, RunLedger, type LedgerContents, type RunRecord, type RunTrigger } from './ledger.js';
import { cleanStaging, discardSet, recoverSets, replacedFilesFolder, type StagedSet } from './output-files.js';
import type { Progress } from './progress.js';
import { outputsOutOfStep, type OutOfStep } from './out-of-step.js';
import { compareWithHistory, publishOutputSet, stageOutputSet, type ComparedFigures } from './publish.js';
import { withRunLock } from './run-lock.js';
import { errorText, RunRecords, type TargetResult } from './run-records.js';
import { RunStoppedError, untilStopped } from './stop-signal.js';

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

export type { TargetResult } from './run-records.js';
export type { OutOfStep } from './out-of-step.js';

export interface RunResult {
  month: MonthKey;
  /** One per target, in the targets' order. */
  results: TargetResult[];
  /** The workbook's own warnings, once for the run (each set's record keeps them too). */
  workbookWarnings: Finding[];
  /** What was delivered after publishing (scheduled packs). */
  delivery: DeliveryOutcome[];
  durationMs: number;
  /** The month's outputs this run did not make again that still print the old value of a figure it changed. */
  outOfStep: OutOfStep[];
}

/** What a run is given by the command that starts it: where documents are laid out, its stage timer and its clock. */
export interface RunDeps {
  layOut: LayOut;
  timer?: StageTimer;
  now?: () => Date;
  /** Called once the configuration says what to produce, before any other work (the CLI starts its layout thread here). */
  configured?: () => void;
  /** Called once every document of the run is laid out, before its sets are published (the CLI ends its layout thread here: it winds down while they are). */
  laidOut?: () => void;
}

/**
 * The one lock of every run of a month, whatever it produces: a run of the whole month and a run of
 * one of its reports or packs write into the same folder, so they never run at once.
 */
export function monthLockName(month: MonthKey): string {
  return `month-${month}`;
}

const firstLine = (error: unknown): string => errorText(error).split('\n')[0] ?? '';

/**
 * A run, the same for `run`, the scheduler and the console, whatever it produces (one report, one
 * pack, or the whole month):
 *
 *   read the configuration → take the month's lock → refuse what may not be replaced → read the workbook
 *   → skip the clinics the month has no team rows for → produce every other target (src/produce/, no file system) → publish each output set (record, then switch)
 *   → release the lock → deliver what was published.
 *
 * Every target gets one ledger record, whatever its outcome (success, failed, refused, skipped); a
 * target that fails does not stop the others. Only a configuration that cannot be read throws before
 * anything is recorded.
 */
export async function runMonth(loaded: LoadedSettings, request: RunRequest, progress: Progress, deps: RunDeps): Promise<RunResult> {
  const started = performance.now();
  const ledger = new RunLedger(loaded.paths.ledger, { outputDir: loaded.paths.outputDir });
  const recordsOf = (targets: RunTarget[]): RunRecords => runRecords(loaded, request, ledger, progress, deps, targets);

  const config = await readRunConfig(loaded, request.targets).catch(async (error: unknown) => {
    // A configuration that cannot be read fails each target named (a name the settings lack is the user's typing, not a run).
    if (!(error instanceof UsageError) && request.targets !== 'all') await recordsOf(request.targets).recordRest('failed', error);
    throw error;
  });
  deps.configured?.();
  const run: MonthRun = { loaded, request, progress, ledger, records: recordsOf(config.targets), timer: deps.timer ?? untimed };
  const onStop = (): void => run.records.recordStopped(request.signal?.reason);
  request.signal?.addEventListener('abort', onStop, { once: true });
  let deliveries: Deliveries | undefined;
  let workbookWarnings: Finding[] = [];
  let outOfStep: OutOfStep[] = [];
  try {
    if (request.deliver) deliveries = { settings: await loadDeliverySettings(loaded), planned: new Map() };
    await planDeliveries(run, deliveries); // a refusal here still sends the failure notice
    await withRunLock(loaded.paths.outputDir, monthLockName(request.month), request.waitMs, (lock) =>
      untilStopped([lock.signal, request.signal], async (signal) => {
        const history = await prepareMonth(run);
        const toProduce = await refuseExisting(run);
        if (toProduce.length === 0) return;
        const workbook = await readWorkbook(run);
        workbookWarnings = workbook.warnings;
        signal.throwIfAborted();
        const inputs = { ...config, workbook };
        const toMake = await recordSkipped(run, inputs, toProduce);
        // Each set is staged as soon as it is made (nothing visible changes), while the others are still
        // being laid out; all are then published in the targets' order, once the check across them is done.
        const staging = new Map<number, Promise<Staging>>();
        const produced = await produce(run, inputs, toMake, deps.layOut, (i, set) => {
          const record = toMake[i]?.record;
          if (record) staging.set(i, beginStaging(run, set, record, { workbook, history }));
        });
        deps.laidOut?.();
        try {
          signal.throwIfAborted();
          for (const [i, outcome] of produced.entries()) {
            const staged = staging.get(i);
            staging.delete(i);
            await publishOutcome(run, toMake[i] as TargetResult, outcome, staged, { workbook, history, lock, signal, deliveries });
          }
        } finally {
          // Stopped before they were published: their staged files go.
          for (const unpublished of staging.values()) await unpublished.then((s) => s.staged.then(discardSet)).catch(() => undefined);
        }
        outOfStep = await outputsOutOfStep(run.ledger, history, run.records.results, request.month);
      }),
    );
  } catch (thrown) {
    // The whole run refused (the lock, a slot already run), stopped, or failed before its sets (the
    // workbook): every target not yet recorded is recorded with it. A lost lock is a refusal the user
    // can act on (run again, exit 75), of a run that had started: it failed.
    const lost = thrown instanceof LockLostError;
    const error = lost ? new BusyError(`${thrown.message}; nothing was replaced`) : (fileSystemError(thrown, { folder: loaded.paths.outputDir }) ?? thrown);
    await run.records.recordRest(error instanceof BusyError && !lost ? 'refused' : 'failed', error);
  } finally {
    request.signal?.removeEventListener('abort', onStop);
  }
  const delivery = await deliverPublished(run, deliveries);
  return { month: request.month, results: run.records.results, workbookWarnings, delivery, durationMs: Math.round(performance.now() - started), outOfStep };
}

/** What the steps of one run share. */
interface MonthRun {
  loaded: LoadedSettings;
  request: RunRequest;
  progress: Progress;
  ledger: RunLedger;
  records: RunRecords;
  timer: StageTimer;
}

/** The run's records, one per target, each with what every record of the run shares. */
function runRecords(loaded: LoadedSettings, request: RunRequest, ledger: RunLedger, progress: Progress, deps: RunDeps, targets: RunTarget[]): RunRecords {
  const { month, trigger, job, slot } = request;
  return new RunRecords(
    {
      ...{ ledger, month, trigger, progress },
      ...(job !== undefined ? { job } : {}),
      ...(slot !== undefined ? { slot } : {}),
      workbookFile: workbookFile(loaded, request),
      now: deps.now ?? (() => new Date()),
    },
    targets,
  );
}

/** The workbook a run reads: the one asked for, else the configured one. */
function workbookFile(loaded: LoadedSettings, request: RunRequest): string {
  return path.resolve(request.workbook ?? loaded.paths.workbook);
}

/** Produces the targets not refused, in src/produce/ (no file system): one outcome each, in their order. */
async function produce(
  { request, progress, timer }: MonthRun,
  inputs: RunInputs,
  toProduce: TargetResult[],
  layOut: LayOut,
  whenProduced: (index: number, set: OutputSet) => void,
): Promise<Produced[]> {
  faultPoint('producing');
  await faultHold('producing');
  const ctx = produceContext(layOut, { timer, step: (message) => progress.step(message) });
  const targets = toProduce.map((r) => r.target);
  return produceTargets(inputs, targets, request.month, ctx, { numberItemFiles: request.numberItemFiles, whenProduced });
}

/** A produced set compared with the ledger, and its files being written beside the current ones (stageOutputSet). */
interface Staging {
  compared: ComparedFigures;
  staged: Promise<StagedSet>;
}

/** Compares a set with the ledger and stages its files, begun as soon as it is made; its failures surface when it is published. */
function beginStaging(
  { loaded, ledger, timer }: MonthRun,
  set: OutputSet,
  record: RunRecord,
  under: { workbook: WorkbookInput; history: LedgerContents },
): Promise<Staging> {
  const staging = compareWithHistory(set, { ledger, history: under.history, workbook: under.workbook }).then((compared) => {
    const staged = stageOutputSet(set, record, { outputDir: loaded.paths.outputDir, ledger, timer }, compared);
    staged.catch(() => undefined); // awaited, and its failure reported, as the set is published
    return { compared, staged };
  });
  staging.catch(() => undefined);
  return staging;
}

/**
 * In a run of everything configured, a clinic without the month's team rows is skipped (asked for by
 * name, it is produced and fails, saying why): recorded as skipped before any target is produced, so
 * a run stopped while producing records it as what it was. Returns the targets to produce.
 */
async function recordSkipped({ request, progress, records }: MonthRun, inputs: RunInputs, toProduce: TargetResult[]): Promise<TargetResult[]> {
  if (request.targets !== 'all') return toProduce;
  const toMake: TargetResult[] = [];
  for (const result of toProduce) {
    const reason = skipReason(inputs, result.target, request.month);
    if (reason === undefined) {
      toMake.push(result);
      continue;
    }
    progress.warn(reason, { target: targetLabel(result.target) });
    result.record.warnings = [reason];
    if (request.strict) await records.record(result, 'failed', new B4BError(`--strict: ${reason}`));
    else await records.record(result, 'skipped');
  }
  return toMake;
}

/** The run's e-mail: the delivery settings and each pack's planned lists. */
interface Deliveries {
  settings: DeliverySettings;
  planned: Map<TargetResult, PlannedDelivery[]>;
}

/** Delivery is planned before any work: a restricted pack addressed to a public list is refused here. */
async function planDeliveries({ request, records }: MonthRun, deliveries: Deliveries | undefined): Promise<void> {
  if (!request.deliver || !deliveries) return;
  const { planDelivery } = await import('../delivery/plan-delivery.js');
  for (const result of records.results) {
    if (result.target.kind === 'pack') deliveries.planned.set(result, planDelivery(request.deliver, deliveries.settings, result.target.name));
  }
}

/**
 * Under the month's lock, before any work: staging left by another run is cleaned, a set that a killed
 * run was putting in place is finished (or undone, if it was never recorded), and a scheduled slot
 * that has run already is refused, so two schedulers that fire together cannot both run it. Returns
 * the ledger as it is now, which each set compares its figures with.
 */
async function prepareMonth({ loaded, request, progress, ledger, records }: MonthRun): Promise<LedgerContents> {
  faultPoint('after-lock');
  await cleanStaging(loaded.paths.outputDir);
  const names = records.results.map((r) => targetLabel(r.target)).join(', ');
  progress.step(`Starting ${monthLongLabel(request.month)}: ${names}`, { runs: records.results.map((r) => r.record.id), trigger: request.trigger });
  const history = await ledger.readAll();
  if (history.skipped.length > 0) progress.warn(describeSkipped(history.skipped), { skippedLines: history.skipped.length });
  for (const line of await recoverSets(loaded.paths.outputDir, `${request.month}/`, recordedSet(history.records))) progress.warn(line);
  if (request.job !== undefined && request.slot !== undefined) {
    const done = history.records.find((r) => r.job === request.job && r.slot === request.slot && r.outcome !== 'refused');
    if (done) throw new BusyError(`the ${request.slot} slot of the job "${request.job}" has already run (run ${done.id}); it runs once`);
  }
  return history;
}

/** Outputs that exist are replaced only with --force: a target that would replace them is refused, before any work. The rest are produced. */
async function refuseExisting({ loaded, request, records }: MonthRun): Promise<TargetResult[]> {
  const toProduce: TargetResult[] = [];
  for (const result of records.results) {
    const existing = request.force ? undefined : await firstExisting(loaded.paths.outputDir, shownFiles(result.target, request.month));
    if (existing === undefined) toProduce.push(result);
    else {
      // By its whole path: the message is recorded, and read again (history, the console) from other folders.
      const message = `${existing} already exists; nothing was replaced. Use --force to re-run ${monthLongLabel(request.month)} and replace it.`;
      await records.record(result, 'refused', new B4BError(message));
    }
  }
  return toProduce;
}

/** Reads the workbook once for every target; its own warnings are said once for the run (every set's record keeps them). */
async function readWorkbook({ loaded, request, progress, records, timer }: MonthRun): Promise<WorkbookInput> {
  const file = workbookFile(loaded, request);
  progress.step(`Reading ${path.basename(file)}`);
  const workbook = await timer.timed('read', () =>
    readRunWorkbook(loaded, file, request.month, (sha) => {
      for (const result of records.results) result.record.workbook.sha256 = sha;
    }),
  );
  for (const line of findingLinesPerKind(workbook.warnings, loaded.settings.limits.maxFindingsPerKind, '')) progress.warn(cutText(line));
  return workbook;
}

/** One target's outcome: skipped or failed, recorded as such; or its output set published (recorded, then switched). */
async function publishOutcome(
  run: MonthRun,
  result: TargetResult,
  outcome: Produced,
  staging: Promise<Staging> | undefined,
  under: { workbook: WorkbookInput; history: LedgerContents; lock: HeldLock; signal: AbortSignal; deliveries: Deliveries | undefined },
): Promise<void> {
  const { loaded, request, progress, ledger, records, timer } = run;
  const label = targetLabel(result.target);
  if (outcome.outcome === 'failed') {
    progress.error(firstLine(outcome.error), { target: label });
    await records.record(result, 'failed', outcome.error);
    return;
  }
  const { workbook, history, lock, signal } = under;
  const { compared, staged } = await (staging ?? beginStaging(run, outcome.set, result.record, { workbook, history }));
  for (const warning of [...outcome.set.warnings, ...compared.revisions]) progress.warn(cutText(warning), { target: label });
  // The pack's e-mails are queued in its record (the outbox), and sent once the lock is released.
  const plans = under.deliveries?.planned.get(result);
  if (plans) result.record.delivery = queuedDelivery(plans);
  try {
    const context = { outputDir: loaded.paths.outputDir, ledger, history, workbook, lock, timer, signal, strict: request.strict };
    await publishOutputSet(outcome.set, result.record, { ...context, finish: records.finish, recorded: () => records.published(result) }, compared, staged);
    records.published(result);
    const replaced = compared.previous?.set;
    const kept = replaced ? await replacedFilesFolder(loaded.paths.outputDir, replaced.name, replaced.id) : undefined;
    if (kept) result.replacedKept = kept;
    const changes = result.record.changes;
    progress.step(
      `${label}: written (${outcome.set.files.length} file(s))` +
        (changes ? `; ${changes.length} figure(s) changed since the last run of ${monthLongLabel(request.month)}` : ''),
    );
  } catch (error) {
    delete result.record.delivery;
    if (under.signal.aborted) throw error;
    const typed = fileSystemError(error, { folder: loaded.paths.outputDir }) ?? error;
    progress.error(firstLine(typed), { target: label });
    // A run whose record was written before its switch failed is not recorded again: its record holds
    // (with some files in place, the next run of the month finishes the switch), or publishing has
    // recorded its failure itself (nothing in place). This run says it failed either way.
    result.error = typed;
    result.record.outcome = 'failed';
    result.record.error = errorText(typed);
    await records.record(result, 'failed', typed);
  }
}

/**
 * Delivered after publishing and outside the month's lock, from what was recorded: a stalled mail
 * server never holds the month, and a pack is never mailed that its record calls failed.
 */
async function deliverPublished({ request, ledger, progress, records }: MonthRun, deliveries: Deliveries | undefined): Promise<DeliveryOutcome[]> {
  const stoppedByUser = records.results.some((r) => r.error instanceof RunStoppedError);
  if (!deliveries || stoppedByUser) return [];
  const packs = records.results.filter((r) => r.target.kind === 'pack' && r.record.outcome !== 'refused');
  return deliverRun(deliveries.settings, ledger, packs, progress, request.signal);
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
  const ledger = new RunLedger(loaded.paths.ledger, { outputDir: loaded.paths.outputDir });
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
