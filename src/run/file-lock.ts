import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * A lock held across processes: a directory made with mkdir (atomic), holding `owner.json` with a
 * token, the process id, its start time and the host. While held, a heartbeat touches the directory.
 * A lock is taken over only when its holder is gone:
 * - on this host, when its process is no longer alive (the same pid started at the same time: a pid
 *   reused by another process does not keep a dead run's lock), whatever the clocks say;
 * - held from another host (or with no readable owner), when its heartbeat has not touched it for the
 *   stale time, as measured here on the monotonic clock while watching it: no wall-clock comparison,
 *   so a clock step, or two hosts whose clocks differ, never lets a second run take a live lock. A
 *   live holder elsewhere is known as such at its next heartbeat (a third of the stale time).
 *
 * The heartbeat runs in a worker thread, not on the main event loop: a render that blocks the main
 * thread for a minute keeps its lock (proper-lockfile refreshed on a main-thread timer, so such a
 * render let a second run in and then died with an uncaught ECOMPROMISED). If the lock is lost all
 * the same (removed by hand, taken over by another host), the heartbeat says so and the holder's
 * `signal` aborts: the work stops at its next step and `assertHeld()` refuses to publish.
 */

export const DEFAULT_STALE_MS = 15_000;

/** The stale time: 15 s, or B4B_LOCK_STALE_MS (milliseconds; the tests use a short one). */
export function lockStaleMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.B4B_LOCK_STALE_MS);
  return Number.isFinite(value) && value >= 100 ? value : DEFAULT_STALE_MS;
}

export interface LockOwner {
  token: string;
  pid: number;
  host: string;
  since: string;
  /** The process's start time as the kernel counts it (Linux), so that a reused pid is not taken for the holder. */
  started?: string;
  /** What holds it, for messages ("run of pack board", "schedule"). */
  purpose?: string;
}

export interface HeldLock {
  readonly owner: LockOwner;
  /** Aborts when the lock is lost (its reason is a LockLostError). */
  readonly signal: AbortSignal;
  /** Throws a LockLostError unless the lock is still ours: call it right before publishing anything. */
  assertHeld(): void;
  release(): Promise<void>;
  /** Lets go at once, synchronously, for a process about to exit (its heartbeat ends with it). */
  releaseSync(): void;
}

export class LockLostError extends Error {
  constructor(
    readonly lockPath: string,
    detail: string,
  ) {
    super(`the lock ${lockPath} was lost while the work was under way (${detail})`);
    this.name = 'LockLostError';
  }
}

/** Thrown when the lock is held by a live process and the wait has run out. */
export class LockBusyError extends Error {
  constructor(
    readonly lockPath: string,
    /** The live holder, when it could be read; never a process found dead. */
    readonly holder: LockOwner | undefined,
  ) {
    super(`${lockPath} is held${holder ? ` by process ${holder.pid}` : ''}`);
    this.name = 'LockBusyError';
  }
}

export interface LockOptions {
  staleMs?: number;
  /** How long to wait for a live holder to let go (0: refuse at once). */
  waitMs?: number;
  /** Keep the lock fresh from a worker thread while held (for long work; short sections need none). */
  heartbeat?: boolean;
  purpose?: string;
}

/** A process's start time, from /proc (Linux); undefined elsewhere or when it is gone. */
function processStarted(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), counted from the third: the start time is the 22nd.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

const OWN_START = processStarted(process.pid);

function alive(pid: number, started?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // The pid answers: the holder only if it started when the holder did (where the kernel says).
  const now = started === undefined ? undefined : processStarted(pid);
  return now === undefined || now === started;
}

async function readOwner(dir: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(path.join(dir, 'owner.json'), 'utf8')) as Partial<LockOwner>;
    return typeof owner.token === 'string' && typeof owner.pid === 'number' && typeof owner.host === 'string' ? (owner as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What watching a lock held elsewhere has seen: the directory's modification time when first seen,
 * and when (on this process's monotonic clock) it was first seen unchanged.
 */
interface Watch {
  mtimeMs: number;
  since: number;
  /** How many times it has been seen touched since first seen: a live holder's heartbeat. */
  beats: number;
}

/**
 * Whether a lock directory that exists is stale, and its owner. On this host, by its process alone;
 * held elsewhere (or ownerless), by `watch`: stale once the directory has stayed untouched for
 * `staleMs` of this process's own watching.
 */
async function inspect(dir: string, staleMs: number, watch: { current?: Watch }): Promise<{ stale: boolean; owner: LockOwner | undefined } | undefined> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) return undefined; // gone meanwhile: try again
  const owner = await readOwner(dir);
  if (owner && owner.host === hostname()) return { stale: !alive(owner.pid, owner.started), owner };
  return { stale: unchangedFor(info.mtimeMs, staleMs, watch), owner };
}

/** Whether a modification time has stayed the same for `staleMs`, as this process has watched it. */
function unchangedFor(mtimeMs: number, staleMs: number, watch: { current?: Watch }): boolean {
  const now = performance.now();
  if (watch.current?.mtimeMs !== mtimeMs) {
    watch.current = { mtimeMs, since: now, beats: watch.current === undefined ? 0 : watch.current.beats + 1 };
    return false;
  }
  return now - watch.current.since >= staleMs;
}

const HEARTBEAT = `
const { workerData, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const { dir, token, intervalMs } = workerData;
let timer;
const beat = () => {
  try {
    const owner = JSON.parse(fs.readFileSync(path.join(dir, 'owner.json'), 'utf8'));
    if (owner.token !== token) throw new Error('taken over by process ' + owner.pid + ' on ' + owner.host);
    const now = new Date();
    fs.utimesSync(dir, now, now);
  } catch (error) {
    clearInterval(timer);
    parentPort.postMessage({ lost: error.code === 'ENOENT' ? 'the lock was removed' : String(error.message) });
  }
};
timer = setInterval(beat, intervalMs);
parentPort.on('message', (m) => { if (m === 'stop') { clearInterval(timer); parentPort.close(); } });
`;

/**
 * Takes the lock `target` (the directory `target.lock`). Waits up to `waitMs` for a live holder,
 * taking over a stale lock at once; throws LockBusyError when the wait runs out.
 */
export async function acquireLock(target: string, options: LockOptions = {}): Promise<HeldLock> {
  const staleMs = options.staleMs ?? lockStaleMs();
  const dir = `${target}.lock`;
  await mkdir(path.dirname(dir), { recursive: true });
  const deadline = Date.now() + (options.waitMs ?? 0);
  const owner: LockOwner = {
    token: randomBytes(12).toString('hex'),
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    ...(OWN_START !== undefined ? { started: OWN_START } : {}),
    ...(options.purpose ? { purpose: options.purpose } : {}),
  };
  const watch: { current?: Watch } = {};
  for (;;) {
    try {
      await mkdir(dir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const state = await inspect(dir, staleMs, watch);
    if (state?.stale) {
      delete watch.current;
      // Move the stale lock aside (one rename wins) and remove it; then try again.
      const aside = `${dir}.stale-${randomBytes(4).toString('hex')}`;
      await rename(dir, aside).catch(() => undefined);
      await rm(aside, { recursive: true, force: true });
      continue;
    }
    // A lock held elsewhere is refused once it is seen alive (its heartbeat touched it), or waited for:
    // whether it is gone can only be known by watching it for the stale time.
    const heldElsewhere = state !== undefined && state.owner?.host !== hostname();
    const seenAlive = !heldElsewhere || (watch.current?.beats ?? 0) > 0;
    if (state && Date.now() >= deadline && seenAlive) {
      // A lock made an instant ago may not have its owner file yet: give it a moment, to name the holder.
      let holder = state.owner;
      for (let i = 0; !holder && i < 20; i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        holder = await readOwner(dir);
      }
      throw new LockBusyError(dir, holder && (holder.host !== hostname() || alive(holder.pid, holder.started)) ? holder : undefined);
    }
    if (state) await new Promise((resolve) => setTimeout(resolve, Math.min(250, Math.max(10, deadline - Date.now()))));
  }
  // The owner file is written whole, then moved in: a reader never sees half of it.
  const temp = path.join(dir, `.owner-${owner.token}`);
  await writeFile(temp, JSON.stringify(owner));
  await rename(temp, path.join(dir, 'owner.json'));

  const controller = new AbortController();
  let worker: Worker | undefined;
  if (options.heartbeat) {
    worker = new Worker(HEARTBEAT, { eval: true, workerData: { dir, token: owner.token, intervalMs: Math.max(50, Math.floor(staleMs / 3)) } });
    worker.unref();
    worker.on('message', (message: { lost?: string }) => {
      if (message.lost && !controller.signal.aborted) controller.abort(new LockLostError(dir, message.lost));
    });
    worker.on('error', (error) => {
      if (!controller.signal.aborted) controller.abort(new LockLostError(dir, `its heartbeat failed: ${error.message}`));
    });
  }
  let released = false;
  return {
    owner,
    signal: controller.signal,
    assertHeld(): void {
      if (controller.signal.aborted) throw controller.signal.reason as Error;
      let current: LockOwner | undefined;
      try {
        current = JSON.parse(readFileSync(path.join(dir, 'owner.json'), 'utf8')) as LockOwner;
      } catch {
        current = undefined;
      }
      if (current?.token !== owner.token) {
        const error = new LockLostError(dir, current ? `taken over by process ${current.pid} on ${current.host}` : 'the lock was removed');
        controller.abort(error);
        throw error;
      }
    },
    releaseSync(): void {
      if (released) return;
      released = true;
      try {
        const current = JSON.parse(readFileSync(path.join(dir, 'owner.json'), 'utf8')) as LockOwner;
        if (current.token !== owner.token) return;
        const aside = `${dir}.released-${owner.token}`;
        renameSync(dir, aside);
        rmSync(aside, { recursive: true, force: true });
      } catch {
        // gone already
      }
    },
    async release(): Promise<void> {
      if (released) return;
      released = true;
      if (worker) {
        worker.postMessage('stop');
        await worker.terminate();
      }
      // Remove the directory only while it is still ours.
      const current = await readOwner(dir);
      if (current?.token === owner.token) {
        const aside = `${dir}.released-${owner.token}`;
        await rename(dir, aside).catch(() => undefined);
        await rm(aside, { recursive: true, force: true });
      }
    },
  };
}

/** The live holder of a lock, if any (a dead or stale holder is none). */
export async function lockHolder(target: string, staleMs = lockStaleMs()): Promise<LockOwner | undefined> {
  const state = await inspect(`${target}.lock`, staleMs, {});
  return state && !state.stale ? state.owner : undefined;
}

/**
 * The same lock taken synchronously, for the one moment no await can be afforded: recording a run
 * from a signal handler before the process exits. Waits (sleeping, not spinning) up to `waitMs`.
 * Returns the release function.
 */
export function acquireLockSync(target: string, options: { staleMs?: number; waitMs?: number } = {}): () => void {
  const staleMs = options.staleMs ?? lockStaleMs();
  const dir = `${target}.lock`;
  mkdirSync(path.dirname(dir), { recursive: true });
  const deadline = Date.now() + (options.waitMs ?? 0);
  const token = randomBytes(12).toString('hex');
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const watch: { current?: Watch } = {};
  for (;;) {
    try {
      mkdirSync(dir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let stale: boolean;
    try {
      const info = statSync(dir);
      let owner: Partial<LockOwner> | undefined;
      try {
        owner = JSON.parse(readFileSync(path.join(dir, 'owner.json'), 'utf8')) as Partial<LockOwner>;
      } catch {
        owner = undefined;
      }
      stale = owner?.host === hostname() && typeof owner.pid === 'number' ? !alive(owner.pid, owner.started) : unchangedFor(info.mtimeMs, staleMs, watch);
    } catch {
      continue; // gone meanwhile
    }
    if (stale) {
      const aside = `${dir}.stale-${randomBytes(4).toString('hex')}`;
      try {
        renameSync(dir, aside);
      } catch {
        // another process moved it first
      }
      rmSync(aside, { recursive: true, force: true });
      continue;
    }
    if (Date.now() >= deadline) throw new LockBusyError(dir, undefined);
    Atomics.wait(pause, 0, 0, 10);
  }
  writeFileSync(
    path.join(dir, 'owner.json'),
    JSON.stringify({
      token,
      pid: process.pid,
      host: hostname(),
      since: new Date().toISOString(),
      ...(OWN_START !== undefined ? { started: OWN_START } : {}),
      purpose: 'ledger append',
    }),
  );
  return () => {
    const aside = `${dir}.released-${token}`;
    try {
      renameSync(dir, aside);
    } catch {
      return;
    }
    rmSync(aside, { recursive: true, force: true });
  };
}
