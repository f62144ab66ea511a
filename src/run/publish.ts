import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { B4BError, formatFinding } from '../findings/finding.js';
import { sha256, type WorkbookInput } from '../inputs/run-inputs.js';
import { monthLongLabel } from '../model/month.js';
import type { StageTimer } from '../produce/context.js';
import { setName, type OutputSet } from '../produce/output-set.js';
import { faultPoint } from './fault-points.js';
import { compareSnapshots, figuresSnapshot, type SnapshotEntry } from './figures-snapshot.js';
import type { HeldLock } from './file-lock.js';
import { cutText, type LedgerContents, type RunLedger, type RunRecord } from './ledger.js';
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

/**
 * Publishes one output set, whatever it holds: refuses it under --strict if it has warnings, compares
 * its figures with the month's last run of the same target, writes its files whole beside the current
 * ones, records the run in the ledger, and then makes the new files current in one switch. A run that
 * cannot be recorded replaces nothing. `record` is the target's run record, filled in here; on any
 * failure the staged files are removed and the error thrown (the caller records it).
 */
export async function publishOutputSet(set: OutputSet, record: RunRecord, ctx: PublishContext): Promise<void> {
  // The workbook's own findings (as validate lists them) come first, then the documents'.
  record.warnings = [...ctx.workbook.warnings.map(formatFinding), ...set.warnings];
  if (ctx.workbook.decisions.length > 0) record.decisions = ctx.workbook.decisions;
  if (ctx.strict && record.warnings.length > 0) {
    const listed = record.warnings.slice(0, STRICT_LISTED).map((w) => `  ${cutText(w)}`);
    throw new B4BError(`--strict: the run has ${record.warnings.length} warning(s); nothing was written:\n${listed.join('\n')}`);
  }
  const snapshot = figuresSnapshot(ctx.workbook.dataset, set.month, set.printed, set.reads);
  const previous = ctx.history.records
    .filter((r) => r.outcome === 'success' && r.target.kind === set.target.kind && r.target.name === set.target.name && r.month === set.month)
    .pop();
  const before = await readSnapshot(ctx.ledger, previous);
  if (before) record.changes = compareSnapshots(before, snapshot);

  let staged: StagedSet | undefined;
  try {
    const files = set.files.map((f) => ({ file: path.join(ctx.outputDir, f.path), bytes: f.bytes }));
    staged = await ctx.timer.timed('write', () => stageSet(ctx.outputDir, setName(set.target, set.month), record.id, files));
    record.outputs = files.map((f) => ({ path: f.file, sha256: sha256(f.bytes) }));
    record.figures = `${record.id}.figures.json.gz`;
    await mkdir(ctx.ledger.folder, { recursive: true });
    await writeFile(path.join(ctx.ledger.folder, record.figures), gzipSync(JSON.stringify(snapshot)));
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
