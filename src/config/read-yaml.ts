import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { ConfigFileError, parseConfig } from './read-config.js';


/**
 * Parses a configuration file's text and checks it against its schema. Every problem names the file,
 * the line and the field: `config/packs.yaml:12: packs.board.items[0].title: ...`.
 */
export function parseYamlFile<T>(text: string, file: string, schema: z.ZodType<T>, what: string): T {
  // One checker for every file: strict keys with the key most likely meant, reserved names, file:line (src/config/read-config.ts).
  return parseConfig(text, file, schema, what);
}

/** A configuration file's text; a file that cannot be read is a ConfigFileError saying why. */
export async function readConfigText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'this is a folder' : code === 'EACCES' ? 'permission denied' : String(cause);
    throw new ConfigFileError(`${file}: cannot read the ${what}: ${reason}`);
  }
}

/** Reads a configuration file (YAML) and checks it against its schema; see parseYamlFile. */
export async function readYaml<T>(file: string, schema: z.ZodType<T>, what: string): Promise<T> {
  return parseYamlFile(await readConfigText(file, what), file, schema, what);
}
