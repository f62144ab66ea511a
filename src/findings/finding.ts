/** Where a figure or a problem lives: the workbook file, its sheet and cell (A1 notation). */
export interface SourceRef {
  file: string;
  sheet?: string;
  cell?: string;
}

export type Severity = 'error' | 'warning';

/** Finding codes group the findings when they are printed; messages are part of the interface. */
export type FindingCode =
  | 'unreadable-file'
  | 'no-tables'
  | 'missing-column'
  | 'unknown-column'
  | 'not-a-number'
  | 'not-a-month'
  | 'formula-without-result'
  | 'error-value'
  | 'number-shown-as-date'
  | 'conflicting-values'
  | 'gap-in-series'
  | 'not-in-catalogue'
  | 'duplicate-row'
  | 'implausible-value'
  | 'missing-value'
  | 'missing-sheet'
  | 'input-too-large'
  | 'text-too-long'
  | 'too-many-rows'
  | 'hidden-content'
  | 'possible-name'
  | 'merged-cells'
  | 'repeated-indicator'
  | 'lookalike-characters'
  | 'shifted-series'
  | 'workbook-rag'
  | 'blank-row-in-table'
  | 'rows-not-read';

export interface Finding {
  severity: Severity;
  code: FindingCode;
  /** The place the finding is about; `also` names a second place (the other copy of a conflicting figure). */
  source: SourceRef;
  also?: SourceRef;
  /** One sentence: what was found and what was expected. */
  message: string;
  /** The detail behind a summary (month by month), for `--json` and the run record; not printed with the message. */
  detail?: string[];
}

export function formatSource(source: SourceRef): string {
  const fileName = source.file.split(/[\\/]/).pop() ?? source.file;
  if (source.sheet === undefined) return fileName;
  const sheet = `'${source.sheet.replace(/'/g, "''")}'`;
  return source.cell === undefined ? `${fileName} › ${sheet}` : `${fileName} › ${sheet}!${source.cell}`;
}

export function formatFinding(finding: Finding): string {
  return `${formatSource(finding.source)}: ${finding.message}`;
}

/** "… and 1,204 more": the line that stands for the findings of a kind left unprinted. */
export function moreLine(count: number, what = 'more'): string {
  return `… and ${count.toLocaleString('en-GB')} ${what}`;
}

/**
 * The findings to print, at most `maxPerKind` of each kind (code), in their order, with a
 * "… and N more" line after each kind that had more. Grouping is linear, so 200,000 findings cost
 * milliseconds, and what is printed stays readable.
 */
export function findingLinesPerKind(findings: Finding[], maxPerKind: number, indent = '  '): string[] {
  const groups = new Map<FindingCode, Finding[]>();
  for (const finding of findings) {
    const list = groups.get(finding.code);
    if (list) list.push(finding);
    else groups.set(finding.code, [finding]);
  }
  const lines: string[] = [];
  for (const list of groups.values()) {
    for (const finding of list.slice(0, maxPerKind)) lines.push(`${indent}${formatFinding(finding)}`);
    if (list.length > maxPerKind) lines.push(`${indent}${moreLine(list.length - maxPerKind)}`);
  }
  return lines;
}

/** Collects findings once each (the same message about the same cell is said once). */
export class FindingList {
  private readonly seen = new Set<string>();
  readonly items: Finding[] = [];

  add(finding: Finding): void {
    const key = `${finding.severity}|${formatSource(finding.source)}|${finding.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(finding);
  }

  error(code: FindingCode, source: SourceRef, message: string, also?: SourceRef): void {
    this.add({ severity: 'error', code, source, message, ...(also ? { also } : {}) });
  }

  warning(code: FindingCode, source: SourceRef, message: string, also?: SourceRef, detail?: string[]): void {
    this.add({ severity: 'warning', code, source, message, ...(also ? { also } : {}), ...(detail ? { detail } : {}) });
  }

  get errors(): Finding[] {
    return this.items.filter((f) => f.severity === 'error');
  }

  get warnings(): Finding[] {
    return this.items.filter((f) => f.severity === 'warning');
  }
}

/**
 * A failure that stops a command: carries its findings and the exit code the CLI uses. Each kind of
 * failure has its own class with its code (./errors.ts: UsageError, ConfigFileError, TemplateError,
 * WorkbookError, BusyError, FileSystemError); a plain B4BError is a run's problem (exit 1).
 */
/**
 * The `code` of a failure under --json, for programs to act on; each is one error class of
 * errors.ts (and `internal` is anything else).
 */
export type ErrorCode = 'usage' | 'config' | 'template' | 'workbook' | 'problems' | 'unreadable-file' | 'busy' | 'file-system' | 'internal';

export class B4BError extends Error {
  constructor(
    message: string,
    readonly findings: Finding[] = [],
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'B4BError';
  }

  /** The failure's code under --json. */
  get code(): ErrorCode {
    return 'problems';
  }
}
