import { costReductionTargetFor, UNDATED_TARGET_YEAR, type FinanceSettings } from '../config/finance.js';
import type { Dataset, Figure, IndicatorRow, PlacementRow, RevenueRow } from '../dataset/types.js';
import { targetFor } from '../dataset/targets.js';
import { formatSource, type SourceRef } from '../findings/finding.js';
import type { Rag } from '../model/rag.js';
import { addMonths, financialYearLabel, financialYearOf, monthLabel, monthLongLabel, type MonthKey } from '../model/month.js';
import { money000, percent1, wholePounds } from './money.js';
import type { ChartModel, ModelWarning, ReportFigures } from './report-figures.js';

/** A cell of a generic grid table: text, or a RAG symbol. */
export type GridCell = string | { rag: Rag };

/**
 * Where a printed figure comes from: the cell it was read from (`value`), or the two cells whose
 * difference it is (`difference`: the first less the second), so every figure can be traced.
 */
export interface Trace {
  column: number;
  op: 'value' | 'difference';
  from: SourceRef[];
}

export interface GridRow {
  cells: GridCell[];
  total?: boolean;
  traces?: Trace[];
}

export interface GridTableModel {
  kind: 'grid-table';
  title: string;
  columns: Array<{ label: string; align: 'left' | 'right' | 'center'; width: number | '*' }>;
  rows: GridRow[];
  note?: string;
}

const value = (column: number, from: SourceRef): Trace => ({ column, op: 'value', from: [from] });
const difference = (column: number, a: SourceRef, b: SourceRef): Trace => ({ column, op: 'difference', from: [a, b] });

/** A change in a variance: "up £330k" or "down £40k". */
function movement(pounds: number): string {
  return pounds < 0 ? `down £${money000(-pounds)}k` : `up £${money000(pounds)}k`;
}

/** A count above (below) budget: below in brackets, like money. */
function signedCount(n: number): string {
  return n < 0 ? `(${-n})` : String(n);
}

/** The financial year (April to March) that a month falls in: its first month. */
export function financialYearStart(month: MonthKey): MonthKey {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${m >= 4 ? y : y - 1}-04` as MonthKey;
}

/** A financial year as the report names it, from any of its months: "2024/25". */
function yearOf(month: MonthKey): string {
  return financialYearLabel(financialYearOf(month));
}

/**
 * The agency staffing target as printed: a number as it stands, a comparison ("≤21") as typed, as the
 * performance report prints it (read as a number only, "≤21" printed "-" and no target, in silence).
 */
function targetText(target: Figure | undefined): string | undefined {
  return target?.kind === 'number' ? String(target.value) : target?.kind === 'comparison' ? target.text : undefined;
}

/** The figures of the finance report for one month; each printed figure keeps its cell. */
export class FinanceFigures {
  constructor(
    readonly dataset: Dataset,
    readonly month: MonthKey,
    readonly settings: FinanceSettings,
    /** The performance figures for the same month, for the placement reconciliation. */
    readonly performance: ReportFigures,
    private readonly warnings: ModelWarning[],
    /** The finance settings file as its warnings name it. */
    private readonly file = 'config/finance.yaml',
  ) {}

  private warn(message: string, source?: SourceRef): void {
    if (this.warnings.some((w) => w.message === message)) return;
    this.warnings.push(source ? { message, source } : { message });
  }

  revenueRows(month: MonthKey = this.month): RevenueRow[] {
    return this.dataset.finance.revenue.filter((r) => r.month === month);
  }

  private rag(variance: number, budget: number): Rag {
    const pct = budget === 0 ? 0 : (variance / budget) * 100;
    if (pct <= this.settings.varianceRag.greenUpTo) return 'green';
    return pct <= this.settings.varianceRag.amberUpTo ? 'amber' : 'red';
  }

  private requireRows<T>(rows: T[], what: string): T[] {
    if (rows.length === 0) this.warn(`no ${what} for ${monthLongLabel(this.month)} in the workbook`);
    return rows;
  }

  /**
   * Whether the month opens a financial year (April): its budget and forecast are the new year's, so
   * there is no movement since the month before, whose forecast was of the year before's budget.
   */
  private get opensYear(): boolean {
    return financialYearStart(this.month) === this.month;
  }

  /** Why the first month of a financial year prints no movement, as the page says it. */
  private newYearNote(): string {
    const before = yearOf(addMonths(this.month, -1));
    return (
      `No movement for ${monthLongLabel(this.month)}: a new financial year, ${yearOf(this.month)}, with its own budget and forecast, ` +
      `which are not compared with ${monthLongLabel(addMonths(this.month, -1))}'s forecast of ${before}.`
    );
  }

  /** The revenue rows of the month before, within the same financial year only (none in April). */
  private previousRevenueRows(): RevenueRow[] {
    return this.opensYear ? [] : this.revenueRows(addMonths(this.month, -1));
  }

  /** Budget, forecast, variance, variance % of budget, movement since last month and RAG by service area. */
  revenue(): GridTableModel {
    const rows = this.requireRows(this.revenueRows(), 'revenue monitoring rows');
    const lastMonth = addMonths(this.month, -1);
    const previous = new Map(this.previousRevenueRows().map((r) => [r.serviceArea, r]));
    // A line in one of the two months only: the Total's movement then compares other lines. Said.
    const now = new Set(rows.map((r) => r.serviceArea));
    for (const [area, r] of previous) {
      if (!now.has(area))
        this.warn(
          `${area}: a revenue line for ${monthLongLabel(lastMonth)} (${r.source.cell ?? ''}) but none for ${monthLongLabel(this.month)}; it is left out of the table and its Total, ` +
            `and the Total's movement since ${monthLongLabel(lastMonth)} compares other lines. Add its ${monthLongLabel(this.month)} row`,
          r.source,
        );
    }
    if (previous.size > 0)
      for (const r of rows)
        if (!previous.has(r.serviceArea))
          this.warn(
            `${r.serviceArea}: no revenue line for ${monthLongLabel(lastMonth)}, so its movement is "-", and the Total's movement since ${monthLongLabel(lastMonth)} compares other lines`,
            r.source,
          );
    const line = (area: string, budget: number, forecast: number, prior: number | undefined, total = false, traces: Trace[] = []): GridRow => {
      const variance = forecast - budget;
      return {
        cells: [
          area,
          money000(budget),
          money000(forecast),
          money000(variance),
          budget === 0 ? '' : percent1(variance / budget),
          prior === undefined ? '-' : money000(variance - prior),
          { rag: this.rag(variance, budget) },
        ] as GridCell[],
        total,
        traces,
      };
    };
    const body = rows.map((r) => {
      const prior = previous.get(r.serviceArea);
      return line(r.serviceArea, r.budget.value, r.forecastOutturn.value, prior ? prior.forecastOutturn.value - prior.budget.value : undefined, false, [
        value(1, r.budget.source),
        value(2, r.forecastOutturn.source),
        difference(3, r.forecastOutturn.source, r.budget.source),
      ]);
    });
    const sum = (list: RevenueRow[], key: 'budget' | 'forecastOutturn'): number => list.reduce((n, r) => n + r[key].value, 0);
    const priorRows = [...previous.values()];
    const total = line(
      'Total',
      sum(rows, 'budget'),
      sum(rows, 'forecastOutturn'),
      priorRows.length > 0 ? sum(priorRows, 'forecastOutturn') - sum(priorRows, 'budget') : undefined,
      true,
    );
    return {
      kind: 'grid-table',
      title: `Revenue position, ${monthLongLabel(this.month)}`,
      columns: [
        { label: 'Service area', align: 'left', width: '*' },
        { label: 'Budget £000', align: 'right', width: 62 },
        { label: 'Forecast outturn £000', align: 'right', width: 62 },
        { label: 'Variance £000', align: 'right', width: 62 },
        { label: 'Variance % of budget', align: 'right', width: 58 },
        { label: `Movement since ${monthLabel(addMonths(this.month, -1))} £000`, align: 'right', width: 70 },
        { label: 'RAG', align: 'center', width: 34 },
      ],
      rows: [...body, total],
      note:
        `RAG: Green up to ${this.settings.varianceRag.greenUpTo}% over budget (or under budget), Amber up to ${this.settings.varianceRag.amberUpTo}%, Red beyond.` +
        (this.opensYear ? ` ${this.newYearNote()}` : ''),
    };
  }

  /** The variances of at least the configured size, largest first, each with its reason. */
  mainVariances(): GridTableModel {
    const rows = this.revenueRows()
      .map((r) => ({ r, variance: r.forecastOutturn.value - r.budget.value }))
      .filter(({ variance }) => Math.abs(variance) >= this.settings.mainVarianceFrom)
      .sort((a, b) => Math.abs(b.variance) - Math.abs(a.variance))
      .map(({ r, variance }) => {
        if (r.commentary.trim() === '') this.warn(`${r.serviceArea}: a variance of £${money000(variance)}k has no reason in the commentary`, r.source);
        return {
          cells: [r.serviceArea, money000(variance), r.commentary.trim() || 'No reason given'] as GridCell[],
          traces: [difference(1, r.forecastOutturn.source, r.budget.source)],
        };
      });
    return {
      kind: 'grid-table',
      title: 'Main variances',
      columns: [
        { label: 'Service area', align: 'left', width: 190 },
        { label: 'Variance £000', align: 'right', width: 62 },
        { label: 'Reason', align: 'left', width: '*' },
      ],
      rows,
      note: `Variances of £${money000(this.settings.mainVarianceFrom)}k or more, either way.`,
    };
  }

  placementRows(month: MonthKey = this.month): PlacementRow[] {
    return this.dataset.finance.placements.filter((p) => p.month === month);
  }

  /** Placements by type, with full-year cost; numbers reconciled with the performance indicators. */
  placements(): GridTableModel {
    const weeks = this.settings.weeksPerYear;
    const rows = this.requireRows(this.placementRows(), 'placement rows');
    for (const p of rows) this.reconcile(p);
    const body = rows.map((p) => ({
      cells: [
        p.placementType,
        String(p.number.value),
        String(p.budgetedNumber.value),
        signedCount(p.number.value - p.budgetedNumber.value),
        wholePounds(p.averageWeeklyCost.value),
        money000(p.number.value * p.averageWeeklyCost.value * weeks),
        money000((p.number.value - p.budgetedNumber.value) * p.averageWeeklyCost.value * weeks),
      ] as GridCell[],
      traces: [
        value(1, p.number.source),
        value(2, p.budgetedNumber.source),
        difference(3, p.number.source, p.budgetedNumber.source),
        value(4, p.averageWeeklyCost.source),
      ],
    }));
    const sum = (f: (p: PlacementRow) => number): number => rows.reduce((n, p) => n + f(p), 0);
    const total = {
      cells: [
        'Total',
        String(sum((p) => p.number.value)),
        String(sum((p) => p.budgetedNumber.value)),
        signedCount(sum((p) => p.number.value - p.budgetedNumber.value)),
        '',
        money000(sum((p) => p.number.value * p.averageWeeklyCost.value * weeks)),
        money000(sum((p) => (p.number.value - p.budgetedNumber.value) * p.averageWeeklyCost.value * weeks)),
      ] as GridCell[],
      total: true,
    };
    return {
      kind: 'grid-table',
      title: `Placements, ${monthLongLabel(this.month)}`,
      columns: [
        { label: 'Placement type', align: 'left', width: '*' },
        { label: 'Number', align: 'right', width: 50 },
        { label: 'Budgeted number', align: 'right', width: 56 },
        { label: 'Above (below) budget', align: 'right', width: 54 },
        { label: 'Average weekly cost', align: 'right', width: 60 },
        { label: 'Forecast full-year cost £000', align: 'right', width: 72 },
        { label: 'Cost of placements above budget £000', align: 'right', width: 80 },
      ],
      rows: [...body, total],
      note: `Full-year cost: number x average weekly cost x ${weeks} weeks. Numbers are checked against the performance indicators for ${monthLongLabel(this.month)}.`,
    };
  }

  /** A placement number that differs from the performance figure for the same month is a warning naming both cells. */
  private reconcile(p: PlacementRow): void {
    const indicatorId = Object.hasOwn(this.settings.placementIndicators, p.placementType) ? this.settings.placementIndicators[p.placementType] : undefined;
    if (!indicatorId) {
      this.warn(`"${p.placementType}" has no performance indicator to check it against (${this.file}, placementIndicators)`, p.number.source);
      return;
    }
    const found = this.performance.findRow(indicatorId);
    const figure = found?.row.values[this.month];
    if (figure?.kind !== 'number') {
      this.warn(`${p.placementType}: no performance figure for ${monthLongLabel(this.month)} to check the placement number against`, p.number.source);
      return;
    }
    if (figure.value !== p.number.value) {
      this.warn(
        `${p.placementType}: ${p.number.value} placements in ${formatSource(p.number.source)} but ${figure.value} in ` +
          `${formatSource(figure.source)} (${found?.row.name}, ${monthLabel(this.month)}); expected the same number`,
        p.number.source,
      );
    }
  }

  /**
   * Agency staffing for each month of the financial year so far: the number of agency staff and its
   * target (the performance indicator, where configured), then budget, forecast and variance.
   */
  agency(): GridTableModel {
    const months: MonthKey[] = [];
    for (let m = financialYearStart(this.month); m <= this.month; m = addMonths(m, 1)) months.push(m);
    const indicator = this.agencyRow();
    const rows = months.flatMap((m) => {
      const r = this.revenueRows(m).find((x) => sameArea(x.serviceArea, this.settings.agencyServiceArea));
      if (!r) return [];
      const staff = indicator?.values[m];
      const target = indicator ? targetFor(indicator, m) : undefined;
      const counted = indicator ? 2 : 0;
      return [
        {
          cells: [
            monthLongLabel(m),
            ...(indicator ? [staff?.kind === 'number' ? String(staff.value) : '-', targetText(target) ?? '-'] : []),
            money000(r.budget.value),
            money000(r.forecastOutturn.value),
            money000(r.forecastOutturn.value - r.budget.value),
          ] as GridCell[],
          traces: [
            ...(staff?.kind === 'number' ? [value(1, staff.source)] : []),
            ...(targetText(target) !== undefined && target ? [value(2, target.source)] : []),
            value(1 + counted, r.budget.source),
            value(2 + counted, r.forecastOutturn.source),
            difference(3 + counted, r.forecastOutturn.source, r.budget.source),
          ],
        },
      ];
    });
    if (rows.length === 0) this.warn(`no "${this.settings.agencyServiceArea}" line in the revenue monitoring for ${monthLongLabel(this.month)}`);
    return {
      kind: 'grid-table',
      title: indicator ? 'Agency staff and spend against budget' : 'Agency staffing spend against budget',
      columns: [
        { label: 'Month', align: 'left', width: 110 },
        ...(indicator
          ? [
              { label: 'Agency staff', align: 'right' as const, width: 60 },
              { label: 'Target', align: 'right' as const, width: 50 },
            ]
          : []),
        { label: 'Budget £000', align: 'right', width: 70 },
        { label: 'Forecast outturn £000', align: 'right', width: 80 },
        { label: 'Variance £000', align: 'right', width: 70 },
      ],
      rows,
      ...(indicator ? { note: `Agency staff: ${indicator.name}, as the performance report prints it.` } : {}),
    };
  }

  /** Cost reduction plans: target, forecast delivery, gap and RAG, and the total against the target. */
  costReduction(): GridTableModel {
    const plans = this.requireRows(
      this.dataset.finance.costReduction.filter((c) => c.month === this.month),
      'cost reduction plans',
    );
    const body = plans.map((c) => ({
      cells: [
        c.proposal,
        c.owner,
        money000(c.target.value),
        money000(c.forecastDelivery.value),
        money000(c.target.value - c.forecastDelivery.value),
        { rag: c.rag.toLowerCase() as Rag },
        c.commentary,
      ] as GridCell[],
      traces: [value(2, c.target.source), value(3, c.forecastDelivery.source), difference(4, c.target.source, c.forecastDelivery.source)],
    }));
    const target = plans.reduce((n, c) => n + c.target.value, 0);
    const forecast = plans.reduce((n, c) => n + c.forecastDelivery.value, 0);
    const goal = plans.length > 0 ? this.costReductionGoal() : undefined;
    if (goal !== undefined && target !== goal) {
      this.warn(`the cost reduction plans' targets add up to £${money000(target)}k, not the £${money000(goal)}k target (${this.file})`);
    }
    // Without a target for the year, the total is rated against the plans' own targets.
    const against = goal ?? target;
    const ragOfTotal: Rag = forecast >= against ? 'green' : forecast >= against * 0.9 ? 'amber' : 'red';
    return {
      kind: 'grid-table',
      title: 'Cost reduction plans',
      columns: [
        { label: 'Proposal', align: 'left', width: 160 },
        { label: 'Owner', align: 'left', width: 120 },
        { label: 'Target £000', align: 'right', width: 48 },
        { label: 'Forecast delivery £000', align: 'right', width: 56 },
        { label: 'Gap £000', align: 'right', width: 44 },
        { label: 'RAG', align: 'center', width: 30 },
        { label: 'Commentary', align: 'left', width: '*' },
      ],
      // One total row; a second only where the plans' targets do not add up to the configured target.
      rows: [
        ...body,
        { cells: ['Total', '', money000(target), money000(forecast), money000(target - forecast), { rag: ragOfTotal }, ''], total: true },
        ...(goal === undefined || target === goal
          ? []
          : [
              {
                cells: [`Against the £${money000(goal)}k target`, '', money000(goal), money000(forecast), money000(goal - forecast), { rag: ragOfTotal }, ''],
                total: true,
              },
            ]),
      ],
      note:
        'Gap: target less forecast delivery; a shortfall is positive, over-delivery in brackets. The total is Green when the forecast meets the target, Amber within 10% of it, Red beyond.' +
        (plans.length > 0 && goal === undefined
          ? ` No overall cost reduction target is set for ${yearOf(this.month)}: the total is rated against the plans' own targets.`
          : ''),
    };
  }

  /**
   * The cost reduction target of the month's financial year (config/finance.yaml, costReductionTarget),
   * if it gives one. A target set for one year is never printed against another year's plans: without
   * one for this year, a warning says so and how to give it.
   */
  private costReductionGoal(): number | undefined {
    const year = yearOf(this.month);
    const goal = costReductionTargetFor(this.settings, year);
    if (goal !== undefined) return goal;
    const configured = this.settings.costReductionTarget;
    const given =
      typeof configured === 'number'
        ? { text: `${configured} has no financial year, so it is read as ${UNDATED_TARGET_YEAR}'s`, years: { [UNDATED_TARGET_YEAR]: configured } }
        : { text: `gives targets for ${Object.keys(configured).join(', ') || 'no year'} only`, years: configured };
    const advice = [...Object.entries(given.years).map(([y, n]) => `"${y}": ${n}`), `"${year}": <pounds>`].join(', ');
    this.warn(
      `${this.file}: costReductionTarget ${given.text}, not ${year}'s: no target is printed for ${monthLongLabel(this.month)} ` +
        `and the cost reduction plans are rated against their own targets. If ${year} has one, give it in pounds: costReductionTarget: { ${advice} }`,
    );
    return undefined;
  }

  /** The revenue line of the placement types (config/finance.yaml, placementsServiceArea) for the month, if configured and present. */
  private placementsLine(): RevenueRow | undefined {
    const area = this.settings.placementsServiceArea;
    if (area === undefined) return undefined;
    const line = this.revenueRows().find((r) => sameArea(r.serviceArea, area));
    if (!line)
      this.warn(
        `no "${area}" line in the revenue monitoring for ${monthLongLabel(this.month)} to reconcile the placements with (${this.file}, placementsServiceArea)`,
      );
    return line;
  }

  /**
   * The placements table against the revenue position: the placement types' full-year cost, the
   * placements line's forecast outturn, and the difference between them, which is the part of that
   * forecast the placement types do not account for. All three from the workbook's figures.
   */
  placementReconciliation(): GridTableModel | undefined {
    const line = this.placementsLine();
    if (!line) return undefined;
    const weeks = this.settings.weeksPerYear;
    const cost = this.placementRows().reduce((n, p) => n + p.number.value * p.averageWeeklyCost.value * weeks, 0);
    const forecast = line.forecastOutturn.value;
    return {
      kind: 'grid-table',
      title: `Placements and the revenue position, ${monthLongLabel(this.month)}`,
      columns: [
        { label: 'Reconciliation', align: 'left', width: '*' },
        { label: '£000', align: 'right', width: 72 },
      ],
      rows: [
        { cells: ['Forecast full-year cost of the placement types above', money000(cost)] },
        { cells: [`${line.serviceArea}: forecast outturn (revenue position)`, money000(forecast)], traces: [value(1, line.forecastOutturn.source)] },
        {
          cells: [`Costs in the ${line.serviceArea} forecast outside the placement types above`, money000(forecast - cost)],
          total: true,
        },
      ],
      note:
        `The placement types' cost is this month's numbers at their average weekly cost for ${weeks} weeks; the forecast outturn is the ` +
        "service's forecast for the whole year. The difference is what the placement types listed do not account for.",
    };
  }

  /** The agency headcount indicator's row (config/finance.yaml, agencyIndicator), as the performance report prints it. */
  private agencyRow(): IndicatorRow | undefined {
    const id = this.settings.agencyIndicator;
    if (id === undefined) return undefined;
    const found = this.performance.findRow(id);
    if (!found) this.warn(`the agency headcount indicator "${id}" (${this.file}, agencyIndicator) is not in the workbook for ${monthLongLabel(this.month)}`);
    return found?.row;
  }

  /** Agency staff against their target, the chart the performance report draws for the same indicator. */
  agencyChart(): ChartModel | undefined {
    const id = this.settings.agencyIndicator;
    return id !== undefined && this.agencyRow() ? this.performance.chart([id], undefined) : undefined;
  }

  /**
   * The headline: the forecast against budget, the largest adverse variances, the cost reduction
   * plans at red, placements and agency staff; every figure from the workbook, as the tables print it.
   */
  summary(): Array<{ level: number; runs: Array<{ text: string; bold?: boolean }> }> {
    const rows = this.revenueRows();
    const budget = rows.reduce((n, r) => n + r.budget.value, 0);
    const forecast = rows.reduce((n, r) => n + r.forecastOutturn.value, 0);
    const previous = this.previousRevenueRows();
    const priorVariance = previous.reduce((n, r) => n + r.forecastOutturn.value - r.budget.value, 0);
    const over = (pounds: number): string => (pounds < 0 ? `£${money000(-pounds)}k under budget` : `£${money000(pounds)}k over budget`);
    const items: Array<{ level: number; runs: Array<{ text: string; bold?: boolean }> }> = [];
    if (rows.length > 0) {
      items.push({
        level: 1,
        runs: [
          { text: 'Forecast: ', bold: true },
          {
            text:
              `£${money000(forecast)}k against a budget of £${money000(budget)}k, ${over(forecast - budget)} (${percent1(budget === 0 ? 0 : (forecast - budget) / budget)})` +
              (previous.length > 0
                ? `; ${movement(forecast - budget - priorVariance)} since ${monthLongLabel(addMonths(this.month, -1))}.`
                : this.opensYear
                  ? `. ${this.newYearNote()}`
                  : '.'),
          },
        ],
      });
    }
    const adverse = rows
      .map((r) => ({ r, variance: r.forecastOutturn.value - r.budget.value }))
      .filter(({ variance }) => variance > 0 && variance >= this.settings.mainVarianceFrom)
      .sort((a, b) => b.variance - a.variance)
      .slice(0, 3);
    if (adverse.length > 0) {
      items.push({
        level: 1,
        runs: [
          { text: 'Largest overspends: ', bold: true },
          { text: adverse.map(({ r, variance }) => `${r.serviceArea} £${money000(variance)}k`).join('; ') + '.' },
        ],
      });
    }
    const plans = this.dataset.finance.costReduction.filter((c) => c.month === this.month);
    if (plans.length > 0) {
      const delivery = plans.reduce((n, c) => n + c.forecastDelivery.value, 0);
      const goal = this.costReductionGoal();
      const planned = plans.reduce((n, c) => n + c.target.value, 0);
      const against = goal ?? planned;
      const red = plans.filter((c) => c.rag.toLowerCase() === 'red');
      items.push({
        level: 1,
        runs: [
          { text: 'Cost reduction: ', bold: true },
          {
            text:
              (goal !== undefined
                ? `£${money000(delivery)}k forecast against the £${money000(goal)}k target`
                : `£${money000(delivery)}k forecast against the plans' targets of £${money000(planned)}k (no overall target is set for ${yearOf(this.month)})`) +
              (against - delivery > 0 ? `, a shortfall of £${money000(against - delivery)}k` : '') +
              (red.length > 0
                ? `; at red: ${red.map((c) => `${c.proposal} (£${money000(c.target.value - c.forecastDelivery.value)}k short)`).join('; ')}.`
                : '; no plan at red.'),
          },
        ],
      });
    }
    const placements = this.placementRows();
    if (placements.length > 0) {
      const number = placements.reduce((n, p) => n + p.number.value, 0);
      const budgeted = placements.reduce((n, p) => n + p.budgetedNumber.value, 0);
      items.push({
        level: 1,
        runs: [
          { text: 'Placements: ', bold: true },
          {
            text: `${number} in the placement types against ${budgeted} budgeted (${Math.abs(number - budgeted)} ${number >= budgeted ? 'above' : 'below'} budget).`,
          },
        ],
      });
    }
    const agency = this.agencyRow();
    const headcount = agency?.values[this.month];
    const target = agency ? targetFor(agency, this.month) : undefined;
    if (headcount?.kind === 'number') {
      items.push({
        level: 1,
        runs: [
          { text: 'Agency staff: ', bold: true },
          {
            text: `${headcount.value}${targetText(target) !== undefined ? ` against a target of ${targetText(target)}` : ''} (${agency?.name}, ${monthLabel(this.month)}).`,
          },
        ],
      });
    }
    return items;
  }

  /** The total forecast variance for each month of the financial year so far, April to March. */
  varianceChart(): ChartModel {
    const start = financialYearStart(this.month);
    const months = Array.from({ length: 12 }, (_, i) => addMonths(start, i));
    const values = months.map((m) => {
      if (m > this.month) return null;
      const rows = this.revenueRows(m);
      return rows.length === 0 ? null : rows.reduce((n, r) => n + r.forecastOutturn.value - r.budget.value, 0) / 1000;
    });
    return {
      kind: 'chart',
      type: 'bar',
      yFormat: 'money',
      title: `Forecast variance by month, ${yearOf(start)} (£000)`,
      monthLabels: months.map(monthLabel),
      series: [{ label: 'Forecast variance £000 (overspend positive)', values, percent: false }],
    };
  }

  /** Placements by type: the month's number against the budgeted number. */
  placementsChart(): ChartModel {
    const rows = this.placementRows();
    return {
      kind: 'chart',
      type: 'bar',
      yFormat: 'number',
      title: `Placements by type, ${monthLongLabel(this.month)}`,
      monthLabels: rows.map((p) => p.placementType.replace(/ \(.*\)$/, '').replace(/ \/.*$/, '')),
      series: [
        { label: 'Number', values: rows.map((p) => p.number.value), percent: false },
        { label: 'Budgeted number', values: rows.map((p) => p.budgetedNumber.value), percent: false },
      ],
    };
  }
}

/** A service area as config/finance.yaml names it and as the workbook spells it: the same whatever the case. */
function sameArea(a: string, b: string | undefined): boolean {
  return b !== undefined && a.toLowerCase() === b.trim().toLowerCase();
}
