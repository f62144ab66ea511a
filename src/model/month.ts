/** A calendar month as the dataset keys it: "YYYY-MM". */
export type MonthKey = `${number}-${string}`;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

export function monthKey(year: number, month1: number): MonthKey {
  return `${year}-${String(month1).padStart(2, '0')}`;
}

/** The years a month may fall in: a workbook header, a report month (`--month`), a correction. Year 0 or 9999 is a typing slip. */
export const MONTH_YEARS = { first: 1990, last: 2100 } as const;

/** A month as YYYY-MM in the years above: "2023-10", never "0000-01" (which would print as "January 0"). */
export function isMonthKey(text: string): text is MonthKey {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(text)) return false;
  const year = Number(text.slice(0, 4));
  return year >= MONTH_YEARS.first && year <= MONTH_YEARS.last;
}

function monthIndex(name: string): number {
  const lower = name.toLowerCase().replace(/\.$/, '');
  const short = MONTHS.indexOf(lower.slice(0, 3));
  if (short < 0) return -1;
  // "Sept" and full names are fine; anything else that merely starts like a month is not.
  if (lower.length === 3 || lower === 'sept' || MONTH_NAMES[short] === lower) return short;
  return -1;
}

function fullYear(text: string): number {
  const n = Number(text);
  return text.length === 2 ? 2000 + n : n;
}

/**
 * Reads a month from a header cell: text such as "Oct-23", "Oct 2023", "October 2023", "2023-10",
 * or a real date (month-end or first of month), in the years of MONTH_YEARS. Returns undefined for
 * anything else.
 */
export function parseMonth(value: unknown): MonthKey | undefined {
  const key = readMonth(value);
  return key !== undefined && isMonthKey(key) ? key : undefined;
}

function readMonth(value: unknown): MonthKey | undefined {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return undefined;
    const year = value.getUTCFullYear();
    if (year < MONTH_YEARS.first || year > MONTH_YEARS.last) return undefined;
    return monthKey(year, value.getUTCMonth() + 1);
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  let m = /^([A-Za-z]{3,9}\.?)[\s\-/']*(\d{2}|\d{4})$/.exec(text);
  if (m?.[1] && m[2]) {
    const index = monthIndex(m[1]);
    if (index >= 0) return monthKey(fullYear(m[2]), index + 1);
    return undefined;
  }
  m = /^(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?$/.exec(text);
  if (m?.[1] && m[2]) {
    const month = Number(m[2]);
    if (month >= 1 && month <= 12) return monthKey(Number(m[1]), month);
  }
  // "10/2023", "10.2023", and day-first dates "31/10/2023" as the UK writes them.
  m = /^(?:(\d{1,2})[/.-])?(\d{1,2})[/.-](\d{4})$/.exec(text);
  if (m?.[2] && m[3]) {
    const month = Number(m[2]);
    if (month >= 1 && month <= 12 && (m[1] === undefined || Number(m[1]) <= 31)) return monthKey(Number(m[3]), month);
  }
  return undefined;
}

export function addMonths(key: MonthKey, delta: number): MonthKey {
  const [y, m] = key.split('-').map(Number) as [number, number];
  const total = y * 12 + (m - 1) + delta;
  return monthKey(Math.floor(total / 12), (total % 12) + 1);
}

/** "Oct-23", as the council's tables label their months. */
export function monthLabel(key: MonthKey): string {
  let label = labels.get(key);
  if (label === undefined) {
    const [y, m] = key.split('-').map(Number) as [number, number];
    const name = MONTHS[m - 1] ?? '???';
    label = `${name[0]?.toUpperCase()}${name.slice(1)}-${String(y % 100).padStart(2, '0')}`;
    if (labels.size < 5000) labels.set(key, label);
  }
  return label;
}
/** Month labels made so far: the reader labels every figure it reads with its month. */
const labels = new Map<MonthKey, string>();

/** "October 2023". */
export function monthLongLabel(key: MonthKey): string {
  const [y, m] = key.split('-').map(Number) as [number, number];
  const name = MONTH_NAMES[m - 1] ?? '???';
  return `${name[0]?.toUpperCase()}${name.slice(1)} ${y}`;
}

/** Months from `a` to `b` (positive when `b` is later). */
export function monthsBetween(a: MonthKey, b: MonthKey): number {
  return monthOrdinal(b) - monthOrdinal(a);
}

/** Months since January of year 0. */
function monthOrdinal(key: MonthKey): number {
  const dash = key.indexOf('-');
  return Number(key.slice(0, dash)) * 12 + Number(key.slice(dash + 1));
}

/** The financial year (April to March) a month falls in, by the year it starts: Oct 2018 → 2018. */
export function financialYearOf(key: MonthKey): number {
  const [y, m] = key.split('-').map(Number) as [number, number];
  return m >= 4 ? y : y - 1;
}

/** "2018/19" for the financial year starting in April 2018. */
export function financialYearLabel(startYear: number): string {
  return `${startYear}/${String((startYear + 1) % 100).padStart(2, '0')}`;
}

/**
 * The financial year a column header names, by its start year: "Target 17-18", "Target 2018/19",
 * "So'ton 21/22", "2019-20". Undefined when the header names no year, or two years that do not follow
 * each other.
 */
export function financialYearInHeader(text: string): number | undefined {
  const m = /(?:^|[^\d])(\d{4}|\d{2})\s*[-/–]\s*(\d{4}|\d{2})(?:$|[^\d])/.exec(text);
  if (!m?.[1] || !m[2]) return undefined;
  const start = m[1].length === 2 ? 2000 + Number(m[1]) : Number(m[1]);
  const end = Number(m[2]);
  const endShort = end % 100;
  return endShort === (start + 1) % 100 && (m[2].length === 2 || end === start + 1) ? start : undefined;
}
