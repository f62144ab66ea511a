import type { HeaderAliases } from '../config/header-aliases.js';
import type { BreakdownRow, BreakdownUnit, Figure } from '../dataset/types.js';
import type { FindingList, SourceRef } from '../findings/finding.js';
import { printNumber } from '../report/round.js';
import { monthLabel } from '../model/month.js';
import { describeReading, roundedScale } from './cell-value.js';
import type { RawWorkbook } from './load-workbook.js';
import { isTotalName, leaveOutTotals, openSheet, printableText, type RowReader, type TotalRow } from './read-project-sheets.js';

type NumberFigure = Figure & { kind: 'number' };

/**
 * How far a measure's proportions may add up from 100%: each is usually typed as a whole percent,
 * so 21 ethnicities can honestly add up to 99% or 101%; a missing category or a mistyped figure
 * (5% for 50%) goes well beyond.
 */
export const PROPORTION_SUM_TOLERANCE = 0.03;

const UNIT_WORDS: Record<string, BreakdownUnit> = {
  number: 'count',
  count: 'count',
  percentage: 'percentage',
  percent: 'percentage',
  '%': 'percentage',
  proportion: 'proportion',
  share: 'proportion',
};

/** A category that names itself a percentage: "Children in care out of education (%)", "% of staff", "Percentage ..." (not "Top 5% of earners"). */
const NAMES_A_PERCENTAGE = /\(\s*%\s*\)|^\s*(%|per ?cent(age)?\b|proportion\b)/i;

const percentText = (fraction: number): string => printNumber(fraction, { decimals: 2, minDecimals: 0, percent: true });

/** The Type column: blank is decided by the Value cell (a % cell is a percentage, any other a count). */
function readUnit(row: RowReader, findings: FindingList, label: string): BreakdownUnit | 'blank' | undefined {
  const text = row.text('type', false)?.trim() ?? '';
  if (text === '') return 'blank';
  const unit = UNIT_WORDS[text.toLowerCase()];
  if (!unit) {
    findings.error(
      'implausible-value',
      row.source('type'),
      `"${text}" is not a type of breakdown figure (${label}); expected Number, Percentage or Proportion, ` +
        'or a blank cell (then a cell formatted as a percentage is a Percentage, any other a Number)',
    );
  }
  return unit;
}

/** The Value cell as a figure of its unit, or an error naming the cell and what it should hold. */
function readValue(
  row: RowReader,
  declared: BreakdownUnit | 'blank',
  findings: FindingList,
  label: string,
): { unit: BreakdownUnit; value: NumberFigure } | undefined {
  const reading = row.cell('value');
  const source = row.source('value');
  if (reading.kind !== 'number') {
    const found = reading.kind === 'empty' ? 'the value is blank' : `${describeReading(reading)} is not a number`;
    findings.error('not-a-number', source, `${found} (${label}); expected a count such as 92, or a percentage such as 50%`);
    return undefined;
  }
  const scaled = roundedScale(reading);
  if (scaled !== undefined) {
    // "4.9k" read as 4900 printed "4900 distinct individuals" for 4964, as if exact.
    findings.error(
      'not-a-number',
      source,
      `"${reading.typedAsText ?? ''}" is a rounded figure (${reading.value.toLocaleString('en-GB')}, in ${scaled}), not the figure itself (${label}); ` +
        `the report would print ${reading.value} as if it were exact${scaled === 'millions' ? ' (or was "m" months?)' : ''}; expected the count typed in full, such as 92`,
    );
    return undefined;
  }
  const isPercent = reading.format.style === 'percent';
  const unit: BreakdownUnit = declared === 'blank' ? (isPercent ? 'percentage' : 'count') : declared;
  const shown = isPercent ? percentText(reading.value) : String(reading.value);
  if (unit === 'count') {
    const category = row.text('category', false)?.trim() ?? '';
    const outOf = row.text('outOf', false)?.trim() ?? '';
    if (!isPercent && outOf === '' && NAMES_A_PERCENTAGE.test(category)) {
      // "Children in care out of education (%)" typed 6: read as a count, the report printed "(6)" for 6%.
      findings.error(
        'implausible-value',
        source,
        `${shown} is a count (${declared === 'blank' ? 'its cell is not formatted as a percentage' : 'the type is Number'}), but the category "${category}" is a percentage (${label}); ` +
          `expected a percentage such as ${shown}%: type it with its % sign, or format the cell as a percentage${declared === 'blank' ? '' : ', and give the type Percentage'}`,
      );
      return undefined;
    }
    if (isPercent) {
      findings.error(
        'implausible-value',
        source,
        `${shown} is a percentage in a row of type Number (${label}); expected a count such as 92, or the type Percentage`,
      );
      return undefined;
    }
    if (!Number.isInteger(reading.value) || reading.value < 0) {
      findings.error('implausible-value', source, `${shown} is not a count (${label}); expected a whole number of 0 or more, such as 92`);
      return undefined;
    }
  } else {
    const what = unit === 'proportion' ? 'a proportion' : 'a percentage';
    if (!isPercent) {
      findings.error(
        'implausible-value',
        source,
        `${shown} is not ${what} (${label}); expected ${what} such as 50%: type it with its % sign, or format the cell as a percentage`,
      );
      return undefined;
    }
    const low = unit === 'proportion' ? 0 : -1;
    if (reading.value > 1 || reading.value < low) {
      findings.error(
        'implausible-value',
        source,
        `${shown} is ${reading.value > 1 ? 'over 100%' : `below ${unit === 'proportion' ? '0%' : '-100%'}`} (${label}); expected ${what} from ${unit === 'proportion' ? '0%' : '-100%'} to 100%`,
      );
      return undefined;
    }
  }
  return { unit, value: { kind: 'number', value: reading.value, format: reading.format, source } };
}

/** "Out of": only for a count, a whole number at least the count. */
function readOutOf(row: RowReader, unit: BreakdownUnit, value: NumberFigure, findings: FindingList, label: string): NumberFigure | undefined | false {
  if ((row.text('outOf', false)?.trim() ?? '') === '') return undefined;
  if (unit !== 'count') {
    findings.error(
      'implausible-value',
      row.source('outOf'),
      `an "Out of" is given for a ${unit} (${label}); a ${unit} is typed on its own: leave "Out of" blank, ` +
        'or type the count in Value and what it is out of in "Out of", so that the % is worked out',
    );
    return false;
  }
  const outOf = row.amount('outOf', 'Out of', { integer: true, min: 0 });
  if (!outOf) return false;
  if (outOf.value < value.value) {
    findings.error(
      'implausible-value',
      row.source('outOf'),
      `the count ${value.value} is more than what it is out of, ${outOf.value} (${label}); expected "Out of" to be at least ${value.value}`,
    );
    return false;
  }
  return outOf;
}

const groupKey = (month: string, measure: string, period: string): string => `${month}|${measure}|${period}`.toLowerCase();

/**
 * A measure's proportions for one month and period must add up to about 100%. A group with a row that
 * could not be read is not summed: its error is already said, and the sum would only repeat it.
 */
function checkProportions(rows: BreakdownRow[], unread: Set<string>, findings: FindingList): void {
  const groups = new Map<string, BreakdownRow[]>();
  for (const row of rows) {
    const key = groupKey(row.month, row.measure, row.period);
    if (row.unit !== 'proportion' || unread.has(key)) continue;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  for (const group of groups.values()) {
    const first = group[0];
    if (!first) continue;
    const sum = group.reduce((n, r) => n + r.value.value, 0);
    if (Math.abs(sum - 1) <= PROPORTION_SUM_TOLERANCE + 1e-9) continue;
    const cells = group.map((r) => r.value.source.cell).join(', ');
    findings.error(
      'implausible-value',
      first.value.source,
      `the proportions of ${first.measure} for ${monthLabel(first.month)}${first.period ? ` (${first.period})` : ''} add up to ${percentText(sum)} (${cells}); ` +
        `expected about 100% (${percentText(1 - PROPORTION_SUM_TOLERANCE)} to ${percentText(1 + PROPORTION_SUM_TOLERANCE)}): a category is missing, or a figure is mistyped`,
    );
  }
}

/**
 * Reads the Breakdowns sheet: one row per month, measure, period and category, with a value that is a
 * count (optionally out of another count), a percentage or a proportion. Every problem is an error
 * naming its cell, so no figure of a broken row is printed; a sheet that is absent gives no rows.
 */
export function readBreakdowns(raw: RawWorkbook, aliases: HeaderAliases['projectSheets'], findings: FindingList, aliasesFile: string): BreakdownRow[] {
  const sheet = openSheet(raw, 'breakdowns', aliases, findings, aliasesFile, (t) =>
    [t('measure'), t('category')].filter((part) => part.trim() !== '').join(', '),
  );
  const out: BreakdownRow[] = [];
  const seen = new Map<string, SourceRef>();
  const unread = new Set<string>();
  const totals: TotalRow[] = [];
  for (const row of sheet?.rows ?? []) {
    const month = row.month();
    const measure = row.text('measure')?.trim().toLowerCase();
    const categoryText = row.text('category')?.trim();
    const period = printableText(row.text('period', false)?.trim() ?? '', row.source('period'), findings, 'period');
    const label = `${measure ?? 'no measure'}, ${categoryText ?? 'no category'}`;
    const declared = readUnit(row, findings, label);
    const read = declared === undefined ? undefined : readValue(row, declared, findings, label);
    const outOf = read ? readOutOf(row, read.unit, read.value, findings, label) : undefined;
    if (!month || !measure || !categoryText || !read || outOf === false) {
      if (month && measure) unread.add(groupKey(month, measure, period));
      continue;
    }
    const category = printableText(categoryText, row.source('category'), findings, 'category');
    const key = `${groupKey(month, measure, period)}|${category.toLowerCase()}`;
    const first = seen.get(key);
    if (first) {
      findings.error(
        'duplicate-row',
        row.source('category'),
        `${measure}, ${category}${period ? `, ${period}` : ''} appears twice for ${monthLabel(month)} (rows ${first.cell?.replace(/^[A-Z]+/, '')} and ${row.source().cell?.replace(/^[A-Z]+/, '')}); ` +
          'expected one row per month, measure, period and category: delete or correct one of them',
        first,
      );
      continue;
    }
    seen.set(key, row.source('category'));
    if (isTotalName(category)) {
      // Read as one more category, a total halved every share the reports print.
      totals.push({
        month,
        name: category,
        source: row.source('category'),
        figures: read.unit === 'count' ? [['Value', read.value.value]] : [],
        group: `${measure}|${period}`,
      });
      continue;
    }
    out.push({ month, measure, period, category, unit: read.unit, value: read.value, ...(outOf ? { outOf } : {}), source: row.source() });
  }
  leaveOutTotals(
    totals,
    out,
    (rows) => [rows.reduce((sum, r) => sum + r.value.value, 0)],
    'category',
    findings,
    (r) => `${r.measure}|${r.period}`,
  );
  checkProportions(out, unread, findings);
  return out;
}
