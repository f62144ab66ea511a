import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { fontMetrics, FONT_FAMILY } from '../../src/render/fonts.js';
import { pdfkitReferenceWriting, pdfReferencePrototype, type StyleStack } from '../../src/render/pdfmake-speed.js';
import { layOutPages, layOutTask } from '../../src/layout/layout-task.js';
import { chartsPlaced } from '../../src/render/place-charts.js';
import type { ChartToDraw } from '../../src/render/chart-canvas.js';
import { layOutAndWrite, pdfmakeStyleLookups, renderPdf, writeAgain } from '../../src/render/pdf-bytes.js';
import { buildPdfDocument, type BuiltDocument, type DocumentOptions } from '../../src/render/pdf-document.js';
import type { Block } from '../../src/report/template/blocks.js';
import { pdfText } from '../fixtures/pdf-text.js';
import { performanceReport } from '../fixtures/sample-report.js';

/**
 * What src/render/pdf-bytes.ts changes in pdfmake for speed, checked against pdfmake itself: each
 * change must leave every document exactly as pdfmake would lay it out.
 */
const require = createRequire(import.meta.url);

/** A document whose bytes depend on its content alone (pdfkit stamps the time of writing otherwise). */
function doc(lines: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    pageSize: 'A4',
    pageOrientation: 'landscape',
    info: { creationDate: new Date('2023-11-01T00:00:00Z') },
    defaultStyle: { font: FONT_FAMILY, fontSize: 10 },
    styles: { h1: { fontSize: 18, bold: true }, body: { fontSize: 10 }, emphasis: { italics: true, extends: 'body' } },
    content: lines.map((text, i) => ({ text, style: i === 0 ? 'h1' : i % 2 ? 'body' : ['body', 'emphasis'] })),
    ...extra,
  };
}

describe('words shaped once a process', () => {
  it('a document laid out again shapes no word again, and its bytes are what they were', async () => {
    const words = ['Children & Learning Service Performance Report', 'Number of children in our care: 548 ↑', 'Rate per 10,000 ●'];
    const font = fontMetrics('normal') as unknown as { layout: (...args: unknown[]) => unknown };
    const first = await renderPdf(doc(words));
    // Another document between the two, with words of its own.
    await renderPdf(doc(['Something else entirely', 'Page 117']));
    const layout = font.layout;
    let shaped = 0;
    font.layout = function (this: unknown, ...args: unknown[]) {
      shaped += 1;
      return layout.apply(this, args);
    };
    try {
      const again = await renderPdf(doc(words));
      expect(shaped).toBe(0);
      expect(Buffer.compare(again, first)).toBe(0);
      // A word it has not met is shaped (the count above would be 0 for a font object it does not use).
      await renderPdf(doc([...words, 'Zebra crossings']));
      expect(shaped).toBeGreaterThan(0);
    } finally {
      font.layout = layout;
    }
  });
});

describe("a page's drawing joined as text", () => {
  it("writes the bytes pdfkit's own writing of each operator as a Buffer writes, for text, tables and vectors", async () => {
    const lines = Array.from({ length: 120 }, (_, i) => `Line ${i + 1}: £1,540 ↑ ● “quoted” – Rate per 10,000`);
    // pdfmake marks the nodes it lays out: each document is given nodes of its own.
    const document = (): Record<string, unknown> =>
      doc(lines, {
        content: [
          ...lines.map((text, i) => ({ text, style: i % 3 ? 'body' : 'emphasis' })),
          { table: { body: [['Month', 'Figure'], ...Array.from({ length: 30 }, (_, i) => [`Oct-${i}`, String(i * 37)])] } },
          { canvas: [{ type: 'line', x1: 0, y1: 50, x2: 300, y2: 50, lineWidth: 2 }] },
        ],
      });
    const joined = await renderPdf(document());
    const writing = pdfkitReferenceWriting();
    expect(writing, 'pdfmake was loaded without the joined writing').toBeDefined();
    if (!writing) return;
    const reference = pdfReferencePrototype();
    expect(reference.write).toBe(writing.joined.write);
    Object.assign(reference, writing.original);
    let own: Buffer;
    try {
      own = await renderPdf(document());
    } finally {
      Object.assign(reference, writing.joined);
    }
    expect(pdfText(joined)).toContain('Line 120: £1,540');
    expect(Buffer.compare(joined, own)).toBe(0);
  });
});

describe('style lookups', () => {
  it('give what pdfmake would give, for every property through named, extended and inline styles', () => {
    const { default: StyleContextStack } = require('pdfmake/js/StyleContextStack') as {
      default: new (styles: Record<string, unknown>, defaults: Record<string, unknown>) => StyleStack & { push(item: unknown): void };
    };
    const styles = {
      base: { fontSize: 9, color: '#333333' },
      h1: { fontSize: 18, bold: true, extends: 'base' },
      quiet: { color: '#777777', extends: ['base', 'h1'] },
      loop: { extends: 'loop2' },
      loop2: { extends: 'loop', italics: true },
      nothing: {},
    };
    const defaults = { font: FONT_FAMILY, fontSize: 10, lineHeight: 1.15 };
    const items: unknown[] = [
      'plain text',
      { text: 'x' },
      { text: 'x', style: 'h1' },
      { text: 'x', style: ['quiet', 'h1'], color: null },
      { text: 'x', style: 'loop', bold: false },
      { text: 'x', style: 'missing' },
      { text: 'x', section: true, style: 'h1' },
      { text: 'x', fontSize: 0 },
    ];
    const stacks: unknown[][] = [[], ['base'], ['quiet', { bold: true }], [{ fontSize: undefined }, 'loop2', 'nothing'], ['h1', 'missing', { color: 'red' }]];
    const properties = ['font', 'fontSize', 'bold', 'italics', 'color', 'lineHeight', 'decoration', 'extends'];
    const { quick: ours, original: theirs } = pdfmakeStyleLookups();
    let compared = 0;
    for (const pushed of stacks) {
      const stack = new StyleContextStack(styles, defaults);
      for (const item of pushed) stack.push(item);
      for (const item of items) {
        for (const property of properties) {
          expect(ours.getStyleProperty(item, stack, property, 'fallback'), `${JSON.stringify(item)} ${property} on ${JSON.stringify(pushed)}`).toEqual(
            theirs.getStyleProperty(item, stack, property, 'fallback'),
          );
          compared += 1;
        }
      }
      for (const property of properties) expect(ours.getProperty.call(stack, property)).toEqual(theirs.getProperty.call(stack, property));
    }
    expect(compared).toBe(stacks.length * items.length * properties.length);
  });
});

describe('a layout checked before it is written', () => {
  it('is not written when the check asks for another, and is written as renderPdf writes it when not', async () => {
    const lines = Array.from({ length: 80 }, (_, i) => `Line ${i + 1} of a document that runs onto a second page`);
    const seen: number[] = [];
    const pageOf = new Map<string, number>();
    const withIds = doc(lines, {
      content: lines.map((text, i) => ({ text, id: `line-${i}` })),
      pageBreakBefore: (node: { id?: string; pageNumbers?: number[] }) => {
        if (node.id && node.pageNumbers?.[0] !== undefined) pageOf.set(node.id, node.pageNumbers[0]);
        return false;
      },
    });
    const stopped = await layOutAndWrite(withIds, () => {
      // Asked once the pages are final: the document's own pageBreakBefore has seen every line.
      seen.push(pageOf.size);
      return true;
    });
    expect(stopped).toBeUndefined();
    expect(seen).toEqual([80]);
    expect(pageOf.get('line-79')).toBe(2);
    const written = await layOutAndWrite(withIds, () => false);
    expect(written).toBeDefined();
    expect(Buffer.compare(written!.pdf, await renderPdf(withIds))).toBe(0);
  });
});

describe('a copy of a laid-out report', () => {
  /** The performance report's blocks: a contents page, tables that run on ("(continued)") and charts. */
  let blocks: Block[];
  beforeAll(async () => {
    blocks = (await performanceReport('2023-10')).blocks;
  });
  const options = (format: DocumentOptions['format']): DocumentOptions => ({
    format,
    title: 'Performance report',
    subject: 'Test',
    author: 'b4b-reports tests',
  });
  /** The report built to be laid out, written at a fixed time (pdfkit stamps the time of writing otherwise). */
  const built = (format: DocumentOptions['format']): BuiltDocument => {
    // Each chart a plain box of its size (the charts are drawn into such boxes once laid out).
    const box = (_: unknown, size: { width: number; height: number }) => ({ canvas: [{ type: 'rect', x: 0, y: 0, w: size.width, h: size.height }], ...size });
    const document = buildPdfDocument(blocks, box, options(format));
    return fixedTime(document);
  };
  const fixedTime = (document: BuiltDocument): BuiltDocument => {
    const restamp = document.restamp.bind(document);
    const fix = (): void => void ((document.doc.info as Record<string, unknown>).creationDate = new Date('2023-11-01T00:00:00Z'));
    fix();
    return { doc: document.doc, restamp: (next) => (restamp(next), fix()) };
  };

  it('is the copy laid out afresh: its stamp, page numbers, contents and metadata, and nothing else changed', async () => {
    const standAlone = { firstPage: 1 };
    const inPack = { agendaItem: 10, appendix: 1, firstPage: 117 };
    const first = built(standAlone);
    const laidOut = await layOutAndWrite(first.doc);
    first.restamp({ ...options(inPack), title: 'Performance report, in the pack' });
    const copy = await writeAgain(laidOut!.layout, first.doc);
    const fresh = built(inPack);
    fresh.restamp({ ...options(inPack), title: 'Performance report, in the pack' });
    const afresh = await layOutAndWrite(fresh.doc);
    expect(Buffer.compare(copy, afresh!.pdf)).toBe(0);
    // The copy prints the pack's page numbers, in its footers and its contents, and the stamp.
    const text = pdfText(Buffer.from(copy));
    expect(text).toContain('Agenda Item 10');
    expect(text).toContain('Page 117');
    expect(text).not.toContain('Page 1\n');
    // And the layout written again as it first was gives the first document again.
    first.restamp(options(standAlone));
    expect(Buffer.compare(await writeAgain(laidOut!.layout, first.doc), laidOut!.pdf)).toBe(0);
  });

  it('is refused with another exemption notice, which sets the margins', () => {
    const document = built({ firstPage: 1 });
    expect(() => document.restamp(options({ firstPage: 1, exemptionNotice: 'NOT FOR PUBLICATION' }))).toThrow(/exemption notice/);
  });

  it('is written by the layout thread without laying the report out again, and as laid out afresh', async () => {
    const builder = (require('pdfmake/js/LayoutBuilder') as { default: { prototype: Record<string, unknown> } }).default.prototype;
    const tryLayout = builder.tryLayoutDocument as (...args: unknown[]) => unknown;
    let layouts = 0;
    builder.tryLayoutDocument = function (this: unknown, ...args: unknown[]) {
      layouts += 1;
      return tryLayout.apply(this, args);
    };
    try {
      // Blocks of their own, so that nothing kept by another test is found.
      const own = [...blocks, { kind: 'paragraph', runs: [{ text: `Written at ${Date.now()}` }] }] as Block[];
      const standAlone = await layOutTask({ kind: 'report', blocks: own, options: options({ firstPage: 1 }) });
      const afterFirst = layouts;
      expect(afterFirst).toBeGreaterThan(0);
      const inPack = await layOutTask({
        kind: 'report',
        blocks: own,
        options: options({ agendaItem: 1, appendix: 1, firstPage: 1 }),
        chartFits: standAlone.chartFits ?? [],
      });
      expect(layouts).toBe(afterFirst);
      expect(inPack.anchorPages).toEqual(standAlone.anchorPages);
      const text = pdfText(Buffer.from(inPack.pdf));
      const alone = pdfText(Buffer.from(standAlone.pdf));
      expect(text).toContain('Agenda Item 1');
      expect(alone).not.toContain('Agenda Item');
      // The same pages, text and charts as the stand-alone report (the board pack's copy: its pages
      // are numbered from 1 too), with the pack's stamp.
      expect(text.split('\f').length).toBe(alone.split('\f').length);
      const withoutStamp = (t: string): string => t.replace(/Agenda Item 1\s+Appendix 1/, '').replace(/\s+/g, ' ');
      expect(withoutStamp(text) === withoutStamp(alone)).toBe(true);
    } finally {
      builder.tryLayoutDocument = tryLayout;
    }
  });

  it('hands its charts on once, at their final sizes, before its pages are written, and they are placed as the calling thread places them', async () => {
    const own = [...blocks, { kind: 'paragraph', runs: [{ text: `Charts handed on at ${Date.now()}` }] }] as Block[];
    const handed: Array<{ charts: ChartToDraw[]; pagesWritten: number }> = [];
    let pagesWritten = 0;
    const renderer = (require('pdfmake/js/Renderer') as { default: { prototype: Record<string, unknown> } }).default.prototype;
    const renderPages = renderer.renderPages as (...args: unknown[]) => unknown;
    renderer.renderPages = function (this: unknown, ...args: unknown[]) {
      pagesWritten += 1;
      return renderPages.apply(this, args);
    };
    let pages: Awaited<ReturnType<typeof layOutPages>>;
    try {
      pages = await layOutPages({ kind: 'report', blocks: own, options: options({ firstPage: 1 }) }, (charts) => handed.push({ charts, pagesWritten }));
    } finally {
      renderer.renderPages = renderPages;
    }
    // The sample report's charts are laid out twice to fill their pages: handed on once, after the second layout.
    expect(pages.chartFits?.length).toBeGreaterThan(0);
    expect(handed).toEqual([{ charts: pages.charts!.toDraw, pagesWritten: 0 }]);
    expect(pagesWritten).toBe(1);
    expect(handed[0]!.charts.length).toBe(26);
    // The pages come without the charts; placed, they are the document layOutTask makes.
    const placed = await chartsPlaced(pages);
    expect(placed.chartMs).toBeGreaterThan(0);
    const whole = await layOutTask({ kind: 'report', blocks: own, options: options({ firstPage: 1 }), chartFits: pages.chartFits! });
    expect(pdfText(Buffer.from(placed.pdf))).toBe(pdfText(Buffer.from(whole.pdf)));
    expect(placed.pdf.length).toBeGreaterThan(pages.pdf.length + 26 * 1000);
  });
});
