import type { FindingList } from '../findings/finding.js';
import { addMonths, monthLabel, type MonthKey } from '../model/month.js';
import { sameValue, show } from './check-dataset.js';
import type { Figure, IndicatorRow, IndicatorTable } from './types.js';

type NumberFigure = Figure & { kind: 'number' };

interface Copy {
  row: IndicatorRow;
  table: IndicatorTable;
}

interface Pair {
  a: Copy;
  b: Copy;
  /** The months the two disagree, with both figures. */
  differences: Array<{ month: MonthKey; a: NumberFigure; b: NumberFigure }>;
  /** Where a's figure for a month is b's for the month before (lag 1) or after (lag -1), in most months they disagree. */
  shift?: { lag: 1 | -1; months: MonthKey[] };
}

function name(copy: Copy): string {
  return `"${copy.table.section ?? copy.table.id}" (row ${copy.row.source.cell})`;
}

function numberAt(row: IndicatorRow, month: MonthKey): NumberFigure | undefined {
  const figure = row.values[month];
  return figure?.kind === 'number' ? figure : undefined;
}

/**
 * The months two copies disagree, and whether one is the other shifted by a month: a's figure for a
 * month equals b's for the month before (or after) in at least three months and three quarters of
 * the months they disagree.
 */
function compare(a: Copy, b: Copy): Pair {
  const differences: Pair['differences'] = [];
  for (const month of a.table.months) {
    const x = numberAt(a.row, month);
    const y = numberAt(b.row, month);
    if (x && y && !sameValue(x.value, y.value)) differences.push({ month, a: x, b: y });
  }
  const pair: Pair = { a, b, differences };
  for (const lag of [1, -1] as const) {
    const months = differences.filter(({ month, a: x }) => {
      const y = numberAt(b.row, addMonths(month, -lag));
      return y !== undefined && sameValue(x.value, y.value);
    });
    if (months.length >= 3 && months.length >= 0.75 * differences.length) pair.shift = { lag, months: months.map((d) => d.month) };
  }
  return pair;
}

/** The same pair seen from b's side. */
function flipped(pair: Pair): Pair {
  const back: Pair = { a: pair.b, b: pair.a, differences: pair.differences.map((d) => ({ month: d.month, a: d.b, b: d.a })) };
  if (pair.shift) {
    const lag = pair.shift.lag === 1 ? -1 : 1;
    back.shift = { lag, months: pair.shift.months.map((m) => addMonths(m, pair.shift?.lag === 1 ? -1 : 1)) };
  }
  return back;
}

function monthByMonth(pair: Pair): string {
  return `${name(pair.a)} and ${name(pair.b)}: ${pair.differences.map((d) => `${monthLabel(d.month)} ${show(d.a)} vs ${show(d.b)}`).join(', ')}`;
}

/**
 * One finding for a copy whose series is the others' shifted by a month, listing where; the
 * month-by-month detail of every pair goes with it (for --json and the run record).
 */
function reportShift(subject: Copy, pairs: Pair[], findings: FindingList): void {
  const first = pairs[0] as Pair & { shift: NonNullable<Pair['shift']> };
  const lag = first.shift.lag;
  const others = pairs.map((p) => p.b);
  const months = first.shift.months;
  const listed = months.slice(0, 5).map((m) => `${monthLabel(m)} ${show(numberAt(subject.row, m) as NumberFigure)}`);
  const more = months.length > 5 ? `, and ${months.length - 5} more` : '';
  const whose = others.length === 1 ? `the series of ${name(others[0] as Copy)}` : `the other tables' series`;
  const which = others.length === 1 ? '' : ` (${others.map((o) => `"${o.table.section ?? o.table.id}", row ${o.row.source.cell}`).join('; ')})`;
  const head = first.differences[0] as Pair['differences'][number];
  findings.warning(
    'shifted-series',
    head.a.source,
    `${subject.row.name}: ${name(subject)} reads as ${whose} shifted by one month${which}: its figure for a month is theirs for the month ${lag === 1 ? 'before' : 'after'}, ` +
      `in ${months.length} of the ${first.differences.length} months they disagree (${listed.join(', ')}${more}); expected the same figure for a month in every table ` +
      `(is a month column out of step${lag === 1 ? ', or was the table filled in a month late?' : '?'})`,
    head.b.source,
    pairs.map(monthByMonth),
  );
}

/**
 * Warns where one indicator has different figures for the same months in two tables of one sheet.
 * Sheets are compared only with themselves: each sheet is a snapshot refreshed at its own time (the
 * board slide tables lag the data set). A table whose series is the others' shifted by a month is
 * said once, as such ("'Right service right time' reads as the other tables' series shifted by one
 * month"), with the month-by-month detail kept for --json; any other disagreement is one warning per
 * pair of tables, listing the months.
 */
export function checkConflicts(tables: IndicatorTable[], findings: FindingList): void {
  const copies = new Map<string, Copy[]>();
  for (const table of tables) {
    for (const row of table.rows) {
      const key = `${table.sheet}\u0000${row.id}`;
      copies.set(key, [...(copies.get(key) ?? []), { row, table }]);
    }
  }
  for (const list of copies.values()) {
    const pairs: Pair[] = [];
    list.forEach((a, i) => {
      for (const b of list.slice(i + 1)) if (b.table !== a.table) pairs.push(compare(a, b)); // one table's repeat: checkRepeats
    });
    const reported = new Set<Pair>();
    // A table that is every other table's series shifted the same way, while the others agree with each other.
    for (const subject of list) {
      const own = pairs.filter((p) => p.a === subject || p.b === subject).map((p) => (p.a === subject ? p : flipped(p)));
      const rest = pairs.filter((p) => p.a !== subject && p.b !== subject);
      const lag = own[0]?.shift?.lag;
      if (own.length < 2 || lag === undefined || !own.every((p) => p.shift?.lag === lag) || rest.some((p) => p.differences.length > 0)) continue;
      reportShift(subject, own, findings);
      for (const p of pairs) reported.add(p);
      break;
    }
    for (const pair of pairs) {
      if (reported.has(pair) || pair.differences.length === 0) continue;
      if (pair.shift) {
        // Two tables: the one a month late is named against the other.
        const late = pair.shift.lag === 1 ? pair : flipped(pair);
        reportShift(late.a, [late], findings);
        continue;
      }
      const head = pair.differences[0] as Pair['differences'][number];
      findings.warning(
        'conflicting-values',
        head.a.source,
        `${pair.a.row.name}: the tables ${name(pair.a)} and ${name(pair.b)} disagree in ${pair.differences.length} month(s): ` +
          `${pair.differences.map((d) => `${monthLabel(d.month)} ${show(d.a)} vs ${show(d.b)}`).join(', ')}; expected the same figure in every table`,
        head.b.source,
      );
    }
  }
}
