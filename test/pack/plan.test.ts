import { describe, expect, it } from 'vitest';
import { BLANK_PAGE_TEXT, CONFIDENTIAL_TEXT, furniturePages, planPack } from '../../src/pack/assemble.js';

describe('planPack', () => {
  const parts = [
    { item: 0, pages: 2 }, // covering report: 115-116
    { item: 0, pages: 3 }, // appendix: 117-119, blank 120
    { item: 1, pages: 6 }, // exempt: 121-126 in both packs (the public pack's confidential page reads "Pages 121 - 126")
  ];

  it('starts every part on an odd page, with a blank page after a part that ends on an odd page', () => {
    const { parts: planned, ranges } = planPack(parts, 115);
    expect(planned).toEqual([
      { start: 115, pages: 2, blankAfter: false },
      { start: 117, pages: 3, blankAfter: true },
      { start: 121, pages: 6, blankAfter: false },
    ]);
    expect(ranges).toEqual([
      { item: 0, first: 115, last: 120 },
      { item: 1, first: 121, last: 126 },
    ]);
  });

  it('gives an exempt part the same page numbers in the public pack: its confidential page stands for all of them', () => {
    const plan = planPack(parts, 115);
    const lists = (['public', 'restricted'] as const).map((variant) =>
      furniturePages(
        [
          { item: 0, exempt: false, title: 'Covering report' },
          { item: 0, exempt: false, title: 'Performance' },
          { item: 1, exempt: true, label: 'Appendix 1', title: 'Finance report' },
        ],
        plan,
        {
          variant,
          numberPages: true,
          frontMatterPages: 3,
          items: [
            { number: 10, title: 'PERFORMANCE' },
            { number: 11, title: 'FINANCE' },
          ],
        },
      ),
    );
    expect(lists[1]).toEqual([{ lines: [BLANK_PAGE_TEXT] }, { lines: [BLANK_PAGE_TEXT], label: 'Page 120' }]);
    expect(lists[0]).toEqual([
      { lines: [BLANK_PAGE_TEXT] },
      { lines: [BLANK_PAGE_TEXT], label: 'Page 120' },
      { lines: [CONFIDENTIAL_TEXT, 'Agenda Item 11, Appendix 1: Finance report', '(Pages 121 - 126 of the restricted pack)'], label: 'Pages 121 - 126' },
      { lines: [BLANK_PAGE_TEXT] },
    ]);
  });

  it('refuses an even first page', () => {
    expect(() => planPack(parts, 114)).toThrow('the first page number must be odd, not 114');
  });
});
