import path from 'node:path';
import { shellWord, withProjectOption } from '../config/project.js';
import type { ProjectOptions } from './project-options.js';

/**
 * Advice the program prints names a command to run ("b4b-reports run --month 2023-07 --report
 * clinic-safeguarding"). Followed as printed, it must act on the same project as the command that
 * printed it: when that command was given --project or --settings, the advice gets the same option
 * (as an absolute path, quoted where it has a space). From the project folder itself, or with
 * B4B_PROJECT set, the advice works as it is and is left alone.
 */
export function adviceFor(options: ProjectOptions): (text: string) => string {
  const chosen =
    options.project !== undefined
      ? `--project ${shellWord(path.resolve(options.project))}`
      : options.settings !== undefined
        ? `--settings ${shellWord(path.resolve(options.settings))}`
        : undefined;
  if (chosen === undefined) return (text) => text;
  return (text) => withProjectOption(text, chosen);
}
