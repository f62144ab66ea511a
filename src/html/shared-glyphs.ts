/**
 * cairo writes a chart's text into its SVG as glyph outlines, each chart defining the glyphs it draws
 * (a <symbol> each, in its <defs>): the October 2023 performance report's 26 charts defined its 253
 * glyphs 2,006 times, 1.8 MB of its 2.6 MB HTML twin. A page of charts defines each glyph once, in a
 * hidden SVG before them, and every chart uses that one (inline SVGs share the page's ids).
 */

/** A glyph as cairo defines it (chart-canvas.ts has given its id the chart's prefix). */
const GLYPH = /<symbol overflow="visible" id="([^"]+)">([\s\S]*?)<\/symbol>\s*/g;

/** An SVG group with nothing in it: what is left of the charts' glyph groups once their glyphs are gone. */
const EMPTY_GROUP = /<g>\s*<\/g>\s*/g;

/**
 * The page's markup with each glyph defined once: the charts' own glyph definitions removed, their
 * uses pointing at the shared one (`chart-glyph-N`, numbered as first drawn), and the definitions in
 * an SVG of no size, hidden from assistive technology, at the start. Markup without charts is returned as it is.
 */
export function shareChartGlyphs(markup: string): string {
  const shared = new Map<string, string>();
  const renamed = new Map<string, string>();
  const stripped = markup.replace(GLYPH, (_, id: string, outline: string) => {
    let name = shared.get(outline);
    if (name === undefined) {
      name = `chart-glyph-${shared.size + 1}`;
      shared.set(outline, name);
    }
    renamed.set(id, name);
    return '';
  });
  if (renamed.size === 0) return markup;
  const body = stripped.replace(EMPTY_GROUP, '').replace(/href="#([^"]+)"/g, (use, id: string) => {
    const name = renamed.get(id);
    return name === undefined ? use : `href="#${name}"`;
  });
  const definitions = [...shared].map(([outline, name]) => `<symbol overflow="visible" id="${name}">${outline.trim()}</symbol>`);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0" style="position:absolute" aria-hidden="true" focusable="false"><defs>\n` +
    `${definitions.join('\n')}\n</defs></svg>\n${body}`
  );
}
