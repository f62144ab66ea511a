/**
 * The workbook's own RAG, Direction of travel and Trend cells, read so that they can be checked
 * against what the reports compute (hand-kept arrows go stale: the council's own pack printed ↑ for
 * a figure that fell from 85% to 78%). What each cell may hold:
 *
 * - RAG: Red, Amber, Green (or R, A, G), or the workbook's icon-set codes -1 (Red), 0 (Amber), 1 (Green);
 * - Direction of travel: a number whose sign says it (1 or a positive change: improved; -1 or a
 *   negative change: worsened; 0: no change), an arrow (↑ ↓ →) or a word (improved, worsened, same);
 * - Trend: the same, for the raw rise or fall (up, down, same).
 *
 * A blank cell, or a text that means no figure ("-"), is no mark. Anything else is a warning naming
 * the cell: the mark cannot be checked.
 */
import { isNoFigureText } from '../config/header-aliases.js';
import type { WorkbookMark } from '../dataset/types.js';
import type { SourceRef } from '../findings/finding.js';
import type { Direction, Rag, Trend } from '../model/rag.js';
import { printNumber } from '../report/round.js';
import { dateReadingAsNumber, shownAsDateLabel, type CellReading } from './cell-value.js';

export type MarkColumn = 'rag' | 'direction' | 'trend';

const RAG_CODES = new Map<number, Rag>([
  [-1, 'red'],
  [0, 'amber'],
  [1, 'green'],
]);

const RAG_WORDS: Record<string, Rag> = { red: 'red', r: 'red', amber: 'amber', a: 'amber', green: 'green', g: 'green' };

/** A RAG typed as a word or its letter, in any case ("Red", "amber", "G "): the same forms on every sheet. */
export function ragWord(text: string): Rag | undefined {
  return Object.hasOwn(RAG_WORDS, text.trim().toLowerCase()) ? RAG_WORDS[text.trim().toLowerCase()] : undefined;
}

/** Arrows and words for a rise (or an improvement), a fall (or a worsening), and no change. */
const UP = new Set(['↑', '▲', '⬆', '⇧', '△', 'up', 'improved', 'improving', 'better', 'increase', 'increased']);
const DOWN = new Set(['↓', '▼', '⬇', '⇩', '▽', 'down', 'worsened', 'worsening', 'worse', 'decrease', 'decreased']);
const LEVEL = new Set(['→', '↔', '►', '▶', '⇨', '=', 'same', 'no change', 'unchanged', 'stable', 'level']);

function signOf(reading: CellReading, date1904: boolean): { sign: -1 | 0 | 1; number?: number } | undefined {
  const number =
    reading.kind === 'number' || reading.kind === 'comparison' ? reading.value : reading.kind === 'date' ? dateReadingAsNumber(reading, date1904) : undefined;
  if (number !== undefined) return { sign: number > 0 ? 1 : number < 0 ? -1 : 0, number };
  if (reading.kind !== 'text') return undefined;
  const text = reading.text.trim().toLowerCase();
  if (UP.has(text)) return { sign: 1 };
  if (DOWN.has(text)) return { sign: -1 };
  if (LEVEL.has(text)) return { sign: 0 };
  return undefined;
}

/** The cell's text as a message quotes it: "1", "↑", "Jan-00". */
function markText(reading: CellReading): string {
  switch (reading.kind) {
    case 'number':
      return (
        reading.typedAsText ?? printNumber(reading.value, { decimals: reading.format.decimals, minDecimals: 0, percent: reading.format.style === 'percent' })
      );
    case 'date':
      return `${shownAsDateLabel(reading.date)}, the number ${dateReadingAsNumber(reading)} under a date format`;
    case 'text':
    case 'comparison':
    case 'error':
      return reading.text;
    case 'formula-without-result':
      return `=${reading.formula}, a formula with no saved result`;
    default:
      return '';
  }
}

/** What a mark column may hold, for messages. */
export const MARK_EXPECTED: Record<MarkColumn, string> = {
  rag: 'RAG ratings (Red, Amber, Green, or -1, 0, 1)',
  direction: 'directions of travel (a number whose sign says it, an arrow, or improved, worsened, same)',
  trend: 'trends (a number whose sign says it, an arrow, or up, down, same)',
};

/** A mark as read, with the column it is from. */
export type ReadMark =
  ({ column: 'rag' } & WorkbookMark<Rag>) | ({ column: 'direction' } & WorkbookMark<Direction>) | ({ column: 'trend' } & WorkbookMark<Trend>);

/** A mark as read, nothing (a blank or "-" cell), or a cell that holds something else (its text and cell). */
export type MarkReading = { mark: ReadMark } | { problem: true; text: string; source: SourceRef; number: boolean } | undefined;

/** One mark cell read: the mark, nothing (blank or "-"), or a cell that holds something else. */
export function readMark(column: MarkColumn, reading: CellReading | undefined, source: SourceRef, noFigure: readonly string[], date1904: boolean): MarkReading {
  if (!reading || reading.kind === 'empty' || (reading.kind === 'text' && isNoFigureText(reading.text, noFigure))) return undefined;
  const text = markText(reading);
  const problem = { problem: true as const, text, source, number: reading.kind === 'number' || reading.kind === 'date' };
  if (column === 'rag') {
    const number = reading.kind === 'number' ? reading.value : reading.kind === 'date' ? dateReadingAsNumber(reading, date1904) : undefined;
    const rag = number !== undefined ? RAG_CODES.get(number) : reading.kind === 'text' ? RAG_WORDS[reading.text.trim().toLowerCase()] : undefined;
    return rag ? { mark: { column, value: rag, text, source } } : problem;
  }
  const sign = signOf(reading, date1904);
  if (!sign) return problem;
  if (column === 'direction') return { mark: { column, value: sign.sign > 0 ? 'improved' : sign.sign < 0 ? 'worsened' : 'same', text, source } };
  return { mark: { column, value: sign.sign > 0 ? 'up' : sign.sign < 0 ? 'down' : 'same', text, source } };
}
