import path from 'node:path';
import { addMonths, monthLongLabel } from '../model/month.js';
import type { ReportFigures } from './report-figures.js';
import type { Block } from './template/blocks.js';

/** The built-in report that needs no template: `run --report all-tables`. */
export const ALL_TABLES_REPORT = 'all-tables';

/** The key of a report with no template to hold its wording (a template's is written in the template: {{#key}}). */
const ALL_TABLES_KEY = [
  {
    term: 'RAG',
    text: "how this month's figure compares with its target. Green (G): the target is met. Amber (A): close to the target, within the margin set for that measure. Red (R): further from the target than that.",
  },
  {
    term: 'Direction of travel',
    text: 'whether this month is better (↑) or worse (↓) than last month, or the same (→). For some measures a lower figure is better, so an upward arrow always means better, even where the figure fell.',
  },
  { term: '-', text: 'no figure for that month, or no target or rating for that measure.' },
];

/**
 * Every indicator table the workbook has for the month, in the workbook's order, under its section
 * title, each with its 13 months, target, RAG, direction of travel, benchmarks and a chart: a correct
 * report from a workbook in a layout no template has been written for yet.
 */
export function allTablesBlocks(figures: ReportFigures): Block[] {
  const { dataset, month } = figures;
  const blocks: Block[] = [
    {
      kind: 'cover',
      title: 'All indicator tables',
      lines: [
        monthLongLabel(addMonths(month, 1)),
        `Performance to the end of ${monthLongLabel(month)}`,
        `Every indicator table in ${path.basename(dataset.file)}`,
      ],
    },
    { kind: 'contents' },
    { kind: 'key', entries: ALL_TABLES_KEY },
  ];
  let lastTitle: string | undefined;
  for (const table of dataset.tables) {
    if (!table.months.includes(month) || table.rows.length === 0) continue;
    const title = table.section ?? table.sheet;
    if (title !== lastTitle) blocks.push({ kind: 'heading', level: 1, text: title });
    lastTitle = title;
    const firstRow = table.rows[0]?.source.cell ?? '';
    const lastRow = table.rows[table.rows.length - 1]?.source.cell ?? '';
    blocks.push({
      kind: 'paragraph',
      runs: [
        {
          text: `Sheet '${table.sheet}', header ${table.headerSource.cell ?? ''}, rows ${firstRow.replace(/^[A-Z]+/, '')} to ${lastRow.replace(/^[A-Z]+/, '')}.`,
        },
      ],
    });
    blocks.push(figures.workbookTable(table));
    blocks.push({ kind: 'charts', charts: [figures.workbookTableChart(table, title)] });
  }
  return blocks;
}
