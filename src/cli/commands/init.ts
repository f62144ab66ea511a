import { copyFile, cp, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { PACKAGE_ROOT } from '../../config/project.js';
import { UsageError } from '../../findings/errors.js';
import { B4BError } from '../../findings/finding.js';
import { helpText } from '../help-text.js';
import { writeDiagnostic } from '../log-format.js';

/** What a new project folder gets from the package's sample project. */
const PROJECT_FILES = ['config', 'templates', path.join('data', 'b4b-sample.xlsx')];

async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    if (code === 'ENOTDIR') throw new UsageError(`${dir} is a file, not a folder; nothing was written`);
    throw new B4BError(`${dir}: cannot read the folder (${code ?? String(cause)})`);
  }
}

/** The package's sample project files, each relative to the project folder ("config/b4b.yaml"), but those not copied. */
async function sampleFiles(notCopied: ReadonlySet<string>): Promise<string[]> {
  const files: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    const source = path.join(PACKAGE_ROOT, relative);
    if (notCopied.has(source)) return;
    if ((await stat(source)).isDirectory()) for (const entry of await readdir(source)) await walk(path.join(relative, entry));
    else files.push(relative);
  };
  for (const file of PROJECT_FILES) await walk(file);
  return files;
}

/**
 * Copies aside, into a dated folder of the project, each file that init is about to replace and that
 * differs from the sample's; undefined when there is none.
 */
async function keepAside(root: string, notCopied: ReadonlySet<string>): Promise<{ folder: string; files: string[] } | undefined> {
  const differing: string[] = [];
  for (const relative of await sampleFiles(notCopied)) {
    const mine = await readFile(path.join(root, relative)).catch(() => undefined);
    if (mine && !mine.equals(await readFile(path.join(PACKAGE_ROOT, relative)))) differing.push(relative);
  }
  if (differing.length === 0) return undefined;
  const folder = path.join(root, `replaced-by-init-${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}`);
  for (const relative of differing) {
    await mkdir(path.dirname(path.join(folder, relative)), { recursive: true });
    await copyFile(path.join(root, relative), path.join(folder, relative));
  }
  return { folder, files: differing.map((f) => f.split(path.sep).join('/')) };
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description("Write a project folder: the sample workbook, config and templates, ready for the other commands' --project")
    .argument('<dir>', 'the folder to write (made if it does not exist; must be empty)')
    .option(
      '--force',
      "write into a folder that is not empty, replacing the sample's files there (any that differ are kept aside first, in a replaced-by-init-DATE folder)",
    )
    .addHelpText(
      'after',
      helpText(
        '\nWrites DIR/config/ (b4b.yaml and the files it names), DIR/templates/ and DIR/data/b4b-sample.xlsx. Then, from any folder:\n' +
          '  b4b-reports validate --project DIR\n' +
          '  b4b-reports run --project DIR --month 2023-10\n' +
          'The second writes DIR/output/2023-10/; inside DIR, --project can go. ' +
          'Edit DIR/config/b4b.yaml to read your own workbook; every path in it is relative to DIR.',
      ),
    )
    .action(async (dir: string, options: { force?: boolean }) => {
      const root = path.resolve(dir);
      const existing = await entries(root);
      if (existing.length > 0 && options.force !== true) {
        throw new UsageError(
          `${root} is not empty (${existing.length} entr${existing.length === 1 ? 'y' : 'ies'}, e.g. ${existing.slice(0, 3).join(', ')}); nothing was written. ` +
            'Name a new or empty folder, or add --force to write the sample project over it.',
        );
      }
      for (const file of PROJECT_FILES) {
        if (!existsSync(path.join(PACKAGE_ROOT, file))) {
          throw new B4BError(`the package has no ${file} in ${PACKAGE_ROOT}, so there is no sample project to copy ("npm run sample" writes the workbook)`);
        }
      }
      await mkdir(root, { recursive: true });
      // Never the package folder's own console users (password hashes) or the console's page templates.
      const notCopied = new Set([path.join(PACKAGE_ROOT, 'config', 'users.yaml'), path.join(PACKAGE_ROOT, 'templates', 'console')]);
      // --force over a project: a file of the project's that differs from the sample's (its own settings,
      // templates) is kept aside before it is replaced, and said: nothing of the officer's is lost.
      const replaced = await keepAside(root, notCopied);
      for (const file of PROJECT_FILES) {
        await cp(path.join(PACKAGE_ROOT, file), path.join(root, file), { recursive: true, force: true, filter: (source) => !notCopied.has(source) });
      }
      if (replaced) {
        const shown = replaced.files.slice(0, 5).join(', ') + (replaced.files.length > 5 ? `, and ${replaced.files.length - 5} more` : '');
        const message = `Replaced ${replaced.files.length} file(s) of the folder that differed from the sample's (${shown}); the old ones are kept in ${replaced.folder}`;
        writeDiagnostic('info', message, { text: `${message}\n`, fields: { replaced: replaced.files, keptIn: replaced.folder } });
      }
      // The advice names the folder whole, so that it works from any folder (inside it, --project can go).
      const project = /^[\w@%+=:,./-]+$/.test(root) ? root : `'${root.replace(/'/g, `'\\''`)}'`;
      const next = [`b4b-reports validate --project ${project}`, `b4b-reports run --project ${project} --month 2023-10`];
      const wrote = `Wrote a project folder in ${root}: config/, templates/ and data/b4b-sample.xlsx. Next, from any folder:`;
      // Piped, one JSON line: the commands are its `next` too, for a script to run as written.
      writeDiagnostic('info', `${wrote} ${next.join('; ')}`, { text: `${wrote}\n${next.map((c) => `  ${c}\n`).join('')}`, fields: { next } });
      process.stdout.write(`${root}\n`);
    });
}
