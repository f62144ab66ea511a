import type { IndicatorCatalogue } from '../config/catalogue.js';
import type { HeaderAliases } from '../config/header-aliases.js';
import { DEFAULT_LIMITS, type InputLimits } from '../config/limits.js';
import { readRegularFile, type FileKind } from '../config/regular-file.js';
import { buildDataset, type CheckedDataset } from '../dataset/build-dataset.js';
import { checkArchive } from './check-archive.js';
import { loadWorkbook } from './load-workbook.js';

// Item PDFs and templates are read through the same check (src/run imports it from here).
export { readRegularFile } from '../config/regular-file.js';

const WORKBOOK = (limits: InputLimits): FileKind => ({
  what: 'the workbook',
  noun: 'a workbook',
  expected: 'an Excel workbook file (.xlsx)',
  maxBytes: limits.maxFileBytes,
  limitName: 'maxFileBytes, limits in config/b4b.yaml',
  missing: { namedBy: 'config/b4b.yaml (workbook:)', extension: '.xlsx' },
});

/** The workbook's bytes (see readRegularFile). */
export async function readWorkbookBytes(file: string, limits: InputLimits = DEFAULT_LIMITS): Promise<Uint8Array> {
  return readRegularFile(file, WORKBOOK(limits));
}

/** The input edge: workbook file → checked dataset. Unreadable or oversized files throw a B4BError naming the file. */
export async function readWorkbookFile(
  file: string,
  aliases: HeaderAliases,
  catalogue: IndicatorCatalogue,
  limits: InputLimits = DEFAULT_LIMITS,
  onBytes: (bytes: Uint8Array) => void = () => undefined,
): Promise<CheckedDataset & { bytes: Uint8Array }> {
  const bytes = await readWorkbookBytes(file, limits);
  onBytes(bytes);
  await checkArchive(bytes, file, limits);
  const raw = await loadWorkbook(bytes, file, limits);
  return { ...buildDataset(raw, aliases, catalogue, new Date(), limits), bytes };
}
