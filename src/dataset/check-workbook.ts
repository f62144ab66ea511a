import type { LoadedSettings } from '../config/settings.js';
import type { Dataset } from './types.js';
import { summariseDataset, type DatasetSummary } from './summarise.js';
import { B4BError, type Finding } from '../findings/finding.js';
import { readWorkbookFile, workbookNamedBy } from '../workbook/read-workbook-file.js';
import type { ReaderDecision } from '../workbook/find-tables.js';

/** What `validate` (and the console's Check page) learns from one workbook. */
export interface WorkbookCheck {
  file: string;
  /** Absent when the reader could not get as far as a dataset (an unreadable file). */
  summary?: DatasetSummary;
  dataset?: Dataset;
  errors: Finding[];
  warnings: Finding[];
  decisions: ReaderDecision[];
}

/**
 * Reads a workbook and sorts what the reader found into errors and warnings. A file the reader
 * cannot open at all gives its findings too (an "unreadable file" error), never a throw; any other
 * failure (a bug, a bad configuration) is thrown.
 */
export async function checkWorkbook(loaded: LoadedSettings, file: string): Promise<WorkbookCheck> {
  let findings: Finding[];
  let summary: DatasetSummary | undefined;
  let dataset: Dataset | undefined;
  let decisions: ReaderDecision[] = [];
  try {
    const namedBy = workbookNamedBy(loaded, file);
    const checked = await readWorkbookFile(file, loaded.aliases, loaded.catalogue, loaded.settings.limits, undefined, namedBy);
    findings = checked.findings;
    decisions = checked.decisions;
    dataset = checked.dataset;
    summary = summariseDataset(checked.dataset);
  } catch (error) {
    if (!(error instanceof B4BError) || error.findings.length === 0) throw error;
    findings = error.findings;
  }
  return {
    file,
    ...(summary ? { summary } : {}),
    ...(dataset ? { dataset } : {}),
    errors: findings.filter((f) => f.severity === 'error'),
    warnings: findings.filter((f) => f.severity === 'warning'),
    decisions,
  };
}
