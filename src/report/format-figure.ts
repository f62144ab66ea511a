import type { CatalogueEntry } from '../config/catalogue.js';
import type { Figure } from '../dataset/types.js';
import type { DisplayFormat } from '../workbook/cell-value.js';
import type { Rag, TargetValue } from '../model/rag.js';
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

/** How a number prints: the catalogue's format (`override`) where it agrees with the cell on being a percentage, else the cell's. */
function displayFormat(figure: Figure & { kind: 'number' }, override: DisplayFormat | undefined): DisplayFormat {
  return override && (override.style === 'percent') === (figure.format.style === 'percent') ? { ...figure.format, ...override } : figure.format;
}

/** The text of a figure in a table cell: blanks stay blank, "-" and "TBC" print as typed. */
export function formatFigure(figure: Figure | undefined, override?: DisplayFormat): string {
  if (!figure) return '';
  switch (figure.kind) {
    case 'number':
      return formatNumber(figure.value, displayFormat(figure, override));
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

/** The most decimal places a figure beside its RAG gains to show why it is rated as it is. */
const MAX_EXTRA_DECIMALS = 4;

/** The number a printed figure says: "94.5%" is 0.945. */
function printedValue(text: string, format: DisplayFormat): number {
  return Number(text.replace(/%$/, '')) / (format.style === 'percent' ? 100 : 1);
}

/**
 * A figure and its target as printed beside the figure's RAG (`ragOf`, the true judgement). Rounded, a
 * figure can read as meeting its target when its RAG says it does not: 94.5% prints "95%" against a
 * target of 95% and is rated Amber, which a reader takes for a mistake. Where the printed figures,
 * judged as the RAG is, would give another RAG, the figure (and the target, where its own rounding is
 * the cause) print with as many more decimals as it takes ("94.5%"). The RAG stays on the true value.
 */
export function textsBesideRag(
  figure: Figure | undefined,
  target: Figure | undefined,
  override: DisplayFormat | undefined,
  ragOf: (value: number, target: TargetValue) => Rag | undefined,
): { figure: string; target: string } {
  const texts = { figure: cellText(figure, override), target: cellText(target) };
  if (figure?.kind !== 'number' || (target?.kind !== 'number' && target?.kind !== 'comparison')) return texts;
  const rag = ragOf(figure.value, target);
  if (rag === undefined) return texts;
  const format = displayFormat(figure, override);
  // A comparison target ("<36%") prints as typed, and compares with the number it says.
  const targetAt = (decimals: number): { text: string; value: TargetValue } => {
    if (target.kind === 'comparison') return { text: texts.target, value: target };
    const text = decimals <= target.format.decimals ? texts.target : formatNumber(target.value, { ...target.format, decimals });
    return { text, value: { kind: 'number', value: printedValue(text, target.format) } };
  };
  for (let extra = 0; extra <= MAX_EXTRA_DECIMALS; extra++) {
    const decimals = format.decimals + extra;
    const text = extra === 0 ? texts.figure : formatNumber(figure.value, { ...format, decimals });
    for (const printedTarget of [targetAt(0), targetAt(decimals)]) {
      if (ragOf(printedValue(text, format), printedTarget.value) === rag) return { figure: text, target: printedTarget.text };
    }
  }
  return texts;
}

/**
 * The month before's figure and the month's as printed beside an arrow that says they differ: rounded
 * alike ("85%" and "85%" for 85.1% and 84.9%) under ↓, they read as a mistake. Then both print with as
 * many more decimals as it takes to differ ("85.1%", "84.9%"); undefined where the printed figures
 * already differ (`currentText` is the month's text as printed) or the figures are the same.
 */
export function textsBesideArrow(
  previous: Figure | undefined,
  current: Figure | undefined,
  override: DisplayFormat | undefined,
  currentText: string,
): { previous: string; current: string } | undefined {
  if (previous?.kind !== 'number' || current?.kind !== 'number' || cellText(previous, override) !== currentText) return undefined;
  const [before, now] = [displayFormat(previous, override), displayFormat(current, override)];
  for (let extra = 1; extra <= MAX_EXTRA_DECIMALS; extra++) {
    const texts = {
      previous: formatNumber(previous.value, { ...before, decimals: before.decimals + extra }),
      current: formatNumber(current.value, { ...now, decimals: now.decimals + extra }),
    };
    if (texts.previous !== texts.current) return texts;
  }
  return undefined;
}

/** The display a catalogue entry sets over the cell's, where it gives decimals (`decimals: 2`): none otherwise. */
export function catalogueDisplay(entry: CatalogueEntry | undefined): DisplayFormat | undefined {
  if (entry?.decimals === undefined) return undefined;
  const style = entry.format === 'percent' ? 'percent' : entry.format === 'decimal' ? 'decimal' : 'integer';
  return { style, decimals: entry.decimals };
}

/**
 * The report month's figure, the month before's and the target as a report table prints them: the
 * month beside its RAG with the decimals that show why it is rated so (`textsBesideRag`, where `rag`
 * is the computed RAG the row prints), then both months with the decimals that show a move the arrow
 * says (`textsBesideArrow`, where `moved`). Messages about the row quote these, never other roundings.
 */
export function monthTextsAsPrinted(
  previous: Figure | undefined,
  current: Figure | undefined,
  target: Figure | undefined,
  override: DisplayFormat | undefined,
  marks: { ragOf: (value: number, target: TargetValue) => Rag | undefined; rag: Rag | undefined; moved: boolean },
): { previous: string; current: string; target: string } {
  const beside = marks.rag !== undefined ? textsBesideRag(current, target, override, marks.ragOf) : undefined;
  const texts = { previous: cellText(previous, override), current: beside?.figure ?? cellText(current, override), target: beside?.target ?? cellText(target) };
  const apart = marks.moved ? textsBesideArrow(previous, current, override, texts.current) : undefined;
  return apart ? { ...texts, ...apart } : texts;
}
