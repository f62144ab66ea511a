import { beforeAll, describe, expect, it } from 'vitest';
import { chartPagesToFill, MIN_PULLED_UP } from '../../src/render/pdf-document.js';
import type { Block } from '../../src/report/template/blocks.js';
import { monthDocuments, MONTH_REPORTS, type MonthDocuments } from '../fixtures/month-documents.js';
import { documentMargins, fragmentPages, pageFill, type PageFill } from '../fixtures/page-fill.js';
import { pdfText } from '../fixtures/pdf-text.js';

/**
 * The layout grid, on every document a month writes (the four reports alone, both packs in both
 * variants, every item file): no page holds a fragment (a line or two alone), and a section's table,
 * text and charts fill its pages before a new one starts, so no page is more than half empty unless
 * it is the last page of a section, a document or an item (or the cover or contents). Charts carried
 * onto a page of their own are never left in its top third: they are pulled up under the text before
 * them, or fill the page.
 */
let month: MonthDocuments;
const fills = new Map<string, PageFill[]>();

beforeAll(async () => {
  month = await monthDocuments();
  for (const file of month.files) fills.set(file.name, pageFill(file.bytes, documentMargins));
}, 180_000);

const headings = (blocks: Block[]): string[] => blocks.flatMap((b) => (b.kind === 'heading' && b.level === 1 ? [b.text] : []));
const chartTitles = (blocks: Block[]): string[] => blocks.flatMap((b) => (b.kind === 'charts' ? b.charts.map((c) => c.title) : []));

describe('no page holds a fragment', () => {
  it('finds the fragment it is meant to find: a key split so that "since last month" stood alone on a page', () => {
    // The clinic's page 51 before the key was kept whole: its last two wrapped lines on a page of their own.
    expect(fragmentPages(pdfWithLines(['since last', 'month']))).toEqual([{ page: 1, lines: ['since last', 'month'] }]);
    expect(fragmentPages(pdfWithLines(['This page is intentionally left blank']))).toEqual([]);
    expect(fragmentPages(pdfWithLines(['One', 'two', 'three lines are content']))).toEqual([]);
  });

  it('on every document of the month: both packs, both variants, every item file and every report alone', () => {
    expect(month.files.map((f) => f.name)).toHaveLength(16);
    const found = month.files.flatMap((file) => fragmentPages(file.bytes).map((f) => `${file.name}, page ${f.page}: ${JSON.stringify(f.lines)}`));
    expect(found).toEqual([]);
  });
});

describe('page fill', () => {
  it("the performance report, with every part of the seed's Appendix 1, takes at most 20 pages", () => {
    // 16 pages before the parts printed from the Breakdowns sheet (referral sources, Family Hubs,
    // education, staff diversity and pay gaps), which add 5, and charts pulled up or made to fill their page save one.
    expect(fills.get('performance-2023-10.pdf')!.length).toBeLessThanOrEqual(20);
  });

  it.each(MONTH_REPORTS.map(([name]) => name))('%s: no page is more than half empty unless it ends a section', (name) => {
    const file = month.files.find((f) => f.name.startsWith(`${name}-`))!;
    const blocks = month.reports.get(name)!.blocks;
    const sections = headings(blocks);
    expect(sections.length).toBeGreaterThan(1);
    const pages = fills.get(file.name)!;
    const startsSection = (fill: PageFill | undefined): boolean =>
      fill === undefined || fill.firstLine.startsWith('Contents') || sections.some((s) => fill.firstLine.startsWith(s));
    const halfEmpty = pages.filter((f, i) => f.fill < 0.5 && !startsSection(pages[i + 1]));
    expect(halfEmpty.map((f) => `page ${f.page}: ${Math.round(f.fill * 100)}% full, next page begins "${pages[f.page]?.firstLine}"`)).toEqual([]);
  });

  it.each(MONTH_REPORTS.map(([name]) => name))('%s: a page that starts with a chart is at least half full', (name) => {
    const file = month.files.find((f) => f.name.startsWith(`${name}-`))!;
    const titles = chartTitles(month.reports.get(name)!.blocks);
    const pages = fills.get(file.name)!;
    // A row of two charts starts with both titles on one line: the first line starts with a title.
    const chartPages = pages.filter((f) => titles.some((t) => f.firstLine.startsWith(t.slice(0, 30))));
    expect(chartPages.filter((f) => f.fill < 0.5).map((f) => `page ${f.page}: ${Math.round(f.fill * 100)}% full, "${f.firstLine}"`)).toEqual([]);
  });

  it('in both packs and their item files: no page is more than half empty unless a section, a document or an item ends on it', () => {
    const sections = headings(month.blocks);
    const documentStart = (fill: PageFill | undefined, text: string | undefined): boolean =>
      fill === undefined ||
      fill.firstLine.startsWith('Contents') ||
      sections.some((s) => fill.firstLine.startsWith(s)) ||
      /Agenda Item \d+|This page is intentionally left blank|Document is Confidential/.test(text ?? '');
    const found = month.files
      .filter((f) => f.name.startsWith('panel') || f.name.startsWith('board'))
      .flatMap((file) => {
        const pages = fills.get(file.name)!;
        const texts = pdfText(Buffer.from(file.bytes)).split('\f');
        return pages
          .filter((f, i) => i >= file.front && f.fill < 0.5 && !documentStart(pages[i + 1], texts[i + 1]))
          .map((f) => `${file.name}, page ${f.page}: ${Math.round(f.fill * 100)}% full, next page begins "${pages[f.page]?.firstLine}"`);
      });
    expect(found).toEqual([]);
  });

  it('measures what it claims: its fullest pages are near the foot, the last page of a short section is not, and each page is read', () => {
    const pages = fills.get('performance-2023-10.pdf')!;
    expect(Math.max(...pages.map((f) => f.fill))).toBeGreaterThan(0.9);
    expect(Math.min(...pages.map((f) => f.fill))).toBeLessThan(0.5);
    expect(pages[1]!.firstLine).toBe('Contents');
  });
});

describe('charts that did not fit under the text before them', () => {
  const charts: Block = {
    kind: 'charts',
    charts: [1, 2].map((n) => ({ kind: 'chart', title: `Chart ${n}`, monthLabels: ['Oct-23'], series: [{ label: 'x', values: [1], percent: false }] })),
  };
  const blocks: Block[] = [{ kind: 'heading', level: 1, text: 'A section' }, { kind: 'paragraph', runs: [{ text: 'Text' }] }, charts];
  const page = { top: 48, bottom: 555.28 };

  it('are pulled up a little smaller where they nearly fit', () => {
    // 140 pt left under the text; the row took 151 pt at the top of the next page (8 more under text).
    const placed = new Map([
      ['charts-2-before', { page: 1, top: 415 }],
      ['charts-2-row-0', { page: 2 }],
      ['charts-2-after', { page: 2, top: 199 }],
    ]);
    const fit = chartPagesToFill(blocks, placed, page).get(2);
    expect(fit).toEqual({ from: 0, height: expect.any(Number) as number });
    const height = fit && 'height' in fit ? fit.height : 0;
    expect(height).toBeGreaterThanOrEqual(MIN_PULLED_UP);
    expect(height).toBeLessThan(150);
  });

  it('fill a page of their own at the end of a section where they would be too small under the text', () => {
    const placed = new Map([
      ['charts-2-before', { page: 1, top: 480 }],
      ['charts-2-row-0', { page: 2 }],
      ['charts-2-after', { page: 2, top: 199 }],
    ]);
    expect(chartPagesToFill(blocks, placed, page).get(2)).toEqual({ from: 0, page: true });
    // Followed by more of the section, they stay as they are.
    expect(chartPagesToFill([...blocks, { kind: 'paragraph', runs: [{ text: 'More' }] }], placed, page).size).toBe(0);
  });

  it('are left alone where they fit', () => {
    const placed = new Map([
      ['charts-2-before', { page: 1, top: 200 }],
      ['charts-2-row-0', { page: 1 }],
      ['charts-2-after', { page: 1, top: 360 }],
    ]);
    expect(chartPagesToFill(blocks, placed, page).size).toBe(0);
  });
});

/** A one-page PDF with these lines of text, laid out by pdfmake as the reports are. */
function pdfWithLines(lines: string[]): Uint8Array {
  return PDFS.get(lines.join('\n'))!;
}

const PDFS = new Map<string, Uint8Array>();
beforeAll(async () => {
  const { renderPdf } = await import('../../src/render/pdf-bytes.js');
  const { FONT_FAMILY } = await import('../../src/render/fonts.js');
  for (const lines of [['since last', 'month'], ['This page is intentionally left blank'], ['One', 'two', 'three lines are content']]) {
    const doc = { pageSize: 'A4', pageOrientation: 'landscape', defaultStyle: { font: FONT_FAMILY }, content: lines.map((text) => ({ text })) };
    PDFS.set(lines.join('\n'), await renderPdf(doc));
  }
});
