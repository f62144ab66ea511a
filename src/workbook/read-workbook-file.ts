import path from 'node:path';
import type { IndicatorCatalogue } from '../config/catalogue.js';
import type { HeaderAliases } from '../config/header-aliases.js';
import { DEFAULT_LIMITS, type InputLimits } from '../config/limits.js';
import type { LoadedSettings } from '../config/settings.js';
import { readRegularFile, type FileKind } from '../config/regular-file.js';
import { buildDataset, type CheckedDataset } from '../dataset/build-dataset.js';
import { checkArchive } from './check-archive.js';
import { loadWorkbook } from './load-workbook.js';

// Item PDFs and templates are read through the same check (src/run imports it from here).
export { readRegularFile } from '../config/regular-file.js';

const SETTINGS = 'config/b4b.yaml (workbook:)';

/**
 * Where the workbook a command reads was named, for the advice on a missing file: the settings, or the
 * command itself ("validate nosuch.xlsx", "run --workbook ..."), where the settings are not the place to put it right.
 */
export function workbookNamedBy(loaded: Pick<LoadedSettings, 'paths' | 'fromCommandLine'>, file: string): string {
  return loaded.fromCommandLine.has('workbook') || path.resolve(file) !== loaded.paths.workbook ? 'the command you typed' : SETTINGS;
}

const WORKBOOK = (limits: InputLimits, namedBy = SETTINGS): FileKind => ({
  what: 'the workbook',
  noun: 'a workbook',
  expected: 'an Excel workbook file (.xlsx)',
  maxBytes: limits.maxFileBytes,
  limitName: 'maxFileBytes, limits in config/b4b.yaml',
  missing: { namedBy, extension: '.xlsx' },
});

/** The workbook's bytes (see readRegularFile). */
export async function readWorkbookBytes(file: string, limits: InputLimits = DEFAULT_LIMITS, namedBy?: string): Promise<Uint8Array> {
  return readRegularFile(file, WORKBOOK(limits, namedBy));
}

/** The input edge: workbook file → checked dataset. Unreadable or oversized files throw a B4BError naming the file. */
export async function readWorkbookFile(
  file: string,
  aliases: HeaderAliases,
  catalogue: IndicatorCatalogue,
  limits: InputLimits = DEFAULT_LIMITS,
  onBytes: (bytes: Uint8Array) => void = () => undefined,
  /** What named the file, for the advice when it is missing (workbookNamedBy). */
  namedBy?: string,
): Promise<CheckedDataset & { bytes: Uint8Array }> {
  const bytes = await readWorkbookBytes(file, limits, namedBy);
  onBytes(bytes);
  await checkArchive(bytes, file, limits);
  const raw = await loadWorkbook(bytes, file, limits);
  return { ...buildDataset(raw, aliases, catalogue, new Date(), limits), bytes };
}
