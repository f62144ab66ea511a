import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../fixtures/workbooks.js';

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  overrides?: Record<string, string>;
}

const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, Manifest & { optionalDependencies?: Record<string, string> }>;
};

/**
 * `npm ci` installs exactly package-lock.json and refuses a lock that package.json has moved away
 * from. A dependency added to package.json without `npm install` (or a merge that keeps one side's
 * lock) fails here, in a second, before CI's `npm ci` would (`npm run lock:check` asks npm itself).
 */
describe('package-lock.json', () => {
  const root = lock.packages[''];

  it('records the dependencies package.json declares, range for range', () => {
    expect(root?.name).toBe(manifest.name);
    expect(root?.version).toBe(manifest.version);
    expect(root?.dependencies ?? {}).toEqual(manifest.dependencies ?? {});
    expect(root?.devDependencies ?? {}).toEqual(manifest.devDependencies ?? {});
  });

  it('has every declared dependency installed in it', () => {
    const missing = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }).filter((name) => !lock.packages[`node_modules/${name}`]);
    expect(missing).toEqual([]);
  });

  it('pins the overridden packages', () => {
    for (const [name, version] of Object.entries(manifest.overrides ?? {})) {
      const entries = Object.entries(lock.packages).filter(([where]) => where === `node_modules/${name}` || where.endsWith(`/node_modules/${name}`));
      expect(entries.length, name).toBeGreaterThan(0);
      for (const [where, entry] of entries) expect(entry.version, where).toBe(version);
    }
  });

  it("lists every package's optional dependencies (npm ci refuses a lock without them: rollup 4.68's platform packages)", () => {
    /** Where node would find `dep` from the package installed at `where`: its own node_modules, then each parent's. */
    const found = (where: string, dep: string): boolean => {
      let folder = where;
      for (;;) {
        if (lock.packages[`${folder}${folder ? '/' : ''}node_modules/${dep}`]) return true;
        const up = folder.lastIndexOf('/node_modules/');
        if (folder === '') return false;
        folder = up === -1 ? '' : folder.slice(0, up);
      }
    };
    const unlisted = Object.entries(lock.packages).flatMap(([where, entry]) =>
      Object.keys(entry.optionalDependencies ?? {})
        .filter((dep) => !found(where, dep))
        .map((dep) => `${where} -> ${dep}`),
    );
    expect(unlisted).toEqual([]);
  });
});
