import { adviceFor } from '../advice.js';
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { monthLabel } from '../../model/month.js';
import type { DeliveryRecord, RunRecord } from '../../run/ledger.js';
import { loadProjectSettings, PROJECT_HELP, projectOption, settingsOption, type ProjectOptions } from '../project-options.js';
import { UsageError } from '../../findings/errors.js';
import { writeJson } from '../outcome.js';
import { fitLine, writeDiagnostic } from '../log-format.js';
import { changeLine } from '../run-summary.js';
import { helpText } from '../help-text.js';

interface HistoryOptions extends ProjectOptions {
  json?: boolean;
  limit: number;
  run?: string[];
}

/** --limit: a whole number of runs, 1 or more ("abc", "0", "-5" and "2.5" are usage errors). */
function positiveWholeNumber(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new InvalidArgumentError(`"${value}" is not a whole number of runs, 1 or more.`);
  return Number(value);
}

/** "06 Dec 10:16": when a run started, in local time. */
function when(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(d.getDate())} ${d.toLocaleString('en-GB', { month: 'short' })} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The first line of an error, with the line after it when the first only introduces it ("…; nothing was written:"). */
function errorLine(error: string): string {
  const [first = '', second = ''] = error.split('\n');
  return first.endsWith(':') && second.trim() ? `${first} ${second.trim()}` : first;
}

/**
 * Long paths in a line cut to their last three parts ("…/output/2023-10/performance-2023-10.pdf"), so
 * that a line cut to its width still names the file; `history --run ID` prints them whole.
 */
function shortPaths(line: string): string {
  return line.replace(/(?:\.{1,2}\/|\/)[^\s"'“”]+/g, (file) => {
    const parts = file.split('/');
    return file.length > 40 && parts.length > 4 ? `…/${parts.slice(-3).join('/')}` : file;
  });
}

/** The last step of each e-mail of a run: "board-members sent". */
function deliveryLine(delivery: DeliveryRecord[] | undefined): string | undefined {
  if (!delivery?.length) return undefined;
  const last = new Map<string, string>();
  for (const d of delivery) last.set(d.list, d.status);
  return [...last].map(([list, status]) => `${list} ${status}`).join(', ');
}

/** A run's short name: the random end of its id (`history --run` takes either). */
const shortId = (id: string): string => id.split('-').pop() ?? id;

/**
 * One run in a line: its short id first (what `history --run` takes, never the part a narrow terminal
 * wraps), when, month, report or pack, outcome, then its warnings and changes; the error and e-mails,
 * when there are any, on lines of their own below. A line longer than `width` (an 80-column terminal)
 * puts the warnings and changes on the line below rather than wrapping it.
 */
export function runLines(r: RunRecord, current: boolean, nameWidth: number, width: number): string[] {
  const flags = [
    r.outcome === 'success' && current ? 'current' : '',
    r.warnings.length ? `${r.warningsTotal ?? r.warnings.length} warn` : '',
    r.changes ? `${r.changesTotal ?? r.changes.length} changed` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const head = `${shortId(r.id)}  ${when(r.startedAt)}  ${monthLabel(r.month)}  ${`${r.target.kind} ${r.target.name}`.padEnd(nameWidth)}  ${r.outcome}`;
  const whole = flags ? `${head.padEnd(head.length + 7 - r.outcome.length)}  ${flags}` : head;
  const lines = whole.length <= width || !flags ? [whole] : [head, `    ${flags}`];
  if (r.error) lines.push(fitLine(`    ${shortPaths(errorLine(r.error))}`, width));
  const mail = deliveryLine(r.delivery);
  if (mail) lines.push(`    e-mail: ${mail}`);
  return lines;
}

/** One run in full: `history --run ID`. */
function runDetail(r: RunRecord, current: boolean): string[] {
  return [
    `Run ${r.id}: ${r.target.kind} ${r.target.name} for ${monthLabel(r.month)}, ${r.trigger}${r.job ? ` (job ${r.job}, slot ${r.slot ?? '-'})` : ''}`,
    `Started ${r.startedAt}, ${(r.durationMs / 1000).toFixed(1)} s; ${r.outcome}${r.outcome === 'success' ? (current ? ' (its files are the current ones)' : ' (replaced since)') : ''}`,
    `Workbook: ${path.basename(r.workbook.path)}${r.workbook.sha256 ? ` (SHA-256 ${r.workbook.sha256.slice(0, 16)}…)` : ''}, ${r.workbook.path}`,
    ...(r.error ? ['Error:', ...r.error.split('\n').map((l) => `  ${l}`)] : []),
    ...(r.outputs.length ? [`Files (${r.outputs.length}):`, ...r.outputs.map((o) => `  ${o.path}`)] : []),
    ...(r.warnings.length ? [`Warnings (${r.warningsTotal ?? r.warnings.length}):`, ...r.warnings.map((w) => `  ${w}`)] : []),
    ...(r.decisions?.length ? [`Read as configuration says (${r.decisions.length}):`, ...r.decisions.map((d) => `  ${d}`)] : []),
    ...(r.changes ? [`Figures changed since the run before (${r.changesTotal ?? r.changes.length}):`, ...r.changes.map((c) => `  ${changeLine(c)}`)] : []),
    ...(r.delivery?.length
      ? ['E-mail:', ...r.delivery.map((d) => `  ${d.at ?? ''} ${d.list} (${d.variant}): ${d.status}${d.detail ? `: ${d.detail}` : ''}`.trimEnd())]
      : []),
  ];
}

export function registerHistory(program: Command): void {
  program
    .command('history')
    .description('List recorded runs, newest first: what ran, for which month, how it ended; --run ID shows a run in full')
    .addOption(new Option('--limit <n>', 'how many runs to list (a whole number, 1 or more)').default(20).argParser(positiveWholeNumber))
    // Several ids: the runs of a month's outputs, which `run` names together where it points to their warnings.
    .option('--run <id...>', "show runs in full (one id or several): each run's workbook, files, every warning, the figures that changed, its e-mails")
    .option('--json', 'print {"ok": true, "ledger": FILE, "runs": [...]} with the ledger records, newest first')
    .addOption(projectOption())
    .addOption(settingsOption())
    .addHelpText('after', helpText(`\n${PROJECT_HELP}`))
    .action(async (options: HistoryOptions) => {
      const loaded = await loadProjectSettings(options);
      const [{ describeSkipped, RunLedger }, { currentSet }] = await Promise.all([import('../../run/ledger.js'), import('../../run/output-files.js')]);
      const { records, skipped } = await new RunLedger(loaded.paths.ledger, { outputDir: loaded.paths.outputDir }).readAll();
      // A damaged ledger is read all the same: the lines that are not records are skipped, and said so.
      if (skipped.length > 0) writeDiagnostic('warn', describeSkipped(skipped));
      const newestFirst = records.reverse();
      const find = (id: string): RunRecord | undefined => newestFirst.find((r) => r.id === id || shortId(r.id) === id);
      const unknown = (options.run ?? []).filter((id) => !find(id));
      if (unknown.length > 0)
        throw new UsageError(
          adviceFor(options)(`there is no run ${unknown.map((id) => `"${id}"`).join(', ')} in ${loaded.paths.ledger}; "b4b-reports history" lists the runs`),
        );
      // In the order given, each once.
      const runs = options.run !== undefined ? [...new Set(options.run.map(find))].filter((r) => r !== undefined) : newestFirst.slice(0, options.limit);
      const current = new Map<string, string | undefined>();
      for (const r of runs) if (r.set && !current.has(r.set.name)) current.set(r.set.name, await currentSet(loaded.paths.outputDir, r.set.name));
      const isCurrent = (r: RunRecord): boolean => r.set !== undefined && current.get(r.set.name) === r.set.id;
      if (options.json) {
        writeJson({ ok: true, ledger: loaded.paths.ledger, runs });
        return;
      }
      if (runs.length === 0) {
        process.stdout.write(`No runs recorded yet (${loaded.paths.ledger}).\n`);
        return;
      }
      // A record keeps its advice as the run said it ("b4b-reports run --month 2023-07 --report …"): shown
      // here, it names the project this command was given, and the workbook the run read when it was not
      // the configured one, so that followed from any folder it acts on what the run found.
      const advise = (r: RunRecord): ((text: string) => string) =>
        adviceFor(options, { workbook: path.resolve(r.workbook.path) === path.resolve(loaded.paths.workbook) ? undefined : r.workbook.path });
      const lines =
        options.run !== undefined
          ? runs.flatMap((r, i) => [...(i > 0 ? [''] : []), ...runDetail(r, isCurrent(r)).map(advise(r))])
          : runs.flatMap((r) =>
              runLines(
                r,
                isCurrent(r),
                Math.max(...runs.map((x) => `${x.target.kind} ${x.target.name}`.length)),
                // The terminal's width; piped, about 100 characters.
                process.stdout.isTTY && process.stdout.columns ? process.stdout.columns - 1 : 100,
              ).map(advise(r)),
            );
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
