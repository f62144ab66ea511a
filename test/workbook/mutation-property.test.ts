/**
 * A seeded property test (issue 15, item 10): the sample workbook mutated a few hundred times
 * (cell values and types, text sizes, rows, month headers; and a few times its sheet XML itself),
 * each run through the pipeline in this process. Every case must end in either
 *   - a report whose printed figures equal their cells (each printed figure traced to the cell it
 *     names, read again from the mutated workbook, and compared), and that drops no figure the
 *     workbook still holds where the sample had it, or
 *   - a typed error (B4BError) whose findings name the file and, for a cell's problem, the cell;
 * never another exception or a hang. The families of issue 23, items 1-5 (a month header typed as a
 * number, merged cells over figures, an indicator twice in a table, lookalike and invisible
 * characters in a name, implausible finance amounts) each have a generator of their own, whose
 * cases must end in an error naming the cell they changed (or, where the change is harmless, in a
 * report). A failure prints the seed and the case: rerun it with B4B_FUZZ_SEED=<seed> (and
 * B4B_FUZZ_CASES=<n> for more cases).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorCatalogue } from '../../src/config/catalogue.js';
import type { HeaderAliases } from '../../src/config/header-aliases.js';
import { DEFAULT_LIMITS } from '../../src/config/limits.js';
import type { TeamMeasure } from '../../src/config/team-measures.js';
import { buildDataset } from '../../src/dataset/build-dataset.js';
import type { Figure } from '../../src/dataset/types.js';
import { B4BError, formatFinding, type Finding, type SourceRef } from '../../src/findings/finding.js';
import { ReportFigures, type IndicatorTableModel } from '../../src/report/report-figures.js';
import { renderTemplate } from '../../src/report/template/render-template.js';
import { buildReport } from '../../src/produce/report.js';
import { testContext } from '../fixtures/sample-report.js';
import { checkArchive } from '../../src/workbook/check-archive.js';
import { dateToSerial, readCellValue, type CellReading } from '../../src/workbook/cell-value.js';
import { cellAddress, loadWorkbook, type RawWorkbook, type SheetGrid } from '../../src/workbook/load-workbook.js';
import type { IndicatorTable } from '../../src/dataset/types.js';
import { parseMonth } from '../../src/model/month.js';
import { loadSettings } from '../../src/config/settings.js';
import { pdfText } from '../fixtures/pdf-text.js';
import { SAMPLE } from '../fixtures/sample-report.js';
import { ROOT } from '../fixtures/workbooks.js';
import { readParts, writeZip, type ZipPart } from '../fixtures/zip.js';

const SEED = Number(process.env.B4B_FUZZ_SEED ?? 20231031);
const CELL_CASES = Number(process.env.B4B_FUZZ_CASES ?? 200);
const XML_CASES = 12;
/** Cases of each family of issue 23, items 1-5. */
const FAMILY_CASES = Number(process.env.B4B_FUZZ_FAMILY_CASES ?? 12);
/** Hundreds of cases through the whole reader: bounded by work, not by a quiet machine. */
const PROPERTY_TIMEOUT = 600_000;
const MONTH = '2023-10';

/** mulberry32: a small seeded generator, so a case can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;

let aliases: HeaderAliases;
let catalogue: IndicatorCatalogue;
let teamMeasures: TeamMeasure[];
let template: string;
let sample: RawWorkbook;
let sampleBytes: Buffer;
/** The sample's tables as the reader finds them unmutated: where its headers, names and figures are. */
let sampleTables: IndicatorTable[];

beforeAll(async () => {
  const loaded = await loadSettings();
  aliases = loaded.aliases;
  catalogue = loaded.catalogue;
  teamMeasures = loaded.teamMeasures;
  template = await readFile(path.join(ROOT, 'templates', 'performance.hbs'), 'utf8');
  sampleBytes = await readFile(SAMPLE);
  sample = await loadWorkbook(sampleBytes, 'b4b-sample.xlsx');
  sampleTables = buildDataset(sample, aliases, catalogue, new Date(Date.UTC(2023, 10, 15))).dataset.tables;
  const baseline = checkCase(sample);
  supplied = (baseline.tables ?? []).flatMap((t) =>
    t.rows.flatMap((row) => {
      const figure = row.figures[t.months.indexOf(MONTH)];
      const header = sampleTables.find((table) =>
        table.rows.some((r) => r.source.cell === row.source?.cell && r.source.sheet === row.source?.sheet),
      )?.headerSource;
      return row.supplied && row.source && figure?.kind === 'number'
        ? [{ id: row.id, name: row.source, figure: figure.source, ...(header ? { header } : {}) }]
        : [];
    }),
  );
});

// --- mutations of the interpreted grid (what exceljs handed the reader) ------------------------

/** A new value for a cell, as exceljs would hand it over: every type the reader meets. */
function newValue(rng: Rng, old: CellReading): { value: unknown; numFmt?: string } {
  const n = old.kind === 'number' ? old.value : 100 * rng();
  const choices: Array<() => { value: unknown; numFmt?: string }> = [
    () => ({ value: Math.round(n * (1 + (rng() - 0.5))) }),
    () => ({ value: -Math.abs(n) - 1 }),
    () => ({ value: n * 10 ** Math.floor(rng() * 14) }),
    () => ({ value: rng(), numFmt: '0.0%' }),
    () => ({ value: Math.round(rng() * 100000) / 100 }),
    () => ({
      value: pick(rng, ['12a', '', ' ', '-', 'TBC', 'n/a', '<36%', '>=17k', '26%', '1,759', '(220)', '£1.2m', '#DIV/0!', '# Heading', '**', 'Jan-23']),
    }),
    () => ({ value: new Date(Date.UTC(1990 + Math.floor(rng() * 40), Math.floor(rng() * 12), 1 + Math.floor(rng() * 28))), numFmt: 'dd/mm/yyyy' }),
    () => ({ value: new Date(Date.UTC(1899, 11, 31)), numFmt: 'mmm-yy' }),
    () => ({ value: { error: '#N/A' } }),
    () => ({ value: { formula: 'SUM(A1:A3)', result: Math.round(n) } }),
    () => ({ value: { formula: 'SUM(A1:A3)' } }),
    () => ({ value: { richText: [{ text: 'rich ' }, { text: String(Math.round(n)) }] } }),
    () => ({ value: rng() < 0.5 }),
    () => ({ value: null }),
    () => ({ value: 'x'.repeat(1 + Math.floor(rng() * 20000)) }),
    () => ({ value: Number.NaN }),
  ];
  return pick(rng, choices)();
}

function cloneGrid(grid: SheetGrid): SheetGrid {
  return { ...grid, rows: new Map([...grid.rows].map(([r, cells]) => [r, new Map(cells)])), merges: [...(grid.merges ?? [])] };
}

function mutateGrid(rng: Rng, raw: RawWorkbook): { raw: RawWorkbook; what: string } {
  const sheets = raw.sheets.map((s) => s);
  const index = Math.floor(rng() * sheets.length);
  const grid = cloneGrid(sheets[index] as SheetGrid);
  sheets[index] = grid;
  const rowNumbers = [...grid.rows.keys()];
  const r = pick(rng, rowNumbers);
  const row = grid.rows.get(r) as Map<number, CellReading>;
  const cols = [...row.keys()];
  const c = pick(rng, cols);
  const kind = rng();
  let what: string;
  if (kind < 0.7) {
    const { value, numFmt } = newValue(rng, row.get(c) ?? { kind: 'empty' });
    const reading = readCellValue(value, numFmt, grid.date1904);
    if (reading.kind === 'empty') row.delete(c);
    else row.set(c, reading);
    what = `'${grid.name}'!R${r}C${c} := ${JSON.stringify(value)?.slice(0, 60)}${numFmt ? ` (${numFmt})` : ''}`;
  } else if (kind < 0.8) {
    grid.rows.delete(r);
    what = `'${grid.name}' row ${r} deleted`;
  } else if (kind < 0.9) {
    const target = r + 1 + Math.floor(rng() * 3);
    grid.rows.set(target, new Map(row));
    what = `'${grid.name}' row ${r} copied over row ${target}`;
  } else {
    const other = pick(rng, cols);
    const a = row.get(c);
    const b = row.get(other);
    if (a) row.set(other, a);
    else row.delete(other);
    if (b) row.set(c, b);
    else row.delete(c);
    what = `'${grid.name}'!R${r}: columns ${c} and ${other} swapped`;
  }
  return { raw: { ...raw, sheets }, what };
}

// --- the families of issue 23, items 1-5 --------------------------------------------------------

/** A family's case: the mutated workbook, what was done, and what its outcome must be (a problem, or undefined when it holds). */
interface FamilyCase {
  raw: RawWorkbook;
  what: string;
  expect: (result: CaseResult) => string | undefined;
}

function address(cell: string): { r: number; c: number } {
  const m = /^([A-Z]+)(\d+)$/.exec(cell);
  return { r: Number(m?.[2]), c: [...(m?.[1] ?? '')].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) };
}

/** The workbook with one sheet replaced by an edited copy. */
function withSheet(raw: RawWorkbook, name: string, edit: (grid: SheetGrid) => void): RawWorkbook {
  const sheets = raw.sheets.map((s) => (s.name === name ? cloneGrid(s) : s));
  const grid = sheets.find((s) => s.name === name) as SheetGrid;
  edit(grid);
  return { ...raw, sheets };
}

/** The case must be refused with an error of this code naming one of these cells. */
function errorAt(code: string, sheet: string, cells: string[]): (result: CaseResult) => string | undefined {
  return (result) => {
    const named = result.findings.some((f) => f.severity === 'error' && f.code === code && f.source.sheet === sheet && cells.includes(f.source.cell ?? ''));
    return result.outcome === 'refused' && named ? undefined : `expected an error (${code}) naming '${sheet}'!${cells.join(' or ')}; got ${result.outcome}`;
  };
}

const FAMILIES: Record<string, (rng: Rng) => FamilyCase> = {
  /** 1. A month header typed as a number: its date serial, another month's, or a small number. */
  'month header typed as a number': (rng) => {
    const table = pick(
      rng,
      sampleTables.filter((t) => t.months.length > 2),
    );
    const header = address(table.headerSource.cell ?? '');
    const grid = sample.sheets.find((g) => g.name === table.sheet) as SheetGrid;
    const monthCols = [...(grid.rows.get(header.r)?.entries() ?? [])]
      .filter(
        ([c, reading]) => c > header.c && parseMonth(reading.kind === 'text' ? reading.text : reading.kind === 'date' ? reading.date : undefined) !== undefined,
      )
      .map(([c]) => c);
    const col = pick(rng, monthCols);
    const serial = Math.round(dateToSerial(new Date(Date.UTC(2015 + Math.floor(rng() * 10), Math.floor(rng() * 12), 1))));
    const value = pick(rng, [serial, Math.floor(rng() * 12) + 1, 45200]);
    const cell = cellAddress(header.r, col);
    return {
      raw: withSheet(sample, table.sheet, (g) => g.rows.get(header.r)?.set(col, readCellValue(value, 'General'))),
      what: `'${table.sheet}'!${cell} := ${value}`,
      expect: errorAt('not-a-month', table.sheet, [cell]),
    };
  },
  /** 2. Cells merged over figures, across (a month and the next) or down (one month over two to four rows), as exceljs hands them over: the master's value alone. */
  'merged cells over figures': (rng) => {
    const table = pick(
      rng,
      sampleTables.filter((t) => t.rows.length >= 4),
    );
    const row = pick(rng, table.rows.slice(0, -3));
    const month = pick(rng, table.months.slice(0, -1));
    const master = address(row.values[month]?.source.cell ?? '');
    const across = rng() < 0.5;
    const bottom = across ? master.r : master.r + 1 + Math.floor(rng() * 3);
    const right = across ? master.c + 1 : master.c;
    const range = `${cellAddress(master.r, master.c)}:${cellAddress(bottom, right)}`;
    return {
      raw: withSheet(sample, table.sheet, (g) => {
        for (let r = master.r; r <= bottom; r++) for (let c = master.c; c <= right; c++) if (r !== master.r || c !== master.c) g.rows.get(r)?.delete(c);
        g.merges = [...(g.merges ?? []), { top: master.r, left: master.c, bottom, right }];
      }),
      what: `'${table.sheet}' ${range} merged`,
      expect: errorAt('merged-cells', table.sheet, [cellAddress(master.r, master.c)]),
    };
  },
  /** 3. One row of a table renamed to another row's name: an error naming both unless their figures are the same. */
  'indicator twice in a table': (rng) => {
    const table = pick(
      rng,
      sampleTables.filter((t) => t.rows.length >= 2),
    );
    const [first, second] = [...table.rows].sort(() => rng() - 0.5) as [IndicatorTable['rows'][number], IndicatorTable['rows'][number]];
    const cell = second.source.cell ?? '';
    const { r, c } = address(cell);
    const sameFigures = table.months.every(
      (m) => JSON.stringify(first.values[m] && { ...first.values[m], source: 0 }) === JSON.stringify(second.values[m] && { ...second.values[m], source: 0 }),
    );
    const name = sampleCell(first.source) as CellReading;
    return {
      raw: withSheet(sample, table.sheet, (g) => g.rows.get(r)?.set(c, name)),
      what: `'${table.sheet}'!${cell} renamed "${first.name}"`,
      expect: (result) => {
        const both = [cell, first.source.cell ?? ''];
        const named = result.findings.some((f) => f.code === 'repeated-indicator' && both.includes(f.source.cell ?? '') && both.includes(f.also?.cell ?? ''));
        if (!named) return `expected a finding (repeated-indicator) naming ${both.join(' and ')}`;
        return sameFigures || result.outcome === 'refused' ? undefined : 'expected the case refused: the two rows have different figures';
      },
    };
  },
  /** 4. A letter of a catalogued name swapped for a lookalike (an error), or an invisible character slipped in (read right, with a warning). */
  'lookalike or invisible character in a name': (rng) => {
    const rows = sampleTables.flatMap((t) => t.rows.filter((row) => row.catalogued).map((row) => ({ row, table: t })));
    const { row, table } = pick(rng, rows);
    const name = (sampleCell(row.source) as Extract<CellReading, { kind: 'text' }>).text;
    const cell = row.source.cell ?? '';
    const { r, c } = address(cell);
    const swappable = [...name].flatMap((ch, i) => (LOOKALIKES[ch] ? [i] : []));
    const invisible = rng() < 0.4 || swappable.length === 0;
    const chars = [...name];
    let what: string;
    if (invisible) {
      const at = 1 + Math.floor(rng() * (chars.length - 1));
      const ch = pick(rng, ['\u200b', '\u00ad', '\u2060', '\ufeff', '\u200d']);
      chars.splice(at, 0, ch);
      what = `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')} put at position ${at + 1}`;
    } else {
      const at = pick(rng, swappable);
      const ch = chars[at] as string;
      chars[at] = pick(rng, LOOKALIKES[ch] as string[]);
      what = `"${ch}" at position ${at + 1} swapped for U+${(chars[at]?.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
    }
    return {
      raw: withSheet(sample, table.sheet, (g) => g.rows.get(r)?.set(c, { kind: 'text', text: chars.join('') })),
      what: `'${table.sheet}'!${cell}: ${what}`,
      expect: invisible
        ? (result) =>
            result.findings.some((f) => f.severity === 'warning' && f.code === 'lookalike-characters' && f.source.cell === cell) &&
            !result.findings.some((f) => f.code === 'not-in-catalogue' && f.source.cell === cell)
              ? undefined
              : `expected a warning naming the invisible character at ${cell}, and no "not in catalogue"`
        : errorAt('lookalike-characters', table.sheet, [cell]),
    };
  },
  /** 5. A revenue amount typed in brackets, a zero too many or too few, its sign turned over (errors), or nudged by 5% (harmless). */
  'implausible finance amount': (rng) => {
    const grid = sample.sheets.find((g) => g.name === 'Finance revenue') as SheetGrid;
    const r = pick(
      rng,
      [...grid.rows.keys()].filter((k) => k > 1),
    );
    const col = pick(rng, [3, 4]); // C Budget, D Forecast outturn
    const reading = grid.rows.get(r)?.get(col) as Extract<CellReading, { kind: 'number' }>;
    const kind = pick(rng, ['brackets', 'times 10', 'times 100', 'a tenth', 'negative', 'nudged']);
    const value = reading.value;
    const typed = {
      brackets: `(${value})`,
      'times 10': value * 10,
      'times 100': value * 100,
      'a tenth': value / 10,
      negative: -value,
      nudged: Math.round(value * 1.05),
    }[kind];
    const cell = cellAddress(r, col);
    return {
      raw: withSheet(sample, 'Finance revenue', (g) => g.rows.get(r)?.set(col, readCellValue(typed))),
      what: `'Finance revenue'!${cell} := ${JSON.stringify(typed)} (${kind})`,
      expect:
        kind === 'nudged'
          ? (result) =>
              result.findings.some((f) => f.severity === 'error' && f.source.sheet === 'Finance revenue')
                ? `expected no error for a 5% change at ${cell}`
                : undefined
          : errorAt('implausible-value', 'Finance revenue', [cellAddress(r, 3), cellAddress(r, 4)]),
    };
  },
};

/** Letters and the lookalikes Unicode's confusables list gives them (Cyrillic, Greek, Latin small capitals). */
const LOOKALIKES: Record<string, string[]> = {
  a: ['\u0430'],
  c: ['\u0441', '\u03f2'],
  e: ['\u0435'],
  i: ['\u0456'],
  o: ['\u043e', '\u03bf'],
  p: ['\u0440', '\u03c1'],
  s: ['\u0455'],
  x: ['\u0445'],
  y: ['\u0443'],
  A: ['\u0410', '\u0391'],
  B: ['\u0412', '\u0392'],
  C: ['\u0421'],
  E: ['\u0415', '\u0395'],
  H: ['\u041d', '\u0397'],
  M: ['\u041c', '\u039c'],
  N: ['\u039d'],
  O: ['\u041e', '\u039f'],
  P: ['\u0420', '\u03a1'],
  T: ['\u0422', '\u03a4'],
};

// --- the properties ---------------------------------------------------------------------------

const FILE_LEVEL = new Set(['no-tables', 'unreadable-file', 'input-too-large']);

function cellOf(raw: RawWorkbook, sheet: string, cell: string): CellReading | undefined {
  const m = /^([A-Z]+)(\d+)$/.exec(cell);
  if (!m?.[1] || !m[2]) return undefined;
  const col = [...m[1]].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
  return raw.sheets
    .find((s) => s.name === sheet)
    ?.rows.get(Number(m[2]))
    ?.get(col);
}

/** Why a printed figure does not equal the cell it names, or undefined when it does. */
function printedProblem(raw: RawWorkbook, text: string, figure: Figure | undefined): string | undefined {
  if (!figure) return undefined;
  if (!figure.source.sheet || !figure.source.cell) return `"${text}" names no cell`;
  const reading = cellOf(raw, figure.source.sheet, figure.source.cell);
  const at = `${figure.source.sheet}!${figure.source.cell}`;
  if (figure.kind === 'number') {
    const value = reading?.kind === 'number' ? reading.value : reading?.kind === 'date' ? dateToSerial(reading.date, false) : undefined;
    if (value === undefined) return `"${text}" printed from ${at}, which holds ${JSON.stringify(reading)}`;
    const printed = Number(text.replace(/[%,£]/g, ''));
    const decimals = /\.(\d+)/.exec(text)?.[1]?.length ?? 0;
    const candidates = text.endsWith('%') ? [value * 100, value] : [value];
    const ok = Number.isFinite(printed) && candidates.some((v) => Math.abs(v - printed) <= 0.5 * 10 ** -decimals + 1e-9 * Math.max(1, Math.abs(v)));
    return ok ? undefined : `"${text}" printed from ${at}, which holds ${value}`;
  }
  if (figure.kind === 'comparison')
    return reading?.kind === 'comparison' && reading.text === text ? undefined : `"${text}" printed from ${at}, which holds ${JSON.stringify(reading)}`;
  if (figure.reason === 'placeholder')
    return reading?.kind === 'text' && reading.text.trim() === text ? undefined : `"${text}" printed from ${at}, which holds ${JSON.stringify(reading)}`;
  return text === '' || text === '-' ? undefined : `"${text}" printed for an empty ${at}`;
}

function typedProblems(findings: Finding[]): string[] {
  return findings
    .filter((f) => f.severity === 'error')
    .flatMap((f) =>
      f.source.file && (FILE_LEVEL.has(f.code) || (f.source.sheet !== undefined && f.source.cell !== undefined))
        ? []
        : [`an error that names no cell: ${formatFinding(f)}`],
    );
}

interface CaseResult {
  problems: string[];
  outcome: 'report' | 'refused';
  findings: Finding[];
  tables?: IndicatorTableModel[];
}

/**
 * Rows the sample's report supplies, with the cells of their name and of the month's figure: a
 * mutated case that still holds that name and a figure there must not print the row as not supplied.
 */
let supplied: Array<{ id: string; name: SourceRef; figure: SourceRef; header?: SourceRef }> = [];

function sourceKey(source: SourceRef | undefined): string {
  return `${source?.sheet ?? ''}!${source?.cell ?? ''}`;
}

/**
 * A row the workbook still holds (its name and the month's figure where the sample read them) that
 * the report drops with no finding about that row: a silent drop.
 */
function droppedRows(raw: RawWorkbook, tables: IndicatorTableModel[], findings: Finding[]): string[] {
  const rows = new Map(tables.flatMap((t) => t.rows.map((row) => [row.id, row])));
  const rowOf = (source: SourceRef | undefined): string => `${source?.sheet ?? ''}!${/\d+$/.exec(source?.cell ?? '')?.[0] ?? ''}`;
  // A finding names the row itself, or lists it in its detail ("C4: ...").
  const said = new Set(
    findings.flatMap((f) => [
      rowOf(f.source),
      ...(f.detail ?? []).flatMap((d) => (/^[A-Z]+\d+:/.test(d) ? [rowOf({ file: '', sheet: f.source.sheet ?? '', cell: d.split(':')[0] ?? '' })] : [])),
    ]),
  );
  return supplied.flatMap(({ id, name, figure, header }) => {
    // Said: a finding about the row itself, or about its table's header (a column ignored, a month refused).
    if (rows.get(id)?.supplied !== false || said.has(rowOf(name)) || (header && said.has(rowOf(header)))) return [];
    const before = sampleCell(name);
    const nameNow = cellOf(raw, name.sheet ?? '', name.cell ?? '');
    const figureNow = cellOf(raw, figure.sheet ?? '', figure.cell ?? '');
    const same = before?.kind === 'text' && nameNow?.kind === 'text' && nameNow.text === before.text;
    return same && figureNow?.kind === 'number' ? [`${id} is printed "not supplied", though ${sourceKey(name)} and ${sourceKey(figure)} still hold it`] : [];
  });
}

function sampleCell(source: SourceRef): CellReading | undefined {
  return cellOf(sample, source.sheet ?? '', source.cell ?? '');
}

/** One case through the reader and the report model; the problems found (none when the properties hold). */
function checkCase(raw: RawWorkbook): CaseResult {
  const checked = buildDataset(raw, aliases, catalogue, new Date(Date.UTC(2023, 10, 15)), DEFAULT_LIMITS);
  const findings = checked.findings;
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) return { problems: typedProblems(errors), outcome: 'refused', findings };
  if (!checked.dataset.tables.some((t) => t.months.includes(MONTH))) return { problems: [], outcome: 'refused', findings };
  let blocks;
  try {
    const figures = new ReportFigures(checked.dataset, catalogue, MONTH, teamMeasures);
    blocks = renderTemplate(template, figures, { month: MONTH, report: 'performance', service: 'Children & Learning' });
  } catch (error) {
    if (error instanceof B4BError) return { problems: [], outcome: 'refused', findings };
    throw error;
  }
  const tables = blocks.filter((b): b is IndicatorTableModel => b.kind === 'indicator-table');
  const problems = [
    ...tables.flatMap((t) => t.rows.flatMap((row) => row.cells.flatMap((text, i) => printedProblem(raw, text, row.figures[i]) ?? []))),
    ...droppedRows(raw, tables, findings),
  ];
  return { problems, outcome: 'report', findings, tables };
}

describe(`the sample workbook, mutated (seed ${SEED}; replay with B4B_FUZZ_SEED=${SEED})`, () => {
  it(
    `${CELL_CASES} mutations of cells, types, sizes and rows: a report whose figures equal their cells, or a typed error naming a cell`,
    () => {
      const rng = random(SEED);
      const outcomes = { report: 0, refused: 0 };
      for (let i = 0; i < CELL_CASES; i++) {
        const { raw, what } = mutateGrid(rng, sample);
        let result: ReturnType<typeof checkCase>;
        try {
          result = checkCase(raw);
        } catch (error) {
          throw new Error(`seed ${SEED}, case ${i} (${what}): crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, {
            cause: error,
          });
        }
        expect(result.problems, `seed ${SEED}, case ${i} (${what})`).toEqual([]);
        outcomes[result.outcome]++;
      }
      // Both outcomes occur: the mutations reach what the report prints and what the reader refuses.
      expect(outcomes.report).toBeGreaterThan(CELL_CASES / 4);
      expect(outcomes.refused).toBeGreaterThan(CELL_CASES / 20);
    },
    PROPERTY_TIMEOUT,
  );

  it.each(Object.keys(FAMILIES))(
    `%s: ${FAMILY_CASES} cases, each a typed error naming the cell changed (or, where harmless, a true report)`,
    (family) => {
      const generate = FAMILIES[family] as (rng: Rng) => FamilyCase;
      const rng = random(SEED ^ [...family].reduce((n, ch) => (n * 31 + ch.charCodeAt(0)) >>> 0, 7));
      for (let i = 0; i < FAMILY_CASES; i++) {
        const { raw, what, expect: outcome } = generate(rng);
        const result = checkCase(raw);
        expect(result.problems, `seed ${SEED}, ${family} case ${i} (${what})`).toEqual([]);
        expect(
          outcome(result),
          `seed ${SEED}, ${family} case ${i} (${what}): ${result.findings
            .filter((f) => f.severity === 'error')
            .map(formatFinding)
            .join('; ')}`,
        ).toBeUndefined();
      }
    },
    PROPERTY_TIMEOUT,
  );

  it(
    `${XML_CASES} mutations of the sheet XML itself: through the archive check and exceljs, never anything but a typed error or a true report`,
    async () => {
      const rng = random(SEED ^ 0x5eed);
      const parts = await readParts(sampleBytes);
      const sheetParts = parts.filter((p) => /^xl\/(worksheets\/sheet\d+|sharedStrings)\.xml$/.test(p.name));
      const edits: Array<(xml: string) => string> = [
        (xml) => xml.slice(0, Math.floor(xml.length * rng())),
        (xml) => xml.replace(/<v>(\d+)<\/v>/, '<v>not a number</v>'),
        (xml) => xml.replace(/<c r="([A-Z]+)(\d+)"/, '<c r="$1$2" t="s"').replace(/<v>\d+<\/v>/, '<v>999999</v>'),
        (xml) => xml.replace('</sheetData>', `<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>${'y'.repeat(40000)}</t></is></c></row></sheetData>`),
        (xml) => xml.replace(/<row /g, (m) => (rng() < 0.05 ? '<row hidden="1" ' : m)),
        (xml) => xml.replace(/<\/row>/, ''),
        (xml) => Buffer.from(Buffer.from(xml).map((b) => (rng() < 0.0005 ? Math.floor(rng() * 256) : b))).toString('latin1'),
        (xml) => xml.replace(/<t>([^<]*)<\/t>/, `<t>social worker Jane Smith ${'z'.repeat(50000)}</t>`),
      ];
      const outcomes = { report: 0, refused: 0 };
      for (let i = 0; i < XML_CASES; i++) {
        const part = pick(rng, sheetParts);
        const edit = Math.floor(rng() * edits.length);
        const mutated: ZipPart[] = parts.map((p) =>
          p === part ? { name: p.name, data: Buffer.from((edits[edit] as (x: string) => string)((p.data ?? Buffer.alloc(0)).toString('utf8'))) } : p,
        );
        const what = `${part.name}, edit ${edit}`;
        const bytes = writeZip(mutated);
        try {
          await checkArchive(bytes, 'fuzz.xlsx', DEFAULT_LIMITS);
          const raw = await loadWorkbook(bytes, 'fuzz.xlsx', DEFAULT_LIMITS);
          const result = checkCase(raw);
          expect(result.problems, `seed ${SEED}, XML case ${i} (${what})`).toEqual([]);
          outcomes[result.outcome]++;
        } catch (error) {
          if (!(error instanceof B4BError))
            throw new Error(`seed ${SEED}, XML case ${i} (${what}): crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, {
              cause: error,
            });
          expect(error.findings.length, `seed ${SEED}, XML case ${i} (${what}): ${error.message}`).toBeGreaterThan(0);
          expect(typedProblems(error.findings)).toEqual([]);
          outcomes.refused++;
        }
      }
      expect(outcomes.report + outcomes.refused).toBe(XML_CASES);
    },
    PROPERTY_TIMEOUT,
  );

  it('a mutated case rendered to a PDF prints the figures its model holds (the model is what the PDF shows)', async () => {
    const rng = random(SEED + 1);
    let checkedOne = false;
    for (let i = 0; i < 20 && !checkedOne; i++) {
      const { raw, what } = mutateGrid(rng, sample);
      const checked = buildDataset(raw, aliases, catalogue, new Date(Date.UTC(2023, 10, 15)));
      if (checked.findings.some((f) => f.severity === 'error')) continue;
      const output = await buildReport(
        {
          dataset: checked.dataset,
          catalogue,
          teamMeasures,
          month: MONTH,
          templateSource: template,
          commentaryReport: 'performance',
          title: 'Fuzz',
          council: 'C',
          service: 'S',
          format: {},
        },
        testContext(),
      );
      const text = pdfText(Buffer.from(output.pdf));
      const tokens = new Set(text.split(/\s+/));
      const printed = output.blocks
        .filter((b): b is IndicatorTableModel => b.kind === 'indicator-table')
        .flatMap((t) => t.rows.flatMap((row) => row.cells.filter((c, k) => c !== '' && row.figures[k]?.kind === 'number')));
      const missing = printed.filter((c) => !tokens.has(c));
      expect(missing, `seed ${SEED + 1}, case ${i} (${what})`).toEqual([]);
      checkedOne = true;
    }
    expect(checkedOne).toBe(true);
  });
});
