import { indicatorKind, type IndicatorCatalogue, type IndicatorKind } from '../config/catalogue.js';
import type { FindingList } from '../findings/finding.js';
import { monthLabel, type MonthKey } from '../model/month.js';
import type { Figure, IndicatorRow, IndicatorTable } from './types.js';
import { printNumber } from '../report/round.js';

function sameValue(a: number, b: number): boolean {
  return Math.abs(a - b) < 1e-9;
}

function show(figure: Figure & { kind: 'number' }): string {
  return printNumber(figure.value, { decimals: figure.format.decimals, percent: figure.format.style === 'percent' });
}

/**
 * Warns where one indicator has different figures for the same months in two tables of one sheet:
 * one warning per pair of tables, listing the months that disagree. Sheets are compared only with
 * themselves: each sheet is a snapshot refreshed at its own time (the board slide tables lag the data set).
 */
export function checkConflicts(tables: IndicatorTable[], findings: FindingList): void {
  const copies = new Map<string, Array<{ row: IndicatorRow; table: IndicatorTable }>>();
  for (const table of tables) {
    for (const row of table.rows) {
      const key = `${table.sheet}\u0000${row.id}`;
      copies.set(key, [...(copies.get(key) ?? []), { row, table }]);
    }
  }
  for (const list of copies.values()) {
    list.forEach((first, i) => {
      for (const other of list.slice(i + 1)) {
        const differences: Array<{ month: MonthKey; a: Figure & { kind: 'number' }; b: Figure & { kind: 'number' } }> = [];
        for (const [month, a] of Object.entries(first.row.values) as Array<[MonthKey, Figure]>) {
          const b = other.row.values[month];
          if (a.kind === 'number' && b?.kind === 'number' && !sameValue(a.value, b.value)) differences.push({ month, a, b });
        }
        const head = differences[0];
        if (!head) continue;
        const listed = differences.map((d) => `${monthLabel(d.month)} ${show(d.a)} vs ${show(d.b)}`).join(', ');
        findings.warning(
          'conflicting-values',
          head.a.source,
          `${first.row.name}: the tables "${first.table.section ?? first.table.id}" (row ${first.row.source.cell}) and ` +
            `"${other.table.section ?? other.table.id}" (row ${other.row.source.cell}) disagree in ${differences.length} month(s): ${listed}; ` +
            'expected the same figure in every table',
          head.b.source,
        );
      }
    });
  }
}

/** Warns where a series has months with no figure between its first and last figures. */
export function checkGaps(tables: IndicatorTable[], findings: FindingList): void {
  for (const table of tables) {
    for (const row of table.rows) {
      const present = table.months.map((m) => row.values[m]?.kind === 'number' || row.values[m]?.kind === 'comparison');
      const first = present.indexOf(true);
      const last = present.lastIndexOf(true);
      if (first < 0) continue;
      const gaps = table.months.filter((_, i) => i > first && i < last && !present[i]);
      if (gaps.length === 0) continue;
      const firstGap = row.values[gaps[0] as MonthKey];
      findings.warning(
        'gap-in-series',
        firstGap?.source ?? row.source,
        `${row.name} has no figure for ${gaps.map(monthLabel).join(', ')} between ${monthLabel(table.months[first] as MonthKey)} and ` +
          `${monthLabel(table.months[last] as MonthKey)}; expected a figure for every month`,
      );
    }
  }
}

/** Warns once for each indicator name that the catalogue does not know. */
export function checkCatalogue(tables: IndicatorTable[], findings: FindingList): void {
  const named = new Set<string>();
  for (const table of tables) {
    for (const row of table.rows) {
      if (row.catalogued || named.has(row.id)) continue;
      named.add(row.id);
      findings.warning(
        'not-in-catalogue',
        row.source,
        `"${row.name}" has no entry in the indicator catalogue (config/indicators.yaml), so it has no polarity, tolerance or short name; ` +
          'expected an entry with this name or alias',
      );
    }
  }
}

const KIND_WORDS: Record<IndicatorKind, string> = {
  count: 'a count (a whole number, 0 or more)',
  percent: 'a percentage (0% to 100%)',
  rate: 'a rate (0 or more)',
  measure: 'a figure',
};

/** Far beyond any figure a children's service reports: a pasted serial number, 1e308, a typo. */
const MAX_ANY_FIGURE = 1e12;

function shown(value: number, percent: boolean): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1e9) return value.toExponential(2);
  return percent ? printNumber(value, { decimals: 1, minDecimals: 0, percent: true }) : printNumber(value, { decimals: 6, minDecimals: 0 });
}

/**
 * Checks every figure against what its indicator's kind allows (catalogue `kind`/`range`, else its
 * format and name): a count is a whole number from 0, a percentage lies in 0-100%, a rate is 0 or
 * more. A figure that cannot be right is an error naming its cell, so it never prints; a series of
 * nothing but errors is an error; a month-on-month jump beyond the configured factor is a warning.
 */
export function checkPlausibility(tables: IndicatorTable[], catalogue: IndicatorCatalogue, findings: FindingList): void {
  const settings = catalogue.file.plausibility;
  for (const table of tables) {
    for (const row of table.rows) {
      const entry = row.catalogued ? catalogue.byId.get(row.id) : undefined;
      const kind = indicatorKind(entry, row.name, row.percent, row.typeText);
      const [low, high] =
        entry?.range ??
        (kind === 'percent' ? [0, 1] : kind === 'count' ? [0, settings.maxCount] : kind === 'rate' ? [0, MAX_ANY_FIGURE] : [-MAX_ANY_FIGURE, MAX_ANY_FIGURE]);
      const check = (figure: Figure | undefined, what: string, wholeNumber: boolean): boolean => {
        if (figure?.kind !== 'number' && figure?.kind !== 'comparison') return true;
        const value = figure.value;
        const expected = entry?.range
          ? `a figure from ${shown(low, row.percent)} to ${shown(high, row.percent)} (config/indicators.yaml range)`
          : KIND_WORDS[kind];
        if (!Number.isFinite(value) || value < low || value > high || Math.abs(value) > MAX_ANY_FIGURE) {
          findings.error('implausible-value', figure.source, `${row.name}, ${what}: ${shown(value, row.percent)} cannot be right; expected ${expected}`);
          return false;
        }
        if (wholeNumber && kind === 'count' && figure.kind === 'number' && !Number.isInteger(value)) {
          findings.error('implausible-value', figure.source, `${row.name}, ${what}: ${shown(value, false)} is not a whole number; expected ${expected}`);
          return false;
        }
        return true;
      };
      const months = [...table.months].sort();
      for (const month of months) check(row.values[month], monthLabel(month), true);
      check(row.target, 'Target', false);
      for (const t of row.yearTargets ?? []) check(t.figure, t.label, false);
      for (const benchmark of Object.values(row.benchmarks)) if (benchmark) check(benchmark.figure, benchmark.label, false);

      const figures = months.map((m) => row.values[m]);
      const broken = figures.filter((f) => f?.kind === 'missing' && (f.reason === 'error' || f.reason === 'no-result'));
      const readable = figures.filter((f) => f?.kind === 'number' || f?.kind === 'comparison');
      if (broken.length > 0 && readable.length === 0) {
        findings.error(
          'implausible-value',
          (broken[0] as Figure).source,
          `${row.name}: none of its ${broken.length} month cell(s) holds a figure (${broken.length === figures.length ? 'all are' : 'the others are blank or'} errors, ` +
            'dates or formulas without saved results), so it cannot be reported; expected figures (open and save the workbook in Excel if its formulas have no results)',
        );
      }

      if (kind === 'percent') continue;
      for (let i = 1; i < months.length; i++) {
        const before = row.values[months[i - 1] as MonthKey];
        const after = row.values[months[i] as MonthKey];
        if (before?.kind !== 'number' || after?.kind !== 'number') continue;
        const [a, b] = [Math.abs(before.value), Math.abs(after.value)];
        if (Math.min(a, b) < settings.jumpFloor) continue;
        if (Math.max(a, b) / Math.min(a, b) > settings.jumpFactor) {
          findings.warning(
            'implausible-value',
            after.source,
            `${row.name}: ${shown(after.value, false)} in ${monthLabel(months[i] as MonthKey)} after ${shown(before.value, false)} in ${monthLabel(months[i - 1] as MonthKey)} ` +
              `is a change of more than ${settings.jumpFactor} times; check the figure (the factor is plausibility.jumpFactor in config/indicators.yaml)`,
          );
        }
      }
    }
  }
}
