import { randomBytes } from 'node:crypto';
import Handlebars from 'handlebars';
import type { CommentaryKind } from '../../dataset/types.js';
import { addMonths, monthLongLabel, type MonthKey } from '../../model/month.js';
import type { ChartModel, ReportFigures } from '../report-figures.js';
import type { FinanceFigures, GridTableModel } from '../finance-model.js';
import { MONEY_KEY } from '../money.js';
import { B4BError } from '../../findings/finding.js';
import { TemplateError } from '../../findings/errors.js';

import { keyEntries, parseTemplateText, textBlocks, type Block, type InlineFigure } from './blocks.js';
import { BreakdownFigures, CHART_TYPES, parseSeries, type BreakdownChartRequest } from '../breakdown-figures.js';

export interface TemplateContext {
  month: MonthKey;
  /** The report's name in the commentary sheet ("performance"). */
  report: string;
  service: string;
}

type HashOptions = Handlebars.HelperOptions & { hash: Record<string, unknown> };

/**
 * The rows of an indicatorTable block: one indicator id a line, `# ` starting a comment, and
 * `id from "Section"` for a row whose figures come from another workbook table than the block's.
 */
function rowsFrom(body: string): { ids: string[]; rowSections: Record<string, string> } {
  const ids: string[] = [];
  const rowSections: Record<string, string> = {};
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const own = /^(\S+)\s+from\s+"([^"]+)"$/.exec(line);
    const id = own?.[1] ?? line;
    ids.push(id);
    if (own?.[2]) rowSections[id] = own[2];
  }
  return { ids, rowSections };
}

/**
 * Renders a report template: Handlebars produces text (never pdfmake JSON), and its helpers leave
 * markers that stand for tables, charts, the cover and the contents. Workbook text (commentary)
 * is inserted as data, never compiled. Returns the report as blocks.
 */
export function renderTemplate(source: string, figures: ReportFigures, context: TemplateContext, finance?: FinanceFigures): Block[] {
  const hb = Handlebars.create();
  const nonce = randomBytes(6).toString('hex');
  const markers = new Map<string, Block | Block[]>();
  const mark = (block: Block | Block[]): string => {
    const key = `@@block-${nonce}-${markers.size}@@`;
    markers.set(key, block);
    return `\n${key}\n`;
  };

  // The cover: title, the month of the meeting (the month after the data), what the data is, the service.
  hb.registerHelper('cover', (options: HashOptions) =>
    mark({
      kind: 'cover',
      title: String(options.hash.title ?? ''),
      lines: [
        monthLongLabel(addMonths(context.month, 1)),
        `${typeof options.hash.subtitle === 'string' ? options.hash.subtitle : 'Performance to the end of'} ${monthLongLabel(context.month)}`,
        context.service,
      ],
    }),
  );
  // A figure inside a line of text: a marker the runs are made from, so workbook text is never read as markup.
  const inline = new Map<string, InlineFigure>();
  const inlineMark = (figure: InlineFigure): string => {
    const key = `@@figure-${nonce}-${inline.size}@@`;
    inline.set(key, figure);
    return key;
  };

  hb.registerHelper('contents', () => mark({ kind: 'contents' }));
  // The key's wording is the template's: {{#key}} one "Term: what it means" line each {{/key}}.
  hb.registerHelper('key', function (this: unknown, options: HashOptions) {
    if (typeof options.fn !== 'function') {
      throw new TemplateError(
        '{{key}} needs its wording: {{#key}}, one "Term: what it means" line each (RAG, Direction of travel, Trend, -), then {{/key}}; ' +
          "the package's templates/performance.hbs has the council's wording to copy",
      );
    }
    try {
      return mark({ kind: 'key', entries: keyEntries(options.fn(this)) });
    } catch (cause) {
      throw new TemplateError(`the template cannot be used: ${(cause as Error).message}`);
    }
  });
  hb.registerHelper('indicatorTable', function (this: unknown, options: HashOptions) {
    const h = options.hash;
    return mark(
      figures.table({
        ...(typeof h.from === 'string' ? { from: h.from } : {}),
        ...rowsFrom(options.fn(this)),
        twoYearsBack: h.twoYearsBack === true,
        benchmarks: h.benchmarks !== false,
        target: h.target !== false,
        trend: h.trend === true,
      }),
    );
  });
  // A chart with no series (the workbook lacks it: a run warning says so) prints nothing, or the
  // template's own neutral line: {{chart "id" unavailable="Trend chart not available"}}.
  const chartMark = (chart: ChartModel, options: HashOptions): string => {
    if (chart.series.length > 0) return mark({ kind: 'charts', charts: [chart] });
    return typeof options.hash.unavailable === 'string' ? `\n${options.hash.unavailable}\n` : '';
  };
  hb.registerHelper('chart', (...args: unknown[]) => {
    const options = args.pop() as HashOptions;
    const ids = args.map(String);
    const title = typeof options.hash.title === 'string' ? options.hash.title : undefined;
    const section = typeof options.hash.from === 'string' ? options.hash.from : undefined;
    return chartMark(figures.chart(ids, title, section), options);
  });
  hb.registerHelper('teamTable', (code: unknown, options: HashOptions) =>
    mark(figures.teamTable(String(code), typeof options.hash.title === 'string' ? options.hash.title : undefined)),
  );
  hb.registerHelper('teamChart', (code: unknown, options: HashOptions) => chartMark(figures.teamChart(String(code)), options));
  hb.registerHelper('caseloads', (options: HashOptions) => {
    const h = options.hash;
    return mark(
      figures.caseloads({
        title: String(h.title ?? 'Caseloads'),
        ...(typeof h.min === 'number' ? { min: h.min } : {}),
        ...(typeof h.teams === 'string' ? { teams: h.teams } : {}),
        ...(typeof h.highlight === 'number' ? { highlightFrom: h.highlight } : {}),
      }),
    );
  });
  const needFinance = (helper: string): FinanceFigures => {
    if (!finance) throw new B4BError(`the template uses {{${helper}}}, which only a finance report (kind: finance) has`);
    return finance;
  };
  const financeTables: Record<string, (f: FinanceFigures) => GridTableModel | undefined> = {
    revenue: (f) => f.revenue(),
    'main-variances': (f) => f.mainVariances(),
    placements: (f) => f.placements(),
    // Only where config/finance.yaml names the placements' revenue line (placementsServiceArea).
    'placement-reconciliation': (f) => f.placementReconciliation(),
    agency: (f) => f.agency(),
    'cost-reduction': (f) => f.costReduction(),
  };
  hb.registerHelper('financeTable', (name: unknown) => {
    const make = financeTables[String(name)];
    if (!make) throw new B4BError(`{{financeTable "${String(name)}"}}: expected one of ${Object.keys(financeTables).join(', ')}`);
    const table = make(needFinance('financeTable'));
    return table ? mark(table) : '';
  });
  hb.registerHelper('financeChart', (name: unknown) => {
    const f = needFinance('financeChart');
    if (name === 'variance') return mark({ kind: 'charts', charts: [f.varianceChart()] });
    if (name === 'placements') return mark({ kind: 'charts', charts: [f.placementsChart()] });
    if (name === 'agency') {
      // Only where config/finance.yaml names the agency headcount indicator (agencyIndicator).
      const chart = f.agencyChart();
      return chart && chart.series.length > 0 ? mark({ kind: 'charts', charts: [chart] }) : '';
    }
    throw new B4BError(`{{financeChart "${String(name)}"}}: expected variance, placements or agency`);
  });
  hb.registerHelper('financeSummary', () => {
    const items = needFinance('financeSummary').summary();
    return items.length > 0 ? mark({ kind: 'bullets', items }) : '';
  });
  hb.registerHelper('moneyKey', () => MONEY_KEY);

  // The Breakdowns sheet: figures by category for the report month (src/report/breakdown-figures.ts).
  const breakdowns = new BreakdownFigures(figures.dataset, context.month, (message, source) => figures.warn(message, source));
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  // An indicator's figure for the month, that a breakdown's total must equal (total="id").
  const indicatorFigure = (id: string): NonNullable<BreakdownChartRequest['totalOf']> => {
    const found = figures.findRow(id);
    const figure = found?.row.values[context.month];
    return {
      name: found?.row.name ?? figures.entry(id)?.name ?? id,
      value: figure?.kind === 'number' ? figure.value : undefined,
      // "<300" or "TBC" in the cell: the check says what the cell holds, never that nothing was supplied.
      ...(figure?.kind === 'comparison' ? { typed: { text: figure.text, comparison: { op: figure.op, value: figure.value } } } : {}),
      ...(figure?.kind === 'missing' && figure.text ? { typed: { text: figure.text } } : {}),
      ...(figure ? { source: figure.source } : {}),
    };
  };
  hb.registerHelper('breakdownFigure', (measure: unknown, category: unknown, options: HashOptions) => {
    const show = text(options.hash.show) ?? 'value';
    if (show !== 'value' && show !== 'out-of' && show !== 'percent') {
      throw new TemplateError(`{{breakdownFigure "${String(measure)}" "${String(category)}" show="${show}"}}: expected show="value", "out-of" or "percent"`);
    }
    const figure = breakdowns.figure(String(measure), String(category), show, options.hash.grouping === true);
    return inlineMark({ text: figure.text, figures: figure.refs });
  });
  hb.registerHelper('breakdownPeriod', (measure: unknown, ...rest: unknown[]) => {
    rest.pop();
    return inlineMark({ text: breakdowns.period(String(measure), text(rest[0])), figures: [] });
  });
  hb.registerHelper('breakdownMonth', (measure: unknown) => inlineMark({ text: breakdowns.monthText(String(measure)), figures: [] }));
  hb.registerHelper('breakdownChart', (...args: unknown[]) => {
    const options = args.pop() as HashOptions;
    const h = options.hash;
    const type = text(h.type) ?? 'bar';
    if (!CHART_TYPES.includes(type as (typeof CHART_TYPES)[number])) {
      throw new TemplateError(`{{breakdownChart ... type="${type}"}}: expected one of ${CHART_TYPES.join(', ')}`);
    }
    const labels = text(h.labels)?.split('|');
    const series = args.map((spec, i) => {
      const parsed = parseSeries(String(spec));
      const label = labels?.[i]?.trim();
      return label ? { ...parsed, label } : parsed;
    });
    const model = breakdowns.chart({
      series,
      type: type as (typeof CHART_TYPES)[number],
      title: text(h.title) ?? series.map((s) => s.measure).join(', '),
      ...(text(h.categories)
        ? {
            categories: text(h.categories)!
              .split('|')
              .map((c) => c.trim()),
          }
        : {}),
      ...(text(h.category) ? { categoryHeading: text(h.category)! } : {}),
      share: h.share === true,
      ...(text(h.total) ? { totalOf: indicatorFigure(text(h.total)!) } : {}),
    });
    if (model.chart.series.length > 0) return mark(model);
    // No figures for the month (the run warns): the page says so under its heading, never blank.
    return mark(textBlocks(text(h.unavailable) ?? `Not supplied for ${monthLongLabel(context.month)}`));
  });
  hb.registerHelper('commentary', (section: unknown, ...rest: unknown[]) => {
    const options = rest.pop() as HashOptions;
    const kind = (typeof options.hash.kind === 'string' ? options.hash.kind : 'progress-analysis') as CommentaryKind;
    const text = figures.commentary(context.report, String(section), kind);
    // Workbook text is placed as blocks of plain text, so nothing in it reads as the template's markup.
    return mark(textBlocks(text ?? figures.noCommentary(String(section))));
  });

  let output: string;
  try {
    const template = hb.compile(source, { noEscape: true, strict: false });
    output = template({ ...context, monthLong: monthLongLabel(context.month) });
  } catch (cause) {
    if (cause instanceof B4BError) throw cause;
    // A template's own mistake (a syntax error, an unknown helper): the template is configuration.
    throw new TemplateError(`the template cannot be used: ${(cause instanceof Error ? cause.message : String(cause)).split('\n').slice(0, 4).join(' ')}`);
  }
  return parseTemplateText(output, markers, inline);
}

/**
 * The team measures a template's team tables print ({{teamTable "code"}}), in the template's order: a
 * clinic reports on a month only where the Team measures sheet has rows of these for it (another
 * clinic's rows for the month are not its figures). A template that cannot be parsed names none; its
 * mistake is reported where it is rendered.
 */
export function templateTeamMeasures(source: string): string[] {
  let program: ReturnType<typeof Handlebars.parse>;
  try {
    program = Handlebars.parse(source);
  } catch {
    return [];
  }
  const codes: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const n = node as { type?: string; path?: { original?: unknown }; params?: Array<{ type?: string; value?: unknown }> };
    if ((n.type === 'MustacheStatement' || n.type === 'SubExpression') && n.path?.original === 'teamTable') {
      const first = n.params?.[0];
      if (first?.type === 'StringLiteral' && typeof first.value === 'string' && !codes.includes(first.value)) codes.push(first.value);
    }
    for (const [key, value] of Object.entries(node)) if (key !== 'loc' && value && typeof value === 'object') visit(value);
  };
  visit(program);
  return codes;
}
