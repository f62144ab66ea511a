import { validateDetailed } from 'node-cron';

/**
 * Cron expressions the scheduler refuses because cron dialects read them differently. node-cron is
 * the one engine that fires the jobs, but an officer copies an expression from crontab(5), from
 * Quartz or from a web page, and where those disagree with node-cron the job would run at a time
 * nobody meant (measured with node-cron 4.6 against cron-parser 5.10): `0 7 10 * MON-FRI` runs on a
 * 10th that is a weekday in node-cron and on the 10th and every weekday in cron; `0 7 10 * * *` is
 * seconds-first in node-cron, daily at 10:07; `1W`, `L`, `#` and wrapping ranges such as `22-2` are
 * not standard cron at all, yet node-cron accepts them. Each refusal says what to write instead, and
 * every expression it suggests is one this module accepts.
 *
 * Days after the 28th are read too: an expression that can never fall due ("0 7 30 2 *", no February
 * has a 30th) is refused saying so, and one that skips the months without its day ("0 7 31 * *", no
 * run in February, April, June, September or November) is a warning, since an officer expects a pack
 * every month. Which days and months a field names is node-cron's own reading of it.
 *
 * Only the refusal and that warning read the expression's text; when a job runs is node-cron's answer alone.
 */

export interface CronRefusal {
  /** What is wrong, in words, quoting the expression's own text. */
  reason: string;
  /** Expressions to write instead, each accepted here, with what each keeps (none when nothing can be suggested). */
  instead: Alternative[];
}

export interface Alternative {
  cron: string;
  note?: string;
}

const FIELD_NAMES = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'] as const;
const FIELD_BOUNDS = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12 },
  { min: 0, max: 6 },
] as const;
const MONTH_WORDS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const WEEKDAY_WORDS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const FIVE_FIELDS = 'five fields, minute hour day-of-month month day-of-week (e.g. "0 7 10 * *", 07:00 on the 10th of each month)';
/** The latest day every month has: a job moved off "the last day" stays in the same month, so it produces the same month. */
const LAST_DAY_EVERY_MONTH = 28;

/** How many days a month has (1-12), February's in a leap year or not. */
const daysIn = (month: number, leapYear: boolean): number => (month === 2 ? (leapYear ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31);

/**
 * The days of the month and the months the five fields name, as node-cron reads its fields (names,
 * ranges, steps); undefined when it cannot read them, or a day is not a number ("L"). The two fields
 * are read apart, each with the other left open, since node-cron refuses "30 2" outright.
 */
function daysAndMonths(fields: readonly string[]): { days: number[]; months: number[] } | undefined {
  const days = validateDetailed(`0 0 ${fields[2] ?? ''} * *`).fields?.dayOfMonth;
  const months = validateDetailed(`0 0 1 ${fields[3] ?? ''} *`).fields?.month;
  if (!days || !months || !days.every((d): d is number => typeof d === 'number')) return undefined;
  return { days: [...new Set(days)].sort((a, b) => a - b), months: [...new Set(months)].sort((a, b) => a - b) };
}

/** "February", "February and April", "April, June and September". */
const inWords = (items: readonly string[], last: 'and' | 'or'): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${last} ${items.at(-1) ?? ''}`;
const monthWords = (months: readonly number[], last: 'and' | 'or'): string =>
  inWords(
    months.map((m) => MONTH_WORDS[m - 1] ?? String(m)),
    last,
  );

/**
 * An expression whose days of the month none of its months has, even in a leap year ("0 7 30 2 *",
 * "0 7 31 4,6 *"): it never falls due. node-cron refuses it as "an impossible day of month", which
 * unreadable() would pass on as a day-of-month node-cron does not accept: misleading, since 30 is a
 * day like any other. This says which month lacks it, and offers the latest day they all have.
 */
function neverDue(fields: readonly string[]): CronRefusal | undefined {
  const named = daysAndMonths(fields);
  // Said only when the day is all that is wrong: otherwise node-cron's own reading says what is.
  if (!named || !validateDetailed(withField(fields, 2, '*').join(' ')).valid) return undefined;
  const { days, months } = named;
  if (months.some((m) => days.some((d) => d <= daysIn(m, true)))) return undefined;
  const latest = Math.min(...months.map((m) => daysIn(m, false)));
  const which = monthWords(months, 'and');
  const lack = months.length === 1 ? `${which} has no` : `${which} have no`;
  const have = months.length === 1 ? `every ${which} has` : `${which} ${months.length === 2 ? 'both' : 'all'} have`;
  return {
    reason: `it can never fall due: ${lack} ${inWords(days.map(ordinal), 'or')} (node-cron refuses it)`,
    instead: [{ cron: withField(fields, 2, String(latest)).join(' '), note: `the ${ordinal(latest)}, the latest day ${have}` }],
  };
}

/** Why node-cron cannot read an expression at all, or undefined when it can. */
function unreadable(expression: string): string | undefined {
  const result = validateDetailed(expression);
  if (result.valid) return undefined;
  const fieldNames: Record<string, string> = { minute: 'minute', hour: 'hour', dayOfMonth: 'day-of-month', month: 'month', dayOfWeek: 'day-of-week' };
  const parts = result.errors.map((e) =>
    fieldNames[e.field] ? `its ${fieldNames[e.field]} field "${e.value ?? ''}" is not one node-cron accepts` : e.message.replace(/^pattern/, 'it'),
  );
  return `node-cron cannot read it (${parts.join('; ')}); write ${FIVE_FIELDS}`;
}

const ordinal = (n: number): string => `${n}${n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')}`;

/** A value of a month or day-of-week field as a number (names as node-cron reads them; 7 is Sunday). */
function fieldValue(text: string, field: number): number | undefined {
  const upper = text.toUpperCase();
  if (/^\d+$/.test(upper)) return Number(upper);
  const names = field === 3 ? MONTHS : field === 4 ? WEEKDAYS : [];
  const index = names.findIndex((name) => upper.startsWith(name));
  return index < 0 ? undefined : field === 3 ? index + 1 : index;
}

function valueText(value: number, field: number, named: boolean): string {
  if (named && field === 3) return MONTHS[value - 1] ?? String(value);
  if (named && field === 4) return WEEKDAYS[value % 7] ?? String(value);
  return String(value);
}

/** The five fields with one field replaced. */
function withField(fields: readonly string[], field: number, text: string): string[] {
  return fields.map((f, i) => (i === field ? text : f));
}

/** A day-of-month or day-of-week token that only some dialects have: its meaning in words and a fixed day of the month instead. */
function nonStandardDay(token: string, field: number): { means: string; day: number } | undefined {
  const t = token.toUpperCase();
  if (field === 2) {
    if (t === 'L') return { means: 'the last day of the month', day: LAST_DAY_EVERY_MONTH };
    if (t === 'LW') return { means: 'the last weekday of the month', day: LAST_DAY_EVERY_MONTH };
    const before = /^L-(\d{1,2})$/.exec(t);
    if (before) return { means: `${before[1]} day(s) before the last day of the month`, day: Math.max(1, LAST_DAY_EVERY_MONTH - Number(before[1])) };
    const nearest = /^(\d{1,2})W$/.exec(t);
    if (nearest) return { means: `the weekday nearest the ${ordinal(Number(nearest[1]))}`, day: Number(nearest[1]) };
  }
  if (field === 4) {
    const nth = /^([0-7])#([1-5])$/.exec(t);
    if (nth) {
      const k = Number(nth[2]);
      // The first day of the month the k-th such weekday can fall on: the month produced is the same.
      return { means: `the ${ordinal(k)} ${WEEKDAY_WORDS[Number(nth[1]) % 7]} of the month`, day: 7 * (k - 1) + 1 };
    }
    const last = /^([0-7])L$/.exec(t);
    if (last) return { means: `the last ${WEEKDAY_WORDS[Number(last[1]) % 7]} of the month`, day: 22 };
  }
  return undefined;
}

/** A range that runs past the end of its field ("22-2", "FRI-MON"), with the same values written as node-cron reads them. */
function wrappingRange(token: string, field: number): string | undefined {
  const range = /^([0-9A-Za-z]+)-([0-9A-Za-z]+)(?:\/(\d+))?$/.exec(token);
  if (!range) return undefined;
  const bounds = FIELD_BOUNDS[field] ?? { min: 0, max: 59 };
  let first = fieldValue(range[1] ?? '', field);
  const last = fieldValue(range[2] ?? '', field);
  if (first === undefined || last === undefined) return undefined;
  if (field === 4 && first === 7) first = 0;
  if (first <= last) return undefined;
  const named = /[A-Za-z]/.test(token);
  const step = Number(range[3] ?? '1');
  if (step === 1) {
    const upper = first === bounds.max ? valueText(first, field, named) : `${valueText(first, field, named)}-${valueText(bounds.max, field, named)}`;
    const lower = last === bounds.min ? valueText(last, field, named) : `${valueText(bounds.min, field, named)}-${valueText(last, field, named)}`;
    return `${upper},${lower}`;
  }
  // Stepped: the values node-cron takes, counted on from the first across the end of the field.
  const size = bounds.max - bounds.min + 1;
  const span = (((last - first) % size) + size) % size;
  const values: string[] = [];
  for (let offset = 0; offset <= span; offset += step) {
    const value = first + offset > bounds.max ? first + offset - size : first + offset;
    values.push(valueText(value, field, named));
  }
  return values.join(',');
}

/** The first problem of an expression, with the fields as written. */
function firstProblem(expression: string): CronRefusal | undefined {
  const trimmed = expression.trim();
  if (trimmed.startsWith('@')) {
    const problem = unreadable(trimmed);
    return problem ? { reason: problem, instead: [] } : undefined;
  }
  const fields = trimmed.split(/\s+/);
  if (fields.length === 6) {
    const [second, minute, hour] = fields;
    return {
      reason:
        `it has six fields, which node-cron reads seconds first (second "${second}", minute "${minute}", hour "${hour}"), ` +
        `not as five-field cron reads the same text (minute "${second}", hour "${minute}"), and standard cron has no seconds field. The scheduler takes ${FIVE_FIELDS}`,
      instead: [
        { cron: fields.slice(0, 5).join(' '), note: 'the first five fields' },
        { cron: fields.slice(1).join(' '), note: "node-cron's reading, without the seconds" },
      ],
    };
  }
  if (fields.length !== 5) return { reason: `it has ${fields.length} field(s); the scheduler takes ${FIVE_FIELDS}`, instead: [] };
  const never = neverDue(fields);
  if (never) return never;
  const problem = unreadable(trimmed);
  if (problem) return { reason: problem, instead: [] };

  for (const field of [2, 4]) {
    const tokens = (fields[field] ?? '').split(',');
    for (const token of tokens) {
      const day = nonStandardDay(token, field);
      if (!day) continue;
      const fixed = String(day.day);
      const instead =
        field === 2
          ? withField(fields, 2, [...new Set(tokens.map((t) => (t === token ? fixed : t)))].join(','))
          : withField(withField(fields, 4, tokens.filter((t) => t !== token).join(',') || '*'), 2, fixed);
      return {
        reason:
          `its ${FIELD_NAMES[field]} field has "${token}" (${day.means}), which standard cron does not have and other dialects read differently. ` +
          'A run produces the latest complete month whatever the day, so a fixed day of the month serves',
        instead: [{ cron: instead.join(' ') }],
      };
    }
  }

  for (let field = 0; field < 5; field++) {
    const tokens = (fields[field] ?? '').split(',');
    for (const token of tokens) {
      const written = wrappingRange(token, field);
      if (written === undefined) continue;
      return {
        reason:
          `its ${FIELD_NAMES[field]} field has the range "${token}", which runs past the end of the field: node-cron wraps it round to ${written}, ` +
          'standard cron refuses it, and other dialects read it differently',
        instead: [{ cron: withField(fields, field, tokens.map((t) => (t === token ? written : t)).join(',')).join(' ') }],
      };
    }
  }

  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string];
  const any = (f: string): boolean => f === '*' || f === '?';
  if (!any(dayOfMonth) && !any(dayOfWeek)) {
    return {
      reason:
        `it restricts both the day of the month ("${dayOfMonth}") and the day of the week ("${dayOfWeek}"), which cron dialects read differently: ` +
        'node-cron runs it only on a day that is both, standard cron on every day that is either',
      instead: [
        { cron: `${minute} ${hour} ${dayOfMonth} ${month} *`, note: 'by the day of the month alone' },
        { cron: `${minute} ${hour} * ${month} ${dayOfWeek}`, note: 'by the day of the week alone' },
      ],
    };
  }
  return undefined;
}

/** An alternative made acceptable: a suggestion that itself has a problem is rewritten by that problem's first suggestion. */
function settled(expression: string): string | undefined {
  let current = expression;
  for (let i = 0; i < 5; i++) {
    const problem = firstProblem(current);
    if (!problem) return current;
    const next = problem.instead[0];
    if (next === undefined) return undefined;
    current = next.cron;
  }
  return undefined;
}

/**
 * Why the scheduler refuses an expression, and what to write instead; undefined when node-cron reads
 * it as every common cron dialect does.
 */
export function cronRefusal(expression: string): CronRefusal | undefined {
  const problem = firstProblem(expression);
  if (!problem) return undefined;
  const instead: Alternative[] = [];
  for (const alternative of problem.instead) {
    const cron = settled(alternative.cron);
    if (cron !== undefined && !instead.some((a) => a.cron === cron)) instead.push({ ...alternative, cron });
  }
  return { reason: problem.reason, instead };
}

/** The refusal as one sentence for a configuration error about a job. */
export function refusalMessage(job: string, expression: string, refusal: CronRefusal): string {
  const instead = refusal.instead.map((a) => `cron: "${a.cron}"${a.note ? ` (${a.note})` : ''}`);
  const write = instead.length === 0 ? '' : `. Write ${instead.length === 1 ? instead[0] : `${instead.slice(0, -1).join(', ')} or ${instead.at(-1)}`} instead`;
  return `the job "${job}" has cron: "${expression}": ${refusal.reason}${write}`;
}

/** The months an accepted expression has no run in, because it names only days after the 28th. */
export interface MonthsWithoutRun {
  /** The days of the month it names, each after the 28th. */
  days: number[];
  /** The months its month field names (all twelve for "*"). */
  months: number[];
  /** The named months with none of those days in most years (February has 28 days). */
  missed: number[];
  /** Whether February, among the missed, has a run in a leap year (the 29th is named). */
  februaryInLeapYears: boolean;
  /** The expression on the 28th, which every month has: it runs in every month it names. */
  instead: string;
}

/**
 * The months an expression skips because it names only days after the 28th ("0 7 31 * *" has no run
 * in February, April, June, September or November), unless its month field names only months that
 * have the day ("0 7 31 JAN,MAR *"); undefined when it runs in every month it names, or is refused.
 * The way out is a day every month has: the run on the 28th produces the same month (the one before)
 * as a run later in that month would. Not "L": node-cron reads it as the last day, but standard cron
 * has no "L" and the refusal above sends it to the 28th too.
 */
export function monthsWithoutRun(expression: string): MonthsWithoutRun | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 || firstProblem(expression)) return undefined;
  const named = daysAndMonths(fields);
  if (!named || named.days.some((d) => d <= LAST_DAY_EVERY_MONTH)) return undefined;
  const { days, months } = named;
  const missed = months.filter((m) => !days.some((d) => d <= daysIn(m, false)));
  if (missed.length === 0) return undefined;
  return {
    days,
    months,
    missed,
    februaryInLeapYears: missed.includes(2) && days.includes(29),
    instead: withField(fields, 2, String(LAST_DAY_EVERY_MONTH)).join(' '),
  };
}

/**
 * The months without a run as one sentence, naming the job: 'board-monthly: cron "0 7 31 * *" runs on
 * the 31st only, so in 7 months of 12: no run in February, April, June, September or November; ...'.
 */
export function monthsWithoutRunMessage(job: string, expression: string, gap: MonthsWithoutRun): string {
  const runs = gap.months.length - gap.missed.length;
  const leap = gap.februaryInLeapYears ? ' in most years' : '';
  const inMonths =
    runs === 0
      ? 'so in most years not at all'
      : gap.months.length === 12
        ? `so in ${runs} months of 12${leap}`
        : `so in ${runs} of the ${gap.months.length} months it names${leap}`;
  // Only February can be missed when the 29th is named: every other month has a 29th.
  const except = gap.februaryInLeapYears ? ' except in a leap year' : '';
  const every = gap.months.length === 12 ? 'every month' : 'in every month it names';
  return (
    `${job}: cron "${expression}" runs on the ${inWords(gap.days.map(ordinal), 'or')} only, ${inMonths}: no run in ${monthWords(gap.missed, 'or')}${except}; ` +
    `to run ${every}, use a day of ${LAST_DAY_EVERY_MONTH} or less, which every month has: cron: "${gap.instead}" (a run produces the month before its own, whatever the day)`
  );
}
