import type { ChartSize } from './chart-config.js';

/**
 * A chart's box in a laid-out document (place-charts.ts says how the boxes become charts). Apart from
 * place-charts.ts, which loads pdf-lib: the layout thread reserves and records boxes, and never loads it.
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
