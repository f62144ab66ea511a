import type { Command } from 'commander';
// Imported, not loaded on demand: the bundle's dynamic import('yaml') had no stringify ("stringify is not a function"),
// and the settings reader has loaded yaml already.
import { stringify } from 'yaml';
import { loadProjectSettings, PROJECT_HELP, projectOption, settingsOption, type ProjectOptions } from '../project-options.js';
import { B4BError, formatFinding } from '../../findings/finding.js';
import { writeJson } from '../outcome.js';
import { writeDiagnostic } from '../log-format.js';
import { helpText } from '../help-text.js';

export function registerCatalogue(program: Command): void {
  const catalogue = program.command('catalogue').description('Work with the indicator catalogue (config/indicators.yaml)');
  catalogue
    .command('draft')
    .description("Print draft catalogue entries for the workbook's indicators that the catalogue lacks, ready to check and paste")
    .argument('[workbook]', 'the .xlsx file to read (default: the workbook in config/b4b.yaml)')
    .addHelpText(
      'after',
      helpText(
        '\nPolarity, kind and short name are guesses from the name: check each before pasting it under `indicators:`.\n' +
          'Exits 1 when no indicator table could be read ("b4b-reports --help" lists every exit code).',
      ),
    )
    .option('--json', 'print {"ok": true, "workbook": FILE, "drafts": [...]} (the draft entries as data)')
    .addOption(projectOption())
    .addOption(settingsOption())
    .addHelpText('after', helpText(`\n${PROJECT_HELP}`))
    .action(async (workbookArg: string | undefined, options: ProjectOptions & { json?: boolean }) => {
      const loaded = await loadProjectSettings(options, { workbook: workbookArg });
      const file = workbookArg ?? loaded.paths.workbook;
      const [{ readWorkbookFile }, { draftCatalogueEntries }] = await Promise.all([
        import('../../workbook/read-workbook-file.js'),
        import('../../dataset/draft-catalogue-entries.js'),
      ]);
      const { dataset, findings } = await readWorkbookFile(file, loaded.aliases, loaded.catalogue, loaded.settings.limits);
      if (dataset.tables.length === 0) {
        const why = findings.filter((f) => f.severity === 'error').map((f) => `  ${formatFinding(f)}`);
        throw new B4BError(`no indicator table could be read from ${file}, so there is nothing to draft:\n${why.join('\n')}`);
      }
      const drafts = draftCatalogueEntries(dataset);
      if (options.json) {
        writeJson({ ok: true, workbook: file, drafts });
        return;
      }
      if (drafts.length === 0) {
        writeDiagnostic('info', `every indicator in ${file} is in the catalogue already; nothing to draft`);
        return;
      }
      writeDiagnostic(
        'info',
        `${drafts.length} indicator(s) are not in the catalogue. Check each guess, then paste under "indicators:" in ${loaded.catalogue.source}:`,
      );
      process.stdout.write(stringify(drafts.map(({ aliases, ...rest }) => (aliases.length ? { ...rest, aliases } : rest))));
    });
}
