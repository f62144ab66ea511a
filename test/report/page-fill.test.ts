import { beforeAll, describe, expect, it } from 'vitest';
import { produceReport, type ReportDocument } from '../../src/produce/report.js';
import { pageFill, type PageFill } from '../fixtures/page-fill.js';
import { sampleInputs, testContext } from '../fixtures/sample-report.js';

/**
 * The layout grid: a section's table, text and charts fill its pages before a new one starts, so no
 * page is more than half empty unless it is the last page of a section (or the cover or contents).
 */
const REPORTS = [
  ['performance', '2023-10'],
  ['clinic-safeguarding', '2023-07'],
  ['clinic-pathways-through-care', '2023-07'],
  ['finance', '2023-10'],
] as const;

const built = new Map<string, { output: ReportDocument; fills: PageFill[] }>();

beforeAll(async () => {
  const inputs = await sampleInputs();
  const ctx = testContext();
  for (const [name, month] of REPORTS) {
    const output = await produceReport(inputs, { name, month }, ctx);
    // The finance report's exemption notice takes deeper margins (src/render/pdf-document.ts).
    const margins = name === 'finance' ? { top: 66, bottom: 48 } : { top: 48, bottom: 40 };
    built.set(name, { output, fills: pageFill(output.pdf, margins) });
  }
}, 60_000);

describe('page fill', () => {
  it("the performance report, with every part of the seed's Appendix 1, takes at most 20 pages", () => {
    // 18 pages before the layout grid, 16 after; the parts printed from the Breakdowns sheet (referral
    // sources, Family Hubs, education, staff diversity and pay gaps) add 4. The seed's Appendix 1 has 18.
    expect(built.get('performance')!.fills.length).toBeLessThanOrEqual(20);
  });

  it.each(REPORTS.map(([name]) => name))('%s: no page is more than half empty unless it ends a section', (name) => {
    const { output, fills } = built.get(name)!;
    const sections = output.blocks.flatMap((b) => (b.kind === 'heading' && b.level === 1 ? [b.text] : []));
    expect(sections.length).toBeGreaterThan(1);
    const startsSection = (fill: PageFill | undefined): boolean =>
      fill === undefined || fill.firstLine.startsWith('Contents') || sections.some((s) => fill.firstLine.startsWith(s));
    const halfEmpty = fills.filter((f, i) => f.fill < 0.5 && !startsSection(fills[i + 1]));
    expect(halfEmpty.map((f) => `page ${f.page}: ${Math.round(f.fill * 100)}% full, next page begins "${fills[f.page]?.firstLine}"`)).toEqual([]);
  });

  it('measures what it claims: a section page that a chart row overflows is found', () => {
    // The measure itself, on the performance report: its fullest pages are near the foot, the last
    // page of a short section is not, and each page's first line is read.
    const { fills } = built.get('performance')!;
    expect(Math.max(...fills.map((f) => f.fill))).toBeGreaterThan(0.9);
    expect(Math.min(...fills.map((f) => f.fill))).toBeLessThan(0.5);
    expect(fills[1]!.firstLine).toBe('Contents');
  });
});
