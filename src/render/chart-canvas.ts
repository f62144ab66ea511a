import { createRequire } from 'node:module';
import type { ChartJSNodeCanvasBase } from 'chartjs-node-canvas';
import type { ChartModel } from '../report/report-figures.js';
import { CHART_FONTS, chartConfiguration, chartDescription, type ChartSize } from './chart-config.js';
import { FONT_FILES } from './fonts.js';

const require = createRequire(import.meta.url);

/**
 * Draws chart configurations (./chart-config.ts) with Chart.js on node-canvas, through
 * chartjs-node-canvas: into a PDF, one page per chart (vector paths and real text in Arimo), and
 * into SVG for the HTML twin (vector, text as outlines: the words are in the page's markup).
 *
 * chartjs-node-canvas draws one chart per canvas; a document's charts are drawn here as the pages
 * of one PDF canvas instead, so the document carries one subset of each Arimo face, not one per
 * chart (50 charts as 50 PDFs came to 136 font objects). Its base class loads Chart.js and
 * node-canvas and registers the fonts; this subclass only brings its own canvas.
 */

/** The part of a node-canvas canvas used here. */
interface NodeCanvas {
  width: number;
  height: number;
  style?: Record<string, unknown>;
  getContext(kind: '2d'): { addPage(width: number, height: number): void };
  toBuffer(mime?: string): Buffer;
}

export interface ChartTick {
  value: number;
  label: string;
}

/** What a drawn chart's axes hold: for each scale, its ticks (each drawn with a gridline) and their labels. */
export interface ChartScales {
  [axis: string]: { ticks: ChartTick[]; gridlines: boolean };
}

interface ChartInstance {
  destroy(): void;
  scales: Record<string, { ticks: Array<{ value: number; label?: string | string[] }>; options: { grid: { display: boolean; drawOnChartArea: boolean } } }>;
  chartArea: { top: number; bottom: number; left: number; right: number };
}

interface Engine {
  Chart: new (context: unknown, config: unknown) => ChartInstance;
  createCanvas: (width: number, height: number, type: 'pdf' | 'svg') => NodeCanvas;
}

let engine: Engine | undefined;

/** Chart.js and node-canvas, loaded once per thread, with each Arimo face registered as its own family (before any canvas exists). */
function chartEngine(): Engine {
  engine ??= (() => {
    const { ChartJSNodeCanvasBase: Base } = require('chartjs-node-canvas') as { ChartJSNodeCanvasBase: typeof ChartJSNodeCanvasBase };
    class ChartPages extends Base {
      engine(): Engine {
        return { Chart: this._chartJs as unknown as Engine['Chart'], createCanvas: this._createCanvas };
      }
    }
    const pages = new ChartPages({ width: 1, height: 1, type: 'pdf' });
    pages.registerFont(FONT_FILES.normal, { family: CHART_FONTS.regular });
    pages.registerFont(FONT_FILES.bold, { family: CHART_FONTS.bold });
    pages.registerFont(FONT_FILES.italics, { family: CHART_FONTS.italic });
    return pages.engine();
  })();
  return engine;
}

export interface ChartToDraw {
  model: ChartModel;
  size: ChartSize;
}

/**
 * What this thread drew lately, by what was drawn (a drawing is a function of the models and sizes
 * alone): a month run lays the performance report out three times (on its own and in both packs, with
 * other stamps and page numbers) and writes its HTML twin as often, and draws its charts once, and
 * their SVG once. Bounded, for a
 * long-running console or scheduler; a chart run after run with new figures is a new key.
 */
class Drawn<T> {
  private readonly kept = new Map<string, T>();
  constructor(private readonly limit: number) {}
  get(key: string, draw: () => T): T {
    let value = this.kept.get(key);
    if (value === undefined) {
      value = draw();
      if (this.kept.size >= this.limit) this.kept.delete(this.kept.keys().next().value as string);
      this.kept.set(key, value);
    }
    return value;
  }
}
const drawnPages = new Drawn<Buffer>(8);
/** Each chart's SVG as the HTML carries it (its ids renumbered under its prefix): a report and its copies in the packs carry the same. */
const drawnSvgs = new Drawn<string>(100);

/** Draws a document's charts as the pages of one PDF, each page exactly its chart's size in points. */
export function drawChartPages(charts: ChartToDraw[]): Buffer {
  return drawnPages.get(JSON.stringify(charts), () => drawPages(charts));
}

function drawPages(charts: ChartToDraw[]): Buffer {
  const first = charts[0];
  if (!first) throw new Error('there are no charts to draw');
  const { Chart, createCanvas } = chartEngine();
  const canvas = createCanvas(first.size.width, first.size.height, 'pdf');
  canvas.style = {};
  const context = canvas.getContext('2d');
  let drawn: ChartInstance | undefined;
  try {
    charts.forEach(({ model, size }, i) => {
      if (i > 0) {
        // addPage's own size is not the page's: setting the canvas's size sizes the new page (cairo_pdf_surface_set_size).
        context.addPage(size.width, size.height);
        canvas.width = size.width;
        canvas.height = size.height;
      }
      // One chart on a canvas at a time: the last is destroyed (which clears the new, still empty page) before the next.
      drawn?.destroy();
      drawn = undefined;
      drawn = new Chart(context, chartConfiguration(model, size));
    });
    return canvas.toBuffer('application/pdf');
  } finally {
    drawn?.destroy();
  }
}

/** Draws one chart on a canvas of its own (`pdf` for the measurements of the tests, `svg` for the HTML twin). */
function drawOne<T>(model: ChartModel, size: ChartSize, type: 'pdf' | 'svg', read: (chart: ChartInstance, canvas: NodeCanvas) => T): T {
  const { Chart, createCanvas } = chartEngine();
  const canvas = createCanvas(size.width, size.height, type);
  canvas.style = {};
  const chart = new Chart(canvas.getContext('2d'), chartConfiguration(model, size));
  try {
    return read(chart, canvas);
  } finally {
    chart.destroy();
  }
}

/** The ticks Chart.js drew on each axis of the chart at `size`, with their labels (for the tests of the axis policy). */
export function chartScales(model: ChartModel, size: ChartSize): ChartScales {
  return drawOne(model, size, 'pdf', (chart) =>
    Object.fromEntries(
      Object.entries(chart.scales).map(([id, scale]) => [
        id,
        {
          ticks: scale.ticks.map((t) => ({ value: t.value, label: Array.isArray(t.label) ? t.label.join(' ') : (t.label ?? '') })),
          gridlines: scale.options.grid.display && scale.options.grid.drawOnChartArea,
        },
      ]),
    ),
  );
}

/** Where Chart.js put the chart's plot at `size`, in points from the chart's top left (for the tests of a row's alignment). */
export function chartPlotArea(model: ChartModel, size: ChartSize): { top: number; bottom: number; left: number; right: number } {
  return drawOne(model, size, 'pdf', (chart) => {
    const { top, bottom, left, right } = chart.chartArea;
    return { top, bottom, left, right };
  });
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The chart as inline SVG for the HTML twin, with its text alternative (role="img", <title>, <desc>).
 * cairo names its glyphs and clip paths alike in every SVG it writes (glyph0-1, clip1): in one page
 * they would refer to each other's, so each chart's ids take `idPrefix`.
 */
export function chartSvg(model: ChartModel, size: ChartSize, idPrefix: string): string {
  return drawnSvgs.get(JSON.stringify([idPrefix, model, size]), () => svgFigure(model, size, idPrefix));
}

function svgFigure(model: ChartModel, size: ChartSize, idPrefix: string): string {
  const svg = drawOne(model, size, 'svg', (_, canvas) => canvas.toBuffer().toString('utf8'));
  // cairo numbers its surfaces and glyphs across the whole process ("surface193"), so the same chart
  // would differ between runs that drew other charts first: each id is renumbered in its order here.
  const ids = new Map<string, string>();
  const renamed = (id: string): string => {
    let name = ids.get(id);
    if (name === undefined) {
      name = `${idPrefix}-${ids.size + 1}`;
      ids.set(id, name);
    }
    return name;
  };
  const body = svg
    .replace(/^<\?xml[^>]*>\s*/, '')
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${renamed(id)}"`)
    .replace(/href="#([^"]+)"/g, (_, id: string) => `href="#${renamed(id)}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${renamed(id)})`);
  const open = /^<svg\b[^>]*>/.exec(body);
  if (!open) throw new Error(`the chart "${model.title}" was not drawn as SVG`);
  const root = open[0]
    .replace(/\swidth="[^"]*"/, ` width="${size.width}"`)
    .replace(/\sheight="[^"]*"/, ` height="${size.height}"`)
    .replace(/>$/, ` role="img" aria-labelledby="${idPrefix}-title ${idPrefix}-desc">`);
  const alternative = `<title id="${idPrefix}-title">${escapeXml(model.title)}</title><desc id="${idPrefix}-desc">${escapeXml(chartDescription(model))}</desc>`;
  return root + alternative + body.slice(open[0].length).trim();
}
