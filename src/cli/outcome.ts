import { CommanderError } from 'commander';
import { ConfigFileError } from '../config/read-config.js';
import { fileSystemError } from '../findings/exit-codes.js';
import { B4BError } from '../findings/finding.js';

/** The program's exit codes, the same for every command (BSD sysexits for 70 and 75). */
export const EXIT = {
  ok: 0,
  /** Problems found: the workbook has errors (or warnings under --strict), a configuration file is wrong, a run failed. */
  problems: 1,
  /** Wrong usage: an unknown command or option, a bad option value, an unknown report or pack, no such project folder. */
  usage: 2,
  /** A failure of the program itself (EX_SOFTWARE): a bug, to report with the message. */
  internal: 70,
  /** An output file or folder cannot be made (EX_CANTCREAT): a read-only file system, no permission, a path through a file. */
  cantCreate: 73,
  /** Input or output failed (EX_IOERR): the disk is full, a write failed. */
  ioError: 74,
  /** Temporary (EX_TEMPFAIL): another run of the same report or pack holds its lock; try again, or use --wait. */
  busy: 75,
} as const;

/** Exit codes as every command's --help and the README give them. */
export const EXIT_CODES_HELP = [
  'Exit codes (every command):',
  '  0   success',
  '  1   problems found: workbook errors (or warnings with --strict), a configuration file that is wrong, a failed run',
  '  2   wrong usage: unknown command or option, bad option value, unknown report or pack, no such project folder',
  '  70  internal failure of the program (a bug: run again with --debug and report what it prints)',
  '  73  an output file or folder cannot be made: a read-only file system, no permission, a path through a file',
  '  74  input or output failed: the disk is full, a write failed',
  '  75  busy: another run of the same report or pack is in progress; try again later or use --wait SECONDS',
].join('\n');

/**
 * The `code` of a failure under --json, for programs to act on: usage (exit 2), config (a configuration
 * file that cannot be read or is wrong, exit 1), problems (the workbook's errors, a failed run, exit 1),
 * unreadable-file (validate: the workbook cannot be read at all, exit 1), busy (exit 75), internal (exit 70).
 */
export type ErrorCode = 'usage' | 'config' | 'problems' | 'unreadable-file' | 'busy' | 'internal' | 'file-system';

export interface FailureJson {
  ok: false;
  error: { code: ErrorCode; exitCode: number; message: string };
}

/** How an error thrown by a command ends the program: exit code, --json code and message. */
export function describeFailure(thrown: unknown, options: { debug?: boolean } = {}): FailureJson['error'] {
  if (thrown instanceof CommanderError) {
    return { code: 'usage', exitCode: EXIT.usage, message: thrown.message.replace(/^error: /, '') };
  }
  // A full disk or a read-only folder (an errno error) is said as such, with the path; the stack only with --debug.
  const fsError = fileSystemError(thrown);
  const error = fsError ?? thrown;
  const stack = options.debug && thrown instanceof Error && thrown.stack ? `\n${thrown.stack}` : '';
  if (fsError) return { code: 'file-system', exitCode: fsError.exitCode, message: `${fsError.message}${stack}` };
  if (error instanceof B4BError) {
    const code: ErrorCode =
      error.exitCode === EXIT.usage ? 'usage' : error.exitCode === EXIT.busy ? 'busy' : error instanceof ConfigFileError ? 'config' : 'problems';
    const code2: ErrorCode = error.exitCode === EXIT.cantCreate || error.exitCode === EXIT.ioError ? 'file-system' : code;
    return { code: code2, exitCode: error.exitCode, message: `${error.message}${stack}` };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'internal',
    exitCode: EXIT.internal,
    message: stack
      ? `unexpected failure: ${message}${stack}`
      : `unexpected failure: ${message}\nThis is a fault in b4b-reports: run the command again with --debug and report what it prints.`,
  };
}

/** Whether the command line asks for JSON (before any `--`): then every outcome is one JSON object on stdout. */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/** Writes one JSON object on stdout: the only thing a --json command prints there. */
export function writeJson(value: object): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
