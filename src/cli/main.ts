import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { PACKAGE_ROOT } from '../config/project.js';
import { EXIT, fileSystemError } from '../findings/exit-codes.js';
import { B4BError } from '../findings/finding.js';
import { registerCatalogue } from './commands/catalogue.js';
import { registerHistory } from './commands/history.js';
import { registerInit } from './commands/init.js';
import { registerRun } from './commands/run.js';
import { registerSchedule } from './commands/schedule.js';
import { registerServe } from './commands/serve.js';
import { registerUser } from './commands/user.js';
import { registerValidate } from './commands/validate.js';

// `b4b-reports history | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const { version } = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };

const program = new Command();
program
  .name('b4b-reports')
  .version(version, '-V, --version', 'print the version and exit')
  .description("Reads the children's services B4B performance workbook and produces the board and panel report packs as PDFs.")
  .option('--debug', 'on an unexpected failure, print its stack trace (for reporting a fault)')
  .showHelpAfterError()
  .exitOverride();

registerInit(program);
registerValidate(program);
registerRun(program);
registerHistory(program);
registerSchedule(program);
registerCatalogue(program);
registerServe(program);
registerUser(program);

/**
 * Every failure leaves with a typed message and an exit code (src/findings/exit-codes.ts): usage
 * errors 2, the program's own B4BErrors their code, file-system failures (a full disk, a read-only
 * or missing folder) 73 or 74 naming the path; anything else is a fault of the program, 70, with
 * its stack trace only under --debug.
 */
try {
  await program.parseAsync(process.argv);
} catch (error) {
  const debug = program.opts<{ debug?: boolean }>().debug === true || process.argv.includes('--debug');
  const typed = error instanceof B4BError ? error : fileSystemError(error);
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  } else if (typed) {
    process.stderr.write(`b4b-reports: ${typed.message}\n`);
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    process.exitCode = typed.exitCode;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      debug && error instanceof Error && error.stack
        ? `b4b-reports: unexpected failure: ${error.stack}\n`
        : `b4b-reports: unexpected failure: ${message}\nThis is a fault in b4b-reports: run the command again with --debug and report what it prints.\n`,
    );
    process.exitCode = EXIT.SOFTWARE;
  }
}
