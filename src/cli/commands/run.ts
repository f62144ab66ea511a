import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import writeFileAtomic from 'write-file-atomic';
import { loadSettings } from '../../config/settings.js';
import { B4BError, formatFinding, formatSource } from '../../findings/finding.js';
import { readWorkbookFile } from '../../read-workbook-file.js';
import { buildConfiguredReport } from '../../run/configured-report.js';
import { isMonthKey, monthLongLabel, type MonthKey } from '../../workbook/month.js';

interface RunOptions {
  month: string;
  report: string;
  workbook?: string;
  strict?: boolean;
  settings?: string;
}

function latestMonth(months: MonthKey[]): MonthKey | undefined {
  return [...months].sort().pop();
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Produce a report for a month from the workbook, and print the path of the PDF')
    .requiredOption('--month <YYYY-MM>', 'the report month, e.g. 2023-10 (data to the end of that month)')
    .requiredOption('--report <name>', 'the report to produce, as named in config/b4b.yaml (e.g. performance)')
    .option('--workbook <file>', 'read this workbook instead of the configured one')
    .option('--strict', 'treat warnings (an indicator not supplied, no commentary) as errors: nothing is written')
    .option('--settings <file>', 'settings file (default: config/b4b.yaml)')
    .addHelpText('after', '\nWrites output/<month>/<report>-<month>.pdf; a failed run writes nothing and leaves the last good PDF in place.')
    .action(async (options: RunOptions) => {
      const started = performance.now();
      if (!isMonthKey(options.month)) {
        throw new B4BError(`--month "${options.month}" is not a month; expected YYYY-MM, e.g. 2023-10`, [], 2);
      }
      const month = options.month;
      const loaded = await loadSettings({ ...(options.settings ? { settingsFile: options.settings } : {}) });
      if (!loaded.settings.reports[options.report]) {
        const known = Object.keys(loaded.settings.reports).join(', ') || 'none';
        throw new B4BError(`there is no report called "${options.report}" in the settings (known: ${known})`, [], 2);
      }
      const workbookFile = path.resolve(options.workbook ?? loaded.paths.workbook);
      const { dataset, findings } = await readWorkbookFile(workbookFile, loaded.aliases, loaded.catalogue);
      const errors = findings.filter((f) => f.severity === 'error');
      if (errors.length > 0) {
        throw new B4BError(
          `the workbook has ${errors.length} error(s); nothing was written:\n${errors.map((f) => `  ${formatFinding(f)}`).join('\n')}`,
          errors,
        );
      }
      const months = dataset.tables.flatMap((t) => t.months);
      if (!months.includes(month)) {
        const latest = latestMonth(months);
        throw new B4BError(
          `no table in ${path.basename(workbookFile)} has figures for ${monthLongLabel(month)}` +
            (latest ? `; the latest month in the workbook is ${monthLongLabel(latest)}` : ''),
        );
      }
      const output = await buildConfiguredReport(loaded, options.report, dataset, month);
      const warnings = output.warnings.map((w) => (w.source ? `${formatSource(w.source)}: ${w.message}` : w.message));
      if (options.strict && warnings.length > 0) {
        throw new B4BError(`--strict: the report has ${warnings.length} warning(s); nothing was written:\n${warnings.map((w) => `  ${w}`).join('\n')}`);
      }
      const file = path.join(loaded.paths.outputDir, month, `${options.report}-${month}.pdf`);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFileAtomic(file, output.pdf);
      const workbookWarnings = findings.length;
      const lines = [
        ...(warnings.length > 0 ? [`Warnings (${warnings.length}):`, ...warnings.map((w) => `  ${w}`)] : []),
        ...(workbookWarnings > 0 ? [`The workbook has ${workbookWarnings} warning(s): run "b4b-reports validate" to list them.`] : []),
        `Done in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
      ];
      process.stderr.write(`${lines.join('\n')}\n`);
      process.stdout.write(`${path.relative(process.cwd(), file) || file}\n`);
    });
}
