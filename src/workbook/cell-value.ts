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

/** The number format's sections, split at each ";" outside quoted text, escapes and [brackets]. */
function formatSections(numFmt: string): string[] {
  const sections: string[] = [];
  let current = '';
  let quoted = false;
  let bracket = false;
  for (let i = 0; i < numFmt.length; i++) {
    const c = numFmt[i] as string;
    if (!quoted && !bracket && c === '\\') {
      current += c + (numFmt[i + 1] ?? '');
      i++;
      continue;
    }
    if (!bracket && c === '"') quoted = !quoted;
    else if (!quoted && c === '[') bracket = true;
    else if (!quoted && c === ']') bracket = false;
    if (!quoted && !bracket && c === ';') {
      sections.push(current);
      current = '';
    } else current += c;
  }
  sections.push(current);
  return sections;
}

/** A section's condition ("[<5]"), if it has one. */
function sectionCondition(section: string): { op: string; bound: number } | undefined {
  for (const [, code] of section.matchAll(/\[([^\]]*)\]/g)) {
    const m = /^\s*(<=|>=|<>|<|>|=)\s*(-?(?:\d+(?:\.\d*)?|\.\d+))\s*$/.exec(code ?? '');
    if (m?.[1] && m[2]) return { op: m[1], bound: Number(m[2]) };
  }
  return undefined;
}

function meets(value: number, { op, bound }: { op: string; bound: number }): boolean {
  switch (op) {
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '>':
      return value > bound;
    case '>=':
      return value >= bound;
    case '=':
      return value === bound;
    default:
      return value !== bound;
  }
}

/** The text a section shows in place of the number, when it shows no digit of it ("<5" quoted, or \c escaped), else undefined. */
function literalText(section: string): string | undefined {
  let shown = '';
  for (let i = 0; i < section.length; i++) {
    const c = section[i] as string;
    if (c === '"') {
      const end = section.indexOf('"', i + 1);
      if (end < 0) return undefined;
      shown += section.slice(i + 1, end);
      i = end;
    } else if (c === '\\') {
      shown += section[i + 1] ?? '';
      i++;
    } else if (c === '[') {
      const end = section.indexOf(']', i);
      if (end < 0) return undefined;
      i = end;
    } else if (c === '_' || c === '*') {
      i++; // a space the width of the next character, or that character repeated to fill: no text of its own
    } else if (/[0#?@.,%eE/]|[ymdhsAPGg]/.test(c)) {
      return undefined; // a digit placeholder, the text itself, a date or time code, or General: the figure shows
    } else shown += c;
  }
  const text = shown.trim();
  return text === '' ? undefined : text;
}

/**
 * What Excel shows, where a number format's condition puts text in the figure's place: a suppression
 * format such as [<5]"<5";0 shows 2 as "<5". Read as the number, the figure a council had suppressed in
 * its workbook was printed (2 children, in a public pack). Only a format with conditions: one that
 * shows zero as a dash (0;-0;"-") still reads 0.
 */
function conditionalText(value: number, numFmt: string | undefined): string | undefined {
  const section = conditionalSection(value, numFmt);
  return section === undefined ? undefined : literalText(section);
}

/** In a format with conditions ([<5]"<5";0), the section that shows `value`; undefined for a format with none. */
function conditionalSection(value: number, numFmt: string | undefined): string | undefined {
  if (!numFmt || !numFmt.includes('[')) return undefined;
  const sections = formatSections(numFmt);
  if (!sectionCondition(sections[0] ?? '')) return undefined;
  for (const section of sections) {
    const condition = sectionCondition(section);
    // The first section with no condition shows every figure the conditions before it did not take ([>=5]0;"<5").
    if (!condition || meets(value, condition)) return section;
  }
  return undefined;
}

function decimalsOf(value: number): number {
  if (Number.isInteger(value)) return 0;
  const text = String(Math.round(value * 1e6) / 1e6);
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : Math.min(text.length - dot - 1, 4);
}

/** The display format a number format string gives a value ("0.0%" → percent, 1 decimal). */
export function displayFormatFor(value: number, numFmt: string | undefined): DisplayFormat {
  // A format with conditions shows each figure by its own section ([<0.05]"<5%";0%: 0.3 as 30%).
  const skeleton = numFmt && numFmt !== 'General' ? formatSkeleton(conditionalSection(value, numFmt) ?? numFmt) : '';
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
    const shown = conditionalText(n, numFmt);
    if (shown !== undefined) {
      const reading = readCellValue(shown);
      // A zero a condition shows as a dash ([=0]"-";0) is still 0, as a format with no condition leaves it: a figure
      // behind a bound ("<5") or a marker ("*", "c") is read as the text, zero or not.
      if (n !== 0 || !/^[-–—]$/.test(shown)) return reading;
    }
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
