import { classifyHeader, matchesAlias, type HeaderAliases, type ProjectSheetName } from '../config/header-aliases.js';
import type { FindingList, SourceRef } from '../findings/finding.js';
import type {
  CaseloadRow,
  CommentaryKind,
  CommentaryRow,
  CostReductionRow,
  Dataset,
  Figure,
  PlacementRow,
  QualifyingStatus,
  RevenueRow,
  TeamMeasureRow,
} from '../dataset/types.js';
import { describeReading, serialToDate, type CellReading } from './cell-value.js';
import { cellAddress, type RawWorkbook, type SheetGrid } from './load-workbook.js';
import { parseMonth, type MonthKey } from '../model/month.js';
import { looksLikeName, withholdNames } from './personal-names.js';

type NumberFigure = Figure & { kind: 'number' };

/** Reads one row's cells by field name, reporting each problem against its cell. */
export class RowReader {
  constructor(
    private readonly grid: SheetGrid,
    private readonly r: number,
    private readonly columns: Record<string, number>,
    private readonly file: string,
    private readonly findings: FindingList,
    private readonly label: string,
  ) {}

  source(field?: string): SourceRef {
    const col = field === undefined ? 1 : (this.columns[field] ?? 1);
    return { file: this.file, sheet: this.grid.name, cell: cellAddress(this.r, col) };
  }

  cell(field: string): CellReading {
    const col = this.columns[field];
    return (col === undefined ? undefined : this.grid.rows.get(this.r)?.get(col)) ?? { kind: 'empty' };
  }

  month(field = 'month'): MonthKey | undefined {
    const reading = this.cell(field);
    const month =
      reading.kind === 'date'
        ? parseMonth(reading.date)
        : reading.kind === 'text'
          ? parseMonth(reading.text)
          : reading.kind === 'number' && reading.value > 190001 && reading.value < 210012
            ? parseMonth(`${Math.floor(reading.value / 100)}-${reading.value % 100}`)
            : reading.kind === 'number' && Number.isInteger(reading.value) && reading.value >= 36526 && reading.value <= 73050
              ? parseMonth(serialToDate(reading.value, this.grid.date1904)) // a date that lost its date format
              : undefined;
    if (!month) {
      this.findings.error(
        'not-a-month',
        this.source(field),
        `${describeReading(reading)} is not a month (${this.label}); expected a date, "2023-07" or "Jul-23"`,
      );
    }
    return month;
  }

  text(field: string, required = true): string | undefined {
    const reading = this.cell(field);
    if (reading.kind === 'text') return reading.text;
    if (reading.kind === 'number') return String(reading.value);
    if (reading.kind === 'empty') {
      if (required) this.findings.error('missing-value', this.source(field), `the ${field} is blank (${this.label}); expected text`);
      return required ? undefined : '';
    }
    return describeReading(reading);
  }

  amount(field: string, what: string, options: { integer?: boolean; min?: number } = {}): NumberFigure | undefined {
    const reading = this.cell(field);
    if (reading.kind === 'number') {
      if (options.integer && !Number.isInteger(reading.value)) {
        this.findings.error('not-a-number', this.source(field), `${reading.value} is not a whole number (${this.label}, ${what})`);
        return undefined;
      }
      if (options.min !== undefined && reading.value < options.min) {
        this.findings.error('implausible-value', this.source(field), `${reading.value} is below ${options.min} (${this.label}, ${what})`);
        return undefined;
      }
      return { kind: 'number', value: reading.value, format: reading.format, source: this.source(field) };
    }
    if (reading.kind === 'empty') {
      this.findings.error('missing-value', this.source(field), `the ${what} is blank (${this.label}); expected a number`);
    } else {
      this.findings.error('not-a-number', this.source(field), `${describeReading(reading)} is not a number (${this.label}, ${what})`);
    }
    return undefined;
  }
}

interface SheetRows {
  grid: SheetGrid;
  rows: RowReader[];
}

/** Finds a project sheet by its aliases and maps its header row; missing required columns are errors. */
export function openSheet(
  raw: RawWorkbook,
  name: ProjectSheetName,
  aliases: HeaderAliases['projectSheets'],
  findings: FindingList,
  describeRow: (reader: (field: string) => string) => string,
): SheetRows | undefined {
  const spec = aliases[name];
  const grid = raw.sheets.find((sheet) => matchesAlias(sheet.name, spec.sheet));
  if (!grid) return undefined;
  const headerRow = [...grid.rows.keys()].sort((a, b) => a - b)[0];
  if (headerRow === undefined) return { grid, rows: [] };
  const columns: Record<string, number> = {};
  for (const [col, reading] of grid.rows.get(headerRow) ?? []) {
    if (reading.kind !== 'text') continue;
    const field = classifyHeader(reading.text, spec.columns as Record<string, readonly string[]>);
    if (field && columns[field] === undefined) columns[field] = col;
  }
  let complete = true;
  for (const [field, names] of Object.entries(spec.columns as Record<string, readonly string[]>)) {
    if (columns[field] !== undefined) continue;
    complete = false;
    findings.error(
      'missing-column',
      { file: raw.file, sheet: grid.name, cell: `A${headerRow}` },
      `the header row has no "${names[0]}" column (expected one of: ${names.join(', ')}; add a new name to config/header-aliases.yaml)`,
    );
  }
  if (!complete) return { grid, rows: [] };
  const rows: RowReader[] = [];
  for (const r of [...grid.rows.keys()].sort((a, b) => a - b)) {
    if (r === headerRow) continue;
    const cellText = (field: string): string => {
      const reading = grid.rows.get(r)?.get(columns[field] ?? -1);
      return reading ? (reading.kind === 'text' ? reading.text : describeReading(reading)) : '';
    };
    rows.push(new RowReader(grid, r, columns, raw.file, findings, describeRow(cellText)));
  }
  return { grid, rows };
}

/** Text that may be printed, with any name after a role withheld and a warning naming the cell. */
export function printableText(text: string, source: SourceRef, findings: FindingList, what: string): string {
  const { text: safe, roles } = withholdNames(text);
  if (roles.length > 0) {
    findings.warning(
      'possible-name',
      source,
      `the ${what} has ${roles.length === 1 ? 'two capitalised words' : `${roles.length} pairs of capitalised words`} after "${[...new Set(roles)].join('", "')}" that may be a person's name; ` +
        'they are withheld from every report as "[name withheld]". Worker identities must never print: refer to a team or a worker reference instead',
    );
  }
  return safe;
}

const STATUSES: QualifyingStatus[] = ['SW', 'NQSW', 'ASYE'];
const KINDS: CommentaryKind[] = ['desired-outcome', 'progress-analysis', 'action'];

function normaliseKind(text: string): CommentaryKind | undefined {
  const k = text
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  return KINDS.find((kind) => kind === k);
}

function readTeamMeasures(raw: RawWorkbook, aliases: HeaderAliases['projectSheets'], findings: FindingList): TeamMeasureRow[] {
  const sheet = openSheet(raw, 'teamMeasures', aliases, findings, (t) => `${t('measure')}, ${t('team')}`);
  const out: TeamMeasureRow[] = [];
  const seen = new Map<string, SourceRef>();
  for (const row of sheet?.rows ?? []) {
    const month = row.month();
    const measure = row.text('measure');
    const team = row.text('team');
    const denominator = row.amount('denominator', 'Denominator', { integer: true, min: 0 });
    const numerator = row.amount('numerator', 'Numerator', { integer: true, min: 0 });
    if (!month || !measure || !team || !denominator || !numerator) continue;
    if (numerator.value > denominator.value) {
      findings.error(
        'implausible-value',
        row.source('numerator'),
        `the numerator ${numerator.value} is larger than the denominator ${denominator.value} (${measure}, ${team}); expected at most the denominator`,
      );
      continue;
    }
    const key = `${month}|${measure}|${team}`.toLowerCase();
    const first = seen.get(key);
    if (first) {
      findings.warning('duplicate-row', row.source(), `${measure}, ${team}, ${month} appears twice; the first row (${first.cell}) is used`, first);
      continue;
    }
    seen.set(key, row.source());
    out.push({ month, measure, team, denominator: denominator.value, numerator: numerator.value, source: row.source() });
  }
  return out;
}

function readCaseloads(raw: RawWorkbook, aliases: HeaderAliases['projectSheets'], findings: FindingList): CaseloadRow[] {
  // Messages about caseload rows name the team and cell, never the worker.
  const sheet = openSheet(raw, 'caseloads', aliases, findings, (t) => `caseload in ${t('team')}`);
  const out: CaseloadRow[] = [];
  for (const row of sheet?.rows ?? []) {
    const month = row.month();
    const workerReference = row.text('workerReference');
    const statusText = row.text('qualifyingStatus');
    const team = row.text('team');
    const allocations = row.amount('allocations', 'Allocations', { integer: true, min: 0 });
    const status = STATUSES.find((s) => s === statusText?.trim().toUpperCase());
    if (statusText !== undefined && !status) {
      findings.error('implausible-value', row.source('qualifyingStatus'), `"${statusText}" is not a qualifying status; expected SW, NQSW or ASYE`);
    }
    if (workerReference !== undefined && looksLikeName(workerReference)) {
      findings.warning(
        'possible-name',
        row.source('workerReference'),
        "the worker reference looks like a person's name (two capitalised words); it is never printed, but the sheet should hold an opaque reference such as W0123, never a name",
      );
    }
    if (!month || !workerReference || !status || !team || !allocations) continue;
    const printableTeam = printableText(team, row.source('team'), findings, 'allocated team');
    out.push({ month, workerReference, qualifyingStatus: status, team: printableTeam, allocations: allocations.value, source: row.source() });
  }
  return out;
}

function readCommentary(raw: RawWorkbook, aliases: HeaderAliases['projectSheets'], findings: FindingList): CommentaryRow[] {
  const sheet = openSheet(raw, 'commentary', aliases, findings, (t) => `${t('report')} / ${t('section')}`);
  const out: CommentaryRow[] = [];
  for (const row of sheet?.rows ?? []) {
    const month = row.month();
    const report = row.text('report');
    const section = row.text('section');
    const kindText = row.text('kind');
    const text = row.text('text');
    const kind = kindText === undefined ? undefined : normaliseKind(kindText);
    if (kindText !== undefined && !kind) {
      findings.error('implausible-value', row.source('kind'), `"${kindText}" is not a kind of commentary; expected one of ${KINDS.join(', ')}`);
    }
    if (!month || !report || !section || !kind || !text) continue;
    const printable = printableText(text, row.source('text'), findings, 'commentary');
    out.push({ month, report: report.trim().toLowerCase(), section: section.trim(), kind, text: printable, source: row.source('text') });
  }
  return out;
}

function readRevenue(raw: RawWorkbook, aliases: HeaderAliases['projectSheets'], findings: FindingList): RevenueRow[] {
  const sheet = openSheet(raw, 'financeRevenue', aliases, findings, (t) => t('serviceArea'));
  const out: RevenueRow[] = [];
  for (const row of sheet?.rows ?? []) {
    const month = row.month();
    const serviceArea = row.text('serviceArea');
    const budget = row.amount('budget', 'Budget');
    const forecastOutturn = row.amount('forecastOutturn', 'Forecast outturn');
    const commentary = printableText(row.text('commentary', false) ?? '', row.source('commentary'), findings, 'commentary');
    if (budget && forecastOutturn && budget.value <= 0 && forecastOutturn.value !== 0) {
      // A variance % of a zero budget is meaningless, and would print a large overspend as Green.
      findings.error(
        'implausible-value',
        budget.source,
        `the budget is £${budget.value.toLocaleString('en-GB')} against a forecast outturn of £${forecastOutturn.value.toLocaleString('en-GB')} (${serviceArea ?? 'service area'}), ` +
          "so the variance % of budget and its RAG cannot be worked out; expected the service area's budget, more than £0",
      );
      continue;
    }
    if (!month || !serviceArea || !budget || !forecastOutturn) continue;
    out.push({ month, serviceArea, budget, forecastOutturn, commentary, source: row.source() });
  }
  return out;
}

function readPlacements(raw: RawWorkbook, aliases: HeaderAliases['projectSheets'], findings: FindingList): PlacementRow[] {
  const sheet = openSheet(raw, 'financePlacements', aliases, findings, (t) => t('placementType'));
  const out: PlacementRow[] = [];
  for (const row of sheet?.rows ?? []) {
    const month = row.month();
    const placementType = row.text('placementType');
    const number = row.amount('number', 'Number', { integer: true, min: 0 });
    const averageWeeklyCost = row.amount('averageWeeklyCost', 'Average weekly cost', { min: 0 });
    const budgetedNumber = row.amount('budgetedNumber', 'Budgeted number', { min: 0 });
    if (!month || !placementType || !number || !averageWeeklyCost || !budgetedNumber) continue;
    out.push({ month, placementType, number, averageWeeklyCost, budgetedNumber, source: row.source() });
  }
  return out;
}

function readCostReduction(raw: RawWorkbook, aliases: HeaderAliases['projectSheets'], findings: FindingList): CostReductionRow[] {
  const sheet = openSheet(raw, 'financeCostReduction', aliases, findings, (t) => t('proposal'));
  const out: CostReductionRow[] = [];
  for (const row of sheet?.rows ?? []) {
    const month = row.month();
    const proposal = row.text('proposal');
    const owner = row.text('owner', false) ?? '';
    const target = row.amount('target', 'Target', { min: 0 });
    const forecastDelivery = row.amount('forecastDelivery', 'Forecast delivery', { min: 0 });
    const ragText = row.text('rag');
    const rag = (['Red', 'Amber', 'Green'] as const).find((r) => r.toLowerCase() === ragText?.trim().toLowerCase());
    if (ragText !== undefined && !rag) {
      findings.error('implausible-value', row.source('rag'), `"${ragText}" is not a RAG rating; expected Red, Amber or Green`);
    }
    const commentary = printableText(row.text('commentary', false) ?? '', row.source('commentary'), findings, 'commentary');
    if (!month || !proposal || !target || !forecastDelivery || !rag) continue;
    out.push({ month, proposal, owner, target, forecastDelivery, rag, commentary, source: row.source() });
  }
  return out;
}

/** Reads the project's own long-format sheets (the Breakdowns sheet: ./read-breakdowns.ts); a sheet that is absent gives an empty list. */
export function readProjectSheets(
  raw: RawWorkbook,
  aliases: HeaderAliases['projectSheets'],
  findings: FindingList,
): Omit<Dataset, 'file' | 'tables' | 'breakdowns'> {
  return {
    teamMeasures: readTeamMeasures(raw, aliases, findings),
    caseloads: readCaseloads(raw, aliases, findings),
    commentary: readCommentary(raw, aliases, findings),
    finance: {
      revenue: readRevenue(raw, aliases, findings),
      placements: readPlacements(raw, aliases, findings),
      costReduction: readCostReduction(raw, aliases, findings),
    },
  };
}

/** Sheets that belong to the project's own format, so the table finder leaves them alone. */
export function isProjectSheet(name: string, aliases: HeaderAliases['projectSheets']): boolean {
  return Object.values(aliases).some((spec) => matchesAlias(name, spec.sheet));
}
