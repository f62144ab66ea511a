import { type RunInputs } from '../inputs/run-inputs.js';
import { targetInWords, type RunTarget } from '../model/target.js';
import { monthLongLabel, type MonthKey } from '../model/month.js';
import { describeDisagreements, packDisagreements, type PackFigure } from '../pack/consistency.js';
import type { ProduceContext } from './context.js';
import type { OutputSet } from './output-set.js';
import { clinicTeamMonths, produceReportSet, requireClinicRows } from './report.js';

/** What producing one target gave: its output set, or the error that stopped it. */
export type Produced = { target: RunTarget; outcome: 'produced'; set: OutputSet } | { target: RunTarget; outcome: 'failed'; error: unknown };

/**
 * Why a configured report is not produced for the month, or undefined when it is. A clinic reports
 * on the month asked or not at all: without that month's team rows it is skipped, and the reason
 * names the latest month that has them and the command that produces it. It is never quietly made
 * for another month (a pack's clinics are the exception its configuration states:
 * `month: latest-with-team-rows`, printed as such on the pack's agenda and the clinic's cover).
 */
export function skipReason(inputs: RunInputs, target: RunTarget, month: MonthKey): string | undefined {
  if (target.kind !== 'report' || inputs.loaded.settings.reports[target.name]?.kind !== 'clinic') return undefined;
  try {
    requireClinicRows(inputs, target.name, month);
    return undefined;
  } catch (error) {
    const latest = clinicTeamMonths(inputs, target.name).pop();
    const advice = latest ? `; "b4b-reports run --month ${latest} --report ${target.name}" produces it for ${monthLongLabel(latest)}` : '';
    return `${target.name} was not produced for ${monthLongLabel(month)}: ${(error as Error).message}${advice}`;
  }
}

/**
 * One figure per indicator and month across a run's outputs: every indicator and month that two
 * output sets print differently (each set already checks itself). Each disagreement becomes a warning
 * of every set that prints it, so the ledger records it and --strict refuses those sets.
 */
export function checkAcrossOutputs(sets: OutputSet[]): void {
  if (sets.length < 2) return;
  const figures: Array<PackFigure & { set: number }> = sets.flatMap((set, index) =>
    set.printed.map((f) => ({ ...f, document: `${targetInWords(set.target)} (${f.document})`, set: index })),
  );
  for (const disagreement of packDisagreements(figures)) {
    const values = disagreement.values as Array<PackFigure & { set: number }>;
    const bySet = new Map<number, Set<string>>();
    for (const f of figures) {
      if (f.indicator !== disagreement.indicator || f.month !== disagreement.month || f.kind !== disagreement.kind) continue;
      if (f.kind === 'benchmark' && f.label !== disagreement.label) continue;
      const texts = bySet.get(f.set) ?? new Set<string>();
      texts.add(f.text.trim());
      bySet.set(f.set, texts);
    }
    // A set that prints two values itself has said so already.
    if ([...bySet.values()].some((texts) => texts.size > 1)) continue;
    const [warning] = describeDisagreements([disagreement], 'outputs');
    if (!warning) continue;
    for (const index of new Set(values.map((v) => v.set))) sets[index]?.warnings.push(warning.message);
  }
}

/**
 * Produces each target for the month from the run's inputs, all at once (their documents queue for
 * the layout thread while this thread builds models and assembles packs), each on its own: a target
 * that fails does not stop the others. (A clinic the run skips is decided before: skipReason.) Then
 * the one-figure check across every output produced, which may add warnings to any of them. Results
 * keep the targets' order; `whenProduced` is told of each set as soon as it is made (its files are
 * final, its warnings not yet), with its index in `targets`.
 */
export async function produceTargets(
  inputs: RunInputs,
  targets: RunTarget[],
  month: MonthKey,
  ctx: ProduceContext,
  options: { numberItemFiles: boolean; whenProduced?: (index: number, set: OutputSet) => void },
): Promise<Produced[]> {
  const results = await Promise.all(
    targets.map(async (target, index): Promise<Produced> => {
      try {
        const set =
          target.kind === 'report'
            ? await produceReportSet(inputs, target.name, month, ctx)
            : // A pack's code (pdf-lib with it) is loaded by a run that makes a pack, while its reports are laid out.
              await (await import('./pack.js')).producePackSet(inputs, target.name, month, ctx, options);
        options.whenProduced?.(index, set);
        return { target, outcome: 'produced', set };
      } catch (error) {
        return { target, outcome: 'failed', error };
      }
    }),
  );
  checkAcrossOutputs(results.flatMap((r) => (r.outcome === 'produced' ? [r.set] : [])));
  return results;
}
