import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { PACKAGE_ROOT } from '../config/project.js';
import { registerCatalogue } from './commands/catalogue.js';
import { registerHistory } from './commands/history.js';
import { registerInit } from './commands/init.js';
import { registerRun } from './commands/run.js';
import { registerSchedule } from './commands/schedule.js';
import { registerServe } from './commands/serve.js';
import { registerUser } from './commands/user.js';
import { registerValidate } from './commands/validate.js';
import { jsonLine, logFormat } from './log-format.js';
import { describeFailure, EXIT_CODES_HELP, wantsJson, writeJson } from './outcome.js';
import { helpText } from './help-text.js';

const { version } = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };

/**
 * The b4b-reports command line: parses `argv` (as process.argv: node, the script, then the arguments),
 * runs the command, and leaves its exit code in process.exitCode. A new commander program each call,
 * so that the bin (main.ts) calls it once per process and the tests may call it many times in one.
 */
export async function main(argv: readonly string[]): Promise<void> {
  const program = new Command();
  program
    .name('b4b-reports')
    .version(version, '-V, --version', 'print the version and exit')
    .description("Reads the children's services B4B performance workbook and produces the board and panel report packs as PDFs.")
    .option('--debug', 'on an unexpected failure, print its stack trace (for reporting a fault)')
    // A usage error says what was wrong and where the help is, not the whole help again.
    .showHelpAfterError('(add --help for the usage of this command)')
    // Piped, stderr is JSON lines and nothing else: a usage error too.
    .configureOutput({
      writeErr: (text) => process.stderr.write(logFormat() === 'json' ? jsonLine('info', text.trim()) : text),
      outputError: (text, write) =>
        logFormat() === 'json' ? process.stderr.write(jsonLine('error', text.trim().replace(/^error: /, ''), { code: 'usage', exitCode: 2 })) : write(text),
    })
    .exitOverride()
    .addHelpText(
      'after',
      helpText(
        `\n${EXIT_CODES_HELP}\n\nEvery command prints its results on stdout and its diagnostics (progress, warnings, errors) on stderr.\nWith --json, a command prints exactly one JSON object on stdout, whatever the outcome; a failure is\n{ "ok": false, "error": { "code": "usage" | "config" | "template" |\n"workbook" | "problems" | "unreadable-file" | "busy" | "file-system" | "internal", "exitCode": N,\n"message": "..." } }.`,
      ),
    );

  registerInit(program);
  registerValidate(program);
  registerRun(program);
  registerHistory(program);
  registerSchedule(program);
  registerCatalogue(program);
  registerServe(program);
  registerUser(program);

  const json = wantsJson(argv.slice(2));
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode === 0) {
      // --help or --version: printed already.
      process.exitCode = 0;
    } else {
      const failure = describeFailure(error, { debug: argv.includes('--debug') });
      // Commander has written its own usage errors to stderr already. Piped, stderr is JSON lines and nothing else.
      if (!(error instanceof CommanderError)) {
        process.stderr.write(
          logFormat() === 'json' ? jsonLine('error', failure.message, { code: failure.code, exitCode: failure.exitCode }) : `b4b-reports: ${failure.message}\n`,
        );
      }
      if (json) writeJson({ ok: false, error: failure });
      process.exitCode = failure.exitCode;
    }
  }
}
