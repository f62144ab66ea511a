import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PackOutput } from '../../src/produce/pack.js';
import { compareWithGolden, MOST_DIFFERING } from '../fixtures/compare-images.js';
import { renderPagesGrey } from '../fixtures/pdf-text.js';
import { sampleBoardPack } from '../fixtures/sample-report.js';
import { ROOT } from '../fixtures/workbooks.js';

/**
 * Pages drawn by assembly rather than pdfmake: the agenda, the confidential and blank pages and the
 * stamped page numbers. Text extraction cannot see a glyph that is missing from the embedded font;
 * the image can ("Page 19" once printed as "P   19").
 */
let board: PackOutput;
// The agenda, then the confidential page standing for the finance report (Pages 21 - 26) and its blank back.
const PAGES = [2, 23, 24];

beforeAll(async () => {
  board = await sampleBoardPack();
});

describe('the public board pack looks as it did when last checked by eye', () => {
  it.each(PAGES)('page %i matches its golden image', (page) => {
    const [image] = renderPagesGrey(Buffer.from(board.variants.public.pack), [page], 50);
    const result = compareWithGolden(image!, path.join(ROOT, 'test/golden', `board-2023-10-public-page-${page}.pgm`));
    expect(result.share, result.message).toBeLessThan(MOST_DIFFERING);
  });
});
