/**
 * Paths in configuration stay inside the project folder. The rule:
 *
 * - a relative path is resolved against the project folder and must stay inside it (no `../` out
 *   of it, and no symbolic link inside it that leads out);
 * - an absolute path must be inside the project folder too, unless its key is listed under
 *   `allowOutsideProject` in config/b4b.yaml (by default only `workbook`: the council's workbook
 *   often lives on a shared drive). A folder elsewhere is allowed by writing its absolute path and
 *   listing the key, e.g. `allowOutsideProject: [workbook, outputDir]`;
 * - a path given on the command line (`--workbook`, `--settings`) is the user's own choice and is
 *   not checked.
 *
 * Keys: workbook, headerAliases, catalogue, teamMeasures, delivery, schedule, ledger, finance,
 * outputDir, template (a report's template) and, in config/packs.yaml, coveringReport and file.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { ConfigFileError } from './read-config.js';

export const DEFAULT_ALLOWED_OUTSIDE = ['workbook'];

/** A project file as its user knows it: "data/b4b-sample.xlsx" inside the project folder, the full path outside it. */
export function projectName(root: string, file: string): string {
  const relative = path.relative(root, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative.split(path.sep).join('/') : file;
}

/** The real path of the longest part of `target` that exists, with the rest appended (symbolic links resolved). */
function realPath(target: string): string {
  const rest: string[] = [];
  let current = target;
  for (;;) {
    try {
      return path.join(realpathSync(current), ...rest.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return target;
      rest.push(path.basename(current));
      current = parent;
    }
  }
}

function inside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

export interface PathPlace {
  /** The config file and the line the value is on. */
  file: string;
  line?: number | undefined;
  /** The key as a path ("reports.performance.template"); `key` is its last part, as allowOutsideProject names it. */
  keyPath: string;
  key: string;
}

/** The absolute path a config value names, refused (a ConfigFileError, exit 1) when the rule above does not allow it. */
export function containedPath(root: string, value: string, place: PathPlace, allowOutside: readonly string[]): string {
  const resolved = path.resolve(root, value);
  const lexicallyInside = inside(root, resolved);
  const reallyInside = lexicallyInside && inside(realPath(root), realPath(resolved));
  if (reallyInside) return resolved;
  const absolute = path.isAbsolute(value);
  if (absolute && allowOutside.includes(place.key)) return resolved;
  const at = `${place.file}${place.line !== undefined ? `:${place.line}` : ''}`;
  const why = lexicallyInside ? `leads through a symbolic link to ${realPath(resolved)}, outside the project folder ${root}` : `resolves to ${resolved}, outside the project folder ${root}`;
  const advice = absolute
    ? `to use it, add ${place.key} to allowOutsideProject in config/b4b.yaml`
    : `paths in config stay inside the project folder; to use a place outside it, write its absolute path and add ${place.key} to allowOutsideProject in config/b4b.yaml`;
  throw new ConfigFileError(`${at}: ${place.keyPath}: "${value}" ${why}; ${advice}`);
}
