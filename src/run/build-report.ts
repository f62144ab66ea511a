import { performance } from 'node:perf_hooks';
import type { IndicatorCatalogue } from '../config/catalogue.js';
import type { TeamMeasure } from '../config/team-measures.js';
import type { FinanceSettings } from '../config/finance.js';
import { FinanceFigures } from '../report/finance-model.js';
import type { Dataset } from '../dataset/types.js';
import { ReportFigures, type ModelWarning, type TableChoices } from '../report/report-figures.js';
import { printedFigures, type PrintedFigure } from '../report/printed-figures.js';
import { renderTemplate } from '../report/template/render-template.js';
import type { Block } from '../report/template/blocks.js';
import type { AgendaFormat } from '../render/agenda-format.js';
import { monthLongLabel, type MonthKey } from '../model/month.js';
import { timed } from './stage-clock.js';
import { layOut } from '../layout/layout-threads.js';

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
  /** The report's name, as the run record and the pack check name it (default: commentaryReport). */
  name?: string;
  /** Shared by the documents of one pack, so each indicator comes from one table (ReportFigures.tableChoices). */
  tableChoices?: TableChoices;
  /** Work on the model done while the layout thread lays the document out (the HTML twin). */
  whileLayingOut?: (blocks: Block[], title: string) => void;
}

/** A printed value and the page of the document it is on (1 = the document's first page). */
export type PlacedFigure = PrintedFigure & { page?: number };

export interface ReportOutput {
  pdf: Buffer;
  /** The document's title as its cover prints it ("Children & Learning Service Performance Report, November 2023"). */
  title: string;
  blocks: Block[];
  warnings: ModelWarning[];
  /** Every indicator value the report prints, with its cell and page: for the pack check and re-run comparisons. */
  printed: PlacedFigure[];
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
  const { figures, blocks } = timed('model', () => {
    const figures = new ReportFigures(input.dataset, input.catalogue, input.month, input.teamMeasures ?? [], input.tableChoices);
    const finance = input.finance ? new FinanceFigures(input.dataset, input.month, input.finance, figures, figures.warnings) : undefined;
    const blocks =
      typeof input.templateSource === 'function'
        ? input.templateSource(figures)
        : renderTemplate(input.templateSource, figures, { month: input.month, report: input.commentaryReport, service: input.service }, finance);
    return { figures, blocks };
  });
  const t1 = performance.now();
  const title = documentTitle(blocks, input.title, input.month);
  const layingOut = layOut({ kind: 'report', blocks, options: { format: input.format, title, subject: input.title, author: input.council } });
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
    timings: { model: t1 - t0, charts: laidOut.chartMs, layout: laidOut.layoutMs },
  };
}
