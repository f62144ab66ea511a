import path from 'node:path';
import { loadDeliverySettings, loadScheduleSettings, type LoadedSettings } from '../config/settings.js';
import { projectName } from '../config/contained-path.js';
import { ConfigFileError } from '../findings/errors.js';
import { B4BError } from '../findings/finding.js';
import { RunLedger } from '../run/ledger.js';
import type { Progress } from '../run/progress.js';
import type { PackScheduler } from './scheduler.js';

/**
 * The scheduler of config/schedule.yaml, wired to the same run path as `run`: checked first (unknown
 * packs, restricted packs addressed to public lists are refused before anything runs), not started.
 * `b4b-reports schedule` and `b4b-reports serve --schedule` both use it. `signal` stops a run under way
 * (SIGTERM, SIGINT): it records itself and publishes nothing.
 */
export async function configuredScheduler(loaded: LoadedSettings, progress: Progress, options: { signal?: AbortSignal } = {}): Promise<PackScheduler> {
  // No workbook, PDF or chart library is loaded here: the run path is loaded when a job first runs.
  const [{ planDelivery }, { loadPacks }, { PackScheduler }] = await Promise.all([
    import('../delivery/plan-delivery.js'),
    import('../pack/load-packs.js'),
    import('./scheduler.js'),
  ]);
  const schedule = await loadScheduleSettings(loaded);
  const delivery = await loadDeliverySettings(loaded);
  const packs = await loadPacks(loaded);
  for (const job of schedule.jobs) {
    if (!Object.hasOwn(packs, job.pack))
      throw new ConfigFileError(`${loaded.paths.schedule}: the job "${job.name}" names the pack "${job.pack}", which ${loaded.paths.packs} does not define`);
    planDelivery(job.deliver, delivery, job.pack);
  }
  const ledger = new RunLedger(loaded.paths.ledger, { outputDir: loaded.paths.outputDir });
  return new PackScheduler(schedule, {
    now: () => new Date(),
    hasRun: (job, slot) => ledger.hasSlot(job, slot),
    progress,
    stateFile: path.join(ledger.folder, 'scheduler-state.json'),
    scheduleFile: projectName(loaded.paths.root, loaded.paths.schedule),
    run: async (job, slot, month) => {
      const [{ runMonth }, { layOut }, { deliverPending }] = await Promise.all([
        import('../run/run.js'),
        import('../layout/layout-threads.js'),
        import('../run/deliver.js'),
      ]);
      const result = await runMonth(
        loaded,
        {
          targets: [{ kind: 'pack', name: job.pack }],
          month,
          trigger: 'schedule',
          job: job.name,
          slot,
          force: true,
          strict: false,
          waitMs: 10 * 60_000,
          numberItemFiles: true,
          deliver: job.deliver,
          ...(options.signal ? { signal: options.signal } : {}),
        },
        progress,
        { layOut },
      );
      // Then the outbox: e-mails of earlier runs that could not go then (a mail server that was down).
      await deliverPending(delivery, ledger, progress);
      const failed = result.results.find((r) => r.record.outcome !== 'success');
      if (failed) throw failed.error instanceof Error ? failed.error : new B4BError(failed.record.error ?? 'the run failed');
    },
  });
}
