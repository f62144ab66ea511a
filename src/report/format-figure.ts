import type { Figure } from '../dataset/types.js';
import type { DisplayFormat } from '../workbook/cell-value.js';
import { printNumber } from './round.js';

/**
 * How a figure prints: percentages as "26%", decimals as held ("16.40"), no thousands separators (as
 * the council's tables), rounded half away from zero (./round.ts: 0.285 as a whole percent is 29%).
 */
export function formatNumber(value: number, format: DisplayFormat): string {
  if (format.style === 'percent') return printNumber(value, { decimals: format.decimals, percent: true });
  if (format.style === 'decimal') return printNumber(value, { decimals: format.decimals });
  return Number.isInteger(value) ? String(value) : printNumber(value, { decimals: Math.max(1, format.decimals) });
}

/** The text of a figure in a table cell: blanks stay blank, "-" and "TBC" print as typed. */
export function formatFigure(figure: Figure | undefined, override?: DisplayFormat): string {
  if (!figure) return '';
  switch (figure.kind) {
    case 'number':
      return formatNumber(
        figure.value,
        override && (override.style === 'percent') === (figure.format.style === 'percent') ? { ...figure.format, ...override } : figure.format,
      );
    case 'comparison':
      return figure.text;
    case 'missing':
      return figure.reason === 'placeholder' ? (figure.text ?? '') : figure.reason === 'blank' ? '' : '-';
  }
}

export function numericValue(figure: Figure | undefined): number | undefined {
  return figure?.kind === 'number' ? figure.value : undefined;
}

/** The one mark a table prints where it has no figure (a blank or "-" cell, no cell at all), as its key says. */
export const NO_FIGURE = '-';

/**
 * The text of a figure in a report table: the figure as formatted, a word the workbook typed in its
 * place as typed ("TBC", a "Local" benchmark: it says why there is none), else the no-figure mark.
 */
export function cellText(figure: Figure | undefined, override?: DisplayFormat): string {
  return formatFigure(figure, override) || NO_FIGURE;
}
