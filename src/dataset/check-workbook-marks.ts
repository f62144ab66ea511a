import type { IndicatorCatalogue } from '../config/catalogue.js';
import type { FindingList } from '../findings/finding.js';
import { addMonths, monthLabel } from '../model/month.js';
import {
  computeDirection,
  computeRag,
  computeTrend,
  DIRECTION_ARROWS,
  DIRECTION_WORDS,
  RAG_WORDS,
  toleranceFor,
  type Rag,
  type TargetValue,
  TREND_ARROWS,
  TREND_WORDS,
} from '../model/rag.js';
import { catalogueDisplay, monthTextsAsPrinted, textsBesideRag } from '../report/format-figure.js';
import { targetFor } from './targets.js';
import type { Figure, IndicatorTable } from './types.js';

function valueOf(figure: Figure | undefined): number | undefined {
  return figure?.kind === 'number' ? figure.value : undefined;
}

const POLARITY_WORDS = { 'higher-is-better': 'higher is better', 'lower-is-better': 'lower is better', neutral: '' } as const;

/**
 * The workbook's own RAG, Direction of travel and Trend (where its tables have those columns) checked
 * against what the reports compute from the figures, the target and the catalogue: each disagreement
 * is a warning naming the workbook's cell, both values and the months compared. Hand-kept arrows go
 * stale (the council's own pack printed ↑ for a figure that fell from 85% to 78%), and the officer
 * should hear of it before the panel does. A mark the reports cannot compute (no target, no previous
 * month, a neutral indicator) is not compared.
 */
export function checkWorkbookMarks(tables: IndicatorTable[], catalogue: IndicatorCatalogue, findings: FindingList): void {
  const printsWorkbook = catalogue.file.ragAndDirection === 'workbook';
  const printed = (computed: string, workbook: string): string =>
    printsWorkbook ? `the reports print the workbook's ${workbook} (ragAndDirection: workbook in ${catalogue.source})` : `the reports print ${computed}`;
  for (const table of tables) {
    for (const row of table.rows) {
      const marks = row.workbookMarks;
      if (!marks) continue;
      const entry = row.catalogued ? catalogue.byId.get(row.id) : undefined;
      const polarity = entry?.polarity ?? 'neutral';
      const month = marks.month;
      const before = addMonths(month, -1);
      const current = row.values[month];
      const previous = row.values[before];
      const target = targetFor(row, month);
      const tolerance = toleranceFor(catalogue.file.defaultTolerance, entry?.tolerance, row.percent);
      const ragOf = (value: number, goal: TargetValue): Rag | undefined => computeRag(value, goal, polarity, row.percent, tolerance);
      const value = valueOf(current);
      const rag = value === undefined || !target ? undefined : ragOf(value, target);
      const direction = computeDirection(valueOf(current), valueOf(previous), polarity);
      // The figures as the report table prints them, so a message quotes "24.04%" where the page does, never "24%".
      const printedRag = printsWorkbook && marks.rag?.value !== rag ? undefined : rag;
      const printedDirection = printsWorkbook ? (marks.direction?.value ?? direction) : direction;
      const printedTrend = marks.trend ? computeTrend(valueOf(current), valueOf(previous)) : undefined;
      const moved = (printedDirection !== undefined && printedDirection !== 'same') || (printedTrend !== undefined && printedTrend !== 'same');
      const texts = monthTextsAsPrinted(previous, current, target, catalogueDisplay(entry), { ragOf, rag: printedRag, moved });
      const [then, now] = [texts.previous, `${texts.current} in ${monthLabel(month)}`];

      if (marks.rag && rag && marks.rag.value !== rag) {
        // As the reports print them beside the RAG: 94.5% against 95% is Amber, never "95% against the target 95% is Amber".
        const beside = textsBesideRag(current, target, catalogueDisplay(entry), ragOf);
        findings.warning(
          'workbook-rag',
          marks.rag.source,
          `${row.name}: the workbook's RAG is ${marks.rag.text} (${RAG_WORDS[marks.rag.value]}), but ${beside.figure} in ${monthLabel(month)} against the target ${beside.target} is ` +
            `${RAG_WORDS[rag]}; ${printed(RAG_WORDS[rag], RAG_WORDS[marks.rag.value])}`,
          current?.source,
        );
      }

      if (marks.direction && direction && marks.direction.value !== direction) {
        const trend = computeTrend(valueOf(current), valueOf(previous)) ?? 'same';
        const moved =
          trend === 'same'
            ? `held at ${texts.current} from ${monthLabel(before)} to ${monthLabel(month)}`
            : `${TREND_WORDS[trend]} from ${then} in ${monthLabel(before)} to ${now}`;
        findings.warning(
          'workbook-rag',
          marks.direction.source,
          `${row.name}: the workbook's Direction of travel is ${marks.direction.text} (${DIRECTION_ARROWS[marks.direction.value]} ${DIRECTION_WORDS[marks.direction.value]}), ` +
            `but the figure ${moved}, which is ${DIRECTION_WORDS[direction]} (${DIRECTION_ARROWS[direction]}) where ${POLARITY_WORDS[polarity]}; ` +
            printed(DIRECTION_ARROWS[direction], DIRECTION_ARROWS[marks.direction.value]),
          current?.source,
        );
      }

      const trend = computeTrend(valueOf(current), valueOf(previous));
      if (marks.trend && trend && marks.trend.value !== trend) {
        findings.warning(
          'workbook-rag',
          marks.trend.source,
          `${row.name}: the workbook's Trend is ${marks.trend.text} (${TREND_ARROWS[marks.trend.value]}), but the figure ` +
            `${trend === 'same' ? 'held' : TREND_WORDS[trend]} from ${then} in ${monthLabel(before)} to ${now} (${TREND_ARROWS[trend]}); ` +
            printed(TREND_ARROWS[trend], TREND_ARROWS[marks.trend.value]),
          current?.source,
        );
      }
    }
  }
}
