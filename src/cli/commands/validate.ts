import type { Command } from 'commander';
import { loadProjectSettings, PROJECT_HELP, projectOption, settingsOption, type ProjectOptions } from '../project-options.js';
import type { DatasetSummary } from '../../dataset/summarise.js';
import { formatSource } from '../../findings/finding.js';
import { monthLabel } from '../../model/month.js';
import { EXIT, writeJson } from '../outcome.js';
import { formatFindingGroups } from '../print-findings.js';
import { helpText } from '../help-text.js';

interface ValidateOptions extends ProjectOptions {
  strict?: boolean;
  json?: boolean;
}

function summaryLines(file: string, s: DatasetSummary): string[] {
  const range = s.firstMonth && s.lastMonth ? `, months ${monthLabel(s.firstMonth)} to ${monthLabel(s.lastMonth)}` : '';
  return [
    `Workbook: ${file}`,
    `Read ${s.tables} indicator tables with ${s.indicatorRows} indicator rows (${s.distinctIndicators} distinct indicators)${range}.`,
    ...s.sheets.map(
      (sheet) =>
        `  '${sheet.sheet}': ${sheet.tables} tables, ${sheet.indicatorRows} rows${sheet.lastMonth ? `, months to ${monthLabel(sheet.lastMonth)}` : ''}`,
    ),
    `Project sheets: ${s.teamMeasureRows} team measure rows, ${s.caseloadRows} caseload rows, ${s.commentaryRows} commentary rows, ${s.breakdownRows} breakdown rows, ` +
      `finance ${s.financeRows.revenue} revenue / ${s.financeRows.placements} placement / ${s.financeRows.costReduction} cost reduction rows.`,
  ];
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('Check a workbook and list every problem with its sheet and cell')
    .argument('[workbook]', 'the .xlsx file to check (default: the workbook in config/b4b.yaml)')
    .option('--strict', 'fail (exit 1) on warnings as well as errors')
    .option('--json', 'print the result as JSON for other programs')
    .addHelpText(
      'after',
      helpText(
        '\nThe report goes to stdout, pass or fail; the exit code says which: 0 no errors (and, with --strict, no\nwarnings), 1 problems found ("b4b-reports --help" lists every exit code).',
      ),
    )
    .addOption(projectOption())
    .addOption(settingsOption())
    .addHelpText('after', helpText(`\n${PROJECT_HELP}`))
    .action(async (workbookArg: string | undefined, options: ValidateOptions) => {
      const loaded = await loadProjectSettings(options, { workbook: workbookArg });
      const file = workbookArg ?? loaded.paths.workbook;
      // Loaded here, so that --help loads no workbook library.
      const { checkWorkbook } = await import('../../dataset/check-workbook.js');
      const { summary, errors, warnings, decisions } = await checkWorkbook(loaded, file);
      const failed = errors.length > 0 || (options.strict === true && warnings.length > 0);
      const verdict = failed
        ? `FAILED: ${errors.length} error(s), ${warnings.length} warning(s)${errors.length === 0 ? ' (--strict fails on warnings)' : ''}.`
        : `OK: no errors, ${warnings.length} warning(s).`;
      if (options.json) {
        const unreadable = errors.length > 0 && errors.every((f) => f.code === 'unreadable-file');
        writeJson({
          ok: !failed,
          ...(failed
            ? {
                error: {
                  code: unreadable ? 'unreadable-file' : 'problems',
                  exitCode: EXIT.problems,
                  message: unreadable ? `${file}: ${errors[0]?.message ?? 'cannot read the workbook'}` : verdict,
                },
              }
            : {}),
          workbook: file,
          summary,
          errors,
          warnings,
          decisions,
        });
      } else {
        const out = [
          ...(summary ? summaryLines(file, summary) : [`Workbook: ${file}`]),
          '',
          ...(decisions.length > 0
            ? [`Corrections applied from configuration (${decisions.length}):`, ...decisions.map((d) => `  ${formatSource(d.source)}: ${d.message}`), '']
            : []),
          formatFindingGroups(errors, 'Errors', loaded.settings.limits.maxFindingsPerKind),
          '',
          formatFindingGroups(warnings, 'Warnings', loaded.settings.limits.maxFindingsPerKind),
          '',
          verdict,
        ];
        process.stdout.write(`${out.join('\n')}\n`);
      }
      process.exitCode = failed ? EXIT.problems : EXIT.ok;
    });
}
