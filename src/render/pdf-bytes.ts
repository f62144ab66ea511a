import { createRequire } from 'node:module';
import { FONT_FAMILY, FONT_FILES, fontBytes, shareParsedFonts, warmFonts, type FontStyle } from './fonts.js';
import { CHART_SLOT, type ChartSlot } from './place-charts.js';

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
  renderer.renderLine = function (this: unknown, line: Record<string, unknown>, ...rest: unknown[]): unknown {
    if (line._pageNodeRef) line._pageNodeRef = shifted(line._pageNodeRef);
    for (const inline of (line.inlines as Array<Record<string, unknown>> | undefined) ?? []) {
      if (inline._pageNodeRef) inline._pageNodeRef = shifted(inline._pageNodeRef);
    }
    return renderLine.call(this, line, ...rest);
  };
}

interface PageItem {
  type: string;
  item: Record<string, unknown> & { x?: number; y?: number };
}

/**
 * A chart's box (place-charts.ts, chartBox) is an empty vector. As pdfmake writes the pages, each box
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

/**
 * pdfkit shapes each word of a document's text with fontkit once and keeps the result, but keeps it in
 * the font object of that one document: every document (and each copy of a report with other page
 * numbers) shaped the same words again, in measuring and again in writing. A shaped word depends on the
 * font alone (fonts.ts gives every document the same parsed font), so every document of the process
 * shares one cache per font. pdfkit never changes a cached word's glyphs or positions (it copies what
 * it adjusts). Bounded for a long-running console or scheduler: a cache past its limit starts afresh.
 */
const SHAPED_WORDS_LIMIT = 50_000;

function shareShapedWords(): void {
  const document = (require('pdfmake/js/PDFDocument') as { default: { prototype: Record<string, unknown> } }).default.prototype;
  const provideFont = document.provideFont as (this: unknown, ...args: unknown[]) => { font: object; layoutCache?: Record<string, unknown> };
  const shared = new WeakMap<object, Record<string, unknown>>();
  document.provideFont = function (this: unknown, ...args: unknown[]) {
    const font = provideFont.apply(this, args);
    // A document's font object is made once and then returned for each text: only a new one is changed.
    if (font.layoutCache === undefined || font.layoutCache === shared.get(font.font)) return font;
    let cache = shared.get(font.font);
    if (cache === undefined || Object.keys(cache).length > SHAPED_WORDS_LIMIT) {
      cache = Object.create(null) as Record<string, unknown>;
      shared.set(font.font, cache);
    }
    font.layoutCache = cache;
    return font;
  };
}

type Style = Record<string, unknown> & { extends?: string | string[] };
export interface StyleStack {
  styleDictionary: Record<string, Style | undefined>;
  styleOverrides?: Array<string | Record<string, unknown>>;
  defaultStyle?: Record<string, unknown>;
}
const isValue = (value: unknown): boolean => value !== undefined && value !== null;
const isName = (value: unknown): value is string => typeof value === 'string' || value instanceof String;

/** A named style's value of a property, through the styles it extends (pdfmake's getStylePropertyFromStyle). */
function namedStyleValue(styles: StyleStack['styleDictionary'], name: string, property: string, visited?: Set<string>): unknown {
  const style = styles[name];
  if (!style) return undefined;
  if (isValue(style[property])) return style[property];
  if (!style.extends) return undefined;
  const seen = visited ?? new Set<string>();
  if (seen.has(name)) return undefined;
  seen.add(name);
  const parents = Array.isArray(style.extends) ? style.extends : [style.extends];
  for (let i = parents.length - 1; i >= 0; i--) {
    const value = namedStyleValue(styles, parents[i] ?? '', property, seen);
    if (isValue(value)) return value;
  }
  return undefined;
}

/** The stack's value of a property, top down, else the default style's (pdfmake's getProperty). */
function stackValue(stack: StyleStack, property: string): unknown {
  const overrides = stack.styleOverrides ?? [];
  for (let i = overrides.length - 1; i >= 0; i--) {
    const item = overrides[i];
    const value = isName(item) ? namedStyleValue(stack.styleDictionary, String(item), property) : item?.[property];
    if (isValue(value)) return value;
  }
  return stack.defaultStyle?.[property];
}

/**
 * pdfmake looks a text's every style property up (font, size, bold, colour, line height …) through the
 * stack of styles around it, and each lookup pushed the text's own styles onto the stack, made two
 * closures and a Set, and popped them: about a tenth of the layout thread's time. The same lookups,
 * in the same order and with the same results, without pushing or allocating.
 */
interface StyleLookups {
  getProperty: (this: StyleStack, property: string) => unknown;
  getStyleProperty: (this: void, item: unknown, stack: StyleStack | undefined, property: string, defaultValue: unknown) => unknown;
}

const quickLookups: StyleLookups = {
  getProperty(this: StyleStack, property: string): unknown {
    return stackValue(this, property);
  },
  getStyleProperty(this: void, item: unknown, stack: StyleStack | undefined, property: string, defaultValue: unknown): unknown {
    const own = item as Record<string, unknown>;
    if (isValue(own[property])) return own[property];
    if (!stack) return defaultValue;
    // What pdfmake pushed for the lookup: the item's named styles (the last one on top), above the stack.
    const style = !isName(item) && own.section === undefined && own.style ? own.style : undefined;
    const names = style === undefined ? [] : Array.isArray(style) ? (style as unknown[]) : [style];
    for (let i = names.length - 1; i >= 0; i--) {
      const value = namedStyleValue(stack.styleDictionary, String(names[i]), property);
      if (isValue(value)) return value;
    }
    const value = stackValue(stack, property);
    return isValue(value) ? value : defaultValue;
  },
};
let originalLookups: StyleLookups | undefined;

function quickStyleLookups(): void {
  const StyleContextStack = (require('pdfmake/js/StyleContextStack') as { default: { prototype: Record<string, unknown> } & Record<string, unknown> }).default;
  originalLookups = {
    getProperty: StyleContextStack.prototype.getProperty as StyleLookups['getProperty'],
    getStyleProperty: StyleContextStack.getStyleProperty as StyleLookups['getStyleProperty'],
  };
  StyleContextStack.prototype.getProperty = quickLookups.getProperty;
  StyleContextStack.getStyleProperty = quickLookups.getStyleProperty;
}

/** The style lookups pdfmake now makes, and its own (for the test that they agree). */
export function pdfmakeStyleLookups(): { quick: StyleLookups; original: StyleLookups } {
  pdfmake();
  if (!originalLookups) throw new Error('pdfmake was loaded without its quick style lookups');
  return { quick: quickLookups, original: originalLookups };
}

/** Where a document's pageBreakBefore function carries the check made once its pages are laid out (see renderPdfUnless). */
const LAID_OUT = Symbol('b4b.laidOut');

/** Thrown from pdfmake's layout when the document is to be laid out again: nothing of it is written. */
class LayOutAgain extends Error {}

/**
 * pdfmake lays a document out and writes it in one call. A check given with the document
 * (renderPdfUnless) runs between the two, once the pages are final, and may stop the call there.
 */
function checkOnceLaidOut(): void {
  const builder = (require('pdfmake/js/LayoutBuilder') as { default: { prototype: Record<string, unknown> } }).default.prototype;
  const layoutDocument = builder.layoutDocument as (this: unknown, ...args: unknown[]) => unknown;
  builder.layoutDocument = function (this: unknown, ...args: unknown[]): unknown {
    const pages = layoutDocument.apply(this, args);
    // pdfmake passes the document's pageBreakBefore last.
    const check = (args[args.length - 1] as { [LAID_OUT]?: () => boolean } | undefined)?.[LAID_OUT];
    if (check?.()) throw new LayOutAgain();
    return pages;
  };
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
    checkOnceLaidOut();
    quickStyleLookups();
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

/**
 * Lays a document out and writes it, unless `again`, asked once its pages are laid out (its
 * pageBreakBefore has seen every node), says it is to be laid out again: then nothing is written (no
 * page drawn, no font embedded) and the result is undefined.
 */
export async function renderPdfUnless(doc: Record<string, unknown>, again: () => boolean): Promise<Buffer | undefined> {
  const rule = doc.pageBreakBefore as ((...args: unknown[]) => boolean) | undefined;
  const pageBreakBefore = Object.assign((...args: unknown[]): boolean => (rule ? rule(...args) : false), { [LAID_OUT]: again });
  try {
    return await render({ ...doc, pageBreakBefore }, {});
  } catch (error) {
    if (error instanceof LayOutAgain) return undefined;
    throw error;
  }
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
