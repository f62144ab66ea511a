/**
 * Named moments of a run at which a test can stop the process, to kill it there (kill -9) and check
 * what a crash at that moment leaves. With B4B_FAULT_STOP_AT=<name> the process stops itself
 * (SIGSTOP) on reaching that point; otherwise this does nothing. Points: after-lock, staged (the
 * new set written, nothing recorded), recorded (the ledger has the run, no visible file changed yet),
 * switching (the first file of the new set in place, the others not yet), switched (every file in place).
 */
export type FaultPoint = 'after-lock' | 'staged' | 'recorded' | 'switching' | 'switched';

export function faultPoint(name: FaultPoint, env: NodeJS.ProcessEnv = process.env): void {
  if (env.B4B_FAULT_STOP_AT === name) process.kill(process.pid, 'SIGSTOP');
}
