import { formatFinding, type Finding, type FindingCode } from '../findings/finding.js';

const HEADINGS: Record<FindingCode, string> = {
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
  'duplicate-row': 'Duplicate row',
  'implausible-value': 'Implausible value',
  'missing-value': 'Missing value',
  'missing-sheet': 'Missing sheet',
};

/** Findings of one severity, grouped under a heading per kind, one line each. */
export function formatFindingGroups(findings: Finding[], title: string): string {
  if (findings.length === 0) return `${title}: none`;
  const groups = new Map<FindingCode, Finding[]>();
  for (const finding of findings) groups.set(finding.code, [...(groups.get(finding.code) ?? []), finding]);
  const lines = [`${title} (${findings.length}):`];
  for (const [code, list] of groups) {
    lines.push(`  ${HEADINGS[code]} (${list.length})`);
    for (const finding of list) lines.push(`    ${formatFinding(finding)}`);
  }
  return lines.join('\n');
}
