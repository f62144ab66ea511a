import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { B4BError, type ErrorCode, type Finding } from './finding.js';

/**
 * The program's exit codes, one table for every command (after sysexits.h, so a service manager or
 * script can tell a bad workbook from a full disk), and one error class per kind of failure. Every
 * failure leaves through one of these; only `internal` means a fault in the program itself, and only
 * `--debug` prints a stack trace. `--help` and the README print this table (a test checks both).
 */
export const EXIT = {
  ok: 0,
  /** Problems found: the workbook has errors (or warnings under --strict), a configuration file or template is wrong, a run failed. */
  problems: 1,
  /** Wrong usage: an unknown command or option, a bad option value, an unknown report or pack, no such project folder. */
  usage: 2,
  /** A fault in b4b-reports itself (EX_SOFTWARE): a bug, to report with what --debug prints. */
  internal: 70,
  /** An output file or folder cannot be made (EX_CANTCREAT): a read-only file system, no permission, a path through a file. */
  cantCreate: 73,
  /** Input or output failed (EX_IOERR): the disk is full, a write failed. */
  ioError: 74,
  /** Temporary (EX_TEMPFAIL): another run of the same month holds its lock; try again, or use --wait. */
  busy: 75,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What each exit code means, as `--help` and the README say it. */
export const EXIT_MEANINGS: ReadonlyArray<[ExitCode, string]> = [
  [EXIT.ok, 'success'],
  [EXIT.problems, 'problems found: workbook errors (or warnings with --strict), a configuration file or template that is wrong, a failed run'],
  [EXIT.usage, 'wrong usage: unknown command or option, bad option value, unknown report or pack, no such project folder'],
  [EXIT.internal, 'internal failure of the program (a bug: run again with --debug and report what it prints)'],
  [EXIT.cantCreate, 'an output file or folder cannot be made: a read-only file system, no permission, a path through a file'],
  [EXIT.ioError, 'input or output failed: the disk is full, a write failed'],
  [
    EXIT.busy,
    "busy: another run of the same month is in progress (try again later or use --wait SECONDS), or another scheduler, or another program on the console's port",
  ],
];

export type { ErrorCode } from './finding.js';

/** Wrong usage (exit 2): an unknown report or pack, a bad option value, a project folder that is not one. */
export class UsageError extends B4BError {
  constructor(message: string) {
    super(message, [], EXIT.usage);
    this.name = 'UsageError';
  }
  override get code(): ErrorCode {
    return 'usage';
  }
}

/** A configuration file that cannot be read, is not YAML, or does not match its schema (exit 1); the message names the file and line. */
export class ConfigFileError extends B4BError {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigFileError';
  }
  override get code(): ErrorCode {
    return 'config';
  }
}

/** A report template that cannot be used (exit 1): the message names the template file and, where known, its line. */
export class TemplateError extends B4BError {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
  override get code(): ErrorCode {
    return 'template';
  }
}

/** The workbook has errors, or does not reach the month asked (exit 1): its findings name each cell. */
export class WorkbookError extends B4BError {
  constructor(message: string, findings: Finding[] = []) {
    super(message, findings);
    this.name = 'WorkbookError';
  }
  override get code(): ErrorCode {
    return 'workbook';
  }
}

/** Another run of the same month holds its lock, or a slot has run already (exit 75). */
export class BusyError extends B4BError {
  constructor(message: string) {
    super(message, [], EXIT.busy);
    this.name = 'BusyError';
  }
  override get code(): ErrorCode {
    return 'busy';
  }
}

/** An output file or folder cannot be made (exit 73), or a read or write failed (exit 74): the message names the path. */
export class FileSystemError extends B4BError {
  constructor(message: string, exitCode: typeof EXIT.cantCreate | typeof EXIT.ioError) {
    super(message, [], exitCode);
    this.name = 'FileSystemError';
  }
  override get code(): ErrorCode {
    return 'file-system';
  }
}

const WRITE_CALLS = new Set([
  // access: the run asks whether it may write to a folder before it records its files there.
  'access',
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
      return new FileSystemError(
        `cannot ${verb} ${where}: the disk is full (ENOSPC). Free some space on it and run again; the last good outputs are as they were`,
        EXIT.ioError,
      );
    case 'EDQUOT':
      return new FileSystemError(
        `cannot ${verb} ${where}: the disk quota is used up (EDQUOT). Free some space and run again; the last good outputs are as they were`,
        EXIT.ioError,
      );
    case 'EROFS':
      return new FileSystemError(
        `cannot ${verb} ${where}: the folder is on a read-only file system (EROFS); choose a writable folder (${advice})`,
        EXIT.cantCreate,
      );
    case 'EACCES':
    case 'EPERM':
      return new FileSystemError(
        `cannot ${verb} ${where}: permission denied (${e.code}); give this user write access to the folder, or choose another (${advice})`,
        EXIT.cantCreate,
      );
    case 'ENOTDIR':
      return new FileSystemError(
        `cannot ${verb} ${where}: a part of that path is a file, not a folder (ENOTDIR); choose a folder that exists or can be made (${advice})`,
        EXIT.cantCreate,
      );
    case 'ENOENT':
      return new FileSystemError(`cannot ${verb} ${where}: no such file or folder (ENOENT)`, writing ? EXIT.cantCreate : EXIT.ioError);
    case 'EISDIR':
      return new FileSystemError(`cannot ${verb} ${where}: it is a folder, not a file (EISDIR)`, writing ? EXIT.cantCreate : EXIT.ioError);
    case 'EEXIST':
      return new FileSystemError(`cannot ${verb} ${where}: something is already there (EEXIST)`, EXIT.cantCreate);
    case 'EMFILE':
    case 'ENFILE':
      return new BusyError(`cannot ${verb} ${where}: too many open files (${e.code}); run again when fewer programs are running`);
    default:
      return new FileSystemError(`cannot ${verb} ${where}: ${e.message}`, EXIT.ioError);
  }
}
