import { targetLabel, type RunTarget } from '../model/target.js';
import type { MonthKey } from '../model/month.js';
import type { FigureChange, LedgerContents, RunLedger } from './ledger.js';
import { readSnapshot } from './publish.js';
import type { TargetResult } from './run-records.js';

/** An output of the month that a run did not make again, made from figures the run changed: it still prints their old values. */
export interface OutOfStep {
  target: RunTarget;
  /** The run that made its current files. */
  run: string;
  finishedAt: string;
  /** The changes of this run it prints otherwise, one a cell: `old` is what it prints, `new` what this run printed. */
  changes: FigureChange[];
}

/**
 * After a re-run of some of a month's outputs (`run --report performance --force` for a corrected
 * figure), the month's other outputs that print a figure it changed, with another value (the one before):
 * the panel and board packs still print the old referrals figure beside a report that prints the new.
 * Found from each one's figure snapshot, by the cell a change names.
 */
export async function outputsOutOfStep(ledger: RunLedger, history: LedgerContents, results: TargetResult[], month: MonthKey): Promise<OutOfStep[]> {
  const changed = results.filter((r) => r.record.outcome === 'success').flatMap((r) => r.record.changes ?? []);
  if (!changed.some((c) => c.cell)) return [];
  const ran = new Set(results.map((r) => targetLabel(r.target)));
  // Each other target's last good run of the month: its files are the current ones.
  const latest = new Map(
    history.records.filter((r) => r.outcome === 'success' && r.month === month && !ran.has(targetLabel(r.target))).map((r) => [targetLabel(r.target), r]),
  );
  const out: OutOfStep[] = [];
  for (const record of latest.values()) {
    const snapshot = await readSnapshot(ledger, record);
    if (!snapshot) continue;
    // What it prints from each cell; a cell this run changed that it prints otherwise than the run's new value is out of step.
    const printed = new Map(Object.values(snapshot).map((e) => [JSON.stringify([e.cell, e.what ?? 'figure']), e.value]));
    const stale = new Map<string, FigureChange>();
    for (const c of changed) {
      const key = JSON.stringify([c.cell, c.what ?? 'figure']);
      const value = printed.get(key);
      if (c.cell && !stale.has(key) && value !== undefined && value !== c.new) stale.set(key, { ...c, old: value });
    }
    if (stale.size > 0) out.push({ target: record.target, run: record.id, finishedAt: record.finishedAt, changes: [...stale.values()] });
  }
  return out;
}
