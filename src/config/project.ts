import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../findings/errors.js';

/**
 * The package's own folder. It is also a project folder: the sample project (config/, templates/ and
 * data/b4b-sample.xlsx), used when no other project is chosen and copied by `b4b-reports init`.
 */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Whether the package is installed (npm pack, then npm install): its folder is inside a node_modules
 * folder, which npm replaces on an update or removes with the package. A checkout (or `npm link`,
 * whose link node follows to the checkout) is not.
 */
export function isInstalledPackage(root: string = PACKAGE_ROOT): boolean {
  return path.resolve(root).split(path.sep).includes('node_modules');
}

/** Where a project folder keeps its settings file; its presence is what makes a folder a project. */
export const SETTINGS_IN_PROJECT = path.join('config', 'b4b.yaml');

/** How the project folder was chosen, in order of precedence. */
export type ProjectSource = 'settings-option' | 'project-option' | 'environment' | 'current-folder' | 'folder-above' | 'package-sample';

export interface ProjectChoice {
  /** The project folder: every path in its settings resolves against it. */
  root: string;
  /** Its settings file (config/b4b.yaml, or the file given with --settings). */
  settingsFile: string;
  source: ProjectSource;
}

export interface ProjectRequest {
  /** --settings FILE: a settings file in a project's config/ folder (the project is the folder above). */
  settingsFile?: string | undefined;
  /** --project DIR. */
  project?: string | undefined;
  /** The environment (B4B_PROJECT) and current folder; the process's own by default. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function projectAt(dir: string, source: ProjectSource, named: string): ProjectChoice {
  const root = path.resolve(dir);
  const settingsFile = path.join(root, SETTINGS_IN_PROJECT);
  if (!isFile(settingsFile)) {
    const why = existsSync(root) ? `it has no ${SETTINGS_IN_PROJECT}` : 'it does not exist';
    throw new UsageError(
      `${named} names ${root} as the project folder, but ${why}. "b4b-reports init ${dir}" writes a project folder there (the sample workbook, config and templates).`,
    );
  }
  return { root, settingsFile, source };
}

/**
 * The project folder: --settings FILE (the folder above the file's config/ folder), else --project DIR,
 * else $B4B_PROJECT, else the current folder when it holds config/b4b.yaml, else the nearest folder
 * above it that does (a command run from the project's data/ or output/ folder), else the package's
 * own sample project. A folder named explicitly must be a project: it is never passed over in silence.
 */
export function findProject(request: ProjectRequest = {}): ProjectChoice {
  const cwd = request.cwd ?? process.cwd();
  const env = request.env ?? process.env;
  if (request.settingsFile !== undefined) {
    const settingsFile = path.resolve(cwd, request.settingsFile);
    return { root: path.dirname(path.dirname(settingsFile)), settingsFile, source: 'settings-option' };
  }
  if (request.project !== undefined) return projectAt(path.resolve(cwd, request.project), 'project-option', '--project');
  const fromEnv = env['B4B_PROJECT'];
  if (fromEnv !== undefined && fromEnv !== '') return projectAt(path.resolve(cwd, fromEnv), 'environment', 'B4B_PROJECT');
  if (isFile(path.join(cwd, SETTINGS_IN_PROJECT))) return { root: path.resolve(cwd), settingsFile: path.resolve(cwd, SETTINGS_IN_PROJECT), source: 'current-folder' };
  for (let dir = path.dirname(path.resolve(cwd)); ; dir = path.dirname(dir)) {
    if (isFile(path.join(dir, SETTINGS_IN_PROJECT))) return { root: dir, settingsFile: path.join(dir, SETTINGS_IN_PROJECT), source: 'folder-above' };
    if (path.dirname(dir) === dir) break;
  }
  return { root: PACKAGE_ROOT, settingsFile: path.join(PACKAGE_ROOT, SETTINGS_IN_PROJECT), source: 'package-sample' };
}

/** A path as one shell word: as it is when it is plain, else in single quotes. */
export function shellWord(file: string): string {
  return /^[\w./@%+=:,-]+$/.test(file) ? file : `'${file.replace(/'/g, `'\\''`)}'`;
}

/**
 * The option that names this project to another command, from any folder: `--project DIR`, or
 * `--settings FILE` when the settings are not the project's config/b4b.yaml.
 */
export function projectArgument(project: { root: string; settings: string }): string {
  return path.resolve(project.settings) === path.join(path.resolve(project.root), SETTINGS_IN_PROJECT)
    ? `--project ${shellWord(path.resolve(project.root))}`
    : `--settings ${shellWord(path.resolve(project.settings))}`;
}

/**
 * Advice naming a command ("b4b-reports run --month 2023-07 …") with `option` added after the command
 * (after the subcommand of `user` and `catalogue`, which take no options of their own), so that
 * followed as printed, from any folder, it acts on the same project.
 */
export function withProjectOption(text: string, option: string): string {
  return text.replace(
    /"b4b-reports ((?:user|catalogue) [a-z]+|[a-z]+)( [^"]*)?"/g,
    (_, command: string, rest = '') => `"b4b-reports ${command} ${option}${rest}"`,
  );
}
