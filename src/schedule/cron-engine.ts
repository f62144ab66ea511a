import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { createTask, type Logger, type ScheduledTask } from 'node-cron';

/**
 * node-cron, the one cron engine: it fires the jobs, and its own `getNextRuns` and `match` answer
 * `schedule --check`, the console's Schedule page and catch-up, so that what the schedule says and
 * what it does cannot disagree. Nothing else reads an expression for its times (cron-dialect.ts
 * only refuses the expressions that dialects read differently).
 */

const MINUTE = 60_000;
/**
 * How far back a scan for missed slots looks at most: two months, so the latest slot of a job that
 * runs every month or every other month is always found, at a bounded cost (node-cron's `match`
 * takes about 8 µs, so 62 days of minutes about 0.7 s, given back to the event loop every 10,000).
 */
export const MAX_LOOK_BACK_MS = 62 * 24 * 60 * MINUTE;
const MINUTES_BETWEEN_YIELDS = 10_000;

const quietLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

/**
 * node-cron's task for an expression in a time zone, not started: it answers `getNextRuns` and
 * `match` as it is; `start()` makes it call `onSlot` with each slot's due time. node-cron keeps every
 * task it creates in a registry of its own: `destroy()` one that is no longer wanted.
 */
export function cronTask(expression: string, timezone: string, options: { name?: string; onSlot?: (due: Date) => void; logger?: Logger } = {}): ScheduledTask {
  const onSlot = options.onSlot ?? ((): void => undefined);
  return createTask(expression, ({ date }) => onSlot(date), {
    timezone,
    ...(options.name ? { name: options.name } : {}),
    logger: options.logger ?? quietLogger,
  });
}

/** The next `count` times an expression falls due after now, as node-cron computes them. */
export function nextRuns(expression: string, timezone: string, count = 1): Date[] {
  const task = cronTask(expression, timezone);
  try {
    return task.getNextRuns(count);
  } finally {
    void task.destroy();
  }
}

export interface SlotScan {
  /** The slots found, oldest first: at most the `limit` latest. */
  slots: Date[];
  /** Whether an older slot in the range was found beyond the limit (it and any before it are not among `slots`). */
  more: boolean;
  /** Set when the range reached further back than MAX_LOOK_BACK_MS: the moment the scan stopped at. */
  lookedBackTo?: Date;
}

/**
 * The slots of a task after `after` and at or before `until`, found by asking node-cron's `match`
 * of each minute from `until` back, and stopping at the `limit`th found (one more is looked for, to
 * say whether there were older ones) or MAX_LOOK_BACK_MS back. node-cron has no question for "due
 * between", only "is this minute due" (issue node-cron#457 removed the replay of missed runs).
 */
export async function slotsBetween(task: Pick<ScheduledTask, 'match'>, after: Date, until: Date, limit: number): Promise<SlotScan> {
  const slots: Date[] = [];
  const floor = Math.max(after.getTime(), until.getTime() - MAX_LOOK_BACK_MS);
  let looked = 0;
  for (let t = Math.floor(until.getTime() / MINUTE) * MINUTE; t > floor; t -= MINUTE) {
    if (task.match(new Date(t))) {
      if (slots.length === limit) return { slots: slots.reverse(), more: true };
      slots.push(new Date(t));
    }
    if (++looked % MINUTES_BETWEEN_YIELDS === 0) await yieldToEventLoop();
  }
  return { slots: slots.reverse(), more: false, ...(floor > after.getTime() ? { lookedBackTo: new Date(floor) } : {}) };
}
