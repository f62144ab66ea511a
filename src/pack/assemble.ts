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

/** Where each part goes: its first "Page N", its page count, and whether a blank page follows. */
export interface PlannedPart {
  start: number;
  pages: number;
  blankAfter: boolean;
}

/**
 * The page plan of a pack, from page counts alone: each part starts on an odd page; a part that
 * ends on an odd page is followed by a blank page; an exempt part is one "Document is Confidential"
 * page in the public pack. Pure, so the agenda's ranges are known before anything is assembled.
 */
export function planPack(
  parts: Array<{ item: number; pages: number; exempt: boolean }>,
  variant: PackVariant,
  firstPage: number,
): { parts: PlannedPart[]; ranges: Array<{ item: number; first: number; last: number }> } {
  if (firstPage % 2 !== 1) throw new Error(`the first page number must be odd, not ${firstPage}`);
  let next = firstPage;
  const planned: PlannedPart[] = [];
  const ranges = new Map<number, { item: number; first: number; last: number }>();
  for (const part of parts) {
    const pages = part.exempt && variant === 'public' ? 1 : part.pages;
    const start = next;
    const blankAfter = (start + pages - 1) % 2 === 1;
    next = start + pages + (blankAfter ? 1 : 0);
    planned.push({ start, pages, blankAfter });
    const range = ranges.get(part.item);
    ranges.set(part.item, { item: part.item, first: range?.first ?? start, last: next - 1 });
  }
  return { parts: planned, ranges: [...ranges.values()] };
}

/** Each part's PDF, loaded once for every assembly of the pack. */
export async function loadParts(parts: PackPart[]): Promise<PDFDocument[]> {
  return Promise.all(parts.map((part) => PDFDocument.load(part.bytes)));
}

/**
 * Puts the pack together by the plan: front matter (unnumbered, padded to an even page count),
 * then each part, blank and confidential pages as planned, and "Page N" stamped on every item page.
 * Returns the document as well as its bytes, so item files can be cut from it without reloading.
 */
export async function assemblePack(parts: PackPart[], documents: PDFDocument[], options: AssembleOptions): Promise<AssembledPack & { document: PDFDocument }> {
  const plan = planPack(parts.map((p, i) => ({ item: p.item, pages: documents[i]?.getPageCount() ?? 0, exempt: p.exempt })), options.variant, options.firstPage);
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

  const ranges = new Map<number, ItemRange>();
  for (const [i, part] of parts.entries()) {
    const planned = plan.parts[i];
    const source = documents[i];
    if (!planned || !source) continue;
    const firstIndex = pack.getPageCount();
    if (part.exempt && options.variant === 'public') {
      centredPage(pack, font, CONFIDENTIAL_TEXT);
    } else {
      for (const page of await pack.copyPages(source, source.getPageIndices())) pack.addPage(page);
    }
    if (planned.blankAfter) centredPage(pack, font, BLANK_PAGE_TEXT);
    if (options.numberPages) {
      for (let index = firstIndex, n = planned.start; index < pack.getPageCount(); index++, n++) stampPageNumber(pack.getPage(index), font, `Page ${n}`);
    }
    const itemRange = plan.ranges.find((r) => r.item === part.item);
    const known = ranges.get(part.item);
    ranges.set(part.item, {
      item: part.item,
      first: itemRange?.first ?? planned.start,
      last: itemRange?.last ?? planned.start,
      firstIndex: known?.firstIndex ?? firstIndex,
      lastIndex: pack.getPageCount() - 1,
    });
  }
  pack.setTitle(options.metadata.title, { showInWindowTitleBar: true });
  pack.setSubject(options.metadata.subject);
  pack.setAuthor(options.metadata.author);
  pack.setLanguage('en-GB');
  pack.setCreator('b4b-reports');
  pack.setProducer('b4b-reports (pdfmake, pdf-lib)');
  const bytes = await pack.save();
  return { bytes, document: pack, ranges: [...ranges.values()], partStarts: plan.parts.map((p) => p.start), pageCount: pack.getPageCount() };
}

/** Pages `first`..`last` (zero-based, inclusive) of an assembled pack as a PDF of their own. */
export async function extractPages(source: PDFDocument, first: number, last: number, metadata: AssembleOptions['metadata']): Promise<Uint8Array> {
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
