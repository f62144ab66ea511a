/**
 * One workbook cell turned into what it means, whatever way it was typed: the quirks of the real
 * B4B workbook (percentages as fractions, as text or as plain points, "-", "TBC", "<36%", formulas,
 * error values, numbers shown as dates) are all decided here, and nowhere else.
 */
import type { ComparisonOp } from '../model/rag.js';

export type NumberStyle = 'integer' | 'decimal' | 'percent';

/** How a figure is shown: percent values are fractions (0.26 shows as "26%"). */
export interface DisplayFormat {
  style: NumberStyle;
  decimals: number;
}

export type { ComparisonOp };

export type CellReading =
  | { kind: 'empty' }
  | {
      kind: 'number';
      value: number;
      format: DisplayFormat;
      /** Where the value's percent-ness came from: a % number format, or "%" typed in text. */
      percentFrom?: 'format' | 'text';
      /** Set when the number was typed as text ("18", "26%"): the text as typed. */
      typedAsText?: string;
      /** Set when a date number format made a plain number display as a date (e.g. "Jan-00"). */
      shownAsDate?: string;
    }
  | { kind: 'comparison'; op: ComparisonOp; value: number; format: DisplayFormat; text: string }
  | { kind: 'error'; text: string }
  | { kind: 'formula-without-result'; formula: string }
  | { kind: 'date'; date: Date; numFmt: string }
  | { kind: 'text'; text: string };

const EXCEL_EPOCH_1900 = 25569; // days from 1899-12-30 to 1970-01-01
const EXCEL_EPOCH_1904 = 24107;
const DAY_MS = 86_400_000;

/** The serial number Excel stored for a cell exceljs handed back as a Date. */
export function dateToSerial(date: Date, date1904 = false): number {
  const serial = date.getTime() / DAY_MS + (date1904 ? EXCEL_EPOCH_1904 : EXCEL_EPOCH_1900);
  return Math.round(serial * 1e6) / 1e6;
}

export function serialToDate(serial: number, date1904 = false): Date {
  return new Date(Math.round((serial - (date1904 ? EXCEL_EPOCH_1904 : EXCEL_EPOCH_1900)) * DAY_MS));
}

/** The number format's first section with quoted text and escapes removed. */
function formatSkeleton(numFmt: string): string {
  const first = numFmt.split(';')[0] ?? '';
  return first
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[[^\]]*\]/g, '');
}

function decimalsOf(value: number): number {
  if (Number.isInteger(value)) return 0;
  const text = String(Math.round(value * 1e6) / 1e6);
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : Math.min(text.length - dot - 1, 4);
}

/** The display format a number format string gives a value ("0.0%" → percent, 1 decimal). */
export function displayFormatFor(value: number, numFmt: string | undefined): DisplayFormat {
  const skeleton = numFmt && numFmt !== 'General' ? formatSkeleton(numFmt) : '';
  const decimalsMatch = /\.(0+)/.exec(skeleton);
  if (skeleton.includes('%')) {
    return { style: 'percent', decimals: decimalsMatch?.[1]?.length ?? 0 };
  }
  if (decimalsMatch?.[1]) return { style: 'decimal', decimals: decimalsMatch[1].length };
  if (skeleton.includes('0') || skeleton.includes('#')) return { style: 'integer', decimals: 0 };
  const decimals = decimalsOf(value);
  return decimals === 0 ? { style: 'integer', decimals: 0 } : { style: 'decimal', decimals };
}

/** Reads numbers typed as text: "1,234", "26%", "18", "17k", "£1.2m", and accounting negatives "(220)". */
function parseNumberText(text: string): { value: number; format: DisplayFormat; percent: boolean } | undefined {
  const bracketed = /^\((.+)\)$/.exec(text);
  if (bracketed?.[1] && !bracketed[1].startsWith('-')) {
    const inner = parseNumberText(bracketed[1].trim());
    return inner ? { ...inner, value: -inner.value } : undefined;
  }
  const m = /^(-|−)?\s*£?\s*(\d{1,3}(?:,\d{3})+|\d*\.?\d+)\s*(%|k|m)?$/i.exec(text);
  if (!m?.[2]) return undefined;
  const digits = m[2].replace(/,/g, '');
  const sign = m[1] ? -1 : 1;
  const decimals = digits.includes('.') ? digits.length - digits.indexOf('.') - 1 : 0;
  const base = sign * Number(digits);
  if (!Number.isFinite(base)) return undefined;
  const suffix = m[3]?.toLowerCase();
  if (suffix === '%') {
    return { value: Number((base / 100).toPrecision(12)), format: { style: 'percent', decimals }, percent: true };
  }
  const scale = suffix === 'k' ? 1_000 : suffix === 'm' ? 1_000_000 : 1;
  const value = base * scale;
  return {
    value,
    format: Number.isInteger(value) ? { style: 'integer', decimals: 0 } : { style: 'decimal', decimals },
    percent: false,
  };
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) {
      return (v.richText as Array<{ text?: string }>).map((run) => run.text ?? '').join('');
    }
    if (typeof v.text === 'string') return v.text; // hyperlink cells
    if (v.text && typeof v.text === 'object') return textOf(v.text);
  }
  return undefined;
}

/** Interprets a cell's exceljs `value` together with its number format. */
export function readCellValue(value: unknown, numFmt?: string, date1904 = false): CellReading {
  if (value === null || value === undefined) return { kind: 'empty' };

  if (typeof value === 'object' && !(value instanceof Date)) {
    const v = value as Record<string, unknown>;
    if ('error' in v) return { kind: 'error', text: String(v.error) };
    if ('formula' in v || 'sharedFormula' in v) {
      const written = v.formula ?? v.sharedFormula;
      const formula = typeof written === 'string' ? written : '';
      if (!('result' in v) || v.result === undefined || v.result === null) {
        return { kind: 'formula-without-result', formula };
      }
      return readCellValue(v.result, numFmt, date1904);
    }
  }

  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { kind: 'error', text: String(value) };
    const n = Object.is(value, -0) ? 0 : value;
    const format = displayFormatFor(n, numFmt);
    return format.style === 'percent' ? { kind: 'number', value: n, format, percentFrom: 'format' } : { kind: 'number', value: n, format };
  }

  if (typeof value === 'boolean') return { kind: 'text', text: String(value) };

  if (value instanceof Date) {
    return { kind: 'date', date: value, numFmt: numFmt ?? '' };
  }

  const raw = textOf(value);
  if (raw === undefined) return { kind: 'text', text: JSON.stringify(value) };
  const text = raw.replace(/\u00a0/g, ' ').trim();
  if (text === '') return { kind: 'empty' };
  if (/^#(DIV\/0!|N\/A|VALUE!|REF!|NAME\?|NUM!|NULL!|SPILL!|CALC!|GETTING_DATA)$/i.test(text)) {
    return { kind: 'error', text };
  }

  const comparison = /^(<=|>=|≤|≥|<|>)\s*(.+)$/.exec(text);
  if (comparison?.[1] && comparison[2]) {
    const parsed = parseNumberText(comparison[2].trim());
    if (parsed) {
      const op = ({ '≤': '<=', '≥': '>=' } as Record<string, ComparisonOp>)[comparison[1]] ?? (comparison[1] as ComparisonOp);
      return { kind: 'comparison', op, value: parsed.value, format: parsed.format, text };
    }
  }

  const parsed = parseNumberText(text);
  if (parsed) {
    return parsed.percent
      ? { kind: 'number', value: parsed.value, format: parsed.format, percentFrom: 'text', typedAsText: text }
      : { kind: 'number', value: parsed.value, format: parsed.format, typedAsText: text };
  }
  return { kind: 'text', text };
}

/**
 * The scale of a figure typed rounded as text ("1.9k": thousands, "12m": millions), else undefined.
 * Such a figure is not the figure itself: read as 1900 it prints as if exact, and "m" may be months.
 * A bound typed as a comparison ("<17k") is a comparison reading, never this.
 */
export function roundedScale(reading: CellReading): 'thousands' | 'millions' | undefined {
  if (reading.kind !== 'number' || reading.typedAsText === undefined) return undefined;
  const suffix = /\d\s*([km])$/i.exec(reading.typedAsText)?.[1]?.toLowerCase();
  return suffix === 'k' ? 'thousands' : suffix === 'm' ? 'millions' : undefined;
}

/** A date-formatted plain number read back as the number it is ("Jan-00" is 0). */
export function dateReadingAsNumber(reading: Extract<CellReading, { kind: 'date' }>, date1904 = false): number {
  return dateToSerial(reading.date, date1904);
}

/** How Excel would show a small serial number under a month format, for messages ("Jan-00"). */
export function shownAsDateLabel(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${months[date.getUTCMonth()]}-${String(date.getUTCFullYear() % 100).padStart(2, '0')}`;
}

/** The text a reading would show in a message. */
export function describeReading(reading: CellReading): string {
  switch (reading.kind) {
    case 'empty':
      return 'a blank cell';
    case 'number':
      return String(reading.value);
    case 'comparison':
    case 'error':
    case 'text':
      return `"${reading.text}"`;
    case 'formula-without-result':
      return `the formula =${reading.formula} with no saved result`;
    case 'date':
      return `the date ${reading.date.toISOString().slice(0, 10)}`;
  }
}
