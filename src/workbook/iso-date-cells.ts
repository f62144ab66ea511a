/**
 * Cells stored as ISO 8601 dates (`<c t="d"><v>2023-10-01T00:00:00Z</v></c>`), which LibreOffice and
 * openpyxl may write (Excel writes a date as a serial number). exceljs 4.4 reads such a value with
 * parseFloat, so "2023-10-01T00:00:00Z" arrives as the number 2023: a month header that reads as no
 * month, a figure of 2023, a month column that reads as 1905. The sheet parts are streamed through
 * once (never held whole) to find these cells and their text, so that the loader reads them as the
 * dates they are.
 */
import yauzl from 'yauzl';
import { openZip, readParts, sheetNamesByPart } from './identify-file.js';

export interface IsoDateCell {
  /** The text stored in the cell ("2023-10-01T00:00:00Z"). */
  text: string;
  /** The date it means (undefined when the text is not an ISO 8601 date). */
  date?: Date;
}

/** Cell opening tags (not self-closing), their content and their closing tag. */
const CELL = /<c\b((?:[^>/]|\/(?!>))*)>([\s\S]*?)<\/c>/g;
const IS_DATE_TYPE = /\bt\s*=\s*["']d["']/;
/** Longer than any cell a sheet holds (an inline string is at most 32,767 characters, escaped). */
const CARRY = 256 * 1024;
/** Longer than any cell's opening tag, which is where a match starts. */
const TAG_CARRY = 1024;

/**
 * The wall-clock date and time an ISO 8601 text names, as exceljs gives every date (UTC fields).
 * An offset is ignored: Excel's dates have no time zone, and "2023-10-01T00:00:00+01:00" is the
 * 1st of October in the workbook, not the 30th of September.
 */
export function parseIsoDate(text: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(text.trim());
  if (!m) return undefined;
  const field = (i: number): number => Number(m[i] ?? 0);
  const [year, month, day, hour, minute, second] = [field(1), field(2), field(3), field(4), field(5), field(6)] as const;
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, Math.round(Number(m[7] ?? 0) * 1000)));
  // Date.UTC rolls "2023-02-30" over into March: refuse what is not a real date.
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60 ? date : undefined;
}

function scanCells(xml: string, found: Map<string, IsoDateCell>): number {
  let end = 0;
  CELL.lastIndex = 0;
  for (let m = CELL.exec(xml); m; m = CELL.exec(xml)) {
    end = CELL.lastIndex;
    const attributes = m[1] ?? '';
    if (!IS_DATE_TYPE.test(attributes)) continue;
    const address = /\br\s*=\s*["']([A-Za-z]+\d+)["']/.exec(attributes)?.[1];
    const value = /<v>([^<]*)<\/v>/.exec(m[2] ?? '')?.[1];
    if (!address || value === undefined) continue;
    const date = parseIsoDate(value);
    found.set(address.toUpperCase(), date ? { text: value, date } : { text: value });
  }
  return end;
}

/** Streams one sheet part, collecting its ISO-date cells by address. */
function scanPart(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Map<string, IsoDateCell>> {
  return new Promise((resolve) => {
    const found = new Map<string, IsoDateCell>();
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream) return resolve(found);
      let carry = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const text = carry + chunk;
        // Most sheets hold no such cell: skip the parse unless the chunk could hold one.
        if (!IS_DATE_TYPE.test(text)) {
          carry = text.slice(-TAG_CARRY);
          return;
        }
        const end = scanCells(text, found);
        carry = text.slice(Math.max(end, text.length - CARRY));
      });
      stream.on('end', () => resolve(found));
      stream.on('error', () => resolve(found));
    });
  });
}

/** The ISO-date cells of every sheet, by sheet name, then by cell address ("AB3"). Empty for most workbooks. */
export async function isoDateCells(bytes: Uint8Array): Promise<Map<string, Map<string, IsoDateCell>>> {
  const byPart = new Map<string, Map<string, IsoDateCell>>();
  const zip = await openZip(bytes);
  if (!zip) return new Map();
  await new Promise<void>((resolve) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      if (!/^xl\/worksheets\/[^/]+\.xml$/.test(entry.fileName)) return zip.readEntry();
      void scanPart(zip, entry).then((cells) => {
        if (cells.size > 0) byPart.set(entry.fileName, cells);
        zip.readEntry();
      });
    });
    zip.on('end', () => resolve());
    zip.on('error', () => resolve());
    zip.readEntry();
  });
  zip.close();
  if (byPart.size === 0) return new Map();
  // Which sheet each part is: read only when some sheet holds such a cell.
  const texts = await readParts(bytes, (name) => name === 'xl/workbook.xml' || name === 'xl/_rels/workbook.xml.rels');
  const names = sheetNamesByPart(texts);
  const bySheet = new Map<string, Map<string, IsoDateCell>>();
  for (const [part, cells] of byPart) {
    const name = names.get(part);
    if (name !== undefined) bySheet.set(name, cells);
  }
  return bySheet;
}
