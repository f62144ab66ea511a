import { InvalidArgumentError, Option, type Command } from 'commander';
import { loadProjectSettings, PROJECT_HELP, projectOption, settingsOption, type ProjectOptions } from '../project-options.js';
import { isMonthKey, MONTH_YEARS, type MonthKey } from '../../model/month.js';
import { signalExitCode, stopOnSignals } from '../../run/stop-signal.js';
import { markStartup, stageTimer } from '../stage-clock.js';
import { logFormat, RunReporter, jsonLine } from '../log-format.js';
import { adviceFor } from '../advice.js';
import { describeFailure, writeJson } from '../outcome.js';
import { runFailure, saidWhole, summaryJson, summaryLines, writtenPaths } from '../run-summary.js';
import type { RunTarget } from '../../model/target.js';
import { helpText } from '../help-text.js';

interface RunOptions extends ProjectOptions {
  month: MonthKey;
  report?: string;
  pack?: string;
  workbook?: string;
  strict?: boolean;
  force?: boolean;
  json?: boolean;
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
    .description('Produce a month: every report and pack configured, or with --report or --pack just one (or re-run a month), and say what was written')
    .addOption(new Option('--month <YYYY-MM>', 'the report month, e.g. 2023-10 (data to the end of that month)').makeOptionMandatory().argParser(monthOption))
    .addOption(new Option('--report <name>', 'a report named in config/b4b.yaml (performance, finance, clinic-safeguarding, ...)').conflicts('pack'))
    .option('--pack <name>', 'an agenda pack named in config/packs.yaml (panel, board): writes the public and restricted packs')
    .option('--force', "replace the month's existing outputs (a re-run); without it an output that exists is never replaced, and nothing is done for it")
    .addOption(
      new Option('--wait <seconds>', 'if another run of the same month is in progress, wait this long for it instead of refusing')
        .default(0)
        .argParser(secondsOption),
    )
    .addOption(new Option('--item-files-without-page-numbers', "with --pack: write each item's own PDF without pack page numbers").conflicts('report'))
    .option('--workbook <file>', 'read this workbook instead of the configured one')
    .option('--strict', 'treat warnings (an indicator not supplied, no commentary) as errors: nothing is written')
    .option('--json', 'print one JSON object on stdout: each output with its status, files and run, and the warnings')
    .addHelpText(
      'after',
      helpText(
        '\nWithout --report or --pack, produces everything configured for the month in one go: every report in\n' +
          'config/b4b.yaml and every pack in config/packs.yaml, each document laid out once. A clinic is produced only\n' +
          'for a month with team rows; otherwise it is skipped, naming the latest month that has them.\n' +
          '\nWrites output/<month>/<report>-<month>.pdf, or for a pack output/<month>/<pack>-<month>-public.pdf and\n' +
          "-restricted.pdf with each item in output/<month>/<pack>-items/. The month's files change together, all new\n" +
          'or all old, so a failed or killed run leaves the last good files as they were. A re-run (--force) lists the\n' +
          'figures that changed since the last run of that month. Ends with one summary: each output, its status and\n' +
          'where its files are (on a terminal; piped, stdout is the paths alone). Every run is recorded: see\n' +
          '"b4b-reports history".',
      ),
    )
    .addOption(projectOption())
    .addOption(settingsOption())
    .addHelpText('after', helpText(`\n${PROJECT_HELP}`))
    .action(async (options: RunOptions) => {
      markStartup();
      const layoutThreads = await import('../../layout/layout-threads.js');
      try {
        await run(options, layoutThreads);
      } finally {
        await layoutThreads.stopLayoutThreads();
      }
    });
}

async function run(options: RunOptions, layoutThreads: typeof import('../../layout/layout-threads.js')): Promise<void> {
  const loaded = await loadProjectSettings(options, { workbook: options.workbook }, { writes: 'run' });
  const targets: RunTarget[] | 'all' =
    options.pack !== undefined ? [{ kind: 'pack', name: options.pack }] : options.report !== undefined ? [{ kind: 'report', name: options.report }] : 'all';
  const format = logFormat();
  const advise = adviceFor(options, { workbook: options.workbook });
  const reporter = new RunReporter(format, process.stderr, advise);
  // SIGTERM and SIGINT stop the run at once: it records itself as the signal is handled, nothing more is
  // published (an output not yet published keeps its last good files), the user is told which outputs
  // the run had published already, and the process ends.
  const stop = stopOnSignals((signal, reason) => {
    reporter.end();
    const message = advise(reason.summary());
    process.stderr.write(format === 'json' ? jsonLine('error', message) : `b4b-reports: ${message}\n`);
    process.exit(signalExitCode(signal));
  });
  const { runMonth } = await import('../../run/run.js');
  let result;
  try {
    result = await runMonth(
      loaded,
      {
        targets,
        month: options.month,
        trigger: 'on-demand',
        ...(options.workbook !== undefined ? { workbook: options.workbook } : {}),
        force: options.force === true,
        strict: options.strict === true,
        waitMs: options.wait * 1000,
        numberItemFiles: options.itemFilesWithoutPageNumbers !== true,
        signal: stop.signal,
      },
      reporter,
      // The settings name what to produce: the layout thread starts now, loading pdfmake and the font
      // while the workbook is read (a run refused by its settings never starts it).
      // Once the documents are laid out, the thread is ended: it winds down (about a tenth of a second, freeing
      // its heap) while the sets are published, not after, as the process exits.
      {
        layOut: layoutThreads.layOut,
        timer: stageTimer(),
        configured: () => layoutThreads.startLayoutThreads(),
        laidOut: () => void layoutThreads.stopLayoutThreads().catch(() => undefined),
      },
    );
  } finally {
    stop.dispose();
    reporter.end();
  }
  const failure = runFailure(result);
  if (failure) failure.message = advise(failure.message);
  if (options.json) {
    // One JSON object, whatever the outcome: the failure is in it, and the exit code says it too.
    const described = failure === undefined ? undefined : describeFailure(failure);
    writeJson(summaryJson(result, reporter, described, { advise }));
    if (described) process.exitCode = described.exitCode;
    return;
  }
  if (process.stdout.isTTY) {
    const shown = { width: (process.stdout.columns || 120) - 1, advise, ...(options.workbook !== undefined ? { workbook: options.workbook } : {}) };
    const lines = summaryLines(result, reporter, shown);
    process.stdout.write(`${lines.join('\n')}\n`);
    // Said whole in its row (a refusal, one workbook error), a failure is not said again under it: only its exit code.
    if (failure !== undefined && saidWhole(lines, failure.message)) {
      process.exitCode = describeFailure(failure).exitCode;
      return;
    }
  } else {
    // Piped: stdout is the paths alone, one a line (for scripts); the summary is a diagnostic.
    const paths = writtenPaths(result);
    if (paths.length > 0) process.stdout.write(`${paths.join('\n')}\n`);
    if (format === 'json') process.stderr.write(jsonLine('info', 'summary', summaryJson(result, reporter, undefined, { brief: true, advise })));
    else
      process.stderr.write(
        `${summaryLines(result, reporter, {
          width: Number.POSITIVE_INFINITY,
          maxWarnings: Number.POSITIVE_INFINITY,
          advise,
          ...(options.workbook !== undefined ? { workbook: options.workbook } : {}),
        }).join('\n')}\n`,
      );
  }
  if (failure !== undefined) throw failure;
}
