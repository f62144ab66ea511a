import { createRequire } from 'node:module';
import path from 'node:path';

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
