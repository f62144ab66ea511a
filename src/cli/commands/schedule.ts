import path from 'node:path';
import type { Command } from 'commander';
import { loadProjectSettings, PROJECT_HELP, projectOption, settingsOption, type ProjectOptions } from '../project-options.js';
import { B4BError } from '../../findings/finding.js';
import { createProgress } from '../../run/progress.js';

interface ScheduleOptions extends ProjectOptions {
  check?: boolean;
}

export function registerSchedule(program: Command): void {
  program
    .command('schedule')
    .description('Run the scheduled packs of config/schedule.yaml until stopped (Ctrl-C or SIGTERM)')
    .option('--check', 'check the schedule and delivery lists, print each job\'s next run, and exit')
    .addHelpText(
      'after',
      '\nEach job runs its pack for the latest complete month, by the same path as "run", and e-mails it to its lists.\n' +
        'A slot runs once (the run ledger is checked first); a slot missed while the scheduler was down runs at start.',
    )
    .addOption(projectOption())
    .addOption(settingsOption())
    .addHelpText('after', `\n${PROJECT_HELP}`)
    .action(async (options: ScheduleOptions) => {
      // `--check` loads no workbook, PDF or chart library: the run path is loaded when a job first runs.
      const [{ planDelivery }, { loadPacks }, { PackScheduler }] = await Promise.all([
        import('../../delivery/send.js'),
        import('../../pack/load-packs.js'),
        import('../../schedule/scheduler.js'),
      ]);
      const loaded = await loadProjectSettings(options);
      const [{ loadDeliverySettings, loadScheduleSettings }, { RunLedger }] = await Promise.all([import('../../config/settings.js'), import('../../run/ledger.js')]);
      const schedule = await loadScheduleSettings(loaded);
      const delivery = await loadDeliverySettings(loaded);
      const packs = await loadPacks(loaded);
      // Refuse a bad schedule before anything runs: unknown packs, and restricted packs sent to public lists.
      for (const job of schedule.jobs) {
        if (!packs[job.pack]) throw new B4BError(`${loaded.paths.schedule}: the job "${job.name}" names the pack "${job.pack}", which ${loaded.paths.packs} does not define`);
        planDelivery(job.deliver, delivery, job.pack);
      }
      const progress = createProgress();
      const ledger = new RunLedger(loaded.paths.ledger);
      const scheduler = new PackScheduler(schedule, {
        now: () => new Date(),
        hasRun: (job, slot) => ledger.hasSlot(job, slot),
        progress,
        stateFile: path.join(ledger.folder, 'scheduler-state.json'),
        run: async (job, slot, month) => {
          const { executeRun } = await import('../../run/execute-run.js');
          await executeRun(
            loaded,
            {
              target: { kind: 'pack', name: job.pack },
              month,
              trigger: 'schedule',
              job: job.name,
              slot,
              force: true,
              strict: false,
              waitMs: 10 * 60_000,
              numberItemFiles: true,
              deliver: job.deliver,
            },
            progress,
          );
        },
      });
      if (options.check) {
        for (const { job, next } of scheduler.nextRuns()) process.stdout.write(`${job}: next run ${next?.toISOString() ?? 'never'}\n`);
        return;
      }
      await scheduler.start();
      for (const { job, next } of scheduler.nextRuns()) progress.step(`${job}: next run ${next?.toISOString() ?? 'never'}`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          progress.step('Stopping the scheduler');
          void scheduler.stop().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
