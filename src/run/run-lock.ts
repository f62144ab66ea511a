import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { B4BError } from '../findings/finding.js';

/** The exit code of a run refused because another run of the same pack holds the lock. */
export const LOCK_REFUSED = 75;

/**
 * Never two runs of one pack at once, across processes: a lock file per pack or report in the
 * output folder. A second run waits (up to `waitMs`) or refuses with a message saying who holds it.
 * A killed run's lock goes stale after 15 s and is taken over.
 */
export async function withRunLock<T>(outputDir: string, name: string, waitMs: number, work: () => Promise<T>): Promise<T> {
  const dir = path.join(outputDir, '.locks');
  await mkdir(dir, { recursive: true });
  const target = path.join(dir, `${name}.run`);
  const info = path.join(dir, `${name}.holder.json`);
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(target, {
      realpath: false,
      stale: 15_000,
      update: 5_000,
      retries: waitMs > 0 ? { retries: Math.ceil(waitMs / 500), minTimeout: 500, maxTimeout: 500, factor: 1 } : 0,
    });
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'ELOCKED') throw cause;
    // The holder notes who it is just after taking the lock: a run refused in between waits a moment for the note.
    let holder: { pid: number; since: string } | undefined;
    for (let attempt = 0; attempt < 20 && !holder; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25));
      holder = await readFile(info, 'utf8').then((t) => JSON.parse(t) as { pid: number; since: string }).catch(() => undefined);
    }
    throw new B4BError(
      `another run of "${name}" is in progress${holder ? ` (process ${holder.pid}, started ${holder.since})` : ''}; ` +
        `this run was refused so that the two do not write the same files. Try again when it has finished${waitMs > 0 ? '' : ', or use --wait'}.`,
      [],
      LOCK_REFUSED,
    );
  }
  try {
    await writeFile(info, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
    return await work();
  } finally {
    await rm(info, { force: true });
    await release();
  }
}
