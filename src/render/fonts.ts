import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ARIMO_WIDTHS } from './arimo-widths.js';

const require = createRequire(import.meta.url);

/**
 * Arimo: metric-compatible with Arial, shipped in an npm package (never a system font), used by
 * both the PDF text and the charts. It carries the arrows (↑ ↓ →) and the RAG dot (●).
 */
function arimo(style: string): string {
  const dir = path.dirname(require.resolve('@expo-google-fonts/arimo/package.json'));
  return path.join(dir, style, `Arimo_${style}.ttf`);
}

export const FONT_FAMILY = 'Arimo';

export const FONT_FILES = {
  normal: arimo('400Regular'),
  bold: arimo('700Bold'),
  italics: arimo('400Regular_Italic'),
  bolditalics: arimo('700Bold_Italic'),
};

export type FontStyle = keyof typeof FONT_FILES;

const bytesCache = new Map<FontStyle, Buffer>();

/** A font file's bytes, read once per process; always the same Buffer for a style. */
export function fontBytes(style: FontStyle): Buffer {
  let bytes = bytesCache.get(style);
  if (!bytes) {
    bytes = readFileSync(FONT_FILES[style]);
    bytesCache.set(style, bytes);
  }
  return bytes;
}

/** The part of a fontkit font that the charts' text measurement uses. */
export interface FontMetrics {
  unitsPerEm: number;
  ascent: number;
  glyphForCodePoint(codePoint: number): { advanceWidth: number };
}

interface Fontkit {
  create(buffer: Uint8Array, postscriptName?: string): unknown;
}

// fontkit decodes a font's tables lazily, per font object, and pdfkit (inside pdfmake) creates a new
// font object for every document it writes: about 55 ms of table decoding a document. One parsed
// font per file per process, shared by every document and by the charts' text measurement.
const parsed = new WeakMap<Uint8Array, unknown>();
let pdfkitFontkit: Fontkit | undefined;

/** The fontkit that pdfkit requires (resolved from pdfmake's own pdfkit), with `create` parsing each font buffer once. */
function sharedFontkit(): Fontkit {
  if (pdfkitFontkit) return pdfkitFontkit;
  const pdfmakeDir = path.dirname(require.resolve('pdfmake/package.json'));
  const pdfkitMain = require.resolve('pdfkit', { paths: [pdfmakeDir] });
  const file = require.resolve('fontkit', { paths: [path.dirname(pdfkitMain)] });
  const real = require(file) as Fontkit;
  const create = (buffer: Uint8Array, postscriptName?: string): unknown => {
    if (postscriptName !== undefined) return real.create(buffer, postscriptName);
    let font = parsed.get(buffer);
    if (font === undefined) {
      font = real.create(buffer);
      parsed.set(buffer, font);
    }
    return font;
  };
  // fontkit's exports are getters that cannot be redefined: pdfkit gets an object that inherits every
  // export and overrides create. It must be in the require cache before pdfkit is first loaded.
  const shim = Object.create(real, { create: { value: create } }) as Fontkit;
  const cached = require.cache[file];
  if (cached) cached.exports = shim;
  pdfkitFontkit = shim;
  return shim;
}

/**
 * Makes pdfkit reuse one parsed font per font file for every document of the process. Call before
 * pdfmake is first required; the font buffers to pass pdfkit are `fontBytes(style)`.
 */
export function shareParsedFonts(): void {
  sharedFontkit();
}

/** Arimo as parsed by fontkit, the same object pdfkit lays text out with. */
export function fontMetrics(style: FontStyle): FontMetrics {
  return sharedFontkit().create(fontBytes(style)) as FontMetrics;
}

/**
 * Decodes every style's tables that laying text out reads (character map, metrics, substitutions,
 * positioning): fontkit does so lazily, in the first document's first line of each style otherwise.
 */
export function warmFonts(): void {
  for (const style of Object.keys(FONT_FILES) as FontStyle[]) {
    (sharedFontkit().create(fontBytes(style)) as { layout(text: string): unknown }).layout('Page 1 of 16, £1,540 ↑ ●');
  }
}

export type Weight = 'normal' | 'bold';
const widthCache: Record<Weight, Map<number, number>> = { normal: new Map(), bold: new Map() };
let measured: Record<Weight, FontMetrics> | undefined;

/** A face's advance widths as arimo-widths.ts keeps them: runs of consecutive code points, "first:width,width,…". */
function widthRuns(font: FontMetrics & { characterSet: number[] }): string {
  const runs: string[] = [];
  let last = -2;
  for (const cp of [...font.characterSet].sort((a, b) => a - b)) {
    const width = String(font.glyphForCodePoint(cp).advanceWidth);
    if (cp === last + 1) runs[runs.length - 1] += `,${width}`;
    else runs.push(`${cp.toString(16)}:${width}`);
    last = cp;
  }
  return runs.join(';');
}

/** Arimo's regular and bold advance widths as fontkit reads them, for scripts/arimo-widths.ts (and its test). */
export function arimoWidthRuns(): { unitsPerEm: number; normal: string; bold: string } {
  const font = (weight: Weight): FontMetrics & { characterSet: number[] } => fontMetrics(weight) as FontMetrics & { characterSet: number[] };
  return { unitsPerEm: font('normal').unitsPerEm, normal: widthRuns(font('normal')), bold: widthRuns(font('bold')) };
}

/** Fills a weight's widths (in em) from arimo-widths.ts: every character the face maps. */
function knownWidths(weight: Weight): Map<number, number> {
  const cache = widthCache[weight];
  if (cache.size === 0) {
    for (const run of ARIMO_WIDTHS[weight].split(';')) {
      const [first = '', widths = ''] = run.split(':');
      let cp = parseInt(first, 16);
      for (const width of widths.split(',')) cache.set(cp++, Number(width) / ARIMO_WIDTHS.unitsPerEm);
    }
  }
  return cache;
}

/**
 * Width of `text` in points at `size` in Arimo (its advance widths: the tables' column widths and the
 * charts' layout). The widths of the characters the font maps come from arimo-widths.ts; any other
 * character (the font's own "missing" glyph) is measured with fontkit, loaded then.
 */
export function textWidth(text: string, size: number, weight: Weight = 'normal'): number {
  const cache = knownWidths(weight);
  let units = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 32;
    let w = cache.get(cp);
    if (w === undefined) {
      measured ??= { normal: fontMetrics('normal'), bold: fontMetrics('bold') };
      const font = measured[weight];
      w = font.glyphForCodePoint(cp).advanceWidth / font.unitsPerEm;
      cache.set(cp, w);
    }
    units += w;
  }
  return units * size;
}
