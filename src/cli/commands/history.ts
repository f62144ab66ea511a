import type { Command } from 'commander';
import { loadProjectSettings, PROJECT_HELP, projectOption, settingsOption, type ProjectOptions } from '../project-options.js';

interface HistoryOptions extends ProjectOptions {
  json?: boolean;
  limit: string;
}

export function registerHistory(program: Command): void {
  program
    .command('history')
    .description('List recorded runs, newest first: what ran, for which month, how it ended, what it wrote and sent')
    .option('--limit <n>', 'how many runs to list', '20')
    .option('--json', 'print the ledger records as JSON')
    .addOption(projectOption())
    .addOption(settingsOption())
    .addHelpText('after', `\n${PROJECT_HELP}`)
    .action(async (options: HistoryOptions) => {
      const loaded = await loadProjectSettings(options);
      const [{ describeSkipped, RunLedger }, { currentSet }] = await Promise.all([import('../../run/ledger.js'), import('../../run/output-writer.js')]);
      const { records, skipped } = await new RunLedger(loaded.paths.ledger).readAll();
      // A damaged ledger is read all the same: the lines that are not records are skipped, and said so.
      if (skipped.length > 0) process.stderr.write(`b4b-reports: ${describeSkipped(skipped)}\n`);
      const runs = records.reverse().slice(0, Math.max(1, Number(options.limit) || 20));
      const current = new Map<string, string | undefined>();
      for (const r of runs) if (r.set && !current.has(r.set.name)) current.set(r.set.name, await currentSet(loaded.paths.outputDir, r.set.name));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
        return;
      }
      if (runs.length === 0) {
        process.stdout.write(`No runs recorded yet (${loaded.paths.ledger}).\n`);
        return;
      }
      const lines = runs.map((r) => {
        const delivery = r.delivery?.map((d) => `${d.list}:${d.status}`).join(',') ?? '-';
        const changes = r.changes ? `${r.changes.length} changed` : '-';
        return [
          r.startedAt.replace('T', ' ').slice(0, 19),
          `${r.target.kind} ${r.target.name}`.padEnd(28),
          r.month,
          r.trigger.padEnd(9),
          r.outcome.padEnd(7),
          `${(r.durationMs / 1000).toFixed(1)}s`.padStart(6),
          `${r.outputs.length} files`.padStart(8),
          r.set && current.get(r.set.name) === r.set.id ? 'current' : '       ',
          `${r.warnings.length} warn`.padStart(7),
          changes.padStart(10),
          `workbook ${r.workbook.sha256?.slice(0, 12) ?? '?'}`,
          `delivery ${delivery}`,
          ...(r.error ? [`error: ${r.error.split('\n')[0]}`] : []),
        ].join('  ');
      });
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
