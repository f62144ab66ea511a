import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigFileError } from '../../src/config/read-config.js';
import { loadScheduleSettings, loadSettings } from '../../src/config/settings.js';
import { cronRefusal, monthsWithoutRun, monthsWithoutRunMessage, refusalMessage } from '../../src/schedule/cron-dialect.js';
import { cronTask } from '../../src/schedule/cron-engine.js';
import { tempProject } from '../fixtures/temp-project.js';

/** The expressions to write instead, as the refusal gives them. */
const instead = (expression: string): string[] => cronRefusal(expression)?.instead.map((a) => a.cron) ?? [];

describe('expressions cron dialects read differently are refused, with what to write instead', () => {
  it('day-of-month with day-of-week (node-cron: both; standard cron: either)', () => {
    const refusal = cronRefusal('0 7 10 * MON-FRI');
    expect(refusal && refusalMessage('board-monthly', '0 7 10 * MON-FRI', refusal)).toBe(
      'the job "board-monthly" has cron: "0 7 10 * MON-FRI": it restricts both the day of the month ("10") and the day of the week ("MON-FRI"), ' +
        'which cron dialects read differently: node-cron runs it only on a day that is both, standard cron on every day that is either. ' +
        'Write cron: "0 7 10 * *" (by the day of the month alone) or cron: "0 7 * * MON-FRI" (by the day of the week alone) instead',
    );
    // "Every day of the week" written as a range is still a restriction in standard cron's reading (10th OR any day).
    expect(instead('0 7 10 * 0-6')).toEqual(['0 7 10 * *', '0 7 * * 0-6']);
    expect(instead('0 7 */2 * MON')).toEqual(['0 7 */2 * *', '0 7 * * MON']);
  });

  it('six fields (node-cron reads them seconds first: "0 7 10 * * *" is 10:07 every day)', () => {
    const refusal = cronRefusal('0 7 10 * * *');
    expect(refusal && refusalMessage('board-monthly', '0 7 10 * * *', refusal)).toBe(
      'the job "board-monthly" has cron: "0 7 10 * * *": it has six fields, which node-cron reads seconds first (second "0", minute "7", hour "10"), ' +
        'not as five-field cron reads the same text (minute "0", hour "7"), and standard cron has no seconds field. ' +
        'The scheduler takes five fields, minute hour day-of-month month day-of-week (e.g. "0 7 10 * *", 07:00 on the 10th of each month). ' +
        'Write cron: "0 7 10 * *" (the first five fields) or cron: "7 10 * * *" (node-cron\'s reading, without the seconds) instead',
    );
    // node-cron itself: the six-field text matches 10:07:00, not 07:00 on the 10th.
    const task = cronTask('0 7 10 * * *', 'Europe/London');
    expect([task.match(new Date('2026-12-03T10:07:00Z')), task.match(new Date('2026-12-10T07:00:00Z'))]).toEqual([true, false]);
    void task.destroy();
  });

  it.each([
    ['0 7 1W * *', 'its day-of-month field has "1W" (the weekday nearest the 1st)', ['0 7 1 * *']],
    ['0 7 L * *', 'its day-of-month field has "L" (the last day of the month)', ['0 7 28 * *']],
    ['0 7 LW * *', 'its day-of-month field has "LW" (the last weekday of the month)', ['0 7 28 * *']],
    ['0 7 10,L * *', 'its day-of-month field has "L" (the last day of the month)', ['0 7 10,28 * *']],
    ['0 7 * * 2#2', 'its day-of-week field has "2#2" (the 2nd Tuesday of the month)', ['0 7 8 * *']],
    ['0 7 * * 5L', 'its day-of-week field has "5L" (the last Friday of the month)', ['0 7 22 * *']],
  ])('%s: W, L and # are not standard cron', (expression, why, fixes) => {
    expect(cronRefusal(expression)?.reason).toBe(
      `${why}, which standard cron does not have and other dialects read differently. A run produces the latest complete month whatever the day, so a fixed day of the month serves`,
    );
    expect(instead(expression)).toEqual(fixes);
  });

  it.each([
    ['0 22-2 * * *', 'hour', '22-2', '22-23,0-2', '0 22-23,0-2 * * *'],
    ['0 22-2/2 * * *', 'hour', '22-2/2', '22,0,2', '0 22,0,2 * * *'],
    ['0 7 * * FRI-MON', 'day-of-week', 'FRI-MON', 'FRI-SAT,SUN-MON', '0 7 * * FRI-SAT,SUN-MON'],
    ['0 7 * * SAT-SUN', 'day-of-week', 'SAT-SUN', 'SAT,SUN', '0 7 * * SAT,SUN'],
    ['0 7 1 NOV-FEB *', 'month', 'NOV-FEB', 'NOV-DEC,JAN-FEB', '0 7 1 NOV-DEC,JAN-FEB *'],
  ])('%s: a range that wraps round the end of its field', (expression, field, range, wrapped, fix) => {
    expect(cronRefusal(expression)?.reason).toBe(
      `its ${field} field has the range "${range}", which runs past the end of the field: node-cron wraps it round to ${wrapped}, standard cron refuses it, and other dialects read it differently`,
    );
    expect(instead(expression)).toEqual([fix]);
    // The fix means to node-cron exactly what the refused expression did, minute for minute over a year.
    const [before, after] = [cronTask(expression, 'Europe/London'), cronTask(fix, 'Europe/London')];
    const differ: string[] = [];
    for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 60 * 60_000) {
      const at = new Date(t);
      if (before.match(at) !== after.match(at)) differ.push(at.toISOString());
    }
    void before.destroy();
    void after.destroy();
    expect(differ).toEqual([]);
  });

  it('what node-cron cannot read at all is said so, by field', () => {
    expect(cronRefusal('0 7 32 * *')?.reason).toBe(
      'node-cron cannot read it (its day-of-month field "32" is not one node-cron accepts); write five fields, minute hour day-of-month month day-of-week (e.g. "0 7 10 * *", 07:00 on the 10th of each month)',
    );
    expect(cronRefusal('0 7 10 *')?.reason).toBe(
      'it has 4 field(s); the scheduler takes five fields, minute hour day-of-month month day-of-week (e.g. "0 7 10 * *", 07:00 on the 10th of each month)',
    );
  });

  it('accepts what every dialect reads alike', () => {
    for (const expression of ['0 7 10 * *', '0 7 * * MON-FRI', '*/15 * * * *', '30 6 1,15 * *', '0 7 10 JAN,APR,JUL,OCT *', '0 7 * * 5-7', '@monthly']) {
      expect(cronRefusal(expression), expression).toBeUndefined();
    }
  });

  it('every expression suggested is itself accepted, also when the first fix leaves another problem', () => {
    const refused = ['0 7 L * FRI-MON', '0 22-2 10 * MON', '0 7 10 * 1#2', '0 7 LW * * *', '0 7 10 * * 5L', '0 7 1W 1 MON-FRI', '0 23-1 L * *'];
    for (const expression of refused) {
      const fixes = instead(expression);
      expect(fixes.length, expression).toBeGreaterThan(0);
      for (const fix of fixes) expect(cronRefusal(fix), `${expression} → ${fix}`).toBeUndefined();
    }
    expect(instead('0 7 L * FRI-MON')).toEqual(['0 7 28 * *']);
  });
});

describe('days after the 28th, which some months do not have', () => {
  const warning = (expression: string): string | undefined => {
    const gap = monthsWithoutRun(expression);
    return gap && monthsWithoutRunMessage('board-monthly', expression, gap);
  };
  const advice = ', use a day of 28 or less, which every month has: cron: "0 7 28 * *" (a run produces the month before its own, whatever the day)';

  it('"0 7 31 * *" runs in 7 months of 12: a warning naming the months without a run, and the 28th instead', () => {
    expect(warning('0 7 31 * *')).toBe(
      'board-monthly: cron "0 7 31 * *" runs on the 31st only, so in 7 months of 12: no run in February, April, June, September or November; ' +
        `to run every month${advice}`,
    );
    expect(warning('0 7 30 * *')).toBe(
      `board-monthly: cron "0 7 30 * *" runs on the 30th only, so in 11 months of 12: no run in February; to run every month${advice}`,
    );
    expect(warning('0 7 29-31 * *')).toBe(
      'board-monthly: cron "0 7 29-31 * *" runs on the 29th, 30th or 31st only, so in 11 months of 12 in most years: no run in February except in a leap year; ' +
        `to run every month${advice}`,
    );
    expect(monthsWithoutRun('0 7 31 */2 *')).toMatchObject({ months: [1, 3, 5, 7, 9, 11], missed: [9, 11], instead: '0 7 28 */2 *' });
  });

  it('no warning when a day is the 28th or before, or the months named all have the day', () => {
    for (const expression of ['0 7 28 * *', '0 7 1,31 * *', '0 7 * * *', '0 7 * * MON', '0 7 31 JAN,MAR,MAY *', '0 7 30 1,3-12 *', '@monthly']) {
      expect(monthsWithoutRun(expression), expression).toBeUndefined();
    }
  });

  it('the day suggested runs in every month named: accepted, with no such warning, and node-cron finds a run in each of the next 12 months', () => {
    for (const expression of ['0 7 31 * *', '0 7 29 * *', '30 6 30,31 * *', '0 7 31 */2 *']) {
      const fix = monthsWithoutRun(expression)?.instead ?? '';
      expect(cronRefusal(fix), fix).toBeUndefined();
      expect(monthsWithoutRun(fix), fix).toBeUndefined();
    }
    const task = cronTask('0 7 28 * *', 'Europe/London');
    expect(new Set(task.getNextRuns(12).map((d) => d.getUTCMonth())).size).toBe(12);
    void task.destroy();
  });

  it('"0 7 30 2 *" can never fall due: refused saying February has no 30th, with the 28th instead (not as a day node-cron does not accept)', () => {
    const refusal = cronRefusal('0 7 30 2 *');
    expect(refusal && refusalMessage('board-monthly', '0 7 30 2 *', refusal)).toBe(
      'the job "board-monthly" has cron: "0 7 30 2 *": it can never fall due: February has no 30th (node-cron refuses it). ' +
        'Write cron: "0 7 28 2 *" (the 28th, the latest day every February has) instead',
    );
    expect(cronRefusal('0 7 30,31 FEB *')?.reason).toBe('it can never fall due: February has no 30th or 31st (node-cron refuses it)');
    expect(cronRefusal('0 7 31 4,6 *')?.reason).toBe('it can never fall due: April and June have no 31st (node-cron refuses it)');
    expect(instead('0 7 31 4,6 *')).toEqual(['0 7 30 4,6 *']);
    // 29 February comes in a leap year: not refused (a warning says it runs only then).
    expect(cronRefusal('0 7 29 2 *')).toBeUndefined();
    expect(warning('0 7 29 2 *')).toMatch(
      /^board-monthly: cron "0 7 29 2 \*" runs on the 29th only, so in most years not at all: no run in February except in a leap year;/,
    );
    // Another field node-cron cannot read is said first, as before.
    expect(cronRefusal('99 7 30 2 *')?.reason).toMatch(/^node-cron cannot read it \(its minute field "99"/);
  });
});

describe('config/schedule.yaml: a refused expression, an unknown time zone and two jobs with one name name the file and line', () => {
  it('names each line, and what to do', async () => {
    const project = await tempProject({
      edit: (file, text) =>
        file === 'config/schedule.yaml'
          ? text
              .replace('cron: "0 7 10 * *"', 'cron: "0 7 10 * MON-FRI"')
              .replace('timezone: Europe/London', 'timezone: Europe/Lundon')
              .replace('name: panel-monthly', 'name: board-monthly')
          : text,
    });
    const file = path.join(project.root, 'config', 'schedule.yaml');
    const loaded = await loadSettings({ settingsFile: project.settings });
    const error = await loadScheduleSettings(loaded).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigFileError);
    const both =
      'jobs are named "board-monthly" (jobs[0], jobs[1]); each job needs a name of its own, since the run ledger records each slot under its job\'s name: rename all but one';
    expect((error as Error).message.split('\n')).toEqual([
      `${file}: the schedule file does not match its schema:`,
      `  ${file}:5: timezone: "Europe/Lundon" is not a time zone the scheduler knows; expected an IANA name such as Europe/London`,
      `  ${file}:9: jobs[0].cron: ${refusalMessage('board-monthly', '0 7 10 * MON-FRI', cronRefusal('0 7 10 * MON-FRI')!)}`,
      `  ${file}:7: jobs[0].name: 2 ${both}`,
      `  ${file}:12: jobs[1].name: 2 ${both}`,
    ]);
    // Followed, the advice gives a schedule that loads.
    await writeFile(
      file,
      (await readFile(file, 'utf8'))
        .replace('cron: "0 7 10 * MON-FRI"', 'cron: "0 7 10 * *"')
        .replace('timezone: Europe/Lundon', 'timezone: Europe/London')
        .replace(/name: board-monthly\n(\s+pack: panel)/, 'name: panel-monthly\n$1'),
    );
    expect((await loadScheduleSettings(loaded)).jobs.map((j) => `${j.name} ${j.cron}`)).toEqual(['board-monthly 0 7 10 * *', 'panel-monthly 0 7 12 * *']);
  });
});
