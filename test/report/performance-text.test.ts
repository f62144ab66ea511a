import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/dataset/types.js';
import type { ReportDocument as ReportOutput } from '../../src/produce/report.js';
import { pdfText } from '../fixtures/pdf-text.js';
import { performanceReport, sampleDataset } from '../fixtures/sample-report.js';
import { ROOT } from '../fixtures/workbooks.js';

/**
 * The indicator rows of the seed's performance tables (seed 000, agenda item 10, Appendix 1), copied
 * verbatim. Each row: name, then 14 months (first table: Oct-21 and Oct-22..Oct-23) or 13, then
 * Target, RAG, Direction of travel and, for some tables, four benchmarks.
 */
const SEED_ROWS = readFileSync(path.join(ROOT, 'test/fixtures/seed-000-appendix-1-table-rows.tsv'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => {
    const fields = line.split('\t');
    const months = fields.length === 22 ? 14 : 13;
    return { name: fields[0]!.trim(), months: fields.slice(1, 1 + months).map((f) => f.trim()), target: fields[1 + months]?.trim() };
  });

const tokens = (text: string): string[] =>
  text
    .split(/\s+/)
    .filter((t) => t !== '')
    .map((t) => t.replace(/%$/, ''));

let dataset: Dataset;
let report: ReportOutput;
let text: string;

beforeAll(async () => {
  dataset = await sampleDataset();
  // A commentary line with a pound sign, to see it come through as users will type it.
  const withPounds: Dataset = {
    ...dataset,
    commentary: dataset.commentary.map((c) =>
      c.section === 'workforce' && c.kind === 'progress-analysis' ? { ...c, text: `${c.text}\n- Agency spend is £1.2m against a £600k target.` } : c,
    ),
  };
  report = await performanceReport('2023-10', withPounds);
  text = pdfText(report.pdf);
});

describe('the October 2023 performance report, as text extracted from the PDF', () => {
  it('has every seed table row, with its figures and target, in the seed order', () => {
    // 67 rows, and the two of the health assessments table (its 26 figures, Oct-22 to Oct-23).
    expect(SEED_ROWS).toHaveLength(69);
    const all = tokens(text);
    let from = 0;
    const problems: string[] = [];
    for (const row of SEED_ROWS) {
      const name = tokens(row.name);
      let at = -1;
      for (let i = from; i <= all.length - name.length; i++) {
        if (name.every((t, k) => all[i + k] === t)) {
          at = i;
          break;
        }
      }
      if (at < 0) {
        problems.push(`not found after token ${from}: ${row.name}`);
        continue;
      }
      // A blank in the seed prints as the one no-figure mark, "-".
      const expected = [...row.months, ...(row.target === undefined ? [] : [row.target])].map((m) => (m === '' ? '-' : m.replace(/%$/, '')));
      const actual = all.slice(at + name.length, at + name.length + expected.length);
      if (actual.join(' ') !== expected.join(' ')) problems.push(`${row.name}: expected ${expected.join(' ')}, got ${actual.join(' ')}`);
      from = at + name.length;
    }
    expect(problems).toEqual([]);
  });

  it("has the health assessments table with the seed's 26 figures, Oct-22 to Oct-23, in the permanence section", () => {
    const health = SEED_ROWS.filter((r) => r.name.includes('health assessments'));
    expect(health.flatMap((r) => r.months)).toHaveLength(26);
    const section = text.slice(
      text.indexOf('Promote permanence and placement stability', text.indexOf('Page 119')),
      text.indexOf('Permanent, stable workforce', text.indexOf('Page 119')),
    );
    const months = tokens(section);
    for (const row of health) {
      const name = tokens(row.name);
      const at = months.findIndex((_, i) => name.every((t, k) => months[i + k] === t));
      expect(at, row.name).toBeGreaterThan(-1);
      expect(months.slice(at + name.length, at + name.length + 13), row.name).toEqual(row.months);
    }
    expect(section).toMatch(/Oct-22\s+Nov-22\s+Dec-22[\s\S]*Sep-23\s+Oct-23/);
  });

  it('keeps "C&F", "£" and the arrows intact', () => {
    expect(text).toContain('Number of C&F assessments completed');
    expect(text).not.toContain('&amp;');
    expect(text).toContain('£1.2m against a £600k target');
    for (const arrow of ['↑', '↓', '→']) expect(text).toContain(arrow);
    expect(text).toContain('●');
  });

  it('has the stamp, page numbers from 117 and a contents page with the sections', () => {
    expect(text).toMatch(/Agenda Item 10\s+Appendix 1/);
    expect(text).toContain('Page 117');
    expect(text).toContain('Page 118');
    for (const heading of [
      'Purpose',
      'Right support at the right time',
      'Strong, safe & vibrant localities',
      'Children remain within or return to their birth families',
      'Promote permanence and placement stability',
      'Permanent, stable workforce',
      'Embedding practice framework and standards',
      'Performance - Visiting',
      'Performance - Supervision',
    ]) {
      expect(text, heading).toMatch(new RegExp(`${heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\d+`));
    }
  });

  it('prints the commentary of the month, and warns only of the figures the seed itself prints twice', () => {
    expect(text).toContain('Whilst the number of strategy discussions continued the overall downward trend');
    // The seed's "Right service right time" rows for children in our care run a month out of step with
    // the "Children remain within or return to birth families" table: the report prints both, as the
    // council's does, and says so in the run record.
    expect(report.warnings.map((w) => w.message.replace(/:.*$/, ''))).toEqual([
      'the report prints different figures for "Number of children in our care" in performance, table "Right service right time", Page 120 and performance, table "Children remain within or return to birth families", Page 125, each from the table its template names',
      'the report prints different figures for "Rate of children in our care per 10,000" in performance, table "Right service right time", Page 120 and performance, table "Children remain within or return to birth families", Page 125, each from the table its template names',
    ]);
  });

  it('prints "Fostering recruitment" as a heading over its bullets, as the seed does', () => {
    const at = report.blocks.findIndex((b) => b.kind === 'heading' && b.level === 2 && b.text === 'Fostering recruitment');
    expect(at).toBeGreaterThan(0);
    const next = report.blocks[at + 1];
    expect(next?.kind === 'bullets' ? next.items[0]?.runs[0]?.text : next).toMatch(/^In October, there were 12 screening/);
    // The line is no longer a paragraph of the permanence section's text.
    expect(report.blocks.some((b) => b.kind === 'paragraph' && b.runs.some((r) => r.text === 'Fostering recruitment'))).toBe(false);
  });

  it('prints the number of agency social workers with its target, the figures the finance report prints too', () => {
    expect(text).toMatch(/Number of agency social workers 41 40 38 37 35 34 32 30 28 26 24 22 19 21/);
  });
});

describe('when the month has no commentary', () => {
  it('prints "No commentary supplied for October 2023" and warns', async () => {
    const output = await performanceReport('2023-10', { ...dataset, commentary: [] });
    expect(pdfText(output.pdf)).toContain('No commentary supplied for October 2023');
    expect(output.warnings.map((w) => w.message)).toContain('No commentary supplied for October 2023 (section "right-support")');
  });
});

describe('an indicator the template names but the workbook lacks', () => {
  it('shows "not supplied" in its row and warns', async () => {
    const template = '{{#indicatorTable from="Right service right time"}}\nnumber-of-contacts-in-the-month\nnumber-of-widgets-made\n{{/indicatorTable}}\n';
    const output = await performanceReport('2023-10', dataset, template);
    const pdf = pdfText(output.pdf);
    expect(pdf).toMatch(/number-of-widgets-made not supplied/);
    expect(output.warnings.map((w) => w.message)).toContain(
      'number-of-widgets-made: not supplied for Oct-23: no table in the workbook has this indicator for that month',
    );
  });
});

describe('the month two years back, where the workbook no longer has it', () => {
  it('prints "-" under Oct-21 with a warning naming the table, when its columns were deleted (the old year removed), and none when it is there', async () => {
    const right = (t: Dataset['tables'][number]): boolean => t.sheet === 'B4B data set' && t.section === 'Right service right time';
    const withoutOld: Dataset = {
      ...dataset,
      tables: dataset.tables.map((t) =>
        right(t)
          ? {
              ...t,
              months: t.months.filter((m) => m >= '2022-10'),
              rows: t.rows.map((r) => ({ ...r, values: Object.fromEntries(Object.entries(r.values).filter(([m]) => m >= '2022-10')) })),
            }
          : t,
      ),
    };
    const output = await performanceReport('2023-10', withoutOld);
    const said = output.warnings.filter((w) => w.message.includes('two years back')).map((w) => w.message);
    expect(said).toEqual([
      'Right service right time: the table prints Oct-21, the month two years back, but the workbook\'s table has no column for it (its months start at Oct-22), so that column prints "-" in every row',
    ]);
    expect(pdfText(output.pdf)).toContain('Number of contacts in the month - 1488 1794');
    expect(report.warnings.filter((w) => w.message.includes('two years back'))).toEqual([]);
  });
});
