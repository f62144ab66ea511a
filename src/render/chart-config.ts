import type { ChartModel, ChartSeries, ChartType } from '../report/report-figures.js';
import { printNumber } from '../report/round.js';
import { textWidth } from './fonts.js';

/**
 * Every chart of the pack as a Chart.js configuration, built from the chart model alone: the axis
 * policy, the series styles, the legend and the few plugins Chart.js needs for them, in this one
 * module. Pure: no canvas here (src/render/chart-canvas.ts draws a configuration).
 *
 * The axis policy, the same for every chart (README, "Charts"):
 * - bars always start at zero (a bar's length is its value); an underspend goes below it;
 * - a line chart of counts or rates starts at zero unless the data and target spread over less than
 *   a third of a zero-based axis; it then starts a step below them, and the chart says so
 *   ("Axis starts at 1200, not 0") with a break mark on the axis;
 * - a line chart of percentages spans the data and target with padding of 15% of their range (at
 *   least 2 points), within 0-100%, and says so in the same way when it does not start at 0%.
 * Tick labels are the values of their gridlines: the step and the labels' decimals are chosen
 * together (a 2.5 step prints one decimal, "17.5%"), and Chart.js is given the axis's min, max and
 * step, so it draws a gridline at each value it labels.
 */

export interface ChartSize {
  width: number;
  height: number;
  /** In a row of charts: the room each keeps for its title, axis note, month labels and legend (rowOfCharts). */
  room?: ChartRoom;
}

/**
 * The room, in points, a chart's plot leaves above it (its title; the note that its axis does not start
 * at zero) and below it (its month labels; its legend). Charts in a row keep the row's largest of each,
 * so that their plots start and end at the same heights whichever title or legend wraps; and their
 * titles and month labels are set at one size, the smallest any of them needs.
 */
export interface ChartRoom {
  title: number;
  note: number;
  labels: number;
  legend: number;
  titleSize: number;
  labelSize: number;
}

/** The size of a chart in the HTML twin, in points. */
export const HTML_CHART_SIZE: ChartSize = { width: 370, height: 190 };

/**
 * The chart text's families: each Arimo face is registered as a family of its own (registered as one
 * family, cairo draws whichever face came last and fakes bold with a Type 3 font).
 */
export const CHART_FONTS = { regular: 'Arimo', bold: 'Arimo Bold', italic: 'Arimo Italic' } as const;

const INK = '#000000';
const AXIS = '#595959';
const GRID = '#d9d9d9';
const NOTE = '#404040';
const PAD = 4;
const TICK_SIZE = 7;
const CATEGORY_SIZE = 6.5;

/** Print-safe line styles: each differs by dash and marker as well as colour (they read in greyscale). */
const LINE_STYLES = [
  { colour: '#1f4e79', dash: [] as number[], marker: 'circle' },
  { colour: '#c55a11', dash: [5, 2.5], marker: 'square' },
  { colour: '#548235', dash: [1.6, 1.6], marker: 'triangle' },
  { colour: '#7030a0', dash: [6, 2, 1.5, 2], marker: 'diamond' },
] as const;
type Marker = (typeof LINE_STYLES)[number]['marker'];
const TARGET_DASH = [4, 3];

/** Bar and segment fills, far apart in lightness as well as hue, each with a dark outline where it is light. */
const FILLS = [
  { fill: '#1f4e79', stroke: '#1f4e79', text: '#ffffff' },
  { fill: '#bdd7ee', stroke: '#1f4e79', text: INK },
  { fill: '#c55a11', stroke: '#843c0c', text: '#ffffff' },
  { fill: '#ffffff', stroke: '#404040', text: INK },
  { fill: '#548235', stroke: '#385723', text: '#ffffff' },
  { fill: '#ffd966', stroke: '#7f6000', text: INK },
  { fill: '#7030a0', stroke: '#7030a0', text: '#ffffff' },
  { fill: '#d9d9d9', stroke: '#404040', text: INK },
  { fill: '#404040', stroke: '#404040', text: '#ffffff' },
  { fill: '#f4b183', stroke: '#843c0c', text: INK },
] as const;
const fillOf = (i: number): (typeof FILLS)[number] => FILLS[i % FILLS.length] ?? FILLS[0];
/** Hatching over a fill: lines in the fill's label colour, rising to the right ('/') or to the left ('\\'). */
export interface Hatch {
  colour: string;
  rising: 'right' | 'left';
}

/**
 * Past the ten fills, a segment is told from the one with its fill by diagonal hatching in its label's
 * colour: '/' for the second ten, '\\' for the third (a doughnut of twenty-one ethnicities must not show
 * three segments in one dark blue).
 */
function hatchOf(i: number): Hatch | undefined {
  const round = Math.floor(i / FILLS.length);
  return round === 0 ? undefined : { colour: fillOf(i).text, rising: round % 2 === 1 ? 'right' : 'left' };
}
const HATCH_GAP = 3;

/** Diagonal lines within the box (x, y, w, h), each cut at its edges (a shape other than a box is clipped by the caller). */
function hatchLines(ctx: ChartContext, hatch: Hatch, x: number, y: number, w: number, h: number): void {
  const at = (px: number): number => (hatch.rising === 'right' ? px : 2 * x + w - px);
  ctx.strokeStyle = hatch.colour;
  ctx.lineWidth = 0.6;
  ctx.setLineDash([]);
  ctx.beginPath();
  for (let d = -h + HATCH_GAP / 2; d < w; d += HATCH_GAP) {
    // The line from (x + d, y + h) up and to the right, kept where x <= its x <= x + w.
    const from = Math.max(0, -d);
    const to = Math.min(h, w - d);
    if (to <= from) continue;
    ctx.moveTo(at(x + d + from), y + h - from);
    ctx.lineTo(at(x + d + to), y + h - to);
  }
  ctx.stroke();
}
const lineStyleOf = (i: number): (typeof LINE_STYLES)[number] => LINE_STYLES[i % LINE_STYLES.length] ?? LINE_STYLES[0];

export function chartType(model: ChartModel): ChartType {
  return model.type ?? 'line';
}

const BAR_TYPES: ReadonlySet<ChartType> = new Set(['bar', 'horizontal-bar', 'grouped-bar', 'stacked-bar']);
const isBars = (model: ChartModel): boolean => BAR_TYPES.has(chartType(model));

function isPercentChart(model: ChartModel): boolean {
  return model.yFormat ? model.yFormat === 'percent' : model.series.some((s) => s.percent);
}

/** Counts print as the report's tables print them (no thousands separator: 1922); money as money (1,400). */
const grouping = (model: ChartModel): boolean => model.yFormat === 'money';

// ---- the value axis ----

export interface ValueAxis {
  min: number;
  max: number;
  step: number;
  /** Decimals of the tick labels: those of the step, so every label is its gridline's value. */
  decimals: number;
  /** Values are shown in these units: percentages in points (0-100), everything else as it is. */
  scale: number;
  percent: boolean;
  grouping: boolean;
  /** The values of the gridlines, min to max. */
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

/** The decimals that print every multiple of `step` exactly (2.5 → 1, 0.25 → 2, 50 → 0). */
export function decimalsOf(step: number): number {
  for (let d = 0; d < 6; d++) if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-9) return d;
  return 6;
}

/** The figures the value axis must show, in display units: stacked bars by their totals either side of zero. */
function shownValues(model: ChartModel, scale: number): number[] {
  const type = chartType(model);
  if (type === 'stacked-bar') {
    return model.monthLabels.flatMap((_, i) => {
      const values = model.series.map((s) => s.values[i] ?? null).filter((v): v is number => v !== null && Number.isFinite(v));
      return [values.filter((v) => v > 0).reduce((a, b) => a + b, 0) * scale, values.filter((v) => v < 0).reduce((a, b) => a + b, 0) * scale];
    });
  }
  const values = model.series.flatMap((s) => [...s.values, ...(type === 'line' ? [s.target ?? null, ...(s.targets ?? [])] : [])]);
  return values.filter((v): v is number => v !== null && Number.isFinite(v)).map((v) => v * scale);
}

/** The one axis policy for every chart with a value axis (see the head of this file); `length` is the axis's length in points. */
export function valueAxis(model: ChartModel, length = 120): ValueAxis {
  const percent = isPercentChart(model);
  const scale = percent ? 100 : 1;
  const shown = shownValues(model, scale);
  const tickCount = length < 90 ? 4 : length > 260 ? 6 : 5;
  const base = { scale, percent, grouping: grouping(model) };
  if (shown.length === 0) {
    return percent
      ? { ...base, min: 0, max: 100, step: 25, decimals: 0, ticks: [0, 25, 50, 75, 100], broken: false }
      : { ...base, min: 0, max: 1, step: 1, decimals: 0, ticks: [0, 1], broken: false };
  }
  let lo = Math.min(...shown);
  let hi = Math.max(...shown);
  let zeroBased: boolean;
  if (isBars(model)) {
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
  const decimals = decimalsOf(step);
  const round = (v: number): number => Number(v.toFixed(decimals));
  const min = zeroBased && lo >= 0 ? 0 : round(Math.floor(lo / step + 1e-9) * step);
  const max = round(Math.ceil(hi / step - 1e-9) * step);
  const ticks: number[] = [];
  for (let k = 0; min + k * step <= max + step / 1e6; k++) ticks.push(round(min + k * step));
  return { ...base, min, max, step, decimals, ticks, broken: min > 0 };
}

/** A tick's label: the gridline's value with the axis's decimals ("17.5%", "1,500", "1200"). */
export function tickLabel(axis: ValueAxis, value: number): string {
  const text = printNumber(value, { decimals: axis.decimals, grouping: axis.grouping });
  return axis.percent ? `${text}%` : text;
}

/** A figure as a chart's text alternative, figures table and doughnut labels print it. */
export function formatChartValue(model: ChartModel, value: number | null): string {
  if (value === null) return 'no figure';
  if (isPercentChart(model)) return printNumber(value, { decimals: 1, minDecimals: 0, percent: true });
  return printNumber(value, { decimals: 2, minDecimals: 0, grouping: grouping(model) });
}

// ---- text: wrapping titles and category labels to the room they have ----

/** Greedy word wrap to `width`; a word longer than the width is broken after a hyphen where it has one ("Oct-" "22"). */
export function wrapText(text: string, size: number, width: number, weight: 'normal' | 'bold' = 'normal'): string[] {
  const words = text
    .split(/\s+/)
    .filter((w) => w !== '')
    .flatMap((w) => (textWidth(w, size, weight) > width && w.includes('-') ? w.split(/(?<=-)/) : [w]));
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const joined = line === '' ? word : line.endsWith('-') ? `${line}${word}` : `${line} ${word}`;
    if (line !== '' && textWidth(joined, size, weight) > width) {
      lines.push(line);
      line = word;
    } else line = joined;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** The title: bold, shrunk to fit one line (from `largest`, 10 pt, down to 8 pt), else wrapped at 9 pt (or `largest`). */
function titleLines(title: string, width: number, largest = 10): { size: number; lines: string[] } {
  let size = largest;
  while (size > 8 && textWidth(title, size, 'bold') > width) size -= 0.5;
  if (textWidth(title, size, 'bold') <= width) return { size, lines: [title] };
  const wrapped = Math.min(9, largest);
  return { size: wrapped, lines: wrapText(title, wrapped, width, 'bold') };
}

/** Each category's label as lines that fit `slot` points; the font shrinks (from `largest`, to 5.5 pt) before any label would overlap. */
function categoryLabels(labels: string[], slot: number, maxLines: number, largest = CATEGORY_SIZE): { size: number; lines: string[][] } {
  for (let size = largest; ; size -= 0.5) {
    const lines = labels.map((l) => (textWidth(l, size) <= slot ? [l] : wrapText(l, size, slot)));
    const fits = lines.every((ls) => ls.length <= maxLines && ls.every((l) => textWidth(l, size) <= slot));
    if (fits || size <= 5.5) return { size, lines };
  }
}

// ---- the legend (drawn by a plugin: Chart.js's own legend cannot keep "Target" off a line of its own) ----

export type Swatch =
  { kind: 'line'; colour: string; dash: readonly number[]; marker: Marker } | { kind: 'target' } | { kind: 'box'; fill: string; stroke: string; hatch?: Hatch };

export interface LegendItem {
  label: string;
  /** The label as drawn: on one line, or wrapped onto a few. */
  text: string[];
  swatch: Swatch;
}

export interface Legend {
  /** 'bottom': centred lines under the chart; 'right': one item a line beside a doughnut. */
  position: 'bottom' | 'right';
  size: number;
  lines: LegendItem[][];
  width: number;
  height: number;
}

const SWATCH = 20;
const SWATCH_GAP = 4;
const ITEM_GAP = 12;

/**
 * The target lines of a line chart: one per distinct target, named after its series when several series
 * have one. A series whose target changes with the financial year (`targets`) has a line of its own,
 * drawn month by month (its segments).
 */
function targets(model: ChartModel): Array<{ value: number; label: string; segments?: TargetSegment[] }> {
  const stepped = model.series.filter((s) => s.targets !== undefined && s.targets.some((t) => t !== null));
  const withTarget = model.series.filter((s) => s.target !== undefined && s.targets === undefined);
  const distinct = [...new Set(withTarget.map((s) => s.target as number))];
  const several = distinct.length + stepped.length > 1;
  const named = (s: ChartSeries): string => (several && model.series.length > 1 ? `Target (${s.label})` : 'Target');
  const level = several ? withTarget.map((s) => ({ value: s.target as number, label: named(s) })) : distinct.map((value) => ({ value, label: 'Target' }));
  return [...level, ...stepped.map((s) => ({ value: s.target ?? 0, label: named(s), segments: targetSegments(s.targets ?? []) }))];
}

/** A run of months with one target: its value and the first and last month's index. */
export interface TargetSegment {
  value: number;
  from: number;
  to: number;
}

/** Each month's targets as runs of one value (a month with none breaks the line). */
function targetSegments(values: Array<number | null>): TargetSegment[] {
  const segments: TargetSegment[] = [];
  values.forEach((value, i) => {
    const last = segments[segments.length - 1];
    if (value === null) return;
    if (last && last.value === value && last.to === i - 1) last.to = i;
    else segments.push({ value, from: i, to: i });
  });
  return segments;
}

/** A chart's one series named like the chart itself: the title says what it is. */
function singleSeriesLikeTitle(model: ChartModel): boolean {
  const label = model.series[0]?.label.toLowerCase() ?? '';
  const title = model.title.toLowerCase();
  return model.series.length === 1 && (title.includes(label) || label.includes(title));
}

/** The legend names series, never the chart's title again: a single series named like its chart is "Monthly figure" (bars: "Figure"). */
function seriesLabel(model: ChartModel, label: string): string {
  return singleSeriesLikeTitle(model) ? (chartType(model) === 'line' ? 'Monthly figure' : 'Figure') : label;
}

const legendItem = (label: string, swatch: Swatch): LegendItem => ({ label, text: [label], swatch });

/**
 * The legend's items. A chart whose one series is named like the chart, with no target, has none: its
 * only item would be "Figure", which says nothing the title does not.
 */
function legendItems(model: ChartModel): LegendItem[] {
  const type = chartType(model);
  if (type !== 'doughnut' && singleSeriesLikeTitle(model) && (type !== 'line' || targets(model).length === 0)) return [];
  if (type === 'doughnut') {
    return model.monthLabels.map((label, i) => {
      const fill = fillOf(i);
      const hatch = hatchOf(i);
      return legendItem(`${label}: ${doughnutFigure(model, i)}`, { kind: 'box', fill: fill.fill, stroke: fill.stroke, ...(hatch ? { hatch } : {}) });
    });
  }
  if (type !== 'line') {
    return model.series.map((s, i) => legendItem(seriesLabel(model, s.label), { kind: 'box', fill: fillOf(i).fill, stroke: fillOf(i).stroke }));
  }
  return [
    ...model.series.map((s, i): LegendItem => {
      const style = lineStyleOf(i);
      return legendItem(seriesLabel(model, s.label), { kind: 'line', colour: style.colour, dash: style.dash, marker: style.marker });
    }),
    ...targets(model).map((t) => legendItem(t.label, { kind: 'target' })),
  ];
}

/** Each segment's share of a doughnut's whole, as printed ("56%"); a percentage series is its own share. */
export function segmentShares(model: ChartModel): string[] {
  const values = model.series[0]?.values ?? [];
  const total = values.reduce<number>((sum, v) => sum + (v ?? 0), 0);
  return model.monthLabels.map((_, i) => {
    const v = values[i] ?? null;
    if (v === null) return 'no figure';
    if (isPercentChart(model)) return formatChartValue(model, v);
    return total > 0 ? printNumber(v / total, { decimals: 0, percent: true }) : '-';
  });
}

/** A doughnut segment's figure and its share: "120 (45%)"; a percentage series prints its share alone. */
function doughnutFigure(model: ChartModel, i: number): string {
  const v = model.series[0]?.values[i] ?? null;
  const share = segmentShares(model)[i] ?? '-';
  return v === null || isPercentChart(model) ? share : `${formatChartValue(model, v)} (${share})`;
}

const textRoom = (width: number): number => width - SWATCH - SWATCH_GAP;
const itemWidth = (item: LegendItem, size: number): number => SWATCH + SWATCH_GAP + Math.max(...item.text.map((t) => textWidth(t, size)), 0);
const lineWidth = (line: LegendItem[], size: number): number =>
  line.reduce((w, item) => w + itemWidth(item, size), 0) + ITEM_GAP * Math.max(line.length - 1, 0);
const lineRows = (line: LegendItem[]): number => Math.max(...line.map((i) => i.text.length), 1);

/** The item with its label wrapped onto lines no wider than `room` points. */
function wrapped(item: LegendItem, size: number, room: number): LegendItem {
  return { ...item, text: textWidth(item.label, size) <= room ? [item.label] : wrapText(item.label, size, room) };
}

function legendLines(items: LegendItem[], size: number, width: number): LegendItem[][] {
  const lines: LegendItem[][] = [];
  let line: LegendItem[] = [];
  for (const item of items.map((i) => wrapped(i, size, textRoom(width)))) {
    if (line.length > 0 && lineWidth([...line, item], size) > width) {
      lines.push(line);
      line = [];
    }
    line.push(item);
  }
  if (line.length > 0) lines.push(line);
  // "Target" does not stand alone on the last line: it takes the item before it along, that item's
  // label wrapped onto two lines if it must be to fit beside it.
  const last = lines[lines.length - 1];
  const before = lines[lines.length - 2];
  const moved = before?.[before.length - 1];
  if (last && before && moved && last.every((i) => i.swatch.kind === 'target')) {
    const room = textRoom(width - lineWidth(last, size) - ITEM_GAP);
    const narrowed = wrapped(moved, size, room);
    if (room > 30 && narrowed.text.length <= 2 && lineWidth([narrowed, ...last], size) <= width) {
      before.pop();
      last.unshift(narrowed);
      if (before.length === 0) lines.splice(lines.length - 2, 1);
    }
  }
  return lines;
}

const targetAlone = (lines: LegendItem[][]): boolean => lines.length > 1 && lines.some((line) => line.every((i) => i.swatch.kind === 'target'));
const legendHeight = (lines: LegendItem[][], size: number): number => lines.reduce((h, line) => h + lineRows(line) * size * 1.45, 0);

/** The legend at the largest size (7.5 pt down to 6 pt) at which no line holds only a target. */
export function chartLegend(model: ChartModel, size: ChartSize): Legend {
  const items = legendItems(model);
  if (chartType(model) === 'doughnut') {
    // Beside the doughnut, an item a line, as large as the chart's height and 55% of its width allow.
    const room = size.width * 0.55;
    const at = (s: number): LegendItem[][] => items.map((i) => [wrapped(i, s, textRoom(room))]);
    let fontSize = 7.5;
    while (fontSize > 5.5 && legendHeight(at(fontSize), fontSize) > size.height - 2 * PAD) fontSize -= 0.5;
    const lines = at(fontSize);
    const width = Math.max(...lines.map((line) => lineWidth(line, fontSize)), 0);
    return { position: 'right', size: fontSize, lines, width, height: legendHeight(lines, fontSize) };
  }
  const width = size.width - 2 * PAD;
  // No legend: its line's room is kept all the same, so that the plot and its month labels line up
  // with those of the charts beside it, which have a legend line.
  if (items.length === 0) return { position: 'bottom', size: 7.5, lines: [], width, height: 7.5 * 1.45 };
  let lines = legendLines(items, 6, width);
  let fontSize = 6;
  for (let s = 7.5; s > 6; s -= 0.5) {
    const tried = legendLines(items, s, width);
    if (!targetAlone(tried)) {
      lines = tried;
      fontSize = s;
      break;
    }
  }
  return { position: 'bottom', size: fontSize, lines, width, height: legendHeight(lines, fontSize) };
}

// ---- plugins: the few things Chart.js does not draw as the pack needs ----

/** The part of a canvas 2D context the plugins use (node-canvas's, in a PDF or SVG surface). */
export interface ChartContext {
  save(): void;
  restore(): void;
  fillStyle: string;
  strokeStyle: string;
  lineWidth: number;
  font: string;
  textAlign: string;
  textBaseline: string;
  /** node-canvas: 'glyph' writes real text into a PDF (the default, 'path', writes outlines). */
  textDrawingMode?: string;
  setLineDash(segments: number[]): void;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  closePath(): void;
  arc(x: number, y: number, r: number, start: number, end: number, anticlockwise?: boolean): void;
  clip(): void;
  rect(x: number, y: number, w: number, h: number): void;
  stroke(): void;
  fill(): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  fillText(text: string, x: number, y: number): void;
}

/** The part of a Chart.js chart the plugins read. */
export interface ChartView {
  ctx: ChartContext;
  width: number;
  height: number;
  chartArea: { left: number; right: number; top: number; bottom: number };
  scales: Record<string, { getPixelForValue(value: number): number }>;
  getDatasetMeta(index: number): { data: Array<{ tooltipPosition(useFinalPosition: boolean): { x: number; y: number } }> };
}

export interface ChartPlugin {
  id: string;
  beforeDraw?(chart: ChartView): void;
  beforeDatasetsDraw?(chart: ChartView): void;
  afterDatasetsDraw?(chart: ChartView): void;
  afterDraw?(chart: ChartView): void;
}

const font = (family: string, size: number): string => `${size}px "${family}"`;

/** White ground, drawn as the first thing (never `destination-over`, which cairo can only draw as an image); and real text, not outlines. */
const groundAndText: ChartPlugin = {
  id: 'b4bGroundAndText',
  beforeDraw(chart) {
    // Here, not at creation: Chart.js resizes the canvas as it starts, which resets the context.
    if ('textDrawingMode' in chart.ctx) chart.ctx.textDrawingMode = 'glyph';
    chart.ctx.save();
    chart.ctx.fillStyle = '#ffffff';
    chart.ctx.fillRect(0, 0, chart.width, chart.height);
    chart.ctx.restore();
  },
};

function drawMarker(ctx: ChartContext, marker: Marker, x: number, y: number, colour: string): void {
  ctx.save();
  ctx.setLineDash([]);
  ctx.fillStyle = colour;
  ctx.beginPath();
  if (marker === 'square') ctx.rect(x - 2, y - 2, 4, 4);
  else if (marker === 'triangle') {
    ctx.moveTo(x, y - 2.6);
    ctx.lineTo(x + 2.6, y + 2);
    ctx.lineTo(x - 2.6, y + 2);
    ctx.closePath();
  } else if (marker === 'diamond') {
    ctx.moveTo(x, y - 2.8);
    ctx.lineTo(x + 2.8, y);
    ctx.lineTo(x, y + 2.8);
    ctx.lineTo(x - 2.8, y);
    ctx.closePath();
  } else ctx.arc(x, y, 2.2, 0, 2 * Math.PI);
  ctx.fill();
  ctx.restore();
}

function drawSwatch(ctx: ChartContext, swatch: Swatch, x: number, mid: number): void {
  ctx.save();
  if (swatch.kind === 'box') {
    ctx.fillStyle = swatch.fill;
    ctx.strokeStyle = swatch.stroke;
    ctx.lineWidth = 0.8;
    ctx.setLineDash([]);
    ctx.beginPath();
    ctx.rect(x + 4, mid - 3.5, 12, 7);
    ctx.fill();
    ctx.stroke();
    if (swatch.hatch) hatchLines(ctx, swatch.hatch, x + 4, mid - 3.5, 12, 7);
  } else {
    ctx.strokeStyle = swatch.kind === 'target' ? INK : swatch.colour;
    ctx.lineWidth = swatch.kind === 'target' ? 1.2 : 1.6;
    ctx.setLineDash(swatch.kind === 'target' ? TARGET_DASH : [...swatch.dash]);
    ctx.beginPath();
    ctx.moveTo(x, mid);
    ctx.lineTo(x + SWATCH, mid);
    ctx.stroke();
    if (swatch.kind === 'line') drawMarker(ctx, swatch.marker, x + SWATCH / 2, mid, swatch.colour);
  }
  ctx.restore();
}

/**
 * The legend, in the room the layout's padding keeps for it (`room` points under the plot, at the top of
 * which it starts): swatches drawn as what they stand for (a target is a dashed line).
 */
function legendPlugin(legend: Legend, room: number): ChartPlugin {
  return {
    id: 'b4bLegend',
    afterDraw(chart) {
      const ctx = chart.ctx;
      const lineHeight = legend.size * 1.45;
      ctx.save();
      ctx.font = font(CHART_FONTS.regular, legend.size);
      ctx.fillStyle = INK;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'alphabetic';
      let lineTop = legend.position === 'bottom' ? chart.height - PAD - room : (chart.height - legend.height) / 2;
      for (const line of legend.lines) {
        let x = legend.position === 'bottom' ? (chart.width - lineWidth(line, legend.size)) / 2 : chart.width - PAD - legend.width;
        const baseline = lineTop + legend.size;
        for (const item of line) {
          drawSwatch(ctx, item.swatch, x, baseline - legend.size * 0.33);
          item.text.forEach((text, row) => ctx.fillText(text, x + SWATCH + SWATCH_GAP, baseline + row * lineHeight));
          x += itemWidth(item, legend.size) + ITEM_GAP;
        }
        lineTop += lineRows(line) * lineHeight;
      }
      ctx.restore();
    },
  };
}

/**
 * Each target as a black dashed line across the plot, under the series; a target that changes with the
 * financial year as a line over its own months, from halfway to the month before to halfway to the next.
 */
function targetLines(lines: Array<{ value: number; segments?: TargetSegment[] }>, months: number): ChartPlugin {
  return {
    id: 'b4bTargets',
    beforeDatasetsDraw(chart) {
      const { ctx, chartArea } = chart;
      const scale = chart.scales.y;
      const x = chart.scales.x;
      if (!scale) return;
      ctx.save();
      ctx.strokeStyle = INK;
      ctx.lineWidth = 1.2;
      ctx.setLineDash(TARGET_DASH);
      ctx.beginPath();
      const edge = (index: number, side: -1 | 1): number => {
        const neighbour = index + side;
        if (!x || neighbour < 0 || neighbour >= months) return side < 0 ? chartArea.left : chartArea.right;
        return (x.getPixelForValue(index) + x.getPixelForValue(neighbour)) / 2;
      };
      for (const line of lines) {
        for (const segment of line.segments ?? [{ value: line.value, from: 0, to: months - 1 }]) {
          const y = scale.getPixelForValue(segment.value);
          ctx.moveTo(edge(segment.from, -1), y);
          ctx.lineTo(edge(segment.to, 1), y);
        }
      }
      ctx.stroke();
      ctx.restore();
    },
  };
}

/** A break mark on a value axis that does not start at zero. */
const axisBreak: ChartPlugin = {
  id: 'b4bAxisBreak',
  afterDraw(chart) {
    const { ctx } = chart;
    const x = chart.chartArea.left;
    const y = chart.chartArea.bottom - 5;
    ctx.save();
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(x - 3, y - 5, 6, 7);
    ctx.strokeStyle = AXIS;
    ctx.lineWidth = 0.8;
    ctx.setLineDash([]);
    ctx.beginPath();
    ctx.moveTo(x - 3, y + 1.5);
    ctx.lineTo(x + 3, y - 0.5);
    ctx.moveTo(x - 3, y - 2.5);
    ctx.lineTo(x + 3, y - 4.5);
    ctx.stroke();
    ctx.restore();
  },
};

/** The hatching of a doughnut's segments past the ten fills (hatchOf), drawn over their fills, under their labels. */
const segmentHatching: ChartPlugin = {
  id: 'b4bSegmentHatching',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    chart.getDatasetMeta(0).data.forEach((element, i) => {
      const hatch = hatchOf(i);
      if (!hatch) return;
      const arc = element as unknown as { x: number; y: number; startAngle: number; endAngle: number; innerRadius: number; outerRadius: number };
      if (arc.endAngle - arc.startAngle <= 0) return;
      ctx.save();
      ctx.beginPath();
      ctx.arc(arc.x, arc.y, arc.outerRadius, arc.startAngle, arc.endAngle);
      ctx.arc(arc.x, arc.y, arc.innerRadius, arc.endAngle, arc.startAngle, true);
      ctx.closePath();
      ctx.clip();
      const r = arc.outerRadius;
      hatchLines(ctx, hatch, arc.x - r, arc.y - r, 2 * r, 2 * r);
      ctx.restore();
    });
  },
};

/** A doughnut's shares printed on its segments where they have room (the legend prints every figure). */
function segmentLabels(model: ChartModel): ChartPlugin {
  const values = model.series[0]?.values ?? [];
  const total = values.reduce<number>((sum, v) => sum + (v ?? 0), 0);
  const shares = segmentShares(model);
  return {
    id: 'b4bSegmentLabels',
    afterDatasetsDraw(chart) {
      const { ctx } = chart;
      const arcs = chart.getDatasetMeta(0).data;
      ctx.save();
      ctx.font = font(CHART_FONTS.bold, 6.5);
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      values.forEach((v, i) => {
        const arc = arcs[i];
        if (v === null || !arc || total <= 0 || v / total < 0.06) return;
        const at = arc.tooltipPosition(true);
        ctx.fillStyle = fillOf(i).text;
        ctx.fillText(shares[i] ?? '', at.x, at.y);
      });
      ctx.restore();
    },
  };
}

// ---- the configuration ----

/** A Chart.js configuration as chart-canvas.ts hands it to Chart.js (plain data, scriptable options and plugins). */
export interface ChartJsConfig {
  type: 'line' | 'bar' | 'doughnut';
  data: { labels: Array<string | string[]>; datasets: Array<Record<string, unknown>> };
  options: Record<string, unknown>;
  plugins: ChartPlugin[];
}

const tickFont = (size: number): Record<string, unknown> => ({ family: CHART_FONTS.regular, size, weight: 'normal', lineHeight: 1.15 });

interface ScaleTick {
  tick: { value: number };
}

function valueScale(axis: ValueAxis, position: 'left' | 'bottom', stacked: boolean): Record<string, unknown> {
  return {
    type: 'linear',
    position,
    min: axis.min,
    max: axis.max,
    stacked,
    ticks: {
      stepSize: axis.step,
      autoSkip: false,
      maxRotation: 0,
      font: tickFont(TICK_SIZE),
      color: INK,
      padding: 3,
      callback: (value: number | string) => tickLabel(axis, Number(value)),
    },
    grid: {
      // The zero line of an axis that goes below zero is drawn as an axis.
      color: (c: ScaleTick) => (c.tick.value === 0 && axis.min < 0 ? AXIS : GRID),
      lineWidth: (c: ScaleTick) => (c.tick.value === 0 && axis.min < 0 ? 0.8 : 0.5),
      drawTicks: false,
    },
    border: { color: AXIS, width: 0.8 },
  };
}

/** A category axis under the plot kept `extra` points taller than its labels need (ChartRoom.labels). */
function labelRoom(extra: number): Record<string, unknown> {
  return extra > 0 ? { afterFit: (scale: { height: number }) => (scale.height += extra) } : {};
}

function categoryScale(labels: Array<string | string[]>, size: number, position: 'left' | 'bottom', stacked: boolean): Record<string, unknown> {
  return {
    type: 'category',
    position,
    offset: true,
    stacked,
    ticks: { autoSkip: false, maxRotation: 0, minRotation: 0, font: tickFont(size), color: INK, padding: 2 },
    grid: { drawOnChartArea: false, color: AXIS, lineWidth: 0.5, tickLength: 2 },
    border: { color: AXIS, width: 0.8 },
    labels,
  };
}

/** The Chart.js title's and subtitle's sizes: line height 1.2, and their bottom padding. */
const TITLE_LINE = 1.2;
const TITLE_GAP = 4;
const NOTE_SIZE = 6.5;
const NOTE_GAP = 3;
/** Chart.js sets a tick label's lines at its font's line height (tickFont). */
const TICK_LINE = 1.15;

/** What a chart's layout is decided from: its title, legend and (a chart with axes) its value axis and month labels, and the room they take. */
interface ChartParts {
  type: ChartType;
  legend: Legend;
  title: { size: number; lines: string[] };
  axes?: { axis: ValueAxis; categories: { size: number; lines: string[][] } };
  room: ChartRoom;
}

function chartParts(model: ChartModel, size: ChartSize): ChartParts {
  const type = chartType(model);
  const legend = chartLegend(model, size);
  // Chart.js squeezes a title line into the room beside a legend on the right: the title is wrapped to that room.
  const titleRoom = size.width - 2 * PAD - (legend.position === 'right' ? legend.width + 8 : 0);
  const title = titleLines(model.title, titleRoom, size.room?.titleSize);
  const titleHeight = title.lines.length * title.size * TITLE_LINE + TITLE_GAP;
  if (type === 'doughnut') {
    return { type, legend, title, room: { title: titleHeight, note: 0, labels: 0, legend: 0, titleSize: title.size, labelSize: CATEGORY_SIZE } };
  }
  // The room the axes get, estimated from the chart's own title, legend and labels (only the tick count and
  // the wrapping depend on it): the same axis whatever the charts beside it.
  const horizontal = type === 'horizontal-bar';
  const plotHeight = size.height - 2 * PAD - titleHeight - legend.height - 20;
  const axis = valueAxis(model, horizontal ? size.width * 0.6 : plotHeight);
  const tickWidth = Math.max(...axis.ticks.map((t) => textWidth(tickLabel(axis, t), TICK_SIZE)), 10) + 6;
  const count = Math.max(model.monthLabels.length, 1);
  const largest = size.room?.labelSize;
  const categories = horizontal
    ? categoryLabels(model.monthLabels, size.width * 0.3, 3, largest)
    : categoryLabels(model.monthLabels, (size.width - 2 * PAD - tickWidth) / count - 3, type === 'line' ? 2 : 3, largest);
  const labels = horizontal ? 0 : Math.max(...categories.lines.map((lines) => lines.length), 1) * categories.size * TICK_LINE;
  const note = axis.broken ? NOTE_SIZE * TITLE_LINE + NOTE_GAP : 0;
  return {
    type,
    legend,
    title,
    axes: { axis, categories },
    room: { title: titleHeight, note, labels, legend: legend.height, titleSize: title.size, labelSize: categories.size },
  };
}

/**
 * Each chart of a row at `size`, keeping the row's largest room for each part (ChartRoom), so that the
 * plots line up: a chart whose title takes one line where its neighbour's takes two starts its plot as
 * low. A doughnut, its legend beside it, keeps its own.
 */
export function rowOfCharts(models: ChartModel[], size: ChartSize): ChartSize[] {
  if (models.length < 2 || models.every((model) => chartType(model) === 'doughnut')) return models.map(() => size);
  const rooms = (at: ChartSize): ChartRoom[] => models.filter((model) => chartType(model) !== 'doughnut').map((model) => chartParts(model, at).room);
  // The sizes first (a smaller size never takes more lines), then the room each part takes at them.
  const least = (key: 'titleSize' | 'labelSize', of: ChartRoom[]): number => Math.min(...of.map((room) => room[key]));
  const natural = rooms(size);
  const sizes = { titleSize: least('titleSize', natural), labelSize: least('labelSize', natural) };
  const sized = rooms({ ...size, room: { title: 0, note: 0, labels: 0, legend: 0, ...sizes } });
  const most = (key: 'title' | 'note' | 'labels' | 'legend'): number => Math.max(...sized.map((room) => room[key]));
  const room: ChartRoom = { title: most('title'), note: most('note'), labels: most('labels'), legend: most('legend'), ...sizes };
  return models.map((model) => (chartType(model) === 'doughnut' ? size : { ...size, room }));
}

/** The chart's Chart.js configuration at `size` points: layout, axis policy, styles and legend are decided here. */
export function chartConfiguration(model: ChartModel, size: ChartSize): ChartJsConfig {
  const { type, legend, title, axes, room: own } = chartParts(model, size);
  // The room kept for each part: the row's (never less than the chart's own), else its own.
  const room = size.room && type !== 'doughnut' ? size.room : own;
  const kept = (key: keyof ChartRoom): number => Math.max(room[key], own[key]);
  const legendRoom = kept('legend');
  const plugins: ChartPlugin[] = [groundAndText, legendPlugin(legend, legendRoom)];
  const common = {
    responsive: false,
    animation: false,
    devicePixelRatio: 1,
    events: [],
    font: { family: CHART_FONTS.regular, size: TICK_SIZE, weight: 'normal' },
    color: INK,
    layout: {
      padding: {
        top: PAD,
        left: PAD,
        right: PAD + (legend.position === 'right' ? legend.width + 8 : 0),
        bottom: PAD + (legend.position === 'bottom' ? legendRoom + 4 : 0),
      },
    },
  };
  // A shorter title (and a missing axis note) leaves its room below it, where the row's plots start.
  const below = kept('title') - own.title + kept('note') - own.note;
  const titlePlugin = {
    display: true,
    text: title.lines,
    color: INK,
    font: { family: CHART_FONTS.bold, size: title.size, weight: 'normal', lineHeight: TITLE_LINE },
    padding: { top: 0, bottom: TITLE_GAP + (own.note > 0 ? kept('title') - own.title : below) },
  };
  const chartPlugins = { legend: { display: false }, tooltip: { enabled: false }, title: titlePlugin };

  if (!axes) {
    const series = model.series[0];
    if (model.series.length !== 1 || !series) throw new Error(`the doughnut chart "${model.title}" has ${model.series.length} series; a doughnut shows one`);
    plugins.push(segmentHatching, segmentLabels(model));
    return {
      type: 'doughnut',
      data: {
        labels: model.monthLabels,
        datasets: [
          {
            label: series.label,
            data: series.values.map((v) => v ?? 0),
            backgroundColor: model.monthLabels.map((_, i) => fillOf(i).fill),
            borderColor: model.monthLabels.map((_, i) => (fillOf(i).fill === '#ffffff' ? fillOf(i).stroke : '#ffffff')),
            borderWidth: 0.8,
          },
        ],
      },
      options: { ...common, cutout: '45%', plugins: chartPlugins },
      plugins,
    };
  }

  const { axis, categories } = axes;
  const horizontal = type === 'horizontal-bar';
  const labels = categories.lines.map((lines) => (lines.length === 1 ? (lines[0] ?? '') : lines));
  const stacked = type === 'stacked-bar';
  if (axis.broken) plugins.push(axisBreak);
  const options = {
    ...common,
    ...(horizontal ? { indexAxis: 'y' } : {}),
    scales: horizontal
      ? { x: valueScale(axis, 'bottom', stacked), y: categoryScale(labels, categories.size, 'left', stacked) }
      : {
          x: { ...categoryScale(labels, categories.size, 'bottom', stacked), ...labelRoom(kept('labels') - own.labels) },
          y: valueScale(axis, 'left', stacked),
        },
    plugins: {
      ...chartPlugins,
      // A value axis that does not start at zero says so under the title.
      subtitle: {
        display: axis.broken,
        text: `Axis starts at ${tickLabel(axis, axis.min)}, not ${axis.percent ? '0%' : '0'}`,
        align: 'start',
        color: NOTE,
        font: { family: CHART_FONTS.italic, size: NOTE_SIZE, weight: 'normal', lineHeight: TITLE_LINE },
        padding: { top: 0, bottom: NOTE_GAP },
      },
    },
  };
  const scaled = (values: Array<number | null>): Array<number | null> => values.map((v) => (v === null ? null : v * axis.scale));

  if (type === 'line') {
    const lines = targets(model);
    if (lines.length > 0)
      plugins.push(
        targetLines(
          lines.map((t) => ({
            value: t.value * axis.scale,
            ...(t.segments ? { segments: t.segments.map((g) => ({ ...g, value: g.value * axis.scale })) } : {}),
          })),
          model.monthLabels.length,
        ),
      );
    const datasets = model.series.map((s, i) => {
      const style = lineStyleOf(i);
      return {
        label: seriesLabel(model, s.label),
        data: scaled(s.values),
        borderColor: style.colour,
        backgroundColor: style.colour,
        borderWidth: 1.6,
        borderDash: [...style.dash],
        pointStyle: style.marker === 'square' ? 'rect' : style.marker === 'diamond' ? 'rectRot' : style.marker,
        pointRadius: style.marker === 'circle' ? 2.2 : 2.8,
        pointBorderWidth: 0,
        pointBackgroundColor: style.colour,
        tension: 0,
        // A gap in the figures is a gap in the line.
        spanGaps: false,
        // A point on the axis's top or bottom line is drawn whole, not cut at the plot's edge.
        clip: 4,
      };
    });
    return { type: 'line', data: { labels, datasets }, options, plugins };
  }

  const datasets = model.series.map((s, i) => ({
    label: seriesLabel(model, s.label),
    data: scaled(s.values),
    backgroundColor: fillOf(i).fill,
    borderColor: fillOf(i).stroke,
    borderWidth: 0.8,
    categoryPercentage: 0.7,
    barPercentage: stacked || model.series.length === 1 ? 0.8 : 0.95,
  }));
  return { type: 'bar', data: { labels, datasets }, options, plugins };
}

// ---- the text alternative ----

const KIND_NAMES: Record<ChartType, string> = {
  line: 'Line chart',
  bar: 'Bar chart',
  'horizontal-bar': 'Horizontal bar chart',
  'grouped-bar': 'Grouped bar chart',
  'stacked-bar': 'Stacked bar chart',
  doughnut: 'Doughnut chart',
};

/** The chart's text alternative: what it shows, its categories, and each series' latest, lowest and highest figure and target. */
export function chartDescription(model: ChartModel): string {
  const type = chartType(model);
  const kind = KIND_NAMES[type];
  if (type === 'doughnut') {
    const parts = model.monthLabels.map((label, i) => `${label} ${doughnutFigure(model, i)}`);
    return `${kind} of ${model.series[0]?.label ?? model.title}: ${parts.join(', ')}.`;
  }
  const first = model.monthLabels[0];
  const last = model.monthLabels[model.monthLabels.length - 1];
  const months = model.monthLabels.every((l) => /^[A-Z][a-z]{2}-\d{2}$/.test(l));
  const span = months ? `${first} to ${last}` : `by ${model.monthLabels.join(', ')}`;
  const parts = model.series.map((s) => {
    const points = s.values.map((v, i) => ({ v, label: model.monthLabels[i] ?? '' })).filter((p): p is { v: number; label: string } => p.v !== null);
    if (points.length === 0) return `${s.label}: no figures`;
    const latest = points[points.length - 1]!;
    const low = points.reduce((a, b) => (b.v < a.v ? b : a));
    const high = points.reduce((a, b) => (b.v > a.v ? b : a));
    const runs = s.targets ? targetSegments(s.targets) : [];
    const target = s.targets
      ? runs.length > 0
        ? `; target ${runs.map((r) => `${formatChartValue(model, r.value)} for ${r.from === r.to ? model.monthLabels[r.from] : `${model.monthLabels[r.from]} to ${model.monthLabels[r.to]}`}`).join(', ')}`
        : ''
      : s.target !== undefined
        ? `; target ${formatChartValue(model, s.target)}`
        : '';
    return `${s.label}: ${formatChartValue(model, latest.v)} in ${latest.label}, lowest ${formatChartValue(model, low.v)} (${low.label}), highest ${formatChartValue(model, high.v)} (${high.label})${target}`;
  });
  return `${kind}, ${span}. ${parts.join('. ')}.`;
}
