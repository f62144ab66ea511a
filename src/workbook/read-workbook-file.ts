import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { IndicatorCatalogue } from '../config/catalogue.js';
import type { HeaderAliases } from '../config/header-aliases.js';
import { DEFAULT_LIMITS, type InputLimits } from '../config/limits.js';
import { buildDataset, type CheckedDataset } from '../dataset/build-dataset.js';
import { B4BError } from '../findings/finding.js';
import { checkArchive, formatBytes } from './check-archive.js';
import { loadWorkbook } from './load-workbook.js';

function unreadable(file: string, what: string, reason: string): B4BError {
  return new B4BError(`${file}: cannot read ${what}: ${reason}`, [
    { severity: 'error', code: 'unreadable-file', source: { file }, message: `cannot read ${what}: ${reason}` },
  ]);
}

interface FileKind {
  /** "the workbook", "this PDF of item 3" */
  what: string;
  /** "a workbook", "a PDF" */
  noun: string;
  /** "an Excel workbook file (.xlsx)" */
  expected: string;
  maxBytes: number;
  /** Where the size limit is set, for the message. */
  limitName: string;
}

const WORKBOOK = (limits: InputLimits): FileKind => ({
  what: 'the workbook',
  noun: 'a workbook',
  expected: 'an Excel workbook file (.xlsx)',
  maxBytes: limits.maxFileBytes,
  limitName: 'maxFileBytes, limits in config/b4b.yaml',
});

/** What a path that is not a regular file is, in an officer's words. */
function notAFile(
  info: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean },
  kind: FileKind,
): string {
  if (info.isDirectory()) return `this is a folder, not ${kind.noun}; expected ${kind.expected}`;
  if (info.isFIFO()) return `this is a named pipe (FIFO), not ${kind.noun} file; expected ${kind.expected}`;
  if (info.isCharacterDevice() || info.isBlockDevice()) return `this is a device (such as /dev/zero), not ${kind.noun} file; expected ${kind.expected}`;
  if (info.isSocket()) return `this is a socket, not ${kind.noun} file; expected ${kind.expected}`;
  return `this is not a regular file; expected ${kind.expected}`;
}

/**
 * Reads an input file's bytes, refusing anything that is not a regular file before reading a byte
 * (a FIFO or a device would block or never end) and any file over its size limit. The file is
 * opened without blocking and checked through its own handle, so what is checked is what is read.
 */
export async function readRegularFile(file: string, kind: FileKind): Promise<Uint8Array> {
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? `this is a folder, not ${kind.noun}; expected ${kind.expected}`
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : code === 'ENOTDIR'
              ? 'a folder on its path is a file'
              : String(cause);
    throw unreadable(file, kind.what, reason);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw unreadable(file, kind.what, notAFile(info, kind));
    if (info.size > kind.maxBytes) {
      throw unreadable(file, kind.what, `the file is ${formatBytes(info.size)}; ${kind.noun} may be at most ${formatBytes(kind.maxBytes)} (${kind.limitName})`);
    }
    try {
      return await handle.readFile();
    } catch (cause) {
      throw unreadable(file, kind.what, String(cause));
    }
  } finally {
    await handle.close();
  }
}

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
