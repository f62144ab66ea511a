import type { HeaderAliases } from '../config/header-aliases.js';
import type { IndicatorCatalogue } from '../config/catalogue.js';
import { FindingList, type Finding } from '../findings/finding.js';
import { findTables } from '../workbook/find-tables.js';
import type { RawWorkbook } from '../workbook/load-workbook.js';
import { isProjectSheet, readProjectSheets } from '../workbook/read-project-sheets.js';
import { checkCatalogue, checkConflicts, checkGaps } from './check-dataset.js';
import type { Dataset } from './types.js';

export interface CheckedDataset {
  dataset: Dataset;
  findings: Finding[];
}

/** From interpreted sheets to the checked dataset: tables found, own sheets read, cross-checks run. */
export function buildDataset(raw: RawWorkbook, aliases: HeaderAliases, catalogue: IndicatorCatalogue): CheckedDataset {
  const findings = new FindingList();
  const ctx = { file: raw.file, aliases: aliases.indicatorTables, catalogue, findings };
  const tables = raw.sheets
    .filter((sheet) => !isProjectSheet(sheet.name, aliases.projectSheets))
    .flatMap((sheet) => findTables(sheet, ctx));
  if (tables.length === 0 && findings.errors.length === 0) {
    findings.error(
      'no-tables',
      { file: raw.file },
      `no indicator tables found on any of its ${raw.sheets.length} sheet(s) (${raw.sheets.map((s) => `'${s.name}'`).join(', ')}); ` +
        'expected a header row with an Indicator column followed by month columns (Oct-23 or dates)',
    );
  }
  checkConflicts(tables, findings);
  checkGaps(tables, findings);
  checkCatalogue(tables, findings);
  const own = readProjectSheets(raw, aliases.projectSheets, findings);
  return { dataset: { file: raw.file, tables, ...own }, findings: findings.items };
}
