import { containedPath } from '../config/contained-path.js';
import { readConfigFile, type LoadedSettings } from '../config/settings.js';
import { packsFileSchema, type PackSettings } from './pack-settings.js';

// Apart from src/produce/pack.ts, so that checking a pack's name (`run --pack`, `schedule --check`) loads no PDF library.

/** The packs of config/packs.yaml, checked; the covering reports, glossaries and PDFs they include stay inside the project folder. */
export async function loadPacks(loaded: LoadedSettings): Promise<Record<string, PackSettings>> {
  const file = loaded.paths.packs;
  const parsed = await readConfigFile(file, packsFileSchema, 'packs file');
  for (const [name, pack] of Object.entries(parsed.data.packs)) {
    pack.items.forEach((item, i) =>
      item.documents.forEach((doc, d) => {
        const found =
          'coveringReport' in doc
            ? { key: 'coveringReport', value: doc.coveringReport }
            : 'glossary' in doc
              ? { key: 'glossary', value: doc.glossary }
              : 'file' in doc
                ? { key: 'file', value: doc.file }
                : undefined;
        if (found === undefined) return;
        const { key, value } = found;
        const keyPath = ['packs', name, 'items', i, 'documents', d, key];
        containedPath(
          loaded.paths.root,
          value,
          { file, line: parsed.lineOf(keyPath), keyPath: `packs.${name}.items[${i}].documents[${d}].${key}`, key },
          loaded.settings.allowOutsideProject,
        );
      }),
    );
  }
  return parsed.data.packs;
}
