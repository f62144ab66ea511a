/**
 * Money in the finance report: thousands of pounds with separators, underspends (negative
 * variances) in brackets: 4,210 is £4.21m over; (220) is £220k under.
 */
export function money000(pounds: number): string {
  const thousands = Math.round(pounds / 1000);
  const text = Math.abs(thousands).toLocaleString('en-GB');
  return thousands < 0 ? `(${text})` : text;
}

/** A percentage with one decimal place, negatives in brackets like the money beside it. */
export function percent1(fraction: number): string {
  const text = `${Math.abs(fraction * 100).toFixed(1)}%`;
  return Math.round(fraction * 1000) < 0 ? `(${text})` : text;
}

export const MONEY_KEY =
  'Figures are in thousands of pounds (£000). A variance is the forecast outturn less the budget: a positive figure is an overspend; ' +
  'an underspend is shown in brackets, e.g. (220) is £220k under budget.';
