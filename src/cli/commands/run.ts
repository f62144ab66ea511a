import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { loadProjectSettings, PROJECT_HELP, projectOption, settingsOption, type ProjectOptions } from '../project-options.js';
import { ALL_TABLES_REPORT } from '../../report/all-tables.js';
import { B4BError } from '../../findings/finding.js';
import { cutText, LIMITS } from '../../run/ledger.js';
import { createProgress } from '../../run/progress.js';
import { RunStoppedError, signalExitCode, stopOnSignals } from '../../run/stop-signal.js';
import { markStartup } from '../../run/stage-clock.js';
import { isMonthKey, monthLabel, monthLongLabel, MONTH_YEARS, type MonthKey } from '../../model/month.js';
import type { MonthRunResult } from '../../run/run-month.js';
import type { FigureChange } from '../../run/ledger.js';

interface RunOptions extends ProjectOptions {
  month: MonthKey;
  report?: string;
  pack?: string;
  workbook?: string;
  strict?: boolean;
  force?: boolean;
  wait: number;
  itemFilesWithoutPageNumbers?: boolean;
}

function monthOption(value: string): MonthKey {
  if (isMonthKey(value)) return value;
  if (/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) {
    throw new InvalidArgumentError(
      `"${value}" is not a month the reports can cover; expected YYYY-MM from ${MONTH_YEARS.first}-01 to ${MONTH_YEARS.last}-12, e.g. 2023-10.`,
    );
  }
  throw new InvalidArgumentError(`"${value}" is not a month; expected YYYY-MM, e.g. 2023-10.`);
}

function secondsOption(value: string): number {
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0) throw new InvalidArgumentError(`"${value}" is not a number of seconds (0 or more).`);
  return seconds;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Produce a month: every report and pack configured, or with --report or --pack just one (or re-run a month), and print the paths of the PDFs')
    .addOption(new Option('--month <YYYY-MM>', 'the report month, e.g. 2023-10 (data to the end of that month)').makeOptionMandatory().argParser(monthOption))
    .addOption(new Option('--report <name>', 'a report named in config/b4b.yaml (performance, finance, clinic-safeguarding, ...)').conflicts('pack'))
    .option('--pack <name>', 'an agenda pack named in config/packs.yaml (panel, board): writes the public and restricted packs')
    .option('--force', "replace the month's existing PDFs (a re-run); without it an existing PDF is never replaced")
    .addOption(
      new Option('--wait <seconds>', 'if another run of the same report or pack is in progress, wait this long for it instead of refusing')
        .default(0)
        .argParser(secondsOption),
    )
    .addOption(new Option('--item-files-without-page-numbers', "with --pack: write each item's own PDF without pack page numbers").conflicts('report'))
    .option('--workbook <file>', 'read this workbook instead of the configured one')
    .option('--strict', 'treat warnings (an indicator not supplied, no commentary) as errors: nothing is written')
    .addHelpText(
      'after',
      '\nWithout --report or --pack, produces everything configured for the month in one go: every report in\n' +
        'config/b4b.yaml and every pack in config/packs.yaml, each document laid out once. A clinic is produced only\n' +
        'for a month with team rows; otherwise it is skipped with a warning naming the latest month that has them.\n' +
        '\nWrites output/<month>/<report>-<month>.pdf, or for a pack output/<month>/<pack>-<month>-public.pdf and\n' +
        '-restricted.pdf with each item in output/<month>/<pack>-items/. Files are written whole and then moved into\n' +
        'place, so a failed or killed run leaves the last good PDFs as they were. A re-run (--force) lists the figures\n' +
        'that changed since the last run of that month. Every run is recorded: see "b4b-reports history".',
    )
    .addOption(projectOption())
    .addOption(settingsOption())
    .addHelpText('after', `\n${PROJECT_HELP}`)
    .action(async (options: RunOptions) => {
      markStartup();
      const layoutThreads = await import('../../layout/layout-threads.js');
      try {
        await run(options, () => layoutThreads.startLayoutThreads());
      } finally {
        await layoutThreads.stopLayoutThreads();
      }
    });
}

async function run(options: RunOptions, startLayoutThread: () => void): Promise<void> {
  const waitSeconds = options.wait;
  const loaded = await loadProjectSettings(options, { workbook: options.workbook });
  if (options.report !== undefined && options.report !== ALL_TABLES_REPORT && !Object.hasOwn(loaded.settings.reports, options.report)) {
    const known = [...Object.keys(loaded.settings.reports), ALL_TABLES_REPORT].join(', ');
    throw new B4BError(`there is no report called "${options.report}" in the settings (known: ${known})`, [], 2);
  }
  if (options.pack !== undefined) {
    const { loadPacks } = await import('../../pack/load-packs.js');
    const packs = await loadPacks(loaded);
    if (!Object.hasOwn(packs, options.pack))
      throw new B4BError(`there is no pack called "${options.pack}" in ${loaded.paths.packs} (known: ${Object.keys(packs).join(', ')})`, [], 2);
  }
  // The settings name what to produce: the layout thread starts now, loading pdfmake and the font
  // while the workbook is read (a run refused by its settings never starts it).
  startLayoutThread();
  const progress = createProgress();
  // SIGTERM and SIGINT stop the run at once: it records itself as the signal is handled, nothing is
  // published (the last good outputs are untouched), and the process ends.
  const stop = stopOnSignals((signal) => {
    process.stderr.write(`b4b-reports: ${new RunStoppedError(signal).message}\n`);
    process.exit(signalExitCode(signal));
  });
  const common = {
    month: options.month,
    trigger: 'on-demand' as const,
    force: options.force === true,
    strict: options.strict === true,
    waitMs: waitSeconds * 1000,
    numberItemFiles: options.itemFilesWithoutPageNumbers !== true,
    signal: stop.signal,
  };
  if (options.report === undefined && options.pack === undefined) {
    const { executeMonthRun } = await import('../../run/run-month.js');
    reportMonthRun(await executeMonthRun(loaded, common, progress), options.month);
    stop.dispose();
    return;
  }
  const { executeRun } = await import('../../run/execute-run.js');
  let result;
  try {
    result = await executeRun(
      loaded,
      { ...common, target: options.pack !== undefined ? { kind: 'pack', name: options.pack } : { kind: 'report', name: options.report ?? '' } },
      progress,
    );
  } finally {
    stop.dispose();
  }
  const { record, printed } = result;
  const lines: string[] = [];
  if (record.changes) lines.push(...changeLines(record.changes));
  lines.push(`Done in ${(record.durationMs / 1000).toFixed(1)} s (run ${record.id}; "b4b-reports history" lists runs).`);
  process.stderr.write(`${lines.join('\n')}\n`);
  process.stdout.write(`${printed.map((file) => path.relative(process.cwd(), file) || file).join('\n')}\n`);
}

function changeLines(changes: FigureChange[]): string[] {
  return [
    `Figures changed since the last run of this month: ${changes.length}`,
    ...changes.slice(0, 200).map((c) => {
      const what = c.what ? ` ${c.what}` : '';
      const when = c.month ? `, ${monthLabel(c.month)}` : '';
      return cutText(`  ${c.indicator}${what}${when}: ${c.old} → ${c.new}  ${c.cell ? `at ${c.cell} ` : ''}(${c.where})`);
    }),
    ...(changes.length > 200 ? [`  … and ${changes.length - 200} more ("b4b-reports history --json" has the first ${LIMITS.changes})`] : []),
  ];
}

/** What a run of the whole month says: changed figures, what was skipped or failed and why, the PDFs' paths. */
function reportMonthRun(result: MonthRunResult, monthKey: MonthKey): void {
  const lines: string[] = [];
  const changed = result.produced.find((r) => r.record.changes && r.record.changes.length > 0);
  if (changed?.record.changes) lines.push(...changeLines(changed.record.changes));
  const failed = result.notProduced.filter((n) => n.record.outcome !== 'skipped');
  const refused = failed.filter((n) => n.record.outcome === 'refused').length;
  const skipped = result.notProduced.filter((n) => n.record.outcome === 'skipped');
  for (const s of skipped) lines.push(`Skipped: ${s.record.warnings[0] ?? `${s.record.target.kind} ${s.record.target.name}`}`);
  const month = monthLongLabel(monthKey);
  lines.push(
    `Done in ${(result.durationMs / 1000).toFixed(1)} s: ${result.produced.length} output set(s) for ${month} written` +
      (skipped.length > 0 ? `, ${skipped.length} skipped` : '') +
      (failed.length - refused > 0 ? `, ${failed.length - refused} failed` : '') +
      (refused > 0 ? `, ${refused} refused` : '') +
      ` (runs ${result.produced.map((r) => r.record.id).join(', ') || '-'}; "b4b-reports history" lists runs).`,
  );
  process.stderr.write(`${lines.join('\n')}\n`);
  if (result.printed.length > 0) process.stdout.write(`${result.printed.map((file) => path.relative(process.cwd(), file) || file).join('\n')}\n`);
  if (failed.length > 0) {
    const first = failed[0]?.error;
    throw new B4BError(
      `${failed.length} of ${result.produced.length + result.notProduced.length} output set(s) for ${month} were not written:\n` +
        failed.map((f) => `  ${f.record.target.kind} ${f.record.target.name}: ${(f.record.error ?? '').split('\n')[0]}`).join('\n'),
      [],
      first instanceof B4BError ? first.exitCode : 1,
    );
  }
}
