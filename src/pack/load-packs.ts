import { readYaml } from '../config/read-yaml.js';
import type { LoadedSettings } from '../config/settings.js';
import { packsFileSchema, type PackSettings } from './pack-settings.js';

// Apart from build-pack.ts, so that checking a pack's name (`run --pack`, `schedule --check`) loads no PDF library.

export async function loadPacks(loaded: LoadedSettings): Promise<Record<string, PackSettings>> {
  return (await readYaml(loaded.paths.packs, packsFileSchema, 'packs file')).packs;
}
