import { printNumber, roundHalf } from './round.js';

/**
 * Money in the finance report: thousands of pounds with separators, underspends (negative
 * variances) in brackets: 4,210 is £4.21m over; (220) is £220k under.
 */
export function money000(pounds: number): string {
  const thousands = roundHalf(pounds / 1000, 0);
  const text = printNumber(Math.abs(thousands), { decimals: 0, grouping: true });
  return thousands < 0 ? `(${text})` : text;
}

/** Whole pounds with separators: "£1,235" (half away from zero, like every printed figure). */
export function wholePounds(value: number): string {
  return `£${printNumber(value, { decimals: 0, grouping: true })}`;
}

/** A percentage with one decimal place, negatives in brackets like the money beside it. */
export function percent1(fraction: number): string {
  const text = printNumber(Math.abs(fraction), { decimals: 1, percent: true });
  // In brackets when below zero as printed: -0.04% prints as 0.0%, not (0.0%).
  return fraction < 0 && text !== printNumber(0, { decimals: 1, percent: true }) ? `(${text})` : text;
}

export const MONEY_KEY =
  'Figures are in thousands of pounds (£000). A variance is the forecast outturn less the budget: a positive figure is an overspend; ' +
  'an underspend is shown in brackets, e.g. (220) is £220k under budget.';
