import type ExcelJS from 'exceljs';
import { B4BError, type Finding } from '../findings/finding.js';
import { timed } from '../run/stage-clock.js';
import { readCellValue, type CellReading } from './cell-value.js';

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
}

function unreadable(file: string, message: string): B4BError {
  const finding: Finding = { severity: 'error', code: 'unreadable-file', source: { file }, message };
  return new B4BError(`${file.split(/[\\/]/).pop()}: ${message}`, [finding]);
}

/** Why exceljs could not open the bytes, said for an officer rather than a programmer. */
function describeLoadFailure(bytes: Uint8Array, cause: unknown): string {
  const head = Buffer.from(bytes.subarray(0, 8));
  if (bytes.length === 0) return 'the file is empty; expected an Excel workbook (.xlsx)';
  if (head.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
    return 'this is an old-style Excel file (.xls); open it in Excel and save it as an Excel Workbook (.xlsx)';
  }
  if (!head.subarray(0, 2).equals(Buffer.from('PK'))) {
    return 'the file is not an Excel workbook (.xlsx): it is not a zip archive (is it a text or CSV file renamed .xlsx?)';
  }
  const reason = cause instanceof Error ? cause.message : String(cause);
  return `the file is damaged or incomplete (perhaps truncated while copying); expected a complete Excel workbook (.xlsx). The reader said: ${reason}`;
}

/** Reads workbook bytes into interpreted grids. `file` names the workbook in messages. */
export async function loadWorkbook(bytes: Uint8Array, file: string): Promise<RawWorkbook> {
  // exceljs (and its zip and XML libraries) is loaded only by a command that reads a workbook, not by
  // `--help`, `history` or `schedule --check`.
  const { default: Excel } = await timed('imports', () => import('exceljs'));
  const workbook = new Excel.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch (cause) {
    throw unreadable(file, describeLoadFailure(bytes, cause));
  }
  const date1904 = Boolean((workbook.properties as { date1904?: boolean } | undefined)?.date1904);
  const sheets: SheetGrid[] = [];
  workbook.eachSheet((worksheet) => {
    const rows = new Map<number, Map<number, CellReading>>();
    worksheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const cells = new Map<number, CellReading>();
      row.eachCell({ includeEmpty: false }, (cell, colNumber) => {
        // Merged cells: exceljs repeats the master's value in every cell of the merge; keep it once.
        if (cell.isMerged && cell.master !== cell) return;
        const reading = readCellValue(cell.value, cell.numFmt, date1904);
        if (reading.kind !== 'empty') cells.set(colNumber, reading);
      });
      if (cells.size > 0) rows.set(rowNumber, cells);
    });
    sheets.push({ name: worksheet.name, rows, rowCount: worksheet.rowCount, date1904, merges: mergedRanges(worksheet) });
  });
  if (sheets.length === 0) throw unreadable(file, 'the workbook has no sheets; expected the B4B data set sheets');
  const saved = [workbook.modified, workbook.created].find((d): d is Date => d instanceof Date && !Number.isNaN(d.getTime()));
  return saved ? { file, sheets, savedAt: saved } : { file, sheets };
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
