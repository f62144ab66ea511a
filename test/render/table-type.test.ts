import { beforeAll, describe, expect, it } from 'vitest';
import { textWidth } from '../../src/render/fonts.js';
import { TABLE_FONT_SIZE } from '../../src/render/pdf-document.js';
import { pdfWords, type PdfWord } from '../fixtures/page-fill.js';
import { configuredReport, performanceReport } from '../fixtures/sample-report.js';

/** Table type: sizes measured in the PDF (pdftotext -bbox word heights), figures aligned. */
let performance: PdfWord[];
let clinic: PdfWord[];

beforeAll(async () => {
  performance = pdfWords((await performanceReport('2023-10')).pdf);
  clinic = pdfWords((await configuredReport('clinic-safeguarding', '2023-07')).pdf);
}, 60_000);

// pdftotext's word box is the font's ascent to descent: 1.149 em in Arimo.
const size = (w: PdfWord): number => (w.yMax - w.yMin) / 1.149;

describe('table type', () => {
  it('indicator tables (about 20 columns) are at least 6.5 pt, their headers no smaller than their figures', () => {
    expect(TABLE_FONT_SIZE).toBeGreaterThanOrEqual(6.5);
    // Page 4 holds the first section's table and no chart (a chart's axis labels are not table text).
    const header = performance.filter((w) => w.page === 4 && w.text === 'Nov-22');
    const figure = performance.filter((w) => w.page === 4 && /^\d+$/.test(w.text) && w.yMax < 595 - 40);
    expect(header.length).toBe(1);
    expect(figure.length).toBeGreaterThan(100);
    for (const w of [...header, ...figure]) expect(size(w)).toBeGreaterThanOrEqual(6.5 - 0.1);
    expect(Math.min(...header.map(size))).toBeGreaterThanOrEqual(Math.max(...figure.map(size)) - 0.05);
  });

  it("the clinic's team and caseload tables are at least 8 pt, headers too", () => {
    for (const text of ['Denominator', 'Numerator', 'Team/Locality', 'Allocations', 'Total']) {
      const words = clinic.filter((w) => w.text === text);
      expect(words.length, text).toBeGreaterThan(0);
      for (const w of words) expect(size(w), text).toBeGreaterThanOrEqual(8 - 0.1);
    }
  });

  it('figures are right-aligned in tabular figures: every digit of Arimo has the same width', () => {
    for (const weight of ['normal', 'bold'] as const) {
      const widths = new Set([...'0123456789'].map((d) => textWidth(d, 10, weight).toFixed(4)));
      expect(widths.size, weight).toBe(1);
    }
    // The figures under a month header end at the same x: right-aligned.
    const header = performance.find((w) => w.text === 'Oct-23' && w.page === 4)!;
    const column = performance.filter(
      (w) => w.page === 4 && w.yMin > header.yMax && /^\d+(\.\d+)?%?$/.test(w.text) && w.xMax > header.xMin && w.xMax <= header.xMax + 3,
    );
    expect(column.length).toBeGreaterThan(10);
    expect(Math.max(...column.map((w) => w.xMax)) - Math.min(...column.map((w) => w.xMax))).toBeLessThan(0.6);
  });
});
