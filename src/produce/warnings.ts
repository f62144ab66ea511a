import { formatSource } from '../findings/finding.js';
import type { ModelWarning } from '../report/report-figures.js';

/** A report's warnings as the run prints and records them: the cell first, where there is one. */
export function describeWarnings(warnings: ModelWarning[]): string[] {
  return warnings.map((w) => (w.source ? `${formatSource(w.source)}: ${w.message}` : w.message));
}
