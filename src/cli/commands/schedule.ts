import path from 'node:path';
import type { Command } from 'commander';
import { loadProjectSettings, PROJECT_HELP, projectOption, settingsOption, type ProjectOptions } from '../project-options.js';
import type { LoadedSettings } from '../../config/settings.js';
import { monthLongLabel } from '../../model/month.js';
import { describeSkipped, RunLedger } from '../../run/ledger.js';
import { createProgress } from '../../run/progress.js';
import { logFormat } from '../log-format.js';
import { UsageError } from '../../findings/errors.js';
import { stopOnSignals } from '../../run/stop-signal.js';
import type { ScheduleSettings } from '../../config/delivery.js';
import type { JobOutlook, WorkbookMonths } from '../../schedule/schedule-outlook.js';
import { EXIT, writeJson } from '../outcome.js';
import { adviceFor } from '../advice.js';
import { projectName } from '../../config/contained-path.js';
import { helpText } from '../help-text.js';

interface ScheduleOptions extends ProjectOptions {
  check?: boolean;
  strict?: boolean;
  json?: boolean;
  standby?: boolean;
}

export function registerSchedule(program: Command): void {
  program
    .command('schedule')
    .description('Run the scheduled packs of config/schedule.yaml until stopped (Ctrl-C or SIGTERM)')
    .option('--check', 'say what the schedule will do, and exit: when each job next runs, the month it produces, whether the workbook has it')
    .option('--strict', 'with --check: fail (exit 1) on warnings, such as a job whose month the workbook does not have')
    .option('--json', 'with --check: print the result as one JSON object for other programs')
    .option('--standby', 'if another scheduler is running, wait and take over when it stops, instead of refusing')
    .addHelpText(
      'after',
      helpText(
        '\nEach job runs its pack for the latest complete month, by the same path as "run", and e-mails it to its lists.\n' +
          "node-cron fires the jobs, in the schedule's time zone (Europe/London). Only one scheduler runs at a time (a\n" +
          'second refuses, exit 75, or with --standby waits its turn; "serve --schedule" counts as one). A slot runs\n' +
          'once (the run ledger is checked first); a slot that fires late runs late, and one missed while the scheduler\n' +
          'was down runs at start. A cron expression that cron dialects read differently is refused, with what to write.',
      ),
    )
    .addOption(projectOption())
    .addOption(settingsOption())
    .addHelpText('after', helpText(`\n${PROJECT_HELP}`))
    .action(async (options: ScheduleOptions) => {
      if (!options.check && (options.strict || options.json)) throw new UsageError('--strict and --json go with --check');
      if (options.check && options.standby) throw new UsageError('--standby does not go with --check');
      const loaded = await loadProjectSettings(options, {}, options.check ? {} : { writes: 'schedule' });
      if (options.check) return checkSchedule(loaded, options);
      return runSchedule(loaded, options);
    });
}

/**
 * `schedule --check`: the schedule, packs and lists checked as at start, then what each job will do, in
 * words; the warnings are the schedule's own (months a job has no run in) and each next run's.
 */
async function checkSchedule(loaded: LoadedSettings, options: ScheduleOptions): Promise<void> {
  const progress = createProgress(process.stderr, logFormat() === 'json');
  const [{ configuredScheduler }, { scheduleOutlook }, { scheduleWarnings }] = await Promise.all([
    import('../../schedule/configured-scheduler.js'),
    import('../../schedule/schedule-outlook.js'),
    import('../../schedule/scheduler.js'),
  ]);
  const { settings } = await configuredScheduler(loaded, progress);
  const outlook = await scheduleOutlook(loaded, settings);
  const { workbook } = outlook;
  // Advice such as "b4b-reports validate" must act on this project when followed, wherever from.
  const advise = adviceFor(options);
  const jobs = outlook.jobs.map((j) => ({ ...j, workbookText: advise(j.workbookText), ...(j.warning ? { warning: advise(j.warning) } : {}) }));
  const scheduleFile = projectName(loaded.paths.root, loaded.paths.schedule);
  const warnings = [...scheduleWarnings(settings, scheduleFile).map((w) => advise(w.message)), ...jobs.flatMap((j) => (j.warning ? [j.warning] : []))];
  const failed = options.strict === true && warnings.length > 0;
  const verdict = failed
    ? `FAILED: ${warnings.length} warning(s) (--strict fails on warnings).`
    : `OK: ${jobs.length} job(s), ${warnings.length} warning(s)${warnings.length > 0 ? ' (--strict fails on them)' : ''}.`;
  if (options.json) {
    writeJson({
      ok: !failed,
      ...(failed ? { error: { code: 'problems', exitCode: EXIT.problems, message: verdict } } : {}),
      schedule: loaded.paths.schedule,
      timezone: settings.timezone,
      workbook: { path: loaded.paths.workbook, ...workbookJson(workbook) },
      jobs: jobs.map(jobJson),
      warnings,
    });
  } else {
    // From outside the project its paths (config/schedule.yaml, data/...) are not the current folder's: the project is named first.
    const project = path.resolve(process.cwd()) === loaded.paths.root ? [] : [`Project: ${loaded.paths.root} (the paths below are in it)`];
    process.stdout.write(`${[...project, ...checkReport(scheduleFile, settings, workbook, jobs, warnings, verdict)].join('\n')}\n`);
  }
  process.exitCode = failed ? EXIT.problems : EXIT.ok;
}

function workbookJson(workbook: WorkbookMonths): Record<string, unknown> {
  const latest = workbook.months ? [...workbook.months].sort().pop() : undefined;
  return {
    readable: workbook.months !== undefined,
    ...(latest ? { latestMonth: latest } : {}),
    errors: workbook.errors,
    ...(workbook.unreadable ? { unreadable: workbook.unreadable } : {}),
  };
}

function jobJson(job: JobOutlook): Record<string, unknown> {
  return {
    name: job.name,
    pack: job.pack,
    cron: job.cron,
    sendsTo: job.sendsTo,
    nextRun: job.next?.toISOString() ?? null,
    nextRunText: job.nextText,
    month: job.month ?? null,
    monthText: job.monthText,
    workbookHasMonth: job.workbookHasMonth ?? null,
    workbookText: job.workbookText,
    ...(job.warning ? { warning: job.warning } : {}),
  };
}

function checkReport(
  scheduleFile: string,
  settings: ScheduleSettings,
  workbook: WorkbookMonths,
  jobs: JobOutlook[],
  warnings: string[],
  verdict: string,
): string[] {
  const latest = workbook.months ? [...workbook.months].sort().pop() : undefined;
  const held = workbook.months
    ? `${latest ? `figures up to ${monthLongLabel(latest)}` : 'no month with figures'}${workbook.errors > 0 ? `, ${workbook.errors} error(s)` : ''}`
    : `cannot be read: ${workbook.unreadable ?? ''}`;
  return [
    `Schedule: ${scheduleFile}, ${jobs.length} job(s), times in ${settings.timezone}`,
    `Workbook: ${workbook.name}, ${held}`,
    ...jobs.flatMap((job) => [
      '',
      `${job.name}: the ${job.pack} pack, cron "${job.cron}"${job.sendsTo.length > 0 ? `, sent to ${job.sendsTo.join(', ')}` : ', sent to no list'}`,
      `  next run:  ${job.nextText}`,
      `  produces:  ${job.monthText}`,
      `  workbook:  ${job.workbookText}`,
    ]),
    '',
    ...(warnings.length > 0 ? [`Warnings (${warnings.length}):`, ...warnings.map((w) => `  ${w}`), ''] : []),
    verdict,
  ];
}

/** `schedule`: takes the one-scheduler lock, then runs until SIGTERM or SIGINT. */
async function runSchedule(loaded: LoadedSettings, options: ScheduleOptions): Promise<void> {
  const progress = createProgress(process.stderr, logFormat() === 'json');
  // On SIGTERM or SIGINT a run under way records itself at once (see src/run/run.ts) and the scheduler
  // lets go of its lock and ends, within a second of the signal being handled.
  const held: { lock?: { releaseSync: () => void } } = {};
  const stop = stopOnSignals((signal) => {
    if (!held.lock) return;
    progress.step(`Stopping the scheduler (${signal})`);
    held.lock.releaseSync();
    process.exit(0);
  });
  const [{ configuredScheduler }, { timeInWords, nextRunOfEachJob }, { takeSchedulerLock }] = await Promise.all([
    import('../../schedule/configured-scheduler.js'),
    import('../../schedule/scheduler.js'),
    import('../../schedule/scheduler-lock.js'),
  ]);
  let scheduler;
  let lock;
  try {
    scheduler = await configuredScheduler(loaded, progress, { signal: stop.signal });
    // One scheduler at a time, across processes: the second refuses (or, with --standby, waits).
    lock = await takeSchedulerLock(loaded.paths.outputDir, {
      holder: 'schedule',
      waitMs: options.standby ? Number.MAX_SAFE_INTEGER : 0,
      advice: 'Stop the other one first, or start this one with --standby to take over when it stops.',
    });
  } catch (error) {
    stop.dispose();
    throw error;
  }
  held.lock = lock;
  const { skipped } = await new RunLedger(loaded.paths.ledger, { outputDir: loaded.paths.outputDir }).readAll();
  if (skipped.length > 0) progress.warn(describeSkipped(skipped), { skippedLines: skipped.length });
  // What a run killed while it put its files in place left is finished (or undone) first, and the
  // e-mails earlier runs could not send (the outbox) go now.
  const [{ recoverPublishing }, { deliverPending }, { loadDeliverySettings }] = await Promise.all([
    import('../../run/run.js'),
    import('../../run/deliver.js'),
    import('../../config/settings.js'),
  ]);
  await recoverPublishing(loaded, progress);
  await deliverPending(await loadDeliverySettings(loaded), new RunLedger(loaded.paths.ledger, { outputDir: loaded.paths.outputDir }), progress);
  const running = scheduler;
  lock.signal.addEventListener('abort', () => {
    progress.error(`the scheduler's lock was lost (${(lock.signal.reason as Error).message}); stopping`);
    void running.stop().then(() => process.exit(EXIT.busy));
  });
  // Scheduled runs lay their documents out in a layout thread, which ends after ten idle minutes.
  (await import('../../layout/layout-threads.js')).startLayoutThreads({ idleMs: 10 * 60_000 });
  await scheduler.start();
  const { timezone } = scheduler.settings;
  // What `--check` warns of, said at start too (a workbook missing, or without a next run's month):
  // left running, the scheduler would otherwise first say so when that run fails.
  const warnings = await (await import('../../schedule/schedule-outlook.js')).jobWarnings(loaded, scheduler.settings);
  const advise = adviceFor(options);
  const jobs = nextRunOfEachJob(scheduler.settings);
  // Which project it serves, and that it now waits: the lines after it are all it says until a job's time.
  progress.step(
    `Scheduler running for the project ${loaded.paths.root}: ${jobs.size} job(s), times in ${timezone}; it runs until stopped (Ctrl-C or SIGTERM)`,
    {
      project: loaded.paths.root,
    },
  );
  for (const [job, next] of jobs) {
    progress.step(`${job}: next run ${next ? timeInWords(next, timezone) : 'never'}`, { job, next: next?.toISOString() ?? null });
    const warning = warnings.get(job);
    if (warning) progress.warn(advise(warning), { job });
  }
  // Runs until SIGTERM or SIGINT, which end the process from the handler above.
  await new Promise<void>(() => undefined);
}
