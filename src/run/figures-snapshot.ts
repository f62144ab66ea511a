import type { Dataset, Figure } from '../dataset/types.js';
import { formatFigure } from '../report/format-figure.js';
import type { MonthKey } from '../workbook/month.js';
import type { FigureChange } from './ledger.js';

export interface SnapshotEntry {
  where: string;
  indicator: string;
  month: MonthKey;
  value: string;
}

/** Every figure of the workbook, keyed by its place, so that a re-run can say which ones changed. */
export function figuresSnapshot(dataset: Dataset): Record<string, SnapshotEntry> {
  const out: Record<string, SnapshotEntry> = {};
  const add = (where: string, indicator: string, month: MonthKey, value: string): void => {
    out[`${where}|${indicator}|${month}`] = { where, indicator, month, value };
  };
  for (const table of dataset.tables) {
    for (const row of table.rows) {
      for (const [month, figure] of Object.entries(row.values) as Array<[MonthKey, Figure]>) {
        add(`'${table.sheet}' ${table.section ?? table.id}`, row.name, month, formatFigure(figure));
      }
    }
  }
  for (const r of dataset.teamMeasures) add(`Team measures ${r.measure}`, r.team, r.month, `${r.numerator}/${r.denominator}`);
  for (const r of dataset.finance.revenue) {
    add('Finance revenue budget', r.serviceArea, r.month, String(r.budget.value));
    add('Finance revenue forecast outturn', r.serviceArea, r.month, String(r.forecastOutturn.value));
  }
  for (const r of dataset.finance.placements) add('Finance placements number', r.placementType, r.month, String(r.number.value));
  return out;
}

/** The figures that differ between two snapshots (added or removed figures count as changed). */
export function compareSnapshots(before: Record<string, SnapshotEntry>, after: Record<string, SnapshotEntry>): FigureChange[] {
  const changes: FigureChange[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[key];
    const b = after[key];
    if (a?.value === b?.value) continue;
    const entry = (b ?? a) as SnapshotEntry;
    changes.push({ where: entry.where, indicator: entry.indicator, month: entry.month, old: a?.value ?? '(none)', new: b?.value ?? '(none)' });
  }
  return changes.sort((x, y) => `${x.where}${x.indicator}${x.month}`.localeCompare(`${y.where}${y.indicator}${y.month}`));
}
