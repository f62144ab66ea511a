import { DEFAULT_LIMITS } from '../config/limits.js';
import { formatFinding, moreLine, type Finding, type FindingCode } from '../findings/finding.js';

/** The heading each kind of finding is grouped under, here and in the console. */
export const HEADINGS: Record<FindingCode, string> = {
  'unreadable-file': 'Unreadable file',
  'no-tables': 'No tables found',
  'missing-column': 'Missing or unknown required column',
  'unknown-column': 'Unknown column (ignored)',
  'not-a-number': 'Not a number',
  'not-a-month': 'Not a month',
  'formula-without-result': 'Formula with no saved result',
  'error-value': 'Error value in a cell',
  'number-shown-as-date': 'Number shown as a date',
  'conflicting-values': 'Same indicator and month, different figures',
  'gap-in-series': 'Gap inside a series',
  'not-in-catalogue': 'Indicator not in the catalogue',
  'duplicate-row': 'Duplicate row or sheet',
  'implausible-value': 'Implausible value',
  'missing-value': 'Missing value',
  'missing-sheet': 'Missing sheet',
  'input-too-large': 'Input too large',
  'text-too-long': 'Text cut to the longest a cell may hold',
  'too-many-rows': 'Table too long',
  'hidden-content': 'Hidden sheet or rows',
  'possible-name': 'Text that may name a person (withheld)',
  'merged-cells': 'Merged cells over figures',
  'repeated-indicator': 'Indicator repeated within a table',
  'lookalike-characters': 'Lookalike or invisible characters in a name',
  'shifted-series': 'Series shifted by a month',
  'workbook-rag': "The workbook's own RAG or arrow disagrees",
  'blank-row-in-table': 'Blank row inside a table',
  'rows-not-read': 'Rows of figures no table reads',
};

export interface FindingGroup {
  code: FindingCode;
  heading: string;
  findings: Finding[];
}

/**
 * Kinds listed after all others: where the workbook's own RAG or arrow disagrees, the reports print
 * their own, so nothing printed is wrong; the sample has two dozen, and listed first they pushed a
 * figure two tables disagree on below the screen (the run's summary orders them the same way).
 */
const LAST: ReadonlySet<FindingCode> = new Set(['workbook-rag']);

/**
 * Findings grouped by kind, in the order each kind first occurs (the workbook's own RAG and arrows
 * last): how `validate` and the console list them. Linear, so 200,000 findings cost milliseconds.
 */
export function groupFindings(findings: Finding[]): FindingGroup[] {
  const groups = new Map<FindingCode, Finding[]>();
  for (const finding of findings) {
    const list = groups.get(finding.code);
    if (list) list.push(finding);
    else groups.set(finding.code, [finding]);
  }
  const ordered = [...groups].filter(([code]) => !LAST.has(code)).concat([...groups].filter(([code]) => LAST.has(code)));
  return ordered.map(([code, list]) => ({ code, heading: HEADINGS[code], findings: list }));
}

/**
 * Findings of one severity, grouped under a heading per kind, one line each; at most `maxPerKind`
 * of a kind are printed, then "… and 1,204 more" (the heading still counts them all).
 */
export function formatFindingGroups(findings: Finding[], title: string, maxPerKind: number = DEFAULT_LIMITS.maxFindingsPerKind): string {
  if (findings.length === 0) return `${title}: none`;
  const lines = [`${title} (${findings.length.toLocaleString('en-GB')}):`];
  for (const group of groupFindings(findings)) {
    lines.push(`  ${group.heading} (${group.findings.length.toLocaleString('en-GB')})`);
    for (const finding of group.findings.slice(0, maxPerKind)) lines.push(`    ${formatFinding(finding)}`);
    if (group.findings.length > maxPerKind) lines.push(`    ${moreLine(group.findings.length - maxPerKind)}`);
  }
  return lines.join('\n');
}
