import type { Command } from 'commander';
import { loadProjectSettings, PROJECT_HELP, projectOption, settingsOption, type ProjectOptions } from '../project-options.js';
import type { DatasetSummary } from '../../dataset/summarise.js';
import { formatSource } from '../../findings/finding.js';
import { monthLabel } from '../../workbook/month.js';
import { formatFindingGroups } from '../print-findings.js';

interface ValidateOptions extends ProjectOptions {
  strict?: boolean;
  json?: boolean;
}

function summaryLines(file: string, s: DatasetSummary): string[] {
  const range = s.firstMonth && s.lastMonth ? `, months ${monthLabel(s.firstMonth)} to ${monthLabel(s.lastMonth)}` : '';
  return [
    `Workbook: ${file}`,
    `Read ${s.tables} indicator tables with ${s.indicatorRows} indicator rows (${s.distinctIndicators} distinct indicators)${range}.`,
    ...s.sheets.map((sheet) => `  '${sheet.sheet}': ${sheet.tables} tables, ${sheet.indicatorRows} rows`),
    `Project sheets: ${s.teamMeasureRows} team measure rows, ${s.caseloadRows} caseload rows, ${s.commentaryRows} commentary rows, ` +
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
      '\nExit codes: 0 no errors (and, with --strict, no warnings); 1 problems found; 2 wrong usage.',
    )
    .addOption(projectOption())
    .addOption(settingsOption())
    .addHelpText('after', `\n${PROJECT_HELP}`)
    .action(async (workbookArg: string | undefined, options: ValidateOptions) => {
      const loaded = await loadProjectSettings(options, { workbook: workbookArg });
      const file = workbookArg ?? loaded.paths.workbook;
      // Loaded here, so that --help loads no workbook library.
      const { checkWorkbook } = await import('../../validate/check-workbook.js');
      const { summary, errors, warnings, decisions } = await checkWorkbook(loaded, file);
      const failed = errors.length > 0 || (options.strict === true && warnings.length > 0);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ workbook: file, ok: !failed, summary, errors, warnings, decisions }, null, 2)}\n`);
      } else {
        const out = [
          ...(summary ? summaryLines(file, summary) : [`Workbook: ${file}`]),
          '',
          ...(decisions.length > 0
            ? [`Corrections applied from configuration (${decisions.length}):`, ...decisions.map((d) => `  ${formatSource(d.source)}: ${d.message}`), '']
            : []),
          formatFindingGroups(errors, 'Errors'),
          '',
          formatFindingGroups(warnings, 'Warnings'),
          '',
          failed
            ? `FAILED: ${errors.length} error(s), ${warnings.length} warning(s)${errors.length === 0 ? ' (--strict fails on warnings)' : ''}.`
            : `OK: no errors, ${warnings.length} warning(s).`,
        ];
        (failed ? process.stderr : process.stdout).write(`${out.join('\n')}\n`);
      }
      process.exitCode = failed ? 1 : 0;
    });
}
