import { classifyHeader, matchesAlias, type HeaderAliases, type IndicatorColumn } from '../config/header-aliases.js';
import { normaliseIndicatorName, type IndicatorCatalogue } from '../config/catalogue.js';
import type { FindingList, SourceRef } from '../findings/finding.js';
import type { BenchmarkKey, Figure, IndicatorRow, IndicatorTable } from '../dataset/types.js';
import {
  dateReadingAsNumber,
  describeReading,
  shownAsDateLabel,
  type CellReading,
} from './cell-value.js';
import { cellAddress, type SheetGrid } from './load-workbook.js';
import { monthLabel, parseMonth, type MonthKey } from './month.js';

type Row = Map<number, CellReading>;

const BENCHMARKS: BenchmarkKey[] = ['southamptonLastYear', 'statisticalNeighbours', 'southEast', 'england'];
const PERCENT_NAME = /^(percentage|percent|%|proportion)\b/i;

interface HeaderLayout {
  row: number;
  indicatorCol: number;
  refIdCol?: number;
  months: Array<{ col: number; month: MonthKey }>;
  columns: Partial<Record<IndicatorColumn, { col: number; label: string }>>;
  /** The last column that has a header; text to its right is read as notes. */
  lastHeaderCol: number;
}

function monthOf(reading: CellReading | undefined): MonthKey | undefined {
  if (!reading) return undefined;
  if (reading.kind === 'text') return parseMonth(reading.text);
  if (reading.kind === 'date') return parseMonth(reading.date);
  return undefined;
}

function monthColumns(row: Row | undefined): Array<{ col: number; month: MonthKey }> {
  if (!row) return [];
  const out: Array<{ col: number; month: MonthKey }> = [];
  for (const [col, reading] of [...row.entries()].sort((a, b) => a[0] - b[0])) {
    const month = monthOf(reading);
    if (month) out.push({ col, month });
  }
  return out;
}

/** A header row has at least two month cells and a text cell to the left of them. */
function isMonthRow(row: Row | undefined): boolean {
  return monthColumns(row).length >= 2;
}

function textIn(reading: CellReading | undefined): string | undefined {
  return reading?.kind === 'text' ? reading.text : undefined;
}

function nextNonEmptyRow(grid: SheetGrid, from: number, limit = 4): number | undefined {
  for (let r = from; r <= from + limit && r <= grid.rowCount; r++) if (grid.rows.has(r)) return r;
  return undefined;
}

function previousNonEmptyRow(grid: SheetGrid, from: number, limit = 4): number | undefined {
  for (let r = from; r >= Math.max(1, from - limit); r--) if (grid.rows.has(r)) return r;
  return undefined;
}

/** A title row holds one line of text (and perhaps the decorative month-end dates) and no figures. */
function titleOf(row: Row | undefined): string | undefined {
  if (!row) return undefined;
  const texts: string[] = [];
  for (const reading of row.values()) {
    if (reading.kind === 'text' && !parseMonth(reading.text)) texts.push(reading.text);
    else if (reading.kind === 'number') return undefined;
  }
  return texts.length === 1 ? texts[0]?.trim() : undefined;
}

/** Finds the header rows of a sheet: month rows with an indicator column, skipping decorative date rows. */
function findHeaderRows(grid: SheetGrid): number[] {
  const rows = [...grid.rows.keys()].sort((a, b) => a - b);
  const headers: number[] = [];
  for (const r of rows) {
    if (!isMonthRow(grid.rows.get(r))) continue;
    // A row of month-end dates sits above some header rows: the real header is the next row.
    const next = nextNonEmptyRow(grid, r + 1, 2);
    if (next !== undefined && isMonthRow(grid.rows.get(next))) continue;
    const firstMonthCol = monthColumns(grid.rows.get(r))[0]?.col ?? 0;
    const hasTextBefore = [...(grid.rows.get(r)?.entries() ?? [])].some(
      ([col, reading]) => col < firstMonthCol && reading.kind === 'text',
    );
    if (hasTextBefore) headers.push(r);
  }
  return headers;
}

function layoutHeader(
  grid: SheetGrid,
  r: number,
  file: string,
  aliases: HeaderAliases['indicatorTables'],
  findings: FindingList,
): HeaderLayout | undefined {
  const row = grid.rows.get(r) ?? new Map<number, CellReading>();
  const months = monthColumns(row);
  const firstMonthCol = months[0]?.col ?? 0;
  const lastMonthCol = months[months.length - 1]?.col ?? 0;
  const before = [...row.entries()].filter(([col]) => col < firstMonthCol).sort((a, b) => b[0] - a[0]);
  const indicatorCell = before.find(([, reading]) => reading.kind === 'text');
  if (!indicatorCell) return undefined;
  const [indicatorCol, indicatorReading] = indicatorCell;
  const indicatorText = textIn(indicatorReading) ?? '';
  if (!matchesAlias(indicatorText, aliases.indicator)) {
    findings.error(
      'missing-column',
      { file, sheet: grid.name, cell: cellAddress(r, indicatorCol) },
      `the header "${indicatorText}" is not a known name for the Indicator column, so the table below it cannot be read ` +
        `(expected one of: ${aliases.indicator.join(', ')}; add the new name to config/header-aliases.yaml)`,
    );
    return undefined;
  }

  const layout: HeaderLayout = { row: r, indicatorCol, months, columns: {}, lastHeaderCol: lastMonthCol };
  const monthCols = new Set(months.map((m) => m.col));
  for (const [col, reading] of [...row.entries()].sort((a, b) => a[0] - b[0])) {
    if (col === indicatorCol || monthCols.has(col)) continue;
    const label = reading.kind === 'text' ? reading.text : describeReading(reading);
    const kind = classifyHeader(label, aliases);
    if (kind === 'refId' && col < indicatorCol) layout.refIdCol = col;
    else if (kind && kind !== 'indicator' && col > lastMonthCol && !layout.columns[kind]) {
      layout.columns[kind] = { col, label: label.trim() };
    } else {
      findings.warning(
        'unknown-column',
        { file, sheet: grid.name, cell: cellAddress(r, col) },
        `the column header ${reading.kind === 'text' ? `"${label}"` : label} is not one the reader knows, so the column is ignored ` +
          '(expected Ref_ID, months, Target, RAG, Direction of travel, Trend, benchmarks or Notes; add new names to config/header-aliases.yaml)',
      );
      continue;
    }
    layout.lastHeaderCol = Math.max(layout.lastHeaderCol, col);
  }
  return layout;
}

export interface TableContext {
  file: string;
  aliases: HeaderAliases['indicatorTables'];
  catalogue: IndicatorCatalogue;
  findings: FindingList;
}

/** Turns a cell into a figure, reporting what a value cell should not hold. */
function figureOf(
  reading: CellReading | undefined,
  source: SourceRef,
  what: string,
  grid: SheetGrid,
  ctx: TableContext,
): Figure {
  if (!reading || reading.kind === 'empty') return { kind: 'missing', reason: 'blank', source };
  switch (reading.kind) {
    case 'number':
      return reading.typedAsText !== undefined
        ? { kind: 'number', value: reading.value, format: reading.format, source, stored: reading.typedAsText }
        : { kind: 'number', value: reading.value, format: reading.format, source };
    case 'comparison':
      return { kind: 'comparison', op: reading.op, value: reading.value, format: reading.format, text: reading.text, source };
    case 'placeholder':
      return { kind: 'missing', reason: 'placeholder', text: reading.text, source };
    case 'error':
      ctx.findings.warning('error-value', source, `the cell holds the error ${reading.text}, read as no figure (${what}); expected a number`);
      return { kind: 'missing', reason: 'error', text: reading.text, source };
    case 'formula-without-result':
      ctx.findings.warning(
        'formula-without-result',
        source,
        `the formula =${reading.formula} has no saved result, read as no figure (${what}); open and save the workbook in Excel to store results`,
      );
      return { kind: 'missing', reason: 'no-result', source };
    case 'date': {
      const value = dateReadingAsNumber(reading, grid.date1904);
      ctx.findings.warning(
        'number-shown-as-date',
        source,
        `the number ${value} is shown as the date "${shownAsDateLabel(reading.date)}" because of the cell's format "${reading.numFmt}"; read as ${value} (${what})`,
      );
      return { kind: 'number', value, format: { style: Number.isInteger(value) ? 'integer' : 'decimal', decimals: 0 }, source, stored: shownAsDateLabel(reading.date) };
    }
    case 'text':
      ctx.findings.error('not-a-number', source, `"${reading.text}" is not a number (${what})`);
      return { kind: 'missing', reason: 'placeholder', text: reading.text, source };
  }
}

/**
 * Percentages arrive as fractions under a % format, as "26%" text, or as plain points (18 meaning 18%).
 * In a percentage row, plain numbers are points when any of the row's plain month figures exceeds 1.
 */
function normalisePercentRow(row: IndicatorRow): void {
  const all: Array<Figure | undefined> = [
    ...Object.values(row.values),
    row.target,
    ...Object.values(row.benchmarks).map((b) => b?.figure),
  ];
  const plain = (f: Figure | undefined): f is Figure & { kind: 'number' | 'comparison' } =>
    f !== undefined && (f.kind === 'number' || f.kind === 'comparison') && f.format.style !== 'percent';
  const monthPlain = Object.values(row.values).filter(plain);
  const rowInPoints = monthPlain.some((f) => Math.abs(f.value) > 1);
  for (const figure of all) {
    if (!plain(figure)) continue;
    const points = rowInPoints || Math.abs(figure.value) > 1;
    if (!points) {
      figure.format = { style: 'percent', decimals: Math.max(0, figure.format.decimals - 2) };
      continue;
    }
    if (figure.kind === 'number' && figure.stored === undefined) figure.stored = figure.value;
    figure.value = Math.round((figure.value / 100) * 1e9) / 1e9;
    figure.format = { style: 'percent', decimals: figure.format.decimals };
  }
}

function slug(name: string): string {
  return normaliseIndicatorName(name).replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function readRow(grid: SheetGrid, r: number, layout: HeaderLayout, ctx: TableContext): IndicatorRow | undefined {
  const row = grid.rows.get(r);
  if (!row) return undefined;
  const nameReading = row.get(layout.indicatorCol);
  const sourceAt = (col: number): SourceRef => ({ file: ctx.file, sheet: grid.name, cell: cellAddress(r, col) });
  const name = nameReading?.kind === 'text' ? nameReading.text.replace(/\s+/g, ' ').trim() : undefined;
  if (!name) {
    const hasFigures = layout.months.some((m) => row.get(m.col)?.kind === 'number');
    if (hasFigures) {
      ctx.findings.warning(
        'missing-value',
        sourceAt(layout.indicatorCol),
        `the row has figures but no indicator name, so it is ignored; expected the indicator's name in column ${cellAddress(r, layout.indicatorCol).replace(/\d+$/, '')}`,
      );
    }
    return undefined;
  }
  const entry = ctx.catalogue.lookup(name);
  const refReading = layout.refIdCol === undefined ? undefined : row.get(layout.refIdCol);
  const refId =
    refReading?.kind === 'number' ? String(refReading.value) : refReading?.kind === 'text' ? refReading.text : undefined;
  const indicator: IndicatorRow = {
    id: entry?.id ?? slug(name),
    name,
    ...(refId ? { refId } : {}),
    catalogued: entry !== undefined,
    percent: false,
    source: sourceAt(layout.indicatorCol),
    values: {},
    benchmarks: {},
    notes: [],
  };
  for (const { col, month } of layout.months) {
    indicator.values[month] = figureOf(row.get(col), sourceAt(col), `${name}, ${monthLabel(month)}`, grid, ctx);
  }
  const target = layout.columns.target;
  if (target) indicator.target = figureOf(row.get(target.col), sourceAt(target.col), `${name}, Target`, grid, ctx);
  for (const key of BENCHMARKS) {
    const column = layout.columns[key];
    if (!column) continue;
    indicator.benchmarks[key] = {
      label: column.label,
      figure: figureOf(row.get(column.col), sourceAt(column.col), `${name}, ${column.label}`, grid, ctx),
    };
  }
  const notesCol = layout.columns.notes?.col;
  for (const [col, reading] of [...row.entries()].sort((a, b) => a[0] - b[0])) {
    const isNotes = col === notesCol || (col > layout.lastHeaderCol && reading.kind === 'text');
    if (isNotes && reading.kind === 'text') indicator.notes.push(reading.text);
  }
  const percentByCells = Object.values(indicator.values).some(
    (f) => f !== undefined && f.kind === 'number' && f.format.style === 'percent',
  );
  indicator.percent = entry ? entry.format === 'percent' : PERCENT_NAME.test(name) || percentByCells;
  if (indicator.percent) normalisePercentRow(indicator);
  return indicator;
}

/** A row naming the next table: one line of text, nothing in this table's month columns, a header below. */
function isNextTitle(grid: SheetGrid, r: number, layout: HeaderLayout): boolean {
  const row = grid.rows.get(r);
  if (titleOf(row) === undefined) return false;
  if (layout.months.some((m) => row?.has(m.col))) return false;
  const next = nextNonEmptyRow(grid, r + 1, 3);
  return next !== undefined && isMonthRow(grid.rows.get(next));
}

/** Finds and reads every indicator table on a sheet. */
export function findTables(grid: SheetGrid, ctx: TableContext): IndicatorTable[] {
  const headerRows = findHeaderRows(grid);
  const tables: IndicatorTable[] = [];
  let lastSection: string | undefined;
  headerRows.forEach((headerRow, index) => {
    const layout = layoutHeader(grid, headerRow, ctx.file, ctx.aliases, ctx.findings);
    // The title is the nearest row above (past a decorative date row) holding a single line of text.
    let above = previousNonEmptyRow(grid, headerRow - 1, 3);
    if (above !== undefined && isMonthRow(grid.rows.get(above)) && !titleOf(grid.rows.get(above))) {
      above = previousNonEmptyRow(grid, above - 1, 3);
    }
    const title = above === undefined ? undefined : titleOf(grid.rows.get(above));
    const section = title ?? lastSection;
    lastSection = section;
    if (!layout) return;

    // Rows run until a blank row, or the next table's title, date row or header.
    const nextHeader = headerRows[index + 1] ?? Number.POSITIVE_INFINITY;
    const rows: IndicatorRow[] = [];
    for (let r = headerRow + 1; r < nextHeader && r <= grid.rowCount; r++) {
      const row = grid.rows.get(r);
      if (!row) break;
      if (isMonthRow(row) || isNextTitle(grid, r, layout)) break;
      const indicator = readRow(grid, r, layout, ctx);
      if (indicator) rows.push(indicator);
    }
    tables.push({
      id: `${grid.name}!${cellAddress(headerRow, layout.indicatorCol)}`,
      sheet: grid.name,
      ...(section ? { section } : {}),
      titled: title !== undefined,
      headerSource: { file: ctx.file, sheet: grid.name, cell: cellAddress(headerRow, layout.indicatorCol) },
      months: layout.months.map((m) => m.month),
      rows,
    });
  });
  return tables;
}
