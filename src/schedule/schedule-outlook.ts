import type { ScheduleSettings } from '../config/delivery.js';
import { projectName } from '../config/contained-path.js';
import type { LoadedSettings } from '../config/settings.js';
import { monthsWithFigures } from '../dataset/summarise.js';
import { monthLongLabel, type MonthKey } from '../model/month.js';
import { latestCompleteMonth, nextRunOfEachJob, timeInWords } from './scheduler.js';

/**
 * What the schedule will do, in words, for `schedule --check` and the console's Schedule page: for
 * each job when it next runs (node-cron's answer), which month that run produces (the latest complete
 * month on that day, as the scheduler passes it) and whether the workbook has figures for it. A run
 * for a month the workbook does not have fails, so that is a warning (`--check --strict` fails on it).
 */

/** What the configured workbook holds, read once for all the jobs. */
export interface WorkbookMonths {
  /** The workbook as the user knows it ("data/b4b-sample.xlsx"). */
  name: string;
  /** The months any indicator table has figures for (as a run checks its month); absent when it cannot be read. */
  months?: readonly MonthKey[];
  /** How many errors the workbook has: a run stops on any of them. */
  errors: number;
  /** Why it cannot be read, when it cannot. */
  unreadable?: string;
  /** Where the workbook a scheduled run reads is named: '"workbook:" in config/b4b.yaml', or the command line's --workbook. */
  namedBy?: string;
}

export interface JobOutlook {
  name: string;
  pack: string;
  cron: string;
  /** The lists the job sends to, with their kind: "board-members (restricted)". */
  sendsTo: string[];
  next?: Date;
  /** "Thursday 10 December 2026 at 07:00 (Europe/London)". */
  nextText: string;
  month?: MonthKey;
  /** "November 2026, the latest complete month on that day". */
  monthText: string;
  /** Whether the workbook has figures for the month: undefined when it cannot be said (no next run, an unreadable workbook). */
  workbookHasMonth?: boolean;
  workbookText: string;
  /** Set when the next run would fail as things stand. */
  warning?: string;
}

function latestOf(months: readonly MonthKey[]): MonthKey | undefined {
  return [...months].sort().pop();
}

/** Each job's outlook, from its next run (computed by node-cron) and what the workbook holds. */
export function jobOutlooks(settings: ScheduleSettings, nextRuns: ReadonlyMap<string, Date | undefined>, workbook: WorkbookMonths): JobOutlook[] {
  const tz = settings.timezone;
  const latest = workbook.months ? latestOf(workbook.months) : undefined;
  return settings.jobs.map((job) => {
    const next = nextRuns.get(job.name);
    const sendsTo = [...job.deliver.public.map((l) => `${l} (public)`), ...job.deliver.restricted.map((l) => `${l} (restricted)`)];
    const base = { name: job.name, pack: job.pack, cron: job.cron, sendsTo };
    if (!next) {
      return { ...base, nextText: 'never: node-cron finds no time this expression falls due', monthText: 'none', workbookText: 'not looked at (no run)' };
    }
    const nextText = timeInWords(next, tz);
    const month = latestCompleteMonth(next, tz);
    const monthText = `${monthLongLabel(month)}, the latest complete month on that day`;
    const withMonth = { ...base, next, nextText, month, monthText };
    if (!workbook.months) {
      const text = `${workbook.name} cannot be read: ${workbook.unreadable ?? 'no reason given'}`;
      return { ...withMonth, workbookText: text, warning: `${job.name}: ${text}: the run on ${nextText} will fail unless it is put right by then` };
    }
    const has = workbook.months.includes(month);
    const errors = workbook.errors > 0 ? `${workbook.errors} error(s), on which a run stops ("b4b-reports validate" lists them)` : '';
    const missing = `no figures for ${monthLongLabel(month)} yet (${latest ? `its latest month is ${monthLongLabel(latest)}` : 'it has no month with figures'})`;
    const workbookText = has
      ? `${workbook.name} has figures for ${monthLongLabel(month)}${errors ? `, and ${errors}` : ''}`
      : `${workbook.name} has ${missing}${errors ? `, and ${errors}` : ''}`;
    const unless = !has ? (errors ? 'the figures are added and the errors put right' : 'they are added') : 'the errors are put right';
    // Added where a scheduled run will look: the file its settings name (an officer who ran the month with --workbook has it elsewhere).
    const where =
      !has && workbook.namedBy
        ? ` (a scheduled run reads the workbook ${workbook.namedBy} names: save the month's workbook there, or name its file there)`
        : '';
    return {
      ...withMonth,
      workbookHasMonth: has,
      workbookText,
      ...(!has || errors ? { warning: `${job.name}: ${workbookText}: the run on ${nextText} will fail unless ${unless} by then${where}` } : {}),
    };
  });
}

/** Why a workbook cannot be read, without the reader's "cannot read the workbook:" that the outlook says itself. */
const reason = (message: string): string => message.replace(/^.*?cannot read the workbook: /, '');

/** Reads the configured workbook once for all the jobs: the months it has figures for, or why it cannot be read. */
export async function readWorkbookMonths(loaded: LoadedSettings): Promise<WorkbookMonths> {
  const file = loaded.paths.workbook;
  const name = projectName(loaded.paths.root, file);
  const namedBy = loaded.fromCommandLine.has('workbook') ? 'that --workbook' : `"workbook:" in ${projectName(loaded.paths.root, loaded.paths.settings)}`;
  // The workbook library is loaded here, when a schedule is checked, not by the scheduler's start.
  const { checkWorkbook } = await import('../dataset/check-workbook.js');
  try {
    const check = await checkWorkbook(loaded, file);
    if (!check.dataset) return { name, namedBy, errors: check.errors.length, unreadable: reason(check.errors[0]?.message ?? 'no table could be read') };
    return { name, namedBy, months: monthsWithFigures(check.dataset), errors: check.errors.length };
  } catch (error) {
    return { name, namedBy, errors: 0, unreadable: reason((error as Error).message.split('\n')[0] ?? '') };
  }
}

/** What the schedule will do as things stand: each job's outlook, the workbook read once. */
export async function scheduleOutlook(loaded: LoadedSettings, settings: ScheduleSettings): Promise<{ workbook: WorkbookMonths; jobs: JobOutlook[] }> {
  const workbook = await readWorkbookMonths(loaded);
  return { workbook, jobs: jobOutlooks(settings, nextRunOfEachJob(settings), workbook) };
}

/**
 * What `--check` warns of for each job (a workbook that cannot be read, or without the job's next
 * month), by job: said by a scheduler as it starts, which would otherwise first say so when that run fails.
 */
export async function jobWarnings(loaded: LoadedSettings, settings: ScheduleSettings): Promise<Map<string, string>> {
  const { jobs } = await scheduleOutlook(loaded, settings);
  return new Map(jobs.flatMap((j) => (j.warning ? [[j.name, j.warning] as const] : [])));
}
