import { performance } from 'node:perf_hooks';
import type { IndicatorCatalogue } from '../config/catalogue.js';
import type { TeamMeasure } from '../config/team-measures.js';
import type { FinanceSettings } from '../config/finance.js';
import { FinanceFigures } from '../report/finance-model.js';
import type { Dataset } from '../dataset/types.js';
import { ReportFigures, type ChartModel, type ModelWarning } from '../report/report-figures.js';
import { renderTemplate } from '../report/template/render-template.js';
import type { Block } from '../report/template/blocks.js';
import type { AgendaFormat } from '../render/agenda-format.js';
import { chartPdfNode, type ChartSize } from '../render/charts.js';
import { buildPdfDocument } from '../render/pdf-document.js';
import { renderPdf } from '../render/pdf-bytes.js';
import { monthLongLabel, type MonthKey } from '../workbook/month.js';

export interface ReportInput {
  dataset: Dataset;
  catalogue: IndicatorCatalogue;
  teamMeasures?: TeamMeasure[];
  /** Given for a finance report: its figures come from the finance sheets. */
  finance?: FinanceSettings;
  month: MonthKey;
  /** The template, or for a built-in report (all-tables) the function that lays out its blocks. */
  templateSource: string | ((figures: ReportFigures) => Block[]);
  commentaryReport: string;
  title: string;
  council: string;
  service: string;
  format: AgendaFormat;
}

export interface ReportOutput {
  pdf: Buffer;
  /** The document's title as its cover prints it ("Children & Learning Service Performance Report, November 2023"). */
  title: string;
  blocks: Block[];
  warnings: ModelWarning[];
  /** Milliseconds spent in each stage. */
  timings: { model: number; charts: number; layout: number };
  pages?: number;
}

/** The title a reader sees in the window bar and bookmarks: the cover's title and month, else the report's title and month. */
export function documentTitle(blocks: Block[], title: string, month: MonthKey): string {
  const cover = blocks.find((b) => b.kind === 'cover');
  return cover ? [cover.title || title, cover.lines[0]].filter(Boolean).join(', ') : `${title}, ${monthLongLabel(month)}`;
}

/** Dataset → report model (template + figures) → charts → pdfmake document → PDF bytes. No file I/O. */
export async function buildReport(input: ReportInput): Promise<ReportOutput> {
  const t0 = performance.now();
  const figures = new ReportFigures(input.dataset, input.catalogue, input.month, input.teamMeasures ?? []);
  const finance = input.finance ? new FinanceFigures(input.dataset, input.month, input.finance, figures, figures.warnings) : undefined;
  const blocks =
    typeof input.templateSource === 'function'
      ? input.templateSource(figures)
      : renderTemplate(input.templateSource, figures, { month: input.month, report: input.commentaryReport, service: input.service }, finance);
  const t1 = performance.now();
  // Charts are drawn (as vectors) while the document is built, at the size the layout gives each one.
  let chartMs = 0;
  const drawChart = (chart: ChartModel, size: ChartSize): Record<string, unknown> => {
    const start = performance.now();
    const node = chartPdfNode(chart, size);
    chartMs += performance.now() - start;
    return node;
  };
  const title = documentTitle(blocks, input.title, input.month);
  const { doc } = buildPdfDocument(blocks, drawChart, {
    format: input.format,
    title,
    subject: input.title,
    author: input.council,
  });
  const pdf = await renderPdf(doc);
  const t2 = performance.now();
  return { pdf, title, blocks, warnings: figures.warnings, timings: { model: t1 - t0, charts: chartMs, layout: t2 - t1 - chartMs } };
}
