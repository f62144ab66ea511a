import type { CatalogueEntry, IndicatorCatalogue } from '../config/catalogue.js';
import type { TeamMeasure } from '../config/team-measures.js';
import { B4BError } from '../findings/finding.js';
import type { CaseloadRow, Dataset, Figure, IndicatorRow, IndicatorTable, BenchmarkKey, CommentaryKind } from '../dataset/types.js';
import type { SourceRef } from '../findings/finding.js';
import { addMonths, financialYearLabel, financialYearOf, monthLabel, monthLongLabel, type MonthKey } from '../model/month.js';
import { catalogueDisplay, cellText, formatFigure, monthTextsAsPrinted, numericValue } from './format-figure.js';
import { cellName } from './figure-ref.js';
import { nearestKey } from '../config/read-config.js';
import { targetFor } from '../dataset/targets.js';
import {
  computeDirection,
  computeRag,
  computeTrend,
  meetsTarget,
  RAG_WORDS,
  ragOfComparison,
  toleranceFor,
  type Direction,
  type Rag,
  type TargetValue,
  type Tolerance,
  type Trend,
} from '../model/rag.js';
import { printNumber, roundHalf } from './round.js';

export const BENCHMARK_KEYS: BenchmarkKey[] = ['southamptonLastYear', 'statisticalNeighbours', 'southEast', 'england'];
const BENCHMARK_DEFAULT_LABELS: Record<BenchmarkKey, string> = {
  southamptonLastYear: "So'ton last year",
  statisticalNeighbours: 'Statistical Neighbours',
  southEast: 'South East',
  england: 'England',
};

/** Indicator id → the workbook table a report takes it from (see ReportFigures.tableChoices). */
export type TableChoices = Map<string, IndicatorTable>;

export interface ModelWarning {
  message: string;
  source?: SourceRef;
}

export interface TableRowModel {
  id: string;
  name: string;
  shortName: string;
  supplied: boolean;
  cells: string[];
  /** The figures behind `cells`, for tracing each printed figure to its cell. */
  figures: Array<Figure | undefined>;
  target: string;
  rag?: Rag;
  direction?: Direction;
  /** The raw rise or fall since last month (tables with a Trend column). */
  trend?: Trend;
  benchmarks: string[];
  source?: SourceRef;
  /** The workbook table the row came from (its section title, or its header cell), for tracing and the pack check. */
  table?: string;
  /** The cell of the printed target. */
  targetSource?: SourceRef;
  /** The cells of the printed benchmarks, in the order of `benchmarks`. */
  benchmarkSources?: Array<SourceRef | undefined>;
}

export interface IndicatorTableModel {
  kind: 'indicator-table';
  months: MonthKey[];
  monthLabels: string[];
  showTarget: boolean;
  showTrend: boolean;
  benchmarkLabels: string[];
  rows: TableRowModel[];
}

export interface TeamRowModel {
  team: string;
  denominator: number;
  numerator: number;
  /** numerator / denominator, printed to one decimal place ("27.4%"); blank when the denominator is 0. */
  percent: string;
  /** Worse than the measure's target. */
  worse: boolean;
  source?: SourceRef;
}

export interface TeamTableModel {
  kind: 'team-table';
  code: string;
  title: string;
  target?: string;
  /** Where the target comes from: the indicator's row (its id and target cell) or the project's team measures file. */
  targetFrom?: { indicator?: string; source?: SourceRef; file?: string };
  rows: TeamRowModel[];
  total: TeamRowModel;
  /**
   * Printed in place of the rows and Total where the month has no team rows of the measure ("No team rows
   * for August 2023"): a Total of 0 and 0 would say that no child was counted, where nothing was supplied.
   */
  noRows?: string;
}

export interface CaseloadTableModel {
  kind: 'caseload-table';
  title: string;
  /** Caseloads at or above this are highlighted. */
  highlightFrom?: number;
  /** Never a worker reference: allocations, qualifying status and team only. */
  rows: Array<{ allocations: number; status: string; team: string; highlight: boolean }>;
  /**
   * Printed in place of the rows where there are none: "No caseloads for August 2023 in the Caseloads
   * sheet" when the month has none at all (an empty "20+ Caseloads" would say that no worker has 20 or
   * more), else what the table lists none of ("No caseloads of 20 or more for July 2023").
   */
  noRows?: string;
}

export interface ChartSeries {
  label: string;
  values: Array<number | null>;
  /** The target of the report month (its financial year's, where the workbook gives targets by year). */
  target?: number;
  /**
   * Each month's target, where they are not all `target`: a chart whose months run into another
   * financial year, whose target the workbook gives apart ("Target 2022/23" beside "Target 2023/24").
   * Null for a month with no target.
   */
  targets?: Array<number | null>;
  percent: boolean;
}

/**
 * The kinds of chart a report draws:
 * - `line`: a monthly trend, with its target (the default);
 * - `bar`: vertical bars, one series (finance variance, placements by type);
 * - `horizontal-bar`: one series against long category names (referrals by source);
 * - `grouped-bar` / `stacked-bar`: two or more series side by side or on top of each other (staff diversity);
 * - `doughnut`: one series as proportions of a whole (ethnicity of hub users), its figures always printed.
 */
export type ChartType = 'line' | 'bar' | 'horizontal-bar' | 'grouped-bar' | 'stacked-bar' | 'doughnut';

export interface ChartModel {
  kind: 'chart';
  type?: ChartType;
  /** How the value axis is labelled; percent by default when a series is a percentage. */
  yFormat?: 'percent' | 'number' | 'money';
  title: string;
  /** The category of each value: months for a trend, else the categories (sources, ethnicities, placement types). */
  monthLabels: string[];
  series: ChartSeries[];
}

export interface TableRequest {
  /** The workbook section (title row) whose table supplies the figures. */
  from?: string;
  ids: string[];
  /** A row's own section where it differs from the table's (`id from "Section"` in a template). */
  rowSections?: Record<string, string>;
  twoYearsBack: boolean;
  benchmarks: boolean;
  target: boolean;
  trend?: boolean;
}

/** One decimal place, half up (./round.ts), as the council's team tables print it. */
export function teamPercent(numerator: number, denominator: number): { value?: number; text: string } {
  if (denominator === 0) return { text: '' };
  // One division, so that an exact half (57 of 200: 28.5) stays exact.
  const percent = roundHalf((numerator * 100) / denominator, 1);
  return { value: percent / 100, text: `${printNumber(percent, { decimals: 1 })}%` };
}

/** Lexicographic order of two score lists. */
function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/** The figures, RAG and arrows a report needs, independent of any output format. */
export class ReportFigures {
  readonly warnings: ModelWarning[] = [];
  private readonly warned = new Set<string>();

  constructor(
    readonly dataset: Dataset,
    readonly catalogue: IndicatorCatalogue,
    readonly month: MonthKey,
    readonly teamMeasures: TeamMeasure[] = [],
    /**
     * The table each indicator was taken from in this report: an indicator that no template line ties
     * to a section comes from the same table wherever the report prints it. A report's choices are its
     * own (never a pack's), so a report prints the same figures alone and in any pack.
     */
    readonly tableChoices: TableChoices = new Map(),
    /** The team measures file as messages name it: the project's own (teamMeasures: in config/b4b.yaml), else the default. */
    readonly teamMeasuresFile = 'config/team-measures.yaml',
  ) {}

  /** A run warning, said once. */
  warn(message: string, source?: SourceRef): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.warnings.push(source ? { message, source } : { message });
  }

  private tolerance(entry: CatalogueEntry | undefined, percent: boolean): Tolerance {
    return toleranceFor(this.catalogue.file.defaultTolerance, entry?.tolerance, percent);
  }

  /**
   * The workbook row for an indicator: from a table of the named section that covers the report
   * month, else from any table covering it. Among equals, the row with the most figures in the 13
   * months to the report month wins, then the table reaching the latest month, then workbook order.
   */
  findRow(id: string, section?: string): { row: IndicatorRow; table: IndicatorTable } | undefined {
    const wanted = id.toLowerCase();
    const chosen = section === undefined ? this.tableChoices.get(wanted) : undefined;
    const chosenRow = chosen?.months.includes(this.month) ? chosen.rows.find((r) => r.id === wanted) : undefined;
    if (chosen && chosenRow) return { row: chosenRow, table: chosen };
    const found = this.bestRow(wanted, section);
    if (found && section !== undefined && found.table.section?.trim().toLowerCase() !== section.trim().toLowerCase()) {
      // Never a quiet guess: the figures printed come from another table than the template names.
      this.warn(
        `${found.row.name}: the template takes it from the section "${section}", but no table of that section has it for ${monthLabel(this.month)}; ` +
          `printed from the table "${found.table.section ?? found.table.id}" instead`,
        found.row.source,
      );
    }
    if (found && !this.tableChoices.has(wanted)) this.tableChoices.set(wanted, found.table);
    return found;
  }

  private bestRow(wanted: string, section: string | undefined): { row: IndicatorRow; table: IndicatorTable } | undefined {
    const window = Array.from({ length: 13 }, (_, i) => addMonths(this.month, i - 12));
    type Candidate = { row: IndicatorRow; table: IndicatorTable; score: number[] };
    const candidates: Candidate[] = [];
    for (const table of this.dataset.tables) {
      if (!table.months.includes(this.month)) continue;
      const row = table.rows.find((r) => r.id === wanted);
      if (!row) continue;
      const sectionMatch = section !== undefined && table.section?.trim().toLowerCase() === section.trim().toLowerCase();
      const figures = window.filter((m) => row.values[m]?.kind === 'number').length;
      const lastMonth = Number((table.months[table.months.length - 1] ?? this.month).replace('-', ''));
      candidates.push({ row, table, score: [sectionMatch ? 1 : 0, figures, lastMonth] });
    }
    const best = candidates.reduce<Candidate | undefined>((b, c) => (!b || compareScores(c.score, b.score) > 0 ? c : b), undefined);
    if (!best) return undefined;
    // Tables the template could equally mean (the same title, in two sheets) that give other figures:
    // which one is printed is said, never a quiet choice.
    for (const other of candidates) {
      if (other === best || other.score[0] !== best.score[0]) continue;
      const differ = window.filter((m) => {
        const [a, b] = [best.row.values[m], other.row.values[m]];
        return a?.kind === 'number' && b?.kind === 'number' && formatFigure(a) !== formatFigure(b);
      });
      const both = (figure: (c: Candidate) => Figure | undefined): string =>
        [best, other].map((c) => `${formatFigure(figure(c))} (${cellName(figure(c)?.source) ?? 'no single cell'})`).join(' / ');
      const shown = differ
        .slice(0, 3)
        .map((m) => `${monthLabel(m)} ${both((c) => c.row.values[m])}`)
        .join('; ');
      // The same figures with another target or benchmark (a copy of the sheet kept from last year) print
      // another RAG, or another comparison, from whichever table wins: said as the figures are.
      const given = (figure: Figure | undefined): boolean => figure?.kind === 'number' || figure?.kind === 'comparison';
      const apart = (a: Figure | undefined, b: Figure | undefined): boolean => given(a) && given(b) && formatFigure(a) !== formatFigure(b);
      const targetOf = (c: Candidate): Figure | undefined => targetFor(c.row, this.month);
      const benchmarksApart = BENCHMARK_KEYS.filter((k) => apart(best.row.benchmarks[k]?.figure, other.row.benchmarks[k]?.figure));
      const parts = [
        ...(differ.length > 0
          ? [`their figures differ in ${differ.length} of the report's 13 months (${shown}${differ.length > 3 ? `; ${differ.length - 3} more` : ''})`]
          : []),
        ...(apart(targetOf(best), targetOf(other)) ? [`their targets for ${monthLabel(this.month)} differ (${both(targetOf)})`] : []),
        ...benchmarksApart.map(
          (k) => `their ${best.row.benchmarks[k]?.label ?? BENCHMARK_DEFAULT_LABELS[k]} benchmarks differ (${both((c) => c.row.benchmarks[k]?.figure)})`,
        ),
      ];
      if (parts.length === 0) continue;
      const where = (c: Candidate): string => `"${c.table.section ?? c.table.id}" in '${c.table.sheet}'`;
      this.warn(
        `${best.row.name}: two tables could give it, ${where(best)} and ${where(other)}, and ${parts.join(', and ')}; printed from the first, ` +
          `${best.score[1] !== other.score[1] ? 'which has figures for more of those months' : best.score[2] !== other.score[2] ? 'whose months run later' : 'which comes first in the workbook'}. ` +
          'Make the two rows agree, or remove the one that is wrong',
        best.row.source,
      );
    }
    return { row: best.row, table: best.table };
  }

  entry(id: string): CatalogueEntry | undefined {
    return this.catalogue.byId.get(id);
  }

  table(request: TableRequest): IndicatorTableModel {
    const recent = Array.from({ length: 13 }, (_, i) => addMonths(this.month, i - 12));
    const months = request.twoYearsBack ? [addMonths(this.month, -24), ...recent] : recent;
    const found = request.ids.map((id) => this.findRow(id, request.rowSections?.[id] ?? request.from));
    // The month two years back is printed as a column of its own: where no table it is read from has that
    // month (its columns deleted at a new year), every cell under it prints "-", which says so only here.
    const older = months[0];
    const sources = found.flatMap((f) => (f ? [f] : []));
    if (request.twoYearsBack && older !== undefined && sources.length > 0 && sources.every((f) => !f.table.months.includes(older))) {
      const first = sources[0];
      this.warn(
        `${request.from ?? 'indicator table'}: the table prints ${monthLabel(older)}, the month two years back, but the workbook's table has no column for it ` +
          `(its months start at ${first && first.table.months.length > 0 ? monthLabel([...first.table.months].sort()[0] as MonthKey) : 'a later month'}), so that column prints "-" in every row`,
        first?.row.source,
      );
    }
    const rows = request.ids.map((id, i): TableRowModel => this.rowModel(id, found[i], months, request));
    const labelSource = found.map((f) => f?.row).find((r) => r && Object.keys(r.benchmarks).length > 0);
    return this.tableModel(months, rows, request, labelSource);
  }

  /**
   * One workbook table as it stands, row for row: for reports without a template (all-tables), so a
   * workbook in a new layout prints every indicator it holds.
   */
  workbookTable(table: IndicatorTable): IndicatorTableModel {
    const months = Array.from({ length: 13 }, (_, i) => addMonths(this.month, i - 12));
    const request: TableRequest = { ids: [], twoYearsBack: false, benchmarks: table.rows.some((r) => Object.keys(r.benchmarks).length > 0), target: true };
    const rows = table.rows.map((row) => this.rowModel(row.id, { row, table }, months, request, false));
    return this.tableModel(
      months,
      rows,
      request,
      table.rows.find((r) => Object.keys(r.benchmarks).length > 0),
    );
  }

  /**
   * A chart of a workbook table's first row and up to three more of the same kind and scale
   * (percentages with percentages, counts within a factor of three), so no line is flattened.
   */
  workbookTableChart(table: IndicatorTable, title: string): ChartModel {
    const months = Array.from({ length: 13 }, (_, i) => addMonths(this.month, i - 12));
    const scale = (row: IndicatorRow): number => Math.max(0, ...months.map((m) => Math.abs(numericValue(row.values[m]) ?? 0)));
    const first = table.rows[0];
    const firstScale = first ? scale(first) : 0;
    const rows = table.rows
      .filter((r) => r.percent === first?.percent && (r.percent || (scale(r) <= firstScale * 3 && scale(r) * 3 >= firstScale)))
      .slice(0, 4);
    return {
      kind: 'chart',
      title,
      monthLabels: months.map(monthLabel),
      series: rows.map((row) => {
        const target = targetFor(row, this.month);
        return {
          label: this.entry(row.id)?.shortName ?? row.name,
          values: months.map((m) => numericValue(row.values[m]) ?? null),
          ...(target?.kind === 'number' || target?.kind === 'comparison' ? { target: target.value } : {}),
          percent: row.percent,
        };
      }),
    };
  }

  private tableModel(months: MonthKey[], rows: TableRowModel[], request: TableRequest, labelSource: IndicatorRow | undefined): IndicatorTableModel {
    return {
      kind: 'indicator-table',
      months,
      monthLabels: months.map(monthLabel),
      showTarget: request.target,
      showTrend: request.trend === true,
      benchmarkLabels: request.benchmarks ? BENCHMARK_KEYS.map((k) => labelSource?.benchmarks[k]?.label ?? BENCHMARK_DEFAULT_LABELS[k]) : [],
      rows,
    };
  }

  /** One printed row: the figures of the months, the target for the month, RAG, direction and benchmarks. */
  private rowModel(
    id: string,
    found: { row: IndicatorRow; table: IndicatorTable } | undefined,
    months: MonthKey[],
    request: TableRequest,
    fromTemplate = true,
  ): TableRowModel {
    const entry = this.entry(id);
    const name = found?.row.name ?? entry?.name ?? id;
    const shortName = entry?.shortName ?? name;
    if (!entry && fromTemplate) this.warn(`the template names "${id}", which is not in the indicator catalogue (${this.catalogue.source})`);
    if (!found) {
      this.warn(`${name}: not supplied for ${monthLabel(this.month)}: no table in the workbook has this indicator for that month`);
      return { id, name, shortName, supplied: false, cells: months.map(() => ''), figures: [], target: '', benchmarks: [] };
    }
    const { row } = found;
    const percent = row.percent;
    const figures = months.map((m) => row.values[m]);
    const current = numericValue(row.values[this.month]);
    const previous = numericValue(row.values[addMonths(this.month, -1)]);
    const polarity = entry?.polarity ?? 'neutral';
    const target = targetFor(row, this.month);
    if (!target && row.yearTargets && row.yearTargets.length > 0) {
      const year = financialYearOf(this.month);
      this.warn(
        `${name}: the workbook has targets for ${row.yearTargets.map((t) => `"${t.label}"`).join(', ')} but none for ${financialYearLabel(year)}, ` +
          `the financial year of ${monthLabel(this.month)}, so no target or RAG is printed`,
        row.source,
      );
    }
    const ragOf = (value: number, goal: TargetValue): Rag | undefined => computeRag(value, goal, polarity, percent, this.tolerance(entry, percent));
    const computed = {
      rag: target ? this.ragOfMonth(row.values[this.month], target, name, percent, ragOf) : undefined,
      direction: computeDirection(current, previous, polarity),
      trend: request.trend ? computeTrend(current, previous) : undefined,
    };
    const { rag, direction, trend } = this.printedMarks(row, computed);
    const override = catalogueDisplay(entry);
    const cells = figures.map((f) => cellText(f, override));
    // The month's figure and target as they read beside the computed RAG ("94.5%", not "95%", against 95% and Amber), and
    // beside an arrow that says the month moved (not "85%", "85%", ↓): the decimals that show it.
    const moved = (direction !== undefined && direction !== 'same') || (trend !== undefined && trend !== 'same');
    const at = months.indexOf(this.month);
    const printed = monthTextsAsPrinted(at > 0 ? figures[at - 1] : undefined, row.values[this.month], target, override, {
      ragOf,
      rag: rag !== undefined && rag === computed.rag ? rag : undefined,
      moved,
    });
    if (at >= 0) cells[at] = printed.current;
    if (at > 0) cells[at - 1] = printed.previous;
    return {
      id,
      name: entry?.name ?? row.name,
      shortName,
      supplied: true,
      cells,
      figures,
      target: printed.target,
      ...(rag ? { rag } : {}),
      ...(direction ? { direction } : {}),
      ...(trend ? { trend } : {}),
      benchmarks: request.benchmarks ? BENCHMARK_KEYS.map((k) => cellText(row.benchmarks[k]?.figure)) : [],
      source: row.source,
      table: found.table.section ?? found.table.id,
      ...(target ? { targetSource: target.source } : {}),
      ...(request.benchmarks ? { benchmarkSources: BENCHMARK_KEYS.map((k) => row.benchmarks[k]?.figure.source) } : {}),
    };
  }

  /**
   * The RAG of the report month's figure: of a number, its own; of a comparison ("<300", a suppressed
   * figure), the one RAG every figure it allows would have ("<300" against a target of at most 500 is
   * met: Green), else none, with a warning naming the cell and the RAGs it could have.
   */
  private ragOfMonth(
    figure: Figure | undefined,
    target: Figure,
    name: string,
    percent: boolean,
    ragOf: (value: number, goal: TargetValue) => Rag | undefined,
  ): Rag | undefined {
    if (target.kind !== 'number' && target.kind !== 'comparison') return undefined;
    if (figure?.kind === 'number') return ragOf(figure.value, target);
    if (figure?.kind !== 'comparison') return undefined;
    const judged = ragOfComparison(figure, percent, (value) => ragOf(value, target));
    if (!judged.rag && judged.possible.length > 1) {
      const could = judged.possible.map((r) => RAG_WORDS[r]);
      this.warn(
        `${name}: "${figure.text}" in ${monthLabel(this.month)} against the target ${cellText(target)} could be ${could.slice(0, -1).join(', ')} or ${could.at(-1) ?? ''}, ` +
          'so no RAG is printed beside it; type the figure itself for a RAG (the report prints the text as typed)',
        figure.source,
      );
    }
    return judged.rag;
  }

  /**
   * The RAG, Direction of travel and Trend a row prints: the computed ones, or the workbook's own where
   * config/indicators.yaml says `ragAndDirection: workbook` and the row's marks are about the report
   * month (a table's marks are about its latest month; for another month the computed ones print, with a warning).
   */
  private printedMarks(row: IndicatorRow, computed: { rag: Rag | undefined; direction: Direction | undefined; trend: Trend | undefined }): typeof computed {
    const marks = row.workbookMarks;
    if (this.catalogue.file.ragAndDirection !== 'workbook' || !marks) return computed;
    if (marks.month !== this.month) {
      this.warn(
        `${row.name}: the workbook's RAG and Direction of travel are about ${monthLabel(marks.month)}, not ${monthLabel(this.month)}, so the computed ones are printed ` +
          `(ragAndDirection: workbook in ${this.catalogue.source})`,
        row.source,
      );
      return computed;
    }
    const current = row.values[this.month];
    if (current?.kind !== 'number' && current?.kind !== 'comparison') {
      // Beside "-", the workbook's mark is of no figure the report prints: most likely last month's, left as it was.
      const kept = (
        [
          ['RAG', marks.rag],
          ['Direction of travel', marks.direction],
          ['Trend', marks.trend],
        ] as const
      ).flatMap(([what, m]) => (m ? [`${what} ${m.text} (${m.source.cell})`] : []));
      if (kept.length > 0)
        this.warn(
          `${row.name}: no figure for ${monthLabel(this.month)} (${current?.source.cell ?? 'no cell'}), so the workbook's ${kept.join(' and ')} ` +
            `${kept.length === 1 ? 'is' : 'are'} not printed beside it (ragAndDirection: workbook in ${this.catalogue.source}): a mark of another month? ` +
            `Type ${monthLabel(this.month)}'s figure in ${current?.source.cell ?? 'the row'}, or clear the mark`,
          current?.source ?? row.source,
        );
      return computed;
    }
    return {
      rag: marks.rag?.value ?? computed.rag,
      direction: marks.direction?.value ?? computed.direction,
      trend: computed.trend === undefined ? undefined : (marks.trend?.value ?? computed.trend),
    };
  }

  chart(ids: string[], title: string | undefined, section?: string): ChartModel {
    const months = Array.from({ length: 13 }, (_, i) => addMonths(this.month, i - 12));
    const series: ChartSeries[] = [];
    for (const id of ids) {
      const found = this.findRow(id, section);
      const entry = this.entry(id);
      if (!found) {
        this.warn(`${entry?.name ?? id}: not supplied for ${monthLabel(this.month)}, so its chart has no line`);
        continue;
      }
      const targetValue = (month: MonthKey): number | undefined => {
        const target = targetFor(found.row, month);
        return target?.kind === 'number' || target?.kind === 'comparison' ? target.value : undefined;
      };
      const target = targetValue(this.month);
      // Each month is measured against its own financial year's target: one line across the chart would print this year's against last year's months.
      const targets = months.map((m) => targetValue(m) ?? null);
      series.push({
        label: entry?.shortName ?? found.row.name,
        values: months.map((m) => numericValue(found.row.values[m]) ?? null),
        ...(target !== undefined ? { target } : {}),
        ...(targets.some((t) => t !== (target ?? null)) ? { targets } : {}),
        percent: found.row.percent,
      });
    }
    const first = ids[0] ? this.entry(ids[0]) : undefined;
    return { kind: 'chart', title: title ?? first?.shortName ?? ids.join(', '), monthLabels: months.map(monthLabel), series };
  }

  teamMeasure(code: string): TeamMeasure {
    const measure = this.teamMeasures.find((m) => m.code === code);
    if (!measure) throw new B4BError(`the template names the team measure "${code}", which ${this.teamMeasuresFile} does not define`);
    return measure;
  }

  /** The month's team rows of one measure, with % computed and a Total row summed from them. */
  teamTable(code: string, title?: string): TeamTableModel {
    const measure = this.teamMeasure(code);
    const rows = this.dataset.teamMeasures.filter((r) => r.month === this.month && r.measure === code);
    if (rows.length === 0) this.warn(`${measure.name}: no team rows for ${monthLongLabel(this.month)} in the Team measures sheet`);
    // A row whose measure is a slip of this one ("SA-20-DAYS", "sa_20_day") is not in its table or Total: said, naming the cell.
    const known = this.teamMeasures.map((m) => m.code);
    for (const r of this.dataset.teamMeasures) {
      if (r.month !== this.month || known.includes(r.measure) || nearestKey(r.measure, known) !== code) continue;
      this.warn(
        `${measure.name}: the Team measures row for ${r.team} (${cellName(r.source) ?? 'its row'}) has the measure "${r.measure}", which ${this.teamMeasuresFile} does not define; ` +
          `it looks like "${code}", but is left out of this table and its Total. Correct the measure in the workbook`,
        r.source,
      );
    }
    const indicatorRow = measure.indicator ? this.findRow(measure.indicator)?.row : undefined;
    const indicatorTarget = indicatorRow ? targetFor(indicatorRow, this.month) : undefined;
    // A target typed as a comparison ("≤24%", "≥ 95%") is a target like any other: read as a number only, it
    // left the table without its target line and every ▼, in silence. It says its own direction, as in a RAG.
    const comparison = measure.target === undefined && indicatorTarget?.kind === 'comparison' ? indicatorTarget : undefined;
    const goal: Exclude<TargetValue, { kind: 'missing' }> | undefined =
      measure.target !== undefined ? { kind: 'number', value: measure.target } : indicatorTarget?.kind === 'number' ? indicatorTarget : comparison;
    const target = goal?.value;
    const targetFrom: TeamTableModel['targetFrom'] =
      measure.target !== undefined
        ? { ...(measure.indicator ? { indicator: measure.indicator } : {}), file: this.teamMeasuresFile }
        : indicatorTarget
          ? { ...(measure.indicator ? { indicator: measure.indicator } : {}), source: indicatorTarget.source }
          : undefined;
    const judge = (numerator: number, denominator: number): TeamRowModel => {
      const pct = teamPercent(numerator, denominator);
      const worse = goal !== undefined && pct.value !== undefined && meetsTarget(pct.value, goal, measure.polarity) === false;
      return { team: '', denominator, numerator, percent: pct.text, worse };
    };
    const teamRows = rows.map((r) => ({ ...judge(r.numerator, r.denominator), team: r.team, source: r.source }));
    const sum = (key: 'numerator' | 'denominator'): number => rows.reduce((n, r) => n + r[key], 0);
    return {
      kind: 'team-table',
      code,
      title: title ?? measure.name,
      ...(target !== undefined ? { target: comparison ? cellText(comparison) : printNumber(target, { decimals: 1, minDecimals: 0, percent: true }) } : {}),
      ...(target !== undefined && targetFrom ? { targetFrom } : {}),
      rows: teamRows,
      total: { ...judge(sum('numerator'), sum('denominator')), team: 'Total' },
      ...(rows.length === 0 ? { noRows: `No team rows for ${monthLongLabel(this.month)} in the Team measures sheet` } : {}),
    };
  }

  /** The 13-month chart of a team measure, from its monthly series in the workbook. */
  teamChart(code: string): ChartModel {
    const measure = this.teamMeasure(code);
    if (!measure.indicator) {
      this.warn(`${measure.name}: ${this.teamMeasuresFile} names no monthly series, so it has no trend chart`);
      return { kind: 'chart', title: measure.name, monthLabels: [], series: [] };
    }
    return this.chart([measure.indicator], measure.name);
  }

  /** The team names the report's team caseload tables list (each the start of a team's name), in order. */
  private readonly caseloadTeams: Array<{ prefix: string; title: string }> = [];

  /** The month's caseloads, optionally only those from `min` up or in teams starting with `teams`. */
  caseloads(options: { title: string; min?: number; teams?: string; highlightFrom?: number }): CaseloadTableModel {
    const prefix = options.teams?.toLowerCase();
    if (prefix !== undefined) this.caseloadTeams.push({ prefix, title: options.title });
    const rows = this.dataset.caseloads
      .filter((c) => c.month === this.month)
      .filter((c) => options.min === undefined || c.allocations >= options.min)
      .filter((c) => prefix === undefined || c.team.toLowerCase().startsWith(prefix))
      .sort((a, b) => (options.teams === undefined ? 0 : a.team.localeCompare(b.team)) || b.allocations - a.allocations)
      .map((c) => ({
        allocations: c.allocations,
        status: c.qualifyingStatus,
        team: c.team,
        highlight: options.highlightFrom !== undefined && c.allocations >= options.highlightFrom,
      }));
    if (rows.length === 0) this.warn(`${options.title}: no caseloads for ${monthLongLabel(this.month)}`);
    const monthHasNone = !this.dataset.caseloads.some((c) => c.month === this.month);
    const noRows =
      rows.length > 0
        ? undefined
        : monthHasNone
          ? `No caseloads for ${monthLongLabel(this.month)} in the Caseloads sheet`
          : `No caseloads${options.min !== undefined ? ` of ${options.min} or more` : ''}${options.teams !== undefined ? ` in teams starting "${options.teams}"` : ''} for ${monthLongLabel(this.month)}`;
    return {
      kind: 'caseload-table',
      title: options.title,
      ...(options.highlightFrom !== undefined ? { highlightFrom: options.highlightFrom } : {}),
      rows,
      ...(noRows !== undefined ? { noRows } : {}),
    };
  }

  /**
   * Once the report is built: where it has team caseload tables, the month's caseloads of a team none
   * of them lists (a team the template leaves out, or one spelt otherwise: "SWF-West 3") print in no
   * team table, at most in a table of all teams. Said, a warning per team naming a cell.
   */
  checkCaseloadTeams(): void {
    if (this.caseloadTeams.length === 0) return;
    const unlisted = new Map<string, CaseloadRow[]>();
    for (const c of this.dataset.caseloads) {
      if (c.month !== this.month || this.caseloadTeams.some((t) => c.team.toLowerCase().startsWith(t.prefix))) continue;
      unlisted.set(c.team, [...(unlisted.get(c.team) ?? []), c]);
    }
    const tables = this.caseloadTeams.map((t) => `"${t.title}"`).join(', ');
    for (const [team, rows] of unlisted) {
      this.warn(
        `${team}: ${rows.length} caseload(s) for ${monthLongLabel(this.month)} (such as ${cellName(rows[0]?.source) ?? 'its rows'}) in a team none of the team tables lists (${tables}); ` +
          "they print in no team table, only where a table lists every team's (the 20+ caseloads). Correct the team's name, or add a table for it to the template",
        rows[0]?.source,
      );
    }
  }

  commentary(report: string, section: string, kind: CommentaryKind): string | undefined {
    const rows = this.dataset.commentary.filter(
      (c) => c.month === this.month && c.report === report && c.section.toLowerCase() === section.toLowerCase() && c.kind === kind,
    );
    if (rows.length === 0) return undefined;
    return rows.map((r) => r.text).join('\n\n');
  }

  noCommentary(section: string): string {
    const message = `No commentary supplied for ${monthLongLabel(this.month)}`;
    this.warn(`${message} (section "${section}")`);
    return message;
  }
}
