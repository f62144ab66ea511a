import { IndicatorCatalogue, indicatorKind, type CatalogueEntry, type IndicatorKind } from '../config/catalogue.js';
import { likelyMeantName } from '../config/similar-name.js';
import type { FindingList, SourceRef } from '../findings/finding.js';
import { addMonths, monthLabel, type MonthKey } from '../model/month.js';
import { cellName } from '../report/figure-ref.js';
import { median } from '../workbook/median.js';
import { monthsWithFigures } from './summarise.js';
import type { Figure, IndicatorRow, IndicatorTable } from './types.js';
import { printNumber } from '../report/round.js';

export function sameValue(a: number, b: number): boolean {
  return Math.abs(a - b) < 1e-9;
}

export function show(figure: Figure & { kind: 'number' }): string {
  return printNumber(figure.value, { decimals: figure.format.decimals, percent: figure.format.style === 'percent' });
}

/** A figure as a message shows it: "1,594", "26%", or what the cell says where it holds no figure. */
function figureText(figure: Figure | undefined): string {
  if (figure === undefined || (figure.kind === 'missing' && figure.reason === 'blank')) return 'blank';
  if (figure.kind === 'number') return show(figure);
  return figure.kind === 'comparison' ? figure.text : `"${figure.text ?? ''}"`;
}

function sameFigure(a: Figure | undefined, b: Figure | undefined): boolean {
  const value = (f: Figure | undefined): string =>
    f === undefined || (f.kind === 'missing' && f.reason === 'blank') ? '' : f.kind === 'missing' ? `missing:${f.text ?? ''}` : `${f.kind}:${f.value}`;
  return value(a) === value(b) || (a?.kind === 'number' && b?.kind === 'number' && sameValue(a.value, b.value));
}

/**
 * One indicator twice in one table: the report would print the first row's figures and drop the
 * other's without a word. With different figures it is an error naming both rows and the months
 * that differ; with the same figures (a pasted duplicate) a warning, and the first row is read.
 */
export function checkRepeats(tables: IndicatorTable[], findings: FindingList): void {
  for (const table of tables) {
    const first = new Map<string, IndicatorRow>();
    for (const row of table.rows) {
      const earlier = first.get(row.id);
      if (!earlier) {
        first.set(row.id, row);
        continue;
      }
      const where = `"${row.name}" is twice in the table "${table.section ?? table.id}" (rows ${earlier.source.cell} and ${row.source.cell})`;
      const differing = table.months.filter((m) => !sameFigure(earlier.values[m], row.values[m]));
      if (differing.length === 0 && sameFigure(earlier.target, row.target)) {
        findings.warning('repeated-indicator', row.source, `${where} with the same figures; the first is read; delete the other`, earlier.source);
        continue;
      }
      const listed = differing
        .slice(0, 4)
        .map(
          (m) =>
            `${monthLabel(m)}: ${figureText(earlier.values[m])} in ${earlier.values[m]?.source.cell}, ${figureText(row.values[m])} in ${row.values[m]?.source.cell}`,
        );
      const more = differing.length > 4 ? `; and ${differing.length - 4} more month(s)` : '';
      findings.error(
        'repeated-indicator',
        row.source,
        `${where} with different figures (${differing.length > 0 ? `${listed.join('; ')}${more}` : 'the targets differ'}), so it is not clear which to print; ` +
          'expected each indicator once in a table: delete the wrong row, or rename it if it is another indicator',
        earlier.source,
      );
    }
  }
}

/** Warns where a series has months with no figure between its first and last figures. */
export function checkGaps(tables: IndicatorTable[], findings: FindingList): void {
  for (const table of tables) {
    for (const row of table.rows) {
      const present = table.months.map((m) => row.values[m]?.kind === 'number' || row.values[m]?.kind === 'comparison');
      const first = present.indexOf(true);
      const last = present.lastIndexOf(true);
      if (first < 0) continue;
      const gaps = table.months.filter((_, i) => i > first && i < last && !present[i]);
      if (gaps.length === 0) continue;
      const firstGap = row.values[gaps[0] as MonthKey];
      findings.warning(
        'gap-in-series',
        firstGap?.source ?? row.source,
        `${row.name} has no figure for ${gaps.map(monthLabel).join(', ')} between ${monthLabel(table.months[first] as MonthKey)} and ` +
          `${monthLabel(table.months[last] as MonthKey)}; expected a figure for every month`,
      );
    }
  }
}

/** The cells of a list of figures as a message names them: "AB26:AB30" down one column, else up to four ("AB26, AB29, ..."). */
function cellsText(sources: SourceRef[]): string {
  const cells = sources.map((s) => s.cell ?? '');
  const column = (cell: string): string => /^[A-Z]+/.exec(cell)?.[0] ?? '';
  const row = (cell: string): number => Number(/\d+$/.exec(cell)?.[0]);
  const [first, last] = [cells[0] ?? '', cells[cells.length - 1] ?? ''];
  if (cells.length > 1 && cells.every((c) => column(c) === column(first)) && row(last) - row(first) === cells.length - 1) return `${first}:${last}`;
  return cells.length > 4 ? `${cells.slice(0, 4).join(', ')}, ...` : cells.join(', ');
}

/**
 * A blank cell in the latest month the workbook has figures for, in a row that has the month before's,
 * where that month has figures elsewhere (the table's other rows, or other tables): a month or a figure
 * not typed in yet. A report for that month prints "-" with no RAG or direction of travel, which reads
 * as "no figure this month" and says nothing of a figure missing. A warning per table, naming the
 * cells; a "-" or "TBC" typed in the cell says there is no figure yet, and is not warned about.
 */
export function checkBlankLatestMonth(tables: IndicatorTable[], findings: FindingList, merged: ReadonlySet<string> = new Set()): void {
  const withFigures = monthsWithFigures({ tables });
  const hasFigure = (f: Figure | undefined): boolean => f?.kind === 'number' || f?.kind === 'comparison';
  for (const table of tables) {
    const month = [...table.months]
      .sort()
      .reverse()
      .find((m) => withFigures.includes(m));
    if (month === undefined) continue;
    const before = addMonths(month, -1);
    if (!table.months.includes(before)) continue;
    // A cell a merge hides is an error of its own (merged cells over figures): said once, not again as blank.
    const hiddenByMerge = (f: Figure | undefined): boolean => f !== undefined && merged.has(`${f.source.sheet ?? ''}!${f.source.cell ?? ''}`);
    const blank = table.rows.filter(
      (row) =>
        hasFigure(row.values[before]) &&
        (row.values[month] === undefined || (row.values[month]?.kind === 'missing' && row.values[month]?.reason === 'blank')) &&
        !hiddenByMerge(row.values[month]),
    );
    const cells = blank.flatMap((row) => row.values[month]?.source ?? []);
    if (cells.length === 0) continue;
    const filled = table.rows.map((row) => row.values[month]).find(hasFigure);
    const elsewhere = filled ?? tables.flatMap((t) => t.rows.map((row) => row.values[month])).find(hasFigure);
    if (!elsewhere) continue;
    const label = monthLabel(month);
    const example = cellName(elsewhere.source);
    const named = blank.slice(0, 3).map((r) => `${r.values[month]?.source.cell} (${r.name})`);
    const where = filled
      ? `${named.join('; ')}${blank.length > 3 ? `; and ${blank.length - 3} more` : ''}, though ${blank.length === 1 ? 'it has' : 'they have'} ${monthLabel(before)}'s ` +
        `and the table's other rows have ${label}'s (such as ${example}): ${blank.length === 1 ? 'a figure' : 'figures'} not typed in yet?`
      : `${cellsText(cells)}, though its rows have ${monthLabel(before)}'s and other tables have ${label}'s (such as ${example}): a month not typed in yet?`;
    findings.warning(
      'missing-value',
      cells[0] as SourceRef,
      `the table "${table.section ?? table.id}" has no figure for ${label} in ${where} A report for ${label} prints "-" there, with no RAG or direction of travel; ` +
        `expected ${label}'s figures: type them, or type "-" or "TBC" where a figure is not in yet`,
    );
  }
}

/** Warns once for each indicator name that the catalogue does not know (`reported`: rows whose name is an error already). */
export function checkCatalogue(
  tables: IndicatorTable[],
  findings: FindingList,
  reported: ReadonlySet<IndicatorRow> = new Set(),
  catalogue: IndicatorCatalogue = IndicatorCatalogue.empty(),
): void {
  const named = new Set<string>();
  for (const table of tables) {
    for (const row of table.rows) {
      if (row.catalogued || named.has(row.id) || reported.has(row)) continue;
      named.add(row.id);
      // A slip of a catalogue name ("childen") is the catalogue's indicator printed as a new one, and the template's "not supplied".
      const meant = likelyMeantName(row.name, catalogue);
      findings.warning(
        'not-in-catalogue',
        row.source,
        `"${row.name}" has no entry in the indicator catalogue (${catalogue.source}), so it has no polarity, tolerance or short name; ` +
          'expected an entry with this name or alias' +
          (meant
            ? `. Did you mean "${meant}"? It differs from that name only by a typing slip: correct the name in the workbook, or add it to that entry's aliases`
            : ''),
      );
    }
  }
}

const KIND_WORDS: Record<IndicatorKind, string> = {
  count: 'a count (a whole number, 0 or more)',
  percent: 'a percentage (0% to 100%)',
  rate: 'a rate (0 or more)',
  measure: 'a figure',
};

const POLARITY_TEXT = { 'higher-is-better': 'higher is better', 'lower-is-better': 'lower is better' } as const;

/**
 * A target typed as a comparison carries its own direction ("≥ 95%": higher is better) and the RAG
 * follows it, whatever the catalogue's polarity: "≤ 95%" typed for a percentage where higher is better
 * rated 78% Green. One that points against the indicator's polarity is an error naming its cell.
 */
function checkTargetDirection(row: IndicatorRow, polarity: CatalogueEntry['polarity'], findings: FindingList, catalogueFile: string): void {
  if (polarity === 'neutral') return;
  for (const { figure, label } of rowTargets(row)) {
    if (figure.kind !== 'comparison') continue;
    const says = figure.op === '<' || figure.op === '<=' ? 'lower-is-better' : 'higher-is-better';
    if (says === polarity) continue;
    const number = figure.text.replace(/^(<=|>=|≤|≥|<|>)\s*/, '');
    const agreeing = polarity === 'higher-is-better' ? `"≥ ${number}"` : `"≤ ${number}"`;
    findings.error(
      'implausible-value',
      figure.source,
      `${row.name}, ${label}: "${figure.text}" says ${POLARITY_TEXT[says]}, but the catalogue says ${POLARITY_TEXT[polarity]} for this indicator, ` +
        `so every RAG against it would be turned over; expected ${number} or ${agreeing}, or polarity: ${says} in its entry in ${catalogueFile} if that is meant`,
    );
  }
}

/** Far beyond any figure a children's service reports: a pasted serial number, 1e308, a typo. */
const MAX_ANY_FIGURE = 1e12;

function shown(value: number, percent: boolean): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1e9) return value.toExponential(2);
  return percent ? printNumber(value, { decimals: 1, minDecimals: 0, percent: true }) : printNumber(value, { decimals: 6, minDecimals: 0 });
}

/**
 * A table on a sheet whose other tables go on a month or more further: their latest month's column not
 * added to it yet (or deleted). The sheet's tables move together (the council adds each month's column
 * to every table of a sheet), so a table that stops short is far likelier a column not added than a
 * table that ends there; a report for that month prints "not supplied" for each of its indicators,
 * and `validate` said nothing. A warning per table, naming its header and a cell of the month in
 * another table on the sheet. Tables of other sheets are not compared (a sheet of board slides ends
 * months before the data set).
 */
export function checkShortTables(tables: IndicatorTable[], findings: FindingList): void {
  const latestOf = (table: IndicatorTable): MonthKey | undefined => [...table.months].sort().pop();
  for (const table of tables) {
    const own = latestOf(table);
    if (own === undefined) continue;
    const further = tables
      .filter((other) => other.sheet === table.sheet && other !== table)
      .map((other) => ({ other, latest: latestOf(other) }))
      .filter((o): o is { other: IndicatorTable; latest: MonthKey } => o.latest !== undefined && o.latest > own)
      .sort((a, b) => (a.latest < b.latest ? 1 : -1))[0];
    if (!further) continue;
    const month = further.latest;
    // The month as the other table has it: a figure of it, else its row's source, to show the column.
    const example = further.other.rows.map((row) => row.values[month]).find((f) => f !== undefined && f.kind !== 'missing')?.source;
    const missing = addMonths(own, 1) === month ? monthLabel(month) : `${monthLabel(addMonths(own, 1))} to ${monthLabel(month)}`;
    findings.warning(
      'missing-value',
      table.headerSource,
      `the table "${table.section ?? table.id}" has no column for ${missing}: its months end at ${monthLabel(own)}, ` +
        `though the sheet's other tables go on to ${monthLabel(month)} (such as "${further.other.section ?? further.other.id}"` +
        `${example ? `, ${cellName(example)}` : ''}). A report for ${monthLabel(month)} prints "not supplied" for each of its indicators no other table has for the month; ` +
        `expected a column headed ${monthLabel(month)} after ${monthLabel(own)}'s in this header row, with the month's figures`,
    );
  }
}

/** What a row's figures can be: its catalogue entry's kind, else what its format, type column and name say. */
function rowKind(row: IndicatorRow, catalogue: IndicatorCatalogue): IndicatorKind {
  return indicatorKind(row.catalogued ? catalogue.byId.get(row.id) : undefined, row.name, row.percent, row.typeText);
}

/** A row's targets with the headers they are under: the plain Target and each financial year's. */
function rowTargets(row: IndicatorRow): Array<{ figure: Figure; label: string }> {
  return [...(row.target ? [{ figure: row.target, label: 'Target' }] : []), ...(row.yearTargets ?? []).map((t) => ({ figure: t.figure, label: t.label }))];
}

/** Every figure of a row (its months, targets and benchmarks). */
function rowFigures(row: IndicatorRow): Figure[] {
  return [
    ...Object.values(row.values).filter((f): f is Figure => f !== undefined),
    ...rowTargets(row).map((t) => t.figure),
    ...Object.values(row.benchmarks).flatMap((b) => (b ? [b.figure] : [])),
  ];
}

/**
 * Counts of children and staff print as whole numbers, whatever the cell's number format: a count
 * under "0.00" printed "504.00" children. A count that is not a whole number is an error
 * (checkPlausibility), so only whole numbers are printed this way: the figure itself is unchanged.
 */
export function printCountsWhole(tables: IndicatorTable[], catalogue: IndicatorCatalogue): void {
  for (const row of tables.flatMap((t) => t.rows)) {
    if (rowKind(row, catalogue) !== 'count') continue;
    for (const figure of rowFigures(row)) {
      if (figure.kind === 'number' && figure.format.style === 'decimal' && Number.isInteger(figure.value)) figure.format = { style: 'integer', decimals: 0 };
    }
  }
}

/**
 * Checks every figure against what its indicator's kind allows (catalogue `kind`/`range`, else its
 * format and name): a count is a whole number from 0, a percentage lies in 0-100%, a rate is 0 or
 * more. A figure that cannot be right is an error naming its cell, so it never prints; a series of
 * nothing but errors is an error; a month-on-month jump beyond the configured factor is a warning.
 */
export function checkPlausibility(tables: IndicatorTable[], catalogue: IndicatorCatalogue, findings: FindingList): void {
  const settings = catalogue.file.plausibility;
  for (const table of tables) {
    for (const row of table.rows) {
      const entry = row.catalogued ? catalogue.byId.get(row.id) : undefined;
      const kind = rowKind(row, catalogue);
      const [low, high] =
        entry?.range ??
        (kind === 'percent' ? [0, 1] : kind === 'count' ? [0, settings.maxCount] : kind === 'rate' ? [0, MAX_ANY_FIGURE] : [-MAX_ANY_FIGURE, MAX_ANY_FIGURE]);
      const check = (figure: Figure | undefined, what: string, wholeNumber: boolean): boolean => {
        if (figure?.kind !== 'number' && figure?.kind !== 'comparison') return true;
        const value = figure.value;
        const expected = entry?.range
          ? `a figure from ${shown(low, row.percent)} to ${shown(high, row.percent)} (${catalogue.source} range)`
          : KIND_WORDS[kind];
        if (!Number.isFinite(value) || value < low || value > high || Math.abs(value) > MAX_ANY_FIGURE) {
          findings.error('implausible-value', figure.source, `${row.name}, ${what}: ${shown(value, row.percent)} cannot be right; expected ${expected}`);
          return false;
        }
        if (wholeNumber && kind === 'count' && figure.kind === 'number' && !Number.isInteger(value)) {
          // Quoted as held, never rounded: "3 is not a whole number" said of 3.0000000001 (a formula's rounding error) reads as a fault of the check.
          const held = Math.abs(value) < 1e-4 ? value.toExponential() : String(Number(value.toPrecision(15)));
          const noise =
            Math.abs(value - Math.round(value)) < 1e-6
              ? ` (${Math.round(value)} but for a rounding error, as a formula's result can have: wrap the formula in ROUND(…, 0), or type the count)`
              : '';
          findings.error('implausible-value', figure.source, `${row.name}, ${what}: ${held} is not a whole number${noise}; expected ${expected}`);
          return false;
        }
        return true;
      };
      const months = [...table.months].sort();
      for (const month of months) check(row.values[month], monthLabel(month), true);
      for (const t of rowTargets(row)) check(t.figure, t.label, false);
      if (entry) checkTargetDirection(row, entry.polarity, findings, catalogue.source);
      for (const benchmark of Object.values(row.benchmarks)) if (benchmark) check(benchmark.figure, benchmark.label, false);

      const figures = months.map((m) => row.values[m]);
      const broken = figures.filter((f) => f?.kind === 'missing' && (f.reason === 'error' || f.reason === 'no-result'));
      const readable = figures.filter((f) => f?.kind === 'number' || f?.kind === 'comparison');
      if (broken.length > 0 && readable.length === 0) {
        findings.error(
          'implausible-value',
          (broken[0] as Figure).source,
          `${row.name}: none of its ${broken.length} month cell(s) holds a figure (${broken.length === figures.length ? 'all are' : 'the others are blank or'} errors, ` +
            'dates or formulas without saved results), so it cannot be reported; expected figures (open and save the workbook in Excel if its formulas have no results)',
        );
      }

      if (kind === 'percent') {
        checkPercentFalls(row, months, findings);
        continue;
      }
      checkTargetScale(row, months, kind, settings.jumpFactor, findings, catalogue.source);
      for (let i = 1; i < months.length; i++) {
        const before = row.values[months[i - 1] as MonthKey];
        const after = row.values[months[i] as MonthKey];
        if (before?.kind !== 'number' || after?.kind !== 'number') continue;
        const [low, high] = [Math.min(Math.abs(before.value), Math.abs(after.value)), Math.max(Math.abs(before.value), Math.abs(after.value))];
        // Small counts swing (3 new children in care, then 31): below the floor a change is a jump only
        // when the larger figure is beyond the floor times the factor too (504 children in care, then 0;
        // an average caseload of 14.5, then 1421 with its decimal point lost), or when it is a fall to 0
        // from a series that never came near it (41 ... 19 agency social workers, then 0).
        if (
          high <= low * settings.jumpFactor ||
          (low < settings.jumpFloor && high < settings.jumpFloor * settings.jumpFactor && !steadyThenNothing(row, months, i))
        )
          continue;
        const change =
          after.value === 0
            ? 'is a fall to nothing: a month not filled in yet, or a formula over data not yet in, shows 0; check the figure, and type "-" in the cell if there is none yet'
            : `is a change of more than ${settings.jumpFactor} times; check the figure`;
        // "14,210" typed as text reads as fourteen thousand: say so, it may be a decimal comma (14.21).
        const typed = typeof after.stored === 'string' && after.stored.includes(',') ? ` (typed "${after.stored}": is the comma a decimal point?)` : '';
        findings.warning(
          'implausible-value',
          after.source,
          `${row.name}: ${shown(after.value, false)}${typed} in ${monthLabel(months[i] as MonthKey)} after ${shown(before.value, false)} in ${monthLabel(months[i - 1] as MonthKey)} ` +
            `${change} (the factor is plausibility.jumpFactor in ${catalogue.source})`,
        );
      }
    }
  }
}

/**
 * A count's or rate's target of another scale than its figures: a rate per 1,000 typed in a row per
 * 10,000 (10.2 against a target of 100), or a target with a zero too few (49.5 children against 504).
 * Rated as it stands, the RAG printed Green or Red for a figure it cannot be compared with, without a
 * word. A warning where the figures' median and the target differ by the jump factor or more (a
 * percentage's figures can lie anywhere below its target, so percentages are not checked; nor is a target of 0).
 * A rate's benchmarks too: a Statistical Neighbours rate copied per 1,000 (63.9) beside a row per 10,000
 * (756) was printed as it stood. (A count's benchmark may be a national count, 80,850 beside 545: not checked.)
 */
function checkTargetScale(row: IndicatorRow, months: MonthKey[], kind: IndicatorKind, factor: number, findings: FindingList, catalogueFile: string): void {
  const figures = months.flatMap((m) => {
    const figure = row.values[m];
    return figure?.kind === 'number' && figure.value > 0 ? [figure] : [];
  });
  const typical = median(figures.map((f) => f.value));
  if (typical === undefined) return;
  const benchmarks = kind === 'rate' ? Object.values(row.benchmarks).flatMap((b) => (b ? [{ figure: b.figure, label: b.label, benchmark: true }] : [])) : [];
  for (const { figure: target, label, benchmark } of [...rowTargets(row).map((t) => ({ ...t, benchmark: false })), ...benchmarks]) {
    if ((target.kind !== 'number' && target.kind !== 'comparison') || target.value <= 0) continue;
    const ratio = Math.max(typical / target.value, target.value / typical);
    if (ratio < factor) continue;
    const first = figures[0] as Figure & { kind: 'number' };
    const last = figures[figures.length - 1] as Figure & { kind: 'number' };
    findings.warning(
      'implausible-value',
      target.source,
      `${row.name}: the ${benchmark ? `benchmark ${label}` : label} ${figureText(target)} and its figures (a median of ${printNumber(typical, { decimals: 2, minDecimals: 0 })}, ` +
        `${first.source.cell} to ${last.source.cell}) differ by a factor of ${printNumber(ratio, { decimals: 1, minDecimals: 0 })}, ` +
        `${benchmark ? 'so it is printed beside figures of another scale' : 'so its RAG compares figures of another scale'}: ` +
        `a rate per 1,000 where the row is per 10,000, or a zero too many or too few? Expected the ${benchmark ? 'benchmark' : 'target'} and the figures in the same units ` +
        `(the factor is plausibility.jumpFactor in ${catalogueFile})`,
      first.source,
    );
  }
}

/** A figure that falls to 0 after at least STEADY_MONTHS months, none of them below STEADY_FROM, is a warning, however small. */
const STEADY_MONTHS = 3;
const STEADY_FROM = 10;

/**
 * Whether month i's figure is 0 after a series that never came near it: every earlier month's
 * figure (three or more) at least STEADY_FROM. 19 agency social workers after 41, 40 ... 22, then 0
 * is a month not filled in; 14, 3, 31, 17, 19, then 0 new children in care is a small count's swing.
 */
function steadyThenNothing(row: IndicatorRow, months: MonthKey[], i: number, from = STEADY_FROM): boolean {
  const after = row.values[months[i] as MonthKey];
  if (after?.kind !== 'number' || after.value !== 0) return false;
  const before = months.slice(0, i).flatMap((m) => {
    const figure = row.values[m];
    return figure?.kind === 'number' ? [figure.value] : [];
  });
  return before.length >= STEADY_MONTHS && before.every((v) => v >= from);
}

/** A percentage at least this high (as a fraction) that falls to 0% the next month is a warning. */
const PERCENT_FALL_FROM = 0.5;
/** A percentage that falls to 0% after STEADY_MONTHS months or more, none of them below this, is a warning too. */
const PERCENT_STEADY_FROM = 0.1;

/**
 * Percentages swing (31% of a handful of children one month, 0% the next), so they have no jump check;
 * but a rate of half or more that falls to exactly 0%, or one that falls to it after three months or
 * more never below 10% (re-referrals at 21%, 19%, 21%, then 0%), is far likelier a month not filled in,
 * or a formula over data not yet in, than a real month: 0% printed, and Red or Green, without a word.
 */
function checkPercentFalls(row: IndicatorRow, months: MonthKey[], findings: FindingList): void {
  for (let i = 1; i < months.length; i++) {
    const before = row.values[months[i - 1] as MonthKey];
    const after = row.values[months[i] as MonthKey];
    if (before?.kind !== 'number' || after?.kind !== 'number' || after.value !== 0) continue;
    // 85% then 0%; or 21%, 19%, 21% then 0% (re-referrals): a month not filled in. 31% of a handful, 0%, 15% swings.
    if (before.value < PERCENT_FALL_FROM && !steadyThenNothing(row, months, i, PERCENT_STEADY_FROM)) continue;
    findings.warning(
      'implausible-value',
      after.source,
      `${row.name}: ${shown(after.value, true)} in ${monthLabel(months[i] as MonthKey)} after ${shown(before.value, true)} in ${monthLabel(months[i - 1] as MonthKey)} ` +
        'is a fall to nothing: a month not filled in yet, or a formula over data not yet in, shows 0%; check the figure, and type "-" in the cell if there is none yet',
    );
  }
}
