import path from 'node:path';
import { shellWord } from '../config/project.js';
import { BusyError, EXIT, FileSystemError } from '../findings/errors.js';
import { B4BError, formatFinding } from '../findings/finding.js';
import { cutText } from '../run/ledger.js';
import { monthLabel, monthLongLabel } from '../model/month.js';
import type { FigureChange } from '../run/ledger.js';
import { targetLabel } from '../model/target.js';
import type { RunResult, TargetResult } from '../run/run.js';
import { describeFailure } from './outcome.js';
import { fitLine, wrapWords, type RunReporter } from './log-format.js';

/** "report performance", "pack board". */

/** How an output set ended, as the summary says it. */
export type OutputStatus = 'written' | 'skipped' | 'failed' | 'refused';

function statusOf(result: TargetResult): OutputStatus {
  const outcome = result.record.outcome;
  return outcome === 'success' ? 'written' : outcome;
}

/** The first line of why a set was not written (its skip reason, or its error's first line). */
function reasonOf(result: TargetResult): string {
  const record = result.record;
  // The row names the report: its skip reason need not ("clinic-safeguarding was not produced for October 2023: ...").
  if (record.outcome === 'skipped') return (record.warnings[0] ?? 'skipped').replace(/^\S+ was not produced for [^:]+: /, '');
  const text = record.error ?? '';
  const [first = '', second = ''] = text.split('\n');
  // A first line that ends in a colon introduces the lines after it: say the first of them too.
  return first.endsWith(':') && second ? `${first} ${second.trim()}` : first;
}

/** The paths a result shows (relative to the current folder when inside it). */
function shownPaths(result: TargetResult, cwd: string): string[] {
  const month = result.record.month;
  const shown = result.record.outputs.filter((o) =>
    result.target.kind === 'report'
      ? o.path.endsWith(`${path.sep}${result.target.name}-${month}.pdf`)
      : /-(public|restricted)\.pdf$/.test(o.path) && path.basename(path.dirname(o.path)) === month,
  );
  return shown.map((o) => path.relative(cwd, o.path) || o.path);
}

/** A quoted command ("b4b-reports history --run 7bj6lg") or a cell ('B4B data set'!AB8), with what is stuck to it. */
const UNBROKEN = /([^\s"]*"[^"]*"[^\s"]*|[^\s']*'[^']*'![A-Z]+\d+\S*)/;

/**
 * Words wrapped to `width` characters, in at most `max` lines (the last cut with "…"). A quoted command
 * or a cell that fits on a line is kept on one, so that it can be read and copied whole; a command longer
 * than the line is kept whole on a line of its own all the same (the terminal folds it): broken over two
 * lines, it ran as two when pasted into a shell.
 */
function wrap(text: string, width: number, max: number): string[] {
  if (!Number.isFinite(width) || text.length <= width) return [text];
  const whole = (part: string): boolean => part.length <= width || part.includes('"b4b-reports ');
  const words = text.split(UNBROKEN).flatMap((part, i) => (i % 2 === 1 && whole(part) ? [part] : part.split(/\s+/).filter(Boolean)));
  const lines = wrapWords(words, width);
  return lines.length <= max ? lines : [...lines.slice(0, max - 1), fitLine(lines.slice(max - 1).join(' '), width)];
}

/**
 * A changed figure on one line: "Number of referrals … (target), Oct-23: 273 → 290  at 'B4B data set'!AC8 ('B4B
 * data set' Right service right time)". What it is (a target, the RAG) is in brackets, as the console shows it,
 * and a value a document prints ("performance (printed)") is said as printed there.
 */
export function changeLine(c: FigureChange): string {
  const what = c.what ? ` (${c.what})` : '';
  const when = c.month ? `, ${monthLabel(c.month)}` : '';
  const printedIn = / \(printed\)$/.exec(c.where) ? `as printed in ${c.where.replace(/ \(printed\)$/, '')}` : c.where;
  return `${c.indicator}${what}${when}: ${c.old} → ${c.new}  ${c.cell ? `at ${c.cell} ` : ''}(${printedIn})`;
}

/** The paths of every file shown (each report's PDF, each pack's two variants), for stdout when it is not a terminal. */
export function writtenPaths(result: RunResult, cwd = process.cwd()): string[] {
  return result.results.filter((r) => r.record.outcome === 'success').flatMap((r) => shownPaths(r, cwd));
}

/**
 * The one summary of a run, for a terminal: a line for the month, a row per output (status, and where
 * its files are or why it was not written), the figures changed, and each warning once, at most
 * `maxWarnings` of them (the ledger keeps all: `history --run ID`).
 */
export function summaryLines(
  result: RunResult,
  reporter: RunReporter,
  options: {
    cwd?: string;
    width?: number;
    maxWarnings?: number;
    advise?: (text: string) => string;
    /** The workbook the run was given (run --workbook), for advice to validate it; else the configured one. */
    workbook?: string;
  } = {},
): string[] {
  const cwd = options.cwd ?? process.cwd();
  const advise = options.advise ?? ((text: string) => text);
  const width = options.width ?? 120;
  const counts = new Map<OutputStatus, number>();
  for (const r of result.results) counts.set(statusOf(r), (counts.get(statusOf(r)) ?? 0) + 1);
  const said = (['written', 'skipped', 'refused', 'failed'] as const).filter((s) => counts.get(s)).map((s) => `${counts.get(s)} ${s}`);
  // The month's folder once, then each output's file names in it.
  const written = result.results.filter((r) => statusOf(r) === 'written').flatMap((r) => shownPaths(r, cwd));
  const folders = [...new Set(written.map((p) => path.dirname(p)))];
  const inFolder = folders.length === 1 ? ` in ${folders[0]}${path.sep}` : '';
  const changed = result.results.filter((r) => r.record.changes !== undefined);
  // The same change of the workbook is each output's: said once, naming the outputs.
  const distinct = new Map<string, { change: FigureChange; targets: string[] }>();
  for (const r of changed)
    for (const c of r.record.changes ?? []) {
      const key = JSON.stringify([c.where, c.indicator, c.month, c.what, c.cell, c.old, c.new]);
      const seen = distinct.get(key);
      if (seen) seen.targets.push(targetLabel(r.target));
      else distinct.set(key, { change: c, targets: [targetLabel(r.target)] });
    }
  const total = distinct.size;
  const noChange = changed.length > 0 && total === 0 ? '; no figure changed since the last run' : '';
  const lines = wrap(`${monthLongLabel(result.month)}: ${said.join(', ')}${inFolder}, ${(result.durationMs / 1000).toFixed(1)} s${noChange}`, width, 3);
  // A reason several outputs share (an unreadable workbook fails them all) is said in full once.
  const reasons = new Set<string>();
  const once = (reason: string): string => (reasons.has(reason) ? 'as above' : (reasons.add(reason), reason));
  const nameWidth = Math.max(...result.results.map((r) => targetLabel(r.target).length), 10);
  for (const r of result.results) {
    const status = statusOf(r);
    const files = shownPaths(r, cwd).map((p) => (inFolder ? path.basename(p) : p));
    const lead = `  ${targetLabel(r.target).padEnd(nameWidth)}  ${status.padEnd(7)}  `;
    // Its files, wrapped under the column (never cut: the restricted variant's name is the one cut off).
    if (status === 'written')
      lines.push(...wrap(files.join(', '), width - lead.length, 3).map((line, i) => `${i === 0 ? lead : ' '.repeat(lead.length)}${line}`));
    else {
      // Why it was not written, whole (its advice is at the end): on the lines under the row, the
      // terminal's whole width, at most four lines.
      lines.push(lead.trimEnd(), ...wrap(once(advise(reasonOf(r))), width - 6, 4).map((line) => `      ${line}`));
    }
  }
  if (total > 0) {
    lines.push(`Figures changed since the last run of ${monthLongLabel(result.month)}: ${total}`);
    const shown = [...distinct.values()].slice(0, 5);
    const every = (targets: string[]): string => (targets.length === result.results.length && targets.length > 1 ? 'every output' : targets.join(', '));
    // Each whole, wrapped: what changed, from what to what, and in which cell is what an officer re-ran the month for.
    for (const { change, targets } of shown)
      lines.push(...wrap(`${every(targets)}: ${changeLine(change)}`, width - 6, 3).map((line, i) => `${i === 0 ? '  ' : '      '}${line}`));
    // The rest are each in the records of the outputs that print them: one command names every such run.
    const rest = [...distinct.values()].slice(shown.length);
    const holding = changed.filter((r) => rest.some(({ targets }) => targets.includes(targetLabel(r.target))));
    const ids = holding.map((r) => r.record.id.split('-').pop() ?? r.record.id).join(' ');
    if (rest.length > 0 && holding[0])
      lines.push(
        ...wrap(
          advise(
            holding.length === 1
              ? `  … and ${rest.length} more ("b4b-reports history --run ${ids}" lists ${targetLabel(holding[0].target)}'s)`
              : `  … and ${rest.length} more, each in its outputs' runs: "b4b-reports history --run ${ids}"`,
          ),
          width,
          3,
        ),
      );
  }
  // The month's outputs this run did not make again that still print a changed figure's old value:
  // the month now disagrees with itself until they are made again.
  if (result.outOfStep.length > 0) {
    const stale = new Map<string, { change: FigureChange; targets: string[] }>();
    for (const o of result.outOfStep)
      for (const c of o.changes) {
        const key = JSON.stringify([c.cell, c.what]);
        const seen = stale.get(key);
        if (seen) seen.targets.push(targetLabel(o.target));
        else stale.set(key, { change: c, targets: [targetLabel(o.target)] });
      }
    const names = result.outOfStep.map((o) => targetLabel(o.target)).join(', ');
    const again = `b4b-reports run --month ${result.month}${options.workbook === undefined ? '' : ` --workbook ${shellWord(path.resolve(cwd, options.workbook))}`} --force`;
    lines.push(...wrap(advise(`Not made again, and now out of step with this run: ${names}; "${again}" makes the whole month again:`), width, 4));
    for (const { change: c, targets } of [...stale.values()].slice(0, 3)) {
      const what = `${c.indicator}${c.what ? ` ${c.what}` : ''}, ${monthLabel(c.month)}`;
      const text = `${targets.join(', ')} ${targets.length > 1 ? 'print' : 'prints'} ${c.old} for ${what} at ${c.cell ?? c.where}, where this run printed ${c.new}`;
      lines.push(...wrap(text, width - 6, 3).map((line, i) => `${i === 0 ? '  ' : '      '}${line}`));
    }
    if (stale.size > 3) lines.push(`  … and ${stale.size - 3} more`);
  }
  // A re-run with --force loses nothing: what it replaced is kept (until the month is re-run again).
  const kept = result.results.flatMap((r) => (r.replacedKept ? [path.relative(cwd, r.replacedKept) || r.replacedKept] : []));
  if (kept.length > 0) {
    const where = kept.length === 1 ? kept[0] : `${commonFolder(kept)}${path.sep} (each output's previous run)`;
    lines.push(...wrap(`The files this run replaced are kept, until the month is made again, in ${where}`, width, 3));
  }
  // What the user most needs first: warnings about particular outputs (a figure two documents print
  // differently), then the workbook's, and last where the workbook's own RAG or arrow disagrees with
  // the one the reports print (the reports print theirs; a sample month has two dozen).
  const rank = ([message, targets]: [string, Set<string>]): number =>
    targets.size > 0 ? 0 : /: the workbook's (RAG|Direction of travel|Trend) is /.test(message) ? 2 : 1;
  // A skipped output's reason is its warning: said in its row above, not again here.
  const skipReasons = new Set(result.results.filter((r) => r.record.outcome === 'skipped').map((r) => advise(r.record.warnings[0] ?? '')));
  const warnings = [...reporter.warnings]
    .filter(([message]) => !skipReasons.has(message))
    .map((w, i) => ({ w, i }))
    .sort((a, b) => rank(a.w) - rank(b.w) || a.i - b.i)
    .map(({ w }) => w);
  // Nothing made and nothing failed (every output refused, as a re-run without --force is, or skipped): the
  // workbook's own warnings are about outputs not made, and said when they are: counted, with where they are.
  // Any other (a set a stopped run left, finished now) is listed as ever.
  const madeNothing = result.results.every((r) => statusOf(r) === 'refused' || statusOf(r) === 'skipped');
  const fromWorkbook = new Set(result.workbookWarnings.flatMap((f) => [formatFinding(f), cutText(formatFinding(f))]));
  const counted = madeNothing ? warnings.filter(([message]) => fromWorkbook.has(message) || /^… and [\d,]+ more$/.test(message)) : [];
  const listed = warnings.filter((w) => !counted.includes(w));
  const validate = options.workbook === undefined ? 'b4b-reports validate' : `b4b-reports validate ${shellWord(path.resolve(cwd, options.workbook))}`;
  if (listed.length > 0) {
    const max = options.maxWarnings ?? 6;
    // Where they are in full: each output's run records its own, so one command names them all (one run's
    // left the others' out). A skipped output's record holds only its reason (said in its row), and a refused
    // one none: when no record has them, validate lists the workbook's.
    const holding = result.results.filter((r) => r.record.outcome !== 'skipped' && r.record.warnings.length > 0);
    const ids = holding.map((r) => r.record.id.split('-').pop() ?? r.record.id).join(' ');
    const full = holding[0]
      ? // The command last, so that it wraps onto a line of its own, whole, rather than splitting the words around it.
        `; ${holding.length === 1 ? `${targetLabel(holding[0].target)}'s` : "each output's"} in full: "b4b-reports history --run ${ids}"`
      : result.workbookWarnings.length > 0 && !madeNothing
        ? `; "${validate}" lists the workbook's in full`
        : '';
    lines.push(...wrap(advise(`Warnings (${listed.length}, each said once${full}):`), width, 3));
    for (const [message, targets] of listed.slice(0, max)) {
      const about = targets.size > 0 && targets.size < result.results.length ? `${[...targets].join(', ')}: ` : '';
      lines.push(fitLine(`  ${about}${message}`, width));
    }
    if (listed.length > max) lines.push(`  … and ${listed.length - max} more`);
  }
  if (counted.length > 0)
    lines.push(...wrap(advise(`The workbook's warnings: ${counted.length}, not listed, as nothing was made ("${validate}" lists them)`), width, 3));
  return lines;
}

/**
 * Whether the summary's lines say `message` whole (wrapped, not cut): a failure a terminal has read in
 * its row (a refusal, one workbook error) need not be said again under it.
 */
export function saidWhole(lines: string[], message: string): boolean {
  const words = (text: string): string => text.replace(/\s+/g, ' ').trim();
  return words(lines.join(' ')).includes(words(message));
}

/** The run as one JSON object (`run --json`): every output with its status, files and run id, and each warning once. */
export function summaryJson(
  result: RunResult,
  reporter: RunReporter,
  failure?: ReturnType<typeof describeFailure>,
  options: { brief?: boolean; advise?: (text: string) => string } = {},
): Record<string, unknown> {
  // A skipped clinic's reason advises a command: given the project this run was, as the warnings are.
  const advise = options.advise ?? ((text: string) => text);
  return {
    ok: failure === undefined && result.results.every((r) => r.record.outcome === 'success' || r.record.outcome === 'skipped'),
    month: result.month,
    durationMs: result.durationMs,
    outputs: result.results.map((r) => ({
      kind: r.target.kind,
      name: r.target.name,
      status: statusOf(r),
      run: r.record.id,
      files: r.record.outputs.map((o) => o.path),
      ...(r.record.changes ? { changes: r.record.changes } : {}),
      ...(r.replacedKept ? { replacedKept: r.replacedKept } : {}),
      warnings: r.record.warnings.length,
      ...(statusOf(r) !== 'written' ? { reason: advise(reasonOf(r)) } : {}),
    })),
    // The log's summary line counts the warnings its earlier lines said; --json gives them whole.
    ...(options.brief
      ? { warnings: reporter.warnings.size }
      : {
          warnings: [...reporter.warnings].map(([message, targets]) => ({ message, targets: [...targets] })),
          workbookWarnings: result.workbookWarnings.map(formatFinding),
        }),
    delivery: result.delivery,
    // Outputs not made again that still print the old value of a figure this run changed.
    outOfStep: result.outOfStep.map((o) => ({ kind: o.target.kind, name: o.target.name, run: o.run, changes: o.changes })),
    ...(failure ? { error: failure } : {}),
  };
}

/**
 * The error a run ends with when a set was not written: a single set's own error (its message in
 * full: the workbook's errors, cell by cell); for several, the one they share, or a line naming how
 * many were not written, with the first failure's exit code.
 */
export function runFailure(result: RunResult): Error | undefined {
  const failed = result.results.filter((r) => r.record.outcome === 'failed' || r.record.outcome === 'refused');
  if (failed.length === 0) return undefined;
  const first = failed[0] as TargetResult;
  const errors = [...new Set(failed.map((f) => f.record.error))];
  if (result.results.length === 1 || (failed.length === result.results.length && errors.length === 1))
    return first.error instanceof Error ? first.error : new B4BError(first.record.error ?? 'failed');
  const message = `${failed.length} of ${result.results.length} output set(s) for ${monthLongLabel(result.month)} were not written: ${failed.map((f) => targetLabel(f.target)).join(', ')} (the summary says why)`;
  // Exit as the first failure would have (busy, a full disk, a problem).
  if (first.error instanceof BusyError) return new BusyError(message);
  if (first.error instanceof FileSystemError) return new FileSystemError(message, first.error.exitCode === EXIT.cantCreate ? EXIT.cantCreate : EXIT.ioError);
  return new B4BError(message);
}

/** The deepest folder that holds every one of `paths`. */
function commonFolder(paths: string[]): string {
  const split = paths.map((p) => p.split(path.sep));
  const first = split[0] ?? [];
  let n = 0;
  while (n < first.length - 1 && split.every((parts) => parts[n] === first[n])) n += 1;
  return first.slice(0, n).join(path.sep) || path.sep;
}
