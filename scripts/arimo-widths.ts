/**
 * Writes src/render/arimo-widths.ts: the advance width of every character Arimo's regular and bold
 * faces map, as fontkit reads them from the font package's files. The charts measure their text with
 * it (src/render/fonts.ts, textWidth), so the main thread never loads fontkit to lay out a chart's title
 * or labels. test/render/arimo-widths.test.ts fails when the font package's widths differ from the
 * file's; then run this again.
 *
 * Run: npx tsx scripts/arimo-widths.ts
 */
import { writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { arimoWidthRuns } from '../src/render/fonts.js';

const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'render', 'arimo-widths.ts');
const { unitsPerEm, normal, bold } = arimoWidthRuns();
const text = `// Made by scripts/arimo-widths.ts from @expo-google-fonts/arimo (do not edit; run the script again if the font changes).
// Each face: runs of consecutive code points, "first:width,width,…" (hexadecimal code point, widths in font units), joined by ";".
export const ARIMO_WIDTHS = {
  unitsPerEm: ${unitsPerEm},
  normal: '${normal}',
  bold: '${bold}',
};
`;
// As the project's formatter writes it (npm run format:check passes on the file just made).
writeFileSync(file, await format(text, { ...(await resolveConfig(file)), filepath: file }));
process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
