import type { ModelWarning } from '../report/report-figures.js';
import type { PrintedFigure } from '../report/printed-figures.js';
import { monthLabel, type MonthKey } from '../model/month.js';

/** A printed value placed in a pack: its "Page N" where the layout says. */
export type PackFigure = PrintedFigure & { packPage?: number };

export interface Disagreement {
  indicator: string;
  name: string;
  month: MonthKey;
  kind: 'figure' | 'target' | 'benchmark';
  /** For a benchmark, its column heading ("Statistical Neighbours"): only benchmarks of one heading are compared. */
  label?: string;
  /** One printed value of each distinct text, in pack order. */
  values: PackFigure[];
}

/**
 * Every indicator and month that a pack prints with two different figures, two different targets or
 * two different benchmarks of one heading, across its documents (or twice in one document). Blanks and "-" are not figures: a table that lacks
 * a month does not disagree with one that has it. Pure: the pack's documents give their printed values.
 */
export function packDisagreements(figures: PackFigure[]): Disagreement[] {
  const groups = new Map<string, PackFigure[]>();
  for (const f of figures) {
    if (f.kind !== 'figure' && f.kind !== 'target' && f.kind !== 'benchmark') continue;
    const text = f.text.trim();
    if (text === '' || text === '-') continue;
    const key = `${f.kind}|${f.indicator}|${f.month}|${f.kind === 'benchmark' ? (f.label ?? '') : ''}`;
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  const out: Disagreement[] = [];
  for (const list of groups.values()) {
    const first = list[0];
    if (!first) continue;
    const distinct = new Map<string, PackFigure>();
    for (const f of list) if (!distinct.has(f.text.trim())) distinct.set(f.text.trim(), f);
    if (distinct.size < 2) continue;
    const kind = first.kind as Disagreement['kind'];
    out.push({
      indicator: first.indicator,
      name: first.name,
      month: first.month,
      kind,
      ...(kind === 'benchmark' && first.label !== undefined ? { label: first.label } : {}),
      values: [...distinct.values()],
    });
  }
  return out;
}

function origin(f: PackFigure): string {
  return [f.document, f.table ? `table "${f.table}"` : undefined, f.packPage !== undefined ? `Page ${f.packPage}` : undefined].filter(Boolean).join(', ');
}

/**
 * The run warnings for a pack's disagreements: one per indicator and pair of places (the same two
 * tables usually disagree in many months), each month with both values and both cells, and why each
 * was printed (the table each document's template names). `--strict` makes them errors.
 */
export function describeDisagreements(disagreements: Disagreement[], printedBy: 'pack' | 'report' | 'outputs' = 'pack'): ModelWarning[] {
  const groups = new Map<string, Disagreement[]>();
  for (const d of disagreements) {
    const key = `${d.kind}|${d.indicator}|${d.label ?? ''}`;
    const list = groups.get(key);
    if (list) list.push(d);
    else groups.set(key, [d]);
  }
  return [...groups.values()].map((list) => {
    const first = list[0] as Disagreement;
    const places = [...new Set(list.flatMap((d) => d.values.map(origin)))].join(' and ');
    const months = list.map((d) => `${monthLabel(d.month)} ${d.values.map((v) => `${v.text} (${v.cell ?? 'no single cell'})`).join(' / ')}`).join('; ');
    const what = first.kind === 'target' ? 'targets' : first.kind === 'benchmark' ? `${first.label ?? 'benchmark'} benchmarks` : 'figures';
    return {
      message:
        `${printedBy === 'outputs' ? "the month's outputs print" : `the ${printedBy} prints`} different ${what} for "${first.name}" in ${places}, each from the table its template names: ` +
        `${list.length} month(s) differ: ${months}`,
    };
  });
}
