import { performance } from 'node:perf_hooks';
import { coveringReportDocument, type CoveringReportInput } from '../pack/covering-report.js';
import { frontSheetDocument, type FrontSheetInput } from '../pack/front-sheet.js';
import { furnitureDocument, type FurniturePage } from '../pack/furniture.js';
import { glossaryDocument, type GlossaryInput } from '../pack/glossary.js';
import { drawChartPages } from '../render/chart-canvas.js';
import type { ChartSize } from '../render/chart-config.js';
import { chartBox, placeCharts, type ChartSlot } from '../render/place-charts.js';
import { renderPdf, renderPdfUnless } from '../render/pdf-bytes.js';
import { buildPdfDocument, chartPagesToFill, contentArea, type ChartFit, type ChartPages, type DocumentOptions, type Placed } from '../render/pdf-document.js';
import type { ChartModel } from '../report/report-figures.js';
import type { Block } from '../report/template/blocks.js';

/**
 * One document to lay out, as plain data (it may cross to a layout thread): a report's blocks, or the
 * input of one of the pack's own documents. The pdfmake document, with its callbacks, is built where
 * it is laid out.
 */
export type LayoutTask =
  | {
      kind: 'report';
      blocks: Block[];
      options: DocumentOptions;
      /**
       * How the report's charts fill their pages, when another copy of the same report (another stamp
       * and page numbers, which change nothing of its flow) has decided it: one layout instead of two.
       */
      chartFits?: Array<[number, ChartFit]>;
    }
  | { kind: 'covering-report'; input: CoveringReportInput }
  | { kind: 'glossary'; input: GlossaryInput }
  | { kind: 'front-sheet'; input: FrontSheetInput }
  | { kind: 'furniture'; pages: FurniturePage[]; author: string };

export interface LaidOut {
  pdf: Uint8Array;
  /** For a report: the page (1 = the document's first) each anchored table row landed on. */
  anchorPages: Array<[string, number]>;
  /** Time spent drawing charts and laying out, in milliseconds (where the task ran). */
  chartMs: number;
  layoutMs: number;
  /** For a report: how its charts were made to fill their pages, for its other copies (see LayoutTask). */
  chartFits?: Array<[number, ChartFit]>;
}

/** Lays out one document: task → PDF bytes. The same code runs in the calling thread and in a layout thread. */
export async function layOutTask(task: LayoutTask): Promise<LaidOut> {
  const start = performance.now();
  let chartMs = 0;
  const anchorPages = new Map<string, number>();
  let doc: Record<string, unknown> | undefined;
  let pdf: Uint8Array | undefined;
  let chartFits: Array<[number, ChartFit]> | undefined;
  // The document's charts: pdfmake keeps a box of each chart's size, and the charts, drawn as the pages
  // of one PDF, go into the boxes once the document is laid out.
  const charts: Array<{ model: ChartModel; slot: ChartSlot }> = [];
  switch (task.kind) {
    case 'report': {
      const reserve = (model: ChartModel, size: ChartSize): Record<string, unknown> => {
        const slot: ChartSlot = { name: `B4BChart${charts.length + 1}`, size, placed: [] };
        charts.push({ model, slot });
        return chartBox(slot);
      };
      // The page each printed table row lands on, recorded as pdfmake lays the rows out (never breaking a page).
      const placed = new Map<string, Placed>();
      const build = (chartPages?: ChartPages): Record<string, unknown> => {
        anchorPages.clear();
        placed.clear();
        charts.length = 0;
        const built = buildPdfDocument(task.blocks, reserve, task.options, chartPages).doc;
        const layoutRule = built.pageBreakBefore as ((node: unknown, ...rest: unknown[]) => boolean) | undefined;
        built.pageBreakBefore = (node: { id?: unknown; pageNumbers?: number[]; startPosition?: { top?: number } }, ...rest: unknown[]): boolean => {
          if (typeof node.id === 'string' && node.pageNumbers?.[0] !== undefined) {
            anchorPages.set(node.id, node.pageNumbers[0]);
            placed.set(node.id, { page: node.pageNumbers[0], ...(node.startPosition?.top !== undefined ? { top: node.startPosition.top } : {}) });
          }
          return layoutRule ? layoutRule(node, ...rest) : false;
        };
        return built;
      };
      if (task.chartFits) {
        chartFits = task.chartFits;
        pdf = await renderPdf(build(new Map(task.chartFits)));
        break;
      }
      // Charts left alone at the top of a section's last page are laid out again to fill it: decided
      // once the first layout's pages are known, before it is written (it is written only if final).
      let chartPages: ChartPages = new Map();
      const first = await renderPdfUnless(build(), () => {
        chartPages = chartPagesToFill(task.blocks, placed, contentArea(task.options));
        return chartPages.size > 0;
      });
      chartFits = [...chartPages];
      pdf = first ?? (await renderPdf(build(chartPages)));
      break;
    }
    case 'covering-report':
      doc = coveringReportDocument(task.input);
      break;
    case 'glossary':
      doc = glossaryDocument(task.input);
      break;
    case 'front-sheet':
      doc = frontSheetDocument(task.input);
      break;
    case 'furniture':
      doc = furnitureDocument(task.pages, task.author);
      break;
    default:
      throw new Error(`there is no kind of document called "${(task as { kind: unknown }).kind as string}" to lay out`);
  }
  pdf ??= await renderPdf(doc ?? {});
  if (charts.length > 0) {
    const begun = performance.now();
    const chartPdf = drawChartPages(charts.map(({ model, slot }) => ({ model, size: slot.size })));
    pdf = await placeCharts(
      pdf,
      chartPdf,
      charts.map((c) => c.slot),
    );
    chartMs += performance.now() - begun;
  }
  return { pdf, anchorPages: [...anchorPages], chartMs, layoutMs: performance.now() - start - chartMs, ...(chartFits ? { chartFits } : {}) };
}
