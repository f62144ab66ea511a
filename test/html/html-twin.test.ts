/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return --
   the page.evaluate callbacks run in the browser, on its DOM, which this Node project has no types for. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import { glossaryHtml } from '../../src/html/glossary-html.js';
import { glossaryDocument } from '../../src/pack/glossary.js';
import { glossarySchema } from '../../src/pack/pack-settings.js';
import { coveringReportHtml } from '../../src/html/covering-report-html.js';
import { coveringReportDocument, type CoveringReportInput } from '../../src/pack/covering-report.js';
import { coveringReportSchema } from '../../src/pack/pack-settings.js';
import { packTextValues } from '../../src/pack/text-values.js';
import { chartScales } from '../../src/render/chart-canvas.js';
import { chartConfiguration } from '../../src/render/chart-config.js';
import { reportHtml } from '../../src/html/report-html.js';
import { layOutTask } from '../../src/layout/layout-task.js';
import { renderPdf } from '../../src/render/pdf-bytes.js';
import type { Block } from '../../src/report/template/blocks.js';
import { axeViolations, launchBrowser, type HeadlessBrowser } from '../fixtures/browser.js';
import { chartTypesReport, laidOutCharts } from '../fixtures/chart-types.js';
import { pdfText } from '../fixtures/pdf-text.js';
import { configuredReport, sampleDataset } from '../fixtures/sample-report.js';
import { ROOT } from '../fixtures/workbooks.js';

/** A public document as a run writes it: its PDF, its HTML twin and the charts the PDF draws. */
interface Twin {
  name: string;
  pdf: Buffer;
  html: string;
  blocks: Block[];
}

const twins: Twin[] = [];
let browser: HeadlessBrowser;
let page: Page;

beforeAll(async () => {
  const dataset = await sampleDataset();
  for (const [name, month] of [
    ['performance', '2023-10'],
    ['clinic-safeguarding', '2023-07'],
    ['clinic-pathways-through-care', '2023-07'],
  ] as const) {
    const output = await configuredReport(name, month, dataset);
    if (!output.html) throw new Error(`${name} has no HTML twin`);
    twins.push({ name, pdf: output.pdf, html: output.html, blocks: output.blocks });
  }
  const loaded = await loadSettings();
  const report = coveringReportSchema.parse(parseYaml(await readFile(path.join(ROOT, 'config/covering/panel-performance.yaml'), 'utf8')));
  const input: CoveringReportInput = {
    report,
    appendices: ['Summary of performance and commentary – October 2023'],
    values: packTextValues('2023-10', '2023-11-23'),
    format: { agendaItem: 10 },
    council: loaded.settings.council,
  };
  twins.push({ name: 'covering-report', pdf: await renderPdf(coveringReportDocument(input)), html: coveringReportHtml(input), blocks: [] });
  // The panel's Appendix 2, from its data file; its entries stand as sections for the contents check.
  const glossary = glossarySchema.parse(parseYaml(await readFile(path.join(ROOT, 'config/glossary.yaml'), 'utf8')));
  const glossaryInput = { glossary, format: { agendaItem: 10, appendix: 2, firstPage: 135 }, council: loaded.settings.council };
  twins.push({
    name: 'glossary',
    pdf: await renderPdf(glossaryDocument(glossaryInput)),
    html: glossaryHtml(glossaryInput),
    blocks: ['Contents', 'Acronyms', ...glossary.terms.map((t) => t.term)].map((text) => ({ kind: 'heading', level: 1, text })),
  });
  // One chart of every type, laid out as a report is (test/fixtures/chart-types.ts).
  const chartTypes = chartTypesReport();
  if (chartTypes.kind === 'report') {
    const html = reportHtml(chartTypes.blocks, { title: chartTypes.options.title, format: chartTypes.options.format });
    twins.push({ name: 'chart-types', pdf: (await layOutTask(chartTypes)).pdf as Buffer, html, blocks: chartTypes.blocks });
  }
  // One browser for every page of this file.
  browser = await launchBrowser();
  page = await browser.browser.newPage();
});

afterAll(async () => {
  await browser?.close();
});

/** Figures in running text: 64, 1922, 27%, 16.40, £1,056, (453), -3.5. */
function figures(text: string): Set<string> {
  return new Set((text.match(/[£(]?-?\d[\d,]*(?:\.\d+)?%?\)?/g) ?? []).map((f) => f.replace(/^\(|\)$/g, '')));
}

describe('the HTML twins of the public documents', () => {
  it('an exempt report (finance) has no HTML twin', async () => {
    const output = await configuredReport('finance', '2023-10');
    expect(output.html).toBeUndefined();
  });

  it('pass axe-core at WCAG 2.2 AA in headless Chromium with no violations', async () => {
    for (const twin of twins) {
      const { violations } = await axeViolations(page, twin.html);
      expect(violations, `${twin.name}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
      // The checks ran on the document itself, not on an empty page.
      expect(await page.evaluate(() => (globalThis as unknown as { document: { title: string } }).document.title)).not.toBe('');
    }
  });

  it('are lang en-GB, with headings in order, captioned tables with header scopes, and charts with text alternatives', async () => {
    for (const twin of twins) {
      await page.setContent(twin.html);
      const facts = await page.evaluate(() => {
        const doc = (globalThis as unknown as { document: any }).document;
        const all = (selector: string): any[] => Array.from(doc.querySelectorAll(selector));
        return {
          lang: doc.documentElement.getAttribute('lang'),
          headings: all('h1, h2, h3, h4, h5, h6').map((h) => Number(h.tagName.slice(1))),
          tables: all('table').length,
          tablesWithoutCaption: all('table').filter((t) => !t.querySelector('caption')?.textContent?.trim()).length,
          tablesWithoutHeaders: all('table').filter((t) => t.querySelectorAll('th').length === 0).length,
          headersWithoutScope: all('th').filter((th) => !['col', 'row'].includes(th.getAttribute('scope'))).length,
          // Every SVG is a chart, but the one that defines the charts' glyphs: hidden, of no size, and only definitions.
          charts: all('svg:not([aria-hidden="true"])').length,
          chartsWithoutAlternative: all('svg:not([aria-hidden="true"])').filter(
            (svg) => svg.getAttribute('role') !== 'img' || !svg.querySelector('title')?.textContent || !svg.querySelector('desc')?.textContent,
          ).length,
          hiddenDrawings: all('svg[aria-hidden="true"]').filter(
            (svg) => svg.getAttribute('width') !== '0' || svg.getAttribute('height') !== '0' || Array.from(svg.children).some((c: any) => c.tagName !== 'defs'),
          ).length,
          // Each glyph defined once in the page, and every use of one finds it.
          glyphs: all('symbol').length,
          distinctGlyphs: new Set(all('symbol').map((symbol) => symbol.innerHTML)).size,
          usesNotFound: all('use').filter((use) => !doc.getElementById((use.getAttribute('xlink:href') ?? use.getAttribute('href') ?? '').slice(1))).length,
          ragCells: all('td .dot').map((dot) => dot.parentElement.textContent.trim()),
          scripts: all('script, link[rel=stylesheet], img').length,
        };
      });
      expect(facts.lang, twin.name).toBe('en-GB');
      expect(facts.headings[0], `${twin.name}: starts with h1`).toBe(1);
      facts.headings.forEach((level, i) => {
        if (i > 0) expect(level, `${twin.name}: heading ${i + 1} skips a level`).toBeLessThanOrEqual((facts.headings[i - 1] ?? 1) + 1);
      });
      expect(facts.tables, twin.name).toBeGreaterThan(0);
      expect(facts.tablesWithoutCaption, twin.name).toBe(0);
      expect(facts.tablesWithoutHeaders, `${twin.name}: a layout table`).toBe(0);
      expect(facts.headersWithoutScope, twin.name).toBe(0);
      expect(facts.chartsWithoutAlternative, twin.name).toBe(0);
      expect(facts.hiddenDrawings, twin.name).toBe(0);
      expect(facts.glyphs, twin.name).toBe(facts.distinctGlyphs);
      expect(facts.usesNotFound, twin.name).toBe(0);
      // Self-contained: no scripts, stylesheets or images to fetch.
      expect(facts.scripts, twin.name).toBe(0);
      // RAG is a word as well as a colour.
      for (const cell of facts.ragCells) expect(['Green', 'Amber', 'Red'], twin.name).toContain(cell);
      const chartCount = twin.blocks.reduce(
        (n, b) => n + (b.kind === 'charts' ? b.charts.filter((c) => c.series.length > 0).length : b.kind === 'breakdown-chart' ? 1 : 0),
        0,
      );
      expect(facts.charts, twin.name).toBe(chartCount);
    }
    const performance = twins[0];
    expect(performance?.name).toBe('performance');
    expect(performance?.html).toContain('Improved');
  });

  it("hold every figure their PDF prints (pdftotext of the same run), outside the charts' drawings", async () => {
    for (const twin of twins) {
      await page.setContent(twin.html);
      // The HTML's own text without its inline charts: the figures must be in its tables and text.
      const htmlText = await page.evaluate(() => {
        const body = (globalThis as unknown as { document: any }).document.body;
        for (const svg of Array.from<any>(body.querySelectorAll('svg'))) svg.remove();
        // A numbered list's numbers are drawn by the browser, outside innerText: write them in, as seen.
        for (const ol of Array.from<any>(body.querySelectorAll('ol:not([type])'))) {
          const start = Number(ol.getAttribute('start') ?? 1);
          Array.from<any>(ol.children).forEach((li, i) => li.insertAdjacentText('afterbegin', `${start + i}. `));
        }
        // innerText, as a reader sees it: table cells apart, not run together as in textContent.
        return body.innerText as string;
      });
      const sections = twin.blocks.flatMap((b) => (b.kind === 'heading' && b.level === 1 ? [b.text] : []));
      const pdf = pdfText(twin.pdf)
        // Page furniture is not a figure of the document.
        .replace(/^Page \d+$/gm, '')
        .replace(/^Agenda Item \d+$|^Appendix \d+$/gm, '')
        // Nor are the contents page's page numbers (the HTML's contents link instead).
        .split('\n')
        // (a page's first line starts with pdftotext's form feed)
        .map((line) => line.replace(/^\f/, ''))
        .filter((line) => !sections.some((heading) => line.startsWith(heading) && /^\d+$/.test(line.slice(heading.length).trim())))
        .join('\n');
      // Axis ticks are the charts' scale, not figures (the HTML's charts draw them too), as is the note
      // "Axis starts at 1200, not 0": each chart's, at the size the PDF's layout gives it.
      const tickTexts = new Set(
        laidOutCharts(twin.blocks).flatMap(({ model, size }) => {
          const subtitle = (chartConfiguration(model, size).options.plugins as { subtitle?: { display: boolean; text: string } }).subtitle;
          const ticks = Object.values(chartScales(model, size)).flatMap((scale) => scale.ticks.map((t) => t.label));
          return [...ticks, ...(subtitle?.display ? [subtitle.text] : [])].flatMap((text) => [...figures(text)]);
        }),
      );
      const inHtml = figures(htmlText);
      const printed = [...figures(pdf)];
      expect(printed.length, twin.name).toBeGreaterThan(
        twin.name === 'covering-report' || twin.name === 'glossary' ? 3 : twin.name === 'chart-types' ? 30 : 100,
      );
      const missing = printed.filter((f) => !inHtml.has(f) && !tickTexts.has(f));
      expect(missing, `${twin.name}: figures in the PDF but not in the HTML`).toEqual([]);
    }
  });
});
