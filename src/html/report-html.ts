import { RAG_WORDS, type Direction, type Rag, type Trend } from '../model/rag.js';
import { chartSvg } from '../render/chart-canvas.js';
import { chartType, formatChartValue, HTML_CHART_SIZE, segmentShares } from '../render/chart-config.js';
import { stampLines, type AgendaFormat } from '../render/agenda-format.js';
import type { GridTableModel } from '../report/finance-model.js';
import type { CaseloadTableModel, ChartModel, IndicatorTableModel, TeamTableModel } from '../report/report-figures.js';
import type { Block, KeyEntry, Run } from '../report/template/blocks.js';
import type { BreakdownChartModel } from '../report/breakdown-figures.js';
import { escapeHtml, htmlPage, slugId } from './html-page.js';
import { shareChartGlyphs } from './shared-glyphs.js';

/** Direction of travel in words (the arrow only repeats them); RAG in words is RAG_WORDS. */
const DIRECTION_TEXT: Record<Direction, { arrow: string; text: string }> = {
  improved: { arrow: '↑', text: 'Improved' },
  worsened: { arrow: '↓', text: 'Worsened' },
  same: { arrow: '→', text: 'No change' },
};
const TREND_TEXT: Record<Trend, { arrow: string; text: string }> = {
  up: { arrow: '↑', text: 'Up' },
  down: { arrow: '↓', text: 'Down' },
  same: { arrow: '→', text: 'Same' },
};

const NO_FIGURE = '<span aria-hidden="true">-</span><span class="visually-hidden">none</span>';

function runs(list: Run[]): string {
  return list.map((r) => (r.bold ? `<strong>${escapeHtml(r.text)}</strong>` : escapeHtml(r.text))).join('');
}

function ragCell(rag: Rag | undefined): string {
  if (!rag) return `<td>${NO_FIGURE}</td>`;
  return `<td><span class="dot dot-${rag}" aria-hidden="true"></span>${RAG_WORDS[rag]}</td>`;
}

function arrowCell(value: { arrow: string; text: string } | undefined): string {
  if (!value) return `<td>${NO_FIGURE}</td>`;
  return `<td><span aria-hidden="true">${value.arrow} </span>${value.text}</td>`;
}

const num = (text: string): string => `<td class="num">${escapeHtml(text)}</td>`;
const colHead = (text: string): string => `<th scope="col">${escapeHtml(text)}</th>`;

/** A data table in a focusable scrolling region (wide tables scroll on a narrow screen). */
function tableWrap(captionId: string, table: string): string {
  return `<div class="table-wrap" role="region" aria-labelledby="${captionId}" tabindex="0">\n${table}\n</div>`;
}

class ReportHtmlWriter {
  private readonly ids = new Set<string>();
  private readonly out: string[] = [];
  private section = '';
  private chartCount = 0;
  private tableCount = 0;

  constructor(private readonly blocks: Block[]) {}

  private captionId(): string {
    this.tableCount += 1;
    return `table-${this.tableCount}`;
  }

  indicatorTable(table: IndicatorTableModel): string {
    const id = this.captionId();
    const headers = [
      'Indicator',
      ...table.monthLabels,
      ...(table.showTrend ? ['Trend'] : []),
      ...(table.showTarget ? ['Target', 'RAG', 'Direction of travel'] : []),
      ...table.benchmarkLabels,
    ];
    const rows = table.rows.map((row) => {
      const name = `<th scope="row">${escapeHtml(row.name)}</th>`;
      if (!row.supplied) return `<tr>${name}<td colspan="${headers.length - 1}">not supplied</td></tr>`;
      return (
        `<tr>${name}` +
        row.cells.map(num).join('') +
        (table.showTrend ? arrowCell(row.trend ? TREND_TEXT[row.trend] : undefined) : '') +
        (table.showTarget ? num(row.target) + ragCell(row.rag) + arrowCell(row.direction ? DIRECTION_TEXT[row.direction] : undefined) : '') +
        row.benchmarks.map(num).join('') +
        '</tr>'
      );
    });
    const caption = `Indicators${this.section ? `: ${escapeHtml(this.section)}` : ''}`;
    return tableWrap(
      id,
      `<table>\n<caption id="${id}">${caption}</caption>\n<thead><tr>${headers.map(colHead).join('')}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`,
    );
  }

  teamTable(table: TeamTableModel): string {
    const id = this.captionId();
    const note = table.target ? `<span class="note">Target ${escapeHtml(table.target)}: ▼ marks a team worse than target.</span>` : '';
    const row = (r: TeamTableModel['total'], total = false): string =>
      `<tr${r.worse || total ? ` class="${[r.worse ? 'highlight' : '', total ? 'total' : ''].join(' ').trim()}"` : ''}>` +
      `<th scope="row">${escapeHtml(r.team)}</th>${num(String(r.denominator))}${num(String(r.numerator))}` +
      `<td class="num">${r.worse ? '<span aria-hidden="true">▼ </span><span class="visually-hidden">worse than target: </span>' : ''}${escapeHtml(r.percent)}</td></tr>`;
    return tableWrap(
      id,
      `<table>\n<caption id="${id}">${escapeHtml(table.title)}${note}</caption>\n` +
        `<thead><tr>${['Team/Locality', 'Denominator', 'Numerator', '%'].map(colHead).join('')}</tr></thead>\n<tbody>\n` +
        `${table.noRows !== undefined ? `<tr><td colspan="4">${escapeHtml(table.noRows)}</td></tr>` : `${table.rows.map((r) => row(r)).join('\n')}\n${row(table.total, true)}`}\n</tbody>\n</table>`,
    );
  }

  caseloadTable(table: CaseloadTableModel): string {
    const id = this.captionId();
    const note = table.highlightFrom !== undefined ? `<span class="note">● and shading: ${table.highlightFrom} or more allocations.</span>` : '';
    const rows = table.rows.map(
      (r) =>
        `<tr${r.highlight ? ' class="highlight"' : ''}><td class="num">${r.allocations}${r.highlight ? ' <span aria-hidden="true">●</span><span class="visually-hidden">(high caseload)</span>' : ''}</td>` +
        `<td>${escapeHtml(r.status)}</td><td>${escapeHtml(r.team)}</td></tr>`,
    );
    return tableWrap(
      id,
      `<table>\n<caption id="${id}">${escapeHtml(table.title)}${note}</caption>\n` +
        `<thead><tr>${['No. of Allocations', 'Qualifying Status', 'Allocated Team'].map(colHead).join('')}</tr></thead>\n<tbody>\n` +
        `${table.noRows !== undefined ? `<tr><td colspan="3">${escapeHtml(table.noRows)}</td></tr>` : rows.join('\n')}\n</tbody>\n</table>`,
    );
  }

  gridTable(table: GridTableModel): string {
    const id = this.captionId();
    const rows = table.rows.map((row) => {
      const cells = row.cells.map((cell, i) => {
        if (typeof cell !== 'string') return ragCell(cell.rag);
        if (i === 0) return `<th scope="row">${escapeHtml(cell)}</th>`;
        return table.columns[i]?.align === 'right' ? num(cell) : `<td>${escapeHtml(cell)}</td>`;
      });
      return `<tr${row.total ? ' class="total"' : ''}>${cells.join('')}</tr>`;
    });
    return (
      tableWrap(
        id,
        `<table>\n<caption id="${id}">${escapeHtml(table.title)}</caption>\n<thead><tr>${table.columns.map((c) => colHead(c.label)).join('')}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`,
      ) + (table.note ? `\n<p>${escapeHtml(table.note)}</p>` : '')
    );
  }

  /** A chart as inline SVG in a figure whose caption points to its figures table. */
  private chartFigure(chart: ChartModel): string {
    this.chartCount += 1;
    const id = `chart-${this.chartCount}`;
    const svg = chartSvg(chart, HTML_CHART_SIZE, id);
    return `<figure aria-labelledby="${id}-caption">\n${svg}\n<figcaption id="${id}-caption">Chart: ${escapeHtml(chart.title)}. Its figures are in the table that follows.</figcaption>\n</figure>\n`;
  }

  /** A breakdown chart, then the figures table the PDF prints beside it: a row per category. */
  breakdownChart(block: BreakdownChartModel): string {
    const figure = this.chartFigure(block.chart);
    const captionId = this.captionId();
    const rows = block.rows.map(
      (row) => `<tr${row.total ? ' class="total"' : ''}><th scope="row">${escapeHtml(row.label)}</th>${row.cells.map((cell) => num(cell.text)).join('')}</tr>`,
    );
    return (
      figure +
      tableWrap(
        captionId,
        `<table>\n<caption id="${captionId}">Figures of the chart “${escapeHtml(block.chart.title)}”</caption>\n<thead><tr>${block.columns.map(colHead).join('')}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`,
      )
    );
  }

  /** A chart: inline SVG with its text alternative, then its figures as a table. */
  chart(chart: ChartModel): string {
    // A chart without series is a run warning, never a note on the page (the template drops it).
    if (chart.series.length === 0) return '';
    const figure = this.chartFigure(chart);
    const captionId = this.captionId();
    // Laid out like the indicator tables: a row per series (and target), a column per month or category.
    const rows = [
      ...chart.series.map((s) => ({ label: s.label, values: s.values })),
      ...chart.series.flatMap((s) =>
        s.target === undefined && s.targets === undefined
          ? []
          : [{ label: chart.series.length > 1 ? `Target (${s.label})` : 'Target', values: s.targets ?? chart.monthLabels.map(() => s.target ?? null) }],
      ),
    ].map(
      (row) =>
        `<tr><th scope="row">${escapeHtml(row.label)}</th>${chart.monthLabels.map((_, i) => num(formatChartValue(chart, row.values[i] ?? null))).join('')}</tr>`,
    );
    // A doughnut's shares, as its segments and legend print them.
    if (chartType(chart) === 'doughnut') rows.push(`<tr><th scope="row">Share of the whole</th>${segmentShares(chart).map(num).join('')}</tr>`);
    const headers = ['Series', ...chart.monthLabels];
    return (
      figure +
      tableWrap(
        captionId,
        `<table>\n<caption id="${captionId}">Figures of the chart “${escapeHtml(chart.title)}”</caption>\n<thead><tr>${headers.map(colHead).join('')}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`,
      )
    );
  }

  key(entries: KeyEntry[]): string {
    return (
      `<section class="key" aria-labelledby="key-heading">\n<h3 id="key-heading">How to read the tables</h3>\n<dl>\n` +
      entries.map((e) => `<dt>${escapeHtml(e.term)}</dt><dd>${escapeHtml(e.text)}</dd>\n`).join('') +
      `</dl>\n</section>`
    );
  }

  write(title: string, format: AgendaFormat): string {
    const stamp = stampLines(format);
    if (stamp.length > 0) this.out.push(`<p class="stamp">${stamp.map(escapeHtml).join('<br>')}</p>`);
    const cover = this.blocks.find((b) => b.kind === 'cover');
    if (!cover) this.out.push(`<h1>${escapeHtml(title)}</h1>`);
    // Section headings get their ids first, so the contents can link to them wherever it stands.
    const headingIds = new Map<Block, string>();
    for (const block of this.blocks) if (block.kind === 'heading' && block.level === 1) headingIds.set(block, slugId(block.text, this.ids));
    for (const block of this.blocks) {
      switch (block.kind) {
        case 'cover':
          this.out.push(
            `<header class="cover">\n<h1>${escapeHtml(block.title)}</h1>\n` +
              block.lines.map((line, i) => `<p${i === 0 ? ' class="month"' : ''}>${escapeHtml(line)}</p>`).join('\n') +
              '\n</header>',
          );
          break;
        case 'contents': {
          const entries = this.blocks.flatMap((b) =>
            b.kind === 'heading' && b.level === 1 ? [`<li><a href="#${headingIds.get(b)}">${escapeHtml(b.text)}</a></li>`] : [],
          );
          this.out.push(`<nav aria-labelledby="contents-heading">\n<h2 id="contents-heading">Contents</h2>\n<ol>\n${entries.join('\n')}\n</ol>\n</nav>`);
          break;
        }
        case 'heading':
          if (block.level === 1) {
            this.section = block.text;
            this.out.push(`<h2 id="${headingIds.get(block)}">${escapeHtml(block.text)}</h2>`);
          } else this.out.push(`<h3>${escapeHtml(block.text)}</h3>`);
          break;
        case 'paragraph':
          this.out.push(`<p>${runs(block.runs)}</p>`);
          break;
        case 'bullets':
          this.out.push(bulletList(block.items));
          break;
        case 'indicator-table':
          this.out.push(this.indicatorTable(block));
          break;
        case 'team-table':
          this.out.push(this.teamTable(block));
          break;
        case 'caseload-table':
          this.out.push(this.caseloadTable(block));
          break;
        case 'grid-table':
          this.out.push(this.gridTable(block));
          break;
        case 'charts':
          this.out.push(block.charts.map((c) => this.chart(c)).join('\n'));
          break;
        case 'breakdown-chart':
          this.out.push(this.breakdownChart(block));
          break;
        case 'key':
          this.out.push(this.key(block.entries));
          break;
      }
    }
    return this.out.join('\n');
  }
}

/** Bullets, level-2 items nested in the list of the level-1 item before them. */
function bulletList(items: Array<{ level: number; runs: Run[] }>): string {
  const html: string[] = ['<ul>'];
  let open = false;
  items.forEach((item, i) => {
    const nextNested = (items[i + 1]?.level ?? 1) > 1;
    if (item.level > 1 && open) {
      html.push(`<li>${runs(item.runs)}</li>`);
      if (!nextNested) {
        html.push('</ul></li>');
        open = false;
      }
    } else if (nextNested) {
      html.push(`<li>${runs(item.runs)}<ul>`);
      open = true;
    } else html.push(`<li>${runs(item.runs)}</li>`);
  });
  html.push('</ul>');
  return html.join('\n');
}

export interface ReportHtmlOptions {
  title: string;
  format: AgendaFormat;
}

/** The HTML twin of a report, from its blocks (the same report model the PDF is drawn from). */
export function reportHtml(blocks: Block[], options: ReportHtmlOptions): string {
  return htmlPage({ title: options.title, body: shareChartGlyphs(new ReportHtmlWriter(blocks).write(options.title, options.format)) });
}
