import { describe, expect, it } from 'vitest';
import { planPack } from '../../src/pack/assemble.js';

describe('planPack', () => {
  const parts = [
    { item: 0, pages: 2, exempt: false }, // covering report: 115-116
    { item: 0, pages: 3, exempt: false }, // appendix: 117-119, blank 120
    { item: 1, pages: 6, exempt: true }, // exempt: restricted 121-126; public one page 121, blank 122
  ];

  it('starts every part on an odd page, with a blank page after a part that ends on an odd page', () => {
    const { parts: planned, ranges } = planPack(parts, 'restricted', 115);
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

  it('puts one confidential page, and a blank, in place of an exempt part in the public pack', () => {
    const { parts: planned, ranges } = planPack(parts, 'public', 115);
    expect(planned[2]).toEqual({ start: 121, pages: 1, blankAfter: true });
    expect(ranges[1]).toEqual({ item: 1, first: 121, last: 122 });
  });

  it('refuses an even first page', () => {
    expect(() => planPack(parts, 'public', 114)).toThrow('the first page number must be odd, not 114');
  });
});
