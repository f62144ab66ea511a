import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * pdfmake made quicker where the layout thread's profile showed it repeating work, with the same
 * output: every document's bytes are what pdfmake alone writes (test/render/pdf-bytes.test.ts).
 * Installed once, as pdfmake is loaded (pdf-bytes.ts).
 */

/**
 * pdfkit shapes each word of a document's text with fontkit once and keeps the result, but keeps it in
 * the font object of that one document: every document (and each copy of a report with other page
 * numbers) shaped the same words again, in measuring and again in writing. A shaped word depends on the
 * font alone (fonts.ts gives every document the same parsed font), so every document of the process
 * shares one cache per font. pdfkit never changes a cached word's glyphs or positions (it copies what
 * it adjusts). Bounded for a long-running console or scheduler: a cache past its limit starts afresh.
 */
const SHAPED_WORDS_LIMIT = 50_000;

export function shareShapedWords(): void {
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

/** What pdfkit's PDFReference (an object of the PDF being written; a page's content is one) holds as it is written. */
interface PdfReference {
  data: { Length?: number; Filter?: string };
  compress: boolean;
  uncompressedLength: number;
  buffer: Uint8Array[];
  write: (this: PdfReference, chunk: unknown) => void;
  finalize: (this: PdfReference) => void;
  [TEXT]?: string[];
}
/** The text written to a reference since its last binary chunk. */
const TEXT = Symbol('b4b.text');

/** The prototype of pdfkit's PDFReference class, which pdfkit does not export: reached through a reference made for no document. */
export function pdfReferencePrototype(): PdfReference {
  const PDFDocument = require('pdfkit') as { prototype: { ref(this: unknown, data?: object): PdfReference } };
  return Object.getPrototypeOf(PDFDocument.prototype.ref.call({ _offsets: [], _waiting: 0, compress: false })) as PdfReference;
}

let originalReference: Pick<PdfReference, 'write' | 'finalize'> | undefined;

/**
 * pdfkit writes every drawing operator of a page as a Buffer of its own (thousands of a few bytes a
 * page) and joins them as the page ends: in the profile of a report's pages, about a fifth of their
 * writing. Written text is kept as text and made one Buffer where pdfkit would join the Buffers (at a
 * binary chunk, and at the end), with the same bytes: pdfkit's text is written as latin1 ('binary'),
 * one byte a character, so the text joined gives the bytes the Buffers joined give.
 */
export function joinWrittenText(): void {
  if (originalReference) return;
  const prototype = pdfReferencePrototype();
  const original = { write: prototype.write, finalize: prototype.finalize };
  originalReference = original;
  const flush = (ref: PdfReference): void => {
    const text = ref[TEXT];
    if (text === undefined || text.length === 0) return;
    ref.buffer.push(Buffer.from(text.join(''), 'binary'));
    ref[TEXT] = [];
  };
  prototype.write = function (this: PdfReference, chunk: unknown): void {
    if (chunk instanceof Uint8Array) {
      flush(this);
      original.write.call(this, chunk);
      return;
    }
    // As pdfkit's own write (the chunk and a newline, as `chunk + '\n'` makes them), but the line kept as text.
    const line = (chunk as string) + '\n';
    (this[TEXT] ??= []).push(line);
    this.uncompressedLength += line.length;
    this.data.Length = (this.data.Length ?? 0) + line.length;
    if (this.compress) this.data.Filter = 'FlateDecode';
  };
  prototype.finalize = function (this: PdfReference): void {
    flush(this);
    original.finalize.call(this);
  };
}

/** pdfkit's own write and finalize of a reference, for the test that the text joined writes the same bytes (undefined before joinWrittenText). */
export function pdfkitReferenceWriting(): { joined: Pick<PdfReference, 'write' | 'finalize'>; original: Pick<PdfReference, 'write' | 'finalize'> } | undefined {
  if (!originalReference) return undefined;
  const prototype = pdfReferencePrototype();
  return { joined: { write: prototype.write, finalize: prototype.finalize }, original: originalReference };
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
export interface StyleLookups {
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

/** The style lookups pdfmake makes once quickStyleLookups has run, and its own (for the test that they agree). */
export function styleLookups(): { quick: StyleLookups; original: StyleLookups } | undefined {
  return originalLookups ? { quick: quickLookups, original: originalLookups } : undefined;
}

export function quickStyleLookups(): void {
  const StyleContextStack = (require('pdfmake/js/StyleContextStack') as { default: { prototype: Record<string, unknown> } & Record<string, unknown> }).default;
  originalLookups = {
    getProperty: StyleContextStack.prototype.getProperty as StyleLookups['getProperty'],
    getStyleProperty: StyleContextStack.getStyleProperty as StyleLookups['getStyleProperty'],
  };
  StyleContextStack.prototype.getProperty = quickLookups.getProperty;
  StyleContextStack.getStyleProperty = quickLookups.getStyleProperty;
}
