import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { MonthKey } from '../model/month.js';
import { acquireLock, acquireLockSync } from './file-lock.js';

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

/**
 * One step of one e-mail of a run, in order: `queued` when the run is recorded (the outbox), `sending`
 * just before it goes, then `sent`, `failed` (it cannot have reached the server; `retry` says whether
 * trying again may work), `unknown` (the server stopped answering after it may have taken it: never
 * sent again automatically), `superseded` (a later run replaced the pack before it could go) or
 * `refused`. The run's record holds the queued steps; later steps are appended to the ledger as
 * amendments of that record (see RunLedger.appendDelivery) and read back into it.
 */
export interface DeliveryRecord {
  list: string;
  variant: 'public' | 'restricted' | 'failure-notice';
  recipients: string[];
  status: 'queued' | 'sending' | 'sent' | 'failed' | 'unknown' | 'superseded' | 'refused';
  retry?: boolean;
  at?: string;
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
  /** Absolute paths, each in the output folder's month folder; as read, in this project's output folder (see outputPathHere). */
  outputs: Array<{ path: string; sha256: string }>;
  warnings: string[];
  /** What the reader decided as configuration told it (a mistyped month header read as the month it names), each with its cell. */
  decisions?: string[];
  /** How many warnings the run had, when the record keeps only the first LIMITS.warnings. */
  warningsTotal?: number;
  changes?: FigureChange[];
  /** How many figures changed, when the record keeps only the first LIMITS.changes. */
  changesTotal?: number;
  /** The run's figure snapshot (for the next re-run's comparison), relative to the ledger's folder. */
  figures?: string;
  /** The set of outputs this run published (see output-files.ts): its name and folder id. */
  set?: { name: string; id: string };
  delivery?: DeliveryRecord[];
}

/**
 * What one record may hold, so that a run with a 10 MB indicator name writes a line of a few
 * kilobytes, not 262 MB: every text is cut to `text` characters (the error to `error`), warnings and
 * changes past their count are summarised, and a record never exceeds `recordBytes`. The ledger file
 * is rotated at `fileBytes` (ledger.1.jsonl ... ledger.N.jsonl, N = `generations`; older ones are
 * removed, with their figure snapshots).
 */
export const LIMITS = {
  text: 1_000,
  error: 4_000,
  warnings: 100,
  changes: 200,
  recordBytes: 64 * 1024,
  fileBytes: 4 * 1024 * 1024,
  generations: 3,
  /** A line longer than this is not read (it cannot be one of ours). */
  lineBytes: 256 * 1024,
} as const;

/** Cuts a text to `max` characters, saying how much was left out. */
export function cutText(text: string, max: number = LIMITS.text): string {
  if (text.length <= max) return text;
  const note = ` … [${(text.length - max).toLocaleString('en-GB')} more characters cut]`;
  return text.slice(0, Math.max(0, max - note.length)) + note;
}

const text = z.string();
const recordSchema = z.looseObject({
  id: text.min(1),
  target: z.looseObject({ kind: z.enum(['pack', 'report']), name: text }),
  month: z.string().regex(/^\d{4}-\d{2}$/),
  trigger: z.enum(['schedule', 'on-demand']),
  job: text.optional(),
  slot: text.optional(),
  startedAt: text,
  finishedAt: text,
  durationMs: z.number(),
  workbook: z.looseObject({ path: text, sha256: text.optional() }),
  outcome: z.enum(['success', 'failed', 'refused', 'skipped']),
  error: text.optional(),
  outputs: z.array(z.looseObject({ path: text, sha256: text })),
  warnings: z.array(text),
  decisions: z.array(text).optional(),
  changes: z
    .array(z.looseObject({ where: text, indicator: text, month: text.optional(), what: text.optional(), cell: text.optional(), old: text, new: text }))
    .optional(),
  figures: text.optional(),
  set: z.looseObject({ name: text, id: text }).optional(),
  delivery: z.array(z.looseObject({ list: text, variant: text, recipients: z.array(text), status: text, detail: text.optional() })).optional(),
});

/** A line of the ledger that was not read as a run record, and why. */
export interface SkippedLine {
  file: string;
  line: number;
  reason: string;
}

export interface LedgerContents {
  records: RunRecord[];
  skipped: SkippedLine[];
}

/** The successful runs of one report or pack, in the ledger's order (the last is the latest). */
export function successfulRuns(history: LedgerContents, target: RunRecord['target']): RunRecord[] {
  return history.records.filter((r) => r.outcome === 'success' && r.target.kind === target.kind && r.target.name === target.name);
}

/** A line that adds delivery steps to an earlier run's record. */
const amendmentSchema = z.strictObject({
  amends: text.min(1),
  delivery: z.array(z.looseObject({ list: text, variant: text, recipients: z.array(text), status: text, detail: text.optional() })),
});
type Amendment = z.infer<typeof amendmentSchema>;

/** Says which lines were skipped, in one sentence (for history, run and schedule). */
export function describeSkipped(skipped: SkippedLine[]): string {
  const shown = skipped.slice(0, 5).map((s) => `${path.basename(s.file)} line ${s.line} (${s.reason})`);
  const more = skipped.length > shown.length ? `, and ${skipped.length - shown.length} more` : '';
  return `the run ledger has ${skipped.length} damaged line(s), skipped: ${shown.join('; ')}${more}`;
}

/** The record as it is stored: every text cut, long lists summarised, never more than LIMITS.recordBytes. */
export function boundRecord(record: RunRecord): RunRecord {
  const cut = (s: string): string => cutText(s);
  const bounded: RunRecord = {
    ...record,
    id: cut(record.id),
    target: { kind: record.target.kind, name: cut(record.target.name) },
    ...(record.job !== undefined ? { job: cut(record.job) } : {}),
    ...(record.slot !== undefined ? { slot: cut(record.slot) } : {}),
    workbook: { path: cut(record.workbook.path), ...(record.workbook.sha256 ? { sha256: record.workbook.sha256 } : {}) },
    ...(record.error !== undefined ? { error: cutText(record.error, LIMITS.error) } : {}),
    outputs: record.outputs.map((o) => ({ path: cut(o.path), sha256: o.sha256 })),
    warnings: record.warnings.slice(0, LIMITS.warnings).map(cut),
    ...(record.decisions ? { decisions: record.decisions.slice(0, LIMITS.warnings).map(cut) } : {}),
    ...(record.delivery
      ? {
          delivery: record.delivery.map((d) => ({
            ...d,
            list: cut(d.list),
            recipients: d.recipients.slice(0, 50).map(cut),
            ...(d.detail ? { detail: cut(d.detail) } : {}),
          })),
        }
      : {}),
  };
  if (record.warnings.length > LIMITS.warnings) bounded.warningsTotal = record.warningsTotal ?? record.warnings.length;
  if (record.changes) {
    bounded.changes = record.changes.slice(0, LIMITS.changes).map((c) => ({
      ...c,
      where: cut(c.where),
      indicator: cut(c.indicator),
      ...(c.what !== undefined ? { what: cut(c.what) } : {}),
      ...(c.cell !== undefined ? { cell: cut(c.cell) } : {}),
      old: cut(c.old),
      new: cut(c.new),
    }));
    if (record.changes.length > LIMITS.changes) bounded.changesTotal = record.changesTotal ?? record.changes.length;
  }
  // Still too big (many long warnings and changes): keep fewer of them, then none.
  for (const keep of [20, 0]) {
    if (Buffer.byteLength(JSON.stringify(bounded)) <= LIMITS.recordBytes) break;
    if (bounded.warnings.length > keep) {
      bounded.warningsTotal = bounded.warningsTotal ?? bounded.warnings.length;
      bounded.warnings = bounded.warnings.slice(0, keep);
    }
    if (bounded.changes && bounded.changes.length > keep) {
      bounded.changesTotal = bounded.changesTotal ?? bounded.changes.length;
      bounded.changes = bounded.changes.slice(0, keep);
    }
    if (record.error !== undefined) bounded.error = cutText(record.error, LIMITS.text);
  }
  return bounded;
}

/** Whether `file` is in `folder` (not the folder itself, not beside it). */
function isIn(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

/**
 * Where an output a run recorded is in this project: the recorded path when it is in the output
 * folder, else the same place in this output folder, from the record's month folder on
 * (`/old/proj/output/2023-10/board-items/public/x.pdf` → `<outputDir>/2023-10/board-items/public/x.pdf`).
 * A project folder copied whole (`cp -r proj copy`) keeps its ledger, whose paths name the
 * original's files: read this way, `history`, the console and delivery use the copy's own files,
 * never the original's. The last month folder on the path is taken, as the project's own path may
 * hold a folder named like a month and a run writes no such folder under its month's. A path with no
 * month folder, or whose rest would not stay in the output folder, is kept as recorded (the console
 * leaves such a path out).
 */
export function outputPathHere(recorded: string, month: MonthKey, outputDir: string): string {
  if (isIn(outputDir, recorded)) return recorded;
  const parts = recorded.split(/[\\/]/);
  const at = parts.lastIndexOf(month);
  const rest = parts.slice(at);
  if (at === -1 || rest.length < 2 || rest.some((p) => p === '' || p === '.' || p === '..')) return recorded;
  const here = path.join(outputDir, ...rest);
  return isIn(outputDir, here) ? here : recorded;
}

/** Splits a file into lines without ever holding a line longer than `maxBytes`. */
async function* readLines(file: string, maxBytes: number): AsyncGenerator<{ line: number; text: string | undefined; tooLong: boolean }> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(1024 * 1024);
    let parts: Buffer[] = [];
    let length = 0;
    let tooLong = false;
    let line = 1;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      // What this read filled (past it, the buffer holds an earlier read's bytes).
      const read = buffer.subarray(0, bytesRead);
      let start = 0;
      for (;;) {
        const end = read.indexOf(0x0a, start);
        const whole = end !== -1;
        const stop = whole ? end : bytesRead;
        if (!tooLong) {
          if (length + (stop - start) > maxBytes) {
            tooLong = true;
            parts = [];
          } else if (!whole || parts.length > 0) {
            // Part of a line that goes on in the next read: kept (copied: the buffer is read into again).
            parts.push(Buffer.from(read.subarray(start, stop)));
          }
          length += stop - start;
        }
        if (!whole) break;
        // A line within this read is decoded where it is; one begun in an earlier read is put together first.
        const text = tooLong ? undefined : parts.length > 0 ? Buffer.concat(parts).toString('utf8') : read.toString('utf8', start, stop);
        yield { line, text, tooLong };
        line++;
        parts = [];
        length = 0;
        tooLong = false;
        start = end + 1;
      }
    }
    if (length > 0 || tooLong) yield { line, text: tooLong ? undefined : Buffer.concat(parts).toString('utf8'), tooLong };
  } finally {
    await handle.close();
  }
}

/**
 * The run ledger: one JSON line per run, each at most LIMITS.recordBytes.
 *
 * Appends are made under a lock of the ledger's own (so rotation and the newline check cannot race
 * another process), as one write of the whole line to a file opened for appending, then fsync'd.
 * When the file does not end in a newline (a writer killed mid-line), one is written first, so a
 * cut-short line can never swallow the next record. The reader checks every line against the
 * record schema and skips, and reports, any line that is not a record (cut short, `null`, `{}`,
 * wrong types, too long), so a damaged ledger never stops `history`, `run` or `schedule`.
 *
 * Given the project's output folder, the reader gives each output's path in that folder (see
 * outputPathHere), so that a project folder copied whole reads its ledger as its own. Records keep
 * being written with absolute paths: the record a run holds in memory (its summary, the console's
 * result, its e-mails) needs no converting, a ledger has one kind of path whatever its age (the old
 * absolute records must be read this way in any case), and an earlier version reading the ledger
 * finds what it always did.
 */
export class RunLedger {
  private readonly fileBytes: number;
  private readonly outputDir: string | undefined;

  /** `outputDir`: the project's output folder, where the records' outputs are read to be (every reader in src/ gives it). */
  constructor(
    readonly file: string,
    options: { fileBytes?: number; outputDir?: string } = {},
  ) {
    this.fileBytes = options.fileBytes ?? LIMITS.fileBytes;
    this.outputDir = options.outputDir;
  }

  get folder(): string {
    return path.dirname(this.file);
  }

  /** ledger.1.jsonl is the newest rotated generation, ledger.N.jsonl the oldest. */
  private generation(n: number): string {
    const ext = path.extname(this.file);
    return n === 0 ? this.file : `${this.file.slice(0, this.file.length - ext.length)}.${n}${ext}`;
  }

  async append(record: RunRecord): Promise<void> {
    await this.appendLine(Buffer.from(`${JSON.stringify(boundRecord(record))}\n`, 'utf8'));
  }

  private async appendLine(line: Buffer): Promise<void> {
    await mkdir(this.folder, { recursive: true });
    const lock = await acquireLock(this.file, { waitMs: 30_000, staleMs: 10_000, purpose: 'ledger append' });
    try {
      const size = (await stat(this.file).catch(() => undefined))?.size ?? 0;
      if (size > 0 && size + line.length > this.fileBytes) await this.rotate();
      const handle = await open(this.file, 'a+');
      try {
        const { size: current } = await handle.stat();
        let bytes = line;
        if (current > 0) {
          const last = Buffer.alloc(1);
          await handle.read(last, 0, 1, current - 1);
          if (last[0] !== 0x0a) bytes = Buffer.concat([Buffer.from('\n'), line]);
        }
        const { bytesWritten } = await handle.write(bytes);
        if (bytesWritten !== bytes.length) throw new Error(`only ${bytesWritten} of ${bytes.length} bytes of the run record reached ${this.file}`);
        await handle.sync();
      } finally {
        await handle.close();
      }
    } finally {
      await lock.release();
    }
  }

  /**
   * The same append, synchronously: for a run stopped by a signal while its thread is busy, so that
   * it is recorded before the process exits. (No rotation here: the next append rotates.)
   */
  appendSync(record: RunRecord): void {
    this.appendLineSync(Buffer.from(`${JSON.stringify(boundRecord(record))}\n`, 'utf8'));
  }

  private appendLineSync(line: Buffer): void {
    const release = acquireLockSync(this.file, { waitMs: 5_000, staleMs: 10_000 });
    try {
      const fd = openSync(this.file, 'a+');
      try {
        const { size } = fstatSync(fd);
        let bytes = line;
        if (size > 0) {
          const last = Buffer.alloc(1);
          readSync(fd, last, 0, 1, size - 1);
          if (last[0] !== 0x0a) bytes = Buffer.concat([Buffer.from('\n'), line]);
        }
        if (writeSync(fd, bytes) !== bytes.length) throw new Error(`the run record did not reach ${this.file} whole`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } finally {
      release();
    }
  }

  /** Moves ledger.jsonl to ledger.1.jsonl (and so on), drops the oldest generation and its figure snapshots. */
  private async rotate(): Promise<void> {
    const oldest = this.generation(LIMITS.generations);
    const dropped = await this.readFile(oldest);
    await rm(oldest, { force: true });
    for (let n = LIMITS.generations - 1; n >= 0; n--) {
      await rename(this.generation(n), this.generation(n + 1)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    }
    const kept = new Set((await this.readAll()).records.map((r) => r.figures));
    for (const r of dropped.records) {
      if (r.figures && !kept.has(r.figures) && !r.figures.includes('/') && !r.figures.includes('\\'))
        await rm(path.join(this.folder, r.figures), { force: true });
    }
  }

  private async readFile(file: string): Promise<LedgerContents & { amendments: Amendment[] }> {
    const records: RunRecord[] = [];
    const skipped: SkippedLine[] = [];
    const amendments: Amendment[] = [];
    try {
      for await (const { line, text, tooLong } of readLines(file, LIMITS.lineBytes)) {
        if (tooLong) {
          skipped.push({ file, line, reason: `longer than ${LIMITS.lineBytes / 1024} KB` });
          continue;
        }
        if (text === undefined || text.trim() === '') continue;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          skipped.push({ file, line, reason: 'not JSON: cut short or damaged' });
          continue;
        }
        if (typeof value === 'object' && value !== null && 'amends' in value) {
          const amendment = amendmentSchema.safeParse(value);
          if (amendment.success) amendments.push(amendment.data);
          else skipped.push({ file, line, reason: 'not a delivery amendment: wrong shape' });
          continue;
        }
        const parsed = recordSchema.safeParse(value);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          skipped.push({ file, line, reason: `not a run record: ${issue ? `${issue.path.join('.') || 'the line'}: ${issue.message}` : 'wrong shape'}` });
          continue;
        }
        records.push(parsed.data as RunRecord);
      }
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return { records, skipped, amendments };
      throw cause;
    }
    return { records, skipped, amendments };
  }

  /** Every record, oldest first, with the lines that could not be read. */
  async readAll(): Promise<LedgerContents> {
    const records: RunRecord[] = [];
    const skipped: SkippedLine[] = [];
    const amendments: Amendment[] = [];
    for (let n = LIMITS.generations; n >= 0; n--) {
      const part = await this.readFile(this.generation(n));
      records.push(...part.records);
      skipped.push(...part.skipped);
      amendments.push(...part.amendments);
    }
    // A run recorded twice (published, then failed before any file was in place) is what its later
    // record says, where its first record was: a Map keeps a key where it was first set.
    const byId = new Map(records.map((r) => [r.id, r]));
    // Each run's later delivery steps, in the order they were written, after the steps its record holds.
    for (const amendment of amendments) {
      const record = byId.get(amendment.amends);
      if (record) record.delivery = [...(record.delivery ?? []), ...(amendment.delivery as DeliveryRecord[])];
    }
    const outputDir = this.outputDir;
    if (outputDir !== undefined) {
      for (const record of byId.values()) record.outputs = record.outputs.map((o) => ({ ...o, path: outputPathHere(o.path, record.month, outputDir) }));
    }
    return { records: [...byId.values()], skipped };
  }

  /** Adds delivery steps to the record of the run `id` (one line; read back into that record). */
  async appendDelivery(id: string, delivery: DeliveryRecord[]): Promise<void> {
    await this.appendLine(this.amendmentLine(id, delivery));
  }

  /** The same, synchronously: for a run stopped by a signal while an e-mail was going. */
  appendDeliverySync(id: string, delivery: DeliveryRecord[]): void {
    this.appendLineSync(this.amendmentLine(id, delivery));
  }

  private amendmentLine(id: string, delivery: DeliveryRecord[]): Buffer {
    const bounded = delivery.map((d) => ({
      ...d,
      list: cutText(d.list),
      recipients: d.recipients.slice(0, 50).map((r) => cutText(r)),
      ...(d.detail ? { detail: cutText(d.detail) } : {}),
    }));
    return Buffer.from(`${JSON.stringify({ amends: id, delivery: bounded })}\n`, 'utf8');
  }

  /** Every readable record, oldest first (damaged lines are skipped: see readAll). */
  async read(): Promise<RunRecord[]> {
    return (await this.readAll()).records;
  }

  async lastSuccess(target: RunRecord['target'], month: MonthKey): Promise<RunRecord | undefined> {
    return (await this.read())
      .filter((r) => r.outcome === 'success' && r.target.kind === target.kind && r.target.name === target.name && r.month === month)
      .pop();
  }

  async hasSlot(job: string, slot: string): Promise<boolean> {
    return (await this.read()).some((r) => r.job === job && r.slot === slot && r.outcome !== 'refused');
  }

  /** The rotated generations that exist, for tests and tools. */
  async files(): Promise<string[]> {
    const names = new Set(await readdir(this.folder).catch(() => [] as string[]));
    return Array.from({ length: LIMITS.generations + 1 }, (_, n) => this.generation(n)).filter((f) => names.has(path.basename(f)));
  }
}

export function newRunId(now: Date): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${Math.random().toString(36).slice(2, 8)}`;
}
