import { createHash } from 'node:crypto';
import { link, lstat, mkdir, readdir, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface OutputFile {
  file: string;
  bytes: Uint8Array;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * A run's outputs are published as one set, all new or all old, whatever moment a run is killed at.
 *
 * Layout, for the set "2023-10/pack-board" (a month and a report or pack):
 *
 *   output/.sets/2023-10/pack-board/<run id>/2023-10/board-2023-10-public.pdf   the files of one run
 *   output/.sets/2023-10/pack-board/current -> <run id>                          which set is current
 *   output/2023-10/board-2023-10-public.pdf -> ../.sets/2023-10/pack-board/current/2023-10/board-2023-10-public.pdf
 *
 * A run writes its files whole into a folder of its own (`stageSet`); nothing a user sees changes.
 * Publishing (`publishSet`) makes sure each user-visible path is a link through `current`, then
 * switches `current` to the new folder with one rename: that single rename is the moment every
 * file of the set changes together. A run killed before it leaves the previous set in place (its
 * own folder is removed by the next run); one killed after it has published the whole new set.
 * Files of the old set that the new one lacks lose their link after the switch.
 *
 * The first run of a set over files written before sets existed first hard-links them into a
 * "legacy" set and makes that current, so that even the first switch is atomic.
 */

const SETS = '.sets';

export interface StagedSet {
  name: string;
  id: string;
  /** The set's folder (`.sets/<name>`) and this run's folder inside it. */
  root: string;
  folder: string;
  outputDir: string;
  /** Each file's path relative to the output folder. */
  files: string[];
}

function insideOutput(outputDir: string, file: string): string {
  const relative = path.relative(outputDir, file);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) throw new Error(`${file} is not inside the output folder ${outputDir}`);
  return relative;
}

/** Writes every file of a run, whole, into the set's new folder. Nothing visible changes. */
export async function stageSet(outputDir: string, name: string, id: string, files: OutputFile[]): Promise<StagedSet> {
  const root = path.join(outputDir, SETS, name);
  const folder = path.join(root, id);
  const relatives = files.map((f) => insideOutput(outputDir, f.file));
  await mkdir(folder, { recursive: true });
  await Promise.all(
    files.map(async (output, i) => {
      const target = path.join(folder, relatives[i] ?? '');
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, output.bytes);
    }),
  );
  return { name, id, root, folder, outputDir, files: relatives };
}

async function listFiles(folder: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(folder, prefix), { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const entry of entries) {
    const relative = path.join(prefix, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(folder, relative)));
    else out.push(relative);
  }
  return out;
}

/** The id of a set's current folder, if it has one. */
export async function currentSet(outputDir: string, name: string): Promise<string | undefined> {
  return readlink(path.join(outputDir, SETS, name, 'current')).catch(() => undefined);
}

/** Points `linkPath` at `target` with one rename (replacing a file or link that was there). */
async function placeLink(target: string, linkPath: string): Promise<void> {
  const temp = `${linkPath}.link-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  await symlink(target, temp);
  try {
    await rename(temp, linkPath);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Files written before sets existed become the "legacy" set, by hard links, before anything changes. */
async function adoptLegacy(staged: StagedSet): Promise<void> {
  const legacy = path.join(staged.root, 'legacy');
  let found = false;
  for (const relative of staged.files) {
    const visible = path.join(staged.outputDir, relative);
    const info = await lstat(visible).catch(() => undefined);
    if (!info?.isFile()) continue;
    const copy = path.join(legacy, relative);
    await mkdir(path.dirname(copy), { recursive: true });
    await rm(copy, { force: true });
    await link(visible, copy);
    found = true;
  }
  if (found) await placeLink('legacy', path.join(staged.root, 'current'));
}

/**
 * Publishes a staged set: one rename switches every file. `beforeSwitch` runs last before the
 * switch (the caller checks it still holds its lock there).
 */
export async function publishSet(staged: StagedSet, beforeSwitch: () => Promise<void> | void = () => undefined): Promise<void> {
  const currentLink = path.join(staged.root, 'current');
  const previous = await currentSet(staged.outputDir, staged.name);
  if (previous === undefined) await adoptLegacy(staged);
  const before = await currentSet(staged.outputDir, staged.name);
  // Every visible path of the new set is a link through `current` (already so after the first run).
  for (const relative of staged.files) {
    const visible = path.join(staged.outputDir, relative);
    const target = path.relative(path.dirname(visible), path.join(staged.root, 'current', relative));
    const info = await lstat(visible).catch(() => undefined);
    if (info?.isSymbolicLink() && (await readlink(visible)) === target) continue;
    if (info?.isDirectory()) throw new Error(`${visible} is a folder where the run writes a file; move it away and run again`);
    await mkdir(path.dirname(visible), { recursive: true });
    await placeLink(target, visible);
  }
  await beforeSwitch();
  await placeLink(staged.id, currentLink);
  // After the switch: links to files the new set lacks are removed, and old folders go.
  if (before !== undefined && before !== staged.id) {
    const keep = new Set(staged.files);
    for (const relative of await listFiles(path.join(staged.root, before))) {
      if (keep.has(relative)) continue;
      const visible = path.join(staged.outputDir, relative);
      if ((await lstat(visible).catch(() => undefined))?.isSymbolicLink()) await rm(visible, { force: true });
    }
  }
  await pruneSets(staged.root, staged.id, before);
}

/**
 * Removes a set's folders other than the current one: the set it replaced at once, and any other
 * (a killed run's, or a finished one's) once it is a minute old, so never a live run's.
 */
async function pruneSets(root: string, current: string, replaced: string | undefined, now = Date.now()): Promise<void> {
  for (const entry of await readdir(root).catch(() => [] as string[])) {
    if (entry === 'current' || entry === current || entry.startsWith('current.link-')) continue;
    const full = path.join(root, entry);
    const info = await stat(full).catch(() => undefined);
    if (entry === replaced || (info && now - info.mtimeMs > 60_000)) await rm(full, { recursive: true, force: true });
  }
}

/** Removes a staged set that will not be published (the run failed or was stopped). */
export async function discardSet(staged: StagedSet): Promise<void> {
  if ((await currentSet(staged.outputDir, staged.name)) === staged.id) return;
  await rm(staged.folder, { recursive: true, force: true });
}

/**
 * Writes files and publishes them as one set in a single call, for callers with no ledger record to
 * write in between.
 */
export async function writeOutputs(
  outputDir: string,
  files: OutputFile[],
  set: { name: string; id: string },
): Promise<Array<{ path: string; sha256: string }>> {
  const staged = await stageSet(outputDir, set.name, set.id, files);
  try {
    await publishSet(staged);
  } catch (error) {
    await discardSet(staged);
    throw error;
  }
  return files.map((f) => ({ path: f.file, sha256: sha256(f.bytes) }));
}

/** Removes what runs killed before sets existed left in `.staging` (older than a minute). */
export async function cleanStaging(outputDir: string, now = Date.now()): Promise<void> {
  const root = path.join(outputDir, '.staging');
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(root, entry);
    const info = await stat(full).catch(() => undefined);
    if (info && now - info.mtimeMs > 60_000) await rm(full, { recursive: true, force: true });
  }
}
