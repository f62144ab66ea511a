import { FONT_FAMILY } from '../render/fonts.js';

/** A page assembly adds: a blank page's notice, or the page standing in for an exempt document. */
export interface FurniturePage {
  /** The first line is the notice ("This page is intentionally left blank"); any others are smaller, under it. */
  lines: string[];
  /** The footer ("Page 8", "Pages 9 - 16"); none on the front matter's blank page. */
  label?: string;
}

/**
 * All the pages one assembly adds, as one pdfmake document in the embedded font, so that their text is
 * Arimo like the rest of the pack (pdf-lib would embed a second, whole copy of the font to write them).
 */
export function furnitureDocument(pages: FurniturePage[], author: string): Record<string, unknown> {
  return {
    pageSize: 'A4',
    pageOrientation: 'portrait',
    pageMargins: [56, 380, 56, 50],
    info: { title: 'Pack pages', author, creator: 'b4b-reports' },
    language: 'en-GB',
    defaultStyle: { font: FONT_FAMILY, fontSize: 14, alignment: 'center' },
    footer: (currentPage: number) => {
      const label = pages[currentPage - 1]?.label;
      return label ? { text: label, alignment: 'center', fontSize: 9, margin: [0, 12, 0, 0] } : null;
    },
    content: pages.map((page, i) => ({
      stack: page.lines.map((line, j) => (j === 0 ? { text: line } : { text: line, fontSize: 11, margin: [0, 8, 0, 0] })),
      ...(i > 0 ? { pageBreak: 'before' } : {}),
    })),
  };
}
