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
import { describeReading, roundedScale, serialToDate, type CellReading } from './cell-value.js';
import { cellAddress, type RawWorkbook, type SheetGrid } from './load-workbook.js';
import { monthKey, monthLabel, monthLongLabel, parseMonth, type MonthKey } from '../model/month.js';
import { looksLikeName, NAME_WORD, WITHHELD, withholdNames } from './personal-names.js';
import { withoutInvisible } from './lookalikes.js';
import { median } from './median.js';
import { dayText, evening } from './summer-time.js';
import { ragWord } from './workbook-marks.js';

const COST_REDUCTION_RAG = { red: 'Red', amber: 'Amber', green: 'Green' } as const;

type NumberFigure = Figure & { kind: 'number' };

/** "£31,500,000", "-£34,180,000". */
function pounds(value: number): string {
  return `${value < 0 ? '-' : ''}£${Math.abs(value).toLocaleString('en-GB')}`;
}

/** An amount as read, saying so where brackets made it negative: `"(34180000)" is read as -£34,180,000 (brackets mark a negative amount)`. */
function amountAsRead(figure: NumberFigure, show: (value: number) => string = pounds): string {
  const typed = typeof figure.stored === 'string' ? figure.stored : undefined;
  return typed?.trim().startsWith('(') ? `"${typed}" is read as ${show(figure.value)} (brackets mark a negative amount)` : show(figure.value);
}

/**
 * A date typed as text ("07/01/2023") whose day and month could be either way round, and whose day
 * first reading is neither the first nor the last day of a month (as a month is written): 7 January
 * 2023 read day first, 1 July 2023 read month first. Undefined where only one reading is a date, where
 * both give the same month, or where the day first reading is a month's first or last day ("01/07/2023").
 */
function eitherWayRound(text: string): { dayFirst: string; monthFirst: string; dayFirstMonth: string; monthFirstMonth: string } | undefined {
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text.trim());
  if (!m) return undefined;
  const [a, b, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (a < 1 || b < 1 || a > 12 || b > 12 || a === b) return undefined;
  const lastDay = new Date(Date.UTC(year, b, 0)).getUTCDate();
  if (a === 1 || a === lastDay) return undefined;
  const dayFirst = monthKey(year, b);
  const monthFirst = monthKey(year, a);
  return {
    dayFirst: `${a} ${monthLongLabel(dayFirst)}`,
    monthFirst: `${b} ${monthLongLabel(monthFirst)}`,
    dayFirstMonth: monthLabel(dayFirst),
    monthFirstMonth: monthLabel(monthFirst),
  };
}

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
    const guess = reading.kind === 'text' ? eitherWayRound(reading.text) : undefined;
    if (guess) {
      // Text, not a date Excel keeps: "07/01/2023" pasted from a month-first export is 1 July there, 7 January here.
      this.findings.error(
        'not-a-month',
        this.source(field),
        `"${reading.kind === 'text' ? reading.text : ''}" could be ${guess.dayFirst} (day first) or ${guess.monthFirst} (month first), so its month is a guess (${this.label}); ` +
          `expected the month as "${guess.dayFirstMonth}" or "${guess.monthFirstMonth}", whichever is meant`,
      );
      return undefined;
    }
    const shifted = reading.kind === 'date' ? evening(reading.date) : undefined;
    if (shifted && reading.kind === 'date') {
      this.findings.error(
        'not-a-month',
        this.source(field),
        `the date ${dayText(reading.date)} ${shifted.time} is ${shifted.before} before ${shifted.next}, as another program writes the first of a month in summer time, ` +
          `so it is not clear which month the row is for (Excel shows it as ${monthLabel(parseMonth(reading.date) ?? shifted.month)}; ${this.label}); ` +
          `expected a date without a time of day, or a month such as "${monthLabel(shifted.month)}"`,
      );
      return undefined;
    }
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
      const scaled = roundedScale(reading);
      if (scaled !== undefined) {
        // "£11.3m" read as £11,300,000 prints as exact, and moves a variance, its RAG and the totals.
        this.findings.error(
          'not-a-number',
          this.source(field),
          `"${reading.typedAsText ?? ''}" (${this.label}, ${what}) is a rounded figure, ${reading.value.toLocaleString('en-GB')} in ${scaled}, so it is not read: ` +
            `the reports would print ${reading.value.toLocaleString('en-GB')} as if it were exact and add it into their totals; ` +
            `expected the figure typed in full, as a number (${reading.value} only if that is exact)`,
        );
        return undefined;
      }
      if (options.integer && !Number.isInteger(reading.value)) {
        this.findings.error('not-a-number', this.source(field), `${reading.value} is not a whole number (${this.label}, ${what})`);
        return undefined;
      }
      const figure: NumberFigure = {
        kind: 'number',
        value: reading.value,
        format: reading.format,
        source: this.source(field),
        ...(reading.typedAsText !== undefined ? { stored: reading.typedAsText } : {}),
      };
      if (options.min !== undefined && reading.value < options.min) {
        const shown = amountAsRead(figure, String);
        this.findings.error(
          'implausible-value',
          this.source(field),
          `${shown}${shown.endsWith(')') ? ',' : ' is'} below ${options.min} (${this.label}, ${what})`,
        );
        return undefined;
      }
      return figure;
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
  /** The header aliases file, as the messages name it. */
  aliasesFile: string,
  describeRow: (reader: (field: string) => string) => string,
): SheetRows | undefined {
  const spec = aliases[name];
  const [grid, ...others] = raw.sheets.filter((sheet) => matchesAlias(sheet.name, spec.sheet));
  if (!grid) return undefined;
  if (others.length > 0) {
    // Two sheets the aliases name alike (last year's copy, a draft): reading either would be a guess.
    findings.error(
      'duplicate-row',
      { file: raw.file, sheet: others[0]?.name ?? grid.name, cell: 'A1' },
      `${[grid, ...others].map((s) => `'${s.name}'`).join(' and ')} are both the ${spec.sheet[0] ?? name} sheet (${aliasesFile} names them alike), ` +
        'so which to read would be a guess; expected one: delete or rename the other (an old copy, a draft)',
    );
    return { grid, rows: [] };
  }
  const headerRow = [...grid.rows.keys()].sort((a, b) => a - b)[0];
  if (headerRow === undefined) return { grid, rows: [] };
  const columns: Record<string, number> = {};
  for (const [col, reading] of grid.rows.get(headerRow) ?? []) {
    if (reading.kind !== 'text') continue;
    const field = classifyHeader(reading.text, spec.columns as Record<string, readonly string[]>);
    if (field && columns[field] === undefined) columns[field] = col;
    else if (field) {
      const first = grid.rows.get(headerRow)?.get(columns[field] as number);
      findings.warning(
        'unknown-column',
        { file: raw.file, sheet: grid.name, cell: cellAddress(headerRow, col) },
        `"${reading.text}" is a second column for the same thing as "${first?.kind === 'text' ? first.text : ''}" (${cellAddress(headerRow, columns[field] as number)}); ` +
          `the first is read and this one is ignored: remove one, or rename it so ${aliasesFile} does not name it`,
      );
    }
  }
  let complete = true;
  for (const [field, names] of Object.entries(spec.columns as Record<string, readonly string[]>)) {
    if (columns[field] !== undefined) continue;
    complete = false;
    findings.error(
      'missing-column',
      { file: raw.file, sheet: grid.name, cell: `A${headerRow}` },
      `the header row has no "${names[0]}" column (expected one of: ${names.join(', ')}; add a new name to ${aliasesFile})`,
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

/** A name as the workbook means it, whatever its spacing and invisible characters: " SWF East\u200b 2 " is "SWF East 2". */
function tidyName(text: string): string {
  return withoutInvisible(text).replace(/\s+/g, ' ').trim();
}

/**
 * One spelling for each team, service area or placement type across the sheet: a name that differs
 * only in spacing, invisible characters or case from one met before is read as that one, with a
 * warning naming the cell (each month's row must meet the same row of the others).
 */
class NameSpellings {
  private readonly first = new Map<string, { name: string; source: SourceRef }>();
  constructor(
    private readonly findings: FindingList,
    private readonly what: string,
  ) {}

  read(text: string, source: SourceRef): string {
    const tidy = tidyName(text);
    const key = tidy.toLowerCase();
    const seen = this.first.get(key);
    if (!seen) {
      this.first.set(key, { name: tidy, source });
      if (tidy !== text.trim())
        this.findings.warning('lookalike-characters', source, `the ${this.what} "${text}" has extra spaces or invisible characters; read as "${tidy}"`);
      return tidy;
    }
    if (seen.name !== text) {
      this.findings.warning(
        'lookalike-characters',
        source,
        `the ${this.what} "${text}" is written differently from "${seen.name}" (${seen.source.cell ?? ''}) only in its case, spaces or invisible characters; read as "${seen.name}"`,
      );
    }
    return seen.name;
  }
}

/** A second row for the same thing in the same month: its figures would be counted twice. An error naming both rows. */
function refuseTwice(rows: Array<{ month: MonthKey; name: string; source: SourceRef }>, what: string, findings: FindingList): Set<SourceRef> {
  const seen = new Map<string, SourceRef>();
  const refused = new Set<SourceRef>();
  for (const row of rows) {
    const key = `${row.month}|${row.name.toLowerCase()}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, row.source);
      continue;
    }
    refused.add(row.source);
    findings.error(
      'duplicate-row',
      row.source,
      `${row.name} has a second row for ${monthLabel(row.month)} (the first is ${first.cell ?? 'above'}); its figures would be counted twice. Expected one row per ${what} a month: remove or merge one`,
      first,
    );
  }
  return refused;
}

/**
 * "Total", "Grand total", "Sub-total", "Total C&L", and at the end as much ("C&L Total", "Net total", "SWF East
 * subtotal"), or "All teams": a row of sums, not one more service area, placement type or team.
 */
const TOTAL_NAME =
  /^\s*(?:grand\s+|sub[\s-]?)?totals?\b|(?<!\b(?:of|the|in|per|a)\s+)\b(?:sub[\s-]?)?totals?[\s:.]*$|^\s*all(?:\s+(?:teams|localities|service\s+areas|areas|placements|placement\s+types|categories))?[\s:.]*$/i;

export function isTotalName(name: string): boolean {
  return TOTAL_NAME.test(name);
}

/**
 * A sheet's own total rows, left out: the reports add the rows up themselves, and a total read as one
 * more row would count every figure twice. Each is a warning naming its cell, saying whether its
 * figures agree with the sum of the month's other rows (a row missing, or one too many, if not).
 */
export interface TotalRow {
  month: MonthKey;
  name: string;
  source: SourceRef;
  figures: Array<[string, number]>;
  /** What else the rows it totals share (a team measure's code); none for a finance sheet. */
  group?: string;
}

export function leaveOutTotals<T extends { month: MonthKey }>(
  totals: TotalRow[],
  rows: T[],
  sums: (rows: T[]) => number[],
  what: string,
  findings: FindingList,
  groupOf: (row: T) => string | undefined = () => undefined,
): void {
  for (const total of totals) {
    const added = sums(rows.filter((r) => r.month === total.month && groupOf(r) === total.group));
    const differ = total.figures.filter(([, value], i) => Math.abs(value - (added[i] ?? 0)) > 0.5);
    const agreement =
      total.figures.length === 0
        ? ''
        : differ.length === 0
          ? `its figures are the sum of the month's ${what} rows`
          : `its figures differ from the sum of the month's ${what} rows (${differ.map(([field, value]) => `${field} ${value.toLocaleString('en-GB')} against ${(added[total.figures.findIndex(([f]) => f === field)] ?? 0).toLocaleString('en-GB')}`).join('; ')}): is a row missing, or one too many?`;
    findings.warning(
      'duplicate-row',
      total.source,
      `"${total.name}" (${monthLabel(total.month)}) reads as a total row, not a ${what}: it is left out, as the report adds the rows up itself${agreement ? `; ${agreement}` : ''}`,
    );
  }
}

/** Two capitalised words after a dash, colon, comma, slash or bracket at the end of a team ("SWF East 1 - Priya Patel"). */
const NAME_AFTER_TEAM = new RegExp(String.raw`^(.*?\S)(\s*[-–—:(,/]\s*)(${NAME_WORD})\s+(${NAME_WORD})(\)?)$`);

/** A person's team, in any case and anywhere in the team's name: "(Tom O'Neil's team)", "Jane Smith's Team". */
const POSSESSIVE_TEAM = new RegExp(String.raw`\b${NAME_WORD}\s+${NAME_WORD}(?=['’]s\s+[Tt][Ee][Aa][Mm]\b)`);

/** Words teams are named with, never a person's: "SW Team North" (SW for South West) is no name. */
const TEAM_WORDS = new Set(
  (
    'team teams service services hub unit care duty children families family support north south east west central court assessment ' +
    'safeguarding pathways fostering adoption leaving disabled disability early help edge intake locality child protection looked after ' +
    'young people front door permanence planning'
  ).split(' '),
);

/**
 * A team written with a person in it: the words that may be a name are withheld, with a warning that
 * never repeats them. Two capitalised words after punctuation at the team's end ("SWF East 1 - Jane
 * Smith"), before "'s team" ("(Tom O'Neil's Team)"), or after a role ("SWF East 2 - TM Jane Smith", but
 * not words teams are named with: "SW Team North"). (After a team's number and a space alone, "SWF
 * East 1 Priya Patel", a name is not told from a team's own words: "Team 1 Child Protection".)
 */
function withheldTeam(team: string, source: SourceRef, findings: FindingList): string {
  let where: string | undefined;
  let withheld = team.replace(POSSESSIVE_TEAM, () => {
    where = `before "'s team"`;
    return WITHHELD;
  });
  const afterRole = withholdNames(withheld, (word) => TEAM_WORDS.has(word.toLowerCase()));
  if (afterRole.roles[0] !== undefined) where ??= `after "${afterRole.roles[0]}"`;
  withheld = afterRole.text;
  const match = NAME_AFTER_TEAM.exec(withheld);
  if (match) {
    const [, before = '', separator = '', , , close = ''] = match;
    where ??= `at its end, after "${separator.trim()}"`;
    withheld = `${before}${separator}${WITHHELD}${close}`;
  }
  if (withheld === team) return team;
  findings.warning(
    'possible-name',
    source,
    `the team has two capitalised words ${where ?? ''} that may be a person's name; they are withheld from every report ("${withheld}"). ` +
      'Worker identities must never print: name the team alone',
  );
  return withheld;
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

function readTeamMeasures(raw: RawWorkbook, aliases: HeaderAliases['projectSheets'], findings: FindingList, aliasesFile: string): TeamMeasureRow[] {
  const sheet = openSheet(raw, 'teamMeasures', aliases, findings, aliasesFile, (t) => `${t('measure')}, ${t('team')}`);
  const out: TeamMeasureRow[] = [];
  const totals: TotalRow[] = [];
  const seen = new Map<string, { source: SourceRef; denominator: number; numerator: number }>();
  const teams = new NameSpellings(findings, 'team');
  for (const row of sheet?.rows ?? []) {
    const month = row.month();
    const measure = row.text('measure');
    const teamText = row.text('team');
    const denominator = row.amount('denominator', 'Denominator', { integer: true, min: 0 });
    const numerator = row.amount('numerator', 'Numerator', { integer: true, min: 0 });
    if (month && measure && teamText !== undefined && denominator && numerator && isTotalName(teamText)) {
      totals.push({
        month,
        name: teamText.trim(),
        source: row.source('team'),
        figures: [
          ['Denominator', denominator.value],
          ['Numerator', numerator.value],
        ],
        group: measure.toLowerCase(),
      });
      continue;
    }
    const team = teamText === undefined ? undefined : withheldTeam(teams.read(teamText, row.source('team')), row.source('team'), findings);
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
      const which = `${measure}, ${team}, ${month} appears twice`;
      if (first.denominator === denominator.value && first.numerator === numerator.value) {
        findings.warning(
          'duplicate-row',
          row.source(),
          `${which} with the same figures; the first row (${first.source.cell}) is read; delete the other`,
          first.source,
        );
      } else {
        // Which row is the correction is not in the workbook: printing either would be a guess.
        findings.error(
          'duplicate-row',
          row.source(),
          `${which} with different figures (${first.numerator} of ${first.denominator} in ${first.source.cell}, ${numerator.value} of ${denominator.value} here), ` +
            'so it is not clear which to print; expected one row per measure, team and month: delete the wrong row',
          first.source,
        );
      }
      continue;
    }
    seen.set(key, { source: row.source(), denominator: denominator.value, numerator: numerator.value });
    out.push({ month, measure, team, denominator: denominator.value, numerator: numerator.value, source: row.source() });
  }
  leaveOutTotals(
    totals,
    out,
    (rows) => [sum(rows.map((r) => r.denominator)), sum(rows.map((r) => r.numerator))],
    'team',
    findings,
    (row) => row.measure.toLowerCase(),
  );
  return out;
}

function readCaseloads(raw: RawWorkbook, aliases: HeaderAliases['projectSheets'], findings: FindingList, aliasesFile: string): CaseloadRow[] {
  // Messages about caseload rows name the team and cell, never the worker.
  const sheet = openSheet(raw, 'caseloads', aliases, findings, aliasesFile, (t) => `caseload in ${t('team')}`);
  const out: CaseloadRow[] = [];
  const caseloadTeams = new NameSpellings(findings, 'team');
  const seen = new Map<string, CaseloadRow>();
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
    const printableTeam = withheldTeam(
      printableText(caseloadTeams.read(team, row.source('team')), row.source('team'), findings, 'allocated team'),
      row.source('team'),
      findings,
    );
    const caseload = { month, workerReference, qualifyingStatus: status, team: printableTeam, allocations: allocations.value, source: row.source() };
    // A worker listed twice in a month would be counted twice (a second row in the 20+ table, a higher average).
    const key = `${month}|${workerReference.trim().toLowerCase()}`;
    const first = seen.get(key);
    if (first) {
      const same = first.team === caseload.team && first.qualifyingStatus === status && first.allocations === caseload.allocations;
      const which = `the worker of row ${first.source.cell} is listed again for ${monthLabel(month)}`;
      if (same)
        findings.warning(
          'duplicate-row',
          row.source(),
          `${which} with the same team, status and allocations; the first row is read; delete the other`,
          first.source,
        );
      else {
        findings.error(
          'duplicate-row',
          row.source(),
          `${which} with other figures (${first.allocations} allocations in ${first.team} there, ${caseload.allocations} in ${caseload.team} here), ` +
            'so it is not clear which to count; expected one row per worker a month: delete the wrong row',
          first.source,
        );
      }
      continue;
    }
    seen.set(key, caseload);
    out.push(caseload);
  }
  return out;
}

function readCommentary(raw: RawWorkbook, aliases: HeaderAliases['projectSheets'], findings: FindingList, aliasesFile: string): CommentaryRow[] {
  const sheet = openSheet(raw, 'commentary', aliases, findings, aliasesFile, (t) => `${t('report')} / ${t('section')}`);
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

/** An outturn this many times its budget, or this fraction of it, is a typing slip (a zero too many or too few, pence for pounds), not a forecast. */
const SCALE_FACTOR = 10;
/**
 * An amount this many times the same item's amount in its other months, or this fraction of it: a
 * slip. Closer than SCALE_FACTOR, since a tenth of an amount that moves a little month to month can
 * land just inside a factor of ten.
 */
const MONTHS_FACTOR = 5;

/**
 * Checks each amount against the same item's amount in the workbook's other months (the median of
 * at least two): one 5 times or more, or a fifth or less, of it is an error naming its cell. Returns
 * the figures refused.
 */
function checkScale(
  items: Array<{ key: string; month: MonthKey; figure: NumberFigure }>,
  what: string,
  noun: string,
  findings: FindingList,
): Set<NumberFigure> {
  const refused = new Set<NumberFigure>();
  for (const item of items) {
    const others = items.filter((o) => o !== item && o.key === item.key && o.figure.value > 0);
    if (others.length < 2 || item.figure.value <= 0) continue;
    const typical = median(others.map((o) => o.figure.value)) ?? 0;
    const high = item.figure.value >= typical * MONTHS_FACTOR;
    if (!high && item.figure.value * MONTHS_FACTOR > typical) continue;
    refused.add(item.figure);
    const months = [...new Set(others.map((o) => o.month))].sort().map(monthLabel);
    findings.error(
      'implausible-value',
      item.figure.source,
      `the ${what} ${pounds(item.figure.value)} is ${high ? `${MONTHS_FACTOR} times or more` : 'a fifth or less of'} this ${noun}'s ${what} in its other months ` +
        `(a median of ${pounds(typical)} in ${months.join(', ')}; ${item.key}); expected an amount of the same scale (a zero too few or too many?)`,
    );
  }
  return refused;
}

/**
 * Amounts in pounds, as the sheets ask: a children's services revenue line in pounds runs to hundreds
 * of thousands or millions, so a month whose every budget and forecast outturn is under this was typed
 * in thousands (£000, as the report prints them) and would print a thousand times too small.
 */
const POUNDS_FLOOR = 100_000;
/** A line whose budget is under this fraction of the month's median line, and under POUNDS_FLOOR, reads as one line typed in £000. */
const LINE_FRACTION = 1 / 500;
/** A placement costs tens of pounds a week at the least: a month whose every average weekly cost is under this was typed in £000. */
const WEEKLY_FLOOR = 50;

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

function byMonth<T extends { month: MonthKey }>(rows: T[]): Map<MonthKey, T[]> {
  const months = new Map<MonthKey, T[]>();
  for (const row of rows) months.set(row.month, [...(months.get(row.month) ?? []), row]);
  return months;
}

/**
 * Revenue typed in £000 where pounds were expected: a month whose every amount is under £100,000 is
 * an error naming its first budget (the month is refused: read as pounds it would print a thousand
 * times too small); one line far below the month's others is a warning naming its cell. Returns the
 * months refused.
 */
function checkPounds(rows: RevenueRow[], findings: FindingList): Set<MonthKey> {
  const months = byMonth(rows);
  const largest = (lines: RevenueRow[]): number => Math.max(...lines.flatMap((r) => [Math.abs(r.budget.value), Math.abs(r.forecastOutturn.value)]));
  const refused = [...months].filter(([, lines]) => largest(lines) > 0 && largest(lines) < POUNDS_FLOOR);
  const [month, lines] = refused[0] ?? [];
  const first = lines?.[0];
  if (month && first) {
    const all = refused.flatMap(([, l]) => l);
    const named = refused.length === 1 ? monthLongLabel(month) : `${refused.length} months, ${refused.map(([m]) => monthLabel(m)).join(', ')}`;
    findings.error(
      'implausible-value',
      first.budget.source,
      `every amount of the ${all.length} revenue line(s) for ${named} is under ${pounds(POUNDS_FLOOR)} (the largest ${pounds(largest(all))}): ` +
        `read as pounds, the finance report would print them a thousand times too small; expected amounts in pounds ` +
        `(if they are in £000, multiply each by 1,000: the budget of ${first.serviceArea}, ${pounds(first.budget.value)}, is ${pounds(first.budget.value * 1000)})`,
    );
  }
  const refusedMonths = new Set(refused.map(([m]) => m));
  for (const [month, lines] of months) {
    if (refusedMonths.has(month) || lines.length < 3) continue;
    const typical = median(lines.map((r) => r.budget.value)) ?? 0;
    for (const line of lines) {
      const budget = line.budget.value;
      if (budget <= 0 || budget >= POUNDS_FLOOR || budget >= typical * LINE_FRACTION) continue;
      findings.warning(
        'implausible-value',
        line.budget.source,
        `the budget ${pounds(budget)} (${line.serviceArea}) is under a five-hundredth of the other lines' for ${monthLongLabel(month)} (a median of ${pounds(typical)}): ` +
          `it is printed as ${pounds(budget)}; if it is in £000, type it in pounds (${pounds(budget * 1000)}), as the other lines are`,
      );
    }
  }
  return refusedMonths;
}

/** Placements' average weekly costs typed in £000: a month whose every cost is under £50 is an error naming its first (the month is refused). */
function checkWeeklyPounds(rows: PlacementRow[], findings: FindingList): Set<MonthKey> {
  const costs = (types: PlacementRow[]): number[] => types.map((r) => r.averageWeeklyCost.value).filter((v) => v > 0);
  const refused = [...byMonth(rows)].filter(([, types]) => costs(types).length > 0 && Math.max(...costs(types)) < WEEKLY_FLOOR);
  const [month, types] = refused[0] ?? [];
  const first = types?.find((r) => r.averageWeeklyCost.value > 0);
  if (month && first) {
    const named = refused.length === 1 ? monthLongLabel(month) : `${refused.length} months, ${refused.map(([m]) => monthLabel(m)).join(', ')}`;
    findings.error(
      'implausible-value',
      first.averageWeeklyCost.source,
      `every average weekly cost of the placement types for ${named} is under ${pounds(WEEKLY_FLOOR)} (${first.placementType} ${pounds(first.averageWeeklyCost.value)}): ` +
        `read as pounds a week, the placements' full-year costs would be a thousand times too small; expected pounds a week ` +
        `(if they are in £000, multiply each by 1,000: ${pounds(first.averageWeeklyCost.value)} is ${pounds(first.averageWeeklyCost.value * 1000)})`,
    );
  }
  return new Set(refused.map(([m]) => m));
}

function readRevenue(raw: RawWorkbook, aliases: HeaderAliases['projectSheets'], findings: FindingList, aliasesFile: string): RevenueRow[] {
  const sheet = openSheet(raw, 'financeRevenue', aliases, findings, aliasesFile, (t) => t('serviceArea'));
  const out: RevenueRow[] = [];
  const totals: TotalRow[] = [];
  const areas = new NameSpellings(findings, 'service area');
  for (const row of sheet?.rows ?? []) {
    const month = row.month();
    const serviceArea = row.text('serviceArea');
    const budget = row.amount('budget', 'Budget');
    const forecastOutturn = row.amount('forecastOutturn', 'Forecast outturn');
    const commentary = printableText(row.text('commentary', false) ?? '', row.source('commentary'), findings, 'commentary');
    const area = serviceArea ?? 'service area';
    if (budget && forecastOutturn && budget.value <= 0 && forecastOutturn.value !== 0) {
      // A variance % of a zero budget is meaningless, and would print a large overspend as Green.
      findings.error(
        'implausible-value',
        budget.source,
        `the budget ${typeof budget.stored === 'string' ? amountAsRead(budget) : `is ${pounds(budget.value)}`} against a forecast outturn of ${pounds(forecastOutturn.value)} (${area}), ` +
          "so the variance % of budget and its RAG cannot be worked out; expected the service area's budget, more than £0",
      );
      continue;
    }
    if (budget && forecastOutturn && forecastOutturn.value < 0) {
      // A negative outturn against a positive budget turns the variance over: an overspend would print as a larger underspend.
      findings.error(
        'implausible-value',
        forecastOutturn.source,
        `the forecast outturn ${amountAsRead(forecastOutturn)}${typeof forecastOutturn.stored === 'string' ? '' : ' is negative'} against a budget of ${pounds(budget.value)}, ` +
          `so the variance would be ${pounds(forecastOutturn.value - budget.value)}, turned over; expected the service area's forecast spend, £0 or more (${area})`,
      );
      continue;
    }
    if (budget && forecastOutturn && forecastOutturn.value === 0 && budget.value > 0) {
      // An outturn of nothing is the far end of "a tenth of its budget or less": it printed the whole budget as an underspend, and Green.
      findings.error(
        'implausible-value',
        forecastOutturn.source,
        `the forecast outturn is £0 against a budget of ${pounds(budget.value)} (${area}), so the whole budget would print as an underspend; ` +
          "a formula over a ledger code not yet posted, or a month not filled in? Expected the service area's forecast spend",
      );
      continue;
    }
    if (budget && forecastOutturn && forecastOutturn.value > 0) {
      const ratio = forecastOutturn.value / budget.value;
      if (ratio >= SCALE_FACTOR || ratio * SCALE_FACTOR <= 1) {
        findings.error(
          'implausible-value',
          forecastOutturn.source,
          `the forecast outturn ${pounds(forecastOutturn.value)} is ${ratio >= 1 ? `${ratio.toLocaleString('en-GB', { maximumFractionDigits: 1 })} times` : `${(ratio * 100).toLocaleString('en-GB', { maximumFractionDigits: 1 })}% of`} ` +
            `the budget of ${pounds(budget.value)} (${area}); an outturn of ${SCALE_FACTOR} times its budget or more, or a tenth of it or less, is not a forecast ` +
            "(a zero too many or too few, or pence for pounds?); expected an amount of the budget's scale",
        );
        continue;
      }
    }
    if (!month || !serviceArea || !budget || !forecastOutturn) continue;
    if (isTotalName(serviceArea)) {
      totals.push({
        month,
        name: serviceArea.trim(),
        source: row.source('serviceArea'),
        figures: [
          ['Budget', budget.value],
          ['Forecast outturn', forecastOutturn.value],
        ],
      });
      continue;
    }
    out.push({ month, serviceArea: areas.read(serviceArea, row.source('serviceArea')), budget, forecastOutturn, commentary, source: row.source() });
  }
  leaveOutTotals(totals, out, (lines) => [sum(lines.map((l) => l.budget.value)), sum(lines.map((l) => l.forecastOutturn.value))], 'service area', findings);
  const twice = refuseTwice(
    out.map((r) => ({ month: r.month, name: r.serviceArea, source: r.source })),
    'service area',
    findings,
  );
  const refused = new Set([
    ...checkScale(
      out.map((r) => ({ key: r.serviceArea, month: r.month, figure: r.budget })),
      'budget',
      'service area',
      findings,
    ),
    ...checkScale(
      out.map((r) => ({ key: r.serviceArea, month: r.month, figure: r.forecastOutturn })),
      'forecast outturn',
      'service area',
      findings,
    ),
  ]);
  const kept = out.filter((r) => !refused.has(r.budget) && !refused.has(r.forecastOutturn) && !twice.has(r.source));
  const inThousands = checkPounds(kept, findings);
  return kept.filter((r) => !inThousands.has(r.month));
}

function readPlacements(raw: RawWorkbook, aliases: HeaderAliases['projectSheets'], findings: FindingList, aliasesFile: string): PlacementRow[] {
  const sheet = openSheet(raw, 'financePlacements', aliases, findings, aliasesFile, (t) => t('placementType'));
  const out: PlacementRow[] = [];
  const totals: TotalRow[] = [];
  const types = new NameSpellings(findings, 'placement type');
  for (const row of sheet?.rows ?? []) {
    const month = row.month();
    const placementType = row.text('placementType');
    const number = row.amount('number', 'Number', { integer: true, min: 0 });
    const averageWeeklyCost = row.amount('averageWeeklyCost', 'Average weekly cost', { min: 0 });
    const budgetedNumber = row.amount('budgetedNumber', 'Budgeted number', { min: 0 });
    if (!month || !placementType || !number || !averageWeeklyCost || !budgetedNumber) continue;
    if (isTotalName(placementType)) {
      totals.push({
        month,
        name: placementType.trim(),
        source: row.source('placementType'),
        figures: [
          ['Number', number.value],
          ['Budgeted number', budgetedNumber.value],
        ],
      });
      continue;
    }
    if (averageWeeklyCost.value === 0 && number.value > 0) {
      // Children placed at no cost: their cost, its full year and the reconciliation printed without them. A warning: a
      // type may cost nothing (placed with parents).
      findings.warning(
        'implausible-value',
        averageWeeklyCost.source,
        `the average weekly cost is £0 for ${number.value.toLocaleString('en-GB')} placement(s) (${placementType.trim()}, ${monthLabel(month)}), so their cost prints as £0; ` +
          'a formula over data not yet in, or a month not filled in? Expected the average weekly cost of the placements, unless they cost nothing',
      );
    }
    out.push({ month, placementType: types.read(placementType, row.source('placementType')), number, averageWeeklyCost, budgetedNumber, source: row.source() });
  }
  leaveOutTotals(totals, out, (types) => [sum(types.map((t) => t.number.value)), sum(types.map((t) => t.budgetedNumber.value))], 'placement type', findings);
  const twice = refuseTwice(
    out.map((r) => ({ month: r.month, name: r.placementType, source: r.source })),
    'placement type',
    findings,
  );
  const refused = checkScale(
    out.map((r) => ({ key: r.placementType, month: r.month, figure: r.averageWeeklyCost })),
    'average weekly cost',
    'placement type',
    findings,
  );
  const kept = out.filter((r) => !refused.has(r.averageWeeklyCost) && !twice.has(r.source));
  const inThousands = checkWeeklyPounds(kept, findings);
  return kept.filter((r) => !inThousands.has(r.month));
}

function readCostReduction(raw: RawWorkbook, aliases: HeaderAliases['projectSheets'], findings: FindingList, aliasesFile: string): CostReductionRow[] {
  const sheet = openSheet(raw, 'financeCostReduction', aliases, findings, aliasesFile, (t) => t('proposal'));
  const out: CostReductionRow[] = [];
  const totals: TotalRow[] = [];
  for (const row of sheet?.rows ?? []) {
    const month = row.month();
    const proposal = row.text('proposal');
    const owner = row.text('owner', false) ?? '';
    const target = row.amount('target', 'Target', { min: 0 });
    const forecastDelivery = row.amount('forecastDelivery', 'Forecast delivery', { min: 0 });
    // A total row seldom has a RAG of its own.
    const ragText = row.text('rag', proposal === undefined || !isTotalName(proposal)) || undefined;
    // The same forms as the indicator tables' RAG columns: Red, Amber, Green or R, A, G, in any case.
    const word = ragText === undefined ? undefined : ragWord(ragText);
    const rag = word === undefined ? undefined : COST_REDUCTION_RAG[word];
    if (ragText !== undefined && !rag) {
      findings.error('implausible-value', row.source('rag'), `"${ragText}" is not a RAG rating; expected Red, Amber or Green (or R, A, G)`);
    }
    const commentary = printableText(row.text('commentary', false) ?? '', row.source('commentary'), findings, 'commentary');
    if (month && proposal && target && forecastDelivery && isTotalName(proposal)) {
      // The plans' own Total row, read as one more plan, doubled the targets and the forecast (and hid a shortfall).
      totals.push({
        month,
        name: proposal.trim(),
        source: row.source('proposal'),
        figures: [
          ['Target', target.value],
          ['Forecast delivery', forecastDelivery.value],
        ],
      });
      continue;
    }
    if (!month || !proposal || !target || !forecastDelivery || !rag) continue;
    if (target.value > 0 && forecastDelivery.value >= target.value * SCALE_FACTOR) {
      findings.error(
        'implausible-value',
        forecastDelivery.source,
        `the forecast delivery ${pounds(forecastDelivery.value)} is ${SCALE_FACTOR} times or more the target of ${pounds(target.value)} (${proposal}); ` +
          "expected an amount of the target's scale (a zero too many, or pence for pounds?)",
      );
      continue;
    }
    out.push({ month, proposal, owner, target, forecastDelivery, rag, commentary, source: row.source() });
  }
  leaveOutTotals(totals, out, (plans) => [sum(plans.map((p) => p.target.value)), sum(plans.map((p) => p.forecastDelivery.value))], 'plan', findings);
  // A plan pasted twice counted its target and forecast twice.
  // Two plans of one name with other owners are two plans.
  const twice = refuseTwice(
    out.map((r) => ({ month: r.month, name: r.owner ? `${r.proposal} (${r.owner})` : r.proposal, source: r.source })),
    'plan',
    findings,
  );
  const refused = checkScale(
    out.map((r) => ({ key: r.proposal, month: r.month, figure: r.target })),
    'target',
    'proposal',
    findings,
  );
  return out.filter((r) => !refused.has(r.target) && !twice.has(r.source));
}

/** Reads the project's own long-format sheets (the Breakdowns sheet: ./read-breakdowns.ts); a sheet that is absent gives an empty list. */
export function readProjectSheets(
  raw: RawWorkbook,
  aliases: HeaderAliases['projectSheets'],
  findings: FindingList,
  /** The header aliases file, as the messages name it. */
  aliasesFile: string,
): Omit<Dataset, 'file' | 'tables' | 'breakdowns'> {
  return {
    teamMeasures: readTeamMeasures(raw, aliases, findings, aliasesFile),
    caseloads: readCaseloads(raw, aliases, findings, aliasesFile),
    commentary: readCommentary(raw, aliases, findings, aliasesFile),
    finance: {
      revenue: readRevenue(raw, aliases, findings, aliasesFile),
      placements: readPlacements(raw, aliases, findings, aliasesFile),
      costReduction: readCostReduction(raw, aliases, findings, aliasesFile),
    },
  };
}

/** Sheets that belong to the project's own format, so the table finder leaves them alone. */
export function isProjectSheet(name: string, aliases: HeaderAliases['projectSheets']): boolean {
  return Object.values(aliases).some((spec) => matchesAlias(name, spec.sheet));
}
