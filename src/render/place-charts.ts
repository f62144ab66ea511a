import { PDFDocument } from 'pdf-lib';
import type { ChartSize } from './chart-config.js';

/**
 * Charts go into a laid-out document in two steps. pdfmake lays the document out with an empty box
 * of each chart's size where the chart goes (chartBox); as it writes the pages it records where
 * each box landed (pdf-bytes.ts). Then each chart's page of the document's chart PDF is drawn into
 * its box as a form XObject (placeCharts): vectors and real text, one set of font subsets for all
 * of the document's charts.
 */

/** Where a chart's box landed: the page (0 = the first) and its top left corner, in points from the page's top left. */
export interface ChartPlacement {
  page: number;
  x: number;
  y: number;
}

/** A chart's box in the document: its size, and where pdfmake put it (filled in as the pages are written). */
export interface ChartSlot {
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

/** Draws page i of `chartPdf` into the box of `slots[i]`, wherever pdfmake placed it; the document's metadata is kept as it is. */
export async function placeCharts(pdf: Uint8Array, chartPdf: Uint8Array, slots: ChartSlot[]): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const pages = await doc.embedPdf(
    chartPdf,
    slots.map((_, i) => i),
  );
  slots.forEach((slot, i) => {
    const chart = pages[i];
    if (!chart) throw new Error(`the chart PDF has no page ${i + 1}`);
    if (slot.placed.length === 0) throw new Error(`chart ${i + 1} of the document was not placed on any page`);
    for (const at of slot.placed) {
      const page = doc.getPage(at.page);
      page.drawPage(chart, { x: at.x, y: page.getHeight() - at.y - slot.size.height, width: slot.size.width, height: slot.size.height });
    }
  });
  // As the packs are written (src/pack/assemble.ts): without object streams, which pdf-lib would deflate again.
  return doc.save({ useObjectStreams: false });
}
