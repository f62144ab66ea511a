/** A calendar month as the dataset keys it: "YYYY-MM". */
export type MonthKey = `${number}-${string}`;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAMES = [
  'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
];

export function monthKey(year: number, month1: number): MonthKey {
  return `${year}-${String(month1).padStart(2, '0')}` as MonthKey;
}

export function isMonthKey(text: string): text is MonthKey {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(text);
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
 * or a real date (month-end or first of month). Returns undefined for anything else.
 */
export function parseMonth(value: unknown): MonthKey | undefined {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return undefined;
    const year = value.getUTCFullYear();
    if (year < 1990 || year > 2100) return undefined;
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
  const [y, m] = key.split('-').map(Number) as [number, number];
  const name = MONTHS[m - 1] ?? '???';
  return `${name[0]?.toUpperCase()}${name.slice(1)}-${String(y % 100).padStart(2, '0')}`;
}

/** "October 2023". */
export function monthLongLabel(key: MonthKey): string {
  const [y, m] = key.split('-').map(Number) as [number, number];
  const name = MONTH_NAMES[m - 1] ?? '???';
  return `${name[0]?.toUpperCase()}${name.slice(1)} ${y}`;
}
