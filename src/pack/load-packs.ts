import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { LoadedSettings } from '../config/settings.js';
import { B4BError } from '../findings/finding.js';
import { packsFileSchema, type PackSettings } from './pack-settings.js';

// Apart from build-pack.ts, so that checking a pack's name (`run --pack`, `schedule --check`) loads no PDF library.

export async function readYamlFile<T>(file: string, parse: (data: unknown) => T, what: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new B4BError(`${file}: cannot read the ${what} (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`);
  }
  try {
    return parse(parseYaml(text));
  } catch (cause) {
    throw new B4BError(`${file}: the ${what} is not valid: ${(cause as Error).message}`);
  }
}

export async function loadPacks(loaded: LoadedSettings): Promise<Record<string, PackSettings>> {
  return (await readYamlFile(loaded.paths.packs, (d) => packsFileSchema.parse(d), 'packs file')).packs;
}
