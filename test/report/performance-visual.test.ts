import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareWithGolden, MOST_DIFFERING } from '../fixtures/compare-images.js';
import { renderPagesGrey } from '../fixtures/pdf-text.js';
import { performanceReport } from '../fixtures/sample-report.js';
import { ROOT } from '../fixtures/workbooks.js';

let pages: Buffer[];
const PAGES = [1, 4, 5];

beforeAll(async () => {
  const report = await performanceReport('2023-10');
  pages = renderPagesGrey(report.pdf, PAGES);
});

describe('the October 2023 performance report looks as it did when last checked by eye', () => {
  it.each(PAGES.map((page, i) => ({ page, i })))('page $page matches its golden image', ({ page, i }) => {
    const result = compareWithGolden(pages[i]!, path.join(ROOT, 'test/golden', `performance-2023-10-page-${page}.pgm`));
    expect(result.share, result.message).toBeLessThan(MOST_DIFFERING);
  });
});
