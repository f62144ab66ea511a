import { CommanderError } from 'commander';
import { EXIT, EXIT_MEANINGS, fileSystemError, type ErrorCode } from '../findings/errors.js';
import { B4BError } from '../findings/finding.js';

export { EXIT, type ErrorCode };

/** Exit codes as every command's --help and the README give them (from the one table, ../findings/errors.ts). */
export const EXIT_CODES_HELP = ['Exit codes (every command):', ...EXIT_MEANINGS.map(([code, meaning]) => `  ${String(code).padEnd(3)} ${meaning}`)].join('\n');

export interface FailureJson {
  ok: false;
  error: { code: ErrorCode; exitCode: number; message: string };
}

/** How an error thrown by a command ends the program: exit code, --json code and message. The one place errors become exit codes. */
export function describeFailure(thrown: unknown, options: { debug?: boolean } = {}): FailureJson['error'] {
  if (thrown instanceof CommanderError) {
    return { code: 'usage', exitCode: EXIT.usage, message: thrown.message.replace(/^error: /, '') };
  }
  // A full disk or a read-only folder (an errno error) is said as such, with the path; the stack only with --debug.
  const error = fileSystemError(thrown) ?? thrown;
  const stack = options.debug && thrown instanceof Error && thrown.stack ? `\n${thrown.stack}` : '';
  if (error instanceof B4BError) return { code: error.code, exitCode: error.exitCode, message: `${error.message}${stack}` };
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
