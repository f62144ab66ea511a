import path from 'node:path';
import type { LoadedSettings } from '../config/settings.js';
import type { Dataset, IndicatorTable } from '../dataset/types.js';
import { B4BError } from '../findings/finding.js';
import type { AgendaFormat } from '../render/agenda-format.js';
import { monthLongLabel, type MonthKey } from '../model/month.js';
import { reportHtml } from '../html/report-html.js';
import { buildReport, type ReportInput, type ReportOutput } from './build-report.js';
import { CONFIG_ERROR } from '../config/read-config.js';
import { readRegularFile } from '../workbook/read-workbook-file.js';
import { ALL_TABLES_REPORT, allTablesBlocks } from '../report/all-tables.js';
import type { ReportSettings } from '../config/settings.js';
import type { RunCache } from './run-cache.js';
import type { Block } from '../report/template/blocks.js';
import { timed } from './stage-clock.js';
import type { TableChoices } from '../report/report-figures.js';
import { describeDisagreements, packDisagreements } from '../pack/consistency.js';

/** The built-in report: every indicator table of the workbook, no template needed (`run --report all-tables`). */
const ALL_TABLES_SETTINGS: ReportSettings = {
  kind: 'performance',
  template: '(built in)',
  commentaryReport: ALL_TABLES_REPORT,
  title: 'All indicator tables',
};

/**
 * A report is never produced empty: without the month's rows in the sheet it depends on, the run
 * stops, naming the month and the latest month that has rows.
 */
export function requireMonthRows(rows: Array<{ month: MonthKey }>, month: MonthKey, file: string, what: { rows: string; sheet: string; report: string }): void {
  if (rows.some((r) => r.month === month)) return;
  const latest = [...new Set(rows.map((r) => r.month))].sort().pop();
  throw new B4BError(
    `${path.basename(file)} has no ${what.rows} for ${monthLongLabel(month)} in its ${what.sheet} sheet, so the ${what.report} cannot be produced` +
      (latest ? `; the latest month with ${what.rows} is ${monthLongLabel(latest)}` : `; the sheet has no ${what.rows} at all`),
  );
}

/** A report's PDF and model, and its HTML twin unless it is exempt. */
export type ConfiguredReportOutput = ReportOutput & { html?: string };

/**
 * The report named in the settings, for a month, from a checked dataset: the one path for CLI,
 * scheduler and tests. With it, the report's accessible HTML twin (from the same blocks), except for
 * an exempt report (finance), which has no public HTML.
 */
export async function buildConfiguredReport(
  loaded: LoadedSettings,
  reportName: string,
  dataset: Dataset,
  month: MonthKey,
  overrides: { templateSource?: string; format?: AgendaFormat; tableChoices?: TableChoices; cache?: RunCache } = {},
): Promise<ConfiguredReportOutput> {
  const report = Object.hasOwn(loaded.settings.reports, reportName)
    ? loaded.settings.reports[reportName]
    : reportName === ALL_TABLES_REPORT
      ? ALL_TABLES_SETTINGS
      : undefined;
  if (!report) {
    const known = [...Object.keys(loaded.settings.reports), ALL_TABLES_REPORT].join(', ');
    throw new B4BError(`there is no report called "${reportName}" in the settings (known: ${known})`, [], 2);
  }
  if (report.kind === 'clinic') {
    requireMonthRows(dataset.teamMeasures, month, dataset.file, { rows: 'team rows', sheet: 'Team measures', report: 'clinic' });
  }
  if (report.kind === 'finance') {
    requireMonthRows(dataset.finance.revenue, month, dataset.file, { rows: 'revenue rows', sheet: 'Finance revenue', report: 'finance report' });
  }
  const format: AgendaFormat = {
    // A stand-alone report is the document on its own: "Page 1" on, no agenda stamp (a pack passes its own).
    ...(overrides.format ?? { firstPage: 1 }),
    // An exempt appendix always carries its exemption wording, whatever else the caller sets.
    ...(report.kind === 'finance' ? { exemptionNotice: loaded.finance.exemptionNotice } : {}),
  };
  const laidOut = await produceOnce({ loaded, report, reportName, month, dataset, format }, overrides);
  // One figure per indicator and month within the report (a pack checks across its documents instead).
  if (overrides.tableChoices !== undefined) return laidOut;
  const placed = laidOut.printed.map((f) => (f.page !== undefined ? { ...f, packPage: (format.firstPage ?? 1) + f.page - 1 } : f));
  return { ...laidOut, warnings: [...laidOut.warnings, ...describeDisagreements(packDisagreements(placed), 'report')] };
}

// Each workbook table a pack's choices name, by a number of its own: part of a layout's cache key.
const tableIds = new WeakMap<object, number>();
let nextTableId = 0;
function tableId(table: object): number {
  let id = tableIds.get(table);
  if (id === undefined) {
    id = nextTableId++;
    tableIds.set(table, id);
  }
  return id;
}

/** One report to produce: which, for which month, from which dataset, in which agenda format. */
interface ReportJob {
  loaded: LoadedSettings;
  report: ReportSettings;
  reportName: string;
  month: MonthKey;
  dataset: Dataset;
  format: AgendaFormat;
}

/**
 * The report laid out once per run for each way it is asked for: the same report, month and agenda
 * format (stamp and page numbers), from the same table choices, is the same document, so the
 * stand-alone report and a pack's copy of it with the same stamp and numbers share one layout. The
 * choices the layout made are recorded with it and given to the next caller's pack as it would have made them.
 */
async function produceOnce(
  job: ReportJob,
  overrides: { templateSource?: string; tableChoices?: TableChoices; cache?: RunCache },
): Promise<ConfiguredReportOutput> {
  const { cache } = overrides;
  if (!cache || overrides.templateSource !== undefined) return produce(job, overrides);
  const choices: TableChoices = overrides.tableChoices ?? new Map<string, IndicatorTable>();
  const key = { report: job.reportName, month: job.month, format: job.format, choices: [...choices].map(([id, table]) => [id, tableId(table)]).sort() };
  const entry = await cache.document(key, async () => {
    const working: TableChoices = new Map(choices);
    const output = await produce(job, { tableChoices: working });
    return { output, choicesAfter: [...working] };
  });
  if (overrides.tableChoices) for (const [id, table] of entry.choicesAfter) overrides.tableChoices.set(id, table);
  return entry.output;
}

/** The report's model, its PDF (laid out by src/layout/) and its HTML twin, without the run's cache. */
async function produce(
  { loaded, report, reportName, month, dataset, format }: ReportJob,
  overrides: { templateSource?: string; tableChoices?: TableChoices },
): Promise<ConfiguredReportOutput> {
  const templateFile = report === ALL_TABLES_SETTINGS ? undefined : path.resolve(loaded.paths.root, report.template);
  let templateSource: ReportInput['templateSource'];
  if (report === ALL_TABLES_SETTINGS) templateSource = allTablesBlocks;
  else if (overrides.templateSource !== undefined) templateSource = overrides.templateSource;
  else {
    // A template is configuration: one that cannot be read (missing, a folder, a FIFO) is a typed error naming its key.
    try {
      const bytes = await readRegularFile(templateFile ?? '', {
        what: `the template of the report "${reportName}"`,
        noun: 'a template',
        expected: 'a Handlebars template file (.hbs)',
        maxBytes: 1024 * 1024,
        limitName: 'templates are at most 1 MB',
      });
      templateSource = Buffer.from(bytes).toString('utf8');
    } catch (cause) {
      throw new B4BError(`${loaded.paths.settings}: reports.${reportName}.template: ${(cause as Error).message}`, [], CONFIG_ERROR);
    }
  }
  let output: ReportOutput;
  let html: string | undefined;
  try {
    output = await buildReport({
      dataset,
      catalogue: loaded.catalogue,
      teamMeasures: loaded.teamMeasures,
      ...(report.kind === 'finance' ? { finance: loaded.finance } : {}),
      month,
      templateSource,
      commentaryReport: report.commentaryReport,
      title: report.title,
      council: loaded.settings.council,
      service: report.service ?? loaded.settings.service,
      format,
      name: reportName,
      ...(overrides.tableChoices ? { tableChoices: overrides.tableChoices } : {}),
      // An exempt report (finance) has no public HTML twin.
      ...(report.kind === 'finance'
        ? {}
        : { whileLayingOut: (blocks: Block[], title: string) => (html = timed('html', () => reportHtml(blocks, { title, format }))) }),
    });
  } catch (cause) {
    if (cause instanceof B4BError && cause.exitCode === CONFIG_ERROR && templateFile)
      throw new B4BError(`${templateFile}: ${cause.message}`, cause.findings, CONFIG_ERROR);
    throw cause;
  }
  return html === undefined ? output : { ...output, html };
}
