/**
 * Reading an input file (a workbook, an item's PDF, a configuration file) only when it is a regular
 * file: a named pipe (FIFO) would block the program for ever, a device such as /dev/zero never ends,
 * and a folder is not a file. The path is opened without blocking and checked through its own handle,
 * so what is checked is what is read.
 */
import { constants } from 'node:fs';
import { open, readdir, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { B4BError } from '../findings/finding.js';

const MB = 1024 * 1024;

export function formatBytes(n: number): string {
  if (n >= MB) return `${(n / MB).toLocaleString('en-GB', { maximumFractionDigits: 1 })} MB`;
  if (n >= 1024) return `${(n / 1024).toLocaleString('en-GB', { maximumFractionDigits: 1 })} KB`;
  return `${n.toLocaleString('en-GB')} bytes`;
}

export interface FileKind {
  /** "the workbook", "this PDF of item 3" */
  what: string;
  /** "a workbook", "a PDF" */
  noun: string;
  /** "an Excel workbook file (.xlsx)" */
  expected: string;
  maxBytes: number;
  /** Where the size limit is set, for the message. */
  limitName: string;
  /**
   * The error thrown for a file that cannot be read, given why ("no such file", "this is a named
   * pipe ..."). By default a B4BError with an unreadable-file finding naming the file.
   */
  refuse?: (reason: string) => Error;
  /**
   * For a file that is not there: what names it (said with the advice), and the ending of files of
   * its kind, so that the ones beside where it was expected are named ("data/ holds B4B-Oct23.xlsx").
   */
  missing?: { namedBy: string; extension: string };
}

function unreadable(file: string, what: string, reason: string): B4BError {
  return new B4BError(`${file}: cannot read ${what}: ${reason}`, [
    { severity: 'error', code: 'unreadable-file', source: { file }, message: `cannot read ${what}: ${reason}` },
  ]);
}

/** What a path that is not a regular file is, in an officer's words. */
/** "a workbook file", but "a configuration file" rather than "a configuration file file". */
function fileNoun(kind: FileKind): string {
  return /\bfile$/.test(kind.noun) ? kind.noun : `${kind.noun} file`;
}

function notAFile(
  info: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean },
  kind: FileKind,
): string {
  if (info.isDirectory()) return `this is a folder, not ${kind.noun}; expected ${kind.expected}`;
  if (info.isFIFO()) return `this is a named pipe (FIFO), not ${fileNoun(kind)}; expected ${kind.expected}`;
  if (info.isCharacterDevice() || info.isBlockDevice()) return `this is a device (such as /dev/zero), not ${fileNoun(kind)}; expected ${kind.expected}`;
  if (info.isSocket()) return `this is a socket, not ${fileNoun(kind)}; expected ${kind.expected}`;
  return `this is not a regular file; expected ${kind.expected}`;
}

/** Where to look for a file that is not there: what names it, and the files of its kind in its folder. */
async function missingAdvice(file: string, kind: FileKind): Promise<string> {
  if (!kind.missing) return '';
  const { namedBy, extension } = kind.missing;
  // The folder by its whole path: a name typed on the command line ("validate nosuch.xlsx") has "." as its folder.
  const folder = path.dirname(path.resolve(file));
  const listed = await readdir(folder).catch(() => undefined);
  const beside = (listed ?? []).filter((f) => f.toLowerCase().endsWith(extension) && !f.startsWith('~$')).sort();
  const holds = !listed
    ? `there is no folder ${folder}`
    : beside.length === 0
      ? `${folder} holds no ${extension} file`
      : `${folder} holds ${beside
          .slice(0, 3)
          .map((f) => `"${f}"`)
          .join(', ')}${beside.length > 3 ? ` and ${beside.length - 3} more` : ''}`;
  return `; ${holds}. Put ${kind.what} there, or name the right file in ${namedBy}`;
}

/**
 * An input file's bytes, refusing anything that is not a regular file before reading a byte and any
 * file over its size limit (see the module comment).
 */
export async function readRegularFile(file: string, kind: FileKind): Promise<Uint8Array> {
  const refuse = (reason: string): Error => (kind.refuse ? kind.refuse(reason) : unreadable(file, kind.what, reason));
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? `no such file${await missingAdvice(file, kind)}`
        : code === 'EISDIR'
          ? `this is a folder, not ${kind.noun}; expected ${kind.expected}`
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : code === 'ENOTDIR'
              ? 'a folder on its path is a file'
              : String(cause);
    throw refuse(reason);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw refuse(notAFile(info, kind));
    if (info.size > kind.maxBytes) {
      throw refuse(`the file is ${formatBytes(info.size)}; ${kind.noun} may be at most ${formatBytes(kind.maxBytes)} (${kind.limitName})`);
    }
    try {
      return await handle.readFile();
    } catch (cause) {
      throw refuse(String(cause));
    }
  } finally {
    await handle.close();
  }
}
