import { PDFArray, PDFDict, PDFHexString, PDFName, PDFNumber, PDFRef, PDFString, type PDFDocument } from 'pdf-lib';

/** A bookmark: its title, the zero-based page it opens, and the bookmarks under it. */
export interface OutlineEntry {
  title: string;
  page: number;
  children: OutlineEntry[];
}

function decodeTitle(value: unknown): string {
  return value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : '';
}

/** The bookmarks of a PDF (as pdfmake writes them: each with a /Dest to a page), pages as indexes. */
export function readOutline(doc: PDFDocument): OutlineEntry[] {
  const outlines = doc.catalog.lookupMaybe(PDFName.of('Outlines'), PDFDict);
  if (!outlines) return [];
  const pageRefs = doc.getPages().map((p) => p.ref);
  const walk = (first: PDFDict | undefined): OutlineEntry[] => {
    const entries: OutlineEntry[] = [];
    const seen = new Set<PDFDict>();
    for (let item = first; item && !seen.has(item); item = item.lookupMaybe(PDFName.of('Next'), PDFDict)) {
      seen.add(item);
      const dest = item.lookupMaybe(PDFName.of('Dest'), PDFArray);
      const target = dest?.get(0);
      const page = target instanceof PDFRef ? pageRefs.findIndex((ref) => ref === target || ref.toString() === target.toString()) : -1;
      entries.push({
        title: decodeTitle(item.lookup(PDFName.of('Title'))),
        page: Math.max(page, 0),
        children: walk(item.lookupMaybe(PDFName.of('First'), PDFDict)),
      });
    }
    return entries;
  };
  return walk(outlines.lookupMaybe(PDFName.of('First'), PDFDict));
}

/** Moves every bookmark's page by `offset` (a document's pages copied into a pack from index `offset`). */
export function shiftOutline(entries: OutlineEntry[], offset: number): OutlineEntry[] {
  return entries.map((e) => ({ title: e.title, page: e.page + offset, children: shiftOutline(e.children, offset) }));
}

/**
 * Writes the bookmarks into the document's catalogue (replacing any), top level open so a reader sees
 * the items at once. pdf-lib copies pages, never outlines, so assembly writes its own.
 */
export function writeOutline(doc: PDFDocument, entries: OutlineEntry[]): void {
  const context = doc.context;
  const pages = doc.getPages();
  if (entries.length === 0 || pages.length === 0) return;
  const rootRef = context.nextRef();
  const build = (list: OutlineEntry[], parent: PDFRef): { first: PDFRef; last: PDFRef; count: number } => {
    const refs = list.map(() => context.nextRef());
    let count = 0;
    list.forEach((entry, i) => {
      const page = pages[Math.min(Math.max(entry.page, 0), pages.length - 1)]!;
      const dict = context.obj({});
      dict.set(PDFName.of('Title'), PDFHexString.fromText(entry.title));
      dict.set(PDFName.of('Parent'), parent);
      dict.set(PDFName.of('Dest'), context.obj([page.ref, PDFName.of('XYZ'), null, null, null]));
      const prev = refs[i - 1];
      const next = refs[i + 1];
      if (prev) dict.set(PDFName.of('Prev'), prev);
      if (next) dict.set(PDFName.of('Next'), next);
      count += 1;
      if (entry.children.length > 0) {
        const sub = build(entry.children, refs[i]!);
        dict.set(PDFName.of('First'), sub.first);
        dict.set(PDFName.of('Last'), sub.last);
        // Negative: the entry's own bookmarks start closed.
        dict.set(PDFName.of('Count'), PDFNumber.of(-sub.count));
      }
      context.assign(refs[i]!, dict);
    });
    return { first: refs[0]!, last: refs[refs.length - 1]!, count };
  };
  const top = build(entries, rootRef);
  const root = context.obj({});
  root.set(PDFName.of('Type'), PDFName.of('Outlines'));
  root.set(PDFName.of('First'), top.first);
  root.set(PDFName.of('Last'), top.last);
  root.set(PDFName.of('Count'), PDFNumber.of(top.count));
  context.assign(rootRef, root);
  doc.catalog.set(PDFName.of('Outlines'), rootRef);
  doc.catalog.set(PDFName.of('PageMode'), PDFName.of('UseOutlines'));
}
