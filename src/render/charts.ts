import type { ChartModel } from '../report/report-figures.js';
import { FONT_FAMILY, fontMetrics, type FontMetrics } from './fonts.js';
import { printNumber } from '../report/round.js';

/**
 * Report charts as SVG, drawn from the chart model: vector lines and real text in Arimo, so a chart
 * prints crisp at any size and its title, axis labels and legend are searchable in the PDF (pdfmake's
 * `svg` node draws <text> with the document's own embedded font) and readable in the HTML twin.
 *
 * Chart.js was the alternative (it draws to a canvas 2D context; an SVG-emitting context such as
 * svgcanvas or canvas2svg needs a browser DOM, i.e. jsdom, whose import alone took 0.6 s here and
 * still lacked DOMMatrix). Drawing the few chart types a report has directly from the model is
 * simpler, takes well under a millisecond a chart and needs no canvas at all.
 *
 * The axis policy, the same for every chart (README, "Charts"):
 * - bars always start at zero (a bar's length is its value);
 * - a line chart of counts or rates starts at zero unless the data and target spread over less than
 *   a third of a zero-based axis; it then starts a step below them, and the axis says so
 *   ("Axis starts at 56, not 0") with a break mark on the axis;
 * - a line chart of percentages spans the data and target with padding of 15% of their range (at
 *   least 2 points), within 0-100%, and says so in the same way when it does not start at 0%.
 */

/** The default size of a chart on the page, in points. */
export const CHART_WIDTH_PT = 370;
export const CHART_HEIGHT_PT = 190;

export interface ChartSize {
  width: number;
  height: number;
}

export interface ChartSvgOptions {
  /** Prefix of the ids of the chart's <title> and <desc> (unique within an HTML page). */
  idPrefix?: string;
  /** font-family of the text: the PDF names its embedded font, a web page adds fallbacks. */
  fontFamily?: string;
}

const INK = '#000000';
const AXIS = '#595959';
const GRID = '#d9d9d9';
const NOTE = '#404040';

/** Print-safe series styles: each differs by dash and marker as well as colour (they read in greyscale). */
const SERIES_STYLES = [
  { colour: '#1f4e79', dash: '', marker: 'circle' },
  { colour: '#c55a11', dash: '5 2.5', marker: 'square' },
  { colour: '#548235', dash: '1.6 1.6', marker: 'triangle' },
] as const;
const TARGET_DASH: [number, number] = [4, 3];
const BAR_STYLES = [
  { fill: '#1f4e79', stroke: '#1f4e79' },
  { fill: '#d9e2f3', stroke: '#1f4e79' },
] as const;

// ---- text measurement, from Arimo's own advance widths (the font the PDF embeds) ----

type Weight = 'normal' | 'bold';
const widthCache: Record<Weight, Map<number, number>> = { normal: new Map(), bold: new Map() };
// The very font objects pdfkit lays the PDF's text out with (parsed once per process).
let fonts: Record<Weight, FontMetrics> | undefined;

/** Width of `text` in points at `size` in Arimo. */
export function textWidth(text: string, size: number, weight: Weight = 'normal'): number {
  if (!fonts) {
    fonts = { normal: fontMetrics('normal'), bold: fontMetrics('bold') };
  }
  const font = fonts[weight];
  const cache = widthCache[weight];
  let units = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 32;
    let w = cache.get(cp);
    if (w === undefined) {
      w = font.glyphForCodePoint(cp).advanceWidth / font.unitsPerEm;
      cache.set(cp, w);
    }
    units += w;
  }
  return units * size;
}

/** Greedy word wrap to `width`; a word longer than the width stands on its own line. */
function wrap(text: string, size: number, width: number, weight: Weight = 'normal'): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && textWidth(candidate, size, weight) > width) {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  if (line) lines.push(line);
  return lines;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// ---- the value axis ----

export interface ValueAxis {
  min: number;
  max: number;
  step: number;
  /** Display units: percentages in points (0-100), money in £000, counts as they are. */
  scale: number;
  ticks: number[];
  /** The axis does not start at zero. */
  broken: boolean;
}

function niceStep(range: number, ticks: number): number {
  const raw = range / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const f = raw / magnitude;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * magnitude;
}

function isPercentChart(model: ChartModel): boolean {
  return model.yFormat ? model.yFormat === 'percent' : model.series.some((s) => s.percent);
}

function isBarChart(model: ChartModel): boolean {
  return model.type === 'bar';
}

/** The one axis policy for every chart (see the head of this file). */
export function valueAxis(model: ChartModel, plotHeight = 120): ValueAxis {
  const percent = isPercentChart(model);
  const scale = percent ? 100 : 1;
  const values = model.series.flatMap((s) => [...s.values, ...(isBarChart(model) ? [] : [s.target ?? null])]);
  const shown = values.filter((v): v is number => v !== null && Number.isFinite(v)).map((v) => v * scale);
  const tickCount = plotHeight < 90 ? 4 : 5;
  if (shown.length === 0)
    return { min: 0, max: percent ? 100 : 1, step: percent ? 25 : 1, scale, ticks: percent ? [0, 25, 50, 75, 100] : [0, 1], broken: false };
  let lo = Math.min(...shown);
  let hi = Math.max(...shown);
  let zeroBased: boolean;
  if (isBarChart(model)) {
    lo = Math.min(lo, 0);
    hi = Math.max(hi, 0);
    zeroBased = true;
  } else if (percent) {
    const pad = Math.max((hi - lo) * 0.15, 2);
    lo = Math.max(0, lo - pad);
    hi = hi > 100 ? hi + pad : Math.min(100, hi + pad);
    zeroBased = lo === 0;
  } else {
    // Counts and rates: from zero when the movement fills at least a third of a zero-based axis.
    zeroBased = lo <= 0 || (hi - lo) / hi >= 1 / 3;
    if (zeroBased) {
      lo = Math.min(lo, 0);
    } else {
      const pad = Math.max((hi - lo) * 0.15, hi * 0.01);
      lo = Math.max(0, lo - pad);
    }
    hi = hi + Math.max((hi - lo) * 0.05, 0);
  }
  if (hi === lo) hi = lo + (Math.abs(lo) * 0.1 || 1);
  const step = niceStep(hi - lo, tickCount);
  const min = zeroBased && lo >= 0 ? 0 : Math.floor(lo / step + 1e-9) * step;
  const max = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = min; v <= max + step / 1e6; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  return { min, max, step, scale, ticks, broken: min > 0 };
}

function decimalsOf(step: number): number {
  return step >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(step) - 1e-9));
}

/** Counts print as the report's tables print them (no thousands separator: 1922); money as money (1,400). */
function grouping(model: ChartModel): boolean {
  return model.yFormat === 'money';
}

function formatTick(value: number, axis: ValueAxis, percent: boolean, model: ChartModel): string {
  const decimals = decimalsOf(axis.step);
  const text = printNumber(value, { decimals, grouping: grouping(model) });
  return percent ? `${text}%` : text;
}

/** A figure as a chart's text alternative and figures table print it. */
export function formatChartValue(model: ChartModel, value: number | null): string {
  if (value === null) return 'no figure';
  if (isPercentChart(model)) return printNumber(value, { decimals: 1, minDecimals: 0, percent: true });
  return printNumber(value, { decimals: 2, minDecimals: 0, grouping: grouping(model) });
}

// ---- legend ----

interface LegendItem {
  label: string;
  kind: 'line' | 'target' | 'bar';
  style: number;
}

/**
 * The legend names series, never the chart's title again: a single series whose name is the title
 * is called "Monthly figure" (a bar chart's, "Figure").
 */
function legendItems(model: ChartModel): LegendItem[] {
  const bar = isBarChart(model);
  const single = model.series.length === 1;
  const items: LegendItem[] = model.series.map((s, i) => {
    const repeatsTitle = single && (model.title.toLowerCase().includes(s.label.toLowerCase()) || s.label.toLowerCase().includes(model.title.toLowerCase()));
    return { label: repeatsTitle ? (bar ? 'Figure' : 'Monthly figure') : s.label, kind: bar ? 'bar' : 'line', style: i };
  });
  if (!bar) {
    for (const t of targets(model)) items.push({ label: t.label, kind: 'target', style: 0 });
  }
  return items;
}

/** The target lines: one per distinct target, named after its series when several series have one. */
function targets(model: ChartModel): Array<{ value: number; label: string }> {
  const withTarget = model.series.filter((s) => s.target !== undefined);
  const distinct = [...new Set(withTarget.map((s) => s.target as number))];
  if (distinct.length <= 1) return distinct.map((value) => ({ value, label: 'Target' }));
  return withTarget.map((s) => ({ value: s.target as number, label: `Target (${s.label})` }));
}

const LEGEND_SWATCH = 20;
const LEGEND_GAP = 4;
const LEGEND_ITEM_GAP = 12;

function legendLines(items: LegendItem[], size: number, width: number): LegendItem[][] {
  const itemWidth = (item: LegendItem): number => LEGEND_SWATCH + LEGEND_GAP + textWidth(item.label, size);
  const lineWidth = (line: LegendItem[]): number => line.reduce((w, item) => w + itemWidth(item), 0) + LEGEND_ITEM_GAP * Math.max(line.length - 1, 0);
  const lines: LegendItem[][] = [];
  let line: LegendItem[] = [];
  for (const item of items) {
    if (line.length > 0 && lineWidth([...line, item]) > width) {
      lines.push(line);
      line = [];
    }
    line.push(item);
  }
  if (line.length > 0) lines.push(line);
  // "Target" does not stand alone on the last line: it takes the item before it along, where they fit.
  const last = lines[lines.length - 1];
  const before = lines[lines.length - 2];
  if (last && before && last.every((i) => i.kind === 'target') && before.length >= 2) {
    const moved = before[before.length - 1];
    if (moved && lineWidth([moved, ...last]) <= width) {
      before.pop();
      last.unshift(moved);
    }
  }
  return lines;
}

/** The legend at the largest size (7.5 pt down to 6 pt) at which no line holds only "Target". */
function fitLegend(items: LegendItem[], width: number): { size: number; lines: LegendItem[][] } {
  const alone = (lines: LegendItem[][]): boolean => lines.length > 1 && (lines[lines.length - 1] ?? []).every((i) => i.kind === 'target');
  for (let size = 7.5; size > 6; size -= 0.5) {
    const lines = legendLines(items, size, width);
    if (!alone(lines)) return { size, lines };
  }
  return { size: 6, lines: legendLines(items, 6, width) };
}

// ---- drawing: one list of shapes and texts, written out as SVG (HTML) or as pdfmake vectors (PDF) ----

type Shape =
  | { t: 'line'; x1: number; y1: number; x2: number; y2: number; stroke: string; width: number; dash?: [number, number] }
  | { t: 'polyline'; points: Array<[number, number]>; stroke?: string; width?: number; dash?: [number, number]; fill?: string; closed?: boolean }
  | { t: 'rect'; x: number; y: number; w: number; h: number; fill: string; stroke?: string; width?: number }
  | { t: 'circle'; x: number; y: number; r: number; fill: string }
  | { t: 'text'; x: number; y: number; text: string; size: number; anchor: 'start' | 'middle' | 'end'; bold: boolean; italic: boolean; fill: string };

/** A chart drawn at a size: its shapes and texts in points, from the top left. */
export interface ChartDrawing {
  width: number;
  height: number;
  shapes: Shape[];
}

function marker(kind: string, x: number, y: number, colour: string): Shape {
  if (kind === 'square') return { t: 'rect', x: x - 2, y: y - 2, w: 4, h: 4, fill: colour };
  if (kind === 'triangle')
    return {
      t: 'polyline',
      points: [
        [x, y - 2.6],
        [x + 2.6, y + 2],
        [x - 2.6, y + 2],
      ],
      fill: colour,
      closed: true,
    };
  return { t: 'circle', x, y, r: 2.2, fill: colour };
}

/** `{ dash }` for a dashed style, nothing for a solid one (an absent dash, never `dash: undefined`). */
function dashProp(dash: string): { dash?: [number, number] } {
  const pattern = dashOf(dash);
  return pattern ? { dash: pattern } : {};
}

function dashOf(dash: string): [number, number] | undefined {
  const [a, b] = dash.split(' ').map(Number);
  return a !== undefined && b !== undefined ? [a, b] : undefined;
}

function label(
  x: number,
  y: number,
  content: string,
  attrs: { size: number; anchor?: 'start' | 'middle' | 'end'; bold?: boolean; italic?: boolean; fill?: string },
): Shape {
  return {
    t: 'text',
    x,
    y,
    text: content,
    size: attrs.size,
    anchor: attrs.anchor ?? 'start',
    bold: attrs.bold === true,
    italic: attrs.italic === true,
    fill: attrs.fill ?? INK,
  };
}

/** The chart's text alternative: what it shows, its range of months and each series' latest, lowest and highest figure and target. */
export function chartDescription(model: ChartModel): string {
  const kind = isBarChart(model) ? 'Bar chart' : 'Line chart';
  const first = model.monthLabels[0];
  const last = model.monthLabels[model.monthLabels.length - 1];
  const span = isBarChart(model) && !/^[A-Z][a-z]{2}-\d{2}$/.test(first ?? '') ? `by ${model.monthLabels.join(', ')}` : `${first} to ${last}`;
  const parts = model.series.map((s) => {
    const points = s.values.map((v, i) => ({ v, label: model.monthLabels[i] ?? '' })).filter((p): p is { v: number; label: string } => p.v !== null);
    if (points.length === 0) return `${s.label}: no figures`;
    const latest = points[points.length - 1]!;
    const low = points.reduce((a, b) => (b.v < a.v ? b : a));
    const high = points.reduce((a, b) => (b.v > a.v ? b : a));
    const target = s.target !== undefined ? `; target ${formatChartValue(model, s.target)}` : '';
    return `${s.label}: ${formatChartValue(model, latest.v)} in ${latest.label}, lowest ${formatChartValue(model, low.v)} (${low.label}), highest ${formatChartValue(model, high.v)} (${high.label})${target}`;
  });
  return `${kind}, ${span}. ${parts.join('. ')}.`;
}

// Drawings are pure functions of the model and size: a chart that appears in a report, in the same
// report inside a pack and in its HTML twin is drawn once. Bounded, for a long-running scheduler.
const drawings = new Map<string, ChartDrawing>();
const DRAWINGS_KEPT = 500;

/** The chart's drawing (shared: callers must not change it), drawn once per model and size. */
export function drawChart(model: ChartModel, size: ChartSize = { width: CHART_WIDTH_PT, height: CHART_HEIGHT_PT }): ChartDrawing {
  const key = `${size.width}x${size.height}|${JSON.stringify(model)}`;
  let drawing = drawings.get(key);
  if (!drawing) {
    drawing = drawChartOnce(model, size);
    if (drawings.size >= DRAWINGS_KEPT) drawings.delete(drawings.keys().next().value as string);
    drawings.set(key, drawing);
  }
  return drawing;
}

/** The chart's shapes and texts at `size` points: layout, axis policy and legend are decided here, once. */
function drawChartOnce(model: ChartModel, size: ChartSize): ChartDrawing {
  const { width: W, height: H } = size;
  const pad = 4;
  const out: Shape[] = [{ t: 'rect', x: 0, y: 0, w: W, h: H, fill: '#ffffff' }];
  const percent = isPercentChart(model);
  const bar = isBarChart(model);

  // Title: bold, shrunk to fit one line (down to 8 pt), else wrapped onto two.
  let titleSize = 10;
  let titleLines = [model.title];
  while (titleSize > 8 && textWidth(model.title, titleSize, 'bold') > W - 2 * pad) titleSize -= 0.5;
  if (textWidth(model.title, titleSize, 'bold') > W - 2 * pad) {
    titleSize = 9;
    titleLines = wrap(model.title, titleSize, W - 2 * pad, 'bold');
  }
  let y = pad;
  for (const line of titleLines) {
    y += titleSize;
    out.push(label(W / 2, y, line, { size: titleSize, anchor: 'middle', bold: true }));
    y += titleSize * 0.25;
  }
  const titleBottom = y + 3;

  // Legend at the bottom.
  const { size: legendSize, lines } = fitLegend(legendItems(model), W - 2 * pad);
  const legendLineHeight = legendSize * 1.45;
  const legendTop = H - pad - lines.length * legendLineHeight;

  // Category labels (months, or placement types wrapped into the slot).
  const labelSize = 6.5;
  const count = Math.max(model.monthLabels.length, 1);
  const axisProbe = valueAxis(model);
  const yLabelWidth = Math.max(...axisProbe.ticks.map((t) => textWidth(formatTick(t, axisProbe, percent, model), 7)), 10);
  const left = pad + yLabelWidth + 4;
  const right = W - pad - 2;
  const slot = (right - left) / count;
  const categoryLines = model.monthLabels.map((l) => (textWidth(l, labelSize) <= slot - 2 ? [l] : wrap(l, labelSize, slot - 2)));
  const wrapped = bar && categoryLines.some((l) => l.length > 1);
  const labelRows = wrapped ? Math.min(3, Math.max(...categoryLines.map((l) => l.length))) : 1;
  // Month labels that do not fit their slot are thinned out (every k-th, always the last).
  const widest = Math.max(...model.monthLabels.map((l) => textWidth(l, labelSize)), 0);
  const every = wrapped ? 1 : Math.max(1, Math.ceil((widest + 3) / slot));
  const xLabelHeight = labelRows * labelSize * 1.2 + 3;
  const plotBottom = legendTop - xLabelHeight - 4;

  const noteSize = 6.5;
  const plotTop = titleBottom + (axisProbe.broken ? noteSize + 7 : 3);
  const axis = valueAxis(model, plotBottom - plotTop);
  const yOfTick = (t: number): number => plotBottom - ((t - axis.min) / (axis.max - axis.min)) * (plotBottom - plotTop);
  const yOf = (value: number): number => yOfTick(value * axis.scale);
  const xOf = (i: number): number => left + (i + 0.5) * slot;

  // Grid and value axis labels.
  for (const t of axis.ticks) {
    const zeroLine = t === 0 && axis.min < 0;
    out.push({ t: 'line', x1: left, y1: yOfTick(t), x2: right, y2: yOfTick(t), stroke: zeroLine ? AXIS : GRID, width: zeroLine ? 0.8 : 0.5 });
    out.push(label(left - 3, yOfTick(t) + 2.4, formatTick(t, axis, percent, model), { size: 7, anchor: 'end' }));
  }
  out.push({ t: 'line', x1: left, y1: plotTop, x2: left, y2: plotBottom, stroke: AXIS, width: 0.8 });
  out.push({ t: 'line', x1: left, y1: plotBottom, x2: right, y2: plotBottom, stroke: AXIS, width: 0.8 });
  if (axis.broken) {
    // A break mark on the value axis, and the words, since the axis does not start at zero.
    const by = plotBottom - 5;
    out.push({
      t: 'polyline',
      points: [
        [left - 3, by + 1.5],
        [left + 3, by - 0.5],
        [left - 3, by - 2.5],
        [left + 3, by - 4.5],
      ],
      stroke: AXIS,
      width: 0.8,
    });
    const start = formatTick(axis.min, axis, percent, model);
    out.push(label(pad, titleBottom + noteSize, `Axis starts at ${start}, not ${percent ? '0%' : '0'}`, { size: noteSize, italic: true, fill: NOTE }));
  }

  // Category labels and tick marks.
  model.monthLabels.forEach((_, i) => {
    const x = xOf(i);
    out.push({ t: 'line', x1: x, y1: plotBottom, x2: x, y2: plotBottom + 2, stroke: AXIS, width: 0.5 });
    if ((count - 1 - i) % every !== 0) return;
    (categoryLines[i] ?? []).slice(0, labelRows).forEach((line, row) => {
      out.push(label(x, plotBottom + 3 + labelSize + row * labelSize * 1.2, line, { size: labelSize, anchor: 'middle' }));
    });
  });

  if (bar) {
    const groupWidth = slot * 0.7;
    const barWidth = groupWidth / Math.max(model.series.length, 1);
    const zeroY = yOf(0);
    model.series.forEach((s, si) => {
      const style = BAR_STYLES[si % BAR_STYLES.length] ?? BAR_STYLES[0];
      s.values.forEach((v, i) => {
        if (v === null) return;
        const x = xOf(i) - groupWidth / 2 + si * barWidth;
        const top = Math.min(yOf(v), zeroY);
        out.push({
          t: 'rect',
          x: x + 0.4,
          y: top,
          w: barWidth - 0.8,
          h: Math.max(Math.abs(zeroY - yOf(v)), 0.3),
          fill: style.fill,
          stroke: style.stroke,
          width: 0.8,
        });
      });
    });
  } else {
    for (const target of targets(model)) {
      const ty = yOf(target.value);
      out.push({ t: 'line', x1: left, y1: ty, x2: right, y2: ty, stroke: INK, width: 1.2, dash: TARGET_DASH });
    }
    model.series.forEach((s, si) => {
      const style = SERIES_STYLES[si % SERIES_STYLES.length] ?? SERIES_STYLES[0];
      // A gap in the figures is a gap in the line.
      let run: Array<[number, number]> = [];
      const flush = (): void => {
        if (run.length > 1) out.push({ t: 'polyline', points: run, stroke: style.colour, width: 1.6, ...dashProp(style.dash) });
        run = [];
      };
      s.values.forEach((v, i) => {
        if (v === null) flush();
        else run.push([xOf(i), yOf(v)]);
      });
      flush();
      s.values.forEach((v, i) => {
        if (v !== null) out.push(marker(style.marker, xOf(i), yOf(v), style.colour));
      });
    });
  }

  // Legend: swatches drawn as what they stand for (a dashed target is a dashed line).
  lines.forEach((line, li) => {
    const widths = line.map((item) => LEGEND_SWATCH + LEGEND_GAP + textWidth(item.label, legendSize));
    const total = widths.reduce((a, b) => a + b, 0) + LEGEND_ITEM_GAP * (line.length - 1);
    let x = (W - total) / 2;
    const baseline = legendTop + li * legendLineHeight + legendSize;
    const mid = baseline - legendSize * 0.33;
    line.forEach((item, i) => {
      if (item.kind === 'target') {
        out.push({ t: 'line', x1: x, y1: mid, x2: x + LEGEND_SWATCH, y2: mid, stroke: INK, width: 1.2, dash: TARGET_DASH });
      } else if (item.kind === 'bar') {
        const style = BAR_STYLES[item.style % BAR_STYLES.length] ?? BAR_STYLES[0];
        out.push({ t: 'rect', x: x + 4, y: mid - 3.5, w: 12, h: 7, fill: style.fill, stroke: style.stroke, width: 0.8 });
      } else {
        const style = SERIES_STYLES[item.style % SERIES_STYLES.length] ?? SERIES_STYLES[0];
        out.push({ t: 'line', x1: x, y1: mid, x2: x + LEGEND_SWATCH, y2: mid, stroke: style.colour, width: 1.6, ...dashProp(style.dash) });
        out.push(marker(style.marker, x + LEGEND_SWATCH / 2, mid, style.colour));
      }
      out.push(label(x + LEGEND_SWATCH + LEGEND_GAP, baseline, item.label, { size: legendSize }));
      x += (widths[i] ?? 0) + LEGEND_ITEM_GAP;
    });
  });
  return { width: W, height: H, shapes: out };
}

const n2 = (v: number): string => String(Math.round(v * 100) / 100);

function svgShape(shape: Shape, family: string): string {
  const dash = (d: [number, number] | undefined): string => (d ? ` stroke-dasharray="${d[0]} ${d[1]}"` : '');
  switch (shape.t) {
    case 'line':
      return `<line x1="${n2(shape.x1)}" y1="${n2(shape.y1)}" x2="${n2(shape.x2)}" y2="${n2(shape.y2)}" stroke="${shape.stroke}" stroke-width="${shape.width}"${dash(shape.dash)}/>`;
    case 'polyline': {
      const points = shape.points.map(([x, y]) => `${n2(x)},${n2(y)}`).join(' ');
      const paint =
        `fill="${shape.fill ?? 'none'}"` + (shape.stroke ? ` stroke="${shape.stroke}" stroke-width="${shape.width ?? 1}" stroke-linejoin="round"` : '');
      return `<${shape.closed ? 'polygon' : 'polyline'} points="${points}" ${paint}${dash(shape.dash)}/>`;
    }
    case 'rect':
      return (
        `<rect x="${n2(shape.x)}" y="${n2(shape.y)}" width="${n2(shape.w)}" height="${n2(shape.h)}" fill="${shape.fill}"` +
        (shape.stroke ? ` stroke="${shape.stroke}" stroke-width="${shape.width ?? 1}"` : '') +
        '/>'
      );
    case 'circle':
      return `<circle cx="${n2(shape.x)}" cy="${n2(shape.y)}" r="${shape.r}" fill="${shape.fill}"/>`;
    case 'text':
      return (
        `<text x="${n2(shape.x)}" y="${n2(shape.y)}" font-family="${escapeXml(family)}" font-size="${shape.size}"` +
        (shape.bold ? ' font-weight="bold"' : '') +
        (shape.italic ? ' font-style="italic"' : '') +
        (shape.anchor !== 'start' ? ` text-anchor="${shape.anchor}"` : '') +
        // The layout was measured in Arimo: a browser without it keeps each text to that width.
        ` textLength="${n2(textWidth(shape.text, shape.size, shape.bold ? 'bold' : 'normal'))}" lengthAdjust="spacingAndGlyphs"` +
        ` fill="${shape.fill}">${escapeXml(shape.text)}</text>`
      );
  }
}

/**
 * The chart as an SVG document of exactly `size` points, for the HTML twin: with `idPrefix`, its
 * <title> and <desc> are the chart's text alternative (role="img").
 */
export function chartSvg(model: ChartModel, size: ChartSize = { width: CHART_WIDTH_PT, height: CHART_HEIGHT_PT }, options: ChartSvgOptions = {}): string {
  const drawing = drawChart(model, size);
  const family = options.fontFamily ?? FONT_FAMILY;
  const id = options.idPrefix;
  const accessible = id
    ? ` role="img" aria-labelledby="${id}-title ${id}-desc"><title id="${id}-title">${escapeXml(model.title)}</title><desc id="${id}-desc">${escapeXml(chartDescription(model))}</desc>`
    : '>';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n2(drawing.width)}" height="${n2(drawing.height)}" viewBox="0 0 ${n2(drawing.width)} ${n2(drawing.height)}"${accessible}` +
    drawing.shapes.map((shape) => svgShape(shape, family)).join('') +
    '</svg>'
  );
}

let ascent: number | undefined;

/**
 * The chart as pdfmake nodes for the PDF: its shapes as one pdfmake canvas, then its texts as text in
 * the document's embedded font, placed by their baselines. pdfmake draws these natively; its
 * `svg` node (svg-to-pdfkit) drew the same chart but cost about 0.4 s of warm-up in every process.
 */
export function chartPdfNode(model: ChartModel, size: ChartSize = { width: CHART_WIDTH_PT, height: CHART_HEIGHT_PT }): Record<string, unknown> {
  const drawing = drawChart(model, size);
  ascent ??= (() => {
    textWidth(' ', 1);
    const font = fonts?.normal;
    return font ? font.ascent / font.unitsPerEm : 0.905;
  })();
  const texts: Array<Record<string, unknown>> = [];
  const vectors: Array<Record<string, unknown>> = [];
  const dash = (d: [number, number] | undefined): Record<string, unknown> => (d ? { dash: { length: d[0], space: d[1] } } : {});
  for (const shape of drawing.shapes) {
    switch (shape.t) {
      case 'text': {
        const w = textWidth(shape.text, shape.size, shape.bold ? 'bold' : 'normal');
        const x = shape.anchor === 'middle' ? shape.x - w / 2 : shape.anchor === 'end' ? shape.x - w : shape.x;
        texts.push({
          text: shape.text,
          fontSize: shape.size,
          lineHeight: 1,
          bold: shape.bold,
          italics: shape.italic,
          color: shape.fill,
          noWrap: true,
          relativePosition: { x, y: shape.y - (ascent ?? 0.905) * shape.size - drawing.height },
        });
        break;
      }
      case 'line':
        vectors.push({
          type: 'line',
          x1: shape.x1,
          y1: shape.y1,
          x2: shape.x2,
          y2: shape.y2,
          lineWidth: shape.width,
          lineColor: shape.stroke,
          ...dash(shape.dash),
        });
        break;
      case 'polyline':
        vectors.push({
          type: 'polyline',
          points: shape.points.map(([x, y]) => ({ x, y })),
          closePath: shape.closed === true,
          lineWidth: shape.width ?? 0,
          ...(shape.stroke ? { lineColor: shape.stroke } : { lineColor: shape.fill }),
          ...(shape.fill ? { color: shape.fill } : {}),
          lineJoin: 'round',
          ...dash(shape.dash),
        });
        break;
      case 'rect':
        vectors.push({
          type: 'rect',
          x: shape.x,
          y: shape.y,
          w: shape.w,
          h: shape.h,
          color: shape.fill,
          ...(shape.stroke ? { lineColor: shape.stroke, lineWidth: shape.width ?? 1 } : { lineWidth: 0 }),
        });
        break;
      case 'circle':
        vectors.push({ type: 'ellipse', x: shape.x, y: shape.y, r1: shape.r, r2: shape.r, color: shape.fill });
        break;
    }
  }
  // The canvas (its first shape is the chart's white ground, exactly `size`) comes first, so that the texts
  // are drawn over it; they are detached (relativePosition), placed back up from the canvas's foot.
  return { stack: [{ canvas: vectors }, ...texts], width: size.width, height: size.height };
}
