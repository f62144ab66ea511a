import path from 'node:path';
import type { Command } from 'commander';
import { loadProjectSettings, PROJECT_HELP, projectOption, settingsOption, type ProjectOptions } from '../project-options.js';
import { ALL_TABLES_REPORT } from '../../report/all-tables.js';
import { B4BError } from '../../findings/finding.js';
import { cutText, LIMITS } from '../../run/ledger.js';
import { createProgress } from '../../run/progress.js';
import { RunStoppedError, signalExitCode, stopOnSignals } from '../../run/stop-signal.js';
import { isMonthKey, monthLabel } from '../../workbook/month.js';

interface RunOptions extends ProjectOptions {
  month: string;
  report?: string;
  pack?: string;
  workbook?: string;
  strict?: boolean;
  force?: boolean;
  wait?: string;
  itemFilesWithoutPageNumbers?: boolean;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Produce a report or an agenda pack for a month (or re-run a month), and print the paths of the PDFs')
    .requiredOption('--month <YYYY-MM>', 'the report month, e.g. 2023-10 (data to the end of that month)')
    .option('--report <name>', 'a report named in config/b4b.yaml (performance, finance, clinic-safeguarding, ...)')
    .option('--pack <name>', 'an agenda pack named in config/packs.yaml (panel, board): writes the public and restricted packs')
    .option('--force', 'replace the month\'s existing PDFs (a re-run); without it an existing PDF is never replaced')
    .option('--wait <seconds>', 'if another run of the same report or pack is in progress, wait this long for it instead of refusing', '0')
    .option('--item-files-without-page-numbers', "with --pack: write each item's own PDF without pack page numbers")
    .option('--workbook <file>', 'read this workbook instead of the configured one')
    .option('--strict', 'treat warnings (an indicator not supplied, no commentary) as errors: nothing is written')
    .addHelpText(
      'after',
      '\nWrites output/<month>/<report>-<month>.pdf, or for a pack output/<month>/<pack>-<month>-public.pdf and\n' +
        '-restricted.pdf with each item in output/<month>/<pack>-items/. Files are written whole and then moved into\n' +
        'place, so a failed or killed run leaves the last good PDFs as they were. A re-run (--force) lists the figures\n' +
        'that changed since the last run of that month. Every run is recorded: see "b4b-reports history".',
    )
    .addOption(projectOption())
    .addOption(settingsOption())
    .addHelpText('after', `\n${PROJECT_HELP}`)
    .action(async (options: RunOptions) => {
      if (!isMonthKey(options.month)) throw new B4BError(`--month "${options.month}" is not a month; expected YYYY-MM, e.g. 2023-10`, [], 2);
      if ((options.report === undefined) === (options.pack === undefined)) throw new B4BError('give either --report NAME or --pack NAME', [], 2);
      const waitSeconds = Number(options.wait ?? 0);
      if (!Number.isFinite(waitSeconds) || waitSeconds < 0) throw new B4BError(`--wait "${options.wait}" is not a number of seconds`, [], 2);
      const loaded = await loadProjectSettings(options, { workbook: options.workbook });
      if (options.report !== undefined && options.report !== ALL_TABLES_REPORT && !Object.hasOwn(loaded.settings.reports, options.report)) {
        const known = [...Object.keys(loaded.settings.reports), ALL_TABLES_REPORT].join(', ');
        throw new B4BError(`there is no report called "${options.report}" in the settings (known: ${known})`, [], 2);
      }
      if (options.pack !== undefined) {
        const { loadPacks } = await import('../../run/build-pack.js');
        const packs = await loadPacks(loaded);
        if (!packs[options.pack]) throw new B4BError(`there is no pack called "${options.pack}" in ${loaded.paths.packs} (known: ${Object.keys(packs).join(', ')})`, [], 2);
      }
      const progress = createProgress();
      const { executeRun } = await import('../../run/execute-run.js');
      // SIGTERM and SIGINT stop the run at once: it is recorded, nothing is published, and the process ends.
      const stop = stopOnSignals((signal) => {
        // The run recorded itself as the signal was handled; the last good outputs are untouched.
        process.stderr.write(`b4b-reports: ${new RunStoppedError(signal).message}\n`);
        process.exit(signalExitCode(signal));
      });
      let result;
      try {
        result = await executeRun(
        loaded,
        {
          target: options.pack !== undefined ? { kind: 'pack', name: options.pack } : { kind: 'report', name: options.report ?? '' },
          month: options.month,
          trigger: 'on-demand',
          force: options.force === true,
          strict: options.strict === true,
          waitMs: waitSeconds * 1000,
          numberItemFiles: options.itemFilesWithoutPageNumbers !== true,
          signal: stop.signal,
        },
        progress,
      );
      } catch (error) {
        if (error instanceof RunStoppedError) {
          process.stderr.write(`b4b-reports: ${error.message}\n`);
          process.exit(signalExitCode(error.signalName));
        }
        throw error;
      } finally {
        stop.dispose();
      }
      const { record, printed } = result;
      const lines: string[] = [];
      if (record.changes) {
        lines.push(`Figures changed since the last run of this month: ${record.changes.length}`);
        for (const c of record.changes.slice(0, 200)) {
          const what = c.what ? ` ${c.what}` : '';
          const when = c.month ? `, ${monthLabel(c.month)}` : '';
          lines.push(cutText(`  ${c.indicator}${what}${when}: ${c.old} → ${c.new}  ${c.cell ? `at ${c.cell} ` : ''}(${c.where})`));
        }
        if (record.changes.length > 200) lines.push(`  … and ${record.changes.length - 200} more ("b4b-reports history --json" has the first ${LIMITS.changes})`);
      }
      lines.push(`Done in ${(record.durationMs / 1000).toFixed(1)} s (run ${record.id}; "b4b-reports history" lists runs).`);
      process.stderr.write(`${lines.join('\n')}\n`);
      process.stdout.write(`${printed.map((file) => path.relative(process.cwd(), file) || file).join('\n')}\n`);
    });
}
