import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { B4BError, formatFinding } from '../findings/finding.js';
import { sha256, type WorkbookInput } from '../inputs/run-inputs.js';
import { monthLongLabel, type MonthKey } from '../model/month.js';
import type { StageTimer } from '../produce/context.js';
import { setName, type OutputSet } from '../produce/output-set.js';
import { faultPoint } from './fault-points.js';
import { compareSnapshots, describePastRevision, figuresSnapshot, pastRevisions, type SnapshotEntry } from './figures-snapshot.js';
import type { HeldLock } from './file-lock.js';
import { cutText, successfulRuns, type FigureChange, type LedgerContents, type RunLedger, type RunRecord } from './ledger.js';
import { discardSet, NothingReplacedError, PartlyPlacedError, publishSet, stageSet, type StagedSet } from './output-files.js';

/** What publishing a run's output sets shares: where they go, what was there before, and the run's lock. */
export interface PublishContext {
  outputDir: string;
  ledger: RunLedger;
  /** The ledger as it was when the run took its lock: each set compares with the last run of its own target and month. */
  history: LedgerContents;
  workbook: WorkbookInput;
  lock: HeldLock;
  strict: boolean;
  timer: StageTimer;
  /** Aborted by a stop signal or a lost lock: nothing is published after it. */
  signal: AbortSignal;
  /** Sets the record's finishing time and duration, just before it is written. */
  finish: (record: RunRecord) => void;
  /** Told once the run's record is in the ledger: a run stopped from then on has its record, and is not recorded again. */
  recorded: () => void;
}

/** How many warnings a --strict refusal lists (all are counted; the ledger keeps the first 100). */
const STRICT_LISTED = 50;

/** A recorded run's figure snapshot, if it has one that can still be read. */
export async function readSnapshot(ledger: RunLedger, record: RunRecord | undefined): Promise<Record<string, SnapshotEntry> | undefined> {
  if (!record?.figures) return undefined;
  try {
    return JSON.parse(gunzipSync(await readFile(path.join(ledger.folder, record.figures))).toString('utf8')) as Record<string, SnapshotEntry>;
  } catch {
    return undefined;
  }
}

/** A set's figures against the ledger: the snapshot to record, and what it says of the runs before. */
export interface ComparedFigures {
  snapshot: Record<string, SnapshotEntry>;
  /** The month's last successful run of the same target: the run this one replaces. */
  previous?: RunRecord;
  /** What changed since that run (none: there was no such run, or its snapshot cannot be read). */
  changes?: FigureChange[];
  /** Warnings: rows whose past months differ, in most months, from what the target's run of an earlier month read. */
  revisions: string[];
}

/** The last successful run of the set's target for the latest month before the set's. */
function earlierMonthsRun(set: OutputSet, history: LedgerContents): RunRecord | undefined {
  const runs = successfulRuns(history, set.target).filter((r) => r.month < set.month);
  const latest = runs.reduce<MonthKey | undefined>((m, r) => (m === undefined || r.month > m ? r.month : m), undefined);
  return runs.filter((r) => r.month === latest).pop();
}

/**
 * Compares a set's figures with the ledger: with the month's last run of the same target (what a
 * re-run changed), and with the target's run of the latest earlier month (past months it read then
 * that now differ in most months: a row moved or pasted over).
 */
export async function compareWithHistory(set: OutputSet, ctx: Pick<PublishContext, 'ledger' | 'history' | 'workbook'>): Promise<ComparedFigures> {
  const snapshot = figuresSnapshot(ctx.workbook.dataset, set.month, set.printed, set.reads);
  const previous = successfulRuns(ctx.history, set.target)
    .filter((r) => r.month === set.month)
    .pop();
  const before = await readSnapshot(ctx.ledger, previous);
  const earlier = earlierMonthsRun(set, ctx.history);
  const earlierSnapshot = await readSnapshot(ctx.ledger, earlier);
  const revisions =
    earlier && earlierSnapshot
      ? pastRevisions(earlierSnapshot, snapshot, earlier.month).map((r) =>
          describePastRevision(r, `the run of ${monthLongLabel(earlier.month)}`, path.basename(ctx.workbook.file)),
        )
      : [];
  return { snapshot, ...(previous ? { previous } : {}), ...(before ? { changes: compareSnapshots(before, snapshot) } : {}), revisions };
}

/**
 * Writes one output set's files whole beside the current ones (a folder of the run's own), and its
 * figures snapshot; nothing a user sees changes, and nothing is recorded. A run stages each set as
 * soon as it is produced, while the layout thread is still busy with the others; publishOutputSet
 * then records and switches it. `record` gets the files' hashes and the snapshot's name. On a failure
 * nothing is left staged.
 */
export async function stageOutputSet(
  set: OutputSet,
  record: RunRecord,
  ctx: Pick<PublishContext, 'outputDir' | 'ledger' | 'timer'>,
  compared: ComparedFigures,
): Promise<StagedSet> {
  const files = set.files.map((f) => ({ file: path.join(ctx.outputDir, f.path), bytes: f.bytes }));
  const staged = await ctx.timer.timed('write', () => stageSet(ctx.outputDir, setName(set.target, set.month), record.id, files));
  try {
    record.outputs = files.map((f) => ({ path: f.file, sha256: sha256(f.bytes) }));
    record.figures = `${record.id}.figures.json.gz`;
    await mkdir(ctx.ledger.folder, { recursive: true });
    await writeFile(path.join(ctx.ledger.folder, record.figures), gzipSync(JSON.stringify(compared.snapshot)));
    return staged;
  } catch (error) {
    await discardSet(staged).catch(() => undefined);
    throw error;
  }
}

/**
 * Publishes one output set, whatever it holds, once it is staged (stageOutputSet): refuses it under
 * --strict if it has warnings, records what changed since the month's last run of the same target
 * (`compared`), records the run in the ledger, and then makes the new files current in one switch. A
 * run that cannot be recorded replaces nothing. `record` is the target's run record, filled in here;
 * on any failure the staged files are removed and the error thrown (the caller records it).
 */
export async function publishOutputSet(
  set: OutputSet,
  record: RunRecord,
  ctx: PublishContext,
  compared: ComparedFigures,
  staging: Promise<StagedSet>,
): Promise<void> {
  // The workbook's own findings (as validate lists them) come first, then the documents', then the ledger's.
  record.warnings = [...ctx.workbook.warnings.map(formatFinding), ...set.warnings, ...compared.revisions];
  if (ctx.workbook.decisions.length > 0) record.decisions = ctx.workbook.decisions;
  if (ctx.strict && record.warnings.length > 0) {
    // Refused: as if never staged (no files, no snapshot, none named in its record).
    await staging.then(discardSet).catch(() => undefined);
    if (record.figures !== undefined) await rm(path.join(ctx.ledger.folder, record.figures), { force: true });
    record.outputs = [];
    delete record.figures;
    const listed = record.warnings.slice(0, STRICT_LISTED).map((w) => `  ${cutText(w)}`);
    throw new B4BError(`--strict: the run has ${record.warnings.length} warning(s); nothing was written:\n${listed.join('\n')}`);
  }
  if (compared.changes) record.changes = compared.changes;

  let staged: StagedSet | undefined;
  try {
    staged = await staging;
    faultPoint('staged');
    ctx.signal.throwIfAborted();

    // The record is written before the set is switched: a run that cannot be recorded replaces nothing.
    const ready = staged;
    await publishSet(ready, async () => {
      ctx.signal.throwIfAborted();
      ctx.lock.assertHeld();
      record.outcome = 'success';
      record.set = { name: ready.name, id: ready.id };
      ctx.finish(record);
      try {
        await ctx.ledger.append(record);
      } catch (cause) {
        record.outcome = 'failed';
        delete record.set;
        throw new B4BError(`the run could not be recorded in the ledger ${ctx.ledger.file} (${(cause as Error).message}); nothing was replaced`);
      }
      ctx.recorded();
      faultPoint('recorded');
    });
    faultPoint('switched');
  } catch (error) {
    // Recorded, but no file could be put in place: the run failed after all. Its failure is recorded
    // (the ledger's later record of a run is the one that holds) before its journal goes.
    if (error instanceof NothingReplacedError) {
      record.outcome = 'failed';
      delete record.set;
      record.error = error.message;
      ctx.finish(record);
      await ctx.ledger.append(record);
      await error.dropJournal();
    }
    if (staged && record.outcome !== 'success') await discardSet(staged).catch(() => undefined);
    if (error instanceof PartlyPlacedError) {
      // Recorded, with some files in place: the record holds, and the next run of the month puts the rest in place.
      const reason = error.reason instanceof Error ? error.reason : new Error(String(error.reason));
      reason.message += `; the run is recorded and ${error.placed} of its ${error.total} files are in place: the next run of ${monthLongLabel(set.month)} puts the rest in place`;
      throw reason;
    }
    throw error instanceof NothingReplacedError ? error.reason : error;
  }
}

/** "the pack board for October 2023": how progress and notices name a target and month. */
export function describeTarget(set: Pick<OutputSet, 'target' | 'month'>): string {
  return `${set.target.kind} ${set.target.name} for ${monthLongLabel(set.month)}`;
}
