import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScheduleSettings } from '../../src/config/delivery.js';
import { createProgress } from '../../src/run/progress.js';
import { cronTask, MAX_LOOK_BACK_MS, slotsBetween } from '../../src/schedule/cron-engine.js';
import { MAX_CATCH_UP, PackScheduler } from '../../src/schedule/scheduler.js';

const tasks: Array<{ destroy: () => unknown }> = [];
afterEach(async () => {
  for (const task of tasks.splice(0)) await task.destroy();
});

/** node-cron's task for an expression in Europe/London, its `match` calls counted. */
function counted(expression: string): { match: (d: Date) => boolean; calls: () => number } {
  const task = cronTask(expression, 'Europe/London');
  tasks.push(task);
  let calls = 0;
  return {
    match: (d) => {
      calls++;
      return task.match(d);
    },
    calls: () => calls,
  };
}

const iso = (dates: Date[]): string[] => dates.map((d) => d.toISOString());

describe("the scan for missed slots (node-cron's match, minute by minute from now back)", () => {
  it('finds the slots between two moments, oldest first, the later moment included and the earlier not', async () => {
    const scan = await slotsBetween(counted('0 7 * * *'), new Date('2026-12-01T07:00:00Z'), new Date('2026-12-03T07:00:00Z'), 12);
    expect(iso(scan.slots)).toEqual(['2026-12-02T07:00:00.000Z', '2026-12-03T07:00:00.000Z']);
    expect(scan.more).toBe(false);
  });

  it('stops at the limit, having looked one slot further to say that older ones were left', async () => {
    const every = counted('* * * * *');
    const scan = await slotsBetween(every, new Date('2026-12-01T00:00:00Z'), new Date('2026-12-02T00:00:00Z'), 12);
    expect(scan.slots).toHaveLength(12);
    expect(scan.slots[0]?.toISOString()).toBe('2026-12-01T23:49:00.000Z');
    expect(scan.more).toBe(true);
    expect(every.calls()).toBe(13);
  });

  it('looks back at most 62 days, however long ago the scheduler was last alive, and says where it stopped', async () => {
    const monthly = counted('0 7 10 * *');
    const until = new Date('2026-12-11T09:00:00Z');
    const scan = await slotsBetween(monthly, new Date('2025-12-01T00:00:00Z'), until, 12);
    // The latest two monthly slots are within the 62 days; the other ten of the year are not looked for.
    expect(iso(scan.slots)).toEqual(['2026-11-10T07:00:00.000Z', '2026-12-10T07:00:00.000Z']);
    expect(scan.lookedBackTo?.toISOString()).toBe(new Date(until.getTime() - MAX_LOOK_BACK_MS).toISOString());
    expect(monthly.calls()).toBe(MAX_LOOK_BACK_MS / 60_000);
  });

  it('the spring-forward day has no 01:30 (node-cron skips it) and the fall-back day has two moments that read 01:30', async () => {
    const spring = await slotsBetween(counted('30 1 * * *'), new Date('2026-03-28T12:00:00Z'), new Date('2026-03-30T12:00:00Z'), 12);
    expect(iso(spring.slots)).toEqual(['2026-03-30T00:30:00.000Z']); // 01:30 BST on the 30th; none on the 29th
    const autumn = await slotsBetween(counted('30 1 * * *'), new Date('2026-10-24T12:00:00Z'), new Date('2026-10-25T12:00:00Z'), 12);
    expect(iso(autumn.slots)).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z']); // 01:30 BST, then 01:30 GMT
  });
});

describe('catch-up after the scheduler was down', () => {
  const settings = (cron: string): ScheduleSettings => ({
    timezone: 'Europe/London',
    jobs: [{ name: 'the-job', pack: 'board', cron, deliver: { public: [], restricted: [] } }],
  });

  async function restart(cron: string, lastAlive: string, now: string): Promise<{ ran: string[]; messages: string[] }> {
    const stateFile = path.join(await mkdtemp(path.join(tmpdir(), 'b4b-catch-up-')), 'scheduler-state.json');
    await writeFile(stateFile, JSON.stringify({ lastAlive }));
    const ran: string[] = [];
    const lines: string[] = [];
    const stream = { isTTY: false, write: (text: string) => lines.push(...text.split('\n').filter(Boolean)) } as unknown as NodeJS.WriteStream;
    const scheduler = new PackScheduler(settings(cron), {
      now: () => new Date(now),
      run: async (_job, slot, month) => void ran.push(`${slot} ${month}`),
      hasRun: async (_job, slot) => ran.some((r) => r.startsWith(slot)),
      progress: createProgress(stream, true),
      stateFile,
    });
    await scheduler.catchUp();
    return { ran, messages: lines.map((l) => (JSON.parse(l) as { message: string }).message) };
  }

  it(`runs the latest ${MAX_CATCH_UP} missed slots once each and says that older ones are not run`, async () => {
    const { ran, messages } = await restart('*/5 * * * *', '2026-12-01T06:00:00.000Z', '2026-12-01T09:02:00Z');
    expect(ran).toEqual([
      '2026-12-01T08:05 2026-11',
      '2026-12-01T08:10 2026-11',
      '2026-12-01T08:15 2026-11',
      '2026-12-01T08:20 2026-11',
      '2026-12-01T08:25 2026-11',
      '2026-12-01T08:30 2026-11',
      '2026-12-01T08:35 2026-11',
      '2026-12-01T08:40 2026-11',
      '2026-12-01T08:45 2026-11',
      '2026-12-01T08:50 2026-11',
      '2026-12-01T08:55 2026-11',
      '2026-12-01T09:00 2026-11',
    ]);
    expect(messages[0]).toBe(
      'the-job: more than 12 slots fell due since 2026-12-01T06:00 without running; the latest 12 run now (from 2026-12-01T08:05), the older ones do not',
    );
    expect(messages.slice(1)).toEqual(ran.map((r) => `the-job: catching up the missed ${r.split(' ')[0]} slot: the board pack for 2026-11`));
  });

  it('a monthly job down for 70 days runs its latest slot, and says how far back it looked', async () => {
    const { ran, messages } = await restart('0 7 10 * *', '2026-10-02T12:00:00.000Z', '2026-12-11T09:00:00Z');
    expect(ran).toEqual(['2026-11-10T07:00 2026-10', '2026-12-10T07:00 2026-11']);
    expect(messages[0]).toBe('the-job: slots before 2026-10-10T10:00 were not looked for: the scheduler looks back at most 62 days');
  });

  it('the repeated 01:30 of the autumn clock change runs once; nothing runs for the 01:30 that spring skips', async () => {
    const autumn = await restart('30 1 * * *', '2026-10-24T12:00:00.000Z', '2026-10-25T12:00:00Z');
    expect(autumn.ran).toEqual(['2026-10-25T01:30 2026-09']);
    const spring = await restart('30 1 * * *', '2026-03-28T12:00:00.000Z', '2026-03-29T12:00:00Z');
    expect(spring.ran).toEqual([]);
  });
});

describe('the note of when the scheduler was last alive', () => {
  it('stays as it was until the catch-up at start has dispatched every slot it found, so a kill during catch-up loses none', async () => {
    const stateFile = path.join(await mkdtemp(path.join(tmpdir(), 'b4b-catch-up-')), 'scheduler-state.json');
    // Down for 20 days: each job's scan looks at some 18,000 minutes and gives the event loop a turn
    // on the way, so the first job's runs finish while the second job's slots are still being looked for.
    await writeFile(stateFile, JSON.stringify({ lastAlive: '2026-11-11T09:00:00.000Z' }));
    const notes: string[] = [];
    const job = (name: string, cron: string): ScheduleSettings['jobs'][number] => ({ name, pack: 'board', cron, deliver: { public: [], restricted: [] } });
    const scheduler = new PackScheduler(
      { timezone: 'Europe/London', jobs: [job('first', '0 7 * * *'), job('second', '0 8 * * *')] },
      {
        now: () => new Date('2026-12-01T09:00:00Z'),
        run: async (j) => {
          if (j.name === 'second') notes.push((JSON.parse(await readFile(stateFile, 'utf8')) as { lastAlive: string }).lastAlive);
        },
        hasRun: async () => false,
        progress: createProgress({ isTTY: false, write: () => true } as unknown as NodeJS.WriteStream, true),
        stateFile,
        lookEveryMs: 3_600_000,
      },
    );
    await scheduler.start();
    await scheduler.stop();
    expect(notes).toHaveLength(MAX_CATCH_UP);
    expect(new Set(notes)).toEqual(new Set(['2026-11-11T09:00:00.000Z']));
    expect((JSON.parse(await readFile(stateFile, 'utf8')) as { lastAlive: string }).lastAlive).toBe('2026-12-01T09:00:00.000Z');
  });
});
