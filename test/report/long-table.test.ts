import { describe, expect, it } from 'vitest';
import { pdfPageCount, pdfText } from '../fixtures/pdf-text.js';
import { performanceReport, sampleDataset } from '../fixtures/sample-report.js';

describe('a table longer than a page', () => {
  it('repeats its header row on every page and never splits a row', async () => {
    const dataset = await sampleDataset();
    const table = dataset.tables.find((t) => t.section === 'Corporate parenting board');
    const ids = [...new Set(dataset.tables.filter((t) => t.months.includes('2023-07')).flatMap((t) => t.rows.map((r) => r.id)))];
    expect(table).toBeDefined();
    expect(ids.length).toBeGreaterThan(60);
    const template = `# A long table\n\n{{#indicatorTable}}\n${ids.join('\n')}\n{{/indicatorTable}}\n`;
    const report = await performanceReport('2023-07', dataset, template);
    const pages = pdfPageCount(report.pdf);
    expect(pages).toBeGreaterThan(2);
    const rowsSeen = new Set<string>();
    for (let page = 1; page <= pages; page++) {
      const text = pdfText(report.pdf, { firstPage: page, lastPage: page }).replace(/\s+/g, ' ');
      expect(text, `page ${page}`).toMatch(/Indicator Jul-22 Aug-22 Sep-22 .* Jul-23 Target RAG Direction of travel/);
      const tableModel = report.blocks.find((b) => b.kind === 'indicator-table');
      if (tableModel?.kind !== 'indicator-table') throw new Error('no table');
      for (const row of tableModel.rows) {
        const cells = row.cells.filter((c) => c !== '').join(' ');
        const at = text.indexOf(`${row.name} ${cells}`);
        if (at >= 0) rowsSeen.add(row.id);
      }
    }
    // Every row is found whole (name and all its figures together) on some page.
    const tableModel = report.blocks.find((b) => b.kind === 'indicator-table');
    if (tableModel?.kind !== 'indicator-table') throw new Error('no table');
    const missing = tableModel.rows.filter((r) => !rowsSeen.has(r.id)).map((r) => r.name);
    expect(missing).toEqual([]);
  });
});
