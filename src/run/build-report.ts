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
import { ChartRenderer } from '../render/charts.js';
import { buildPdfDocument } from '../render/pdf-document.js';
import { renderPdf } from '../render/pdf-bytes.js';
import type { MonthKey } from '../workbook/month.js';

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
  blocks: Block[];
  warnings: ModelWarning[];
  /** Milliseconds spent in each stage. */
  timings: { model: number; charts: number; layout: number };
  pages?: number;
}

let sharedRenderer: ChartRenderer | undefined;

/** One renderer for the process: registering fonts and loading Chart.js happen once. */
export function chartRenderer(): ChartRenderer {
  sharedRenderer ??= new ChartRenderer();
  return sharedRenderer;
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
  const images = new Map<ChartModel, Buffer>();
  const renderer = chartRenderer();
  for (const block of blocks) {
    if (block.kind !== 'charts') continue;
    for (const chart of block.charts) if (chart.series.length > 0) images.set(chart, renderer.render(chart));
  }
  const t2 = performance.now();
  const { doc, images: imageFiles } = buildPdfDocument(blocks, images, {
    format: input.format,
    title: `${input.title}, ${input.month}`,
    subject: input.title,
    author: input.council,
  });
  const pdf = await renderPdf(doc, imageFiles);
  const t3 = performance.now();
  return { pdf, blocks, warnings: figures.warnings, timings: { model: t1 - t0, charts: t2 - t1, layout: t3 - t2 } };
}
