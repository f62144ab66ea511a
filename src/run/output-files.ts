import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, copyFile, link, lstat, mkdir, open, readdir, readFile, readlink, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { faultPoint } from './fault-points.js';

export interface OutputFile {
  file: string;
  bytes: Uint8Array;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * A run's outputs are plain files in the month's folder (`output/2023-10/board-2023-10-public.pdf`):
 * they survive `cp -r`, zip, a Windows share and an e-mail attachment. They are published as one set,
 * never left mixed, whatever moment a run is killed at:
 *
 *   output/.sets/2023-10/pack-board/<run id>/2023-10/...   the files of one run, written whole (staging)
 *   output/.sets/2023-10/pack-board/journal.json           the switch under way: which run, which files
 *   output/.sets/2023-10/pack-board/current.json           the run whose files are the current ones
 *
 * 1. A run writes every file whole into its own folder (`stageSet`); nothing a user sees changes.
 * 2. Publishing (`publishSet`) writes the journal (fsync'd), then `beforeSwitch` records the run in the
 *    ledger, then each file is put in place by a hard link and a rename over the old one (each file
 *    changes in one step; a reader never sees half a file), the old set's files that the new one lacks
 *    are removed, `current.json` names the run (and the run it replaced, whose folder is kept: its
 *    files as they were published), and the journal goes.
 * 3. A run killed before the ledger has its record left nothing visible changed: its journal and folder
 *    are thrown away. One killed after it (during the renames) is completed: every later run of the
 *    month, and `serve` and `schedule` when they start, finish any journal whose run the ledger has
 *    (`recoverSets`), before they do anything else, so the folder is whole again before anyone relies on it.
 *
 * While the files are renamed (milliseconds), a reader that opens two of them may get one old and one
 * new; a copy made after the run has ended is always one set. Where hard links are not possible (a file
 * system without them), each file is copied beside its place and renamed over it instead.
 */

const SETS = '.sets';
const JOURNAL = 'journal.json';
const CURRENT = 'current.json';
/** Where a file's hard link is made before it is renamed into place. */
const PLACING = '.placing';

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

const journalSchema = z.object({ id: z.string().min(1), files: z.array(z.string()), remove: z.array(z.string()) });
type Journal = z.infer<typeof journalSchema>;

function insideOutput(outputDir: string, file: string): string {
  const relative = path.relative(outputDir, file);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) throw new Error(`${file} is not inside the output folder ${outputDir}`);
  return relative;
}

/** Writes `bytes` to `file` and makes it durable (fsync) before the call returns. */
async function writeDurably(file: string, bytes: Uint8Array | string): Promise<void> {
  const handle = await open(file, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
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
      await writeDurably(target, output.bytes);
    }),
  );
  return { name, id, root, folder, outputDir, files: relatives };
}

/** The files (relative paths) of a folder, recursively. */
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

/** The id of the run whose files are a set's current ones, if any (a set published as links, before plain files, too). */
export async function currentSet(outputDir: string, name: string): Promise<string | undefined> {
  const root = path.join(outputDir, SETS, name);
  const text = await readFile(path.join(root, CURRENT), 'utf8').catch(() => undefined);
  if (text !== undefined) {
    try {
      return (JSON.parse(text) as { id?: string }).id;
    } catch {
      return undefined;
    }
  }
  return readlink(path.join(root, 'current')).catch(() => undefined);
}

/** The files of the set that is current now: the last published set's list, or for a set published as links, its folder's. */
async function currentFiles(root: string, outputDir: string, name: string): Promise<string[]> {
  const text = await readFile(path.join(root, CURRENT), 'utf8').catch(() => undefined);
  if (text !== undefined) {
    try {
      return (JSON.parse(text) as { files?: string[] }).files ?? [];
    } catch {
      return [];
    }
  }
  const linked = await currentSet(outputDir, name);
  return linked ? listFiles(path.join(root, linked)) : [];
}

/**
 * Puts the staged copy of `relative` in its place: a hard link made in the set's own folder (never in
 * the month's folder, where a run killed at that moment would leave it), renamed over the file (a copy
 * where links cannot be made).
 */
async function place(staged: { root: string; folder: string; outputDir: string }, relative: string): Promise<void> {
  const source = path.join(staged.folder, relative);
  const visible = path.join(staged.outputDir, relative);
  const info = await lstat(visible).catch(() => undefined);
  if (info?.isDirectory()) throw new Error(`${visible} is a folder where the run writes a file; move it away and run again`);
  await mkdir(path.dirname(visible), { recursive: true });
  const placing = path.join(staged.root, PLACING);
  await mkdir(placing, { recursive: true });
  const temp = path.join(placing, `${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  try {
    await link(source, temp);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EMLINK') throw error;
    await copyFile(source, temp);
  }
  try {
    await rename(temp, visible);
  } catch (error) {
    await rm(temp, { force: true });
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await placeAcross(source, visible);
  }
}

/**
 * The visible folder is on another file system than the run's sets (a month folder mounted from
 * elsewhere): the file is copied beside it, under a hidden name ending .part, and renamed there, so it
 * still appears whole or not at all. (Only here does a run write in the month's folder before the
 * rename: a run killed in this moment leaves that hidden .part file.)
 */
async function placeAcross(source: string, visible: string): Promise<void> {
  const temp = path.join(path.dirname(visible), `.${path.basename(visible)}.${process.pid}-${Math.random().toString(36).slice(2, 10)}.part`);
  try {
    await copyFile(source, temp);
    await rename(temp, visible);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * The switch failed before any visible file changed: the run, recorded before it, failed after all.
 * Its journal stays until the run's failure is recorded (`dropJournal` then): a process that ends in
 * between leaves a journal the next run finishes, as the ledger's record says.
 */
export class NothingReplacedError extends Error {
  constructor(
    readonly reason: unknown,
    readonly dropJournal: () => Promise<void>,
  ) {
    super(reason instanceof Error ? reason.message : String(reason), { cause: reason });
  }
}

/** The switch failed with some of the set's files in place: its journal stays, for the next run of the month to finish. */
export class PartlyPlacedError extends Error {
  constructor(
    readonly reason: unknown,
    readonly placed: number,
    readonly total: number,
  ) {
    super(reason instanceof Error ? reason.message : String(reason), { cause: reason });
  }
}

/**
 * What would stop the switch at a file, found before the run is recorded: a folder where a file goes,
 * a folder that cannot be made or written to. (Found in the switch instead, the run would be recorded
 * with some of its files in place.)
 */
async function checkPlaces(outputDir: string, files: string[]): Promise<void> {
  const folders = new Set<string>();
  for (const relative of files) {
    const visible = path.join(outputDir, relative);
    if ((await lstat(visible).catch(() => undefined))?.isDirectory())
      throw new Error(`${visible} is a folder where the run writes a file; move it away and run again`);
    folders.add(path.dirname(visible));
  }
  for (const folder of folders) {
    await mkdir(folder, { recursive: true });
    await access(folder, constants.W_OK);
  }
}

/** Carries out a journal: every file in place, the old set's extra files removed, the set's current run named, the journal gone. */
async function switchTo(root: string, outputDir: string, journal: Journal, placed: () => void = () => undefined): Promise<void> {
  const staged = { root, folder: path.join(root, journal.id), outputDir };
  for (const [i, relative] of journal.files.entries()) {
    await place(staged, relative);
    placed();
    if (i === 0) faultPoint('switching');
  }
  for (const relative of journal.remove) await unlink(path.join(outputDir, relative)).catch(() => undefined);
  // The run replaced keeps its folder (its files, as they were: links to what was visible until now).
  const before = await readCurrent(root);
  const previous = before?.id === journal.id ? before.previous : before?.id;
  await writeDurably(path.join(root, `${CURRENT}.new`), JSON.stringify({ id: journal.id, files: journal.files, ...(previous ? { previous } : {}) }));
  await rename(path.join(root, `${CURRENT}.new`), path.join(root, CURRENT));
  await rm(path.join(root, 'current'), { force: true }); // a set published as links before
  await rm(path.join(root, JOURNAL), { force: true });
}

/**
 * Publishes a staged set. `beforeSwitch` runs after the journal is written and before any visible file
 * changes (the caller records the run in the ledger there, and checks it still holds its lock): if it
 * throws, nothing visible has changed and the journal is removed. If the switch fails before its first
 * file is in place, nothing visible has changed either: NothingReplacedError, whose journal is removed
 * once the caller has recorded the failure, so that no later run finishes a switch this run was told
 * had failed. Once a file is in place the journal stays (PartlyPlacedError): the next run of the
 * month finishes the switch.
 */
export async function publishSet(staged: StagedSet, beforeSwitch: () => Promise<void> | void = () => undefined): Promise<void> {
  const before = await currentFiles(staged.root, staged.outputDir, staged.name);
  const keep = new Set(staged.files);
  const journal: Journal = { id: staged.id, files: staged.files, remove: before.filter((f) => !keep.has(f)) };
  await checkPlaces(staged.outputDir, staged.files);
  await writeDurably(path.join(staged.root, JOURNAL), JSON.stringify(journal));
  try {
    await beforeSwitch();
  } catch (error) {
    await rm(path.join(staged.root, JOURNAL), { force: true });
    throw error;
  }
  let placed = 0;
  try {
    await switchTo(staged.root, staged.outputDir, journal, () => (placed += 1));
  } catch (error) {
    if (placed > 0) throw new PartlyPlacedError(error, placed, journal.files.length);
    throw new NothingReplacedError(error, () => rm(path.join(staged.root, JOURNAL), { force: true }));
  }
  await pruneSets(staged.root);
}

/**
 * Removes the folders of a set's runs but three: a journal's (still to be carried out), the current
 * run's (links to the visible files) and the run it replaced (its files as they were: a re-run with
 * --force loses nothing it replaced, until the next re-run).
 */
async function pruneSets(root: string): Promise<void> {
  const journal = await readJournal(root);
  const current = await readCurrent(root);
  const kept = new Set([journal?.id, current?.id, current?.previous].filter((id): id is string => id !== undefined));
  for (const entry of await readdir(root).catch(() => [] as string[])) {
    if (entry === CURRENT || entry === JOURNAL || kept.has(entry) || entry.startsWith(`${CURRENT}.`)) continue;
    await rm(path.join(root, entry), { recursive: true, force: true });
  }
}

const currentSchema = z.object({ id: z.string().min(1), files: z.array(z.string()).optional(), previous: z.string().min(1).optional() });

/** The set's current.json: its current run, and the run that one replaced (kept). */
async function readCurrent(root: string): Promise<z.infer<typeof currentSchema> | undefined> {
  const text = await readFile(path.join(root, CURRENT), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = currentSchema.safeParse(JSON.parse(text) as unknown);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where the files of a set's run that a later run replaced are kept (the folder holds the output
 * folder's own layout: `2023-10/board-2023-10-public.pdf`), if they are: only the last replaced run's are.
 */
export async function replacedFilesFolder(outputDir: string, name: string, id: string): Promise<string | undefined> {
  const root = path.join(outputDir, SETS, name);
  const current = await readCurrent(root);
  if (current?.previous !== id) return undefined;
  const folder = path.join(root, id);
  return (await stat(folder).catch(() => undefined))?.isDirectory() ? folder : undefined;
}

async function readJournal(root: string): Promise<Journal | undefined> {
  const text = await readFile(path.join(root, JOURNAL), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const parsed = journalSchema.safeParse(JSON.parse(text) as unknown);
  return parsed.success ? parsed.data : undefined;
}

/** Removes a staged set that will not be published (the run failed or was stopped). */
export async function discardSet(staged: StagedSet): Promise<void> {
  if ((await readJournal(staged.root))?.id === staged.id) return;
  await rm(staged.folder, { recursive: true, force: true });
}

/**
 * Finishes what a killed run left, for the sets whose names start with `prefix` ("2023-10/" for a
 * month, "" for all): a journal whose run the ledger recorded is carried out (the run was published,
 * and its files now all are); any other is removed with its folder (nothing visible had changed).
 * Call it holding the month's lock. Says what it did, one line a set.
 */
export async function recoverSets(outputDir: string, prefix: string, recorded: (id: string) => boolean): Promise<string[]> {
  const base = path.join(outputDir, SETS);
  const said: string[] = [];
  for (const month of await readdir(base).catch(() => [] as string[])) {
    for (const set of await readdir(path.join(base, month)).catch(() => [] as string[])) {
      const name = `${month}/${set}`;
      if (!name.startsWith(prefix)) continue;
      const root = path.join(base, month, set);
      if (!(await stat(root).catch(() => undefined))?.isDirectory()) continue;
      const journal = await readJournal(root);
      if (journal === undefined) {
        // A journal that cannot be read was never complete: nothing had changed.
        await rm(path.join(root, JOURNAL), { force: true });
        continue;
      }
      if (recorded(journal.id)) {
        await switchTo(root, outputDir, journal);
        said.push(`${name}: finished publishing run ${journal.id}, which was stopped or failed while its files were put in place`);
      } else {
        await rm(path.join(root, JOURNAL), { force: true });
        await rm(path.join(root, journal.id), { recursive: true, force: true });
        said.push(`${name}: removed the files of run ${journal.id}, which was stopped before it was recorded; the files before it are unchanged`);
      }
      await pruneSets(root);
    }
  }
  return said;
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
