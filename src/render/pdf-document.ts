import type { Block, KeyEntry, Run } from '../report/template/blocks.js';
import type { CaseloadTableModel, ChartModel, IndicatorTableModel, TableRowModel, TeamTableModel } from '../report/report-figures.js';
import type { GridTableModel } from '../report/finance-model.js';
import type { BreakdownChartModel } from '../report/breakdown-figures.js';
import type { Direction, Rag, Trend } from '../model/rag.js';
import { rowOfCharts, type ChartSize } from './chart-config.js';
import { FONT_FAMILY, textWidth } from './fonts.js';
import { pageLabel, stampLines, type AgendaFormat } from './agenda-format.js';
import { anchorId } from '../report/printed-figures.js';

/**
 * The indicator tables' text and headers: 7 pt, where about 20 columns (13 or 14 months, target, RAG,
 * direction of travel and four benchmarks) must fit across the page; every other table is 8.5 pt.
 */
export const TABLE_FONT_SIZE = 7;

/** pdfmake content nodes: plain objects, built here from blocks and never from template text. */
type Node = Record<string, unknown> | string;

export const COLOURS = {
  brand: '#1f4e79',
  headerFill: '#1f4e79',
  stripe: '#f2f2f2',
  highlight: '#fbd5cc',
  green: '#00703c',
  amber: '#f47738',
  red: '#d4351c',
  grey: '#6f777b',
};

const RAG_STYLE: Record<Rag, { colour: string; letter: string; label: string }> = {
  green: { colour: COLOURS.green, letter: 'G', label: 'target met' },
  amber: { colour: COLOURS.amber, letter: 'A', label: 'within tolerance of target' },
  red: { colour: COLOURS.red, letter: 'R', label: 'outside tolerance' },
};

const DIRECTION_STYLE: Record<Direction, { arrow: string; colour: string; label: string }> = {
  improved: { arrow: '↑', colour: COLOURS.green, label: 'improved since last month' },
  worsened: { arrow: '↓', colour: COLOURS.red, label: 'worsened since last month' },
  same: { arrow: '→', colour: COLOURS.grey, label: 'no change since last month' },
};

function runs(list: Run[]): Node[] {
  return list.map((r) => (r.bold ? { text: r.text, bold: true } : { text: r.text }));
}

function ragCell(rag: Rag | undefined): Node {
  if (!rag) return { text: '-', alignment: 'center' };
  const style = RAG_STYLE[rag];
  return {
    text: [
      { text: '●', color: style.colour, fontSize: 9 },
      { text: ` ${style.letter}`, bold: true },
    ],
    alignment: 'center',
    noWrap: true,
  };
}

function directionCell(direction: Direction | undefined): Node {
  if (!direction) return { text: '-', alignment: 'center' };
  const style = DIRECTION_STYLE[direction];
  return { text: style.arrow, color: style.colour, bold: true, fontSize: 10, alignment: 'center' };
}

const TREND_ARROW: Record<Trend, string> = { up: '↑', down: '↓', same: '→' };

function trendCell(trend: Trend | undefined): Node {
  return trend ? { text: TREND_ARROW[trend], bold: true, fontSize: 10, alignment: 'center' } : { text: '-', alignment: 'center' };
}

function headerCell(text: string): Node {
  return { text, style: 'tableHeader' };
}

function rowCells(row: TableRowModel, table: IndicatorTableModel, anchor: string): Node[] {
  // The anchor lets a run find the page each printed row lands on (the pack's one-figure check).
  const name: Node = { text: row.name, style: 'indicatorName', id: anchor };
  if (!row.supplied) {
    const span = table.monthLabels.length + (table.showTarget ? 3 : 0) + (table.showTrend ? 1 : 0) + table.benchmarkLabels.length;
    return [name, { text: 'not supplied', italics: true, color: COLOURS.grey, colSpan: span }, ...Array.from({ length: span - 1 }, () => '')];
  }
  return [
    name,
    ...row.cells.map((text) => ({ text, alignment: 'right' })),
    ...(table.showTrend ? [trendCell(row.trend)] : []),
    ...(table.showTarget ? [{ text: row.target, alignment: 'right' }, ragCell(row.rag), directionCell(row.direction)] : []),
    ...row.benchmarks.map((text) => ({ text, alignment: 'right' })),
  ];
}

/** Thin grey grid, dark header row, striped body; `highlighted` rows get a stronger fill. */
function gridLayout(highlighted: (rowIndex: number) => boolean = () => false): Record<string, unknown> {
  return {
    fillColor: (rowIndex: number) =>
      rowIndex === 0 ? COLOURS.headerFill : highlighted(rowIndex) ? COLOURS.highlight : rowIndex % 2 === 0 ? COLOURS.stripe : null,
    hLineWidth: () => 0.5,
    vLineWidth: () => 0.5,
    hLineColor: () => '#bfbfbf',
    vLineColor: () => '#bfbfbf',
    paddingLeft: () => 2,
    paddingRight: () => 2,
    paddingTop: () => 1.5,
    paddingBottom: () => 1.5,
  };
}

/** A team table: Team/Locality, Denominator, Numerator, % and Total; a % worse than target is marked. */
function teamTable(table: TeamTableModel): Record<string, unknown> {
  const cell = (row: TeamTableModel['total'], bold = false): Node[] => [
    { text: row.team, bold },
    { text: String(row.denominator), alignment: 'right', bold },
    { text: String(row.numerator), alignment: 'right', bold },
    row.worse
      ? {
          text: [
            { text: '▼ ', color: COLOURS.red, fontSize: 7 },
            { text: row.percent, bold: true },
          ],
          alignment: 'right',
        }
      : { text: row.percent, alignment: 'right', bold },
  ];
  const body = [
    ['Team/Locality', 'Denominator', 'Numerator', '%'].map(headerCell),
    ...(table.noRows !== undefined
      ? [[{ text: table.noRows, colSpan: 4, italics: true }, '', '', '']]
      : [...table.rows.map((row) => cell(row)), cell(table.total, true)]),
  ];
  return {
    stack: [
      { text: table.title, style: 'h2' },
      ...(table.target ? [{ text: `Target ${table.target}: ▼ marks a team worse than target`, fontSize: 8, color: COLOURS.grey, margin: [0, 0, 0, 3] }] : []),
      {
        table: { headerRows: 1, dontBreakRows: true, keepWithHeaderRows: 1, widths: [170, 56, 56, 50], body },
        layout: gridLayout((i) => table.noRows === undefined && (table.rows[i - 1]?.worse === true || (i === body.length - 1 && table.total.worse))),
        fontSize: 8.5,
      },
    ],
    margin: [0, 2, 0, 8],
  };
}

/** A caseload table: allocations, qualifying status and team; never who the worker is. */
function caseloadTable(table: CaseloadTableModel): Record<string, unknown> {
  const body = [
    ['No. of Allocations', 'Qualifying Status', 'Allocated Team'].map(headerCell),
    ...(table.noRows !== undefined ? [[{ text: table.noRows, colSpan: 3, italics: true }, '', '']] : []),
    ...table.rows.map((row) => [
      { text: row.highlight ? `${row.allocations} ●` : String(row.allocations), alignment: 'right', bold: row.highlight },
      { text: row.status },
      { text: row.team },
    ]),
  ];
  return {
    stack: [
      { text: table.title, style: 'h2' },
      ...(table.highlightFrom !== undefined
        ? [{ text: `● and shading: ${table.highlightFrom} or more allocations`, fontSize: 8, color: COLOURS.grey, margin: [0, 0, 0, 3] }]
        : []),
      {
        table: { headerRows: 1, dontBreakRows: true, keepWithHeaderRows: 1, widths: [62, 62, '*'], body },
        layout: gridLayout((i) => table.rows[i - 1]?.highlight === true),
        fontSize: 8.5,
      },
    ],
    margin: [0, 2, 0, 8],
  };
}

/** A generic table (the finance report's): columns with alignment and width; total rows in bold. A table titled as its section prints no title of its own. */
function gridTable(table: GridTableModel, section: string): Record<string, unknown> {
  const body = [
    table.columns.map((c) => headerCell(c.label)),
    ...table.rows.map((row) =>
      row.cells.map((cell, i) =>
        typeof cell === 'string' ? { text: cell, alignment: table.columns[i]?.align ?? 'left', bold: row.total === true } : ragCell(cell.rag),
      ),
    ),
  ];
  return {
    stack: [
      ...(table.title === section ? [] : [{ text: table.title, style: 'h2' }]),
      {
        table: { headerRows: 1, dontBreakRows: true, keepWithHeaderRows: 1, widths: table.columns.map((c) => c.width), body },
        layout: gridLayout(),
        fontSize: 8.5,
      },
      ...(table.note ? [{ text: table.note, fontSize: 8, color: COLOURS.grey, margin: [0, 3, 0, 0] }] : []),
    ],
    margin: [0, 2, 0, 10],
  };
}

function indicatorTable(table: IndicatorTableModel, blockIndex: number): Record<string, unknown> {
  const headers = [
    headerCell('Indicator'),
    ...table.monthLabels.map(headerCell),
    ...(table.showTrend ? [headerCell('Trend')] : []),
    ...(table.showTarget ? ['Target', 'RAG', 'Direction of travel'].map(headerCell) : []),
    ...table.benchmarkLabels.map(headerCell),
  ];
  // Each figure column is as wide as its widest figure or header word (bold), so no header breaks
  // inside a word ("Neighbours", "Nov-22"); the indicator's name takes the rest of the page.
  const size = TABLE_FONT_SIZE;
  const fit = (header: string, texts: string[], min = 0): number =>
    Math.ceil(Math.max(min, ...header.split(/\s+/).map((w) => textWidth(w, size, 'bold')), ...texts.map((t) => textWidth(t, size))) + 1);
  const supplied = table.rows.filter((r) => r.supplied);
  const widths = [
    '*',
    ...table.monthLabels.map((label, m) =>
      fit(
        label,
        supplied.map((r) => r.cells[m] ?? ''),
      ),
    ),
    ...(table.showTrend ? [fit('Trend', ['↑'])] : []),
    ...(table.showTarget
      ? [
          fit(
            'Target',
            supplied.map((r) => r.target),
          ),
          fit('RAG', ['● G'], 16),
          fit('Direction of travel', ['↑']),
        ]
      : []),
    ...table.benchmarkLabels.map((label, b) =>
      fit(
        label,
        supplied.map((r) => r.benchmarks[b] ?? ''),
      ),
    ),
  ];
  return {
    table: {
      headerRows: 1,
      dontBreakRows: true,
      keepWithHeaderRows: 1,
      widths,
      body: [headers, ...table.rows.map((row, rowIndex) => rowCells(row, table, anchorId(blockIndex, rowIndex)))],
    },
    layout: gridLayout(),
    style: 'table',
    margin: [0, 4, 0, 8],
  };
}

/** The width pdfmake lays content out in: A4 landscape less the 36 pt margins. */
const CONTENT_WIDTH = 841.89 - 72;
const CHART_GAP = 12;
/** The space above each row of charts. */
const CHART_ROW_SPACE = 8;
/** Three charts fill a row; a row of two (or a chart alone) takes half the width each. One height, so rows line up. */
const CHART_HEIGHT = 150;
export function rowChartSize(inRow: number): ChartSize {
  const perRow = inRow >= 3 ? 3 : 2;
  return { width: Math.floor((CONTENT_WIDTH - (perRow - 1) * CHART_GAP) / perRow), height: CHART_HEIGHT };
}

/** Charts two or three to a row, never one alone when there are more: 4 → 2 + 2, 5 → 3 + 2, 7 → 3 + 2 + 2. */
export function chartRows<T>(charts: T[]): T[][] {
  if (charts.length <= 3) return [charts];
  const rows = Math.ceil(charts.length / 3);
  const base = Math.floor(charts.length / rows);
  const extra = charts.length % rows;
  const out: T[][] = [];
  let at = 0;
  for (let r = 0; r < rows; r++) {
    const n = base + (r < extra ? 1 : 0);
    out.push(charts.slice(at, at + n));
    at += n;
  }
  return out;
}

/** A breakdown chart is as tall as its categories need: a horizontal bar each, a doughnut with room for its legend. */
function breakdownChartSize(chart: ChartModel): ChartSize {
  const { width } = rowChartSize(2);
  if (chart.type === 'horizontal-bar') return { width, height: Math.max(CHART_HEIGHT, 30 + 16 * chart.monthLabels.length) };
  if (chart.type === 'doughnut') return { width, height: 200 };
  return { width, height: CHART_HEIGHT };
}

/**
 * A chart of breakdown figures with its figures table beside it, kept whole: the figures print as text
 * whatever draws the chart. Each table row is anchored, so the page each printed figure is on is known.
 */
function breakdownBlock(block: BreakdownChartModel, blockIndex: number, drawChart: ChartDrawer): Record<string, unknown> {
  const size = breakdownChartSize(block.chart);
  const body = [
    block.columns.map(headerCell),
    ...block.rows.map((row, r) => [
      { text: row.label, bold: row.total === true, id: anchorId(blockIndex, r) },
      ...row.cells.map((cell) => ({ text: cell.text, alignment: 'right', bold: row.total === true })),
    ]),
  ];
  return {
    columns: [
      { width: size.width, stack: [drawChart(block.chart, size)] },
      {
        width: '*',
        stack: [
          { text: `Figures: ${block.chart.title}`, bold: true, fontSize: 8.5, margin: [0, 0, 0, 3] },
          { table: { headerRows: 1, dontBreakRows: true, widths: block.columns.map(() => 'auto'), body }, layout: gridLayout(), fontSize: 8.5 },
        ],
      },
    ],
    columnGap: CHART_GAP * 2,
    margin: [0, 8, 0, 8],
    unbreakable: true,
  };
}

/** A marker pdfmake records the page of (an `id` on a text line): where a chart block's rows, and what comes before it, land. */
function pageMarker(id: string): Record<string, unknown> {
  return { text: '\u00a0', fontSize: 1, lineHeight: 0.01, id };
}

const beforeChartsId = (block: number): string => `charts-${block}-before`;
const afterChartsId = (block: number): string => `charts-${block}-after`;
const chartRowId = (block: number, row: number): string => `charts-${block}-row-${row}`;

/** Where a marker landed in a layout: its page and, outside a block kept whole, its top. */
export interface Placed {
  page: number;
  top?: number;
}

/**
 * How a chart block's last rows are laid out again when they did not fit under the text before them
 * and went to the next page: `height` pulls them up at that chart height (no smaller than
 * MIN_PULLED_UP), or `page` makes them, when they end their section alone on a page, a chart page that
 * fills it. By block index.
 */
export type ChartFit = { from: number; height: number } | { from: number; page: true };
export type ChartPages = Map<number, ChartFit>;

/** The lowest a chart row is drawn to pull it up under the text before it (a row is CHART_HEIGHT). */
export const MIN_PULLED_UP = 120;

/** A chart block's moved rows, from the first layout's markers: pulled up where they fit a little smaller, else a chart page. */
export function chartPagesToFill(blocks: Block[], placed: ReadonlyMap<string, Placed>, page: { top: number; bottom: number }): ChartPages {
  const fill: ChartPages = new Map();
  blocks.forEach((block, index) => {
    if (block.kind !== 'charts') return;
    const before = placed.get(beforeChartsId(index));
    const after = placed.get(afterChartsId(index));
    const rows = chartRows(block.charts.filter((chart) => chart.series.length > 0)).map((_, r) => placed.get(chartRowId(index, r))?.page);
    if (!before || !after || rows.some((p) => p === undefined)) return;
    // The marker before the block at the top of a page: the page before was full, and the rows stand alone.
    const atTop = before.top !== undefined && before.top <= page.top + 0.5;
    const moveTo = atTop ? before.page : before.page + 1;
    const from = rows.findIndex((p) => p === moveTo);
    // Only rows that all went to the one next page (a block that spans more pages is left as it is).
    if (from < 0 || rows.slice(from).some((p) => p !== moveTo) || after.page !== moveTo) return;
    if (!atTop && before.top !== undefined && after.top !== undefined) {
      const moved = rows.length - from;
      const room = page.bottom - before.top - 2;
      // pdfmake drops the first row's space above at the top of a page: under the text it takes it again.
      const needed = after.top - page.top + CHART_ROW_SPACE;
      const height = CHART_HEIGHT - Math.ceil((needed - room) / moved) - 2;
      if (height >= MIN_PULLED_UP) {
        fill.set(index, { from, height });
        return;
      }
    }
    // A page of charts only where nothing of the section follows them.
    const next = blocks[index + 1];
    if (next === undefined || (next.kind === 'heading' && next.level === 1)) fill.set(index, { from, page: true });
  });
  return fill;
}

/** Charts on a page of their own: one to a row across the page for up to three, else two to a row; rows share the page's height. */
function chartPage(charts: ChartModel[], drawChart: ChartDrawer, height: number): Node {
  const perRow = charts.length <= 3 ? 1 : 2;
  const rows: ChartModel[][] = [];
  for (let i = 0; i < charts.length; i += perRow) rows.push(charts.slice(i, i + perRow));
  const size: ChartSize = {
    width: Math.floor((CONTENT_WIDTH - (perRow - 1) * CHART_GAP) / perRow),
    height: Math.floor((height - rows.length * CHART_GAP) / rows.length),
  };
  return {
    stack: rows.map((row) => ({
      columns: rowOfCharts(row, size).map((sized, i) => ({ width: size.width, stack: [drawChart(row[i] as ChartModel, sized)] })),
      columnGap: CHART_GAP,
      margin: [0, CHART_GAP, 0, 0],
    })),
    unbreakable: true,
  };
}

/**
 * Charts are vectors with their text in the embedded font, drawn at the size the layout gives them;
 * each row is kept whole. `fit` lays the moved rows out again: smaller, or as a chart page of `pageHeight`.
 */
function chartBlock(charts: ChartModel[], drawChart: ChartDrawer, block: number, pageHeight: number, fit?: ChartFit): Node[] {
  // A chart without series is a run warning, never a note on the page (the template drops it).
  const rows = chartRows(charts.filter((chart) => chart.series.length > 0)).filter((row) => row.length > 0);
  const nodes: Node[] = [pageMarker(beforeChartsId(block))];
  rows.forEach((row, r) => {
    if (fit && 'page' in fit && r >= fit.from) return;
    const height = fit && 'height' in fit && r >= fit.from ? fit.height : CHART_HEIGHT;
    nodes.push({
      stack: [
        pageMarker(chartRowId(block, r)),
        {
          columns: rowOfCharts(row, { ...rowChartSize(row.length), height }).map((size, i) => ({
            width: size.width,
            stack: [drawChart(row[i] as ChartModel, size)],
          })),
          columnGap: CHART_GAP,
        },
      ],
      // Space above only: a bottom margin that does not fit makes pdfmake start a page that stays empty.
      margin: [0, CHART_ROW_SPACE, 0, 0],
      unbreakable: true,
    });
  });
  // Slack for the markers and rounding: the chart page must never run onto a second page.
  if (fit && 'page' in fit) nodes.push(chartPage(rows.slice(fit.from).flat(), drawChart, pageHeight - 16));
  nodes.push(pageMarker(afterChartsId(block)));
  return nodes;
}

/** The symbols a key entry stands for, drawn as the tables draw them; an entry of another term has none. */
function keySymbols(term: string): Node {
  const row = (cells: Node[]): Node => ({ columns: cells.map((cell) => ({ width: 'auto', stack: [cell] })), columnGap: 6 });
  switch (term.toLowerCase()) {
    case 'rag':
      return row((Object.keys(RAG_STYLE) as Rag[]).map(ragCell));
    case 'direction of travel':
      return row((Object.keys(DIRECTION_STYLE) as Direction[]).map(directionCell));
    case 'trend':
      return row((Object.keys(TREND_ARROW) as Trend[]).map(trendCell));
    default:
      return '';
  }
}

/**
 * "How to read the tables": each entry's term, its symbols and the template's wording for it, kept
 * on one page with its heading (split, its last words stood alone on the next page).
 */
function keyTable(entries: KeyEntry[]): Node {
  return {
    margin: [0, 10, 0, 0],
    unbreakable: true,
    stack: [
      { text: 'How to read the tables', style: 'h2' },
      {
        table: {
          widths: [92, 62, '*'],
          body: entries.map((entry) => [{ text: entry.term, bold: true }, keySymbols(entry.term), { text: entry.text }]),
        },
        layout: { ...gridLayout(() => false), fillColor: () => null, paddingTop: () => 3, paddingBottom: () => 3, paddingLeft: () => 4, paddingRight: () => 4 },
        fontSize: 9,
      },
    ],
  };
}

/** A bullet list; an item that prints a traced figure is anchored (`anchor(i)`), so its page is known. */
function bulletList(items: Array<{ level: number; runs: Run[] }>, anchor: (item: number) => string = () => ''): Record<string, unknown> {
  return {
    ul: items.map((item, i) => ({
      text: runs(item.runs),
      margin: [item.level > 1 ? 14 : 0, 0, 0, 2],
      ...(item.runs.some((r) => r.figures) ? { id: anchor(i) } : {}),
    })),
    style: 'body',
  };
}

/** How many paragraphs follow `from` before anything else, when they are few and short enough to keep on one page (else 0). */
function shortParagraphs(blocks: Block[], from: number): number {
  let count = 0;
  let length = 0;
  for (let k = from; k < blocks.length; k++) {
    const block = blocks[k];
    if (block?.kind !== 'paragraph') break;
    count += 1;
    length += block.runs.reduce((n, r) => n + r.text.length, 0);
  }
  return length <= 1500 ? count : 0;
}

/** A paragraph; one that prints a traced figure is anchored. */
function paragraph(list: Run[], blockIndex: number): Record<string, unknown> {
  return { text: runs(list), style: 'body', ...(list.some((r) => r.figures) ? { id: anchorId(blockIndex, 0) } : {}) };
}

const A4_LANDSCAPE_HEIGHT = 595.28;

/** The content area's top and bottom on the page (pt from the top): an exempt report's notice takes deeper margins. */
export function contentArea(options: DocumentOptions): { top: number; bottom: number } {
  return options.format.exemptionNotice ? { top: 66, bottom: A4_LANDSCAPE_HEIGHT - 48 } : { top: 48, bottom: A4_LANDSCAPE_HEIGHT - 40 };
}

/** The pdfmake node of a chart at the given size: the layout keeps a box there, and the chart is drawn into it once the pages are laid out (src/render/place-charts.ts). */
export type ChartDrawer = (chart: ChartModel, size: ChartSize) => Record<string, unknown>;

export interface DocumentOptions {
  format: AgendaFormat;
  title: string;
  subject: string;
  author: string;
}

/**
 * A report as a pdfmake document, and how to print another copy of its layout: its agenda stamp,
 * page numbers (footers and contents) and metadata change nothing of its flow, so a copy with other
 * ones (a pack's) is the same layout printed with them.
 */
export interface BuiltDocument {
  doc: Record<string, unknown>;
  /** Prints the copy's stamp, page numbers and metadata from now on; its exemption notice must be the same. */
  restamp(options: DocumentOptions): void;
}

/** Maps report blocks to a pdfmake document in the council's agenda format (A4 landscape). */
export function buildPdfDocument(blocks: Block[], drawChart: ChartDrawer, options: DocumentOptions, chartPages: ChartPages = new Map()): BuiltDocument {
  // What the document prints in its margins and its contents' page numbers: another copy of the same
  // layout prints other ones (restamp).
  let format = options.format;
  const contentsEntries: Array<{ pageNumberOffset: number }> = [];
  const content: Node[] = [];
  const area = contentArea(options);
  const pageTop = area.top;
  const pageBottom = A4_LANDSCAPE_HEIGHT - area.bottom;
  // What a chart page fills.
  const contentHeight = area.bottom - area.top;
  // Tables that may run onto another page, with what their continuation is headed ("... (continued)").
  const continuing: Array<{ node: Record<string, unknown>; label: string }> = [];
  const track = (node: Record<string, unknown>, label: string): Record<string, unknown> => {
    const table = (node.stack as Array<Record<string, unknown>> | undefined)?.find((n) => 'table' in n) ?? node;
    continuing.push({ node: table, label });
    return node;
  };
  let section = '';
  // Team and caseload tables are narrow: those one after another flow side by side, as many to a row
  // as fit (three caseload tables, two team tables), so none starts a page while the row beside it is empty.
  const narrowTable = (block: Block): Node =>
    block.kind === 'team-table' ? track(teamTable(block), block.title) : block.kind === 'caseload-table' ? track(caseloadTable(block), block.title) : '';
  const perRow = (block: Block): number => (block.kind === 'caseload-table' ? 3 : block.kind === 'team-table' ? 2 : 1);
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i];
    if (!block) continue;
    if (perRow(block) > 1) {
      const row: Block[] = [block];
      while (row.length < perRow(block) && blocks[i + 1]?.kind === block.kind) row.push(blocks[++i]!);
      const width = block.kind === 'caseload-table' ? 244 : 370;
      content.push({ columns: row.map((b) => ({ width, stack: [narrowTable(b)] })), columnGap: 18 });
      continue;
    }
    switch (block.kind) {
      case 'cover':
        content.push({
          stack: [{ text: block.title, style: 'coverTitle' }, ...block.lines.map((line, i) => ({ text: line, style: i === 0 ? 'coverMonth' : 'coverLine' }))],
          margin: [0, 150, 0, 0],
        });
        break;
      case 'contents':
        content.push({
          toc: { title: { text: 'Contents', style: 'h1' }, numberStyle: { bold: false } },
          ...(content.length > 0 ? { pageBreak: 'before' } : {}),
        });
        break;
      case 'heading':
        if (block.level === 1) {
          section = block.text;
          // A section starts a page, unless it is the first thing in the document; it is a contents
          // entry (printed with its pack page number) and a bookmark.
          const entry = {
            text: block.text,
            style: 'h1',
            tocItem: true,
            outline: true,
            pageNumberOffset: (format.firstPage ?? 1) - 1,
            ...(content.length > 0 ? { pageBreak: 'before' } : {}),
          };
          contentsEntries.push(entry);
          content.push(entry);
        } else {
          // A sub-heading never ends a page: it is kept with the first paragraph or bullet under it.
          const next = blocks[i + 1];
          const heading = { text: block.text, style: 'h2' };
          const shortPart = shortParagraphs(blocks, i + 1);
          if (shortPart > 1) {
            // A short part of plain paragraphs (Education, the pay gaps) is kept whole, as the seed prints it.
            const parts = blocks.slice(i + 1, i + 1 + shortPart).map((b, k) => (b.kind === 'paragraph' ? paragraph(b.runs, i + 1 + k) : ''));
            content.push({ stack: [heading, ...parts], unbreakable: true });
            i += shortPart;
          } else if (next?.kind === 'paragraph') {
            content.push({ stack: [heading, paragraph(next.runs, i + 1)], unbreakable: true });
            i += 1;
          } else if (next?.kind === 'bullets') {
            const [first, ...rest] = next.items;
            const at = i + 1;
            content.push({
              stack: [heading, { ...bulletList(first ? [first] : [], () => anchorId(at, 0)), ...(rest.length > 0 ? { margin: [0, 0, 0, 0] } : {}) }],
              unbreakable: true,
            });
            if (rest.length > 0) content.push(bulletList(rest, (item) => anchorId(at, item + 1)));
            i += 1;
          } else if (next?.kind === 'breakdown-chart') {
            content.push({ stack: [heading, breakdownBlock(next, i + 1, drawChart)], unbreakable: true });
            i += 1;
          } else {
            content.push(heading);
          }
        }
        break;
      case 'paragraph': {
        // A paragraph that leads into a list ("Highlights of good practice:") is kept with the list's first item.
        const next = blocks[i + 1];
        const lastRun = block.runs[block.runs.length - 1];
        if (next?.kind === 'bullets' && lastRun?.text.trimEnd().endsWith(':')) {
          const [first, ...rest] = next.items;
          content.push({ stack: [paragraph(block.runs, i), bulletList(first ? [first] : [])], unbreakable: true });
          if (rest.length > 0) content.push(bulletList(rest));
          i += 1;
        } else {
          content.push(paragraph(block.runs, i));
        }
        break;
      }
      case 'bullets':
        content.push(bulletList(block.items, (item) => anchorId(i, item)));
        break;
      case 'indicator-table':
        content.push(track(indicatorTable(block, i), section));
        break;
      case 'charts':
        content.push(...chartBlock(block.charts, drawChart, i, contentHeight, chartPages.get(i)));
        break;
      case 'grid-table':
        content.push(track(gridTable(block, section), block.title));
        break;
      case 'breakdown-chart':
        content.push(breakdownBlock(block, i, drawChart));
        break;
      case 'key':
        content.push(keyTable(block.entries));
        break;
    }
  }
  const doc = {
    pageSize: 'A4',
    pageOrientation: 'landscape',
    // An exempt report's notice sits above the stamp: give the header room for both.
    pageMargins: [36, pageTop, 36, pageBottom],
    info: documentInfo(options),
    language: 'en-GB',
    displayTitle: true,
    defaultStyle: { font: FONT_FAMILY, fontSize: 10, lineHeight: 1.15 },
    header: (currentPage: number) => {
      const stamp = stampLines(format);
      const notice = format.exemptionNotice
        ? [{ text: options.format.exemptionNotice, bold: true, color: COLOURS.red, fontSize: 8, alignment: 'left', margin: [36, 14, 36, 0] }]
        : [];
      const stampNode =
        currentPage === 1 && stamp.length > 0
          ? [{ stack: stamp.map((line) => ({ text: line, bold: true, fontSize: 12 })), alignment: 'right', margin: [0, notice.length > 0 ? 2 : 16, 36, 0] }]
          : [];
      // The header is laid out after the content: a table whose rows began on an earlier page is
      // headed "(continued)" just above where it carries on.
      const continued = continuing.flatMap(({ node, label }) => {
        const positions = (node.positions as Array<{ pageNumber: number; left: number }> | undefined) ?? [];
        const here = positions.filter((p) => p.pageNumber === currentPage);
        if (!label || here.length === 0 || (positions[0]?.pageNumber ?? currentPage) >= currentPage) return [];
        return [{ text: `${label} (continued)`, style: 'continued', absolutePosition: { x: Math.min(...here.map((p) => p.left)) - 2, y: pageTop - 13 } }];
      });
      const nodes = [...notice, ...stampNode, ...continued];
      return nodes.length > 0 ? { stack: nodes } : null;
    },
    footer: (currentPage: number) => {
      const label = pageLabel(format, currentPage);
      const notice = format.exemptionNotice;
      if (!label && !notice) return null;
      return {
        stack: [
          ...(notice ? [{ text: notice, bold: true, color: COLOURS.red, fontSize: 7, alignment: 'center' }] : []),
          ...(label ? [{ text: label, alignment: 'center', fontSize: 9 }] : []),
        ],
        margin: [0, notice ? 6 : 12, 0, 0],
      };
    },
    content,
    styles: {
      coverTitle: { fontSize: 30, bold: true, color: COLOURS.brand, margin: [0, 0, 0, 24] },
      coverMonth: { fontSize: 20, bold: true, margin: [0, 0, 0, 12] },
      coverLine: { fontSize: 14, margin: [0, 0, 0, 6] },
      h1: { fontSize: 18, bold: true, color: COLOURS.brand, margin: [0, 0, 0, 8] },
      h2: { fontSize: 12, bold: true, color: COLOURS.brand, margin: [0, 8, 0, 4] },
      body: { fontSize: 10, margin: [0, 0, 0, 6] },
      table: { fontSize: TABLE_FONT_SIZE },
      // Headers take their table's size: never smaller than the body.
      tableHeader: { bold: true, color: '#ffffff' },
      indicatorName: { fontSize: TABLE_FONT_SIZE },
      continued: { fontSize: 9, bold: true, color: COLOURS.brand },
    },
  };
  return {
    doc,
    restamp(next: DocumentOptions): void {
      if (next.format.exemptionNotice !== options.format.exemptionNotice) {
        throw new Error('a copy of a laid-out report must keep its exemption notice: the notice sets its margins');
      }
      format = next.format;
      for (const entry of contentsEntries) entry.pageNumberOffset = (format.firstPage ?? 1) - 1;
      doc.info = documentInfo(next);
    },
  };
}

function documentInfo(options: DocumentOptions): Record<string, string> {
  return { title: options.title, subject: options.subject, author: options.author, creator: 'b4b-reports' };
}
