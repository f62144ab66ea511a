import type { CatalogueEntry, IndicatorCatalogue } from '../config/catalogue.js';
import type { Dataset, Figure, IndicatorRow, IndicatorTable, BenchmarkKey, CommentaryKind } from '../dataset/types.js';
import type { SourceRef } from '../findings/finding.js';
import { addMonths, monthLabel, monthLongLabel, type MonthKey } from '../workbook/month.js';
import { formatFigure, numericValue } from './format-figure.js';
import { computeDirection, computeRag, type Direction, type Rag, type Tolerance } from '../model/rag.js';

export const BENCHMARK_KEYS: BenchmarkKey[] = ['southamptonLastYear', 'statisticalNeighbours', 'southEast', 'england'];
const BENCHMARK_DEFAULT_LABELS: Record<BenchmarkKey, string> = {
  southamptonLastYear: "So'ton last year",
  statisticalNeighbours: 'Statistical Neighbours',
  southEast: 'South East',
  england: 'England',
};

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
  benchmarks: string[];
  source?: SourceRef;
}

export interface IndicatorTableModel {
  kind: 'indicator-table';
  months: MonthKey[];
  monthLabels: string[];
  showTarget: boolean;
  benchmarkLabels: string[];
  rows: TableRowModel[];
}

export interface ChartSeries {
  label: string;
  values: Array<number | null>;
  target?: number;
  percent: boolean;
}

export interface ChartModel {
  kind: 'chart';
  title: string;
  monthLabels: string[];
  series: ChartSeries[];
}

export interface TableRequest {
  /** The workbook section (title row) whose table supplies the figures. */
  from?: string;
  ids: string[];
  twoYearsBack: boolean;
  benchmarks: boolean;
  target: boolean;
}

/** The figures, RAG and arrows a report needs, independent of any output format. */
export class ReportFigures {
  readonly warnings: ModelWarning[] = [];
  private readonly warned = new Set<string>();

  constructor(
    readonly dataset: Dataset,
    readonly catalogue: IndicatorCatalogue,
    readonly month: MonthKey,
  ) {}

  private warn(message: string, source?: SourceRef): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.warnings.push(source ? { message, source } : { message });
  }

  private tolerance(entry: CatalogueEntry | undefined, percent: boolean): Tolerance {
    const defaults = this.catalogue.file.defaultTolerance;
    if (entry?.tolerance === undefined) return defaults;
    return percent ? { ...defaults, percentPoints: entry.tolerance } : { ...defaults, percentOfTarget: entry.tolerance };
  }

  /**
   * The workbook row for an indicator: from a table of the named section that covers the report
   * month, else from any table covering it; among equals the table reaching the latest month wins.
   */
  findRow(id: string, section?: string): { row: IndicatorRow; table: IndicatorTable } | undefined {
    const wanted = id.toLowerCase();
    const candidates: Array<{ row: IndicatorRow; table: IndicatorTable; score: number }> = [];
    this.dataset.tables.forEach((table, order) => {
      if (!table.months.includes(this.month)) return;
      const row = table.rows.find((r) => r.id === wanted);
      if (!row) return;
      const sectionMatch = section !== undefined && table.section?.trim().toLowerCase() === section.trim().toLowerCase();
      const lastMonth = table.months[table.months.length - 1] ?? this.month;
      candidates.push({ row, table, score: (sectionMatch ? 1e6 : 0) + Number(lastMonth.replace('-', '')) * 10 - order / 1000 });
    });
    candidates.sort((a, b) => b.score - a.score);
    return candidates[0];
  }

  entry(id: string): CatalogueEntry | undefined {
    return this.catalogue.byId.get(id);
  }

  table(request: TableRequest): IndicatorTableModel {
    const recent = Array.from({ length: 13 }, (_, i) => addMonths(this.month, i - 12));
    const months = request.twoYearsBack ? [addMonths(this.month, -24), ...recent] : recent;
    const rows = request.ids.map((id): TableRowModel => {
      const entry = this.entry(id);
      const found = this.findRow(id, request.from);
      const name = found?.row.name ?? entry?.name ?? id;
      const shortName = entry?.shortName ?? name;
      if (!entry) this.warn(`the template names "${id}", which is not in the indicator catalogue (config/indicators.yaml)`);
      if (!found) {
        this.warn(`${name}: not supplied for ${monthLabel(this.month)}: no table in the workbook has this indicator for that month`);
        return { id, name, shortName, supplied: false, cells: months.map(() => ''), figures: [], target: '', benchmarks: [] };
      }
      const { row } = found;
      const percent = row.percent;
      const display = entry ? { style: entry.format === 'percent' ? ('percent' as const) : entry.format === 'decimal' ? ('decimal' as const) : ('integer' as const), decimals: entry.decimals ?? (entry.format === 'decimal' ? 1 : 0) } : undefined;
      const figures = months.map((m) => row.values[m]);
      const current = numericValue(row.values[this.month]);
      const previous = numericValue(row.values[addMonths(this.month, -1)]);
      const polarity = entry?.polarity ?? 'neutral';
      const rag = computeRag(current, row.target, polarity, percent, this.tolerance(entry, percent));
      const direction = computeDirection(current, previous, polarity);
      return {
        id,
        name: entry?.name ?? row.name,
        shortName,
        supplied: true,
        cells: figures.map((f) => formatFigure(f, display && entry?.decimals !== undefined ? display : undefined)),
        figures,
        target: formatFigure(row.target),
        ...(rag ? { rag } : {}),
        ...(direction ? { direction } : {}),
        benchmarks: request.benchmarks ? BENCHMARK_KEYS.map((k) => formatFigure(row.benchmarks[k]?.figure)) : [],
        source: row.source,
      };
    });
    const labelSource = rows.map((r) => this.findRow(r.id, request.from)?.row).find((r) => r && Object.keys(r.benchmarks).length > 0);
    return {
      kind: 'indicator-table',
      months,
      monthLabels: months.map(monthLabel),
      showTarget: request.target,
      benchmarkLabels: request.benchmarks ? BENCHMARK_KEYS.map((k) => labelSource?.benchmarks[k]?.label ?? BENCHMARK_DEFAULT_LABELS[k]) : [],
      rows,
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
      const target = found.row.target;
      series.push({
        label: entry?.shortName ?? found.row.name,
        values: months.map((m) => numericValue(found.row.values[m]) ?? null),
        ...(target?.kind === 'number' || target?.kind === 'comparison' ? { target: target.value } : {}),
        percent: found.row.percent,
      });
    }
    const first = ids[0] ? this.entry(ids[0]) : undefined;
    return { kind: 'chart', title: title ?? first?.shortName ?? ids.join(', '), monthLabels: months.map(monthLabel), series };
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
