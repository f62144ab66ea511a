import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { readFileSync } from 'node:fs';
import { FONT_FILES } from '../render/fonts.js';

/** A document of the pack, already rendered: a covering report, an appendix or a PDF from elsewhere. */
export interface PackPart {
  /** Index of the agenda item it belongs to. */
  item: number;
  title: string;
  bytes: Uint8Array;
  exempt: boolean;
}

export type PackVariant = 'public' | 'restricted';

export interface AssembleOptions {
  variant: PackVariant;
  /** "Page N" of the first item's first page (odd). */
  firstPage: number;
  /** Stamp "Page N" on the item pages; off for committee systems that number pages themselves. */
  numberPages: boolean;
  /** Front sheet and agenda, placed before the items and not numbered. */
  frontMatter?: Uint8Array;
  metadata: { title: string; subject: string; author: string };
}

export interface ItemRange {
  item: number;
  /** Pack page numbers ("Page N") of the item's first and last page, its trailing blank page included. */
  first: number;
  last: number;
  /** Zero-based physical page indexes in the assembled file. */
  firstIndex: number;
  lastIndex: number;
}

export interface AssembledPack {
  bytes: Uint8Array;
  ranges: ItemRange[];
  /** The pack page number at which each part starts (public: the confidential page). */
  partStarts: number[];
  pageCount: number;
}

export const BLANK_PAGE_TEXT = 'This page is intentionally left blank';
export const CONFIDENTIAL_TEXT = 'Document is Confidential';
const A4_PORTRAIT: [number, number] = [595.28, 841.89];

let fontBytes: Buffer | undefined;

function centredPage(pack: PDFDocument, font: PDFFont, text: string): PDFPage {
  const page = pack.addPage(A4_PORTRAIT);
  const size = 14;
  const width = font.widthOfTextAtSize(text, size);
  page.drawText(text, { x: (A4_PORTRAIT[0] - width) / 2, y: A4_PORTRAIT[1] / 2, size, font, color: rgb(0, 0, 0) });
  return page;
}

function stampPageNumber(page: PDFPage, font: PDFFont, label: string): void {
  const size = 9;
  const width = font.widthOfTextAtSize(label, size);
  page.drawText(label, { x: (page.getWidth() - width) / 2, y: 16, size, font, color: rgb(0, 0, 0) });
}

/**
 * Puts the pack together: front matter, then each part starting on an odd page, a page reading
 * "This page is intentionally left blank" after a part that ends on an odd page, exempt parts
 * replaced in the public variant by a "Document is Confidential" page, and "Page N" numbering
 * running on from the configured first page. Returns the bytes and where each item really lies.
 */
export async function assemblePack(parts: PackPart[], options: AssembleOptions): Promise<AssembledPack> {
  if (options.firstPage % 2 !== 1) throw new Error(`the first page number must be odd, not ${options.firstPage}`);
  const pack = await PDFDocument.create();
  pack.registerFontkit(fontkit);
  fontBytes ??= readFileSync(FONT_FILES.normal);
  // Not subset: pdf-lib's subsetting of Arimo drops glyphs ("Page 19" printed as "P   19").
  const font = await pack.embedFont(fontBytes, { subset: false });

  if (options.frontMatter) {
    const front = await PDFDocument.load(options.frontMatter);
    for (const page of await pack.copyPages(front, front.getPageIndices())) pack.addPage(page);
    // Items start on a right-hand page when printed double-sided.
    if (pack.getPageCount() % 2 === 1) centredPage(pack, font, BLANK_PAGE_TEXT);
  }

  let number = options.firstPage;
  const numberOf = new Map<number, number>(); // physical index → pack page number
  const partStarts: number[] = [];
  const ranges = new Map<number, ItemRange>();
  for (const part of parts) {
    const startIndex = pack.getPageCount();
    partStarts.push(number);
    if (part.exempt && options.variant === 'public') {
      centredPage(pack, font, CONFIDENTIAL_TEXT);
    } else {
      const source = await PDFDocument.load(part.bytes);
      for (const page of await pack.copyPages(source, source.getPageIndices())) pack.addPage(page);
    }
    for (let i = startIndex; i < pack.getPageCount(); i++) numberOf.set(i, number++);
    // The next part must start on an odd page.
    if ((number - 1) % 2 === 1) {
      centredPage(pack, font, BLANK_PAGE_TEXT);
      numberOf.set(pack.getPageCount() - 1, number++);
    }
    const range = ranges.get(part.item);
    const lastIndex = pack.getPageCount() - 1;
    ranges.set(part.item, {
      item: part.item,
      first: range?.first ?? (numberOf.get(startIndex) ?? 0),
      firstIndex: range?.firstIndex ?? startIndex,
      last: number - 1,
      lastIndex,
    });
  }
  if (options.numberPages) {
    for (const [index, pageNumber] of numberOf) stampPageNumber(pack.getPage(index), font, `Page ${pageNumber}`);
  }
  pack.setTitle(options.metadata.title, { showInWindowTitleBar: true });
  pack.setSubject(options.metadata.subject);
  pack.setAuthor(options.metadata.author);
  pack.setLanguage('en-GB');
  pack.setCreator('b4b-reports');
  pack.setProducer('b4b-reports (pdfmake, pdf-lib)');
  const bytes = await pack.save();
  return { bytes, ranges: [...ranges.values()], partStarts, pageCount: pack.getPageCount() };
}

/** Pages `first`..`last` (zero-based, inclusive) of a PDF as a PDF of their own. */
export async function extractPages(bytes: Uint8Array, first: number, last: number, metadata: AssembleOptions['metadata']): Promise<Uint8Array> {
  const source = await PDFDocument.load(bytes);
  const out = await PDFDocument.create();
  const indices = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  for (const page of await out.copyPages(source, indices)) out.addPage(page);
  out.setTitle(metadata.title, { showInWindowTitleBar: true });
  out.setSubject(metadata.subject);
  out.setAuthor(metadata.author);
  out.setLanguage('en-GB');
  out.setCreator('b4b-reports');
  return out.save();
}
