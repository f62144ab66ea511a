import { createRequire } from 'node:module';
import { FONT_FAMILY, FONT_FILES, fontBytes, shareParsedFonts, warmFonts, type FontStyle } from './fonts.js';
import { CHART_SLOT, type ChartSlot } from './chart-slot.js';
import { joinWrittenText, quickStyleLookups, shareShapedWords, styleLookups, type StyleLookups } from './pdfmake-speed.js';

const require = createRequire(import.meta.url);

interface VirtualFs {
  writeFileSync(name: string, content: Buffer): void;
}

interface PdfMake {
  virtualfs: VirtualFs;
  setFonts(fonts: Record<string, Record<string, string>>): void;
  setUrlAccessPolicy(callback: (url: string) => boolean): void;
  setLocalAccessPolicy(callback: (path: string) => boolean): void;
  createPdf(doc: Record<string, unknown>): { getBuffer(): Promise<Buffer> };
}

let instance: PdfMake | undefined;

/** A heading the contents page refers to: pdfmake sets its positions; we set the pack page offset. */
interface PageNodeRef {
  positions?: Array<{ pageNumber: number }>;
  pageNumberOffset?: number;
}

/**
 * pdfmake prints a contents entry's page number as the PDF page (1, 2, 3) and has no offset
 * (bpampuch/pdfmake#2363). A heading node may carry `pageNumberOffset` (the document's first pack page
 * less one); the contents then prints the page its footer reads ("Page 119").
 */
function offsetContentsPageNumbers(): void {
  const renderer = (require('pdfmake/js/Renderer') as { default: { prototype: Record<string, unknown> } }).default.prototype;
  const renderLine = renderer.renderLine as (this: unknown, line: Record<string, unknown>, ...rest: unknown[]) => unknown;
  const shifted = (ref: PageNodeRef | undefined): PageNodeRef | undefined => {
    const first = ref?.positions?.[0];
    if (!ref || !first || !ref.pageNumberOffset) return ref;
    return { positions: [{ ...first, pageNumber: first.pageNumber + ref.pageNumberOffset }] };
  };
  // Shifted only while the line is written: the heading keeps its offset, for a copy written with another (writeAgain).
  renderer.renderLine = function (this: unknown, line: Record<string, unknown>, ...rest: unknown[]): unknown {
    const inlines = (line.inlines as Array<Record<string, unknown>> | undefined) ?? [];
    // Only a contents line refers to a page.
    if (!line._pageNodeRef && !inlines.some((inline) => inline._pageNodeRef)) return renderLine.call(this, line, ...rest);
    const refs = [line, ...inlines].filter((item) => item._pageNodeRef);
    const kept = refs.map((item) => item._pageNodeRef as PageNodeRef);
    refs.forEach((item, i) => (item._pageNodeRef = shifted(kept[i])));
    try {
      return renderLine.call(this, line, ...rest);
    } finally {
      refs.forEach((item, i) => (item._pageNodeRef = kept[i]));
    }
  };
}

interface PageItem {
  type: string;
  item: Record<string, unknown> & { x?: number; y?: number };
}

/**
 * A chart's box (chart-slot.ts, chartBox) is an empty vector. As pdfmake writes the pages, each box
 * records the page and position it landed on, and in its place in the page's drawing order the page
 * draws the chart's form XObject, by the name the chart will have (placeCharts adds the form under
 * that name): so the chart's text comes where the box is, before the footer, as a reader meets it.
 */
function recordChartSlots(): void {
  const renderer = (require('pdfmake/js/Renderer') as { default: { prototype: Record<string, unknown> } }).default.prototype;
  const renderPages = renderer.renderPages as (this: unknown, pages: Array<{ items: PageItem[] }>) => unknown;
  const renderVector = renderer.renderVector as (this: { pdfDocument: { addContent(data: string): unknown } }, vector: Record<string, unknown>) => unknown;
  renderer.renderPages = function (this: unknown, pages: Array<{ items: PageItem[] }>): unknown {
    pages.forEach((page, index) => {
      for (const { type, item } of page.items) {
        const slot = type === 'vector' ? (item[CHART_SLOT] as ChartSlot | undefined) : undefined;
        if (slot) slot.placed.push({ page: index, x: item.x ?? 0, y: item.y ?? 0 });
      }
    });
    return renderPages.call(this, pages);
  };
  renderer.renderVector = function (this: { pdfDocument: { addContent(data: string): unknown } }, vector: Record<string, unknown>): unknown {
    const slot = vector[CHART_SLOT] as ChartSlot | undefined;
    if (!slot) return renderVector.call(this, vector);
    // pdfkit's page space runs downwards: the form (upwards, from its foot) is flipped and set at the box's foot.
    const x = Number(vector.x ?? 0);
    const foot = Number(vector.y ?? 0) + slot.size.height;
    this.pdfDocument.addContent(`q 1 0 0 -1 ${x.toFixed(3)} ${foot.toFixed(3)} cm /${slot.name} Do Q`);
    return undefined;
  };
}

/** What a pdfmake line's text is written in: a font object of the document being written. */
interface Inline {
  font: object;
}
interface Page {
  items: PageItem[];
}
interface LayoutBuilder {
  writer: { context(): { pages: Page[] } };
  addHeadersAndFooters(header: unknown, footer: unknown): void;
  [BODIES]?: PageItem[][];
}
/** What each page held before its header and footer were added, on the builder that laid it out. */
const BODIES = Symbol('b4b.bodies');

/**
 * What pdfmake laid out for one document, kept to write copies of it with other headers and footers
 * (writeAgain): its pages, what each held before its header and footer, and the builder that adds them.
 */
export interface KeptLayout {
  readonly builder: LayoutBuilder;
  readonly pages: Page[];
  readonly bodies: PageItem[][];
}

/** What a document's pageBreakBefore function may carry for pdfmake's layout (see markedLayout). */
const MARKS = Symbol('b4b.layoutMarks');
interface LayoutMarks {
  /** Asked once the pages are laid out: true stops the call there, and nothing is written. */
  again?: () => boolean;
  /** Given what was laid out (the final layout), to write copies of it (writeAgain). */
  keep?: (layout: KeptLayout) => void;
  /** A kept layout, written instead of laying the document out. */
  reuse?: KeptLayout;
}

/** Thrown from pdfmake's layout when the document is to be laid out again: nothing of it is written. */
class LayOutAgain extends Error {}

/** Each font object pdfmake gave a document, by its family and style: a copy's text is written in the same font of its own document. */
const fontStyles = new WeakMap<object, [family: unknown, bold: unknown, italics: unknown]>();

interface PdfmakeDocument {
  provideFont(family: unknown, bold: unknown, italics: unknown): object;
}

/**
 * pdfmake lays a document out and writes it in one call (Printer.createPdfKitDocument). Marks carried
 * by the document's pageBreakBefore act between the two, once the pages are final: a check may stop
 * the call there; the layout may be kept; or a kept layout is written instead of laying out again.
 */
function markedLayout(): void {
  const builder = (require('pdfmake/js/LayoutBuilder') as { default: { prototype: Record<string, unknown> } }).default.prototype;
  const layoutDocument = builder.layoutDocument as (this: LayoutBuilder, ...args: unknown[]) => Page[];
  const addHeadersAndFooters = builder.addHeadersAndFooters as (this: LayoutBuilder, header: unknown, footer: unknown) => void;
  builder.addHeadersAndFooters = function (this: LayoutBuilder, header: unknown, footer: unknown): void {
    this[BODIES] = this.writer.context().pages.map((page) => [...page.items]);
    addHeadersAndFooters.call(this, header, footer);
  };
  builder.layoutDocument = function (this: LayoutBuilder, ...args: unknown[]): Page[] {
    // pdfmake passes the document's pageBreakBefore last; the document being written second, the header and footer sixth and seventh.
    const marks = (args[args.length - 1] as { [MARKS]?: LayoutMarks } | undefined)?.[MARKS];
    if (marks?.reuse) return headersAndFootersAgain(marks.reuse, args[1] as PdfmakeDocument, args[5], args[6]);
    const pages = layoutDocument.apply(this, args);
    if (marks?.again?.()) throw new LayOutAgain();
    marks?.keep?.({ builder: this, pages, bodies: this[BODIES] ?? pages.map((page) => [...page.items]) });
    return pages;
  };
  const document = (require('pdfmake/js/PDFDocument') as { default: { prototype: Record<string, unknown> } }).default.prototype;
  const provideFont = document.provideFont as (this: unknown, family: unknown, bold: unknown, italics: unknown) => object;
  document.provideFont = function (this: unknown, family: unknown, bold: unknown, italics: unknown): object {
    const font = provideFont.call(this, family, bold, italics);
    if (!fontStyles.has(font)) fontStyles.set(font, [family, bold, italics]);
    return font;
  };
}

/**
 * A kept layout made ready to be written into another document: each page's body as laid out, the
 * header and footer of this copy (stamp, page numbers) added as pdfmake adds them, and every line's
 * text set in the same fonts of the document being written (pdfkit embeds each document's own subset).
 */
function headersAndFootersAgain(kept: KeptLayout, into: PdfmakeDocument, header: unknown, footer: unknown): Page[] {
  kept.pages.forEach((page, i) => (page.items = [...(kept.bodies[i] ?? [])]));
  kept.builder.addHeadersAndFooters(header, footer);
  for (const page of kept.pages) {
    for (const { type, item } of page.items) {
      if (type !== 'line') continue;
      for (const inline of item.inlines as Inline[]) {
        const style = fontStyles.get(inline.font);
        if (!style) throw new Error('a kept layout holds text in a font pdfmake did not provide');
        inline.font = into.provideFont(...style);
      }
    }
  }
  return kept.pages;
}

/** The style lookups pdfmake now makes, and its own (for the test that they agree). */
export function pdfmakeStyleLookups(): { quick: StyleLookups; original: StyleLookups } {
  pdfmake();
  const lookups = styleLookups();
  if (!lookups) throw new Error('pdfmake was loaded without its quick style lookups');
  return lookups;
}

/** pdfmake 0.3 on the server: fonts from the package's files only, no URL fetching at all. */
function pdfmake(): PdfMake {
  if (!instance) {
    // Before pdfkit is loaded: every document then lays text out with the one parsed copy of each font.
    shareParsedFonts();
    instance = require('pdfmake') as PdfMake;
    // The fonts are served from pdfmake's in-memory file system, read once per process: pdfkit gets the
    // same Buffer for every document (and so the same parsed font), and no local file is read at all.
    const virtual: Record<string, string> = {};
    for (const style of Object.keys(FONT_FILES) as FontStyle[]) {
      virtual[style] = `fonts/${FONT_FAMILY}-${style}.ttf`;
      instance.virtualfs.writeFileSync(virtual[style], fontBytes(style));
    }
    instance.setFonts({ [FONT_FAMILY]: virtual });
    instance.setLocalAccessPolicy(() => false);
    instance.setUrlAccessPolicy(() => false);
    offsetContentsPageNumbers();
    recordChartSlots();
    shareShapedWords();
    quickStyleLookups();
    joinWrittenText();
    markedLayout();
  }
  return instance;
}

/** Loads pdfmake and decodes the fonts' tables now (a layout thread does this as it starts), not in the first layout. */
export function prepareLayout(): void {
  pdfmake();
  warmFonts();
}

let documentCount = 0;

/**
 * Renders a pdfmake document. `images` (name → bytes) go through pdfmake's in-memory file system
 * rather than as base64 data URLs, which pdfmake would decode again; each document's names are its own.
 */
export function renderPdf(doc: Record<string, unknown>, images: Record<string, Buffer> = {}): Promise<Buffer> {
  return render(doc, images);
}

/** The document with marks for its layout on its pageBreakBefore (which keeps its own rule). */
function marked(doc: Record<string, unknown>, marks: LayoutMarks): Record<string, unknown> {
  const rule = doc.pageBreakBefore as ((...args: unknown[]) => boolean) | undefined;
  return { ...doc, pageBreakBefore: Object.assign((...args: unknown[]): boolean => (rule ? rule(...args) : false), { [MARKS]: marks }) };
}

/**
 * Lays a document out and writes it, keeping its layout to write copies of it (writeAgain); unless
 * `again`, asked once its pages are laid out (its pageBreakBefore has seen every node), says it is to
 * be laid out again: then nothing is written (no page drawn, no font embedded) and the result is undefined.
 */
export async function layOutAndWrite(
  doc: Record<string, unknown>,
  again: () => boolean = () => false,
): Promise<{ pdf: Buffer; layout: KeptLayout } | undefined> {
  let layout: KeptLayout | undefined;
  try {
    const pdf = await render(marked(doc, { again, keep: (kept) => (layout = kept) }), {});
    if (!layout) throw new Error('pdfmake wrote the document without laying it out');
    return { pdf, layout };
  } catch (error) {
    if (error instanceof LayOutAgain) return undefined;
    throw error;
  }
}

/**
 * Writes a copy of a kept layout: `doc` is the document it was laid out from, whose header, footer,
 * contents' page numbers and metadata may since have changed (BuiltDocument.restamp) and nothing else.
 * One copy at a time of a layout: its pages are set up for the copy being written.
 */
export function writeAgain(layout: KeptLayout, doc: Record<string, unknown>): Promise<Buffer> {
  return render(marked(doc, { reuse: layout }), {});
}

async function render(doc: Record<string, unknown>, images: Record<string, Buffer>): Promise<Buffer> {
  const maker = pdfmake();
  documentCount += 1;
  const dictionary: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(images)) {
    const file = `doc-${documentCount}/${name}`;
    maker.virtualfs.writeFileSync(file, bytes);
    dictionary[name] = file;
  }
  try {
    return await maker.createPdf({ ...doc, images: dictionary }).getBuffer();
  } finally {
    // Free the image bytes once the document is written: the file system outlives the document.
    const storage = (maker.virtualfs as unknown as { storage?: Record<string, unknown> }).storage;
    if (storage) for (const file of Object.values(dictionary)) delete storage[file];
  }
}
