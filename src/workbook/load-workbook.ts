import type ExcelJS from 'exceljs';
import { DEFAULT_LIMITS, type InputLimits } from '../config/limits.js';
import { B4BError, type Finding } from '../findings/finding.js';
import { readCellValue, type CellReading } from './cell-value.js';
import { describeLoadFailure, notAWorkbook } from './identify-file.js';
import { isoDateCells } from './iso-date-cells.js';

/** One sheet as a sparse grid of interpreted cells (1-based rows and columns, as in Excel). */
export interface SheetGrid {
  name: string;
  rows: Map<number, Map<number, CellReading>>;
  rowCount: number;
  date1904: boolean;
  /** Merged ranges (1-based, inclusive): a merged header's text heads every column it spans. */
  merges?: Array<{ top: number; left: number; bottom: number; right: number }>;
}

export interface RawWorkbook {
  file: string;
  sheets: SheetGrid[];
  /** When the workbook says it was last saved (or created): no month header can be later. */
  savedAt?: Date;
  /** What loading found: text cut to the cell limit, hidden sheets and rows. */
  findings?: Finding[];
}

function unreadable(file: string, message: string): B4BError {
  const finding: Finding = { severity: 'error', code: 'unreadable-file', source: { file }, message };
  return new B4BError(`${file.split(/[\\/]/).pop()}: ${message}`, [finding]);
}

/** A cell's text when it is longer than `max` characters (a string, rich text or a hyperlink's text). */
function overlongText(value: unknown, max: number): string | undefined {
  if (typeof value === 'string') return value.length > max ? value : undefined;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const v = value as { richText?: Array<{ text?: unknown }>; text?: unknown; result?: unknown };
    if (Array.isArray(v.richText)) {
      const runText = (run: { text?: unknown }): string => (typeof run.text === 'string' ? run.text : typeof run.text === 'number' ? String(run.text) : '');
      let length = 0;
      for (const run of v.richText) length += runText(run).length;
      return length > max ? v.richText.map(runText).join('') : undefined;
    }
    if (typeof v.text === 'string') return v.text.length > max ? v.text : undefined;
    if (typeof v.result === 'string') return v.result.length > max ? v.result : undefined;
  }
  return undefined;
}

/** Runs of row numbers as Excel shows them: "5, 9-12". */
function rowRuns(rows: number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < rows.length;) {
    let j = i;
    while (j + 1 < rows.length && (rows[j + 1] as number) === (rows[j] as number) + 1) j++;
    runs.push(i === j ? String(rows[i]) : `${rows[i]}-${rows[j]}`);
    i = j + 1;
  }
  return runs.join(', ');
}

/**
 * Reads workbook bytes into interpreted grids. `file` names the workbook in messages. Text longer
 * than `limits.maxCellText` is cut (with a warning naming the cell). Hidden sheets and hidden rows
 * are read like any other (hiding is how Excel shows a sheet, not what it holds), with a warning
 * naming them, so that nothing is read that `validate` does not point out.
 */
export async function loadWorkbook(bytes: Uint8Array, file: string, limits: InputLimits = DEFAULT_LIMITS): Promise<RawWorkbook> {
  // exceljs (and its zip and XML libraries) is loaded only by a command that reads a workbook, not by
  // `--help` or `history`; its Workbook alone, without the streaming reader and writer (exceljs-workbook.d.ts).
  const { default: Workbook } = await import('exceljs/lib/doc/workbook.js');
  const refused = await notAWorkbook(bytes);
  if (refused) throw unreadable(file, refused);
  const workbook = new Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch (cause) {
    throw unreadable(file, await describeLoadFailure(bytes, cause));
  }
  const date1904 = Boolean((workbook.properties as { date1904?: boolean } | undefined)?.date1904);
  // exceljs reads an ISO date cell's text as a number ("2023-10-01T…" as 2023): read those cells from the XML.
  const isoDates = await isoDateCells(bytes);
  const sheets: SheetGrid[] = [];
  const findings: Finding[] = [];
  workbook.eachSheet((worksheet) => {
    const sheetIsoDates = isoDates.get(worksheet.name);
    const rows = new Map<number, Map<number, CellReading>>();
    const hiddenRows: number[] = [];
    worksheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const cells = new Map<number, CellReading>();
      row.eachCell({ includeEmpty: false }, (cell, colNumber) => {
        // Merged cells: exceljs repeats the master's value in every cell of the merge; keep it once.
        if (cell.isMerged && cell.master !== cell) return;
        const long = overlongText(cell.value, limits.maxCellText);
        if (long !== undefined) {
          findings.push({
            severity: 'warning',
            code: 'text-too-long',
            source: { file, sheet: worksheet.name, cell: cellAddress(rowNumber, colNumber) },
            message:
              `the cell holds ${long.length.toLocaleString('en-GB')} characters of text; only the first ${limits.maxCellText.toLocaleString('en-GB')} are read ` +
              `(maxCellText, limits in config/b4b.yaml); expected at most ${limits.maxCellText.toLocaleString('en-GB')}, the most an Excel cell holds`,
          });
          cells.set(colNumber, { kind: 'text', text: `${long.slice(0, limits.maxCellText).trim()} …` });
          return;
        }
        const iso = sheetIsoDates?.get(cellAddress(rowNumber, colNumber));
        const reading: CellReading = iso
          ? iso.date
            ? { kind: 'date', date: iso.date, numFmt: cell.numFmt ?? '' }
            : { kind: 'text', text: iso.text }
          : readCellValue(cell.value, cell.numFmt, date1904);
        if (reading.kind !== 'empty') cells.set(colNumber, reading);
      });
      if (cells.size > 0) {
        rows.set(rowNumber, cells);
        if (row.hidden) hiddenRows.push(rowNumber);
      }
    });
    const state = (worksheet as { state?: string }).state;
    if (state === 'hidden' || state === 'veryHidden') {
      findings.push({
        severity: 'warning',
        code: 'hidden-content',
        source: { file, sheet: worksheet.name },
        message: `the sheet is ${state === 'veryHidden' ? 'very hidden (only a macro or the VBA editor shows it)' : 'hidden'} in Excel; it is read like any other sheet. Unhide it to check what it holds, or delete it if it should not be read`,
      });
    }
    // Hidden columns that hold cells: a stale column hidden beside its replacement is read like any other.
    const filled = new Set<number>();
    for (const cells of rows.values()) for (const col of cells.keys()) filled.add(col);
    const hiddenCols = [...filled].sort((a, b) => a - b).filter((col) => worksheet.getColumn(col).hidden);
    if (hiddenCols.length > 0) {
      findings.push({
        severity: 'warning',
        code: 'hidden-content',
        source: {
          file,
          sheet: worksheet.name,
          cell: cellAddress(Math.min(...[...rows].filter(([, cells]) => cells.has(hiddenCols[0] as number)).map(([r]) => r)), hiddenCols[0] as number),
        },
        message: `${hiddenCols.length === 1 ? 'column' : 'columns'} ${hiddenCols.map(columnLetter).join(', ')} ${hiddenCols.length === 1 ? 'is hidden in Excel and read like any other; unhide it to check what it holds, or delete it' : 'are hidden in Excel and read like any other; unhide them to check what they hold, or delete them'} if it should not be read`,
      });
    }
    if (hiddenRows.length > 0) {
      findings.push({
        severity: 'warning',
        code: 'hidden-content',
        source: { file, sheet: worksheet.name, cell: `A${hiddenRows[0]}` },
        message: `${hiddenRows.length === 1 ? 'row' : 'rows'} ${rowRuns(hiddenRows)} ${hiddenRows.length === 1 ? 'is' : 'are'} hidden in Excel and read like any other; unhide them to check what they hold, or delete them if they should not be read`,
      });
    }
    sheets.push({ name: worksheet.name, rows, rowCount: worksheet.rowCount, date1904, merges: mergedRanges(worksheet) });
  });
  if (sheets.length === 0) throw unreadable(file, 'the workbook has no sheets; expected the B4B data set sheets');
  const saved = [workbook.modified, workbook.created].find((d): d is Date => d instanceof Date && !Number.isNaN(d.getTime()));
  return saved ? { file, sheets, savedAt: saved, findings } : { file, sheets, findings };
}

function columnNumber(letters: string): number {
  return [...letters.toUpperCase()].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
}

/** The sheet's merged ranges, from exceljs's model ("F3:G3"). */
function mergedRanges(worksheet: ExcelJS.Worksheet): Array<{ top: number; left: number; bottom: number; right: number }> {
  const merges = (worksheet.model as { merges?: string[] }).merges ?? [];
  return merges.flatMap((range) => {
    const m = /^([A-Z]+)(\d+):([A-Z]+)(\d+)$/i.exec(range);
    if (!m?.[1] || !m[2] || !m[3] || !m[4]) return [];
    return [{ top: Number(m[2]), left: columnNumber(m[1]), bottom: Number(m[4]), right: columnNumber(m[3]) }];
  });
}

/** Column letters for a 1-based column number (1 → A, 27 → AA). */
export function columnLetter(col: number): string {
  let n = col;
  let out = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    out = String.fromCharCode(65 + rem) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

export function cellAddress(row: number, col: number): string {
  return `${columnLetter(col)}${row}`;
}
