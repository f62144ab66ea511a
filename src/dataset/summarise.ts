import type { Dataset } from './types.js';
import type { MonthKey } from '../model/month.js';

/**
 * The months, in order, for which some indicator table holds a figure (a number, or a comparison such
 * as "<5"). A month column laid out but not filled in (blank, or only "-") does not count: a run for
 * that month is refused rather than printing "-" for every indicator.
 */
export function monthsWithFigures(dataset: Pick<Dataset, 'tables'>): MonthKey[] {
  const months = new Set<MonthKey>();
  for (const table of dataset.tables) {
    for (const month of table.months) {
      if (months.has(month)) continue;
      if (table.rows.some((row) => row.values[month]?.kind === 'number' || row.values[month]?.kind === 'comparison')) months.add(month);
    }
  }
  return [...months].sort();
}

export interface DatasetSummary {
  /** Each sheet of indicator tables: its tables, rows and latest month (a sheet that stops a month short shows here). */
  sheets: Array<{ sheet: string; tables: number; indicatorRows: number; lastMonth?: MonthKey }>;
  tables: number;
  indicatorRows: number;
  distinctIndicators: number;
  firstMonth?: MonthKey;
  lastMonth?: MonthKey;
  teamMeasureRows: number;
  caseloadRows: number;
  commentaryRows: number;
  breakdownRows: number;
  financeRows: { revenue: number; placements: number; costReduction: number };
}

export function summariseDataset(dataset: Dataset): DatasetSummary {
  const bySheet = new Map<string, { tables: number; indicatorRows: number; lastMonth?: MonthKey }>();
  const months: MonthKey[] = [];
  for (const table of dataset.tables) {
    const entry = bySheet.get(table.sheet) ?? { tables: 0, indicatorRows: 0 };
    entry.tables += 1;
    entry.indicatorRows += table.rows.length;
    const last = [...table.months].sort().pop();
    if (last !== undefined && (entry.lastMonth === undefined || last > entry.lastMonth)) entry.lastMonth = last;
    bySheet.set(table.sheet, entry);
    months.push(...table.months);
  }
  months.sort();
  const summary: DatasetSummary = {
    sheets: [...bySheet].map(([sheet, counts]) => ({ sheet, ...counts })),
    tables: dataset.tables.length,
    indicatorRows: dataset.tables.reduce((n, t) => n + t.rows.length, 0),
    distinctIndicators: new Set(dataset.tables.flatMap((t) => t.rows.map((r) => r.id))).size,
    teamMeasureRows: dataset.teamMeasures.length,
    caseloadRows: dataset.caseloads.length,
    commentaryRows: dataset.commentary.length,
    breakdownRows: dataset.breakdowns.length,
    financeRows: {
      revenue: dataset.finance.revenue.length,
      placements: dataset.finance.placements.length,
      costReduction: dataset.finance.costReduction.length,
    },
  };
  if (months[0]) summary.firstMonth = months[0];
  const last = months[months.length - 1];
  if (last) summary.lastMonth = last;
  return summary;
}
