import type { ChartModel, IndicatorTableModel, TableRowModel } from '../report/report-figures.js';
import type { Block } from '../report/template/blocks.js';
import type { LayoutTask } from './layout-task.js';

/**
 * A small made-up report with one of each thing a real one has (cover, contents, headings, text,
 * an indicator table, line and bar charts, team and caseload tables, the key), laid out by a layout
 * thread while the run reads the workbook: pdfmake's code is then warm for the first real document.
 * Its PDF is thrown away; nothing in it comes from a workbook.
 */
export function warmUpTasks(): LayoutTask[] {
  const monthLabels = ['Oct-22', 'Nov-22', 'Dec-22', 'Jan-23', 'Feb-23', 'Mar-23', 'Apr-23', 'May-23', 'Jun-23', 'Jul-23', 'Aug-23', 'Sep-23', 'Oct-23'];
  const row = (i: number): TableRowModel => ({
    id: `warm-up-${i}`,
    name: `Made-up indicator number ${i} for warming the layout up`,
    shortName: `Indicator ${i}`,
    supplied: true,
    cells: monthLabels.map((_, m) => (i % 3 === 0 ? `${(20 + m + i) % 100}%` : String(100 + m * 7 + i))),
    figures: [],
    target: i % 2 === 0 ? '25%' : '-',
    ...(i % 2 === 0 ? { rag: (['green', 'amber', 'red'] as const)[i % 3], direction: (['improved', 'worsened', 'same'] as const)[i % 3] } : {}),
    benchmarks: ['21%', '23%'],
  });
  const table: IndicatorTableModel = {
    kind: 'indicator-table',
    months: [],
    monthLabels,
    showTarget: true,
    showTrend: false,
    benchmarkLabels: ['England', 'Statistical Neighbours'],
    rows: Array.from({ length: 8 }, (_, i) => row(i)),
  };
  const chart = (i: number, type: 'line' | 'bar'): ChartModel => ({
    kind: 'chart',
    type,
    title: `Made-up chart ${i}`,
    monthLabels,
    series: [
      { label: 'This year', values: monthLabels.map((_, m) => (m === 4 ? null : 20 + ((m * 7 + i) % 13))), target: 25, percent: true },
      ...(type === 'line' ? [{ label: 'Last year', values: monthLabels.map((_, m) => 18 + ((m * 5 + i) % 11)), percent: true }] : []),
    ],
  });
  const text = 'Made-up commentary, **with a bold run**, long enough to wrap onto a second line of the page so that line breaking is exercised too.';
  const blocks: Block[] = [
    { kind: 'cover', title: 'Warm-up report', lines: ['October 2023'] },
    { kind: 'contents' },
    { kind: 'heading', level: 1, text: 'Warm-up section' },
    { kind: 'paragraph', runs: [{ text: 'Made-up commentary, ' }, { text: 'with a bold run', bold: true }, { text: text }] },
    {
      kind: 'bullets',
      items: [
        { level: 1, runs: [{ text }] },
        { level: 2, runs: [{ text }] },
      ],
    },
    table,
    { kind: 'charts', charts: [chart(1, 'line'), chart(2, 'line'), chart(3, 'bar')] },
    { kind: 'heading', level: 2, text: 'Teams' },
    {
      kind: 'team-table',
      code: 'W1',
      title: 'Made-up team measure',
      target: '20%',
      rows: [1, 2, 3].map((t) => ({
        team: `Team ${t}`,
        denominator: 40 + t,
        numerator: 8 + t,
        percent: `${(((8 + t) / (40 + t)) * 100).toFixed(1)}%`,
        worse: t === 2,
      })),
      total: { team: 'Total', denominator: 126, numerator: 30, percent: '23.8%', worse: true },
    },
    {
      kind: 'caseload-table',
      title: 'Made-up caseloads',
      highlightFrom: 25,
      rows: [{ allocations: 26, status: 'Qualified', team: 'Team 1', highlight: true }],
    },
    { kind: 'key' },
  ];
  return [
    {
      kind: 'report',
      blocks,
      options: { format: { agendaItem: 1, appendix: 1, firstPage: 1 }, title: 'Warm-up report', subject: 'Warm-up', author: 'b4b-reports' },
    },
  ];
}
