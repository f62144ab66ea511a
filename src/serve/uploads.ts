import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LoadedSettings } from '../config/settings.js';
import { londonTime } from './views.js';

/** Uploaded workbooks live in the project's data folder, each under a name of its own. */
export function uploadsDir(loaded: LoadedSettings): string {
  return path.join(loaded.paths.root, 'data', 'uploads');
}

/** Where an upload waits while it is checked: only a workbook the reader can open is moved into data/uploads. */
function incomingDir(loaded: LoadedSettings): string {
  return path.join(loaded.paths.root, 'data', '.uploads-incoming');
}

const UPLOAD_NAME = /^\d{8}T\d{6}Z-[a-f0-9]{8}-[A-Za-z0-9][A-Za-z0-9._-]{0,80}$/;

/** "20261201T074512Z-1a2b3c4d-B4B October.xlsx" → "B4B-October.xlsx": the name the officer gave it. */
export function originalName(stored: string): string {
  return stored.replace(/^\d{8}T\d{6}Z-[a-f0-9]{8}-/, '');
}

/** When an upload was stored, from its name ("20261201T074512Z-…" is 07:45:12 UTC on 1 December 2026). */
export function uploadedAt(stored: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(stored);
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]))) : new Date(Number.NaN);
}

/** "B4B-October.xlsx, uploaded Tue 1 Dec 2026, 07:45 GMT": an upload as the console names it. */
export function uploadLabel(stored: string): string {
  return `${originalName(stored)}, uploaded ${londonTime(uploadedAt(stored))}`;
}

/** A run's workbook as the console names it: an upload by the name it was uploaded with and when, any other by its file name. */
export function recordedWorkbookLabel(file: string, uploads: string): string {
  const name = path.basename(file);
  return path.dirname(file) === uploads ? uploadLabel(name) : name;
}

/** An upload written where it waits to be checked, under the name it will have in data/uploads. */
export interface StagedUpload {
  name: string;
  file: string;
}

/** Writes an upload where it waits to be checked, under a new unique name (never replacing a file). */
export async function stageUpload(loaded: LoadedSettings, filename: string, bytes: Uint8Array, now = new Date()): Promise<StagedUpload> {
  const dir = incomingDir(loaded);
  await mkdir(dir, { recursive: true });
  const base =
    path
      .basename(filename.replace(/\\/g, '/'))
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[-.]+/, '')
      .slice(-80) || 'workbook.xlsx';
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const name = `${stamp}-${randomBytes(4).toString('hex')}-${base}`;
  const file = path.join(dir, name);
  await writeFile(file, bytes, { flag: 'wx' });
  return { name, file };
}

/** Moves a checked upload into data/uploads; returns its path there. */
export async function keepUpload(loaded: LoadedSettings, staged: StagedUpload): Promise<string> {
  await mkdir(uploadsDir(loaded), { recursive: true });
  const file = path.join(uploadsDir(loaded), staged.name);
  await rename(staged.file, file);
  return file;
}

export async function discardUpload(staged: StagedUpload): Promise<void> {
  await rm(staged.file, { force: true });
}

/** Uploads left waiting by a console that stopped while checking them. */
export async function clearIncoming(loaded: LoadedSettings): Promise<void> {
  await rm(incomingDir(loaded), { recursive: true, force: true });
}

/** The uploads, newest first. */
export async function listUploads(loaded: LoadedSettings): Promise<string[]> {
  const names = await readdir(uploadsDir(loaded)).catch(() => [] as string[]);
  return names
    .filter((n) => UPLOAD_NAME.test(n))
    .sort()
    .reverse();
}

/** How many uploads are kept, and their total size in bytes. */
export async function uploadsHeld(loaded: LoadedSettings): Promise<{ count: number; bytes: number }> {
  const names = await listUploads(loaded);
  const sizes = await Promise.all(
    names.map((n) =>
      stat(path.join(uploadsDir(loaded), n)).then(
        (s) => s.size,
        () => 0,
      ),
    ),
  );
  return { count: names.length, bytes: sizes.reduce((a, b) => a + b, 0) };
}

export async function removeUpload(loaded: LoadedSettings, name: string): Promise<boolean> {
  if (!UPLOAD_NAME.test(name) || !(await listUploads(loaded)).includes(name)) return false;
  await rm(path.join(uploadsDir(loaded), name), { force: true });
  return true;
}

/** A workbook the console can read from: the configured one or an upload. */
export interface ChosenWorkbook {
  file: string;
  /** "configured", or the upload's stored name. */
  id: string;
  /** Its file name, and for an upload when it was uploaded (Europe/London time). */
  label: string;
}

/**
 * The workbook a form names: "configured" (config/b4b.yaml's), or an upload named exactly as it is
 * stored (looked up in the folder's listing, so no path can be slipped in). Nothing chosen is not a
 * choice: the caller says so rather than assuming the configured workbook.
 */
export async function resolveWorkbook(loaded: LoadedSettings, choice: unknown): Promise<ChosenWorkbook | undefined> {
  if (choice === 'configured') {
    return { file: loaded.paths.workbook, id: 'configured', label: `${path.basename(loaded.paths.workbook)}, the configured workbook` };
  }
  if (typeof choice !== 'string' || !UPLOAD_NAME.test(choice)) return undefined;
  if (!(await listUploads(loaded)).includes(choice)) return undefined;
  return { file: path.join(uploadsDir(loaded), choice), id: choice, label: uploadLabel(choice) };
}
