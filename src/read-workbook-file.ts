import { readFile } from 'node:fs/promises';
import type { IndicatorCatalogue } from './config/catalogue.js';
import type { HeaderAliases } from './config/header-aliases.js';
import { buildDataset, type CheckedDataset } from './dataset/build-dataset.js';
import { B4BError } from './findings/finding.js';
import { loadWorkbook } from './workbook/load-workbook.js';

/** The input edge: workbook file → checked dataset. Unreadable files throw a B4BError naming the file. */
export async function readWorkbookFile(
  file: string,
  aliases: HeaderAliases,
  catalogue: IndicatorCatalogue,
): Promise<CheckedDataset & { bytes: Uint8Array }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'this is a folder, not a workbook' : code === 'EACCES' ? 'permission denied' : String(cause);
    throw new B4BError(`${file}: cannot read the workbook: ${reason}`, [
      { severity: 'error', code: 'unreadable-file', source: { file }, message: `cannot read the workbook: ${reason}` },
    ]);
  }
  const raw = await loadWorkbook(bytes, file);
  return { ...buildDataset(raw, aliases, catalogue), bytes };
}
