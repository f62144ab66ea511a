import { hostname } from 'node:os';
import path from 'node:path';
import { BusyError } from '../findings/errors.js';
import { acquireLock, LockBusyError, lockStaleMs, type HeldLock } from './file-lock.js';

/** The lock of one report or pack, in the output folder's `.locks/`. */
export function runLockPath(outputDir: string, name: string): string {
  return path.join(outputDir, '.locks', `${name}.run`);
}

/**
 * Never two runs of one pack at once, across processes: a lock per pack or report in the output
 * folder. A second run waits (up to `waitMs`) or refuses with a message saying which live process
 * holds it. The lock is kept fresh by a worker thread, so a long render cannot lose it; a killed
 * run's lock is taken over at once on the same host (its process is gone), else after the stale time.
 * `work` gets the held lock: its `signal` aborts if the lock is lost, and `assertHeld()` is called
 * before anything is published.
 */
export async function withRunLock<T>(outputDir: string, name: string, waitMs: number, work: (lock: HeldLock) => Promise<T>): Promise<T> {
  let lock: HeldLock;
  try {
    lock = await acquireLock(runLockPath(outputDir, name), { waitMs, heartbeat: true, staleMs: lockStaleMs(), purpose: `run of ${name}` });
  } catch (cause) {
    if (!(cause instanceof LockBusyError)) throw cause;
    const holder = cause.holder;
    throw new BusyError(
      `another run of "${name}" is in progress${holder ? ` (process ${holder.pid}, started ${holder.since}${holder.host !== hostname() ? `, on ${holder.host}` : ''})` : ''}; ` +
        `this run was refused so that the two do not write the same files. Try again when it has finished${waitMs > 0 ? '' : ', or add --wait 600 to wait up to ten minutes for it'}.`,
    );
  }
  try {
    return await work(lock);
  } finally {
    await lock.release();
  }
}
