import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ScheduleSettings } from '../../src/config/delivery.js';
import { silentProgress } from '../../src/run/progress.js';
import { latestCompleteMonth, PackScheduler, slotKey } from '../../src/schedule/scheduler.js';

const JOBS: ScheduleSettings = {
  timezone: 'Europe/London',
  jobs: [
    { name: 'daily-board', pack: 'board', cron: '0 7 * * *', deliver: { public: [], restricted: [] } },
    { name: 'hourly-panel', pack: 'panel', cron: '30 * * * *', deliver: { public: [], restricted: [] } },
  ],
};

/** Runs the scheduler under a fake clock for `hours`, minute by minute, and returns what it ran. */
async function drive(start: string, hours: number): Promise<Array<{ job: string; slot: string; at: string; month: string }>> {
  vi.useFakeTimers({ now: new Date(start), toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  const fired: Array<{ job: string; slot: string; at: string; month: string }> = [];
  const done = new Set<string>();
  const scheduler = new PackScheduler(JOBS, {
    now: () => new Date(),
    run: async (job, slot, month) => {
      fired.push({ job: job.name, slot, at: new Date().toISOString(), month });
      done.add(`${job.name}|${slot}`);
    },
    hasRun: async (job, slot) => done.has(`${job}|${slot}`),
    progress: silentProgress,
  });
  await scheduler.start();
  for (let minute = 0; minute < hours * 60; minute++) await vi.advanceTimersByTimeAsync(60_000);
  await scheduler.stop();
  return fired;
}

afterEach(() => {
  vi.useRealTimers();
});

/** Each run began at the very moment of its slot: node-cron fired it (a look back runs a slot a second or more late). */
function onTime(fired: Array<{ slot: string; at: string }>): string[] {
  return fired.filter((f) => slotKey(new Date(f.at), 'Europe/London') !== f.slot || !f.at.endsWith(':00.000Z')).map((f) => `${f.slot} at ${f.at}`);
}

describe('the scheduler across the clock changes (Europe/London)', () => {
  it('last Sunday of March (clocks go forward): each slot fires exactly once, and 01:30 does not exist', async () => {
    const fired = await drive('2024-03-30T00:00:00Z', 72);
    const daily = fired.filter((f) => f.job === 'daily-board');
    expect(daily.map((f) => f.at)).toEqual(['2024-03-30T07:00:00.000Z', '2024-03-31T06:00:00.000Z', '2024-04-01T06:00:00.000Z']);
    expect(daily.map((f) => f.month)).toEqual(['2024-02', '2024-02', '2024-03']);
    const hourly = fired.filter((f) => f.job === 'hourly-panel');
    expect(new Set(hourly.map((f) => f.slot)).size).toBe(hourly.length);
    expect(hourly).toHaveLength(72);
    expect(hourly.map((f) => f.slot)).not.toContain('2024-03-31T01:30');
    expect(hourly.map((f) => f.slot)).toContain('2024-03-31T02:30');
    expect(onTime(fired)).toEqual([]);
  });

  it('last Sunday of October (clocks go back): the repeated 01:30 runs once, every other slot once', async () => {
    const fired = await drive('2024-10-26T00:00:00Z', 72);
    const daily = fired.filter((f) => f.job === 'daily-board');
    expect(daily.map((f) => f.at)).toEqual(['2024-10-26T06:00:00.000Z', '2024-10-27T07:00:00.000Z', '2024-10-28T07:00:00.000Z']);
    const hourly = fired.filter((f) => f.job === 'hourly-panel');
    expect(new Set(hourly.map((f) => f.slot)).size).toBe(hourly.length);
    // node-cron fires the repeated 01:30 at its second coming, 01:30 GMT.
    expect(hourly.filter((f) => f.slot === '2024-10-27T01:30').map((f) => f.at)).toEqual(['2024-10-27T01:30:00.000Z']);
    expect(hourly).toHaveLength(71);
    expect(onTime(fired)).toEqual([]);
  });
});

describe('slots and months', () => {
  it('names a slot by its local wall-clock time, and the latest complete month by the local date', () => {
    expect(slotKey(new Date('2024-10-27T00:30:00Z'), 'Europe/London')).toBe('2024-10-27T01:30');
    expect(slotKey(new Date('2024-10-27T01:30:00Z'), 'Europe/London')).toBe('2024-10-27T01:30');
    expect(latestCompleteMonth(new Date('2023-11-10T07:00:00Z'), 'Europe/London')).toBe('2023-10');
    // 23:30 UTC on 31 March is already 1 April in London (BST).
    expect(latestCompleteMonth(new Date('2024-03-31T23:30:00Z'), 'Europe/London')).toBe('2024-03');
  });
});
