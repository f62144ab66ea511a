import path from 'node:path';
import { shellWord, withProjectOption } from '../config/project.js';
import type { ProjectOptions } from './project-options.js';

/**
 * Advice the program prints names a command to run ("b4b-reports run --month 2023-07 --report
 * clinic-safeguarding"). Followed as printed, it must act on the same project as the command that
 * printed it: when that command was given --project or --settings, the advice gets the same option
 * (as an absolute path, quoted where it has a space). From the project folder itself, or with
 * B4B_PROJECT set, the advice works as it is and is left alone. Given `workbook` (run --workbook), a
 * "b4b-reports run" it advises reads that workbook too: the month it names was found in it, and the
 * configured workbook may not have it.
 */
export function adviceFor(options: ProjectOptions, given: { workbook?: string | undefined } = {}): (text: string) => string {
  const chosen =
    options.project !== undefined
      ? `--project ${shellWord(path.resolve(options.project))}`
      : options.settings !== undefined
        ? `--settings ${shellWord(path.resolve(options.settings))}`
        : undefined;
  const withProject = chosen === undefined ? (text: string) => text : (text: string) => withProjectOption(text, chosen);
  if (given.workbook === undefined) return withProject;
  const workbook = ` --workbook ${shellWord(path.resolve(given.workbook))}`;
  return (text) =>
    withProject(text).replace(/"b4b-reports run( [^"]*)"/g, (whole, rest: string) =>
      rest.includes(' --workbook ') ? whole : `"b4b-reports run${rest}${workbook}"`,
    );
}
