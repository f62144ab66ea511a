import type { z } from 'zod';
import { ConfigFileError, parseConfig } from './read-config.js';
import { readRegularFile } from './regular-file.js';

/** The largest configuration file read: far beyond any hand-written YAML, so a wrong path costs nothing. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/**
 * Parses a configuration file's text and checks it against its schema. Every problem names the file,
 * the line and the field: `config/packs.yaml:12: packs.board.items[0].title: ...`.
 */
export function parseYamlFile<T>(text: string, file: string, schema: z.ZodType<T>, what: string): T {
  // One checker for every file: strict keys with the key most likely meant, reserved names, file:line (src/config/read-config.ts).
  return parseConfig(text, file, schema, what);
}

/**
 * A configuration file's text. A file that cannot be read, or is not a regular file (a named pipe
 * would hang the program, a device never ends), is a ConfigFileError saying why, before a byte is read.
 */
export async function readConfigText(file: string, what: string): Promise<string> {
  const bytes = await readRegularFile(file, {
    what: `the ${what}`,
    noun: 'a configuration file',
    expected: 'a YAML text file',
    maxBytes: MAX_CONFIG_BYTES,
    limitName: 'the most a configuration file may hold',
    refuse: (reason) => new ConfigFileError(`${file}: cannot read the ${what}: ${reason}`),
  });
  return Buffer.from(bytes).toString('utf8');
}

/** Reads a configuration file (YAML) and checks it against its schema; see parseYamlFile. */
export async function readYaml<T>(file: string, schema: z.ZodType<T>, what: string): Promise<T> {
  return parseYamlFile(await readConfigText(file, what), file, schema, what);
}
