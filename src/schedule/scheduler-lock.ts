import path from 'node:path';
import { BusyError } from '../findings/errors.js';
import { acquireLock, LockBusyError, lockStaleMs, type HeldLock } from '../run/file-lock.js';

/** Who holds the scheduler lock: "schedule" or "serve --schedule". */
export type SchedulerHolder = 'schedule' | 'serve --schedule';

/**
 * The one-scheduler lock (`output/.locks/scheduler`), taken by `schedule` and by `serve --schedule`
 * alike, so that two processes never fire one schedule. It is kept fresh from a worker thread while
 * held. When another scheduler holds it, the refusal (exit 75) names that process and says what to do:
 * `advice` is the command's own ("start this one with --standby", "start the console without --schedule").
 */
export async function takeSchedulerLock(outputDir: string, options: { holder: SchedulerHolder; waitMs: number; advice: string }): Promise<HeldLock> {
  try {
    return await acquireLock(path.join(outputDir, '.locks', 'scheduler'), {
      heartbeat: true,
      staleMs: lockStaleMs(),
      waitMs: options.waitMs,
      purpose: options.holder,
    });
  } catch (cause) {
    if (!(cause instanceof LockBusyError)) throw cause;
    const holder = cause.holder;
    const who = holder ? ` (${holder.purpose ? `"${holder.purpose}", ` : ''}process ${holder.pid} on ${holder.host}, started ${holder.since})` : '';
    throw new BusyError(`another scheduler is running${who}; only one runs at a time, so this one did not start. ${options.advice}`);
  }
}
