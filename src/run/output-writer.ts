import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface OutputFile {
  file: string;
  bytes: Uint8Array;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const STAGING = '.staging';

/**
 * Writes a run's files so that a failed or killed run never leaves half a PDF and never replaces the
 * last good one: every file is first written whole into a staging folder inside the output folder,
 * then each is renamed into place (a rename within one file system is atomic).
 */
export async function writeOutputs(outputDir: string, files: OutputFile[]): Promise<Array<{ path: string; sha256: string }>> {
  const staging = path.join(outputDir, STAGING, `${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(staging, { recursive: true });
  try {
    const staged = await Promise.all(
      files.map(async (output, i) => {
        const temp = path.join(staging, `${i}-${path.basename(output.file)}`);
        await writeFile(temp, output.bytes);
        return { temp, output };
      }),
    );
    for (const { temp, output } of staged) {
      await mkdir(path.dirname(output.file), { recursive: true });
      await rename(temp, output.file);
    }
    return files.map((f) => ({ path: f.file, sha256: sha256(f.bytes) }));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Removes what killed runs left in the staging folder (older than a minute, so never a live run's). */
export async function cleanStaging(outputDir: string, now = Date.now()): Promise<void> {
  const root = path.join(outputDir, STAGING);
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
