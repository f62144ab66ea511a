import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { B4BError } from './finding.js';

/**
 * The exit codes of every command (after sysexits.h, so a service manager or script can tell a bad
 * workbook from a full disk). Every failure leaves through one of these; only `SOFTWARE` means a
 * fault in the program itself, and only `--debug` prints a stack trace.
 */
export const EXIT = {
  OK: 0,
  /** The workbook (or a run's input) has problems: `validate` found errors, a run refused its workbook. */
  PROBLEMS: 1,
  /** Wrong usage: an unknown option, command, report, pack or month. */
  USAGE: 2,
  /** A fault in b4b-reports itself (an error no one expected). */
  SOFTWARE: 70,
  /** An output file or folder cannot be created: a read-only or missing folder, no permission. */
  CANT_CREATE: 73,
  /** Input or output failed: the disk is full, a read or write failed. */
  IO_ERROR: 74,
  /** Try again later: another run holds the lock. */
  TEMP_FAIL: 75,
} as const;

const WRITE_CALLS = new Set([
  'mkdir',
  'rename',
  'write',
  'writeFile',
  'appendFile',
  'unlink',
  'rmdir',
  'rm',
  'copyfile',
  'symlink',
  'link',
  'fsync',
  'close',
  'ftruncate',
  'utime',
  'chmod',
]);

/**
 * What really stopped a write that reports ENOENT or EACCES: Node's recursive mkdir says ENOENT on
 * a read-only file system, and a path through a file fails before it reaches the file system's
 * own answer. The nearest part of the path that exists is asked directly.
 */
function probeWrite(target: string): 'EROFS' | 'ENOTDIR' | undefined {
  let current = path.resolve(target);
  for (;;) {
    try {
      const info = statSync(current);
      if (!info.isDirectory()) return current === path.resolve(target) ? undefined : 'ENOTDIR';
      accessSync(current, constants.W_OK);
      return undefined;
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      if (code === 'EROFS') return 'EROFS';
      if (code !== 'ENOENT') return undefined;
      const parent = path.dirname(current);
      if (parent === current) return undefined;
      current = parent;
    }
  }
}

/**
 * A file-system error (it has an errno code and, mostly, a path) as the typed error users see.
 * `folder` names the place when the error itself has no path (a write that ran out of space).
 */
export function fileSystemError(error: unknown, context: { folder?: string } = {}): B4BError | undefined {
  if (!(error instanceof Error) || error instanceof B4BError) return undefined;
  const e = error as NodeJS.ErrnoException & { dest?: string };
  if (typeof e.code !== 'string' || !/^E[A-Z]+$/.test(e.code) || (e.syscall === undefined && e.path === undefined)) return undefined;
  const where = e.dest ? `${e.path} to ${e.dest}` : (e.path ?? (context.folder ? `a file in ${context.folder}` : 'a file'));
  const writing = e.syscall === undefined || WRITE_CALLS.has(e.syscall) || e.dest !== undefined;
  const verb = e.syscall === 'open' ? 'open' : writing ? 'write' : 'read';
  const advice = 'outputDir and ledger in config/b4b.yaml say where runs write';
  const code = (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EPERM') && writing && e.path ? (probeWrite(e.path) ?? e.code) : e.code;
  switch (code) {
    case 'ENOSPC':
      return new B4BError(
        `cannot ${verb} ${where}: the disk is full (ENOSPC). Free some space on it and run again; the last good outputs are as they were`,
        [],
        EXIT.IO_ERROR,
      );
    case 'EDQUOT':
      return new B4BError(
        `cannot ${verb} ${where}: the disk quota is used up (EDQUOT). Free some space and run again; the last good outputs are as they were`,
        [],
        EXIT.IO_ERROR,
      );
    case 'EROFS':
      return new B4BError(
        `cannot ${verb} ${where}: the folder is on a read-only file system (EROFS); choose a writable folder (${advice})`,
        [],
        EXIT.CANT_CREATE,
      );
    case 'EACCES':
    case 'EPERM':
      return new B4BError(
        `cannot ${verb} ${where}: permission denied (${e.code}); give this user write access to the folder, or choose another (${advice})`,
        [],
        EXIT.CANT_CREATE,
      );
    case 'ENOTDIR':
      return new B4BError(
        `cannot ${verb} ${where}: a part of that path is a file, not a folder (ENOTDIR); choose a folder that exists or can be made (${advice})`,
        [],
        EXIT.CANT_CREATE,
      );
    case 'ENOENT':
      return new B4BError(`cannot ${verb} ${where}: no such file or folder (ENOENT)`, [], writing ? EXIT.CANT_CREATE : EXIT.IO_ERROR);
    case 'EISDIR':
      return new B4BError(`cannot ${verb} ${where}: it is a folder, not a file (EISDIR)`, [], writing ? EXIT.CANT_CREATE : EXIT.IO_ERROR);
    case 'EEXIST':
      return new B4BError(`cannot ${verb} ${where}: something is already there (EEXIST)`, [], EXIT.CANT_CREATE);
    case 'EMFILE':
    case 'ENFILE':
      return new B4BError(`cannot ${verb} ${where}: too many open files (${e.code}); run again when fewer programs are running`, [], EXIT.TEMP_FAIL);
    default:
      return new B4BError(`cannot ${verb} ${where}: ${e.message}`, [], EXIT.IO_ERROR);
  }
}
