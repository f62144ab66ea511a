import { financialYearOf, type MonthKey } from '../model/month.js';
import type { Figure, IndicatorRow } from './types.js';

/**
 * The target a row sets for a month: the column named for the month's financial year (April to
 * March) where the table has year columns, else the plain Target column. Undefined where neither
 * applies: a table with year targets but none for that year has no target for the month.
 */
export function targetFor(row: IndicatorRow, month: MonthKey): Figure | undefined {
  const year = financialYearOf(month);
  const forYear = row.yearTargets?.find((t) => t.year === year);
  return forYear?.figure ?? row.target;
}
