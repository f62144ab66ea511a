import { Option } from 'commander';
import { isInstalledPackage, PACKAGE_ROOT } from '../config/project.js';
import { UsageError } from '../findings/errors.js';
import { writeDiagnostic } from './log-format.js';
import type { LoadedSettings, SettingsOverrides } from '../config/settings.js';

/** The options every command that reads a project takes. */
export interface ProjectOptions {
  project?: string;
  settings?: string;
}

export const PROJECT_HELP =
  'The project folder is --project DIR, else $B4B_PROJECT, else this folder when it holds config/b4b.yaml, else the\n' +
  "nearest folder above it that does, else the package's own sample project (an installed package's only for\n" +
  'commands that write nothing: run, schedule, serve and user add refuse it). Every path in config/b4b.yaml is\n' +
  'relative to the project folder.';

/** --project DIR, for every command that reads a project. */
export function projectOption(): Option {
  return new Option('--project <dir>', 'the project folder (config/, templates/, data/, output/); see below');
}

/** --settings FILE: another settings file; its project folder is the folder above the file's folder. */
export function settingsOption(): Option {
  return new Option('--settings <file>', "a settings file in a project's config/ folder, instead of --project").conflicts('project');
}

/**
 * Loads the chosen project's settings, saying on stderr when it falls back to the package's sample
 * project. A command that `writes` (outputs, the run ledger, uploads, users) refuses the sample project
 * of an installed package: it would write inside node_modules, which npm replaces when it updates the
 * package (or cannot write at all, when root installed it).
 */
export async function loadProjectSettings(options: ProjectOptions, overrides: SettingsOverrides = {}, use: { writes?: string } = {}): Promise<LoadedSettings> {
  // Loaded when a command runs, not for --help: the schemas (zod) and YAML cost a tenth of a second.
  const { loadSettings } = await import('../config/settings.js');
  const loaded = await loadSettings({ project: options.project, settingsFile: options.settings, overrides });
  if (loaded.projectSource === 'folder-above') {
    writeDiagnostic('info', `using the project folder ${loaded.paths.root} (the nearest folder above this one with config/b4b.yaml)`);
  }
  if (loaded.projectSource === 'package-sample' && use.writes !== undefined && isInstalledPackage()) {
    throw new UsageError(
      `there is no project folder here: no --project, no B4B_PROJECT, and no config/b4b.yaml in ${process.cwd()} or a folder above it. ` +
        `"b4b-reports ${use.writes}" writes into its project folder, and the installed package's sample project (${PACKAGE_ROOT}) is replaced when npm updates the package. ` +
        '"b4b-reports init DIR" writes a project folder of your own; then give this command --project DIR, or run it inside DIR.',
    );
  }
  if (loaded.projectSource === 'package-sample') {
    writeDiagnostic(
      'info',
      `using the package's sample project in ${PACKAGE_ROOT} (no --project, no B4B_PROJECT, and no config/b4b.yaml in this folder); ` +
        '"b4b-reports init DIR" writes a project folder of your own.',
    );
  }
  return loaded;
}
