import type { BreakdownRow, Dataset } from '../dataset/types.js';
import type { SourceRef } from '../findings/finding.js';
import type { ComparisonOp } from '../model/rag.js';
import { monthLongLabel, type MonthKey } from '../model/month.js';
import { formatNumber } from './format-figure.js';
import type { ChartModel, ChartType } from './report-figures.js';
import { teamPercent } from './report-figures.js';
import { printNumber } from './round.js';
import { cellName, type FigureRef } from './figure-ref.js';
import { TemplateError } from '../findings/errors.js';
import { PROPORTION_SUM_TOLERANCE } from '../workbook/read-breakdowns.js';

/** What a breakdown figure prints: its value, what a count is out of, or the % worked out from the two. */
export type BreakdownShow = 'value' | 'out-of' | 'percent';

/** A figure as a sentence or a figures table prints it. */
export interface PrintedBreakdownFigure {
  text: string;
  refs: FigureRef[];
}

/** A cell of a chart's figures table: its text and the figures it shows (a % and the two counts it is worked out from). */
export interface FiguresCell {
  text: string;
  refs: FigureRef[];
}

/**
 * A chart of breakdown figures with its figures printed beside it, so the page is complete whatever
 * draws the chart (and a doughnut's proportions never rest on colour alone).
 */
export interface BreakdownChartModel {
  kind: 'breakdown-chart';
  chart: ChartModel;
  /** The figures table's column headings: the categories' heading, then one per series (and the share of the total). */
  columns: string[];
  rows: Array<{ label: string; cells: FiguresCell[]; total?: boolean }>;
}

export const CHART_TYPES: ChartType[] = ['line', 'bar', 'horizontal-bar', 'grouped-bar', 'stacked-bar', 'doughnut'];

export interface BreakdownSeriesRequest {
  measure: string;
  show: BreakdownShow;
  label?: string;
}

export interface BreakdownChartRequest {
  series: BreakdownSeriesRequest[];
  type: ChartType;
  title: string;
  /** Only these categories, in this order (else every category of the first series, in the sheet's order). */
  categories?: string[];
  /** The heading of the categories' column ("Source"). */
  categoryHeading?: string;
  /** Add each category's share of the series' total, and a Total row (a single series of counts). */
  share?: boolean;
  /** The figure the Total must equal (the month's referrals into statutory services): a run warning names both where they differ. */
  /** The indicator the categories should add up to; `typed` is its cell's text where it holds no number ("<300", "TBC"). */
  totalOf?: { name: string; value: number | undefined; typed?: { text: string; comparison?: { op: ComparisonOp; value: number } }; source?: SourceRef };
}

const NOT_SUPPLIED = 'not supplied';

/** "referral-source:percent" → the measure and what to show of it. */
export function parseSeries(spec: string): BreakdownSeriesRequest {
  const [measure = '', show = 'value'] = spec.split(':');
  if (show !== 'value' && show !== 'out-of' && show !== 'percent') {
    throw new TemplateError(
      `{{breakdownChart "${spec}"}}: "${show}" is not something a series can show; expected "${measure}", "${measure}:percent" or "${measure}:out-of"`,
    );
  }
  return { measure: measure.trim().toLowerCase(), show };
}

/**
 * The Breakdowns sheet's figures for one report month: figures by category (referral sources, the
 * ethnicity of hub users, staff diversity, pay gaps). A measure prints the rows of the report month
 * only: a month without them prints "not supplied" with a run warning, never another month's figures.
 * Every printed figure keeps its cell; a percentage of a count is worked out from it and what it is out
 * of (one decimal place, half up, as the team tables), never typed twice.
 */
export class BreakdownFigures {
  constructor(
    private readonly dataset: Dataset,
    readonly month: MonthKey,
    private readonly warn: (message: string, source?: SourceRef) => void,
  ) {}

  /** The report month's rows of a measure, in the sheet's order; none is a run warning. */
  rows(measure: string): BreakdownRow[] {
    const code = measure.trim().toLowerCase();
    const rows = this.dataset.breakdowns.filter((r) => r.measure === code && r.month === this.month);
    if (rows.length === 0) {
      const months = [...new Set(this.dataset.breakdowns.filter((r) => r.measure === code).map((r) => r.month))].sort();
      const latest = months[months.length - 1];
      this.warn(
        `${code}: not supplied for ${monthLongLabel(this.month)}: the Breakdowns sheet has no rows of this measure for that month` +
          (latest ? ` (its latest are for ${monthLongLabel(latest)})` : ''),
      );
    }
    return rows;
  }

  private row(measure: string, category: string): BreakdownRow | undefined {
    const rows = this.rows(measure);
    if (rows.length === 0) return undefined;
    const wanted = category.trim().toLowerCase();
    const row = rows.find((r) => r.category.toLowerCase() === wanted);
    if (!row) {
      this.warn(
        `${measure}: no category "${category}" for ${monthLongLabel(this.month)} in the Breakdowns sheet (it has ${rows.map((r) => `"${r.category}"`).join(', ')}), so it prints "${NOT_SUPPLIED}"`,
        rows[0]?.source,
      );
    }
    return row;
  }

  /** The month the rows are for, "October 2023" (the report month: no other month's rows are printed). */
  monthText(measure: string): string {
    this.rows(measure);
    return monthLongLabel(this.month);
  }

  /**
   * The period a measure's figures cover ("2023"), of one category or of its first row. A measure whose
   * rows cover more than one period is a run warning: "Gender Pay Gap 2023" headed the ethnicity pay gap's
   * 2022 figures, published a year later, without a word.
   */
  period(measure: string, category?: string): string {
    if (category !== undefined) return this.row(measure, category)?.period ?? '';
    const rows = this.rows(measure);
    const periods = [...new Set(rows.map((r) => r.period))];
    const first = rows[0];
    if (first && periods.length > 1) {
      const of = (period: string): string =>
        `${period || '(no period)'}: ${rows
          .filter((r) => r.period === period)
          .map((r) => r.category)
          .join(', ')}`;
      this.warn(
        `${first.measure}: its rows for ${monthLongLabel(this.month)} cover ${periods.length} periods (${periods.map(of).join('; ')}), ` +
          `but the template prints one period for them all, its first row's (${first.period || 'none'}); expected one period a month for the measure, ` +
          `or the template to print each category's period`,
        first.source,
      );
    }
    return first?.period ?? '';
  }

  private ref(row: BreakdownRow, show: BreakdownShow | 'share', text: string): FigureRef {
    const suffix = { value: '', 'out-of': ' (out of)', percent: ' (%)', share: ' (% of total)' }[show];
    const name = `${row.measure}${row.period ? ` ${row.period}` : ''}: ${row.category}${suffix}`;
    const source = show === 'out-of' ? row.outOf?.source : show === 'value' ? row.value.source : undefined;
    return { indicator: name, name, month: row.month, text, ...(source ? { source } : {}) };
  }

  /** A row's figure as printed, with the figures it rests on; counts print without thousands separators unless `grouping`. */
  private show(row: BreakdownRow, show: BreakdownShow, grouping = false): PrintedBreakdownFigure | undefined {
    const count = (n: number): string => printNumber(n, { decimals: 0, grouping });
    if (show === 'value') {
      const text = row.unit === 'count' ? count(row.value.value) : formatNumber(row.value.value, row.value.format);
      return { text, refs: [this.ref(row, 'value', text)] };
    }
    if (!row.outOf) {
      if (show === 'percent' && row.unit !== 'count') return this.show(row, 'value');
      this.warn(
        `${row.measure}, ${row.category}: the template prints what it is out of${show === 'percent' ? ' (to work out its %)' : ''}, but its "Out of" cell is blank`,
        row.source,
      );
      return undefined;
    }
    const outOf = count(row.outOf.value);
    if (show === 'out-of') return { text: outOf, refs: [this.ref(row, 'out-of', outOf)] };
    const pct = teamPercent(row.value.value, row.outOf.value).text;
    return { text: pct, refs: [this.ref(row, 'percent', pct), this.ref(row, 'value', count(row.value.value)), this.ref(row, 'out-of', outOf)] };
  }

  /** One figure for a sentence: {{breakdownFigure "family-hubs" "Attendances"}}. */
  figure(measure: string, category: string, show: BreakdownShow, grouping = false): PrintedBreakdownFigure {
    const row = this.row(measure, category);
    return (row && this.show(row, show, grouping)) ?? { text: NOT_SUPPLIED, refs: [] };
  }

  /** The numeric value a series draws for a row (a fraction for a percentage). */
  private chartValue(row: BreakdownRow, show: BreakdownShow): number | null {
    if (show === 'value' || (show === 'percent' && row.unit !== 'count')) return row.value.value;
    if (!row.outOf) return null;
    if (show === 'out-of') return row.outOf.value;
    return row.outOf.value === 0 ? null : row.value.value / row.outOf.value;
  }

  /**
   * A doughnut draws its percentages as the parts of a whole: they must add up to about 100%, as a
   * measure typed Proportion must in the sheet. Typed Percentage (or in a blank Type, by the cell's %
   * format), "80% are White Other" typed for 8% was printed and drawn beside shares adding up to 172%,
   * without a word. A warning naming the cells (Proportion rows are checked, as errors, where they are read).
   */
  private checkWhole(
    series: Array<{ measure: string; show: BreakdownShow; rows: BreakdownRow[] }>,
    categories: string[],
    find: (rows: BreakdownRow[], category: string) => BreakdownRow | undefined,
    title: string,
  ): void {
    for (const s of series) {
      const drawn = categories.flatMap((c) => find(s.rows, c) ?? []);
      if (drawn.length === 0 || drawn.every((r) => r.unit === 'proportion')) continue;
      const values = drawn.map((r) => this.chartValue(r, s.show));
      if (values.some((v) => v === null)) continue;
      const sum = values.reduce((n: number, v) => n + (v ?? 0), 0);
      if (Math.abs(sum - 1) <= PROPORTION_SUM_TOLERANCE + 1e-9) continue;
      const percent = (n: number): string => printNumber(n * 100, { decimals: 1, minDecimals: 0 });
      this.warn(
        `${s.measure}: the chart "${title}" draws its figures for ${monthLongLabel(this.month)} as the parts of a whole, but they add up to ${percent(sum)}% ` +
          `(${drawn.map((r) => r.value.source.cell ?? r.category).join(', ')}); expected about 100% (${percent(1 - PROPORTION_SUM_TOLERANCE)}% to ${percent(1 + PROPORTION_SUM_TOLERANCE)}%): ` +
          'a category is missing, or a figure is mistyped',
        drawn[0]?.value.source,
      );
    }
  }

  /** A chart and its figures table: a row per category, a column per series. */
  chart(request: BreakdownChartRequest): BreakdownChartModel {
    const series = request.series.map((s) => ({ ...s, rows: this.rows(s.measure) }));
    const percentOf = (s: (typeof series)[number]): boolean => s.show === 'percent' || (s.show === 'value' && s.rows.some((r) => r.unit !== 'count'));
    if (new Set(series.map(percentOf)).size > 1) {
      throw new TemplateError(
        `{{breakdownChart ${request.series.map((s) => `"${s.measure}"`).join(' ')}}}: the series mix counts and percentages, which need two axes; chart them separately`,
      );
    }
    const percent = series.some(percentOf);
    const categories = request.categories ?? [...new Map(series.flatMap((s) => s.rows.map((r) => [r.category.toLowerCase(), r.category] as const))).values()];
    const find = (rows: BreakdownRow[], category: string): BreakdownRow | undefined => rows.find((r) => r.category.toLowerCase() === category.toLowerCase());
    for (const s of series) {
      for (const category of categories) {
        if (s.rows.length > 0 && !find(s.rows, category))
          this.warn(`${s.measure}: no category "${category}" for ${monthLongLabel(this.month)} in the Breakdowns sheet`);
      }
    }
    const supplied = series.filter((s) => s.rows.length > 0);
    const chart: ChartModel = {
      kind: 'chart',
      type: request.type,
      yFormat: percent ? 'percent' : 'number',
      title: request.title,
      monthLabels: categories,
      series: supplied.map((s) => ({
        label: s.label ?? request.title,
        values: categories.map((c) => {
          const row = find(s.rows, c);
          return row ? this.chartValue(row, s.show) : null;
        }),
        percent,
      })),
    };
    if (request.type === 'doughnut' && percent) this.checkWhole(supplied, categories, find, request.title);
    const share = request.share === true && supplied.length === 1 && !percent;
    const columns = [request.categoryHeading ?? 'Category', ...supplied.map((s) => s.label ?? request.title), ...(share ? ['% of total'] : [])];
    const cell = (s: (typeof supplied)[number], category: string): FiguresCell => {
      const row = find(s.rows, category);
      const shown = row ? this.show(row, s.show) : undefined;
      if (!row || !shown) return { text: '-', refs: [] };
      // A % worked out from a count prints the count and what it is out of beside it.
      return s.show === 'percent' && row.outOf ? { text: `${shown.text} (${row.value.value} of ${row.outOf.value})`, refs: shown.refs } : shown;
    };
    const rows: BreakdownChartModel['rows'] = categories.map((category) => ({ label: category, cells: supplied.map((s) => cell(s, category)) }));
    const only = supplied[0];
    if (share && only) {
      // Each category's share of the categories shown, and their total: worked out, never typed.
      const shown = categories.flatMap((c) => find(only.rows, c) ?? []);
      const total = shown.reduce((n, r) => n + r.value.value, 0);
      rows.forEach((row) => {
        const source = find(only.rows, row.label);
        const text = source ? teamPercent(source.value.value, total).text : '-';
        row.cells.push({ text, refs: source ? [this.ref(source, 'share', text)] : [] });
      });
      const name = `${only.measure}${shown[0]?.period ? ` ${shown[0].period}` : ''}: total`;
      const expected = request.totalOf;
      if (expected && expected.value !== total) {
        const where = `${monthLongLabel(this.month)}${expected.source ? ` (${cellName(expected.source) ?? ''})` : ''}`;
        const typed = expected.typed;
        const c = typed?.comparison;
        const allowed = c ? compare(total, c.op, c.value) : undefined;
        this.warn(
          typed && allowed === true
            ? `${only.measure}: the categories add up to ${total}, and "${expected.name}" is "${typed.text}" for ${where}, a comparison, not a figure, ` +
                `so the categories cannot be checked against it (${total} is ${c?.op} ${c?.value}), and the breakdown prints their total, ${total}, which "${typed.text}" does not say: ` +
                `if "${typed.text}" is there to withhold the figure, delete ${monthLongLabel(this.month)}'s ${only.measure} rows from the ${shown[0]?.source.sheet ?? 'Breakdowns'} sheet too; ` +
                'if not, type the figure there to have them checked'
            : typed && allowed === false
              ? `${only.measure}: the categories add up to ${total}, but "${expected.name}" is "${typed.text}" for ${where}, which ${total} is not; a category is missing or a figure is mistyped`
              : typed
                ? `${only.measure}: the categories add up to ${total}, and "${expected.name}" has no figure for ${where}, only "${typed.text}", ` +
                  'so the categories cannot be checked against it; type the figure there to have them checked'
                : `${only.measure}: the categories add up to ${total}, but "${expected.name}" is ${expected.value ?? 'not supplied'} for ${where}; a category is missing or a figure is mistyped`,
          shown[0]?.source,
        );
      }
      rows.push({
        label: 'Total',
        total: true,
        cells: [
          { text: String(total), refs: [{ indicator: name, name, month: this.month, text: String(total) }] },
          { text: total > 0 ? '100%' : '-', refs: [] },
        ],
      });
    }
    return { kind: 'breakdown-chart', chart, columns, rows };
  }
}

function compare(value: number, op: ComparisonOp, bound: number): boolean {
  return op === '<' ? value < bound : op === '<=' ? value <= bound : op === '>' ? value > bound : value >= bound;
}
