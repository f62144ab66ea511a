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
