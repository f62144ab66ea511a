import type { DisplayFormat, ComparisonOp } from '../workbook/cell-value.js';
import type { MonthKey } from '../model/month.js';
import type { SourceRef } from '../findings/finding.js';
import type { Direction, Rag, Trend } from '../model/rag.js';

/** One figure read from one cell, with where it came from. The report code only ever sees these. */
export type Figure =
  | {
      kind: 'number';
      /** Percentages are fractions: 0.26 is 26%. */
      value: number;
      format: DisplayFormat;
      source: SourceRef;
      /** The number as the cell holds it, where it differs from `value` (18 for a percentage typed as points). */
      stored?: number | string;
    }
  | { kind: 'comparison'; op: ComparisonOp; value: number; format: DisplayFormat; text: string; source: SourceRef }
  | { kind: 'missing'; reason: 'blank' | 'placeholder' | 'error' | 'no-result'; text?: string; source: SourceRef };

export type BenchmarkKey = 'southamptonLastYear' | 'statisticalNeighbours' | 'southEast' | 'england';

export interface Benchmark {
  /** The column's own header ("So'ton 21/22"), printed as the column heading. */
  label: string;
  figure: Figure;
}

/** What a figure can be, for the plausibility checks: see `IndicatorKind` in src/config/catalogue.ts. */
export type FigureKind = 'count' | 'percent' | 'rate' | 'measure';

/** A target from a column named for a financial year ("Target 18-19"). */
export interface YearTarget {
  /** The financial year by the year it starts (April 2018 to March 2019 is 2018). */
  year: number;
  label: string;
  figure: Figure;
}

/** One of the workbook's own RAG, Direction of travel or Trend cells, as read (src/workbook/workbook-marks.ts). */
export interface WorkbookMark<T> {
  value: T;
  /** The cell as it shows ("-1", "↑", "Green"). */
  text: string;
  source: SourceRef;
}

/**
 * What a row's own RAG, Direction of travel and Trend cells say about the table's latest month. Read
 * to be checked against what the reports compute, and printed only where config/indicators.yaml says
 * `ragAndDirection: workbook`.
 */
export interface WorkbookMarks {
  /** The month the marks are about: the table's latest month. */
  month: MonthKey;
  rag?: WorkbookMark<Rag>;
  direction?: WorkbookMark<Direction>;
  trend?: WorkbookMark<Trend>;
}

/** One indicator row of one workbook table. */
export interface IndicatorRow {
  /** Catalogue id, or a slug of the name when the catalogue has no entry. */
  id: string;
  name: string;
  refId?: string;
  catalogued: boolean;
  /** The indicator is a percentage (catalogue, name or cell formats say so). */
  percent: boolean;
  source: SourceRef;
  values: Partial<Record<MonthKey, Figure>>;
  /** The plain Target column's figure: it applies to every month. */
  target?: Figure;
  /** Targets from columns named for a financial year; `targetFor` picks the one for a month. */
  yearTargets?: YearTarget[];
  /** Benchmarks; where a benchmark has columns for several years, the latest year's. */
  benchmarks: Partial<Record<BenchmarkKey, Benchmark>>;
  /** What the row's type column says (PERCENTAGE, NUMBER, RATE), where the table has one. */
  typeText?: string;
  notes: string[];
  /** The row's own RAG, Direction of travel and Trend cells, where the table has those columns and they hold a mark. */
  workbookMarks?: WorkbookMarks;
}

export interface IndicatorTable {
  /** "Sheet!C4": the sheet and the Indicator header cell. */
  id: string;
  sheet: string;
  /** The title row above the table, or the title of the table above it on the same sheet. */
  section?: string;
  titled: boolean;
  headerSource: SourceRef;
  months: MonthKey[];
  rows: IndicatorRow[];
}

export interface TeamMeasureRow {
  month: MonthKey;
  measure: string;
  team: string;
  denominator: number;
  numerator: number;
  source: SourceRef;
}

export type QualifyingStatus = 'SW' | 'NQSW' | 'ASYE';

export interface CaseloadRow {
  month: MonthKey;
  /** An opaque reference: never printed in any report. */
  workerReference: string;
  qualifyingStatus: QualifyingStatus;
  team: string;
  allocations: number;
  source: SourceRef;
}

export type CommentaryKind = 'desired-outcome' | 'progress-analysis' | 'action';

export interface CommentaryRow {
  month: MonthKey;
  report: string;
  section: string;
  kind: CommentaryKind;
  text: string;
  source: SourceRef;
}

export interface RevenueRow {
  month: MonthKey;
  serviceArea: string;
  budget: Figure & { kind: 'number' };
  forecastOutturn: Figure & { kind: 'number' };
  commentary: string;
  source: SourceRef;
}

export interface PlacementRow {
  month: MonthKey;
  placementType: string;
  number: Figure & { kind: 'number' };
  averageWeeklyCost: Figure & { kind: 'number' };
  budgetedNumber: Figure & { kind: 'number' };
  source: SourceRef;
}

export interface CostReductionRow {
  month: MonthKey;
  proposal: string;
  owner: string;
  target: Figure & { kind: 'number' };
  forecastDelivery: Figure & { kind: 'number' };
  rag: 'Red' | 'Amber' | 'Green';
  commentary: string;
  source: SourceRef;
}

/**
 * What a breakdown figure is: a count (a whole number, possibly out of another), a percentage (a pay
 * gap: -100% to 100%), or a proportion of a whole (0-100%; a measure's proportions sum to about 100%).
 */
export type BreakdownUnit = 'count' | 'percentage' | 'proportion';

/** One row of the Breakdowns sheet: a measure's figure for one category (a referral source, an ethnicity). */
export interface BreakdownRow {
  month: MonthKey;
  /** The measure's code as the templates name it ("referral-source"), trimmed and in lower case. */
  measure: string;
  /** The period a figure covers where it is not the month ("2023" for the year to date, "2022" for a pay gap); "" when blank. */
  period: string;
  category: string;
  unit: BreakdownUnit;
  /** A percentage or proportion is a fraction (0.5 is 50%). */
  value: Figure & { kind: 'number' };
  /** For a count: what it is out of (167 out of 2,157), so its % is computed, never typed. */
  outOf?: Figure & { kind: 'number' };
  source: SourceRef;
}

/** The checked dataset: everything the reports may use, each figure traceable to its cell. */
export interface Dataset {
  file: string;
  tables: IndicatorTable[];
  teamMeasures: TeamMeasureRow[];
  caseloads: CaseloadRow[];
  commentary: CommentaryRow[];
  breakdowns: BreakdownRow[];
  finance: {
    revenue: RevenueRow[];
    placements: PlacementRow[];
    costReduction: CostReductionRow[];
  };
}
