import path from 'node:path';
import type { Command } from 'commander';
import { loadProjectSettings, PROJECT_HELP, projectOption, settingsOption, type ProjectOptions } from '../project-options.js';
import { acquireLock, LockBusyError, lockStaleMs } from '../../run/file-lock.js';
import { describeSkipped, RunLedger } from '../../run/ledger.js';
import { createProgress } from '../../run/progress.js';
import { BusyError, EXIT } from '../../findings/errors.js';
import { stopOnSignals } from '../../run/stop-signal.js';

interface ScheduleOptions extends ProjectOptions {
  check?: boolean;
  standby?: boolean;
}

export function registerSchedule(program: Command): void {
  program
    .command('schedule')
    .description('Run the scheduled packs of config/schedule.yaml until stopped (Ctrl-C or SIGTERM)')
    .option('--check', "check the schedule and delivery lists, print each job's next run, and exit")
    .option('--standby', 'if another scheduler is running, wait and take over when it stops, instead of refusing')
    .addHelpText(
      'after',
      '\nEach job runs its pack for the latest complete month, by the same path as "run", and e-mails it to its lists.\n' +
        'Only one scheduler runs at a time (a second refuses, exit 75, or with --standby waits its turn). A slot runs\n' +
        'once (the run ledger is checked first); a slot that fires late runs late, and one missed while the scheduler\n' +
        "was down runs at start. Times are cron expressions in the schedule's time zone (Europe/London).",
    )
    .addOption(projectOption())
    .addOption(settingsOption())
    .addHelpText('after', `\n${PROJECT_HELP}`)
    .action(async (options: ScheduleOptions) => {
      const loaded = await loadProjectSettings(options);
      const progress = createProgress();
      // On SIGTERM or SIGINT a run under way records itself at once (see executeRun) and the scheduler
      // lets go of its lock and ends, within a second of the signal being handled.
      const held: { lock?: { releaseSync: () => void } } = {};
      const stop = stopOnSignals((signal) => {
        if (!held.lock) return;
        progress.step(`Stopping the scheduler (${signal})`);
        held.lock.releaseSync();
        process.exit(0);
      });
      const [{ configuredScheduler }, { localTime }] = await Promise.all([
        import('../../schedule/configured-scheduler.js'),
        import('../../schedule/scheduler.js'),
      ]);
      let scheduler;
      try {
        scheduler = await configuredScheduler(loaded, progress, { signal: stop.signal });
      } catch (error) {
        stop.dispose();
        throw error;
      }
      const { timezone } = scheduler.settings;
      if (options.check) {
        stop.dispose();
        for (const { job, next } of scheduler.nextRuns()) process.stdout.write(`${job}: next run ${localTime(next, timezone)}\n`);
        return;
      }
      // One scheduler at a time, across processes: the second refuses (or, with --standby, waits).
      let lock;
      try {
        lock = await acquireLock(path.join(loaded.paths.outputDir, '.locks', 'scheduler'), {
          heartbeat: true,
          staleMs: lockStaleMs(),
          waitMs: options.standby ? Number.MAX_SAFE_INTEGER : 0,
          purpose: 'schedule',
        });
      } catch (cause) {
        stop.dispose();
        if (!(cause instanceof LockBusyError)) throw cause;
        const holder = cause.holder;
        throw new BusyError(
          `another scheduler is running${holder ? ` (process ${holder.pid} on ${holder.host}, started ${holder.since})` : ''}; only one runs at a time, so this one did not start. ` +
            'Stop the other one first, or start this one with --standby to take over when it stops.',
        );
      }
      held.lock = lock;
      const { skipped } = await new RunLedger(loaded.paths.ledger).readAll();
      if (skipped.length > 0) progress.warn(describeSkipped(skipped), { skippedLines: skipped.length });
      // What a run killed while it put its files in place left is finished (or undone) first, and the
      // e-mails earlier runs could not send (the outbox) go now.
      const [{ recoverPublishing }, { deliverPending }, { loadDeliverySettings }] = await Promise.all([
        import('../../run/run.js'),
        import('../../run/deliver.js'),
        import('../../config/settings.js'),
      ]);
      await recoverPublishing(loaded, progress);
      await deliverPending(await loadDeliverySettings(loaded), new RunLedger(loaded.paths.ledger), progress);
      const running = scheduler;
      lock.signal.addEventListener('abort', () => {
        progress.error(`the scheduler's lock was lost (${(lock.signal.reason as Error).message}); stopping`);
        void running.stop().then(() => process.exit(EXIT.busy));
      });
      // Scheduled runs lay their documents out in a layout thread, which ends after ten idle minutes.
      (await import('../../layout/layout-threads.js')).startLayoutThreads({ idleMs: 10 * 60_000 });
      await scheduler.start();
      for (const { job, next } of scheduler.nextRuns()) progress.step(`${job}: next run ${localTime(next, timezone)}`, { job, next: next.toISOString() });
      // Runs until SIGTERM or SIGINT, which end the process from the handler above.
      await new Promise<void>(() => undefined);
    });
}
