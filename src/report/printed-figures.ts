import { DIRECTION_WORDS, RAG_WORDS } from '../model/rag.js';
import type { MonthKey } from '../model/month.js';
import { cellName, type FigureRef } from './figure-ref.js';
import type { Block, Run } from './template/blocks.js';

/** What a printed value is: a month's figure, the target, a benchmark, RAG or direction of travel, commentary. */
export type PrintedKind = 'figure' | 'target' | 'benchmark' | 'rag' | 'direction' | 'commentary';

/**
 * One value a document prints about an indicator, with the cell it came from: what the pack's
 * consistency check compares across documents, and what a re-run compares with the last run.
 */
export interface PrintedFigure {
  /** The document (report name) that prints it. */
  document: string;
  kind: PrintedKind;
  /** Indicator id (catalogue id or name slug); the team measure's code for a team table. */
  indicator: string;
  name: string;
  /** The month the value is for: the column's month, or the report month for target, RAG and direction. */
  month: MonthKey;
  /** For a benchmark, its column heading; for commentary, its section and kind. */
  label?: string;
  text: string;
  /** "b4b.xlsx › 'B4B data set'!F14", where the value comes from one cell. */
  cell?: string;
  /** The workbook table (section title) the row came from. */
  table?: string;
  /** The layout anchor of the printed row (`anchorId`), to find its page. */
  anchor?: string;
}

/** The id the PDF layout gives a table row's first cell, so the page it lands on can be found. */
export function anchorId(blockIndex: number, rowIndex: number): string {
  return `printed-${blockIndex}-${rowIndex}`;
}

/**
 * Every indicator value a report's blocks print: each month's figure, the target, each benchmark,
 * RAG and direction of travel of the indicator tables, the targets of the team tables, and the
 * breakdown figures of sentences and of charts' figures tables. Pure: the blocks are the report model
 * both the PDF and the HTML twin are drawn from.
 */
export function printedFigures(blocks: Block[], document: string, month: MonthKey): PrintedFigure[] {
  const out: PrintedFigure[] = [];
  // Each breakdown figure as printed; a % worked out from two counts is listed with both of them.
  const breakdown = (refs: FigureRef[], anchor: string): void => {
    for (const ref of refs) {
      const cell = cellName(ref.source);
      out.push({ document, kind: 'figure', indicator: ref.indicator, name: ref.name, month: ref.month, text: ref.text, anchor, ...(cell ? { cell } : {}) });
    }
  };
  const runFigures = (runs: Run[], anchor: string): void => {
    for (const run of runs) if (run.figures) breakdown(run.figures, anchor);
  };
  blocks.forEach((block, blockIndex) => {
    if (block.kind === 'paragraph') runFigures(block.runs, anchorId(blockIndex, 0));
    if (block.kind === 'bullets') block.items.forEach((item, i) => runFigures(item.runs, anchorId(blockIndex, i)));
    if (block.kind === 'breakdown-chart') {
      block.rows.forEach((row, rowIndex) => {
        for (const cell of row.cells) breakdown(cell.refs, anchorId(blockIndex, rowIndex));
      });
    }
    if (block.kind === 'indicator-table') {
      block.rows.forEach((row, rowIndex) => {
        if (!row.supplied) return;
        const base = { document, indicator: row.id, name: row.name, anchor: anchorId(blockIndex, rowIndex), ...(row.table ? { table: row.table } : {}) };
        block.months.forEach((m, i) => {
          const text = row.cells[i] ?? '';
          const cell = cellName(row.figures[i]?.source);
          out.push({ ...base, kind: 'figure', month: m, text, ...(cell ? { cell } : {}) });
        });
        if (block.showTarget) {
          const cell = cellName(row.targetSource);
          out.push({ ...base, kind: 'target', month, text: row.target, ...(cell ? { cell } : {}) });
          out.push({ ...base, kind: 'rag', month, text: row.rag ? RAG_WORDS[row.rag] : '-' });
          out.push({ ...base, kind: 'direction', month, text: row.direction ? DIRECTION_WORDS[row.direction] : '-' });
        }
        row.benchmarks.forEach((text, i) => {
          const cell = cellName(row.benchmarkSources?.[i]);
          out.push({ ...base, kind: 'benchmark', month, label: block.benchmarkLabels[i] ?? `benchmark ${i + 1}`, text, ...(cell ? { cell } : {}) });
        });
      });
    } else if (block.kind === 'team-table' && block.target !== undefined) {
      const cell = cellName(block.targetFrom?.source);
      out.push({
        document,
        kind: 'target',
        indicator: block.targetFrom?.indicator ?? block.code,
        name: block.title,
        month,
        text: block.target,
        ...(cell ? { cell } : block.targetFrom?.file ? { cell: block.targetFrom.file } : {}),
      });
    }
  });
  return out;
}
