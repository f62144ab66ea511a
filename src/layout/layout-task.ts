import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { CoveringReportInput } from '../pack/covering-report.js';
import { frontSheetDocument, type FrontSheetInput } from '../pack/front-sheet.js';
import { furnitureDocument, type FurniturePage } from '../pack/furniture.js';
import { glossaryDocument, type GlossaryInput } from '../pack/glossary.js';
import type { ChartToDraw } from '../render/chart-canvas.js';
import type { ChartSize } from '../render/chart-config.js';
import { chartBox, type ChartSlot } from '../render/chart-slot.js';
import type { ChartsToPlace } from '../render/place-charts.js';
import { layOutAndWrite, renderPdf, writeAgain, type KeptLayout } from '../render/pdf-bytes.js';
import {
  buildPdfDocument,
  chartPagesToFill,
  contentArea,
  type BuiltDocument,
  type ChartFit,
  type ChartPages,
  type DocumentOptions,
  type Placed,
} from '../render/pdf-document.js';
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
  /** Time spent drawing charts (where they were drawn) and laying out (where the task ran), in milliseconds. */
  chartMs: number;
  layoutMs: number;
  /** For a report: how its charts were made to fill their pages, for its other copies (see LayoutTask). */
  chartFits?: Array<[number, ChartFit]>;
}

/**
 * A report as its layout leaves it: its pages, with each chart's box empty and named, and the charts
 * to draw into them (chartsPlaced). The charts are drawn by the thread that asked for the layout, while
 * the layout thread writes the pages: they are known before the pages are written (whenChartsKnown).
 */
export interface LaidOutPages extends LaidOut {
  charts?: ChartsToPlace;
}

/** Called as soon as a report's charts and their sizes are final, before its pages are written: drawing them can begin. */
export type WhenChartsKnown = (charts: ChartToDraw[]) => void;

/**
 * Lays out one document in this thread: task → PDF bytes. (A layout thread lays out the pages alone,
 * layOutPages, and never loads the code that places the charts, pdf-lib: the calling thread does.)
 */
export async function layOutTask(task: LayoutTask): Promise<LaidOut> {
  const { chartsPlaced } = await import('../render/place-charts.js');
  return chartsPlaced(await layOutPages(task));
}

/**
 * Lays out one document's pages (a report's charts not yet drawn: chartsPlaced). In a layout thread,
 * `whenChartsKnown` hands the report's charts to the calling thread before the pages are written.
 */
export async function layOutPages(task: LayoutTask, whenChartsKnown: WhenChartsKnown = () => undefined): Promise<LaidOutPages> {
  if (task.kind === 'report') return layOutReport(task, whenChartsKnown);
  const start = performance.now();
  let doc: Record<string, unknown>;
  switch (task.kind) {
    case 'covering-report':
      // Loaded when a pack has one: its text is filled with Handlebars, which a report's layout never needs.
      doc = (await import('../pack/covering-report.js')).coveringReportDocument(task.input);
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
  const pdf = await renderPdf(doc);
  return { pdf, anchorPages: [], chartMs: 0, layoutMs: performance.now() - start };
}

type ReportTask = Extract<LayoutTask, { kind: 'report' }>;

/** A report laid out, kept to write its copies: a copy differs in its stamp, page numbers and metadata only. */
interface KeptReport {
  built: BuiltDocument;
  layout: KeptLayout;
  charts: Array<{ model: ChartModel; slot: ChartSlot }>;
  anchorPages: Array<[string, number]>;
  chartFits: Array<[number, ChartFit]>;
  /** Copies are written one at a time (a kept layout is set up for the copy being written). */
  queue: Promise<unknown>;
}

/**
 * The reports this thread laid out lately, by what their layout depends on: their blocks, their
 * exemption notice (it sets the margins) and how their charts fill their pages. A month run lays the
 * performance report out once and writes it three times (on its own and in both packs). Bounded: a
 * report run after run with new figures is a new key.
 */
const keptReports = new Map<string, KeptReport>();
const KEPT_REPORTS = 3;

function layoutKey(task: ReportTask, chartFits: Array<[number, ChartFit]>): string {
  return createHash('sha256')
    .update(JSON.stringify([task.blocks, task.options.format.exemptionNotice ?? null, chartFits]))
    .digest('hex');
}

/**
 * A report: its copy of a layout this thread kept, else laid out. Its charts are left to draw: they
 * go into the boxes pdfmake kept for them (chartsPlaced).
 */
async function layOutReport(task: ReportTask, whenChartsKnown: WhenChartsKnown): Promise<LaidOutPages> {
  const start = performance.now();
  const kept = task.chartFits ? keptReports.get(layoutKey(task, task.chartFits)) : undefined;
  const written = kept ? await copyOf(kept, task.options, whenChartsKnown) : await laidOutReport(task, whenChartsKnown);
  const { anchorPages, chartFits, charts } = written.report;
  return {
    pdf: written.pdf,
    anchorPages,
    chartMs: 0,
    layoutMs: performance.now() - start,
    chartFits,
    ...(charts.length > 0 ? { charts: { toDraw: chartsToDraw(charts), slots: written.slots } } : {}),
  };
}

function chartsToDraw(charts: KeptReport['charts']): ChartToDraw[] {
  return charts.map(({ model, slot }) => ({ model, size: slot.size }));
}

/** A copy of a kept report with this copy's stamp, page numbers and metadata, and where its charts landed. */
function copyOf(
  kept: KeptReport,
  options: DocumentOptions,
  whenChartsKnown: WhenChartsKnown,
): Promise<{ pdf: Buffer; report: KeptReport; slots: ChartSlot[] }> {
  if (kept.charts.length > 0) whenChartsKnown(chartsToDraw(kept.charts));
  const copy = kept.queue.then(async () => {
    kept.built.restamp(options);
    for (const { slot } of kept.charts) slot.placed = [];
    const pdf = await writeAgain(kept.layout, kept.built.doc);
    return { pdf, report: kept, slots: whereLanded(kept.charts) };
  });
  kept.queue = copy.catch(() => undefined);
  return copy;
}

/** A report laid out and written (and kept), its charts' boxes where they landed. */
async function laidOutReport(task: ReportTask, whenChartsKnown: WhenChartsKnown): Promise<{ pdf: Buffer; report: KeptReport; slots: ChartSlot[] }> {
  const charts: Array<{ model: ChartModel; slot: ChartSlot }> = [];
  const reserve = (model: ChartModel, size: ChartSize): Record<string, unknown> => {
    const slot: ChartSlot = { name: `B4BChart${charts.length + 1}`, size, placed: [] };
    charts.push({ model, slot });
    return chartBox(slot);
  };
  // The page each printed table row lands on, recorded as pdfmake lays the rows out (never breaking a page).
  const anchorPages = new Map<string, number>();
  const placed = new Map<string, Placed>();
  const build = (chartPages?: ChartPages): BuiltDocument => {
    anchorPages.clear();
    placed.clear();
    charts.length = 0;
    const built = buildPdfDocument(task.blocks, reserve, task.options, chartPages);
    const layoutRule = built.doc.pageBreakBefore as ((node: unknown, ...rest: unknown[]) => boolean) | undefined;
    built.doc.pageBreakBefore = (node: { id?: unknown; pageNumbers?: number[]; startPosition?: { top?: number } }, ...rest: unknown[]): boolean => {
      if (typeof node.id === 'string' && node.pageNumbers?.[0] !== undefined) {
        anchorPages.set(node.id, node.pageNumbers[0]);
        placed.set(node.id, { page: node.pageNumbers[0], ...(node.startPosition?.top !== undefined ? { top: node.startPosition.top } : {}) });
      }
      return layoutRule ? layoutRule(node, ...rest) : false;
    };
    return built;
  };
  // Charts left alone at the top of a section's last page are laid out again to fill it: decided once
  // the first layout's pages are known, before it is written (it is written only if final). Fits
  // another copy of the report decided are final.
  let chartPages: ChartPages = new Map(task.chartFits ?? []);
  let built = build(chartPages);
  // The charts are final when the layout is: handed on then, and drawn while the pages are written.
  const final = (): false => {
    if (charts.length > 0) whenChartsKnown(chartsToDraw(charts));
    return false;
  };
  let written = await layOutAndWrite(built.doc, () => {
    if (task.chartFits) return final();
    chartPages = chartPagesToFill(task.blocks, placed, contentArea(task.options));
    return chartPages.size > 0 || final();
  });
  if (!written) {
    built = build(chartPages);
    written = await layOutAndWrite(built.doc, final);
  }
  if (!written) throw new Error('the report was laid out but not written');
  const chartFits = [...chartPages];
  const report: KeptReport = { built, layout: written.layout, charts, anchorPages: [...anchorPages], chartFits, queue: Promise.resolve() };
  const key = layoutKey(task, chartFits);
  keptReports.delete(key);
  keptReports.set(key, report);
  if (keptReports.size > KEPT_REPORTS) keptReports.delete(keptReports.keys().next().value as string);
  return { pdf: written.pdf, report, slots: whereLanded(charts) };
}

/** The charts' boxes as this copy placed them (the next copy of the layout places them afresh). */
function whereLanded(charts: KeptReport['charts']): ChartSlot[] {
  return charts.map(({ slot }) => ({ ...slot, placed: [...slot.placed] }));
}
