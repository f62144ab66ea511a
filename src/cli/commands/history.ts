import { InvalidArgumentError, Option, type Command } from 'commander';
import { loadProjectSettings, PROJECT_HELP, projectOption, settingsOption, type ProjectOptions } from '../project-options.js';
import { writeJson } from '../outcome.js';

interface HistoryOptions extends ProjectOptions {
  json?: boolean;
  limit: number;
}

/** --limit: a whole number of runs, 1 or more ("abc", "0", "-5" and "2.5" are usage errors). */
function positiveWholeNumber(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new InvalidArgumentError(`"${value}" is not a whole number of runs, 1 or more.`);
  return Number(value);
}

export function registerHistory(program: Command): void {
  program
    .command('history')
    .description('List recorded runs, newest first: what ran, for which month, how it ended, what it wrote and sent')
    .addOption(new Option('--limit <n>', 'how many runs to list (a whole number, 1 or more)').default(20).argParser(positiveWholeNumber))
    .option('--json', 'print {"ok": true, "ledger": FILE, "runs": [...]} with the ledger records, newest first')
    .addOption(projectOption())
    .addOption(settingsOption())
    .addHelpText('after', `\n${PROJECT_HELP}`)
    .action(async (options: HistoryOptions) => {
      const loaded = await loadProjectSettings(options);
      const { RunLedger } = await import('../../run/ledger.js');
      const runs = (await new RunLedger(loaded.paths.ledger).read()).reverse().slice(0, options.limit);
      if (options.json) {
        writeJson({ ok: true, ledger: loaded.paths.ledger, runs });
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
