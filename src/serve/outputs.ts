import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, realpath, stat } from 'node:fs/promises';
import { currentSet } from '../run/output-files.js';
import path from 'node:path';
import type { LoadedSettings } from '../config/settings.js';
import type { PackSettings } from '../pack/pack-settings.js';
import { RunLedger, type RunRecord } from '../run/ledger.js';
import type { MonthKey } from '../model/month.js';

/** A file a run wrote, as the console knows it: from the run ledger, never from a folder listing. */
export interface KnownOutput {
  /** Relative to the output folder, with "/" separators: the URL path under /files/. */
  rel: string;
  month: MonthKey;
  /** Restricted: an exempt report, a restricted pack or a restricted item file. Officers only. */
  restricted: boolean;
  /** The latest successful run that wrote it. */
  runId: string;
  target: RunRecord['target'];
  sha256: string;
}

/**
 * The reports that are exempt wherever they appear: every finance report, and every report a pack
 * marks `exempt: true`. Their own runs' files are restricted.
 */
export function exemptReports(loaded: LoadedSettings, packs: Record<string, PackSettings>): Set<string> {
  const exempt = new Set(
    Object.entries(loaded.settings.reports)
      .filter(([, r]) => r.kind === 'finance')
      .map(([name]) => name),
  );
  for (const pack of Object.values(packs)) {
    for (const item of pack.items) {
      for (const doc of item.documents) if ('report' in doc && doc.exempt) exempt.add(doc.report);
    }
  }
  return exempt;
}

const SAFE_REL = /^\d{4}-\d{2}(\/[A-Za-z0-9][A-Za-z0-9._-]*)+$/;

/**
 * Whether a file of a run is public, from what the run was and where a run puts each file (src/produce/output-set.ts):
 * a public pack, its public item files and its HTML twins (public documents only) are public, and
 * a report's own PDF and twin unless the report is exempt. Anything else a run wrote is restricted.
 */
export function isPublicOutput(record: RunRecord, rel: string, exempt: Set<string>): boolean {
  const { kind, name } = record.target;
  const m = record.month;
  if (kind === 'report') {
    return !exempt.has(name) && (rel === `${m}/${name}-${m}.pdf` || rel === `${m}/${name}-${m}.html`);
  }
  if (rel === `${m}/${name}-${m}-public.pdf`) return true;
  const parts = rel.split('/');
  if (parts.length === 4 && parts[1] === `${name}-items` && parts[2] === 'public') return true;
  if (parts.length === 3 && parts[1] === `${name}-html` && rel.endsWith('.html')) return true;
  return false;
}

/**
 * Every output the ledger's successful runs wrote, keyed by its path under the output folder. A path
 * any run ever wrote as restricted stays restricted. Paths outside the run's month folder, or with
 * anything but plain names, are left out (and so never served).
 */
export async function knownOutputs(loaded: LoadedSettings, packs: Record<string, PackSettings>): Promise<Map<string, KnownOutput>> {
  const exempt = exemptReports(loaded, packs);
  const outputDir = loaded.paths.outputDir;
  const known = new Map<string, KnownOutput>();
  for (const record of await new RunLedger(loaded.paths.ledger, { outputDir: loaded.paths.outputDir }).read()) {
    if (record.outcome !== 'success') continue;
    for (const output of record.outputs) {
      const relative = path.relative(outputDir, output.path);
      if (relative.startsWith('..') || path.isAbsolute(relative)) continue;
      const rel = relative.split(path.sep).join('/');
      if (!SAFE_REL.test(rel) || !rel.startsWith(`${record.month}/`) || rel.split('/').some((p) => p === '..' || p === '.')) continue;
      const restricted = !isPublicOutput(record, rel, exempt) || known.get(rel)?.restricted === true;
      known.set(rel, { rel, month: record.month, restricted, runId: record.id, target: record.target, sha256: output.sha256 });
    }
  }
  return known;
}

/**
 * The file behind a known output, if it is a regular file at exactly its place in the output folder:
 * a symbolic link anywhere on the way (the file or a folder) is refused, except the run's own link
 * to the file of its current set.
 */
export async function outputFile(loaded: LoadedSettings, output: KnownOutput): Promise<{ file: string; size: number; modified: Date } | undefined> {
  const file = path.join(loaded.paths.outputDir, ...output.rel.split('/'));
  try {
    const root = await realpath(loaded.paths.outputDir);
    const real = await realpath(file);
    if (real !== path.join(root, ...output.rel.split('/'))) {
      // Outputs published as links by an earlier version (src/run/output-files.ts publishes plain files):
      // the known path is a link through the set's `current` folder, and must lead exactly to this file of the current set.
      const set = `${output.month}/${output.target.kind}-${output.target.name}`;
      const current = await currentSet(loaded.paths.outputDir, set);
      if (!current || real !== path.join(root, '.sets', ...set.split('/'), current, ...output.rel.split('/'))) return undefined;
      const info = await stat(real);
      if (!info.isFile()) return undefined;
      return { file: real, size: info.size, modified: info.mtime };
    }
    const info = await lstat(file);
    if (!info.isFile()) return undefined;
    return { file, size: info.size, modified: info.mtime };
  } catch {
    return undefined;
  }
}

export async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** What a run already made of one target for a month: its latest successful run, and the files of it still in place. */
export interface MadeAlready {
  target: RunRecord['target'];
  record: RunRecord;
  /** Relative to the output folder. */
  files: string[];
}

/**
 * For each target, what its latest successful run of the month wrote and is still there: what a run
 * that replaces the month's outputs would replace. Targets never made (or whose files are gone) are
 * left out.
 */
export async function madeAlready(loaded: LoadedSettings, month: MonthKey, targets: Array<RunRecord['target']>): Promise<MadeAlready[]> {
  const records = await new RunLedger(loaded.paths.ledger, { outputDir: loaded.paths.outputDir }).read();
  const made: MadeAlready[] = [];
  for (const target of targets) {
    const record = records.filter((r) => r.outcome === 'success' && r.month === month && r.target.kind === target.kind && r.target.name === target.name).pop();
    if (!record) continue;
    const present = await Promise.all(record.outputs.map(async (o) => ((await exists(o.path)) ? o.path : undefined)));
    const files = present.filter((f): f is string => f !== undefined).map((f) => path.relative(loaded.paths.outputDir, f).split(path.sep).join('/'));
    if (files.length > 0) made.push({ target, record, files });
  }
  return made;
}

/**
 * What is at the place of a file a run wrote, now: still that run's file (the SHA-256 its record has),
 * another run's (a later run replaced it: `by` is the latest successful run the ledger has writing
 * there, when that is another run), or nothing. A file is linked as a run's output only when it is
 * still that run's: an earlier run's PDF replaced by a re-run prints the re-run's figures.
 */
export type OutputNow = { state: 'this-run' } | { state: 'replaced'; by?: string } | { state: 'gone' };

export async function outputNow(
  loaded: LoadedSettings,
  known: Map<string, KnownOutput>,
  record: RunRecord,
  output: { path: string; sha256: string },
): Promise<OutputNow> {
  const rel = path.relative(loaded.paths.outputDir, output.path).split(path.sep).join('/');
  const entry = known.get(rel);
  const file = entry ? await outputFile(loaded, entry) : undefined;
  if (!entry || !file) return { state: 'gone' };
  if ((await fileSha256(file.file)) === output.sha256) return { state: 'this-run' };
  return entry.runId === record.id ? { state: 'replaced' } : { state: 'replaced', by: entry.runId };
}

/** Each file's SHA-256, kept while the file is the same (its inode, size and time): History asks for the same files again and again. */
const hashes = new Map<string, { key: string; sha256: string }>();

export async function fileSha256(file: string): Promise<string> {
  const info = await stat(file);
  const key = `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
  const kept = hashes.get(file);
  if (kept?.key === key) return kept.sha256;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  const sha256 = hash.digest('hex');
  if (hashes.size > 5000) hashes.clear();
  hashes.set(file, { key, sha256 });
  return sha256;
}
