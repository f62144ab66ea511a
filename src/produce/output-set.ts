import type { RunTarget } from '../model/target.js';
import type { MonthKey } from '../model/month.js';
import type { PrintedFigure } from '../report/printed-figures.js';

/** One file of an output set: its path inside the output folder ("2023-10/performance-2023-10.pdf") and its bytes. */
export interface OutputFile {
  path: string;
  bytes: Uint8Array;
}

/**
 * What producing one target for a month gives, before anything is written: the files, the paths to
 * show the user (the report's PDF, or the pack's two variants), the warnings, and every value the
 * documents print (for the re-run comparison and the one-figure check). Publishing (src/run/publish.ts)
 * takes it as it is, whatever the target was.
 */
export interface OutputSet {
  target: RunTarget;
  month: MonthKey;
  files: OutputFile[];
  shown: string[];
  warnings: string[];
  printed: PrintedFigure[];
  /** What of the workbook its documents print from: a re-run lists the changes of these alone. */
  reads: SetReads;
}

/**
 * The parts of the workbook a set's documents print from. A re-run lists what changed in them alone:
 * a public performance report never lists a change to an exempt finance figure, nor a finance
 * report a change to referrals.
 */
export interface SetReads {
  /** Every indicator table, or the rows of these indicators only (a finance report's agency and placement indicators). */
  tables: 'all' | string[];
  breakdowns: boolean;
  teamMeasures: boolean;
  finance: boolean;
  /** The reports (as the Commentary sheet names them, in lower case) whose commentary it prints. */
  commentary: 'all' | string[];
}

/** What reports of these kinds read; a pack reads what its reports read. */
export function readsOf(reports: Array<{ kind: 'performance' | 'clinic' | 'finance'; commentaryReport: string }>, financeIndicators: string[]): SetReads {
  const kinds = new Set(reports.map((r) => r.kind));
  const tablesInFull = kinds.has('performance') || kinds.has('clinic');
  return {
    tables: tablesInFull ? 'all' : kinds.has('finance') ? financeIndicators : [],
    breakdowns: tablesInFull,
    teamMeasures: kinds.has('clinic'),
    finance: kinds.has('finance'),
    commentary: [...new Set(reports.map((r) => r.commentaryReport.toLowerCase()))],
  };
}

/** The set a run publishes: its month and target ("2023-10/pack-board"). */
export function setName(target: RunTarget, month: MonthKey): string {
  return `${month}/${target.kind}-${target.name}`;
}

/** A report's PDF and HTML twin, inside the output folder. */
export function reportFiles(name: string, month: MonthKey): { pdf: string; html: string } {
  return { pdf: `${month}/${name}-${month}.pdf`, html: `${month}/${name}-${month}.html` };
}

/** A pack's files inside the output folder: its two variants, each item's own PDF, and the public documents' HTML twins. */
export const packFiles = {
  variant: (name: string, month: MonthKey, variant: 'public' | 'restricted'): string => `${month}/${name}-${month}-${variant}.pdf`,
  item: (name: string, month: MonthKey, variant: 'public' | 'restricted', number: number | string): string =>
    `${month}/${name}-items/${variant}/item-${number}.pdf`,
  html: (name: string, month: MonthKey, file: string): string => `${month}/${name}-html/${file}`,
};

/** The files a target's run shows, known before anything is produced: a re-run without --force refuses on them before any work. */
export function shownFiles(target: RunTarget, month: MonthKey): string[] {
  return target.kind === 'report'
    ? [reportFiles(target.name, month).pdf]
    : [packFiles.variant(target.name, month, 'public'), packFiles.variant(target.name, month, 'restricted')];
}
