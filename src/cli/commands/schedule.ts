import type { Command } from 'commander';
import { loadProjectSettings, PROJECT_HELP, projectOption, settingsOption, type ProjectOptions } from '../project-options.js';
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
      const loaded = await loadProjectSettings(options);
      const progress = createProgress();
      const { configuredScheduler } = await import('../../schedule/configured-scheduler.js');
      const scheduler = await configuredScheduler(loaded, progress);
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
