/**
 * Named moments of a run at which a test can stop the process, to kill it there (kill -9) and check
 * what a crash at that moment leaves, or hold it, to signal it there. With B4B_FAULT_STOP_AT=<name>
 * the process stops itself (SIGSTOP) on reaching that point; with B4B_FAULT_HOLD_AT=<name> it waits
 * there for ever (until a signal ends it); otherwise this does nothing. Points: after-lock, producing
 * (the workbook read, the documents about to be made), staged (the new set written, nothing recorded),
 * recorded (the ledger has the run, no visible file changed yet), switching (the first file of the new
 * set in place, the others not yet), switched (every file in place).
 */
import { writeDiagnostic } from '../cli/log-format.js';

export type FaultPoint = 'after-lock' | 'producing' | 'staged' | 'recorded' | 'switching' | 'switched';

export function faultPoint(name: FaultPoint, env: NodeJS.ProcessEnv = process.env): void {
  if (env.B4B_FAULT_STOP_AT === name) process.kill(process.pid, 'SIGSTOP');
}

/** Waits for ever at `name` when B4B_FAULT_HOLD_AT names it (a test then signals the run there); else resolves at once. */
export function faultHold(name: FaultPoint, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (env.B4B_FAULT_HOLD_AT !== name) return Promise.resolve();
  writeDiagnostic('info', `held at ${name} (B4B_FAULT_HOLD_AT)`);
  return new Promise<void>(() => undefined);
}
