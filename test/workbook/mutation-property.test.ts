/**
 * A seeded property test (issue 15, item 10): the sample workbook mutated a few hundred times
 * (cell values and types, text sizes, rows, month headers; and a few times its sheet XML itself),
 * each run through the pipeline in this process. Every case must end in either
 *   - a report whose printed figures equal their cells (each printed figure traced to the cell it
 *     names, read again from the mutated workbook, and compared), or
 *   - a typed error (B4BError) whose findings name the file and, for a cell's problem, the cell;
 * never another exception or a hang. A failure prints the seed and the case: rerun it with
 * B4B_FUZZ_SEED=<seed> (and B4B_FUZZ_CASES=<n> for more cases).
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
import { B4BError, formatFinding, type Finding } from '../../src/findings/finding.js';
import { ReportFigures, type IndicatorTableModel } from '../../src/report/report-figures.js';
import { renderTemplate } from '../../src/report/template/render-template.js';
import { buildReport } from '../../src/produce/report.js';
import { testContext } from '../fixtures/sample-report.js';
import { checkArchive } from '../../src/workbook/check-archive.js';
import { dateToSerial, readCellValue, type CellReading } from '../../src/workbook/cell-value.js';
import { loadWorkbook, type RawWorkbook, type SheetGrid } from '../../src/workbook/load-workbook.js';
import { loadSettings } from '../../src/config/settings.js';
import { pdfText } from '../fixtures/pdf-text.js';
import { SAMPLE } from '../fixtures/sample-report.js';
import { ROOT } from '../fixtures/workbooks.js';
import { readParts, writeZip, type ZipPart } from '../fixtures/zip.js';

const SEED = Number(process.env.B4B_FUZZ_SEED ?? 20231031);
const CELL_CASES = Number(process.env.B4B_FUZZ_CASES ?? 200);
const XML_CASES = 12;
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

beforeAll(async () => {
  const loaded = await loadSettings();
  aliases = loaded.aliases;
  catalogue = loaded.catalogue;
  teamMeasures = loaded.teamMeasures;
  template = await readFile(path.join(ROOT, 'templates', 'performance.hbs'), 'utf8');
  sampleBytes = await readFile(SAMPLE);
  sample = await loadWorkbook(sampleBytes, 'b4b-sample.xlsx');
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
  return { ...grid, rows: new Map([...grid.rows].map(([r, cells]) => [r, new Map(cells)])) };
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

/** One case through the reader and the report model; the problems found (none when the properties hold). */
function checkCase(raw: RawWorkbook): { problems: string[]; outcome: 'report' | 'refused'; tables?: IndicatorTableModel[] } {
  const checked = buildDataset(raw, aliases, catalogue, new Date(Date.UTC(2023, 10, 15)), DEFAULT_LIMITS);
  const errors = checked.findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) return { problems: typedProblems(errors), outcome: 'refused' };
  if (!checked.dataset.tables.some((t) => t.months.includes(MONTH))) return { problems: [], outcome: 'refused' };
  let blocks;
  try {
    const figures = new ReportFigures(checked.dataset, catalogue, MONTH, teamMeasures);
    blocks = renderTemplate(template, figures, { month: MONTH, report: 'performance', service: 'Children & Learning' });
  } catch (error) {
    if (error instanceof B4BError) return { problems: [], outcome: 'refused' };
    throw error;
  }
  const tables = blocks.filter((b): b is IndicatorTableModel => b.kind === 'indicator-table');
  const problems = tables.flatMap((t) => t.rows.flatMap((row) => row.cells.flatMap((text, i) => printedProblem(raw, text, row.figures[i]) ?? [])));
  return { problems, outcome: 'report', tables };
}

describe(`the sample workbook, mutated (seed ${SEED}; replay with B4B_FUZZ_SEED=${SEED})`, () => {
  it(`${CELL_CASES} mutations of cells, types, sizes and rows: a report whose figures equal their cells, or a typed error naming a cell`, () => {
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
  });

  it(`${XML_CASES} mutations of the sheet XML itself: through the archive check and exceljs, never anything but a typed error or a true report`, async () => {
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
  });

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
