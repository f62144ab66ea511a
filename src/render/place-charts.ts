import { PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import { drawChartPages, type ChartToDraw } from './chart-canvas.js';
import type { ChartSize } from './chart-config.js';

/**
 * Charts go into a laid-out document in two steps. pdfmake lays the document out with an empty box
 * of each chart's size where the chart goes (chartBox); as it writes the pages, each box records
 * where it landed and draws, in its place in the page's drawing order, a form XObject by the name
 * its chart will have (pdf-bytes.ts). Then each chart's page of the document's chart PDF becomes that
 * form XObject (placeCharts): vectors and real text, one set of font subsets for all of the
 * document's charts, read in the order the page shows them.
 */

/** Where a chart's box landed: the page (0 = the first) and its top left corner, in points from the page's top left. */
export interface ChartPlacement {
  page: number;
  x: number;
  y: number;
}

/** A chart's box in the document: its size, and where pdfmake put it (filled in as the pages are written). */
export interface ChartSlot {
  /** The name the page draws the chart's form XObject by: unique in the document. */
  name: string;
  size: ChartSize;
  placed: ChartPlacement[];
}

/** The property of a pdfmake vector that marks it as a chart's box (pdf-bytes.ts records it and draws nothing). */
export const CHART_SLOT = 'b4bChartSlot';

/** An empty pdfmake node of the chart's size, which the chart is drawn into once the document is laid out. */
export function chartBox(slot: ChartSlot): Record<string, unknown> {
  const { width, height } = slot.size;
  return { canvas: [{ type: 'rect', x: 0, y: 0, w: width, h: height, [CHART_SLOT]: slot }], width, height };
}

/** Makes page i of `chartPdf` the form XObject `slots[i].name` of each page its box landed on; the document's metadata is kept as it is. */
export async function placeCharts(pdf: Uint8Array, chartPdf: Uint8Array, slots: ChartSlot[]): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const charts = await doc.embedPdf(
    chartPdf,
    slots.map((_, i) => i),
  );
  slots.forEach((slot, i) => {
    const chart = charts[i];
    if (!chart) throw new Error(`the chart PDF has no page ${i + 1}`);
    if (slot.placed.length === 0) throw new Error(`chart ${i + 1} of the document was not placed on any page`);
    for (const at of slot.placed) {
      const page = doc.getPage(at.page).node;
      let resources = page.Resources();
      if (!resources) {
        resources = doc.context.obj({});
        page.set(PDFName.of('Resources'), resources);
      }
      let forms = resources.lookupMaybe(PDFName.of('XObject'), PDFDict);
      if (!forms) {
        forms = doc.context.obj({});
        resources.set(PDFName.of('XObject'), forms);
      }
      forms.set(PDFName.of(slot.name), chart.ref);
    }
  });
  // As the packs are written (src/pack/assemble.ts): without object streams, which pdf-lib would deflate again.
  return doc.save({ useObjectStreams: false });
}

/** A document's charts to draw (their models and sizes) and the boxes its layout left for them. */
export interface ChartsToPlace {
  toDraw: ChartToDraw[];
  slots: ChartSlot[];
}

/**
 * A laid-out document with its charts drawn (as the pages of one PDF) and placed in their boxes, and
 * the time that took added to its chart time. A drawing is kept (drawChartPages), so charts drawn as
 * soon as they were known are not drawn again here.
 */
export async function chartsPlaced<T extends { pdf: Uint8Array; chartMs: number; charts?: ChartsToPlace }>(laidOut: T): Promise<Omit<T, 'charts'>> {
  const { charts, ...document } = laidOut;
  if (!charts) return document;
  const begun = performance.now();
  const pdf = await placeCharts(laidOut.pdf, drawChartPages(charts.toDraw), charts.slots);
  return { ...document, pdf, chartMs: document.chartMs + performance.now() - begun };
}
