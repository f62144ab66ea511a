import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import type { FurniturePage } from './furniture.js';
import { readOutline, shiftOutline, writeOutline, type OutlineEntry } from './outline.js';
import { LOAD_OPTIONS, SAVE_OPTIONS } from '../render/pdf-lib-options.js';

/** A document of the pack, already rendered: a covering report, an appendix or a PDF from elsewhere. */
export interface PackPart {
  /** Index of the agenda item it belongs to. */
  item: number;
  /** Its title as its first page prints it: its bookmark, and the title of an item file it opens. */
  title: string;
  /** "Appendix 1", "Covering report": what the agenda calls it, before its title in the bookmarks. */
  label?: string;
  bytes: Uint8Array;
  exempt: boolean;
  /** What the public pack calls an exempt document (the pack's own title for it, never its cover's). */
  publicTitle?: string;
  /**
   * Laid out with its pack page numbers ("Page N" footers from the plan's first page), as every
   * document the program makes is; a PDF from elsewhere is not, and assembly stamps its numbers.
   */
  numbered: boolean;
}

export type PackVariant = 'public' | 'restricted';

export interface PackItemInfo {
  number: number | string;
  title: string;
}

export interface AssembleOptions {
  variant: PackVariant;
  /** "Page N" of the first item's first page (odd). */
  firstPage: number;
  /** Page numbers on the pages assembly adds and stamps; off for committee systems that number pages themselves. */
  numberPages: boolean;
  /** Front sheet and agenda, placed before the items and not numbered. */
  frontMatter?: PDFDocument;
  /** The agenda items, by index, for the bookmarks. */
  items: PackItemInfo[];
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
  /** The pack page number at which each part starts (the same in the public and restricted pack). */
  partStarts: number[];
  pageCount: number;
  /** The bookmarks of each item (pages as indexes in the pack), for the item files. */
  itemOutlines: Map<number, OutlineEntry>;
}

export const BLANK_PAGE_TEXT = 'This page is intentionally left blank';
export const CONFIDENTIAL_TEXT = 'Document is Confidential';

/** Where each part goes: its first "Page N", its page count, and whether a blank page follows. */
export interface PlannedPart {
  start: number;
  pages: number;
  blankAfter: boolean;
}

export interface PackPlan {
  parts: PlannedPart[];
  ranges: Array<{ item: number; first: number; last: number }>;
}

/**
 * The page plan of a pack, from page counts alone: each part starts on an odd page; a part that ends
 * on an odd page is followed by a blank page. One plan for the public and the restricted pack: the
 * page standing in for an exempt document in the public pack takes the exempt document's page
 * numbers ("Pages 9 - 16"), so every page number cited from one pack is the same page in the other.
 * Pure, so the agenda's ranges are known before anything is assembled.
 */
export function planPack(parts: Array<{ item: number; pages: number }>, firstPage: number): PackPlan {
  if (firstPage % 2 !== 1) throw new Error(`the first page number must be odd, not ${firstPage}`);
  let next = firstPage;
  const planned: PlannedPart[] = [];
  const ranges = new Map<number, { item: number; first: number; last: number }>();
  for (const part of parts) {
    const start = next;
    const blankAfter = (start + part.pages - 1) % 2 === 1;
    next = start + part.pages + (blankAfter ? 1 : 0);
    planned.push({ start, pages: part.pages, blankAfter });
    const range = ranges.get(part.item);
    ranges.set(part.item, { item: part.item, first: range?.first ?? start, last: next - 1 });
  }
  return { parts: planned, ranges: [...ranges.values()] };
}

/** "Page 8" or, for a page standing for several, "Pages 9 - 16". */
export function pagesLabel(first: number, last: number): string {
  return first === last ? `Page ${first}` : `Pages ${first} - ${last}`;
}

function partLabel(part: Pick<PackPart, 'label' | 'title'>): string {
  return part.label ? `${part.label}: ${part.title}` : part.title;
}

/** An exempt document as the public pack names it: by the pack's title for it, never by its own cover. */
export function publicPart<T extends Pick<PackPart, 'title' | 'publicTitle'>>(part: T): T {
  return { ...part, title: part.publicTitle ?? part.title };
}

/**
 * The pages an assembly adds, in the order it uses them: the front matter's padding page, then for
 * each part its confidential page (public pack, exempt part) with the blank page behind it, or its
 * blank page when it ends on an odd page. The same list makes the furniture document and drives assembly.
 */
export function furniturePages(
  parts: Array<Pick<PackPart, 'item' | 'exempt' | 'label' | 'title' | 'publicTitle'>>,
  plan: PackPlan,
  options: { variant: PackVariant; numberPages: boolean; frontMatterPages: number; items: PackItemInfo[] },
): FurniturePage[] {
  const pages: FurniturePage[] = [];
  const label = (text: string): { label?: string } => (options.numberPages ? { label: text } : {});
  if (options.frontMatterPages % 2 === 1) pages.push({ lines: [BLANK_PAGE_TEXT] });
  parts.forEach((part, i) => {
    const planned = plan.parts[i];
    if (!planned) return;
    const last = planned.start + planned.pages - 1;
    if (part.exempt && options.variant === 'public') {
      const item = options.items[part.item];
      pages.push({
        lines: [
          CONFIDENTIAL_TEXT,
          `${item ? `Agenda Item ${item.number}, ` : ''}${partLabel(publicPart(part))}`,
          `(${pagesLabel(planned.start, last)} of the restricted pack)`,
        ],
        ...label(pagesLabel(planned.start, last)),
      });
      // The confidential page's reverse, so the next item still starts on a right-hand page.
      pages.push({ lines: [BLANK_PAGE_TEXT] });
    }
    if (planned.blankAfter) pages.push({ lines: [BLANK_PAGE_TEXT], ...label(`Page ${last + 1}`) });
  });
  return pages;
}

/** Each part's PDF, loaded once for every assembly of the pack. */
export async function loadParts(parts: PackPart[]): Promise<PDFDocument[]> {
  return Promise.all(parts.map((part) => PDFDocument.load(part.bytes, LOAD_OPTIONS)));
}

function stampPageNumber(page: PDFPage, font: PDFFont, label: string): void {
  const size = 9;
  const width = font.widthOfTextAtSize(label, size);
  page.drawText(label, { x: (page.getWidth() - width) / 2, y: 16, size, font, color: rgb(0, 0, 0) });
}

function setMetadata(doc: PDFDocument, metadata: AssembleOptions['metadata']): void {
  doc.setTitle(metadata.title, { showInWindowTitleBar: true });
  doc.setSubject(metadata.subject);
  doc.setAuthor(metadata.author);
  doc.setLanguage('en-GB');
  doc.setCreator('b4b-reports');
  doc.setProducer('b4b-reports (pdfmake, pdf-lib)');
}

/**
 * Puts the pack together by the plan: front matter (unnumbered, padded to an even page count), then
 * each part, with the blank and confidential pages of `furniture` (made from `furniturePages`), and
 * bookmarks for each item, each of its documents and their sections. The documents the program makes
 * carry their page numbers already; a PDF from elsewhere gets them stamped.
 * Returns the document as well as its bytes, so item files can be cut from it without reloading.
 */
export async function assemblePack(
  parts: PackPart[],
  documents: PDFDocument[],
  furniture: PDFDocument,
  options: AssembleOptions,
): Promise<AssembledPack & { document: PDFDocument }> {
  const plan = planPack(
    parts.map((p, i) => ({ item: p.item, pages: documents[i]?.getPageCount() ?? 0 })),
    options.firstPage,
  );
  const pack = await PDFDocument.create();
  const furnitureCopies = await pack.copyPages(furniture, furniture.getPageIndices());
  const nextFurniture = (): PDFPage => {
    const page = furnitureCopies.shift();
    if (!page) throw new Error('assembly ran out of blank and confidential pages: furniturePages and assemblePack disagree');
    return pack.addPage(page);
  };
  // Only a PDF from elsewhere needs a font from assembly: Helvetica, which a PDF never embeds.
  let stampFont: PDFFont | undefined;
  const outline: OutlineEntry[] = [];

  if (options.frontMatter) {
    for (const page of await pack.copyPages(options.frontMatter, options.frontMatter.getPageIndices())) pack.addPage(page);
    outline.push({ title: 'Front sheet and agenda', page: 0, children: [] });
    // Items start on a right-hand page when printed double-sided.
    if (pack.getPageCount() % 2 === 1) nextFurniture();
  }

  const ranges = new Map<number, ItemRange>();
  const itemOutlines = new Map<number, OutlineEntry>();
  for (const [i, part] of parts.entries()) {
    const planned = plan.parts[i];
    const source = documents[i];
    if (!planned || !source) continue;
    const firstIndex = pack.getPageCount();
    const confidential = part.exempt && options.variant === 'public';
    let sections: OutlineEntry[] = [];
    if (confidential) {
      nextFurniture();
      nextFurniture();
    } else {
      for (const page of await pack.copyPages(source, source.getPageIndices())) pack.addPage(page);
      sections = shiftOutline(readOutline(source), firstIndex);
      if (!part.numbered && options.numberPages) {
        stampFont ??= await pack.embedFont(StandardFonts.Helvetica);
        for (let n = 0; n < planned.pages; n++) stampPageNumber(pack.getPage(firstIndex + n), stampFont, `Page ${planned.start + n}`);
      }
    }
    if (planned.blankAfter) nextFurniture();

    const item = options.items[part.item];
    let itemEntry = itemOutlines.get(part.item);
    if (!itemEntry) {
      itemEntry = {
        title: item ? `Agenda Item ${item.number}: ${item.title}` : partLabel(confidential ? publicPart(part) : part),
        page: firstIndex,
        children: [],
      };
      itemOutlines.set(part.item, itemEntry);
      outline.push(itemEntry);
    }
    itemEntry.children.push({
      title: confidential ? `${partLabel(publicPart(part))} (${CONFIDENTIAL_TEXT})` : partLabel(part),
      page: firstIndex,
      children: sections,
    });

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
  writeOutline(pack, outline);
  setMetadata(pack, options.metadata);
  const bytes = await pack.save(SAVE_OPTIONS);
  return { bytes, document: pack, ranges: [...ranges.values()], partStarts: plan.parts.map((p) => p.start), pageCount: pack.getPageCount(), itemOutlines };
}

/**
 * Pages `first`..`last` (zero-based, inclusive) of an assembled pack as a PDF of their own, with the
 * item's bookmarks (`outline`, pages as indexes in the pack).
 */
export async function extractPages(
  source: PDFDocument,
  first: number,
  last: number,
  metadata: AssembleOptions['metadata'],
  outline?: OutlineEntry,
): Promise<Uint8Array> {
  const out = await PDFDocument.create();
  const indices = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  for (const page of await out.copyPages(source, indices)) out.addPage(page);
  if (outline) writeOutline(out, shiftOutline(outline.children, -first));
  setMetadata(out, metadata);
  return out.save(SAVE_OPTIONS);
}
