/** Why a run stopped before its end: a signal (SIGTERM, SIGINT) asked it to. */
export class RunStoppedError extends Error {
  constructor(readonly signalName: NodeJS.Signals) {
    super(`the run was stopped by ${signalName} before it finished; the last good outputs are unchanged`);
    this.name = 'RunStoppedError';
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
export function stopOnSignals(onStop: (signal: NodeJS.Signals) => void = () => undefined): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(signalExitCode(signal));
    controller.abort(new RunStoppedError(signal));
    onStop(signal);
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
