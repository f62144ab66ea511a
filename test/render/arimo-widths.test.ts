import { describe, expect, it } from 'vitest';
import { ARIMO_WIDTHS } from '../../src/render/arimo-widths.js';
import { arimoWidthRuns, fontMetrics, textWidth } from '../../src/render/fonts.js';

/** The width fontkit gives `text` (the font package's own tables), as textWidth measured it before it kept a table. */
function fontkitWidth(text: string, size: number, weight: 'normal' | 'bold'): number {
  const font = fontMetrics(weight);
  let units = 0;
  for (const ch of text) units += font.glyphForCodePoint(ch.codePointAt(0) ?? 32).advanceWidth / font.unitsPerEm;
  return units * size;
}

describe('Arimo advance widths kept in src/render/arimo-widths.ts', () => {
  it('are the font package’s own, character for character (else run: npx tsx scripts/arimo-widths.ts)', () => {
    expect(ARIMO_WIDTHS).toEqual(arimoWidthRuns());
  });

  it('measure text as fontkit does, including characters the font does not map', () => {
    const texts = [
      'Number of Early Help referrals – October 2023',
      '£1,540 ↑ ● 12.5% (n=48)',
      'Children in Need per 10,000 “CIN” — 2023/24',
      'Ægir’s café – naïve façade',
      'a face the font lacks: 😀 and 中文',
    ];
    for (const weight of ['normal', 'bold'] as const) {
      for (const text of texts) expect(textWidth(text, 9.5, weight)).toBeCloseTo(fontkitWidth(text, 9.5, weight), 10);
    }
  });
});
