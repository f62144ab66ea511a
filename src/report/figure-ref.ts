import { formatSource, type SourceRef } from '../findings/finding.js';
import type { MonthKey } from '../model/month.js';

/** The identity of one printed breakdown figure, for the pack's one-figure check and re-run comparisons. */
export interface FigureRef {
  /** "family-hubs 2023: Attendances", with " (out of)" or " (%)" for what is derived from the row. */
  indicator: string;
  name: string;
  month: MonthKey;
  /** The figure as printed ("167", "7.7%"). */
  text: string;
  source?: SourceRef;
}

/** "'B4B data set'!F14": the run record names the workbook once, so a cell is its sheet and address. */
export function cellName(source: SourceRef | undefined): string | undefined {
  if (source?.sheet === undefined) return undefined;
  return formatSource({ ...source, file: '' }).replace(/^ › /, '');
}
