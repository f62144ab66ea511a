import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { PACKAGE_ROOT } from '../config/project.js';
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

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof B4BError) {
    process.stderr.write(`b4b-reports: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`b4b-reports: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 70;
  }
}
