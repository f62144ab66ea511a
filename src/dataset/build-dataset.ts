import { aliasesFile, type HeaderAliases } from '../config/header-aliases.js';
import type { IndicatorCatalogue } from '../config/catalogue.js';
import { DEFAULT_LIMITS, type InputLimits } from '../config/limits.js';
import { FindingList, type Finding } from '../findings/finding.js';
import { findTables, type ReaderDecision, type TableContext } from '../workbook/find-tables.js';
import { monthKey } from '../model/month.js';
import type { RawWorkbook } from '../workbook/load-workbook.js';
import { isProjectSheet, readProjectSheets } from '../workbook/read-project-sheets.js';
import { readBreakdowns } from '../workbook/read-breakdowns.js';
import { checkConflicts } from './check-conflicts.js';
import { checkBlankLatestMonth, checkCatalogue, checkGaps, checkPlausibility, checkRepeats, checkShortTables, printCountsWhole } from './check-dataset.js';
import { checkWorkbookMarks } from './check-workbook-marks.js';
import type { Dataset } from './types.js';

export interface CheckedDataset {
  dataset: Dataset;
  findings: Finding[];
  /** What the reader decided on configuration's word (a month header corrected): recorded with every run. */
  decisions: ReaderDecision[];
}

/**
 * From interpreted sheets to the checked dataset: tables found, own sheets read, cross-checks run.
 * `today` bounds the months a header may name when the workbook does not say when it was saved.
 */
export function buildDataset(
  raw: RawWorkbook,
  aliases: HeaderAliases,
  catalogue: IndicatorCatalogue,
  today: Date = new Date(),
  limits: InputLimits = DEFAULT_LIMITS,
): CheckedDataset {
  const findings = new FindingList();
  for (const finding of raw.findings ?? []) findings.add(finding);
  const decisions: ReaderDecision[] = [];
  const latest = raw.savedAt ?? today;
  const ctx: TableContext = {
    file: raw.file,
    aliases: aliases.indicatorTables,
    aliasesFile: aliasesFile(aliases),
    noFigure: aliases.noFigure,
    monthCorrections: aliases.monthCorrections,
    allowedMonthGaps: aliases.allowedMonthGaps,
    catalogue,
    findings,
    decisions,
    latestMonth: monthKey(latest.getUTCFullYear(), latest.getUTCMonth() + 1),
    maxRowsPerTable: limits.maxRowsPerTable,
    namesReported: new Set(),
    cellsMerged: new Set(),
  };
  const tables = raw.sheets.filter((sheet) => !isProjectSheet(sheet.name, aliases.projectSheets)).flatMap((sheet) => findTables(sheet, ctx));
  if (tables.length === 0 && findings.errors.length === 0) {
    findings.error(
      'no-tables',
      { file: raw.file },
      `no indicator tables found on any of its ${raw.sheets.length} sheet(s) (${raw.sheets.map((s) => `'${s.name}'`).join(', ')}); ` +
        'expected a header row with an Indicator column followed by month columns (Oct-23 or dates)',
    );
  }
  printCountsWhole(tables, catalogue);
  checkRepeats(tables, findings);
  checkConflicts(tables, findings);
  checkGaps(tables, findings);
  checkBlankLatestMonth(tables, findings, ctx.cellsMerged);
  checkShortTables(tables, findings);
  checkCatalogue(tables, findings, ctx.namesReported, catalogue);
  checkPlausibility(tables, catalogue, findings);
  checkWorkbookMarks(tables, catalogue, findings);
  const own = readProjectSheets(raw, aliases.projectSheets, findings, aliasesFile(aliases));
  const breakdowns = readBreakdowns(raw, aliases.projectSheets, findings, aliasesFile(aliases));
  return { dataset: { file: raw.file, tables, ...own, breakdowns }, findings: findings.items, decisions };
}
