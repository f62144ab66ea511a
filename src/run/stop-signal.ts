/** Why a run stopped before its end: a signal (SIGTERM, SIGINT) asked it to. */
export class RunStoppedError extends Error {
  /** What the run had published before the stop ("report performance"), and of which month: filled in as the run records the stop. */
  readonly published: string[] = [];
  month: string | undefined;

  constructor(readonly signalName: NodeJS.Signals) {
    super(`the run was stopped by ${signalName} before it finished; the last good outputs are unchanged`);
    this.name = 'RunStoppedError';
  }

  /**
   * What the stop left, for the user: nothing changed, or (a run of several outputs, each published on
   * its own) which outputs already hold the new figures while the rest keep their last good files.
   */
  summary(): string {
    if (this.published.length === 0) return this.message;
    const rerun = this.month ? `"b4b-reports run --month ${this.month} --force" brings them in line` : 'run the month again with --force to bring them in line';
    return (
      `the run was stopped by ${this.signalName} before it finished: ${this.published.join(', ')} ${this.published.length === 1 ? 'was' : 'were'} published with the new figures, ` +
      `and the other outputs were not (their last good files are unchanged), so the month's outputs may disagree; ${rerun}`
    );
  }
}

/** The exit code for a process stopped by a signal: 128 + its number (SIGINT 130, SIGTERM 143). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1;
}

/**
 * An AbortSignal that aborts, with a RunStoppedError, on the first SIGTERM or SIGINT; `dispose`
 * removes the handlers. A second signal, while the first is being handled, ends the process at once.
 */
export function stopOnSignals(onStop: (signal: NodeJS.Signals, reason: RunStoppedError) => void = () => undefined): {
  signal: AbortSignal;
  dispose: () => void;
} {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(signalExitCode(signal));
    const reason = new RunStoppedError(signal);
    // The run's listeners record the stop (and what was published) as it aborts, before onStop says so.
    controller.abort(reason);
    onStop(signal, reason);
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGTERM', handler);
      process.off('SIGINT', handler);
    },
  };
}

/**
 * Runs `work` until it ends or any of `signals` aborts (a lost lock, a stop signal), whichever comes
 * first: a stop ends the run at once, even while a step is still awaiting, with the signal's reason.
 * `work` is given the combined signal, to check between its steps.
 */
export async function untilStopped<T>(signals: Array<AbortSignal | undefined>, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const signal = AbortSignal.any(signals.filter((s): s is AbortSignal => s !== undefined));
  const stopped = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason as Error);
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });
  stopped.catch(() => undefined);
  const running = work(signal);
  running.catch(() => undefined); // if the stop wins the race, the abandoned work must not surface as unhandled
  return Promise.race([running, stopped]);
}
