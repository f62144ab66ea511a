import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import writeFileAtomic from 'write-file-atomic';
import { loadSettings, type LoadedSettings } from '../../config/settings.js';
import type { Dataset } from '../../dataset/types.js';
import { B4BError, formatFinding, formatSource } from '../../findings/finding.js';
import { readWorkbookFile } from '../../read-workbook-file.js';
import type { ModelWarning } from '../../report/performance-model.js';
import { buildPack, loadPacks } from '../../run/build-pack.js';
import { buildConfiguredReport } from '../../run/configured-report.js';
import { isMonthKey, monthLongLabel, type MonthKey } from '../../workbook/month.js';

interface RunOptions {
  month: string;
  report?: string;
  pack?: string;
  workbook?: string;
  strict?: boolean;
  settings?: string;
  itemFilesWithoutPageNumbers?: boolean;
}

function latestMonth(months: MonthKey[]): MonthKey | undefined {
  return [...months].sort().pop();
}

/** Reads and checks the workbook; errors, or a month the workbook does not reach, stop the run. */
async function readCheckedWorkbook(loaded: LoadedSettings, workbookOption: string | undefined, month: MonthKey): Promise<{ dataset: Dataset; warningCount: number }> {
  const workbookFile = path.resolve(workbookOption ?? loaded.paths.workbook);
  const { dataset, findings } = await readWorkbookFile(workbookFile, loaded.aliases, loaded.catalogue);
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    throw new B4BError(`the workbook has ${errors.length} error(s); nothing was written:\n${errors.map((f) => `  ${formatFinding(f)}`).join('\n')}`, errors);
  }
  const months = dataset.tables.flatMap((t) => t.months);
  if (!months.includes(month)) {
    const latest = latestMonth(months);
    throw new B4BError(
      `no table in ${path.basename(workbookFile)} has figures for ${monthLongLabel(month)}` + (latest ? `; the latest month in the workbook is ${monthLongLabel(latest)}` : ''),
    );
  }
  return { dataset, warningCount: findings.length };
}

function describeWarnings(warnings: ModelWarning[]): string[] {
  return warnings.map((w) => (w.source ? `${formatSource(w.source)}: ${w.message}` : w.message));
}

/** Writes a file atomically (temporary file, then rename): a failed run never leaves half a PDF. */
async function writeOutput(file: string, bytes: Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, Buffer.from(bytes));
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Produce a report or an agenda pack for a month, and print the paths of the PDFs')
    .requiredOption('--month <YYYY-MM>', 'the report month, e.g. 2023-10 (data to the end of that month)')
    .option('--report <name>', 'a report named in config/b4b.yaml (performance, finance, clinic-safeguarding, ...)')
    .option('--pack <name>', 'an agenda pack named in config/packs.yaml (panel, board): writes the public and restricted packs')
    .option('--item-files-without-page-numbers', "with --pack: write each item's own PDF without pack page numbers")
    .option('--workbook <file>', 'read this workbook instead of the configured one')
    .option('--strict', 'treat warnings (an indicator not supplied, no commentary) as errors: nothing is written')
    .option('--settings <file>', 'settings file (default: config/b4b.yaml)')
    .addHelpText(
      'after',
      '\nWrites output/<month>/<report>-<month>.pdf, or for a pack output/<month>/<pack>-<month>-public.pdf and\n' +
        '-restricted.pdf with each item in output/<month>/<pack>-items/. A failed run writes nothing and leaves the\nlast good PDFs in place.',
    )
    .action(async (options: RunOptions) => {
      const started = performance.now();
      if (!isMonthKey(options.month)) throw new B4BError(`--month "${options.month}" is not a month; expected YYYY-MM, e.g. 2023-10`, [], 2);
      if ((options.report === undefined) === (options.pack === undefined)) throw new B4BError('give either --report NAME or --pack NAME', [], 2);
      const month = options.month;
      const loaded = await loadSettings({ ...(options.settings ? { settingsFile: options.settings } : {}) });
      if (options.report !== undefined && !loaded.settings.reports[options.report]) {
        const known = Object.keys(loaded.settings.reports).join(', ') || 'none';
        throw new B4BError(`there is no report called "${options.report}" in the settings (known: ${known})`, [], 2);
      }
      const packs = options.pack !== undefined ? await loadPacks(loaded) : {};
      if (options.pack !== undefined && !packs[options.pack]) {
        throw new B4BError(`there is no pack called "${options.pack}" in config/packs.yaml (known: ${Object.keys(packs).join(', ')})`, [], 2);
      }
      const { dataset, warningCount } = await readCheckedWorkbook(loaded, options.workbook, month);

      const outputs: Array<{ file: string; bytes: Uint8Array }> = [];
      let warnings: string[];
      if (options.report !== undefined) {
        const output = await buildConfiguredReport(loaded, options.report, dataset, month);
        warnings = describeWarnings(output.warnings);
        outputs.push({ file: path.join(loaded.paths.outputDir, month, `${options.report}-${month}.pdf`), bytes: output.pdf });
      } else {
        const name = options.pack ?? '';
        const output = await buildPack(loaded, packs, name, dataset, month, { numberItemFiles: options.itemFilesWithoutPageNumbers !== true });
        warnings = describeWarnings(output.warnings);
        for (const variant of ['public', 'restricted'] as const) {
          const result = output.variants[variant];
          outputs.push({ file: path.join(loaded.paths.outputDir, month, `${name}-${month}-${variant}.pdf`), bytes: result.pack });
          for (const item of result.items) {
            outputs.push({ file: path.join(loaded.paths.outputDir, month, `${name}-items`, variant, `item-${item.number}.pdf`), bytes: item.bytes });
          }
        }
      }
      if (options.strict && warnings.length > 0) {
        throw new B4BError(`--strict: the run has ${warnings.length} warning(s); nothing was written:\n${warnings.map((w) => `  ${w}`).join('\n')}`);
      }
      for (const output of outputs) await writeOutput(output.file, output.bytes);
      const lines = [
        ...(warnings.length > 0 ? [`Warnings (${warnings.length}):`, ...warnings.map((w) => `  ${w}`)] : []),
        ...(warningCount > 0 ? [`The workbook has ${warningCount} warning(s): run "b4b-reports validate" to list them.`] : []),
        ...(options.pack !== undefined ? [`Wrote ${outputs.length} files (the packs, and each item on its own in ${options.pack}-items/).`] : []),
        `Done in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
      ];
      process.stderr.write(`${lines.join('\n')}\n`);
      // For a pack, print the two packs; the item files are in <pack>-items/ beside them.
      const printed = options.pack !== undefined ? outputs.filter((o) => !o.file.includes(`${path.sep}${options.pack}-items${path.sep}`)) : outputs;
      process.stdout.write(`${printed.map((o) => path.relative(process.cwd(), o.file) || o.file).join('\n')}\n`);
    });
}
