import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { loadDeliverySettings, type LoadedSettings } from '../config/settings.js';
import type { Dataset } from '../dataset/types.js';
import type { DeliveryRequest } from '../delivery/plan-delivery.js';
import { B4BError, findingLinesPerKind, formatFinding, formatSource, moreLine, type Finding } from '../findings/finding.js';
import { fileSystemError } from '../findings/exit-codes.js';
import { readWorkbookFile } from '../workbook/read-workbook-file.js';
import type { ModelWarning } from '../report/report-figures.js';
import type { PrintedFigure } from '../report/printed-figures.js';
import { monthLongLabel, type MonthKey } from '../model/month.js';
import { buildConfiguredReport } from './configured-report.js';
import { compareSnapshots, figuresSnapshot, type SnapshotEntry } from './figures-snapshot.js';
import { faultPoint } from './fault-points.js';
import { LockLostError, type HeldLock } from './file-lock.js';
import { cutText, describeSkipped, newRunId, RunLedger, type DeliveryRecord, type RunRecord, type RunTrigger } from './ledger.js';
import { cleanStaging, discardSet, publishSet, sha256, stageSet, type OutputFile, type StagedSet } from './output-writer.js';
import type { Progress } from './progress.js';
import { LOCK_REFUSED, withRunLock } from './run-lock.js';
import { RunStoppedError } from './stop-signal.js';
import type { RunCache } from './run-cache.js';
import { timed } from './stage-clock.js';

export interface RunRequest {
  target: { kind: 'pack' | 'report'; name: string };
  month: MonthKey;
  trigger: RunTrigger;
  job?: string;
  slot?: string;
  workbook?: string;
  /** Replace outputs that already exist (a re-run). */
  force: boolean;
  strict: boolean;
  /** How long a run waits for another run of the same pack to finish before refusing (0: refuse at once). */
  waitMs: number;
  numberItemFiles: boolean;
  deliver?: DeliveryRequest;
  /** Stops the run at its next step (SIGTERM, SIGINT): nothing is published, the run is recorded. */
  signal?: AbortSignal;
  /**
   * Given when this run is one output set of a run of several (`run --month` alone, see run-month.ts):
   * that run holds the lock, reads the workbook once and lays each document out once for all its sets.
   */
  shared?: SharedRun;
}

/** What the output sets of one run of several share. */
export interface SharedRun {
  /** The checked workbook, read once (the same promise for every set; a rejection fails every set). */
  read: () => Promise<{ dataset: Dataset; warnings: Finding[] }>;
  /** The workbook's SHA-256, once its bytes were read (also when it then failed its checks). */
  workbookSha256?: string;
  cache: RunCache;
  /**
   * The ledger as it was when the run of several started, read once for all its sets (each set
   * compares with the last run of its own target and month, which no other set of the run writes).
   */
  history: () => ReturnType<RunLedger['readAll']>;
  /** The lock the run of several holds: each set checks it before publishing. */
  lock: HeldLock;
}

export interface RunResult {
  record: RunRecord;
  /** The paths to show the user: the report, or the pack's two variants. */
  printed: string[];
}

/**
 * The one lock of every run of a month, whatever it produces: a run of the whole month and a run of
 * one of its reports or packs write into the same folder, so they never run at once.
 */
export function monthLockName(month: MonthKey): string {
  return `month-${month}`;
}

/** Reads and checks the workbook; errors, or a month the workbook does not reach, stop the run. */
export async function readCheckedWorkbook(
  loaded: LoadedSettings,
  file: string,
  month: MonthKey,
  onBytes: (bytes: Uint8Array) => void = () => undefined,
): Promise<{ dataset: Dataset; findings: number; warnings: Finding[] }> {
  const { dataset, findings, bytes } = await timed('read', () => readWorkbookFile(file, loaded.aliases, loaded.catalogue, loaded.settings.limits));
  onBytes(bytes);
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    const lines = findingLinesPerKind(errors, loaded.settings.limits.maxFindingsPerKind);
    throw new B4BError(`the workbook has ${errors.length.toLocaleString('en-GB')} error(s); nothing was written:\n${lines.join('\n')}`, errors);
  }
  const months = dataset.tables.flatMap((t) => t.months);
  if (!months.includes(month)) {
    const latest = [...months].sort().pop();
    throw new B4BError(
      `no table in ${path.basename(file)} has figures for ${monthLongLabel(month)}` +
        (latest ? `; the latest month in the workbook is ${monthLongLabel(latest)}` : ''),
    );
  }
  return { dataset, findings: findings.length, warnings: findings.filter((f) => f.severity === 'warning') };
}

function describeWarnings(warnings: ModelWarning[]): string[] {
  return warnings.map((w) => (w.source ? `${formatSource(w.source)}: ${w.message}` : w.message));
}

async function readSnapshot(ledger: RunLedger, record: RunRecord | undefined): Promise<Record<string, SnapshotEntry> | undefined> {
  if (!record?.figures) return undefined;
  try {
    return JSON.parse(gunzipSync(await readFile(path.join(ledger.folder, record.figures))).toString('utf8')) as Record<string, SnapshotEntry>;
  } catch {
    return undefined;
  }
}

/** The set a run publishes: its month and target ("2023-10/pack-board"). */
export function setName(target: RunRequest['target'], month: MonthKey): string {
  return `${month}/${target.kind}-${target.name}`;
}

/** How many warnings a run prints (all are counted; the ledger keeps the first 100). */
const PRINTED_WARNINGS = 50;

/**
 * The body of a failure notice: the run's identity and outcome, and for each error its kind and
 * cell, never a cell's value or text (the notice goes to an address with no restricted check, and a
 * failing cell may hold an exempt finance figure). An error with no cell says its first line, with
 * anything quoted in it left out.
 */
export function failureNoticeText(record: RunRecord, label: string, error: unknown): string {
  const lines = [
    `The ${record.trigger === 'schedule' ? 'scheduled' : 'requested'} run ${record.id} of the ${label} failed, so no pack was sent.`,
    '',
    `Run: ${record.id}`,
    `Target: ${record.target.kind} ${record.target.name}, ${monthLongLabel(record.month)}`,
    ...(record.job ? [`Job: ${record.job}, slot ${record.slot ?? '-'}`] : []),
    `Workbook: ${path.basename(record.workbook.path)}${record.workbook.sha256 ? ` (SHA-256 ${record.workbook.sha256})` : ''}`,
    `Outcome: ${record.outcome}`,
  ];
  const findings = error instanceof B4BError ? error.findings.filter((f) => f.severity === 'error') : [];
  if (findings.length > 0) {
    lines.push(`Errors (${findings.length}; run "b4b-reports validate" on the workbook for the details):`);
    for (const f of findings.slice(0, 50)) lines.push(`  ${f.code} at ${formatSource(f.source)}${f.also ? ` and ${formatSource(f.also)}` : ''}`);
    if (findings.length > 50) lines.push(`  … and ${findings.length - 50} more`);
  } else {
    const first = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    const kind = error instanceof B4BError ? 'error' : error instanceof Error ? error.name : 'error';
    lines.push(`Error (${kind}): ${cutText(first.replace(/"[^"]*"/g, '"…"').replace(/'[^']*'/g, "'…'"), 300)}`);
  }
  lines.push('', 'The figures are not in this notice: see "b4b-reports history" and the run ledger.');
  return lines.join('\n');
}

/**
 * One run of a report or pack, the same for `run` and the scheduler: under the pack's lock, read
 * the workbook, build, compare figures with the month's last run, write the new set of outputs,
 * deliver, record the run, and then publish the set with one switch. The run is recorded whatever
 * its outcome; a run whose record cannot be written publishes nothing.
 */
export async function executeRun(loaded: LoadedSettings, request: RunRequest, progress: Progress, now: () => Date = () => new Date()): Promise<RunResult> {
  const started = now();
  const clock = performance.now();
  const ledger = new RunLedger(loaded.paths.ledger);
  const id = newRunId(started);
  const workbookFile = path.resolve(request.workbook ?? loaded.paths.workbook);
  const record: RunRecord = {
    id,
    target: request.target,
    month: request.month,
    trigger: request.trigger,
    ...(request.job ? { job: request.job } : {}),
    ...(request.slot ? { slot: request.slot } : {}),
    startedAt: started.toISOString(),
    finishedAt: started.toISOString(),
    durationMs: 0,
    workbook: { path: workbookFile },
    outcome: 'failed',
    outputs: [],
    warnings: [],
  };
  const label = `${request.target.kind} ${request.target.name} for ${monthLongLabel(request.month)}`;
  // Packs (pdf-lib) and e-mail (nodemailer) are loaded only by the runs that need them: a single
  // report's run starts faster without them.
  const delivery = request.deliver ? await loadDeliverySettings(loaded) : undefined;
  const mail = request.deliver ? await import('../delivery/send.js') : undefined;
  let printed: string[] = [];
  let staged: StagedSet | undefined;
  let recorded = false;
  const finish = (): void => {
    record.finishedAt = now().toISOString();
    record.durationMs = Math.round(performance.now() - clock);
  };
  // A stop signal is recorded at once, synchronously, while the signal is being handled: the run's
  // thread may be busy rendering for seconds, and the process exits right after (see stop-signal.ts).
  const onStop = (): void => {
    if (recorded) return;
    recorded = true;
    record.outcome = 'failed';
    record.error = (request.signal?.reason as Error | undefined)?.message ?? 'the run was stopped';
    delete record.set;
    finish();
    try {
      ledger.appendSync(record);
    } catch (cause) {
      progress.error(`the run could not be recorded in the ledger ${loaded.paths.ledger}: ${cutText((cause as Error).message)}`);
    }
  };
  request.signal?.addEventListener('abort', onStop, { once: true });
  try {
    const { shared } = request;
    // A set of a run of several runs under that run's lock; any other run takes the month's lock.
    const locked = (work: (lock: HeldLock) => Promise<void>): Promise<void> =>
      shared ? work(shared.lock) : withRunLock(loaded.paths.outputDir, monthLockName(request.month), request.waitMs, work);
    await locked(async (lock) => {
      const signal = request.signal ? AbortSignal.any([lock.signal, request.signal]) : lock.signal;
      // A lost lock or a stop signal ends the run at once, even while a step is still awaiting.
      const stopped = new Promise<never>((_, reject) => {
        if (signal.aborted) reject(signal.reason as Error);
        signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
      });
      stopped.catch(() => undefined);
      const checkpoint = (): void => signal.throwIfAborted();
      const work = async (): Promise<void> => {
        faultPoint('after-lock');
        await cleanStaging(loaded.paths.outputDir);
        progress.step(`Starting the ${label}`, { run: id, trigger: request.trigger });
        const history = await (request.shared ? request.shared.history() : ledger.readAll());
        if (history.skipped.length > 0) progress.warn(describeSkipped(history.skipped), { skippedLines: history.skipped.length });
        // A slot runs once: asked again under the pack's lock, so two schedulers that fire together cannot both run it.
        if (request.job && request.slot) {
          const done = history.records.find((r) => r.job === request.job && r.slot === request.slot && r.outcome !== 'refused');
          if (done) {
            record.outcome = 'refused';
            throw new B4BError(`the ${request.slot} slot of the job "${request.job}" has already run (run ${done.id}); it runs once`, [], LOCK_REFUSED);
          }
        }
        // Delivery is checked first: a restricted pack addressed to a public list is refused before any work.
        const plans = request.deliver && delivery && mail ? mail.planDelivery(request.deliver, delivery, request.target.name) : [];

        if (!shared) progress.step(`Reading ${path.basename(workbookFile)}`);
        // The hash is recorded even when the workbook has errors: the ledger says which file failed.
        const { dataset, warnings: workbookWarnings } = shared
          ? await shared.read().finally(() => {
              if (shared.workbookSha256) record.workbook.sha256 = shared.workbookSha256;
            })
          : await readCheckedWorkbook(loaded, workbookFile, request.month, (bytes) => {
              record.workbook.sha256 = sha256(bytes);
            });
        checkpoint();

        const outputs: OutputFile[] = [];
        let warnings: ModelWarning[];
        let printedValues: PrintedFigure[];
        if (request.target.kind === 'report') {
          progress.step(`Building the ${request.target.name} report`);
          const output = await buildConfiguredReport(loaded, request.target.name, dataset, request.month, shared ? { cache: shared.cache } : {});
          warnings = output.warnings;
          printedValues = output.printed;
          outputs.push({ file: path.join(loaded.paths.outputDir, request.month, `${request.target.name}-${request.month}.pdf`), bytes: output.pdf });
          printed = outputs.map((o) => o.file);
          // The accessible HTML twin beside the PDF (none for an exempt report).
          if (output.html)
            outputs.push({
              file: path.join(loaded.paths.outputDir, request.month, `${request.target.name}-${request.month}.html`),
              bytes: Buffer.from(output.html),
            });
        } else {
          progress.step(`Building the ${request.target.name} pack: rendering its documents and assembling the public and restricted packs`);
          const { buildPack, loadPacks } = await timed('imports', () => import('./build-pack.js'));
          const packs = await loadPacks(loaded);
          const output = await buildPack(loaded, packs, request.target.name, dataset, request.month, {
            numberItemFiles: request.numberItemFiles,
            ...(shared ? { cache: shared.cache } : {}),
          });
          warnings = output.warnings;
          printedValues = output.printed;
          for (const variant of ['public', 'restricted'] as const) {
            outputs.push({
              file: path.join(loaded.paths.outputDir, request.month, `${request.target.name}-${request.month}-${variant}.pdf`),
              bytes: output.variants[variant].pack,
            });
          }
          printed = outputs.map((o) => o.file);
          for (const variant of ['public', 'restricted'] as const) {
            for (const item of output.variants[variant].items) {
              outputs.push({
                file: path.join(loaded.paths.outputDir, request.month, `${request.target.name}-items`, variant, `item-${item.number}.pdf`),
                bytes: item.bytes,
              });
            }
          }
          // The accessible HTML twins of the pack's public documents.
          for (const twin of output.html) {
            outputs.push({ file: path.join(loaded.paths.outputDir, request.month, `${request.target.name}-html`, twin.file), bytes: Buffer.from(twin.html) });
          }
        }
        checkpoint();
        // The workbook's own findings (as validate lists them) come first, then the report's.
        const modelWarnings = describeWarnings(warnings);
        record.warnings = [...workbookWarnings.map(formatFinding), ...modelWarnings];
        // Printed: at most maxFindingsPerKind of each kind of the workbook's findings, and as many of the report's.
        const shown = Math.min(loaded.settings.limits.maxFindingsPerKind, PRINTED_WARNINGS);
        for (const line of findingLinesPerKind(workbookWarnings, shown, '')) progress.warn(cutText(line));
        for (const warning of modelWarnings.slice(0, shown)) progress.warn(cutText(warning));
        if (modelWarnings.length > shown) progress.warn(moreLine(modelWarnings.length - shown, 'more warnings'));
        if (request.strict && record.warnings.length > 0) {
          throw new B4BError(
            `--strict: the run has ${record.warnings.length} warning(s); nothing was written:\n${record.warnings
              .slice(0, PRINTED_WARNINGS)
              .map((w) => `  ${cutText(w)}`)
              .join('\n')}`,
          );
        }

        const existing = await Promise.all(
          printed.map((file) =>
            stat(file)
              .then(() => file)
              .catch(() => undefined),
          ),
        );
        const present = existing.filter((f): f is string => f !== undefined);
        if (present.length > 0 && !request.force) {
          record.outcome = 'refused';
          throw new B4BError(
            `${path.relative(process.cwd(), present[0] ?? '')} already exists; nothing was replaced. Use --force to re-run ${monthLongLabel(request.month)} and replace it.`,
          );
        }

        const snapshot = figuresSnapshot(dataset, request.month, printedValues);
        const previous = history.records
          .filter((r) => r.outcome === 'success' && r.target.kind === request.target.kind && r.target.name === request.target.name && r.month === request.month)
          .pop();
        const before = await readSnapshot(ledger, previous);
        if (before) {
          record.changes = compareSnapshots(before, snapshot);
          progress.step(`${record.changes.length} figure(s) changed since the last run of ${monthLongLabel(request.month)} (${previous?.id})`);
        }

        progress.step(`Writing ${outputs.length} file(s)`);
        staged = await timed('write', () => stageSet(loaded.paths.outputDir, setName(request.target, request.month), id, outputs));
        record.outputs = outputs.map((o) => ({ path: o.file, sha256: sha256(o.bytes) }));
        record.figures = `${id}.figures.json.gz`;
        await mkdir(ledger.folder, { recursive: true });
        await writeFile(path.join(ledger.folder, record.figures), gzipSync(JSON.stringify(snapshot)));
        faultPoint('staged');
        checkpoint();

        if (plans.length > 0 && delivery && mail) {
          progress.step(`Sending the pack to ${plans.map((p) => `${p.list} (${p.variant})`).join(', ')}`);
          const packs = Object.fromEntries(
            (['public', 'restricted'] as const).map((variant) => {
              const output = outputs.find((o) => o.file.endsWith(`-${variant}.pdf`)) ?? outputs[0];
              return [variant, { filename: path.basename(output?.file ?? 'pack.pdf'), bytes: output?.bytes ?? new Uint8Array() }];
            }),
          ) as Record<'public' | 'restricted', { filename: string; bytes: Uint8Array }>;
          record.delivery = await mail.sendPack(mail.createTransport(delivery), delivery, plans, packs, {
            subject: `${request.target.name} pack, ${monthLongLabel(request.month)}`,
            text: `The ${request.target.name} pack for ${monthLongLabel(request.month)} is attached.\n\nRun ${id}.`,
          });
        }

        // The record is written before the set is switched: a run that cannot be recorded replaces nothing.
        const set = staged;
        await publishSet(set, async () => {
          checkpoint();
          lock.assertHeld();
          record.outcome = 'success';
          record.set = { name: set.name, id: set.id };
          finish();
          try {
            await ledger.append(record);
          } catch (cause) {
            record.outcome = 'failed';
            delete record.set;
            throw new B4BError(`the run could not be recorded in the ledger ${loaded.paths.ledger} (${(cause as Error).message}); nothing was replaced`);
          }
          recorded = true;
          faultPoint('recorded');
        });
        faultPoint('switched');
      };
      const running = work();
      running.catch(() => undefined); // if the stop wins the race, the abandoned work must not surface as unhandled
      await Promise.race([running, stopped]);
    });
  } catch (thrown) {
    // A full disk or a read-only folder is said as such, naming the output folder when the error has no path.
    const error = fileSystemError(thrown, { folder: loaded.paths.outputDir }) ?? thrown;
    if (error instanceof B4BError && error.exitCode === LOCK_REFUSED) record.outcome = 'refused';
    if (!recorded) record.outcome = record.outcome === 'refused' ? 'refused' : 'failed';
    record.error = error instanceof Error ? error.message : String(error);
    if (error instanceof LockLostError) record.error = `${error.message}; nothing was replaced`;
    if (!recorded && record.outcome !== 'refused' && !(error instanceof RunStoppedError) && delivery && mail) {
      const notice: DeliveryRecord = await mail.sendFailureNotice(
        mail.createTransport(delivery),
        delivery,
        `FAILED: ${request.target.name} pack, ${monthLongLabel(request.month)}`,
        failureNoticeText(record, label, error),
      );
      record.delivery = [...(record.delivery ?? []), notice];
    }
    if (staged) await discardSet(staged).catch(() => undefined);
    if (!recorded) {
      delete record.set;
      finish();
      await ledger
        .append(record)
        .catch((cause: Error) => progress.error(`the run could not be recorded in the ledger ${loaded.paths.ledger}: ${cutText(cause.message)}`));
    }
    // A lost lock is a refusal the user can act on (run again), not an unexpected failure.
    throw error instanceof LockLostError ? new B4BError(record.error, [], LOCK_REFUSED) : error;
  } finally {
    request.signal?.removeEventListener('abort', onStop);
  }
  return { record, printed };
}
