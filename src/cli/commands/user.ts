import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import path from 'node:path';
import type { Command } from 'commander';
import { shellWord } from '../../config/project.js';
import { UsageError } from '../../findings/errors.js';
import { writeJson } from '../outcome.js';
import { B4BError } from '../../findings/finding.js';
import { defaultUsersFile, ROLES, UserStore, type Role } from '../../serve/users.js';
import { loadProjectSettings, PROJECT_HELP, projectOption, settingsOption, type ProjectOptions } from '../project-options.js';
import { helpText } from '../help-text.js';

interface UserOptions extends ProjectOptions {
  role?: string;
  replace?: boolean;
  passwordStdin?: boolean;
  users?: string;
}

/** The environment variable a script can give the password in. */
export const PASSWORD_ENV = 'B4B_USER_PASSWORD';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Asks on the terminal without echoing what is typed. */
async function prompt(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, callback): void {
      if (!muted) process.stderr.write(chunk);
      callback();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  try {
    return await new Promise<string>((resolve) => {
      rl.question(question, (answer) => resolve(answer));
      muted = true;
    });
  } finally {
    muted = false;
    rl.close();
    process.stderr.write('\n');
  }
}

async function readPassword(name: string, options: UserOptions): Promise<string> {
  const fromEnv = process.env[PASSWORD_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (options.passwordStdin || !process.stdin.isTTY) {
    const piped = await readStdin();
    if (piped !== '') return piped;
    // The command, typed as printed in any folder, adds the user where this one would have.
    const where = [
      options.project !== undefined ? `--project ${shellWord(path.resolve(options.project))}` : '',
      options.settings !== undefined ? `--settings ${shellWord(path.resolve(options.settings))}` : '',
      options.users !== undefined ? `--users ${shellWord(path.resolve(options.users))}` : '',
    ]
      .filter(Boolean)
      .map((option) => `${option} `)
      .join('');
    const ways =
      `give it on stdin, as printf '%s' "$PASSWORD" | b4b-reports user add ${where}${name} --role ${options.role ?? 'officer'} --password-stdin, ` +
      `or in the environment variable ${PASSWORD_ENV}; nothing was written`;
    throw new UsageError(
      options.passwordStdin
        ? `no password was given: --password-stdin reads it from stdin, and stdin was empty. ${capitalise(ways)}`
        : `no password was given: "user add" asks for it on a terminal, and there is none here (stdin is not a terminal and was empty). ${capitalise(ways)}`,
    );
  }
  const first = await prompt('Password (at least 10 characters): ');
  const second = await prompt('The same password again: ');
  if (first !== second) throw new B4BError('the two passwords differ; nothing was written');
  return first;
}

/** The users file; `writes` names a command that changes it ("user add"). */
async function store(options: UserOptions, writes?: string): Promise<UserStore> {
  if (options.users) return new UserStore(path.resolve(options.users));
  const loaded = await loadProjectSettings(options, {}, writes === undefined ? {} : { writes });
  return new UserStore(defaultUsersFile(loaded));
}

export function registerUser(program: Command): void {
  const user = program.command('user').description("Manage the console's users (b4b-reports serve): who may sign in, and as officer or viewer");
  const common = (command: Command): Command =>
    command
      .option('--users <file>', 'the users file (default: config/users.yaml in the project folder)')
      .addOption(projectOption())
      .addOption(settingsOption())
      // The --project option's help says "see below": this is below.
      .addHelpText('after', helpText(`\n${PROJECT_HELP}`));

  common(
    user
      .command('add')
      .description('Add a user with a password (asked for on the terminal, or read from stdin or $B4B_USER_PASSWORD)')
      .argument('<name>', 'the user name: lower-case letters, digits, ".", "_" or "-"')
      .requiredOption('--role <role>', 'officer (every output; may check workbooks and run) or viewer (public outputs only)')
      .option('--replace', "change an existing user's role and password")
      .option('--password-stdin', 'read the password from stdin (also the default when stdin is not a terminal)'),
  )
    .addHelpText(
      'after',
      helpText(
        `\nThe password is stored as an scrypt hash with a salt of its own. For scripts:\n  printf '%s' "$PASSWORD" | b4b-reports user add alice --role officer --password-stdin\n  ${PASSWORD_ENV}=... b4b-reports user add alice --role officer`,
      ),
    )
    .action(async (name: string, options: UserOptions) => {
      if (!ROLES.includes(options.role as Role)) throw new UsageError(`--role "${options.role}" is not a role; expected officer or viewer`);
      const users = await store(options, 'user add');
      const password = await readPassword(name, options);
      const result = await users.add(name, options.role as Role, password, options.replace === true);
      process.stdout.write(`${result === 'added' ? 'Added' : 'Updated'} ${name} (${options.role}) in ${users.file}\n`);
    });

  common(user.command('remove').description('Remove a user').argument('<name>', 'the user name')).action(async (name: string, options: UserOptions) => {
    const users = await store(options, 'user remove');
    if (!(await users.remove(name))) throw new B4BError(`${users.file}: there is no user "${name}"`);
    process.stdout.write(`Removed ${name} from ${users.file}\n`);
  });

  common(
    user.command('list').description('List the users and their roles').option('--json', 'print {"ok": true, "file": FILE, "users": [{name, role}]}'),
  ).action(async (options: UserOptions & { json?: boolean }) => {
    const users = await store(options);
    const all = Object.entries(await users.users());
    if (options.json) {
      writeJson({ ok: true, file: users.file, users: all.map(([name, entry]) => ({ name, role: entry.role })) });
      return;
    }
    if (all.length === 0) process.stdout.write(`No users in ${users.file}.\n`);
    for (const [name, entry] of all) process.stdout.write(`${name}  ${entry.role}\n`);
  });
}
