import { classifyHeader, isNoFigureText, matchesAlias, type HeaderAliases, type IndicatorColumn } from '../config/header-aliases.js';
import { normaliseIndicatorName, type CatalogueEntry, type IndicatorCatalogue } from '../config/catalogue.js';
import type { FindingList, SourceRef } from '../findings/finding.js';
import type { BenchmarkKey, Figure, IndicatorRow, IndicatorTable, WorkbookMarks, YearTarget } from '../dataset/types.js';
import { dateReadingAsNumber, describeReading, roundedScale, serialToDate, shownAsDateLabel, type CellReading } from './cell-value.js';
import { cellAddress, columnLetter, type SheetGrid } from './load-workbook.js';
import { invisibleCharacters, lookalikeOf, withoutInvisible } from './lookalikes.js';
import { median } from './median.js';
import { dayText, evening } from './summer-time.js';
import { printNumber } from '../report/round.js';
import { MARK_EXPECTED, readMark, type MarkColumn } from './workbook-marks.js';
import { addMonths, financialYearInHeader, financialYearLabel, monthLabel, monthsBetween, parseMonth, type MonthKey } from '../model/month.js';

type Row = Map<number, CellReading>;

const BENCHMARKS: BenchmarkKey[] = ['southamptonLastYear', 'statisticalNeighbours', 'southEast', 'england'];
/** A name that says its indicator is a percentage: "Percentage of ...", "% of ...", "... (%)", "... %". */
const PERCENT_NAME = /^\s*(percentage|percent|proportion)\b|^\s*%|\(\s*%\s*\)|%\s*$/i;
/** A date in a value cell from 1990 on is a date someone typed, not a number under a stray date format. */
const FIRST_PLAUSIBLE_DATE_SERIAL = 32874;
/** 31 December 2100: a header number up to here may be a date that lost its date format. */
const LAST_PLAUSIBLE_DATE_SERIAL = 73050;
/** A year in a column header that financialYearInHeader does not read: "FY24", "FY 2024", "2024". */
const YEARISH = /\bFY\s*'?\d{2,4}\b|\b(19|20)\d{2}\b/i;
/** Text that was meant as a month header ("Spe-23", "Octt 2023"): a word and a year. */
const MONTHISH = /^[A-Za-z]{3,10}\.?[\s\-/']*(\d{2}|\d{4})$/;
/**
 * The month a header starts with, where more text follows it ("Oct-23 (provisional)", "Oct-23*"): at the
 * place of that month in the run, it heads that month's figures, but as it stands it is no month header.
 */
function leadingMonth(text: string): MonthKey | undefined {
  const m = /^([A-Za-z]{3,9}\.?[\s\-/']*(?:\d{4}|\d{2}))(?!\d)./.exec(text.trim());
  return m?.[1] ? parseMonth(m[1]) : undefined;
}
const MONTH_TOKEN = /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?[\s\-/']*(\d{2}|\d{4})\b/i;
const NOTE_ROW = /^(note|notes|nb|n\.b\.|source|sources|\*|please|data (is|are)|figures (are|is))\b/i;

/** A decision the reader took on the workbook's behalf, from configuration (a month header corrected). */
export interface ReaderDecision {
  source: SourceRef;
  message: string;
}

export interface TableContext {
  file: string;
  aliases: HeaderAliases['indicatorTables'];
  /** The header aliases file as messages name it (config/header-aliases.yaml, or the project's own). */
  aliasesFile: string;
  /** Texts that mean "no figure" (config/header-aliases.yaml `noFigure`). */
  noFigure: readonly string[];
  monthCorrections: HeaderAliases['monthCorrections'];
  allowedMonthGaps: HeaderAliases['allowedMonthGaps'];
  catalogue: IndicatorCatalogue;
  findings: FindingList;
  decisions: ReaderDecision[];
  /** The latest month a header may name: the month the workbook was saved in (or today). */
  latestMonth?: MonthKey;
  /** The most rows read from one table (limits.maxRowsPerTable); a table running past it is an error. */
  maxRowsPerTable?: number;
  /** Rows whose name is already an error (lookalike characters): no second "not in catalogue" warning. */
  namesReported?: Set<IndicatorRow>;
  /** Figure cells a merge hides ("'Sheet'!AB36"), already an error: no second finding calls them blank. */
  cellsMerged?: Set<string>;
}

interface MonthColumn {
  col: number;
  month: MonthKey;
  /** The header as the cell shows it. */
  text: string;
  /** A header with an error of its own (a mid-month date): it takes its place in the run, but its figures are not read. */
  refused?: true;
  /** Read as the month a monthCorrections line declares, not as typed. */
  corrected?: true;
  /** A corrected header's month as typed, where it reads as one. */
  typed?: MonthKey;
}

interface Column {
  col: number;
  label: string;
}

interface HeaderLayout {
  /** The row of month headers; `firstRow`..`lastRow` is the whole header band (caption rows included). */
  row: number;
  firstRow: number;
  lastRow: number;
  indicatorCol: number;
  refIdCol?: number;
  typeCol?: number;
  months: MonthColumn[];
  target?: Column;
  yearTargets: Array<Column & { year: number }>;
  benchmarks: Partial<Record<BenchmarkKey, Column>>;
  notesCols: Set<number>;
  /** The workbook's own RAG, Direction of travel and Trend columns: read to be checked, never printed unless configured. */
  marks: Partial<Record<MarkColumn, number>>;
  /** The Direction of travel column holds the raw change ("% change from previous month"), not a direction that weighs polarity. */
  directionIsChange?: boolean;
  /** Columns with a header: text in any other column right of them is read as notes. */
  headedCols: Set<number>;
}

// ---------------------------------------------------------------------------------------------
// Cells

function textIn(reading: CellReading | undefined): string | undefined {
  return reading?.kind === 'text' ? reading.text : undefined;
}

function sortedCells(row: Row | undefined): Array<[number, CellReading]> {
  return [...(row?.entries() ?? [])].sort((a, b) => a[0] - b[0]);
}

function lastDayOfMonth(date: Date): number {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
}

/** The month a header cell names, as the reader sees it before any correction. */
function monthOf(reading: CellReading | undefined): MonthKey | undefined {
  if (!reading) return undefined;
  if (reading.kind === 'text') return parseMonth(reading.text);
  if (reading.kind === 'date') return parseMonth(reading.date);
  return undefined;
}

/** How a header cell shows its month ("Oct-23", "31/10/2023"). */
function headerText(reading: CellReading): string {
  if (reading.kind === 'date') return dayText(reading.date);
  return reading.kind === 'text' ? reading.text : describeReading(reading);
}

/** A day-dated header must be a month's first or last day; "15/10/2023" could stand for either month. */
function dayProblem(reading: CellReading): string | undefined {
  let date: Date | undefined;
  if (reading.kind === 'date') date = reading.date;
  else if (reading.kind === 'text') {
    // Day first as the UK writes it ("15/10/2023"), or year first ("2023-10-15", "2023/10/15"): parseMonth reads both.
    const text = reading.text.trim();
    const dayFirst = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
    const yearFirst = /^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})$/.exec(text);
    const [year, month, day] = dayFirst ? [dayFirst[3], dayFirst[2], dayFirst[1]] : yearFirst ? [yearFirst[1], yearFirst[2], yearFirst[3]] : [];
    if (year !== undefined && month !== undefined && day !== undefined) {
      date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
      // "31/09/2023" rolls over to 1 October in Date: a day the month does not have is no first or last day.
      if (date.getUTCMonth() !== Number(month) - 1) return `the date ${text} does not exist`;
    }
  }
  if (!date || Number.isNaN(date.getTime())) return undefined;
  const day = date.getUTCDate();
  return day === 1 || day === lastDayOfMonth(date) ? undefined : `the date ${headerText(reading)} is not the first or last day of a month`;
}

/** The month cells of a header row; with `serials`, numbers that may be date serials count too (for where the months are). */
function monthCells(row: Row | undefined, serials = false): Array<{ col: number; month?: MonthKey }> {
  const out: Array<{ col: number; month?: MonthKey }> = [];
  for (const [col, reading] of sortedCells(row)) {
    const month = monthOf(reading);
    if (month) out.push({ col, month });
    else if (serials && serialLike(reading)) out.push({ col });
  }
  return out;
}

/** A header number that may be a date serial that lost its date format (1990 to 2100). */
/**
 * A table whose header row has an Indicator column and rows below it, but no month it can read: its
 * figures would be read in no month, and a report would take the indicator from another table in
 * silence. An error on the header, saying what the header cells hold (date serials shown as numbers,
 * most often: a header row formatted as General).
 */
function noMonths(grid: SheetGrid, headerRow: number, indicatorCol: number, rowCount: number, ctx: TableContext): void {
  const serials = sortedCells(grid.rows.get(headerRow)).filter(([col, reading]) => col > indicatorCol && serialLike(reading));
  const months = serials
    .map(([, reading]) => parseMonth(serialToDate((reading as { value: number }).value, grid.date1904)))
    .filter((m): m is MonthKey => m !== undefined);
  const first = serials[0];
  const last = serials[serials.length - 1];
  const held =
    first && last && months.length > 0
      ? `its headers ${cellAddress(headerRow, first[0])}:${cellAddress(headerRow, last[0])} hold numbers (such as ${headerText(first[1])}) that read as ${monthLabel(months[0] as MonthKey)} to ${monthLabel(months[months.length - 1] as MonthKey)} if they are date serials: format those cells as dates (mmm-yy)`
      : 'type the months across its header row (such as "Oct-23")';
  ctx.findings.error(
    'not-a-month',
    { file: ctx.file, sheet: grid.name, cell: cellAddress(headerRow, indicatorCol) },
    `the table headed here has ${rowCount} row(s) but no month in its header row, so none of its figures is read; ${held}`,
  );
}

function serialLike(reading: CellReading | undefined): reading is Extract<CellReading, { kind: 'number' }> {
  return (
    reading?.kind === 'number' && Number.isInteger(reading.value) && reading.value >= FIRST_PLAUSIBLE_DATE_SERIAL && reading.value <= LAST_PLAUSIBLE_DATE_SERIAL
  );
}

/**
 * A row of month headers: at least two month cells, and fewer numbers than months. A number among
 * month headers is a header typed as a number (an error of that header), not a figure; a row whose
 * months were all typed as date serials is a header row when it also holds the Indicator header.
 */
function isMonthRow(row: Row | undefined, indicatorAliases: readonly string[]): boolean {
  if (!row) return false;
  let months = 0;
  let numbers = 0;
  let serials = 0;
  let named = false;
  for (const reading of row.values()) {
    if (reading.kind === 'number') {
      numbers++;
      if (serialLike(reading)) serials++;
    } else if (monthOf(reading)) months++;
    else if (reading.kind === 'text' && matchesAlias(reading.text, indicatorAliases)) named = true;
  }
  if (months >= 2) return numbers < months;
  return named && serials >= 2 && serials === numbers;
}

function nextNonEmptyRow(grid: SheetGrid, from: number, limit = 4): number | undefined {
  for (let r = from; r <= from + limit && r <= grid.rowCount; r++) if (grid.rows.has(r)) return r;
  return undefined;
}

/** A title row holds one line of text (and perhaps dates) and no figures. */
function titleOf(row: Row | undefined): string | undefined {
  if (!row) return undefined;
  const texts: string[] = [];
  for (const reading of row.values()) {
    if (reading.kind === 'text' && !parseMonth(reading.text)) texts.push(reading.text);
    else if (reading.kind === 'number') return undefined;
  }
  return texts.length === 1 ? texts[0]?.trim() : undefined;
}

/** A title that names a section, rather than dating the sheet ("Oct-18 Monthly dataset", "Monthly data set") or noting something. */
function namesSection(title: string): boolean {
  if (MONTH_TOKEN.test(title) || NOTE_ROW.test(title) || /\bdata ?set\b/i.test(title)) return false;
  return title.split(/\s+/).length <= 14;
}

// ---------------------------------------------------------------------------------------------
// Header rows

/** Finds the month rows that head tables, skipping decorative rows of month-end dates above them. */
function findHeaderRows(grid: SheetGrid, indicatorAliases: readonly string[]): number[] {
  const rows = [...grid.rows.keys()].sort((a, b) => a - b);
  const headers: number[] = [];
  for (const r of rows) {
    const row = grid.rows.get(r);
    if (!isMonthRow(row, indicatorAliases)) continue;
    const next = nextNonEmptyRow(grid, r + 1, 2);
    if (next !== undefined && isMonthRow(grid.rows.get(next), indicatorAliases)) continue;
    const firstMonthCol = monthCells(row, true)[0]?.col ?? 0;
    const textBefore = (candidate: Row | undefined): boolean => sortedCells(candidate).some(([col, reading]) => col < firstMonthCol && reading.kind === 'text');
    // The Indicator header may sit in the row above the months in a two-row header. With no header
    // left of the months at all, a row of names and figures below still makes it a table's header
    // (one whose Indicator header is missing or typed as a number: an error, never a table dropped).
    const below = next === undefined ? undefined : grid.rows.get(next);
    const figuresBelow = sortedCells(below).some(([col, reading]) => col >= firstMonthCol && reading.kind === 'number');
    if (textBefore(row) || (titleOf(grid.rows.get(r - 1)) === undefined && textBefore(grid.rows.get(r - 1))) || (textBefore(below) && figuresBelow))
      headers.push(r);
  }
  return headers;
}

/** The column below a header holding the longest names: where the indicators most likely are. */
function likelyNameColumn(grid: SheetGrid, headerRow: number, candidates: number[]): number | undefined {
  let best: { col: number; score: number } | undefined;
  for (const col of candidates) {
    const texts: string[] = [];
    for (let r = headerRow + 1; r <= headerRow + 12 && r <= grid.rowCount; r++) {
      const text = textIn(grid.rows.get(r)?.get(col));
      if (text) texts.push(text);
    }
    const score = new Set(texts).size * 100 + texts.reduce((n, t) => n + t.length, 0) / Math.max(1, texts.length);
    if (texts.length > 0 && (!best || score > best.score)) best = { col, score };
  }
  return best?.col;
}

interface HeaderBand {
  /** Each column's header text, top to bottom ("DoT" over "% change from previous month"). */
  labels: Map<number, string[]>;
  upper?: number;
  lower?: number;
}

/** The header texts of every column: the month row, the row above when it holds the Indicator header, and a caption row below. */
function headerBand(grid: SheetGrid, r: number, indicatorAliases: readonly string[], monthCols: Set<number>): HeaderBand {
  const band: HeaderBand = { labels: new Map() };
  const add = (row: number): void => {
    for (const [col, reading] of sortedCells(grid.rows.get(row))) {
      if (monthCols.has(col) && row === r) continue;
      const text = reading.kind === 'text' ? reading.text.replace(/\s+/g, ' ').trim() : undefined;
      if (!text) continue;
      band.labels.set(col, [...(band.labels.get(col) ?? []), text]);
    }
  };
  const above = grid.rows.get(r - 1);
  const upperHasIndicator = sortedCells(above).some(([, reading]) => reading.kind === 'text' && matchesAlias(reading.text, indicatorAliases));
  const ownHasIndicator = sortedCells(grid.rows.get(r)).some(([, reading]) => reading.kind === 'text' && matchesAlias(reading.text, indicatorAliases));
  if (upperHasIndicator && !ownHasIndicator && titleOf(above) === undefined) {
    band.upper = r - 1;
    add(r - 1);
  }
  add(r);
  // Merged header cells: the master's text heads every column of the merge.
  for (const merge of grid.merges ?? []) {
    if (merge.top > r || merge.bottom < (band.upper ?? r)) continue;
    const master = band.labels.get(merge.left)?.[0];
    if (!master) continue;
    for (let col = merge.left + 1; col <= merge.right; col++) if (!monthCols.has(col)) band.labels.set(col, [master, ...(band.labels.get(col) ?? [])]);
  }
  // A caption row under the header: text only, no indicator name, no figures.
  const below = grid.rows.get(r + 1);
  if (below && !isMonthRow(below, indicatorAliases)) {
    const cells = sortedCells(below);
    const captionOnly = cells.length > 0 && cells.every(([, reading]) => reading.kind === 'text' || reading.kind === 'empty');
    const firstMonthCol = Math.min(...monthCols);
    const nameLike = cells.some(([col]) => col < firstMonthCol);
    if (captionOnly && !nameLike) {
      band.lower = r + 1;
      for (const [col, reading] of cells) {
        if (monthCols.has(col)) continue;
        const text = textIn(reading)?.trim();
        if (text) band.labels.set(col, [...(band.labels.get(col) ?? []), text]);
      }
    }
  }
  return band;
}

function headerSource(ctx: TableContext, grid: SheetGrid, r: number, col: number): SourceRef {
  return { file: ctx.file, sheet: grid.name, cell: cellAddress(r, col) };
}

/** Applies a configured correction to a month header, or reads it as it stands. */
function readMonthHeader(grid: SheetGrid, r: number, col: number, reading: CellReading, ctx: TableContext): MonthColumn | undefined {
  const cell = cellAddress(r, col);
  const text = headerText(reading);
  const correction = ctx.monthCorrections.find((c) => c.sheet === grid.name && c.cell === cell);
  if (correction) {
    const reads = correction.reads.trim().toLowerCase();
    const matches = text.trim().toLowerCase() === reads || monthOf(reading) === parseMonth(correction.reads);
    if (matches) {
      const month = correction.month as MonthKey;
      ctx.decisions.push({
        source: headerSource(ctx, grid, r, col),
        message: `month header "${text}" read as ${monthLabel(month)}, as ${ctx.aliasesFile} (monthCorrections) declares`,
      });
      // The month it reads as typed, where that is unambiguous (not an evening before the 1st, not mid-month).
      const ambiguous = (reading.kind === 'date' && evening(reading.date) !== undefined) || dayProblem(reading) !== undefined;
      const typed = ambiguous ? undefined : monthOf(reading);
      return { col, month, text, corrected: true, ...(typed ? { typed } : {}) };
    }
    ctx.findings.warning(
      'not-a-month',
      headerSource(ctx, grid, r, col),
      `${ctx.aliasesFile} corrects this header from "${correction.reads}", but it now reads "${text}", so the correction is not applied; ` +
        'remove the correction if the workbook has been fixed',
    );
  }
  const month = monthOf(reading);
  if (!month) return undefined;
  const shifted = reading.kind === 'date' ? evening(reading.date) : undefined;
  if (shifted) {
    ctx.findings.error(
      'not-a-month',
      headerSource(ctx, grid, r, col),
      `month header: the date ${text} ${shifted.time} is ${shifted.before} before ${shifted.next}, as another program writes the first of a month in summer time, ` +
        `so it is not clear which month the column holds (Excel shows it as ${monthLabel(month)}); expected a date without a time of day, or a month such as ${monthLabel(shifted.month)}. ` +
        correctionAdvice(grid.name, cell, text, shifted.month, ctx.aliasesFile),
    );
    return { col, month: shifted.month, text, refused: true };
  }
  const problem = dayProblem(reading);
  if (problem) {
    ctx.findings.error(
      'not-a-month',
      headerSource(ctx, grid, r, col),
      `month header: ${problem}, so it is not clear which month the column holds; expected a month such as ${monthLabel(month)} or the first or last day of a month. ` +
        correctionAdvice(grid.name, cell, text, month, ctx.aliasesFile),
    );
    return { col, month, text, refused: true };
  }
  return { col, month, text };
}

/** A text as a YAML flow value: plain where YAML reads it back as the same text, else quoted ("45200" would read as a number). */
function yamlText(text: string): string {
  const plain = /^[\w][\w .'-]*$/.test(text) && !/^(yes|no|true|false|null|on|off|~)$/i.test(text) && !/^[-+]?(\d[\d_]*)?\.?\d*(e[-+]?\d+)?$/i.test(text);
  return plain ? text : JSON.stringify(text);
}

/**
 * The one piece of advice every mistyped month header gets, whatever the mistake (a mistyped year, a
 * misspelt month, a number, a mid-month date): the exact line that corrects it without editing the
 * workbook, which read as the month the run implies.
 */
function correctionAdvice(sheet: string, cell: string, text: string, month: MonthKey, aliasesFile: string): string {
  return (
    `Its figures are not read. Correct the header in the workbook, or declare the correction in ${aliasesFile}: ` +
    `monthCorrections: - { sheet: ${yamlText(sheet)}, cell: ${cell}, reads: ${yamlText(text)}, month: ${month} }`
  );
}

/**
 * The month a column of a header row stands for, from the months around it: the run most month
 * headers agree on (month = start + direction × column). Undefined where fewer than two agree.
 */
function impliedMonth(months: readonly MonthColumn[], col: number): MonthKey | undefined {
  let best: { base: number; direction: number; votes: number } | undefined;
  for (const direction of [1, -1]) {
    const votes = new Map<number, number>();
    for (const m of months) {
      if (m.refused) continue;
      const base = monthsBetween('2000-01', m.month) - direction * m.col;
      votes.set(base, (votes.get(base) ?? 0) + 1);
    }
    for (const [base, count] of votes) if (!best || count > best.votes) best = { base, direction, votes: count };
  }
  return best && best.votes >= 2 ? addMonths('2000-01', best.base + best.direction * col) : undefined;
}

/**
 * Months must run one after another, without gaps, repeats or reversals (a gap only where the
 * configuration allows it). Returns the columns that break the run, each reported as an error with
 * the month the run implies, so a mistyped year can never put figures under the wrong month.
 */
function checkMonthRun(grid: SheetGrid, r: number, months: MonthColumn[], ctx: TableContext): Set<number> {
  const broken = new Set<number>();
  if (months.length < 2) return broken;
  const allowedGapAt = new Set(ctx.allowedMonthGaps.filter((g) => g.sheet === grid.name).map((g) => g.cell));
  const steps = months.slice(1).map((m, i) => monthsBetween((months[i] as MonthColumn).month, m.month));
  const ups = steps.filter((s) => s === 1).length;
  const downs = steps.filter((s) => s === -1).length;
  const direction = downs > ups ? -1 : 1;

  // Segments between allowed gaps, and gaps that skip months in the run's own direction.
  const segments: MonthColumn[][] = [[]];
  months.forEach((m, i) => {
    const step = i === 0 ? direction : (steps[i - 1] as number);
    const gapAllowed = allowedGapAt.has(cellAddress(r, m.col)) && Math.sign(step) === direction && Math.abs(step) > 1;
    if (i > 0 && gapAllowed) segments.push([]);
    (segments[segments.length - 1] as MonthColumn[]).push(m);
  });

  for (const segment of segments) {
    const segSteps = segment.slice(1).map((m, i) => monthsBetween((segment[i] as MonthColumn).month, m.month));
    const pureGaps = segSteps.every((s) => Math.sign(s) === direction) && segSteps.some((s) => Math.abs(s) > 1);
    if (pureGaps) {
      segSteps.forEach((s, i) => {
        if (Math.abs(s) <= 1) return;
        const before = segment[i] as MonthColumn;
        const after = segment[i + 1] as MonthColumn;
        const missing = Array.from({ length: Math.abs(s) - 1 }, (_, k) => monthLabel(addMonths(before.month, direction * (k + 1))));
        const unsaved = unsavedFormulaHeaders(grid, r, before.col, after.col);
        ctx.findings.error(
          'not-a-month',
          headerSource(ctx, grid, r, after.col),
          unsaved
            ? `month headers jump from "${before.text}" (${cellAddress(r, before.col)}) to "${after.text}": ${unsaved}, so no column holds ${missing.join(', ')}; ` +
                "expected the header itself: type it (the month it heads), or open and save the workbook in Excel to store the formula's result"
            : `month headers jump from "${before.text}" (${cellAddress(r, before.col)}) to "${after.text}", so no column holds ${missing.join(', ')}; ` +
                `expected the months to run without a gap. If a header is mistyped, correct it; if the table skips months on purpose, ` +
                `allow it in ${ctx.aliasesFile}: allowedMonthGaps: - { sheet: ${yamlText(grid.name)}, cell: ${cellAddress(r, after.col)} }`,
        );
      });
      continue;
    }
    // The run most columns agree on: month = start + direction × position.
    const votes = new Map<number, number>();
    const base = segment.map((m, i) => monthsBetween('2000-01', m.month) - direction * i);
    for (const b of base) votes.set(b, (votes.get(b) ?? 0) + 1);
    const [start] = [...votes.entries()].sort((a, b) => b[1] - a[1] || base.indexOf(a[0]) - base.indexOf(b[0]))[0] as [number, number];
    segment.forEach((m, i) => {
      if (base[i] === start) return;
      const expected = addMonths('2000-01', start + direction * i);
      const previous = segment[i - 1];
      const next = segment[i + 1];
      const around = [previous?.text, next?.text].filter((t): t is string => t !== undefined).join(' → ');
      broken.add(m.col);
      // A header that follows on from a typed header beside it is as likely right as the run: a column
      // added or repeated among the months shifts every header after it. No correction is offered, since
      // reading it as the month the run implies could put a correctly headed month's figures a month out.
      const typed = (c: MonthColumn | undefined): c is MonthColumn => c !== undefined && !c.refused && !c.corrected;
      const follows =
        !m.refused && !m.corrected
          ? typed(previous) && monthsBetween(previous.month, m.month) === direction
            ? previous
            : typed(next) && monthsBetween(m.month, next.month) === direction
              ? next
              : undefined
          : undefined;
      ctx.findings.error(
        'not-a-month',
        headerSource(ctx, grid, r, m.col),
        follows
          ? `header "${m.text}" breaks the run ${around}: the run implies ${monthLabel(expected)}, but it and "${follows.text}" (${cellAddress(r, follows.col)}) beside it are consecutive months, ` +
              'so a column among the months is added, missing or repeated; expected one column per month, in order. Its figures are not read. ' +
              'Correct the headers in the workbook (a column that is no month goes after the months)'
          : `header "${m.text}" breaks the run ${around}; expected ${monthLabel(expected)}. ${correctionAdvice(grid.name, cellAddress(r, m.col), m.text, expected, ctx.aliasesFile)}`,
      );
    });
  }

  if (ctx.latestMonth) {
    for (const m of months) {
      if (broken.has(m.col) || m.month <= ctx.latestMonth) continue;
      broken.add(m.col);
      ctx.findings.error(
        'not-a-month',
        headerSource(ctx, grid, r, m.col),
        `month header "${m.text}" is after ${monthLabel(ctx.latestMonth)}, when the workbook was last saved, so its figures cannot be real; ` +
          "expected months up to the workbook's own date (is the year mistyped?). Its figures are not read",
      );
    }
  }
  return broken;
}

/**
 * Why a header among the months stands for no month: the month its place implies is headed by another
 * column ("it stands between "Sep-23" (AA2) and "Oct-23" (AC2), which follow one another, so it heads no month").
 */
function noMonthHere(grid: SheetGrid, r: number, col: number, read: readonly MonthColumn[], taken: MonthColumn): string {
  const before = [...read].reverse().find((m) => m.col < col);
  const after = read.find((m) => m.col > col);
  const where = (m: MonthColumn): string => `"${m.text}" (${cellAddress(r, m.col)})`;
  if (before && after && Math.abs(monthsBetween(before.month, after.month)) === 1) {
    return `it stands between ${where(before)} and ${where(after)}, which follow one another, so it heads no month`;
  }
  return `the month its place implies, ${monthLabel(taken.month)}, is headed by ${where(taken)}, so it heads no month`;
}

/**
 * Header cells that should be months and are not: a number (a date serial that lost its format, or a
 * typo) anywhere among or beside the month headers, and text that is not a month between them or
 * beside them looking like one ("Spe-23"). Each is an error with the month the headers around it
 * imply and the line that corrects it; it keeps its place in the run (so no gap is reported as well),
 * but its figures are not read.
 */
function strayHeaders(
  grid: SheetGrid,
  r: number,
  indicatorCol: number,
  months: readonly MonthColumn[],
  ctx: TableContext,
): { months: MonthColumn[]; cols: number[] } {
  const out: { months: MonthColumn[]; cols: number[] } = { months: [], cols: [] };
  const read = months.filter((m) => !m.refused);
  const first = read[0]?.col;
  const last = read[read.length - 1]?.col;
  if (first === undefined || last === undefined) return out;
  for (const [col, reading] of sortedCells(grid.rows.get(r))) {
    if (col <= indicatorCol || months.some((m) => m.col === col)) continue;
    const inside = col > first && col < last;
    const beside = col === first - 1 || col === last + 1;
    const cell = cellAddress(r, col);
    // A month another column already heads is no month for this one: between Sep-23 and Oct-23 (a column
    // added among the months), the columns' positions imply Oct-23, and reading it so (or the real Oct-23 as
    // the month after) would print October's figures as November's.
    const headedBy = (month: MonthKey | undefined): MonthColumn | undefined => (month === undefined ? undefined : read.find((m) => m.month === month));
    const impliedHere = impliedMonth(months, col);
    const implied = headedBy(impliedHere) ? undefined : impliedHere;
    const taken = headedBy(impliedHere);
    let message: string;
    if (reading.kind === 'number' && (inside || beside || serialLike(reading))) {
      const serialDate = serialLike(reading) ? parseMonth(serialToDate(reading.value, grid.date1904)) : undefined;
      const serialMonth = headedBy(serialDate) ? undefined : serialDate;
      const text = headerText(reading);
      const month = taken ? undefined : (implied ?? serialMonth);
      const what = taken
        ? noMonthHere(grid, r, col, read, taken)
        : serialMonth && (!implied || implied === serialMonth)
          ? `if it is a date serial, it reads as ${monthLabel(serialMonth)}: format the cell as a date or correct it`
          : serialMonth && implied
            ? `if it is a date serial, it reads as ${monthLabel(serialMonth)}, but the months around it imply ${monthLabel(implied)}: correct it`
            : implied
              ? `the months around it imply ${monthLabel(implied)}: type the month there`
              : 'expected a month such as Oct-23';
      message = `a number (${text}) where a month header was expected; ${what}.${month ? ` ${correctionAdvice(grid.name, cell, text, month, ctx.aliasesFile)}` : taken ? ' Its figures are not read: move the column after the months or delete it' : ' Its figures are not read'}`;
      if (month) out.months.push({ col, month, text, refused: true });
    } else if (
      reading.kind === 'text' &&
      !classifyHeader(reading.text, headerGroups(ctx.aliases)) &&
      (inside || (beside && (MONTHISH.test(reading.text.trim()) || (implied !== undefined && leadingMonth(reading.text) === implied))))
    ) {
      message = implied
        ? `header "${reading.text}" is not a month; the months around it imply ${monthLabel(implied)}. ${correctionAdvice(grid.name, cell, reading.text, implied, ctx.aliasesFile)}`
        : taken
          ? `header "${reading.text}" is not a month, and ${noMonthHere(grid, r, col, read, taken)}. Its figures are not read: ` +
            `move the column after the months or delete it, or list "${reading.text}" under indicatorTables.ignored in ${ctx.aliasesFile} to ignore the column`
          : `"${reading.text}" stands between month headers but is not a month, so the months around it cannot be trusted; expected a month such as Oct-23`;
      if (implied) out.months.push({ col, month: implied, text: reading.text, refused: true });
    } else continue;
    out.cols.push(col);
    ctx.findings.error('not-a-month', headerSource(ctx, grid, r, col), message);
  }
  return out;
}

function layoutHeader(grid: SheetGrid, r: number, ctx: TableContext): HeaderLayout | undefined {
  const row = grid.rows.get(r) ?? new Map<number, CellReading>();
  const monthReadings = monthCells(row, true);
  const firstMonthCol = monthReadings[0]?.col ?? 0;
  const monthColSet = new Set(monthReadings.map((m) => m.col));
  const aliases = ctx.aliases;
  const band = headerBand(grid, r, aliases.indicator, monthColSet);
  const lastRow = band.lower ?? r;
  const labelOf = (col: number): string => (band.labels.get(col) ?? []).join(' / ');
  const at = (col: number): SourceRef => headerSource(ctx, grid, band.upper !== undefined && !grid.rows.get(r)?.has(col) ? band.upper : r, col);

  // The Indicator column is the one its header names, never a position.
  const indicatorCols = [...band.labels.entries()].filter(([, texts]) => texts.some((t) => matchesAlias(t, aliases.indicator))).map(([col]) => col);
  if (indicatorCols.length === 0) {
    // Any column left of the months may hold the names, headed or not (its header typed as a number, or blank).
    const before = Array.from({ length: Math.max(0, firstMonthCol - 1) }, (_, i) => i + 1);
    const likely = likelyNameColumn(grid, lastRow, before);
    const names =
      likely === undefined
        ? []
        : [...new Set(Array.from({ length: 6 }, (_, i) => textIn(grid.rows.get(lastRow + 1 + i)?.get(likely))).filter((t): t is string => !!t))].slice(0, 2);
    const header = likely === undefined ? undefined : labelOf(likely);
    ctx.findings.error(
      'missing-column',
      likely === undefined ? headerSource(ctx, grid, r, firstMonthCol) : at(likely),
      header
        ? `the header "${header}" is not a known name for the Indicator column, so the table below it cannot be read; its column holds names such as ` +
            `${names.map((n) => `"${n.length > 60 ? `${n.slice(0, 57)}...` : n}"`).join(', ')}. If "${header}" heads the indicators' names, add it to ` +
            `indicatorTables.indicator in ${ctx.aliasesFile} (known names: ${aliases.indicator.join(', ')})`
        : `no column left of the month headers is headed as the Indicator column${
            likely === undefined
              ? ''
              : ` (${cellAddress(r, likely)}, above names such as "${(names[0] ?? '').slice(0, 60)}", holds ${describeReading(row.get(likely) ?? { kind: 'empty' })})`
          }, so the table cannot be read; expected a header such as ` +
            `${aliases.indicator.join(', ')} above the indicators' names (add the workbook's own name for it to indicatorTables.indicator in ${ctx.aliasesFile})`,
    );
    return undefined;
  }
  const [indicatorCol, ...otherIndicatorCols] = indicatorCols as [number, ...number[]];
  for (const col of otherIndicatorCols) {
    ctx.findings.error(
      'missing-column',
      at(col),
      `"${labelOf(col)}" is a second column headed as the Indicator column (the first is ${columnLetter(indicatorCol)}, "${labelOf(indicatorCol)}"), ` +
        `so it is not clear which names the indicators; expected one Indicator column per table (rename one, or remove its name from indicatorTables.indicator in ${ctx.aliasesFile})`,
    );
    return undefined;
  }

  // Month headers, corrected where configuration says so, then checked as a run.
  const months: MonthColumn[] = [];
  for (const [col, reading] of sortedCells(row)) {
    if (col <= indicatorCol && !monthColSet.has(col)) continue;
    const month = readMonthHeader(grid, r, col, reading, ctx);
    if (month) months.push(month);
  }
  const stray = strayHeaders(grid, r, indicatorCol, months, ctx);
  // A correction that gives a column the month another header is typed as (advice followed from a run
  // that an added column had shifted: "Spe-23" read as Oct-23 beside the real Oct-23, perhaps with that one
  // read as Nov-23) would put that month's figures a month out: refused, and the column taken out of the
  // run, so that the typed header keeps its month. Two headers swapped and each corrected are fine.
  const refusedCorrections: number[] = [];
  const undo = (m: MonthColumn): void => {
    const at = cellAddress(r, m.col);
    ctx.decisions.splice(0, ctx.decisions.length, ...ctx.decisions.filter((d) => !(d.source.sheet === grid.name && d.source.cell === at)));
  };
  for (const m of months.filter((c) => c.corrected)) {
    const typed = months.find((c) => c.col !== m.col && !c.refused && (c.corrected ? c.typed : c.month) === m.month);
    if (!typed || (typed.corrected && typed.month === m.typed)) continue;
    refusedCorrections.push(m.col);
    undo(m);
    const alsoCorrected = typed.corrected === true;
    if (alsoCorrected) {
      // The typed header keeps its month: its own correction is what shifted the run.
      undo(typed);
      typed.month = m.month;
      delete typed.corrected;
    }
    ctx.findings.error(
      'not-a-month',
      headerSource(ctx, grid, r, m.col),
      `${ctx.aliasesFile} (monthCorrections) reads "${m.text}" as ${monthLabel(m.month)}, but ${cellAddress(r, typed.col)} is headed "${typed.text}", ` +
        `so two columns would hold ${monthLabel(m.month)}${alsoCorrected ? ` (and ${cellAddress(r, typed.col)}'s own correction would put ${monthLabel(m.month)}'s figures under another month)` : ''}; ` +
        `expected one column per month. ${alsoCorrected ? 'The corrections are' : 'The correction is'} not applied and the column's figures are not read: ` +
        `remove the ${alsoCorrected ? `lines for ${cellAddress(r, m.col)} and ${cellAddress(r, typed.col)}` : `line for ${cellAddress(r, m.col)}`} from monthCorrections, ` +
        'and move the column after the months or delete it',
    );
  }
  const runMonths = months.filter((m) => !refusedCorrections.includes(m.col));
  months.length = 0;
  months.push(...runMonths, ...stray.months);
  months.sort((a, b) => a.col - b.col);
  const broken = checkMonthRun(grid, r, months, ctx);
  for (const col of refusedCorrections) broken.add(col);
  for (const m of months) if (m.refused) broken.add(m.col);
  for (const col of stray.cols) broken.add(col);
  const good = months.filter((m) => !broken.has(m.col));
  const seen = new Map<MonthKey, MonthColumn>();
  for (const m of good) {
    const other = seen.get(m.month);
    if (other) {
      // A repeat the run check could not pin on one column (two headers, two months apart): neither is read.
      broken.add(m.col);
      broken.add(other.col);
    }
    seen.set(m.month, m);
  }

  const layout: HeaderLayout = {
    row: r,
    firstRow: band.upper ?? r,
    lastRow,
    indicatorCol,
    months: months.filter((m) => !broken.has(m.col)),
    yearTargets: [],
    benchmarks: {},
    notesCols: new Set(),
    marks: {},
    headedCols: new Set([indicatorCol, ...months.map((m) => m.col)]),
  };
  const benchmarkYears: Partial<Record<BenchmarkKey, number>> = {};
  for (const [col, texts] of [...band.labels.entries()].sort((a, b) => a[0] - b[0])) {
    if (col === indicatorCol || layout.months.some((m) => m.col === col) || broken.has(col) || monthColSet.has(col)) continue;
    layout.headedCols.add(col);
    const label = texts.join(' / ');
    const kind = texts.map((t) => classifyHeader(t, headerGroups(aliases))).find((k) => k !== undefined);
    const year = financialYearInHeader(label);
    switch (kind) {
      case 'refId':
        layout.refIdCol ??= col;
        break;
      case 'type':
        if (layout.typeCol === undefined) {
          layout.typeCol = col;
          warnOnce(
            ctx,
            grid,
            label,
            at(col),
            `the column "${label}" is not printed; its values (such as PERCENTAGE, NUMBER, RATE) are used only to check the figures of indicators the catalogue does not know`,
          );
        }
        break;
      case 'target':
        if (year !== undefined) {
          const twin = layout.yearTargets.find((t) => t.year === year);
          if (twin) {
            ctx.findings.error(
              'missing-column',
              at(col),
              `"${label}" is a second target column for the same year as "${twin.label}" (${columnLetter(twin.col)}); expected one target column per year`,
            );
          } else layout.yearTargets.push({ col, label, year });
        } else if (!layout.target) {
          layout.target = { col, label };
          // "Target FY24", "Target 2024": a year, but no financial year the reader knows, so the target of every month.
          if (YEARISH.test(label)) {
            warnOnce(
              ctx,
              grid,
              label,
              at(col),
              `"${label}" names a year, but not as a financial year ("2023/24", "23-24"), so it is read as the target of every month, of any year; ` +
                `expected a header such as "Target 2023/24" if it is one financial year's target (it is then used for that year's months only), or "Target" if it holds for every month`,
            );
          }
        } else
          warnOnce(
            ctx,
            grid,
            label,
            at(col),
            `"${label}" is a second Target column; the first, "${layout.target.label}" (${columnLetter(layout.target.col)}), is used and this one is ignored`,
          );
        break;
      case 'rag':
      case 'direction':
      case 'trend':
        // Read to be checked against the computed ones (check-workbook-marks.ts); the first column of each kind.
        if (layout.marks[kind] === undefined) {
          layout.marks[kind] = col;
          if (kind === 'direction') layout.directionIsChange = /\b(change|difference)\b/i.test(label);
        }
        break;
      case 'notes':
        layout.notesCols.add(col);
        break;
      case 'ignored':
        break;
      case undefined:
        warnOnce(
          ctx,
          grid,
          label,
          at(col),
          `the column header "${label}" is not one the reader knows, so the column is ignored ` +
            `(expected Ref_ID, Indicator, months, Target, RAG, Direction of travel, Trend, benchmarks or Notes; to read it, add its name to ${ctx.aliasesFile}, ` +
            'or list it under indicatorTables.ignored to ignore it without this warning)',
        );
        break;
      default: {
        const key = kind as BenchmarkKey;
        const current = layout.benchmarks[key];
        const currentYear = benchmarkYears[key];
        if (!current || (year !== undefined && (currentYear === undefined || year > currentYear))) {
          layout.benchmarks[key] = { col, label };
          if (year !== undefined) benchmarkYears[key] = year;
        } else if (year === undefined || year === currentYear) {
          // Not an older year's column (the latest year is read, in silence): which of two alike to print would be a guess.
          warnOnce(
            ctx,
            grid,
            `${label}\u0000second`,
            at(col),
            `"${label}" is a second column for the same benchmark as "${current.label}" (${columnLetter(current.col)}); the first is printed and this one is ignored: ` +
              'delete the one that is out of date, or put its year in each header ("England 2022/23") so that the latest is printed',
          );
        }
      }
    }
  }
  return layout;
}

type HeaderGroup = IndicatorColumn | 'type' | 'ignored';

function headerGroups(aliases: HeaderAliases['indicatorTables']): Record<HeaderGroup, readonly string[]> {
  return aliases;
}

const warnedColumns = new WeakMap<TableContext, Set<string>>();

/** One warning per header text and sheet: ten tables with an "Owner" column are one finding. */
function warnOnce(ctx: TableContext, grid: SheetGrid, label: string, source: SourceRef, message: string): void {
  const warned = warnedColumns.get(ctx) ?? new Set<string>();
  warnedColumns.set(ctx, warned);
  const key = `${grid.name}\u0000${label.toLowerCase()}`;
  if (warned.has(key)) return;
  warned.add(key);
  ctx.findings.warning('unknown-column', source, message);
}

// ---------------------------------------------------------------------------------------------
// Rows

/** A target to compare with another: its value to nine significant figures (a percentage worked out in Excel carries float noise), or its text. */
function targetText(figure: Figure | undefined): string | undefined {
  if (figure?.kind === 'number') return String(Number(figure.value.toPrecision(9)));
  return figure?.kind === 'comparison' ? figure.text : undefined;
}

/**
 * A row with a plain Target and a target named for a financial year that say other things: the year's
 * is printed for its months (targetFor), which is said, naming both cells, never a quiet choice.
 */
function warnTargetsDiffer(row: IndicatorRow, plainLabel: string, ctx: TableContext): void {
  const plain = targetText(row.target);
  if (plain === undefined) return;
  for (const t of row.yearTargets ?? []) {
    const forYear = targetText(t.figure);
    if (forYear === undefined || forYear === plain) continue;
    const shown = (f: Figure | undefined): string => (f?.kind === 'number' ? describeFigure(f) : (targetText(f) ?? ''));
    ctx.findings.warning(
      'conflicting-values',
      t.figure.source,
      `${row.name}: the "${t.label}" column gives ${shown(t.figure)} and the "${plainLabel}" column ${shown(row.target)} (${row.target?.source.cell ?? ''}); ` +
        `months of ${financialYearLabel(t.year)} are measured against "${t.label}", other months against "${plainLabel}". Make them agree, or empty the one that is out of date`,
      row.target?.source,
    );
  }
}

/** A number as the workbook means it: a percentage as a percentage. */
function describeFigure(figure: Extract<Figure, { kind: 'number' }>): string {
  return figure.format.style === 'percent' ? `${Math.round(figure.value * 1000) / 10}%` : String(figure.value);
}

/** Turns a cell into a figure, reporting what a value cell should not hold. */
function figureOf(reading: CellReading | undefined, source: SourceRef, what: string, grid: SheetGrid, ctx: TableContext): Figure {
  if (!reading || reading.kind === 'empty') return { kind: 'missing', reason: 'blank', source };
  switch (reading.kind) {
    case 'number': {
      // "1.9k" is a figure rounded to thousands: read as 1900 it printed as if exact, and "12m" may be months, not millions.
      const scaled = roundedScale(reading);
      if (reading.typedAsText !== undefined && scaled !== undefined) {
        ctx.findings.error(
          'not-a-number',
          source,
          `"${reading.typedAsText}" is a rounded figure (${reading.value.toLocaleString('en-GB')}, in ${scaled}) where the figure itself belongs (${what}), ` +
            `so no figure is read: the reports would print ${reading.value} as if it were exact${scaled === 'millions' ? ' (or was "m" months?)' : ''}; ` +
            'expected the figure typed in full, or "-" until it is known',
        );
        return { kind: 'missing', reason: 'placeholder', text: reading.typedAsText, source };
      }
      return reading.typedAsText !== undefined
        ? { kind: 'number', value: reading.value, format: reading.format, source, stored: reading.typedAsText }
        : { kind: 'number', value: reading.value, format: reading.format, source };
    }
    case 'comparison':
      return { kind: 'comparison', op: reading.op, value: reading.value, format: reading.format, text: reading.text, source };
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
      if (value >= FIRST_PLAUSIBLE_DATE_SERIAL) {
        ctx.findings.error(
          'implausible-value',
          source,
          `the cell holds the date ${reading.date.toISOString().slice(0, 10)} where a figure belongs (${what}), so no figure is read; expected a number (was a date typed or pasted into the cell?)`,
        );
        return { kind: 'missing', reason: 'error', text: reading.date.toISOString().slice(0, 10), source };
      }
      ctx.findings.warning(
        'number-shown-as-date',
        source,
        `the number ${value} is shown as the date "${shownAsDateLabel(reading.date)}" because of the cell's format "${reading.numFmt}"; read as ${value} (${what})`,
      );
      return {
        kind: 'number',
        value,
        format: { style: Number.isInteger(value) ? 'integer' : 'decimal', decimals: 0 },
        source,
        stored: shownAsDateLabel(reading.date),
      };
    }
    case 'text':
      if (isNoFigureText(reading.text, ctx.noFigure)) return { kind: 'missing', reason: 'placeholder', text: reading.text.trim(), source };
      ctx.findings.error(
        'not-a-number',
        source,
        `"${reading.text}" is not a number (${what}); expected a figure, or a text that means no figure (listed under noFigure in ${ctx.aliasesFile})`,
      );
      return { kind: 'missing', reason: 'placeholder', text: reading.text, source };
  }
}

/** A plain number whose reading as a percentage is a guess, and the two it could be. */
interface AmbiguousPercent {
  figure: Figure & { kind: 'number' | 'comparison' };
  reads: string;
  couldBe: string;
  others: string;
}

/** How close (a factor) a figure read the other way must come to the row's figures (its range, or its typical figure) to be a guess. */
const PERCENT_AMBIGUITY = 3;

const asPercent = (fraction: number): string => `${Number((fraction * 100).toPrecision(6))}%`;

/**
 * Percentages arrive as fractions under a % format, as "26%" text, or as plain points (18 meaning 18%).
 * In a percentage row, plain numbers are points when any of the row's plain month figures exceeds 1.
 * Returns the plain numbers whose reading is a guess that changes the figure a hundredfold: a fraction
 * (0.28) in a row of points, whose points (28%) sit among the row's figures, is 0.28% or 28%; a plain 1
 * in a row of fractions far below 100% is 100% or 1%.
 */
function normalisePercentRow(row: IndicatorRow): AmbiguousPercent[] {
  const all: Array<Figure | undefined> = [
    ...Object.values(row.values),
    row.target,
    ...(row.yearTargets ?? []).map((t) => t.figure),
    ...Object.values(row.benchmarks).map((b) => b?.figure),
  ];
  const plain = (f: Figure | undefined): f is Figure & { kind: 'number' | 'comparison' } =>
    f !== undefined && (f.kind === 'number' || f.kind === 'comparison') && f.format.style !== 'percent';
  // The row's numbers say how it is typed; a comparison ("<5", a suppressed small number) says nothing of it,
  // unless the row holds nothing else: counted, "<5" made a row of plain fractions (0.27) read as 0.27%.
  const monthNumbers = Object.values(row.values)
    .filter(plain)
    .filter((f) => f.kind === 'number');
  const monthPlain = monthNumbers.length > 0 ? monthNumbers : Object.values(row.values).filter(plain);
  const rowInPoints = monthPlain.some((f) => Math.abs(f.value) > 1);
  const ambiguous: AmbiguousPercent[] = [];
  const shown = (figures: Array<Figure | undefined>, scale: number): string =>
    figures
      .filter((f): f is Figure & { kind: 'number' | 'comparison' } => f !== undefined && f.kind !== 'missing')
      .slice(0, 4)
      .map((f) => asPercent(f.value * scale))
      .join(', ');
  if (rowInPoints) {
    const points = monthPlain.filter((f) => Math.abs(f.value) > 1);
    // The row's range, not its median: 0.1 (10%) in a row of 25, 74, 28, 15 sat outside a third of the median
    // (31.5) and printed 0.1%, where the row's own lowest figure is 15. A plain 1 is 1% or 100% alike: 100%
    // pasted as a fraction into a row of 84, 88, 80 printed 1%.
    const low = Math.min(...points.map((f) => Math.abs(f.value)));
    const high = Math.max(...points.map((f) => Math.abs(f.value)));
    for (const figure of all) {
      // A bound ("<1") is no plain 1: "<1%" is what it says.
      if (!plain(figure) || figure.value === 0 || Math.abs(figure.value) > 1 || (figure.kind === 'comparison' && Math.abs(figure.value) >= 1)) continue;
      const asPoints = Math.abs(figure.value) * 100;
      if (asPoints >= low / PERCENT_AMBIGUITY && asPoints <= high * PERCENT_AMBIGUITY) {
        ambiguous.push({ figure, reads: asPercent(figure.value / 100), couldBe: asPercent(figure.value), others: `points: ${shown(points, 1 / 100)}` });
      }
    }
  } else {
    const fractions = Object.values(row.values).filter((f): f is Figure & { kind: 'number' } => f?.kind === 'number' && f.format.style === 'percent');
    const typical = median(fractions.map((f) => Math.abs(f.value)));
    for (const figure of all) {
      if (!plain(figure) || figure.value !== 1 || typical === undefined || typical * PERCENT_AMBIGUITY >= 1) continue;
      ambiguous.push({ figure, reads: '100%', couldBe: '1%', others: `fractions under a % format: ${shown(fractions, 1)}` });
    }
  }
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
  return ambiguous;
}

/**
 * How a percentage row's month figures are typed, when each is a plain number (no % format, no "%" typed): in points (27), or in fractions (0.27).
 * `others`: the row's target, year targets and benchmarks typed as plain numbers; `firstOne`: its first month figure typed 1.
 */
type PercentTyping = { kind: 'points' | 'fractions'; values: number[]; first: SourceRef; others: number[]; firstOne?: SourceRef };

/** Each percentage row's typing, as read (before its figures are made fractions): for the table's check. */
const percentTypings = new WeakMap<IndicatorRow, PercentTyping>();

function percentTyping(row: IndicatorRow): PercentTyping | undefined {
  const figures = Object.entries(row.values)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, f]) => f)
    .filter((f): f is Figure & { kind: 'number' | 'comparison' } => f?.kind === 'number' || f?.kind === 'comparison');
  if (figures.length === 0 || figures.some((f) => f.format.style === 'percent')) return undefined;
  const numbers = figures.filter((f): f is Figure & { kind: 'number' } => f.kind === 'number');
  const others = [row.target, ...(row.yearTargets ?? []).map((t) => t.figure), ...Object.values(row.benchmarks).map((b) => b?.figure)].filter(
    (f): f is Figure & { kind: 'number' } => f?.kind === 'number' && f.format.style !== 'percent',
  );
  const firstOne = numbers.find((f) => f.value === 1)?.source;
  // The values as typed: the row's figures are made fractions once read.
  const typing = {
    values: numbers.map((f) => Number(f.value.toPrecision(12))),
    first: (numbers[0] ?? (figures[0] as Figure)).source,
    others: others.map((f) => Number(f.value.toPrecision(12))),
    ...(firstOne ? { firstOne } : {}),
  };
  if (typing.values.some((v) => Math.abs(v) > 1)) return { kind: 'points', ...typing };
  return typing.values.some((v) => v !== 0) ? { kind: 'fractions', ...typing } : undefined;
}

/**
 * An indicator the catalogue does not know, a percentage by its name alone ("... (%)", "Percentage of
 * ..."), whose figures are plain numbers (no % format, no "%" typed): read as points (26 as 26%) or as
 * fractions (0.26 as 26%), as the row's figures say. Printed "0.26" or "26" without a % sign, it read as
 * a count; read as a percentage, the reading rests on the name: said, naming the first figure, so a name
 * that misleads (0.26 meaning 0.26%) is caught before it prints.
 */
function warnPercentByName(row: IndicatorRow, typing: PercentTyping, ctx: TableContext): void {
  const typed = typing.values.slice(-4).find((v) => v !== 0) ?? typing.values.find((v) => v !== 0);
  if (typed === undefined) return;
  const reads = asPercent(typing.kind === 'points' ? typed / 100 : typed);
  ctx.findings.warning(
    'not-in-catalogue',
    typing.first,
    `${row.name}: its name says it is a percentage, but its figures (such as ${typing.values.slice(-4).join(', ')}) are plain numbers with no % format, ` +
      `read by the name as ${typing.kind} (${typed} as ${reads}); expected percentages the workbook says are percentages: ` +
      (typing.kind === 'fractions' ? "format the row's cells as percentages (0%)" : `type them with their % sign ("${reads}")`) +
      `, or add the indicator to ${ctx.catalogue.source} with format: percent (b4b-reports catalogue draft writes its entry)` +
      (typing.kind === 'fractions' ? `; if ${typed} means ${typed}%, type "${typed}%"` : ''),
  );
}

/**
 * A percentage row typed in plain numbers no greater than 1 (0.8, 0.9, 1) in a table whose other
 * percentages are typed in points (18, 17): read as fractions it printed 80%, 90%, 100%, where the
 * table's way of typing says 0.8%, 0.9%, 1%, without a word. Which is meant is a guess: an error naming
 * the row's first figure, with both readings and how to type either.
 */
function checkPercentTypings(rows: IndicatorRow[], ctx: TableContext): void {
  const points = rows.filter((row) => percentTypings.get(row)?.kind === 'points');
  const first = points[0];
  if (!first) {
    checkPercentRowsOfOnes(rows, ctx);
    return;
  }
  const some = (values: number[]): string => values.slice(-4).join(', ');
  for (const row of rows) {
    const typing = percentTypings.get(row);
    if (typing?.kind !== 'fractions') continue;
    const typed = typing.values.slice(-4).find((v) => v !== 0) ?? typing.values.find((v) => v !== 0);
    if (typed === undefined) continue;
    ctx.findings.error(
      'implausible-value',
      typing.first,
      `${row.name}: its figures (such as ${some(typing.values)}) are plain numbers no greater than 1, read as fractions (${asPercent(typed)} for ${typed}), ` +
        `but the table's other percentages are typed in points (${first.name}: ${some(percentTypings.get(first)?.values ?? [])}), so they could mean ${typed}%, and which is a guess; ` +
        `expected the figures as the table's others are typed: type ${Number((typed * 100).toPrecision(12))} if ${asPercent(typed)} is meant, ` +
        `or "${typed}%" (Excel keeps it as a percentage) if ${typed}% is, or format the row's cells as percentages (0%)`,
    );
  }
}

/**
 * A percentage row typed in plain 0s and 1s (no % format, no "%" typed), and nothing in its table typed
 * as a plain fraction (0.26): read as fractions, each 1 printed 100%, where a cell that shows "1" in a
 * row of percentages may as well mean 1% (a rare event, typed in points). With no figure to say how the
 * table types its percentages, which is meant is a guess: an error naming the row's first 1, with both
 * readings and how to type either. (Beside a row typed in points, checkPercentTypings says so already;
 * beside plain fractions such as 0.26, the 1s are read as 100%.)
 */
function checkPercentRowsOfOnes(rows: IndicatorRow[], ctx: TableContext): void {
  const fraction = (v: number): boolean => v !== 0 && Math.abs(v) < 1;
  const typings = rows.map((row) => percentTypings.get(row));
  if (typings.some((t) => t !== undefined && [...t.values, ...t.others].some(fraction))) return;
  rows.forEach((row, i) => {
    const typing = typings[i];
    if (typing?.kind !== 'fractions' || !typing.firstOne) return;
    const shown = typing.values.length > 6 ? `…, ${typing.values.slice(-6).join(', ')}` : typing.values.join(', ');
    ctx.findings.error(
      'implausible-value',
      typing.firstOne,
      `${row.name}: its figures (${shown}) are plain 0s and 1s with no % format, read as fractions (1 as 100%), ` +
        `but nothing in its table is typed as a plain fraction (0.26 for 26%) to say that 1 means 100%, so each 1 could mean 1%, and which is a guess; ` +
        `expected percentages Excel keeps as percentages: format the row's cells as percentages (0%) if 1 means 100%, ` +
        `or type each 1 as "1%" if 1% is meant`,
    );
  });
}

/** A name as an id: the symbols that carry meaning ("<20 miles" is not ">20 miles", "3+" is not "3") as words, other punctuation dropped. */
function slug(name: string): string {
  return normaliseIndicatorName(name)
    .replace(/<=|≤/g, ' at most ')
    .replace(/>=|≥/g, ' at least ')
    .replace(/</g, ' under ')
    .replace(/>/g, ' over ')
    .replace(/\+/g, ' plus ')
    .replace(/%/g, ' percent ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

const entriesBySlug = new WeakMap<IndicatorCatalogue, Map<string, CatalogueEntry>>();

/**
 * The id of a row whose name the catalogue does not hold: the entry's own where the name differs from
 * its name or an alias only in spacing and punctuation ("Percentage of CLA placed < 20 miles from
 * home"), else one of its own that is never another indicator's id. A catalogue id made of the name
 * with its symbols dropped made "Percentage of CLA placed >20 miles from home" the "<20 miles"
 * indicator, printed under that name with its polarity.
 */
function uncataloguedId(name: string, catalogue: IndicatorCatalogue): string {
  let bySlug = entriesBySlug.get(catalogue);
  if (!bySlug) {
    bySlug = new Map();
    for (const entry of catalogue.byId.values())
      for (const known of [entry.name, ...entry.aliases]) if (!bySlug.has(slug(known))) bySlug.set(slug(known), entry);
    entriesBySlug.set(catalogue, bySlug);
  }
  const own = slug(name);
  const same = bySlug.get(own);
  if (same) return same.id;
  return catalogue.byId.has(own) ? `${own}-2` : own;
}

function readRow(grid: SheetGrid, r: number, layout: HeaderLayout, ctx: TableContext): IndicatorRow | undefined {
  const row = grid.rows.get(r);
  if (!row) return undefined;
  const nameReading = row.get(layout.indicatorCol);
  const sourceAt = (col: number): SourceRef => ({ file: ctx.file, sheet: grid.name, cell: cellAddress(r, col) });
  // Runs of spaces are one space; a zero-width no-break space (U+FEFF) is not a space but an invisible character (lookalikes.ts).
  const typed = nameReading?.kind === 'text' ? nameReading.text.replace(/[^\S\ufeff]+/g, ' ').trim() : undefined;
  const invisible = typed === undefined ? [] : invisibleCharacters(typed);
  const name = typed !== undefined && invisible.length > 0 ? withoutInvisible(typed).replace(/\s+/g, ' ').trim() : typed;
  if (!name) {
    const hasFigures = layout.months.some((m) => row.get(m.col)?.kind === 'number');
    if (hasFigures) {
      ctx.findings.warning(
        'missing-value',
        sourceAt(layout.indicatorCol),
        `the row has figures but no indicator name, so it is ignored; expected the indicator's name in column ${columnLetter(layout.indicatorCol)}`,
      );
    }
    return undefined;
  }
  const entry = ctx.catalogue.lookup(name);
  if (invisible.length > 0) {
    // Read right without them, and said: a name that looks right but would match nothing.
    const one = invisible.length === 1;
    ctx.findings.warning(
      'lookalike-characters',
      sourceAt(layout.indicatorCol),
      `the name holds ${one ? 'an invisible character' : 'invisible characters'} (${invisible.join(', ')}); read as "${entry?.name ?? name}"${entry ? ' from the catalogue' : ''}; ` +
        `delete ${one ? 'the character' : 'them'} in the workbook`,
    );
  }
  const lookalike = entry ? undefined : lookalikeOf(name, ctx.catalogue);
  if (lookalike) {
    ctx.findings.error(
      'lookalike-characters',
      sourceAt(layout.indicatorCol),
      `"${name}" is not in the catalogue, but reads as "${lookalike.entry.name}" once lookalike characters are folded: ${lookalike.characters.join(', ')}; ` +
        'retype the name in plain letters (its figures are not read until then)',
    );
  }
  const refReading = layout.refIdCol === undefined ? undefined : row.get(layout.refIdCol);
  const refId = refReading?.kind === 'number' ? String(refReading.value) : refReading?.kind === 'text' ? refReading.text : undefined;
  const typeText = layout.typeCol === undefined ? undefined : textIn(row.get(layout.typeCol))?.trim();
  const indicator: IndicatorRow = {
    id: entry?.id ?? uncataloguedId(name, ctx.catalogue),
    name,
    ...(refId ? { refId } : {}),
    catalogued: entry !== undefined,
    percent: false,
    source: sourceAt(layout.indicatorCol),
    values: {},
    benchmarks: {},
    ...(typeText ? { typeText } : {}),
    notes: [],
  };
  for (const { col, month } of layout.months) {
    indicator.values[month] = figureOf(row.get(col), sourceAt(col), `${name}, ${monthLabel(month)}`, grid, ctx);
  }
  const target = layout.target;
  if (target) indicator.target = figureOf(row.get(target.col), sourceAt(target.col), `${name}, ${target.label}`, grid, ctx);
  if (layout.yearTargets.length > 0) {
    indicator.yearTargets = layout.yearTargets.map((t): YearTarget => ({
      year: t.year,
      label: t.label,
      figure: figureOf(row.get(t.col), sourceAt(t.col), `${name}, ${t.label}`, grid, ctx),
    }));
    if (layout.target && indicator.target) warnTargetsDiffer(indicator, layout.target.label, ctx);
  }
  for (const key of BENCHMARKS) {
    const column = layout.benchmarks[key];
    if (!column) continue;
    indicator.benchmarks[key] = {
      label: column.label,
      figure: figureOf(row.get(column.col), sourceAt(column.col), `${name}, ${column.label}`, grid, ctx),
    };
  }
  const lastHeaded = Math.max(...layout.headedCols);
  for (const [col, reading] of sortedCells(row)) {
    const isNotes = layout.notesCols.has(col) || (col > lastHeaded && reading.kind === 'text');
    if (isNotes && reading.kind === 'text') indicator.notes.push(reading.text);
  }
  const percentByCells = Object.values(indicator.values).some((f) => f !== undefined && f.kind === 'number' && f.format.style === 'percent');
  const percentByType = typeText !== undefined && /percent|%/i.test(typeText);
  indicator.percent = entry ? entry.format === 'percent' : percentByType || PERCENT_NAME.test(name) || percentByCells;
  if (indicator.percent) {
    const typing = percentTyping(indicator);
    if (typing) percentTypings.set(indicator, typing);
    if (typing && !entry && !percentByType) warnPercentByName(indicator, typing, ctx);
    for (const { figure, reads, couldBe, others } of normalisePercentRow(indicator)) {
      const typed = figure.kind === 'number' ? (figure.stored ?? figure.value) : figure.text;
      ctx.findings.error(
        'implausible-value',
        figure.source,
        `${String(typed)} reads as ${reads} but could mean ${couldBe} (${name}; the row's other figures are ${others}), and which is a guess; ` +
          (couldBe === '1%'
            ? `expected a percentage: type "1%" or "100%" (Excel keeps either as a percentage), whichever is meant`
            : `expected the figure as the row's others are typed: type ${couldBe.replace('%', '')} if ${couldBe} is meant, or "${reads}" (Excel keeps it as a percentage) if ${reads} is`),
      );
    }
  }
  if (!indicator.percent) refusePercentagesInRow(indicator, layout, entry, ctx);
  if (lookalike) ctx.namesReported?.add(indicator);
  return indicator;
}

/**
 * A percentage in a row that is not one: a % format painted over a row of counts (504 shown as 50400%)
 * printed "50400%" for 504 children, and a target typed "10%" beside counts (a reduction of 10%?) was
 * printed and rated against as 0.1, both without a word. An error naming the cell: which figure is
 * meant is a guess. The figure is not read.
 */
function refusePercentagesInRow(row: IndicatorRow, layout: HeaderLayout, entry: CatalogueEntry | undefined, ctx: TableContext): void {
  // Each figure of the row, what it is, and how to put another in its place.
  type Labelled = [Figure | undefined, string, (figure: Figure) => void];
  const labelled: Labelled[] = [
    ...layout.months.map((m): Labelled => [row.values[m.month], monthLabel(m.month), (figure) => (row.values[m.month] = figure)]),
    [row.target, layout.target?.label ?? 'Target', (figure) => (row.target = figure)],
    ...(row.yearTargets ?? []).map((t): Labelled => [t.figure, t.label, (figure) => (t.figure = figure)]),
    ...Object.values(row.benchmarks).map((b): Labelled => [
      b?.figure,
      b?.label ?? '',
      (figure) => {
        if (b) b.figure = figure;
      },
    ]),
  ];
  const why = entry
    ? `${ctx.catalogue.source} gives it the format ${entry.format}`
    : `its name${row.typeText ? `, its type "${row.typeText}"` : ''} and its month cells say so`;
  for (const [figure, what, replace] of labelled) {
    if ((figure?.kind !== 'number' && figure?.kind !== 'comparison') || figure.format.style !== 'percent') continue;
    const typed = figure.kind === 'comparison' ? figure.text : typeof figure.stored === 'string' ? figure.stored : undefined;
    const shown = printNumber(figure.value, { decimals: Math.max(figure.format.decimals, 1), minDecimals: 0, percent: true });
    const held =
      typed !== undefined
        ? `"${typed}" is typed as a percentage`
        : `${Number(figure.value.toPrecision(12))} is under a percentage format (Excel shows it as ${shown})`;
    const advice =
      typed !== undefined
        ? 'type the figure the row is counted in, without the % sign'
        : `format the cell as a number (Excel then shows ${Number(figure.value.toPrecision(12))}), or type the figure meant`;
    ctx.findings.error(
      'implausible-value',
      figure.source,
      `${row.name}, ${what}: ${held}, but the indicator is not a percentage (${why}), so the figure is not read; expected a figure as the row's others are: ${advice}` +
        `${entry ? ', or correct the catalogue entry if the indicator is a percentage' : ''}`,
    );
    replace({ kind: 'missing', reason: 'error', text: typed ?? shown, source: figure.source });
  }
}

/**
 * Each row's own RAG, Direction of travel and Trend cells, about the table's latest month. A column
 * that holds something else (the gap to the target as a percentage under a RAG heading, say) is not
 * checked: one warning names it, rather than one a row.
 */
function readTableMarks(grid: SheetGrid, layout: HeaderLayout, rows: IndicatorRow[], ctx: TableContext, table: string): void {
  const month = layout.months
    .map((m) => m.month)
    .sort()
    .pop();
  if (!month) return;
  const columns = (['rag', 'direction', 'trend'] as const).flatMap((column) => {
    const col = layout.marks[column];
    return col === undefined ? [] : [{ column, col }];
  });
  for (const { column, col } of columns) {
    const read = rows.map((row) => {
      const r = Number(/\d+$/.exec(row.source.cell ?? '')?.[0]);
      const source: SourceRef = { file: ctx.file, sheet: grid.name, cell: cellAddress(r, col) };
      return { row, result: readMark(column, grid.rows.get(r)?.get(col), source, ctx.noFigure, grid.date1904) };
    });
    const problems = read.flatMap(({ result }) => (result && 'problem' in result ? [result] : []));
    const heading = column === 'rag' ? 'RAG' : column === 'direction' ? 'Direction of travel' : 'Trend';
    // Numbers that are no RAG code (the gap to the target, say) mean the column holds something else: it is not checked.
    const otherNumbers = problems.filter((p) => p.number);
    const first = otherNumbers[0];
    if (first) {
      ctx.findings.warning(
        'workbook-rag',
        first.source,
        `the ${heading} column of the table "${table}" holds ${otherNumbers.length === 1 ? `"${first.text}"` : `figures such as "${first.text}" in ${otherNumbers.length} rows`}, ` +
          `not ${MARK_EXPECTED[column]}, so it is not checked against the reports' own ${heading}`,
      );
      continue;
    }
    for (const problem of problems) {
      ctx.findings.warning(
        'workbook-rag',
        problem.source,
        `the ${heading} cell holds "${problem.text}", not one of the ${MARK_EXPECTED[column]}, so it is not checked against the reports' own ${heading}`,
      );
    }
    for (const { row, result } of read) {
      if (!result || !('mark' in result)) continue;
      const marks: WorkbookMarks = row.workbookMarks ?? { month };
      const m = result.mark;
      if (m.column === 'rag') marks.rag = { value: m.value, text: m.text, source: m.source };
      else if (m.column === 'trend') marks.trend = { value: m.value, text: m.text, source: m.source };
      else if (!layout.directionIsChange) marks.direction = { value: m.value, text: m.text, source: m.source };
      else {
        // A raw change ("% change from previous month"): its sign is a rise or a fall, improved or worsened by the indicator's polarity.
        const polarity = row.catalogued ? ctx.catalogue.byId.get(row.id)?.polarity : undefined;
        if (polarity === undefined || polarity === 'neutral') continue;
        const rise = m.value === 'improved' ? 1 : m.value === 'worsened' ? -1 : 0;
        const value = rise === 0 ? 'same' : rise > 0 === (polarity === 'higher-is-better') ? 'improved' : 'worsened';
        marks.direction = { value, text: `${m.text}, a change from the month before`, source: m.source };
      }
      row.workbookMarks = marks;
    }
  }
}

/** A row naming the next table: one line of text, nothing in this table's month columns, a header below. */
function isNextTitle(grid: SheetGrid, r: number, layout: HeaderLayout, indicatorAliases: readonly string[]): boolean {
  const row = grid.rows.get(r);
  if (titleOf(row) === undefined) return false;
  if (layout.months.some((m) => row?.has(m.col))) return false;
  const next = nextNonEmptyRow(grid, r + 1, 3);
  return next !== undefined && (isMonthRow(grid.rows.get(next), indicatorAliases) || titleOf(grid.rows.get(next)) !== undefined);
}

/**
 * The section a table belongs to: the nearest title row above its header (past decorative date rows,
 * sheet titles such as "Oct-18 Monthly dataset" and note rows) that names a section.
 */
function sectionAbove(grid: SheetGrid, headerTop: number, floor: number, indicatorAliases: readonly string[]): string | undefined {
  let blanks = 0;
  for (let r = headerTop - 1; r > floor && r >= 1; r--) {
    const row = grid.rows.get(r);
    if (!row) {
      if (++blanks > 2) return undefined;
      continue;
    }
    if (isMonthRow(row, indicatorAliases) && titleOf(row) === undefined) continue; // decorative month-end dates
    const title = titleOf(row);
    if (title === undefined) return undefined; // figures: the previous table
    if (namesSection(title)) return title;
  }
  return undefined;
}

/** The figure columns of a table (months, targets, benchmarks), each with what a message calls it. */
function figureColumns(layout: HeaderLayout): Map<number, string> {
  const columns = new Map<number, string>();
  for (const m of layout.months) columns.set(m.col, monthLabel(m.month));
  if (layout.target) columns.set(layout.target.col, layout.target.label);
  for (const t of layout.yearTargets) columns.set(t.col, t.label);
  for (const b of Object.values(layout.benchmarks)) if (b) columns.set(b.col, b.label);
  return columns;
}

/**
 * Merged cells over a table's figures are an error naming the range: Excel keeps only the first
 * cell's value, so the other cells' figures are gone (or never typed), and the merge shows one figure
 * for several months or rows. A merged title or header is fine.
 */
function checkMergedFigures(grid: SheetGrid, layout: HeaderLayout, body: { first: number; last: number }, rows: IndicatorRow[], ctx: TableContext): void {
  if (body.last < body.first) return;
  const columns = figureColumns(layout);
  const names = new Map(rows.map((row) => [Number(/\d+$/.exec(row.source.cell ?? '')?.[0]), row.name]));
  const describe = (r: number, col: number): string =>
    `${cellAddress(r, col)} (${[names.get(r) ?? `row ${r}`, columns.get(col)].filter((t) => t !== undefined).join(', ')})`;
  for (const merge of grid.merges ?? []) {
    const top = Math.max(merge.top, body.first);
    const bottom = Math.min(merge.bottom, body.last);
    if (top > bottom) continue;
    const hidden: string[] = [];
    for (let r = top; r <= bottom; r++) {
      for (let col = merge.left; col <= merge.right; col++) {
        if ((r !== merge.top || col !== merge.left) && columns.has(col)) {
          hidden.push(describe(r, col));
          ctx.cellsMerged?.add(`${grid.name}!${cellAddress(r, col)}`);
        }
      }
    }
    if (hidden.length === 0) continue;
    const range = `${cellAddress(merge.top, merge.left)}:${cellAddress(merge.bottom, merge.right)}`;
    const masterIsFigure = merge.top >= body.first && columns.has(merge.left);
    const master = masterIsFigure
      ? `${describe(merge.top, merge.left)} shows its figure across the merge`
      : `${cellAddress(merge.top, merge.left)} shows its value across the merge`;
    ctx.findings.error(
      'merged-cells',
      { file: ctx.file, sheet: grid.name, cell: cellAddress(merge.top, merge.left) },
      `the cells ${range} are merged over figures: ${master}, and ${hidden.join(', ')} ${hidden.length === 1 ? 'holds none of its own' : 'hold none of their own'}; ` +
        'expected one figure per cell: unmerge the cells and type each figure',
    );
  }
}

/**
 * A table's latest months in which every figure is 0, after a month with other figures: a month laid
 * out but not filled in yet (zeros typed ahead, or formulas over data not yet in, which show 0). Read
 * as figures, a report for that month would print 0 for every indicator, and a green RAG where lower
 * is better. Those months are not read, with one warning naming them. It takes two zeros to make a
 * month unfilled: one 0 can be a real figure, and checkPlausibility weighs it against the month before.
 */
function leaveOutUnfilledMonths(grid: SheetGrid, layout: HeaderLayout, rows: IndicatorRow[], ctx: TableContext, table: string): void {
  const figuresIn = (m: MonthColumn): Array<Figure & { kind: 'number' | 'comparison' }> =>
    rows.map((row) => row.values[m.month]).filter((f): f is Figure & { kind: 'number' | 'comparison' } => f?.kind === 'number' || f?.kind === 'comparison');
  const unfilled: MonthColumn[] = [];
  let filled: MonthColumn | undefined;
  for (const m of [...layout.months].sort((a, b) => monthsBetween(a.month, b.month))) {
    const figures = figuresIn(m);
    if (figures.length === 0) continue; // a blank month says nothing either way
    if (figures.length >= 2 && figures.every((f) => f.kind === 'number' && f.value === 0)) unfilled.push(m);
    else {
      filled = m;
      break;
    }
  }
  if (!filled || unfilled.length === 0) return;
  const zeros = unfilled.flatMap(figuresIn);
  const rowOf = (f: Figure): number => Number(/\d+$/.exec(f.source.cell ?? '')?.[0]);
  const [top, bottom] = [Math.min(...zeros.map(rowOf)), Math.max(...zeros.map(rowOf))];
  const [left, right] = [Math.min(...unfilled.map((m) => m.col)), Math.max(...unfilled.map((m) => m.col))];
  const earliest = unfilled[unfilled.length - 1] as MonthColumn;
  const latest = unfilled[0] as MonthColumn;
  const under = unfilled.length === 1 ? `under "${latest.text}"` : `under "${earliest.text}" to "${latest.text}"`;
  const before = figuresIn(filled)
    .slice(0, 3)
    .map((f) => (f.kind === 'number' ? describeFigure(f) : f.text));
  ctx.findings.warning(
    'implausible-value',
    { file: ctx.file, sheet: grid.name, cell: cellAddress(layout.row, left) },
    `every figure of the table "${table}" ${under} is 0 (${zeros.length} cells, ${cellAddress(top, left)}:${cellAddress(bottom, right)}), ` +
      `after figures such as ${before.join(', ')} under "${filled.text}": ${unfilled.length === 1 ? 'a month' : 'months'} laid out but not filled in yet ` +
      `(zeros typed ahead, or formulas over data not yet in), so ${unfilled.length === 1 ? 'its' : 'their'} figures are not read; ` +
      'expected the month\'s figures: type them, or "-" in each cell until they are in',
  );
  const leftOut = new Set(unfilled.map((m) => m.month));
  layout.months = layout.months.filter((m) => !leftOut.has(m.month));
  for (const row of rows) for (const month of leftOut) delete row.values[month];
}

/** The fewest figures a table's latest month must hold to be judged a copy of the month before. */
const COPIED_MONTH_MIN_FIGURES = 3;

/**
 * A table's latest month whose every figure is the month before's (three or more figures), where the
 * month before moved from the one before it: a month started by copying the last column, or by formulas
 * over the last month's data, and not filled in yet. Read, each figure printed as the new month's with a
 * level arrow, without a word; real figures of three indicators or more never all hold at once. A
 * warning naming both columns; the figures are read as they stand (they may be right: it says so).
 */
function warnCopiedMonth(layout: HeaderLayout, rows: IndicatorRow[], ctx: TableContext, grid: SheetGrid, table: string): void {
  const months = [...layout.months].sort((a, b) => monthsBetween(a.month, b.month)); // the latest first
  const numbers = (m: MonthColumn | undefined): Array<Figure & { kind: 'number' }> =>
    m === undefined ? [] : rows.map((row) => row.values[m.month]).filter((f): f is Figure & { kind: 'number' } => f?.kind === 'number');
  const at = months.findIndex((m) => numbers(m).length > 0);
  const [latest, before, earlier] = [months[at], months[at + 1], months[at + 2]];
  if (!latest || !before || !earlier || monthsBetween(before.month, latest.month) !== 1 || monthsBetween(earlier.month, before.month) !== 1) return;
  const key = (f: Figure | undefined): string => (f?.kind === 'number' ? `n${Number(f.value.toPrecision(12))}` : f?.kind === 'comparison' ? `c${f.text}` : '');
  const same = (a: MonthColumn, b: MonthColumn): boolean => rows.every((row) => key(row.values[a.month]) === key(row.values[b.month]));
  const figures = numbers(latest);
  if (figures.length < COPIED_MONTH_MIN_FIGURES || numbers(earlier).length < COPIED_MONTH_MIN_FIGURES) return;
  if (figures.every((f) => f.value === 0) || !same(latest, before) || same(before, earlier)) return;
  const rowOf = (f: Figure): number => Number(/\d+$/.exec(f.source.cell ?? '')?.[0]);
  const [top, bottom] = [Math.min(...figures.map(rowOf)), Math.max(...figures.map(rowOf))];
  const some = figures.slice(0, 3).map(describeFigure).join(', ');
  ctx.findings.warning(
    'implausible-value',
    { file: ctx.file, sheet: grid.name, cell: cellAddress(layout.row, latest.col) },
    `every figure of the table "${table}" under "${latest.text}" (${figures.length} cells, ${cellAddress(top, latest.col)}:${cellAddress(bottom, latest.col)}) ` +
      `is the same as under "${before.text}" (${cellAddress(top, before.col)}:${cellAddress(bottom, before.col)}: ${some}${figures.length > 3 ? ', ...' : ''}), ` +
      `though its figures changed from "${earlier.text}" to "${before.text}": a month started as a copy of the month before and not filled in yet? ` +
      `The reports print them as ${monthLabel(latest.month)}'s, each with no change; expected ${monthLabel(latest.month)}'s own figures: type them, or "-" in each cell until they are in`,
  );
}

/** Finds and reads every indicator table on a sheet. */
export function findTables(grid: SheetGrid, ctx: TableContext): IndicatorTable[] {
  const headerRows = findHeaderRows(grid, ctx.aliases.indicator);
  const tables: IndicatorTable[] = [];
  /** Rows a table read (or an error about its header covers): any other row of names and figures is said to be unread. */
  const consumed = new Set<number>();
  let lastSection: string | undefined;
  let lastUsedRow = 0;
  headerRows.forEach((headerRow, index) => {
    const layout = layoutHeader(grid, headerRow, ctx);
    const title = sectionAbove(grid, layout?.firstRow ?? headerRow, lastUsedRow, ctx.aliases.indicator);
    const section = title ?? lastSection;
    lastSection = section;
    lastUsedRow = headerRow;
    // Rows run until a blank row, or the next table's title, date row or header.
    const nextHeader = headerRows[index + 1] ?? Number.POSITIVE_INFINITY;
    if (!layout) {
      for (let r = headerRow; r < nextHeader && grid.rows.has(r); r++) consumed.add(r); // the header's error says why they are not read
      return;
    }
    for (let r = layout.firstRow; r <= layout.lastRow; r++) consumed.add(r);
    const rows: IndicatorRow[] = [];
    const maxRows = ctx.maxRowsPerTable ?? Number.POSITIVE_INFINITY;
    let read = 0;
    for (let r = layout.lastRow + 1; r < nextHeader && r <= grid.rowCount; r++) {
      const row = grid.rows.get(r);
      if (!row) {
        // A blank row ends the table, unless rows of names and figures follow with no header of their
        // own: they are under this table's month headers, and dropping them would be silent.
        const next = nextNonEmptyRow(grid, r + 1, 2);
        const after = next === undefined ? undefined : grid.rows.get(next);
        const orphaned =
          next !== undefined &&
          next < nextHeader &&
          textIn(after?.get(layout.indicatorCol)) !== undefined &&
          layout.months.some((m) => after?.get(m.col)?.kind === 'number') &&
          !isMonthRow(after, ctx.aliases.indicator) &&
          !isNextTitle(grid, next, layout, ctx.aliases.indicator);
        if (!orphaned) break;
        ctx.findings.warning(
          'blank-row-in-table',
          { file: ctx.file, sheet: grid.name, cell: cellAddress(next, layout.indicatorCol) },
          `row ${next} follows a blank row inside the table headed at ${cellAddress(headerRow, layout.indicatorCol)}, with no header of its own, ` +
            `so it is read as part of that table, under its month headers; delete the blank row${next - r > 1 ? 's' : ''} (${r}${next - r > 1 ? `-${next - 1}` : ''}), ` +
            'or give the rows below a header of their own',
        );
        r = next - 1;
        continue;
      }
      if (isMonthRow(row, ctx.aliases.indicator) || isNextTitle(grid, r, layout, ctx.aliases.indicator)) break;
      if (++read > maxRows) {
        ctx.findings.error(
          'too-many-rows',
          { file: ctx.file, sheet: grid.name, cell: cellAddress(r, layout.indicatorCol) },
          `the table headed at ${cellAddress(headerRow, layout.indicatorCol)} runs on past ${maxRows.toLocaleString('en-GB')} rows, so its rows from here on are not read ` +
            `(maxRowsPerTable, limits in config/b4b.yaml); expected a blank row at the end of each table`,
        );
        break;
      }
      lastUsedRow = r;
      consumed.add(r);
      const indicator = readRow(grid, r, layout, ctx);
      if (indicator) rows.push(indicator);
    }
    checkPercentTypings(rows, ctx);
    if (layout.months.length === 0 && rows.length > 0) noMonths(grid, headerRow, layout.indicatorCol, rows.length, ctx);
    // How the table's findings name it: its title, else where its header is.
    const tableName = section ?? `${grid.name}!${cellAddress(headerRow, layout.indicatorCol)}`;
    leaveOutUnfilledMonths(grid, layout, rows, ctx, tableName);
    warnCopiedMonth(layout, rows, ctx, grid, tableName);
    checkMergedFigures(grid, layout, { first: layout.lastRow + 1, last: lastUsedRow }, rows, ctx);
    checkUnheadedFigures(grid, layout, rows, ctx, tableName);
    readTableMarks(grid, layout, rows, ctx, tableName);
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
  checkUnreadRows(grid, consumed, ctx);
  return tables;
}

/** How to type a month header in `col`: the month its neighbours' headers say it is, for the advice. */
function monthExample(layout: HeaderLayout, col: number): string {
  const left = layout.months.find((m) => m.col === col - 1);
  const right = layout.months.find((m) => m.col === col + 1);
  if (left) return `"${monthLabel(addMonths(left.month, 1))}" if it is the month after ${left.text}, or a date`;
  if (right) return `"${monthLabel(addMonths(right.month, -1))}" if it is the month before ${right.text}, or a date`;
  return 'the month, as "Oct-23" or a date';
}

/** Headers between two columns of a header row that are formulas with no saved result, said for a message, else undefined. */
function unsavedFormulaHeaders(grid: SheetGrid, row: number, from: number, to: number): string | undefined {
  const cells = grid.rows.get(row);
  const found: string[] = [];
  for (let col = Math.min(from, to) + 1; col < Math.max(from, to); col++) {
    const reading = cells?.get(col);
    if (reading?.kind === 'formula-without-result') found.push(`${cellAddress(row, col)} (=${reading.formula})`);
  }
  if (found.length === 0) return undefined;
  return found.length === 1
    ? `the header ${found[0]} between them is a formula with no saved result`
    : `the headers ${found.join(', ')} between them are formulas with no saved result`;
}

/**
 * Figures in a column of the table that no header names (a Target header cleared, or merged into the
 * month beside it): nothing reads them, and the reports would print no target and no RAG without a
 * word. A warning a column, naming it and some of its figures. Columns right of the last header hold
 * notes, and are left alone when they hold text only.
 */
function checkUnheadedFigures(grid: SheetGrid, layout: HeaderLayout, rows: IndicatorRow[], ctx: TableContext, table: string): void {
  const figures = new Map<number, Array<{ row: number; value: number }>>();
  for (const indicator of rows) {
    const r = Number(/\d+$/.exec(indicator.source.cell ?? '')?.[0]);
    for (const [col, reading] of sortedCells(grid.rows.get(r))) {
      if (col <= layout.indicatorCol || layout.headedCols.has(col) || reading.kind !== 'number') continue;
      figures.set(col, [...(figures.get(col) ?? []), { row: r, value: reading.value }]);
    }
  }
  for (const [col, found] of figures) {
    const some = found.slice(0, 3).map((f) => `${cellAddress(f.row, col)} ${f.value.toLocaleString('en-GB', { maximumFractionDigits: 4 })}`);
    const figuresText = `${some.join(', ')}${found.length > 3 ? `, and ${found.length - 3} more` : ''}`;
    const heading = grid.rows.get(layout.lastRow)?.get(col);
    if (heading?.kind === 'formula-without-result') {
      // The column has a header, but what it says (a month, most likely) was never calculated.
      ctx.findings.warning(
        'formula-without-result',
        { file: ctx.file, sheet: grid.name, cell: cellAddress(layout.lastRow, col) },
        `the header of column ${columnLetter(col)} of the table "${table}" is the formula =${heading.formula} with no saved result, so what it heads is not known ` +
          `and its figures (${figuresText}) are not read; expected the header itself: type it (${monthExample(layout, col)}), or open and save the workbook in Excel to store the formula's result`,
      );
      continue;
    }
    ctx.findings.warning(
      'unknown-column',
      { file: ctx.file, sheet: grid.name, cell: cellAddress(layout.lastRow, col) },
      `column ${columnLetter(col)} of the table "${table}" holds figures (${figuresText}) under no header, ` +
        `so they are not read (were they a target, the reports would print no RAG); expected a header naming the column (Target, a benchmark), or the figures moved out of the table`,
    );
  }
}

/**
 * Rows of names and figures that no table read (no header row with months above them: a header
 * deleted or overwritten, say) are a warning naming them, so that no figure is dropped unsaid.
 */
function checkUnreadRows(grid: SheetGrid, consumed: ReadonlySet<number>, ctx: TableContext): void {
  const unread = [...grid.rows.keys()]
    .sort((a, b) => a - b)
    .filter((r) => {
      if (consumed.has(r)) return false;
      // A name (text) with at least two figures to its right (a Ref_ID left of the name is no figure).
      const cells = sortedCells(grid.rows.get(r));
      const nameCol = cells.find(([, reading]) => reading.kind === 'text')?.[0];
      return nameCol !== undefined && cells.filter(([col, reading]) => col > nameCol && reading.kind === 'number').length >= 2;
    });
  const blocks: number[][] = [];
  for (const r of unread) {
    const last = blocks[blocks.length - 1];
    if (last && last[last.length - 1] === r - 1) last.push(r);
    else blocks.push([r]);
  }
  for (const block of blocks) {
    const first = block[0] as number;
    const [col, name] = sortedCells(grid.rows.get(first)).find(([, reading]) => reading.kind === 'text') as [number, Extract<CellReading, { kind: 'text' }>];
    const rows = block.length === 1 ? `row ${first} holds` : `rows ${first}-${block[block.length - 1]} hold`;
    const each = block.map((r) => {
      const [c, text] = sortedCells(grid.rows.get(r)).find(([, reading]) => reading.kind === 'text') as [number, Extract<CellReading, { kind: 'text' }>];
      return `${cellAddress(r, c)}: "${text.text}"`;
    });
    ctx.findings.warning(
      'rows-not-read',
      { file: ctx.file, sheet: grid.name, cell: cellAddress(first, col) },
      `${rows} names and figures ("${name.text.length > 60 ? `${name.text.slice(0, 57)}...` : name.text}"${block.length > 1 ? ', ...' : ''}) ` +
        'but no header row with months above them, so they are not read; expected a header row (Indicator and the months) above them',
      undefined,
      each,
    );
  }
}
