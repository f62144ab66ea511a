import type { FindingList } from '../findings/finding.js';
import { monthLabel, type MonthKey } from '../workbook/month.js';
import type { Figure, IndicatorRow, IndicatorTable } from './types.js';

function sameValue(a: number, b: number): boolean {
  return Math.abs(a - b) < 1e-9;
}

function show(figure: Figure & { kind: 'number' }): string {
  if (figure.format.style === 'percent') return `${(figure.value * 100).toFixed(figure.format.decimals)}%`;
  return figure.value.toFixed(figure.format.decimals);
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
