import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LoadedSettings } from '../config/settings.js';

/** Uploaded workbooks live in the project's data folder, each under a name of its own. */
export function uploadsDir(loaded: LoadedSettings): string {
  return path.join(loaded.paths.root, 'data', 'uploads');
}

const UPLOAD_NAME = /^\d{8}T\d{6}Z-[a-f0-9]{8}-[A-Za-z0-9][A-Za-z0-9._-]{0,80}$/;

/** "20261201T074512Z-1a2b3c4d-B4B October.xlsx" → "B4B-October.xlsx": the name the officer gave it. */
export function originalName(stored: string): string {
  return stored.replace(/^\d{8}T\d{6}Z-[a-f0-9]{8}-/, '');
}

/** Stores an upload under a new unique name (never replacing a file: the write fails if it exists). */
export async function storeUpload(loaded: LoadedSettings, filename: string, bytes: Uint8Array, now = new Date()): Promise<string> {
  const dir = uploadsDir(loaded);
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
  await writeFile(path.join(dir, name), bytes, { flag: 'wx' });
  return name;
}

/** The uploads, newest first. */
export async function listUploads(loaded: LoadedSettings): Promise<string[]> {
  const names = await readdir(uploadsDir(loaded)).catch(() => [] as string[]);
  return names
    .filter((n) => UPLOAD_NAME.test(n))
    .sort()
    .reverse();
}

export async function removeUpload(loaded: LoadedSettings, name: string): Promise<void> {
  if (UPLOAD_NAME.test(name)) await rm(path.join(uploadsDir(loaded), name), { force: true });
}

/**
 * The workbook a form names: "configured" (config/b4b.yaml's), or an upload named exactly as it is
 * stored (looked up in the folder's listing, so no path can be slipped in).
 */
export async function resolveWorkbook(loaded: LoadedSettings, choice: unknown): Promise<{ file: string; id: string; label: string } | undefined> {
  if (choice === undefined || choice === '' || choice === 'configured') {
    return { file: loaded.paths.workbook, id: 'configured', label: `${path.basename(loaded.paths.workbook)} (the configured workbook)` };
  }
  if (typeof choice !== 'string' || !UPLOAD_NAME.test(choice)) return undefined;
  if (!(await listUploads(loaded)).includes(choice)) return undefined;
  return {
    file: path.join(uploadsDir(loaded), choice),
    id: choice,
    label: `${originalName(choice)} (uploaded ${choice.slice(0, 4)}-${choice.slice(4, 6)}-${choice.slice(6, 8)})`,
  };
}
