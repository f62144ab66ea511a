import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { ScheduleSettings } from '../../src/config/delivery.js';
import { jobOutlooks } from '../../src/schedule/schedule-outlook.js';
import { silentProgress } from '../../src/run/progress.js';
import { latestCompleteMonth, PackScheduler, timeInWords } from '../../src/schedule/scheduler.js';
import { runCommand } from '../fixtures/run-cli.js';
import { tempProject } from '../fixtures/temp-project.js';
import { tinyProject } from '../fixtures/tiny-project.js';
import { ROOT } from '../fixtures/workbooks.js';
import { sampleProject } from './helpers.js';

interface CheckJson {
  ok: boolean;
  error?: { code: string; exitCode: number; message: string };
  timezone: string;
  workbook: { path: string; readable: boolean; latestMonth?: string; errors: number; unreadable?: string };
  jobs: Array<{
    name: string;
    cron: string;
    nextRun: string;
    nextRunText: string;
    month: string;
    monthText: string;
    workbookHasMonth: boolean | null;
    workbookText: string;
    warning?: string;
  }>;
  warnings: string[];
}

describe('schedule --check says what each job will do', () => {
  it('on the sample project: each next run in words, its month, and that the sample workbook has no figures for it (exit 0; --strict exit 1)', async () => {
    const project = await sampleProject();
    // From the project folder: its paths are this folder's.
    const check = await runCommand(['schedule', '--check', '--settings', project.settings], { cwd: project.root });
    expect(check.status, check.stderr).toBe(0);
    expect(check.stderr).toBe('');
    const json = JSON.parse((await runCommand(['schedule', '--check', '--json', '--settings', project.settings])).stdout) as CheckJson;
    expect(json.ok).toBe(true);
    expect(json.workbook).toEqual({ path: path.join(project.root, 'data', 'b4b-sample.xlsx'), readable: true, latestMonth: '2023-10', errors: 0 });
    expect(json.jobs.map((j) => [j.name, j.cron])).toEqual([
      ['board-monthly', '0 7 10 * *'],
      ['panel-monthly', '0 7 12 * *'],
    ]);
    const lines: string[] = ['Schedule: config/schedule.yaml, 2 job(s), times in Europe/London', 'Workbook: data/b4b-sample.xlsx, figures up to October 2023'];
    const lists: Record<string, string> = { 'board-monthly': 'board-members (restricted)', 'panel-monthly': 'panel-members (public)' };
    for (const job of json.jobs) {
      const next = new Date(job.nextRun);
      // node-cron's next run is the job's day of the month at 07:00 London time, said in words.
      expect(timeInWords(next, 'Europe/London')).toMatch(new RegExp(`^\\w+day ${job.cron.split(' ')[2]} \\w+ \\d{4} at 07:00 \\(Europe/London\\)$`));
      expect(job.nextRunText).toBe(timeInWords(next, 'Europe/London'));
      expect(job.month).toBe(latestCompleteMonth(next, 'Europe/London'));
      expect(job.month > '2023-10').toBe(true);
      expect(job.workbookHasMonth).toBe(false);
      const month = new Date(`${job.month}-01T00:00:00Z`).toLocaleString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
      expect(job.workbookText).toBe(`data/b4b-sample.xlsx has no figures for ${month} yet (its latest month is October 2023)`);
      expect(job.warning).toBe(
        `${job.name}: ${job.workbookText}: the run on ${job.nextRunText} will fail unless they are added by then` +
          ` (a scheduled run reads the workbook "workbook:" in config/b4b.yaml names: save the month's workbook there, or name its file there)`,
      );
      lines.push(
        '',
        `${job.name}: the ${job.name.split('-')[0]} pack, cron "${job.cron}", sent to ${lists[job.name]}`,
        `  next run:  ${job.nextRunText}`,
        `  produces:  ${month}, the latest complete month on that day`,
        `  workbook:  ${job.workbookText}`,
      );
    }
    lines.push('', 'Warnings (2):', ...json.jobs.map((j) => `  ${j.warning}`), '', 'OK: 2 job(s), 2 warning(s) (--strict fails on them).');
    expect(check.stdout).toBe(`${lines.join('\n')}\n`);
    // From another folder, the project is named first, and the paths below, read in it, are its files.
    const elsewhere = await runCommand(['schedule', '--check', '--settings', project.settings], { cwd: ROOT });
    expect(elsewhere.stdout).toBe(`Project: ${project.root} (the paths below are in it)\n${lines.join('\n')}\n`);
    for (const file of ['config/schedule.yaml', 'data/b4b-sample.xlsx']) expect(existsSync(path.join(project.root, file)), file).toBe(true);
    expect(json.warnings).toEqual(json.jobs.map((j) => j.warning));

    const strict = await runCommand(['schedule', '--check', '--strict', '--settings', project.settings]);
    expect(strict.status).toBe(1);
    expect(strict.stdout.trimEnd().split('\n').pop()).toBe('FAILED: 2 warning(s) (--strict fails on warnings).');
    const strictJson = JSON.parse((await runCommand(['schedule', '--check', '--strict', '--json', '--settings', project.settings])).stdout) as CheckJson;
    expect([strictJson.ok, strictJson.error]).toEqual([
      false,
      { code: 'problems', exitCode: 1, message: 'FAILED: 2 warning(s) (--strict fails on warnings).' },
    ]);
  });

  it('a workbook that cannot be read is said so, once for every job (a warning)', async () => {
    const project = await tempProject({ workbook: 'data/missing.xlsx' });
    const check = await runCommand(['schedule', '--check', '--settings', project.settings]);
    expect(check.status, check.stderr).toBe(0);
    const why = `no such file; there is no folder ${path.join(project.root, 'data')}. Put the workbook there, or name the right file in config/b4b.yaml (workbook:)`;
    expect(check.stdout).toContain(`Workbook: data/missing.xlsx, cannot be read: ${why}\n`);
    expect(check.stdout.split(`  workbook:  data/missing.xlsx cannot be read: ${why}\n`)).toHaveLength(3);
    expect((await runCommand(['schedule', '--check', '--strict', '--settings', project.settings])).status).toBe(1);
  });

  it('--json and --strict go with --check only (a usage error, exit 2)', async () => {
    const usage = await runCommand(['schedule', '--json']);
    expect(usage.status).toBe(2);
    expect(JSON.parse(usage.stdout)).toEqual({ ok: false, error: { code: 'usage', exitCode: 2, message: '--strict and --json go with --check' } });
  });
});

describe('the outlook of a job (pure: next runs and the workbook given)', () => {
  const settings: ScheduleSettings = {
    timezone: 'Europe/London',
    jobs: [
      { name: 'board-monthly', pack: 'board', cron: '0 7 10 * *', deliver: { public: [], restricted: ['board-members'] } },
      { name: 'panel-monthly', pack: 'panel', cron: '0 7 12 * *', deliver: { public: ['panel-members'], restricted: [] } },
    ],
  };
  const next = new Map([
    ['board-monthly', new Date('2026-11-10T07:00:00Z')],
    ['panel-monthly', undefined],
  ]);

  it('a workbook that has the month: ready, no warning', () => {
    const [board, panel] = jobOutlooks(settings, next, { name: 'data/b4b.xlsx', months: ['2026-09', '2026-10'], errors: 0 });
    expect(board).toEqual({
      name: 'board-monthly',
      pack: 'board',
      cron: '0 7 10 * *',
      sendsTo: ['board-members (restricted)'],
      next: new Date('2026-11-10T07:00:00Z'),
      nextText: 'Tuesday 10 November 2026 at 07:00 (Europe/London)',
      month: '2026-10',
      monthText: 'October 2026, the latest complete month on that day',
      workbookHasMonth: true,
      workbookText: 'data/b4b.xlsx has figures for October 2026',
    });
    expect(panel).toEqual({
      name: 'panel-monthly',
      pack: 'panel',
      cron: '0 7 12 * *',
      sendsTo: ['panel-members (public)'],
      nextText: 'never: node-cron finds no time this expression falls due',
      monthText: 'none',
      workbookText: 'not looked at (no run)',
    });
  });

  it('a workbook with errors: a run stops on them, so a warning even when the month is there', async () => {
    const [board] = jobOutlooks(settings, next, { name: 'data/b4b.xlsx', months: ['2026-10'], errors: 3 });
    expect(board?.warning).toBe(
      'board-monthly: data/b4b.xlsx has figures for October 2026, and 3 error(s), on which a run stops ("b4b-reports validate" lists them): ' +
        'the run on Tuesday 10 November 2026 at 07:00 (Europe/London) will fail unless the errors are put right by then',
    );
    const [missing] = jobOutlooks(settings, next, { name: 'data/b4b.xlsx', months: [], errors: 0 });
    expect(missing?.workbookText).toBe('data/b4b.xlsx has no figures for October 2026 yet (it has no month with figures)');
  });
});

/**
 * A temp project whose board-monthly job has another cron expression: the tiny project (the sample's schedule, its
 * workbook of one table, figures up to October 2023 as the sample's), as the cron checks read no figure of it.
 */
const withBoardCron = (cron: string): ReturnType<typeof tinyProject> =>
  tinyProject({ edit: (file, text) => (file === 'config/schedule.yaml' ? text.replace('cron: "0 7 10 * *"', `cron: "${cron}"`) : text) });

/** Writes another expression over the board job's in a project's schedule file. */
async function setBoardCron(root: string, from: string, to: string): Promise<void> {
  const file = path.join(root, 'config', 'schedule.yaml');
  await writeFile(file, (await readFile(file, 'utf8')).replace(`cron: "${from}"`, `cron: "${to}"`));
}

const checkJson = async (args: string[]): Promise<CheckJson> => JSON.parse((await runCommand(['schedule', '--check', '--json', ...args])).stdout) as CheckJson;
/** The warnings about the months a job has no run in (the others say the workbook lacks a month). */
const monthWarnings = (json: CheckJson): string[] => json.warnings.filter((w) => w.startsWith('config/schedule.yaml: '));

describe('a job on a day some months do not have', () => {
  const warning =
    'config/schedule.yaml: board-monthly: cron "0 7 31 * *" runs on the 31st only, so in 7 months of 12: no run in February, April, June, September or November; ' +
    'to run every month, use a day of 28 or less, which every month has: cron: "0 7 28 * *" (a run produces the month before its own, whatever the day)';

  it('"0 7 31 * *": a warning naming the schedule file and the job (--strict fails on it); the day it suggests runs every month, with no such warning', async () => {
    const project = await withBoardCron('0 7 31 * *');
    const check = await runCommand(['schedule', '--check', '--settings', project.settings]);
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout).toContain(`\nWarnings (3):\n  ${warning}\n`);
    expect(monthWarnings(await checkJson(['--settings', project.settings]))).toEqual([warning]);
    expect((await runCommand(['schedule', '--check', '--strict', '--settings', project.settings])).status).toBe(1);

    const fix = /cron: "([^"]+)" \(a run produces/.exec(warning)?.[1] ?? '';
    await setBoardCron(project.root, '0 7 31 * *', fix);
    const fixed = await checkJson(['--settings', project.settings]);
    expect(fixed.jobs[0]?.cron).toBe('0 7 28 * *');
    expect(new Date(fixed.jobs[0]?.nextRun ?? '').getUTCDate()).toBe(28);
    expect(monthWarnings(fixed)).toEqual([]);
  });

  it('"0 7 30 2 *" is refused as never falling due (February has no 30th), not as a day node-cron does not accept; what it says to write is accepted', async () => {
    const project = await withBoardCron('0 7 30 2 *');
    const check = await runCommand(['schedule', '--check', '--settings', project.settings]);
    expect(check.status).toBe(1);
    expect(check.stderr).toContain(
      'config/schedule.yaml:9: jobs[0].cron: the job "board-monthly" has cron: "0 7 30 2 *": it can never fall due: February has no 30th (node-cron refuses it). ' +
        'Write cron: "0 7 28 2 *" (the 28th, the latest day every February has) instead',
    );
    expect(check.stderr).not.toContain('is not one node-cron accepts');
    await setBoardCron(project.root, '0 7 30 2 *', '0 7 28 2 *');
    const fixed = await runCommand(['schedule', '--check', '--json', '--settings', project.settings]);
    expect(fixed.status, fixed.stderr).toBe(0);
    expect(monthWarnings(JSON.parse(fixed.stdout) as CheckJson)).toEqual([]);
  });

  it('the scheduler logs the same warning as it starts', async () => {
    const warned: Array<{ message: string; fields: Record<string, unknown> | undefined }> = [];
    const settings: ScheduleSettings = {
      timezone: 'Europe/London',
      jobs: [{ name: 'board-monthly', pack: 'board', cron: '0 7 31 * *', deliver: { public: [], restricted: ['board-members'] } }],
    };
    const scheduler = new PackScheduler(settings, {
      now: () => new Date(),
      run: async () => undefined,
      hasRun: async () => true,
      progress: { ...silentProgress, warn: (message, fields) => warned.push({ message, fields }) },
      scheduleFile: 'config/schedule.yaml',
    });
    await scheduler.start();
    await scheduler.stop();
    expect(warned).toEqual([{ message: warning, fields: { job: 'board-monthly' } }]);
  });
});

describe('advice schedule --check prints names the project it checked', () => {
  it('"b4b-reports validate" for a workbook with errors carries the --settings or --project given, and so followed from anywhere lists them', async () => {
    // The tiny project (its workbook read in a fraction of the sample's time): the advice is the same for any workbook.
    const project = await tinyProject();
    // A figure typed as a word: an error, on which a run stops.
    const file = project.workbook;
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    workbook.getWorksheet('B4B data set')!.getCell('E3').value = 'twelve';
    await workbook.xlsx.writeFile(file);

    const bySettings = await runCommand(['schedule', '--check', '--settings', project.settings]);
    expect(bySettings.status, bySettings.stderr).toBe(0);
    const advice = `1 error(s), on which a run stops ("b4b-reports validate --settings ${project.settings}" lists them)`;
    expect(bySettings.stdout.split(advice)).toHaveLength(5); // each job's workbook line and warning
    const json = await checkJson(['--settings', project.settings]);
    expect(json.jobs.map((j) => j.workbookText.includes(advice) && j.warning?.includes(advice))).toEqual([true, true]);
    expect(json.warnings.every((w) => w.includes(advice))).toBe(true);
    const byProject = await checkJson(['--project', project.root]);
    expect(byProject.warnings[0]).toContain(`("b4b-reports validate --project ${project.root}" lists them)`);

    // Followed as printed from the package's folder (whose sample workbook has no errors), it checks this project's.
    const command = /"b4b-reports (validate [^"]+)"/.exec(advice)?.[1]?.split(' ') ?? [];
    const validate = await runCommand(command);
    expect(validate.status).toBe(1);
    expect(validate.stdout).toContain("tiny.xlsx › 'B4B data set'!E3");
  });
});
