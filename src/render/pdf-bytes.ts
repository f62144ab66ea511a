import { createRequire } from 'node:module';
import { FONT_FAMILY, FONT_FILES, fontBytes, shareParsedFonts, warmFonts, type FontStyle } from './fonts.js';

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
