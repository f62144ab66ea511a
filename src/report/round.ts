/**
 * The one rounding rule for every printed figure: half away from zero (what the council's assurance
 * clinics and Excel's ROUND do: 28.5% prints as 29%, an underspend of £2,500 as (3) in £000), applied to
 * the number as it was written, never to its binary approximation. 0.285 as a whole percent is 29%,
 * where `(0.285 * 100).toFixed(0)` gives "28" because 0.285 * 100 is 28.499999999999996 in binary.
 *
 * Intl.NumberFormat does this: it starts from the shortest decimal that reads back as the same double
 * ("0.285"), scales percentages in decimal, and rounds with roundingMode "halfExpand" (Node 20's ICU
 * has it, and it is the default; it is named here so that the rule is written down).
 */
export interface PrintOptions {
  /** Decimal places printed at most. */
  decimals: number;
  /** Decimal places printed at least (default: `decimals`); 0 drops trailing zeros ("36%", "36.5%"). */
  minDecimals?: number;
  /** A fraction printed as a percentage: 0.285 → "29%". */
  percent?: boolean;
  /** Thousands separators ("1,400"); the council's tables print counts without them. */
  grouping?: boolean;
}

const formats = new Map<string, Intl.NumberFormat>();

function numberFormat({ decimals, minDecimals = decimals, percent = false, grouping = false }: PrintOptions): Intl.NumberFormat {
  const key = `${decimals}/${minDecimals}/${percent}/${grouping}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat('en-GB', {
      style: percent ? 'percent' : 'decimal',
      minimumFractionDigits: minDecimals,
      maximumFractionDigits: decimals,
      roundingMode: 'halfExpand',
      useGrouping: grouping,
      // No "-0": a figure that rounds to zero prints as 0.
      signDisplay: 'negative',
    });
    formats.set(key, format);
  }
  return format;
}

/** A number as printed in a report, rounded half away from zero: printNumber(0.285, { decimals: 0, percent: true }) is "29%". */
export function printNumber(value: number, options: PrintOptions): string {
  return numberFormat(options).format(value);
}

/** The value that printNumber prints, as a number: roundHalf(28.5, 0) is 29, roundHalf(-2.5, 0) is -3, roundHalf(1.005, 2) is 1.01. */
export function roundHalf(value: number, decimals: number): number {
  return Number(numberFormat({ decimals }).format(value));
}
