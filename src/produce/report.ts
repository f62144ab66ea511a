import type { IndicatorCatalogue } from '../config/catalogue.js';
import { projectName } from '../config/contained-path.js';
import type { FinanceSettings } from '../config/finance.js';
import type { ReportSettings } from '../config/settings.js';
import type { TeamMeasure } from '../config/team-measures.js';
import type { Dataset, TeamMeasureRow } from '../dataset/types.js';
import { B4BError } from '../findings/finding.js';
import { TemplateError } from '../findings/errors.js';
import { reportHtml } from '../html/report-html.js';
import type { RunInputs } from '../inputs/run-inputs.js';
import type { LaidOut } from '../layout/layout-task.js';
import { monthLongLabel, type MonthKey } from '../model/month.js';
import { describeDisagreements, packDisagreements } from '../pack/consistency.js';
import type { AgendaFormat } from '../render/agenda-format.js';
import { ALL_TABLES_REPORT, allTablesBlocks } from '../report/all-tables.js';
import { FinanceFigures } from '../report/finance-model.js';
import { printedFigures, type PrintedFigure } from '../report/printed-figures.js';
import { ReportFigures, type ModelWarning } from '../report/report-figures.js';
import type { Block } from '../report/template/blocks.js';
import { renderTemplate, templateTeamMeasures } from '../report/template/render-template.js';
import type { ProduceContext } from './context.js';
import { readsOf, reportFiles, type OutputSet, type SetReads } from './output-set.js';
import { describeWarnings } from './warnings.js';

/** The built-in report: every indicator table of the workbook, no template needed (`run --report all-tables`). */
const ALL_TABLES_SETTINGS: ReportSettings = {
  kind: 'performance',
  template: '(built in)',
  commentaryReport: ALL_TABLES_REPORT,
  title: 'All indicator tables',
};

/** What one report is made from: the model's inputs and the agenda format it is laid out in. */
export interface ReportInput {
  dataset: Dataset;
  catalogue: IndicatorCatalogue;
  teamMeasures?: TeamMeasure[];
  /** Given for a finance report: its figures come from the finance sheets. */
  finance?: FinanceSettings;
  /** Where the team measures were read from, as messages name it (default config/team-measures.yaml). */
  teamMeasuresFile?: string;
  /** Where the finance settings were read from, as its warnings name it (default config/finance.yaml). */
  financeFile?: string;
  month: MonthKey;
  /** The template's text, or for a built-in report (all-tables) the function that lays out its blocks. */
  templateSource: string | ((figures: ReportFigures) => Block[]);
  commentaryReport: string;
  title: string;
  council: string;
  service: string;
  format: AgendaFormat;
  /** The report's name, as the run record and the pack check name it (default: commentaryReport). */
  name?: string;
  /** Work on the model done while the layout thread lays the document out (the HTML twin). */
  whileLayingOut?: (blocks: Block[], title: string) => void;
  /** How the charts fill their pages, as another copy of the report decided (src/layout/layout-task.ts). */
  chartFits?: LaidOut['chartFits'];
}

/** A printed value and the page of the document it is on (1 = the document's first page). */
export type PlacedFigure = PrintedFigure & { page?: number };

/** A report laid out: its PDF, model and printed values; with its HTML twin unless it is exempt. */
export interface ReportDocument {
  pdf: Buffer;
  /** The document's title as its cover prints it ("Children & Learning Service Performance Report, November 2023"). */
  title: string;
  blocks: Block[];
  warnings: ModelWarning[];
  /** Every indicator value the report prints, with its cell and page: for the pack check and re-run comparisons. */
  printed: PlacedFigure[];
  /** Milliseconds spent in each stage. */
  timings: { model: number; charts: number; layout: number };
  html?: string;
  /** How its charts fill their pages: its other copies (other stamps and page numbers) are laid out with it at once. */
  chartFits?: LaidOut['chartFits'];
}

/** The title a reader sees in the window bar and bookmarks: the cover's title and month, else the report's title and month. */
export function documentTitle(blocks: Block[], title: string, month: MonthKey): string {
  const cover = blocks.find((b) => b.kind === 'cover');
  return cover ? [cover.title || title, cover.lines[0]].filter(Boolean).join(', ') : `${title}, ${monthLongLabel(month)}`;
}

/** Report model (template + figures) → blocks → PDF bytes (laid out where the context says). No file system. */
export async function buildReport(input: ReportInput, ctx: Pick<ProduceContext, 'layOut' | 'timer'>): Promise<ReportDocument> {
  const started = performance.now();
  const { figures, blocks } = ctx.timer.timed('model', () => {
    const figures = new ReportFigures(input.dataset, input.catalogue, input.month, input.teamMeasures ?? [], undefined, input.teamMeasuresFile);
    const finance = input.finance ? new FinanceFigures(input.dataset, input.month, input.finance, figures, figures.warnings, input.financeFile) : undefined;
    const blocks =
      typeof input.templateSource === 'function'
        ? input.templateSource(figures)
        : renderTemplate(input.templateSource, figures, { month: input.month, report: input.commentaryReport, service: input.service }, finance);
    figures.checkCaseloadTeams();
    return { figures, blocks };
  });
  const modelMs = performance.now() - started;
  const title = documentTitle(blocks, input.title, input.month);
  const layingOut = ctx.layOut({
    kind: 'report',
    blocks,
    options: { format: input.format, title, subject: input.title, author: input.council },
    ...(input.chartFits ? { chartFits: input.chartFits } : {}),
  });
  try {
    input.whileLayingOut?.(blocks, title);
  } finally {
    // Awaited whatever happened meanwhile, so a failed layout is never left unhandled.
    await layingOut.catch(() => undefined);
  }
  const laidOut = await layingOut;
  const anchorPages = new Map(laidOut.anchorPages);
  const printed = printedFigures(blocks, input.name ?? input.commentaryReport, input.month).map((p): PlacedFigure => {
    const page = p.anchor ? anchorPages.get(p.anchor) : undefined;
    return page !== undefined ? { ...p, page } : p;
  });
  return {
    pdf: laidOut.pdf,
    title,
    blocks,
    warnings: figures.warnings,
    printed,
    timings: { model: modelMs, charts: laidOut.chartMs, layout: laidOut.layoutMs },
    ...(laidOut.chartFits ? { chartFits: laidOut.chartFits } : {}),
  };
}

/**
 * A report is never produced empty: without the month's rows in the sheet it depends on, the run
 * stops, naming the month and the latest month that has rows.
 */
export function requireMonthRows(rows: Array<{ month: MonthKey }>, month: MonthKey, file: string, what: { rows: string; sheet: string; report: string }): void {
  if (rows.some((r) => r.month === month)) return;
  const latest = [...new Set(rows.map((r) => r.month))].sort().pop();
  throw new B4BError(
    `${file.split(/[\\/]/).pop() ?? file} has no ${what.rows} for ${monthLongLabel(month)} in its ${what.sheet} sheet, so the ${what.report} cannot be produced` +
      (latest ? `; the latest month with ${what.rows} is ${monthLongLabel(latest)}` : `; the sheet has no ${what.rows} at all`),
  );
}

/**
 * A clinic's own team rows: those of the measures its template's team tables print. Another clinic's
 * rows for the month are not its figures: counted as its own, they let a clinic be made for a month it
 * has no rows for, every team table printing "Total 0 0".
 */
export function clinicTeamRows(inputs: RunInputs, name: string): { codes: string[]; rows: TeamMeasureRow[] } {
  const codes = templateTeamMeasures(inputs.templates.get(name)?.source ?? '');
  const rows = inputs.workbook.dataset.teamMeasures;
  return { codes, rows: codes.length === 0 ? rows : rows.filter((r) => codes.includes(r.measure)) };
}

/** The months that have a clinic's own team rows, oldest first. */
export function clinicTeamMonths(inputs: RunInputs, name: string): MonthKey[] {
  return [...new Set(clinicTeamRows(inputs, name).rows.map((r) => r.month))].sort();
}

/**
 * A clinic is produced only for a month with team rows of its own measures: without any team rows, or
 * with only other clinics' rows for the month, the run stops, naming the month and the latest month
 * that has the clinic's rows.
 */
export function requireClinicRows(inputs: RunInputs, name: string, month: MonthKey): void {
  const { dataset } = inputs.workbook;
  requireMonthRows(dataset.teamMeasures, month, dataset.file, { rows: 'team rows', sheet: 'Team measures', report: 'clinic' });
  const { codes, rows } = clinicTeamRows(inputs, name);
  if (rows.some((r) => r.month === month)) return;
  const latest = clinicTeamMonths(inputs, name).pop();
  const shown = codes.length > 3 ? `${codes.slice(0, 3).join(', ')} and ${codes.length - 3} more` : codes.join(', ');
  throw new B4BError(
    `${dataset.file.split(/[\\/]/).pop() ?? dataset.file} has no team rows for ${monthLongLabel(month)} of the measures ${name} prints (${shown}) in its Team measures sheet, ` +
      `only rows of other measures, so ${name} cannot be produced (its team tables would print no team and a Total of 0)` +
      (latest ? `; the latest month with its team rows is ${monthLongLabel(latest)}` : '; the sheet has no rows of its measures at all'),
  );
}

/** The report's settings (all-tables is built in). The name was checked when the inputs were read. */
function reportSettings(inputs: RunInputs, name: string): ReportSettings {
  const report = Object.hasOwn(inputs.loaded.settings.reports, name) ? inputs.loaded.settings.reports[name] : undefined;
  if (report) return report;
  if (name === ALL_TABLES_REPORT) return ALL_TABLES_SETTINGS;
  throw new B4BError(`there is no report called "${name}" in the settings`);
}

/** How a report is asked for: its month, and in a pack its stamp and page numbers. */
export interface ReportRequest {
  name: string;
  month: MonthKey;
  format?: AgendaFormat;
  /** In a pack: the pack checks one figure per indicator across its documents, so the report does not check itself. */
  inPack?: boolean;
}

/**
 * A configured report for a month, from the run's inputs: the one path for the CLI, the scheduler,
 * the console and packs. With it, its accessible HTML twin (from the same blocks), except for an
 * exempt report (finance), which has no public HTML. Laid out once a run for each way it is asked for.
 */
export async function produceReport(inputs: RunInputs, request: ReportRequest, ctx: ProduceContext): Promise<ReportDocument> {
  const report = reportSettings(inputs, request.name);
  const { dataset } = inputs.workbook;
  if (report.kind === 'clinic') requireClinicRows(inputs, request.name, request.month);
  if (report.kind === 'finance') {
    requireMonthRows(dataset.finance.revenue, request.month, dataset.file, { rows: 'revenue rows', sheet: 'Finance revenue', report: 'finance report' });
  }
  const format: AgendaFormat = {
    // A stand-alone report is the document on its own: "Page 1" on, no agenda stamp (a pack passes its own).
    ...(request.format ?? { firstPage: 1 }),
    // An exempt appendix always carries its exemption wording, whatever else the caller sets.
    ...(report.kind === 'finance' ? { exemptionNotice: inputs.loaded.finance.exemptionNotice } : {}),
  };
  // A report reads the same tables wherever it is printed (its figures depend on the workbook, its
  // template and its month, never on the pack around it), so the same report, month and agenda format
  // (stamp and page numbers) is the same document: the stand-alone report and a pack's copy with the
  // same stamp and numbers share one layout.
  // Its stamp and page numbers change nothing of its flow, so the first copy's decision on how its
  // charts fill their pages serves every other: each of them is laid out once, not twice.
  const document = await ctx.cache.document({ report: request.name, month: request.month, format }, async () => {
    let first: ReportDocument | undefined;
    const chartFits = await ctx.cache.document({ chartFitsOf: request.name, month: request.month }, async () => {
      first = await layOutReport(inputs, report, { ...request, format }, ctx);
      return first.chartFits;
    });
    return first ?? layOutReport(inputs, report, { ...request, format, ...(chartFits ? { chartFits } : {}) }, ctx);
  });
  // One figure per indicator and month within the report (a pack checks across its documents instead).
  if (request.inPack === true) return document;
  const placed = document.printed.map((f) => (f.page !== undefined ? { ...f, packPage: (format.firstPage ?? 1) + f.page - 1 } : f));
  return { ...document, warnings: [...document.warnings, ...describeDisagreements(packDisagreements(placed), 'report')] };
}

/** The report's model, its PDF and its HTML twin. A template's mistake names the template file. */
async function layOutReport(
  inputs: RunInputs,
  report: ReportSettings,
  request: ReportRequest & { format: AgendaFormat; chartFits?: LaidOut['chartFits'] },
  ctx: ProduceContext,
): Promise<ReportDocument> {
  const template = inputs.templates.get(request.name);
  const templateSource = report === ALL_TABLES_SETTINGS ? allTablesBlocks : (template?.source ?? '');
  let html: string | undefined;
  try {
    const document = await buildReport(
      {
        dataset: inputs.workbook.dataset,
        catalogue: inputs.loaded.catalogue,
        teamMeasures: inputs.loaded.teamMeasures,
        teamMeasuresFile: projectName(inputs.loaded.paths.root, inputs.loaded.paths.teamMeasures),
        ...(report.kind === 'finance'
          ? { finance: inputs.loaded.finance, financeFile: projectName(inputs.loaded.paths.root, inputs.loaded.paths.finance) }
          : {}),
        month: request.month,
        templateSource,
        commentaryReport: report.commentaryReport,
        title: report.title,
        council: inputs.loaded.settings.council,
        service: report.service ?? inputs.loaded.settings.service,
        format: request.format,
        name: request.name,
        ...(request.chartFits ? { chartFits: request.chartFits } : {}),
        // An exempt report (finance) has no public HTML twin.
        ...(report.kind === 'finance'
          ? {}
          : {
              whileLayingOut: (blocks: Block[], title: string) => (html = ctx.timer.timed('html', () => reportHtml(blocks, { title, format: request.format }))),
            }),
      },
      ctx,
    );
    return html === undefined ? document : { ...document, html };
  } catch (cause) {
    if (cause instanceof TemplateError && template) throw new TemplateError(`${template.file}: ${cause.message}`);
    throw cause;
  }
}

/** What the reports named print from (the built-in all-tables report reads the tables, as a performance report). */
export function readsOfReports(inputs: RunInputs, names: string[]): SetReads {
  const { reports } = inputs.loaded.settings;
  const finance = inputs.loaded.finance;
  const financeIndicators = finance ? [...(finance.agencyIndicator ? [finance.agencyIndicator] : []), ...Object.values(finance.placementIndicators)] : [];
  const settings = names.map((name) =>
    Object.hasOwn(reports, name) ? (reports[name] as ReportSettings) : { kind: 'performance' as const, commentaryReport: name },
  );
  return readsOf(settings, financeIndicators);
}

/** A report's output set: its PDF and, unless it is exempt, its HTML twin beside it. */
export async function produceReportSet(inputs: RunInputs, name: string, month: MonthKey, ctx: ProduceContext): Promise<OutputSet> {
  ctx.step(`report ${name}: building it`);
  const document = await produceReport(inputs, { name, month }, ctx);
  const files = reportFiles(name, month);
  return {
    target: { kind: 'report', name },
    month,
    files: [{ path: files.pdf, bytes: document.pdf }, ...(document.html !== undefined ? [{ path: files.html, bytes: Buffer.from(document.html) }] : [])],
    shown: [files.pdf],
    warnings: describeWarnings(document.warnings),
    printed: document.printed,
    reads: readsOfReports(inputs, [name]),
  };
}
