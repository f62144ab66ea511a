import { monthLongLabel, parseMonth, type MonthKey } from '../model/month.js';

const DAY_MS = 86_400_000;

/** A date as the UK writes it: "30/06/2023". */
export function dayText(date: Date): string {
  return `${String(date.getUTCDate()).padStart(2, '0')}/${String(date.getUTCMonth() + 1).padStart(2, '0')}/${date.getUTCFullYear()}`;
}

/**
 * A date late in the last day of a month (30/09/2023 23:00): midnight on the 1st written in UK summer
 * time by a program that keeps dates in UTC. Excel shows the month before; the cell is meant for the
 * month after. Undefined for a date at midnight, or one whose next midnight is in the same month.
 * Month headers (find-tables.ts) and the project sheets' month cells (read-project-sheets.ts) refuse it.
 */
export function evening(date: Date): { month: MonthKey; time: string; before: string; next: string } | undefined {
  const msOfDay = date.getTime() - Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  if (msOfDay < DAY_MS / 2) return undefined;
  const next = new Date(date.getTime() - msOfDay + DAY_MS);
  if (next.getUTCDate() !== 1) return undefined;
  const month = parseMonth(next);
  if (!month) return undefined;
  const minutes = Math.round((DAY_MS - msOfDay) / 60_000);
  const before = minutes % 60 === 0 ? `${minutes / 60} hour${minutes === 60 ? '' : 's'}` : `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const time = `${String(date.getUTCHours()).padStart(2, '0')}:${String(date.getUTCMinutes()).padStart(2, '0')}`;
  return { month, time, before, next: `1 ${monthLongLabel(month)}` };
}
