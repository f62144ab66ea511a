import type { Dataset, Figure } from '../dataset/types.js';
import type { SourceRef } from '../findings/finding.js';
import { formatFigure } from '../report/format-figure.js';
import { cellName } from '../report/figure-ref.js';
import type { PrintedFigure, PrintedKind } from '../report/printed-figures.js';
import { addMonths, monthLabel, type MonthKey } from '../model/month.js';
import type { SetReads } from '../produce/output-set.js';
import type { FigureChange } from './ledger.js';

export interface SnapshotEntry {
  where: string;
  indicator: string;
  month: MonthKey;
  value: string;
  /** What the value is, where it is not a month's figure: a target, benchmark, RAG, direction or commentary. */
  what?: string;
  /** The cell it comes from ("'B4B data set'!F14"). */
  cell?: string;
}

/** What marks a snapshot entry as what a document prints (its target, RAG...), not a workbook value. */
const PRINTED = ' (printed)';

/** The longest old or new value a change records: commentary can be long, and the ledger is bounded. */
export const CHANGE_VALUE_LIMIT = 200;

const PRINTED_WHAT: Record<PrintedKind, string> = {
  figure: 'figure',
  target: 'target',
  benchmark: 'benchmark',
  rag: 'RAG',
  direction: 'direction of travel',
  commentary: 'commentary',
};

/** The cell a value comes from, as a change names it. */
function cellOf(source: SourceRef): { cell?: string } {
  const cell = cellName(source);
  return cell ? { cell } : {};
}

/** Every part of the workbook: what a snapshot holds when the set's reads are not given. */
const EVERYTHING: SetReads = { tables: 'all', breakdowns: true, teamMeasures: true, finance: true, commentary: 'all' };

/**
 * Everything a set prints, keyed by its place, so that a re-run can say what changed: every figure
 * of the workbook's tables and sheets its documents print from (`reads`), each table row's targets
 * and benchmarks, the month's commentary of its reports, and what the documents print from them
 * (targets, benchmarks, RAG and direction of travel as the reports judged them).
 */
export function figuresSnapshot(dataset: Dataset, month: MonthKey, printed: PrintedFigure[] = [], reads: SetReads = EVERYTHING): Record<string, SnapshotEntry> {
  const out: Record<string, SnapshotEntry> = {};
  const add = (entry: SnapshotEntry): void => {
    out[`${entry.what ?? 'figure'}|${entry.where}|${entry.indicator}|${entry.month}`] = entry;
  };
  const readsRow = (id: string): boolean => reads.tables === 'all' || reads.tables.includes(id);
  for (const table of dataset.tables) {
    const where = `'${table.sheet}' ${table.section ?? table.id}`;
    for (const row of table.rows) {
      if (!readsRow(row.id)) continue;
      for (const [m, figure] of Object.entries(row.values) as Array<[MonthKey, Figure]>) {
        add({ where, indicator: row.name, month: m, value: formatFigure(figure), ...cellOf(figure.source) });
      }
      // Targets and benchmarks apply to the table rather than a month: keyed by the report month.
      const targets: Array<[string, Figure | undefined]> = [
        ['target', row.target],
        ...(row.yearTargets ?? []).map((t): [string, Figure] => [`target ${t.label}`, t.figure]),
        ...Object.values(row.benchmarks).map((b): [string, Figure] => [`benchmark ${b.label}`, b.figure]),
      ];
      for (const [what, figure] of targets) {
        if (!figure) continue;
        add({ where, indicator: row.name, month, what, value: formatFigure(figure), ...cellOf(figure.source) });
      }
    }
  }
  for (const r of reads.teamMeasures ? dataset.teamMeasures : [])
    add({ where: `Team measures ${r.measure}`, indicator: r.team, month: r.month, value: `${r.numerator}/${r.denominator}` });
  for (const r of reads.breakdowns ? dataset.breakdowns : []) {
    const value = r.outOf ? `${formatFigure(r.value)} of ${r.outOf.value}` : formatFigure(r.value);
    add({ where: `Breakdowns ${r.measure}${r.period ? ` ${r.period}` : ''}`, indicator: r.category, month: r.month, value, ...cellOf(r.value.source) });
  }
  for (const r of reads.finance ? dataset.finance.revenue : []) {
    add({ where: 'Finance revenue budget', indicator: r.serviceArea, month: r.month, value: String(r.budget.value), ...cellOf(r.budget.source) });
    add({
      where: 'Finance revenue forecast outturn',
      indicator: r.serviceArea,
      month: r.month,
      value: String(r.forecastOutturn.value),
      ...cellOf(r.forecastOutturn.source),
    });
  }
  for (const r of reads.finance ? dataset.finance.placements : [])
    add({ where: 'Finance placements number', indicator: r.placementType, month: r.month, value: String(r.number.value), ...cellOf(r.number.source) });
  for (const c of dataset.commentary) {
    if (c.month !== month || (reads.commentary !== 'all' && !reads.commentary.includes(c.report.toLowerCase()))) continue;
    add({
      where: `Commentary ${c.report}`,
      indicator: `${c.section} (${c.kind})`,
      month: c.month,
      what: 'commentary',
      value: c.text,
      ...cellOf(c.source),
    });
  }
  // What the documents print and judge: a changed target changes a RAG, which is listed too.
  for (const p of printed) {
    if (p.kind === 'figure') continue;
    const what = p.kind === 'benchmark' && p.label ? `${PRINTED_WHAT[p.kind]} ${p.label}` : PRINTED_WHAT[p.kind];
    add({ where: `${p.document}${PRINTED}`, indicator: p.name, month: p.month, what, value: p.text, ...(p.cell ? { cell: p.cell } : {}) });
  }
  return out;
}

function cut(text: string): string {
  return text.length <= CHANGE_VALUE_LIMIT ? text : `${text.slice(0, CHANGE_VALUE_LIMIT - 1)}…`;
}

/** The values that differ between two snapshots (added or removed values count as changed). */
export function compareSnapshots(before: Record<string, SnapshotEntry>, after: Record<string, SnapshotEntry>): FigureChange[] {
  const changes: FigureChange[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[key];
    const b = after[key];
    if (a?.value === b?.value) continue;
    const entry = (b ?? a) as SnapshotEntry;
    changes.push({
      where: entry.where,
      indicator: entry.indicator,
      month: entry.month,
      ...(entry.what ? { what: entry.what } : {}),
      ...(entry.cell ? { cell: entry.cell } : {}),
      old: a ? cut(a.value) : '(none)',
      new: b ? cut(b.value) : '(none)',
    });
  }
  // A target or benchmark a document prints straight from its table's cell is one change, listed as the table's.
  const same = (c: FigureChange): string => [c.what, c.indicator, c.month, c.cell, c.old, c.new].join('\u0000');
  const fromTables = new Set(changes.filter((c) => !c.where.endsWith(PRINTED)).map(same));
  return changes
    .filter((c) => !(c.where.endsWith(PRINTED) && c.cell !== undefined && fromTables.has(same(c))))
    .sort((x, y) => `${x.where}${x.indicator}${x.month}${x.what ?? ''}`.localeCompare(`${y.where}${y.indicator}${y.month}${y.what ?? ''}`));
}

/** One row's past months as an earlier month's run read them, where most now differ. */
export interface PastRevision {
  where: string;
  indicator: string;
  /** The months both runs read whose figures differ, latest first, with both values and the cell each now comes from. */
  differ: Array<{ month: MonthKey; old: string; new: string; cell?: string }>;
  /** How many months up to the earlier run's both runs read for the row. */
  shared: number;
  /** Where each month now holds the figure the earlier run read for the month before (1) or after (-1): the row moved by a month. */
  lag?: 1 | -1;
  /** The months, latest first, whose figure is the earlier run's for the month before (or after). */
  moved?: MonthKey[];
}

/**
 * The rows whose past figures (months up to `upTo`), as an earlier month's run read them (`earlier`),
 * now differ (`now`): a row pasted one column over, or sorted apart from its names, prints every month
 * wrong, and nothing in the workbook itself says so. Listed: a row whose months each hold the earlier
 * run's figure for the month before (or after), in three or more months and three quarters of those
 * that differ; and a row that differs in three or more months and three quarters of all. A few months
 * revised (late recording) are not listed; a whole row restated on purpose (a rate on new population
 * figures) is, as nothing tells it from a slip. Month figures only: targets, RAG and commentary
 * belong to their own month.
 */
export function pastRevisions(earlier: Record<string, SnapshotEntry>, now: Record<string, SnapshotEntry>, upTo: MonthKey): PastRevision[] {
  interface Row {
    where: string;
    indicator: string;
    /** The earlier run's figure for each month (up to upTo), and the months both runs read. */
    then: Map<MonthKey, string>;
    both: Map<MonthKey, { old: string; new: string; cell?: string }>;
  }
  const rows = new Map<string, Row>();
  for (const [key, before] of Object.entries(earlier)) {
    if (before.what !== undefined || before.month > upTo) continue;
    const rowKey = `${before.where}\u0000${before.indicator}`;
    let row = rows.get(rowKey);
    if (!row) rows.set(rowKey, (row = { where: before.where, indicator: before.indicator, then: new Map(), both: new Map() }));
    row.then.set(before.month, before.value);
    const after = now[key];
    if (after && after.what === undefined) row.both.set(before.month, { old: before.value, new: after.value, ...(after.cell ? { cell: after.cell } : {}) });
  }
  const revised: PastRevision[] = [];
  for (const { where, indicator, then, both } of rows.values()) {
    const differ = [...both]
      .filter(([, v]) => v.old !== v.new)
      .map(([month, v]) => ({ month, ...v }))
      .sort((a, b) => b.month.localeCompare(a.month));
    const revision: PastRevision = { where, indicator, differ, shared: both.size };
    for (const lag of [1, -1] as const) {
      const moved = differ.filter((d) => then.get(addMonths(d.month, -lag)) === d.new).map((d) => d.month);
      if (moved.length >= 3 && moved.length >= 0.75 * differ.length) Object.assign(revision, { lag, moved });
    }
    if (revision.lag !== undefined || (differ.length >= 3 && differ.length >= 0.75 * both.size)) revised.push(revision);
  }
  return revised;
}

/**
 * What a run says of a past revision, naming the workbook and the cell of the latest month that
 * differs: the row moved by a month, or most of its months changed, since `earlier` (the run of an
 * earlier month, as the message names it).
 */
export function describePastRevision(revision: PastRevision, earlier: string, workbookName: string): string {
  const { differ, shared, lag, moved = [] } = revision;
  const head = differ[0];
  const cell = `${workbookName}${head?.cell ? ` › ${head.cell}` : ''}: `;
  // A moved row is shown by the months that moved (a month after the earlier run's has no figure to compare).
  const shown = lag === undefined ? differ : differ.filter((d) => moved.includes(d.month));
  const listed = shown
    .slice(0, 3)
    .map((d) =>
      lag === undefined
        ? `${monthLabel(d.month)} ${d.old} then, ${d.new} now`
        : `${monthLabel(d.month)} ${d.new}, which was ${monthLabel(addMonths(d.month, -lag))}'s`,
    );
  const more = shown.length > 3 ? `, and ${shown.length - 3} more` : '';
  const subject = `${revision.indicator} (${revision.where})`;
  if (lag !== undefined)
    return (
      `${cell}${subject}: each month now holds the figure ${earlier} read for the month ${lag === 1 ? 'before' : 'after'}, ` +
      `in ${moved.length} of the ${shared} months both read (${listed.join('; ')}${more}): is the row out of step with its month headers, ` +
      `pasted one column over? Put each figure under its own month, then run this month again with --force`
    );
  return (
    `${cell}${subject}: ${differ.length} of the ${shared} months ${earlier} also read now differ (${listed.join('; ')}${more}): ` +
    `a row pasted over or sorted apart from its names changes them all. If the figures were restated on purpose, nothing is wrong; if not, correct the row, then run this month again with --force`
  );
}
