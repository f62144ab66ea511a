import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LoadedSettings } from '../config/settings.js';
import type { Dataset } from '../dataset/types.js';
import { B4BError } from '../findings/finding.js';
import type { AgendaFormat } from '../render/agenda-format.js';
import { monthLongLabel, type MonthKey } from '../workbook/month.js';
import { buildReport, type ReportOutput } from './build-report.js';

/**
 * A clinic is never produced empty: without the month's team rows the run stops, naming the month
 * and the latest month that has rows.
 */
export function checkClinicMonth(dataset: Dataset, month: MonthKey, file: string): void {
  if (dataset.teamMeasures.some((r) => r.month === month)) return;
  const latest = [...new Set(dataset.teamMeasures.map((r) => r.month))].sort().pop();
  throw new B4BError(
    `${path.basename(file)} has no team rows for ${monthLongLabel(month)} in its Team measures sheet, so the clinic cannot be produced` +
      (latest ? `; the latest month with team rows is ${monthLongLabel(latest)}` : '; the sheet has no team rows at all'),
  );
}

/** The report named in the settings, for a month, from a checked dataset: the one path for CLI, scheduler and tests. */
export async function buildConfiguredReport(
  loaded: LoadedSettings,
  reportName: string,
  dataset: Dataset,
  month: MonthKey,
  overrides: { templateSource?: string; format?: AgendaFormat } = {},
): Promise<ReportOutput> {
  const report = loaded.settings.reports[reportName];
  if (!report) {
    const known = Object.keys(loaded.settings.reports).join(', ') || 'none';
    throw new B4BError(`there is no report called "${reportName}" in the settings (known: ${known})`, [], 2);
  }
  if (report.kind === 'clinic') checkClinicMonth(dataset, month, dataset.file);
  const templateSource = overrides.templateSource ?? (await readFile(path.resolve(loaded.paths.root, report.template), 'utf8'));
  return buildReport({
    dataset,
    catalogue: loaded.catalogue,
    teamMeasures: loaded.teamMeasures,
    month,
    templateSource,
    commentaryReport: report.commentaryReport,
    title: report.title,
    council: loaded.settings.council,
    service: report.service ?? loaded.settings.service,
    format: overrides.format ?? {
      ...(report.agendaItem !== undefined ? { agendaItem: report.agendaItem } : {}),
      ...(report.appendix !== undefined ? { appendix: report.appendix } : {}),
      ...(report.firstPage !== undefined ? { firstPage: report.firstPage } : {}),
    },
  });
}
